package network_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the test's time zones must load on any machine

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// TestNetworkMachine drives a world of several accounts (some sharing
// administrators, in one or two domain zones) and up to three branch
// networks through random steps: creating networks, connecting and
// disconnecting branches, dissolving, plan commands on members through
// ApplyPlan (with their preview), plan commands on accounts outside any
// network, logins, user changes, clock jumps with or without a service that
// keeps up, and advancing accounts and networks. The harness works as a
// service would: it carries every account-addressed effect with Carry and
// observes every change of a member.
//
// The test keeps its own model of every network and predicts each
// command's outcome: the refusal (sentinel and rule) or the exact effects.
// After every step it checks the world against the model and the NET rules;
// each invariant is stated in a comment that cites its rule.
func TestNetworkMachine(t *testing.T) {
	stats := map[string]int{}
	rapid.Check(t, func(rt *rapid.T) {
		w := nmNewWorld(rt, stats)
		w.check(rt)
		steps := rapid.IntRange(10, 70).Draw(rt, "steps")
		for range steps {
			w.step(rt)
			w.check(rt)
		}
		w.stats[fmt.Sprintf("run ended with %d networks", len(w.nets))]++
	})
	keys := slices.Sorted(maps.Keys(stats))
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %-66s %6d", k, stats[k])
	}
	t.Logf("coverage:%s", b.String())
}

// nmSteps are the kinds of step, network commands and plan commands drawn
// most often; nmFirstSteps are drawn while no network operates.
var (
	nmSteps = []string{
		"create", "connect", "connect", "connect", "connect", "connect", "disconnect", "disconnect", "dissolve",
		"plan", "plan", "plan", "plan", "plan", "pay", "pay", "jump", "jump", "jump", "advance all", "advance one", "observe",
		"login", "people", "back", "carry elsewhere",
	}
	nmFirstSteps = []string{"create", "create", "create", "create", "plan", "plan", "jump", "login", "people"}
)

var (
	nmAccountIDs = []tenancy.AccountID{"acme", "bolt", "core", "dyno", "echo", "flux", "gale"}
	// nmPeople may be members of the accounts; nmStranger never is.
	nmPeople   = []tenancy.UserID{"ada", "bob", "cy", "dee", "eve"}
	nmZones    = []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"}
	nmStranger = tenancy.UserID("mallory")
)

// nmRules are the rules each effect kind cites; a block or unblock of a head
// cites NET-09 (nmHeadRule).
var nmRules = map[network.EffectKind]tenancy.RuleID{
	network.EffectCreated: "NET-01", network.EffectConnected: "NET-02", network.EffectStartTrial: "NET-06",
	network.EffectNotify: "NET-13", network.EffectDisconnected: "NET-13", network.EffectIncompatible: "NET-07",
	network.EffectReconnected: "NET-08", network.EffectBlock: "NET-07", network.EffectUnblock: "NET-07",
	network.EffectDisabled: "NET-09", network.EffectResumed: "NET-09", network.EffectDissolved: "NET-11",
}

const nmHeadRule tenancy.RuleID = "NET-09"

// ---------------------------------------------------------------------------
// The model of one network

// nmBranch is the model's view of a branch.
type nmBranch struct {
	Status   network.BranchStatus
	Since    time.Time
	Deadline time.Time
}

// nmModel is the test's own account of one network, moved only by the
// test's predictions.
type nmModel struct {
	head         tenancy.AccountID
	zone         string
	status       network.Status
	branches     map[tenancy.AccountID]nmBranch
	headDeadline time.Time // kept after the head is blocked, as the JSON form keeps it
	headBlocked  bool
	updated      time.Time
	seq          uint64
}

func (m nmModel) clone() nmModel {
	m.branches = maps.Clone(m.branches)
	return m
}

// effect numbers a predicted effect in the model's history.
func (m *nmModel) effect(k network.EffectKind, acc tenancy.AccountID, at time.Time, e network.Effect) network.Effect {
	m.seq++
	e.Kind, e.Network, e.Account, e.At, e.Seq = k, m.head, acc, at, m.seq
	if e.Rule == "" {
		e.Rule = nmRules[k]
	}
	return e
}

// active counts the branches connected or on trial (NET-10).
func (m *nmModel) active() int {
	n := 0
	for _, b := range m.branches {
		if b.Status == network.Connected || b.Status == network.OnTrial {
			n++
		}
	}
	return n
}

// headDue is when a disabled network's head will be blocked, or zero.
func (m *nmModel) headDue() time.Time {
	if m.status == network.Disabled && !m.headBlocked {
		return m.headDeadline
	}
	return time.Time{}
}

// next is the model's next deadline: the earliest incompatible branch's, or
// the unblocked head's of a disabled network.
func (m *nmModel) next() (time.Time, bool) {
	next := m.headDue()
	for _, b := range m.branches {
		if b.Status == network.Incompatible && (next.IsZero() || b.Deadline.Before(next)) {
			next = b.Deadline
		}
	}
	return next, !next.IsZero()
}

// nmWant is a predicted outcome: a refusal, or the effects and the model
// after the command.
type nmWant struct {
	err   error          // the sentinel, nil when accepted
	rule  tenancy.RuleID // the rule that refuses
	exact error          // the exact refusal, when another engine decides it
	effs  []network.Effect
	mod   nmModel
}

func nmRefuse(err error, rule tenancy.RuleID) nmWant { return nmWant{err: err, rule: rule} }

// ready predicts the refusals every command but Create and Advance starts
// with: time going back, a deadline due, a dissolved network.
func (m *nmModel) ready(now time.Time) (nmWant, bool) {
	if now.Before(m.updated) {
		return nmRefuse(tenancy.ErrTimeWentBack, ""), false
	}
	if d, ok := m.next(); ok && !d.After(now) {
		return nmRefuse(network.ErrNotAdvanced, ""), false
	}
	if m.status == network.Dissolved {
		return nmRefuse(tenancy.ErrRefused, "NET-11"), false
	}
	return nmWant{}, true
}

// nmNet is one network of the world with its model and the IDs of every
// effect in its history.
type nmNet struct {
	n    *network.Network
	mod  nmModel
	seen map[string]bool
}

// ---------------------------------------------------------------------------
// The world

// nmWorld is the world: the engines, the accounts, the networks ever
// created, the clock, and what the harness tracks as a service would.
type nmWorld struct {
	lives *lifecycle.Engine
	eng   *network.Engine
	cat   *plan.Catalog
	pol   network.Policy
	locs  []*time.Location
	now   time.Time
	accs  map[tenancy.AccountID]lifecycle.Account
	ids   []tenancy.AccountID
	nets  []*nmNet
	// dirty lists accounts changed since their network last observed them.
	dirty []tenancy.AccountID
	// seen holds every effect ID of every network; announced the deadline
	// each branch or head was last given (NET-07, NET-09).
	seen      map[string]bool
	announced map[[2]tenancy.AccountID]time.Time
	recent    []network.Effect
	lastErr   error // the last refusal run saw
	stats     map[string]int
}

func nmNewWorld(t *rapid.T, stats map[string]int) *nmWorld {
	ppol := plan.DefaultPolicy()
	ppol.GraceDays = rapid.SampledFrom([]int{15, 15, 0, 3}).Draw(t, "plan grace days")
	plans, err := plan.NewEngine(plan.DefaultCatalog(), ppol)
	if err != nil {
		t.Fatalf("plan.NewEngine: %v", err)
	}
	lpol := lifecycle.DefaultPolicy()
	lpol.InactivityDays = rapid.SampledFrom([]int{30, 30, 10}).Draw(t, "inactivity days")
	lpol.PurgeDays = rapid.SampledFrom([]int{30, 10}).Draw(t, "purge days")
	lives, err := lifecycle.NewEngine(plans, lpol)
	if err != nil {
		t.Fatalf("lifecycle.NewEngine: %v", err)
	}
	pol := network.DefaultPolicy()
	if rapid.Bool().Draw(t, "custom network policy") {
		pol.TrialDays = rapid.SampledFrom([]int{1, 15, 30}).Draw(t, "branch trial days")
		pol.GraceDays = rapid.SampledFrom([]int{0, 1, 15, 30}).Draw(t, "branch grace days")
		pol.MaxBranches = rapid.SampledFrom([]int{0, 1, 2}).Draw(t, "max branches")
	}
	eng, err := network.NewEngine(lives, pol)
	if err != nil {
		t.Fatalf("network.NewEngine(%+v): %v", pol, err)
	}
	if eng.Policy() != pol {
		t.Fatalf("Policy() = %+v, want %+v", eng.Policy(), pol)
	}
	w := &nmWorld{lives: lives, eng: eng, cat: plans.Catalog(), pol: pol,
		accs: map[tenancy.AccountID]lifecycle.Account{}, seen: map[string]bool{},
		announced: map[[2]tenancy.AccountID]time.Time{}, stats: stats}
	for _, z := range nmZones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatalf("load %s: %v", z, err)
		}
		w.locs = append(w.locs, loc)
	}
	w.now = time.Date(rapid.IntRange(2023, 2027).Draw(t, "start year"), time.Month(rapid.IntRange(1, 12).Draw(t, "start month")),
		rapid.SampledFrom([]int{1, 15, 28, 29, 30, 31}).Draw(t, "start day"), rapid.IntRange(0, 23).Draw(t, "start hour"),
		rapid.SampledFrom([]int{0, 30, 59}).Draw(t, "start minute"), 0, 0, time.UTC)

	twoZones := rapid.Bool().Draw(t, "two domain zones")
	n := rapid.IntRange(4, len(nmAccountIDs)).Draw(t, "accounts")
	for _, id := range nmAccountIDs[:n] {
		owner := rapid.SampledFrom(nmPeople).Draw(t, "owner")
		zone := "eu"
		if twoZones && nmOneIn(t, "in the other zone?", 3) {
			zone = "us"
		}
		loc := w.locs[rapid.IntRange(0, len(w.locs)-1).Draw(t, "account time zone")]
		acc, err := lives.New(id, owner, zone, loc, w.now)
		if err != nil {
			t.Fatalf("New(%s): %v", id, err)
		}
		// Other people administer or work in several accounts, so that
		// some pairs of accounts share an administrator (NET-13).
		for _, p := range nmPeople {
			if p == owner {
				continue
			}
			switch rapid.SampledFrom([]string{"admin", "admin", "employee", "none", "none"}).Draw(t, "member") {
			case "admin":
				acc = w.must(t, acc, lifecycle.AddUser{By: tenancy.Admin(owner), User: p, Role: tenancy.RoleAdministrator})
			case "employee":
				acc = w.must(t, acc, lifecycle.AddUser{By: tenancy.Admin(owner), User: p, Role: tenancy.RoleEmployee})
			}
		}
		admin := tenancy.Admin(owner)
		switch rapid.SampledFrom([]string{"free", "free", "used trial", "trial", "basic", "professional", "enterprise", "enterprise", "enterprise annual"}).Draw(t, "initial plan") {
		case "used trial":
			acc = w.must(t, acc, lifecycle.Plan{Cmd: plan.StartTrial{By: admin}})
			acc = w.must(t, acc, lifecycle.Plan{Cmd: plan.Cancel{By: admin}})
		case "trial":
			acc = w.must(t, acc, lifecycle.Plan{Cmd: plan.StartTrial{By: admin}})
		case "basic":
			acc = w.must(t, acc, lifecycle.Plan{Cmd: plan.Purchase{By: admin, Plan: plan.Basic, Period: plan.Monthly}})
		case "professional":
			acc = w.must(t, acc, lifecycle.Plan{Cmd: plan.Purchase{By: admin, Plan: plan.Professional, Period: plan.Annual}})
		case "enterprise":
			acc = w.must(t, acc, lifecycle.Plan{Cmd: plan.Purchase{By: admin, Plan: plan.Enterprise, Period: plan.Monthly}})
		case "enterprise annual":
			acc = w.must(t, acc, lifecycle.Plan{Cmd: plan.Purchase{By: admin, Plan: plan.Enterprise, Period: plan.Annual}})
		}
		w.accs[id] = acc
		w.ids = append(w.ids, id)
	}
	return w
}

