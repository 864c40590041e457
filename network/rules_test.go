package network_test

// Table-driven tests of the NET rules, one test per rule (NET-01 to NET-14),
// plus the refusals every command shares (time going back, an unknown
// branch). Expected dates are worked out by hand from RULES.md and the
// default policies (a 15-day branch trial, 15 days before the plan
// compatibility check blocks, 15 days of plan grace), never read back from
// the code under test.
//
// The tests drive the engines as a service does without package fleet:
// every change of a member account is followed by network.Engine.Align
// (which schedules or lifts the account's plan compatibility block) and
// network.Engine.Observe (which tells the network the account's
// standing); the effects of network commands addressed to an account are
// carried out on it with network.Engine.Carry. Time passes for an account
// through lifecycle.Engine.Advance, one deadline at a time: the blocks of
// the plan compatibility check are the accounts' own scheduled deadlines,
// and a network has none.
//
// Unless a test says otherwise:
//
//	hq    the head, owned by ada, bought Enterprise annual at 09:00 UTC on
//	      Monday 2 March 2026 (its period ends 2 March 2027);
//	b1…   branches owned by bea, with ada added as an administrator (so ada
//	      administers both sides, NET-13), created at 09:00 on 2 March;
//	      the network is created at 09:30 and branches connect at 10:00.
//
// A monthly plan bought at 09:00 on 2 March ends its period at 09:00 on
// 2 April 2026 (PLAN-05).

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

const (
	nrHQ  tenancy.AccountID = "hq"
	nrAda tenancy.UserID    = "ada" // owns hq, administers every branch
	nrBea tenancy.UserID    = "bea" // owns every branch
)

var (
	// nrT0: the accounts are created and buy their plans, 09:00 UTC on
	// Monday 2 March 2026.
	nrT0 = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	// nrCreated: the network is created, 09:30 the same day.
	nrCreated = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)
	// nrT1: branches connect, 10:00 the same day.
	nrT1 = time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)
	// nrPeriodEnd: a monthly period bought at nrT0 ends, 2 April 2026 09:00.
	nrPeriodEnd = time.Date(2026, time.April, 2, 9, 0, 0, 0, time.UTC)
)

// nrWorld holds the engines of a test: default catalog and plan and
// lifecycle policies, the network policy edited by the test.
type nrWorld struct {
	t     testing.TB
	lives *lifecycle.Engine
	net   *network.Engine
}

// nrNew returns a world with the default network policy edited by edit.
func nrNew(t testing.TB, edit ...func(*network.Policy)) *nrWorld {
	t.Helper()
	pe, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	le, err := lifecycle.NewEngine(pe, lifecycle.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	p := network.DefaultPolicy()
	for _, f := range edit {
		f(&p)
	}
	ne, err := network.NewEngine(le, p)
	if err != nil {
		t.Fatal(err)
	}
	return &nrWorld{t: t, lives: le, net: ne}
}

// account returns a new free account owned by owner in zone "eu", created
// at at in at's location.
func (w *nrWorld) account(id tenancy.AccountID, owner tenancy.UserID, at time.Time) lifecycle.Account {
	w.t.Helper()
	a, err := w.lives.New(id, owner, "eu", at.Location(), at)
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// apply runs cmds on a at at and fails the test on a refusal or a broken
// account.
func (w *nrWorld) apply(a lifecycle.Account, at time.Time, cmds ...lifecycle.Command) lifecycle.Account {
	w.t.Helper()
	for _, c := range cmds {
		var err error
		if a, _, err = w.lives.Apply(a, at, c); err != nil {
			w.t.Fatalf("%s: %T at %v: %v", a.ID, c, at, err)
		}
		if err := w.lives.Check(a); err != nil {
			w.t.Fatalf("%s after %T: %v", a.ID, c, err)
		}
	}
	return a
}

// plan runs a plan command on a, issued by its owner as administrator,
// through the lifecycle engine alone (not on a head: NET-10).
func (w *nrWorld) plan(a lifecycle.Account, at time.Time, cmd plan.Command) lifecycle.Account {
	w.t.Helper()
	return w.apply(a, at, lifecycle.Plan{Cmd: cmd})
}

// buy has a's owner buy plan p for period per at at.
func (w *nrWorld) buy(a lifecycle.Account, at time.Time, p plan.PlanID, per plan.Period) lifecycle.Account {
	w.t.Helper()
	return w.plan(a, at, plan.Purchase{By: tenancy.Admin(a.Owner), Plan: p, Period: per})
}

// advance moves a to at through the lifecycle engine alone: for an
// account in no network, or to set up a late service.
func (w *nrWorld) advance(a lifecycle.Account, at time.Time) lifecycle.Account {
	w.t.Helper()
	a, _, err := w.lives.Advance(a, at, nil)
	if err != nil {
		w.t.Fatalf("advance %s to %v: %v", a.ID, at, err)
	}
	return a
}

// align aligns a's plan compatibility block at at (Engine.Align).
func (w *nrWorld) align(a lifecycle.Account, at time.Time) (lifecycle.Account, []lifecycle.Effect) {
	w.t.Helper()
	a, effs, err := w.net.Align(a, at)
	if err != nil {
		w.t.Fatalf("align %s at %v: %v", a.ID, at, err)
	}
	if err := w.lives.Check(a); err != nil {
		w.t.Fatalf("%s after Align: %v", a.ID, err)
	}
	return a, effs
}

// sync follows a change of member a at at as a service does: Align, then
// Observe. It returns the account and the network's effects.
func (w *nrWorld) sync(n *network.Network, a lifecycle.Account, at time.Time) (lifecycle.Account, []network.Effect) {
	w.t.Helper()
	a, _ = w.align(a, at)
	return a, w.observe(n, a, at)
}

// follow moves member a to at one deadline at a time, following each
// change with sync at the deadline's instant, as a service's scheduler
// does. It returns the account, the network's effects and the account's.
func (w *nrWorld) follow(n *network.Network, a lifecycle.Account, at time.Time) (lifecycle.Account, []network.Effect, []lifecycle.Effect) {
	w.t.Helper()
	var effs []network.Effect
	var leffs []lifecycle.Effect
	for {
		next, ok := a.NextDeadline()
		if !ok || next.After(at) || a.Stage == lifecycle.StageDeleted {
			return a, effs, leffs
		}
		var more []lifecycle.Effect
		var err error
		if a, more, err = w.lives.Advance(a, next, nil); err != nil {
			w.t.Fatalf("advance %s to %v: %v", a.ID, next, err)
		}
		leffs = append(leffs, more...)
		a, more = w.align(a, next)
		leffs = append(leffs, more...)
		effs = append(effs, w.observe(n, a, next)...)
	}
}

// create creates the network around head at at, by ada, and carries the
// effect to the head.
func (w *nrWorld) create(head lifecycle.Account, at time.Time) (*network.Network, lifecycle.Account) {
	w.t.Helper()
	n, effs, err := w.net.Create(head, nrAda, at)
	if err != nil {
		w.t.Fatalf("create around %s: %v", head.ID, err)
	}
	nrCheck(w.t, n)
	head = w.carry(head, effs, at)
	// The head's joining changes nothing the network does not know.
	if got := w.observe(n, head, at); len(got) != 0 {
		w.t.Fatalf("observing the head after carrying Created: %v", got)
	}
	return n, head
}

// connect connects branch to n at at, by ada, carries the effects
// addressed to it and observes it: carrying them changes nothing the
// network does not already know.
func (w *nrWorld) connect(n *network.Network, head, branch lifecycle.Account, at time.Time) (lifecycle.Account, []network.Effect) {
	w.t.Helper()
	effs, err := w.net.Connect(n, head, branch, nrAda, at)
	if err != nil {
		w.t.Fatalf("connect %s at %v: %v", branch.ID, at, err)
	}
	nrCheck(w.t, n)
	branch = w.carry(branch, effs, at)
	if got := w.observe(n, branch, at); len(got) != 0 {
		w.t.Fatalf("observing %s after carrying its connection: %v", branch.ID, got)
	}
	return branch, effs
}

// disconnect disconnects branch from n at at, by ada, and carries the
// effects addressed to it.
func (w *nrWorld) disconnect(n *network.Network, head, branch lifecycle.Account, at time.Time) (lifecycle.Account, []network.Effect) {
	w.t.Helper()
	effs, err := w.net.Disconnect(n, head, branch.ID, nrAda, at)
	if err != nil {
		w.t.Fatalf("disconnect %s at %v: %v", branch.ID, at, err)
	}
	nrCheck(w.t, n)
	return w.carry(branch, effs, at), effs
}

// observe observes a at at.
func (w *nrWorld) observe(n *network.Network, a lifecycle.Account, at time.Time) []network.Effect {
	w.t.Helper()
	effs, err := w.net.Observe(n, a, at)
	if err != nil {
		w.t.Fatalf("observe %s at %v: %v", a.ID, at, err)
	}
	nrCheck(w.t, n)
	return effs
}

// applyPlan runs cmd on a through the network (ApplyPlan: NET-10, the
// command, Align, Observe).
func (w *nrWorld) applyPlan(n *network.Network, a lifecycle.Account, at time.Time, cmd plan.Command) (lifecycle.Account, []network.Effect) {
	w.t.Helper()
	a, _, effs, err := w.net.ApplyPlan(n, a, at, cmd)
	if err != nil {
		w.t.Fatalf("%T on %s at %v: %v", cmd, a.ID, at, err)
	}
	nrCheck(w.t, n)
	if err := w.lives.Check(a); err != nil {
		w.t.Fatalf("%s after %T: %v", a.ID, cmd, err)
	}
	return a, effs
}

// carry carries out on a every effect of effs addressed to it.
func (w *nrWorld) carry(a lifecycle.Account, effs []network.Effect, at time.Time) lifecycle.Account {
	w.t.Helper()
	for _, e := range effs {
		if e.Account != a.ID {
			continue
		}
		var err error
		if a, _, err = w.net.Carry(a, e, at); err != nil {
			w.t.Fatalf("carry %v to %s: %v", e, a.ID, err)
		}
		if err := w.lives.Check(a); err != nil {
			w.t.Fatalf("%s after carrying %v: %v", a.ID, e, err)
		}
	}
	return a
}

// nrCheck checks what a network must always hold: it round-trips through
// JSON to the same bytes, Active counts the connected and trial branches,
// only incompatible and blocked branches have deadlines, and a head
// deadline shows only on a disabled network whose head is not blocked.
func nrCheck(t testing.TB, n *network.Network) {
	t.Helper()
	b1, err := n.MarshalJSON()
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var m network.Network
	if err := m.UnmarshalJSON(b1); err != nil {
		t.Fatalf("the network does not decode its own encoding: %v\n%s", err, b1)
	}
	if b2, _ := m.MarshalJSON(); string(b2) != string(b1) {
		t.Fatalf("round trip changed the encoding:\n%s\n%s", b1, b2)
	}
	active := 0
	for _, b := range n.Branches() {
		switch b.Status {
		case network.Connected, network.OnTrial:
			active++
			if !b.Deadline.IsZero() {
				t.Errorf("branch %s is %v with a deadline %v", b.Account, b.Status, b.Deadline)
			}
		case network.Incompatible, network.Blocked:
			if b.Deadline.IsZero() {
				t.Errorf("branch %s is %v without a deadline", b.Account, b.Status)
			}
		}
	}
	if n.Active() != active || m.Active() != active {
		t.Errorf("Active() = %d (decoded %d), want %d", n.Active(), m.Active(), active)
	}
	if hd := n.HeadDeadline(); !hd.IsZero() && (n.Status() != network.Disabled || n.HeadBlocked()) {
		t.Errorf("HeadDeadline() = %v on a %v network (head blocked %v)", hd, n.Status(), n.HeadBlocked())
	}
	if !m.HeadDeadline().Equal(n.HeadDeadline()) || m.ID() != n.ID() {
		t.Errorf("decoded: HeadDeadline %v ID %s; want %v, %s", m.HeadDeadline(), m.ID(), n.HeadDeadline(), n.ID())
	}
}

// nrSnap is a deep snapshot of n, for checking that a refusal changed
// nothing.
func nrSnap(t testing.TB, n *network.Network) string {
	t.Helper()
	b, err := n.MarshalJSON()
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return fmt.Sprintf("%s active=%d len=%d head-deadline=%v", b, n.Active(), n.Len(), n.HeadDeadline())
}

// nrRefuse runs a command that must be refused: the error matches sentinel
// and names rule, no effect comes back, and n is exactly as it was.
func nrRefuse(t testing.TB, n *network.Network, run func() ([]network.Effect, error), sentinel error, rule tenancy.RuleID, msg ...string) {
	t.Helper()
	before := nrSnap(t, n)
	effs, err := run()
	nrWantRefusal(t, err, sentinel, rule, msg...)
	if len(effs) != 0 {
		t.Errorf("refused, yet effects %v", effs)
	}
	if after := nrSnap(t, n); after != before {
		t.Errorf("a refusal changed the network:\nbefore %s\nafter  %s", before, after)
	}
}

// nrWantRefusal checks that err is a *tenancy.RuleError matching sentinel,
// owned by rule, with a reason containing every msg.
func nrWantRefusal(t testing.TB, err, sentinel error, rule tenancy.RuleID, msg ...string) {
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

// nrEff is what a test pins of an effect.
type nrEff struct {
	Kind     network.EffectKind
	Account  tenancy.AccountID
	Rule     tenancy.RuleID
	At       time.Time
	Deadline time.Time
	To       tenancy.UserID
	Days     int
}

// nrWant checks effs against want, in order: every pinned field, the
// network they name, and their numbers: an effect of a command has a
// number in the network's history, larger than the one before; an effect
// of a member's standing has none and names the standing instead.
func nrWant(t testing.TB, what string, n *network.Network, effs []network.Effect, want ...nrEff) {
	t.Helper()
	got := make([]nrEff, len(effs))
	var last uint64
	for i, e := range effs {
		got[i] = nrEff{Kind: e.Kind, Account: e.Account, Rule: e.Rule, At: e.At, Deadline: e.Deadline, To: e.To, Days: e.Days}
		if e.Network != n.ID() || e.Head != n.Head() {
			t.Errorf("%s: effect %v names network %q head %q, want %q and %q", what, e, e.Network, e.Head, n.ID(), n.Head())
		}
		switch {
		case (e.Seq == 0) == (e.Standing == 0):
			t.Errorf("%s: effect %v has command number %d and standing %d: want exactly one", what, e, e.Seq, e.Standing)
		case e.Seq != 0 && e.Seq <= last:
			t.Errorf("%s: effect %d has number %d after %d", what, i, e.Seq, last)
		case e.Seq != 0:
			last = e.Seq
		}
	}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s: effects (-want +got):\n%s", what, d)
	}
}

// nrStatus checks the status of branch id in n.
func nrStatus(t testing.TB, n *network.Network, id tenancy.AccountID, want network.BranchStatus) network.Branch {
	t.Helper()
	b, ok := n.Branch(id)
	if !ok {
		t.Fatalf("branch %s is not listed", id)
	}
	if b.Status != want {
		t.Errorf("branch %s is %v, want %v", id, b.Status, want)
	}
	return b
}

// nrTime checks that got is the instant want.
func nrTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// nrScheduled checks when a's block for cause will fall: at want, or
// never when want is zero.
func nrScheduled(t testing.TB, a lifecycle.Account, cause lifecycle.Cause, want time.Time) {
	t.Helper()
	got, ok := a.ScheduledFor(cause)
	if ok != !want.IsZero() || !got.Equal(want) {
		t.Errorf("%s: block %.5s scheduled at %v (%v), want %v", a.ID, cause, got, ok, want)
	}
}

// nrLife returns the kinds and instants of the lifecycle effects of the
// plan compatibility check among effs: "block@DATE", "unblock@DATE".
func nrLife(effs []lifecycle.Effect) []string {
	var out []string
	for _, e := range effs {
		if e.Kind == lifecycle.EffectBlock || e.Kind == lifecycle.EffectUnblock {
			out = append(out, fmt.Sprintf("%s %.6s@%s", e.Kind, e.Cause, e.At.UTC().Format(time.RFC3339)))
		}
	}
	return out
}

// nrNotify are the NET-13 notifications of connecting id at at to its
// administrators bea (the owner, listed first) and ada.
func nrNotify(id tenancy.AccountID, at time.Time) []nrEff {
	return []nrEff{
		{Kind: network.EffectNotify, Account: id, Rule: "NET-13", At: at, To: nrBea},
		{Kind: network.EffectNotify, Account: id, Rule: "NET-13", At: at, To: nrAda},
	}
}

// nrConnected is the effects of ada connecting the commercial account id at
// at (NET-02, NET-13).
func nrConnected(id tenancy.AccountID, at time.Time) []nrEff {
	return append([]nrEff{{Kind: network.EffectConnected, Account: id, Rule: "NET-02", At: at, To: nrAda}}, nrNotify(id, at)...)
}

// --- NET-01 ----------------------------------------------------------------

// TestNET01_HeadOnActiveEnterprise proves NET-01: a network is created
// around a head on an active Enterprise plan (grace still counts: the plan
// is kept, PLAN-14), never around a Professional, free or trial account or
// one whose grace ran out; it has exactly one head, which cannot also be its
// branch.
func TestNET01_HeadOnActiveEnterprise(t *testing.T) {
	cases := []struct {
		name  string
		setup func(w *nrWorld) lifecycle.Account
		at    time.Time
		ok    bool
	}{
		{name: "Enterprise annual", setup: func(w *nrWorld) lifecycle.Account { return w.head(plan.Annual) }, at: nrCreated, ok: true},
		{name: "Enterprise monthly", setup: func(w *nrWorld) lifecycle.Account { return w.head(plan.Monthly) }, at: nrCreated, ok: true},
		{
			name: "Enterprise with its cancellation pending: paid until the period ends",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.plan(w.head(plan.Monthly), nrT0, plan.Cancel{By: tenancy.Admin(nrAda)})
			},
			at: nrCreated, ok: true,
		},
		{
			// The monthly period ended unpaid on 2 April; grace keeps
			// Enterprise until 17 April (PLAN-14).
			name: "Enterprise in grace on 5 April",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.advance(w.head(plan.Monthly), time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC))
			},
			at: time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC), ok: true,
		},
		{
			// 2 April + 15 days of grace = 17 April 09:00: back on free.
			name: "Enterprise whose grace ran out on 17 April",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.advance(w.head(plan.Monthly), time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC))
			},
			at: time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC),
		},
		{
			name: "Professional",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.buy(w.account(nrHQ, nrAda, nrT0), nrT0, plan.Professional, plan.Annual)
			},
			at: nrCreated,
		},
		{name: "free", setup: func(w *nrWorld) lifecycle.Account { return w.account(nrHQ, nrAda, nrT0) }, at: nrCreated},
		{
			name: "trial",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.plan(w.account(nrHQ, nrAda, nrT0), nrT0, plan.StartTrial{By: tenancy.Admin(nrAda)})
			},
			at: nrCreated,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := nrNew(t)
			head := c.setup(w)
			n, effs, err := w.net.Create(head, nrAda, c.at)
			if !c.ok {
				nrWantRefusal(t, err, tenancy.ErrRefused, "NET-01", "Enterprise")
				if n != nil || len(effs) != 0 {
					t.Errorf("refused, yet network %v and effects %v", n, effs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			nrCheck(t, n)
			nrWant(t, "Create", n, effs, nrEff{Kind: network.EffectCreated, Account: nrHQ, Rule: "NET-01", At: c.at, To: nrAda})
			if n.Head() != nrHQ || n.Status() != network.Operating || n.Zone() != "eu" || n.Len() != 0 || n.Active() != 0 {
				t.Errorf("new network: head %s status %v zone %q len %d active %d", n.Head(), n.Status(), n.Zone(), n.Len(), n.Active())
			}
			// The network's ID names the head and the head's Seq at its
			// creation, so that a network created again around the same
			// head is told apart.
			if want := fmt.Sprintf("hq@%d", head.Seq); n.ID() != want || n.Origin() != head.Seq {
				t.Errorf("ID() = %q, Origin() = %d; want %q", n.ID(), n.Origin(), want)
			}
			nrTime(t, "Updated", n.Updated(), c.at)
			if d := n.HeadDeadline(); !d.IsZero() || n.HeadBlocked() {
				t.Errorf("a new network has a head deadline %v or a blocked head", d)
			}
			head = w.carry(head, effs, c.at)
			if head.Network != nrHQ || !head.EverInNetwork {
				t.Errorf("the head carried Created: Network %q, EverInNetwork %v; want itself, true", head.Network, head.EverInNetwork)
			}
			// The head now heads a network: it cannot create a second one
			// (NET-04).
			_, _, err = w.net.Create(head, nrAda, c.at)
			nrWantRefusal(t, err, network.ErrInNetwork, "NET-04")
		})
	}

	t.Run("only an administrator of the head creates it", func(t *testing.T) {
		w := nrNew(t)
		head := w.apply(w.head(plan.Annual), nrT0,
			lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "eve", Role: tenancy.RoleEmployee},
			lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "cyd", Role: tenancy.RoleAdministrator},
			lifecycle.DismissUser{By: tenancy.Admin(nrAda), User: "cyd"})
		for _, by := range []tenancy.UserID{"eve", "cyd", "mallory", ""} {
			n, effs, err := w.net.Create(head, by, nrCreated)
			nrWantRefusal(t, err, tenancy.ErrUnauthorized, "NET-13")
			if n != nil || len(effs) != 0 {
				t.Errorf("%q: refused, yet network %v and effects %v", by, n, effs)
			}
		}
	})

	t.Run("not before the head's last change", func(t *testing.T) {
		w := nrNew(t)
		head := w.head(plan.Annual)
		_, _, err := w.net.Create(head, nrAda, nrT0.Add(-time.Nanosecond))
		nrWantRefusal(t, err, tenancy.ErrTimeWentBack, "")
	})

	t.Run("one head: it cannot be its own branch, and only it heads", func(t *testing.T) {
		w := nrNew(t)
		head := w.head(plan.Annual)
		n, head := w.create(head, nrCreated)
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, head, nrAda, nrT1) },
			tenancy.ErrRefused, "NET-01")
		// Another Enterprise account passed as the head is not this
		// network's head.
		other := w.branch("b1", plan.Enterprise, plan.Annual)
		b2 := w.branch("b2", plan.Professional, plan.Annual)
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, other, b2, nrAda, nrT1) },
			network.ErrNotMember, "NET-01")
		if n.Head() != nrHQ {
			t.Errorf("Head() = %s, want %s", n.Head(), nrHQ)
		}
	})
}

