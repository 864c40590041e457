package network_test

import (
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// nrExampleEngines returns a lifecycle engine and a network engine with the
// default policies.
func nrExampleEngines() (*lifecycle.Engine, *network.Engine) {
	plans, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	lives, err := lifecycle.NewEngine(plans, lifecycle.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	nets, err := network.NewEngine(lives, network.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	return lives, nets
}

// nrExampleAccount returns a new account owned by owner, in zone "eu", with
// the given plan (none: free) bought at now and the extra administrators.
func nrExampleAccount(lives *lifecycle.Engine, id tenancy.AccountID, owner tenancy.UserID, p plan.PlanID, now time.Time, admins ...tenancy.UserID) lifecycle.Account {
	a, err := lives.New(id, owner, "eu", time.UTC, now)
	if err != nil {
		panic(err)
	}
	for _, u := range admins {
		if a, _, err = lives.Apply(a, now, lifecycle.AddUser{By: tenancy.Admin(owner), User: u, Role: tenancy.RoleAdministrator}); err != nil {
			panic(err)
		}
	}
	if p != "" {
		if a, _, err = lives.Apply(a, now, lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin(owner), Plan: p, Period: plan.Monthly}}); err != nil {
			panic(err)
		}
	}
	return a
}

// nrExamplePrint prints the network's effects and the account's blocks and
// unblocks, the actions a service carries out.
func nrExamplePrint(effects []network.Effect, lives []lifecycle.Effect) {
	for _, e := range lives {
		if e.Kind == lifecycle.EffectBlock || e.Kind == lifecycle.EffectUnblock {
			fmt.Printf("%s %s %s %s\n", e.At.Format(time.DateOnly), e.Rule, e.Kind, e.Account)
		}
	}
	for _, e := range effects {
		fmt.Println(e)
	}
}

// nrExampleCarry prints every effect and carries out on acc those addressed
// to it, as a service would.
func nrExampleCarry(nets *network.Engine, acc lifecycle.Account, effects []network.Effect, err error, now time.Time) lifecycle.Account {
	if err != nil {
		panic(err)
	}
	for _, e := range effects {
		fmt.Println(e)
		if e.Account == acc.ID {
			if acc, _, err = nets.Carry(acc, e, now); err != nil {
				panic(err)
			}
		}
	}
	return acc
}

// nrExampleFollow moves member acc of n to now, one deadline at a time, as
// a service's scheduler does: after each, Align schedules or lifts the
// account's plan compatibility block and Observe tells the network.
func nrExampleFollow(lives *lifecycle.Engine, nets *network.Engine, n *network.Network, acc lifecycle.Account, now time.Time) lifecycle.Account {
	for {
		next, ok := acc.NextDeadline()
		if !ok || next.After(now) {
			return acc
		}
		var leffs, more []lifecycle.Effect
		var err error
		if acc, leffs, err = lives.Advance(acc, next, nil); err != nil {
			panic(err)
		}
		if acc, more, err = nets.Align(acc, next); err != nil {
			panic(err)
		}
		effects, err := nets.Observe(n, acc, next)
		if err != nil {
			panic(err)
		}
		nrExamplePrint(effects, append(leffs, more...))
	}
}

// A free account joins a network as a branch and lives through NET-06 to
// NET-09: it runs the 15-day branch trial; when the trial ends it is
// incompatible, in red, and 15 days later its own scheduled block falls;
// buying a plan reconnects and unblocks it. Then the head does not pay:
// after its grace it lapses to free, the network is disabled and hidden at
// the branch, the head is blocked 15 days later, and Enterprise again
// resumes everything.
func Example_branchLifecycle() {
	lives, nets := nrExampleEngines()
	start := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	hq := nrExampleAccount(lives, "hq", "ada", plan.Enterprise, start)
	lyon := nrExampleAccount(lives, "lyon", "bea", "", start, "ada")

	n, effects, err := nets.Create(hq, "ada", start)
	hq = nrExampleCarry(nets, hq, effects, err, start)

	// NET-06: the free account joins on a 15-day trial.
	join := start.Add(time.Hour)
	effects, err = nets.Connect(n, hq, lyon, "ada", join)
	lyon = nrExampleCarry(nets, lyon, effects, err, join)
	fmt.Println("lyon on trial until", lyon.Sub.End.Format("2006-01-02 15:04"))

	// NET-07: the trial ends on free; the block is scheduled on lyon.
	lyon = nrExampleFollow(lives, nets, n, lyon, lyon.Sub.End)
	for _, b := range n.Widget("hq").Branches {
		fmt.Println("widget at hq:", b.Account, b.Status, "red:", b.Red)
	}
	block, _ := lyon.ScheduledFor(network.CauseBranch)
	lyon = nrExampleFollow(lives, nets, n, lyon, block)
	fmt.Println("lyon usable:", lyon.Usable() == nil)

	// NET-08: a commercial plan reconnects and unblocks it.
	buy := time.Date(2026, time.April, 3, 12, 0, 0, 0, time.UTC)
	lyon, leffs, effects, err := nets.ApplyPlan(n, lyon, buy, plan.Purchase{By: tenancy.Admin("bea"), Plan: plan.Basic, Period: plan.Monthly})
	if err != nil {
		panic(err)
	}
	nrExamplePrint(effects, leffs)
	fmt.Println("lyon usable:", lyon.Usable() == nil, "and", n.Widget("hq").Branches[0].Status)

	// NET-09: the head's period ended unpaid on 2 April; its grace runs
	// out on 17 April.
	hq = nrExampleFollow(lives, nets, n, hq, time.Date(2026, time.April, 17, 9, 0, 0, 0, time.UTC))
	fmt.Println("widget at lyon visible:", n.Widget("lyon").Visible)
	block, _ = hq.ScheduledFor(network.CauseHead)
	hq = nrExampleFollow(lives, nets, n, hq, block)

	back := time.Date(2026, time.May, 4, 9, 0, 0, 0, time.UTC)
	hq, leffs, effects, err = nets.ApplyPlan(n, hq, back, plan.Purchase{By: tenancy.Admin("ada"), Plan: plan.Enterprise, Period: plan.Annual})
	if err != nil {
		panic(err)
	}
	nrExamplePrint(effects, leffs)
	fmt.Println("widget at lyon visible:", n.Widget("lyon").Visible, "head usable:", hq.Usable() == nil)
	// Output:
	// 2026-03-02 NET-01 created hq to=ada
	// 2026-03-02 NET-02 connected lyon to=ada
	// 2026-03-02 NET-06 start-trial lyon to=ada
	// 2026-03-02 NET-13 notify lyon to=bea
	// 2026-03-02 NET-13 notify lyon to=ada
	// lyon on trial until 2026-03-17 10:00
	// 2026-03-17 NET-07 incompatible lyon deadline=2026-04-01
	// widget at hq: lyon incompatible red: true
	// 2026-04-01 LIFE-08 block lyon
	// 2026-04-01 NET-07 blocked lyon
	// lyon usable: false
	// 2026-04-03 LIFE-08 unblock lyon
	// 2026-04-03 NET-08 reconnected lyon
	// lyon usable: true and connected
	// 2026-04-17 NET-09 disabled hq deadline=2026-05-02
	// widget at lyon visible: false
	// 2026-05-02 LIFE-08 block hq
	// 2026-05-02 NET-09 blocked hq
	// 2026-05-04 LIFE-08 unblock hq
	// 2026-05-04 NET-09 resumed hq
	// widget at lyon visible: true head usable: true
}

// The widget as the head sees it lists every branch, an incompatible one in
// red with the date it will be blocked (NET-07); a branch sees only that
// the network operates, and an account outside it sees nothing.
func ExampleNetwork_Widget() {
	lives, nets := nrExampleEngines()
	start := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	hq := nrExampleAccount(lives, "hq", "ada", plan.Enterprise, start)
	n, _, err := nets.Create(hq, "ada", start)
	if err != nil {
		panic(err)
	}
	accs := map[tenancy.AccountID]lifecycle.Account{
		"berlin": nrExampleAccount(lives, "berlin", "bea", plan.Professional, start, "ada"),
		"lyon":   nrExampleAccount(lives, "lyon", "cal", "", start, "ada"),
		"milan":  nrExampleAccount(lives, "milan", "dan", plan.Basic, start, "ada"),
	}
	for _, id := range []tenancy.AccountID{"berlin", "lyon", "milan"} {
		effects, err := nets.Connect(n, hq, accs[id], "ada", start)
		if err != nil {
			panic(err)
		}
		for _, e := range effects {
			if e.Account == id {
				if accs[id], _, err = nets.Carry(accs[id], e, start); err != nil {
					panic(err)
				}
			}
		}
	}
	// Milan cancels at once on 10 March and drops to free; Align
	// schedules its block, Observe tells the network.
	drop := time.Date(2026, time.March, 10, 9, 0, 0, 0, time.UTC)
	milan, _, err := lives.Apply(accs["milan"], drop, lifecycle.Plan{Cmd: plan.Cancel{By: tenancy.Admin("dan"), Now: true}})
	if err != nil {
		panic(err)
	}
	if milan, _, err = nets.Align(milan, drop); err != nil {
		panic(err)
	}
	if _, err := nets.Observe(n, milan, drop); err != nil {
		panic(err)
	}

	w := n.Widget("hq")
	fmt.Println("at hq:", w.Status, "visible:", w.Visible)
	for _, b := range w.Branches {
		fmt.Print(b.Account, " ", b.Status)
		if b.Red {
			fmt.Print(" (red, blocked on ", b.Deadline.Format(time.DateOnly), ")")
		}
		fmt.Println()
	}
	at := n.Widget("lyon")
	fmt.Println("at lyon:", at.Status, "visible:", at.Visible, "branches listed:", len(at.Branches))
	fmt.Println("elsewhere visible:", n.Widget("paris").Visible)
	// Output:
	// at hq: operating visible: true
	// berlin connected
	// lyon trial
	// milan incompatible (red, blocked on 2026-03-25)
	// at lyon: operating visible: true branches listed: 0
	// elsewhere visible: false
}

// Every branch is a separate account (NET-12): administering the head, or
// working in the same network, shows nothing of the branches. An
// accountant who needs every branch is invited to each.
func ExampleCanSee() {
	lives, nets := nrExampleEngines()
	start := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	hq := nrExampleAccount(lives, "hq", "ada", plan.Enterprise, start, "eve")
	hq, _, err := lives.Apply(hq, start, lifecycle.AddUser{By: tenancy.Admin("ada"), User: "acc", Role: tenancy.RoleEmployee})
	if err != nil {
		panic(err)
	}
	b1 := nrExampleAccount(lives, "b1", "bea", plan.Basic, start, "ada")
	b2 := nrExampleAccount(lives, "b2", "cal", plan.Basic, start, "ada")
	n, _, err := nets.Create(hq, "ada", start)
	if err != nil {
		panic(err)
	}
	for _, b := range []lifecycle.Account{b1, b2} {
		if _, err := nets.Connect(n, hq, b, "ada", start); err != nil {
			panic(err)
		}
	}

	all := []lifecycle.Account{hq, b1, b2}
	fmt.Println("eve, administrator of the head, sees", network.Visible("eve", all))
	fmt.Println("acc sees", network.Visible("acc", all))
	fmt.Println("acc may see b1:", network.CanSee("acc", b1))

	invite := start.Add(time.Hour)
	b1, _, err = lives.Apply(b1, invite, lifecycle.AddUser{By: tenancy.Admin("bea"), User: "acc", Role: tenancy.RoleEmployee})
	if err != nil {
		panic(err)
	}
	b2, _, err = lives.Apply(b2, invite, lifecycle.AddUser{By: tenancy.Admin("cal"), User: "acc", Role: tenancy.RoleEmployee})
	if err != nil {
		panic(err)
	}
	all = []lifecycle.Account{hq, b1, b2}
	fmt.Println("invited to each branch, acc sees", network.Visible("acc", all))
	fmt.Println("bea sees", network.Visible("bea", all))
	// Output:
	// eve, administrator of the head, sees [hq]
	// acc sees [hq]
	// acc may see b1: false
	// invited to each branch, acc sees [hq b1 b2]
	// bea sees [b1]
}