// must applies a command the setup needs.
func (w *nmWorld) must(t *rapid.T, acc lifecycle.Account, cmd lifecycle.Command) lifecycle.Account {
	out, _, err := w.lives.Apply(acc, w.now, cmd)
	if err != nil {
		t.Fatalf("setup %T on %s: %v", cmd, acc.ID, err)
	}
	return out
}

// nmPick draws one of xs by its index, which keeps rapid's log readable.
func nmPick[T any](t *rapid.T, xs []T, label string) T {
	return xs[rapid.IntRange(0, len(xs)-1).Draw(t, label)]
}

// nmOneIn is true about once in n draws.
func nmOneIn(t *rapid.T, label string, n int) bool {
	return rapid.IntRange(0, n-1).Draw(t, label) == n/2
}

func (w *nmWorld) kind(acc lifecycle.Account) plan.Kind {
	k, _ := w.cat.Kind(acc.Sub.Plan)
	return k
}

// commercial: an active account paying for a paid plan (NET-02).
func (w *nmWorld) commercial(acc lifecycle.Account) bool {
	return acc.Stage == lifecycle.StageActive && acc.Sub.Paying() && w.kind(acc).Paid()
}

// enterprise: commercial on the Enterprise tier (NET-01).
func (w *nmWorld) enterprise(acc lifecycle.Account) bool {
	return w.commercial(acc) && w.kind(acc) == plan.KindEnterprise
}

// nmAdmin reports whether u administers acc and is not dismissed.
func nmAdmin(acc lifecycle.Account, u tenancy.UserID) bool {
	m, ok := acc.User(u)
	return ok && !m.Dismissed && m.Role == tenancy.RoleAdministrator
}

// live returns the networks not dissolved.
func (w *nmWorld) live() []*nmNet {
	var out []*nmNet
	for _, m := range w.nets {
		if m.mod.status != network.Dissolved {
			out = append(out, m)
		}
	}
	return out
}

// netOf returns the live network id heads or is listed in, nil if none.
func (w *nmWorld) netOf(id tenancy.AccountID) *nmNet {
	for _, m := range w.live() {
		if _, ok := m.mod.branches[id]; ok || m.mod.head == id {
			return m
		}
	}
	return nil
}

func (w *nmWorld) markDirty(id tenancy.AccountID) {
	if !slices.Contains(w.dirty, id) {
		w.dirty = append(w.dirty, id)
	}
}

// cmdTime is the clock, given in any of the zones: the engines convert.
func (w *nmWorld) cmdTime(t *rapid.T) time.Time {
	return w.now.In(w.locs[rapid.IntRange(0, len(w.locs)-1).Draw(t, "command zone")])
}

// tick lets a command take a moment; the service does not advance anything
// for it.
func (w *nmWorld) tick(t *rapid.T) {
	w.now = w.now.Add(rapid.SampledFrom([]time.Duration{0, 0, time.Nanosecond, time.Second, time.Minute, time.Hour}).Draw(t, "command duration"))
}

// floor is the latest change in the world: no deadline is processed
// before it.
func (w *nmWorld) floor() time.Time {
	var f time.Time
	for _, id := range w.ids {
		if u := w.accs[id].Updated; u.After(f) {
			f = u
		}
	}
	for _, m := range w.nets {
		if u := m.n.Updated(); u.After(f) {
			f = u
		}
	}
	return f
}

