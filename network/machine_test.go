package network_test

import (
	"bytes"
	"cmp"
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

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// TestNetworkMachine drives a world of several accounts (some sharing
// administrators, in one or two domain zones and four time zones) and up
// to three branch networks through random steps: creating networks,
// connecting and disconnecting branches, dissolving, plan commands on
// members through ApplyPlan (with their preview), plan commands on
// accounts outside any network, payments, logins, user changes, deletions,
// clock jumps with or without a service that keeps up, units of work rolled
// back, and commands dated before a network's last change.
//
// The harness works as a service does without package fleet: it carries
// every effect of a network command addressed to an account with Carry
// (sometimes twice), follows every change of an account with Align, and
// tells the account's network its standing: at once through Observe, or,
// in runs with deferred delivery, through an outbox delivered later with
// Deliver, in random order and sometimes twice. Time passes for an account
// one deadline at a time (its scheduled blocks included), or, for a late
// service, in one jump followed by one Align.
//
// The test keeps its own model of every network and predicts each
// command's and each standing's outcome: the refusal (sentinel and rule)
// or the exact effects. After every step it checks the world against the
// model and the NET rules; each invariant is stated in a comment that
// cites its rule. The invariants that tie a network to its members' own
// state hold once every standing has been delivered, and are checked then.
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
		w.flush(rt, len(w.outbox))
		w.check(rt)
		w.stats[fmt.Sprintf("run ended with %d networks", len(w.nets))]++
	})
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(stats)) {
		fmt.Fprintf(&b, "\n  %-70s %6d", k, stats[k])
	}
	t.Logf("coverage:%s", b.String())
}

