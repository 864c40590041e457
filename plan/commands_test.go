package plan_test

// Table-driven tests of the commands, one test per rule: PLAN-02, PLAN-03,
// PLAN-04, PLAN-07, PLAN-08, PLAN-09, PLAN-10, PLAN-11, PLAN-12, PLAN-13,
// PLAN-14, and malformed input. Expected values are worked out by hand from
// RULES.md and the default catalog's prices (Basic 61, Standard 124,
// Professional 249, Enterprise 499 a month; annual = 12 months less 20%),
// never read back from the code under test.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without a zoneinfo database

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

const ctAccount tenancy.AccountID = "acme"

var (
	ctAdmin    = tenancy.Admin("alice")
	ctEmployee = tenancy.Employee("bob")
	ctService  = tenancy.Service()
)

// ctAt returns 10:00 UTC on the given day.
func ctAt(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

func ctD(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// ctEngine returns an engine on the default catalog with the default policy,
// edited by edit.
func ctEngine(t testing.TB, edit ...func(*plan.Policy)) *plan.Engine {
	t.Helper()
	p := plan.DefaultPolicy()
	for _, f := range edit {
		f(&p)
	}
	e, err := plan.NewEngine(plan.DefaultCatalog(), p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// ctDo applies cmd, fails the test on a refusal, and checks the result
// against the engine's invariants.
func ctDo(t testing.TB, e *plan.Engine, s plan.Subscription, now time.Time, cmd plan.Command) (plan.Subscription, []plan.Event) {
	t.Helper()
	out, evs, err := e.Apply(s, now, cmd)
	if err != nil {
		t.Fatalf("%T at %v: %v", cmd, now, err)
	}
	if err := e.Check(out); err != nil {
		t.Fatalf("after %T: %v", cmd, err)
	}
	return out, evs
}

// ctAdvance advances s to now and fails the test on an error.
func ctAdvance(t testing.TB, e *plan.Engine, s plan.Subscription, now time.Time) (plan.Subscription, []plan.Event) {
	t.Helper()
	out, evs, err := e.Advance(s, now, nil)
	if err != nil {
		t.Fatalf("Advance to %v: %v", now, err)
	}
	if err := e.Check(out); err != nil {
		t.Fatalf("after Advance: %v", err)
	}
	return out, evs
}

// ctFree returns a new account on the free plan, created at at, which must
// be a time the library keeps (it panics otherwise, failing the test).
func ctFree(e *plan.Engine, at time.Time) plan.Subscription {
	s, err := e.New(ctAccount, at.Location(), at)
	if err != nil {
		panic(err)
	}
	return s
}

// ctActive returns an account that bought plan id for period per at at.
func ctActive(t testing.TB, e *plan.Engine, id plan.PlanID, per plan.Period, at time.Time) plan.Subscription {
	t.Helper()
	s, _ := ctDo(t, e, ctFree(e, at), at, plan.Purchase{By: ctAdmin, Plan: id, Period: per})
	return s
}

// ctThen applies cmds in order at at.
func ctThen(t testing.TB, e *plan.Engine, s plan.Subscription, at time.Time, cmds ...plan.Command) plan.Subscription {
	t.Helper()
	for _, c := range cmds {
		s, _ = ctDo(t, e, s, at, c)
	}
	return s
}

// ctGrace returns an account that bought plan id monthly at at and did not
// pay the next period: it is in grace from the period's end.
func ctGrace(t testing.TB, e *plan.Engine, id plan.PlanID, at time.Time, cmds ...plan.Command) plan.Subscription {
	t.Helper()
	s := ctThen(t, e, ctActive(t, e, id, plan.Monthly, at), at, cmds...)
	s, _ = ctAdvance(t, e, s, s.End)
	if s.Status != plan.StatusGrace {
		t.Fatalf("setup: status %v, want grace", s.Status)
	}
	return s
}

func ctKinds(evs []plan.Event) []plan.EventKind {
	var out []plan.EventKind
	for _, ev := range evs {
		out = append(out, ev.Kind)
	}
	return out
}

// ctNoSeq leaves out of a comparison the sequence numbers that count a
// subscription's events (Subscription.Seq, Event.Seq), for the tests that
// build an expected state or event by hand: the rules here do not decide
// them. Refusals are still compared in full.
var ctNoSeq = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Seq" }, cmp.Ignore())

// ctFind returns the only event of kind k.
func ctFind(t testing.TB, evs []plan.Event, k plan.EventKind) plan.Event {
	t.Helper()
	var found []plan.Event
	for _, ev := range evs {
		if ev.Kind == k {
			found = append(found, ev)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly one %v event, got %d in %v", k, len(found), ctKinds(evs))
	}
	return found[0]
}

// ctJSON is a deep snapshot of s: comparing two snapshots also catches a
// change made through a shared pointer, which a copy of s would share.
func ctJSON(t testing.TB, s plan.Subscription) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// ctWantRefusal checks that err is a *tenancy.RuleError matching sentinel,
// owned by rule, with a reason in words.
func ctWantRefusal(t testing.TB, err, sentinel error, rule tenancy.RuleID) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a refusal matching %v, got none", sentinel)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("error %q does not match %v", err, sentinel)
	}
	var re *tenancy.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("error %q is not a *tenancy.RuleError", err)
	}
	if re.Reason == "" {
		t.Errorf("error %q gives no reason", err)
	}
	if got := tenancy.RuleOf(err); got != rule {
		t.Errorf("RuleOf(%q) = %q, want %q", err, got, rule)
	}
}

// ctCase is one row of a rule's table: a command (or, with advance, the
// passing of time) against a state.
type ctCase struct {
	name string
	// eng is the engine to use; nil means the default catalog and policy.
	eng   *plan.Engine
	state func(t *testing.T, e *plan.Engine) plan.Subscription
	now   time.Time
	// cmd is applied at now, unless advance is set: then s is advanced to
	// now.
	cmd     plan.Command
	advance bool
	// err, when set, is the sentinel the refusal must match, and rule the
	// rule it must name.
	err  error
	rule tenancy.RuleID
	// msg are substrings the refusal's message must contain.
	msg []string
	// kinds, when not nil, are the events wanted, in order; an empty non-nil
	// slice wants none.
	kinds []plan.EventKind
	check func(t *testing.T, before, after plan.Subscription, evs []plan.Event)
}

func ctRun(t *testing.T, cases []ctCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := c.eng
			if e == nil {
				e = ctEngine(t)
			}
			before := c.state(t, e)
			snap := ctJSON(t, before)
			var (
				after plan.Subscription
				evs   []plan.Event
				err   error
			)
			if c.advance {
				after, evs, err = e.Advance(before, c.now, nil)
			} else {
				after, evs, err = e.Apply(before, c.now, c.cmd)
			}
			if ctJSON(t, before) != snap {
				t.Fatalf("the argument was changed in place")
			}
			if c.err != nil {
				ctWantRefusal(t, err, c.err, c.rule)
				for _, m := range c.msg {
					if err != nil && !strings.Contains(err.Error(), m) {
						t.Errorf("message %q does not say %q", err, m)
					}
				}
				if d := cmp.Diff(before, after); d != "" {
					t.Errorf("refused, yet the state changed (-before +after):\n%s", d)
				}
				if len(evs) != 0 {
					t.Errorf("refused, yet events %v", ctKinds(evs))
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if err := e.Check(after); err != nil {
				t.Fatalf("result breaks an invariant: %v", err)
			}
			if c.kinds != nil {
				if d := cmp.Diff(c.kinds, ctKinds(evs), cmpopts.EquateEmpty()); d != "" {
					t.Errorf("events (-want +got):\n%s", d)
				}
			}
			for _, ev := range evs {
				if ev.Account != ctAccount || ev.Rule == "" || ev.At.Before(before.Updated) || ev.At.After(c.now) {
					t.Errorf("event %v: account %q, rule %q, at %v; want %q, a rule, between %v and %v",
						ev.Kind, ev.Account, ev.Rule, ev.At, ctAccount, before.Updated, c.now)
				}
			}
			if c.check != nil {
				c.check(t, before, after, evs)
			}
		})
	}
}

// ctStateAt adapts a builder of a starting state to ctCase.state.
func ctStateAt(f func(t testing.TB, e *plan.Engine) plan.Subscription) func(*testing.T, *plan.Engine) plan.Subscription {
	return func(t *testing.T, e *plan.Engine) plan.Subscription { return f(t, e) }
}

// --- PLAN-02 -------------------------------------------------------------

// TestPLAN02_OnlyAdministrators proves PLAN-02: only an administrator changes
// the plan, auto-renewal, or cancels; everyone else, the service included,
// gets an authorization error naming them, and nothing changes. Payments,
// renewals and call charges may also come from the service.
func TestPLAN02_OnlyAdministrators(t *testing.T) {
	e := ctEngine(t)
	t0 := ctAt(2024, 1, 10)
	free := func(t testing.TB) plan.Subscription { return ctFree(e, t0) }
	active := func(t testing.TB) plan.Subscription { return ctActive(t, e, plan.Basic, plan.Monthly, t0) }
	cancelled := func(t testing.TB) plan.Subscription {
		return ctThen(t, e, active(t), t0, plan.Cancel{By: ctAdmin})
	}
	withCredits := func(t testing.TB) plan.Subscription {
		return ctThen(t, e, active(t), t0, plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("10")})
	}
	grace := func(t testing.TB) plan.Subscription { return ctGrace(t, e, plan.Basic, t0) }
	later := ctAt(2024, 1, 20) // within 30 days of the period's end, 10 Feb

	adminOnly := []struct {
		name  string
		state func(testing.TB) plan.Subscription
		cmd   func(tenancy.Actor) plan.Command
	}{
		{"StartTrial", free, func(a tenancy.Actor) plan.Command { return plan.StartTrial{By: a} }},
		{"Purchase", free, func(a tenancy.Actor) plan.Command {
			return plan.Purchase{By: a, Plan: plan.Basic, Period: plan.Monthly}
		}},
		{"ChangePlan up", active, func(a tenancy.Actor) plan.Command {
			return plan.ChangePlan{By: a, Plan: plan.Professional, Period: plan.Monthly}
		}},
		{"Cancel", active, func(a tenancy.Actor) plan.Command { return plan.Cancel{By: a, Reason: "moving"} }},
		{"Cancel now", active, func(a tenancy.Actor) plan.Command { return plan.Cancel{By: a, Now: true} }},
		{"UndoChange", cancelled, func(a tenancy.Actor) plan.Command { return plan.UndoChange{By: a} }},
		{"SetAutoRenew off", active, func(a tenancy.Actor) plan.Command { return plan.SetAutoRenew{By: a} }},
		{"SetAutoRenew on", cancelled, func(a tenancy.Actor) plan.Command { return plan.SetAutoRenew{By: a, On: true} }},
		{"BuyTelephonyCredits", active, func(a tenancy.Actor) plan.Command {
			return plan.BuyTelephonyCredits{By: a, Amount: ctD("10")}
		}},
		{"BuyExtraStorage", active, func(a tenancy.Actor) plan.Command {
			return plan.BuyExtraStorage{By: a, Bytes: 10 * plan.GB, Price: ctD("5")}
		}},
	}
	others := []struct {
		name  string
		actor tenancy.Actor
	}{
		{"employee", ctEmployee},
		{"zero actor", tenancy.Actor{}},
		{"service", ctService},
		{"unknown role", tenancy.Actor{User: "mallory", Role: 9}},
	}
	for _, c := range adminOnly {
		for _, o := range others {
			t.Run(c.name+"/"+o.name, func(t *testing.T) {
				s := c.state(t)
				snap := ctJSON(t, s)
				got, evs, err := e.Apply(s, later, c.cmd(o.actor))
				ctWantRefusal(t, err, tenancy.ErrUnauthorized, "PLAN-02")
				if err != nil && !strings.Contains(err.Error(), o.actor.String()) {
					t.Errorf("message %q does not name the actor %q", err, o.actor)
				}
				if err != nil && !strings.Contains(err.Error(), "administrator") {
					t.Errorf("message %q does not say who may", err)
				}
				if d := cmp.Diff(s, got); d != "" || ctJSON(t, s) != snap {
					t.Errorf("state changed (-want +got):\n%s", d)
				}
				if evs != nil {
					t.Errorf("events %v on a refusal", ctKinds(evs))
				}
			})
		}
		// The same command from an administrator is accepted: the refusal
		// above is the actor's role, not the state.
		t.Run(c.name+"/administrator", func(t *testing.T) {
			ctDo(t, e, c.state(t), later, c.cmd(ctAdmin))
		})
	}

	serviceToo := []struct {
		name  string
		state func(testing.TB) plan.Subscription
		now   time.Time
		cmd   func(tenancy.Actor) plan.Command
		want  plan.EventKind
	}{
		{"Renew", active, later, func(a tenancy.Actor) plan.Command { return plan.Renew{By: a} }, plan.EventRenewalBought},
		{"RecordPayment", grace, ctAt(2024, 2, 12), func(a tenancy.Actor) plan.Command {
			return plan.RecordPayment{By: a, Amount: ctD("61")}
		}, plan.EventPaymentReceived},
		{"RecordPaymentFailure", grace, ctAt(2024, 2, 12), func(a tenancy.Actor) plan.Command {
			return plan.RecordPaymentFailure{By: a, Reason: "card declined"}
		}, plan.EventPaymentFailed},
		{"UseTelephonyCredits", withCredits, later, func(a tenancy.Actor) plan.Command {
			return plan.UseTelephonyCredits{By: a, Amount: ctD("2.50")}
		}, plan.EventTelephonyUsed},
	}
	for _, c := range serviceToo {
		for _, a := range []tenancy.Actor{ctService, ctAdmin} {
			t.Run(c.name+"/"+a.Role.String(), func(t *testing.T) {
				_, evs := ctDo(t, e, c.state(t), c.now, c.cmd(a))
				if d := cmp.Diff([]plan.EventKind{c.want}, ctKinds(evs)); d != "" {
					t.Errorf("events (-want +got):\n%s", d)
				}
			})
		}
		for _, a := range []tenancy.Actor{ctEmployee, {}} {
			t.Run(c.name+"/"+a.Role.String(), func(t *testing.T) {
				s := c.state(t)
				got, evs, err := e.Apply(s, c.now, c.cmd(a))
				ctWantRefusal(t, err, tenancy.ErrUnauthorized, "PLAN-02")
				if err != nil && (!strings.Contains(err.Error(), a.String()) || !strings.Contains(err.Error(), "service")) {
					t.Errorf("message %q does not name the actor %q and who may", err, a)
				}
				if d := cmp.Diff(s, got); d != "" || evs != nil {
					t.Errorf("refused, yet changed (-want +got):\n%s\nevents %v", d, ctKinds(evs))
				}
			})
		}
	}
}

