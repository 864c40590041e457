package network_test

// Table-driven tests of the NET rules, one test per rule (NET-01 to NET-14),
// plus the refusals every command shares (a deadline due, time going back,
// an unknown branch). Expected dates are worked out by hand from RULES.md and
// the default policies (a 15-day branch trial, 15 days before the plan
// compatibility check blocks, 15 days of plan grace), never read back from
// the code under test.
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

// plan runs a plan command on a, issued by its owner as administrator.
func (w *nrWorld) plan(a lifecycle.Account, at time.Time, cmd plan.Command) lifecycle.Account {
	w.t.Helper()
	return w.apply(a, at, lifecycle.Plan{Cmd: cmd})
}

// buy has a's owner buy plan p for period per at at.
func (w *nrWorld) buy(a lifecycle.Account, at time.Time, p plan.PlanID, per plan.Period) lifecycle.Account {
	w.t.Helper()
	return w.plan(a, at, plan.Purchase{By: tenancy.Admin(a.Owner), Plan: p, Period: per})
}

// advance moves a to at.
func (w *nrWorld) advance(a lifecycle.Account, at time.Time) lifecycle.Account {
	w.t.Helper()
	a, _, err := w.lives.Advance(a, at, nil)
	if err != nil {
		w.t.Fatalf("advance %s to %v: %v", a.ID, at, err)
	}
	return a
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

// create creates the network around head at at, by ada, and carries the
// effect to the head.
func (w *nrWorld) create(head lifecycle.Account, at time.Time) (*network.Network, lifecycle.Account) {
	w.t.Helper()
	n, effs, err := w.net.Create(head, nrAda, at)
	if err != nil {
		w.t.Fatalf("create around %s: %v", head.ID, err)
	}
	nrCheck(w.t, n)
	return n, w.carry(head, effs, at)
}

// connect connects branch to n at at, by ada, and carries the effects
// addressed to it.
func (w *nrWorld) connect(n *network.Network, head, branch lifecycle.Account, at time.Time) (lifecycle.Account, []network.Effect) {
	w.t.Helper()
	effs, err := w.net.Connect(n, head, branch, nrAda, at)
	if err != nil {
		w.t.Fatalf("connect %s at %v: %v", branch.ID, at, err)
	}
	nrCheck(w.t, n)
	return w.carry(branch, effs, at), effs
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

// applyPlan runs cmd on a through the network and carries the network's
// effects addressed to a.
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
	return w.carry(a, effs, at), effs
}

// advanceNet advances n to at.
func (w *nrWorld) advanceNet(n *network.Network, at time.Time) []network.Effect {
	w.t.Helper()
	effs, err := w.net.Advance(n, at, nil)
	if err != nil {
		w.t.Fatalf("advance the network to %v: %v", at, err)
	}
	nrCheck(w.t, n)
	return effs
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
// NextDeadline is the earliest of the incompatible branches' deadlines and
// the head's, and only incompatible and blocked branches have deadlines.
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
	var next time.Time
	for _, b := range n.Branches() {
		switch b.Status {
		case network.Connected, network.OnTrial:
			active++
			if !b.Deadline.IsZero() {
				t.Errorf("branch %s is %v with a deadline %v", b.Account, b.Status, b.Deadline)
			}
		case network.Incompatible:
			if next.IsZero() || b.Deadline.Before(next) {
				next = b.Deadline
			}
		}
	}
	if hd := n.HeadDeadline(); !hd.IsZero() && (next.IsZero() || hd.Before(next)) {
		next = hd
	}
	if n.Active() != active || m.Active() != active {
		t.Errorf("Active() = %d (decoded %d), want %d", n.Active(), m.Active(), active)
	}
	got, ok := n.NextDeadline()
	if ok != !next.IsZero() || !got.Equal(next) {
		t.Errorf("NextDeadline() = %v, %v; want %v", got, ok, next)
	}
	if got2, _ := m.NextDeadline(); !got2.Equal(got) {
		t.Errorf("decoded NextDeadline() = %v, want %v", got2, got)
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
	next, ok := n.NextDeadline()
	return fmt.Sprintf("%s active=%d len=%d next=%v/%v", b, n.Active(), n.Len(), next, ok)
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
	var re *tenancy.RuleError
	if !errors.As(err, &re) || re.Reason == "" {
		t.Errorf("error %q is not a *tenancy.RuleError with a reason", err)
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
	Cause    lifecycle.Cause
	Days     int
}

// nrWant checks effs against want, in order: every pinned field, the
// network they name, and numbers that grow.
func nrWant(t testing.TB, what string, n *network.Network, effs []network.Effect, want ...nrEff) {
	t.Helper()
	got := make([]nrEff, len(effs))
	for i, e := range effs {
		got[i] = nrEff{Kind: e.Kind, Account: e.Account, Rule: e.Rule, At: e.At, Deadline: e.Deadline, To: e.To, Cause: e.Cause, Days: e.Days}
		if e.Network != n.Head() {
			t.Errorf("%s: effect %v names network %q, want %q", what, e, e.Network, n.Head())
		}
		if i > 0 && e.Seq <= effs[i-1].Seq {
			t.Errorf("%s: effect %d has number %d after %d", what, i, e.Seq, effs[i-1].Seq)
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
			nrTime(t, "Updated", n.Updated(), c.at)
			if d, ok := n.NextDeadline(); ok {
				t.Errorf("a new network has a deadline %v", d)
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
			if b.Network != nrHQ {
				t.Errorf("the branch carried Connected: Network %q, want %q", b.Network, nrHQ)
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
// from the service only.
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

	// Carrying Connected a second time is refused by the account itself.
	_, _, err := w.net.Carry(b1, network.Effect{Kind: network.EffectConnected, Network: "hq2", Account: "b1"}, at)
	nrWantRefusal(t, err, network.ErrInNetwork, "NET-04")
	// An effect for another account is not carried.
	_, _, err = w.net.Carry(hq2, network.Effect{Kind: network.EffectConnected, Network: nrHQ, Account: "b1"}, at)
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

	// The account's own record of its network.
	{
		svc := tenancy.Service()
		cases := []struct {
			name     string
			acc      lifecycle.Account
			cmd      lifecycle.Command
			sentinel error
		}{
			{"an administrator cannot join", w.branch("b9", "", 0), lifecycle.JoinNetwork{By: tenancy.Admin(nrBea), Head: nrHQ}, tenancy.ErrUnauthorized},
			{"an administrator cannot leave", b1, lifecycle.LeaveNetwork{By: tenancy.Admin(nrBea)}, tenancy.ErrUnauthorized},
			{"already in a network", b1, lifecycle.JoinNetwork{By: svc, Head: nrHQ}, lifecycle.ErrInNetwork},
			{"already in this very network", b1, lifecycle.JoinNetwork{By: svc, Head: "hq2"}, lifecycle.ErrInNetwork},
			{"leaving no network", w.branch("b9", "", 0), lifecycle.LeaveNetwork{By: svc}, tenancy.ErrNotFound},
			{"joining a network without a head", w.branch("b9", "", 0), lifecycle.JoinNetwork{By: svc}, tenancy.ErrInvalid},
		}
		for _, c := range cases {
			out, effs, err := w.lives.Apply(c.acc, at, c.cmd)
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
			// NET-10 locks the head's plan only: the branch moves down.
			at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
			if err := w.net.CheckPlan(n, "b1", plan.ChangePlan{By: tenancy.Admin(nrBea), Plan: plan.Professional, Period: per}); err != nil {
				t.Errorf("CheckPlan of the branch: %v", err)
			}
			_, effs = w.applyPlan(n, b, at, plan.ChangePlan{By: tenancy.Admin(nrBea), Plan: plan.Professional, Period: per})
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
			// Carry started the network trial.
			if b.Sub.Status != plan.StatusTrial || !b.Sub.NetworkTrialUsed || b.Sub.TrialUsed != usedTrial {
				t.Errorf("after carrying: status %v NetworkTrialUsed %v TrialUsed %v; want trial, true, %v",
					b.Sub.Status, b.Sub.NetworkTrialUsed, b.Sub.TrialUsed, usedTrial)
			}
			nrTime(t, "trial start", b.Sub.Start, c.at)
			nrTime(t, "trial end", b.Sub.End, c.end)

			// Buying during the trial makes it a plain connected branch,
			// with nothing to announce.
			bought := w.buy(b, c.end.Add(-time.Hour), plan.Basic, plan.Monthly)
			nrWant(t, "buying during the trial", n, w.observe(n, bought, c.end.Add(-time.Hour)))
			nrStatus(t, n, "b1", network.Connected)
		})
	}

	t.Run("the trial event cites NET-06", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b := w.branch("b1", "", 0)
		effs, err := w.net.Connect(n, head, b, nrAda, nrT1)
		if err != nil {
			t.Fatal(err)
		}
		b, _, err = w.net.Carry(b, effs[0], nrT1)
		if err != nil {
			t.Fatal(err)
		}
		_, leffs, err := w.net.Carry(b, effs[1], nrT1)
		if err != nil {
			t.Fatal(err)
		}
		if len(leffs) != 1 || leffs[0].Kind != lifecycle.EffectPlan || leffs[0].Plan.Kind != plan.EventTrialStarted || leffs[0].Rule != "NET-06" {
			t.Errorf("carrying the branch trial gave %v, want one trial-started event under NET-06", leffs)
		}
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
		// The trial ends on 17 March 10:00; the deadline is 15 days later,
		// 1 April 10:00.
		end := time.Date(2026, 3, 17, 10, 0, 0, 0, time.UTC)
		nrWant(t, "Observe just before the end", n, w.observe(n, w.advance(b, end.Add(-time.Nanosecond)), end.Add(-time.Nanosecond)))
		nrStatus(t, n, "b1", network.OnTrial)
		b = w.advance(b, end)
		nrWant(t, "Observe at the end", n, w.observe(n, b, end), nrEff{Kind: network.EffectIncompatible, Account: "b1",
			Rule: "NET-07", At: end, Deadline: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)})
		nrStatus(t, n, "b1", network.Incompatible)
		// The branch trial is granted once: no new trial while listed.
		_, _, err := w.lives.Apply(b, end, lifecycle.Plan{Cmd: plan.StartTrial{By: tenancy.Admin(nrBea), Network: true}})
		nrWantRefusal(t, err, plan.ErrTrialUsed, "NET-06")
	})
}

// nrIncompatible returns a world with hq heading a network in which b1,
// on Professional monthly since nrT0, cancelled on 10 March, dropped to free
// at the end of its period on 2 April 09:00 and was observed then: it is
// incompatible until 17 April 09:00.
func nrIncompatible(t testing.TB) (*nrWorld, *network.Network, lifecycle.Account, lifecycle.Account) {
	t.Helper()
	w := nrNew(t)
	n, head := w.create(w.head(plan.Annual), nrCreated)
	b, _ := w.connect(n, head, w.branch("b1", plan.Professional, plan.Monthly), nrT1)
	b, effs := w.applyPlan(n, b, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), plan.Cancel{By: tenancy.Admin(nrBea), Reason: "moving"})
	nrWant(t, "Cancel, still paid", n, effs)
	b = w.advance(b, nrPeriodEnd)
	if b.Sub.Status != plan.StatusFree {
		t.Fatalf("setup: b1 is %v on %v, want free", b.Sub.Status, nrPeriodEnd)
	}
	nrWant(t, "Observe the drop", n, w.observe(n, b, nrPeriodEnd), nrEff{Kind: network.EffectIncompatible, Account: "b1",
		Rule: "NET-07", At: nrPeriodEnd, Deadline: time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)})
	return w, n, head, b
}

// --- NET-07 ----------------------------------------------------------------

// TestNET07_FreeBranchIncompatibleThenBlocked proves NET-07: a branch that
// drops to free, however it does, is disconnected but listed, red in the
// widget, with a deadline exactly 15 calendar days later; at the deadline,
// not a nanosecond before, the plan compatibility check blocks it, and
// disconnecting it unblocks it.
func TestNET07_FreeBranchIncompatibleThenBlocked(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		edit func(*network.Policy)
		// drop brings the connected branch b down to free and returns it
		// with the instant to observe it.
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
			nrWant(t, "Observe the drop", n, w.observe(n, b, at),
				nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: at, Deadline: c.deadline})
			br := nrStatus(t, n, "b1", network.Incompatible)
			nrTime(t, "Since", br.Since, at)
			nrTime(t, "Deadline", br.Deadline, c.deadline)
			if n.Active() != 0 || n.Len() != 1 {
				t.Errorf("Active %d Len %d: want 0 and 1, disconnected but listed", n.Active(), n.Len())
			}
			if d, _ := n.NextDeadline(); !d.Equal(c.deadline) {
				t.Errorf("NextDeadline() = %v, want %v", d, c.deadline)
			}
			// The widget shows it in red with its deadline.
			wantView := []network.BranchView{{Account: "b1", Status: network.Incompatible, Red: true, Deadline: c.deadline}}
			if d := cmp.Diff(wantView, n.Widget(nrHQ).Branches); d != "" {
				t.Errorf("head's widget (-want +got):\n%s", d)
			}
			// Observing again changes nothing.
			nrWant(t, "Observe again", n, w.observe(n, b, at))

			before := c.deadline.Add(-time.Nanosecond)
			nrWant(t, "Advance a nanosecond early", n, w.advanceNet(n, before))
			nrStatus(t, n, "b1", network.Incompatible)
			effs := w.advanceNet(n, c.deadline)
			nrWant(t, "Advance to the deadline", n, effs,
				nrEff{Kind: network.EffectBlock, Account: "b1", Rule: "NET-07", At: c.deadline, Cause: network.CauseBranch})
			br = nrStatus(t, n, "b1", network.Blocked)
			nrTime(t, "blocked Since", br.Since, c.deadline)
			nrTime(t, "blocked Deadline", br.Deadline, c.deadline)
			if wv := n.Widget(nrHQ).Branches; len(wv) != 1 || !wv[0].Red {
				t.Errorf("a blocked branch is not red: %+v", wv)
			}
			if _, ok := n.NextDeadline(); ok {
				t.Errorf("a deadline is left after the block")
			}
			// Advancing again fires nothing more.
			nrWant(t, "Advance again", n, w.advanceNet(n, c.deadline.AddDate(0, 1, 0)))

			// Carried, the block keeps the account from being used (LIFE-08).
			b = w.carry(b, effs, c.deadline)
			if !b.BlockedFor(network.CauseBranch) {
				t.Fatalf("the block was not set: %v", b.Blocks)
			}
			nrWantRefusal(t, b.Usable(), lifecycle.ErrBlocked, "LIFE-08", "NET-07")
			_, _, err := w.lives.Apply(b, c.deadline, lifecycle.Login{User: nrBea})
			nrWantRefusal(t, err, lifecycle.ErrBlocked, "LIFE-08")

			// Disconnecting it unblocks it.
			out := c.deadline.Add(time.Hour)
			b, effs = w.disconnect(n, head, b, out)
			nrWant(t, "Disconnect the blocked branch", n, effs,
				nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "NET-13", At: out},
				nrEff{Kind: network.EffectUnblock, Account: "b1", Rule: "NET-07", At: out, Cause: network.CauseBranch})
			if err := b.Usable(); err != nil || b.Network != "" {
				t.Errorf("after disconnecting: Usable %v, Network %q", err, b.Network)
			}
			if n.Len() != 0 {
				t.Errorf("Len() = %d after disconnecting, want 0", n.Len())
			}
		})
	}

	// GraceDays 0 is a valid policy: the deadline is the drop itself, due
	// at once. The network must still be storable between the Observe that
	// sets it and the Advance that fires it (nrCheck round-trips it).
	t.Run("a policy of 0 days: blocked at the drop", func(t *testing.T) {
		w := nrNew(t, func(p *network.Policy) { p.GraceDays = 0 })
		n, head := w.create(w.head(plan.Annual), nrCreated)
		b, _ := w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		b = w.plan(b, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true})
		nrWant(t, "Observe", n, w.observe(n, b, at),
			nrEff{Kind: network.EffectIncompatible, Account: "b1", Rule: "NET-07", At: at, Deadline: at})
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Disconnect(n, head, "b1", nrAda, at) },
			network.ErrNotAdvanced, "")
		nrWant(t, "Advance", n, w.advanceNet(n, at),
			nrEff{Kind: network.EffectBlock, Account: "b1", Rule: "NET-07", At: at, Cause: network.CauseBranch})
		nrStatus(t, n, "b1", network.Blocked)
		// The head, with no branch active, lapses at once: its deadline is
		// due at once too.
		_, effs := w.applyPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda), Now: true})
		nrWant(t, "the head lapses", n, effs,
			nrEff{Kind: network.EffectDisabled, Account: nrHQ, Rule: "NET-09", At: at, Deadline: at})
		nrWant(t, "Advance", n, w.advanceNet(n, at),
			nrEff{Kind: network.EffectBlock, Account: nrHQ, Rule: "NET-09", At: at, Cause: network.CauseHead})
	})

	t.Run("disconnecting an incompatible branch drops its deadline", func(t *testing.T) {
		w, n, head, b := nrIncompatible(t)
		at := time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)
		_, effs := w.disconnect(n, head, b, at)
		nrWant(t, "Disconnect", n, effs, nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "NET-13", At: at})
		if d, ok := n.NextDeadline(); ok {
			t.Errorf("NextDeadline() = %v after the branch left", d)
		}
		nrWant(t, "Advance past the old deadline", n, w.advanceNet(n, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)))
	})

	t.Run("several deadlines fire in order in one Advance", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		// b3 drops first, then b1, then b2; each is blocked 15 days
		// after its drop.
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
		var want []nrEff
		for _, d := range drops {
			a := w.plan(accs[d.id], d.at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true})
			w.observe(n, a, d.at)
			at := d.at.AddDate(0, 0, 15)
			want = append(want, nrEff{Kind: network.EffectBlock, Account: d.id, Rule: "NET-07", At: at, Cause: network.CauseBranch})
		}
		nrWant(t, "one Advance a year later", n, w.advanceNet(n, nrT0.AddDate(1, 0, 0)), want...)
		for _, d := range drops {
			nrStatus(t, n, d.id, network.Blocked)
		}
		// The network's last change is the last deadline fired.
		nrTime(t, "Updated", n.Updated(), want[2].At)
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
		w.observe(n, w.plan(utc, d1, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), d1)
		w.observe(n, w.plan(ber, d2, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), d2)
		first := time.Date(2026, 4, 4, 8, 30, 0, 0, time.UTC)
		if d, _ := n.NextDeadline(); !d.Equal(first) {
			t.Errorf("NextDeadline() = %v, want %v", d, first)
		}
		nrWant(t, "Advance to 4 April noon", n, w.advanceNet(n, time.Date(2026, 4, 4, 12, 0, 0, 0, time.UTC)),
			nrEff{Kind: network.EffectBlock, Account: "b2", Rule: "NET-07", At: first, Cause: network.CauseBranch},
			nrEff{Kind: network.EffectBlock, Account: "b1", Rule: "NET-07", At: time.Date(2026, 4, 4, 9, 0, 0, 0, time.UTC), Cause: network.CauseBranch})
	})

	// A deleted branch has nothing left to connect: observing it unlists
	// it, and with it its deadline.
	t.Run("a deleted branch is unlisted", func(t *testing.T) {
		w, n, _, b := nrIncompatible(t)
		at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
		b = w.apply(b, at, lifecycle.Delete{By: tenancy.Service(), Confirm: "b1"})
		nrWant(t, "Observe the deletion", n, w.observe(n, b, at),
			nrEff{Kind: network.EffectDisconnected, Account: "b1", Rule: "NET-13", At: at})
		if n.Len() != 0 {
			t.Errorf("Len() = %d, want 0", n.Len())
		}
		if d, ok := n.NextDeadline(); ok {
			t.Errorf("NextDeadline() = %v after the branch was deleted", d)
		}
	})
}