// earliest is the world's next deadline, accounts' and networks'.
func (w *nmWorld) earliest() (time.Time, bool) {
	var next time.Time
	consider := func(d time.Time, ok bool) {
		if ok && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	for _, id := range w.ids {
		if a := w.accs[id]; a.Stage != lifecycle.StageDeleted {
			consider(a.NextDeadline())
		}
	}
	for _, m := range w.live() {
		consider(m.n.NextDeadline())
	}
	return next, !next.IsZero()
}

// ---------------------------------------------------------------------------
// The service: advancing, observing, carrying

// bringUp advances an account to now, as a service does before it acts on
// it; a changed account is marked for observing.
func (w *nmWorld) bringUp(t *rapid.T, id tenancy.AccountID, now time.Time) {
	acc, ok := w.accs[id]
	if !ok {
		return
	}
	got, effs, err := w.lives.Advance(acc, now, nil)
	if err != nil {
		t.Fatalf("lifecycle Advance(%s, %v): %v", id, now, err)
	}
	if len(effs) > 0 {
		w.accs[id] = got
		w.markDirty(id)
		w.stats["service: account advanced"]++
	}
}

// prepare usually brings the accounts a command involves up to now and
// observes them; sometimes the command runs on the stored values.
func (w *nmWorld) prepare(t *rapid.T, now time.Time, ids ...tenancy.AccountID) {
	if nmOneIn(t, "command on stale accounts?", 4) {
		return
	}
	for _, id := range ids {
		w.bringUp(t, id, now)
	}
	w.reconcile(t, now)
}

// reconcile observes every changed member in its network at now, advancing
// the network first when a deadline is due, and carries the effects, until
// nothing is left to observe.
func (w *nmWorld) reconcile(t *rapid.T, now time.Time) {
	for guard := 0; len(w.dirty) > 0; guard++ {
		if guard > 1000 {
			t.Fatalf("observing never settles: %v", w.dirty)
		}
		id := w.dirty[0]
		w.dirty = w.dirty[1:]
		m := w.netOf(id)
		if m == nil {
			continue
		}
		if d, ok := m.n.NextDeadline(); ok && !d.After(now) {
			w.advanceNet(t, m, now)
		}
		w.observe(t, m, id, now)
	}
}

// schedule runs the service's scheduler up to target: every deadline of an
// account or a network fires at its own instant, in order (never before
// the world's last change), and everything changed is observed.
func (w *nmWorld) schedule(t *rapid.T, target time.Time) {
	for guard := 0; ; guard++ {
		if guard > 5000 {
			t.Fatalf("the scheduler never reaches %v", target)
		}
		next, ok := w.earliest()
		if !ok || next.After(target) {
			break
		}
		at := next
		if f := w.floor(); f.After(at) {
			at = f
			w.stats["scheduler: late deadline"]++
		}
		w.now = at
		for _, m := range w.live() {
			if d, ok := m.n.NextDeadline(); ok && !d.After(at) {
				w.advanceNet(t, m, at)
			}
		}
		for _, id := range w.ids {
			if d, ok := w.accs[id].NextDeadline(); ok && w.accs[id].Stage != lifecycle.StageDeleted && !d.After(at) {
				w.bringUp(t, id, at)
			}
		}
		w.reconcile(t, at)
	}
	if target.After(w.now) {
		w.now = target
	}
}

// carryAll carries every effect at now.
func (w *nmWorld) carryAll(t *rapid.T, effs []network.Effect, now time.Time) {
	for _, e := range effs {
		w.carry(t, e, now)
	}
}

// carry carries one effect to its account, as the service does: it brings
// the account up to now, then calls Carry, and checks what it did.
func (w *nmWorld) carry(t *rapid.T, e network.Effect, now time.Time) {
	w.recent = append(w.recent, e)
	if len(w.recent) > 16 {
		w.recent = w.recent[1:]
	}
	if _, ok := w.accs[e.Account]; !ok {
		t.Fatalf("effect %v is for an unknown account", e)
	}
	w.bringUp(t, e.Account, now)
	acc := w.accs[e.Account]
	got, leffs, err := w.eng.Carry(acc, e, now)
	switch e.Kind {
	case network.EffectNotify, network.EffectIncompatible, network.EffectReconnected, network.EffectDisabled, network.EffectResumed:
		// Nothing to do on the account.
		if err != nil || len(leffs) != 0 || nmDiff(acc, got) != "" {
			t.Fatalf("Carry(%v) needs nothing of the account, got effects %v, err %v, diff:\n%s", e, leffs, err, nmDiff(acc, got))
		}
		return
	}
	if acc.Stage == lifecycle.StageDeleted {
		// LIFE-05: nothing happens to a deleted account any more.
		if !errors.Is(err, lifecycle.ErrDeleted) || nmDiff(acc, got) != "" || len(leffs) != 0 {
			t.Fatalf("Carry(%v) on a deleted account: effects %v, err %v, want ErrDeleted", e, leffs, err)
		}
		w.stats["carry: account deleted"]++
		return
	}
	if err != nil {
		t.Fatalf("Carry(%v) on %s (network %q, blocks %v, %s %s): %v", e, acc.ID, acc.Network, acc.Blocks, acc.Sub.Status, acc.Sub.Plan, err)
	}
	for _, le := range leffs {
		if le.Account != acc.ID {
			t.Fatalf("Carry(%v) returned an effect for %s: %v", e, le.Account, le)
		}
	}
	switch e.Kind {
	case network.EffectCreated, network.EffectConnected:
		// NET-04: the account records the one network it is in.
		if got.Network != e.Network || !got.EverInNetwork {
			t.Fatalf("NET-04: after carrying %v the account is in %q (ever %v)", e, got.Network, got.EverInNetwork)
		}
	case network.EffectDisconnected, network.EffectDissolved:
		if got.Network != "" {
			t.Fatalf("NET-04: after carrying %v the account is still in %q", e, got.Network)
		}
	case network.EffectStartTrial:
		// NET-06: the branch trial, counted apart from the ordinary one.
		if got.Sub.Status != plan.StatusTrial || !got.Sub.NetworkTrialUsed || !got.Sub.End.Equal(e.At.AddDate(0, 0, e.Days)) {
			t.Fatalf("NET-06: after carrying %v the account is %s until %v (network trial used %v)", e, got.Sub.Status, got.Sub.End, got.Sub.NetworkTrialUsed)
		}
	case network.EffectBlock:
		if !got.BlockedFor(e.Cause) {
			t.Fatalf("LIFE-08: after carrying %v the account is not blocked for it: %v", e, got.Blocks)
		}
	case network.EffectUnblock:
		if got.BlockedFor(e.Cause) {
			t.Fatalf("LIFE-08: after carrying %v the account is still blocked: %v", e, got.Blocks)
		}
	default:
		t.Fatalf("Carry(%v): unknown kind", e)
	}
	w.accs[e.Account] = got
	w.markDirty(e.Account)
	w.stats["carry: "+e.Kind.String()]++
}

// advanceNet advances a network to at, checks the effects against the
// model, advances it again to the same instant (nothing more), and carries
// the effects.
func (w *nmWorld) advanceNet(t *rapid.T, m *nmNet, at time.Time) {
	want := w.predictAdvance(m.mod, at)
	before := nmSnap(t, m.n)
	marker := network.Effect{Kind: network.EffectNotify, Account: "marker"}
	got, err := w.eng.Advance(m.n, at, []network.Effect{marker})
	if len(got) == 0 || got[0] != marker {
		t.Fatalf("Advance dropped what dst held: %v", got)
	}
	got = got[1:]
	if want.err != nil {
		w.refused(t, m, "advance", before, got, err, want)
		return
	}
	if err != nil {
		t.Fatalf("Advance(%s, %v): %v", m.mod.head, at, err)
	}
	// The deadlines fire in time order.
	for i := 1; i < len(got); i++ {
		if got[i].At.Before(got[i-1].At) {
			t.Fatalf("Advance fired %v before %v", got[i-1], got[i])
		}
	}
	sorted := slices.Clone(got)
	nmSortFired(sorted)
	w.expect(t, m, "advance", sorted, want, true)
	m.mod = want.mod
	// Advancing twice to the same instant yields nothing.
	again := nmSnap(t, m.n)
	more, err := w.eng.Advance(m.n, at, nil)
	if err != nil || len(more) != 0 || !again.equal(nmSnap(t, m.n)) {
		t.Fatalf("a second Advance to %v: effects %v, err %v", at, more, err)
	}
	if len(got) > 0 {
		w.stats["advance network: deadline fired"]++
	}
	w.carryAll(t, got, at)
}

// observe has the network observe the stored account at now.
func (w *nmWorld) observe(t *rapid.T, m *nmNet, id tenancy.AccountID, now time.Time) {
	w.run(t, m, "observe", now, nil, func(mod nmModel) nmWant {
		return w.predictObserve(mod, w.accs[id], now)
	}, func() ([]network.Effect, error) {
		return w.eng.Observe(m.n, w.accs[id], now)
	})
}

// run runs one network command at now: first as given while a deadline is
// due (refused), then after the service advanced the network and ran prep
// (bringing the accounts up to date); checks the outcome against the
// prediction, and carries the effects.
func (w *nmWorld) run(t *rapid.T, m *nmNet, name string, now time.Time, prep func(), predict func(nmModel) nmWant, call func() ([]network.Effect, error)) bool {
	if pre, _ := m.mod.ready(now); errors.Is(pre.err, network.ErrNotAdvanced) {
		// Commands refuse to run while a deadline is due, so that no
		// effect is lost; nothing changes.
		before := nmSnap(t, m.n)
		effs, err := call()
		w.refused(t, m, name, before, effs, err, predict(m.mod))
		w.advanceNet(t, m, now)
		w.reconcile(t, now)
	}
	if prep != nil {
		prep()
	}
	if pre, _ := m.mod.ready(now); errors.Is(pre.err, network.ErrNotAdvanced) {
		// Bringing the accounts up to date may set a deadline due at
		// once (no grace): the service advances again.
		w.advanceNet(t, m, now)
		w.reconcile(t, now)
	}
	want := predict(m.mod)
	before := nmSnap(t, m.n)
	effs, err := call()
	w.lastErr = err
	if want.err != nil {
		w.refused(t, m, name, before, effs, err, want)
		return false
	}
	if err != nil {
		t.Fatalf("%s on the network of %s: %v", name, m.mod.head, err)
	}
	w.expect(t, m, name, effs, want, false)
	m.mod = want.mod
	if len(effs) > 0 {
		w.stats[fmt.Sprintf("%s: %s", name, effs[0].Kind)]++
	}
	w.carryAll(t, effs, now)
	w.reconcile(t, now)
	return true
}

// refused checks a refusal: the predicted sentinel and rule, a
// *tenancy.RuleError, no effect, and the network exactly as it was.
func (w *nmWorld) refused(t *rapid.T, m *nmNet, name string, before nmSnapshot, effs []network.Effect, err error, want nmWant) {
	if err == nil {
		t.Fatalf("%s was accepted with effects %v; want %s (%s)", name, effs, nmErrName(want.err), want.rule)
	}
	nmCheckErr(t, name, err, want)
	if len(effs) != 0 {
		t.Fatalf("%s was refused (%v) with effects %v", name, err, effs)
	}
	if after := nmSnap(t, m.n); !before.equal(after) {
		t.Fatalf("%s was refused (%v) but changed the network:\n%s\n%s", name, err, before.json, after.json)
	}
	w.stats[fmt.Sprintf("%s: refused %s %s", name, want.rule, nmErrName(err))]++
}

// nmCheckErr checks that err is the refusal predicted.
func nmCheckErr(t *rapid.T, name string, err error, want nmWant) {
	var re *tenancy.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("%s: refusal %v (%T) is not a *tenancy.RuleError", name, err, err)
	}
	if nmSentinelName(err) == "" {
		t.Fatalf("%s: refusal %v matches none of tenancy's sentinels", name, err)
	}
	if want.exact != nil {
		if err.Error() != want.exact.Error() {
			t.Fatalf("%s: refusal %q, want %q", name, err, want.exact)
		}
		return
	}
	if !errors.Is(err, want.err) || nmErrName(err) != nmErrName(want.err) || re.Rule != want.rule {
		t.Fatalf("%s: refusal %v is %s by %q, want %s by %q", name, err, nmErrName(err), re.Rule, nmErrName(want.err), want.rule)
	}
}

// expect checks effects against the prediction: numbered consecutively in
// the network's history, never seen before, and as predicted. Effects that
// fire at one instant may come in any order when unordered is set (they
// are sorted by the caller, so Seq is not compared).
func (w *nmWorld) expect(t *rapid.T, m *nmNet, name string, got []network.Effect, want nmWant, unordered bool) {
	seqs := make([]uint64, len(got))
	for i, e := range got {
		seqs[i] = e.Seq
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != m.mod.seq+uint64(i)+1 {
			t.Fatalf("%s: effect numbers %v do not follow %d", name, seqs, m.mod.seq)
		}
	}
	opts := []cmp.Option{cmpopts.EquateEmpty()}
	if unordered {
		opts = append(opts, cmpopts.IgnoreFields(network.Effect{}, "Seq"))
	}
	if d := cmp.Diff(want.effs, got, opts...); d != "" {
		t.Fatalf("%s on the network of %s: effects differ from the model (-want +got):\n%s", name, m.mod.head, d)
	}
	for _, e := range got {
		// Effects never repeat in a network's history. (A network created
		// again around the same head at the same instant numbers its
		// effects from 1 again: the IDs of the first network's come back.)
		id := e.ID()
		if m.seen[id] {
			t.Fatalf("effect %s repeats", id)
		}
		m.seen[id] = true
		if w.seen[id] {
			w.stats["effect ID of an earlier network around the same head"]++
		}
		w.seen[id] = true
		key := [2]tenancy.AccountID{e.Network, e.Account}
		switch e.Kind {
		case network.EffectIncompatible, network.EffectDisabled:
			// NET-07, NET-09: the block falls GraceDays after the
			// announcement, in the account's own calendar.
			if !e.Deadline.Equal(e.At.AddDate(0, 0, w.pol.GraceDays)) {
				t.Fatalf("%v: deadline %v is not %d days after %v", e, e.Deadline, w.pol.GraceDays, e.At)
			}
			w.announced[key] = e.Deadline
		case network.EffectBlock:
			// NET-07, NET-09: nobody is blocked before the deadline
			// announced to it, nor later than announced.
			d, ok := w.announced[key]
			if !ok || !e.At.Equal(d) || e.At.After(w.now) {
				t.Fatalf("%v: blocked at %v, the deadline announced was %v (announced %v), the clock %v", e, e.At, d, ok, w.now)
			}
			w.stats[fmt.Sprintf("block: %s", e.Rule)]++
		}
	}
}

// nmSortFired orders fired blocks by instant, branches before the head,
// then by account: the order among equal instants is not promised.
func nmSortFired(effs []network.Effect) {
	slices.SortStableFunc(effs, func(a, b network.Effect) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		ah, bh := a.Cause == network.CauseHead, b.Cause == network.CauseHead
		if ah != bh {
			if ah {
				return 1
			}
			return -1
		}
		return strings.Compare(string(a.Account), string(b.Account))
	})
}

// ---------------------------------------------------------------------------
// Predictions

// predictAdvance: every incompatible branch whose deadline has come is
// blocked at its deadline (NET-07), then a disabled network's head at its
// own (NET-09).
func (w *nmWorld) predictAdvance(mod nmModel, at time.Time) nmWant {
	if at.Before(mod.updated) {
		return nmRefuse(tenancy.ErrTimeWentBack, "")
	}
	want := nmWant{mod: mod.clone()}
	md := &want.mod
	type fire struct {
		at   time.Time
		head bool
		id   tenancy.AccountID
	}
	var fires []fire
	for _, id := range slices.Sorted(maps.Keys(md.branches)) {
		if b := md.branches[id]; b.Status == network.Incompatible && !b.Deadline.After(at) {
			fires = append(fires, fire{b.Deadline, false, id})
		}
	}
	if d := md.headDue(); !d.IsZero() && !d.After(at) {
		fires = append(fires, fire{d, true, md.head})
	}
	slices.SortStableFunc(fires, func(a, b fire) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		if a.head != b.head {
			if a.head {
				return 1
			}
			return -1
		}
		return 0
	})
	for _, f := range fires {
		if f.head {
			want.effs = append(want.effs, md.effect(network.EffectBlock, f.id, f.at, network.Effect{Rule: nmHeadRule, Cause: network.CauseHead}))
			md.headBlocked = true
		} else {
			b := md.branches[f.id]
			b.Status, b.Since = network.Blocked, f.at
			md.branches[f.id] = b
			want.effs = append(want.effs, md.effect(network.EffectBlock, f.id, f.at, network.Effect{Cause: network.CauseBranch}))
		}
		md.updated = f.at
	}
	return want
}