// --- PLAN-03 -------------------------------------------------------------

// ctElapsed is the default engine with proration by elapsed time.
func ctElapsed(t *testing.T) *plan.Engine {
	return tbEngine(t, func(p *plan.Policy) { p.Proration.Basis = plan.ProrateElapsed })
}

// ctDaysChangeDayUsed is the default engine (proration by calendar days) with the day
// of the change counted as used.
func ctDaysChangeDayUsed(t *testing.T) *plan.Engine {
	return tbEngine(t, func(p *plan.Policy) { p.Proration.ChangeDayUsed = true })
}

// TestPLAN03_UpgradeNowDowngradeLater proves PLAN-03: an upgrade applies at
// once, prorated by calendar days (or, by choice, by the second); a downgrade waits for the period's end; only
// one change may be pending, and UndoChange withdraws it.
func TestPLAN03_UpgradeNowDowngradeLater(t *testing.T) {
	t0 := ctAt(2024, 1, 1) // Basic monthly: 1 Jan to 1 Feb, 31 days
	mid := ctAt(2024, 1, 16)
	basic := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctActive(t, e, plan.Basic, plan.Monthly, t0)
	})
	pro := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctActive(t, e, plan.Professional, plan.Monthly, t0)
	})
	proDown := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctActive(t, e, plan.Professional, plan.Monthly, t0), t0,
			plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly})
	})
	proCancel := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctActive(t, e, plan.Professional, plan.Monthly, t0), t0, plan.Cancel{By: ctAdmin})
	})
	ctRun(t, []ctCase{
		{
			// Basic monthly, 61 for the 31 days from 1 Jan: on 16 Jan, 16 days
			// are unused: 61 × 16/31 = 31.483… → 31.48 credit; Professional
			// costs 249, so 217.52 is charged.
			name: "upgrade applies at once, prorated", state: basic, now: mid,
			cmd:   plan.ChangePlan{By: ctAdmin, Plan: plan.Professional, Period: plan.Monthly},
			kinds: []plan.EventKind{plan.EventUpgraded},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				ev := evs[0]
				want := plan.Event{Kind: plan.EventUpgraded, Rule: "PLAN-03", Account: ctAccount, At: mid,
					Plan: plan.Professional, From: plan.Basic,
					Amount: ctD("217.52"), Credit: ctD("31.48"), Credited: ctD("31.48"), Until: ctAt(2024, 2, 16)}
				if d := cmp.Diff(want, ev, ctNoSeq); d != "" {
					t.Errorf("event (-want +got):\n%s", d)
				}
				if after.Plan != plan.Professional || after.Status != plan.StatusActive || after.Period != plan.Monthly {
					t.Errorf("after: %s %s %s, want professional active monthly", after.Plan, after.Status, after.Period)
				}
				if !after.Start.Equal(mid) || !after.End.Equal(ctAt(2024, 2, 16)) || after.AnchorDay != 16 {
					t.Errorf("new period %v to %v anchor %d, want 16 Jan to 16 Feb anchored on 16", after.Start, after.End, after.AnchorDay)
				}
				if !after.Paid.Equal(ctD("249")) || !after.Credit.IsZero() {
					t.Errorf("paid %s credit %s, want 249 and 0", after.Paid, after.Credit)
				}
			},
		},
		{
			name: "same plan, longer period is an upgrade", state: basic, now: mid,
			cmd:   plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Annual},
			kinds: []plan.EventKind{plan.EventUpgraded},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				// Basic annual is 61 × 12 × 0.8 = 585.60.
				if !evs[0].Amount.Equal(ctD("554.12")) || !evs[0].Credit.Equal(ctD("31.48")) {
					t.Errorf("charged %s with credit %s, want 554.12 and 31.48", evs[0].Amount, evs[0].Credit)
				}
				if after.Period != plan.Annual || !after.End.Equal(ctAt(2025, 1, 16)) {
					t.Errorf("after: %s to %v, want annual to 16 Jan 2025", after.Period, after.End)
				}
			},
		},
		{
			// Professional annual 2390.40 for the 366 days of 2024; a day
			// later 365 are unused: 2390.40 × 365/366 = 2383.868… → 2383.86.
			// Enterprise monthly costs 499, so 1884.86 stays as credit.
			name: "credit beyond the new price stays on the account",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Professional, plan.Annual, t0)
			}),
			now:   ctAt(2024, 1, 2),
			cmd:   plan.ChangePlan{By: ctAdmin, Plan: plan.Enterprise, Period: plan.Monthly},
			kinds: []plan.EventKind{plan.EventUpgraded},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				if !evs[0].Amount.IsZero() || !evs[0].Credit.Equal(ctD("499")) {
					t.Errorf("charged %s with credit %s, want 0 and 499", evs[0].Amount, evs[0].Credit)
				}
				if !after.Credit.Equal(ctD("1884.86")) {
					t.Errorf("credit left %s, want 1884.86", after.Credit)
				}
			},
		},
		{
			// Basic annual, 585.60 for the 366 days of 2024, is 1.60 a day:
			// a day later the unused 365 days are worth exactly 584.00, and,
			// prorated by elapsed time (Stripe's way), a second later one
			// second less, which rounds down to 583.99. Standard annual is
			// 124 × 12 × 0.8 = 1190.40.
			name: "prorated by the second: on the cent", eng: ctElapsed(t),
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Annual, t0)
			}),
			now: ctAt(2024, 1, 2), cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Standard, Period: plan.Annual},
			check: func(t *testing.T, _, _ plan.Subscription, evs []plan.Event) {
				if !evs[0].Credit.Equal(ctD("584")) || !evs[0].Amount.Equal(ctD("606.40")) {
					t.Errorf("credit %s charged %s, want 584.00 and 606.40", evs[0].Credit, evs[0].Amount)
				}
			},
		},
		{
			name: "prorated by the second: a second later", eng: ctElapsed(t),
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Annual, t0)
			}),
			now: ctAt(2024, 1, 2).Add(time.Second), cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Standard, Period: plan.Annual},
			check: func(t *testing.T, _, _ plan.Subscription, evs []plan.Event) {
				if !evs[0].Credit.Equal(ctD("583.99")) || !evs[0].Amount.Equal(ctD("606.41")) {
					t.Errorf("credit %s charged %s, want 583.99 and 606.41", evs[0].Credit, evs[0].Amount)
				}
			},
		},
		{
			// By calendar days, the default, the second does not count: 2
			// Jan is unused, so are the 364 days after it: 584.00.
			name: "prorated by days: a second later is the same day",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Annual, t0)
			}),
			now: ctAt(2024, 1, 2).Add(time.Second), cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Standard, Period: plan.Annual},
			check: func(t *testing.T, _, _ plan.Subscription, evs []plan.Event) {
				if !evs[0].Credit.Equal(ctD("584")) || !evs[0].Amount.Equal(ctD("606.40")) {
					t.Errorf("credit %s charged %s, want 584.00 and 606.40", evs[0].Credit, evs[0].Amount)
				}
			},
		},
		{
			// With the day of the change counted as used, 2 Jan is not
			// credited: 364 days, 582.40.
			name: "prorated by days: the day of the change used", eng: ctDaysChangeDayUsed(t),
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Annual, t0)
			}),
			now: ctAt(2024, 1, 2).Add(time.Second), cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Standard, Period: plan.Annual},
			check: func(t *testing.T, _, _ plan.Subscription, evs []plan.Event) {
				if !evs[0].Credit.Equal(ctD("582.40")) || !evs[0].Amount.Equal(ctD("608.00")) {
					t.Errorf("credit %s charged %s, want 582.40 and 608.00", evs[0].Credit, evs[0].Amount)
				}
			},
		},
		{
			name: "downgrade waits for the period's end", state: pro, now: mid,
			cmd:   plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly},
			kinds: []plan.EventKind{plan.EventChangeScheduled},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				want := before
				want.Pending = plan.Change{Kind: plan.ChangeDowngrade, Plan: plan.Basic, Period: plan.Monthly, Since: mid}
				want.Updated = mid
				if d := cmp.Diff(want, after, ctNoSeq); d != "" {
					t.Errorf("only Pending may change (-want +got):\n%s", d)
				}
				ev := evs[0]
				// The kind's documentation: Plan is the target, Until when it
				// applies.
				if ev.Plan != plan.Basic || ev.From != plan.Professional || !ev.Until.Equal(before.End) {
					t.Errorf("event plan %s from %s until %v, want basic from professional until %v", ev.Plan, ev.From, ev.Until, before.End)
				}
				if !after.AutoRenew() {
					t.Errorf("a downgrade is not a cancellation: AutoRenew() = false")
				}
			},
		},
		{
			name: "downgrade: the plan holds until the period's end", state: proDown,
			now: ctAt(2024, 2, 1).Add(-time.Nanosecond), advance: true,
			kinds: []plan.EventKind{},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				if after.Plan != plan.Professional || after.Pending.Kind != plan.ChangeDowngrade {
					t.Errorf("a nanosecond before the end: %s with %s pending, want professional with a downgrade", after.Plan, after.Pending.Kind)
				}
			},
		},
		{
			name: "downgrade applies at the period's end", state: proDown,
			now: ctAt(2024, 2, 1), advance: true,
			// Nobody paid the Basic period, so it starts in grace (PLAN-14).
			kinds: []plan.EventKind{plan.EventGraceStarted, plan.EventChangeApplied, plan.EventLimitsReduced},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				if after.Plan != plan.Basic || after.Period != plan.Monthly || after.Pending.Kind != plan.NoChange {
					t.Errorf("after: %s %s pending %s, want basic monthly, nothing pending", after.Plan, after.Period, after.Pending.Kind)
				}
				if !after.Due.Equal(ctD("61")) || !after.Start.Equal(ctAt(2024, 2, 1)) || !after.End.Equal(ctAt(2024, 3, 1)) {
					t.Errorf("due %s for %v to %v, want 61 for 1 Feb to 1 Mar", after.Due, after.Start, after.End)
				}
				if ev := ctFind(t, evs, plan.EventChangeApplied); ev.From != plan.Professional || ev.Plan != plan.Basic {
					t.Errorf("change-applied from %s to %s", ev.From, ev.Plan)
				}
			},
		},
		{
			name: "downgrade to a shorter period", state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Annual, t0)
			}),
			now: mid, cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly},
			kinds: []plan.EventKind{plan.EventChangeScheduled},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				if after.Period != plan.Annual || after.Pending.Period != plan.Monthly {
					t.Errorf("period %s pending %s, want annual now and monthly next", after.Period, after.Pending.Period)
				}
			},
		},
		{
			name: "second downgrade refused", state: proDown, now: mid,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Standard, Period: plan.Monthly},
			err: plan.ErrPendingChange, rule: "PLAN-03",
		},
		{
			name: "cancel while a downgrade is pending refused", state: proDown, now: mid,
			cmd: plan.Cancel{By: ctAdmin}, err: plan.ErrPendingChange, rule: "PLAN-03",
		},
		{
			name: "downgrade while a cancellation is pending refused", state: proCancel, now: mid,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly},
			err: plan.ErrPendingChange, rule: "PLAN-03",
		},
		{
			name: "upgrade while a downgrade is pending refused", state: proDown, now: mid,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Enterprise, Period: plan.Monthly},
			err: plan.ErrPendingChange, rule: "PLAN-03",
		},
		{
			name: "upgrade while a cancellation is pending refused", state: proCancel, now: mid,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Enterprise, Period: plan.Monthly},
			err: plan.ErrPendingChange, rule: "PLAN-03",
		},
		{
			name: "undo withdraws the pending downgrade", state: proDown, now: mid,
			cmd:   plan.UndoChange{By: ctAdmin},
			kinds: []plan.EventKind{plan.EventChangeUndone},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				want := before
				want.Pending, want.Updated = plan.Change{}, mid
				if d := cmp.Diff(want, after, ctNoSeq); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
			},
		},
		{
			name: "undo with nothing pending refused", state: pro, now: mid,
			cmd: plan.UndoChange{By: ctAdmin}, err: plan.ErrStatus, rule: "PLAN-03",
		},
		{
			name: "same plan and period refused", state: pro, now: mid,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Professional, Period: plan.Monthly},
			err: tenancy.ErrInvalid, rule: "PLAN-03",
		},
		{
			name: "change from free refused: buy instead",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctFree(e, t0)
			}),
			now: mid, cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly},
			err: plan.ErrStatus, rule: "PLAN-03",
		},
		{
			name: "renewal before the window opens refused", state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Annual, t0)
			}),
			// The window opens 30 days before 1 Jan 2025: on 2 Dec 2024.
			now: ctAt(2024, 12, 1), cmd: plan.Renew{By: ctAdmin},
			err: plan.ErrTooEarly, rule: "PLAN-03",
		},
	})
}

