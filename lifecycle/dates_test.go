package lifecycle_test

// Exact dates of the LIFE countdowns: days are calendar days in the
// account's zone (docs/decisions.md), so a deadline keeps its wall-clock
// time across daylight-saving changes and month ends. Every expected date is
// a literal worked out by hand with a calendar.

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones below on machines without a zoneinfo database

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// lrLoc loads a zone or fails the test.
func lrLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// lrStep is one expected entry of a timeline: an effect's kind (and, for
// EffectPlan, the subscription event's kind), when it happens and the
// deadline it carries.
type lrStep struct {
	kind     lifecycle.EffectKind
	event    plan.EventKind
	at       time.Time
	deadline time.Time
}

// lrWantTimeline compares effs with want, zone names included.
func lrWantTimeline(t testing.TB, what string, effs []lifecycle.Effect, want []lrStep) {
	t.Helper()
	if len(effs) != len(want) {
		t.Fatalf("%s: %d effects, want %d:\n%v", what, len(effs), len(want), effs)
	}
	for i, w := range want {
		f := effs[i]
		if f.Kind != w.kind || f.Plan.Kind != w.event {
			t.Errorf("%s: effect %d is %v/%v, want %v/%v", what, i, f.Kind, f.Plan.Kind, w.kind, w.event)
		}
		lrWantTime(t, what+": At of "+f.Kind.String(), f.At, w.at)
		if !f.Deadline.Equal(w.deadline) {
			t.Errorf("%s: effect %d (%v) deadline %v, want %v", what, i, f.Kind, f.Deadline, w.deadline)
		}
		if (f.Kind == lifecycle.EffectWarnSuspension || f.Kind == lifecycle.EffectWarnDeletion) && f.To != lrOwner {
			t.Errorf("%s: warning %d goes to %q, want the owner", what, i, f.To)
		}
	}
}

// lrCountdown returns the timeline of an idle free account: warnings 7, 3
// and 1 days before suspend, the suspension, warnings before purge, the
// purge. The warning dates are given by hand too.
func lrCountdown(warnS [3]time.Time, suspend time.Time, warnP [3]time.Time, purge time.Time) []lrStep {
	var out []lrStep
	for _, w := range warnS {
		out = append(out, lrStep{kind: lifecycle.EffectWarnSuspension, at: w, deadline: suspend})
	}
	out = append(out, lrStep{kind: lifecycle.EffectSuspend, at: suspend, deadline: purge})
	for _, w := range warnP {
		out = append(out, lrStep{kind: lifecycle.EffectWarnDeletion, at: w, deadline: purge})
	}
	return append(out, lrStep{kind: lifecycle.EffectPurge, at: purge})
}