// head returns hq, owned by ada, on Enterprise for per, bought at nrT0.
func (w *nrWorld) head(per plan.Period) lifecycle.Account {
	w.t.Helper()
	return w.buy(w.account(nrHQ, nrAda, nrT0), nrT0, plan.Enterprise, per)
}

// branch returns an account owned by bea with ada as a second
// administrator, created at nrT0 and, unless p is empty, on plan p for per
// bought at nrT0.
func (w *nrWorld) branch(id tenancy.AccountID, p plan.PlanID, per plan.Period) lifecycle.Account {
	w.t.Helper()
	a := w.apply(w.account(id, nrBea, nrT0), nrT0,
		lifecycle.AddUser{By: tenancy.Admin(nrBea), User: nrAda, Role: tenancy.RoleAdministrator})
	if p != "" {
		a = w.buy(a, nrT0, p, per)
	}
	return a
}

// --- NET-02 ----------------------------------------------------------------

// TestNET02_ConnectedBranchesAreCommercial proves NET-02: an account on any
// commercial plan, in grace too, connects as a connected branch; a free
// account or one on its trial is on trial, not connected (NET-06); a
// suspended or deleted account does not connect.
func TestNET02_ConnectedBranchesAreCommercial(t *testing.T) {
	// 5 April 09:00: after a monthly period bought on 2 March ended unpaid
	// on 2 April, in grace until 17 April.
	inGrace := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		setup func(w *nrWorld) lifecycle.Account
		at    time.Time
		want  network.BranchStatus
		trial bool // a branch trial is started (NET-06)
	}{
		{name: "Basic", setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Basic, plan.Monthly) }, at: nrT1, want: network.Connected},
		{name: "Standard", setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Standard, plan.Annual) }, at: nrT1, want: network.Connected},
		{name: "Professional", setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Professional, plan.Monthly) }, at: nrT1, want: network.Connected},
		{name: "Enterprise", setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Enterprise, plan.Monthly) }, at: nrT1, want: network.Connected},
		{
			name: "Basic in grace",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.advance(w.branch("b1", plan.Basic, plan.Monthly), inGrace)
			},
			at: inGrace, want: network.Connected,
		},
		{name: "free", setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", "", 0) }, at: nrT1, want: network.OnTrial, trial: true},
		{
			name: "on its own trial: the trial runs on, none is started",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.plan(w.branch("b1", "", 0), nrT0, plan.StartTrial{By: tenancy.Admin(nrBea)})
			},
			at: nrT1, want: network.OnTrial,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := nrNew(t)
			n, head := w.create(w.head(plan.Annual), nrCreated)
			b := c.setup(w)
			b, effs := w.connect(n, head, b, c.at)
			want := []nrEff{{Kind: network.EffectConnected, Account: "b1", Rule: "NET-02", At: c.at, To: nrAda}}
			if c.trial {
				want = append(want, nrEff{Kind: network.EffectStartTrial, Account: "b1", Rule: "NET-06", At: c.at, To: nrAda, Days: 15})
			}
			nrWant(t, "Connect", n, effs, append(want, nrNotify("b1", c.at)...)...)
			br := nrStatus(t, n, "b1", c.want)
			nrTime(t, "Since", br.Since, c.at)
			if !br.Deadline.IsZero() {
				t.Errorf("a %v branch has a deadline %v", br.Status, br.Deadline)
			}
			if n.Active() != 1 || n.Len() != 1 {
				t.Errorf("Active %d Len %d, want 1 and 1", n.Active(), n.Len())
			}
			if b.Network != nrHQ || len(b.Scheduled) != 0 || b.Blocked() {
				t.Errorf("the branch carried Connected: Network %q, scheduled %v, blocks %v; want %q and none",
					b.Network, b.Scheduled, b.Blocks, nrHQ)
			}
			// Observing a branch whose standing did not change does
			// nothing.
			nrWant(t, "Observe", n, w.observe(n, b, c.at))
		})
	}

	t.Run("a suspended account does not connect", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		// A free account nobody uses from 2 March is suspended on 1 April
		// (LIFE-01).
		b := w.advance(w.branch("b1", "", 0), time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
		if b.Stage != lifecycle.StageSuspended {
			t.Fatalf("setup: stage %v, want suspended", b.Stage)
		}
		nrRefuse(t, n, func() ([]network.Effect, error) {
			return w.net.Connect(n, head, b, nrAda, time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC))
		}, tenancy.ErrRefused, "NET-02", "suspended")
	})

	t.Run("a deleted account does not connect", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b := w.apply(w.branch("b1", plan.Basic, plan.Monthly), nrT0, lifecycle.Delete{By: tenancy.Service(), Confirm: "b1"})
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, b, nrAda, nrT1) },
			tenancy.ErrRefused, "NET-02", "deleted")
	})
}

// TestNET02_ConnectedButFreeIsCorrupt proves the NET-02 check of Observe: a
// branch the network lists as connected whose account has been on the free
// plan since before it was listed is a corrupt pair (the account given to
// Connect was stale, or the network is another's): Observe reports it
// with network.ErrCorrupt and changes nothing, rather than repairing it. A
// branch that drops to free at the very instant it was connected is not
// corrupt; it is incompatible.
func TestNET02_ConnectedButFreeIsCorrupt(t *testing.T) {
	t.Run("free since before it was listed", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		// b1 bought Basic monthly and cancelled: free from 2 April 09:00.
		b := w.plan(w.branch("b1", plan.Basic, plan.Monthly), nrT0, plan.Cancel{By: tenancy.Admin(nrBea)})
		// The service connects it on 3 April with the account as stored
		// on 2 March, never brought up to date: it looks commercial.
		// Carrying the connection brings the account up to date.
		at := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
		stale := b
		effs, err := w.net.Connect(n, head, stale, nrAda, at)
		if err != nil {
			t.Fatal(err)
		}
		nrStatus(t, n, "b1", network.Connected)
		fresh := w.carry(stale, effs, at)
		if fresh.Sub.Status != plan.StatusFree || !fresh.Sub.FreeSince.Equal(nrPeriodEnd) || fresh.Network != nrHQ {
			t.Fatalf("setup: b1 is %v since %v in %q", fresh.Sub.Status, fresh.Sub.FreeSince, fresh.Network)
		}
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Observe(n, fresh, at) }, network.ErrCorrupt, "NET-02", "b1", "free")
		_, err = w.net.Observe(n, fresh, at)
		if !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("the NET-02 refusal %v does not match tenancy.ErrInvalid", err)
		}
		// An older standing of the same account is not checked: it
		// changes nothing either way.
		nrWant(t, "Observe the stale account again", n, w.observe(n, stale, at))
		nrStatus(t, n, "b1", network.Connected)
		// Disconnecting the branch is the way out.
		fresh, _ = w.disconnect(n, head, fresh, at)
		if fresh.Network != "" || n.Len() != 0 || len(fresh.Scheduled) != 0 {
			t.Errorf("after disconnecting: network %q, len %d, scheduled %v", fresh.Network, n.Len(), fresh.Scheduled)
		}
	})

	t.Run("free from the instant it was listed: incompatible", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Monthly), nrT1)
		b = w.plan(b, nrT1, plan.Cancel{By: tenancy.Admin(nrBea), Now: true})
		_, effs := w.sync(n, b, nrT1)
		// 2 March 10:00 + 15 days.
		nrWant(t, "Observe", n, effs, nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: nrT1,
			Deadline: time.Date(2026, 3, 17, 10, 0, 0, 0, time.UTC)})
	})
}

// --- NET-03 ----------------------------------------------------------------

// TestNET03_SameDomainZone proves NET-03: a branch must be in the head's
// domain zone, compared exactly.
func TestNET03_SameDomainZone(t *testing.T) {
	for _, zone := range []string{"us", "EU", "", "eu "} {
		t.Run(fmt.Sprintf("zone %q", zone), func(t *testing.T) {
			w := nrNew(t)
			n, head := w.create(w.head(plan.Annual), nrCreated)
			b := w.branch("b1", plan.Professional, plan.Annual)
			b.DomainZone = zone
			nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, b, nrAda, nrT1) },
				network.ErrZone, "NET-03", fmt.Sprintf("%q", zone), `"eu"`)
		})
	}
	t.Run("a network in zone us takes us branches", func(t *testing.T) {
		w := nrNew(t)
		head := w.head(plan.Annual)
		head.DomainZone = "us"
		n, head := w.create(head, nrCreated)
		if n.Zone() != "us" {
			t.Errorf("Zone() = %q, want us", n.Zone())
		}
		eu := w.branch("b1", plan.Professional, plan.Annual)
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, eu, nrAda, nrT1) },
			network.ErrZone, "NET-03")
		us := w.branch("b2", plan.Professional, plan.Annual)
		us.DomainZone = "us"
		w.connect(n, head, us, nrT1)
		nrStatus(t, n, "b2", network.Connected)
	})
}

// --- NET-04 ----------------------------------------------------------------

