package lifecycle_test

// Table-driven tests of the LIFE rules, one test per rule (LIFE-01 to
// LIFE-08), plus PLAN-02 as the lifecycle enforces it and the user list.
// Expected dates are worked out by hand from docs/rules.md and the default
// policy (30 days of inactivity, warnings 7, 3 and 1 days before, deletion 30
// days after the suspension), never read back from the code under test.
//
// Unless a test says otherwise the account "acme" is created at 09:00 UTC on
// Monday 2 March 2026 by its owner "ada", so that, left alone, it is
//
//	warned      25, 29 and 31 March 2026 09:00 (7, 3 and 1 days before)
//	suspended    1 April 2026 09:00            (2 March + 30 days)
//	warned      24, 28 and 30 April 2026 09:00
//	deleted      1 May 2026 09:00              (1 April + 30 days)

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

const (
	lrID    tenancy.AccountID = "acme"
	lrOwner tenancy.UserID    = "ada"
)

var (
	lrAda     = tenancy.Admin("ada")
	lrBob     = tenancy.Employee("bob")
	lrCarol   = tenancy.Admin("carol")
	lrService = tenancy.Service()

	// lrT0 is when the account is created; the dates below follow from it.
	lrT0 = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	// lrSuspend: 2 March + 30 days = 1 April 2026 (LIFE-01).
	lrSuspend = time.Date(2026, time.April, 1, 9, 0, 0, 0, time.UTC)
	// lrPurge: 1 April + 30 days = 1 May 2026 (LIFE-04).
	lrPurge = time.Date(2026, time.May, 1, 9, 0, 0, 0, time.UTC)
)

// lrEngine returns an engine on the default catalog and plan policy, with
// the default lifecycle policy edited by edit (nil edits are skipped).
func lrEngine(t testing.TB, edit ...func(*lifecycle.Policy)) *lifecycle.Engine {
	t.Helper()
	pe, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	p := lifecycle.DefaultPolicy()
	for _, f := range edit {
		if f != nil {
			f(&p)
		}
	}
	e, err := lifecycle.NewEngine(pe, p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// lrNew returns the account acme owned by ada, created at at in at's zone.
func lrNew(t testing.TB, e *lifecycle.Engine, at time.Time) lifecycle.Account {
	t.Helper()
	a, err := e.New(lrID, lrOwner, "eu", at.Location(), at)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Check(a); err != nil {
		t.Fatalf("a new account breaks an invariant: %v", err)
	}
	return a
}

// lrJSON is a deep snapshot of a: comparing two snapshots also catches a
// change made through a shared slice.
func lrJSON(t testing.TB, a lifecycle.Account) string {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// lrApply applies cmd at now, fails the test on a refusal, checks that the
// argument was left alone and that the result keeps the engine's invariants.
func lrApply(t testing.TB, e *lifecycle.Engine, a lifecycle.Account, now time.Time, cmd lifecycle.Command) (lifecycle.Account, []lifecycle.Effect) {
	t.Helper()
	snap := lrJSON(t, a)
	out, effs, err := e.Apply(a, now, cmd)
	if err != nil {
		t.Fatalf("%T at %v: %v", cmd, now, err)
	}
	if lrJSON(t, a) != snap {
		t.Fatalf("%T changed its argument in place", cmd)
	}
	if err := e.Check(out); err != nil {
		t.Fatalf("after %T: %v", cmd, err)
	}
	return out, effs
}

// lrThen applies cmds in order at now and drops their effects.
func lrThen(t testing.TB, e *lifecycle.Engine, a lifecycle.Account, now time.Time, cmds ...lifecycle.Command) lifecycle.Account {
	t.Helper()
	for _, c := range cmds {
		a, _ = lrApply(t, e, a, now, c)
	}
	return a
}

// lrAdvance advances a to now and fails the test on an error.
func lrAdvance(t testing.TB, e *lifecycle.Engine, a lifecycle.Account, now time.Time) (lifecycle.Account, []lifecycle.Effect) {
	t.Helper()
	snap := lrJSON(t, a)
	out, effs, err := e.Advance(a, now, nil)
	if err != nil {
		t.Fatalf("Advance to %v: %v", now, err)
	}
	if lrJSON(t, a) != snap {
		t.Fatalf("Advance changed its argument in place")
	}
	if err := e.Check(out); err != nil {
		t.Fatalf("after Advance to %v: %v", now, err)
	}
	return out, effs
}

// lrRefused applies cmd at now and checks the refusal: it matches sentinel,
// names rule, contains every msg, and leaves the account and the effects
// alone. It returns the error.
func lrRefused(t testing.TB, e *lifecycle.Engine, a lifecycle.Account, now time.Time, cmd lifecycle.Command, sentinel error, rule tenancy.RuleID, msg ...string) error {
	t.Helper()
	snap := lrJSON(t, a)
	out, effs, err := e.Apply(a, now, cmd)
	lrWantRefusal(t, err, sentinel, rule, msg...)
	if lrJSON(t, a) != snap {
		t.Errorf("a refused %T changed its argument in place", cmd)
	}
	if d := cmp.Diff(a, out); d != "" {
		t.Errorf("refused, yet the account changed (-before +after):\n%s", d)
	}
	if len(effs) != 0 {
		t.Errorf("refused, yet effects %v", effs)
	}
	return err
}

// lrWantRefusal checks that err is a *tenancy.RuleError matching sentinel,
// owned by rule, with a reason containing every msg.
func lrWantRefusal(t testing.TB, err, sentinel error, rule tenancy.RuleID, msg ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a refusal matching %v, got none", sentinel)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not match %v", err, sentinel)
	}
	if tenancy.ReasonOf(err) == "" {
		t.Errorf("error %q gives no reason", err)
	}
	if got := tenancy.RuleOf(err); got != rule {
		t.Errorf("RuleOf(%q) = %q, want %q", err, got, rule)
	}
	for _, m := range msg {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("message %q does not say %q", err, m)
		}
	}
}

func lrKinds(effs []lifecycle.Effect) []lifecycle.EffectKind {
	out := []lifecycle.EffectKind{}
	for _, f := range effs {
		out = append(out, f.Kind)
	}
	return out
}

// lrWantKinds checks the kinds of effs, in order.
func lrWantKinds(t testing.TB, what string, effs []lifecycle.Effect, want ...lifecycle.EffectKind) {
	t.Helper()
	if d := cmp.Diff(want, lrKinds(effs), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s: effects (-want +got):\n%s\n%v", what, d, effs)
	}
}

// lrWantTime checks that got is the instant want, shown in the same zone.
func lrWantTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
	if !got.IsZero() && got.Location().String() != want.Location().String() {
		t.Errorf("%s is in zone %v, want %v", what, got.Location(), want.Location())
	}
}

// lrHas reports whether effs has an effect of kind k.
func lrHas(effs []lifecycle.Effect, k lifecycle.EffectKind) bool {
	return slices.ContainsFunc(effs, func(f lifecycle.Effect) bool { return f.Kind == k })
}

// lrSuspended returns the default account left alone until its suspension
// on 1 April 2026.
func lrSuspended(t testing.TB, e *lifecycle.Engine) lifecycle.Account {
	t.Helper()
	a, _ := lrAdvance(t, e, lrNew(t, e, lrT0), lrSuspend)
	if a.Stage != lifecycle.StageSuspended {
		t.Fatalf("setup: stage %v on %v, want suspended", a.Stage, lrSuspend)
	}
	return a
}

// lrWithBob returns the default account with bob added as an employee.
func lrWithBob(t testing.TB, e *lifecycle.Engine) lifecycle.Account {
	t.Helper()
	return lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.AddUser{By: lrAda, User: "bob", Role: tenancy.RoleEmployee})
}

// --- LIFE-01 ---------------------------------------------------------------

// TestLIFE01_SuspendedAfterThirtyIdleDays proves LIFE-01: a free account in
// which nobody logs in for 30 calendar days is suspended at exactly that
// instant, not a nanosecond earlier, and scheduled for deletion. Creating the
// account counts as activity; any member's login restarts the count.
func TestLIFE01_SuspendedAfterThirtyIdleDays(t *testing.T) {
	e := lrEngine(t)
	cases := []struct {
		name   string
		logins []lifecycle.Login
		at     []time.Time
		// suspend is when the account must be suspended, worked out by hand.
		suspend time.Time
	}{
		{name: "nobody logs in: counted from the creation", suspend: lrSuspend},
		{
			name:   "owner logs in on 20 March 15:30",
			logins: []lifecycle.Login{{User: "ada"}},
			at:     []time.Time{time.Date(2026, 3, 20, 15, 30, 0, 0, time.UTC)},
			// 20 March + 30 days = 19 April.
			suspend: time.Date(2026, 4, 19, 15, 30, 0, 0, time.UTC),
		},
		{
			name:   "an employee's login counts too",
			logins: []lifecycle.Login{{User: "bob"}},
			at:     []time.Time{time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)},
			// 10 March + 30 days = 9 April.
			suspend: time.Date(2026, 4, 9, 8, 0, 0, 0, time.UTC),
		},
		{
			name:   "the latest of two logins counts",
			logins: []lifecycle.Login{{User: "ada"}, {User: "bob"}},
			at:     []time.Time{time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 27, 12, 0, 0, 0, time.UTC)},
			// 27 March + 30 days = 26 April.
			suspend: time.Date(2026, 4, 26, 12, 0, 0, 0, time.UTC),
		},
		{
			name:   "a login one nanosecond before the suspension saves the account",
			logins: []lifecycle.Login{{User: "ada"}},
			at:     []time.Time{lrSuspend.Add(-time.Nanosecond)},
			// 1 April 08:59:59.999999999 + 30 days = 1 May, same time.
			suspend: time.Date(2026, 5, 1, 8, 59, 59, 999999999, time.UTC),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := lrWithBob(t, e)
			for i, l := range c.logins {
				var effs []lifecycle.Effect
				a, effs = lrApply(t, e, a, c.at[i], l)
				last := effs[len(effs)-1]
				if last.Kind != lifecycle.EffectActivity || last.To != l.User || last.Rule != "LIFE-01" {
					t.Errorf("login effect %v, want activity to %s under LIFE-01", last, l.User)
				}
				lrWantTime(t, "login LastActivity", a.LastActivity, c.at[i])
				lrWantTime(t, "activity effect Deadline", last.Deadline, c.at[i].AddDate(0, 0, 30))
			}
			lrWantTime(t, "Deadline", a.Deadline, c.suspend)

			before := c.suspend.Add(-time.Nanosecond)
			a, effs := lrAdvance(t, e, a, before)
			if a.Stage != lifecycle.StageActive || lrHas(effs, lifecycle.EffectSuspend) {
				t.Fatalf("at %v, a nanosecond early: stage %v, effects %v; want still active", before, a.Stage, effs)
			}
			a, effs = lrAdvance(t, e, a, c.suspend)
			lrWantKinds(t, "at the deadline", effs, lifecycle.EffectSuspend)
			if a.Stage != lifecycle.StageSuspended {
				t.Fatalf("stage %v at the deadline, want suspended", a.Stage)
			}
			lrWantTime(t, "SuspendedAt", a.SuspendedAt, c.suspend)
			lrWantTime(t, "suspend effect At", effs[0].At, c.suspend)
			// Scheduled for deletion 30 days later (LIFE-04).
			lrWantTime(t, "deletion Deadline", a.Deadline, c.suspend.AddDate(0, 0, 30))
			lrWantTime(t, "suspend effect Deadline", effs[0].Deadline, c.suspend.AddDate(0, 0, 30))
			if effs[0].Rule != "LIFE-01" || effs[0].Account != lrID {
				t.Errorf("suspend effect %+v, want rule LIFE-01 on %s", effs[0], lrID)
			}
		})
	}

	// A login at the very instant of the suspension comes too late: the
	// deadline fires first (Apply advances before the command).
	t.Run("a login at the deadline is too late", func(t *testing.T) {
		lrRefused(t, e, lrNew(t, e, lrT0), lrSuspend, lifecycle.Login{User: "ada"}, lifecycle.ErrSuspended, "LIFE-04")
	})
	// Only the free plan counts down; a trial does not (LIFE-03 covers the
	// drop to free).
	t.Run("a trial does not count down", func(t *testing.T) {
		a := lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}})
		if !a.Deadline.IsZero() || !a.WarnAt.IsZero() {
			t.Errorf("trial account: Deadline %v WarnAt %v, want none", a.Deadline, a.WarnAt)
		}
	})
}

