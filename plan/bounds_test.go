package plan_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// PLAN-03: a renewal window of MaxInt days passed Validate and then made
// every renewal's date arithmetic overflow (issue 12); every day count of a
// policy is bounded, MaxDays at most.
func TestPLAN03_PolicyDayCountsBounded(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*plan.Policy, int)
		rule tenancy.RuleID
	}{
		{"RenewalWindowDays", func(p *plan.Policy, n int) { p.RenewalWindowDays = n }, "PLAN-03"},
		{"TrialDays", func(p *plan.Policy, n int) { p.TrialDays = n }, "PLAN-10"},
		{"GraceDays", func(p *plan.Policy, n int) { p.GraceDays = n }, "PLAN-14"},
	} {
		for _, n := range []int{math.MaxInt, math.MinInt, plan.MaxDays + 1, -1} {
			p := plan.DefaultPolicy()
			c.edit(&p, n)
			if err := p.Validate(); !errors.Is(err, plan.ErrPolicy) || tenancy.RuleOf(err) != c.rule {
				t.Errorf("%s = %d: Validate() = %v, want ErrPolicy under %s", c.name, n, err, c.rule)
			}
			if _, err := plan.NewEngine(plan.DefaultCatalog(), p); !errors.Is(err, plan.ErrPolicy) {
				t.Errorf("%s = %d: NewEngine accepted the policy", c.name, n)
			}
		}
	}
	// The widest window: a renewal may be bought on the day of purchase.
	e := ctEngine(t, func(p *plan.Policy) { p.RenewalWindowDays = plan.MaxDays })
	t0 := ctAt(2026, 1, 15)
	s := ctActive(t, e, plan.Professional, plan.Annual, t0)
	s, evs := ctDo(t, e, s, t0, plan.Renew{By: ctAdmin})
	if !s.Renewal.IsPositive() || len(evs) != 1 {
		t.Fatalf("renewal with a window of %d days: %v, renewal %s", plan.MaxDays, evs, s.Renewal)
	}
}

// PLAN-07, PLAN-08: a plan's storage limit plus the extra storage bought on
// top never overflows to a negative quota. The catalog bounds the limit, the
// command bounds the extra (refusing more), and the sum saturates.
func TestPLAN07_QuotaNeverNegative(t *testing.T) {
	ps := plan.DefaultCatalog().Plans()
	big := -1
	for i, p := range ps {
		if p.ID == plan.Enterprise {
			big = i
		}
	}
	ps[big].Limits.StorageBytes = math.MaxInt64
	_, err := plan.NewCatalog(plan.USD, ps...)
	if !errors.Is(err, plan.ErrCatalog) || !strings.Contains(err.Error(), "storage_bytes") {
		t.Fatalf("a storage limit of MaxInt64: %v", err)
	}
	ps[big].Limits.StorageBytes = plan.MaxStorageBytes
	cat, err := plan.NewCatalog(plan.USD, ps...)
	if err != nil {
		t.Fatalf("a storage limit of MaxStorageBytes: %v", err)
	}
	e, err := plan.NewEngine(cat, plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	t0 := ctAt(2026, 1, 15)
	s := ctActive(t, e, plan.Enterprise, plan.Monthly, t0)
	s, _ = ctDo(t, e, s, t0, plan.BuyExtraStorage{By: ctAdmin, Bytes: plan.MaxStorageBytes, Price: ctD("1")})
	if got := e.Limits(s).StorageBytes; got != math.MaxInt64 {
		t.Errorf("quota of MaxStorageBytes plus as much again: %d, want saturated at MaxInt64", got)
	}
	if got := e.Entitlements(s).Limits.StorageBytes; got != math.MaxInt64 {
		t.Errorf("entitled quota %d, want MaxInt64", got)
	}
	r, err := e.Restrictions(plan.Enterprise, s.AddOns.ExtraStorageBytes, plan.Usage{StorageBytes: math.MaxInt64})
	if err != nil || !r.Within() {
		t.Errorf("the largest usage on the largest quota: %+v, %v; want within", r, err)
	}
	_, _, err = e.Apply(s, t0, plan.BuyExtraStorage{By: ctAdmin, Bytes: 1, Price: ctD("1")})
	ctWantRefusal(t, err, tenancy.ErrInvalid, "PLAN-07")
	tRoundTrip(t, e, s)
}

// PLAN-03, PLAN-05: a downgrade to a period the target plan is not sold for
// would renew for nothing at period end (issue 12). It is refused when asked
// for, and a state that holds one (stored under another catalog, or edited)
// fails Check.
func TestPLAN03_DowngradeToAPeriodNotSold(t *testing.T) {
	ps := plan.DefaultCatalog().Plans()
	for i := range ps {
		if ps[i].ID == plan.Basic {
			ps[i].Prices.Monthly = ctD("0") // Basic is sold annually only
		}
	}
	cat, err := plan.NewCatalog(plan.USD, ps...)
	if err != nil {
		t.Fatal(err)
	}
	annualBasic, err := plan.NewEngine(cat, plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	t0 := ctAt(2026, 1, 15)
	s := ctActive(t, annualBasic, plan.Professional, plan.Annual, t0)
	got, evs, err := annualBasic.Apply(s, t0.AddDate(0, 1, 0), plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly})
	ctWantRefusal(t, err, tenancy.ErrInvalid, "PLAN-05")
	if evs != nil || ctJSON(t, got) != ctJSON(t, s) {
		t.Errorf("a refused downgrade changed the state")
	}
	// The same downgrade, asked for under the default catalog, where Basic
	// is sold monthly, is a state the annual-only catalog refuses.
	def := ctEngine(t)
	pending, _ := ctDo(t, def, ctActive(t, def, plan.Professional, plan.Annual, t0), t0.AddDate(0, 1, 0),
		plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly})
	b, err := json.Marshal(pending)
	if err != nil {
		t.Fatal(err)
	}
	var decoded plan.Subscription
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	if err := def.Check(decoded); err != nil {
		t.Fatalf("under the default catalog: %v", err)
	}
	err = annualBasic.Check(decoded)
	if !errors.Is(err, plan.ErrCorrupt) || tenancy.RuleOf(err) != "PLAN-03" || !strings.Contains(err.Error(), "not sold") {
		t.Fatalf("Check of a pending downgrade to basic monthly, sold annually only: %v", err)
	}
	// A downgrade to the period that is sold is accepted.
	ok, _ := ctDo(t, annualBasic, s, t0.AddDate(0, 1, 0), plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Annual})
	if ok.Pending.Kind != plan.ChangeDowngrade {
		t.Fatalf("pending %v, want a downgrade", ok.Pending.Kind)
	}
}