// TestNET04_OneNetworkAtATime proves NET-04: an account in a network does
// not connect to another, nor again to the same one, until it is
// disconnected; once the Disconnected effect is carried it joins another.
// The account's own record refuses a second membership and accepts changes
// from the service only; recording the same membership again, or leaving
// a network it is not in, changes nothing.
func TestNET04_OneNetworkAtATime(t *testing.T) {
	w := nrNew(t)
	n1, hq := w.create(w.head(plan.Annual), nrCreated)
	hq2 := w.apply(w.buy(w.account("hq2", "zoe", nrT0), nrT0, plan.Enterprise, plan.Annual), nrT0,
		lifecycle.AddUser{By: tenancy.Admin("zoe"), User: nrAda, Role: tenancy.RoleAdministrator})
	n2, hq2 := w.create(hq2, nrCreated)

	b1, _ := w.connect(n1, hq, w.branch("b1", plan.Professional, plan.Annual), nrT1)
	if b1.Network != nrHQ || !b1.EverInNetwork {
		t.Fatalf("b1 joined: Network %q EverInNetwork %v", b1.Network, b1.EverInNetwork)
	}
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	nrRefuse(t, n2, func() ([]network.Effect, error) { return w.net.Connect(n2, hq2, b1, nrAda, at) },
		network.ErrInNetwork, "NET-04", "disconnect it first")
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Connect(n1, hq, b1, nrAda, at) },
		network.ErrInNetwork, "NET-04")
	// Listed in n1 even when the service has not carried the join yet.
	stale := b1
	stale.Network = ""
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Connect(n1, hq, stale, nrAda, at) },
		network.ErrInNetwork, "NET-04")

	// Carrying a connection to another network is refused by the account
	// itself.
	_, _, err := w.net.Carry(b1, network.Effect{Kind: network.EffectConnected, Network: "hq2@1", Head: "hq2", Account: "b1"}, at)
	nrWantRefusal(t, err, network.ErrInNetwork, "NET-04")
	// An effect for another account is not carried.
	_, _, err = w.net.Carry(hq2, network.Effect{Kind: network.EffectConnected, Network: n1.ID(), Head: nrHQ, Account: "b1"}, at)
	nrWantRefusal(t, err, tenancy.ErrInvalid, "")

	b1, effs := w.disconnect(n1, hq, b1, at)
	nrWant(t, "Disconnect", n1, effs, nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "NET-13", At: at})
	if b1.Network != "" || !b1.EverInNetwork {
		t.Errorf("b1 left: Network %q EverInNetwork %v; want none, true", b1.Network, b1.EverInNetwork)
	}
	if _, ok := n1.Branch("b1"); ok || n1.Len() != 0 || n1.Active() != 0 {
		t.Errorf("b1 still listed in n1: len %d active %d", n1.Len(), n1.Active())
	}
	b1, effs = w.connect(n2, hq2, b1, at)
	nrWant(t, "Connect to hq2", n2, effs, nrConnected("b1", at)...)
	if b1.Network != "hq2" {
		t.Errorf("b1.Network = %q, want hq2", b1.Network)
	}
	// A standing of b1 addressed to n1 is refused by n2.
	s := w.net.StandingOf(b1)
	s.Network = nrHQ
	nrRefuse(t, n2, func() ([]network.Effect, error) { return w.net.Deliver(n2, s) }, network.ErrNotMember, "NET-04")

	// The account's own record of its network.
	{
		svc := tenancy.Service()
		cases := []struct {
			name     string
			acc      lifecycle.Account
			cmd      lifecycle.Command
			sentinel error // nil: accepted, and nothing changes
		}{
			{"an administrator cannot join", w.branch("b9", "", 0), lifecycle.JoinNetwork{By: tenancy.Admin(nrBea), Head: nrHQ}, tenancy.ErrUnauthorized},
			{"an administrator cannot leave", b1, lifecycle.LeaveNetwork{By: tenancy.Admin(nrBea)}, tenancy.ErrUnauthorized},
			{"already in a network", b1, lifecycle.JoinNetwork{By: svc, Head: nrHQ}, lifecycle.ErrInNetwork},
			{"joining a network without a head", w.branch("b9", "", 0), lifecycle.JoinNetwork{By: svc}, tenancy.ErrInvalid},
			{"already in this very network", b1, lifecycle.JoinNetwork{By: svc, Head: "hq2"}, nil},
			{"leaving no network", w.branch("b9", "", 0), lifecycle.LeaveNetwork{By: svc}, nil},
			{"leaving another network than its own", b1, lifecycle.LeaveNetwork{By: svc, Head: nrHQ}, nil},
		}
		for _, c := range cases {
			out, effs, err := w.lives.Apply(c.acc, c.acc.Updated, c.cmd)
			if c.sentinel == nil {
				if err != nil || len(effs) != 0 || out.Network != c.acc.Network || out.Seq != c.acc.Seq {
					t.Errorf("%s: %v, effects %v, network %q; want no change", c.name, err, effs, out.Network)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s: not refused", c.name)
				continue
			}
			nrWantRefusal(t, err, c.sentinel, "NET-04")
			if !cmp.Equal(out, c.acc) || len(effs) != 0 {
				t.Errorf("%s: refused, yet the account changed or effects %v", c.name, effs)
			}
		}
	}
}

// TestNET04_CarryTwiceChangesNothing proves that carrying a network's
// effect is idempotent (NET-04): the service may carry an effect again
// after a crash, and the second time nothing changes and nothing is
// refused, at the same instant or later.
func TestNET04_CarryTwiceChangesNothing(t *testing.T) {
	w := nrNew(t)
	head := w.head(plan.Annual)
	n, cEffs, err := w.net.Create(head, nrAda, nrCreated)
	if err != nil {
		t.Fatal(err)
	}
	later := nrT1.Add(time.Hour)
	carryTwice := func(a lifecycle.Account, e network.Effect, at time.Time) lifecycle.Account {
		t.Helper()
		once, leffs, err := w.net.Carry(a, e, at)
		if err != nil || len(leffs) == 0 {
			t.Fatalf("carrying %v: %v, effects %v", e, err, leffs)
		}
		for _, again := range []time.Time{at, later} {
			twice, leffs, err := w.net.Carry(once, e, again)
			if err != nil || len(leffs) != 0 {
				t.Errorf("carrying %v again at %v: %v, effects %v; want no refusal, no effect", e, again, err, leffs)
			}
			if d := cmp.Diff(once, twice); d != "" {
				t.Errorf("carrying %v again at %v changed the account (-once +twice):\n%s", e, again, d)
			}
		}
		return once
	}
	head = carryTwice(head, cEffs[0], nrCreated)
	if head.Network != nrHQ {
		t.Fatalf("the head is in %q", head.Network)
	}

	// A commercial branch: connected, then disconnected.
	effs, err := w.net.Connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrAda, nrT1)
	if err != nil {
		t.Fatal(err)
	}
	b1 := carryTwice(w.branch("b1", plan.Basic, plan.Annual), effs[0], nrT1)
	if b1.Network != nrHQ {
		t.Fatalf("b1 is in %q", b1.Network)
	}
	out := later.Add(time.Hour)
	effs, err = w.net.Disconnect(n, head, "b1", nrAda, out)
	if err != nil {
		t.Fatal(err)
	}
	later = out.Add(time.Hour)
	b1 = carryTwice(b1, effs[0], out)
	if b1.Network != "" {
		t.Fatalf("b1 is still in %q", b1.Network)
	}

	// A free branch: the trial comes with the connection (NET-06), and
	// carrying start-trial afterwards, once or twice, changes nothing.
	at := out
	effs, err = w.net.Connect(n, head, w.branch("b2", "", 0), nrAda, at)
	if err != nil {
		t.Fatal(err)
	}
	b2 := carryTwice(w.branch("b2", "", 0), effs[0], at)
	if b2.Sub.Status != plan.StatusTrial || !b2.Sub.NetworkTrialUsed {
		t.Fatalf("b2 after carrying its connection: %v, network trial used %v", b2.Sub.Status, b2.Sub.NetworkTrialUsed)
	}
	if effs[1].Kind != network.EffectStartTrial {
		t.Fatalf("the second effect is %v", effs[1])
	}
	for _, when := range []time.Time{at, at.Add(time.Minute)} {
		again, leffs, err := w.net.Carry(b2, effs[1], when)
		if err != nil || len(leffs) != 0 || !cmp.Equal(again, b2) {
			t.Errorf("carrying start-trial after the connection at %v: %v, effects %v, changed %v", when, err, leffs, !cmp.Equal(again, b2))
		}
	}
}

// --- NET-05 ----------------------------------------------------------------

// TestNET05_EnterpriseBecomesABranch proves NET-05: an account on
// Enterprise connects as an ordinary branch; the network keeps its one
// head, and the branch neither heads a network nor has its plan locked.
func TestNET05_EnterpriseBecomesABranch(t *testing.T) {
	for _, per := range []plan.Period{plan.Monthly, plan.Annual} {
		t.Run(per.String(), func(t *testing.T) {
			w := nrNew(t)
			n, head := w.create(w.head(plan.Annual), nrCreated)
			b, effs := w.connect(n, head, w.branch("b1", plan.Enterprise, per), nrT1)
			nrWant(t, "Connect", n, effs, nrConnected("b1", nrT1)...)
			nrStatus(t, n, "b1", network.Connected)
			if n.Head() != nrHQ || n.Len() != 1 {
				t.Errorf("Head %s Len %d, want hq and 1", n.Head(), n.Len())
			}
			if b.Network != nrHQ {
				t.Errorf("the Enterprise branch is in network %q, want %q", b.Network, nrHQ)
			}
			// It is a branch: it cannot start a network of its own.
			_, _, err := w.net.Create(b, nrAda, nrT1)
			nrWantRefusal(t, err, network.ErrInNetwork, "NET-04")
			// The widget shows it as a branch; its own widget lists none.
			if wb := n.Widget("b1"); !wb.Visible || wb.Network != nrHQ || len(wb.Branches) != 0 {
				t.Errorf("widget at b1: %+v", wb)
			}
			// NET-10 locks the head's plan only: the branch moves down,
			// through the network or on its own.
			at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
			down := plan.ChangePlan{By: tenancy.Admin(nrBea), Plan: plan.Professional, Period: per}
			if err := w.net.CheckPlan(n, b, down); err != nil {
				t.Errorf("CheckPlan of the branch: %v", err)
			}
			if _, ok := w.net.PlanCommand(n, b, down).(lifecycle.Plan); !ok {
				t.Errorf("PlanCommand of a branch is %T, want lifecycle.Plan", w.net.PlanCommand(n, b, down))
			}
			_, effs = w.applyPlan(n, b, at, down)
			nrWant(t, "a branch's downgrade", n, effs)
		})
	}
}

// --- NET-06 ----------------------------------------------------------------

// TestNET06_FreeBranchTrial proves NET-06: a free account that joins gets
// the branch trial of 15 days, even after its ordinary trial (PLAN-10's one
// exception); one that was ever in a network must buy first.
func TestNET06_FreeBranchTrial(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*network.Policy)
		setup func(w *nrWorld) lifecycle.Account
		at    time.Time
		days  int
		end   time.Time // when the branch trial ends
	}{
		{
			name:  "never had a trial",
			setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", "", 0) },
			at:    nrT1, days: 15,
			// 2 March 10:00 + 15 days.
			end: time.Date(2026, 3, 17, 10, 0, 0, 0, time.UTC),
		},
		{
			// Its trial from 2 March 09:00 ended on 17 March 09:00.
			name: "its ordinary trial was used",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.plan(w.branch("b1", "", 0), nrT0, plan.StartTrial{By: tenancy.Admin(nrBea)})
			},
			at: time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC), days: 15,
			// 20 March + 15 days.
			end: time.Date(2026, 4, 4, 10, 0, 0, 0, time.UTC),
		},
		{
			// A commercial period ended on 2 April without renewal.
			name: "it paid once and rolled back to free",
			setup: func(w *nrWorld) lifecycle.Account {
				return w.plan(w.branch("b1", plan.Basic, plan.Monthly), nrT0, plan.Cancel{By: tenancy.Admin(nrBea)})
			},
			at: time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC), days: 15,
			end: time.Date(2026, 4, 18, 10, 0, 0, 0, time.UTC),
		},
		{
			name:  "a policy of 30 days",
			edit:  func(p *network.Policy) { p.TrialDays = 30 },
			setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", "", 0) },
			at:    nrT1, days: 30,
			// 2 March + 30 days = 1 April.
			end: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var edits []func(*network.Policy)
			if c.edit != nil {
				edits = append(edits, c.edit)
			}
			w := nrNew(t, edits...)
			n, head := w.create(w.head(plan.Annual), nrCreated)
			b := w.advance(c.setup(w), c.at)
			if b.Sub.Status != plan.StatusFree {
				t.Fatalf("setup: %s is %v, want free", b.ID, b.Sub.Status)
			}
			usedTrial := b.Sub.TrialUsed
			b, effs := w.connect(n, head, b, c.at)
			nrWant(t, "Connect", n, effs, append([]nrEff{
				{Kind: network.EffectConnected, Account: "b1", Rule: "NET-02", At: c.at, To: nrAda},
				{Kind: network.EffectStartTrial, Account: "b1", Rule: "NET-06", At: c.at, To: nrAda, Days: c.days},
			}, nrNotify("b1", c.at)...)...)
			nrStatus(t, n, "b1", network.OnTrial)
			if n.Active() != 1 {
				t.Errorf("Active() = %d, want 1: a branch on trial is connected", n.Active())
			}
			// Carrying started the network trial.
			if b.Sub.Status != plan.StatusTrial || !b.Sub.NetworkTrialUsed || b.Sub.TrialUsed != usedTrial {
				t.Errorf("after carrying: status %v NetworkTrialUsed %v TrialUsed %v; want trial, true, %v",
					b.Sub.Status, b.Sub.NetworkTrialUsed, b.Sub.TrialUsed, usedTrial)
			}
			nrTime(t, "trial start", b.Sub.Start, c.at)
			nrTime(t, "trial end", b.Sub.End, c.end)

			// Buying during the trial makes it a plain connected branch,
			// with nothing to announce.
			before := c.end.Add(-time.Hour)
			b, effs = w.sync(n, w.buy(b, before, plan.Basic, plan.Monthly), before)
			nrWant(t, "buying during the trial", n, effs)
			nrStatus(t, n, "b1", network.Connected)
		})
	}

	t.Run("the trial comes with the connection, under NET-06", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b := w.branch("b1", "", 0)
		effs, err := w.net.Connect(n, head, b, nrAda, nrT1)
		if err != nil {
			t.Fatal(err)
		}
		b, leffs, err := w.net.Carry(b, effs[0], nrT1)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, l := range leffs {
			k := l.Kind.String()
			if l.Kind == lifecycle.EffectPlan {
				k = l.Plan.Kind.String()
			}
			kinds = append(kinds, fmt.Sprintf("%s %s", l.Rule, k))
		}
		if d := cmp.Diff([]string{"NET-04 joined-network", "NET-06 trial-started"}, kinds); d != "" {
			t.Errorf("carrying the connection of a free account (-want +got):\n%s", d)
		}
		_, leffs, err = w.net.Carry(b, effs[1], nrT1)
		if err != nil || len(leffs) != 0 {
			t.Errorf("carrying start-trial after the connection: %v, %v; want nothing", leffs, err)
		}
	})

	// A free account is never a free branch, not even between carrying
	// its connection and its trial: were it so, the plan compatibility
	// check would block one that has been free for more than 15 days the
	// instant it joins (NET-07).
	t.Run("an account free for 20 days joins without a block", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		at := time.Date(2026, 3, 22, 9, 0, 0, 0, time.UTC) // free since 2 March 09:00
		b := w.advance(w.branch("b1", "", 0), at)
		effs, err := w.net.Connect(n, head, b, nrAda, at)
		if err != nil {
			t.Fatal(err)
		}
		var all []lifecycle.Effect
		for _, e := range effs {
			if e.Account != b.ID {
				continue
			}
			var leffs []lifecycle.Effect
			if b, leffs, err = w.net.Carry(b, e, at); err != nil {
				t.Fatal(err)
			}
			all = append(all, leffs...)
			// The service may tell the network after each effect.
			nrWant(t, "Observe after carrying "+e.Kind.String(), n, w.observe(n, b, at))
		}
		if got := nrLife(all); len(got) != 0 || b.Blocked() || len(b.Scheduled) != 0 {
			t.Errorf("joining set or scheduled a block: %v, blocks %v, scheduled %v", got, b.Blocks, b.Scheduled)
		}
		nrStatus(t, n, "b1", network.OnTrial)
	})

	t.Run("ever in a network: buy first", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		// Connected on its branch trial, disconnected on 5 March, back on
		// free by ending the trial the same day.
		b, _ := w.connect(n, head, w.branch("b1", "", 0), nrT1)
		at := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
		b, _ = w.disconnect(n, head, b, at)
		b = w.plan(b, at, plan.Cancel{By: tenancy.Admin(nrBea)})
		if b.Sub.Status != plan.StatusFree || !b.EverInNetwork {
			t.Fatalf("setup: status %v EverInNetwork %v", b.Sub.Status, b.EverInNetwork)
		}
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, b, nrAda, at) },
			network.ErrMustBuy, "NET-06", "commercial")
		// In another network too.
		hq2 := w.apply(w.buy(w.account("hq2", "zoe", nrT0), nrT0, plan.Enterprise, plan.Annual), nrT0,
			lifecycle.AddUser{By: tenancy.Admin("zoe"), User: nrAda, Role: tenancy.RoleAdministrator})
		n2, hq2 := w.create(hq2, nrCreated)
		nrRefuse(t, n2, func() ([]network.Effect, error) { return w.net.Connect(n2, hq2, b, nrAda, at) },
			network.ErrMustBuy, "NET-06")
		// Having bought, it connects as a connected branch.
		b = w.buy(b, at, plan.Basic, plan.Monthly)
		_, effs := w.connect(n2, hq2, b, at)
		nrWant(t, "Connect after buying", n2, effs, nrConnected("b1", at)...)
		nrStatus(t, n2, "b1", network.Connected)
	})

	t.Run("a branch trial already used: buy first", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b := w.branch("b1", "", 0)
		b.Sub.NetworkTrialUsed = true
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, b, nrAda, nrT1) },
			network.ErrMustBuy, "NET-06")
	})

	t.Run("the branch trial ends: incompatible (NET-07)", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b, _ := w.connect(n, head, w.branch("b1", "", 0), nrT1)
		// The trial ends on 17 March 10:00; the block is due 15 days
		// later, 1 April 10:00.
		end := time.Date(2026, 3, 17, 10, 0, 0, 0, time.UTC)
		b, effs, _ := w.follow(n, b, end.Add(-time.Nanosecond))
		nrWant(t, "just before the end", n, effs)
		nrStatus(t, n, "b1", network.OnTrial)
		b, effs, _ = w.follow(n, b, end)
		deadline := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
		nrWant(t, "at the end", n, effs, nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: end, Deadline: deadline})
		nrStatus(t, n, "b1", network.Incompatible)
		nrScheduled(t, b, network.CauseBranch, deadline)
		// The branch trial is granted once: no new trial while listed.
		_, _, err := w.lives.Apply(b, end, lifecycle.Plan{Cmd: plan.StartTrial{By: tenancy.Admin(nrBea), Network: true}})
		nrWantRefusal(t, err, plan.ErrTrialUsed, "NET-06")
	})
}