// nmSteps are the kinds of step, network commands and plan commands drawn
// most often; nmFirstSteps are drawn while no network operates.
var (
	nmSteps = []string{
		"create", "connect", "connect", "connect", "connect", "connect", "disconnect", "disconnect", "dissolve",
		"plan", "plan", "plan", "plan", "plan", "pay", "pay", "jump", "jump", "jump", "advance all", "advance one", "observe",
		"deliver", "deliver", "deliver", "login", "people", "delete", "back", "carry elsewhere", "unit of work",
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

// nmRules are the rules each effect kind cites, unless the effect says
// otherwise: every effect of the head's standing cites NET-09, and a
// deleted branch is disconnected under LIFE-05.
var nmRules = map[network.EffectKind]tenancy.RuleID{
	network.EffectCreated: "NET-01", network.EffectConnected: "NET-02", network.EffectStartTrial: "NET-06",
	network.EffectNotify: "NET-13", network.EffectDisconnected: "NET-13", network.EffectIncompatible: "NET-07",
	network.EffectReconnected: "NET-08", network.EffectBlocked: "NET-07", network.EffectDisabled: "NET-09",
	network.EffectResumed: "NET-09", network.EffectDissolved: "NET-11",
}

// ---------------------------------------------------------------------------
// The model of one network

// nmBranch is the model's view of a branch.
type nmBranch struct {
	Status   network.BranchStatus
	Since    time.Time
	Deadline time.Time
	Seen     uint64
}

// nmModel is the test's own account of one network, moved only by the
// test's predictions.
type nmModel struct {
	head     tenancy.AccountID
	origin   uint64
	zone     string
	status   network.Status
	branches map[tenancy.AccountID]nmBranch
	// headDeadline is kept after the head is blocked (it is then the
	// block's time), as the JSON form keeps it.
	headDeadline time.Time
	headBlocked  bool
	headSeen     uint64
	updated      time.Time
	seq          uint64
}

func (m nmModel) clone() nmModel {
	m.branches = maps.Clone(m.branches)
	return m
}

// id is the network's ID: the head and its Seq at creation.
func (m *nmModel) id() string { return fmt.Sprintf("%s@%d", m.head, m.origin) }

// touch moves the last change to at, if later.
func (m *nmModel) touch(at time.Time) {
	if at.After(m.updated) {
		m.updated = at
	}
}

// command numbers a predicted effect of a command in the network's
// history.
func (m *nmModel) command(k network.EffectKind, acc tenancy.AccountID, at time.Time, e network.Effect) network.Effect {
	m.seq++
	e.Kind, e.Network, e.Head, e.Account, e.At, e.Seq = k, m.id(), m.head, acc, at, m.seq
	if e.Rule == "" {
		e.Rule = nmRules[k]
	}
	return e
}

// standing is a predicted effect of standing s.
func (m *nmModel) standing(k network.EffectKind, s network.Standing, e network.Effect) network.Effect {
	e.Kind, e.Network, e.Head, e.Account, e.At, e.Standing = k, m.id(), m.head, s.Account, s.At, s.Seq
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

// ready predicts the refusals every command but Create starts with: time
// going back, a dissolved network.
func (m *nmModel) ready(now time.Time) (nmWant, bool) {
	if now.Before(m.updated) {
		return nmRefuse(tenancy.ErrTimeWentBack, ""), false
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

// nmMsg is a standing on its way to the network headed by head.
type nmMsg struct {
	head tenancy.AccountID
	s    network.Standing
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
	// deferred routes standings through outbox.
	deferred bool
	outbox   []nmMsg
	// below holds, for an account that needs the plan compatibility
	// check's block (a branch below a trial, a head below a commercial
	// plan), when it came onto the free plan to start needing it; late
	// holds the same instant for an account a late service aligned
	// after the block was due.
	below, late map[tenancy.AccountID]time.Time
	// seen holds every effect ID of every network; announced the deadline
	// each branch or head was last given (NET-07, NET-09).
	seen      map[string]bool
	announced map[[2]string]time.Time
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
	if eng.Policy() != pol || eng.Lives() != lives {
		t.Fatalf("Policy() = %+v, want %+v", eng.Policy(), pol)
	}
	w := &nmWorld{lives: lives, eng: eng, cat: plans.Catalog(), pol: pol,
		accs: map[tenancy.AccountID]lifecycle.Account{}, seen: map[string]bool{}, late: map[tenancy.AccountID]time.Time{},
		below:     map[tenancy.AccountID]time.Time{},
		announced: map[[2]string]time.Time{}, stats: stats}
	w.deferred = rapid.Bool().Draw(t, "deferred delivery")
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

// level is how far acc's plan goes, as its network must see it: Enterprise
// (NET-01), commercial (NET-02), a trial (NET-06), or free (suspended and
// deleted accounts included).
func (w *nmWorld) level(acc lifecycle.Account) network.Level {
	switch {
	case w.enterprise(acc):
		return network.LevelEnterprise
	case w.commercial(acc):
		return network.LevelCommercial
	case acc.Stage == lifecycle.StageActive && acc.Sub.Status == plan.StatusTrial:
		return network.LevelTrial
	}
	return network.LevelFree
}

// cause is the cause of acc's plan compatibility block: the head's
// (NET-09) or a branch's (NET-07).
func nmCause(acc lifecycle.Account) lifecycle.Cause {
	if acc.Network != "" && acc.Network == acc.ID {
		return network.CauseHead
	}
	return network.CauseBranch
}

// standing is the model's own reading of acc's standing, for the network
// headed by head.
func (w *nmWorld) standing(acc lifecycle.Account, head tenancy.AccountID) network.Standing {
	s := network.Standing{Account: acc.ID, Network: head, Seq: acc.Seq, At: acc.Updated, Level: w.level(acc),
		Deleted: acc.Stage == lifecycle.StageDeleted}
	c := nmCause(acc)
	for _, b := range acc.Blocks {
		if b.Cause == c {
			s.Blocked, s.Deadline = true, b.Since
		}
	}
	for _, b := range acc.Scheduled {
		if b.Cause == c {
			s.Deadline = b.Since
		}
	}
	return s
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

// netByHead returns the latest network created around head, nil if none:
// a service keys its networks by their head.
func (w *nmWorld) netByHead(head tenancy.AccountID) *nmNet {
	for i := len(w.nets) - 1; i >= 0; i-- {
		if w.nets[i].mod.head == head {
			return w.nets[i]
		}
	}
	return nil
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

// earliest is the world's next deadline: the accounts'; a network has
// none.
func (w *nmWorld) earliest() (time.Time, bool) {
	var next time.Time
	for _, id := range w.ids {
		if a := w.accs[id]; a.Stage != lifecycle.StageDeleted {
			if d, ok := a.NextDeadline(); ok && (next.IsZero() || d.Before(next)) {
				next = d
			}
		}
	}
	return next, !next.IsZero()
}

// ---------------------------------------------------------------------------
// The service: advancing, aligning, telling the network, carrying

// bringUp advances an account to now, as a service does before it acts on
// it: mostly one deadline at a time, each change followed at its instant;
// sometimes, as a service that fell behind, in one go followed once at
// now.
func (w *nmWorld) bringUp(t *rapid.T, id tenancy.AccountID, now time.Time) {
	acc, ok := w.accs[id]
	if !ok || acc.Stage == lifecycle.StageDeleted {
		return
	}
	if nmOneIn(t, "a late service?", 8) {
		got, effs, err := w.lives.Advance(acc, now, nil)
		if err != nil {
			t.Fatalf("lifecycle Advance(%s, %v): %v", id, now, err)
		}
		if len(effs) > 0 {
			w.accs[id] = got
			w.changed(t, id, acc, now)
			if b, ok := w.below[id]; ok && b.AddDate(0, 0, w.pol.GraceDays).Before(now) {
				w.late[id] = b
			}
			w.stats["service: account advanced late"]++
		}
		return
	}
	for {
		acc = w.accs[id]
		next, ok := acc.NextDeadline()
		if !ok || next.After(now) || acc.Stage == lifecycle.StageDeleted {
			return
		}
		got, effs, err := w.lives.Advance(acc, next, nil)
		if err != nil {
			t.Fatalf("lifecycle Advance(%s, %v): %v", id, next, err)
		}
		if len(effs) == 0 {
			t.Fatalf("lifecycle Advance(%s) to its next deadline %v did nothing", id, next)
		}
		for _, e := range effs {
			if e.Kind == lifecycle.EffectBlock {
				w.stats["service: a scheduled block fell: "+string(e.Cause)[:6]]++
			}
		}
		w.accs[id] = got
		w.changed(t, id, acc, next)
	}
}

// changed follows a change of account id (before it was before) at at:
// Align, checked against the model's own alignment, then the account's
// standing goes to the network it is in, or was in.
func (w *nmWorld) changed(t *rapid.T, id tenancy.AccountID, before lifecycle.Account, at time.Time) {
	acc := w.accs[id]
	wantAcc, wantEffs, err := w.wantAlign(acc, at)
	if err != nil {
		t.Fatalf("the model's Align(%s): %v", id, err)
	}
	got, effs, err := w.eng.Align(acc, at)
	if err != nil {
		t.Fatalf("Align(%s, %v): %v", id, at, err)
	}
	if d := nmDiff(wantAcc, got); d != "" {
		t.Fatalf("Align(%s): account differs from the model (-want +got):\n%s", id, d)
	}
	if d := nmDiff(wantEffs, effs); d != "" {
		t.Fatalf("Align(%s): effects differ from the model (-want +got):\n%s", id, d)
	}
	if len(effs) > 0 {
		w.stats["align: "+effs[0].Kind.String()]++
	}
	w.accs[id] = got
	w.note(got)
	head := cmp.Or(got.Network, before.Network)
	if head == "" {
		return
	}
	w.send(t, head, got)
}

// needs reports whether acc needs the plan compatibility check's block: a
// branch below a trial (NET-07), a head below a commercial plan (NET-09).
func (w *nmWorld) needs(acc lifecycle.Account) (lifecycle.Cause, bool) {
	lvl := w.level(acc)
	switch {
	case acc.Stage == lifecycle.StageDeleted || acc.Network == "":
		return "", false
	case acc.Network == acc.ID:
		return network.CauseHead, lvl < network.LevelCommercial
	}
	return network.CauseBranch, lvl < network.LevelTrial
}

// note records when acc started needing its block, after any change.
func (w *nmWorld) note(acc lifecycle.Account) {
	if _, need := w.needs(acc); !need {
		delete(w.below, acc.ID)
		return
	}
	if _, ok := w.below[acc.ID]; !ok {
		w.below[acc.ID] = acc.Sub.FreeSince
	}
}

// wantAlign is the model of Align (NET-07, NET-09): a branch below a trial
// or a head below a commercial plan gets a block scheduled GraceDays after
// it came onto the free plan (set at once when that is past), unless one
// is set or scheduled; a member good enough again, or an account out of
// every network, has it lifted.
func (w *nmWorld) wantAlign(acc lifecycle.Account, now time.Time) (lifecycle.Account, []lifecycle.Effect, error) {
	if acc.Stage == lifecycle.StageDeleted {
		return acc, nil, nil
	}
	lvl := w.level(acc)
	head := acc.Network != "" && acc.Network == acc.ID
	branch := acc.Network != "" && !head
	var out []lifecycle.Effect
	for _, c := range []struct {
		cause lifecycle.Cause
		need  bool
	}{{network.CauseBranch, branch && lvl < network.LevelTrial}, {network.CauseHead, head && lvl < network.LevelCommercial}} {
		_, scheduled := acc.ScheduledFor(c.cause)
		have := scheduled || acc.BlockedFor(c.cause)
		var cmd lifecycle.Command
		switch {
		case c.need && !have:
			cmd = lifecycle.SetBlock{By: tenancy.Service(), Cause: c.cause, At: acc.Sub.FreeSince.In(acc.Location()).AddDate(0, 0, w.pol.GraceDays)}
		case !c.need && have:
			cmd = lifecycle.LiftBlock{By: tenancy.Service(), Cause: c.cause}
		default:
			continue
		}
		var effs []lifecycle.Effect
		var err error
		if acc, effs, err = w.lives.Apply(acc, now, cmd); err != nil {
			return acc, out, err
		}
		out = append(out, effs...)
	}
	return acc, out, nil
}

// send tells the network headed by head of acc's standing: at once, or
// through the outbox.
func (w *nmWorld) send(t *rapid.T, head tenancy.AccountID, acc lifecycle.Account) {
	s := w.eng.StandingOf(acc)
	// NET-07 to NET-09: the standing says what the account's own state
	// says, as of its last change.
	if want := w.standing(acc, acc.Network); !s.Same(want) || s.Seq != want.Seq || !s.At.Equal(want.At) {
		t.Fatalf("StandingOf(%s) = %+v, the model says %+v", acc.ID, s, want)
	}
	s.Network = head
	if w.deferred {
		w.outbox = append(w.outbox, nmMsg{head: head, s: s})
		if nmOneIn(t, "send twice?", 8) {
			w.outbox = append(w.outbox, nmMsg{head: head, s: s})
		}
		return
	}
	m := w.netByHead(head)
	if m == nil {
		t.Fatalf("a standing for %s, which heads no network", head)
	}
	_, listed := m.mod.branches[acc.ID]
	if listed || acc.ID == m.mod.head {
		w.observe(t, m, acc, w.now)
		return
	}
	w.deliver(t, m, s)
}

// flush delivers up to k standings of the outbox, drawn in random order
// (an older standing may come after a newer one), and checks that the
// order across accounts does not matter.
func (w *nmWorld) flush(t *rapid.T, k int) {
	if len(w.outbox) == 0 || k <= 0 {
		return
	}
	var batch []nmMsg
	for range k {
		if len(w.outbox) == 0 {
			break
		}
		i := rapid.IntRange(0, len(w.outbox)-1).Draw(t, "message")
		batch = append(batch, w.outbox[i])
		w.outbox = slices.Delete(w.outbox, i, i+1)
	}
	// NET-07 to NET-09: standings of different members commute. A clone
	// of each network gets the batch grouped by account, each account's
	// standings in the order drawn; it must end as the network does, with
	// the same effects.
	clones := map[*nmNet]*network.Network{}
	got := map[*nmNet][]string{}
	for _, msg := range batch {
		if m := w.netByHead(msg.head); m != nil && clones[m] == nil {
			clones[m] = m.n.Clone()
		}
	}
	for _, msg := range batch {
		if m := w.netByHead(msg.head); m != nil {
			for _, e := range w.deliver(t, m, msg.s) {
				got[m] = append(got[m], e.ID())
			}
		}
	}
	grouped := slices.Clone(batch)
	slices.SortStableFunc(grouped, func(a, b nmMsg) int { return strings.Compare(string(a.s.Account), string(b.s.Account)) })
	for m, c := range clones {
		var ids []string
		for _, msg := range grouped {
			if w.netByHead(msg.head) != m {
				continue
			}
			effs, err := w.eng.Deliver(c, msg.s)
			if err != nil {
				t.Fatalf("Deliver to the clone: %v", err)
			}
			for _, e := range effs {
				ids = append(ids, e.ID())
			}
		}
		slices.Sort(ids)
		want := slices.Clone(got[m])
		slices.Sort(want)
		if !slices.Equal(ids, want) || nmInstants(t, c) != nmInstants(t, m.n) {
			t.Fatalf("delivering the standings in another order across accounts gave effects %v, not %v, or another network:\n%s\n%s",
				ids, want, nmSnap(t, c).json, nmSnap(t, m.n).json)
		}
	}
	w.stats[fmt.Sprintf("deliver: a batch of %d", min(len(batch), 4))]++
}

// deliver delivers standing s to m, against the prediction, and returns
// the effects.
func (w *nmWorld) deliver(t *rapid.T, m *nmNet, s network.Standing) []network.Effect {
	want := w.predictDeliver(m.mod, s)
	before := nmSnap(t, m.n)
	effs, err := w.eng.Deliver(m.n, s)
	if want.err != nil {
		w.refused(t, m, "deliver", before, effs, err, want)
		return nil
	}
	if err != nil {
		t.Fatalf("Deliver(%+v) to the network of %s: %v", s, m.mod.head, err)
	}
	w.expect(t, m, "deliver", effs, want)
	m.mod = want.mod
	if len(effs) == 0 {
		w.stats["deliver: nothing new"]++
		// Delivered again, it changes nothing at all.
		if !before.equal(nmSnap(t, m.n)) && nmOneIn(t, "deliver again?", 2) {
			again := nmSnap(t, m.n)
			if more, err := w.eng.Deliver(m.n, s); err != nil || len(more) != 0 || !again.equal(nmSnap(t, m.n)) {
				t.Fatalf("a standing delivered twice: %v, %v", more, err)
			}
		}
	} else {
		w.stats["deliver: "+effs[0].Kind.String()]++
	}
	w.carryAll(t, effs)
	return effs
}

// observe has the network observe acc at now, against the prediction.
func (w *nmWorld) observe(t *rapid.T, m *nmNet, acc lifecycle.Account, now time.Time) {
	w.run(t, m, "observe", func(mod nmModel) nmWant {
		return w.predictObserve(mod, acc)
	}, func() ([]network.Effect, error) {
		return w.eng.Observe(m.n, acc, now)
	})
}

// carryAll carries every effect addressed to an account.
func (w *nmWorld) carryAll(t *rapid.T, effs []network.Effect) {
	for _, e := range effs {
		w.carry(t, e)
	}
}

// carry carries one effect to its account at the effect's time, as the
// service does, sometimes twice, and checks what it did.
func (w *nmWorld) carry(t *rapid.T, e network.Effect) {
	w.recent = append(w.recent, e)
	if len(w.recent) > 16 {
		w.recent = w.recent[1:]
	}
	acc, ok := w.accs[e.Account]
	if !ok {
		t.Fatalf("effect %v is for an unknown account", e)
	}
	got, leffs, err := w.eng.Carry(acc, e, e.At)
	switch e.Kind {
	case network.EffectNotify, network.EffectIncompatible, network.EffectReconnected, network.EffectBlocked,
		network.EffectDisabled, network.EffectResumed:
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
		if got.Network != e.Head || !got.EverInNetwork {
			t.Fatalf("NET-04: after carrying %v the account is in %q (ever %v)", e, got.Network, got.EverInNetwork)
		}
		// NET-06, NET-07: joining never blocks: a free account gets its
		// branch trial as it joins.
		if got.Blocked() || len(got.Scheduled) != 0 {
			t.Fatalf("NET-06: after carrying %v the account has blocks %v, scheduled %v", e, got.Blocks, got.Scheduled)
		}
	case network.EffectDisconnected, network.EffectDissolved:
		// NET-04, NET-07, NET-09: out of the network, out of its check.
		if got.Network != "" || got.Blocked() || len(got.Scheduled) != 0 {
			t.Fatalf("NET-04: after carrying %v the account is in %q, blocks %v, scheduled %v", e, got.Network, got.Blocks, got.Scheduled)
		}
	case network.EffectStartTrial:
		// NET-06: the branch trial, counted apart from the ordinary one.
		if got.Sub.Status != plan.StatusTrial || !got.Sub.NetworkTrialUsed || !got.Sub.End.Equal(e.At.AddDate(0, 0, e.Days)) {
			t.Fatalf("NET-06: after carrying %v the account is %s until %v (network trial used %v)", e, got.Sub.Status, got.Sub.End, got.Sub.NetworkTrialUsed)
		}
	default:
		t.Fatalf("Carry(%v): unknown kind", e)
	}
	// Carrying twice changes nothing the second time (NET-04).
	if nmOneIn(t, "carry twice?", 3) {
		again, more, err := w.eng.Carry(got, e, e.At)
		if err != nil || len(more) != 0 || nmDiff(got, again) != "" {
			t.Fatalf("Carry(%v) a second time: effects %v, err %v, diff:\n%s", e, more, err, nmDiff(got, again))
		}
		w.stats["carry: twice"]++
	}
	w.accs[e.Account] = got
	w.note(got)
	if got.Seq != acc.Seq || got.Network != acc.Network {
		head := cmp.Or(got.Network, acc.Network)
		w.send(t, head, got)
	}
	w.stats["carry: "+e.Kind.String()]++
}

// run runs one network command, or an Observe: checks the outcome against
// the prediction and carries the effects. Sometimes the command runs in a
// unit of work, committed when it is accepted and rolled back when it is
// refused.
func (w *nmWorld) run(t *rapid.T, m *nmNet, name string, predict func(nmModel) nmWant, call func() ([]network.Effect, error)) bool {
	want := predict(m.mod)
	if errors.Is(want.err, network.ErrCorrupt) {
		// NET-02: a service that brings accounts up to date before it
		// acts never lists a connected branch that was already free.
		t.Fatalf("%s: the model finds the network of %s corrupt", name, m.mod.head)
	}
	before := nmSnap(t, m.n)
	unit := nmOneIn(t, "in a unit of work?", 4)
	if unit {
		m.n.Begin()
	}
	effs, err := call()
	w.lastErr = err
	if want.err != nil {
		if unit {
			m.n.Rollback()
		}
		w.refused(t, m, name, before, effs, err, want)
		return false
	}
	if unit {
		m.n.Commit()
	}
	if err != nil {
		t.Fatalf("%s on the network of %s: %v", name, m.mod.head, err)
	}
	w.expect(t, m, name, effs, want)
	m.mod = want.mod
	if len(effs) > 0 {
		w.stats[fmt.Sprintf("%s: %s", name, effs[0].Kind)]++
	}
	w.carryAll(t, effs)
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

// expect checks effects against the prediction: a command's numbered
// consecutively in the network's history, a standing's numbered by it;
// never seen before in any network; as predicted.
func (w *nmWorld) expect(t *rapid.T, m *nmNet, name string, got []network.Effect, want nmWant) {
	next := m.mod.seq
	for _, e := range got {
		switch {
		case e.Seq != 0 && e.Standing == 0:
			next++
			if e.Seq != next {
				t.Fatalf("%s: effect %v is number %d, want %d", name, e, e.Seq, next)
			}
		case e.Seq == 0 && e.Standing != 0:
		default:
			t.Fatalf("%s: effect %v has command number %d and standing %d", name, e, e.Seq, e.Standing)
		}
	}
	if d := gocmp.Diff(want.effs, got, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("%s on the network of %s: effects differ from the model (-want +got):\n%s", name, m.mod.head, d)
	}
	for _, e := range got {
		// Effects never repeat, in a network's history or across the
		// networks created around one head (its ID names its origin).
		id := e.ID()
		if m.seen[id] || w.seen[id] {
			t.Fatalf("effect %s repeats", id)
		}
		m.seen[id], w.seen[id] = true, true
		key := [2]string{e.Network, string(e.Account)}
		switch e.Kind {
		case network.EffectIncompatible, network.EffectDisabled:
			// NET-07, NET-09: the deadline announced is after the
			// announcement (none for a head that still pays).
			if !e.Deadline.IsZero() && !e.Deadline.After(e.At) {
				t.Fatalf("%v: deadline %v is not after %v", e, e.Deadline, e.At)
			}
			if e.Kind == network.EffectIncompatible && e.Deadline.IsZero() {
				t.Fatalf("NET-07: %v announces no deadline", e)
			}
			w.announced[key] = e.Deadline
		case network.EffectBlocked:
			// NET-07, NET-09: nobody is blocked before the deadline last
			// announced to it.
			if d, ok := w.announced[key]; ok && e.At.Before(d) {
				t.Fatalf("%v: blocked at %v, before the deadline announced %v", e, e.At, d)
			}
			w.stats["blocked: "+string(e.Rule)]++
		}
	}
}

// ---------------------------------------------------------------------------
// Predictions

// predictDeliver: what a member's standing does to its network (NET-07 to
// NET-09, LIFE-05). A standing applies once, in its account's Seq order.
func (w *nmWorld) predictDeliver(mod nmModel, s network.Standing) nmWant {
	if s.Network != mod.head {
		return nmRefuse(network.ErrNotMember, "NET-04")
	}
	want := nmWant{mod: mod.clone()}
	md := &want.mod
	if md.status == network.Dissolved {
		return want
	}
	if s.Account == md.head {
		if s.Seq <= md.headSeen {
			return want
		}
		md.headSeen = s.Seq
		md.touch(s.At)
		add := func(k network.EffectKind, d time.Time) {
			want.effs = append(want.effs, md.standing(k, s, network.Effect{Rule: "NET-09", Deadline: d}))
		}
		// NET-01, NET-09: the network operates exactly while its head is
		// on an active Enterprise plan.
		ent := s.Level == network.LevelEnterprise && !s.Deleted
		deadline := s.Deadline
		if s.Blocked || s.Deleted {
			deadline = time.Time{}
		}
		switch {
		case md.status == network.Operating && !ent:
			md.status, md.headDeadline = network.Disabled, deadline
			add(network.EffectDisabled, deadline)
		case md.status == network.Disabled && ent:
			md.status, md.headDeadline = network.Operating, time.Time{}
			add(network.EffectResumed, time.Time{})
		case md.status == network.Disabled && !md.headDeadline.Equal(deadline) && !s.Blocked:
			md.headDeadline = deadline
			add(network.EffectDisabled, deadline)
		}
		if s.Blocked && !md.headBlocked && md.status == network.Disabled {
			add(network.EffectBlocked, time.Time{})
		}
		md.headBlocked = s.Blocked && md.status == network.Disabled
		if md.headBlocked {
			md.headDeadline = s.Deadline
		}
		return want
	}
	b, listed := md.branches[s.Account]
	if !listed || s.Seq <= b.Seen {
		return want
	}
	b.Seen = s.Seq
	md.touch(s.At)
	if s.Deleted {
		// LIFE-05: a deleted branch is unlisted.
		delete(md.branches, s.Account)
		want.effs = append(want.effs, md.standing(network.EffectDisconnected, s, network.Effect{Rule: "LIFE-05"}))
		return want
	}
	// NET-02, NET-06, NET-07: connected on a commercial plan, on trial on
	// any trial, blocked when the check blocked it, else incompatible.
	status := network.Incompatible
	switch {
	case s.Blocked:
		status = network.Blocked
	case s.Level == network.LevelTrial:
		status = network.OnTrial
	case s.Level >= network.LevelCommercial:
		status = network.Connected
	}
	deadline := s.Deadline
	if status == network.Incompatible && deadline.IsZero() {
		deadline = s.At.AddDate(0, 0, w.pol.GraceDays)
	}
	if status == network.Connected || status == network.OnTrial {
		deadline = time.Time{}
	}
	was := b.Status
	if status == was && b.Deadline.Equal(deadline) {
		md.branches[s.Account] = b
		return want
	}
	if status != was {
		b.Since = s.At
	}
	b.Status, b.Deadline = status, deadline
	md.branches[s.Account] = b
	active := func(st network.BranchStatus) bool { return st == network.Connected || st == network.OnTrial }
	switch {
	case status == network.Incompatible:
		want.effs = append(want.effs, md.standing(network.EffectIncompatible, s, network.Effect{Deadline: deadline}))
	case status == network.Blocked:
		want.effs = append(want.effs, md.standing(network.EffectBlocked, s, network.Effect{}))
	case !active(was):
		// NET-08: back in the connected list.
		want.effs = append(want.effs, md.standing(network.EffectReconnected, s, network.Effect{}))
	}
	return want
}

// predictObserve: Observe refuses an account that is not a member
// (NET-04) and a connected branch free since before it was listed
// (NET-02), then delivers the account's standing.
func (w *nmWorld) predictObserve(mod nmModel, acc lifecycle.Account) nmWant {
	b, listed := mod.branches[acc.ID]
	if acc.ID != mod.head && !listed {
		return nmRefuse(network.ErrNotMember, "NET-04")
	}
	if listed && b.Status == network.Connected && acc.Stage == lifecycle.StageActive && acc.Sub.Status == plan.StatusFree &&
		acc.Sub.FreeSince.Before(b.Since) && acc.Seq > b.Seen {
		return nmRefuse(network.ErrCorrupt, "NET-02")
	}
	return w.predictDeliver(mod, w.standing(acc, mod.head))
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
	want.effs = append(want.effs, md.command(network.EffectConnected, branch.ID, at, network.Effect{To: by}))
	if trial {
		want.effs = append(want.effs, md.command(network.EffectStartTrial, branch.ID, at, network.Effect{To: by, Days: w.pol.TrialDays}))
	}
	// NET-13: every administrator of the branch is notified.
	for _, u := range branch.Users {
		if u.Role == tenancy.RoleAdministrator && !u.Dismissed {
			want.effs = append(want.effs, md.command(network.EffectNotify, branch.ID, at, network.Effect{To: u.ID}))
		}
	}
	md.branches[branch.ID] = nmBranch{Status: status, Since: at, Seen: branch.Seq}
	md.touch(at)
	return want
}

// predictDisconnect: NET-11, NET-13.
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
	delete(want.mod.branches, branch)
	want.effs = []network.Effect{want.mod.command(network.EffectDisconnected, branch, at, network.Effect{})}
	want.mod.touch(at)
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
	want.effs = append(want.effs, md.command(network.EffectDissolved, head.ID, at, network.Effect{}))
	md.status, md.headDeadline, md.headBlocked = network.Dissolved, time.Time{}, false
	md.touch(at)
	return want
}

// nmChangesPlan reports whether cmd changes an account's plan: a change,
// a purchase, a trial, a cancellation, auto-renewal off (NET-10).
func nmChangesPlan(cmd plan.Command) bool {
	switch c := cmd.(type) {
	case plan.ChangePlan, plan.Purchase, plan.StartTrial, plan.Cancel:
		return true
	case plan.SetAutoRenew:
		return !c.On
	}
	return false
}

// nmToEnterprise reports whether cmd moves the account to an Enterprise
// plan.
func nmToEnterprise(cmd plan.Command) bool {
	var to plan.PlanID
	switch c := cmd.(type) {
	case plan.ChangePlan:
		to = c.Plan
	case plan.Purchase:
		to = c.Plan
	}
	k, _ := plan.DefaultCatalog().Kind(to)
	return to != "" && k == plan.KindEnterprise
}

// predictPlan: the plan command runs on the account as the lifecycle
// engine runs it, unless NET-10 locks the head; then Align and Observe.
// It also returns the account and its effects.
func (w *nmWorld) predictPlan(mod nmModel, acc lifecycle.Account, now time.Time, cmd plan.Command) (nmWant, lifecycle.Account, []lifecycle.Effect) {
	if want, ok := mod.ready(now); !ok {
		return want, acc, nil
	}
	if _, listed := mod.branches[acc.ID]; !listed && acc.ID != mod.head {
		return nmRefuse(network.ErrNotMember, "NET-04"), acc, nil
	}
	head := acc.ID == mod.head && acc.Network == acc.ID
	var lcmd lifecycle.Command = lifecycle.Plan{Cmd: cmd}
	if head {
		// The plan on its own, as if no branch were connected.
		lcmd = lifecycle.HeadPlan{Cmd: cmd}
	}
	out, leffs, err := w.lives.Apply(acc, now, lcmd)
	// NET-10: the head's plan is locked while branches are active;
	// whoever may not change plans at all hears that first (PLAN-02), and
	// a deleted account is deleted (LIFE-05). NET-09: a head not on an
	// active Enterprise plan may go back to Enterprise, and to nothing
	// else.
	adv, _, _ := w.lives.Advance(acc, now, nil)
	first := errors.Is(err, tenancy.ErrUnauthorized) || errors.Is(err, lifecycle.ErrDeleted)
	if head && mod.active() > 0 && nmChangesPlan(cmd) && !(nmToEnterprise(cmd) && !w.enterprise(adv)) && !first {
		return nmRefuse(network.ErrHeadLocked, "NET-10"), acc, nil
	}
	if err != nil {
		return nmWant{err: err, rule: tenancy.RuleOf(err), exact: err}, acc, nil
	}
	out, more, err := w.wantAlign(out, now)
	if err != nil {
		return nmWant{err: err, rule: tenancy.RuleOf(err), exact: err}, acc, nil
	}
	want := w.predictObserve(mod, out)
	if want.err != nil {
		return want, acc, nil
	}
	return want, out, append(leffs, more...)
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
		w.prepare(t, w.now, w.ids...)
	case "advance one":
		w.prepare(t, w.now, rapid.SampledFrom(w.ids).Draw(t, "account to advance"))
	case "observe":
		w.observeStep(t)
	case "deliver":
		w.flush(t, rapid.IntRange(1, 4).Draw(t, "messages to deliver"))
	case "login":
		w.login(t)
	case "people":
		w.people(t)
	case "delete":
		w.deleteStep(t)
	case "back":
		w.back(t)
	case "carry elsewhere":
		w.carryElsewhere(t)
	case "unit of work":
		w.unitOfWork(t)
	default:
		t.Fatalf("unknown step %q", name)
	}
}

// prepare brings the accounts a command involves up to now, as a service
// does before it acts; with deferred delivery it sometimes delivers what
// is waiting first.
func (w *nmWorld) prepare(t *rapid.T, now time.Time, ids ...tenancy.AccountID) {
	if w.deferred && rapid.Bool().Draw(t, "deliver the outbox first?") {
		w.flush(t, len(w.outbox))
	}
	for _, id := range ids {
		w.bringUp(t, id, now)
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
		if len(c) > 0 {
			return rapid.SampledFrom(c).Draw(t, label)
		}
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
	at := now.In(head.Location())
	m := &nmNet{n: n, mod: nmModel{head: id, origin: head.Seq, zone: head.DomainZone, status: network.Operating,
		branches: map[tenancy.AccountID]nmBranch{}, headSeen: head.Seq, updated: at}, seen: map[string]bool{}}
	next := m.mod.clone()
	want = nmWant{effs: []network.Effect{next.command(network.EffectCreated, id, at, network.Effect{To: by})}, mod: next}
	w.expect(t, m, "create", effs, want)
	m.mod = want.mod
	w.nets = append(w.nets, m)
	if old := w.netByHead(id); old != m {
		t.Fatalf("netByHead(%s) is not the new network", id)
	}
	w.stats["create: ok"]++
	w.carryAll(t, effs)
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
	w.prepare(t, now, headID, branchID)
	b := w.accs[branchID]
	// Notes on the branch, for the coverage.
	switch {
	case b.Sub.Status == plan.StatusFree && b.EverInNetwork:
		w.stats["connect attempt: free, networked before"]++
	case b.Sub.Status == plan.StatusFree && b.Sub.TrialUsed:
		w.stats["connect attempt: free, trial used"]++
	case b.Sub.Status == plan.StatusFree && now.Sub(b.Sub.FreeSince) > time.Duration(w.pol.GraceDays)*24*time.Hour:
		w.stats["connect attempt: free for longer than the grace"]++
	case w.enterprise(b):
		w.stats["connect attempt: enterprise"]++
	}
	free, networked := b.Sub.Status == plan.StatusFree, b.EverInNetwork || b.Sub.NetworkTrialUsed
	ok := w.run(t, m, "connect", func(mod nmModel) nmWant {
		return w.predictConnect(mod, w.accs[headID], b, by, now)
	}, func() ([]network.Effect, error) {
		return w.eng.Connect(m.n, w.accs[headID], b, by, now)
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
	w.prepare(t, now, headID, branchID)
	w.run(t, m, "disconnect", func(mod nmModel) nmWant {
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
	w.prepare(t, now, headID)
	w.run(t, m, "dissolve", func(mod nmModel) nmWant {
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
		if w.accs[id].Sub.Status == plan.StatusGrace && w.accs[id].Stage != lifecycle.StageDeleted {
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
	w.prepare(t, now, id)
	if m := w.netOf(id); m != nil {
		w.applyPlan(t, m, id, now, name, cmd)
		w.tick(t)
		return
	}
	if live := w.live(); len(live) > 0 && nmOneIn(t, "ApplyPlan on a stranger?", 3) {
		w.applyPlan(t, nmPick(t, live, "stranger's network"), id, now, name, cmd)
	}
	acc := w.accs[id]
	got, _, err := w.lives.Apply(acc, now, lifecycle.Plan{Cmd: cmd})
	if err == nil {
		w.accs[id] = got
		w.changed(t, id, acc, now)
		w.stats["plan alone: "+name]++
	}
	w.tick(t)
}

// applyPlan runs a plan command on a member through PreviewPlan, then
// ApplyPlan, against the prediction.
func (w *nmWorld) applyPlan(t *rapid.T, m *nmNet, id tenancy.AccountID, now time.Time, name string, cmd plan.Command) {
	acc := w.accs[id]
	want, wantAcc, wantLeffs := w.predictPlan(m.mod, acc, now, cmd)
	// PLAN-09: the preview shows exactly what ApplyPlan will do, and
	// commits nothing.
	before := nmSnap(t, m.n)
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
	} else {
		if err != nil {
			t.Fatalf("PreviewPlan(%s on %s): %v", name, acc.ID, err)
		}
		if d := nmDiff(wantAcc, pacc); d != "" {
			t.Fatalf("PreviewPlan(%s): account differs (-want +got):\n%s", name, d)
		}
		if d := nmDiff(wantLeffs, pleffs); d != "" {
			t.Fatalf("PreviewPlan(%s): account effects differ (-want +got):\n%s", name, d)
		}
		if d := gocmp.Diff(want.effs, peffs, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("PreviewPlan(%s on %s): network effects differ (-want +got):\n%s", name, acc.ID, d)
		}
	}
	head := id == m.mod.head
	locked := head && m.mod.active() > 0
	applied := w.run(t, m, "plan", func(nmModel) nmWant { return want }, func() ([]network.Effect, error) {
		out, leffs, effs, err := w.eng.ApplyPlan(m.n, acc, now, cmd)
		if err != nil {
			wantAcc, wantLeffs = acc, nil
		} else {
			// The service keeps the account before it carries anything;
			// ApplyPlan aligned it and told the network.
			w.accs[id] = out
			w.note(out)
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
	switch {
	case !applied && locked && errors.Is(w.lastErr, network.ErrHeadLocked):
		w.stats[fmt.Sprintf("plan: NET-10 refused on a %s network's head", m.mod.status)]++
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

// jump moves the clock: by minutes to months, exactly to a deadline of an
// account, or to just before one. Mostly the service keeps up and every
// deadline falls at its instant, each account followed there; sometimes
// it falls behind, and the accounts are brought up when next used.
func (w *nmWorld) jump(t *rapid.T) {
	target := w.now
	kinds := []string{"minutes", "hours", "days", "grace", "month", "months", "year",
		"next deadline", "next deadline", "just before the next deadline", "a deadline", "a scheduled block", "a scheduled block"}
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
	case "a deadline", "a scheduled block":
		var ds []time.Time
		for _, id := range w.ids {
			acc := w.accs[id]
			if acc.Stage == lifecycle.StageDeleted {
				continue
			}
			if d, ok := acc.NextDeadline(); ok && d.After(w.now) && kind == "a deadline" {
				ds = append(ds, d)
			}
			for _, b := range acc.Scheduled {
				if b.Since.After(w.now) && kind == "a scheduled block" {
					ds = append(ds, b.Since.Add(rapid.SampledFrom([]time.Duration{0, 0, -time.Nanosecond, time.Minute}).Draw(t, "around it")))
				}
			}
		}
		if len(ds) > 0 {
			target = rapid.SampledFrom(ds).Draw(t, "deadline")
		}
	}
	if target.Before(w.now) {
		target = w.now
	}
	if nmOneIn(t, "the service falls behind?", 3) {
		w.now = target
		w.stats["jump: service behind"]++
		return
	}
	// The scheduler: every deadline up to target, at its own instant.
	for guard := 0; ; guard++ {
		if guard > 5000 {
			t.Fatalf("the scheduler never reaches %v", target)
		}
		next, ok := w.earliest()
		if !ok || next.After(target) {
			break
		}
		if next.After(w.now) {
			w.now = next
		}
		for _, id := range w.ids {
			acc := w.accs[id]
			if d, ok := acc.NextDeadline(); ok && acc.Stage != lifecycle.StageDeleted && !d.After(next) {
				w.bringUp(t, id, next)
			}
		}
	}
	w.now = target
}

// observeStep has a network observe any account, at the clock or at a
// time before the network's last change: Observe ignores it, the
// account's standing is as of its own last change.
func (w *nmWorld) observeStep(t *rapid.T) {
	m := w.drawNet(t)
	if m == nil {
		return
	}
	id := rapid.SampledFrom(w.ids).Draw(t, "observed account")
	now := w.cmdTime(t)
	if rapid.Bool().Draw(t, "observe in the past?") {
		now = m.n.Updated().Add(-time.Hour)
	}
	w.observe(t, m, w.accs[id], now)
}

// login keeps an account in use (LIFE-01); refused while blocked (LIFE-08).
func (w *nmWorld) login(t *rapid.T) {
	id := rapid.SampledFrom(w.ids).Draw(t, "login account")
	u := w.drawUser(t, "login user", id)
	now := w.cmdTime(t)
	w.prepare(t, now, id)
	acc := w.accs[id]
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
	w.changed(t, id, acc, now)
}

// people adds or dismisses a member, which changes who administers what
// (NET-13) and who sees what (NET-12).
func (w *nmWorld) people(t *rapid.T) {
	id := rapid.SampledFrom(w.ids).Draw(t, "people account")
	now := w.cmdTime(t)
	w.prepare(t, now, id)
	acc := w.accs[id]
	u := rapid.SampledFrom(nmPeople).Draw(t, "person")
	var cmd lifecycle.Command
	if m, ok := acc.User(u); ok && !m.Dismissed && rapid.Bool().Draw(t, "dismiss?") {
		cmd = lifecycle.DismissUser{By: tenancy.Admin(acc.Owner), User: u}
	} else {
		role := rapid.SampledFrom([]tenancy.Role{tenancy.RoleAdministrator, tenancy.RoleEmployee}).Draw(t, "role")
		cmd = lifecycle.AddUser{By: tenancy.Admin(acc.Owner), User: u, Role: role}
	}
	got, _, err := w.lives.Apply(acc, now, cmd)
	if err != nil {
		return
	}
	w.accs[id] = got
	w.changed(t, id, acc, now)
	w.stats["people: changed"]++
}

// deleteStep has the service delete an account at once (LIFE-05, LIFE-07):
// its subscription ends, and its network unlists it, or, for a head, stays
// disabled.
func (w *nmWorld) deleteStep(t *rapid.T) {
	if !nmOneIn(t, "really delete?", 3) {
		return
	}
	id := rapid.SampledFrom(w.ids).Draw(t, "account to delete")
	now := w.cmdTime(t)
	w.prepare(t, now, id)
	acc := w.accs[id]
	got, _, err := w.lives.Apply(acc, now, lifecycle.Delete{By: tenancy.Service(), Confirm: id})
	if err != nil {
		return
	}
	w.accs[id] = got
	w.changed(t, id, acc, now)
	w.stats[fmt.Sprintf("delete: an account in a network %v", acc.Network != "")]++
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
	switch op := rapid.SampledFrom([]string{"connect", "disconnect", "dissolve", "plan", "preview"}).Draw(t, "op in the past"); op {
	case "connect":
		want = w.predictConnect(m.mod, head, w.accs[id], by, at)
		effs, err = w.eng.Connect(m.n, head, w.accs[id], by, at)
	case "disconnect":
		want = w.predictDisconnect(m.mod, head, id, by, at)
		effs, err = w.eng.Disconnect(m.n, head, id, by, at)
	case "dissolve":
		want = w.predictDissolve(m.mod, head, by, at)
		effs, err = w.eng.Dissolve(m.n, head, by, at)
	case "plan", "preview":
		cmd := plan.RecordPayment{By: tenancy.Service(), Amount: decimal.NewFromInt(1)}
		want, _, _ = w.predictPlan(m.mod, w.accs[id], at, cmd)
		if op == "plan" {
			_, _, effs, err = w.eng.ApplyPlan(m.n, w.accs[id], at, cmd)
		} else {
			_, _, effs, err = w.eng.PreviewPlan(m.n, w.accs[id], at, cmd)
		}
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

// unitOfWork runs a few commands and deliveries on a network inside Begin
// and Rollback: afterwards the network encodes to the very bytes it did
// before, whatever they changed.
func (w *nmWorld) unitOfWork(t *rapid.T) {
	m := w.drawNet(t)
	if m == nil {
		return
	}
	before := nmSnap(t, m.n)
	m.n.Begin()
	changed := false
	for range rapid.IntRange(1, 4).Draw(t, "operations in the unit") {
		id := rapid.SampledFrom(w.ids).Draw(t, "unit account")
		var effs []network.Effect
		switch rapid.SampledFrom([]string{"connect", "disconnect", "deliver", "dissolve"}).Draw(t, "unit operation") {
		case "connect":
			by := w.drawUser(t, "unit by", m.mod.head, id)
			effs, _ = w.eng.Connect(m.n, w.accs[m.mod.head], w.accs[id], by, w.now)
		case "disconnect":
			effs, _ = w.eng.Disconnect(m.n, w.accs[m.mod.head], id, w.accs[m.mod.head].Owner, w.now)
		case "deliver":
			acc := w.accs[id]
			if rapid.Bool().Draw(t, "a changed standing?") {
				// The account as it would be after dropping to free: a
				// standing that changes the network, never applied.
				acc.Seq += 100
				acc.Sub.Status, acc.Sub.Plan = plan.StatusFree, plan.Free
			}
			effs, _ = w.eng.Deliver(m.n, w.standing(acc, m.mod.head))
		case "dissolve":
			effs, _ = w.eng.Dissolve(m.n, w.accs[m.mod.head], w.accs[m.mod.head].Owner, w.now)
		}
		changed = changed || len(effs) > 0
	}
	m.n.Rollback()
	if after := nmSnap(t, m.n); !before.equal(after) {
		t.Fatalf("Rollback did not restore the network of %s:\n%s\n%s", m.mod.head, before.json, after.json)
	}
	w.stats[fmt.Sprintf("unit of work rolled back, changed %v", changed)]++
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
				t.Fatalf("NET-04: %s is in two networks", id)
			}
			listedBy[id] = m
		}
	}
	for id := range listedBy {
		if heads[id] != nil {
			t.Fatalf("NET-04: %s heads a network and is a branch of %s", id, listedBy[id].mod.head)
		}
	}
	synced := len(w.outbox) == 0
	if synced {
		w.stats["check: every standing delivered"]++
	}

	for _, id := range w.ids {
		acc := w.accs[id]
		if err := w.lives.Check(acc); err != nil {
			t.Fatalf("lifecycle Check(%s): %v", id, err)
		}
		if acc.Updated.After(w.now) {
			t.Fatalf("%s changed at %v, after the clock %v", id, acc.Updated, w.now)
		}
		w.checkBlocks(t, acc)
		if acc.Stage == lifecycle.StageDeleted {
			// LIFE-05, NET-04: a deleted account is in no network and has
			// no block; its subscription ended; its network unlisted it
			// once it heard.
			if acc.Network != "" || acc.Blocked() || len(acc.Scheduled) != 0 {
				t.Fatalf("deleted %s is in network %q, blocks %v, scheduled %v", id, acc.Network, acc.Blocks, acc.Scheduled)
			}
			if d, ok := acc.Sub.NextDeadline(); ok || acc.Sub.Status != plan.StatusFree {
				t.Fatalf("LIFE-05: deleted %s has a running subscription: %v, next deadline %v", id, acc.Sub.Status, d)
			}
			if !synced {
				continue
			}
			if listedBy[id] != nil {
				t.Fatalf("LIFE-05: deleted %s is still listed by %s", id, listedBy[id].mod.head)
			}
			if m := heads[id]; m != nil {
				// NET-01: a deleted head leaves its network disabled, with
				// no deadline (nobody is left to block).
				if m.mod.status != network.Disabled || !m.n.HeadDeadline().IsZero() || m.n.HeadBlocked() {
					t.Fatalf("NET-01: the network of deleted %s is %s, head deadline %v", id, m.mod.status, m.n.HeadDeadline())
				}
				w.stats["world: a network's head is deleted"]++
			}
			continue
		}
		if !synced {
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
		lvl := w.level(acc)
		if m := listedBy[id]; m != nil {
			b := m.mod.branches[id]
			// NET-03: one domain zone.
			if acc.DomainZone != m.mod.zone {
				t.Fatalf("NET-03: branch %s is in zone %q, its network in %q", id, acc.DomainZone, m.mod.zone)
			}
			// NET-02, NET-06, NET-07: a connected branch is commercial, a
			// branch on trial runs a trial, an incompatible one is on
			// free with its block scheduled at the deadline shown, a
			// blocked one is blocked by the check since the deadline
			// shown.
			sched, scheduled := acc.ScheduledFor(network.CauseBranch)
			var blockedAt time.Time
			for _, bl := range acc.Blocks {
				if bl.Cause == network.CauseBranch {
					blockedAt = bl.Since
				}
			}
			switch b.Status {
			case network.Connected:
				if lvl < network.LevelCommercial {
					t.Fatalf("NET-02: connected branch %s is %s on %s (%s)", id, acc.Stage, acc.Sub.Plan, acc.Sub.Status)
				}
			case network.OnTrial:
				if lvl != network.LevelTrial {
					t.Fatalf("NET-06: branch %s on trial is %s on %s (%s)", id, acc.Stage, acc.Sub.Plan, acc.Sub.Status)
				}
			case network.Incompatible:
				if lvl != network.LevelFree || !scheduled || !sched.Equal(b.Deadline) {
					t.Fatalf("NET-07: incompatible branch %s is %v, its block scheduled %v (%v), the network shows %v", id, lvl, sched, scheduled, b.Deadline)
				}
			case network.Blocked:
				if blockedAt.IsZero() || !blockedAt.Equal(b.Deadline) {
					t.Fatalf("NET-07: blocked branch %s has blocks %v, the network shows %v", id, acc.Blocks, b.Deadline)
				}
			}
			if (b.Status == network.Blocked) != acc.BlockedFor(network.CauseBranch) {
				t.Fatalf("NET-07: branch %s is %s, its account blocked %v", id, b.Status, acc.Blocks)
			}
			if !acc.EverInNetwork {
				t.Fatalf("NET-06: branch %s is not recorded as ever networked", id)
			}
		}
		if m := heads[id]; m != nil {
			// NET-01: an operating network's head is on an active
			// Enterprise plan; a disabled network's is not.
			if (m.mod.status == network.Operating) != (lvl == network.LevelEnterprise) {
				t.Fatalf("NET-01: the network of %s is %s, its head %s on %s (%s)", id, m.mod.status, acc.Stage, acc.Sub.Plan, acc.Sub.Status)
			}
			sched, _ := acc.ScheduledFor(network.CauseHead)
			switch {
			case m.mod.status == network.Operating:
			case lvl == network.LevelCommercial:
				// NET-09: a head that pays for another plan is not
				// blocked, and the network shows no deadline.
				if !m.n.HeadDeadline().IsZero() || m.n.HeadBlocked() || acc.BlockedFor(network.CauseHead) || !sched.IsZero() {
					t.Fatalf("NET-09: head %s pays for %s, yet head deadline %v, blocked %v/%v, scheduled %v",
						id, acc.Sub.Plan, m.n.HeadDeadline(), m.n.HeadBlocked(), acc.Blocks, sched)
				}
				w.stats["world: a disabled network's head pays for a lesser plan"]++
			default:
				// NET-09: a head that does not pay is blocked at the
				// deadline the network shows.
				if m.n.HeadBlocked() != acc.BlockedFor(network.CauseHead) || (!m.n.HeadBlocked() && !m.n.HeadDeadline().Equal(sched)) {
					t.Fatalf("NET-09: head %s blocked %v, scheduled %v; the network says blocked %v, deadline %v",
						id, acc.Blocks, sched, m.n.HeadBlocked(), m.n.HeadDeadline())
				}
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

// checkBlocks checks the plan compatibility blocks of acc, set or
// scheduled, which Align keeps in line after every change.
func (w *nmWorld) checkBlocks(t *rapid.T, acc lifecycle.Account) {
	lvl := w.level(acc)
	head := acc.Network != "" && acc.Network == acc.ID
	branch := acc.Network != "" && !head
	for _, c := range []struct {
		cause lifecycle.Cause
		rule  string
		need  bool
	}{{network.CauseBranch, "NET-07", branch && lvl < network.LevelTrial}, {network.CauseHead, "NET-09", head && lvl < network.LevelCommercial}} {
		// NET-07, NET-09, LIFE-08: a branch below a trial, and a head
		// below a commercial plan, have their block set or scheduled;
		// nobody else has one.
		sched, scheduled := acc.ScheduledFor(c.cause)
		if (scheduled || acc.BlockedFor(c.cause)) != c.need {
			t.Fatalf("%s: %s (network %q, %v) has blocks %v and scheduled %v", c.rule, acc.ID, acc.Network, lvl, acc.Blocks, acc.Scheduled)
		}
		if !c.need {
			continue
		}
		// NET-07, NET-09: the block falls GraceDays after the account came
		// onto the free plan to need it, in its own calendar: a head's
		// trial does not put it off. Never earlier, and later only when
		// a late service aligned it after that.
		since, ok := w.below[acc.ID]
		if !ok {
			t.Fatalf("%s: %s needs a block, the harness never saw it start to", c.rule, acc.ID)
		}
		due := since.In(acc.Location()).AddDate(0, 0, w.pol.GraceDays)
		late := w.late[acc.ID].Equal(since)
		if scheduled && !sched.Equal(due) {
			t.Fatalf("%s: %s's block is scheduled at %v, %d days after %v is %v", c.rule, acc.ID, sched, w.pol.GraceDays, since, due)
		}
		if c.cause == network.CauseBranch && !since.Equal(acc.Sub.FreeSince) {
			t.Fatalf("NET-07: branch %s needs its block since %v, but came onto free at %v", acc.ID, since, acc.Sub.FreeSince)
		}
		for _, b := range acc.Blocks {
			if b.Cause == c.cause && (b.Since.Before(due) || (!late && !b.Since.Equal(due))) {
				t.Fatalf("%s: %s blocked at %v, due %v (aligned late %v)", c.rule, acc.ID, b.Since, due, late)
			}
		}
	}
	for _, b := range acc.Blocks {
		if b.Cause != network.CauseBranch && b.Cause != network.CauseHead {
			t.Fatalf("%s is blocked for an unknown cause %q", acc.ID, b.Cause)
		}
	}
}

// checkNet checks one network against its model, its JSON form, its clone,
// its projection and its widget.
func (w *nmWorld) checkNet(t *rapid.T, m *nmNet) {
	n, md := m.n, &m.mod
	if n.Head() != md.head || n.ID() != md.id() || n.Origin() != md.origin || n.Zone() != md.zone || n.Status() != md.status || n.HeadBlocked() != md.headBlocked {
		t.Fatalf("network %s/%s is %s (head blocked %v), the model says %s/%s %s (%v)",
			n.ID(), n.Zone(), n.Status(), n.HeadBlocked(), md.id(), md.zone, md.status, md.headBlocked)
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
		want = append(want, network.Branch{Account: id, Status: b.Status, Since: b.Since, Deadline: b.Deadline, Seen: b.Seen})
		if one, ok := n.Branch(id); !ok || gocmp.Diff(want[len(want)-1], one) != "" {
			t.Fatalf("Branch(%s) = %+v, %v", id, one, ok)
		}
	}
	if d := gocmp.Diff(want, got); d != "" {
		t.Fatalf("network of %s: branches differ from the model (-model +network):\n%s", md.head, d)
	}
	if _, ok := n.Branch(md.head); ok {
		t.Fatalf("NET-01: the head %s is listed as its own branch", md.head)
	}
	for _, b := range got {
		switch {
		case b.Status == network.Incompatible && !b.Deadline.After(b.Since),
			b.Status == network.Blocked && (b.Deadline.IsZero() || b.Deadline.After(b.Since)),
			(b.Status == network.Connected || b.Status == network.OnTrial) && !b.Deadline.IsZero():
			t.Fatalf("NET-07: branch %+v", b)
		}
	}
	if md.status == network.Dissolved && (len(md.branches) != 0 || md.headBlocked || !md.headDeadline.IsZero()) {
		t.Fatalf("NET-11: a dissolved network with branches or a head deadline")
	}
	// NET-07, NET-09: Project lists the blocks still to fall, in time
	// order: every incompatible branch's and a disabled head's.
	type proj struct {
		at   time.Time
		acc  tenancy.AccountID
		rule tenancy.RuleID
	}
	var wantProj, gotProj []proj
	for _, b := range want {
		if b.Status == network.Incompatible {
			wantProj = append(wantProj, proj{b.Deadline, b.Account, "NET-07"})
		}
	}
	if d := md.headDue(); !d.IsZero() {
		wantProj = append(wantProj, proj{d, md.head, "NET-09"})
	}
	slices.SortFunc(wantProj, func(a, b proj) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.acc, b.acc)) })
	for _, e := range w.eng.Project(n) {
		if e.Kind != network.EffectBlocked || e.Network != md.id() || e.Head != md.head {
			t.Fatalf("Project: %+v", e)
		}
		gotProj = append(gotProj, proj{e.At, e.Account, e.Rule})
	}
	if d := gocmp.Diff(wantProj, gotProj, gocmp.AllowUnexported(proj{})); d != "" {
		t.Fatalf("Project of %s differs (-want +got):\n%s", md.head, d)
	}

	// JSON round-trips exactly.
	snap := nmSnap(t, n)
	var back network.Network
	if err := json.Unmarshal(snap.json, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", snap.json, err)
	}
	if s := nmSnap(t, &back); !snap.equal(s) || back.ID() != n.ID() || back.Zone() != n.Zone() || back.Status() != n.Status() ||
		back.HeadBlocked() != n.HeadBlocked() || !back.HeadDeadline().Equal(n.HeadDeadline()) || !back.Updated().Equal(n.Updated()) ||
		gocmp.Diff(n.Branches(), back.Branches()) != "" {
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
	active int
}

func nmSnap(t *rapid.T, n *network.Network) nmSnapshot {
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return nmSnapshot{json: b, active: n.Active()}
}

func (s nmSnapshot) equal(o nmSnapshot) bool {
	return bytes.Equal(s.json, o.json) && s.active == o.active
}

// nmInstants is n's JSON form with every time written in UTC: the
// network as instants. (Two standings of one instant in two time zones
// leave the last change written in the zone of the first delivered.)
func nmInstants(t *rapid.T, n *network.Network) string {
	var v any
	if err := json.Unmarshal(nmSnap(t, n).json, &v); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
		return v
	}
	b, err := json.Marshal(walk(v))
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return string(b)
}

// nmDiff is cmp.Diff with a fast path for values equal to the bit.
func nmDiff(x, y any) string {
	if reflect.DeepEqual(x, y) {
		return ""
	}
	return gocmp.Diff(x, y)
}

// nmErrName names err's most specific sentinel.
func nmErrName(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrCorrupt", network.ErrCorrupt}, {"ErrHeadLocked", network.ErrHeadLocked}, {"ErrDisabled", network.ErrDisabled},
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