// --- LIFE-02 ---------------------------------------------------------------

// TestLIFE02_WarningsBeforeEveryAction proves LIFE-02: the owner is warned 7,
// 3 and 1 calendar days before the suspension and before the deletion, each
// warning carrying the absolute date it is about; a single Advance that
// jumps a year still emits every warning in order before the action; the
// warning days are policy; no warning is emitted twice.
func TestLIFE02_WarningsBeforeEveryAction(t *testing.T) {
	type want struct {
		kind     lifecycle.EffectKind
		at       time.Time
		deadline time.Time
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	cases := []struct {
		name string
		edit func(*lifecycle.Policy)
		want []want
	}{
		{
			name: "default 7, 3, 1",
			want: []want{
				{lifecycle.EffectWarnSuspension, day(3, 25), lrSuspend}, // 1 April - 7 days
				{lifecycle.EffectWarnSuspension, day(3, 29), lrSuspend}, // - 3 days
				{lifecycle.EffectWarnSuspension, day(3, 31), lrSuspend}, // - 1 day
				{lifecycle.EffectSuspend, lrSuspend, lrPurge},
				{lifecycle.EffectWarnDeletion, day(4, 24), lrPurge}, // 1 May - 7 days
				{lifecycle.EffectWarnDeletion, day(4, 28), lrPurge}, // - 3 days
				{lifecycle.EffectWarnDeletion, day(4, 30), lrPurge}, // - 1 day
				{lifecycle.EffectPurge, lrPurge, time.Time{}},
			},
		},
		{
			name: "custom days, given in any order: 2 and 14",
			edit: func(p *lifecycle.Policy) { p.WarningDays = []int{2, 14} },
			want: []want{
				{lifecycle.EffectWarnSuspension, day(3, 18), lrSuspend}, // 1 April - 14 days
				{lifecycle.EffectWarnSuspension, day(3, 30), lrSuspend}, // - 2 days
				{lifecycle.EffectSuspend, lrSuspend, lrPurge},
				{lifecycle.EffectWarnDeletion, day(4, 17), lrPurge}, // 1 May - 14 days
				{lifecycle.EffectWarnDeletion, day(4, 29), lrPurge}, // - 2 days
				{lifecycle.EffectPurge, lrPurge, time.Time{}},
			},
		},
		{
			name: "no warnings at all",
			edit: func(p *lifecycle.Policy) { p.WarningDays = nil },
			want: []want{
				{lifecycle.EffectSuspend, lrSuspend, lrPurge},
				{lifecycle.EffectPurge, lrPurge, time.Time{}},
			},
		},
		{
			name: "shorter delays: 10 idle days, 5 days to purge, warnings 4 and 1",
			edit: func(p *lifecycle.Policy) { p.InactivityDays, p.PurgeDays, p.WarningDays = 10, 5, []int{4, 1} },
			want: []want{
				{lifecycle.EffectWarnSuspension, day(3, 8), day(3, 12)}, // 2 March + 10 = 12 March
				{lifecycle.EffectWarnSuspension, day(3, 11), day(3, 12)},
				{lifecycle.EffectSuspend, day(3, 12), day(3, 17)}, // + 5 = 17 March
				{lifecycle.EffectWarnDeletion, day(3, 13), day(3, 17)},
				{lifecycle.EffectWarnDeletion, day(3, 16), day(3, 17)},
				{lifecycle.EffectPurge, day(3, 17), time.Time{}},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := lrEngine(t, c.edit)
			a := lrNew(t, e, lrT0)
			next, ok := a.NextDeadline()
			if !ok || !next.Equal(c.want[0].at) {
				t.Errorf("NextDeadline = %v, %v; want %v", next, ok, c.want[0].at)
			}

			// One jump a year ahead: everything comes out, in order.
			jumped, effs := lrAdvance(t, e, a, lrT0.AddDate(1, 0, 0))
			if len(effs) != len(c.want) {
				t.Fatalf("a year's jump gave %d effects, want %d:\n%v", len(effs), len(c.want), effs)
			}
			for i, w := range c.want {
				f := effs[i]
				if f.Kind != w.kind || !f.At.Equal(w.at) || !f.Deadline.Equal(w.deadline) {
					t.Errorf("effect %d = %v at %v deadline %v; want %v at %v deadline %v",
						i, f.Kind, f.At, f.Deadline, w.kind, w.at, w.deadline)
				}
				if f.Kind == lifecycle.EffectWarnSuspension || f.Kind == lifecycle.EffectWarnDeletion {
					if f.To != lrOwner || f.Rule != "LIFE-02" {
						t.Errorf("warning %d goes to %q under %q, want the owner %q under LIFE-02", i, f.To, f.Rule, lrOwner)
					}
					if !f.At.Before(f.Deadline) {
						t.Errorf("warning %d at %v is not before its deadline %v", i, f.At, f.Deadline)
					}
				}
			}
			if jumped.Stage != lifecycle.StageDeleted {
				t.Errorf("after a year: stage %v, want deleted", jumped.Stage)
			}

			// Advancing hour by hour gives exactly the same effects, each
			// once, with the same IDs: a warning is never emitted twice.
			step := a
			var stepped []lifecycle.Effect
			for now := lrT0; !now.After(lrT0.AddDate(0, 3, 0)); now = now.Add(time.Hour) {
				var got []lifecycle.Effect
				step, got = lrAdvance(t, e, step, now)
				stepped = append(stepped, got...)
				// Advancing again to the same instant fires nothing more.
				if _, again := lrAdvance(t, e, step, now); len(again) != 0 {
					t.Fatalf("advancing twice to %v fired %v again", now, again)
				}
			}
			if d := cmp.Diff(effs, stepped); d != "" {
				t.Errorf("stepwise effects differ from the jump (-jump +steps):\n%s", d)
			}
			if d := cmp.Diff(jumped, step); d != "" {
				t.Errorf("stepwise account differs from the jump (-jump +steps):\n%s", d)
			}
			ids := map[string]bool{}
			for _, f := range stepped {
				if ids[f.ID()] {
					t.Errorf("effect ID %s emitted twice", f.ID())
				}
				ids[f.ID()] = true
			}
		})
	}

	t.Run("a login restarts the warnings for the new date only", func(t *testing.T) {
		e := lrEngine(t)
		a := lrNew(t, e, lrT0)
		// The 7-day warning about 1 April went out on 25 March.
		a, effs := lrAdvance(t, e, a, time.Date(2026, 3, 26, 9, 0, 0, 0, time.UTC))
		lrWantKinds(t, "26 March", effs, lifecycle.EffectWarnSuspension)
		login := time.Date(2026, 3, 26, 18, 0, 0, 0, time.UTC)
		a, _ = lrApply(t, e, a, login, lifecycle.Login{User: "ada"})
		// 26 March 18:00 + 30 days = 25 April 18:00; warned on 18, 22, 24 April.
		newDeadline := time.Date(2026, 4, 25, 18, 0, 0, 0, time.UTC)
		lrWantTime(t, "Deadline", a.Deadline, newDeadline)
		if a.Warned != 0 {
			t.Errorf("Warned = %d after the login, want 0", a.Warned)
		}
		lrWantTime(t, "WarnAt", a.WarnAt, time.Date(2026, 4, 18, 18, 0, 0, 0, time.UTC))
		_, effs = lrAdvance(t, e, a, newDeadline)
		lrWantKinds(t, "up to the new deadline", effs, lifecycle.EffectWarnSuspension, lifecycle.EffectWarnSuspension,
			lifecycle.EffectWarnSuspension, lifecycle.EffectSuspend)
		for _, f := range effs[:3] {
			lrWantTime(t, "warning Deadline", f.Deadline, newDeadline)
		}
	})

	t.Run("invalid warning days are refused", func(t *testing.T) {
		pe, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
		if err != nil {
			t.Fatal(err)
		}
		for _, days := range [][]int{{0}, {-1}, {30}, {7, 7}, {3, 45}} {
			p := lifecycle.DefaultPolicy()
			p.WarningDays = days
			_, err := lifecycle.NewEngine(pe, p)
			lrWantRefusal(t, err, lifecycle.ErrPolicy, "LIFE-02")
		}
		// The engine keeps its own copy, longest first.
		p := lifecycle.DefaultPolicy()
		p.WarningDays = []int{1, 7, 3}
		e, err := lifecycle.NewEngine(pe, p)
		if err != nil {
			t.Fatal(err)
		}
		p.WarningDays[0] = 29
		if got := e.Policy().WarningDays; !slices.Equal(got, []int{7, 3, 1}) {
			t.Errorf("Policy().WarningDays = %v, want [7 3 1]", got)
		}
	})
}

// --- LIFE-03 ---------------------------------------------------------------

// TestLIFE03_CommercialNeverCountsDown proves LIFE-03: a paid account is never
// suspended for inactivity, however long nobody logs in; once it drops to
// free the count starts at the drop, not at the last login.
func TestLIFE03_CommercialNeverCountsDown(t *testing.T) {
	e := lrEngine(t)
	for _, per := range []plan.Period{plan.Annual, plan.Monthly} {
		t.Run("paid for five years without a login, "+per.String(), func(t *testing.T) {
			a := lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Professional, Period: per}})
			// Renewals on 2 March 2027 to 2031 (annual) or on the 2nd of
			// every month to March 2031 (monthly), each paid in grace.
			end := lrT0.AddDate(5, 0, 0)
			periods := 0
			for !a.Sub.End.After(end) {
				if !a.Deadline.IsZero() || !a.WarnAt.IsZero() {
					t.Fatalf("a paid account counts down: Deadline %v WarnAt %v", a.Deadline, a.WarnAt)
				}
				var effs []lifecycle.Effect
				a, effs = lrAdvance(t, e, a, a.Sub.End)
				if a.Sub.Status != plan.StatusGrace {
					t.Fatalf("at period end: status %v, effects %v; want grace", a.Sub.Status, effs)
				}
				// The billing service charges the amount due a day later.
				a, effs = lrApply(t, e, a, a.Sub.Start.AddDate(0, 0, 1), lifecycle.Plan{Cmd: plan.RecordPayment{By: lrService, Amount: a.Sub.Due}})
				for _, f := range effs {
					if f.Kind != lifecycle.EffectPlan {
						t.Fatalf("a paid account got %v", f)
					}
				}
				periods++
			}
			a, effs := lrAdvance(t, e, a, end.AddDate(0, 0, 20))
			if lrHas(effs, lifecycle.EffectSuspend) || a.Stage != lifecycle.StageActive || a.Sub.Status != plan.StatusActive {
				t.Fatalf("after five years: stage %v, status %v, effects %v", a.Stage, a.Sub.Status, effs)
			}
			if want := 5 * 12 / per.Months(); periods != want {
				t.Errorf("%d periods paid, want %d", periods, want)
			}
			lrWantTime(t, "LastActivity", a.LastActivity, lrT0)
		})
	}

	// Each case ends on free at drop, with the last login long before it
	// (the creation, 2 March 2026); the count starts at the drop.
	cases := []struct {
		name  string
		setup func(t *testing.T) lifecycle.Account
		// drop is when the account is on free again; suspend is drop + 30
		// days, both worked out by hand.
		drop, suspend time.Time
	}{
		{
			name: "annual plan cancelled, rolled back at period end (PLAN-04)",
			setup: func(t *testing.T) lifecycle.Account {
				a := lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Professional, Period: plan.Annual}})
				return lrThen(t, e, a, lrT0.AddDate(0, 1, 0), lifecycle.Plan{Cmd: plan.Cancel{By: lrAda, Reason: "closing"}})
			},
			// The period ends on 2 March 2027; + 30 days = 1 April 2027.
			drop:    time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC),
			suspend: time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC),
		},
		{
			name: "monthly plan unpaid, grace ran out (PLAN-14)",
			setup: func(t *testing.T) lifecycle.Account {
				return lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}})
			},
			// Period ends 2 April 2026, grace 15 days to 17 April; + 30 days
			// = 17 May 2026.
			drop:    time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC),
			suspend: time.Date(2026, 5, 17, 9, 0, 0, 0, time.UTC),
		},
		{
			name: "trial ended without a purchase (PLAN-10)",
			setup: func(t *testing.T) lifecycle.Account {
				return lrThen(t, e, lrNew(t, e, lrT0), lrT0.Add(time.Hour), lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}})
			},
			// 2 March 10:00 + 15 days = 17 March 10:00; + 30 days = 16 April.
			drop:    time.Date(2026, 3, 17, 10, 0, 0, 0, time.UTC),
			suspend: time.Date(2026, 4, 16, 10, 0, 0, 0, time.UTC),
		},
		{
			name: "cancelled at once with a refund (PLAN-06)",
			setup: func(t *testing.T) lifecycle.Account {
				a := lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Standard, Period: plan.Annual}})
				return lrThen(t, e, a, time.Date(2026, 9, 14, 16, 0, 0, 0, time.UTC), lifecycle.Plan{Cmd: plan.Cancel{By: lrAda, Now: true}})
			},
			// 14 September 2026 16:00 + 30 days = 14 October.
			drop:    time.Date(2026, 9, 14, 16, 0, 0, 0, time.UTC),
			suspend: time.Date(2026, 10, 14, 16, 0, 0, 0, time.UTC),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := c.setup(t)
			if a.Sub.Status != plan.StatusFree && !a.Deadline.IsZero() {
				t.Fatalf("while paying or on trial: Deadline %v, want none", a.Deadline)
			}
			a, effs := lrAdvance(t, e, a, c.drop)
			if a.Sub.Status != plan.StatusFree {
				t.Fatalf("at %v: status %v, effects %v; want free", c.drop, a.Sub.Status, effs)
			}
			lrWantTime(t, "FreeSince", a.Sub.FreeSince, c.drop)
			lrWantTime(t, "LastActivity", a.LastActivity, lrT0)
			lrWantTime(t, "Deadline", a.Deadline, c.suspend)
			lrWantTime(t, "first warning", a.WarnAt, c.suspend.AddDate(0, 0, -7))
			a, effs = lrAdvance(t, e, a, c.suspend.Add(-time.Nanosecond))
			lrWantKinds(t, "until just before the suspension", effs,
				lifecycle.EffectWarnSuspension, lifecycle.EffectWarnSuspension, lifecycle.EffectWarnSuspension)
			a, effs = lrAdvance(t, e, a, c.suspend)
			lrWantKinds(t, "at the suspension", effs, lifecycle.EffectSuspend)
			if a.Stage != lifecycle.StageSuspended {
				t.Errorf("stage %v, want suspended", a.Stage)
			}
		})
	}
}

