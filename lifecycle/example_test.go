package lifecycle_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// lrExampleEngine returns a lifecycle engine with the default policies.
func lrExampleEngine() *lifecycle.Engine {
	plans, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	eng, err := lifecycle.NewEngine(plans, lifecycle.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	return eng
}

// A free account nobody uses after its creation on 2 March 2026: the owner
// is warned 7, 3 and 1 days before the suspension on 1 April (LIFE-01,
// LIFE-02), then again before the deletion on 1 May (LIFE-04), and the
// account is purged (LIFE-05). A scheduler that wakes up only a year later
// still gets every warning, in order, before the action.
func ExampleEngine_Advance() {
	eng := lrExampleEngine()
	created := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	a, err := eng.New("acme", "ada", "eu", time.UTC, created)
	if err != nil {
		panic(err)
	}
	next, _ := a.NextDeadline()
	fmt.Println("next deadline:", next.Format(time.DateOnly))

	a, effects, err := eng.Advance(a, created.AddDate(1, 0, 0), nil)
	if err != nil {
		panic(err)
	}
	for _, e := range effects {
		fmt.Println(e)
	}
	_, more := a.NextDeadline()
	fmt.Println(a.Stage, "more deadlines:", more)
	// Output:
	// next deadline: 2026-03-25
	// 2026-03-25 LIFE-02 warn-suspension to=ada deadline=2026-04-01
	// 2026-03-29 LIFE-02 warn-suspension to=ada deadline=2026-04-01
	// 2026-03-31 LIFE-02 warn-suspension to=ada deadline=2026-04-01
	// 2026-04-01 LIFE-01 suspend deadline=2026-05-01
	// 2026-04-24 LIFE-02 warn-deletion to=ada deadline=2026-05-01
	// 2026-04-28 LIFE-02 warn-deletion to=ada deadline=2026-05-01
	// 2026-04-30 LIFE-02 warn-deletion to=ada deadline=2026-05-01
	// 2026-05-01 LIFE-05 purge data=CRM entries, tasks, activity stream posts, user accounts, documents, messages
	// deleted more deadlines: false
}

// The future of a paid account whose owner cancelled: the plan rolls back
// to free at the end of the paid year (PLAN-04), and only then does the
// inactivity count start (LIFE-03), although nobody has logged in since the
// purchase. Customer-facing notices read their dates from here.
func ExampleEngine_Project() {
	eng := lrExampleEngine()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	bought := time.Date(2026, time.January, 15, 10, 0, 0, 0, berlin)
	a, err := eng.New("acme", "ada", "eu", berlin, bought)
	if err != nil {
		panic(err)
	}
	a, _, err = eng.Apply(a, bought, lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin("ada"), Plan: plan.Professional, Period: plan.Annual}})
	if err != nil {
		panic(err)
	}
	a, _, err = eng.Apply(a, bought.AddDate(0, 0, 17), lifecycle.Plan{Cmd: plan.Cancel{By: tenancy.Admin("ada"), Reason: "closing"}})
	if err != nil {
		panic(err)
	}
	for _, e := range eng.Project(a) {
		fmt.Println(e)
	}
	// Output:
	// 2027-01-15 PLAN-04 rolled-back plan=free
	// 2027-01-15 PLAN-08 limits-reduced plan=free
	// 2027-02-07 LIFE-02 warn-suspension to=ada deadline=2027-02-14
	// 2027-02-11 LIFE-02 warn-suspension to=ada deadline=2027-02-14
	// 2027-02-13 LIFE-02 warn-suspension to=ada deadline=2027-02-14
	// 2027-02-14 LIFE-01 suspend deadline=2027-03-16
	// 2027-03-09 LIFE-02 warn-deletion to=ada deadline=2027-03-16
	// 2027-03-13 LIFE-02 warn-deletion to=ada deadline=2027-03-16
	// 2027-03-15 LIFE-02 warn-deletion to=ada deadline=2027-03-16
	// 2027-03-16 LIFE-05 purge data=CRM entries, tasks, activity stream posts, user accounts, documents, messages
}