// --- PLAN-04 -------------------------------------------------------------

// TestPLAN04_CancelIsAutoRenewOff proves PLAN-04: cancelling turns
// auto-renewal off, and the account rolls back to free at the period's end;
// turning auto-renewal on again undoes it; a change to the free plan is a
// cancellation.
func TestPLAN04_CancelIsAutoRenewOff(t *testing.T) {
	t0 := ctAt(2024, 1, 10)
	mid := ctAt(2024, 1, 20)
	std := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctActive(t, e, plan.Standard, plan.Monthly, t0)
	})
	stdOff := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctActive(t, e, plan.Standard, plan.Monthly, t0), t0, plan.SetAutoRenew{By: ctAdmin})
	})
	// sameAs checks that cmd gives exactly what Cancel{} gives.
	sameAs := func(cmd plan.Command) func(*testing.T, plan.Subscription, plan.Subscription, []plan.Event) {
		return func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
			e := ctEngine(t)
			want, wantEvs := ctDo(t, e, before, mid, cmd)
			if d := cmp.Diff(want, after); d != "" {
				t.Errorf("state differs from %T's (-%T +got):\n%s", cmd, cmd, d)
			}
			if d := cmp.Diff(wantEvs, evs); d != "" {
				t.Errorf("events differ from %T's (-%T +got):\n%s", cmd, cmd, d)
			}
		}
	}
	off := func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
		if after.AutoRenew() {
			t.Errorf("AutoRenew() = true after cancelling")
		}
		if after.Plan != plan.Standard || after.Status != plan.StatusActive || !after.End.Equal(before.End) {
			t.Errorf("after: %s %s until %v; the paid period must go on", after.Plan, after.Status, after.End)
		}
		if after.Pending.Kind != plan.ChangeCancel {
			t.Errorf("pending %s, want cancel", after.Pending.Kind)
		}
		if ev := ctFind(t, evs, plan.EventCancellationScheduled); !ev.Until.Equal(before.End) {
			t.Errorf("cancellation-scheduled until %v, want %v", ev.Until, before.End)
		}
	}
	cancelled := []plan.EventKind{plan.EventCancellationScheduled, plan.EventCancellationConfirmed}
	ctRun(t, []ctCase{
		{name: "auto-renewal on after a purchase", state: std, now: mid, advance: true, kinds: []plan.EventKind{},
			check: func(t *testing.T, _, after plan.Subscription, _ []plan.Event) {
				if !after.AutoRenew() {
					t.Errorf("AutoRenew() = false on a new paid subscription")
				}
			}},
		{name: "Cancel turns auto-renewal off", state: std, now: mid, cmd: plan.Cancel{By: ctAdmin},
			kinds: cancelled, check: off},
		{name: "SetAutoRenew off is Cancel", state: std, now: mid, cmd: plan.SetAutoRenew{By: ctAdmin, On: false},
			kinds: cancelled, check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				off(t, before, after, evs)
				sameAs(plan.Cancel{By: ctAdmin})(t, before, after, evs)
			}},
		{name: "ChangePlan to free is Cancel", state: std, now: mid,
			cmd:   plan.ChangePlan{By: ctAdmin, Plan: plan.Free, Period: plan.Monthly},
			kinds: cancelled, check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				off(t, before, after, evs)
				sameAs(plan.Cancel{By: ctAdmin})(t, before, after, evs)
			}},
		{name: "rolls back to free at the period's end", state: stdOff, now: ctAt(2024, 2, 10), advance: true,
			kinds: []plan.EventKind{plan.EventRolledBack, plan.EventLimitsReduced},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				if after.Plan != plan.Free || after.Status != plan.StatusFree {
					t.Errorf("after: %s %s, want free", after.Plan, after.Status)
				}
				if !after.FreeSince.Equal(before.End) {
					t.Errorf("FreeSince %v, want the period's end %v", after.FreeSince, before.End)
				}
				if _, ok := after.NextDeadline(); ok {
					t.Errorf("a free subscription has a deadline")
				}
				if ev := evs[0]; ev.Plan != plan.Free || ev.From != plan.Standard || ev.Rule != "PLAN-04" || !ev.At.Equal(before.End) {
					t.Errorf("rolled-back: %v", ev)
				}
			}},
		{name: "stays paid until the period's end", state: stdOff, now: ctAt(2024, 2, 10).Add(-time.Second), advance: true,
			kinds: []plan.EventKind{}},
		{name: "SetAutoRenew on undoes the cancellation", state: stdOff, now: mid,
			cmd: plan.SetAutoRenew{By: ctAdmin, On: true}, kinds: []plan.EventKind{plan.EventChangeUndone},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				if !after.AutoRenew() || after.Pending.Kind != plan.NoChange {
					t.Errorf("AutoRenew() = %v, pending %s", after.AutoRenew(), after.Pending.Kind)
				}
				sameAs(plan.UndoChange{By: ctAdmin})(t, before, after, evs)
				// With auto-renewal on, a new period starts at the end: unpaid,
				// so in grace, on the same plan.
				e := ctEngine(t)
				next, _ := ctAdvance(t, e, after, before.End)
				if next.Plan != plan.Standard || next.Status != plan.StatusGrace || !next.Start.Equal(before.End) {
					t.Errorf("at the end: %s %s from %v, want a new standard period from %v", next.Plan, next.Status, next.Start, before.End)
				}
			}},
		{name: "SetAutoRenew on when already on refused", state: std, now: mid,
			cmd: plan.SetAutoRenew{By: ctAdmin, On: true}, err: plan.ErrStatus, rule: "PLAN-04"},
		// A pending downgrade renews (on the smaller plan): auto-renewal is
		// on, and turning it on does not withdraw the downgrade.
		{name: "SetAutoRenew on with a downgrade pending refused",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctThen(t, e, ctActive(t, e, plan.Standard, plan.Monthly, t0), t0,
					plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly})
			}),
			now: mid, cmd: plan.SetAutoRenew{By: ctAdmin, On: true}, err: plan.ErrStatus, rule: "PLAN-04"},
		{name: "cancel on free refused", state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctFree(e, t0) }),
			now: mid, cmd: plan.Cancel{By: ctAdmin}, err: plan.ErrStatus, rule: "PLAN-04"},
		{name: "cancel twice refused", state: stdOff, now: mid, cmd: plan.Cancel{By: ctAdmin},
			err: plan.ErrPendingChange, rule: "PLAN-03"},
		{name: "renewal while auto-renewal is off refused", state: stdOff, now: ctAt(2024, 2, 1),
			cmd: plan.Renew{By: ctAdmin}, err: plan.ErrStatus, rule: "PLAN-04"},
	})
}