// nrIncompatible returns a world with hq heading a network in which b1,
// on Professional monthly since nrT0, cancelled on 10 March, dropped to free
// at the end of its period on 2 April 09:00 and was followed there: it is
// incompatible, its block scheduled for 17 April 09:00.
func nrIncompatible(t testing.TB) (*nrWorld, *network.Network, lifecycle.Account, lifecycle.Account) {
	t.Helper()
	w := nrNew(t)
	n, head := w.create(w.head(plan.Annual), nrCreated)
	b, _ := w.connect(n, head, w.branch("b1", plan.Professional, plan.Monthly), nrT1)
	b, effs := w.applyPlan(n, b, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), plan.Cancel{By: tenancy.Admin(nrBea), Reason: "moving"})
	nrWant(t, "Cancel, still paid", n, effs)
	b, effs, _ = w.follow(n, b, nrPeriodEnd)
	if b.Sub.Status != plan.StatusFree {
		t.Fatalf("setup: b1 is %v on %v, want free", b.Sub.Status, nrPeriodEnd)
	}
	deadline := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)
	nrWant(t, "the drop", n, effs, nrEff{Kind: network.EffectIncompatible, Account: "b1",
		Rule: "NET-07", At: nrPeriodEnd, Deadline: deadline})
	nrScheduled(t, b, network.CauseBranch, deadline)
	return w, n, head, b
}

// --- NET-07 ----------------------------------------------------------------

// TestNET07_FreeBranchIncompatibleThenBlocked proves NET-07: a branch that
// drops to free, however it does, is disconnected but listed, red in the
// widget, with a deadline exactly 15 calendar days later, scheduled on the
// account itself; at the deadline, not a nanosecond before, the plan
// compatibility check blocks it, and disconnecting it unblocks it.
func TestNET07_FreeBranchIncompatibleThenBlocked(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(*network.Policy)
		// drop brings the connected branch b down to free and returns it
		// with the instant it dropped.
		setup func(w *nrWorld) lifecycle.Account
		drop  func(w *nrWorld, b lifecycle.Account) (lifecycle.Account, time.Time)
		// deadline is worked out by hand.
		deadline time.Time
	}{
		{
			name:  "cancelled, at the end of its period",
			setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Professional, plan.Monthly) },
			drop: func(w *nrWorld, b lifecycle.Account) (lifecycle.Account, time.Time) {
				b = w.plan(b, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), plan.Cancel{By: tenancy.Admin(nrBea)})
				return w.advance(b, nrPeriodEnd), nrPeriodEnd
			},
			// 2 April + 15 days.
			deadline: time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC),
		},
		{
			name:  "its grace ran out unpaid",
			setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Basic, plan.Monthly) },
			drop: func(w *nrWorld, b lifecycle.Account) (lifecycle.Account, time.Time) {
				// Unpaid from 2 April, free at 17 April 09:00 (PLAN-14).
				at := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)
				return w.advance(b, at), at
			},
			// 17 April + 15 days.
			deadline: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC),
		},
		{
			name:  "cancelled at once",
			setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Standard, plan.Annual) },
			drop: func(w *nrWorld, b lifecycle.Account) (lifecycle.Account, time.Time) {
				at := time.Date(2026, 6, 30, 23, 59, 0, 0, time.UTC)
				return w.plan(b, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), at
			},
			// 30 June + 15 days = 15 July.
			deadline: time.Date(2026, 7, 15, 23, 59, 0, 0, time.UTC),
		},
		{
			name:  "its branch trial ended",
			setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", "", 0) },
			drop: func(w *nrWorld, b lifecycle.Account) (lifecycle.Account, time.Time) {
				at := time.Date(2026, 3, 17, 10, 0, 0, 0, time.UTC) // 2 March 10:00 + 15 days
				return w.advance(b, at), at
			},
			deadline: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC),
		},
		{
			name:  "a policy of 3 days",
			edit:  func(p *network.Policy) { p.GraceDays = 3 },
			setup: func(w *nrWorld) lifecycle.Account { return w.branch("b1", plan.Standard, plan.Annual) },
			drop: func(w *nrWorld, b lifecycle.Account) (lifecycle.Account, time.Time) {
				at := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
				return w.plan(b, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), at
			},
			// 30 March + 3 days = 2 April.
			deadline: time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC),
		},
		{
			name: "in Berlin, across the change to summer time",
			setup: func(w *nrWorld) lifecycle.Account {
				a, err := w.lives.New("b1", nrBea, "eu", berlin, nrT0)
				if err != nil {
					w.t.Fatal(err)
				}
				a = w.apply(a, nrT0, lifecycle.AddUser{By: tenancy.Admin(nrBea), User: nrAda, Role: tenancy.RoleAdministrator})
				return w.buy(a, nrT0, plan.Basic, plan.Annual)
			},
			drop: func(w *nrWorld, b lifecycle.Account) (lifecycle.Account, time.Time) {
				at := time.Date(2026, 3, 20, 10, 0, 0, 0, berlin) // 09:00 UTC
				return w.plan(b, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), at
			},
			// 20 March + 15 calendar days = 4 April 10:00 in Berlin, now
			// summer time: 08:00 UTC, 14 days 23 hours later.
			deadline: time.Date(2026, 4, 4, 8, 0, 0, 0, time.UTC),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var edits []func(*network.Policy)
			if c.edit != nil {
				edits = append(edits, c.edit)
			}
			w := nrNew(t, edits...)
			n, head := w.create(w.head(plan.Annual), nrCreated)
			b, _ := w.connect(n, head, c.setup(w), nrT1)
			b, at := c.drop(w, b)
			if b.Sub.Status != plan.StatusFree {
				t.Fatalf("setup: b1 is %v at %v, want free", b.Sub.Status, at)
			}
			b, effs := w.sync(n, b, at)
			nrWant(t, "the drop", n, effs,
				nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: at, Deadline: c.deadline})
			// The block is the account's own deadline.
			nrScheduled(t, b, network.CauseBranch, c.deadline)
			if d, _ := b.NextDeadline(); !d.Equal(c.deadline) {
				t.Errorf("the account's next deadline is %v, want the block at %v", d, c.deadline)
			}
			br := nrStatus(t, n, "b1", network.Incompatible)
			nrTime(t, "Since", br.Since, at)
			nrTime(t, "Deadline", br.Deadline, c.deadline)
			if n.Active() != 0 || n.Len() != 1 {
				t.Errorf("Active %d Len %d: want 0 and 1, disconnected but listed", n.Active(), n.Len())
			}
			// The widget shows it in red with its deadline.
			wantView := []network.BranchView{{Account: "b1", Status: network.Incompatible, Red: true, Deadline: c.deadline}}
			if d := cmp.Diff(wantView, n.Widget(nrHQ).Branches); d != "" {
				t.Errorf("head's widget (-want +got):\n%s", d)
			}
			// Observing again changes nothing.
			nrWant(t, "Observe again", n, w.observe(n, b, at))

			b, effs, leffs := w.follow(n, b, c.deadline.Add(-time.Nanosecond))
			nrWant(t, "a nanosecond early", n, effs)
			if got := nrLife(leffs); len(got) != 0 {
				t.Errorf("a nanosecond early: %v", got)
			}
			nrStatus(t, n, "b1", network.Incompatible)
			b, effs, leffs = w.follow(n, b, c.deadline)
			nrWant(t, "at the deadline", n, effs,
				nrEff{Kind: network.EffectBlocked, Account: "b1", Rule: "NET-07", At: c.deadline})
			if d := cmp.Diff([]string{"block NET-07@" + c.deadline.UTC().Format(time.RFC3339)}, nrLife(leffs)); d != "" {
				t.Errorf("the account's effects at the deadline (-want +got):\n%s", d)
			}
			br = nrStatus(t, n, "b1", network.Blocked)
			nrTime(t, "blocked Since", br.Since, c.deadline)
			nrTime(t, "blocked Deadline", br.Deadline, c.deadline)
			if wv := n.Widget(nrHQ).Branches; len(wv) != 1 || !wv[0].Red {
				t.Errorf("a blocked branch is not red: %+v", wv)
			}
			if len(w.net.Project(n)) != 0 {
				t.Errorf("a block is still projected: %v", w.net.Project(n))
			}
			// The block keeps the account from being used (LIFE-08).
			if !b.BlockedFor(network.CauseBranch) || len(b.Scheduled) != 0 {
				t.Fatalf("the block was not set: %v, scheduled %v", b.Blocks, b.Scheduled)
			}
			nrWantRefusal(t, b.Usable(), lifecycle.ErrBlocked, "LIFE-08", "NET-07")
			_, _, err := w.lives.Apply(b, c.deadline, lifecycle.Login{User: nrBea})
			nrWantRefusal(t, err, lifecycle.ErrBlocked, "LIFE-08")

			// Disconnecting it unblocks it.
			out := c.deadline.Add(time.Hour)
			effs, err = w.net.Disconnect(n, head, "b1", nrAda, out)
			if err != nil {
				t.Fatal(err)
			}
			nrWant(t, "Disconnect the blocked branch", n, effs,
				nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "NET-13", At: out})
			b, leffs, err = w.net.Carry(b, effs[0], out)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff([]string{"unblock NET-07@" + out.UTC().Format(time.RFC3339)}, nrLife(leffs)); d != "" {
				t.Errorf("carrying the disconnection (-want +got):\n%s", d)
			}
			if err := b.Usable(); err != nil || b.Network != "" {
				t.Errorf("after disconnecting: Usable %v, Network %q", err, b.Network)
			}
			if n.Len() != 0 {
				t.Errorf("Len() = %d after disconnecting, want 0", n.Len())
			}
		})
	}

	// GraceDays 0 is a valid policy: the block falls with the drop itself.
	t.Run("a policy of 0 days: blocked at the drop", func(t *testing.T) {
		w := nrNew(t, func(p *network.Policy) { p.GraceDays = 0 })
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		b = w.plan(b, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true})
		b, leffs := w.align(b, at)
		if d := cmp.Diff([]string{"block NET-07@2026-03-10T09:00:00Z"}, nrLife(leffs)); d != "" {
			t.Errorf("Align (-want +got):\n%s", d)
		}
		nrWant(t, "Observe", n, w.observe(n, b, at), nrEff{Kind: network.EffectBlocked, Account: "b1", Rule: "NET-07", At: at})
		br := nrStatus(t, n, "b1", network.Blocked)
		nrTime(t, "Deadline", br.Deadline, at)
		// The head, with no branch active, lapses at once: blocked at once
		// too, so the network is disabled with no deadline left to show.
		head, effs := w.applyPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda), Now: true})
		nrWant(t, "the head lapses", n, effs,
			nrEff{Kind: network.EffectDisabled, Account: nrHQ, Rule: "NET-09", At: at},
			nrEff{Kind: network.EffectBlocked, Account: nrHQ, Rule: "NET-09", At: at})
		if !head.BlockedFor(network.CauseHead) || !n.HeadBlocked() || !n.HeadDeadline().IsZero() {
			t.Errorf("head blocked %v, network says %v, head deadline %v", head.Blocks, n.HeadBlocked(), n.HeadDeadline())
		}
	})

	t.Run("disconnecting an incompatible branch lifts its scheduled block", func(t *testing.T) {
		w, n, head, b := nrIncompatible(t)
		at := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
		effs, err := w.net.Disconnect(n, head, "b1", nrAda, at)
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "Disconnect", n, effs, nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "NET-13", At: at})
		b, leffs, err := w.net.Carry(b, effs[0], at)
		if err != nil {
			t.Fatal(err)
		}
		if got := nrLife(leffs); len(got) != 0 || len(b.Scheduled) != 0 {
			t.Errorf("carrying the disconnection: %v, scheduled %v; want the scheduled block lifted quietly", got, b.Scheduled)
		}
		if len(w.net.Project(n)) != 0 {
			t.Errorf("Project() = %v after the branch left", w.net.Project(n))
		}
		b = w.advance(b, time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC))
		if b.Blocked() {
			t.Errorf("blocked after leaving: %v", b.Blocks)
		}
	})

	t.Run("each block falls at its branch's own deadline", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		// b3 drops first, then b1, then b2, a nanosecond apart; each is
		// blocked 15 days after its drop.
		drops := []struct {
			id tenancy.AccountID
			at time.Time
		}{
			{"b3", time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)},
			{"b1", time.Date(2026, 3, 6, 18, 0, 0, 0, time.UTC)},
			{"b2", time.Date(2026, 3, 6, 18, 0, 0, 1, time.UTC)},
		}
		accs := map[tenancy.AccountID]lifecycle.Account{}
		for _, id := range []tenancy.AccountID{"b1", "b2", "b3"} {
			accs[id], _ = w.connect(n, head, w.branch(id, plan.Standard, plan.Annual), nrT1)
		}
		for _, d := range drops {
			accs[d.id], _ = w.sync(n, w.plan(accs[d.id], d.at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), d.at)
		}
		// The projection lists the blocks in time order.
		var proj []string
		for _, e := range w.net.Project(n) {
			proj = append(proj, fmt.Sprintf("%s@%s", e.Account, e.At.Format(time.RFC3339Nano)))
		}
		want := []string{"b3@2026-03-20T09:00:00Z", "b1@2026-03-21T18:00:00Z", "b2@2026-03-21T18:00:00.000000001Z"}
		if d := cmp.Diff(want, proj); d != "" {
			t.Errorf("Project (-want +got):\n%s", d)
		}
		// The service follows them late, on 23 March, and in no order.
		late := time.Date(2026, 3, 23, 9, 0, 0, 0, time.UTC)
		for _, id := range []tenancy.AccountID{"b2", "b3", "b1"} {
			var effs []network.Effect
			accs[id], effs, _ = w.follow(n, accs[id], late)
			var at time.Time
			for _, d := range drops {
				if d.id == id {
					at = d.at.AddDate(0, 0, 15)
				}
			}
			nrWant(t, "following "+string(id), n, effs, nrEff{Kind: network.EffectBlocked, Account: id, Rule: "NET-07", At: at})
			br := nrStatus(t, n, id, network.Blocked)
			nrTime(t, string(id)+" blocked Since", br.Since, at)
		}
		// The network's last change is the latest block.
		nrTime(t, "Updated", n.Updated(), time.Date(2026, 3, 21, 18, 0, 0, 1, time.UTC))
	})

	t.Run("a later drop in another zone may fall due first", func(t *testing.T) {
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		utc, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		ber, err := w.lives.New("b2", nrBea, "eu", berlin, nrT0)
		if err != nil {
			t.Fatal(err)
		}
		ber = w.buy(w.apply(ber, nrT0, nrAddAda), nrT0, plan.Basic, plan.Annual)
		ber, _ = w.connect(n, head, ber, nrT1)
		// b1 drops at 09:00 UTC on 20 March: blocked 4 April 09:00 UTC.
		// b2 drops half an hour later, 10:30 in Berlin (winter time):
		// blocked 4 April 10:30 in Berlin (summer time), 08:30 UTC,
		// before b1.
		d1 := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
		d2 := time.Date(2026, 3, 20, 10, 30, 0, 0, berlin)
		utc, _ = w.sync(n, w.plan(utc, d1, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), d1)
		ber, _ = w.sync(n, w.plan(ber, d2, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), d2)
		first := time.Date(2026, 4, 4, 8, 30, 0, 0, time.UTC)
		second := time.Date(2026, 4, 4, 9, 0, 0, 0, time.UTC)
		nrScheduled(t, ber, network.CauseBranch, first)
		nrScheduled(t, utc, network.CauseBranch, second)
		if p := w.net.Project(n); len(p) != 2 || p[0].Account != "b2" || !p[0].At.Equal(first) || p[1].Account != "b1" || !p[1].At.Equal(second) {
			t.Errorf("Project() = %v, want b2 at %v then b1 at %v", p, first, second)
		}
		noon := time.Date(2026, 4, 4, 12, 0, 0, 0, time.UTC)
		_, e1, _ := w.follow(n, utc, noon)
		_, e2, _ := w.follow(n, ber, noon)
		nrWant(t, "b1 at noon", n, e1, nrEff{Kind: network.EffectBlocked, Account: "b1", Rule: "NET-07", At: second})
		nrWant(t, "b2 at noon", n, e2, nrEff{Kind: network.EffectBlocked, Account: "b2", Rule: "NET-07", At: first})
	})

	// A deleted branch has nothing left to connect: observing it unlists
	// it, and with it its deadline; its subscription ended (LIFE-05).
	t.Run("a deleted branch is unlisted", func(t *testing.T) {
		w, n, _, b := nrIncompatible(t)
		at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
		b = w.apply(b, at, lifecycle.Delete{By: tenancy.Service(), Confirm: "b1"})
		if len(b.Scheduled) != 0 || b.Network != "" {
			t.Errorf("deleted: scheduled %v, network %q", b.Scheduled, b.Network)
		}
		b, effs := w.sync(n, b, at)
		nrWant(t, "Observe the deletion", n, effs,
			nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "LIFE-05", At: at})
		if n.Len() != 0 || len(w.net.Project(n)) != 0 {
			t.Errorf("Len() = %d, Project() = %v after the branch was deleted", n.Len(), w.net.Project(n))
		}
		// It is no member any more: Observe refuses it, and its standing
		// delivered again changes nothing.
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Observe(n, b, at) }, network.ErrNotMember, "NET-04")
		s := w.net.StandingOf(b)
		s.Network = nrHQ
		if effs, err := w.net.Deliver(n, s); err != nil || len(effs) != 0 {
			t.Errorf("delivering the deletion again: %v, %v", effs, err)
		}
		if b.Sub.Status != plan.StatusFree {
			t.Errorf("the deleted branch's subscription is %v, want ended on free", b.Sub.Status)
		}
		if d, ok := b.Sub.NextDeadline(); ok {
			t.Errorf("the deleted branch's subscription has a deadline %v", d)
		}
	})
}

