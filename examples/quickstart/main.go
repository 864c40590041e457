// Command quickstart walks two accounts through their lives and prints a
// dated timeline in which every line names the rule behind it.
//
// The first, acme, buys: a trial, a purchase, an upgrade with proration, a
// cancellation with its refund quote and impact preview, and the rollback to
// free. The second, bistro, stays on the free plan and goes idle: the
// owner's warnings, the suspension, more warnings and the deletion.
//
// The clock is a mock set to a fixed date, so the output is the same on
// every run; a real service would pass clock.New() instead, and would
// advance each account when its NextDeadline comes, as bistro's loop does.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	bclock "github.com/benbjohnson/clock"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/clock"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// story holds what the walk-through needs: the rules, the clock, the account
// and where to print. The first error stops the story.
type story struct {
	eng *lifecycle.Engine
	clk clock.Clock
	acc lifecycle.Account
	w   io.Writer
	err error
}

func run(w io.Writer) error {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return err
	}
	plans, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		return err
	}
	eng, err := lifecycle.NewEngine(plans, lifecycle.DefaultPolicy())
	if err != nil {
		return err
	}
	mock := bclock.NewMock()
	mock.Set(time.Date(2026, time.January, 31, 10, 0, 0, 0, berlin))

	fmt.Fprintln(w, "== acme buys, upgrades and cancels")
	acme := &story{eng: eng, clk: mock, w: w}
	acme.open("acme", "ada", berlin)
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
	if d, ok := acme.acc.NextDeadline(); ok && acme.err == nil {
		acme.say(fmt.Sprintf("nothing more happens until %s", d.Format(time.DateOnly)))
		mock.Set(d)
		acme.advance()
	}
	acme.say(fmt.Sprintf("acme is on the %s plan; its data is intact; if nobody logs in it is suspended on %s",
		acme.acc.Sub.Plan, acme.acc.Deadline.Format(time.DateOnly)))
	if acme.err != nil {
		return acme.err
	}

	fmt.Fprintln(w, "\n== bistro stays free and goes idle")
	mock.Set(time.Date(2026, time.March, 2, 9, 0, 0, 0, berlin))
	bistro := &story{eng: eng, clk: mock, w: w}
	bistro.open("bistro", "bo", berlin)
	mock.Add(3 * 24 * time.Hour)
	bistro.do(lifecycle.Login{User: "bo"})
	// The service's loop: sleep until the next deadline, then advance.
	for bistro.err == nil && bistro.acc.Stage != lifecycle.StageDeleted {
		d, ok := bistro.acc.NextDeadline()
		if !ok {
			break
		}
		mock.Set(d)
		bistro.advance()
	}
	bistro.say(fmt.Sprintf("bistro is %s; bo's network identity is kept", bistro.acc.Stage))
	return bistro.err
}

func (st *story) open(id tenancy.AccountID, owner tenancy.UserID, loc *time.Location) {
	st.acc, st.err = st.eng.New(id, owner, "eu", loc, st.clk.Now())
	st.say(fmt.Sprintf("%s opens an account on the free plan, owned by %s", id, owner))
}

func (st *story) say(msg string) {
	if st.err == nil {
		fmt.Fprintf(st.w, "%s  %-7s  %s\n", st.clk.Now().Format(time.DateOnly), "", msg)
	}
}

func (st *story) do(cmd lifecycle.Command) {
	if st.err != nil {
		return
	}
	acc, effects, err := st.eng.Apply(st.acc, st.clk.Now(), cmd)
	if err != nil {
		st.err = err
		return
	}
	st.acc = acc
	st.print(effects)
}

func (st *story) advance() {
	if st.err != nil {
		return
	}
	acc, effects, err := st.eng.Advance(st.acc, st.clk.Now(), nil)
	if err != nil {
		st.err = err
		return
	}
	st.acc = acc
	st.print(effects)
}