// --- PLAN-07 -------------------------------------------------------------

// TestPLAN07_AddOns proves PLAN-07: add-ons go with an active paid plan,
// are deactivated on every drop to free (credits forfeited, never refunded),
// and telephony credits cannot be overspent.
func TestPLAN07_AddOns(t *testing.T) {
	t0 := ctAt(2024, 1, 10)
	mid := ctAt(2024, 1, 20)
	buy := []plan.Command{
		plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("40")},
		plan.BuyExtraStorage{By: ctAdmin, Bytes: 10 * plan.GB, Price: ctD("9.90")},
	}
	free := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctFree(e, t0) })
	trial := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin})
	})
	grace := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctGrace(t, e, plan.Standard, t0, buy...)
	})
	withAddOns := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctActive(t, e, plan.Standard, plan.Monthly, t0), t0, buy...)
	})
	cancelled := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctActive(t, e, plan.Standard, plan.Monthly, t0), t0, append(buy, plan.Cancel{By: ctAdmin})...)
	})
	// dropped checks the drop to free: the add-ons event reports the 40
	// credits and 10 GB lost, and none survive.
	dropped := func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
		if after.Status != plan.StatusFree || !after.AddOns.IsZero() {
			t.Errorf("after: %s with add-ons %+v, want free with none", after.Status, after.AddOns)
		}
		ev := ctFind(t, evs, plan.EventAddOnsDeactivated)
		if !ev.Amount.Equal(ctD("40")) || ev.Bytes != 10*plan.GB || ev.Rule != "PLAN-07" || ev.From != plan.Standard {
			t.Errorf("add-ons-deactivated: %v from %s, want amount 40, %d bytes, from standard", ev, ev.From, 10*plan.GB)
		}
		for _, ev := range evs {
			if ev.Kind == plan.EventRefunded && ev.Amount.GreaterThanOrEqual(ctD("40")) {
				t.Errorf("telephony credits refunded: %v", ev)
			}
		}
		if e := ctEngine(t); e.Limits(after).StorageBytes != 5*plan.GB {
			t.Errorf("free storage with add-ons gone: %d, want 5 GB", e.Limits(after).StorageBytes)
		}
	}
	ctRun(t, []ctCase{
		{name: "credits on free refused", state: free, now: mid,
			cmd: plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("10")}, err: plan.ErrStatus, rule: "PLAN-07"},
		{name: "storage on free refused", state: free, now: mid,
			cmd: plan.BuyExtraStorage{By: ctAdmin, Bytes: plan.GB, Price: ctD("1")}, err: plan.ErrStatus, rule: "PLAN-07"},
		{name: "credits on trial refused", state: trial, now: mid,
			cmd: plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("10")}, err: plan.ErrStatus, rule: "PLAN-07"},
		{name: "storage in grace refused", state: grace, now: ctAt(2024, 2, 12),
			cmd: plan.BuyExtraStorage{By: ctAdmin, Bytes: plan.GB, Price: ctD("1")}, err: plan.ErrStatus, rule: "PLAN-07"},
		{name: "credits on an active paid plan", state: withAddOns, now: mid,
			cmd: plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("5.25")}, kinds: []plan.EventKind{plan.EventAddOnBought},
			check: func(t *testing.T, _, after plan.Subscription, evs []plan.Event) {
				if !after.AddOns.TelephonyCredits.Equal(ctD("45.25")) || !evs[0].Amount.Equal(ctD("5.25")) {
					t.Errorf("credits %s, event amount %s; want 45.25 and 5.25", after.AddOns.TelephonyCredits, evs[0].Amount)
				}
			}},
		{name: "extra storage raises the quota", state: withAddOns, now: mid,
			cmd: plan.BuyExtraStorage{By: ctAdmin, Bytes: 5 * plan.GB, Price: ctD("4.50")}, kinds: []plan.EventKind{plan.EventAddOnBought},
			check: func(t *testing.T, _, after plan.Subscription, evs []plan.Event) {
				// Standard has 100 GB; 10 + 5 GB bought.
				if got := ctEngine(t).Limits(after).StorageBytes; got != 115*plan.GB {
					t.Errorf("storage limit %d, want %d", got, 115*plan.GB)
				}
				if evs[0].Bytes != 5*plan.GB || !evs[0].Amount.Equal(ctD("4.50")) {
					t.Errorf("event %v", evs[0])
				}
			}},
		{name: "rollback deactivates add-ons", state: cancelled, now: ctAt(2024, 2, 10), advance: true,
			kinds: []plan.EventKind{plan.EventRolledBack, plan.EventAddOnsDeactivated, plan.EventLimitsReduced}, check: dropped},
		{name: "grace end deactivates add-ons", state: grace, now: ctAt(2024, 2, 25), advance: true,
			kinds: []plan.EventKind{plan.EventGraceEnded, plan.EventAddOnsDeactivated, plan.EventLimitsReduced}, check: dropped},
		{name: "cancel now deactivates add-ons", state: withAddOns, now: mid, cmd: plan.Cancel{By: ctAdmin, Now: true},
			// A monthly period: no refund (PLAN-06), and credits never.
			kinds: []plan.EventKind{plan.EventCancelledNow, plan.EventAddOnsDeactivated, plan.EventLimitsReduced, plan.EventCancellationConfirmed},
			check: dropped},
		{name: "cancel in grace deactivates add-ons", state: grace, now: ctAt(2024, 2, 12), cmd: plan.Cancel{By: ctAdmin},
			kinds: []plan.EventKind{plan.EventCancelledNow, plan.EventAddOnsDeactivated, plan.EventLimitsReduced, plan.EventCancellationConfirmed},
			check: dropped},
		{name: "a downgrade to another paid plan keeps add-ons",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				s := ctThen(t, e, ctActive(t, e, plan.Standard, plan.Monthly, t0), t0,
					append(buy, plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly})...)
				return ctThen(t, e, s, mid, plan.Renew{By: ctAdmin})
			}),
			now: ctAt(2024, 2, 10), advance: true,
			kinds: []plan.EventKind{plan.EventRenewed, plan.EventChangeApplied, plan.EventLimitsReduced},
			check: func(t *testing.T, _, after plan.Subscription, _ []plan.Event) {
				if !after.AddOns.TelephonyCredits.Equal(ctD("40")) || after.AddOns.ExtraStorageBytes != 10*plan.GB {
					t.Errorf("add-ons %+v, want kept", after.AddOns)
				}
			}},
		{name: "spend all the credits", state: withAddOns, now: mid,
			cmd: plan.UseTelephonyCredits{By: ctService, Amount: ctD("40")}, kinds: []plan.EventKind{plan.EventTelephonyUsed},
			check: func(t *testing.T, _, after plan.Subscription, _ []plan.Event) {
				if !after.AddOns.TelephonyCredits.IsZero() {
					t.Errorf("credits left %s, want 0", after.AddOns.TelephonyCredits)
				}
			}},
		{name: "overspend refused", state: withAddOns, now: mid,
			cmd: plan.UseTelephonyCredits{By: ctService, Amount: ctD("40.01")}, err: tenancy.ErrRefused, rule: "PLAN-07"},
		{name: "spend on free refused", state: free, now: mid,
			cmd: plan.UseTelephonyCredits{By: ctService, Amount: ctD("0.01")}, err: tenancy.ErrRefused, rule: "PLAN-07"},
	})
}

// --- PLAN-08 -------------------------------------------------------------