// --- NET-08 ----------------------------------------------------------------

// TestNET08_CommercialAgainReconnects proves NET-08: an incompatible or
// blocked branch that buys a commercial plan returns to the connected list,
// and a blocked one is unblocked; a trial is not a commercial plan.
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
			if c.blocked {
				b = w.carry(b, w.advanceNet(n, deadline), deadline)
				if !b.BlockedFor(network.CauseBranch) {
					t.Fatalf("setup: b1 not blocked")
				}
			}
			buy := plan.Purchase{By: tenancy.Admin(nrBea), Plan: c.plan, Period: plan.Monthly}
			before := nrSnap(t, n)
			_, _, preview, err := w.net.PreviewPlan(n, b, c.at, buy)
			if err != nil || nrSnap(t, n) != before {
				t.Fatalf("PreviewPlan: %v; changed the network: %v", err, nrSnap(t, n) != before)
			}
			b, effs := w.applyPlan(n, b, c.at, buy)
			// The preview shows the very effects, with the same IDs.
			if d := cmp.Diff(preview, effs); d != "" {
				t.Errorf("preview differs from the purchase (-preview +applied):\n%s", d)
			}
			var want []nrEff
			if c.blocked {
				want = append(want, nrEff{Kind: network.EffectUnblock, Account: "b1", Rule: "NET-07", At: c.at, Cause: network.CauseBranch})
			}
			want = append(want, nrEff{Kind: network.EffectReconnected, Account: "b1", Rule: "NET-08", At: c.at})
			nrWant(t, "Purchase", n, effs, want...)
			br := nrStatus(t, n, "b1", network.Connected)
			nrTime(t, "Since", br.Since, c.at)
			if !br.Deadline.IsZero() || n.Active() != 1 {
				t.Errorf("reconnected: Deadline %v Active %d, want none and 1", br.Deadline, n.Active())
			}
			if err := b.Usable(); err != nil {
				t.Errorf("the reconnected branch is not usable: %v", err)
			}
			if d := cmp.Diff([]network.BranchView{{Account: "b1", Status: network.Connected}}, n.Widget(nrHQ).Branches); d != "" {
				t.Errorf("head's widget (-want +got):\n%s", d)
			}
			// The old deadline no longer fires.
			nrWant(t, "Advance past the old deadline", n, w.advanceNet(n, deadline.AddDate(0, 1, 0)))
			nrStatus(t, n, "b1", network.Connected)
		})
	}

	t.Run("a trial is not commercial: still incompatible", func(t *testing.T) {
		w, n, _, b := nrIncompatible(t)
		at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
		b, effs := w.applyPlan(n, b, at, plan.StartTrial{By: tenancy.Admin(nrBea)})
		if b.Sub.Status != plan.StatusTrial {
			t.Fatalf("setup: %v, want a trial", b.Sub.Status)
		}
		nrWant(t, "StartTrial", n, effs)
		br := nrStatus(t, n, "b1", network.Incompatible)
		nrTime(t, "Deadline", br.Deadline, deadline)
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
		if out.Sub.Plan != plan.Basic || len(leffs) == 0 {
			t.Errorf("preview: plan %s, %d account effects; want basic and its purchase", out.Sub.Plan, len(leffs))
		}
		if nrSnap(t, n) != before {
			t.Errorf("PreviewPlan changed the network")
		}
		// The committed purchase numbers its effect as the preview did.
		_, _, got, err := w.net.ApplyPlan(n, b, at, plan.Purchase{By: tenancy.Admin(nrBea), Plan: plan.Basic, Period: plan.Monthly})
		if err != nil || len(got) != 1 || got[0].ID() != effs[0].ID() {
			t.Errorf("ApplyPlan gave %v, %v; want the previewed %v", got, err, effs)
		}
	})
}