// TestNET07_DeadlineFromTheAccountsChange proves that the 15 days of NET-07
// count from the account's change, not from when the network hears of it:
// the block is scheduled on the account by Align, the network only shows
// it. Standings of different branches may reach the network in any order,
// an older one after a newer one; a repeated or older standing of the same
// branch changes nothing.
func TestNET07_DeadlineFromTheAccountsChange(t *testing.T) {
	t.Run("observed a day late: blocked 15 days after the drop", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Monthly), nrT1)
		b = w.plan(b, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), plan.Cancel{By: tenancy.Admin(nrBea)})
		// b1 drops to free on 2 April 09:00; the service hears of it on
		// 3 April 09:00 only.
		late := nrPeriodEnd.AddDate(0, 0, 1)
		b = w.advance(b, late)
		if b.Sub.Status != plan.StatusFree || !b.Sub.FreeSince.Equal(nrPeriodEnd) {
			t.Fatalf("setup: %v since %v", b.Sub.Status, b.Sub.FreeSince)
		}
		deadline := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC) // 2 April + 15 days
		b, _ = w.align(b, late)
		nrScheduled(t, b, network.CauseBranch, deadline)
		s := w.net.StandingOf(b)
		if s.Level != network.LevelFree || !s.Deadline.Equal(deadline) || s.Blocked || !s.At.Equal(late) {
			t.Errorf("StandingOf = %+v; want free at %v, blocked at %v", s, late, deadline)
		}
		nrWant(t, "Observe", n, w.observe(n, b, late),
			nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: late, Deadline: deadline})
		_, effs, leffs := w.follow(n, b, deadline.AddDate(0, 0, 1))
		nrWant(t, "follow", n, effs, nrEff{Kind: network.EffectBlocked, Account: "b1", Rule: "NET-07", At: deadline})
		if d := cmp.Diff([]string{"block NET-07@2026-04-17T09:00:00Z"}, nrLife(leffs)); d != "" {
			t.Errorf("the account's block (-want +got):\n%s", d)
		}
	})

	t.Run("an earlier standing after a later one of another branch", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b1, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		b2, _ := w.connect(n, head, w.branch("b2", plan.Basic, plan.Annual), nrT1)
		at1 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		at2 := time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC)
		b1, _ = w.align(w.plan(b1, at1, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), at1)
		b2, _ = w.align(w.plan(b2, at2, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), at2)
		s1, s2 := w.net.StandingOf(b1), w.net.StandingOf(b2)
		effs2, err := w.net.Deliver(n, s2)
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "b2's standing", n, effs2, nrEff{Kind: network.EffectIncompatible, Account: "b2", Rule: "NET-07", At: at2,
			Deadline: time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)})
		// b1's standing is older than the network's last change: it
		// applies as of its own time.
		effs1, err := w.net.Deliver(n, s1)
		if err != nil {
			t.Fatalf("an older standing of another branch: %v", err)
		}
		nrWant(t, "b1's standing", n, effs1, nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: at1,
			Deadline: time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)})
		br := nrStatus(t, n, "b1", network.Incompatible)
		nrTime(t, "b1 Since", br.Since, at1)
		nrTime(t, "Updated", n.Updated(), at2)
		nrCheck(t, n)
		// The same effects, with the same IDs, whichever order the
		// standings come in.
		w2 := nrNew(t)
		n2, head2 := w2.create(w2.head(plan.Annual), nrCreated)
		w2.connect(n2, head2, w2.branch("b1", plan.Basic, plan.Annual), nrT1)
		w2.connect(n2, head2, w2.branch("b2", plan.Basic, plan.Annual), nrT1)
		first, _ := w2.net.Deliver(n2, s1)
		second, _ := w2.net.Deliver(n2, s2)
		if len(first) != 1 || len(second) != 1 || first[0].ID() != effs1[0].ID() || second[0].ID() != effs2[0].ID() {
			t.Errorf("in the other order: %v, %v", first, second)
		}
		if nrSnap(t, n2) != nrSnap(t, n) {
			t.Errorf("the order of delivery changed the network:\n%s\n%s", nrSnap(t, n), nrSnap(t, n2))
		}
	})

	t.Run("a repeated or older standing of the same branch changes nothing", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		commercial := w.net.StandingOf(b)
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		b, effs := w.sync(n, w.plan(b, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), at)
		nrWant(t, "the drop", n, effs, nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: at,
			Deadline: time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)})
		before := nrSnap(t, n)
		for _, s := range []network.Standing{w.net.StandingOf(b), commercial} {
			effs, err := w.net.Deliver(n, s)
			if err != nil || len(effs) != 0 {
				t.Errorf("delivering %+v again: %v, %v; want nothing", s, effs, err)
			}
			if after := nrSnap(t, n); after != before {
				t.Errorf("a stale standing changed the network:\n%s\n%s", before, after)
			}
		}
		nrStatus(t, n, "b1", network.Incompatible)
		// Observe, given the stale account, says nothing either.
		nrWant(t, "Observe an older account", n, w.observe(n, w.branch("b1", plan.Basic, plan.Annual), at))
	})
}

// nrAddAda has bea add ada as an administrator.
var nrAddAda = lifecycle.AddUser{By: tenancy.Admin(nrBea), User: nrAda, Role: tenancy.RoleAdministrator}

// --- NET-08 ----------------------------------------------------------------

// TestNET08_CommercialAgainReconnects proves NET-08: an incompatible or
// blocked branch that buys a commercial plan returns to the connected list,
// and a blocked one is unblocked by the account's Align; the old deadline
// never falls.
func TestNET08_CommercialAgainReconnects(t *testing.T) {
	deadline := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		at      time.Time
		plan    plan.PlanID
		blocked bool
	}{
		{name: "incompatible, buys Basic", at: time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC), plan: plan.Basic},
		{name: "incompatible, buys Enterprise a nanosecond before the block", at: deadline.Add(-time.Nanosecond), plan: plan.Enterprise},
		{name: "blocked, buys Standard", at: time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC), plan: plan.Standard, blocked: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, n, _, b := nrIncompatible(t)
			b, _, _ = w.follow(n, b, c.at)
			if b.BlockedFor(network.CauseBranch) != c.blocked {
				t.Fatalf("setup: b1 blocked %v, want %v", b.Blocks, c.blocked)
			}
			buy := plan.Purchase{By: tenancy.Admin(nrBea), Plan: c.plan, Period: plan.Monthly}
			before := nrSnap(t, n)
			pacc, pleffs, preview, err := w.net.PreviewPlan(n, b, c.at, buy)
			if err != nil || nrSnap(t, n) != before {
				t.Fatalf("PreviewPlan: %v; changed the network: %v", err, nrSnap(t, n) != before)
			}
			b2, leffs, effs, err := w.net.ApplyPlan(n, b, c.at, buy)
			if err != nil {
				t.Fatal(err)
			}
			nrCheck(t, n)
			// The preview shows the very effects, with the same IDs, and
			// the very account.
			if d := cmp.Diff(preview, effs); d != "" {
				t.Errorf("preview differs from the purchase (-preview +applied):\n%s", d)
			}
			if !cmp.Equal(pacc, b2) || !cmp.Equal(pleffs, leffs) {
				t.Errorf("the preview's account or its effects differ from the purchase's")
			}
			nrWant(t, "Purchase", n, effs, nrEff{Kind: network.EffectReconnected, Account: "b1", Rule: "NET-08", At: c.at})
			var wantLife []string
			if c.blocked {
				wantLife = []string{"unblock NET-07@" + c.at.UTC().Format(time.RFC3339)}
			}
			if d := cmp.Diff(wantLife, nrLife(leffs), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("the account's effects (-want +got):\n%s", d)
			}
			b = b2
			br := nrStatus(t, n, "b1", network.Connected)
			nrTime(t, "Since", br.Since, c.at)
			if !br.Deadline.IsZero() || n.Active() != 1 {
				t.Errorf("reconnected: Deadline %v Active %d, want none and 1", br.Deadline, n.Active())
			}
			if err := b.Usable(); err != nil || len(b.Scheduled) != 0 {
				t.Errorf("the reconnected branch: usable %v, scheduled %v", err, b.Scheduled)
			}
			if d := cmp.Diff([]network.BranchView{{Account: "b1", Status: network.Connected}}, n.Widget(nrHQ).Branches); d != "" {
				t.Errorf("head's widget (-want +got):\n%s", d)
			}
			// The old deadline no longer falls.
			b, effs, leffs = w.follow(n, b, deadline.AddDate(0, 0, 10))
			nrWant(t, "past the old deadline", n, effs)
			if got := nrLife(leffs); len(got) != 0 {
				t.Errorf("past the old deadline: %v", got)
			}
			nrStatus(t, n, "b1", network.Connected)
		})
	}

	// Any trial keeps a branch in the network: an incompatible branch
	// that starts its ordinary trial is on trial, its block lifted; when
	// the trial ends it is incompatible again, 15 days from then (NET-06,
	// NET-07).
	t.Run("a trial puts it back on trial", func(t *testing.T) {
		w, n, _, b := nrIncompatible(t)
		at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
		b, effs := w.applyPlan(n, b, at, plan.StartTrial{By: tenancy.Admin(nrBea)})
		if b.Sub.Status != plan.StatusTrial {
			t.Fatalf("setup: %v, want a trial", b.Sub.Status)
		}
		nrWant(t, "StartTrial", n, effs, nrEff{Kind: network.EffectReconnected, Account: "b1", Rule: "NET-08", At: at})
		nrStatus(t, n, "b1", network.OnTrial)
		nrScheduled(t, b, network.CauseBranch, time.Time{})
		// The trial runs 15 days, to 20 April 09:00; blocked 5 May.
		end := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
		b, effs, _ = w.follow(n, b, end)
		again := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
		nrWant(t, "the trial ends", n, effs, nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: end, Deadline: again})
		nrScheduled(t, b, network.CauseBranch, again)
	})

	t.Run("preview of the purchase commits nothing", func(t *testing.T) {
		w, n, _, b := nrIncompatible(t)
		at := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
		before := nrSnap(t, n)
		out, leffs, effs, err := w.net.PreviewPlan(n, b, at, plan.Purchase{By: tenancy.Admin(nrBea), Plan: plan.Basic, Period: plan.Monthly})
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "PreviewPlan", n, effs, nrEff{Kind: network.EffectReconnected, Account: "b1", Rule: "NET-08", At: at})
		if out.Sub.Plan != plan.Basic || len(leffs) == 0 || len(out.Scheduled) != 0 {
			t.Errorf("preview: plan %s, %d account effects, scheduled %v; want basic, its purchase, none", out.Sub.Plan, len(leffs), out.Scheduled)
		}
		if nrSnap(t, n) != before {
			t.Errorf("PreviewPlan changed the network")
		}
		// The committed purchase identifies its effect as the preview did.
		_, _, got, err := w.net.ApplyPlan(n, b, at, plan.Purchase{By: tenancy.Admin(nrBea), Plan: plan.Basic, Period: plan.Monthly})
		if err != nil || len(got) != 1 || got[0].ID() != effs[0].ID() {
			t.Errorf("ApplyPlan gave %v, %v; want the previewed %v", got, err, effs)
		}
	})
}

// nrDisabled returns a world with hq, on Enterprise monthly since nrT0,
// heading a network with b1 connected on Professional annual; the head did
// not pay its second period: in grace from 2 April, on free from 17 April
// 09:00, followed there: the network is disabled and the head's block is
// scheduled for 2 May 09:00.
func nrDisabled(t testing.TB) (*nrWorld, *network.Network, lifecycle.Account, lifecycle.Account) {
	t.Helper()
	w := nrNew(t)
	n, head := w.create(w.head(plan.Monthly), nrCreated)
	b, _ := w.connect(n, head, w.branch("b1", plan.Professional, plan.Annual), nrT1)
	// In grace the head keeps Enterprise: nothing changes (NET-10's note).
	head, effs, _ := w.follow(n, head, nrPeriodEnd)
	if head.Sub.Status != plan.StatusGrace {
		t.Fatalf("setup: head %v on 2 April, want grace", head.Sub.Status)
	}
	nrWant(t, "the head in grace", n, effs)
	lapse := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)
	head, effs, _ = w.follow(n, head, lapse)
	if head.Sub.Status != plan.StatusFree {
		t.Fatalf("setup: head %v on 17 April, want free", head.Sub.Status)
	}
	block := time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
	nrWant(t, "the lapse", n, effs, nrEff{Kind: network.EffectDisabled, Account: nrHQ,
		Rule: "NET-09", At: lapse, Deadline: block})
	nrScheduled(t, head, network.CauseHead, block)
	return w, n, head, b
}

// --- NET-09 ----------------------------------------------------------------