// TestPLAN08_Restrictions proves PLAN-08: the library reports exactly what is
// over a plan's limits and by how much, with the policy's access and one
// action per problem; a drop to a smaller plan announces it; nothing is ever
// deleted.
func TestPLAN08_Restrictions(t *testing.T) {
	e := ctEngine(t)
	readOnly := ctEngine(t, func(p *plan.Policy) { p.OverLimit = plan.AccessReadOnly })
	cases := []struct {
		name  string
		eng   *plan.Engine
		plan  plan.PlanID
		extra int64
		use   plan.Usage
		want  plan.Restrictions
		// mention are words each action must contain, one slice per action.
		mention [][]string
	}{
		{
			name: "basic: users, storage and features over",
			plan: plan.Basic,
			use:  plan.Usage{Users: 8, StorageBytes: 30 * plan.GB, Features: []plan.Feature{plan.FeatureAutomation, plan.FeatureTelephony, plan.FeatureCRM}},
			// Basic: 5 users, 24 GB, base features and reports.
			want: plan.Restrictions{Plan: plan.Basic, UsersOver: 3, StorageOverBytes: 6 * plan.GB,
				FeaturesOff: []plan.Feature{plan.FeatureAutomation, plan.FeatureTelephony}, Access: plan.AccessReadDelete},
			mention: [][]string{{"3", "users"}, {"6000000000", "bytes"}, {"automation"}, {"telephony"}},
		},
		{
			name: "extra storage counts toward the quota", plan: plan.Basic, extra: 2 * plan.GB,
			use:     plan.Usage{Users: 5, StorageBytes: 30 * plan.GB},
			want:    plan.Restrictions{Plan: plan.Basic, StorageOverBytes: 4 * plan.GB, Access: plan.AccessReadDelete},
			mention: [][]string{{"4000000000", "26"}},
		},
		{
			name: "enough extra storage: within", plan: plan.Basic, extra: 6 * plan.GB,
			use:  plan.Usage{Users: 5, StorageBytes: 30 * plan.GB},
			want: plan.Restrictions{Plan: plan.Basic, Access: plan.AccessReadDelete},
		},
		{
			name: "one byte over", plan: plan.Basic,
			use:     plan.Usage{StorageBytes: 24*plan.GB + 1},
			want:    plan.Restrictions{Plan: plan.Basic, StorageOverBytes: 1, Access: plan.AccessReadDelete},
			mention: [][]string{{"1 byte"}},
		},
		{
			name: "exactly at the limits: within", plan: plan.Basic,
			use:  plan.Usage{Users: 5, StorageBytes: 24 * plan.GB, Features: []plan.Feature{plan.FeatureReports, plan.FeatureCRM}},
			want: plan.Restrictions{Plan: plan.Basic, Access: plan.AccessReadDelete},
		},
		{
			name: "free: unlimited users, 5 GB", plan: plan.Free,
			use:     plan.Usage{Users: 100_000, StorageBytes: 7 * plan.GB, Features: []plan.Feature{plan.FeatureReports, plan.FeatureReports}},
			want:    plan.Restrictions{Plan: plan.Free, StorageOverBytes: 2 * plan.GB, FeaturesOff: []plan.Feature{plan.FeatureReports}, Access: plan.AccessReadDelete},
			mention: [][]string{{"2000000000"}, {"reports"}},
		},
		{
			name: "the policy's access", eng: readOnly, plan: plan.Standard,
			use:     plan.Usage{Users: 51},
			want:    plan.Restrictions{Plan: plan.Standard, UsersOver: 1, Access: plan.AccessReadOnly},
			mention: [][]string{{"1 of 51"}},
		},
		{
			// No storage quota plus add-on can overflow into a false overage.
			name: "the largest extra storage", plan: plan.Basic, extra: math.MaxInt64,
			use:  plan.Usage{Users: 1, StorageBytes: math.MaxInt64},
			want: plan.Restrictions{Plan: plan.Basic, Access: plan.AccessReadDelete},
		},
		{
			name: "the largest usage", plan: plan.Basic, extra: plan.GB,
			use:     plan.Usage{StorageBytes: math.MaxInt64},
			want:    plan.Restrictions{Plan: plan.Basic, StorageOverBytes: math.MaxInt64 - 25*plan.GB, Access: plan.AccessReadDelete},
			mention: [][]string{{"9223372011854775807"}},
		},
		{
			name: "enterprise: everything within", plan: plan.Enterprise,
			use:  plan.Usage{Users: 250, StorageBytes: 3000 * plan.GB, Features: []plan.Feature{plan.FeatureNetworkHead, plan.FeatureWorkflows}},
			want: plan.Restrictions{Plan: plan.Enterprise, Access: plan.AccessReadDelete},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eng := c.eng
			if eng == nil {
				eng = e
			}
			got, err := eng.Restrictions(c.plan, c.extra, c.use)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got, cmpopts.IgnoreFields(plan.Restrictions{}, "Actions"), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			within := c.want.UsersOver == 0 && c.want.StorageOverBytes == 0 && len(c.want.FeaturesOff) == 0
			if got.Within() != within {
				t.Errorf("Within() = %v, want %v", got.Within(), within)
			}
			if len(got.Actions) != len(c.mention) {
				t.Fatalf("actions %q, want one per problem (%d)", got.Actions, len(c.mention))
			}
			for i, words := range c.mention {
				for _, w := range words {
					if !strings.Contains(got.Actions[i], w) {
						t.Errorf("action %q does not mention %q", got.Actions[i], w)
					}
				}
			}
		})
	}

	t.Run("refusals", func(t *testing.T) {
		_, err := e.Restrictions("gold", 0, plan.Usage{})
		ctWantRefusal(t, err, plan.ErrUnknownPlan, "PLAN-01")
		_, err = e.Restrictions(plan.Basic, 0, plan.Usage{Users: -1})
		ctWantRefusal(t, err, tenancy.ErrInvalid, "PLAN-08")
		_, err = e.Restrictions(plan.Basic, -1, plan.Usage{})
		ctWantRefusal(t, err, tenancy.ErrInvalid, "PLAN-08")
	})

	t.Run("a drop to smaller limits is announced", func(t *testing.T) {
		t0 := ctAt(2024, 1, 10)
		drops := []struct {
			from, to plan.PlanID
			reduced  bool
		}{
			{plan.Professional, plan.Standard, true}, // 100 → 50 users, workflows lost
			{plan.Enterprise, plan.Professional, true},
			{plan.Basic, plan.Free, true},    // 24 → 5 GB, reports lost
			{plan.Standard, plan.Free, true}, // more users on free, but less storage
		}
		for _, d := range drops {
			// A move to the free plan is a cancellation (PLAN-04).
			s := ctThen(t, e, ctActive(t, e, d.from, plan.Monthly, t0), t0,
				plan.ChangePlan{By: ctAdmin, Plan: d.to, Period: plan.Monthly})
			_, evs := ctAdvance(t, e, s, s.End)
			ev := ctFind(t, evs, plan.EventLimitsReduced)
			if ev.From != d.from || ev.Plan != d.to || ev.Rule != "PLAN-08" || !ev.At.Equal(s.End) {
				t.Errorf("%s → %s: limits-reduced %v from %s", d.from, d.to, ev, ev.From)
			}
		}
		// An upgrade loses nothing: no limits-reduced.
		s := ctActive(t, e, plan.Basic, plan.Monthly, t0)
		_, evs := ctDo(t, e, s, t0, plan.ChangePlan{By: ctAdmin, Plan: plan.Standard, Period: plan.Monthly})
		for _, ev := range evs {
			if ev.Kind == plan.EventLimitsReduced {
				t.Errorf("an upgrade reported %v", ev)
			}
		}
	})

	t.Run("no event deletes data", func(t *testing.T) {
		n := 0
		for k := plan.EventKind(1); !strings.HasPrefix(k.String(), "EventKind("); k++ {
			n++
			if strings.Contains(k.String(), "delet") || strings.Contains(k.String(), "purge") {
				t.Errorf("event kind %s deletes data", k)
			}
		}
		if n < 20 {
			t.Errorf("only %d event kinds found", n)
		}
	})
}

// --- PLAN-09 -------------------------------------------------------------

// TestPLAN09_Impact proves PLAN-09: before a downgrade or cancellation the
// library lists exactly what will be lost, and nothing changes.
func TestPLAN09_Impact(t *testing.T) {
	e := ctEngine(t)
	t0 := ctAt(2024, 1, 10)
	s := ctThen(t, e, ctActive(t, e, plan.Professional, plan.Monthly, t0), t0,
		plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("25")},
		plan.BuyExtraStorage{By: ctAdmin, Bytes: 50 * plan.GB, Price: ctD("20")})
	use := plan.Usage{Users: 20, StorageBytes: 60 * plan.GB, Features: []plan.Feature{plan.FeatureWorkflows, plan.FeatureCRM}}
	end := ctAt(2024, 2, 10)
	cases := []struct {
		name string
		to   plan.PlanID
		want plan.Impact
	}{
		{
			// Basic keeps the 50 GB add-on: 24 + 50 = 74 GB holds the 60 GB.
			name: "downgrade professional to basic", to: plan.Basic,
			want: plan.Impact{From: plan.Professional, To: plan.Basic, EffectiveAt: end,
				LostFeatures: []plan.Feature{plan.FeatureAutomation, plan.FeatureTelephony, plan.FeatureWorkflows},
				Over: plan.Restrictions{Plan: plan.Basic, UsersOver: 15,
					FeaturesOff: []plan.Feature{plan.FeatureWorkflows}, Access: plan.AccessReadDelete},
				CreditsForfeited: decimal.Zero},
		},
		{
			// Free: unlimited users, 5 GB and no add-on: 55 GB over.
			name: "cancellation", to: plan.Free,
			want: plan.Impact{From: plan.Professional, To: plan.Free, EffectiveAt: end,
				LostFeatures: []plan.Feature{plan.FeatureReports, plan.FeatureAutomation, plan.FeatureTelephony, plan.FeatureWorkflows},
				Over: plan.Restrictions{Plan: plan.Free, StorageOverBytes: 55 * plan.GB,
					FeaturesOff: []plan.Feature{plan.FeatureWorkflows}, Access: plan.AccessReadDelete},
				AddOnsDeactivated: plan.AddOns{TelephonyCredits: ctD("25"), ExtraStorageBytes: 50 * plan.GB},
				CreditsForfeited:  ctD("25"),
				SupportLost:       true},
		},
		{
			name: "downgrade to standard loses only workflows", to: plan.Standard,
			want: plan.Impact{From: plan.Professional, To: plan.Standard, EffectiveAt: end,
				LostFeatures:     []plan.Feature{plan.FeatureWorkflows},
				Over:             plan.Restrictions{Plan: plan.Standard, FeaturesOff: []plan.Feature{plan.FeatureWorkflows}, Access: plan.AccessReadDelete},
				CreditsForfeited: decimal.Zero},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			snap := ctJSON(t, s)
			got, err := e.Impact(s, c.to, use)
			if err != nil {
				t.Fatal(err)
			}
			if ctJSON(t, s) != snap {
				t.Errorf("Impact changed the subscription")
			}
			if d := cmp.Diff(c.want, got, cmpopts.IgnoreFields(plan.Restrictions{}, "Actions"), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			problems := 0
			if c.want.Over.UsersOver > 0 {
				problems++
			}
			if c.want.Over.StorageOverBytes > 0 {
				problems++
			}
			problems += len(c.want.Over.FeaturesOff)
			if len(got.Over.Actions) != problems {
				t.Errorf("actions %q, want %d", got.Over.Actions, problems)
			}
			// The preview agrees with what the change does at the period's
			// end.
			after, _ := ctDo(t, e, s, t0, plan.ChangePlan{By: ctAdmin, Plan: c.to, Period: plan.Monthly})
			after, evs := ctAdvance(t, e, after, got.EffectiveAt)
			if after.Plan != c.to || !after.Updated.Equal(got.EffectiveAt) {
				t.Errorf("at %v the plan is %s, want %s", got.EffectiveAt, after.Plan, c.to)
			}
			if c.to == plan.Free {
				ev := ctFind(t, evs, plan.EventAddOnsDeactivated)
				if !ev.Amount.Equal(got.CreditsForfeited) || ev.Bytes != got.AddOnsDeactivated.ExtraStorageBytes {
					t.Errorf("the drop forfeits %s and %d bytes; Impact said %s and %d", ev.Amount, ev.Bytes, got.CreditsForfeited, got.AddOnsDeactivated.ExtraStorageBytes)
				}
			}
			if support := e.Entitlements(after).Support; (support != plan.SupportSpecialists) != got.SupportLost {
				t.Errorf("support after the change is %v; Impact said lost=%v", support, got.SupportLost)
			}
		})
	}
	t.Run("unknown target", func(t *testing.T) {
		_, err := e.Impact(s, "platinum", use)
		ctWantRefusal(t, err, plan.ErrUnknownPlan, "PLAN-01")
	})
}

