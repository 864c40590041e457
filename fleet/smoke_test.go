package fleet_test

import (
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

func TestSmoke(t *testing.T) {
	for _, deferred := range []bool{false, true} {
		m := fleet.NewMemory(fleet.Default())
		m.Deferred = deferred
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		ada := tenancy.Admin("ada")
		do := func(at time.Time, c fleet.Command) {
			t.Helper()
			r, err := m.Do(at, c, "")
			if err != nil {
				t.Fatalf("%T: %v", c, err)
			}
			for _, e := range r.Effects {
				t.Log(e.ID(), "|", e)
			}
		}
		do(t0, fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu"})
		do(t0, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}})
		do(t0, fleet.CreateNetwork{Head: "hq", By: ada})
		do(t0, fleet.NewAccount{ID: "lyon", Owner: "ada", DomainZone: "eu"})
		do(t0, fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly}}})
		do(t0, fleet.Connect{Head: "hq", Branch: "lyon", By: ada})
		do(t0, fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}})
		if _, err := m.Do(t0, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}}, ""); tenancy.RuleOf(err) != "NET-10" {
			t.Fatalf("head cancel: %v", err)
		}
		effs, err := m.AdvanceTo(t0.AddDate(0, 2, 0), 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range effs {
			t.Log(e.ID(), "|", e)
		}
		n, _ := m.Network("hq")
		t.Log(n.Branches())
		a, _ := m.Account("lyon")
		if !a.Blocked() {
			t.Fatalf("lyon not blocked: %+v", a)
		}
	}
}
