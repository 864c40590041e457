package fleet_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// NET-10 with NET-09: a head that lapsed to free while a branch is still
// connected may buy Enterprise again, which resumes the network, but no
// other plan.
func TestNET10_LapsedHeadBuysOnlyEnterprise(t *testing.T) {
	m := fleet.NewMemory(fleet.Default())
	ada := tenancy.Admin("ada")
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	must := func(at time.Time, c fleet.Command) {
		t.Helper()
		if _, err := m.Do(at, c, ""); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	buy := func(id tenancy.AccountID, p plan.PlanID) fleet.Command {
		return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: p, Period: plan.Monthly}}}
	}
	must(t0, fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu"})
	must(t0, buy("hq", plan.Enterprise))
	must(t0, fleet.CreateNetwork{Head: "hq", By: ada})
	must(t0, fleet.NewAccount{ID: "lyon", Owner: "ada", DomainZone: "eu"})
	must(t0, fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Annual}}})
	must(t0, fleet.Connect{Head: "hq", Branch: "lyon", By: ada})
	// hq's month ends unpaid on 2 April; grace runs out on 17 April.
	lapsed := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	if _, err := m.AdvanceTo(lapsed, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := m.Network("hq"); n.Status() != network.Disabled || n.Active() != 1 {
		t.Fatalf("setup: network %v with %d connected", n.Status(), n.Active())
	}
	_, err := m.Do(lapsed, buy("hq", plan.Basic), "")
	if !errors.Is(err, network.ErrHeadLocked) || tenancy.RuleOf(err) != "NET-10" {
		t.Fatalf("a lapsed head buying Basic with a branch connected: %v, want a NET-10 refusal", err)
	}
	must(lapsed, buy("hq", plan.Enterprise))
	if n, _ := m.Network("hq"); n.Status() != network.Operating {
		t.Fatalf("after Enterprise again the network is %v, want operating (NET-09)", n.Status())
	}
}
