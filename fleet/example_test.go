package fleet_test

import (
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// A head on Enterprise, a branch that cancels: when its period ends it is
// incompatible, and 15 days later the plan compatibility check blocks it
// (NET-07). Meanwhile the head cannot cancel (NET-10).
func Example() {
	store := fleet.NewMemory(fleet.Default())
	ada := tenancy.Admin("ada")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, cmd := range []fleet.Command{
		fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu"},
		fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}},
		fleet.CreateNetwork{Head: "hq", By: ada},
		fleet.NewAccount{ID: "lyon", Owner: "ada", DomainZone: "eu"},
		fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly}}},
		fleet.Connect{Head: "hq", Branch: "lyon", By: ada},
		fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}},
	} {
		if _, err := store.Do(now, cmd, ""); err != nil {
			fmt.Println(err)
		}
	}
	_, err := store.Do(now, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}}, "")
	fmt.Println("head cancels:", tenancy.RuleOf(err))

	effects, _ := store.AdvanceTo(time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC), 0)
	for _, e := range effects {
		fmt.Println(e.At.Format(time.DateOnly), e.Rule, e.Kind, e.Account, e.Class)
	}
	// Output:
	// head cancels: NET-10
	// 2026-04-02 PLAN-04 plan.rolled-back lyon notice
	// 2026-04-02 PLAN-08 plan.limits-reduced lyon action
	// 2026-04-02 NET-07 net.incompatible lyon notice
	// 2026-04-17 LIFE-08 life.block lyon action
	// 2026-04-17 NET-07 net.blocked lyon notice
}

// A request ID makes a command idempotent: the replay returns the first
// outcome and emits nothing new.
func ExampleMemory_Do_request() {
	store := fleet.NewMemory(fleet.Default())
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	store.Do(now, fleet.NewAccount{ID: "bistro", Owner: "bo"}, "")
	buy := fleet.OnAccount{Account: "bistro", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin("bo"), Plan: plan.Basic, Period: plan.Monthly}}}
	first, _ := store.Do(now, buy, "req-1")
	again, _ := store.Do(now.Add(time.Minute), buy, "req-1")
	fmt.Println(len(first.Effects), again.Replayed, len(again.Effects), again.Outcome.Effects[0] == first.Effects[0].ID())
	// Output:
	// 1 true 0 true
}

// Keys names the rows a command locks, in the one order every step uses.
func ExampleEngine_Keys() {
	eng := fleet.Default()
	keys := eng.Keys(fleet.Connect{Head: "hq", Branch: "lyon", By: tenancy.Admin("ada")}, nil)
	fmt.Println(keys)
	// Output:
	// [account:hq account:lyon network:hq]
}