// predictObserve: what an account's standing means for its network
// (NET-07 to NET-09).
func (w *nmWorld) predictObserve(mod nmModel, acc lifecycle.Account, now time.Time) nmWant {
	if want, ok := mod.ready(now); !ok {
		return want
	}
	want := nmWant{mod: mod.clone()}
	md := &want.mod
	now = now.In(acc.Location())
	if acc.ID == md.head {
		ent := w.enterprise(acc)
		switch {
		case md.status == network.Operating && !ent:
			d := now.AddDate(0, 0, w.pol.GraceDays)
			want.effs = append(want.effs, md.effect(network.EffectDisabled, acc.ID, now, network.Effect{Deadline: d}))
			md.status, md.headDeadline, md.updated = network.Disabled, d, now
		case md.status == network.Disabled && ent:
			if md.headBlocked {
				want.effs = append(want.effs, md.effect(network.EffectUnblock, acc.ID, now, network.Effect{Rule: nmHeadRule, Cause: network.CauseHead}))
			}
			want.effs = append(want.effs, md.effect(network.EffectResumed, acc.ID, now, network.Effect{}))
			md.status, md.headDeadline, md.headBlocked, md.updated = network.Operating, time.Time{}, false, now
		}
		return want
	}
	b, ok := md.branches[acc.ID]
	if !ok {
		return nmRefuse(network.ErrNotMember, "NET-04")
	}
	if acc.Stage == lifecycle.StageDeleted {
		want.effs = md.remove(acc.ID, now, want.effs, false)
		md.updated = now
		return want
	}
	commercial := w.commercial(acc)
	switch b.Status {
	case network.Connected, network.OnTrial:
		if commercial || (b.Status == network.OnTrial && acc.Sub.Status == plan.StatusTrial) {
			if b.Status == network.OnTrial && commercial {
				md.branches[acc.ID] = nmBranch{Status: network.Connected, Since: now}
				md.updated = now
			}
			return want
		}
		d := now.AddDate(0, 0, w.pol.GraceDays)
		want.effs = append(want.effs, md.effect(network.EffectIncompatible, acc.ID, now, network.Effect{Deadline: d}))
		md.branches[acc.ID] = nmBranch{Status: network.Incompatible, Since: now, Deadline: d}
		md.updated = now
	default:
		if !commercial {
			return want
		}
		if b.Status == network.Blocked {
			want.effs = append(want.effs, md.effect(network.EffectUnblock, acc.ID, now, network.Effect{Cause: network.CauseBranch}))
		}
		want.effs = append(want.effs, md.effect(network.EffectReconnected, acc.ID, now, network.Effect{}))
		md.branches[acc.ID] = nmBranch{Status: network.Connected, Since: now}
		md.updated = now
	}
	return want
}

// remove unlists a branch; a blocked one is unblocked (NET-07).
func (m *nmModel) remove(id tenancy.AccountID, now time.Time, effs []network.Effect, unblock bool) []network.Effect {
	b := m.branches[id]
	delete(m.branches, id)
	effs = append(effs, m.effect(network.EffectDisconnected, id, now, network.Effect{}))
	// NET-07: disconnecting a blocked branch lifts its block; a deleted
	// branch has no block left to lift.
	if b.Status == network.Blocked && unblock {
		effs = append(effs, m.effect(network.EffectUnblock, id, now, network.Effect{Cause: network.CauseBranch}))
	}
	return effs
}

// predictConnect: NET-02 to NET-06, NET-13, NET-14.
func (w *nmWorld) predictConnect(mod nmModel, head, branch lifecycle.Account, by tenancy.UserID, now time.Time) nmWant {
	if want, ok := mod.ready(now); !ok {
		return want
	}
	_, listed := mod.branches[branch.ID]
	switch {
	case head.ID != mod.head:
		return nmRefuse(network.ErrNotMember, "NET-01")
	case !nmAdmin(head, by) || !nmAdmin(branch, by):
		// NET-13: a user who administers both.
		return nmRefuse(tenancy.ErrUnauthorized, "NET-13")
	case mod.status != network.Operating:
		return nmRefuse(network.ErrDisabled, "NET-09")
	case branch.ID == mod.head:
		// NET-01: one head, which is not its own branch.
		return nmRefuse(tenancy.ErrRefused, "NET-01")
	case branch.Network == branch.ID:
		// NET-05, NET-11: a head does not join another network; it
		// dissolves its own first.
		return nmRefuse(network.ErrInNetwork, "NET-11")
	case branch.Network != "" || listed:
		return nmRefuse(network.ErrInNetwork, "NET-04")
	case branch.Stage != lifecycle.StageActive:
		return nmRefuse(tenancy.ErrRefused, "NET-02")
	case branch.DomainZone != mod.zone:
		return nmRefuse(network.ErrZone, "NET-03")
	case w.pol.MaxBranches > 0 && len(mod.branches) >= w.pol.MaxBranches:
		return nmRefuse(network.ErrCap, "NET-14")
	}
	status, trial := network.Connected, false
	switch {
	case w.commercial(branch):
		// NET-02, NET-05: commercial, Enterprise included.
	case branch.EverInNetwork || branch.Sub.NetworkTrialUsed:
		// NET-06: an account that was ever networked buys first, even
		// while on a trial of its own.
		return nmRefuse(network.ErrMustBuy, "NET-06")
	case branch.Sub.Status == plan.StatusTrial:
		status = network.OnTrial
	default:
		status, trial = network.OnTrial, true
	}
	want := nmWant{mod: mod.clone()}
	md := &want.mod
	at := now.In(branch.Location())
	want.effs = append(want.effs, md.effect(network.EffectConnected, branch.ID, at, network.Effect{To: by}))
	if trial {
		want.effs = append(want.effs, md.effect(network.EffectStartTrial, branch.ID, at, network.Effect{To: by, Days: w.pol.TrialDays}))
	}
	// NET-13: every administrator of the branch is notified.
	for _, u := range branch.Users {
		if u.Role == tenancy.RoleAdministrator && !u.Dismissed {
			want.effs = append(want.effs, md.effect(network.EffectNotify, branch.ID, at, network.Effect{To: u.ID}))
		}
	}
	md.branches[branch.ID] = nmBranch{Status: status, Since: at}
	md.updated = at
	return want
}

// predictDisconnect: NET-07, NET-11, NET-13.
func (w *nmWorld) predictDisconnect(mod nmModel, head lifecycle.Account, branch tenancy.AccountID, by tenancy.UserID, now time.Time) nmWant {
	if want, ok := mod.ready(now); !ok {
		return want
	}
	_, listed := mod.branches[branch]
	switch {
	case head.ID != mod.head:
		return nmRefuse(network.ErrNotMember, "NET-13")
	case !nmAdmin(head, by):
		// NET-13: only an administrator of the head disconnects.
		return nmRefuse(tenancy.ErrUnauthorized, "NET-13")
	case !listed:
		return nmRefuse(network.ErrNotMember, "NET-13")
	}
	want := nmWant{mod: mod.clone()}
	at := now.In(head.Location())
	want.effs = want.mod.remove(branch, at, nil, true)
	want.mod.updated = at
	return want
}

// predictDissolve: NET-11, NET-13.
func (w *nmWorld) predictDissolve(mod nmModel, head lifecycle.Account, by tenancy.UserID, now time.Time) nmWant {
	if want, ok := mod.ready(now); !ok {
		return want
	}
	switch {
	case head.ID != mod.head:
		return nmRefuse(network.ErrNotMember, "NET-11")
	case !nmAdmin(head, by):
		return nmRefuse(tenancy.ErrUnauthorized, "NET-13")
	case len(mod.branches) > 0:
		return nmRefuse(tenancy.ErrRefused, "NET-11")
	}
	want := nmWant{mod: mod.clone()}
	md := &want.mod
	at := now.In(head.Location())
	want.effs = append(want.effs, md.effect(network.EffectDissolved, head.ID, at, network.Effect{}))
	if md.headBlocked {
		want.effs = append(want.effs, md.effect(network.EffectUnblock, head.ID, at, network.Effect{Rule: nmHeadRule, Cause: network.CauseHead}))
	}
	md.status, md.headDeadline, md.headBlocked, md.updated = network.Dissolved, time.Time{}, false, at
	return want
}

// nmResumes reports whether cmd moves a disabled network's head to an
// Enterprise plan, which NET-09 allows whatever NET-10 says.
func nmResumes(mod nmModel, cmd plan.Command) bool {
	c, ok := cmd.(plan.ChangePlan)
	if !ok || mod.status != network.Disabled {
		return false
	}
	k, _ := plan.DefaultCatalog().Kind(c.Plan)
	return k == plan.KindEnterprise
}

// nmLocks reports whether cmd changes the plan: a change, a cancellation,
// auto-renewal off (NET-10).
func nmLocks(cmd plan.Command) bool {
	switch c := cmd.(type) {
	case plan.ChangePlan, plan.Cancel:
		return true
	case plan.SetAutoRenew:
		return !c.On
	}
	return false
}

// predictPlan: the plan command runs on the account as the lifecycle
// engine runs it, unless NET-10 locks the head; then the network observes
// the result. It also returns the account and its effects.
func (w *nmWorld) predictPlan(mod nmModel, acc lifecycle.Account, now time.Time, cmd plan.Command) (nmWant, lifecycle.Account, []lifecycle.Effect) {
	if want, ok := mod.ready(now); !ok {
		return want, acc, nil
	}
	if _, listed := mod.branches[acc.ID]; !listed && acc.ID != mod.head {
		return nmRefuse(network.ErrNotMember, "NET-04"), acc, nil
	}
	out, leffs, err := w.lives.Apply(acc, now, lifecycle.Plan{Cmd: cmd})
	if acc.ID == mod.head && mod.active() > 0 && nmLocks(cmd) && !nmResumes(mod, cmd) && !errors.Is(err, tenancy.ErrUnauthorized) {
		// NET-10: the head's plan is locked while branches are active;
		// whoever may not change plans at all hears that first (PLAN-02).
		// NET-09: a disabled network's head may still go to Enterprise.
		return nmRefuse(network.ErrHeadLocked, "NET-10"), acc, nil
	}
	if err != nil {
		return nmWant{err: err, rule: tenancy.RuleOf(err), exact: err}, acc, nil
	}
	return w.predictObserve(mod, out, now), out, leffs
}

// ---------------------------------------------------------------------------
// Steps

