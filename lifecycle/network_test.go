package lifecycle_test

// Tests of the network rules as one account keeps them: NET-04 (the
// membership it records, repeated deliveries harmless) and NET-10 (a
// head's plan does not change while branches are connected), with the
// NET-09 exception of a head going back to Enterprise. The dates follow the
// default account of rules_test.go: created on 2 March 2026 at 09:00 UTC.

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// TestNET04_MembershipIsIdempotent proves NET-04 as the account records it:
// it is in at most one network; joining the network it is in again, or
// leaving one it is not in, changes nothing and announces nothing, so
// that a repeated delivery of a network's effect is harmless; only the
// service records memberships.
func TestNET04_MembershipIsIdempotent(t *testing.T) {
	e := lrEngine(t)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	// same compares two accounts but for the time of the last change, which
	// every accepted command moves.
	same := func(t *testing.T, what string, want, got lifecycle.Account) {
		t.Helper()
		if d := cmp.Diff(want, got, cmpopts.IgnoreFields(lifecycle.Account{}, "Updated")); d != "" {
			t.Errorf("%s changed the account (-before +after):\n%s", what, d)
		}
	}

	a, effs := lrApply(t, e, lrWithBob(t, e), now, lifecycle.JoinNetwork{By: lrService, Head: "hq"})
	want := []lifecycle.Effect{{Kind: lifecycle.EffectJoinedNetwork, Rule: "NET-04", Account: lrID, At: now, Network: "hq"}}
	if d := cmp.Diff(want, effs, cmpopts.IgnoreFields(lifecycle.Effect{}, "Seq")); d != "" {
		t.Errorf("join (-want +got):\n%s", d)
	}
	if a.Network != "hq" || !a.EverInNetwork {
		t.Fatalf("network %q (ever %v), want hq", a.Network, a.EverInNetwork)
	}

	t.Run("joining the same network twice", func(t *testing.T) {
		again, effs := lrApply(t, e, a, later, lifecycle.JoinNetwork{By: lrService, Head: "hq"})
		if len(effs) != 0 || again.Seq != a.Seq {
			t.Errorf("second join: effects %v, Seq %d (was %d); want none, unchanged", effs, again.Seq, a.Seq)
		}
		same(t, "a second join", a, again)
	})

	t.Run("joining another network", func(t *testing.T) {
		lrRefused(t, e, a, later, lifecycle.JoinNetwork{By: lrService, Head: "other"}, lifecycle.ErrInNetwork, "NET-04", "hq", "disconnected first")
		lrRefused(t, e, a, later, lifecycle.JoinNetwork{By: lrService, Head: lrID}, lifecycle.ErrInNetwork, "NET-04")
	})

	t.Run("leaving another network", func(t *testing.T) {
		got, effs := lrApply(t, e, a, later, lifecycle.LeaveNetwork{By: lrService, Head: "other"})
		if len(effs) != 0 || got.Network != "hq" || got.Seq != a.Seq {
			t.Errorf("leave other: effects %v, network %q; want none, still hq", effs, got.Network)
		}
		same(t, "leaving a network it is not in", a, got)
	})

	t.Run("leaving, then leaving again", func(t *testing.T) {
		for _, head := range []tenancy.AccountID{"hq", ""} {
			left, effs := lrApply(t, e, a, later, lifecycle.LeaveNetwork{By: lrService, Head: head})
			want := []lifecycle.Effect{{Kind: lifecycle.EffectLeftNetwork, Rule: "NET-04", Account: lrID, At: later, Network: "hq", Seq: a.Seq + 1}}
			if d := cmp.Diff(want, effs); d != "" {
				t.Errorf("leave %q (-want +got):\n%s", head, d)
			}
			if left.Network != "" || !left.EverInNetwork {
				t.Errorf("after leaving: network %q, ever %v; want none, ever true", left.Network, left.EverInNetwork)
			}
			for _, again := range []tenancy.AccountID{"", "hq", "other"} {
				got, effs := lrApply(t, e, left, later.Add(time.Minute), lifecycle.LeaveNetwork{By: lrService, Head: again})
				if len(effs) != 0 || got.Seq != left.Seq {
					t.Errorf("leaving %q when in none: effects %v, Seq %d (was %d)", again, effs, got.Seq, left.Seq)
				}
				same(t, "leaving when in none", left, got)
			}
			// Out of every network, it may join another.
			_, effs = lrApply(t, e, left, later.Add(time.Minute), lifecycle.JoinNetwork{By: lrService, Head: "other"})
			lrWantKinds(t, "join after leaving", effs, lifecycle.EffectJoinedNetwork)
		}
	})

	t.Run("only the service", func(t *testing.T) {
		for _, by := range []tenancy.Actor{lrAda, lrBob} {
			lrRefused(t, e, a, later, lifecycle.JoinNetwork{By: by, Head: "hq"}, tenancy.ErrUnauthorized, "NET-04")
			lrRefused(t, e, a, later, lifecycle.LeaveNetwork{By: by, Head: "hq"}, tenancy.ErrUnauthorized, "NET-04")
		}
		lrRefused(t, e, lrWithBob(t, e), later, lifecycle.JoinNetwork{By: lrService}, tenancy.ErrInvalid, "NET-04")
	})
}