// TestNET09_HeadLapse proves NET-09: a head that lapses from Enterprise,
// unpaid or cancelled, disables the network and hides the widget at every
// branch; 15 days later the head is blocked; Enterprise again resumes the
// network and lifts the block. A preview shows the consequence without
// committing it.
func TestNET09_HeadLapse(t *testing.T) {
	headDeadline := time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC) // 17 April + 15 days

	t.Run("unpaid: disabled, hidden, blocked, resumed", func(t *testing.T) {
		w, n, head, _ := nrDisabled(t)
		if n.Status() != network.Disabled {
			t.Fatalf("Status() = %v, want disabled", n.Status())
		}
		nrTime(t, "HeadDeadline", n.HeadDeadline(), headDeadline)
		// Hidden at the branch, shown to the head with its deadline; the
		// branches stay listed as they were.
		if wb := n.Widget("b1"); wb.Visible || wb.Status != network.Disabled || len(wb.Branches) != 0 || !wb.HeadDeadline.IsZero() {
			t.Errorf("widget at b1: %+v; want hidden, disabled, no list, no deadline", wb)
		}
		wh := n.Widget(nrHQ)
		if !wh.Visible || !wh.HeadDeadline.Equal(headDeadline) || len(wh.Branches) != 1 || wh.Branches[0].Status != network.Connected {
			t.Errorf("widget at hq: %+v", wh)
		}
		if p := w.net.Project(n); len(p) != 1 || p[0].Account != nrHQ || p[0].Rule != "NET-09" || !p[0].At.Equal(headDeadline) {
			t.Errorf("Project() = %v, want the head's block at %v", p, headDeadline)
		}
		// No branch joins a disabled network.
		b2 := w.branch("b2", plan.Basic, plan.Annual)
		nrRefuse(t, n, func() ([]network.Effect, error) {
			return w.net.Connect(n, head, b2, nrAda, time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC))
		}, network.ErrDisabled, "NET-09")

		head, effs, leffs := w.follow(n, head, headDeadline.Add(-time.Nanosecond))
		nrWant(t, "a nanosecond early", n, effs)
		if got := nrLife(leffs); len(got) != 0 {
			t.Errorf("a nanosecond early: %v", got)
		}
		head, effs, leffs = w.follow(n, head, headDeadline)
		nrWant(t, "at the deadline", n, effs, nrEff{Kind: network.EffectBlocked, Account: nrHQ, Rule: "NET-09", At: headDeadline})
		if d := cmp.Diff([]string{"block NET-09@2026-05-02T09:00:00Z"}, nrLife(leffs)); d != "" {
			t.Errorf("the head's block (-want +got):\n%s", d)
		}
		if !n.HeadBlocked() || !n.HeadDeadline().IsZero() {
			t.Errorf("HeadBlocked %v HeadDeadline %v; want true, none", n.HeadBlocked(), n.HeadDeadline())
		}
		nrWantRefusal(t, head.Usable(), lifecycle.ErrBlocked, "LIFE-08", "NET-09")

		// Enterprise again on 4 May: unblocked and resumed.
		at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		head, leffs, effs, err := w.net.ApplyPlan(n, head, at, plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Enterprise, Period: plan.Monthly})
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "Enterprise again", n, effs, nrEff{Kind: network.EffectResumed, Account: nrHQ, Rule: "NET-09", At: at})
		if d := cmp.Diff([]string{"unblock NET-09@2026-05-04T09:00:00Z"}, nrLife(leffs)); d != "" {
			t.Errorf("the head's unblock (-want +got):\n%s", d)
		}
		if err := head.Usable(); err != nil {
			t.Errorf("the head is not usable after resuming: %v", err)
		}
		if n.Status() != network.Operating || n.HeadBlocked() || !n.HeadDeadline().IsZero() {
			t.Errorf("Status %v HeadBlocked %v HeadDeadline %v", n.Status(), n.HeadBlocked(), n.HeadDeadline())
		}
		if wb := n.Widget("b1"); !wb.Visible || wb.Status != network.Operating {
			t.Errorf("widget at b1 after resuming: %+v", wb)
		}
	})

	t.Run("Enterprise again before the deadline: no block ever", func(t *testing.T) {
		w, n, head, _ := nrDisabled(t)
		at := headDeadline.Add(-time.Nanosecond)
		head, effs := w.applyPlan(n, head, at, plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Enterprise, Period: plan.Annual})
		nrWant(t, "Enterprise again", n, effs, nrEff{Kind: network.EffectResumed, Account: nrHQ, Rule: "NET-09", At: at})
		nrScheduled(t, head, network.CauseHead, time.Time{})
		head, effs, _ = w.follow(n, head, headDeadline.AddDate(0, 1, 0))
		nrWant(t, "past the old deadline", n, effs)
		if n.HeadBlocked() || head.Blocked() {
			t.Errorf("the head was blocked after resuming")
		}
	})

	// While branches are connected, a lapsed head takes only Enterprise
	// (NET-10); with none connected it may buy a lesser plan, and pays:
	// the network stays disabled, but the head is never blocked (the 15
	// days are for a head that does not pay).
	t.Run("a lesser plan does not resume, and is never blocked", func(t *testing.T) {
		w, n, head, b := nrDisabled(t)
		at := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
		pro := plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Professional, Period: plan.Annual}
		nrRefuse(t, n, func() ([]network.Effect, error) {
			_, _, effs, err := w.net.ApplyPlan(n, head, at, pro)
			return effs, err
		}, network.ErrHeadLocked, "NET-10")
		w.disconnect(n, head, b, at)
		head, effs := w.applyPlan(n, head, at, pro)
		nrWant(t, "Professional", n, effs, nrEff{Kind: network.EffectDisabled, Account: nrHQ, Rule: "NET-09", At: at})
		if n.Status() != network.Disabled || !n.HeadDeadline().IsZero() {
			t.Errorf("Status %v HeadDeadline %v; want disabled, none", n.Status(), n.HeadDeadline())
		}
		nrScheduled(t, head, network.CauseHead, time.Time{})
		head, effs, _ = w.follow(n, head, headDeadline.AddDate(0, 1, 0))
		nrWant(t, "past the old deadline", n, effs)
		if head.Blocked() || n.HeadBlocked() {
			t.Errorf("a paying head was blocked: %v", head.Blocks)
		}
	})

	t.Run("paid in grace: never disabled", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Monthly), nrCreated)
		w.connect(n, head, w.branch("b1", plan.Professional, plan.Annual), nrT1)
		head, _, _ = w.follow(n, head, nrPeriodEnd)
		at := time.Date(2026, 4, 16, 9, 0, 0, 0, time.UTC)
		head, effs := w.applyPlan(n, head, at, plan.RecordPayment{By: tenancy.Service(), Amount: head.Sub.Due})
		nrWant(t, "RecordPayment", n, effs)
		_, effs, _ = w.follow(n, head, headDeadline)
		nrWant(t, "after grace would have ended", n, effs)
		if n.Status() != network.Operating {
			t.Errorf("Status() = %v, want operating", n.Status())
		}
	})

	t.Run("cancelled without active branches: lapses at the period's end", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Monthly), nrCreated)
		// b1 is listed but incompatible: it does not lock the head's plan
		// (NET-10), and still sees the widget hidden when disabled.
		b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		drop := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
		b, _ = w.sync(n, w.plan(b, drop, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), drop)
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		before := nrSnap(t, n)
		prev, _, effs, err := w.net.PreviewPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda)})
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "PreviewPlan of the cancellation", n, effs)
		if prev.Sub.Pending.Kind != plan.ChangeCancel || nrSnap(t, n) != before {
			t.Errorf("preview: pending %v, network changed %v", prev.Sub.Pending.Kind, nrSnap(t, n) != before)
		}
		head, effs = w.applyPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda)})
		nrWant(t, "Cancel", n, effs)
		// b1 is blocked on 20 March, as its own deadline.
		_, effs, _ = w.follow(n, b, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC))
		nrWant(t, "b1's block", n, effs, nrEff{Kind: network.EffectBlocked, Account: "b1", Rule: "NET-07", At: time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)})
		// Enterprise until 2 April 09:00; a nanosecond before, nothing.
		head, effs, _ = w.follow(n, head, nrPeriodEnd.Add(-time.Nanosecond))
		nrWant(t, "before the end", n, effs)
		_, effs, _ = w.follow(n, head, nrPeriodEnd)
		nrWant(t, "at the end", n, effs, nrEff{Kind: network.EffectDisabled,
			Account: nrHQ, Rule: "NET-09", At: nrPeriodEnd, Deadline: time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)})
		if wb := n.Widget("b1"); wb.Visible {
			t.Errorf("the widget shows at a blocked branch of a disabled network")
		}
	})

	t.Run("preview of a lapse at once shows the deadline and commits nothing", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		before := nrSnap(t, n)
		// A move down waits for the end of the paid period (PLAN-03):
		// nothing happens to the network now.
		_, _, effs, err := w.net.PreviewPlan(n, head, at, plan.ChangePlan{By: tenancy.Admin(nrAda), Plan: plan.Professional, Period: plan.Annual})
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "PreviewPlan of a downgrade", n, effs)
		// Cancelling at once lapses now: disabled, blocked 15 days later,
		// 25 March 09:00.
		out, _, effs, err := w.net.PreviewPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda), Now: true})
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "PreviewPlan of a cancellation at once", n, effs, nrEff{Kind: network.EffectDisabled, Account: nrHQ,
			Rule: "NET-09", At: at, Deadline: time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)})
		if out.Sub.Status != plan.StatusFree {
			t.Errorf("preview: the head is %v, want free", out.Sub.Status)
		}
		nrScheduled(t, out, network.CauseHead, time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC))
		if nrSnap(t, n) != before || n.Status() != network.Operating {
			t.Errorf("PreviewPlan changed the network: %s", nrSnap(t, n))
		}
		// In grace nothing is paid, so a move down to free drops the head
		// at once (PLAN-04, PLAN-14): on 5 April, blocked 20 April.
		w2 := nrNew(t)
		n2, head2 := w2.create(w2.head(plan.Monthly), nrCreated)
		grace := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
		head2, _, _ = w2.follow(n2, head2, grace)
		before2 := nrSnap(t, n2)
		out2, _, effs, err := w2.net.PreviewPlan(n2, head2, grace, plan.ChangePlan{By: tenancy.Admin(nrAda), Plan: plan.Free})
		if err != nil {
			t.Fatal(err)
		}
		nrWant(t, "PreviewPlan of a move to free in grace", n2, effs, nrEff{Kind: network.EffectDisabled, Account: nrHQ,
			Rule: "NET-09", At: grace, Deadline: time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)})
		if out2.Sub.Status != plan.StatusFree || head2.Sub.Status != plan.StatusGrace || nrSnap(t, n2) != before2 {
			t.Errorf("preview: head %v (was %v), network changed %v", out2.Sub.Status, head2.Sub.Status, nrSnap(t, n2) != before2)
		}
		// Committing the downgrade: the network is disabled when it
		// applies, on 2 March 2027 09:00; the head pays for Professional,
		// so it has no deadline.
		head, effs = w.applyPlan(n, head, at, plan.ChangePlan{By: tenancy.Admin(nrAda), Plan: plan.Professional, Period: plan.Annual})
		nrWant(t, "the downgrade", n, effs)
		end := time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC)
		head, effs, _ = w.follow(n, head, end)
		if head.Sub.Plan != plan.Professional {
			t.Fatalf("setup: head on %s on %v, want professional", head.Sub.Plan, end)
		}
		nrWant(t, "the downgrade applies", n, effs, nrEff{Kind: network.EffectDisabled, Account: nrHQ, Rule: "NET-09", At: end})
	})
}

// TestNET09_ProfessionalHeadIsNotBlocked proves the NET-09 reading of "does
// not pay": a head that disconnected every branch and moved down to
// Professional, without dissolving its network, keeps paying. Its network
// is disabled, with no head deadline, and 15 days later (or a year later)
// the head is not blocked; only once it stops paying does its 15 days
// start.
func TestNET09_ProfessionalHeadIsNotBlocked(t *testing.T) {
	w := nrNew(t)
	n, head := w.create(w.head(plan.Monthly), nrCreated)
	b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	w.disconnect(n, head, b, at)
	head, effs := w.applyPlan(n, head, at, plan.ChangePlan{By: tenancy.Admin(nrAda), Plan: plan.Professional, Period: plan.Monthly})
	nrWant(t, "the downgrade, pending", n, effs)
	// The downgrade applies at the end of the period, 2 April 09:00, and
	// the billing service records the payment for it.
	head, effs, _ = w.follow(n, head, nrPeriodEnd)
	nrWant(t, "on Professional", n, effs, nrEff{Kind: network.EffectDisabled, Account: nrHQ, Rule: "NET-09", At: nrPeriodEnd})
	head, effs = w.applyPlan(n, head, nrPeriodEnd, plan.RecordPayment{By: tenancy.Service(), Amount: head.Sub.Due})
	nrWant(t, "paid", n, effs)
	if head.Sub.Plan != plan.Professional || head.Sub.Status != plan.StatusActive {
		t.Fatalf("setup: the head is %s %v", head.Sub.Plan, head.Sub.Status)
	}
	if n.Status() != network.Disabled || !n.HeadDeadline().IsZero() || len(w.net.Project(n)) != 0 {
		t.Errorf("Status %v HeadDeadline %v Project %v; want disabled, no deadline, nothing projected", n.Status(), n.HeadDeadline(), w.net.Project(n))
	}
	// Align schedules no block on a paying head.
	head, leffs := w.align(head, nrPeriodEnd)
	nrScheduled(t, head, network.CauseHead, time.Time{})
	if len(leffs) != 0 {
		t.Errorf("Align on a Professional head: %v", leffs)
	}
	if wh := n.Widget(nrHQ); !wh.Visible || !wh.HeadDeadline.IsZero() {
		t.Errorf("the head's widget: %+v", wh)
	}
	// 15 days later it is not blocked.
	head, effs, _ = w.follow(n, head, time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC))
	nrWant(t, "15 days later", n, effs)
	if head.Blocked() || n.HeadBlocked() {
		t.Fatalf("the Professional head was blocked: %v", head.Blocks)
	}
	// It cancels (no branch is connected: NET-10 allows it) and drops to
	// free on 2 May 09:00; blocked 17 May.
	head, _ = w.applyPlan(n, head, time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC), plan.Cancel{By: tenancy.Admin(nrAda)})
	lapse := time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
	block := time.Date(2026, 5, 17, 9, 0, 0, 0, time.UTC)
	head, effs, _ = w.follow(n, head, lapse)
	nrWant(t, "the lapse", n, effs, nrEff{Kind: network.EffectDisabled, Account: nrHQ, Rule: "NET-09", At: lapse, Deadline: block})
	_, effs, _ = w.follow(n, head, block)
	nrWant(t, "its block", n, effs, nrEff{Kind: network.EffectBlocked, Account: nrHQ, Rule: "NET-09", At: block})
}

// --- NET-10 ----------------------------------------------------------------