// A login restarts the inactivity count (LIFE-01). Apply first fires what
// was due, here the first warning, then runs the command; it commits
// nothing, so the account it was given still counts down to 1 April.
func ExampleEngine_Apply() {
	eng := lrExampleEngine()
	created := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	a, err := eng.New("acme", "ada", "eu", time.UTC, created)
	if err != nil {
		panic(err)
	}
	login := time.Date(2026, time.March, 26, 10, 30, 0, 0, time.UTC)
	b, effects, err := eng.Apply(a, login, lifecycle.Login{User: "ada"})
	if err != nil {
		panic(err)
	}
	for _, e := range effects {
		fmt.Println(e)
	}
	next, _ := b.NextDeadline()
	fmt.Println("suspension:", b.Deadline.Format(time.DateTime), "next warning:", next.Format(time.DateTime))
	fmt.Println("unchanged:", a.Deadline.Format(time.DateTime))

	// Someone who is not a member cannot log in (PLAN-02).
	_, _, err = eng.Apply(b, login, lifecycle.Login{User: "mallory"})
	fmt.Println(err)
	// Output:
	// 2026-03-25 LIFE-02 warn-suspension to=ada deadline=2026-04-01
	// 2026-03-26 LIFE-01 activity to=ada deadline=2026-04-25
	// suspension: 2026-04-25 10:30:00 next warning: 2026-04-18 10:30:00
	// unchanged: 2026-04-01 09:00:00
	// PLAN-02: mallory is not a member of account acme
}

// A user's network identity outlives every account (LIFE-06): only the user
// may ask to delete it; nobody else, not even the service.
func ExampleForgetIdentity() {
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	e, err := lifecycle.ForgetIdentity(tenancy.Employee("bob"), "bob", now)
	fmt.Println(e, err)

	_, err = lifecycle.ForgetIdentity(tenancy.Admin("ada"), "bob", now)
	fmt.Println(errors.Is(err, tenancy.ErrUnauthorized), tenancy.RuleOf(err))
	_, err = lifecycle.ForgetIdentity(tenancy.Service(), "bob", now)
	fmt.Println(errors.Is(err, tenancy.ErrUnauthorized), tenancy.RuleOf(err))
	// Output:
	// 2026-03-02 LIFE-06 forget-identity to=bob <nil>
	// true LIFE-06
	// true LIFE-06
}

// Deleting an account at once (LIFE-07): without the account's ID as
// confirmation the request is refused with a reminder to export first; with
// it, an owner alone on an account that never paid deletes it, and every
// later command is refused (LIFE-05).
func Example_deleteAccount() {
	eng := lrExampleEngine()
	now := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	a, err := eng.New("acme", "ada", "eu", time.UTC, now)
	if err != nil {
		panic(err)
	}
	admin := tenancy.Admin("ada")

	_, _, err = eng.Apply(a, now, lifecycle.Delete{By: admin})
	fmt.Println(err)
	fmt.Println(errors.Is(err, lifecycle.ErrNotConfirmed))

	a, effects, err := eng.Apply(a, now, lifecycle.Delete{By: admin, Confirm: "acme"})
	if err != nil {
		panic(err)
	}
	for _, e := range effects {
		fmt.Println(e)
	}
	_, _, err = eng.Apply(a, now.Add(time.Hour), lifecycle.Login{User: "ada"})
	fmt.Println(errors.Is(err, lifecycle.ErrDeleted), tenancy.RuleOf(err))
	// Output:
	// LIFE-07: deleting acme is irreversible: export its data first (CRM contacts, deals and leads as CSV, tasks, calendar events, Drive files), then confirm with the account ID
	// true
	// 2026-03-02 LIFE-07 purge data=CRM entries, tasks, activity stream posts, user accounts, documents, messages
	// true LIFE-05
}

// A sweeper that keeps its accounts in a slice advances each in place and
// reuses one effects slice: nothing is copied or allocated per account.
func ExampleEngine_AdvanceTo() {
	eng := lrExampleEngine()
	created := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	accounts := make([]lifecycle.Account, 3)
	for i := range accounts {
		a, err := eng.New(tenancy.AccountID(fmt.Sprintf("acct-%d", i)), "ada", "eu", time.UTC, created.AddDate(0, 0, 2*i))
		if err != nil {
			panic(err)
		}
		accounts[i] = a
	}
	now := created.AddDate(0, 0, 24) // 26 March
	var effs []lifecycle.Effect
	for i := range accounts {
		var err error
		if effs, err = eng.AdvanceTo(&accounts[i], now, effs[:0]); err != nil {
			panic(err)
		}
		for _, e := range effs {
			fmt.Println(accounts[i].ID, e)
		}
	}
	// An administrator logs in to the first account, in place too.
	if _, err := eng.ApplyTo(&accounts[0], now, lifecycle.Login{User: "ada"}, effs[:0]); err != nil {
		panic(err)
	}
	next, _ := accounts[0].NextDeadline()
	fmt.Println("acct-0 next:", next.Format(time.DateOnly))
	// Output:
	// acct-0 2026-03-25 LIFE-02 warn-suspension to=ada deadline=2026-04-01
	// acct-0 next: 2026-04-18
}