func (w *nmWorld) step(t *rapid.T) {
	names := nmSteps
	if len(w.live()) == 0 {
		names = nmFirstSteps
	}
	switch name := rapid.SampledFrom(names).Draw(t, "step"); name {
	case "create":
		w.create(t)
	case "connect":
		w.connect(t)
	case "disconnect":
		w.disconnect(t)
	case "dissolve":
		w.dissolve(t)
	case "plan":
		w.planStep(t)
	case "pay":
		w.pay(t)
	case "jump":
		w.jump(t)
	case "advance all":
		w.advanceAll(t)
	case "advance one":
		w.advanceOne(t)
	case "observe":
		w.observeStep(t)
	case "login":
		w.login(t)
	case "people":
		w.people(t)
	case "back":
		w.back(t)
	case "carry elsewhere":
		w.carryElsewhere(t)
	default:
		t.Fatalf("unknown step %q", name)
	}
}

// drawAccount draws an account: with pick set, mostly among those pick
// accepts.
func (w *nmWorld) drawAccount(t *rapid.T, label string, pick func(lifecycle.Account) bool) tenancy.AccountID {
	var fit []tenancy.AccountID
	if pick != nil {
		for _, id := range w.ids {
			if pick(w.accs[id]) {
				fit = append(fit, id)
			}
		}
	}
	if len(fit) > 0 && !nmOneIn(t, label+": any account?", 4) {
		return rapid.SampledFrom(fit).Draw(t, label)
	}
	return rapid.SampledFrom(w.ids).Draw(t, label)
}

// drawNet draws a network: mostly a live one, sometimes a dissolved one.
func (w *nmWorld) drawNet(t *rapid.T) *nmNet {
	live := w.live()
	if len(live) > 0 && !nmOneIn(t, "a dissolved network?", 12) {
		return nmPick(t, live, "network")
	}
	if len(w.nets) == 0 {
		return nil
	}
	return nmPick(t, w.nets, "any network")
}

// drawUser draws who acts on the accounts: mostly a user who administers
// them all, else an administrator of one, a member, anyone, a stranger.
func (w *nmWorld) drawUser(t *rapid.T, label string, ids ...tenancy.AccountID) tenancy.UserID {
	admins := func(ids ...tenancy.AccountID) []tenancy.UserID {
		var out []tenancy.UserID
		for _, u := range nmPeople {
			all := true
			for _, id := range ids {
				all = all && nmAdmin(w.accs[id], u)
			}
			if all {
				out = append(out, u)
			}
		}
		return out
	}
	switch rapid.SampledFrom([]string{"admin of all", "admin of all", "admin of all", "admin of all", "admin of one", "member", "anyone", "stranger"}).Draw(t, label+" kind") {
	case "admin of all":
		if c := admins(ids...); len(c) > 0 {
			return rapid.SampledFrom(c).Draw(t, label)
		}
	case "admin of one":
		if c := admins(rapid.SampledFrom(ids).Draw(t, label+" account")); len(c) > 0 {
			return rapid.SampledFrom(c).Draw(t, label)
		}
	case "member":
		var c []tenancy.UserID
		for _, u := range w.accs[ids[0]].Users {
			c = append(c, u.ID)
		}
		return rapid.SampledFrom(c).Draw(t, label)
	case "stranger":
		return nmStranger
	}
	return rapid.SampledFrom(nmPeople).Draw(t, label)
}

// drawActor draws who issues a plan command on acc: mostly one of its
// administrators, else an employee, someone claiming a role they do not
// hold, the service, a stranger.
func (w *nmWorld) drawActor(t *rapid.T, acc lifecycle.Account, label string) tenancy.Actor {
	var admins, employees []tenancy.UserID
	for _, u := range acc.Users {
		switch {
		case u.Dismissed:
		case u.Role == tenancy.RoleAdministrator:
			admins = append(admins, u.ID)
		default:
			employees = append(employees, u.ID)
		}
	}
	switch rapid.SampledFrom([]string{"admin", "admin", "admin", "admin", "admin", "employee", "claims admin", "service", "stranger"}).Draw(t, label+" kind") {
	case "admin":
		if len(admins) > 0 {
			return tenancy.Admin(rapid.SampledFrom(admins).Draw(t, label))
		}
	case "employee":
		if len(employees) > 0 {
			return tenancy.Employee(rapid.SampledFrom(employees).Draw(t, label))
		}
	case "claims admin":
		return tenancy.Admin(rapid.SampledFrom(nmPeople).Draw(t, label))
	case "service":
		return tenancy.Service()
	case "stranger":
		return tenancy.Admin(nmStranger)
	}
	return tenancy.Admin(acc.Owner)
}

// create: a network around an account (NET-01, NET-04, NET-13).
func (w *nmWorld) create(t *rapid.T) {
	id := w.drawAccount(t, "head", func(a lifecycle.Account) bool { return w.enterprise(a) && a.Network == "" })
	by := w.drawUser(t, "create by", id)
	now := w.cmdTime(t)
	w.prepare(t, now, id)
	head := w.accs[id]
	var want nmWant
	switch {
	case !nmAdmin(head, by):
		want = nmRefuse(tenancy.ErrUnauthorized, "NET-13")
	case !w.enterprise(head):
		// NET-01: only an active Enterprise account heads a network.
		want = nmRefuse(tenancy.ErrRefused, "NET-01")
	case head.Network != "":
		// NET-04: in at most one network.
		want = nmRefuse(network.ErrInNetwork, "NET-04")
	case now.Before(head.Updated):
		want = nmRefuse(tenancy.ErrTimeWentBack, "")
	case len(w.live()) >= 3:
		w.stats["create: skipped, three networks"]++
		return
	}
	n, effs, err := w.eng.Create(head, by, now)
	if want.err != nil {
		if err == nil || n != nil || effs != nil {
			t.Fatalf("Create(%s by %s) = %v, %v, %v; want %s by %s", id, by, n, effs, err, nmErrName(want.err), want.rule)
		}
		nmCheckErr(t, "create", err, want)
		w.stats[fmt.Sprintf("create: refused %s %s", want.rule, nmErrName(err))]++
		return
	}
	if err != nil || n == nil {
		t.Fatalf("Create(%s by %s): %v", id, by, err)
	}
	m := &nmNet{n: n, mod: nmModel{head: id, zone: head.DomainZone, status: network.Operating,
		branches: map[tenancy.AccountID]nmBranch{}, updated: now}, seen: map[string]bool{}}
	next := m.mod.clone()
	want = nmWant{effs: []network.Effect{next.effect(network.EffectCreated, id, now, network.Effect{To: by})}, mod: next}
	w.expect(t, m, "create", effs, want, false)
	m.mod = want.mod
	w.nets = append(w.nets, m)
	w.stats["create: ok"]++
	w.carryAll(t, effs, now)
	w.reconcile(t, now)
	w.tick(t)
}

// connect: a random branch, head and user.
func (w *nmWorld) connect(t *rapid.T) {
	m := w.drawNet(t)
	if m == nil {
		return
	}
	headID := m.mod.head
	if nmOneIn(t, "another account as the head?", 10) {
		headID = rapid.SampledFrom(w.ids).Draw(t, "wrong head")
	}
	branchID := w.drawAccount(t, "branch", func(a lifecycle.Account) bool {
		return a.Network == "" && a.ID != m.mod.head && a.DomainZone == m.mod.zone
	})
	by := w.drawUser(t, "connect by", headID, branchID)
	now := w.cmdTime(t)
	// Notes on the branch, for the coverage.
	b := w.accs[branchID]
	switch {
	case b.Sub.Status == plan.StatusFree && b.EverInNetwork:
		w.stats["connect attempt: free, networked before"]++
	case b.Sub.Status == plan.StatusFree && b.Sub.TrialUsed:
		w.stats["connect attempt: free, trial used"]++
	case w.enterprise(b):
		w.stats["connect attempt: enterprise"]++
	}
	var free, networked bool
	ok := w.run(t, m, "connect", now, func() { w.prepare(t, now, headID, branchID) }, func(mod nmModel) nmWant {
		b := w.accs[branchID]
		free, networked = b.Sub.Status == plan.StatusFree, b.EverInNetwork || b.Sub.NetworkTrialUsed
		return w.predictConnect(mod, w.accs[headID], b, by, now)
	}, func() ([]network.Effect, error) {
		return w.eng.Connect(m.n, w.accs[headID], w.accs[branchID], by, now)
	})
	if ok {
		// NET-06: a free account that was ever in a network is never
		// connected without buying.
		if free && networked {
			t.Fatalf("NET-06: %s, free and networked before, was connected", branchID)
		}
		if br, _ := m.n.Branch(branchID); br.Status == network.OnTrial {
			w.stats["connect: on trial"]++
		}
	}
	w.tick(t)
}

// disconnect: a listed branch mostly, else any account or an unknown one.
func (w *nmWorld) disconnect(t *rapid.T) {
	m := w.drawNet(t)
	if m == nil {
		return
	}
	headID := m.mod.head
	if nmOneIn(t, "another account as the head?", 10) {
		headID = rapid.SampledFrom(w.ids).Draw(t, "wrong head")
	}
	var branchID tenancy.AccountID
	listed := slices.Sorted(maps.Keys(m.mod.branches))
	switch {
	case len(listed) > 0 && !nmOneIn(t, "an account not listed?", 5):
		branchID = rapid.SampledFrom(listed).Draw(t, "listed branch")
	case rapid.Bool().Draw(t, "unknown account?"):
		branchID = "nobody"
	default:
		branchID = rapid.SampledFrom(w.ids).Draw(t, "branch")
	}
	by := w.drawUser(t, "disconnect by", headID)
	now := w.cmdTime(t)
	w.run(t, m, "disconnect", now, func() { w.prepare(t, now, headID) }, func(mod nmModel) nmWant {
		return w.predictDisconnect(mod, w.accs[headID], branchID, by, now)
	}, func() ([]network.Effect, error) {
		return w.eng.Disconnect(m.n, w.accs[headID], branchID, by, now)
	})
	w.tick(t)
}

// dissolve: mostly a network without branches.
func (w *nmWorld) dissolve(t *rapid.T) {
	m := w.drawNet(t)
	for _, c := range w.live() {
		if len(c.mod.branches) == 0 && !nmOneIn(t, "dissolve another?", 4) {
			m = c
			break
		}
	}
	if m == nil {
		return
	}
	headID := m.mod.head
	if nmOneIn(t, "another account as the head?", 10) {
		headID = rapid.SampledFrom(w.ids).Draw(t, "wrong head")
	}
	by := w.drawUser(t, "dissolve by", headID)
	now := w.cmdTime(t)
	w.run(t, m, "dissolve", now, func() { w.prepare(t, now, headID) }, func(mod nmModel) nmWant {
		return w.predictDissolve(mod, w.accs[headID], by, now)
	}, func() ([]network.Effect, error) {
		return w.eng.Dissolve(m.n, w.accs[headID], by, now)
	})
	w.tick(t)
}

