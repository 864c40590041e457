// Command quickstart walks one account through a subscription's life and
// prints a dated timeline in which every line names the rule behind it:
// a trial, a purchase, an upgrade with proration, a cancellation with its
// refund quote and impact preview, and the rollback to free.
//
// The clock is a mock set to a fixed date, so the output is the same on
// every run; a real service would pass clock.New() instead.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	bclock "github.com/benbjohnson/clock"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/clock"
	"github.com/tenancykit/tenancy/plan"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// story holds what the walk-through needs: the rules, the clock, the
// subscription and where to print.
type story struct {
	eng *plan.Engine
	clk clock.Clock
	sub plan.Subscription
	w   io.Writer
	err error
}

func run(w io.Writer) error {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return err
	}
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		return err
	}
	mock := bclock.NewMock()
	mock.Set(time.Date(2026, time.January, 31, 10, 0, 0, 0, berlin))
	st := &story{eng: eng, clk: mock, w: w}
	st.sub = eng.New("acme", berlin, mock.Now())
	admin := tenancy.Admin("ada")

	st.say("acme opens an account on the free plan")
	st.do(plan.StartTrial{By: admin})
	mock.Add(10 * 24 * time.Hour)
	st.do(plan.Purchase{By: admin, Plan: plan.Standard, Period: plan.Monthly})
	mock.Add(19 * 24 * time.Hour)
	st.do(plan.ChangePlan{By: admin, Plan: plan.Professional, Period: plan.Annual})

	mock.Add(106 * 24 * time.Hour)
	st.quote()
	st.impact(plan.Usage{Users: 12, StorageBytes: 7 * plan.GB, Features: []plan.Feature{plan.FeatureAutomation}})
	st.do(plan.Cancel{By: admin, Reason: "moving to another tool"})

	// Nobody acts any more: the service advances the subscription whenever
	// its next deadline comes, here by moving the mock clock past it.
	if d, ok := st.sub.NextDeadline(); ok {
		st.say(fmt.Sprintf("next deadline: %s", d.Format(time.DateOnly)))
		mock.Set(d.Add(time.Minute))
		st.advance()
	}
	st.say(fmt.Sprintf("acme is on the %s plan (status %s) since %s; its data is intact", st.sub.Plan, st.sub.Status, st.sub.FreeSince.Format(time.DateOnly)))
	return st.err
}

func (st *story) say(msg string) {
	if st.err == nil {
		fmt.Fprintf(st.w, "%s  %-7s  %s\n", st.clk.Now().Format(time.DateOnly), "", msg)
	}
}

func (st *story) do(cmd plan.Command) {
	if st.err != nil {
		return
	}
	sub, events, err := st.eng.Apply(st.sub, st.clk.Now(), cmd)
	if err != nil {
		st.err = err
		return
	}
	st.sub = sub
	st.print(events)
}

func (st *story) advance() {
	if st.err != nil {
		return
	}
	sub, events, err := st.eng.Advance(st.sub, st.clk.Now(), nil)
	if err != nil {
		st.err = err
		return
	}
	st.sub = sub
	st.print(events)
}

func (st *story) quote() {
	if st.err != nil {
		return
	}
	q, err := st.eng.QuoteRefund(st.sub, st.clk.Now())
	if err != nil {
		st.err = err
		return
	}
	cur := st.eng.Catalog().Currency()
	fmt.Fprintf(st.w, "%s  %-7s  refund if cancelled now: %s of %s paid (%d of %d months unused), %s retained\n",
		st.clk.Now().Format(time.DateOnly), "PLAN-06", cur.Format(q.Refund), cur.Format(q.Paid), q.Unused, q.Of, cur.Format(q.Retained))
}

func (st *story) impact(u plan.Usage) {
	if st.err != nil {
		return
	}
	im, err := st.eng.Impact(st.sub, plan.Free, u)
	if err != nil {
		st.err = err
		return
	}
	day := st.clk.Now().Format(time.DateOnly)
	fmt.Fprintf(st.w, "%s  %-7s  cancelling would, on %s, drop features %v and support by specialists: %v\n",
		day, "PLAN-09", im.EffectiveAt.Format(time.DateOnly), im.LostFeatures, im.SupportLost)
	for _, a := range im.Over.Actions {
		fmt.Fprintf(st.w, "%s  %-7s  over the free plan's limits, %s must: %s\n", day, "PLAN-08", "the administrator", a)
	}
}

func (st *story) print(events []plan.Event) {
	cur := st.eng.Catalog().Currency()
	for _, e := range events {
		fmt.Fprintf(st.w, "%s  %-7s  %s\n", e.At.Format(time.DateOnly), e.Rule, describe(e, cur))
	}
}

// describe turns an event into a sentence for the timeline.
func describe(e plan.Event, cur plan.Currency) string {
	until := e.Until.Format(time.DateOnly)
	switch e.Kind {
	case plan.EventTrialStarted:
		return fmt.Sprintf("trial started, until %s", until)
	case plan.EventTrialEnded:
		return "trial ended without a purchase: back on free, no grace"
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
