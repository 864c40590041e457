// Command quickstart walks two accounts through their lives and prints a
// dated timeline in which every line names the rule behind it.
//
// The first, acme, buys: a trial, a purchase, an upgrade with proration, a
// cancellation with its refund quote and impact preview, and the rollback to
// free. The second, bistro, stays on the free plan and goes idle: the
// owner's warnings, the suspension, more warnings and the deletion.
//
// Both live in a fleet.Memory store, the driver's reference store: every
// command is a fleet command, and every line of what happened is one
// fleet.Effect, printed with its rule and its kind ("plan.purchased",
// "life.suspend"), the envelope a service puts in its outbox. The clock is
// a mock set to a fixed date, so the output is the same on every run; a
// real service would pass clock.New() instead, and would step
// fleet.Advance for each account when its deadline comes, as bistro's loop
// does.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	bclock "github.com/benbjohnson/clock"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/clock"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
	"github.com/tenancykit/tenancy/timeline"
)

func main() {
	svg := flag.String("svg", "", "also write the accounts' timeline, as an SVG picture, to this file")
	flag.Parse()
	var pic io.Writer
	if *svg != "" {
		f, err := os.Create(*svg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "quickstart:", err)
			os.Exit(1)
		}
		defer f.Close()
		pic = f
	}
	if err := run(os.Stdout, pic); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// story holds what the walk-through of one account needs: the store, the
// clock, the account's ID and where to print. The first error stops the
// story.
type story struct {
	store *fleet.Memory
	clk   clock.Clock
	id    tenancy.AccountID
	w     io.Writer
	log   *[]fleet.Effect // every effect of both stories, for the picture
	err   error
}

// run tells both stories to w and, when pic is not nil, draws their
// timeline on it: what happened to each account, and what will if nobody
// acts from the stories' last day on.
func run(w, pic io.Writer) error {
	store, log, err := play(w)
	if err != nil || pic == nil {
		return err
	}
	var today time.Time
	for _, e := range log {
		if e.At.After(today) {
			today = e.At
		}
	}
	t := timeline.Build("quickstart: acme and bistro", store.Engine(), store.States(), log, today, today.Location())
	return timeline.Write(pic, t)
}

// play tells both stories to w and returns the store as they leave it and
// every effect of both.
func play(w io.Writer) (*fleet.Memory, []fleet.Effect, error) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, nil, err
	}
	store := fleet.NewMemory(fleet.Default())
	mock := bclock.NewMock()
	mock.Set(time.Date(2026, time.January, 31, 10, 0, 0, 0, berlin))

	fmt.Fprintln(w, "== acme buys, upgrades and cancels")
	var log []fleet.Effect
	acme := &story{store: store, clk: mock, id: "acme", w: w, log: &log}
	acme.open("ada", berlin)
	admin := tenancy.Admin("ada")
	acme.do(lifecycle.Plan{Cmd: plan.StartTrial{By: admin}})
	mock.Add(10 * 24 * time.Hour)
	acme.do(lifecycle.Plan{Cmd: plan.Purchase{By: admin, Plan: plan.Standard, Period: plan.Monthly}})
	mock.Add(19 * 24 * time.Hour)
	acme.do(lifecycle.Plan{Cmd: plan.ChangePlan{By: admin, Plan: plan.Professional, Period: plan.Annual}})
	mock.Add(106 * 24 * time.Hour)
	acme.quote()
	acme.impact(plan.Usage{Users: 12, StorageBytes: 7 * plan.GB, Features: []plan.Feature{plan.FeatureAutomation}})
	acme.do(lifecycle.Plan{Cmd: plan.Cancel{By: admin, Reason: "moving to another tool"}})
	if d, ok := acme.deadline(); ok && acme.err == nil {
		acme.say(fmt.Sprintf("nothing more happens until %s", d.Format(time.DateOnly)))
		mock.Set(d)
		acme.advance()
	}
	acc := acme.account()
	acme.say(fmt.Sprintf("acme is on the %s plan; its data is intact; if nobody logs in it is suspended on %s",
		acc.Sub.Plan, acc.Deadline.Format(time.DateOnly)))
	if acme.err != nil {
		return store, log, acme.err
	}

	fmt.Fprintln(w, "\n== bistro stays free and goes idle")
	mock.Set(time.Date(2026, time.March, 2, 9, 0, 0, 0, berlin))
	bistro := &story{store: store, clk: mock, id: "bistro", w: w, log: &log}
	bistro.open("bo", berlin)
	mock.Add(3 * 24 * time.Hour)
	bistro.do(lifecycle.Login{User: "bo"})
	// The service's loop: sleep until the account's next deadline, then
	// step the driver on it. A deleted account has none.
	for bistro.err == nil {
		d, ok := bistro.deadline()
		if !ok {
			break
		}
		mock.Set(d)
		bistro.advance()
	}
	bistro.say(fmt.Sprintf("bistro is %s; bo's network identity is kept", bistro.account().Stage))
	return store, log, bistro.err
}