// --- PLAN-10 -------------------------------------------------------------

// TestPLAN10_TrialOnce proves PLAN-10: a trial lasts the policy's days, once
// per account, ends on free with no grace; NET-06 grants one more trial to a
// branch.
func TestPLAN10_TrialOnce(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	t0 := ctAt(2024, 1, 10)
	later := ctAt(2024, 3, 1)
	free := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctFree(e, t0) })
	trial := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin})
	})
	// afterTrial: the trial ran out (on 25 Jan), the account is free again.
	afterTrial := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		s, _ := ctAdvance(t, e, ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin}), ctAt(2024, 2, 1))
		return s
	})
	afterBoth := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		s, _ := ctAdvance(t, e, ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin}), ctAt(2024, 2, 1))
		s = ctThen(t, e, s, ctAt(2024, 2, 1), plan.StartTrial{By: ctAdmin, Network: true})
		s, _ = ctAdvance(t, e, s, ctAt(2024, 2, 20))
		return s
	})
	trialEvent := func(rule tenancy.RuleID, start, end time.Time) func(*testing.T, plan.Subscription, plan.Subscription, []plan.Event) {
		return func(t *testing.T, _, after plan.Subscription, evs []plan.Event) {
			want := plan.Event{Kind: plan.EventTrialStarted, Rule: rule, Account: ctAccount, At: start, Plan: plan.Trial, Until: end}
			if d := cmp.Diff(want, evs[0], ctNoSeq); d != "" {
				t.Errorf("event (-want +got):\n%s", d)
			}
			if after.Status != plan.StatusTrial || after.Plan != plan.Trial || !after.End.Equal(end) {
				t.Errorf("after: %s %s until %v, want trial until %v", after.Status, after.Plan, after.End, end)
			}
		}
	}
	ctRun(t, []ctCase{
		{name: "a trial lasts 15 days", state: free, now: t0, cmd: plan.StartTrial{By: ctAdmin},
			kinds: []plan.EventKind{plan.EventTrialStarted}, check: func(t *testing.T, b, a plan.Subscription, evs []plan.Event) {
				trialEvent("PLAN-10", t0, ctAt(2024, 1, 25))(t, b, a, evs)
				if !a.TrialUsed || a.NetworkTrialUsed {
					t.Errorf("TrialUsed %v NetworkTrialUsed %v, want true false", a.TrialUsed, a.NetworkTrialUsed)
				}
			}},
		{name: "15 calendar days across a DST change",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return tNew(t, e, ctAccount, berlin, time.Date(2024, 3, 20, 10, 0, 0, 0, berlin))
			}),
			// Berlin moves to summer time on 31 March: the trial is 359 hours.
			now: time.Date(2024, 3, 20, 10, 0, 0, 0, berlin), cmd: plan.StartTrial{By: ctAdmin},
			kinds: []plan.EventKind{plan.EventTrialStarted},
			check: trialEvent("PLAN-10", time.Date(2024, 3, 20, 10, 0, 0, 0, berlin), time.Date(2024, 4, 4, 10, 0, 0, 0, berlin))},
		{name: "the policy's length", eng: ctEngine(t, func(p *plan.Policy) { p.TrialDays = 30 }),
			state: free, now: t0, cmd: plan.StartTrial{By: ctAdmin},
			check: trialEvent("PLAN-10", t0, ctAt(2024, 2, 9))},
		{name: "the trial ends on free with no grace", state: trial, now: ctAt(2024, 1, 25), advance: true,
			kinds: []plan.EventKind{plan.EventTrialEnded, plan.EventLimitsReduced},
			check: func(t *testing.T, _, after plan.Subscription, evs []plan.Event) {
				if after.Status != plan.StatusFree || after.Plan != plan.Free || !after.GraceEnd.IsZero() {
					t.Errorf("after: %s %s grace %v, want free without grace", after.Status, after.Plan, after.GraceEnd)
				}
				if !after.TrialUsed {
					t.Errorf("the trial is forgotten")
				}
			}},
		{name: "a trial still runs the day before it ends", state: trial, now: ctAt(2024, 1, 24), advance: true,
			kinds: []plan.EventKind{}},
		{name: "second trial refused", state: afterTrial, now: later, cmd: plan.StartTrial{By: ctAdmin},
			err: plan.ErrTrialUsed, rule: "PLAN-10"},
		{name: "a trial from a trial refused", state: trial, now: ctAt(2024, 1, 12), cmd: plan.StartTrial{By: ctAdmin},
			err: plan.ErrStatus, rule: "PLAN-10"},
		{name: "a trial from a paid plan refused",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Monthly, t0)
			}),
			now: ctAt(2024, 1, 12), cmd: plan.StartTrial{By: ctAdmin}, err: plan.ErrStatus, rule: "PLAN-10"},
		{name: "NET-06: a network trial after the ordinary one", state: afterTrial, now: later,
			cmd: plan.StartTrial{By: ctAdmin, Network: true}, kinds: []plan.EventKind{plan.EventTrialStarted},
			check: func(t *testing.T, b, a plan.Subscription, evs []plan.Event) {
				trialEvent("NET-06", later, ctAt(2024, 3, 16))(t, b, a, evs)
				if !a.TrialUsed || !a.NetworkTrialUsed {
					t.Errorf("TrialUsed %v NetworkTrialUsed %v, want both", a.TrialUsed, a.NetworkTrialUsed)
				}
			}},
		{name: "NET-06: a second network trial refused", state: afterBoth, now: later,
			cmd: plan.StartTrial{By: ctAdmin, Network: true}, err: plan.ErrTrialUsed, rule: "NET-06"},
		{name: "NET-06: no ordinary trial after both", state: afterBoth, now: later,
			cmd: plan.StartTrial{By: ctAdmin}, err: plan.ErrTrialUsed, rule: "PLAN-10"},
		{name: "a purchase during the trial ends it", state: trial, now: ctAt(2024, 1, 12),
			cmd:   plan.Purchase{By: ctAdmin, Plan: plan.Standard, Period: plan.Monthly},
			kinds: []plan.EventKind{plan.EventPurchased},
			check: func(t *testing.T, _, after plan.Subscription, evs []plan.Event) {
				if after.Status != plan.StatusActive || !after.End.Equal(ctAt(2024, 2, 12)) || evs[0].From != plan.Trial {
					t.Errorf("after: %s until %v; event from %s", after.Status, after.End, evs[0].From)
				}
			}},
		{name: "negative length refused", state: free, now: t0, cmd: plan.StartTrial{By: ctAdmin, Days: -1},
			err: tenancy.ErrInvalid, rule: "PLAN-10"},
	})
}

// --- PLAN-11 -------------------------------------------------------------

// TestPLAN11_Support proves PLAN-11: specialist support comes with commercial
// plans (Enterprise included) only; free and trial get self-service.
func TestPLAN11_Support(t *testing.T) {
	e := ctEngine(t)
	t0 := ctAt(2024, 1, 10)
	cases := []struct {
		name  string
		state func(testing.TB) plan.Subscription
		want  plan.Support
	}{
		{"free", func(testing.TB) plan.Subscription { return ctFree(e, t0) }, plan.SupportSelfService},
		{"trial", func(t testing.TB) plan.Subscription {
			return ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin})
		}, plan.SupportSelfService},
		{"basic", func(t testing.TB) plan.Subscription { return ctActive(t, e, plan.Basic, plan.Monthly, t0) }, plan.SupportSpecialists},
		{"standard", func(t testing.TB) plan.Subscription { return ctActive(t, e, plan.Standard, plan.Annual, t0) }, plan.SupportSpecialists},
		{"professional", func(t testing.TB) plan.Subscription { return ctActive(t, e, plan.Professional, plan.Monthly, t0) }, plan.SupportSpecialists},
		{"enterprise", func(t testing.TB) plan.Subscription { return ctActive(t, e, plan.Enterprise, plan.Monthly, t0) }, plan.SupportSpecialists},
		{"grace keeps the plan", func(t testing.TB) plan.Subscription { return ctGrace(t, e, plan.Basic, t0) }, plan.SupportSpecialists},
		{"rolled back to free", func(t testing.TB) plan.Subscription {
			s := ctThen(t, e, ctActive(t, e, plan.Enterprise, plan.Monthly, t0), t0, plan.Cancel{By: ctAdmin})
			s, _ = ctAdvance(t, e, s, s.End)
			return s
		}, plan.SupportSelfService},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.state(t)
			got := e.Entitlements(s)
			if got.Support != c.want {
				t.Errorf("support %v, want %v", got.Support, c.want)
			}
			p, ok := e.Catalog().Plan(s.Plan)
			if !ok {
				t.Fatalf("plan %s not in the catalog", s.Plan)
			}
			if got.Plan != s.Plan || !cmp.Equal(got.Features, p.Features) || got.Limits != p.Limits {
				t.Errorf("entitlements %+v, want plan %s's features and limits", got, s.Plan)
			}
		})
	}
	if plan.SupportSpecialists.String() == plan.SupportSelfService.String() {
		t.Errorf("the support levels have the same name")
	}
}

// --- PLAN-12 -------------------------------------------------------------