// planStep: a plan command on an account, mostly a member.
func (w *nmWorld) planStep(t *rapid.T) {
	id := w.drawAccount(t, "plan account", func(a lifecycle.Account) bool { return a.Network != "" })
	if rapid.Bool().Draw(t, "a head?") {
		id = w.drawAccount(t, "plan head", func(a lifecycle.Account) bool { return a.Network == a.ID })
	}
	now := w.cmdTime(t)
	name, cmd := w.drawPlanCommand(t, w.accs[id])
	w.planOn(t, id, now, name, cmd)
}

// pay: the billing service charges an account in grace what it owes
// (PLAN-14); a head's payment goes through while branches are connected
// (NET-10).
func (w *nmWorld) pay(t *rapid.T) {
	var owing []tenancy.AccountID
	for _, id := range w.ids {
		if w.accs[id].Sub.Status == plan.StatusGrace {
			owing = append(owing, id)
		}
	}
	if len(owing) == 0 {
		return
	}
	id := rapid.SampledFrom(owing).Draw(t, "owing account")
	w.planOn(t, id, w.cmdTime(t), "pay due", plan.RecordPayment{By: tenancy.Service(), Amount: w.accs[id].Sub.Due})
}

// planOn runs a plan command on an account: a member's through ApplyPlan
// (after its preview); another account's through the lifecycle engine
// alone, ApplyPlan refusing it (NET-04).
func (w *nmWorld) planOn(t *rapid.T, id tenancy.AccountID, now time.Time, name string, cmd plan.Command) {
	if m := w.netOf(id); m != nil {
		w.applyPlan(t, m, id, now, name, cmd)
		w.tick(t)
		return
	}
	w.prepare(t, now, id)
	if live := w.live(); len(live) > 0 && nmOneIn(t, "ApplyPlan on a stranger?", 3) {
		w.applyPlan(t, nmPick(t, live, "stranger's network"), id, now, name, cmd)
	}
	acc := w.accs[id]
	got, _, err := w.lives.Apply(acc, now, lifecycle.Plan{Cmd: cmd})
	if err == nil {
		w.accs[id] = got
		w.markDirty(id)
		w.reconcile(t, now)
		w.stats["plan alone: "+name]++
	}
	w.tick(t)
}