// TestLIFE01_DatesAreCalendarDays pins LIFE-01, LIFE-02 and LIFE-04 dates
// after a login: suspension 30 calendar days after it, warnings 7, 3 and 1
// calendar days before, deletion 30 calendar days after the suspension, all
// at the login's wall-clock time in the account's zone.
func TestLIFE01_DatesAreCalendarDays(t *testing.T) {
	berlin := lrLoc(t, "Europe/Berlin")
	newYork := lrLoc(t, "America/New_York")
	bd := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, berlin) }
	ud := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }
	nd := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 0, 0, 0, newYork) }
	cases := []struct {
		name    string
		loc     *time.Location
		login   time.Time
		warnS   [3]time.Time
		suspend time.Time
		warnP   [3]time.Time
		purge   time.Time
		// idle and purgeDelay are the elapsed times login to suspension and
		// suspension to deletion.
		idle, purgeDelay time.Duration
	}{
		{
			// Clocks go forward on Sunday 29 March 2026 in Berlin: 10 March
			// 10:00 CET + 30 days = 9 April 10:00 CEST, one hour less than
			// 30 × 24 h.
			name: "Berlin, across the spring change", loc: berlin,
			login:   bd(2026, 3, 10),
			warnS:   [3]time.Time{bd(2026, 4, 2), bd(2026, 4, 6), bd(2026, 4, 8)},
			suspend: bd(2026, 4, 9),
			warnP:   [3]time.Time{bd(2026, 5, 2), bd(2026, 5, 6), bd(2026, 5, 8)},
			purge:   bd(2026, 5, 9),
			idle:    30*24*time.Hour - time.Hour, purgeDelay: 30 * 24 * time.Hour,
		},
		{
			// The warnings straddle the change: 25 March is CET, 29 and 31
			// March are CEST.
			name: "Berlin, warnings across the spring change", loc: berlin,
			login:   bd(2026, 3, 2),
			warnS:   [3]time.Time{bd(2026, 3, 25), bd(2026, 3, 29), bd(2026, 3, 31)},
			suspend: bd(2026, 4, 1),
			warnP:   [3]time.Time{bd(2026, 4, 24), bd(2026, 4, 28), bd(2026, 4, 30)},
			purge:   bd(2026, 5, 1),
			idle:    30*24*time.Hour - time.Hour, purgeDelay: 30 * 24 * time.Hour,
		},
		{
			// Clocks go back on Sunday 25 October 2026: the deletion, 10
			// October + 30 days = 9 November, is an hour later than 30 × 24 h.
			name: "Berlin, deletion across the autumn change", loc: berlin,
			login:   bd(2026, 9, 10),
			warnS:   [3]time.Time{bd(2026, 10, 3), bd(2026, 10, 7), bd(2026, 10, 9)},
			suspend: bd(2026, 10, 10),
			warnP:   [3]time.Time{bd(2026, 11, 2), bd(2026, 11, 6), bd(2026, 11, 8)},
			purge:   bd(2026, 11, 9),
			idle:    30 * 24 * time.Hour, purgeDelay: 30*24*time.Hour + time.Hour,
		},
		{
			// 31 January + 30 days: February 2026 has 28 days, so 2 March.
			name: "month end, 2026", loc: time.UTC,
			login:   ud(2026, 1, 31),
			warnS:   [3]time.Time{ud(2026, 2, 23), ud(2026, 2, 27), ud(2026, 3, 1)},
			suspend: ud(2026, 3, 2),
			warnP:   [3]time.Time{ud(2026, 3, 25), ud(2026, 3, 29), ud(2026, 3, 31)},
			purge:   ud(2026, 4, 1),
			idle:    30 * 24 * time.Hour, purgeDelay: 30 * 24 * time.Hour,
		},
		{
			// February 2028 has 29 days: 31 January + 30 days = 1 March,
			// warned on 23, 27 and 29 February.
			name: "month end, leap year 2028", loc: time.UTC,
			login:   ud(2028, 1, 31),
			warnS:   [3]time.Time{ud(2028, 2, 23), ud(2028, 2, 27), ud(2028, 2, 29)},
			suspend: ud(2028, 3, 1),
			warnP:   [3]time.Time{ud(2028, 3, 24), ud(2028, 3, 28), ud(2028, 3, 30)},
			purge:   ud(2028, 3, 31),
			idle:    30 * 24 * time.Hour, purgeDelay: 30 * 24 * time.Hour,
		},
		{
			// New York falls back on Sunday 1 November 2026: 20 October
			// 09:00 EDT + 30 days = 19 November 09:00 EST, an hour more than
			// 30 × 24 h.
			name: "New York, across the autumn change", loc: newYork,
			login:   nd(2026, 10, 20),
			warnS:   [3]time.Time{nd(2026, 11, 12), nd(2026, 11, 16), nd(2026, 11, 18)},
			suspend: nd(2026, 11, 19),
			warnP:   [3]time.Time{nd(2026, 12, 12), nd(2026, 12, 16), nd(2026, 12, 18)},
			purge:   nd(2026, 12, 19),
			idle:    30*24*time.Hour + time.Hour, purgeDelay: 30 * 24 * time.Hour,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := lrEngine(t)
			created := c.login.AddDate(0, 0, -5)
			a := lrNew(t, e, created)
			// The login comes as a UTC instant; the account counts in its
			// own zone.
			a, effs := lrApply(t, e, a, c.login.UTC(), lifecycle.Login{User: "ada"})
			lrWantKinds(t, "login", effs, lifecycle.EffectActivity)
			lrWantTime(t, "activity effect At", effs[0].At, c.login)
			lrWantTime(t, "activity effect Deadline", effs[0].Deadline, c.suspend)
			lrWantTime(t, "LastActivity", a.LastActivity, c.login)
			lrWantTime(t, "Deadline", a.Deadline, c.suspend)
			if got := c.suspend.Sub(c.login); got != c.idle {
				t.Errorf("test data: login to suspension is %v, want %v", got, c.idle)
			}
			if got := a.Deadline.Sub(a.LastActivity); got != c.idle {
				t.Errorf("login to suspension lasts %v, want %v", got, c.idle)
			}

			want := lrCountdown(c.warnS, c.suspend, c.warnP, c.purge)
			projected := e.Project(a)
			lrWantTimeline(t, "Project", projected, want)
			if next, ok := a.NextDeadline(); !ok || !next.Equal(projected[0].At) {
				t.Errorf("NextDeadline = %v, %v; want the first projected date %v", next, ok, projected[0].At)
			}

			// Advancing gives the same effects at the same instants, and
			// nothing fires a nanosecond early.
			s, effs := lrAdvance(t, e, a, c.suspend.Add(-time.Nanosecond))
			lrWantTimeline(t, "before the suspension", effs, want[:3])
			if s.Stage != lifecycle.StageActive {
				t.Fatalf("stage %v a nanosecond before the suspension", s.Stage)
			}
			s, effs = lrAdvance(t, e, s, c.suspend)
			lrWantTimeline(t, "the suspension", effs, want[3:4])
			lrWantTime(t, "SuspendedAt", s.SuspendedAt, c.suspend)
			if got := s.Deadline.Sub(s.SuspendedAt); got != c.purgeDelay {
				t.Errorf("suspension to deletion lasts %v, want %v", got, c.purgeDelay)
			}
			s, effs = lrAdvance(t, e, s, c.purge.Add(-time.Nanosecond))
			lrWantTimeline(t, "before the deletion", effs, want[4:7])
			s, effs = lrAdvance(t, e, s, c.purge)
			lrWantTimeline(t, "the deletion", effs, want[7:])
			if s.Stage != lifecycle.StageDeleted {
				t.Errorf("stage %v at the deletion date", s.Stage)
			}
		})
	}
}

