package plan_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// tbStill fails the test unless advancing s to now changes nothing.
func tbStill(t *testing.T, e *plan.Engine, s plan.Subscription, now time.Time) plan.Subscription {
	t.Helper()
	n, evs := tbAdvance(t, e, s, now)
	if len(evs) != 0 {
		t.Fatalf("Advance to %v fired %v, want nothing yet", now, evs)
	}
	if n.Status != s.Status || n.Plan != s.Plan || !n.End.Equal(s.End) || !n.GraceEnd.Equal(s.GraceEnd) {
		t.Fatalf("Advance to %v changed %s/%v into %s/%v", now, s.Plan, s.Status, n.Plan, n.Status)
	}
	return n
}

// tbDeadline returns s.NextDeadline and fails when there is none.
func tbDeadline(t *testing.T, s plan.Subscription) time.Time {
	t.Helper()
	d, ok := s.NextDeadline()
	if !ok {
		t.Fatalf("no deadline in status %v", s.Status)
	}
	return d
}

// PLAN-10: a trial lasts exactly 15 calendar days in the account's zone:
// from 20 March 2026 10:00 CET to 4 April 2026 10:00 CEST in Berlin, which
// is 15 days less the hour lost on 29 March. It ends on free, with no grace.
func TestTrial_PLAN10_FifteenCalendarDaysAcrossDST(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	start := time.Date(2026, 3, 20, 10, 0, 0, 0, berlin)
	wantEnd := time.Date(2026, 4, 4, 10, 0, 0, 0, berlin)
	s := tNew(t, e, "tb-dates", berlin, start.Add(-time.Hour))
	s, evs := tbApply(t, e, s, start, plan.StartTrial{By: tbAdmin})
	tbWantKinds(t, "StartTrial", evs, plan.EventTrialStarted)
	if evs[0].Rule != "PLAN-10" {
		t.Errorf("trial-started rule %q, want PLAN-10", evs[0].Rule)
	}
	tbWantTime(t, "trial End", s.End, wantEnd)
	tbWantTime(t, "trial-started Until", evs[0].Until, wantEnd)
	tbWantTime(t, "NextDeadline", tbDeadline(t, s), wantEnd)
	if d := s.End.Sub(s.Start); d != 15*24*time.Hour-time.Hour {
		t.Errorf("trial lasts %v, want 359h (15 days less the DST hour)", d)
	}
	if s.Status != plan.StatusTrial || s.Plan != plan.Trial {
		t.Fatalf("status %v on %s, want trial", s.Status, s.Plan)
	}

	tbStill(t, e, s, wantEnd.Add(-time.Nanosecond))
	s, evs = tbAdvance(t, e, s, wantEnd)
	tbWantKinds(t, "trial end", evs, plan.EventTrialEnded, plan.EventLimitsReduced)
	tbWantTime(t, "trial-ended At", evs[0].At, wantEnd)
	if s.Status != plan.StatusFree || s.Plan != plan.Free {
		t.Fatalf("after the trial: %v on %s, want free", s.Status, s.Plan)
	}
	// No grace: nothing more will happen by itself.
	if !s.GraceEnd.IsZero() || !s.Due.IsZero() {
		t.Errorf("after the trial: grace end %v due %s, want none", s.GraceEnd, s.Due)
	}
	if d, ok := s.NextDeadline(); ok {
		t.Errorf("after the trial: deadline %v, want none", d)
	}
	tbWantTime(t, "FreeSince", s.FreeSince, wantEnd)

	// One trial per account.
	_, _, err := e.Apply(s, wantEnd.Add(time.Hour), plan.StartTrial{By: tbAdmin})
	tbWantRefusal(t, "second trial", err, plan.ErrTrialUsed, "PLAN-10")
}