// applyPlan runs a plan command on a member through PreviewPlan, then
// ApplyPlan, against the prediction.
func (w *nmWorld) applyPlan(t *rapid.T, m *nmNet, id tenancy.AccountID, now time.Time, name string, cmd plan.Command) {
	// preview checks PreviewPlan against the prediction; it commits
	// nothing.
	preview := func(acc lifecycle.Account) {
		before := nmSnap(t, m.n)
		want, wantAcc, wantLeffs := w.predictPlan(m.mod, acc, now, cmd)
		pacc, pleffs, peffs, err := w.eng.PreviewPlan(m.n, acc, now, cmd)
		if !before.equal(nmSnap(t, m.n)) {
			t.Fatalf("PreviewPlan(%s) changed the network", name)
		}
		if want.err != nil {
			if err == nil {
				t.Fatalf("PreviewPlan(%s on %s) accepted, want %s", name, acc.ID, nmErrName(want.err))
			}
			nmCheckErr(t, "preview "+name, err, want)
			if nmDiff(acc, pacc) != "" || pleffs != nil || peffs != nil {
				t.Fatalf("PreviewPlan(%s) refused (%v) yet returned a changed account or effects", name, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("PreviewPlan(%s on %s): %v", name, acc.ID, err)
		}
		// PLAN-09: the preview shows exactly what ApplyPlan will do.
		if d := nmDiff(wantAcc, pacc); d != "" {
			t.Fatalf("PreviewPlan(%s): account differs (-want +got):\n%s", name, d)
		}
		if d := nmDiff(wantLeffs, pleffs); d != "" {
			t.Fatalf("PreviewPlan(%s): account effects differ (-want +got):\n%s", name, d)
		}
		if d := cmp.Diff(want.effs, peffs, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("PreviewPlan(%s on %s): network effects differ (-want +got):\n%s", name, acc.ID, d)
		}
	}
	head := id == m.mod.head
	locked := head && m.mod.active() > 0
	applied := w.run(t, m, "plan", now, func() { w.prepare(t, now, id) }, func(mod nmModel) nmWant {
		acc := w.accs[id]
		preview(acc)
		want, _, _ := w.predictPlan(mod, acc, now, cmd)
		return want
	}, func() ([]network.Effect, error) {
		acc := w.accs[id]
		_, wantAcc, wantLeffs := w.predictPlan(m.mod, acc, now, cmd)
		out, leffs, effs, err := w.eng.ApplyPlan(m.n, acc, now, cmd)
		if err != nil {
			wantAcc, wantLeffs = acc, nil
		} else {
			// The service keeps the account before it carries anything.
			w.accs[id] = out
			w.markDirty(id)
		}
		if d := nmDiff(wantAcc, out); d != "" {
			t.Fatalf("ApplyPlan(%s): account differs (-want +got):\n%s", name, d)
		}
		if d := nmDiff(wantLeffs, leffs); d != "" {
			t.Fatalf("ApplyPlan(%s): account effects differ (-want +got):\n%s", name, d)
		}
		return effs, err
	})
	role := "branch"
	if head {
		role = "head"
	}
	if !applied && locked && m.mod.status == network.Disabled && errors.Is(w.lastErr, network.ErrHeadLocked) {
		w.stats["plan: NET-10 refused on a disabled network's head: "+name]++
	}
	switch {
	case applied && locked:
		// NET-10: payments and the like go through while branches are
		// connected.
		w.stats["plan on head with active branches: "+name]++
	case applied:
		w.stats[fmt.Sprintf("plan on %s: %s", role, name)]++
	}
}

// drawPlanCommand draws a plan command; mostly one that fits the
// subscription's status.
func (w *nmWorld) drawPlanCommand(t *rapid.T, acc lifecycle.Account) (string, plan.Command) {
	s := acc.Sub
	by := w.drawActor(t, acc, "plan actor")
	fit := map[plan.Status][]string{
		plan.StatusFree:   {"purchase", "purchase enterprise", "purchase enterprise", "trial"},
		plan.StatusTrial:  {"purchase", "purchase enterprise", "cancel"},
		plan.StatusActive: {"upgrade", "to enterprise", "down from enterprise", "change", "cancel", "cancel now", "auto-renew off", "renew"},
		plan.StatusGrace:  {"pay", "pay", "pay", "cancel", "change"},
	}[s.Status]
	if s.Pending.Kind != plan.NoChange {
		fit = append(fit, "undo", "auto-renew on")
	}
	all := []string{"purchase", "purchase enterprise", "trial", "network trial", "upgrade", "to enterprise", "down from enterprise", "change",
		"cancel", "cancel now", "auto-renew off", "auto-renew on", "undo", "renew", "pay"}
	names := fit
	if nmOneIn(t, "a plan command that may not fit?", 4) {
		names = all
	}
	periods := []plan.Period{plan.Monthly, plan.Annual}
	switch name := rapid.SampledFrom(names).Draw(t, "plan command"); name {
	case "purchase":
		p := rapid.SampledFrom([]plan.PlanID{plan.Basic, plan.Standard, plan.Professional}).Draw(t, "plan")
		return name, plan.Purchase{By: by, Plan: p, Period: rapid.SampledFrom(periods).Draw(t, "period")}
	case "purchase enterprise":
		return name, plan.Purchase{By: by, Plan: plan.Enterprise, Period: rapid.SampledFrom(periods).Draw(t, "period")}
	case "trial":
		return name, plan.StartTrial{By: by}
	case "network trial":
		// An administrator takes the branch trial outside any network:
		// it counts as the one a network may grant (NET-06).
		return name, plan.StartTrial{By: by, Network: true}
	case "upgrade", "change":
		p := rapid.SampledFrom([]plan.PlanID{plan.Basic, plan.Standard, plan.Professional, plan.Enterprise, plan.Free}).Draw(t, "plan")
		return name, plan.ChangePlan{By: by, Plan: p, Period: rapid.SampledFrom(periods).Draw(t, "period")}
	case "to enterprise":
		return name, plan.ChangePlan{By: by, Plan: plan.Enterprise, Period: rapid.SampledFrom(periods).Draw(t, "period")}
	case "down from enterprise":
		p := rapid.SampledFrom([]plan.PlanID{plan.Basic, plan.Professional}).Draw(t, "plan")
		return name, plan.ChangePlan{By: by, Plan: p, Period: rapid.SampledFrom(periods).Draw(t, "period")}
	case "cancel", "cancel now":
		return name, plan.Cancel{By: by, Reason: "moving on", Now: name == "cancel now"}
	case "auto-renew off", "auto-renew on":
		return name, plan.SetAutoRenew{By: by, On: name == "auto-renew on"}
	case "undo":
		return name, plan.UndoChange{By: by}
	case "renew":
		return name, plan.Renew{By: by}
	case "pay":
		// The amount due, as the billing service records it.
		if rapid.Bool().Draw(t, "paid by the service?") {
			by = tenancy.Service()
		}
		amount := s.Due
		if amount.IsZero() {
			amount = decimal.NewFromInt(1)
		}
		return name, plan.RecordPayment{By: by, Amount: amount}
	default:
		t.Fatalf("unknown plan command %q", name)
		return "", nil
	}
}

// jump moves the clock: by minutes to months, exactly to a deadline, or to
// just before one. Mostly the service keeps up and fires every deadline at
// its instant; sometimes it falls behind.
func (w *nmWorld) jump(t *rapid.T) {
	target, pastNetwork := w.now, false
	kinds := []string{"minutes", "hours", "days", "grace", "month", "months", "year",
		"next deadline", "next deadline", "just before the next deadline", "a deadline", "past a network deadline"}
	for _, m := range w.live() {
		if _, ok := m.n.NextDeadline(); ok {
			// A network deadline is pending: often jump past it.
			kinds = append(kinds, "past a network deadline", "past a network deadline", "past a network deadline")
			break
		}
	}
	switch kind := rapid.SampledFrom(kinds).Draw(t, "jump"); kind {
	case "minutes":
		target = target.Add(time.Duration(rapid.IntRange(1, 59).Draw(t, "minutes")) * time.Minute)
	case "hours":
		target = target.Add(time.Duration(rapid.IntRange(1, 47).Draw(t, "hours")) * time.Hour)
	case "days":
		target = target.AddDate(0, 0, rapid.IntRange(1, 20).Draw(t, "days"))
	case "grace":
		target = target.AddDate(0, 0, w.pol.GraceDays)
	case "month":
		target = target.AddDate(0, 1, 0)
	case "months":
		target = target.AddDate(0, rapid.IntRange(2, 5).Draw(t, "months"), 0)
	case "year":
		target = target.AddDate(1, 0, 1)
	case "next deadline", "just before the next deadline":
		if d, ok := w.earliest(); ok && d.After(w.now) {
			target = d
			if kind != "next deadline" {
				target = d.Add(-time.Nanosecond)
			}
		}
	case "past a network deadline":
		for _, m := range w.live() {
			if d, ok := m.n.NextDeadline(); ok && d.After(w.now) {
				target = d.Add(rapid.SampledFrom([]time.Duration{0, time.Minute, 48 * time.Hour}).Draw(t, "past it by"))
				pastNetwork = true
				break
			}
		}
	case "a deadline":
		var ds []time.Time
		for _, id := range w.ids {
			if d, ok := w.accs[id].NextDeadline(); ok && d.After(w.now) {
				ds = append(ds, d)
			}
		}
		for _, m := range w.live() {
			if d, ok := m.n.NextDeadline(); ok && d.After(w.now) {
				ds = append(ds, d)
			}
		}
		if len(ds) > 0 {
			target = rapid.SampledFrom(ds).Draw(t, "deadline")
		}
	}
	behind := nmOneIn(t, "the service falls behind?", 3)
	if pastNetwork {
		// Mostly, to see commands refused until the service advances the
		// network.
		behind = rapid.IntRange(0, 3).Draw(t, "the service falls behind the network?") != 0
	}
	if behind {
		w.now = target
		w.stats["jump: service behind"]++
		return
	}
	w.schedule(t, target)
}

// advanceAll advances every account and every network to the clock, in
// either order, observing and carrying everything.
func (w *nmWorld) advanceAll(t *rapid.T) {
	now := w.now
	nets := func() {
		for _, m := range w.live() {
			w.advanceNet(t, m, now)
		}
	}
	accounts := func() {
		for _, id := range w.ids {
			w.bringUp(t, id, now)
		}
	}
	if rapid.Bool().Draw(t, "networks first?") {
		nets()
		accounts()
	} else {
		accounts()
	}
	w.reconcile(t, now)
	nets()
	w.reconcile(t, now)
}

// advanceOne advances one network or one account to the clock.
func (w *nmWorld) advanceOne(t *rapid.T) {
	if live := w.live(); len(live) > 0 && rapid.Bool().Draw(t, "a network?") {
		w.advanceNet(t, nmPick(t, live, "network to advance"), w.now)
		w.reconcile(t, w.now)
		return
	}
	w.bringUp(t, rapid.SampledFrom(w.ids).Draw(t, "account to advance"), w.now)
	w.reconcile(t, w.now)
}

// observeStep has a network observe any account: a member (nothing new,
// unless it changed unobserved) or not (refused, NET-04).
func (w *nmWorld) observeStep(t *rapid.T) {
	m := w.drawNet(t)
	if m == nil {
		return
	}
	id := rapid.SampledFrom(w.ids).Draw(t, "observed account")
	now := w.cmdTime(t)
	w.observe(t, m, id, now)
}

// login keeps an account in use (LIFE-01); refused while blocked (LIFE-08).
func (w *nmWorld) login(t *rapid.T) {
	id := rapid.SampledFrom(w.ids).Draw(t, "login account")
	acc := w.accs[id]
	u := w.drawUser(t, "login user", id)
	now := w.cmdTime(t)
	got, _, err := w.lives.Apply(acc, now, lifecycle.Login{User: u})
	if err != nil {
		if nmDiff(acc, got) != "" {
			t.Fatalf("a refused login changed the account")
		}
		if errors.Is(err, lifecycle.ErrBlocked) {
			w.stats["login: refused, blocked"]++
		}
		return
	}
	w.accs[id] = got
	w.markDirty(id)
	w.reconcile(t, now)
}

// people adds or dismisses a member, which changes who administers what
// (NET-13) and who sees what (NET-12).
func (w *nmWorld) people(t *rapid.T) {
	id := rapid.SampledFrom(w.ids).Draw(t, "people account")
	acc := w.accs[id]
	u := rapid.SampledFrom(nmPeople).Draw(t, "person")
	var cmd lifecycle.Command
	if m, ok := acc.User(u); ok && !m.Dismissed && rapid.Bool().Draw(t, "dismiss?") {
		cmd = lifecycle.DismissUser{By: tenancy.Admin(acc.Owner), User: u}
	} else {
		role := rapid.SampledFrom([]tenancy.Role{tenancy.RoleAdministrator, tenancy.RoleEmployee}).Draw(t, "role")
		cmd = lifecycle.AddUser{By: tenancy.Admin(acc.Owner), User: u, Role: role}
	}
	now := w.cmdTime(t)
	got, _, err := w.lives.Apply(acc, now, cmd)
	if err != nil {
		return
	}
	w.accs[id] = got
	w.markDirty(id)
	w.reconcile(t, now)
	w.stats["people: changed"]++
}

// back runs a command at a time before the network's last change: refused
// with ErrTimeWentBack, no rule, nothing changed.
func (w *nmWorld) back(t *rapid.T) {
	m := w.drawNet(t)
	if m == nil {
		return
	}
	at := m.n.Updated().Add(-rapid.SampledFrom([]time.Duration{time.Nanosecond, time.Hour, 24 * time.Hour}).Draw(t, "how far back"))
	head, id := w.accs[m.mod.head], rapid.SampledFrom(w.ids).Draw(t, "account")
	by := w.drawUser(t, "back by", m.mod.head)
	before := nmSnap(t, m.n)
	var effs []network.Effect
	var err error
	var want nmWant
	switch op := rapid.SampledFrom([]string{"advance", "observe", "connect", "disconnect", "dissolve", "plan"}).Draw(t, "op in the past"); op {
	case "advance":
		want = w.predictAdvance(m.mod, at)
		effs, err = w.eng.Advance(m.n, at, nil)
	case "observe":
		want = w.predictObserve(m.mod, w.accs[id], at)
		effs, err = w.eng.Observe(m.n, w.accs[id], at)
	case "connect":
		want = w.predictConnect(m.mod, head, w.accs[id], by, at)
		effs, err = w.eng.Connect(m.n, head, w.accs[id], by, at)
	case "disconnect":
		want = w.predictDisconnect(m.mod, head, id, by, at)
		effs, err = w.eng.Disconnect(m.n, head, id, by, at)
	case "dissolve":
		want = w.predictDissolve(m.mod, head, by, at)
		effs, err = w.eng.Dissolve(m.n, head, by, at)
	case "plan":
		cmd := plan.RecordPayment{By: tenancy.Service(), Amount: decimal.NewFromInt(1)}
		want, _, _ = w.predictPlan(m.mod, w.accs[id], at, cmd)
		_, _, effs, err = w.eng.ApplyPlan(m.n, w.accs[id], at, cmd)
	}
	if !errors.Is(want.err, tenancy.ErrTimeWentBack) {
		t.Fatalf("the model accepts a command at %v before the last change %v: %+v", at, m.mod.updated, want)
	}
	w.refused(t, m, "back", before, effs, err, want)
}

// carryElsewhere carries a recent effect to an account it is not for:
// refused, nothing changed.
func (w *nmWorld) carryElsewhere(t *rapid.T) {
	if len(w.recent) == 0 {
		return
	}
	e := nmPick(t, w.recent, "effect")
	id := rapid.SampledFrom(w.ids).Draw(t, "wrong account")
	if id == e.Account {
		return
	}
	acc := w.accs[id]
	got, leffs, err := w.eng.Carry(acc, e, w.now)
	if !errors.Is(err, tenancy.ErrInvalid) || len(leffs) != 0 || nmDiff(acc, got) != "" {
		t.Fatalf("Carry(%v) on %s: effects %v, err %v; want ErrInvalid and nothing changed", e, id, leffs, err)
	}
	w.stats["carry elsewhere: refused"]++
}

// ---------------------------------------------------------------------------
// Invariants after every step

func (w *nmWorld) check(t *rapid.T) {
	heads := map[tenancy.AccountID]*nmNet{}
	listedBy := map[tenancy.AccountID]*nmNet{}
	for _, m := range w.nets {
		w.checkNet(t, m)
		if m.mod.status == network.Dissolved {
			continue
		}
		// NET-01: one head per network; NET-04: no account heads two
		// networks, is listed by two, or heads one and is listed by
		// another.
		if heads[m.mod.head] != nil || listedBy[m.mod.head] != nil {
			t.Fatalf("NET-04: %s heads a network and is in another", m.mod.head)
		}
		heads[m.mod.head] = m
		for id := range m.mod.branches {
			if listedBy[id] != nil || heads[id] != nil {
				t.Fatalf("NET-04: %s is in the networks of %s and %s", id, m.mod.head, w.netOf(id).mod.head)
			}
			listedBy[id] = m
		}
	}
	for id := range listedBy {
		if heads[id] != nil {
			t.Fatalf("NET-04: %s heads a network and is a branch of %s", id, listedBy[id].mod.head)
		}
	}

	for _, id := range w.ids {
		acc := w.accs[id]
		if err := w.lives.Check(acc); err != nil {
			t.Fatalf("lifecycle Check(%s): %v", id, err)
		}
		if acc.Updated.After(w.now) {
			t.Fatalf("%s changed at %v, after the clock %v", id, acc.Updated, w.now)
		}
		if acc.Stage == lifecycle.StageDeleted {
			// LIFE-05, NET-04: a deleted account is in no network and has
			// no block; its network unlisted it once it observed it.
			if acc.Network != "" || acc.Blocked() || listedBy[id] != nil {
				t.Fatalf("deleted %s is in network %q (listed by %v), blocks %v", id, acc.Network, listedBy[id] != nil, acc.Blocks)
			}
			if m := heads[id]; m != nil {
				// A deleted head leaves its network disabled.
				if m.mod.status != network.Disabled {
					t.Fatalf("NET-01: the network of deleted %s is %s", id, m.mod.status)
				}
				w.stats["world: a network's head is deleted"]++
			}
			continue
		}
		// NET-04: the account names exactly the network that lists it
		// or that it heads.
		var want tenancy.AccountID
		switch {
		case heads[id] != nil:
			want = id
		case listedBy[id] != nil:
			want = listedBy[id].mod.head
		}
		if acc.Network != want {
			t.Fatalf("NET-04: %s says it is in network %q, the networks say %q", id, acc.Network, want)
		}
		// NET-07, NET-09, LIFE-08: every block has a live cause, and
		// every block the networks see is set on the account.
		for _, b := range acc.Blocks {
			switch b.Cause {
			case network.CauseBranch:
				if m := listedBy[id]; m == nil || m.mod.branches[id].Status != network.Blocked {
					t.Fatalf("NET-07: %s is blocked as a branch but is not a blocked branch", id)
				}
			case network.CauseHead:
				if m := heads[id]; m == nil || m.mod.status != network.Disabled || !m.mod.headBlocked {
					t.Fatalf("NET-09: %s is blocked as a head but heads no disabled network with a blocked head", id)
				}
			default:
				t.Fatalf("%s is blocked for an unknown cause %q", id, b.Cause)
			}
		}
		if m := listedBy[id]; m != nil {
			b := m.mod.branches[id]
			if (b.Status == network.Blocked) != acc.BlockedFor(network.CauseBranch) {
				t.Fatalf("NET-07: branch %s is %s, its account blocked %v", id, b.Status, acc.Blocks)
			}
			// NET-03: one domain zone.
			if acc.DomainZone != m.mod.zone {
				t.Fatalf("NET-03: branch %s is in zone %q, its network in %q", id, acc.DomainZone, m.mod.zone)
			}
			// NET-02, NET-06, NET-07: connected branches are commercial,
			// branches on trial run a trial, red ones are not commercial.
			switch b.Status {
			case network.Connected:
				if !w.commercial(acc) {
					t.Fatalf("NET-02: connected branch %s is %s on %s (%s)", id, acc.Stage, acc.Sub.Plan, acc.Sub.Status)
				}
			case network.OnTrial:
				if acc.Sub.Status != plan.StatusTrial || acc.Stage != lifecycle.StageActive {
					t.Fatalf("NET-06: branch %s on trial is %s on %s (%s)", id, acc.Stage, acc.Sub.Plan, acc.Sub.Status)
				}
			case network.Incompatible, network.Blocked:
				if w.commercial(acc) {
					t.Fatalf("NET-08: branch %s is %s yet commercial on %s", id, b.Status, acc.Sub.Plan)
				}
			}
			if !acc.EverInNetwork {
				t.Fatalf("NET-06: branch %s is not recorded as ever networked", id)
			}
		}
		if m := heads[id]; m != nil {
			if m.mod.headBlocked != acc.BlockedFor(network.CauseHead) {
				t.Fatalf("NET-09: head %s blocked %v, its account's blocks %v", id, m.mod.headBlocked, acc.Blocks)
			}
			// NET-01: an operating network's head is on an active
			// Enterprise plan; a disabled network's is not.
			if (m.mod.status == network.Operating) != w.enterprise(acc) {
				t.Fatalf("NET-01: the network of %s is %s, its head %s on %s (%s)", id, m.mod.status, acc.Stage, acc.Sub.Plan, acc.Sub.Status)
			}
		}
	}

	// NET-12: a user sees exactly the accounts of which they are a member
	// not dismissed, whatever networks exist.
	all := make([]lifecycle.Account, 0, len(w.ids))
	for _, id := range w.ids {
		all = append(all, w.accs[id])
	}
	for _, u := range append(slices.Clone(nmPeople), nmStranger) {
		var want []tenancy.AccountID
		for _, acc := range all {
			m, ok := acc.User(u)
			member := ok && !m.Dismissed
			if network.CanSee(u, acc) != member {
				t.Fatalf("NET-12: CanSee(%s, %s) = %v, member %v", u, acc.ID, !member, member)
			}
			if member {
				want = append(want, acc.ID)
			}
		}
		if got := network.Visible(u, all); !slices.Equal(got, want) {
			t.Fatalf("NET-12: Visible(%s) = %v, want %v", u, got, want)
		}
	}
}

// checkNet checks one network against its model, its JSON form, its clone
// and its widget.
func (w *nmWorld) checkNet(t *rapid.T, m *nmNet) {
	n, md := m.n, &m.mod
	if n.Head() != md.head || n.Zone() != md.zone || n.Status() != md.status || n.HeadBlocked() != md.headBlocked {
		t.Fatalf("network %s/%s is %s (head blocked %v), the model says %s/%s %s (%v)",
			n.Head(), n.Zone(), n.Status(), n.HeadBlocked(), md.head, md.zone, md.status, md.headBlocked)
	}
	if !n.HeadDeadline().Equal(md.headDue()) {
		t.Fatalf("NET-09: head deadline %v, the model says %v", n.HeadDeadline(), md.headDue())
	}
	if !n.Updated().Equal(md.updated) || n.Updated().After(w.now) {
		t.Fatalf("network of %s last changed %v, the model says %v (clock %v)", md.head, n.Updated(), md.updated, w.now)
	}
	if n.Len() != len(md.branches) || n.Active() != md.active() {
		t.Fatalf("network of %s: %d branches, %d active; the model says %d, %d", md.head, n.Len(), n.Active(), len(md.branches), md.active())
	}
	got := n.Branches()
	want := make([]network.Branch, 0, len(md.branches))
	for _, id := range slices.Sorted(maps.Keys(md.branches)) {
		b := md.branches[id]
		want = append(want, network.Branch{Account: id, Status: b.Status, Since: b.Since, Deadline: b.Deadline})
		if one, ok := n.Branch(id); !ok || cmp.Diff(want[len(want)-1], one) != "" {
			t.Fatalf("Branch(%s) = %+v, %v", id, one, ok)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("network of %s: branches differ from the model (-model +network):\n%s", md.head, d)
	}
	if _, ok := n.Branch(md.head); ok {
		t.Fatalf("NET-01: the head %s is listed as its own branch", md.head)
	}
	for _, b := range got {
		switch {
		case b.Status == network.Incompatible && !b.Deadline.After(b.Since) && w.pol.GraceDays > 0,
			b.Status == network.Blocked && b.Deadline.After(b.Since),
			(b.Status == network.Connected || b.Status == network.OnTrial) && !b.Deadline.IsZero():
			t.Fatalf("NET-07: branch %+v", b)
		}
	}
	wd, wok := md.next()
	if gd, gok := n.NextDeadline(); gok != wok || !gd.Equal(wd) {
		t.Fatalf("NextDeadline = %v, %v; the model says %v, %v", gd, gok, wd, wok)
	}
	// NET-07, NET-09: nothing is blocked a nanosecond before the next
	// deadline.
	if wok && wd.After(md.updated) {
		c := n.Clone()
		if effs, err := w.eng.Advance(c, wd.Add(-time.Nanosecond), nil); err != nil || len(effs) != 0 {
			t.Fatalf("Advance to just before the deadline %v: effects %v, err %v", wd, effs, err)
		}
	}
	if md.status == network.Dissolved && (len(md.branches) != 0 || md.headBlocked) {
		t.Fatalf("a dissolved network with branches or a blocked head")
	}

	// JSON round-trips exactly.
	snap := nmSnap(t, n)
	var back network.Network
	if err := json.Unmarshal(snap.json, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", snap.json, err)
	}
	if s := nmSnap(t, &back); !snap.equal(s) || back.Head() != n.Head() || back.Zone() != n.Zone() || back.Status() != n.Status() ||
		back.HeadBlocked() != n.HeadBlocked() || !back.HeadDeadline().Equal(n.HeadDeadline()) || !back.Updated().Equal(n.Updated()) ||
		cmp.Diff(n.Branches(), back.Branches()) != "" {
		t.Fatalf("JSON round trip differs:\n%s\n%s", snap.json, s.json)
	}
	// A clone is equal and apart.
	if c := n.Clone(); !snap.equal(nmSnap(t, c)) {
		t.Fatalf("Clone differs")
	}
	// The service may reload the network from storage at any time.
	if nmOneIn(t, "reload the network?", 6) {
		m.n = &back
		w.stats["network reloaded from JSON"]++
	}

	// The widget: the head sees every listed branch, red exactly for the
	// incompatible and blocked (NET-07); a branch sees the network only
	// while it operates (NET-09); others see nothing.
	hw := n.Widget(md.head)
	if md.status == network.Dissolved {
		if hw.Visible || len(hw.Branches) != 0 {
			t.Fatalf("the widget of a dissolved network shows: %+v", hw)
		}
	} else {
		if !hw.Visible || hw.Network != md.head || hw.Status != md.status || !hw.HeadDeadline.Equal(md.headDue()) || len(hw.Branches) != len(want) {
			t.Fatalf("the head's widget: %+v", hw)
		}
		for i, bv := range hw.Branches {
			b := want[i]
			red := b.Status == network.Incompatible || b.Status == network.Blocked
			if bv.Account != b.Account || bv.Status != b.Status || bv.Red != red || !bv.Deadline.Equal(b.Deadline) {
				t.Fatalf("NET-07: the head's widget shows %+v for %+v", bv, b)
			}
		}
	}
	for _, id := range w.ids {
		if id == md.head {
			continue
		}
		bw := n.Widget(id)
		_, listed := md.branches[id]
		if bw.Visible != (listed && md.status == network.Operating) || len(bw.Branches) != 0 || !bw.HeadDeadline.IsZero() {
			t.Fatalf("NET-09: %s (listed %v) sees the widget of the %s network of %s as %+v", id, listed, md.status, md.head, bw)
		}
	}
}

// ---------------------------------------------------------------------------
// Helpers

// nmSnapshot is what a refusal must leave alone: the JSON form and what it
// does not hold.
type nmSnapshot struct {
	json   []byte
	next   time.Time
	active int
}

func nmSnap(t *rapid.T, n *network.Network) nmSnapshot {
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	d, _ := n.NextDeadline()
	return nmSnapshot{json: b, next: d, active: n.Active()}
}

func (s nmSnapshot) equal(o nmSnapshot) bool {
	return bytes.Equal(s.json, o.json) && s.next.Equal(o.next) && s.active == o.active
}

// nmDiff is cmp.Diff with a fast path for values equal to the bit.
func nmDiff(x, y any) string {
	if reflect.DeepEqual(x, y) {
		return ""
	}
	return cmp.Diff(x, y)
}

// nmErrName names err's most specific sentinel.
func nmErrName(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrNotAdvanced", network.ErrNotAdvanced}, {"ErrHeadLocked", network.ErrHeadLocked}, {"ErrDisabled", network.ErrDisabled},
		{"ErrZone", network.ErrZone}, {"ErrMustBuy", network.ErrMustBuy}, {"ErrCap", network.ErrCap},
		{"ErrNotMember", network.ErrNotMember}, {"ErrInNetwork", network.ErrInNetwork},
		{"lifecycle.ErrDeleted", lifecycle.ErrDeleted}, {"lifecycle.ErrSuspended", lifecycle.ErrSuspended}, {"lifecycle.ErrBlocked", lifecycle.ErrBlocked},
		{"plan.ErrPendingChange", plan.ErrPendingChange}, {"plan.ErrStatus", plan.ErrStatus}, {"plan.ErrTrialUsed", plan.ErrTrialUsed},
		{"plan.ErrTooEarly", plan.ErrTooEarly}, {"plan.ErrUnknownPlan", plan.ErrUnknownPlan},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return nmSentinelName(err)
}

// nmSentinelName names the tenancy sentinel err matches, "" if none.
func nmSentinelName(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrUnauthorized", tenancy.ErrUnauthorized}, {"ErrInvalid", tenancy.ErrInvalid}, {"ErrNotFound", tenancy.ErrNotFound},
		{"ErrRefused", tenancy.ErrRefused}, {"ErrTimeWentBack", tenancy.ErrTimeWentBack},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return ""
}