// --- LIFE-04 ---------------------------------------------------------------

// TestLIFE04_SuspendedThenDeleted proves LIFE-04: a suspended account is
// deleted exactly 30 days after its suspension; until then an administrator
// restores it, or buys a plan, with its data intact, and the count restarts
// from the restore. Logins and other plan commands are refused meanwhile;
// employees and the service cannot restore.
func TestLIFE04_SuspendedThenDeleted(t *testing.T) {
	e := lrEngine(t)
	suspended := func(t *testing.T) lifecycle.Account {
		a := lrThen(t, e, lrNew(t, e, lrT0), lrT0,
			lifecycle.AddUser{By: lrAda, User: "bob", Role: tenancy.RoleEmployee},
			lifecycle.AddUser{By: lrAda, User: "carol", Role: tenancy.RoleAdministrator})
		a, _ = lrAdvance(t, e, a, lrSuspend)
		if a.Stage != lifecycle.StageSuspended {
			t.Fatalf("setup: stage %v", a.Stage)
		}
		return a
	}

	t.Run("nobody acts: deleted exactly 30 days later", func(t *testing.T) {
		a := suspended(t)
		lrWantTime(t, "SuspendedAt", a.SuspendedAt, lrSuspend)
		lrWantTime(t, "Deadline", a.Deadline, lrPurge)
		a, effs := lrAdvance(t, e, a, lrPurge.Add(-time.Nanosecond))
		lrWantKinds(t, "until just before", effs, lifecycle.EffectWarnDeletion, lifecycle.EffectWarnDeletion, lifecycle.EffectWarnDeletion)
		if a.Stage != lifecycle.StageSuspended {
			t.Fatalf("stage %v a nanosecond before the deletion", a.Stage)
		}
		a, effs = lrAdvance(t, e, a, lrPurge)
		lrWantKinds(t, "at the deadline", effs, lifecycle.EffectPurge)
		if a.Stage != lifecycle.StageDeleted {
			t.Errorf("stage %v, want deleted", a.Stage)
		}
	})

	restores := []struct {
		name string
		at   time.Time
		cmd  lifecycle.Command
		// kinds are the effects wanted; paid whether the account pays after.
		kinds []lifecycle.EffectKind
		paid  bool
	}{
		{"the owner restores", time.Date(2026, 4, 10, 11, 0, 0, 0, time.UTC),
			lifecycle.Restore{By: lrAda}, []lifecycle.EffectKind{lifecycle.EffectRestore}, false},
		{"another administrator restores one nanosecond before the deletion", lrPurge.Add(-time.Nanosecond),
			lifecycle.Restore{By: lrCarol}, []lifecycle.EffectKind{lifecycle.EffectRestore}, false},
		{"an administrator who claims no role restores", time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC),
			lifecycle.Restore{By: tenancy.Actor{User: "carol"}}, []lifecycle.EffectKind{lifecycle.EffectRestore}, false},
		{"buying a plan restores", time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC),
			lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}},
			[]lifecycle.EffectKind{lifecycle.EffectRestore, lifecycle.EffectPlan}, true},
		{"starting a trial restores", time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC),
			lifecycle.Plan{Cmd: plan.StartTrial{By: lrCarol}},
			[]lifecycle.EffectKind{lifecycle.EffectRestore, lifecycle.EffectPlan}, false},
	}
	for _, c := range restores {
		t.Run(c.name, func(t *testing.T) {
			a := suspended(t)
			users := slices.Clone(a.Users)
			// The warnings due before the command come first.
			var warned []lifecycle.EffectKind
			for _, w := range []time.Time{
				time.Date(2026, 4, 24, 9, 0, 0, 0, time.UTC),
				time.Date(2026, 4, 28, 9, 0, 0, 0, time.UTC),
				time.Date(2026, 4, 30, 9, 0, 0, 0, time.UTC),
			} {
				if !w.After(c.at) {
					warned = append(warned, lifecycle.EffectWarnDeletion)
				}
			}
			got, effs := lrApply(t, e, a, c.at, c.cmd)
			lrWantKinds(t, "effects", effs, append(warned, c.kinds...)...)
			if lrHas(effs, lifecycle.EffectPurge) {
				t.Fatalf("a restore purged data: %v", effs)
			}
			if got.Stage != lifecycle.StageActive || !got.SuspendedAt.IsZero() {
				t.Errorf("after restoring: stage %v, SuspendedAt %v; want active, none", got.Stage, got.SuspendedAt)
			}
			// The data is intact: the same members, the same roles.
			if d := cmp.Diff(users, got.Users); d != "" {
				t.Errorf("users changed (-before +after):\n%s", d)
			}
			lrWantTime(t, "LastActivity", got.LastActivity, c.at)
			if c.paid {
				if got.Sub.Status != plan.StatusActive || !got.Deadline.IsZero() {
					t.Errorf("after a purchase: status %v, Deadline %v; want active, none", got.Sub.Status, got.Deadline)
				}
			} else if got.Sub.Status == plan.StatusFree {
				// The count restarts from the restore.
				lrWantTime(t, "Deadline", got.Deadline, c.at.AddDate(0, 0, 30))
			}
			// Nothing happens at the old deletion date.
			got, effs = lrAdvance(t, e, got, lrPurge)
			if lrHas(effs, lifecycle.EffectPurge) || got.Stage != lifecycle.StageActive {
				t.Errorf("at the old deletion date: stage %v, effects %v", got.Stage, effs)
			}
		})
	}

	refusals := []struct {
		name     string
		cmd      lifecycle.Command
		sentinel error
		rule     tenancy.RuleID
	}{
		{"login", lifecycle.Login{User: "ada"}, lifecycle.ErrSuspended, "LIFE-04"},
		{"employee login", lifecycle.Login{User: "bob"}, lifecycle.ErrSuspended, "LIFE-04"},
		{"cancel", lifecycle.Plan{Cmd: plan.Cancel{By: lrAda}}, lifecycle.ErrSuspended, "LIFE-04"},
		{"change plan", lifecycle.Plan{Cmd: plan.ChangePlan{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}}, lifecycle.ErrSuspended, "LIFE-04"},
		{"renew", lifecycle.Plan{Cmd: plan.Renew{By: lrService}}, lifecycle.ErrSuspended, "LIFE-04"},
		{"record a payment", lifecycle.Plan{Cmd: plan.RecordPayment{By: lrService, Amount: decimal.NewFromInt(61)}}, lifecycle.ErrSuspended, "LIFE-04"},
		{"an employee restores", lifecycle.Restore{By: lrBob}, tenancy.ErrUnauthorized, "LIFE-04"},
		{"an employee claims no role and restores", lifecycle.Restore{By: tenancy.Actor{User: "bob"}}, tenancy.ErrUnauthorized, "LIFE-04"},
		{"the service restores", lifecycle.Restore{By: lrService}, tenancy.ErrUnauthorized, "LIFE-04"},
		{"an employee buys a plan", lifecycle.Plan{Cmd: plan.Purchase{By: lrBob, Plan: plan.Basic, Period: plan.Monthly}}, tenancy.ErrUnauthorized, "PLAN-02"},
	}
	for _, c := range refusals {
		t.Run("refused: "+c.name, func(t *testing.T) {
			lrRefused(t, e, suspended(t), time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC), c.cmd, c.sentinel, c.rule)
		})
	}
	t.Run("refused: restoring an active account", func(t *testing.T) {
		lrRefused(t, e, lrNew(t, e, lrT0), lrT0.Add(time.Hour), lifecycle.Restore{By: lrAda}, tenancy.ErrRefused, "LIFE-04", "not suspended")
	})
	t.Run("refused: restoring at the deletion instant is too late", func(t *testing.T) {
		lrRefused(t, e, suspended(t), lrPurge, lifecycle.Restore{By: lrAda}, lifecycle.ErrDeleted, "LIFE-05")
	})
	t.Run("Usable names the deletion date", func(t *testing.T) {
		lrWantRefusal(t, suspended(t).Usable(), lifecycle.ErrSuspended, "LIFE-04", "2026-05-01")
	})
}