// TestPLAN12_OnPremise proves PLAN-12: an on-premise licence is not
// cancelled or downgraded self-service; the refusal says to contact the
// account manager.
func TestPLAN12_OnPremise(t *testing.T) {
	base := []plan.Feature{plan.FeatureCRM}
	cat, err := plan.NewCatalog(plan.USD,
		plan.Plan{ID: plan.Free, Name: "Free", Kind: plan.KindFree, Limits: plan.Limits{Users: 12, StorageBytes: 5 * plan.GB}, Features: base},
		plan.Plan{ID: plan.Basic, Name: "Basic", Kind: plan.KindCommercial, Rank: 1,
			Limits: plan.Limits{Users: 50, StorageBytes: 100 * plan.GB}, Features: base, Prices: plan.Prices{Monthly: ctD("50"), Annual: ctD("500")}},
		plan.Plan{ID: "onprem", Name: "Enterprise on-premise", Kind: plan.KindEnterprise, Rank: 2, OnPremise: true,
			Limits: plan.Limits{Users: plan.Unlimited, StorageBytes: plan.Unlimited}, Features: base, Prices: plan.Prices{Monthly: ctD("1000"), Annual: ctD("10000")}},
	)
	if err != nil {
		t.Fatal(err)
	}
	e, err := plan.NewEngine(cat, plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	t0 := ctAt(2024, 1, 10)
	mid := ctAt(2024, 1, 20)
	onprem := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctActive(t, e, "onprem", plan.Monthly, t0)
	})
	onpremGrace := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctGrace(t, e, "onprem", t0)
	})
	manager := []string{"contact your account manager", "onprem"}
	ctRun(t, []ctCase{
		{name: "Cancel", eng: e, state: onprem, now: mid, cmd: plan.Cancel{By: ctAdmin, Reason: "budget"},
			err: plan.ErrOnPremise, rule: "PLAN-12", msg: manager},
		{name: "Cancel now", eng: e, state: onprem, now: mid, cmd: plan.Cancel{By: ctAdmin, Now: true},
			err: plan.ErrOnPremise, rule: "PLAN-12", msg: manager},
		{name: "SetAutoRenew off", eng: e, state: onprem, now: mid, cmd: plan.SetAutoRenew{By: ctAdmin},
			err: plan.ErrOnPremise, rule: "PLAN-12", msg: manager},
		{name: "ChangePlan down", eng: e, state: onprem, now: mid, cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly},
			err: plan.ErrOnPremise, rule: "PLAN-12", msg: manager},
		{name: "ChangePlan to free", eng: e, state: onprem, now: mid, cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Free, Period: plan.Monthly},
			err: plan.ErrOnPremise, rule: "PLAN-12", msg: manager},
		{name: "Cancel in grace", eng: e, state: onpremGrace, now: ctAt(2024, 2, 12), cmd: plan.Cancel{By: ctAdmin},
			err: plan.ErrOnPremise, rule: "PLAN-12", msg: manager},
		{name: "ChangePlan down in grace", eng: e, state: onpremGrace, now: ctAt(2024, 2, 12),
			cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly},
			err: plan.ErrOnPremise, rule: "PLAN-12", msg: manager},
		// Not a cancellation or a downgrade: allowed.
		{name: "a longer period is allowed", eng: e, state: onprem, now: mid,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: "onprem", Period: plan.Annual}, kinds: []plan.EventKind{plan.EventUpgraded}},
		// A cloud plan of the same catalog is cancelled as usual.
		{name: "a cloud plan is cancelled", eng: e,
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Monthly, t0)
			}),
			now: mid, cmd: plan.Cancel{By: ctAdmin},
			kinds: []plan.EventKind{plan.EventCancellationScheduled, plan.EventCancellationConfirmed}},
	})
}

// --- PLAN-13 -------------------------------------------------------------

// TestPLAN13_CancellationReasonOfferConfirmation proves PLAN-13: the reason
// for leaving is recorded, the policy's hook may make a retention offer, and
// the owner gets a confirmation.
func TestPLAN13_CancellationReasonOfferConfirmation(t *testing.T) {
	t0 := ctAt(2024, 1, 10)
	mid := ctAt(2024, 1, 20)
	const reason = "too expensive"
	// The hook's offer describes what it was given, so the test sees that it
	// got the subscription as the cancellation leaves it and the reason.
	offering := ctEngine(t, func(p *plan.Policy) {
		p.Offer = func(s plan.Subscription, r string) (string, bool) {
			return fmt.Sprintf("%s/%s/pending %s/%q: 20%% off", s.Plan, s.Status, s.Pending.Kind, r), true
		}
	})
	declining := ctEngine(t, func(p *plan.Policy) {
		p.Offer = func(plan.Subscription, string) (string, bool) { return "never shown", false }
	})
	std := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctActive(t, e, plan.Standard, plan.Monthly, t0)
	})
	notes := func(want ...string) func(*testing.T, plan.Subscription, plan.Subscription, []plan.Event) {
		return func(t *testing.T, _, _ plan.Subscription, evs []plan.Event) {
			var got []string
			for _, ev := range evs {
				switch ev.Kind {
				case plan.EventCancellationScheduled, plan.EventRetentionOffered, plan.EventCancellationConfirmed:
					got = append(got, ev.Note)
					if ev.Kind != plan.EventCancellationScheduled && ev.Rule != "PLAN-13" {
						t.Errorf("%v names rule %s", ev.Kind, ev.Rule)
					}
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("notes (-want +got):\n%s", d)
			}
		}
	}
	ctRun(t, []ctCase{
		{name: "reason recorded and confirmed", state: std, now: mid, cmd: plan.Cancel{By: ctAdmin, Reason: reason},
			kinds: []plan.EventKind{plan.EventCancellationScheduled, plan.EventCancellationConfirmed},
			check: func(t *testing.T, b, a plan.Subscription, evs []plan.Event) {
				notes(reason, reason)(t, b, a, evs)
				want := plan.Change{Kind: plan.ChangeCancel, Since: mid, Reason: reason}
				if d := cmp.Diff(want, a.Pending); d != "" {
					t.Errorf("pending (-want +got):\n%s", d)
				}
			}},
		{name: "no reason given", state: std, now: mid, cmd: plan.Cancel{By: ctAdmin},
			kinds: []plan.EventKind{plan.EventCancellationScheduled, plan.EventCancellationConfirmed},
			check: notes("", "")},
		{name: "the hook's offer", eng: offering, state: std, now: mid, cmd: plan.Cancel{By: ctAdmin, Reason: reason},
			kinds: []plan.EventKind{plan.EventCancellationScheduled, plan.EventRetentionOffered, plan.EventCancellationConfirmed},
			check: notes(reason, `standard/active/pending cancel/"too expensive": 20% off`, reason)},
		{name: "the hook on a cancellation now", eng: offering, state: std, now: mid, cmd: plan.Cancel{By: ctAdmin, Reason: reason, Now: true},
			kinds: []plan.EventKind{plan.EventCancelledNow, plan.EventLimitsReduced, plan.EventRetentionOffered, plan.EventCancellationConfirmed},
			check: notes(`free/free/pending none/"too expensive": 20% off`, reason)},
		{name: "the hook declines", eng: declining, state: std, now: mid, cmd: plan.Cancel{By: ctAdmin, Reason: reason},
			kinds: []plan.EventKind{plan.EventCancellationScheduled, plan.EventCancellationConfirmed},
			check: notes(reason, reason)},
		{name: "cancelled in grace: confirmed", state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
			return ctGrace(t, e, plan.Standard, t0)
		}), now: ctAt(2024, 2, 12), cmd: plan.Cancel{By: ctAdmin, Reason: reason},
			kinds: []plan.EventKind{plan.EventCancelledNow, plan.EventLimitsReduced, plan.EventCancellationConfirmed},
			check: func(t *testing.T, _, _ plan.Subscription, evs []plan.Event) {
				if ev := ctFind(t, evs, plan.EventCancellationConfirmed); ev.Note != reason {
					t.Errorf("confirmation note %q, want %q", ev.Note, reason)
				}
			}},
	})
}

// --- PLAN-14 -------------------------------------------------------------

