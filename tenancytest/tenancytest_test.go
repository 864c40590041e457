package tenancytest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
	"github.com/tenancykit/tenancy/tenancytest"
)

// TestDefaults runs the kit over the library's defaults: every invariant
// of the package documentation (LIFE-02, LIFE-03, LIFE-05, LIFE-07,
// LIFE-08, PLAN-06, PLAN-07, NET-04, NET-10, refusals change nothing)
// holds over random scenarios.
func TestDefaults(t *testing.T) {
	tenancytest.Check(t, tenancytest.Default())
}

// TestUnusualConfigurations runs the kit over configurations an
// integrator might choose, far from the defaults: the invariants hold for
// each (LIFE-02 with other warning days, PLAN-06 and PLAN-07 with other
// refund methods and fees, NET-10 with a branch cap, LIFE-07 with other
// deletion policies).
func TestUnusualConfigurations(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	for _, c := range []struct {
		name string
		set  func(c *tenancytest.Config)
	}{
		{"short trial, three warnings, refunds by days with a fee, two branches", func(c *tenancytest.Config) {
			c.Plans.TrialDays = 7
			c.Lives.WarningDays = []int{10, 5, 2}
			c.Plans.Refund = plan.RefundPolicy{Method: plan.RefundDays, Fee: decimal.NewFromInt(5)}
			c.Networks.MaxBranches = 2
		}},
		{"days not weeks, in Berlin, support deletes", func(c *tenancytest.Config) {
			c.Zone = load("Europe/Berlin")
			c.Lives = lifecycle.Policy{InactivityDays: 3, WarningDays: []int{2, 1}, PurgeDays: 3, Deletion: lifecycle.DeleteSupportOnly}
			c.Plans.GraceDays, c.Plans.RenewalWindowDays = 1, 1
			c.Plans.Proration.Basis, c.Plans.Rounding = plan.ProrateThirtyDayMonth, plan.RoundHalfEven
			c.Plans.Upgrade, c.Plans.Bounds = plan.UpgradeKeepsAnchor, plan.BoundAtMidnight
		}},
		{"one early warning, no refunds, in Santiago, any administrator deletes", func(c *tenancytest.Config) {
			c.Zone = load("America/Santiago")
			c.Lives = lifecycle.Policy{InactivityDays: 30, WarningDays: []int{29}, PurgeDays: 60, Deletion: lifecycle.DeleteAnyAdministrator}
			c.Plans.Refund = plan.RefundPolicy{Method: plan.RefundNone}
			c.Plans.OverLimit = plan.AccessReadOnly
			c.Networks.TrialDays, c.Networks.GraceDays = 1, 60
		}},
		{"a catalog of its own, in euros", func(c *tenancytest.Config) {
			c.Catalog = new(plan.Catalog)
			if err := json.Unmarshal([]byte(euroCatalog), c.Catalog); err != nil {
				t.Fatal(err)
			}
			c.Plans.Refund = plan.RefundPolicy{Method: plan.RefundWholeMonths, Fee: decimal.RequireFromString("2.50")}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := tenancytest.Default()
			c.set(&cfg)
			tenancytest.Check(t, cfg)
		})
	}
}

// euroCatalog is a catalog unlike the default one: four plans, prices in
// euros with cents, a small team plan and an enterprise tier a head can
// use (NET-01).
const euroCatalog = `{"currency": {"code": "EUR", "minor": 2}, "plans": [
  {"id": "gratis", "name": "Gratis", "kind": "free", "rank": 0, "limits": {"users": 3, "storage_bytes": 1000000000}, "features": ["crm"], "prices": {"monthly": "0", "annual": "0"}},
  {"id": "probe", "name": "Probe", "kind": "trial", "rank": 0, "limits": {"users": 10, "storage_bytes": 10000000000}, "features": ["crm", "tasks"], "prices": {"monthly": "0", "annual": "0"}},
  {"id": "team", "name": "Team", "kind": "commercial", "rank": 1, "limits": {"users": 10, "storage_bytes": 50000000000}, "features": ["crm", "tasks"], "prices": {"monthly": "9.99", "annual": "99"}},
  {"id": "konzern", "name": "Konzern", "kind": "enterprise", "rank": 2, "limits": {"users": 500, "storage_bytes": 5000000000000}, "features": ["crm", "tasks", "reports"], "prices": {"monthly": "200", "annual": "1999.99"}}
]}`