// --- LIFE-05 ---------------------------------------------------------------

// TestLIFE05_DeletionIsFinal proves LIFE-05: the purge names every category
// of data, and a deleted account refuses every command with ErrDeleted under
// LIFE-05 and never changes by itself again.
func TestLIFE05_DeletionIsFinal(t *testing.T) {
	e := lrEngine(t)

	t.Run("the purge names every category", func(t *testing.T) {
		want := "CRM entries, tasks, activity stream posts, user accounts, documents, messages"
		if got := lifecycle.AllData.String(); got != want {
			t.Errorf("AllData = %q, want %q", got, want)
		}
		for _, d := range []lifecycle.Data{lifecycle.DataCRM, lifecycle.DataTasks, lifecycle.DataActivityStream,
			lifecycle.DataUsers, lifecycle.DataDocuments, lifecycle.DataMessages} {
			if lifecycle.AllData&d == 0 {
				t.Errorf("AllData lacks %v", d)
			}
		}
		_, effs := lrAdvance(t, e, lrNew(t, e, lrT0), lrPurge)
		f := effs[len(effs)-1]
		if f.Kind != lifecycle.EffectPurge || f.Data != lifecycle.AllData || f.Rule != "LIFE-05" || !f.At.Equal(lrPurge) {
			t.Errorf("last effect %v, want a purge of all data under LIFE-05 at %v", f, lrPurge)
		}
		if !strings.Contains(f.String(), want) {
			t.Errorf("%q does not list the data", f)
		}
	})

	deleted := map[string]func(t *testing.T) lifecycle.Account{
		"purged after the suspension": func(t *testing.T) lifecycle.Account {
			a, _ := lrAdvance(t, e, lrWithBob(t, e), lrPurge)
			return a
		},
		"deleted on request": func(t *testing.T) lifecycle.Account {
			return lrThen(t, e, lrNew(t, e, lrT0), lrT0.Add(time.Hour), lifecycle.Delete{By: lrAda, Confirm: lrID})
		},
		"deleted by support while paying and blocked": func(t *testing.T) lifecycle.Account {
			a := lrThen(t, e, lrWithBob(t, e), lrT0,
				lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}},
				lifecycle.SetBlock{By: lrService, Cause: "NET-07: plan compatibility"})
			return lrThen(t, e, a, lrT0.Add(time.Hour), lifecycle.Delete{By: lrService, Confirm: lrID})
		},
	}
	later := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	commands := []lifecycle.Command{
		lifecycle.Login{User: "ada"},
		lifecycle.Restore{By: lrAda},
		lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Enterprise, Period: plan.Annual}},
		lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}},
		lifecycle.Plan{Cmd: plan.Cancel{By: lrAda}},
		lifecycle.AddUser{By: lrAda, User: "dave", Role: tenancy.RoleEmployee},
		lifecycle.DismissUser{By: lrAda, User: "bob"},
		lifecycle.Delete{By: lrAda, Confirm: lrID},
		lifecycle.Delete{By: lrService, Confirm: lrID},
		lifecycle.SetBlock{By: lrService, Cause: "x"},
		lifecycle.LiftBlock{By: lrService, Cause: "NET-07: plan compatibility"},
		// Even an actor who is nobody learns first that the account is gone.
		lifecycle.Restore{By: tenancy.Admin("mallory")},
	}
	for name, build := range deleted {
		t.Run(name, func(t *testing.T) {
			a := build(t)
			if a.Stage != lifecycle.StageDeleted || a.Blocked() || !a.Deadline.IsZero() {
				t.Fatalf("stage %v, blocks %v, deadline %v; want deleted with neither", a.Stage, a.Blocks, a.Deadline)
			}
			for _, cmd := range commands {
				lrRefused(t, e, a, later, cmd, lifecycle.ErrDeleted, "LIFE-05", "deleted")
			}
			if d, ok := a.NextDeadline(); ok {
				t.Errorf("NextDeadline = %v, want none", d)
			}
			got, effs := lrAdvance(t, e, a, later.AddDate(10, 0, 0))
			if len(effs) != 0 || got.Stage != lifecycle.StageDeleted {
				t.Errorf("advancing ten years: stage %v, effects %v; want nothing", got.Stage, effs)
			}
			if p := e.Project(a); len(p) != 0 {
				t.Errorf("Project = %v, want nothing", p)
			}
			lrWantRefusal(t, a.Usable(), lifecycle.ErrDeleted, "LIFE-05")
		})
	}
}

// TestLIFE05_DeletionEndsTheSubscription proves LIFE-05 for the money: a
// paid account that support deletes takes its subscription with it. Just
// before the purge the subscription ends, with an "ended" event under
// LIFE-05, on the free plan with its add-ons deactivated (PLAN-07) and no
// deadline left, so that nothing renews, falls into grace or charges the
// deleted account. A deleted account that still had a running
// subscription would be corrupt.
//
// The account is created on Monday 2 March 2026 at 09:00 UTC and buys
// Standard monthly at once: its period ends on 2 April 2026 at 09:00.
func TestLIFE05_DeletionEndsTheSubscription(t *testing.T) {
	e := lrEngine(t)
	periodEnd := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
	mid := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	paying := func(t *testing.T) lifecycle.Account {
		a := lrThen(t, e, lrWithBob(t, e), lrT0,
			lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Standard, Period: plan.Monthly}},
			lifecycle.Plan{Cmd: plan.BuyTelephonyCredits{By: lrAda, Amount: decimal.NewFromInt(40)}})
		if d, ok := a.Sub.NextDeadline(); !ok || !d.Equal(periodEnd) {
			t.Fatalf("setup: the subscription's next deadline is %v, %v; want %v", d, ok, periodEnd)
		}
		return a
	}

	t.Run("support deletes a paying account", func(t *testing.T) {
		a := paying(t)
		got, effs := lrApply(t, e, a, mid, lifecycle.Delete{By: lrService, Confirm: lrID})
		lrWantKinds(t, "deletion", effs, lifecycle.EffectPlan, lifecycle.EffectPlan, lifecycle.EffectPlan, lifecycle.EffectPurge)
		if len(effs) != 4 {
			t.FailNow()
		}
		var kinds []plan.EventKind
		for i, f := range effs {
			lrWantTime(t, "effect time", f.At, mid)
			if f.Seq != a.Seq+uint64(i)+1 || f.Account != lrID {
				t.Errorf("effect %v is number %d of %s, want %d of %s", f, f.Seq, f.Account, a.Seq+uint64(i)+1, lrID)
			}
			if f.Kind == lifecycle.EffectPlan {
				kinds = append(kinds, f.Plan.Kind)
			}
		}
		// Ended first, then what a drop from Standard to free always
		// brings: the 40 credits forfeited, the limits reduced.
		if d := cmp.Diff([]plan.EventKind{plan.EventEnded, plan.EventAddOnsDeactivated, plan.EventLimitsReduced}, kinds); d != "" {
			t.Errorf("plan events (-want +got):\n%s", d)
		}
		ended := effs[0]
		if ended.Rule != "LIFE-05" || ended.Plan.Rule != "LIFE-05" || ended.Plan.From != plan.Standard || ended.Plan.Kind.String() != "ended" {
			t.Errorf("ended effect %v (rule %s, from %s), want the end of standard under LIFE-05", ended, ended.Plan.Rule, ended.Plan.From)
		}
		if off := effs[1].Plan; off.Rule != "PLAN-07" || !off.Amount.Equal(decimal.NewFromInt(40)) {
			t.Errorf("add-ons effect %v, want 40 credits deactivated under PLAN-07", off)
		}
		if p := effs[3]; p.Kind != lifecycle.EffectPurge || p.Rule != "LIFE-07" || p.Data != lifecycle.AllData {
			t.Errorf("last effect %v, want the purge of all data on request (LIFE-07)", p)
		}

		// The subscription is over: free, nothing pending, nothing to charge.
		sub := got.Sub
		if sub.Status != plan.StatusFree || sub.Plan != plan.Free || !sub.AddOns.IsZero() || !sub.Due.IsZero() {
			t.Errorf("subscription %s on %s, add-ons %+v, due %s; want free, none, nothing due", sub.Status, sub.Plan, sub.AddOns, sub.Due)
		}
		if d, ok := sub.NextDeadline(); ok {
			t.Errorf("LIFE-05: the deleted account's subscription is due at %v", d)
		}
		if d, ok := got.NextDeadline(); ok {
			t.Errorf("LIFE-05: the deleted account is due at %v", d)
		}
		lrWantTime(t, "free since", sub.FreeSince, mid)
		if !sub.EverPaid {
			t.Errorf("the deleted account forgot that it paid")
		}
		// Where it would have renewed, and for years after, nothing.
		later, more := lrAdvance(t, e, got, periodEnd.AddDate(3, 0, 0))
		if len(more) != 0 || later.Sub.Status != plan.StatusFree {
			t.Errorf("after the deletion: %v, subscription %s", more, later.Sub.Status)
		}
	})

	t.Run("in grace", func(t *testing.T) {
		// Unpaid at 2 April 09:00: grace until 17 April 09:00 (PLAN-14).
		a, _ := lrAdvance(t, e, paying(t), time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC))
		if a.Sub.Status != plan.StatusGrace {
			t.Fatalf("setup: %s, want grace", a.Sub.Status)
		}
		at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
		got, effs := lrApply(t, e, a, at, lifecycle.Delete{By: lrService, Confirm: lrID})
		if effs[0].Kind != lifecycle.EffectPlan || effs[0].Plan.Kind != plan.EventEnded || effs[0].Plan.From != plan.Standard {
			t.Errorf("first effect %v, want the end of the subscription", effs[0])
		}
		if got.Sub.Status != plan.StatusFree || !got.Sub.GraceEnd.IsZero() {
			t.Errorf("subscription %s, grace until %v; want free, no grace", got.Sub.Status, got.Sub.GraceEnd)
		}
	})

	t.Run("a free account ends nothing", func(t *testing.T) {
		a := lrWithBob(t, e)
		got, effs := lrApply(t, e, a, mid, lifecycle.Delete{By: lrService, Confirm: lrID})
		lrWantKinds(t, "deletion of a free account", effs, lifecycle.EffectPurge)
		if d := cmp.Diff(a.Sub, got.Sub); d != "" {
			t.Errorf("the free subscription changed (-before +after):\n%s", d)
		}
		_, effs = lrAdvance(t, e, a, lrPurge)
		if lrHas(effs, lifecycle.EffectPlan) {
			t.Errorf("a purge for inactivity of a free account has plan effects: %v", effs)
		}
	})

	t.Run("a deleted account with a running subscription is corrupt", func(t *testing.T) {
		a := paying(t)
		got, _ := lrApply(t, e, a, mid, lifecycle.Delete{By: lrService, Confirm: lrID})
		got.Sub = a.Sub // as if the purge had left the subscription running
		err := got.Validate()
		if !errors.Is(err, lifecycle.ErrCorrupt) || !strings.Contains(err.Error(), "running subscription") {
			t.Errorf("Validate = %v, want ErrCorrupt for a running subscription", err)
		}
	})
}