// nrDisabled returns a world with hq, on Enterprise monthly since nrT0,
// heading a network with b1 connected on Professional annual; the head did
// not pay its second period: in grace from 2 April, on free from 17 April
// 09:00, when it is observed: the network is disabled and the head will be
// blocked on 2 May 09:00.
func nrDisabled(t testing.TB) (*nrWorld, *network.Network, lifecycle.Account, lifecycle.Account) {
	t.Helper()
	w := nrNew(t)
	n, head := w.create(w.head(plan.Monthly), nrCreated)
	b, _ := w.connect(n, head, w.branch("b1", plan.Professional, plan.Annual), nrT1)
	// In grace the head keeps Enterprise: nothing changes (NET-10's note).
	head = w.advance(head, nrPeriodEnd)
	if head.Sub.Status != plan.StatusGrace {
		t.Fatalf("setup: head %v on 2 April, want grace", head.Sub.Status)
	}
	nrWant(t, "Observe the head in grace", n, w.observe(n, head, nrPeriodEnd))
	lapse := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)
	head = w.advance(head, lapse)
	if head.Sub.Status != plan.StatusFree {
		t.Fatalf("setup: head %v on 17 April, want free", head.Sub.Status)
	}
	nrWant(t, "Observe the lapse", n, w.observe(n, head, lapse), nrEff{Kind: network.EffectDisabled, Account: nrHQ,
		Rule: "NET-09", At: lapse, Deadline: time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)})
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
		// No branch joins a disabled network.
		b2 := w.branch("b2", plan.Basic, plan.Annual)
		nrRefuse(t, n, func() ([]network.Effect, error) {
			return w.net.Connect(n, head, b2, nrAda, time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC))
		}, network.ErrDisabled, "NET-09")

		nrWant(t, "a nanosecond early", n, w.advanceNet(n, headDeadline.Add(-time.Nanosecond)))
		effs := w.advanceNet(n, headDeadline)
		nrWant(t, "at the deadline", n, effs, nrEff{Kind: network.EffectBlock, Account: nrHQ, Rule: "NET-09", At: headDeadline, Cause: network.CauseHead})
		if !n.HeadBlocked() || !n.HeadDeadline().IsZero() {
			t.Errorf("HeadBlocked %v HeadDeadline %v; want true, none", n.HeadBlocked(), n.HeadDeadline())
		}
		head = w.carry(head, effs, headDeadline)
		nrWantRefusal(t, head.Usable(), lifecycle.ErrBlocked, "LIFE-08", "NET-09")

		// Enterprise again on 4 May: unblocked and resumed.
		at := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
		head, effs = w.applyPlan(n, head, at, plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Enterprise, Period: plan.Monthly})
		nrWant(t, "Enterprise again", n, effs,
			nrEff{Kind: network.EffectUnblock, Account: nrHQ, Rule: "NET-09", At: at, Cause: network.CauseHead},
			nrEff{Kind: network.EffectResumed, Account: nrHQ, Rule: "NET-09", At: at})
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
		_, effs := w.applyPlan(n, head, at, plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Enterprise, Period: plan.Annual})
		nrWant(t, "Enterprise again", n, effs, nrEff{Kind: network.EffectResumed, Account: nrHQ, Rule: "NET-09", At: at})
		nrWant(t, "past the old deadline", n, w.advanceNet(n, headDeadline.AddDate(0, 1, 0)))
		if n.HeadBlocked() {
			t.Errorf("the head was blocked after resuming")
		}
	})

	t.Run("a lesser plan does not resume", func(t *testing.T) {
		w, n, head, _ := nrDisabled(t)
		at := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
		_, effs := w.applyPlan(n, head, at, plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Professional, Period: plan.Annual})
		nrWant(t, "Professional", n, effs)
		if n.Status() != network.Disabled || !n.HeadDeadline().Equal(headDeadline) {
			t.Errorf("Status %v HeadDeadline %v; want disabled until %v", n.Status(), n.HeadDeadline(), headDeadline)
		}
	})

	t.Run("paid in grace: never disabled", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Monthly), nrCreated)
		w.connect(n, head, w.branch("b1", plan.Professional, plan.Annual), nrT1)
		head = w.advance(head, nrPeriodEnd)
		at := time.Date(2026, 4, 16, 9, 0, 0, 0, time.UTC)
		head, effs := w.applyPlan(n, head, at, plan.RecordPayment{By: tenancy.Service(), Amount: head.Sub.Due})
		nrWant(t, "RecordPayment", n, effs)
		nrWant(t, "Observe after grace would have ended", n, w.observe(n, w.advance(head, headDeadline), headDeadline))
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
		w.observe(n, w.plan(b, drop, plan.Cancel{By: tenancy.Admin(nrBea), Now: true}), drop)
		// A branch deadline of 20 March must fire before any command
		// after it; cancel on 10 March.
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
		w.advanceNet(n, time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)) // b1 blocked
		// Enterprise until 2 April 09:00; a nanosecond before, nothing.
		nrWant(t, "Observe before the end", n, w.observe(n, w.advance(head, nrPeriodEnd.Add(-time.Nanosecond)), nrPeriodEnd.Add(-time.Nanosecond)))
		head = w.advance(head, nrPeriodEnd)
		nrWant(t, "Observe at the end", n, w.observe(n, head, nrPeriodEnd), nrEff{Kind: network.EffectDisabled,
			Account: nrHQ, Rule: "NET-09", At: nrPeriodEnd, Deadline: time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)})
		if wb := n.Widget("b1"); wb.Visible {
			t.Errorf("the widget shows at an incompatible branch of a disabled network")
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
		if nrSnap(t, n) != before || n.Status() != network.Operating {
			t.Errorf("PreviewPlan changed the network: %s", nrSnap(t, n))
		}
		// In grace nothing is paid, so a move down to free drops the head
		// at once (PLAN-04, PLAN-14): on 5 April, blocked 20 April.
		w2 := nrNew(t)
		n2, head2 := w2.create(w2.head(plan.Monthly), nrCreated)
		grace := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
		head2 = w2.advance(head2, grace)
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
		// applies, on 2 March 2027 09:00, and the head blocked 15 days
		// later.
		head, effs = w.applyPlan(n, head, at, plan.ChangePlan{By: tenancy.Admin(nrAda), Plan: plan.Professional, Period: plan.Annual})
		nrWant(t, "the downgrade", n, effs)
		end := time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC)
		head = w.advance(head, end)
		if head.Sub.Plan != plan.Professional {
			t.Fatalf("setup: head on %s on %v, want professional", head.Sub.Plan, end)
		}
		nrWant(t, "Observe", n, w.observe(n, head, end), nrEff{Kind: network.EffectDisabled, Account: nrHQ,
			Rule: "NET-09", At: end, Deadline: time.Date(2027, 3, 17, 9, 0, 0, 0, time.UTC)})
	})
}