// PLAN-10: TrialDays comes from the policy.
func TestTrial_PLAN10_PolicyDays(t *testing.T) {
	e := tbEngine(t, func(p *plan.Policy) { p.TrialDays = 30 })
	start := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	s := tNew(t, e, "tb-dates", time.UTC, start)
	s, _ = tbApply(t, e, s, start, plan.StartTrial{By: tbAdmin})
	// 31 Jan + 30 days = 2 Mar 2026 (28 days of February).
	tbWantTime(t, "trial End", s.End, time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
}

// PLAN-14: a period that ends unpaid keeps the plan for exactly 15 calendar
// days; the account drops to free at that instant and not a nanosecond
// earlier. Here grace runs from 14 March 10:00 CET to 29 March 10:00 CEST,
// the day Berlin's clocks go forward.
func TestGrace_PLAN14_FifteenDaysExactly(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	buy := time.Date(2026, 2, 14, 10, 0, 0, 0, berlin)
	end := time.Date(2026, 3, 14, 10, 0, 0, 0, berlin)
	graceEnd := time.Date(2026, 3, 29, 10, 0, 0, 0, berlin)
	s := tbBuy(t, e, berlin, buy, plan.Standard, plan.Monthly)
	tbWantTime(t, "End", s.End, end)

	s = tbStill(t, e, s, end.Add(-time.Nanosecond))
	s, evs := tbAdvance(t, e, s, end)
	tbWantKinds(t, "period end", evs, plan.EventGraceStarted)
	ev := evs[0]
	tbWantTime(t, "grace-started At", ev.At, end)
	tbWantTime(t, "grace-started Until", ev.Until, graceEnd)
	tbWantDec(t, "grace-started Amount", ev.Amount, "124")
	if ev.Rule != "PLAN-14" {
		t.Errorf("grace-started rule %q, want PLAN-14", ev.Rule)
	}
	if s.Status != plan.StatusGrace || s.Plan != plan.Standard {
		t.Fatalf("at period end: %v on %s, want grace on standard", s.Status, s.Plan)
	}
	tbWantTime(t, "GraceEnd", s.GraceEnd, graceEnd)
	tbWantTime(t, "NextDeadline in grace", tbDeadline(t, s), graceEnd)
	// The unpaid period is the next month: 14 Mar -> 14 Apr.
	tbWantTime(t, "grace Start", s.Start, end)
	tbWantTime(t, "grace period End", s.End, time.Date(2026, 4, 14, 10, 0, 0, 0, berlin))
	if d := graceEnd.Sub(end); d != 15*24*time.Hour-time.Hour {
		t.Errorf("grace lasts %v, want 359h (15 calendar days less the DST hour)", d)
	}

	// A failed charge does not move the deadline.
	s, evs = tbApply(t, e, s, end.AddDate(0, 0, 1), plan.RecordPaymentFailure{By: tbService, Reason: "card declined"})
	tbWantKinds(t, "payment failure", evs, plan.EventPaymentFailed)
	tbWantTime(t, "payment-failed Until", evs[0].Until, graceEnd)
	tbWantTime(t, "GraceEnd after failure", s.GraceEnd, graceEnd)

	s = tbStill(t, e, s, graceEnd.Add(-time.Nanosecond))
	if s.Status != plan.StatusGrace || s.Plan != plan.Standard {
		t.Fatalf("1ns before grace end: %v on %s, want grace on standard", s.Status, s.Plan)
	}
	s, evs = tbAdvance(t, e, s, graceEnd)
	tbWantKinds(t, "grace end", evs, plan.EventGraceEnded, plan.EventLimitsReduced)
	tbWantTime(t, "grace-ended At", evs[0].At, graceEnd)
	if s.Status != plan.StatusFree || s.Plan != plan.Free {
		t.Fatalf("at grace end: %v on %s, want free", s.Status, s.Plan)
	}
	tbWantTime(t, "FreeSince", s.FreeSince, graceEnd)
}

// PLAN-03: a renewal can be bought no earlier than 30 calendar days before
// the period ends. The period ends 10 April 2027 10:00 CEST; the window opens
// 11 March 2027 10:00 CET, an hour later than 30 x 24h before the end.
func TestRenewalWindow_PLAN03_Opens30DaysBefore(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	buy := time.Date(2026, 4, 10, 10, 0, 0, 0, berlin)
	s := tbBuy(t, e, berlin, buy, plan.Professional, plan.Annual)
	end := time.Date(2027, 4, 10, 10, 0, 0, 0, berlin)
	opens := time.Date(2027, 3, 11, 10, 0, 0, 0, berlin)
	tbWantTime(t, "End", s.End, end)
	if !opens.Equal(s.End.AddDate(0, 0, -30)) {
		t.Fatalf("test setup: opens %v is not End.AddDate(0, 0, -30) = %v", opens, s.End.AddDate(0, 0, -30))
	}

	for _, early := range []time.Time{
		buy.Add(time.Hour),
		end.Add(-30 * 24 * time.Hour), // 24h arithmetic: 11 Mar 09:00 CET, an hour too early
		opens.Add(-time.Nanosecond),
	} {
		n, evs, err := e.Apply(s, early, plan.Renew{By: tbAdmin})
		tbWantRefusal(t, "Renew at "+early.String(), err, plan.ErrTooEarly, "PLAN-03")
		if !errors.Is(err, tenancy.ErrRefused) {
			t.Errorf("ErrTooEarly does not match tenancy.ErrRefused: %v", err)
		}
		if len(evs) != 0 || n.Renewal.IsPositive() {
			t.Errorf("a refused renewal changed something: %v %s", evs, n.Renewal)
		}
	}

	s, evs := tbApply(t, e, s, opens, plan.Renew{By: tbAdmin})
	tbWantKinds(t, "Renew at the window's opening", evs, plan.EventRenewalBought)
	tbWantDec(t, "renewal charged", evs[0].Amount, "2390.40")
	tbWantTime(t, "renewal Until", evs[0].Until, time.Date(2028, 4, 10, 10, 0, 0, 0, berlin))
	tbWantTime(t, "End unchanged", s.End, end)

	// A second renewal is refused: the next period is already paid.
	_, _, err := e.Apply(s, opens.Add(time.Hour), plan.Renew{By: tbAdmin})
	tbWantRefusal(t, "second renewal", err, plan.ErrStatus, "PLAN-03")

	s, evs = tbAdvance(t, e, s, end)
	tbWantKinds(t, "renewal", evs, plan.EventRenewed)
	tbWantTime(t, "renewed Until", evs[0].Until, time.Date(2028, 4, 10, 10, 0, 0, 0, berlin))
	tbWantTime(t, "new End", s.End, time.Date(2028, 4, 10, 10, 0, 0, 0, berlin))
	tbWantDec(t, "Paid", s.Paid, "2390.40")
	tbWantDec(t, "Renewal", s.Renewal, "0")
}

// PLAN-03: for a monthly period the window may open before the period even
// starts (February is 28 days long) or a day after it starts (March has 31).
func TestRenewalWindow_PLAN03_Monthly(t *testing.T) {
	e := tbEngine(t, nil)
	feb := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	s := tbBuy(t, e, time.UTC, feb, plan.Standard, plan.Monthly)
	// 1 Mar - 30 days = 30 Jan, before the start: open at once.
	tbApply(t, e, s, feb, plan.Renew{By: tbAdmin})

	mar := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s = tbBuy(t, e, time.UTC, mar, plan.Standard, plan.Monthly)
	// 1 Apr - 30 days = 2 Mar 10:00.
	opens := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	_, _, err := e.Apply(s, opens.Add(-time.Nanosecond), plan.Renew{By: tbAdmin})
	tbWantRefusal(t, "Renew 1ns early", err, plan.ErrTooEarly, "PLAN-03")
	tbApply(t, e, s, opens, plan.Renew{By: tbAdmin})
}

// PLAN-03: a downgrade waits for the end of the paid period and applies at
// exactly that instant.
func TestDowngrade_PLAN03_AppliesAtEnd(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	buy := time.Date(2026, 4, 10, 10, 0, 0, 0, berlin)
	end := time.Date(2027, 4, 10, 10, 0, 0, 0, berlin)
	asked := time.Date(2026, 5, 1, 9, 0, 0, 0, berlin)
	base := tbBuy(t, e, berlin, buy, plan.Professional, plan.Annual)
	s, evs := tbApply(t, e, base, asked, plan.ChangePlan{By: tbAdmin, Plan: plan.Standard, Period: plan.Monthly})
	tbWantKinds(t, "downgrade", evs, plan.EventChangeScheduled)
	tbWantTime(t, "change-scheduled Until", evs[0].Until, end)
	if s.Plan != plan.Professional || s.Pending.Kind != plan.ChangeDowngrade || s.Pending.Plan != plan.Standard || s.Pending.Period != plan.Monthly {
		t.Fatalf("after the downgrade request: %s pending %+v", s.Plan, s.Pending)
	}
	tbWantTime(t, "Pending.Since", s.Pending.Since, asked)
	tbWantTime(t, "NextDeadline", tbDeadline(t, s), end)

	// Only one pending change.
	_, _, err := e.Apply(s, asked.Add(time.Hour), plan.Cancel{By: tbAdmin})
	tbWantRefusal(t, "cancel while a downgrade is pending", err, plan.ErrPendingChange, "PLAN-03")

	t.Run("unpaid", func(t *testing.T) {
		s := tbStill(t, e, s, end.Add(-time.Nanosecond))
		if s.Plan != plan.Professional {
			t.Fatalf("1ns before the end the plan is %s, want professional", s.Plan)
		}
		s, evs := tbAdvance(t, e, s, end)
		tbWantKinds(t, "period end", evs, plan.EventGraceStarted, plan.EventChangeApplied, plan.EventLimitsReduced)
		for _, ev := range evs {
			tbWantTime(t, ev.Kind.String()+" At", ev.At, end)
		}
		tbWantDec(t, "due for Standard monthly", evs[0].Amount, "124")
		tbWantTime(t, "grace Until", evs[0].Until, time.Date(2027, 4, 25, 10, 0, 0, 0, berlin))
		if evs[1].From != plan.Professional || evs[1].Plan != plan.Standard {
			t.Errorf("change-applied from %s to %s, want professional to standard", evs[1].From, evs[1].Plan)
		}
		if s.Plan != plan.Standard || s.Period != plan.Monthly || s.Pending.Kind != plan.NoChange {
			t.Errorf("after the end: %s %v pending %v", s.Plan, s.Period, s.Pending.Kind)
		}
		tbWantTime(t, "new period End", s.End, time.Date(2027, 5, 10, 10, 0, 0, 0, berlin))
	})
	t.Run("renewed early", func(t *testing.T) {
		// The renewal is bought on the plan the next period will have.
		s, evs := tbApply(t, e, s, end.AddDate(0, 0, -5), plan.Renew{By: tbAdmin})
		tbWantDec(t, "renewal charged", evs[0].Amount, "124")
		tbWantTime(t, "renewal Until", evs[0].Until, time.Date(2027, 5, 10, 10, 0, 0, 0, berlin))
		s, evs = tbAdvance(t, e, s, end)
		tbWantKinds(t, "period end", evs, plan.EventRenewed, plan.EventChangeApplied, plan.EventLimitsReduced)
		if s.Status != plan.StatusActive || s.Plan != plan.Standard {
			t.Errorf("after the end: %v on %s, want active on standard", s.Status, s.Plan)
		}
		tbWantDec(t, "Paid", s.Paid, "124")
		tbWantTime(t, "new period End", s.End, time.Date(2027, 5, 10, 10, 0, 0, 0, berlin))
	})
}

// PLAN-04: cancelling turns auto-renewal off; paid features stay until the
// period ends, and the account rolls back to free at exactly that instant.
func TestCancel_PLAN04_RollsBackAtEnd(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	buy := time.Date(2026, 1, 31, 10, 0, 0, 0, berlin)
	end := time.Date(2026, 2, 28, 10, 0, 0, 0, berlin)
	s := tbBuy(t, e, berlin, buy, plan.Standard, plan.Monthly)
	s, evs := tbApply(t, e, s, time.Date(2026, 2, 5, 10, 0, 0, 0, berlin), plan.Cancel{By: tbAdmin, Reason: "moving"})
	tbWantKinds(t, "Cancel", evs, plan.EventCancellationScheduled, plan.EventCancellationConfirmed)
	tbWantTime(t, "cancellation-scheduled Until", evs[0].Until, end)
	if s.AutoRenew() || s.Status != plan.StatusActive || s.Plan != plan.Standard {
		t.Fatalf("after Cancel: auto-renew %v, %v on %s; want off, active on standard", s.AutoRenew(), s.Status, s.Plan)
	}
	tbWantTime(t, "NextDeadline", tbDeadline(t, s), end)

	s = tbStill(t, e, s, end.Add(-time.Nanosecond))
	s, evs = tbAdvance(t, e, s, end)
	tbWantKinds(t, "period end", evs, plan.EventRolledBack, plan.EventLimitsReduced)
	tbWantTime(t, "rolled-back At", evs[0].At, end)
	if evs[0].Rule != "PLAN-04" {
		t.Errorf("rolled-back rule %q, want PLAN-04", evs[0].Rule)
	}
	if s.Status != plan.StatusFree || s.Plan != plan.Free {
		t.Fatalf("at the end: %v on %s, want free", s.Status, s.Plan)
	}
	tbWantTime(t, "FreeSince", s.FreeSince, end)
}

// NextDeadline is the trial's or period's end, grace's end, or nothing on
// free (PLAN-10, PLAN-03, PLAN-14).
func TestNextDeadline_ByStatus(t *testing.T) {
	e := tbEngine(t, nil)
	t0 := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	free := tNew(t, e, "tb-dates", time.UTC, t0)
	if d, ok := free.NextDeadline(); ok || !d.IsZero() {
		t.Errorf("free: NextDeadline = %v, %v; want none", d, ok)
	}
	trial, _ := tbApply(t, e, free, t0, plan.StartTrial{By: tbAdmin})
	// 30 Jun + 15 days = 15 Jul
	tbWantTime(t, "trial", tbDeadline(t, trial), time.Date(2026, 7, 15, 12, 0, 0, 0, time.UTC))

	active := tbBuy(t, e, time.UTC, t0, plan.Basic, plan.Monthly)
	// anchor 30: 30 Jun -> 30 Jul
	tbWantTime(t, "active", tbDeadline(t, active), time.Date(2026, 7, 30, 12, 0, 0, 0, time.UTC))
	cancelled, _ := tbApply(t, e, active, t0.Add(time.Hour), plan.Cancel{By: tbAdmin})
	tbWantTime(t, "active, cancelled", tbDeadline(t, cancelled), time.Date(2026, 7, 30, 12, 0, 0, 0, time.UTC))

	grace, _ := tbAdvance(t, e, active, time.Date(2026, 7, 30, 12, 0, 0, 0, time.UTC))
	// 30 Jul + 15 days = 14 Aug
	tbWantTime(t, "grace", tbDeadline(t, grace), time.Date(2026, 8, 14, 12, 0, 0, 0, time.UTC))
}

// tbAt is the part of an event Project's tests pin.
type tbAt struct {
	Kind   plan.EventKind
	At     string
	Until  string
	Amount string
}

func tbTimeline(evs []plan.Event) []tbAt {
	if len(evs) == 0 {
		return nil
	}
	out := make([]tbAt, len(evs))
	for i, ev := range evs {
		out[i] = tbAt{Kind: ev.Kind, At: ev.At.Format(time.RFC3339), Amount: ev.Amount.String()}
		if !ev.Until.IsZero() {
			out[i].Until = ev.Until.Format(time.RFC3339)
		}
	}
	return out
}

// Engine.Project lists the exact dates of every deadline if nobody acts
// (PLAN-05, PLAN-04, PLAN-10, PLAN-14), and advancing far into the future
// gives the same events.
func TestProject_ExactDates(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	buy := time.Date(2026, 1, 31, 10, 0, 0, 0, berlin)
	active := tbBuy(t, e, berlin, buy, plan.Standard, plan.Monthly)
	cancelled, _ := tbApply(t, e, active, buy.AddDate(0, 0, 1), plan.Cancel{By: tbAdmin})
	renewed, _ := tbApply(t, e, active, buy.AddDate(0, 0, 1), plan.Renew{By: tbAdmin})
	trial, _ := tbApply(t, e, tNew(t, e, "tb-dates", berlin, buy), buy, plan.StartTrial{By: tbAdmin})

	tests := []struct {
		name string
		s    plan.Subscription
		want []tbAt
	}{
		{"free", tNew(t, e, "tb-dates", berlin, buy), nil},
		{"trial", trial, []tbAt{
			// 31 Jan + 15 days = 15 Feb
			{plan.EventTrialEnded, "2026-02-15T10:00:00+01:00", "", "0"},
			{plan.EventLimitsReduced, "2026-02-15T10:00:00+01:00", "", "0"},
		}},
		{"active, unpaid", active, []tbAt{
			// period end 28 Feb; grace until 28 Feb + 15 days = 15 Mar
			{plan.EventGraceStarted, "2026-02-28T10:00:00+01:00", "2026-03-15T10:00:00+01:00", "124"},
			{plan.EventGraceEnded, "2026-03-15T10:00:00+01:00", "", "0"},
			{plan.EventLimitsReduced, "2026-03-15T10:00:00+01:00", "", "0"},
		}},
		{"cancelled", cancelled, []tbAt{
			{plan.EventRolledBack, "2026-02-28T10:00:00+01:00", "", "0"},
			{plan.EventLimitsReduced, "2026-02-28T10:00:00+01:00", "", "0"},
		}},
		{"renewed early", renewed, []tbAt{
			// renewed 28 Feb until 31 Mar (back to the anchor day, now CEST)
			{plan.EventRenewed, "2026-02-28T10:00:00+01:00", "2026-03-31T10:00:00+02:00", "0"},
			// 31 Mar + 15 days = 15 Apr
			{plan.EventGraceStarted, "2026-03-31T10:00:00+02:00", "2026-04-15T10:00:00+02:00", "124"},
			{plan.EventGraceEnded, "2026-04-15T10:00:00+02:00", "", "0"},
			{plan.EventLimitsReduced, "2026-04-15T10:00:00+02:00", "", "0"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proj := e.Project(tt.s)
			if diff := cmp.Diff(tt.want, tbTimeline(proj)); diff != "" {
				t.Errorf("Project (-want +got):\n%s", diff)
			}
			_, adv := tbAdvance(t, e, tt.s, time.Date(2030, 1, 1, 0, 0, 0, 0, berlin))
			if diff := cmp.Diff(tbTimeline(proj), tbTimeline(adv)); diff != "" {
				t.Errorf("Advance differs from Project (-project +advance):\n%s", diff)
			}
		})
	}
}

// Time never runs backwards: Advance and Apply refuse a now before the last
// change and leave the subscription as it was.
func TestAdvance_TimeWentBack(t *testing.T) {
	e := tbEngine(t, nil)
	t0 := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	s := tbBuy(t, e, time.UTC, t0, plan.Standard, plan.Monthly)
	n, evs, err := e.Advance(s, t0.Add(-time.Nanosecond), nil)
	if !errors.Is(err, tenancy.ErrTimeWentBack) || len(evs) != 0 || !n.Updated.Equal(s.Updated) {
		t.Errorf("Advance backwards: %v %v, want ErrTimeWentBack and no change", err, evs)
	}
	_, _, err = e.Apply(s, t0.Add(-time.Nanosecond), plan.Cancel{By: tbAdmin})
	if !errors.Is(err, tenancy.ErrTimeWentBack) {
		t.Errorf("Apply backwards: %v, want ErrTimeWentBack", err)
	}
}

// PLAN-05, PLAN-10: a day is a calendar day in the account's zone, whatever
// zone the command's time is given in. 31 Jan 2026 20:00 UTC is already
// 1 Feb 05:00 in Tokyo, so the anchor day is the 1st.
func TestAccountZone_PLAN05_PLAN10_CalendarDaysInAccountZone(t *testing.T) {
	tokyo := tbLoc(t, "Asia/Tokyo")
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	now := time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC)
	s := tNew(t, e, "tb-tokyo", tokyo, now)
	s, _ = tbApply(t, e, s, now, plan.Purchase{By: tbAdmin, Plan: plan.Basic, Period: plan.Monthly})
	if s.AnchorDay != 1 {
		t.Errorf("AnchorDay = %d, want 1 (1 Feb in Tokyo)", s.AnchorDay)
	}
	tbWantTime(t, "Start", s.Start, time.Date(2026, 2, 1, 5, 0, 0, 0, tokyo))
	tbWantTime(t, "End", s.End, time.Date(2026, 3, 1, 5, 0, 0, 0, tokyo))

	// A trial started with a UTC time in a Berlin account ends at 10:00
	// Berlin time 15 days later, across the DST change: 08:00 UTC, not
	// 09:00 UTC as 15 x 24h would give.
	start := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC) // 10:00 CET
	tr := tNew(t, e, "tb-berlin", berlin, start)
	tr, _ = tbApply(t, e, tr, start, plan.StartTrial{By: tbAdmin})
	tbWantTime(t, "trial End", tr.End, time.Date(2026, 4, 4, 10, 0, 0, 0, berlin))
	if got := tr.End.UTC(); !got.Equal(time.Date(2026, 4, 4, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("trial End in UTC = %v, want 08:00", got)
	}
}