// --- LIFE-06 ---------------------------------------------------------------

// TestLIFE06_IdentitySurvivesDeletion proves LIFE-06: no deletion of an
// account deletes a user's network identity; only the user's own request
// does. The request needs no role in any account (an identity outlives
// every account it was in), but the service never makes it.
func TestLIFE06_IdentitySurvivesDeletion(t *testing.T) {
	e := lrEngine(t)
	t.Run("deleting accounts never forgets an identity", func(t *testing.T) {
		purged, effs := lrAdvance(t, e, lrWithBob(t, e), lrPurge)
		alone := lrNew(t, e, lrT0)
		_, byAdmin := lrApply(t, e, alone, lrT0.Add(time.Hour), lifecycle.Delete{By: lrAda, Confirm: lrID})
		_, bySupport := lrApply(t, e, lrWithBob(t, e), lrT0.Add(time.Hour), lifecycle.Delete{By: lrService, Confirm: lrID})
		for _, effs := range [][]lifecycle.Effect{effs, byAdmin, bySupport, e.Project(lrWithBob(t, e))} {
			if !lrHas(effs, lifecycle.EffectPurge) {
				t.Errorf("no purge in %v", effs)
			}
			if lrHas(effs, lifecycle.EffectForgetIdentity) {
				t.Errorf("a deletion forgot an identity: %v", effs)
			}
		}
		// The purged account still lists its members for audit.
		if _, ok := purged.User("bob"); !ok {
			t.Errorf("the deleted account lost its user list")
		}
	})

	now := lrT0
	cases := []struct {
		name string
		by   tenancy.Actor
		user tenancy.UserID
		ok   bool
	}{
		{"the user, an employee somewhere", lrBob, "bob", true},
		{"the user, an administrator somewhere", lrAda, "ada", true},
		{"another user", lrAda, "bob", false},
		{"another user claiming to be the service", tenancy.Actor{User: "ada", Role: tenancy.RoleService}, "bob", false},
		{"the service", lrService, "bob", false},
		{"the service under the user's name", tenancy.Actor{User: "bob", Role: tenancy.RoleService}, "bob", false},
		{"the zero actor", tenancy.Actor{}, "bob", false},
		{"the user without a role", tenancy.Actor{User: "bob"}, "bob", true},
		{"the user without a role, once her accounts are gone", tenancy.Actor{User: "ada"}, "ada", true},
		{"another user without a role", tenancy.Actor{User: "ada"}, "bob", false},
		{"the user with an unknown role", tenancy.Actor{User: "bob", Role: 9}, "bob", false},
		{"nobody for nobody", tenancy.Actor{}, "", false},
		{"a user without an ID", tenancy.Employee(""), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := lifecycle.ForgetIdentity(c.by, c.user, now)
			if !c.ok {
				lrWantRefusal(t, err, tenancy.ErrUnauthorized, "LIFE-06")
				if f != (lifecycle.Effect{}) {
					t.Errorf("refused, yet effect %v", f)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := lifecycle.Effect{Kind: lifecycle.EffectForgetIdentity, Rule: "LIFE-06", At: now, To: c.user}
			if d := cmp.Diff(want, f); d != "" {
				t.Errorf("effect (-want +got):\n%s", d)
			}
		})
	}
}

// --- LIFE-07 ---------------------------------------------------------------

// TestLIFE07_DeleteOnRequest proves LIFE-07: deletion at once needs the
// account's ID as confirmation, and the refusal without it reminds to
// export; by default an administrator may delete only an account that never
// paid and whose other users were all dismissed, else the refusal says to
// ask support; the policy may open or close self-service; support may always
// delete with confirmation; employees never.
func TestLIFE07_DeleteOnRequest(t *testing.T) {
	now := lrT0.AddDate(0, 0, 3)
	alone := func(t *testing.T, e *lifecycle.Engine) lifecycle.Account { return lrNew(t, e, lrT0) }
	withUsers := func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
		return lrThen(t, e, lrNew(t, e, lrT0), lrT0,
			lifecycle.AddUser{By: lrAda, User: "bob", Role: tenancy.RoleEmployee},
			lifecycle.AddUser{By: lrAda, User: "carol", Role: tenancy.RoleAdministrator})
	}
	dismissed := func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
		return lrThen(t, e, withUsers(t, e), lrT0.Add(time.Hour),
			lifecycle.DismissUser{By: lrAda, User: "bob"},
			lifecycle.DismissUser{By: lrAda, User: "carol"})
	}
	paidOnce := func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
		return lrThen(t, e, lrNew(t, e, lrT0), lrT0,
			lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}},
			lifecycle.Plan{Cmd: plan.Cancel{By: lrAda, Now: true}})
	}
	paying := func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
		return lrThen(t, e, withUsers(t, e), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Enterprise, Period: plan.Annual}})
	}
	trialOnly := func(t *testing.T, e *lifecycle.Engine) lifecycle.Account {
		return lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}})
	}
	suspended := func(t *testing.T, e *lifecycle.Engine) lifecycle.Account { return lrSuspended(t, e) }
	anyAdmin := func(p *lifecycle.Policy) { p.Deletion = lifecycle.DeleteAnyAdministrator }
	supportOnly := func(p *lifecycle.Policy) { p.Deletion = lifecycle.DeleteSupportOnly }

	cases := []struct {
		name   string
		policy func(*lifecycle.Policy)
		state  func(*testing.T, *lifecycle.Engine) lifecycle.Account
		cmd    lifecycle.Delete
		// at is when to delete; zero means now.
		at time.Time
		// err is the sentinel of the refusal; nil means deleted.
		err  error
		rule tenancy.RuleID
		msg  []string
		// ends are the events of the subscription that ends with the
		// account, just before the purge (LIFE-05): none for an account
		// on free.
		ends []plan.EventKind
	}{
		{name: "no confirmation", state: alone, cmd: lifecycle.Delete{By: lrAda},
			err: lifecycle.ErrNotConfirmed, rule: "LIFE-07", msg: []string{"irreversible", "export"}},
		{name: "wrong confirmation", state: alone, cmd: lifecycle.Delete{By: lrAda, Confirm: "acme-old"},
			err: lifecycle.ErrNotConfirmed, rule: "LIFE-07", msg: []string{"export"}},
		{name: "confirmation in another case", state: alone, cmd: lifecycle.Delete{By: lrAda, Confirm: "ACME"},
			err: lifecycle.ErrNotConfirmed, rule: "LIFE-07", msg: []string{"export"}},
		{name: "the service also confirms", state: withUsers, cmd: lifecycle.Delete{By: lrService},
			err: lifecycle.ErrNotConfirmed, rule: "LIFE-07", msg: []string{"export"}},

		{name: "default: never paid, alone", state: alone, cmd: lifecycle.Delete{By: lrAda, Confirm: lrID}},
		// A trial (1000 GB) and Enterprise (3000 GB) end on free (5 GB):
		// the limits shrink with the subscription.
		{name: "default: never paid, trial only", state: trialOnly, cmd: lifecycle.Delete{By: lrAda, Confirm: lrID},
			ends: []plan.EventKind{plan.EventEnded, plan.EventLimitsReduced}},
		{name: "default: other users all dismissed", state: dismissed, cmd: lifecycle.Delete{By: lrAda, Confirm: lrID}},
		{name: "default: suspended, alone", state: suspended, at: time.Date(2026, 4, 29, 12, 0, 0, 0, time.UTC),
			cmd: lifecycle.Delete{By: lrAda, Confirm: lrID}},
		{name: "default: other users", state: withUsers, cmd: lifecycle.Delete{By: lrAda, Confirm: lrID},
			err: lifecycle.ErrAskSupport, rule: "LIFE-07", msg: []string{"ask support"}},
		{name: "default: paid once", state: paidOnce, cmd: lifecycle.Delete{By: lrAda, Confirm: lrID},
			err: lifecycle.ErrAskSupport, rule: "LIFE-07", msg: []string{"ask support"}},
		{name: "default: paying", state: paying, cmd: lifecycle.Delete{By: lrAda, Confirm: lrID},
			err: lifecycle.ErrAskSupport, rule: "LIFE-07", msg: []string{"ask support"}},
		{name: "default: another administrator, with the owner still there", state: withUsers,
			cmd: lifecycle.Delete{By: lrCarol, Confirm: lrID}, err: lifecycle.ErrAskSupport, rule: "LIFE-07"},
		{name: "default: the service, paid and with users", state: paying, cmd: lifecycle.Delete{By: lrService, Confirm: lrID},
			ends: []plan.EventKind{plan.EventEnded, plan.EventLimitsReduced}},

		{name: "any administrator: paying, with users", policy: anyAdmin, state: paying,
			cmd: lifecycle.Delete{By: lrCarol, Confirm: lrID}, ends: []plan.EventKind{plan.EventEnded, plan.EventLimitsReduced}},
		{name: "any administrator: paid once", policy: anyAdmin, state: paidOnce,
			cmd: lifecycle.Delete{By: lrAda, Confirm: lrID}},
		{name: "any administrator: still needs confirmation", policy: anyAdmin, state: paying,
			cmd: lifecycle.Delete{By: lrAda}, err: lifecycle.ErrNotConfirmed, rule: "LIFE-07", msg: []string{"export"}},

		{name: "support only: the owner alone", policy: supportOnly, state: alone,
			cmd: lifecycle.Delete{By: lrAda, Confirm: lrID}, err: lifecycle.ErrAskSupport, rule: "LIFE-07", msg: []string{"ask support"}},
		{name: "support only: the service", policy: supportOnly, state: paying,
			cmd: lifecycle.Delete{By: lrService, Confirm: lrID}, ends: []plan.EventKind{plan.EventEnded, plan.EventLimitsReduced}},

		{name: "an employee, confirmed", state: withUsers, cmd: lifecycle.Delete{By: lrBob, Confirm: lrID},
			err: tenancy.ErrUnauthorized, rule: "PLAN-02"},
		{name: "an employee under any-administrator", policy: anyAdmin, state: withUsers,
			cmd: lifecycle.Delete{By: lrBob, Confirm: lrID}, err: tenancy.ErrUnauthorized, rule: "PLAN-02"},
		{name: "an employee claiming to be an administrator", policy: anyAdmin, state: withUsers,
			cmd: lifecycle.Delete{By: tenancy.Admin("bob"), Confirm: lrID}, err: tenancy.ErrUnauthorized, rule: "PLAN-02"},
		{name: "a dismissed administrator", policy: anyAdmin, state: dismissed,
			cmd: lifecycle.Delete{By: lrCarol, Confirm: lrID}, err: tenancy.ErrUnauthorized, rule: "PLAN-02"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := lrEngine(t, c.policy)
			a := c.state(t, e)
			now := now
			if !c.at.IsZero() {
				now = c.at
			}
			if c.err != nil {
				lrRefused(t, e, a, now, c.cmd, c.err, c.rule, c.msg...)
				return
			}
			got, effs := lrApply(t, e, a, now, c.cmd)
			// Warnings due before now come first, then the end of a
			// running subscription (LIFE-05); the deletion is last.
			f := effs[len(effs)-1]
			if f.Kind != lifecycle.EffectPurge || f.Rule != "LIFE-07" || f.Data != lifecycle.AllData || !f.At.Equal(now) {
				t.Errorf("last effect %v, want a purge of all data under LIFE-07 at %v", f, now)
			}
			var ends []plan.EventKind
			for _, f := range effs[:len(effs)-1] {
				switch {
				case (f.Kind == lifecycle.EffectWarnDeletion || f.Kind == lifecycle.EffectWarnSuspension) && len(ends) == 0:
				case f.Kind == lifecycle.EffectPlan && f.At.Equal(now):
					ends = append(ends, f.Plan.Kind)
				default:
					t.Errorf("unexpected effect %v", f)
				}
			}
			if d := cmp.Diff(c.ends, ends); d != "" {
				t.Errorf("the subscription's end (-want +got):\n%s", d)
			}
			if got.Stage != lifecycle.StageDeleted || !got.Deadline.IsZero() {
				t.Errorf("stage %v, deadline %v; want deleted, none", got.Stage, got.Deadline)
			}
			if d, ok := got.Sub.NextDeadline(); ok || got.Sub.Status != plan.StatusFree {
				t.Errorf("LIFE-05: the deleted account's subscription is %s with a deadline at %v; want free, none", got.Sub.Status, d)
			}
		})
	}
}