// TestNET10_HeadPlanLocked proves NET-10: while branches are connected (or
// on trial), the head's administrator cannot change, cancel or stop renewing
// the head's plan; payments and add-ons go on; once every branch is
// disconnected, or none is active, the plan changes. The head's account
// alone cannot tell, so a plain plan command that would change a head's
// plan is refused by the account too.
func TestNET10_HeadPlanLocked(t *testing.T) {
	ada := tenancy.Admin(nrAda)
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	locked := []plan.Command{
		plan.ChangePlan{By: ada, Plan: plan.Professional, Period: plan.Monthly},
		plan.ChangePlan{By: ada, Plan: plan.Enterprise, Period: plan.Annual},
		plan.ChangePlan{By: ada, Plan: plan.Free},
		plan.Cancel{By: ada, Reason: "too dear"},
		plan.Cancel{By: ada, Now: true},
		plan.SetAutoRenew{By: ada, On: false},
	}
	for _, branchPlan := range []plan.PlanID{plan.Basic, ""} {
		name := "a connected branch"
		if branchPlan == "" {
			name = "a branch on trial"
		}
		t.Run(name, func(t *testing.T) {
			w := nrNew(t)
			n, head := w.create(w.head(plan.Monthly), nrCreated)
			b, _ := w.connect(n, head, w.branch("b1", branchPlan, plan.Annual), nrT1)
			for _, cmd := range locked {
				err := w.net.CheckPlan(n, head, cmd)
				nrWantRefusal(t, err, network.ErrHeadLocked, "NET-10", "1 branch is connected", "disconnect")
				if hp, ok := w.net.PlanCommand(n, head, cmd).(lifecycle.HeadPlan); !ok || hp.Connected != 1 {
					t.Errorf("PlanCommand(%T) = %#v, want a HeadPlan with 1 connected", cmd, w.net.PlanCommand(n, head, cmd))
				}
				for _, preview := range []bool{false, true} {
					var out lifecycle.Account
					nrRefuse(t, n, func() ([]network.Effect, error) {
						var effs []network.Effect
						var err error
						if preview {
							out, _, effs, err = w.net.PreviewPlan(n, head, at, cmd)
						} else {
							out, _, effs, err = w.net.ApplyPlan(n, head, at, cmd)
						}
						return effs, err
					}, network.ErrHeadLocked, "NET-10")
					if !cmp.Equal(out, head) {
						t.Errorf("%T refused, yet the head changed", cmd)
					}
				}
				// The account refuses it too, told nothing of its
				// branches.
				_, _, err = w.lives.Apply(head, at, lifecycle.Plan{Cmd: cmd})
				nrWantRefusal(t, err, network.ErrHeadLocked, "NET-10")
			}

			// Payments and add-ons are not plan changes: renewal opens
			// on 3 March, 30 days before 2 April.
			h2, _ := w.applyPlan(n, head, at, plan.Renew{By: tenancy.Service()})
			if !h2.Sub.Renewal.IsPositive() {
				t.Errorf("Renew did not pay the next period")
			}
			w.applyPlan(n, head, at, plan.BuyTelephonyCredits{By: ada, Amount: decimal.NewFromInt(20)})
			// Auto-renewal already on: refused by PLAN-04, not NET-10.
			_, _, _, err := w.net.ApplyPlan(n, head, at, plan.SetAutoRenew{By: ada, On: true})
			nrWantRefusal(t, err, plan.ErrStatus, "PLAN-04")
			// Someone who may not change plans at all hears PLAN-02 first.
			_, _, _, err = w.net.ApplyPlan(n, head, at, plan.Cancel{By: tenancy.Employee(nrAda)})
			nrWantRefusal(t, err, tenancy.ErrUnauthorized, "PLAN-02")

			// A payment in grace (2 to 17 April).
			grace := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
			head, _, _ = w.follow(n, head, grace)
			if branchPlan == "" {
				// The branch trial ended on 17 March: b1 is incompatible
				// and no longer locks the head's plan.
				b, _, _ = w.follow(n, b, grace)
				if n.Active() != 0 {
					t.Fatalf("setup: %d branches active", n.Active())
				}
				if err := w.net.CheckPlan(n, head, locked[0]); err != nil {
					t.Errorf("CheckPlan with only an incompatible branch: %v", err)
				}
			}
			head, effs := w.applyPlan(n, head, grace, plan.RecordPayment{By: tenancy.Service(), Amount: head.Sub.Due})
			nrWant(t, "RecordPayment", n, effs)
			if head.Sub.Status != plan.StatusActive {
				t.Errorf("after the payment the head is %v", head.Sub.Status)
			}

			// Every branch disconnected: the plan changes.
			w.disconnect(n, head, b, grace)
			if err := w.net.CheckPlan(n, head, locked[0]); err != nil {
				t.Errorf("CheckPlan with no branch: %v", err)
			}
			head, effs = w.applyPlan(n, head, grace, locked[0])
			nrWant(t, "a downgrade with no branch", n, effs)
			if head.Sub.Pending.Kind != plan.ChangeDowngrade {
				t.Errorf("pending %v, want a downgrade", head.Sub.Pending.Kind)
			}
		})
	}

	t.Run("two branches: the message counts them", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		w.connect(n, head, w.branch("b2", "", 0), nrT1)
		nrWantRefusal(t, w.net.CheckPlan(n, head, locked[3]), network.ErrHeadLocked, "NET-10", "2 branches are connected")
	})

	t.Run("only incompatible branches: not locked", func(t *testing.T) {
		w, n, head, _ := nrIncompatible(t)
		at := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
		_, effs := w.applyPlan(n, head, at, plan.Cancel{By: ada})
		nrWant(t, "Cancel", n, effs)
	})

	t.Run("a branch's plan is never locked", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		for _, cmd := range locked {
			if err := w.net.CheckPlan(n, b, cmd); err != nil {
				t.Errorf("CheckPlan(b1, %T): %v", cmd, err)
			}
		}
	})
}

// --- NET-11 ----------------------------------------------------------------

// TestNET11_NoTransfer proves NET-11: branches move to a new head by being
// disconnected and connected again; a head with a network of its own does
// not join another as a branch; a network is dissolved only once it lists
// no branch, and is then closed for good.
func TestNET11_NoTransfer(t *testing.T) {
	w := nrNew(t)
	n1, hq := w.create(w.head(plan.Annual), nrCreated)
	hq2 := w.apply(w.buy(w.account("hq2", "zoe", nrT0), nrT0, plan.Enterprise, plan.Annual), nrT0,
		lifecycle.AddUser{By: tenancy.Admin("zoe"), User: nrAda, Role: tenancy.RoleAdministrator})
	hq = w.apply(hq, nrT1, lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "zoe", Role: tenancy.RoleAdministrator})
	n2, hq2 := w.create(hq2, nrCreated)
	b1, _ := w.connect(n1, hq, w.branch("b1", plan.Professional, plan.Annual), nrT1)
	b2, _ := w.connect(n1, hq, w.branch("b2", plan.Basic, plan.Annual), nrT1)

	at := time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC)
	// hq heads n1: it joins n2 only after n1 is dissolved.
	nrRefuse(t, n2, func() ([]network.Effect, error) { return w.net.Connect(n2, hq2, hq, nrAda, at) },
		network.ErrInNetwork, "NET-11", "dissolve")
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Dissolve(n1, hq, nrAda, at) },
		tenancy.ErrRefused, "NET-11", "2 branches")
	// No transfer: a listed branch is refused by the other network.
	nrRefuse(t, n2, func() ([]network.Effect, error) { return w.net.Connect(n2, hq2, b1, nrAda, at) },
		network.ErrInNetwork, "NET-04")

	for _, b := range []*lifecycle.Account{&b1, &b2} {
		*b, _ = w.disconnect(n1, hq, *b, at)
		var effs []network.Effect
		*b, effs = w.connect(n2, hq2, *b, at)
		nrWant(t, "connect to hq2", n2, effs, nrConnected(b.ID, at)...)
		if b.Network != "hq2" {
			t.Errorf("%s is in network %q, want hq2", b.ID, b.Network)
		}
	}
	if n1.Len() != 0 || n2.Len() != 2 || n2.Active() != 2 {
		t.Errorf("n1 len %d; n2 len %d active %d", n1.Len(), n2.Len(), n2.Active())
	}

	// Only hq's administrator dissolves n1, named as its head.
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Dissolve(n1, hq, "eve", at) },
		tenancy.ErrUnauthorized, "NET-13")
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Dissolve(n1, hq2, nrAda, at) },
		network.ErrNotMember, "NET-11")
	effs, err := w.net.Dissolve(n1, hq, "zoe", at)
	if err != nil {
		t.Fatal(err)
	}
	nrCheck(t, n1)
	nrWant(t, "Dissolve", n1, effs, nrEff{Kind: network.EffectDissolved, Account: nrHQ, Rule: "NET-11", At: at})
	hq = w.carry(hq, effs, at)
	if hq.Network != "" || n1.Status() != network.Dissolved {
		t.Errorf("after dissolving: hq.Network %q, status %v", hq.Network, n1.Status())
	}
	if wv := n1.Widget(nrHQ); wv.Visible {
		t.Errorf("the widget of a dissolved network is visible: %+v", wv)
	}
	// Closed for good; a standing delivered late changes nothing.
	b3 := w.branch("b3", plan.Basic, plan.Annual)
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Connect(n1, hq, b3, nrAda, at) }, tenancy.ErrRefused, "NET-11", "dissolved")
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Dissolve(n1, hq, nrAda, at) }, tenancy.ErrRefused, "NET-11")
	before := nrSnap(t, n1)
	if effs, err := w.net.Observe(n1, hq, at); err != nil || len(effs) != 0 || nrSnap(t, n1) != before {
		t.Errorf("Observe on a dissolved network: %v, %v; want nothing", effs, err)
	}
	if err := w.net.CheckPlan(n1, hq, plan.Cancel{By: tenancy.Admin(nrAda)}); err != nil {
		t.Errorf("CheckPlan on a dissolved network: %v", err)
	}

	// The old head now joins n2 as a branch (NET-05).
	hq, effs = w.connect(n2, hq2, hq, at)
	nrWant(t, "the old head joins", n2, effs,
		nrEff{Kind: network.EffectConnected, Account: nrHQ, Rule: "NET-02", At: at, To: nrAda},
		nrEff{Kind: network.EffectNotify, Account: nrHQ, Rule: "NET-13", At: at, To: nrAda},
		nrEff{Kind: network.EffectNotify, Account: nrHQ, Rule: "NET-13", At: at, To: "zoe"})
	if hq.Network != "hq2" {
		t.Errorf("hq.Network = %q, want hq2", hq.Network)
	}

	t.Run("dissolving a network whose head is blocked lifts the block", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		lapse := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		head, _ = w.applyPlan(n, head, lapse, plan.Cancel{By: tenancy.Admin(nrAda), Now: true})
		block := time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)
		head, _, _ = w.follow(n, head, block)
		if !head.BlockedFor(network.CauseHead) || !n.HeadBlocked() {
			t.Fatalf("setup: the head is not blocked")
		}
		effs, err := w.net.Dissolve(n, head, nrAda, block)
		if err != nil {
			t.Fatal(err)
		}
		nrCheck(t, n)
		nrWant(t, "Dissolve", n, effs, nrEff{Kind: network.EffectDissolved, Account: nrHQ, Rule: "NET-11", At: block})
		head, leffs, err := w.net.Carry(head, effs[0], block)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"unblock NET-09@2026-03-25T09:00:00Z"}, nrLife(leffs)); d != "" {
			t.Errorf("carrying the dissolution (-want +got):\n%s", d)
		}
		if err := head.Usable(); err != nil || head.Network != "" || n.HeadBlocked() {
			t.Errorf("after dissolving: Usable %v, Network %q, HeadBlocked %v", err, head.Network, n.HeadBlocked())
		}
	})

	t.Run("a network created again around the same head has another ID", func(t *testing.T) {
		n3, effs, err := w.net.Create(hq2, "zoe", at)
		if err == nil || n3 != nil || len(effs) != 0 {
			t.Fatalf("hq2 heads n2 still: %v, %v", n3, err)
		}
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		effs, err = w.net.Dissolve(n, head, nrAda, nrT1)
		if err != nil {
			t.Fatal(err)
		}
		head = w.carry(head, effs, nrT1)
		again, head := w.create(head, nrT1)
		if again.ID() == n.ID() || again.Head() != n.Head() {
			t.Errorf("IDs %s and %s; want two IDs for one head", n.ID(), again.ID())
		}
		if head.Network != nrHQ {
			t.Errorf("the head is in %q", head.Network)
		}
	})
}

// TestNET11_StatusNames pins the stable names of the statuses, which the
// JSON form uses: a dissolved network (NET-11) is "dissolved".
func TestNET11_StatusNames(t *testing.T) {
	if network.Dissolved != network.Status(3) {
		t.Errorf("Dissolved is Status(%d), want 3: the statuses are numbered from Operating = 1", uint8(network.Dissolved))
	}
	for s, want := range map[network.Status]string{network.Operating: "operating", network.Disabled: "disabled",
		network.Status(3): "dissolved", network.Status(0): "Status(0)", network.Status(4): "Status(4)"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", uint8(s), got, want)
		}
	}
	for s, want := range map[network.BranchStatus]string{network.Connected: "connected", network.OnTrial: "trial",
		network.Incompatible: "incompatible", network.Blocked: "blocked", network.BranchStatus(9): "BranchStatus(9)"} {
		if got := s.String(); got != want {
			t.Errorf("BranchStatus(%d).String() = %q, want %q", uint8(s), got, want)
		}
	}
	for l, want := range map[network.Level]string{network.LevelFree: "free", network.LevelTrial: "trial",
		network.LevelCommercial: "commercial", network.LevelEnterprise: "enterprise"} {
		if got := l.String(); got != want {
			t.Errorf("Level(%d).String() = %q, want %q", uint8(l), got, want)
		}
		if back, ok := network.ParseLevel(want); !ok || back != l {
			t.Errorf("ParseLevel(%q) = %v, %v", want, back, ok)
		}
	}
	for k := network.EffectCreated; k <= network.EffectDissolved; k++ {
		if back, ok := network.ParseEffectKind(k.String()); !ok || back != k {
			t.Errorf("ParseEffectKind(%q) = %v, %v", k.String(), back, ok)
		}
	}
	if _, ok := network.ParseEffectKind("block"); ok {
		t.Errorf(`"block" is an effect kind of a network; blocks are the accounts'`)
	}
}

// --- NET-12 ----------------------------------------------------------------

// TestNET12_SeparateAccounts proves NET-12: a user sees only the accounts
// whose structure includes them; heading or administering the network, or
// being in the same network, grants nothing; an accountant invited to every
// branch sees every branch.
func TestNET12_SeparateAccounts(t *testing.T) {
	w := nrNew(t)
	n, hq := w.create(w.head(plan.Annual), nrCreated)
	hq = w.apply(hq, nrT1, lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "acc", Role: tenancy.RoleEmployee},
		lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "eve", Role: tenancy.RoleEmployee})
	// b1: bea and ada; b2: cal alone, not even ada.
	b1, _ := w.connect(n, hq, w.branch("b1", plan.Basic, plan.Annual), nrT1)
	b2 := w.buy(w.account("b2", "cal", nrT0), nrT0, plan.Basic, plan.Annual)
	b2 = w.apply(b2, nrT0, lifecycle.AddUser{By: tenancy.Admin("cal"), User: nrAda, Role: tenancy.RoleAdministrator})
	b2, _ = w.connect(n, hq, b2, nrT1)
	b2 = w.apply(b2, nrT1, lifecycle.DismissUser{By: tenancy.Admin("cal"), User: nrAda})
	all := []lifecycle.Account{hq, b1, b2}

	cases := []struct {
		user tenancy.UserID
		want []tenancy.AccountID
	}{
		{nrAda, []tenancy.AccountID{nrHQ, "b1"}}, // the head's owner, dismissed from b2
		{nrBea, []tenancy.AccountID{"b1"}},
		{"cal", []tenancy.AccountID{"b2"}},
		{"eve", []tenancy.AccountID{nrHQ}},
		{"acc", []tenancy.AccountID{nrHQ}},
		{"mallory", nil},
	}
	for _, c := range cases {
		got := network.Visible(c.user, all)
		if d := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("Visible(%s) (-want +got):\n%s", c.user, d)
		}
		for _, a := range all {
			if can := network.CanSee(c.user, a); can != slices.Contains(c.want, a.ID) {
				t.Errorf("CanSee(%s, %s) = %v", c.user, a.ID, can)
			}
		}
	}

	// The accountant is invited to each branch, and sees each.
	b1 = w.apply(b1, nrT1, lifecycle.AddUser{By: tenancy.Admin(nrBea), User: "acc", Role: tenancy.RoleEmployee})
	b2 = w.apply(b2, nrT1, lifecycle.AddUser{By: tenancy.Admin("cal"), User: "acc", Role: tenancy.RoleEmployee})
	all = []lifecycle.Account{b2, hq, b1, b2}
	if d := cmp.Diff([]tenancy.AccountID{"b2", nrHQ, "b1"}, network.Visible("acc", all)); d != "" {
		t.Errorf("Visible(acc) after the invitations, in the order given, once each (-want +got):\n%s", d)
	}
	// Dismissed from b2, the accountant no longer sees it.
	b2 = w.apply(b2, nrT1, lifecycle.DismissUser{By: tenancy.Admin("cal"), User: "acc"})
	if network.CanSee("acc", b2) {
		t.Errorf("a dismissed accountant still sees b2")
	}

	// The widget: a branch sees that the network operates, never the list
	// of the others; an outsider sees nothing.
	if wb := n.Widget("b1"); !wb.Visible || len(wb.Branches) != 0 {
		t.Errorf("widget at b1: %+v", wb)
	}
	if wo := n.Widget("elsewhere"); wo.Visible || len(wo.Branches) != 0 {
		t.Errorf("widget outside the network: %+v", wo)
	}
	wh := n.Widget(nrHQ)
	if !wh.Visible || len(wh.Branches) != 2 || wh.Branches[0].Account != "b1" || wh.Branches[1].Account != "b2" {
		t.Errorf("widget at hq: %+v", wh)
	}
}

// --- NET-13 ----------------------------------------------------------------