func (st *story) open(owner tenancy.UserID, loc *time.Location) {
	st.step(fleet.NewAccount{ID: st.id, Owner: owner, DomainZone: "eu", Location: loc})
	st.say(fmt.Sprintf("%s opens an account on the free plan, owned by %s", st.id, owner))
}

// account returns the account as the store holds it.
func (st *story) account() lifecycle.Account {
	a, _ := st.store.Account(st.id)
	return a
}

// deadline returns the account's next deadline, as a store indexes it.
func (st *story) deadline() (time.Time, bool) {
	return st.store.States().Deadline(fleet.AccountKey(st.id))
}

func (st *story) say(msg string) {
	if st.err == nil {
		fmt.Fprintf(st.w, "%s  %-7s  %-27s  %s\n", st.clk.Now().Format(time.DateOnly), "", "", msg)
	}
}

// do runs a lifecycle command on the account.
func (st *story) do(cmd lifecycle.Command) { st.step(fleet.OnAccount{Account: st.id, Cmd: cmd}) }

// advance fires the account's deadlines up to now.
func (st *story) advance() { st.step(fleet.Advance{Key: fleet.AccountKey(st.id)}) }

// step runs cmd in the store at the clock's time and prints its effects.
func (st *story) step(cmd fleet.Command) {
	if st.err != nil {
		return
	}
	r, err := st.store.Do(st.clk.Now(), cmd, "")
	if err != nil {
		st.err = err
		return
	}
	*st.log = append(*st.log, r.Effects...)
	cur := st.store.Engine().Plans().Catalog().Currency()
	for _, e := range r.Effects {
		fmt.Fprintf(st.w, "%s  %-7s  %-27s  %s\n", e.At.Format(time.DateOnly), e.Rule, e.Kind, describe(e, cur))
	}
}

// quote prints what ending the year at once would refund: a query of the
// plan engine, which changes nothing and emits no effect.
func (st *story) quote() {
	if st.err != nil {
		return
	}
	plans := st.store.Engine().Plans()
	q, err := plans.QuoteRefund(st.account().Sub, st.clk.Now())
	if err != nil {
		st.err = err
		return
	}
	cur := plans.Catalog().Currency()
	st.query("PLAN-06", fmt.Sprintf("refund if cancelled now: %s of %s paid (%d of %d months unused), %s retained",
		cur.Format(q.Refund), cur.Format(q.Paid), q.Unused, q.Of, cur.Format(q.Retained)))
}

// impact prints what cancelling would take away, a query too.
func (st *story) impact(u plan.Usage) {
	if st.err != nil {
		return
	}
	im, err := st.store.Engine().Plans().Impact(st.account().Sub, plan.Free, u)
	if err != nil {
		st.err = err
		return
	}
	st.query("PLAN-09", fmt.Sprintf("cancelling would, on %s, drop features %v and support by specialists: %v",
		im.EffectiveAt.Format(time.DateOnly), im.LostFeatures, im.SupportLost))
	for _, a := range im.Over.Actions {
		st.query("PLAN-08", "over the free plan's limits, the administrator must: "+a)
	}
}

// query prints the answer to a query, which is no effect.
func (st *story) query(rule tenancy.RuleID, msg string) {
	fmt.Fprintf(st.w, "%s  %-7s  %-27s  %s\n", st.clk.Now().Format(time.DateOnly), rule, "(query)", msg)
}

// describe turns an effect into a sentence for the timeline.
func describe(e fleet.Effect, cur plan.Currency) string {
	deadline := e.Deadline.Format(time.DateOnly)
	switch e.Kind {
	case "life.activity":
		return fmt.Sprintf("%s logs in: the inactivity count restarts, suspension moves to %s", e.User, deadline)
	case "life.warn-suspension":
		return fmt.Sprintf("e-mail to %s: no login for a while, the account will be suspended on %s", e.User, deadline)
	case "life.suspend":
		return fmt.Sprintf("suspended for inactivity; data intact; deleted on %s unless restored", deadline)
	case "life.warn-deletion":
		return fmt.Sprintf("e-mail to %s: the account will be deleted on %s", e.User, deadline)
	case "life.purge":
		return "deleted for good: " + e.Data.String()
	case "plan.trial-started":
		return fmt.Sprintf("trial started, until %s", deadline)
	case "plan.purchased":
		return fmt.Sprintf("bought %s: charged %s, period until %s", e.Plan, cur.Format(e.Amount), deadline)
	case "plan.upgraded":
		return fmt.Sprintf("upgraded %s -> %s at once: %s credited for the unused days, charged %s, period until %s",
			e.From, e.Plan, cur.Format(e.Credit), cur.Format(e.Amount), deadline)
	case "plan.cancellation-scheduled":
		return fmt.Sprintf("auto-renewal off (%q): paid features stay until %s", e.Note, deadline)
	case "plan.cancellation-confirmed":
		return "confirmation e-mailed to the owner"
	case "plan.rolled-back":
		return fmt.Sprintf("period ended with auto-renewal off: %s -> %s", e.From, e.Plan)
	case "plan.limits-reduced":
		return fmt.Sprintf("limits reduced from %s: over-limit data is restricted, never deleted", e.From)
	}
	return e.String()
}