// TestPLAN14_Grace proves PLAN-14: an unpaid period is kept for the grace
// days; paying exactly the amount due makes it active again on the same
// anchor; a failed charge does not move the deadline; after grace the
// account is on free.
func TestPLAN14_Grace(t *testing.T) {
	t0 := ctAt(2024, 1, 10)
	pay := ctAt(2024, 2, 12)
	grace := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctGrace(t, e, plan.Basic, t0) })
	ctRun(t, []ctCase{
		{name: "the period ends unpaid", eng: nil,
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Monthly, t0)
			}),
			now: ctAt(2024, 2, 10), advance: true, kinds: []plan.EventKind{plan.EventGraceStarted},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				if after.Status != plan.StatusGrace || after.Plan != plan.Basic || !after.Due.Equal(ctD("61")) ||
					!after.GraceEnd.Equal(ctAt(2024, 2, 25)) || !after.Start.Equal(ctAt(2024, 2, 10)) || !after.End.Equal(ctAt(2024, 3, 10)) {
					t.Errorf("after: %s %s due %s grace to %v, period %v to %v", after.Status, after.Plan, after.Due, after.GraceEnd, after.Start, after.End)
				}
				if ev := evs[0]; !ev.Amount.Equal(ctD("61")) || !ev.Until.Equal(ctAt(2024, 2, 25)) {
					t.Errorf("grace-started %v", ev)
				}
			}},
		{name: "the exact amount returns to active", state: grace, now: pay,
			cmd: plan.RecordPayment{By: ctService, Amount: ctD("61.00")}, kinds: []plan.EventKind{plan.EventPaymentReceived},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				want := before
				want.Status, want.Paid, want.Due, want.GraceEnd, want.Updated = plan.StatusActive, ctD("61"), decimal.Zero, time.Time{}, pay
				if d := cmp.Diff(want, after, ctNoSeq); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
				if !after.End.Equal(ctAt(2024, 3, 10)) || after.AnchorDay != 10 {
					t.Errorf("period ends %v anchored %d, want 10 March on the 10th", after.End, after.AnchorDay)
				}
				if ev := evs[0]; !ev.Amount.Equal(ctD("61")) || !ev.Until.Equal(ctAt(2024, 3, 10)) {
					t.Errorf("payment-received %v", ev)
				}
			}},
		{name: "the 31st anchor is kept through grace",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctGrace(t, e, plan.Basic, ctAt(2024, 1, 31))
			}),
			now: ctAt(2024, 3, 2), cmd: plan.RecordPayment{By: ctService, Amount: ctD("61")},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				// 31 Jan → 29 Feb (leap year) → 31 Mar.
				if !after.Start.Equal(ctAt(2024, 2, 29)) || !after.End.Equal(ctAt(2024, 3, 31)) {
					t.Errorf("period %v to %v, want 29 Feb to 31 Mar", after.Start, after.End)
				}
			}},
		{name: "a wrong amount refused", state: grace, now: pay,
			cmd: plan.RecordPayment{By: ctService, Amount: ctD("60")}, err: tenancy.ErrInvalid, rule: "PLAN-14"},
		{name: "too much refused", state: grace, now: pay,
			cmd: plan.RecordPayment{By: ctService, Amount: ctD("61.01")}, err: tenancy.ErrInvalid, rule: "PLAN-14"},
		{name: "a failed charge keeps the deadline", state: grace, now: pay,
			cmd: plan.RecordPaymentFailure{By: ctService, Reason: "card declined"}, kinds: []plan.EventKind{plan.EventPaymentFailed},
			check: func(t *testing.T, before, after plan.Subscription, evs []plan.Event) {
				want := before
				want.Updated = pay
				if d := cmp.Diff(want, after, ctNoSeq); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
				wantEv := plan.Event{Kind: plan.EventPaymentFailed, Rule: "PLAN-14", Account: ctAccount, At: pay, Plan: plan.Basic,
					Amount: ctD("61"), Until: ctAt(2024, 2, 25), Note: "card declined"}
				if d := cmp.Diff(wantEv, evs[0], ctNoSeq); d != "" {
					t.Errorf("event (-want +got):\n%s", d)
				}
			}},
		{name: "grace runs out: free", state: grace, now: ctAt(2024, 2, 25), advance: true,
			kinds: []plan.EventKind{plan.EventGraceEnded, plan.EventLimitsReduced},
			check: func(t *testing.T, _, after plan.Subscription, _ []plan.Event) {
				if after.Status != plan.StatusFree || !after.Due.IsZero() {
					t.Errorf("after: %s due %s", after.Status, after.Due)
				}
			}},
		{name: "grace still runs the second before", state: grace, now: ctAt(2024, 2, 25).Add(-time.Second), advance: true,
			kinds: []plan.EventKind{}},
		{name: "the policy's grace days", eng: ctEngine(t, func(p *plan.Policy) { p.GraceDays = 3 }),
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Monthly, t0)
			}),
			now: ctAt(2024, 2, 10), advance: true,
			check: func(t *testing.T, _, after plan.Subscription, _ []plan.Event) {
				if !after.GraceEnd.Equal(ctAt(2024, 2, 13)) {
					t.Errorf("grace ends %v, want 13 Feb", after.GraceEnd)
				}
			}},
		{name: "payment while active refused",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Monthly, t0)
			}),
			now: ctAt(2024, 1, 20), cmd: plan.RecordPayment{By: ctService, Amount: ctD("61")}, err: plan.ErrStatus, rule: "PLAN-14"},
		{name: "payment on free refused",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctFree(e, t0) }),
			now:   pay, cmd: plan.RecordPayment{By: ctService, Amount: ctD("61")}, err: plan.ErrStatus, rule: "PLAN-14"},
		{name: "payment after grace ran out refused", state: grace, now: ctAt(2024, 2, 26),
			cmd: plan.RecordPayment{By: ctService, Amount: ctD("61")}, err: plan.ErrStatus, rule: "PLAN-14"},
		{name: "failure while active refused",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
				return ctActive(t, e, plan.Basic, plan.Monthly, t0)
			}),
			now: ctAt(2024, 1, 20), cmd: plan.RecordPaymentFailure{By: ctService}, err: plan.ErrStatus, rule: "PLAN-14"},
		{name: "no downgrade of an unpaid period",
			state: ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctGrace(t, e, plan.Professional, t0) }),
			now:   pay, cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly}, err: plan.ErrStatus, rule: "PLAN-14"},
		{name: "an upgrade from grace credits nothing", state: grace, now: pay,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Annual}, kinds: []plan.EventKind{plan.EventUpgraded},
			// The period in grace was not paid: nothing to credit.
			check: func(t *testing.T, _, after plan.Subscription, evs []plan.Event) {
				if !evs[0].Amount.Equal(ctD("585.6")) || !evs[0].Credit.IsZero() || !after.Due.IsZero() {
					t.Errorf("charged %s credit %s due %s, want 585.60, 0, 0", evs[0].Amount, evs[0].Credit, after.Due)
				}
			}},
	})
}

// --- Malformed input -----------------------------------------------------

// TestBadInput_Refused proves that malformed commands and times are refused
// with the right sentinel and change nothing (PLAN-01 unknown plans, PLAN-05
// periods, PLAN-07 and PLAN-14 amounts).
func TestBadInput_Refused(t *testing.T) {
	t0 := ctAt(2024, 1, 10)
	free := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctFree(e, t0) })
	active := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription {
		return ctThen(t, e, ctActive(t, e, plan.Basic, plan.Monthly, t0), t0, plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("10")})
	})
	grace := ctStateAt(func(t testing.TB, e *plan.Engine) plan.Subscription { return ctGrace(t, e, plan.Basic, t0) })
	before := t0.Add(-time.Nanosecond)
	mid := ctAt(2024, 1, 20)
	pay := ctAt(2024, 2, 12)
	cases := []ctCase{
		{name: "Apply earlier than the last change", state: active, now: before,
			cmd: plan.Cancel{By: ctAdmin}, err: tenancy.ErrTimeWentBack, rule: ""},
		{name: "Apply of a service command earlier than the last change", state: active, now: before,
			cmd: plan.UseTelephonyCredits{By: ctService, Amount: ctD("1")}, err: tenancy.ErrTimeWentBack, rule: ""},
		{name: "Advance earlier than the last change", state: active, now: before, advance: true,
			err: tenancy.ErrTimeWentBack, rule: ""},
		{name: "Advance of a free account earlier than its creation", state: free, now: before, advance: true,
			err: tenancy.ErrTimeWentBack, rule: ""},
		{name: "nil command", state: active, now: mid, cmd: nil, err: tenancy.ErrInvalid, rule: ""},
		{name: "purchase of an unknown plan", state: free, now: mid,
			cmd: plan.Purchase{By: ctAdmin, Plan: "gold", Period: plan.Monthly}, err: plan.ErrUnknownPlan, rule: "PLAN-01", msg: []string{"gold"}},
		{name: "change to an unknown plan", state: active, now: mid,
			cmd: plan.ChangePlan{By: ctAdmin, Plan: "gold", Period: plan.Monthly}, err: plan.ErrUnknownPlan, rule: "PLAN-01"},
		{name: "purchase of the free plan", state: free, now: mid,
			cmd: plan.Purchase{By: ctAdmin, Plan: plan.Free, Period: plan.Monthly}, err: tenancy.ErrInvalid, rule: "PLAN-01"},
		{name: "purchase of the trial plan", state: free, now: mid,
			cmd: plan.Purchase{By: ctAdmin, Plan: plan.Trial, Period: plan.Monthly}, err: tenancy.ErrInvalid, rule: "PLAN-01"},
		{name: "purchase without a period", state: free, now: mid,
			cmd: plan.Purchase{By: ctAdmin, Plan: plan.Basic}, err: tenancy.ErrInvalid, rule: "PLAN-05"},
		{name: "purchase of an unknown period", state: free, now: mid,
			cmd: plan.Purchase{By: ctAdmin, Plan: plan.Basic, Period: 3}, err: tenancy.ErrInvalid, rule: "PLAN-05"},
		{name: "purchase while paying", state: active, now: mid,
			cmd: plan.Purchase{By: ctAdmin, Plan: plan.Enterprise, Period: plan.Monthly}, err: plan.ErrStatus, rule: "PLAN-03"},
	}
	amounts := []struct {
		name string
		d    string
	}{{"negative", "-1"}, {"zero", "0"}, {"sub-cent", "0.001"}, {"negative sub-cent", "-0.005"}}
	for _, a := range amounts {
		d := ctD(a.d)
		cases = append(cases,
			ctCase{name: "RecordPayment " + a.name, state: grace, now: pay,
				cmd: plan.RecordPayment{By: ctService, Amount: d}, err: tenancy.ErrInvalid, rule: "PLAN-14"},
			ctCase{name: "BuyTelephonyCredits " + a.name, state: active, now: mid,
				cmd: plan.BuyTelephonyCredits{By: ctAdmin, Amount: d}, err: tenancy.ErrInvalid, rule: "PLAN-07"},
			ctCase{name: "UseTelephonyCredits " + a.name, state: active, now: mid,
				cmd: plan.UseTelephonyCredits{By: ctService, Amount: d}, err: tenancy.ErrInvalid, rule: "PLAN-07"},
		)
		if d.IsNegative() || !d.Equal(d.Truncate(2)) {
			cases = append(cases, ctCase{name: "BuyExtraStorage price " + a.name, state: active, now: mid,
				cmd: plan.BuyExtraStorage{By: ctAdmin, Bytes: plan.GB, Price: d}, err: tenancy.ErrInvalid, rule: "PLAN-07"})
		}
	}
	for _, n := range []int64{0, -1} {
		cases = append(cases, ctCase{name: fmt.Sprintf("BuyExtraStorage of %d bytes", n), state: active, now: mid,
			cmd: plan.BuyExtraStorage{By: ctAdmin, Bytes: n, Price: ctD("1")}, err: tenancy.ErrInvalid, rule: "PLAN-07"})
	}
	// A free add-on (price zero) is not malformed.
	cases = append(cases, ctCase{name: "BuyExtraStorage for nothing", state: active, now: mid,
		cmd: plan.BuyExtraStorage{By: ctAdmin, Bytes: plan.GB, Price: decimal.Zero}, kinds: []plan.EventKind{plan.EventAddOnBought}})
	ctRun(t, cases)

	t.Run("unknown plans match ErrNotFound", func(t *testing.T) {
		e := ctEngine(t)
		_, _, err := e.Apply(ctFree(e, t0), mid, plan.Purchase{By: ctAdmin, Plan: "gold", Period: plan.Monthly})
		if !errors.Is(err, plan.ErrUnknownPlan) || !errors.Is(err, tenancy.ErrNotFound) {
			t.Errorf("error %v matches ErrUnknownPlan %v, ErrNotFound %v; want both", err,
				errors.Is(err, plan.ErrUnknownPlan), errors.Is(err, tenancy.ErrNotFound))
		}
		_, err = e.Impact(ctFree(e, t0), "gold", plan.Usage{})
		if !errors.Is(err, tenancy.ErrNotFound) {
			t.Errorf("Impact: %v, want ErrNotFound", err)
		}
	})
	t.Run("QuoteRefund earlier than the last change", func(t *testing.T) {
		e := ctEngine(t)
		_, err := e.QuoteRefund(ctActive(t, e, plan.Basic, plan.Annual, t0), before)
		ctWantRefusal(t, err, tenancy.ErrTimeWentBack, "")
	})
	t.Run("time went back leaves dst as it was", func(t *testing.T) {
		e := ctEngine(t)
		s := ctActive(t, e, plan.Basic, plan.Monthly, t0)
		dst := make([]plan.Event, 1, 4)
		_, got, err := e.Advance(s, before, dst)
		if !errors.Is(err, tenancy.ErrTimeWentBack) || len(got) != 1 {
			t.Errorf("err %v, %d events; want ErrTimeWentBack and the one event given", err, len(got))
		}
	})
}