// TestProject_Timelines pins Engine.Project: the whole future of an account
// nobody touches, with exact dates (LIFE-01 to LIFE-05, and LIFE-03 with
// PLAN-04 and PLAN-14 for paid accounts). NextDeadline is the first
// projected date, Project changes nothing, and advancing far ahead yields
// exactly the projected effects.
func TestProject_Timelines(t *testing.T) {
	berlin := lrLoc(t, "Europe/Berlin")
	bd := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, berlin) }
	cases := []struct {
		name  string
		setup func(t *testing.T, e *lifecycle.Engine) lifecycle.Account
		want  []lrStep
	}{
		{
			// Created 10 March 2026 10:00 CET: suspended 9 April 10:00 CEST,
			// deleted 9 May.
			name: "free account", setup: func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
				return lrNew(t, e, bd(2026, 3, 10))
			},
			want: lrCountdown(
				[3]time.Time{bd(2026, 4, 2), bd(2026, 4, 6), bd(2026, 4, 8)}, bd(2026, 4, 9),
				[3]time.Time{bd(2026, 5, 2), bd(2026, 5, 6), bd(2026, 5, 8)}, bd(2026, 5, 9)),
		},
		{
			// Professional bought yearly on 15 January 2026 10:00 CET and
			// cancelled on 1 February: rolled back on 15 January 2027 (PLAN-04),
			// then 30 days to 14 February 2027 and 30 more to 16 March 2027
			// (February 2027 has 28 days; all CET).
			name: "annual plan cancelled", setup: func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
				a := lrThen(t, e, lrNew(t, e, bd(2026, 1, 15)), bd(2026, 1, 15),
					lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Professional, Period: plan.Annual}})
				return lrThen(t, e, a, time.Date(2026, 2, 1, 12, 0, 0, 0, berlin), lifecycle.Plan{Cmd: plan.Cancel{By: lrAda}})
			},
			want: append([]lrStep{
				{kind: lifecycle.EffectPlan, event: plan.EventRolledBack, at: bd(2027, 1, 15)},
				{kind: lifecycle.EffectPlan, event: plan.EventLimitsReduced, at: bd(2027, 1, 15)},
			}, lrCountdown(
				[3]time.Time{bd(2027, 2, 7), bd(2027, 2, 11), bd(2027, 2, 13)}, bd(2027, 2, 14),
				[3]time.Time{bd(2027, 3, 9), bd(2027, 3, 13), bd(2027, 3, 15)}, bd(2027, 3, 16))...),
		},
		{
			// Standard bought monthly on 15 January 2026 and never paid
			// again: the period ends 15 February, grace runs 15 days to 2
			// March (PLAN-14), then 30 days to 1 April (CEST) and 30 more to
			// 1 May.
			name: "monthly plan unpaid", setup: func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
				return lrThen(t, e, lrNew(t, e, bd(2026, 1, 15)), bd(2026, 1, 15),
					lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Standard, Period: plan.Monthly}})
			},
			want: append([]lrStep{
				{kind: lifecycle.EffectPlan, event: plan.EventGraceStarted, at: bd(2026, 2, 15)},
				{kind: lifecycle.EffectPlan, event: plan.EventGraceEnded, at: bd(2026, 3, 2)},
				{kind: lifecycle.EffectPlan, event: plan.EventLimitsReduced, at: bd(2026, 3, 2)},
			}, lrCountdown(
				[3]time.Time{bd(2026, 3, 25), bd(2026, 3, 29), bd(2026, 3, 31)}, bd(2026, 4, 1),
				[3]time.Time{bd(2026, 4, 24), bd(2026, 4, 28), bd(2026, 4, 30)}, bd(2026, 5, 1))...),
		},
		{
			// Suspended on 9 April 2026: only the deletion is left.
			name: "suspended account", setup: func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
				a, _ := lrAdvance(t, e, lrNew(t, e, bd(2026, 3, 10)), bd(2026, 4, 20))
				return a
			},
			want: lrCountdown(
				[3]time.Time{bd(2026, 4, 2), bd(2026, 4, 6), bd(2026, 4, 8)}, bd(2026, 4, 9),
				[3]time.Time{bd(2026, 5, 2), bd(2026, 5, 6), bd(2026, 5, 8)}, bd(2026, 5, 9))[4:],
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := lrEngine(t)
			a := c.setup(t, e)
			snap := lrJSON(t, a)
			projected := e.Project(a)
			if lrJSON(t, a) != snap {
				t.Fatalf("Project changed the account")
			}
			lrWantTimeline(t, "Project", projected, c.want)
			next, ok := a.NextDeadline()
			if !ok || !next.Equal(c.want[0].at) {
				t.Errorf("NextDeadline = %v, %v; want the first projected date %v", next, ok, c.want[0].at)
			}
			_, effs := lrAdvance(t, e, a, bd(2030, 1, 1))
			if d := cmp.Diff(projected, effs); d != "" {
				t.Errorf("Advance differs from Project (-projected +advanced):\n%s", d)
			}
		})
	}
}