// --- NET-10 ----------------------------------------------------------------

// TestNET10_HeadPlanLocked proves NET-10: while branches are connected (or
// on trial), the head's administrator cannot change, cancel or stop renewing
// the head's plan; payments and add-ons go on; once every branch is
// disconnected, or none is active, the plan changes.
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
				err := w.net.CheckPlan(n, nrHQ, cmd)
				nrWantRefusal(t, err, network.ErrHeadLocked, "NET-10", "disconnect")
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

			// A payment in grace (2 to 17 April).
			grace := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
			head = w.advance(head, grace)
			head, effs := w.applyPlan(n, head, grace, plan.RecordPayment{By: tenancy.Service(), Amount: head.Sub.Due})
			nrWant(t, "RecordPayment", n, effs)
			if head.Sub.Status != plan.StatusActive {
				t.Errorf("after the payment the head is %v", head.Sub.Status)
			}

			// Every branch disconnected: the plan changes.
			w.disconnect(n, head, b, grace)
			if err := w.net.CheckPlan(n, nrHQ, locked[0]); err != nil {
				t.Errorf("CheckPlan with no branch: %v", err)
			}
			head, effs = w.applyPlan(n, head, grace, locked[0])
			nrWant(t, "a downgrade with no branch", n, effs)
			if head.Sub.Pending.Kind != plan.ChangeDowngrade {
				t.Errorf("pending %v, want a downgrade", head.Sub.Pending.Kind)
			}
		})
	}

	t.Run("only incompatible branches: not locked", func(t *testing.T) {
		w, n, head, _ := nrIncompatible(t)
		at := time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
		_, effs := w.applyPlan(n, head, at, plan.Cancel{By: ada})
		nrWant(t, "Cancel", n, effs)
	})

	t.Run("a branch's plan is never locked", func(t *testing.T) {
		w := nrNew(t)
		n, head := w.create(w.head(plan.Annual), nrCreated)
		w.connect(n, head, w.branch("b1", plan.Basic, plan.Annual), nrT1)
		for _, cmd := range locked {
			if err := w.net.CheckPlan(n, "b1", cmd); err != nil {
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
	// Closed for good.
	b3 := w.branch("b3", plan.Basic, plan.Annual)
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Connect(n1, hq, b3, nrAda, at) }, tenancy.ErrRefused, "NET-11", "dissolved")
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Dissolve(n1, hq, nrAda, at) }, tenancy.ErrRefused, "NET-11")
	nrRefuse(t, n1, func() ([]network.Effect, error) { return w.net.Observe(n1, hq, at) }, tenancy.ErrRefused, "NET-11")
	if err := w.net.CheckPlan(n1, nrHQ, plan.Cancel{By: tenancy.Admin(nrAda)}); err != nil {
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
		head = w.plan(head, lapse, plan.Cancel{By: tenancy.Admin(nrAda), Now: true})
		w.observe(n, head, lapse)
		block := time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)
		head = w.carry(head, w.advanceNet(n, block), block)
		if !head.BlockedFor(network.CauseHead) {
			t.Fatalf("setup: the head is not blocked")
		}
		effs, err := w.net.Dissolve(n, head, nrAda, block)
		if err != nil {
			t.Fatal(err)
		}
		nrCheck(t, n)
		nrWant(t, "Dissolve", n, effs,
			nrEff{Kind: network.EffectDissolved, Account: nrHQ, Rule: "NET-11", At: block},
			nrEff{Kind: network.EffectUnblock, Account: nrHQ, Rule: "NET-09", At: block, Cause: network.CauseHead})
		head = w.carry(head, effs, block)
		if err := head.Usable(); err != nil || head.Network != "" || n.HeadBlocked() {
			t.Errorf("after dissolving: Usable %v, Network %q, HeadBlocked %v", err, head.Network, n.HeadBlocked())
		}
	})
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
		b1 = w.plan(b1, at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true})
		w.observe(n, b1, at)
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
// refuses, leaving the network as it was: a deadline that is due (advance
// first, so that no block is lost: NET-07, NET-09), a time before the
// network's last change, a branch or head that is not this network's.
func TestNETCommands_SharedRefusals(t *testing.T) {
	// commands returns every command on n at at, on the incompatible b1.
	commands := func(w *nrWorld, n *network.Network, head, b lifecycle.Account, at time.Time) map[string]func() ([]network.Effect, error) {
		other := w.branch("b2", plan.Basic, plan.Annual)
		buy := plan.Purchase{By: tenancy.Admin(nrBea), Plan: plan.Basic, Period: plan.Monthly}
		return map[string]func() ([]network.Effect, error){
			"Connect":    func() ([]network.Effect, error) { return w.net.Connect(n, head, other, nrAda, at) },
			"Disconnect": func() ([]network.Effect, error) { return w.net.Disconnect(n, head, "b1", nrAda, at) },
			"Dissolve":   func() ([]network.Effect, error) { return w.net.Dissolve(n, head, nrAda, at) },
			"Observe":    func() ([]network.Effect, error) { return w.net.Observe(n, b, at) },
			"ApplyPlan": func() ([]network.Effect, error) {
				_, _, effs, err := w.net.ApplyPlan(n, b, at, buy)
				return effs, err
			},
			"PreviewPlan": func() ([]network.Effect, error) {
				_, _, effs, err := w.net.PreviewPlan(n, b, at, buy)
				return effs, err
			},
		}
	}
	deadline := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)

	for _, at := range []time.Time{deadline, deadline.AddDate(0, 0, 1)} {
		t.Run("a branch deadline due at "+at.Format(time.DateOnly), func(t *testing.T) {
			w, n, head, b := nrIncompatible(t)
			for name, run := range commands(w, n, head, b, at) {
				t.Run(name, func(t *testing.T) { nrRefuse(t, n, run, network.ErrNotAdvanced, "", "advance") })
			}
			b = w.carry(b, w.advanceNet(n, at), at)
			// Advanced, the commands run again.
			_, effs := w.applyPlan(n, b, at, plan.Purchase{By: tenancy.Admin(nrBea), Plan: plan.Basic, Period: plan.Monthly})
			nrWant(t, "after advancing", n, effs,
				nrEff{Kind: network.EffectUnblock, Account: "b1", Rule: "NET-07", At: at, Cause: network.CauseBranch},
				nrEff{Kind: network.EffectReconnected, Account: "b1", Rule: "NET-08", At: at})
		})
	}

	t.Run("the head's deadline due", func(t *testing.T) {
		w, n, head, b := nrDisabled(t)
		at := time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC)
		for name, run := range commands(w, n, head, b, at) {
			t.Run(name, func(t *testing.T) { nrRefuse(t, n, run, network.ErrNotAdvanced, "") })
		}
	})

	t.Run("time going back", func(t *testing.T) {
		w, n, head, b := nrIncompatible(t)
		at := nrPeriodEnd.Add(-time.Nanosecond) // the network changed at nrPeriodEnd
		for name, run := range commands(w, n, head, b, at) {
			t.Run(name, func(t *testing.T) { nrRefuse(t, n, run, tenancy.ErrTimeWentBack, "") })
		}
		nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Advance(n, at, nil) }, tenancy.ErrTimeWentBack, "")
		dst := []network.Effect{{Kind: network.EffectNotify}}
		if out, _ := w.net.Advance(n, at, dst); len(out) != 1 {
			t.Errorf("a refused Advance changed dst: %v", out)
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
	})
}
