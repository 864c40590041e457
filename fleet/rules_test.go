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

// NET-07: the projection of a branch that will drop to free includes the
// block its drop schedules, 15 days later, which the account's own
// lifecycle projection cannot know of.
func TestNET07_ProjectionShowsTheComingBlock(t *testing.T) {
	m := fleet.NewMemory(fleet.Default())
	ada := tenancy.Admin("ada")
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []fleet.Command{
		fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu"},
		fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}},
		fleet.CreateNetwork{Head: "hq", By: ada},
		fleet.NewAccount{ID: "lyon", Owner: "ada", DomainZone: "eu"},
		fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly}}},
		fleet.Connect{Head: "hq", Branch: "lyon", By: ada},
		fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}},
	} {
		if _, err := m.Do(t0, c, ""); err != nil {
			t.Fatalf("%T: %v", c, err)
		}
	}
	lyon, _ := m.Account("lyon")
	var blockAt time.Time
	for _, e := range m.Engine().Project(lyon) {
		if e.Kind == "life.block" && e.Cause == network.CauseBranch {
			blockAt = e.At
		}
	}
	if want := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC); !blockAt.Equal(want) {
		t.Fatalf("projected block at %v, want %v (the drop on 2 April plus 15 days)", blockAt, want)
	}
	for _, l := range m.Engine().Lives().Project(lyon) {
		if l.Kind == lifecycle.EffectBlock {
			t.Fatalf("the lifecycle projection alone shows a block: the test no longer shows what fleet adds")
		}
	}
	// What Project promised is what happens.
	effs, err := m.AdvanceTo(time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC), 0)
	if err != nil {
		t.Fatal(err)
	}
	if last := effs[len(effs)-1]; last.Kind != "net.blocked" || !last.At.Equal(blockAt) {
		t.Fatalf("the advance ends with %v, want the block at %v", last, blockAt)
	}
}
