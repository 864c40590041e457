package plan_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy/plan"
)

// TestEnd_LIFE05_DeletionEndsTheSubscription proves what plan.Engine.End
// does for LIFE-05 (the account is deleted): a subscription that is not on
// free drops to free at once, with an "ended" event under LIFE-05 that
// names the plan it was on, its add-ons deactivated (PLAN-07: the 40
// telephony credits forfeited, never refunded), the reduced limits
// announced (PLAN-08), nothing pending and no deadline left, so nothing
// renews or charges. A free subscription comes back as it was, with no
// event.
//
// Standard is bought monthly on 10 January 2024 at 10:00 UTC (its period
// ends on 10 February) and ended on 20 January.
func TestEnd_LIFE05_DeletionEndsTheSubscription(t *testing.T) {
	t0 := ctAt(2024, 1, 10)
	mid := ctAt(2024, 1, 20)
	buy := []plan.Command{
		plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("40")},
		plan.BuyExtraStorage{By: ctAdmin, Bytes: 10 * plan.GB, Price: ctD("9.90")},
	}
	cases := []struct {
		name  string
		state func(t *testing.T, e *plan.Engine) plan.Subscription
		at    time.Time
		from  plan.PlanID
		kinds []plan.EventKind
	}{
		{name: "active with add-ons", at: mid, from: plan.Standard,
			state: func(t *testing.T, e *plan.Engine) plan.Subscription {
				return ctThen(t, e, ctActive(t, e, plan.Standard, plan.Monthly, t0), t0, buy...)
			},
			kinds: []plan.EventKind{plan.EventEnded, plan.EventAddOnsDeactivated, plan.EventLimitsReduced}},
		{name: "annual Enterprise", at: mid, from: plan.Enterprise,
			state: func(t *testing.T, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Enterprise, plan.Annual, t0)
			},
			kinds: []plan.EventKind{plan.EventEnded, plan.EventLimitsReduced}},
		{name: "trial", at: mid, from: plan.Trial,
			state: func(t *testing.T, e *plan.Engine) plan.Subscription {
				return ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin})
			},
			kinds: []plan.EventKind{plan.EventEnded, plan.EventLimitsReduced}},
		{name: "cancellation pending", at: mid, from: plan.Standard,
			state: func(t *testing.T, e *plan.Engine) plan.Subscription {
				return ctThen(t, e, ctActive(t, e, plan.Standard, plan.Monthly, t0), t0, plan.Cancel{By: ctAdmin})
			},
			kinds: []plan.EventKind{plan.EventEnded, plan.EventLimitsReduced}},
		// Unpaid on 10 February: grace until 25 February (PLAN-14).
		{name: "in grace with add-ons", at: ctAt(2024, 2, 12), from: plan.Standard,
			state: func(t *testing.T, e *plan.Engine) plan.Subscription { return ctGrace(t, e, plan.Standard, t0, buy...) },
			kinds: []plan.EventKind{plan.EventEnded, plan.EventAddOnsDeactivated, plan.EventLimitsReduced}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := ctEngine(t)
			s := c.state(t, e)
			snap := ctJSON(t, s)
			mine := []plan.Event{{Kind: plan.EventTelephonyUsed, Note: "caller's own"}}
			out, evs, err := e.End(s, c.at, mine)
			if err != nil {
				t.Fatal(err)
			}
			if ctJSON(t, s) != snap {
				t.Errorf("End changed its argument")
			}
			if len(evs) == 0 || evs[0].Note != "caller's own" {
				t.Fatalf("End dropped the caller's events: %v", evs)
			}
			evs = evs[1:]
			if d := cmp.Diff(c.kinds, ctKinds(evs)); d != "" {
				t.Errorf("events (-want +got):\n%s", d)
			}
			for i, ev := range evs {
				if !ev.At.Equal(c.at) || ev.Account != ctAccount || ev.Seq != s.Seq+uint64(i)+1 {
					t.Errorf("event %v at %v, number %d; want at %v, number %d", ev, ev.At, ev.Seq, c.at, s.Seq+uint64(i)+1)
				}
				if ev.Kind == plan.EventRefunded {
					t.Errorf("a deletion refunded %v", ev)
				}
			}
			ended := evs[0]
			if ended.Rule != "LIFE-05" || ended.From != c.from || ended.Kind.String() != "ended" {
				t.Errorf("ended event %v: rule %s, from %s; want LIFE-05 from %s", ended, ended.Rule, ended.From, c.from)
			}
			if out.Status != plan.StatusFree || out.Plan != plan.Free || !out.AddOns.IsZero() || out.Pending.Kind != plan.NoChange ||
				!out.Due.IsZero() || !out.GraceEnd.IsZero() {
				t.Errorf("after End: %s on %s, add-ons %+v, pending %v, due %s, grace %v; want free with nothing",
					out.Status, out.Plan, out.AddOns, out.Pending, out.Due, out.GraceEnd)
			}
			if d, ok := out.NextDeadline(); ok {
				t.Errorf("after End the subscription is due at %v", d)
			}
			if !out.FreeSince.Equal(c.at) || !out.Updated.Equal(c.at) || out.Seq != s.Seq+uint64(len(evs)) {
				t.Errorf("free since %v, updated %v, Seq %d; want %v, %v, %d", out.FreeSince, out.Updated, out.Seq, c.at, c.at, s.Seq+uint64(len(evs)))
			}
			// What the account was stays known.
			if out.EverPaid != s.EverPaid || out.TrialUsed != s.TrialUsed {
				t.Errorf("ever paid %v, trial used %v; were %v, %v", out.EverPaid, out.TrialUsed, s.EverPaid, s.TrialUsed)
			}
			if err := e.Check(out); err != nil {
				t.Errorf("after End: %v", err)
			}
			for _, ev := range evs {
				if ev.Kind == plan.EventAddOnsDeactivated && (!ev.Amount.Equal(ctD("40")) || ev.Bytes != 10*plan.GB || ev.Rule != "PLAN-07") {
					t.Errorf("add-ons-deactivated %v, want 40 credits and 10 GB under PLAN-07", ev)
				}
			}
			// Ending what has ended changes nothing.
			again, more, err := e.End(out, c.at.Add(time.Hour), nil)
			if err != nil || len(more) != 0 || ctJSON(t, again) != ctJSON(t, out) {
				t.Errorf("a second End: events %v, error %v", more, err)
			}
		})
	}

	t.Run("free is returned as it was", func(t *testing.T) {
		e := ctEngine(t)
		for name, s := range map[string]plan.Subscription{
			"new": ctFree(e, t0),
			"after a cancellation at once": ctThen(t, e, ctActive(t, e, plan.Basic, plan.Monthly, t0), t0,
				plan.Cancel{By: ctAdmin, Now: true}),
		} {
			out, evs, err := e.End(s, mid, nil)
			if err != nil || len(evs) != 0 {
				t.Errorf("%s: events %v, error %v", name, evs, err)
			}
			if d := cmp.Diff(s, out); d != "" {
				t.Errorf("%s: changed (-before +after):\n%s", name, d)
			}
		}
	})

	t.Run("in the subscription's zone", func(t *testing.T) {
		e := ctEngine(t)
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2024, 1, 10, 10, 0, 0, 0, berlin)
		s, _ := ctDo(t, e, tNew(t, e, ctAccount, berlin, start), start, plan.Purchase{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly})
		out, evs, err := e.End(s, mid, nil) // given in UTC
		if err != nil {
			t.Fatal(err)
		}
		if out.FreeSince.Location().String() != "Europe/Berlin" || evs[0].At.Location().String() != "Europe/Berlin" || !evs[0].At.Equal(mid) {
			t.Errorf("free since %v, event at %v; want %v in Berlin", out.FreeSince, evs[0].At, mid)
		}
	})
}