func (st *story) quote() {
	if st.err != nil {
		return
	}
	q, err := st.eng.Plans().QuoteRefund(st.acc.Sub, st.clk.Now())
	if err != nil {
		st.err = err
		return
	}
	cur := st.eng.Plans().Catalog().Currency()
	fmt.Fprintf(st.w, "%s  %-7s  refund if cancelled now: %s of %s paid (%d of %d months unused), %s retained\n",
		st.clk.Now().Format(time.DateOnly), "PLAN-06", cur.Format(q.Refund), cur.Format(q.Paid), q.Unused, q.Of, cur.Format(q.Retained))
}

func (st *story) impact(u plan.Usage) {
	if st.err != nil {
		return
	}
	im, err := st.eng.Plans().Impact(st.acc.Sub, plan.Free, u)
	if err != nil {
		st.err = err
		return
	}
	day := st.clk.Now().Format(time.DateOnly)
	fmt.Fprintf(st.w, "%s  %-7s  cancelling would, on %s, drop features %v and support by specialists: %v\n",
		day, "PLAN-09", im.EffectiveAt.Format(time.DateOnly), im.LostFeatures, im.SupportLost)
	for _, a := range im.Over.Actions {
		fmt.Fprintf(st.w, "%s  %-7s  over the free plan's limits, the administrator must: %s\n", day, "PLAN-08", a)
	}
}

func (st *story) print(effects []lifecycle.Effect) {
	cur := st.eng.Plans().Catalog().Currency()
	for _, e := range effects {
		fmt.Fprintf(st.w, "%s  %-7s  %s\n", e.At.Format(time.DateOnly), e.Rule, describe(e, cur))
	}
}

// describe turns an effect into a sentence for the timeline.
func describe(e lifecycle.Effect, cur plan.Currency) string {
	deadline := e.Deadline.Format(time.DateOnly)
	switch e.Kind {
	case lifecycle.EffectPlan:
		return describePlan(e.Plan, cur)
	case lifecycle.EffectActivity:
		return fmt.Sprintf("%s logs in: the inactivity count restarts, suspension moves to %s", e.To, deadline)
	case lifecycle.EffectWarnSuspension:
		return fmt.Sprintf("e-mail to %s: no login for a while, the account will be suspended on %s", e.To, deadline)
	case lifecycle.EffectSuspend:
		return fmt.Sprintf("suspended for inactivity; data intact; deleted on %s unless restored", deadline)
	case lifecycle.EffectWarnDeletion:
		return fmt.Sprintf("e-mail to %s: the account will be deleted on %s", e.To, deadline)
	case lifecycle.EffectPurge:
		return "deleted for good: " + e.Data.String()
	}
	return e.String()
}

func describePlan(e plan.Event, cur plan.Currency) string {
	until := e.Until.Format(time.DateOnly)
	switch e.Kind {
	case plan.EventTrialStarted:
		return fmt.Sprintf("trial started, until %s", until)
	case plan.EventPurchased:
		return fmt.Sprintf("bought %s: charged %s, period until %s", e.Plan, cur.Format(e.Amount), until)
	case plan.EventUpgraded:
		return fmt.Sprintf("upgraded %s -> %s at once: %s credited for the unused days, charged %s, period until %s",
			e.From, e.Plan, cur.Format(e.Credit), cur.Format(e.Amount), until)
	case plan.EventCancellationScheduled:
		return fmt.Sprintf("auto-renewal off (%q): paid features stay until %s", e.Note, until)
	case plan.EventCancellationConfirmed:
		return "confirmation e-mailed to the owner"
	case plan.EventRolledBack:
		return fmt.Sprintf("period ended with auto-renewal off: %s -> %s", e.From, e.Plan)
	case plan.EventLimitsReduced:
		return fmt.Sprintf("limits reduced from %s: over-limit data is restricted, never deleted", e.From)
	}
	return e.String()
}