// --- LIFE-08 ---------------------------------------------------------------

// TestLIFE08_Blocks proves LIFE-08: only the service sets and lifts blocks,
// by cause; a blocked account refuses logins naming every cause, keeps every
// deadline, loses no data, and is usable again only when every cause is
// lifted.
func TestLIFE08_Blocks(t *testing.T) {
	e := lrEngine(t)
	const (
		net07 lifecycle.Cause = "NET-07: plan compatibility"
		net09 lifecycle.Cause = "NET-09: head unpaid"
	)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

	t.Run("who may block and lift", func(t *testing.T) {
		a := lrWithBob(t, e)
		for _, by := range []tenancy.Actor{lrAda, lrBob} {
			lrRefused(t, e, a, now, lifecycle.SetBlock{By: by, Cause: net07}, tenancy.ErrUnauthorized, "LIFE-08", "service")
		}
		lrRefused(t, e, a, now, lifecycle.SetBlock{By: tenancy.Admin("mallory"), Cause: net07}, tenancy.ErrUnauthorized, "PLAN-02")
		lrRefused(t, e, a, now, lifecycle.SetBlock{By: lrService}, tenancy.ErrInvalid, "LIFE-08")
		blocked := lrThen(t, e, a, now, lifecycle.SetBlock{By: lrService, Cause: net07})
		lrRefused(t, e, blocked, now, lifecycle.SetBlock{By: lrService, Cause: net07}, tenancy.ErrRefused, "LIFE-08")
		for _, by := range []tenancy.Actor{lrAda, lrBob} {
			lrRefused(t, e, blocked, now, lifecycle.LiftBlock{By: by, Cause: net07}, tenancy.ErrUnauthorized, "LIFE-08")
		}
		lrRefused(t, e, blocked, now, lifecycle.LiftBlock{By: lrService, Cause: net09}, tenancy.ErrNotFound, "LIFE-08")
	})

	t.Run("two causes, two lifts", func(t *testing.T) {
		a := lrWithBob(t, e)
		if err := a.Usable(); err != nil {
			t.Fatalf("Usable before any block: %v", err)
		}
		beforeNext, _ := a.NextDeadline()
		users := slices.Clone(a.Users)

		a, effs := lrApply(t, e, a, now, lifecycle.SetBlock{By: lrService, Cause: net07})
		want := []lifecycle.Effect{{Kind: lifecycle.EffectBlock, Rule: "LIFE-08", Account: lrID, At: now, Cause: net07}}
		if d := cmp.Diff(want, effs, cmpopts.IgnoreFields(lifecycle.Effect{}, "Seq")); d != "" {
			t.Errorf("SetBlock effects (-want +got):\n%s", d)
		}
		a, effs = lrApply(t, e, a, now.Add(time.Hour), lifecycle.SetBlock{By: lrService, Cause: net09})
		lrWantKinds(t, "second SetBlock", effs, lifecycle.EffectBlock)
		if !a.Blocked() || !a.BlockedFor(net07) || !a.BlockedFor(net09) || len(a.Blocks) != 2 {
			t.Fatalf("blocks %v, want both causes", a.Blocks)
		}
		lrWantTime(t, "first block Since", a.Blocks[0].Since, now)

		// Deadlines do not move, and nothing is deleted.
		if next, _ := a.NextDeadline(); !next.Equal(beforeNext) {
			t.Errorf("NextDeadline moved from %v to %v", beforeNext, next)
		}
		lrWantTime(t, "Deadline", a.Deadline, lrSuspend)
		if d := cmp.Diff(users, a.Users); d != "" {
			t.Errorf("users changed (-before +after):\n%s", d)
		}

		later := now.Add(2 * time.Hour)
		lrRefused(t, e, a, later, lifecycle.Login{User: "ada"}, lifecycle.ErrBlocked, "LIFE-08", string(net07), string(net09))
		lrWantRefusal(t, a.Usable(), lifecycle.ErrBlocked, "LIFE-08", string(net07), string(net09))

		a, effs = lrApply(t, e, a, later, lifecycle.LiftBlock{By: lrService, Cause: net07})
		lrWantKinds(t, "first lift", effs, lifecycle.EffectUnblock)
		if effs[0].Cause != net07 || effs[0].Rule != "LIFE-08" {
			t.Errorf("unblock effect %v, want cause %q under LIFE-08", effs[0], net07)
		}
		err := lrRefused(t, e, a, later, lifecycle.Login{User: "bob"}, lifecycle.ErrBlocked, "LIFE-08", string(net09))
		if strings.Contains(err.Error(), string(net07)) {
			t.Errorf("message %q names the lifted cause", err)
		}

		a, _ = lrApply(t, e, a, later, lifecycle.LiftBlock{By: lrService, Cause: net09})
		if a.Blocked() || a.Blocks != nil || a.Usable() != nil {
			t.Fatalf("after both lifts: blocks %v, Usable %v", a.Blocks, a.Usable())
		}
		if next, _ := a.NextDeadline(); !next.Equal(beforeNext) {
			t.Errorf("NextDeadline moved from %v to %v", beforeNext, next)
		}
		_, effs = lrApply(t, e, a, later, lifecycle.Login{User: "bob"})
		lrWantKinds(t, "login after the lifts", effs, lifecycle.EffectActivity)
	})

	t.Run("a blocked account keeps its deadlines", func(t *testing.T) {
		a := lrThen(t, e, lrNew(t, e, lrT0), now, lifecycle.SetBlock{By: lrService, Cause: net07})
		a, effs := lrAdvance(t, e, a, lrSuspend)
		lrWantKinds(t, "until the suspension", effs, lifecycle.EffectWarnSuspension, lifecycle.EffectWarnSuspension,
			lifecycle.EffectWarnSuspension, lifecycle.EffectSuspend)
		if a.Stage != lifecycle.StageSuspended || !a.BlockedFor(net07) {
			t.Errorf("stage %v blocks %v, want suspended and still blocked", a.Stage, a.Blocks)
		}
		// Suspension is reported before the block.
		lrWantRefusal(t, a.Usable(), lifecycle.ErrSuspended, "LIFE-04")
	})

	t.Run("an administrator can buy a plan while blocked", func(t *testing.T) {
		a := lrThen(t, e, lrNew(t, e, lrT0), now, lifecycle.SetBlock{By: lrService, Cause: net07})
		a, effs := lrApply(t, e, a, now, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}})
		lrWantKinds(t, "purchase", effs, lifecycle.EffectPlan)
		if !a.BlockedFor(net07) {
			t.Errorf("the purchase lifted the block itself; the service lifts it")
		}
	})
}