// TestNET13_WhoConnectsAndDisconnects proves NET-13: connecting needs a user
// who administers both the head and the branch, and notifies every
// administrator of the branch who is not dismissed; only an administrator
// of the head disconnects.
func TestNET13_WhoConnectsAndDisconnects(t *testing.T) {
	w := nrNew(t)
	n, hq := w.create(w.head(plan.Annual), nrCreated)
	hq = w.apply(hq, nrT1,
		lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "eve", Role: tenancy.RoleEmployee},
		lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "dan", Role: tenancy.RoleAdministrator},
		lifecycle.AddUser{By: tenancy.Admin(nrAda), User: "cyd", Role: tenancy.RoleAdministrator},
		lifecycle.DismissUser{By: tenancy.Admin(nrAda), User: "cyd"})
	// b1's users: bea (owner), ada, eve (administrator here), dan
	// (employee here), cyd (dismissed administrator).
	b1 := w.apply(w.branch("b1", plan.Professional, plan.Annual), nrT0,
		lifecycle.AddUser{By: tenancy.Admin(nrBea), User: "eve", Role: tenancy.RoleAdministrator},
		lifecycle.AddUser{By: tenancy.Admin(nrBea), User: "dan", Role: tenancy.RoleEmployee},
		lifecycle.AddUser{By: tenancy.Admin(nrBea), User: "cyd", Role: tenancy.RoleAdministrator},
		lifecycle.DismissUser{By: tenancy.Admin(nrBea), User: "cyd"})

	for _, c := range []struct {
		by  tenancy.UserID
		why string
	}{
		{nrBea, "administers the branch only"},
		{"eve", "administers the branch, an employee of the head"},
		{"dan", "administers the head, an employee of the branch"},
		{"cyd", "a dismissed administrator of both"},
		{"mallory", "a stranger"},
		{"", "nobody"},
	} {
		t.Run("connect refused: "+c.why, func(t *testing.T) {
			nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, hq, b1, c.by, nrT1) },
				tenancy.ErrUnauthorized, "NET-13", "administers both")
		})
	}

	effs, err := w.net.Connect(n, hq, b1, nrAda, nrT1)
	if err != nil {
		t.Fatal(err)
	}
	nrWant(t, "Connect", n, effs,
		nrEff{Kind: network.EffectConnected, Account: "b1", Rule: "NET-02", At: nrT1, To: nrAda},
		nrEff{Kind: network.EffectNotify, Account: "b1", Rule: "NET-13", At: nrT1, To: nrBea},
		nrEff{Kind: network.EffectNotify, Account: "b1", Rule: "NET-13", At: nrT1, To: nrAda},
		nrEff{Kind: network.EffectNotify, Account: "b1", Rule: "NET-13", At: nrT1, To: "eve"})
	// A notification needs nothing of the account.
	if out, leffs, err := w.net.Carry(b1, effs[1], nrT1); err != nil || !cmp.Equal(out, b1) || len(leffs) != 0 {
		t.Errorf("carrying a notification: %v, %v, changed %v", leffs, err, !cmp.Equal(out, b1))
	}
	b1 = w.carry(b1, effs, nrT1)

	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	for _, by := range []tenancy.UserID{nrBea, "eve", "cyd", "mallory"} {
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Disconnect(n, hq, "b1", by, at) },
			tenancy.ErrUnauthorized, "NET-13", "administrator of the head")
	}
	// dan administers the head but is only an employee of the branch: he
	// disconnects it from the widget.
	effs, err = w.net.Disconnect(n, hq, "b1", "dan", at)
	if err != nil {
		t.Fatal(err)
	}
	nrWant(t, "Disconnect by dan", n, effs, nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "NET-13", At: at})
}

// --- NET-14 ----------------------------------------------------------------

// TestNET14_BranchCap proves NET-14: by default a network takes any number
// of branches; a policy cap refuses the branch beyond it, counting every
// listed branch, incompatible ones too.
func TestNET14_BranchCap(t *testing.T) {
	t.Run("unlimited by default: 50 branches", func(t *testing.T) {
		w := nrNew(t)
		if w.net.Policy().MaxBranches != 0 {
			t.Fatalf("default MaxBranches = %d, want 0", w.net.Policy().MaxBranches)
		}
		n, head := w.create(w.head(plan.Annual), nrCreated)
		var ids []tenancy.AccountID
		for i := range 50 {
			id := tenancy.AccountID(fmt.Sprintf("b%02d", 49-i))
			w.connect(n, head, w.branch(id, plan.Basic, plan.Annual), nrT1.Add(time.Duration(i)*time.Minute))
			ids = append(ids, id)
		}
		if n.Len() != 50 || n.Active() != 50 {
			t.Errorf("Len %d Active %d, want 50 and 50", n.Len(), n.Active())
		}
		slices.Sort(ids)
		var got []tenancy.AccountID
		for _, v := range n.Widget(nrHQ).Branches {
			got = append(got, v.Account)
		}
		if !slices.Equal(got, ids) {
			t.Errorf("widget lists %v, want %v sorted", got, ids)
		}
	})

	t.Run("a cap of 3", func(t *testing.T) {
		w := nrNew(t, func(p *network.Policy) { p.MaxBranches = 3 })
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b1, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		w.connect(n, head, w.branch("b2", plan.Basic, plan.Annual), nrT1)
		w.connect(n, head, w.branch("b3", "", 0), nrT1)
		// b1 drops to free: incompatible, still listed, still counted.
		at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
		b1, _ = w.sync(n, w.plan(b1, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), at)
		b4 := w.branch("b4", plan.Enterprise, plan.Annual)
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, b4, nrAda, at) },
			network.ErrCap, "NET-14", "3 branches")
		w.disconnect(n, head, b1, at)
		w.connect(n, head, b4, at)
		if n.Len() != 3 {
			t.Errorf("Len() = %d, want 3", n.Len())
		}
	})

	t.Run("the policy is checked", func(t *testing.T) {
		pe, _ := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
		le, _ := lifecycle.NewEngine(pe, lifecycle.DefaultPolicy())
		for _, c := range []struct {
			edit func(*network.Policy)
			rule tenancy.RuleID
		}{
			{func(p *network.Policy) { p.MaxBranches = -1 }, "NET-14"},
			{func(p *network.Policy) { p.TrialDays = 0 }, "NET-06"},
			{func(p *network.Policy) { p.TrialDays = 367 }, "NET-06"},
			{func(p *network.Policy) { p.GraceDays = -1 }, "NET-07"},
		} {
			p := network.DefaultPolicy()
			c.edit(&p)
			_, err := network.NewEngine(le, p)
			nrWantRefusal(t, err, network.ErrPolicy, c.rule)
		}
		_, err := network.NewEngine(nil, network.DefaultPolicy())
		nrWantRefusal(t, err, tenancy.ErrInvalid, "")
		if got := network.DefaultPolicy(); got != (network.Policy{TrialDays: 15, GraceDays: 15}) {
			t.Errorf("DefaultPolicy() = %+v", got)
		}
	})
}

// --- Every command ---------------------------------------------------------

// TestNETCommands_SharedRefusals pins what every command of the network
// refuses, leaving the network as it was: a time before the network's last
// change, a branch or head that is not this network's. A standing is not
// a command: it applies as of its own time, however late it comes.
func TestNETCommands_SharedRefusals(t *testing.T) {
	t.Run("time going back", func(t *testing.T) {
		w, n, head, b := nrIncompatible(t)
		at := nrPeriodEnd.Add(-time.Nanosecond) // the network changed at nrPeriodEnd
		other := w.branch("b2", plan.Basic, plan.Annual)
		buy := plan.Purchase{By: tenancy.Admin(nrBea), Plan: plan.Basic, Period: plan.Monthly}
		for name, run := range map[string]func() ([]network.Effect, error){
			"Connect":    func() ([]network.Effect, error) { return w.net.Connect(n, head, other, nrAda, at) },
			"Disconnect": func() ([]network.Effect, error) { return w.net.Disconnect(n, head, "b1", nrAda, at) },
			"Dissolve":   func() ([]network.Effect, error) { return w.net.Dissolve(n, head, nrAda, at) },
			"ApplyPlan": func() ([]network.Effect, error) {
				_, _, effs, err := w.net.ApplyPlan(n, b, at, buy)
				return effs, err
			},
			"PreviewPlan": func() ([]network.Effect, error) {
				_, _, effs, err := w.net.PreviewPlan(n, b, at, buy)
				return effs, err
			},
		} {
			t.Run(name, func(t *testing.T) { nrRefuse(t, n, run, tenancy.ErrTimeWentBack, "") })
		}
		// Observe ignores the time it is called at: the same standing
		// gives the same effects.
		c := n.Clone()
		stale, err := w.net.Observe(c, b, at)
		if err != nil || len(stale) != 0 {
			t.Errorf("Observe before the last change: %v, %v", stale, err)
		}
	})

	t.Run("not a member", func(t *testing.T) {
		w, n, head, _ := nrIncompatible(t)
		at := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
		ghost := w.branch("ghost", plan.Basic, plan.Annual)
		hq2 := w.buy(w.account("hq2", nrAda, nrT0), nrT0, plan.Enterprise, plan.Annual)
		buy := plan.Purchase{By: tenancy.Admin(nrBea), Plan: plan.Basic, Period: plan.Monthly}
		for _, c := range []struct {
			name string
			run  func() ([]network.Effect, error)
			rule tenancy.RuleID
		}{
			{"Disconnect an unknown branch", func() ([]network.Effect, error) { return w.net.Disconnect(n, head, "ghost", nrAda, at) }, "NET-13"},
			{"Disconnect through another head", func() ([]network.Effect, error) { return w.net.Disconnect(n, hq2, "b1", nrAda, at) }, "NET-13"},
			{"Observe an outsider", func() ([]network.Effect, error) { return w.net.Observe(n, ghost, at) }, "NET-04"},
			{"Deliver a standing for another network", func() ([]network.Effect, error) {
				s := w.net.StandingOf(ghost)
				s.Network = "hq2"
				return w.net.Deliver(n, s)
			}, "NET-04"},
			{"ApplyPlan on an outsider", func() ([]network.Effect, error) {
				_, _, effs, err := w.net.ApplyPlan(n, ghost, at, buy)
				return effs, err
			}, "NET-04"},
			{"PreviewPlan on an outsider", func() ([]network.Effect, error) {
				_, _, effs, err := w.net.PreviewPlan(n, ghost, at, buy)
				return effs, err
			}, "NET-04"},
			{"Connect through another head", func() ([]network.Effect, error) { return w.net.Connect(n, hq2, ghost, nrAda, at) }, "NET-01"},
			{"Dissolve through another head", func() ([]network.Effect, error) { return w.net.Dissolve(n, hq2, nrAda, at) }, "NET-11"},
		} {
			t.Run(c.name, func(t *testing.T) { nrRefuse(t, n, c.run, network.ErrNotMember, c.rule) })
		}
		// A standing of an account the network does not list, addressed
		// to it (one that left), changes nothing and is not refused.
		s := w.net.StandingOf(ghost)
		s.Network = nrHQ
		before := nrSnap(t, n)
		if effs, err := w.net.Deliver(n, s); err != nil || len(effs) != 0 || nrSnap(t, n) != before {
			t.Errorf("Deliver of an unlisted account's standing: %v, %v", effs, err)
		}
	})

	t.Run("a refused plan command changes neither side", func(t *testing.T) {
		w, n, _, b := nrIncompatible(t)
		at := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
		var out lifecycle.Account
		nrRefuse(t, n, func() ([]network.Effect, error) {
			var effs []network.Effect
			var err error
			out, _, effs, err = w.net.ApplyPlan(n, b, at, plan.Purchase{By: tenancy.Employee(nrBea), Plan: plan.Basic, Period: plan.Monthly})
			return effs, err
		}, tenancy.ErrUnauthorized, "PLAN-02")
		if !cmp.Equal(out, b) {
			t.Errorf("a refused ApplyPlan returned a changed account")
		}
		nrRefuse(t, n, func() ([]network.Effect, error) {
			_, _, effs, err := w.net.ApplyPlan(n, b, at, nil)
			return effs, err
		}, tenancy.ErrInvalid, "")
	})

	t.Run("effects that need nothing of an account", func(t *testing.T) {
		w, n, head, b := nrDisabled(t)
		for _, e := range []network.Effect{
			{Kind: network.EffectNotify, Account: "b1", Head: nrHQ, Network: n.ID(), To: nrBea},
			{Kind: network.EffectIncompatible, Account: "b1", Head: nrHQ, Network: n.ID()},
			{Kind: network.EffectReconnected, Account: "b1", Head: nrHQ, Network: n.ID()},
			{Kind: network.EffectBlocked, Account: "b1", Head: nrHQ, Network: n.ID()},
		} {
			out, leffs, err := w.net.Carry(b, e, b.Updated)
			if err != nil || len(leffs) != 0 || !cmp.Equal(out, b) {
				t.Errorf("Carry(%v): %v, %v, changed %v", e, leffs, err, !cmp.Equal(out, b))
			}
		}
		e := network.Effect{Kind: network.EffectDisabled, Account: nrHQ, Head: nrHQ, Network: n.ID()}
		if out, leffs, err := w.net.Carry(head, e, head.Updated); err != nil || len(leffs) != 0 || !cmp.Equal(out, head) {
			t.Errorf("Carry(%v): %v, %v", e, leffs, err)
		}
	})
}

// TestPLAN09_UnitOfWorkRollsBackExactly proves what a preview (PLAN-09,
// PreviewPlan) and a refused step of a driver rest on: a unit of work
// undoes exactly. The network after Rollback encodes to the bytes it
// encoded to before Begin, whatever ran in between (Connect, Disconnect,
// deliveries of standings, a dissolution). Commit keeps the changes;
// Begin twice is one unit.
func TestPLAN09_UnitOfWorkRollsBackExactly(t *testing.T) {
	w, n, head, b := nrIncompatible(t)
	b2, _ := w.connect(n, head, w.branch("b2", plan.Basic, plan.Annual), nrPeriodEnd)
	at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	before, err := n.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	snap := nrSnap(t, n)
	var ids []string
	work := func() {
		t.Helper()
		var all []network.Effect
		add := func(effs []network.Effect, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, effs...)
		}
		add(w.net.Connect(n, head, w.branch("b3", plan.Standard, plan.Annual), nrAda, at))
		add(w.net.Disconnect(n, head, "b2", nrAda, at))
		bought := w.buy(b, at, plan.Basic, plan.Monthly)
		add(w.net.Observe(n, bought, at))
		s := w.net.StandingOf(w.plan(b2, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}))
		add(w.net.Deliver(n, s)) // b2 is not listed any more: nothing
		add(w.net.Disconnect(n, head, "b1", nrAda, at))
		add(w.net.Disconnect(n, head, "b3", nrAda, at))
		add(w.net.Dissolve(n, head, nrAda, at))
		if n.Status() != network.Dissolved || n.Len() != 0 {
			t.Fatalf("the unit of work did not run: %v, %d branches", n.Status(), n.Len())
		}
		ids = ids[:0]
		for _, e := range all {
			ids = append(ids, e.ID())
		}
	}
	n.Begin()
	n.Begin() // one unit
	work()
	first := slices.Clone(ids)
	n.Rollback()
	after, err := n.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) || nrSnap(t, n) != snap {
		t.Fatalf("Rollback did not restore the network:\nbefore %s\nafter  %s", before, after)
	}
	nrStatus(t, n, "b1", network.Incompatible)
	nrStatus(t, n, "b2", network.Connected)
	nrCheck(t, n)
	// Rollback without a unit of work changes nothing.
	n.Rollback()
	if nrSnap(t, n) != snap {
		t.Fatalf("a second Rollback changed the network")
	}
	// Run again and commit: the same effects, with the same IDs, and
	// they stay.
	n.Begin()
	work()
	n.Commit()
	if d := cmp.Diff(first, ids); d != "" {
		t.Errorf("the committed run's effect IDs differ from the rolled-back run's (-first +again):\n%s", d)
	}
	n.Rollback()
	if n.Status() != network.Dissolved {
		t.Errorf("Rollback after Commit undid the committed unit: %v", n.Status())
	}
	// A clone carries no unit of work.
	w2, n2, _, _ := nrIncompatible(t)
	n2.Begin()
	c := n2.Clone()
	if _, err := w2.net.Disconnect(c, w2.head(plan.Annual), "b1", nrAda, at); err != nil {
		t.Fatal(err)
	}
	c.Rollback()
	if c.Len() != 0 {
		t.Errorf("Rollback on a clone undid a change made after cloning: the clone shares the unit of work")
	}
	n2.Rollback()
	if n2.Len() != 1 {
		t.Errorf("the original lost its branch through its clone")
	}
}
