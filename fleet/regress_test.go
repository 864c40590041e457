package fleet_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// dormantHead is hq, on Enterprise monthly from 2 March 2026 09:00 UTC,
// heading a network that connects lyon (Basic annual), with bob an
// employee of hq. hq's month ends unpaid on 2 April; grace runs out on 17
// April 09:00 and hq drops to free, lyon still connected. The store is
// advanced to that instant and no further: from then on nobody advances
// hq. Its inactivity count runs from its drop to free (LIFE-03, later
// than its creation): suspended on 17 May 09:00, deleted on 16 June
// 09:00 (LIFE-01, LIFE-04, LIFE-05).
func dormantHead(t *testing.T, deferred bool) *fleet.Memory {
	t.Helper()
	m := fleet.NewMemory(fleet.Default())
	m.Deferred = deferred
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	buy := func(id tenancy.AccountID, p plan.PlanID, per plan.Period) fleet.Command {
		return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: p, Period: per}}}
	}
	for _, c := range []fleet.Command{
		fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu"},
		fleet.OnAccount{Account: "hq", Cmd: lifecycle.AddUser{By: ada, User: "bob", Role: tenancy.RoleEmployee}},
		buy("hq", plan.Enterprise, plan.Monthly),
		fleet.CreateNetwork{Head: "hq", By: ada},
		fleet.NewAccount{ID: "lyon", Owner: "ada", DomainZone: "eu"},
		buy("lyon", plan.Basic, plan.Annual),
		fleet.Connect{Head: "hq", Branch: "lyon", By: ada},
	} {
		must(t, m, t0, c)
	}
	lapse := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)
	if _, err := m.AdvanceTo(lapse, 0); err != nil {
		t.Fatal(err)
	}
	hq, _ := m.Account("hq")
	n := mustNetwork(t, m)
	if hq.Sub.Status != plan.StatusFree || hq.Stage != lifecycle.StageActive || n.Status() != network.Disabled || n.Active() != 1 {
		t.Fatalf("setup: hq %v %v, network %v with %d connected", hq.Sub.Status, hq.Stage, n.Status(), n.Active())
	}
	return m
}

// LIFE-05 over PLAN-02 and NET-10, the regression of issue 12 (rapid seed
// 8017216510947916132 of TestNetworkMachine): a plan command on a head
// that the service had not advanced for two months, meanwhile deleted, is
// refused as deleted (LIFE-05), not as unauthorized (PLAN-02) nor as
// locked by its connected branch (NET-10), whoever issues it and whatever
// it asks; the refusal changes nothing in the store, immediate or
// deferred. The day after the lapse, alive, the same commands get those
// other answers: the scenario is the one the seed found.
func TestLIFE05_DormantDeletedHeadRefusesFirst(t *testing.T) {
	cases := map[string]struct {
		cmd plan.Command
		// alive is the rule that refuses the command on 18 April, "" for
		// none.
		alive tenancy.RuleID
	}{
		"an administrator changes the plan":         {plan.ChangePlan{By: ada, Plan: plan.Basic, Period: plan.Monthly}, "NET-10"},
		"an administrator turns auto-renewal off":   {plan.SetAutoRenew{By: ada, On: false}, "NET-10"},
		"an employee cancels":                       {plan.Cancel{By: tenancy.Employee("bob")}, "PLAN-02"},
		"a stranger buys Enterprise":                {plan.Purchase{By: tenancy.Admin("mallory"), Plan: plan.Enterprise, Period: plan.Monthly}, "PLAN-02"},
		"the owner buys Enterprise (NET-09 allows)": {plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Monthly}, ""},
	}
	dayAfter := time.Date(2026, 4, 18, 9, 0, 0, 0, time.UTC)
	later := time.Date(2026, 6, 17, 10, 0, 0, 0, time.UTC) // two months on
	purge := time.Date(2026, 6, 16, 9, 0, 0, 0, time.UTC)
	for name, c := range cases {
		cmd := fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: c.cmd}}
		t.Run(name, func(t *testing.T) {
			alive := dormantHead(t, false)
			_, err := alive.Do(dayAfter, cmd, "")
			if got := tenancy.RuleOf(err); got != c.alive || (c.alive == "") != (err == nil) {
				t.Fatalf("on 18 April, alive: %v, want rule %q", err, c.alive)
			}
			for _, deferred := range []bool{false, true} {
				m := dormantHead(t, deferred)
				before, logLen := jsonOf(t, m), len(m.Log)
				r, err := m.Do(later, cmd, "req-1")
				if !errors.Is(err, lifecycle.ErrDeleted) || tenancy.RuleOf(err) != "LIFE-05" {
					t.Fatalf("deferred %v: %v, want the LIFE-05 refusal of a deleted account", deferred, err)
				}
				if r.Outcome.Rule != "LIFE-05" || r.Outcome.Kind != "refused" || len(r.Effects) != 0 || len(r.Changed) != 0 {
					t.Errorf("deferred %v: outcome %+v, effects %v, changed %v", deferred, r.Outcome, r.Effects, r.Changed)
				}
				if jsonOf(t, m) != before || len(m.Log) != logLen {
					t.Errorf("deferred %v: the refusal changed the store", deferred)
				}
				// Replayed, the request gives the same answer (its rule
				// and tenancy's sentinel: Outcome.Err).
				if _, err := m.Do(later, cmd, "req-1"); tenancy.RuleOf(err) != "LIFE-05" || !errors.Is(err, tenancy.ErrRefused) {
					t.Errorf("deferred %v: the replay: %v", deferred, err)
				}
			}
		})
	}

	// Through Step, with the states a store loaded: the same refusal,
	// the states as they were.
	m := dormantHead(t, false)
	s := cloneStates(m.States())
	before := statesJSON(t, s)
	_, err := m.Engine().Step(s, fleet.Input{Now: later, Command: fleet.OnAccount{Account: "hq",
		Cmd: lifecycle.Plan{Cmd: plan.ChangePlan{By: tenancy.Admin("mallory"), Plan: plan.Basic, Period: plan.Monthly}}}})
	if tenancy.RuleOf(err) != "LIFE-05" || statesJSON(t, s) != before {
		t.Fatalf("Step: %v (states changed: %v), want LIFE-05 and nothing changed", err, statesJSON(t, s) != before)
	}

	// Once the sweeper advances hq, the purge is dated 16 June 09:00, the
	// network hears of it, and the command is refused by LIFE-05 again,
	// now from the stored deleted account.
	r := must(t, m, later, fleet.Advance{Key: fleet.AccountKey("hq")})
	i := slices.IndexFunc(r.Effects, func(e fleet.Effect) bool { return e.Kind == "life.purge" })
	if i < 0 || !r.Effects[i].At.Equal(purge) || r.Effects[i].Rule != "LIFE-05" || r.Effects[i].Account != "hq" {
		t.Fatalf("advancing hq: %v, want its purge at %v", r.Effects, purge)
	}
	hq, _ := m.Account("hq")
	if hq.Stage != lifecycle.StageDeleted || hq.Network != "" {
		t.Fatalf("hq after the advance: %v in %q", hq.Stage, hq.Network)
	}
	if _, err := m.Do(later, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}}, ""); tenancy.RuleOf(err) != "LIFE-05" {
		t.Fatalf("a command on the stored deleted head: %v, want LIFE-05", err)
	}
	accs := []lifecycle.Account{hq}
	lyon, _ := m.Account("lyon")
	accs = append(accs, lyon)
	if probs := m.Engine().Check(mustNetwork(t, m), accs); len(probs) != 0 {
		t.Fatalf("the network and its members disagree after the head's deletion: %v", probs)
	}
}