// TestNET10_HeadPlanIsLocked proves NET-10 as the account enforces it. On
// an account that heads a network (its Network is its own ID), a plain
// lifecycle.Plan that would change the plan (a plan change, a cancellation
// at once or at the period's end, auto-renewal off, and for a head that
// lapsed to free a purchase or a trial) is refused with ErrHeadLocked: the
// account alone cannot tell whether branches are connected. Payments,
// early renewals, add-ons and undoing a pending change go through.
// lifecycle.HeadPlan, given the number of connected branches, refuses
// those changes while any is connected and allows them when none is; a
// head that is not on an active Enterprise plan may go to Enterprise, by
// a change or a purchase, even with branches connected, since that
// resumes its network (NET-09).
func TestNET10_HeadPlanIsLocked(t *testing.T) {
	e := lrEngine(t)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	join := lifecycle.JoinNetwork{By: lrService, Head: lrID}
	// head returns the account acme on plan id, bought monthly at lrT0 (so
	// its period ends on 2 April 2026 at 09:00), heading its own network.
	head := func(t *testing.T, id plan.PlanID, before ...lifecycle.Command) lifecycle.Account {
		t.Helper()
		a := lrThen(t, e, lrWithBob(t, e), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: id, Period: plan.Monthly}})
		a = lrThen(t, e, a, lrT0, before...)
		a = lrThen(t, e, a, lrT0, join)
		if a.Network != a.ID {
			t.Fatalf("setup: network %q, want the account's own", a.Network)
		}
		return a
	}
	changes := map[string]plan.Command{
		"a downgrade":          plan.ChangePlan{By: lrAda, Plan: plan.Basic, Period: plan.Monthly},
		"another period":       plan.ChangePlan{By: lrAda, Plan: plan.Enterprise, Period: plan.Annual},
		"a cancellation":       plan.Cancel{By: lrAda, Reason: "moving"},
		"a cancellation now":   plan.Cancel{By: lrAda, Now: true},
		"auto-renewal off":     plan.SetAutoRenew{By: lrAda, On: false},
		"a change to the free": plan.ChangePlan{By: lrAda, Plan: plan.Free},
	}

	t.Run("a plain Plan cannot change a head's plan", func(t *testing.T) {
		a := head(t, plan.Enterprise)
		for name, cmd := range changes {
			err := lrRefused(t, e, a, now, lifecycle.Plan{Cmd: cmd}, lifecycle.ErrHeadLocked, "NET-10", "heads a branch network")
			if !errors.Is(err, tenancy.ErrRefused) {
				t.Errorf("%s: %v does not match tenancy.ErrRefused", name, err)
			}
			if !lifecycle.ChangesPlan(cmd) {
				t.Errorf("ChangesPlan(%s) = false", name)
			}
		}
		// PLAN-02 comes first: who may not issue the command hears that.
		lrRefused(t, e, a, now, lifecycle.Plan{Cmd: plan.Cancel{By: lrBob}}, tenancy.ErrUnauthorized, "PLAN-02")
	})

	t.Run("a plain Plan may still pay and buy", func(t *testing.T) {
		a := head(t, plan.Enterprise)
		_, effs := lrApply(t, e, a, now, lifecycle.Plan{Cmd: plan.BuyTelephonyCredits{By: lrAda, Amount: decimal.NewFromInt(10)}})
		lrWantKinds(t, "credits", effs, lifecycle.EffectPlan)
		// The renewal window opens on 3 March 2026 (2 April − 30 days).
		_, effs = lrApply(t, e, a, now, lifecycle.Plan{Cmd: plan.Renew{By: lrAda}})
		lrWantKinds(t, "early renewal", effs, lifecycle.EffectPlan)
		if lifecycle.ChangesPlan(plan.SetAutoRenew{By: lrAda, On: true}) || lifecycle.ChangesPlan(plan.Renew{By: lrAda}) {
			t.Errorf("ChangesPlan counts auto-renewal on or a renewal as a change")
		}

		// Unpaid on 2 April: grace (PLAN-14); the payment goes through.
		g, _ := lrAdvance(t, e, a, time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC))
		if g.Sub.Status != plan.StatusGrace {
			t.Fatalf("setup: %s, want grace", g.Sub.Status)
		}
		paid, effs := lrApply(t, e, g, g.Updated, lifecycle.Plan{Cmd: plan.RecordPayment{By: lrService, Amount: g.Sub.Due}})
		if !lrHas(effs, lifecycle.EffectPlan) || paid.Sub.Status != plan.StatusActive {
			t.Errorf("payment in grace: %s, effects %v; want active", paid.Sub.Status, effs)
		}
		lrRefused(t, e, g, g.Updated, lifecycle.Plan{Cmd: plan.Cancel{By: lrAda}}, lifecycle.ErrHeadLocked, "NET-10")

		// A change made before the account headed the network may be
		// undone: that keeps the plan.
		p := head(t, plan.Enterprise, lifecycle.Plan{Cmd: plan.ChangePlan{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}})
		undone, _ := lrApply(t, e, p, now, lifecycle.Plan{Cmd: plan.UndoChange{By: lrAda}})
		if undone.Sub.Pending.Kind != plan.NoChange {
			t.Errorf("undo left %v pending", undone.Sub.Pending)
		}
	})

	t.Run("a branch is not locked", func(t *testing.T) {
		a := lrThen(t, e, lrWithBob(t, e), lrT0,
			lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}},
			lifecycle.JoinNetwork{By: lrService, Head: "hq"})
		_, effs := lrApply(t, e, a, now, lifecycle.Plan{Cmd: plan.Cancel{By: lrAda}})
		if !lrHas(effs, lifecycle.EffectPlan) {
			t.Errorf("a branch's cancellation announced nothing: %v", effs)
		}
	})

	t.Run("HeadPlan with branches connected", func(t *testing.T) {
		a := head(t, plan.Enterprise)
		for name, cmd := range changes {
			lrRefused(t, e, a, now, lifecycle.HeadPlan{Cmd: cmd, Connected: 2}, lifecycle.ErrHeadLocked, "NET-10", "2 branches are connected", "disconnect")
			lrRefused(t, e, a, now, lifecycle.HeadPlan{Cmd: cmd, Connected: 1}, lifecycle.ErrHeadLocked, "NET-10", "1 branch is connected")
			if err := e.CheckHeadPlan(a, cmd, 2); !errors.Is(err, lifecycle.ErrHeadLocked) || tenancy.RuleOf(err) != "NET-10" {
				t.Errorf("CheckHeadPlan(%s, 2) = %v, want the NET-10 refusal", name, err)
			}
		}
		_, effs := lrApply(t, e, a, now, lifecycle.HeadPlan{Cmd: plan.BuyTelephonyCredits{By: lrAda, Amount: decimal.NewFromInt(10)}, Connected: 2})
		lrWantKinds(t, "credits", effs, lifecycle.EffectPlan)
		lrRefused(t, e, a, now, lifecycle.HeadPlan{Cmd: plan.Cancel{By: lrAda}, Connected: -1}, tenancy.ErrInvalid, "NET-10")
		lrRefused(t, e, a, now, lifecycle.HeadPlan{Cmd: plan.Cancel{By: lrBob}, Connected: 2}, tenancy.ErrUnauthorized, "PLAN-02")
		// No plan command at all is malformed, not a panic.
		lrRefused(t, e, a, now, lifecycle.HeadPlan{Connected: 2}, tenancy.ErrInvalid, "", "no plan command")
		lrRefused(t, e, a, now, lifecycle.Plan{}, tenancy.ErrInvalid, "", "no plan command")
	})

	t.Run("HeadPlan with no branch connected", func(t *testing.T) {
		a := head(t, plan.Enterprise)
		for name, cmd := range changes {
			got, effs, err := e.Apply(a, now, lifecycle.HeadPlan{Cmd: cmd, Connected: 0})
			if err != nil {
				t.Errorf("%s with no branch: %v", name, err)
				continue
			}
			if !lrHas(effs, lifecycle.EffectPlan) || e.Check(got) != nil {
				t.Errorf("%s with no branch: effects %v, check %v", name, effs, e.Check(got))
			}
			if err := e.CheckHeadPlan(a, cmd, 0); err != nil {
				t.Errorf("CheckHeadPlan(%s, 0) = %v", name, err)
			}
		}
		// On an account that heads no network HeadPlan is Plan, whatever
		// the count.
		plain := lrThen(t, e, lrWithBob(t, e), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Enterprise, Period: plan.Monthly}})
		want, wantEffs, err := e.Apply(plain, now, lifecycle.Plan{Cmd: plan.Cancel{By: lrAda}})
		if err != nil {
			t.Fatal(err)
		}
		got, effs := lrApply(t, e, plain, now, lifecycle.HeadPlan{Cmd: plan.Cancel{By: lrAda}, Connected: 3})
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("HeadPlan on a non-head differs from Plan (-plan +head plan):\n%s", d)
		}
		if d := cmp.Diff(wantEffs, effs); d != "" {
			t.Errorf("HeadPlan's effects on a non-head differ from Plan's (-plan +head plan):\n%s", d)
		}
	})

	t.Run("NET-09: back to Enterprise with branches connected", func(t *testing.T) {
		// A head on Professional upgrades to Enterprise at once.
		a := head(t, plan.Professional)
		got, effs := lrApply(t, e, a, now, lifecycle.HeadPlan{Cmd: plan.ChangePlan{By: lrAda, Plan: plan.Enterprise, Period: plan.Monthly}, Connected: 2})
		if got.Sub.Plan != plan.Enterprise || !lrHas(effs, lifecycle.EffectPlan) {
			t.Errorf("head on professional to enterprise: plan %s, effects %v", got.Sub.Plan, effs)
		}
		// But not anywhere else, and not with a plain Plan.
		lrRefused(t, e, a, now, lifecycle.HeadPlan{Cmd: plan.ChangePlan{By: lrAda, Plan: plan.Standard, Period: plan.Monthly}, Connected: 2}, lifecycle.ErrHeadLocked, "NET-10")
		lrRefused(t, e, a, now, lifecycle.Plan{Cmd: plan.ChangePlan{By: lrAda, Plan: plan.Enterprise, Period: plan.Monthly}}, lifecycle.ErrHeadLocked, "NET-10")

		// A head that lapsed to free buys Enterprise again. The trial
		// ended on 17 March 2026 (2 March + 15 days).
		lapsed := lrThen(t, e, lrWithBob(t, e), lrT0, lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}}, join)
		lapsed, _ = lrAdvance(t, e, lapsed, time.Date(2026, 3, 18, 9, 0, 0, 0, time.UTC))
		if lapsed.Sub.Status != plan.StatusFree {
			t.Fatalf("setup: %s, want free", lapsed.Sub.Status)
		}
		back, _ := lrApply(t, e, lapsed, lapsed.Updated, lifecycle.HeadPlan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Enterprise, Period: plan.Annual}, Connected: 2})
		if back.Sub.Plan != plan.Enterprise || back.Sub.Status != plan.StatusActive {
			t.Errorf("lapsed head: %s on %s, want active on enterprise", back.Sub.Status, back.Sub.Plan)
		}
	})

	t.Run("a lapsed head buys only Enterprise while branches are connected", func(t *testing.T) {
		lapsed := lrThen(t, e, lrWithBob(t, e), lrT0, lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}}, join)
		lapsed, _ = lrAdvance(t, e, lapsed, time.Date(2026, 3, 18, 9, 0, 0, 0, time.UTC))
		now := lapsed.Updated
		basic := plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}
		enterprise := plan.Purchase{By: lrAda, Plan: plan.Enterprise, Period: plan.Monthly}
		for _, cmd := range []plan.Command{basic, enterprise, plan.StartTrial{By: lrAda}} {
			if !lifecycle.ChangesPlan(cmd) {
				t.Errorf("ChangesPlan(%T) = false", cmd)
			}
			// A plain Plan cannot tell how many branches there are.
			lrRefused(t, e, lapsed, now, lifecycle.Plan{Cmd: cmd}, lifecycle.ErrHeadLocked, "NET-10")
		}
		lrRefused(t, e, lapsed, now, lifecycle.HeadPlan{Cmd: basic, Connected: 2}, lifecycle.ErrHeadLocked, "NET-10", "2 branches")
		lrRefused(t, e, lapsed, now, lifecycle.HeadPlan{Cmd: plan.StartTrial{By: lrAda}, Connected: 1}, lifecycle.ErrHeadLocked, "NET-10", "1 branch")
		got, _ := lrApply(t, e, lapsed, now, lifecycle.HeadPlan{Cmd: basic, Connected: 0})
		if got.Sub.Plan != plan.Basic || got.Sub.Status != plan.StatusActive {
			t.Errorf("with no branch connected: %s on %s, want active on basic", got.Sub.Status, got.Sub.Plan)
		}
	})
}