// TestLIFE08_ScheduledBlocks proves LIFE-08 for blocks set ahead, as the
// plan compatibility check sets them (NET-07, NET-09): a SetBlock whose At
// lies after the command announces nothing and leaves the account usable;
// the block falls at exactly At, with its effect stamped At, as a deadline
// of the account that Project shows; it survives a JSON round trip; a
// LiftBlock before At cancels it silently; an At not after the command
// blocks at once.
//
// The account is created on Monday 2 March 2026 at 09:00 UTC; ada logs in
// on 15 March at 09:00, so it is warned on 7, 11 and 13 April and
// suspended on 14 April 2026 at 09:00 (15 March + 30 days).
func TestLIFE08_ScheduledBlocks(t *testing.T) {
	e := lrEngine(t)
	const (
		net07 lifecycle.Cause = "NET-07: plan compatibility"
		net09 lifecycle.Cause = "NET-09: head unpaid"
	)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	at := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	login := time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC)
	suspend := time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC)
	berlin := lrLoc(t, "Europe/Berlin")
	scheduled := func(t *testing.T) lifecycle.Account {
		// At is given in Berlin (13:00 there is 12:00 UTC); the account
		// keeps it in its own zone.
		a, effs := lrApply(t, e, lrWithBob(t, e), now, lifecycle.SetBlock{By: lrService, Cause: net07, At: at.In(berlin)})
		if len(effs) != 0 {
			t.Errorf("scheduling a block announced %v", effs)
		}
		return a
	}

	t.Run("falls at its instant", func(t *testing.T) {
		a := scheduled(t)
		if a.Blocked() || a.Usable() != nil || len(a.Scheduled) != 1 || a.Scheduled[0].Cause != net07 {
			t.Fatalf("blocks %v, scheduled %v, usable %v; want one block scheduled and the account usable", a.Blocks, a.Scheduled, a.Usable())
		}
		lrWantTime(t, "scheduled Since", a.Scheduled[0].Since, at)
		if got, ok := a.ScheduledFor(net07); !ok || !got.Equal(at) {
			t.Errorf("ScheduledFor(net07) = %v, %v; want %v", got, ok, at)
		}
		if _, ok := a.ScheduledFor(net09); ok {
			t.Errorf("ScheduledFor(net09) reports a block nobody scheduled")
		}
		a, _ = lrApply(t, e, a, login, lifecycle.Login{User: "ada"})
		lrWantTime(t, "Deadline", a.Deadline, suspend)
		if next, _ := a.NextDeadline(); !next.Equal(at) {
			t.Errorf("NextDeadline = %v, want the scheduled block at %v", next, at)
		}
		if b, effs := lrAdvance(t, e, a, at.Add(-time.Nanosecond)); len(effs) != 0 || b.Blocked() {
			t.Errorf("a nanosecond before: effects %v, blocks %v", effs, b.Blocks)
		}
		b, effs := lrAdvance(t, e, a, at)
		want := []lifecycle.Effect{{Kind: lifecycle.EffectBlock, Rule: "LIFE-08", Account: lrID, At: at, Cause: net07, Seq: a.Seq + 1}}
		if d := cmp.Diff(want, effs); d != "" {
			t.Errorf("at the instant (-want +got):\n%s", d)
		}
		if !b.BlockedFor(net07) || b.Scheduled != nil || len(b.Blocks) != 1 {
			t.Fatalf("blocks %v, scheduled %v; want the block set and none scheduled", b.Blocks, b.Scheduled)
		}
		lrWantTime(t, "block Since", b.Blocks[0].Since, at)
		lrWantRefusal(t, b.Usable(), lifecycle.ErrBlocked, "LIFE-08", string(net07))
		// The fall moves no other deadline.
		lrWantTime(t, "Deadline after the fall", b.Deadline, suspend)
		// Once set, it is lifted like any other.
		_, effs = lrApply(t, e, b, at.Add(time.Hour), lifecycle.LiftBlock{By: lrService, Cause: net07})
		lrWantKinds(t, "lift after the fall", effs, lifecycle.EffectUnblock)
	})

	t.Run("in the projection", func(t *testing.T) {
		a := lrThen(t, e, scheduled(t), login, lifecycle.Login{User: "ada"})
		p := e.Project(a)
		lrWantKinds(t, "projection", p, lifecycle.EffectBlock,
			lifecycle.EffectWarnSuspension, lifecycle.EffectWarnSuspension, lifecycle.EffectWarnSuspension, lifecycle.EffectSuspend,
			lifecycle.EffectWarnDeletion, lifecycle.EffectWarnDeletion, lifecycle.EffectWarnDeletion, lifecycle.EffectPurge)
		if len(p) > 0 {
			lrWantTime(t, "projected block", p[0].At, at)
			if p[0].Cause != net07 {
				t.Errorf("projected block %v, want cause %q", p[0], net07)
			}
		}
		if len(p) > 4 {
			lrWantTime(t, "projected suspension", p[4].At, suspend)
		}
	})

	t.Run("survives a JSON round trip", func(t *testing.T) {
		a := lrThen(t, e, lrNew(t, e, time.Date(2026, 3, 2, 9, 0, 0, 0, berlin)), now,
			lifecycle.SetBlock{By: lrService, Cause: net07, At: at},
			lifecycle.SetBlock{By: lrService, Cause: net09, At: at.AddDate(0, 0, -2)})
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"scheduled":[{"cause":"NET-09: head unpaid","since":"2026-03-18T13:00:00+01:00"},{"cause":"NET-07: plan compatibility","since":"2026-03-20T13:00:00+01:00"}]`) {
			t.Errorf("the scheduled blocks are not stored earliest first in the account's zone: %s", b)
		}
		var back lifecycle.Account
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(a, back); d != "" {
			t.Errorf("round trip (-before +after):\n%s", d)
		}
		lrWantTime(t, "decoded Since", back.Scheduled[0].Since, at.AddDate(0, 0, -2).In(berlin))
		// The decoded account falls as the original does.
		_, effs := lrAdvance(t, e, back, at)
		lrWantKinds(t, "after the round trip", effs, lifecycle.EffectBlock, lifecycle.EffectBlock)
	})

	t.Run("earliest first, whatever the order asked", func(t *testing.T) {
		a := lrThen(t, e, scheduled(t), now, lifecycle.SetBlock{By: lrService, Cause: net09, At: at.AddDate(0, 0, -2)})
		if len(a.Scheduled) != 2 || a.Scheduled[0].Cause != net09 || a.Scheduled[1].Cause != net07 {
			t.Fatalf("scheduled %v, want net09 then net07", a.Scheduled)
		}
		_, effs := lrAdvance(t, e, a, at.Add(time.Hour))
		lrWantKinds(t, "both fall", effs, lifecycle.EffectBlock, lifecycle.EffectBlock)
		if len(effs) == 2 {
			lrWantTime(t, "first fall", effs[0].At, at.AddDate(0, 0, -2))
			lrWantTime(t, "second fall", effs[1].At, at)
			if effs[0].Cause != net09 || effs[1].Cause != net07 {
				t.Errorf("fell %q then %q, want net09 then net07", effs[0].Cause, effs[1].Cause)
			}
		}
	})

	t.Run("lifted before it falls", func(t *testing.T) {
		a := scheduled(t)
		lifted, effs := lrApply(t, e, a, at.Add(-time.Minute), lifecycle.LiftBlock{By: lrService, Cause: net07})
		if len(effs) != 0 || lifted.Scheduled != nil || lifted.Blocked() {
			t.Fatalf("lift before the fall: effects %v, scheduled %v, blocks %v; want nothing left, nothing announced", effs, lifted.Scheduled, lifted.Blocks)
		}
		if lifted.Seq != a.Seq {
			t.Errorf("a silent lift counted an effect: Seq %d, was %d", lifted.Seq, a.Seq)
		}
		b, effs := lrAdvance(t, e, lifted, at.AddDate(0, 0, 1))
		if lrHas(effs, lifecycle.EffectBlock) || b.Blocked() {
			t.Errorf("the lifted block fell anyway: %v", effs)
		}
		lrRefused(t, e, lifted, at, lifecycle.LiftBlock{By: lrService, Cause: net07}, tenancy.ErrNotFound, "LIFE-08")
	})

	t.Run("one block per cause, and only the service", func(t *testing.T) {
		a := scheduled(t)
		lrRefused(t, e, a, now, lifecycle.SetBlock{By: lrService, Cause: net07}, tenancy.ErrRefused, "LIFE-08")
		lrRefused(t, e, a, now, lifecycle.SetBlock{By: lrService, Cause: net07, At: at.AddDate(0, 0, 1)}, tenancy.ErrRefused, "LIFE-08")
		lrRefused(t, e, lrWithBob(t, e), now, lifecycle.SetBlock{By: lrAda, Cause: net07, At: at}, tenancy.ErrUnauthorized, "LIFE-08")
		lrRefused(t, e, a, now, lifecycle.LiftBlock{By: lrAda, Cause: net07}, tenancy.ErrUnauthorized, "LIFE-08")
		lrRefused(t, e, lrWithBob(t, e), now, lifecycle.SetBlock{By: lrService, At: at}, tenancy.ErrInvalid, "LIFE-08")
	})

	t.Run("an At not after the command blocks at once", func(t *testing.T) {
		for name, when := range map[string]time.Time{"zero": {}, "the command's instant": now, "in the past": now.Add(-time.Hour)} {
			a, effs := lrApply(t, e, lrWithBob(t, e), now, lifecycle.SetBlock{By: lrService, Cause: net07, At: when})
			lrWantKinds(t, name, effs, lifecycle.EffectBlock)
			if !a.BlockedFor(net07) || a.Scheduled != nil {
				t.Errorf("%s: blocks %v, scheduled %v; want blocked now", name, a.Blocks, a.Scheduled)
			} else {
				lrWantTime(t, name+": Since", a.Blocks[0].Since, now)
			}
		}
	})

	t.Run("at the same instant as the suspension", func(t *testing.T) {
		a := lrThen(t, e, lrNew(t, e, lrT0), now, lifecycle.SetBlock{By: lrService, Cause: net07, At: lrSuspend})
		b, effs := lrAdvance(t, e, a, lrSuspend)
		var at []lifecycle.EffectKind
		for _, f := range effs {
			if f.At.Equal(lrSuspend) {
				at = append(at, f.Kind)
			}
		}
		if !slices.Contains(at, lifecycle.EffectBlock) || !slices.Contains(at, lifecycle.EffectSuspend) || len(at) != 2 {
			t.Errorf("at %v: %v, want the block and the suspension", lrSuspend, at)
		}
		if b.Stage != lifecycle.StageSuspended || !b.BlockedFor(net07) {
			t.Errorf("stage %v, blocks %v; want suspended and blocked", b.Stage, b.Blocks)
		}
	})

	t.Run("the deletion cancels it", func(t *testing.T) {
		a := lrThen(t, e, lrNew(t, e, lrT0), now, lifecycle.SetBlock{By: lrService, Cause: net07, At: lrPurge.AddDate(0, 0, 1)})
		b, effs := lrAdvance(t, e, a, lrPurge.AddDate(0, 0, 2))
		if b.Stage != lifecycle.StageDeleted || b.Scheduled != nil || b.Blocked() || lrHas(effs, lifecycle.EffectBlock) {
			t.Errorf("stage %v, scheduled %v, blocks %v, effects %v; want deleted with nothing left to fall", b.Stage, b.Scheduled, b.Blocks, effs)
		}
	})

	t.Run("Validate refuses a broken schedule", func(t *testing.T) {
		two := lrThen(t, e, scheduled(t), now, lifecycle.SetBlock{By: lrService, Cause: net09, At: at.AddDate(0, 0, 1)})
		blocked := lrThen(t, e, two, now, lifecycle.SetBlock{By: lrService, Cause: "x"})
		cases := []struct {
			name      string
			from      lifecycle.Account
			scheduled []lifecycle.Block
			why       string
		}{
			{"before the last change", two, []lifecycle.Block{{Cause: net07, Since: now.Add(-time.Second)}}, "before the last change"},
			{"the same cause twice", two, []lifecycle.Block{two.Scheduled[0], {Cause: net07, Since: at.AddDate(0, 0, 2)}}, "twice"},
			{"a cause both set and scheduled", blocked, []lifecycle.Block{{Cause: "x", Since: at}}, "twice"},
			{"out of order", two, []lifecycle.Block{two.Scheduled[1], two.Scheduled[0]}, "out of order"},
			{"without a time", two, []lifecycle.Block{{Cause: net07}}, "time"},
			{"without a cause", two, []lifecycle.Block{{Since: at}}, "cause"},
		}
		for _, c := range cases {
			a := c.from
			a.Scheduled = c.scheduled
			if err := a.Validate(); !errors.Is(err, lifecycle.ErrCorrupt) || !strings.Contains(err.Error(), c.why) {
				t.Errorf("%s: Validate = %v, want ErrCorrupt saying %q", c.name, err, c.why)
			}
		}
		if err := two.Validate(); err != nil {
			t.Errorf("the genuine schedule fails Validate: %v", err)
		}
	})
}

// --- PLAN-02 through the lifecycle ------------------------------------------

// TestPLAN02_RolesComeFromTheAccount proves PLAN-02 as the lifecycle applies
// it: a person acting on an account must be a member who is not dismissed,
// and a claimed role must be the one the member holds.
func TestPLAN02_RolesComeFromTheAccount(t *testing.T) {
	e := lrEngine(t)
	now := lrT0.Add(2 * time.Hour)
	// ada owns, bob is an employee, carol was an administrator and is
	// dismissed.
	a := lrThen(t, e, lrWithBob(t, e), lrT0,
		lifecycle.AddUser{By: lrAda, User: "carol", Role: tenancy.RoleAdministrator},
		lifecycle.DismissUser{By: lrAda, User: "carol"})
	buy := func(by tenancy.Actor) lifecycle.Command {
		return lifecycle.Plan{Cmd: plan.Purchase{By: by, Plan: plan.Basic, Period: plan.Monthly}}
	}
	refused := []struct {
		name string
		cmd  lifecycle.Command
		msg  string
	}{
		{"an employee claiming to be an administrator buys", buy(tenancy.Admin("bob")), "employee"},
		{"an employee claiming to be an administrator adds a user", lifecycle.AddUser{By: tenancy.Admin("bob"), User: "eve", Role: tenancy.RoleAdministrator}, "employee"},
		{"an employee claiming to be an administrator dismisses", lifecycle.DismissUser{By: tenancy.Admin("bob"), User: "ada"}, "employee"},
		{"an administrator claiming to be an employee", lifecycle.AddUser{By: tenancy.Employee("ada"), User: "eve", Role: tenancy.RoleEmployee}, "administrator"},
		{"a dismissed administrator buys", buy(lrCarol), "carol"},
		{"a dismissed administrator adds a user", lifecycle.AddUser{By: lrCarol, User: "eve", Role: tenancy.RoleEmployee}, "carol"},
		{"a dismissed administrator logs in", lifecycle.Login{User: "carol"}, "carol"},
		{"a non-member buys", buy(tenancy.Admin("mallory")), "mallory"},
		{"a non-member logs in", lifecycle.Login{User: "mallory"}, "mallory"},
		{"the zero actor", lifecycle.AddUser{User: "eve", Role: tenancy.RoleEmployee}, "not a member"},
		{"an employee buys", buy(lrBob), "administrator"},
		{"an employee cancels", lifecycle.Plan{Cmd: plan.Cancel{By: lrBob}}, "administrator"},
		{"an employee adds a user", lifecycle.AddUser{By: lrBob, User: "eve", Role: tenancy.RoleEmployee}, "administrator"},
		{"an employee claiming no role adds a user", lifecycle.AddUser{By: tenancy.Actor{User: "bob"}, User: "eve", Role: tenancy.RoleEmployee}, "administrator"},
		{"an employee dismisses", lifecycle.DismissUser{By: lrBob, User: "carol"}, "administrator"},
		{"the service adds a user", lifecycle.AddUser{By: lrService, User: "eve", Role: tenancy.RoleEmployee}, "administrator"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			lrRefused(t, e, a, now, c.cmd, tenancy.ErrUnauthorized, "PLAN-02", c.msg)
		})
	}

	t.Run("the account's role, not the claim, decides", func(t *testing.T) {
		// An administrator who claims no role acts as one.
		got, effs := lrApply(t, e, a, now, lifecycle.AddUser{By: tenancy.Actor{User: "ada"}, User: "eve", Role: tenancy.RoleEmployee})
		lrWantKinds(t, "AddUser", effs, lifecycle.EffectUserAdded)
		// bob, promoted by the owner, may now buy.
		got = lrThen(t, e, got, now,
			lifecycle.DismissUser{By: lrAda, User: "bob"},
			lifecycle.AddUser{By: lrAda, User: "bob", Role: tenancy.RoleAdministrator})
		got, effs = lrApply(t, e, got, now, buy(tenancy.Admin("bob")))
		lrWantKinds(t, "bob buys", effs, lifecycle.EffectPlan)
		if got.Sub.Plan != plan.Basic {
			t.Errorf("plan %s, want basic", got.Sub.Plan)
		}
		// carol, reinstated as an employee, may not.
		got = lrThen(t, e, got, now, lifecycle.AddUser{By: lrAda, User: "carol", Role: tenancy.RoleEmployee})
		lrRefused(t, e, got, now, lifecycle.Plan{Cmd: plan.Cancel{By: lrCarol}}, tenancy.ErrUnauthorized, "PLAN-02")
	})
}

// --- Users -------------------------------------------------------------------

// TestUsers_AddAndDismiss pins the user list the other rules read (PLAN-02
// roles, LIFE-07 "other users all dismissed"): the owner cannot be
// dismissed, a member cannot be added twice, a dismissed member is
// reinstated in place with the new role.
func TestUsers_AddAndDismiss(t *testing.T) {
	e := lrEngine(t)
	now := lrT0.Add(time.Hour)
	a := lrWithBob(t, e)

	t.Run("add", func(t *testing.T) {
		got, effs := lrApply(t, e, a, now, lifecycle.AddUser{By: lrAda, User: "carol", Role: tenancy.RoleAdministrator})
		want := []lifecycle.User{
			{ID: "ada", Role: tenancy.RoleAdministrator},
			{ID: "bob", Role: tenancy.RoleEmployee},
			{ID: "carol", Role: tenancy.RoleAdministrator},
		}
		if d := cmp.Diff(want, got.Users); d != "" {
			t.Errorf("users (-want +got):\n%s", d)
		}
		lrWantKinds(t, "AddUser", effs, lifecycle.EffectUserAdded)
		if effs[0].To != "carol" || !effs[0].At.Equal(now) {
			t.Errorf("effect %v, want user-added to carol at %v", effs[0], now)
		}
		// Adding a user is not a login: the count does not restart.
		lrWantTime(t, "Deadline", got.Deadline, lrSuspend)
	})

	refused := []struct {
		name     string
		cmd      lifecycle.Command
		sentinel error
		msg      string
	}{
		{"adding a member twice", lifecycle.AddUser{By: lrAda, User: "bob", Role: tenancy.RoleAdministrator}, tenancy.ErrRefused, "already"},
		{"adding the owner", lifecycle.AddUser{By: lrAda, User: "ada", Role: tenancy.RoleEmployee}, tenancy.ErrRefused, "already"},
		{"adding a user without an ID", lifecycle.AddUser{By: lrAda, Role: tenancy.RoleEmployee}, tenancy.ErrInvalid, "ID"},
		{"adding a user without a role", lifecycle.AddUser{By: lrAda, User: "eve"}, tenancy.ErrInvalid, "role"},
		{"adding a user as the service", lifecycle.AddUser{By: lrAda, User: "eve", Role: tenancy.RoleService}, tenancy.ErrInvalid, "role"},
		{"dismissing the owner", lifecycle.DismissUser{By: lrAda, User: "ada"}, tenancy.ErrRefused, "owns"},
		{"dismissing a non-member", lifecycle.DismissUser{By: lrAda, User: "eve"}, tenancy.ErrNotFound, "eve"},
	}
	for _, c := range refused {
		t.Run("refused: "+c.name, func(t *testing.T) {
			lrRefused(t, e, a, now, c.cmd, c.sentinel, "", c.msg)
		})
	}

	t.Run("dismiss and reinstate", func(t *testing.T) {
		got, effs := lrApply(t, e, a, now, lifecycle.DismissUser{By: lrAda, User: "bob"})
		lrWantKinds(t, "DismissUser", effs, lifecycle.EffectUserDismissed)
		if u, ok := got.User("bob"); !ok || !u.Dismissed {
			t.Fatalf("bob = %+v, %v; want listed and dismissed", u, ok)
		}
		if u, _ := a.User("bob"); u.Dismissed {
			t.Fatalf("dismissing changed the earlier account's user list")
		}
		lrRefused(t, e, got, now, lifecycle.DismissUser{By: lrAda, User: "bob"}, tenancy.ErrNotFound, "")
		lrRefused(t, e, got, now, lifecycle.Login{User: "bob"}, tenancy.ErrUnauthorized, "PLAN-02")

		back, effs := lrApply(t, e, got, now, lifecycle.AddUser{By: lrAda, User: "bob", Role: tenancy.RoleAdministrator})
		lrWantKinds(t, "reinstating", effs, lifecycle.EffectUserAdded)
		want := []lifecycle.User{{ID: "ada", Role: tenancy.RoleAdministrator}, {ID: "bob", Role: tenancy.RoleAdministrator}}
		if d := cmp.Diff(want, back.Users); d != "" {
			t.Errorf("users (-want +got):\n%s", d)
		}
		if u, _ := got.User("bob"); !u.Dismissed || u.Role != tenancy.RoleEmployee {
			t.Errorf("reinstating changed the earlier account's user list: %+v", u)
		}
		// An administrator who is not the owner may dismiss even himself.
		back = lrThen(t, e, back, now, lifecycle.DismissUser{By: tenancy.Admin("bob"), User: "bob"})
		if u, _ := back.User("bob"); !u.Dismissed {
			t.Errorf("bob not dismissed: %+v", u)
		}
	})
}

// --- Policy and time ---------------------------------------------------------

// TestPolicy_Validate: every number of the LIFE rules is policy, and an
// engine refuses a policy out of range naming the field's rule (LIFE-01
// InactivityDays, LIFE-02 WarningDays, LIFE-04 PurgeDays, LIFE-07 Deletion).
func TestPolicy_Validate(t *testing.T) {
	pe, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lifecycle.DefaultPolicy(), (lifecycle.Policy{InactivityDays: 30, WarningDays: []int{7, 3, 1}, PurgeDays: 30, Deletion: lifecycle.DeleteNeverPaidAlone}); !cmp.Equal(got, want) {
		t.Errorf("DefaultPolicy() = %+v, want %+v", got, want)
	}
	cases := []struct {
		name string
		edit func(*lifecycle.Policy)
		rule tenancy.RuleID
	}{
		{"no inactivity days", func(p *lifecycle.Policy) { p.InactivityDays = 0 }, "LIFE-01"},
		{"ten years and more of inactivity", func(p *lifecycle.Policy) { p.InactivityDays = 3661 }, "LIFE-01"},
		{"no purge delay", func(p *lifecycle.Policy) { p.PurgeDays = 0 }, "LIFE-04"},
		{"a warning as long as the purge delay", func(p *lifecycle.Policy) { p.PurgeDays = 7 }, "LIFE-02"},
		{"no deletion policy", func(p *lifecycle.Policy) { p.Deletion = 0 }, "LIFE-07"},
		{"an unknown deletion policy", func(p *lifecycle.Policy) { p.Deletion = lifecycle.DeleteSupportOnly + 1 }, "LIFE-07"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := lifecycle.DefaultPolicy()
			c.edit(&p)
			lrWantRefusal(t, p.Validate(), lifecycle.ErrPolicy, c.rule)
			e, err := lifecycle.NewEngine(pe, p)
			lrWantRefusal(t, err, lifecycle.ErrPolicy, c.rule)
			if e != nil {
				t.Errorf("NewEngine returned an engine with its refusal")
			}
		})
	}
	if _, err := lifecycle.NewEngine(nil, lifecycle.DefaultPolicy()); !errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("NewEngine(nil) = %v, want ErrInvalid", err)
	}
	e := lrEngine(t)
	for _, c := range []struct{ id, owner string }{{"", "ada"}, {"acme", ""}} {
		if _, err := e.New(tenancy.AccountID(c.id), tenancy.UserID(c.owner), "eu", nil, lrT0); !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("New(%q, %q) = %v, want ErrInvalid", c.id, c.owner, err)
		}
	}
	a, err := e.New(lrID, lrOwner, "", nil, lrT0)
	if err != nil || a.Location() != time.UTC {
		t.Errorf("New with a nil zone: %v in %v, want UTC", err, a.Location())
	}
}

// TestLIFE01_TimeNeverRunsBackwards: the countdown of LIFE-01 is only ever
// moved forward; a command or an advance before the last change is refused
// and changes nothing.
func TestLIFE01_TimeNeverRunsBackwards(t *testing.T) {
	e := lrEngine(t)
	a, _ := lrAdvance(t, e, lrNew(t, e, lrT0), time.Date(2026, 3, 26, 0, 0, 0, 0, time.UTC))
	// The last change is the warning of 25 March 09:00.
	early := time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC).Add(-time.Nanosecond)
	lrRefused(t, e, a, early, lifecycle.Login{User: "ada"}, tenancy.ErrTimeWentBack, "")
	got, effs, err := e.Advance(a, early, nil)
	lrWantRefusal(t, err, tenancy.ErrTimeWentBack, "")
	if d := cmp.Diff(a, got); d != "" || len(effs) != 0 {
		t.Errorf("a refused advance changed the account (%v) or fired %v:\n%s", err, effs, d)
	}
	if _, _, err := e.Apply(a, lrSuspend, nil); !errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("Apply(nil) = %v, want ErrInvalid", err)
	}
}
