package fleet_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the test's time zones must load on any machine

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// TestFleetMachine drives a world of five accounts (two that may head a
// network, four in domain zone "eu" and one in "us", in three time zones
// including Europe/Berlin) through random commands of the driver: new
// accounts, plan commands (purchases, cancellations, cancellations at once,
// plan changes, trials, payments, auto-renewal), logins, new users,
// deletion by the service, networks created, branches connected and
// disconnected, networks dissolved, identities forgotten, replays of
// earlier requests, and clock jumps swept at random cadences (many small
// steps or one big jump).
//
// The same generated sequence runs on two stores: one that delivers every
// message in the step of its sender (Deferred false) and one that routes
// every message through its recipient's inbox (Deferred true) and delivers
// it at a random later time, always before the recipient's next step, and
// sometimes again. After every command it checks the invariants below,
// each stated where it is checked with the rule it comes from.
func TestFleetMachine(t *testing.T) {
	stats := map[string]int{}
	rapid.Check(t, func(rt *rapid.T) {
		w := newWorld(stats)
		w.setup(rt)
		steps := rapid.IntRange(20, 80).Draw(rt, "steps")
		for range steps {
			w.step(rt)
		}
		w.finish(rt)
	})
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(stats)) {
		fmt.Fprintf(&b, "\n  %-50s %6d", k, stats[k])
	}
	t.Logf("coverage:%s", b.String())
}

// spec is one account of the world.
type spec struct {
	id    tenancy.AccountID
	owner tenancy.UserID
	zone  string
	loc   string
}

var (
	specs = []spec{
		{"hq", "ada", "eu", "Europe/Berlin"},
		{"hq2", "bob", "eu", "UTC"},
		{"lyon", "ada", "eu", "Europe/Berlin"},
		{"rome", "bob", "eu", "Europe/Berlin"},
		{"nyc", "ada", "us", "America/New_York"},
	}
	// heads are the accounts that may head a network; any account may be
	// asked to, which is how the refusals are drawn.
	heads  = []tenancy.AccountID{"hq", "hq", "hq2"}
	people = []tenancy.UserID{"ada", "bob", "cy"}
	t0     = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC) // nine days before Berlin's clocks go forward
)

// headKinds are the plan events that change a plan, the ones NET-10
// forbids on a head while a branch is connected.
var headKinds = map[string]bool{
	"plan.purchased": true, "plan.upgraded": true, "plan.change-scheduled": true,
	"plan.cancellation-scheduled": true, "plan.cancelled-now": true,
}

// result is what a request came to in one run.
type result struct {
	outcome fleet.Outcome
	rule    tenancy.RuleID
	refused bool
}

// request is a command sent with a request ID, to replay.
type request struct {
	id  string
	cmd fleet.Command
}

// run is one store and what the test knows of its history.
type run struct {
	name     string
	m        *fleet.Memory
	seen     map[string]bool // every effect ID in the log
	results  map[string]result
	produced []fleet.Message // every message handed to the store, in order
}

// world is the two stores, the clock and the requests sent so far.
type world struct {
	stats     map[string]int
	now       time.Time
	immediate *run // delivers every message in its sender's step
	deferred  *run // routes every message through an inbox
	requests  []request
	nreq      int
}

func newWorld(stats map[string]int) *world {
	mk := func(name string, deferred bool) *run {
		m := fleet.NewMemory(fleet.Default())
		m.Deferred = deferred
		return &run{name: name, m: m, seen: map[string]bool{}, results: map[string]result{}}
	}
	return &world{stats: stats, now: t0, immediate: mk("immediate", false), deferred: mk("deferred", true)}
}

func loc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// setup creates hq and some of the other accounts, and draws which owners
// administer the accounts of the other.
func (w *world) setup(rt *rapid.T) {
	for i, s := range specs {
		if i == 0 || i == 2 || rapid.IntRange(0, 9).Draw(rt, "create "+string(s.id)) > 0 {
			w.both(rt, fleet.NewAccount{ID: s.id, Owner: s.owner, DomainZone: s.zone, Location: loc(s.loc)}, "")
		}
	}
	for _, s := range specs {
		for _, p := range people[:2] {
			if p != s.owner && rapid.IntRange(0, 2).Draw(rt, "admin "+string(p)+" of "+string(s.id)) > 0 {
				w.both(rt, fleet.OnAccount{Account: s.id, Cmd: lifecycle.AddUser{By: tenancy.Admin(s.owner), User: p, Role: tenancy.RoleAdministrator}}, "")
			}
		}
	}
	for _, s := range specs[:2] {
		if rapid.IntRange(0, 9).Draw(rt, "network of "+string(s.id)) == 0 {
			continue
		}
		period := rapid.SampledFrom([]plan.Period{plan.Monthly, plan.Annual, plan.Annual}).Draw(rt, "head period")
		w.both(rt, fleet.OnAccount{Account: s.id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin(s.owner), Plan: plan.Enterprise, Period: period}}}, "")
		w.both(rt, fleet.CreateNetwork{Head: s.id, By: tenancy.Admin(s.owner)}, "")
	}
}

var stepKinds = []string{
	"connect", "login", "plan", "jump", "disconnect", "pay", "connect", "login", "plan", "enterprise",
	"connect", "login", "plan", "replay", "create", "connect", "login", "plan", "jump", "adduser",
	"connect", "login", "plan", "dissolve", "pay", "connect", "login", "plan", "forget", "enterprise",
	"disconnect", "login", "plan", "jump", "new", "create", "replay", "plan", "delete", "jump",
}

// step draws one step, runs it on both stores and checks them.
func (w *world) step(rt *rapid.T) {
	w.now = w.now.Add(time.Duration(rapid.IntRange(0, 24*60).Draw(rt, "minutes")) * time.Minute)
	kind := rapid.SampledFrom(stepKinds).Draw(rt, "step")
	w.stats["step "+kind]++
	switch kind {
	case "jump":
		w.jump(rt)
	case "replay":
		w.replay(rt)
	default:
		cmd := w.draw(rt, kind)
		req := ""
		if rapid.Bool().Draw(rt, "with request") {
			w.nreq++
			req = fmt.Sprintf("req-%d", w.nreq)
			w.requests = append(w.requests, request{id: req, cmd: cmd})
		}
		w.both(rt, cmd, req)
	}
	w.deliverSome(rt)
}

// draw draws a command of the given kind.
func (w *world) draw(rt *rapid.T, kind string) fleet.Command {
	acc := rapid.SampledFrom(specs).Draw(rt, "account")
	by := w.actor(rt, acc)
	switch kind {
	case "plan", "enterprise", "pay":
		if kind == "pay" {
			for _, s := range specs {
				if a, ok := w.immediate.m.Account(s.id); ok && a.Sub.Status == plan.StatusGrace && rapid.Bool().Draw(rt, "pay "+string(s.id)) {
					acc = s
				}
			}
		}
		if kind == "enterprise" {
			acc = rapid.SampledFrom(specs[:2]).Draw(rt, "head")
			by = w.actor(rt, acc)
		}
		return fleet.OnAccount{Account: acc.id, Cmd: lifecycle.Plan{Cmd: w.planCmd(rt, kind, acc.id, by)}}
	case "login":
		u := rapid.SampledFrom([]tenancy.UserID{acc.owner, acc.owner, acc.owner, "ada", "bob", "cy"}).Draw(rt, "user")
		return fleet.OnAccount{Account: acc.id, Cmd: lifecycle.Login{User: u}}
	case "adduser":
		u := rapid.SampledFrom(append(people, "dee")).Draw(rt, "new user")
		role := rapid.SampledFrom([]tenancy.Role{tenancy.RoleEmployee, tenancy.RoleAdministrator}).Draw(rt, "role")
		return fleet.OnAccount{Account: acc.id, Cmd: lifecycle.AddUser{By: by, User: u, Role: role}}
	case "delete":
		confirm := acc.id
		if rapid.IntRange(0, 4).Draw(rt, "unconfirmed") == 0 {
			confirm = ""
		}
		return fleet.OnAccount{Account: acc.id, Cmd: lifecycle.Delete{By: tenancy.Service(), Confirm: confirm}}
	case "new":
		return fleet.NewAccount{ID: acc.id, Owner: acc.owner, DomainZone: acc.zone, Location: loc(acc.loc)}
	case "create":
		head := rapid.SampledFrom(append(heads, acc.id)).Draw(rt, "network head")
		return fleet.CreateNetwork{Head: head, By: w.adminOf(rt, head)}
	case "connect":
		head := rapid.SampledFrom(heads).Draw(rt, "network head")
		branch := rapid.SampledFrom(append(specs, specs[2:]...)).Draw(rt, "branch").id
		return fleet.Connect{Head: head, Branch: branch, By: w.adminOf(rt, head)}
	case "disconnect":
		head := rapid.SampledFrom(heads).Draw(rt, "network head")
		branch := acc.id
		if n, ok := w.immediate.m.Network(head); ok && n.Len() > 0 && rapid.IntRange(0, 3).Draw(rt, "listed branch") > 0 {
			branch = rapid.SampledFrom(n.Branches()).Draw(rt, "branch").Account
		}
		return fleet.Disconnect{Head: head, Branch: branch, By: w.adminOf(rt, head)}
	case "dissolve":
		head := rapid.SampledFrom(heads).Draw(rt, "network head")
		return fleet.Dissolve{Head: head, By: w.adminOf(rt, head)}
	case "forget":
		u := rapid.SampledFrom(people).Draw(rt, "forgotten")
		asker := rapid.SampledFrom([]tenancy.Actor{{User: u}, {User: u}, {User: u}, tenancy.Service(), {User: "mallory"}, tenancy.Admin(u)}).Draw(rt, "asker")
		return fleet.ForgetIdentity{User: u, By: asker}
	}
	panic("unknown step " + kind)
}

// actor draws who issues a command on acc: mostly its owner as
// administrator, sometimes someone who may not.
func (w *world) actor(rt *rapid.T, acc spec) tenancy.Actor {
	return rapid.SampledFrom([]tenancy.Actor{
		tenancy.Admin(acc.owner), tenancy.Admin(acc.owner), tenancy.Admin(acc.owner), tenancy.Admin(acc.owner),
		tenancy.Admin("ada"), tenancy.Admin("cy"), tenancy.Employee(acc.owner), tenancy.Service(),
	}).Draw(rt, "by")
}

// adminOf draws who asks for a network verb on head: mostly ada, who
// owns hq and often administers the others.
func (w *world) adminOf(rt *rapid.T, head tenancy.AccountID) tenancy.Actor {
	owner := tenancy.UserID("ada")
	for _, s := range specs {
		if s.id == head {
			owner = s.owner
		}
	}
	return rapid.SampledFrom([]tenancy.Actor{
		tenancy.Admin("ada"), tenancy.Admin("ada"), tenancy.Admin("ada"), tenancy.Admin(owner), tenancy.Admin("bob"),
		tenancy.Employee("ada"), tenancy.Service(),
	}).Draw(rt, "network by")
}

// planCmd draws a plan command. An "enterprise" step is about heads:
// buying or changing to Enterprise, or leaving it.
func (w *world) planCmd(rt *rapid.T, kind string, id tenancy.AccountID, by tenancy.Actor) plan.Command {
	plans := []plan.PlanID{plan.Basic, plan.Standard, plan.Professional, plan.Enterprise}
	if kind == "enterprise" {
		plans = []plan.PlanID{plan.Enterprise, plan.Enterprise, plan.Professional}
	}
	p := rapid.SampledFrom(plans).Draw(rt, "plan")
	period := rapid.SampledFrom([]plan.Period{plan.Monthly, plan.Annual}).Draw(rt, "period")
	cmds := []string{"purchase", "purchase", "purchase", "change", "change", "cancel", "cancel now",
		"trial", "pay", "auto-renew off", "auto-renew on"}
	if kind == "pay" {
		cmds = []string{"pay"}
	}
	switch rapid.SampledFrom(cmds).Draw(rt, "plan command") {
	case "purchase":
		return plan.Purchase{By: by, Plan: p, Period: period}
	case "change":
		return plan.ChangePlan{By: by, Plan: p, Period: period}
	case "cancel":
		return plan.Cancel{By: by, Reason: "too dear"}
	case "cancel now":
		return plan.Cancel{By: by, Now: true}
	case "trial":
		return plan.StartTrial{By: by}
	case "pay":
		due := decimal.NewFromInt(1)
		if a, ok := w.immediate.m.Account(id); ok && !a.Sub.Due.IsZero() {
			due = a.Sub.Due
		}
		return plan.RecordPayment{By: tenancy.Service(), Amount: due}
	case "auto-renew off":
		return plan.SetAutoRenew{By: by, On: false}
	}
	return plan.SetAutoRenew{By: by, On: true}
}

// both runs cmd on both stores and checks that they agree.
func (w *world) both(rt *rapid.T, cmd fleet.Command, req string) {
	_, err0 := w.immediate.do(w, rt, cmd, req)
	_, err1 := w.deferred.do(w, rt, cmd, req)
	// Delivery is transparent: a network applies a standing as of its own
	// instant and every step delivers its states' inboxes first, so the
	// same command is refused by the same rule, or succeeds, in both runs
	// (NET-07 to NET-09).
	if (err0 == nil) != (err1 == nil) || tenancy.RuleOf(err0) != tenancy.RuleOf(err1) {
		rt.Fatalf("%T%+v: immediate %v, deferred %v", cmd, cmd, err0, err1)
	}
	if err0 != nil {
		why := string(tenancy.RuleOf(err0))
		if why == "" {
			why = strings.SplitN(err0.Error(), ":", 2)[0]
		}
		w.stats[fmt.Sprintf("refused %s %T", why, cmd)]++
	} else {
		w.stats[fmt.Sprintf("done %T", cmd)]++
	}
	w.compareAccounts(rt)
}

// snapshot is the JSON of every state of m and of its inboxes.
func snapshot(rt *rapid.T, m *fleet.Memory) string {
	s := m.States()
	var b strings.Builder
	enc := func(k string, v any) {
		j, err := json.Marshal(v)
		if err != nil {
			rt.Fatalf("encoding %s: %v", k, err)
		}
		fmt.Fprintf(&b, "%s %s\n", k, j)
	}
	for _, id := range slices.Sorted(maps.Keys(s.Accounts)) {
		enc("account "+string(id), s.Accounts[id])
	}
	for _, id := range slices.Sorted(maps.Keys(s.Networks)) {
		enc("network "+string(id), s.Networks[id])
	}
	for _, id := range slices.Sorted(maps.Keys(s.Identities)) {
		enc("identity "+string(id), s.Identities[id])
	}
	for _, msg := range m.Pending() {
		enc("pending", msg)
	}
	return b.String()
}

// do runs one command on r's store and checks what must hold of any step.
func (r *run) do(w *world, rt *rapid.T, cmd fleet.Command, req string) (fleet.Ready, error) {
	before := snapshot(rt, r.m)
	logLen := len(r.m.Log)
	locked := r.lockedHeads(w.now)
	ready, err := r.m.Do(w.now, cmd, req)
	if prior, ok := r.results[req]; ok && req != "" {
		// A replayed request returns its first outcome and changes
		// nothing: the store keeps the outcome under the request's ID so
		// that a command delivered twice runs once.
		if !ready.Replayed || tenancy.RuleOf(err) != prior.rule || (err != nil) != prior.refused ||
			!slices.Equal(ready.Outcome.Effects, prior.outcome.Effects) {
			rt.Fatalf("%s: replay of %s: %+v, %v; first %+v", r.name, req, ready.Outcome, err, prior.outcome)
		}
		if after := snapshot(rt, r.m); len(ready.Effects) != 0 || len(r.m.Log) != logLen || after != before {
			rt.Fatalf("%s: replay of %s changed the store: %s", r.name, req, diffLines(before, after))
		}
		return ready, err
	}
	if ready.Replayed {
		rt.Fatalf("%s: %s replayed at first run", r.name, req)
	}
	if req != "" && !errors.Is(err, fleet.ErrMissing) {
		// A step that lacked a state did not run: the store keeps no
		// outcome for it, and a replay runs it.
		r.results[req] = result{outcome: ready.Outcome, rule: tenancy.RuleOf(err), refused: err != nil}
	}
	if err != nil {
		// A refusal changes nothing and produces no effect: Step leaves its
		// states as they were, and the store writes nothing back.
		if len(ready.Effects) != 0 || len(r.m.Log) != logLen {
			rt.Fatalf("%s: %T%+v refused (%v) with effects %v", r.name, cmd, cmd, err, ready.Effects)
		}
		if after := snapshot(rt, r.m); after != before {
			rt.Fatalf("%s: %T%+v refused (%v) but changed the store: %s", r.name, cmd, cmd, err, diffLines(before, after))
		}
		if req != "" && (!ready.Outcome.Refused() || tenancy.RuleOf(ready.Outcome.Err()) != tenancy.RuleOf(err)) {
			rt.Fatalf("%s: the outcome of a refusal %v is %+v", r.name, err, ready.Outcome)
		}
		return ready, err
	}
	if req != "" && !slices.Equal(ready.Outcome.Effects, ids(ready.Effects)) {
		rt.Fatalf("%s: outcome effects %v, step effects %v", r.name, ready.Outcome.Effects, ids(ready.Effects))
	}
	r.produced = append(r.produced, ready.Messages...)
	r.after(w, rt, logLen, locked)
	return ready, nil
}

// diffLines returns the lines of a and b that the other lacks.
func diffLines(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for _, l := range la {
		if !slices.Contains(lb, l) {
			fmt.Fprintf(&out, "\n- %s", l)
		}
	}
	for _, l := range lb {
		if !slices.Contains(la, l) {
			fmt.Fprintf(&out, "\n+ %s", l)
		}
	}
	return out.String()
}

func ids(effs []fleet.Effect) []string {
	out := make([]string, len(effs))
	for i, e := range effs {
		out[i] = e.ID()
	}
	return out
}

// lockedHeads returns, for every network that lists a connected or trial
// branch, whether its head (advanced to now) is on an active Enterprise
// plan: the heads whose plan NET-10 locks.
func (r *run) lockedHeads(now time.Time) map[tenancy.AccountID]bool {
	out := map[tenancy.AccountID]bool{}
	e := r.m.Engine()
	waiting := map[fleet.Key]bool{}
	for _, msg := range r.m.Pending() {
		waiting[msg.To] = true
	}
	for head, n := range r.m.States().Networks {
		if n.Status() == network.Dissolved || n.Active() == 0 || waiting[fleet.NetworkKey(head)] {
			continue // a network that has news waiting may count otherwise
		}
		a, ok := r.m.Account(head)
		if !ok {
			continue
		}
		if adv, _, err := e.Lives().Advance(a, now, nil); err == nil {
			a = adv
		}
		out[head] = e.Networks().LevelOf(a) == network.LevelEnterprise
	}
	return out
}

// after checks r after a step that succeeded, given where its log stood
// before the step and the heads NET-10 locked then.
func (r *run) after(w *world, rt *rapid.T, logLen int, locked map[tenancy.AccountID]bool) {
	for _, e := range r.m.Log[logLen:] {
		// Effect IDs are unique across the whole log, re-created networks
		// included, so that a service executing effects at least once may
		// drop repeats by ID (the Effect contract).
		if r.seen[e.ID()] {
			rt.Fatalf("%s: effect ID %s twice", r.name, e.ID())
		}
		r.seen[e.ID()] = true
		w.stats["effect "+e.Kind]++
		// NET-10: while the network lists a connected or trial branch the
		// head's plan does not change, unless a head off active Enterprise
		// goes back to Enterprise (NET-09).
		if ent, ok := locked[e.Account]; ok && headKinds[e.Kind] {
			if ent || e.Plan != plan.Enterprise {
				rt.Fatalf("%s: NET-10: head %s: %s while branches are connected", r.name, e.Account, e)
			}
			w.stats["NET-09 head back to enterprise with branches"]++
		}
	}
	if r.m.Deferred && len(r.m.Pending()) > 0 {
		return
	}
	if !r.m.Deferred && len(r.m.Pending()) > 0 {
		// A store that loads the network of every account of a step
		// delivers every standing in that step: nothing waits.
		rt.Fatalf("%s: messages wait: %v", r.name, r.m.Pending())
	}
	r.checkNetworks(w, rt)
}

// checkNetworks checks every network against its members; every message
// must have been delivered.
func (r *run) checkNetworks(w *world, rt *rapid.T) {
	s := r.m.States()
	accs := slices.Collect(maps.Values(s.Accounts))
	slices.SortFunc(accs, func(a, b lifecycle.Account) int { return strings.Compare(string(a.ID), string(b.ID)) })
	listed := map[tenancy.AccountID]tenancy.AccountID{}
	for _, head := range slices.Sorted(maps.Keys(s.Networks)) {
		n := s.Networks[head]
		// Engine.Check finds no contradiction between a network and its
		// members once every message is delivered (NET-01, NET-02, NET-04,
		// NET-07, NET-09, NET-11).
		if probs := r.m.Engine().Check(n, accs); len(probs) > 0 {
			rt.Fatalf("%s: network %s: %v\n%s", r.name, head, probs, snapshot(rt, r.m))
		}
		if n.Status() == network.Dissolved {
			if n.Len() != 0 {
				rt.Fatalf("%s: dissolved network %s lists %v", r.name, head, n.Branches())
			}
			continue
		}
		// NET-04: an account is in at most one network: no account is
		// listed by two networks, nor listed by one while heading another.
		for _, b := range n.Branches() {
			if other, ok := listed[b.Account]; ok {
				rt.Fatalf("%s: NET-04: %s listed by %s and %s", r.name, b.Account, other, head)
			}
			listed[b.Account] = head
		}
		if other, ok := listed[head]; ok {
			rt.Fatalf("%s: NET-04: head %s is a branch of %s", r.name, head, other)
		}
		listed[head] = head
	}
	for _, a := range accs {
		// LIFE-05: a deleted account is in no network: it records none
		// (Validate, which the store's decoder runs, refuses one that
		// does) and no network lists it as a branch.
		if err := a.Validate(); err != nil {
			rt.Fatalf("%s: account %s: %v", r.name, a.ID, err)
		}
		if a.Stage == lifecycle.StageDeleted {
			if head, ok := listed[a.ID]; a.Network != "" || (ok && head != a.ID) {
				rt.Fatalf("%s: LIFE-05: deleted %s records the network %q, listed by %q", r.name, a.ID, a.Network, head)
			}
			w.stats["deleted account checked out of every network"]++
			continue
		}
		// NET-04: the one network an account records is the one that
		// lists it (or that it heads).
		if a.Network == "" {
			continue
		}
		if listed[a.ID] != a.Network {
			rt.Fatalf("%s: NET-04: %s records the network of %s, listed by %q", r.name, a.ID, a.Network, listed[a.ID])
		}
	}
}

// compareAccounts checks that both runs hold the same accounts and
// identities: messages go only to networks, so routing them through
// inboxes changes no account.
func (w *world) compareAccounts(rt *rapid.T) {
	enc := func(m *fleet.Memory) string {
		s := m.States()
		j, err := json.Marshal(struct {
			A map[tenancy.AccountID]lifecycle.Account
			I map[tenancy.UserID]fleet.Identity
		}{s.Accounts, s.Identities})
		if err != nil {
			rt.Fatal(err)
		}
		return string(j)
	}
	if a, b := enc(w.immediate.m), enc(w.deferred.m); a != b {
		rt.Fatalf("accounts differ:\nimmediate %s\ndeferred  %s", a, b)
	}
}

// jump moves the clock forward and sweeps both stores: in many small
// steps or in one big one.
func (w *world) jump(rt *rapid.T) {
	span := time.Duration(rapid.IntRange(1, 24*20).Draw(rt, "jump hours")) * time.Hour
	switch rapid.IntRange(0, 19).Draw(rt, "long jump") {
	case 1:
		span += 60 * 24 * time.Hour
	case 2:
		span += 365 * 24 * time.Hour
	}
	parts := 1
	if rapid.Bool().Draw(rt, "small steps") {
		parts = rapid.IntRange(2, 40).Draw(rt, "sweeps")
	}
	start := w.now
	for i := 1; i <= parts; i++ {
		w.now = start.Add(span * time.Duration(i) / time.Duration(parts))
		w.sweep(rt, w.immediate)
		w.sweepDeferred(rt)
		w.compareAccounts(rt)
	}
	w.stats[fmt.Sprintf("jump in %s steps", map[bool]string{true: "one", false: "many"}[parts == 1])]++
}

// sweep advances an immediate store to now with AdvanceTo.
func (w *world) sweep(rt *rapid.T, r *run) {
	logLen := len(r.m.Log)
	locked := r.lockedHeads(w.now)
	if _, err := r.m.AdvanceTo(w.now, 0); err != nil {
		rt.Fatalf("%s: AdvanceTo %v: %v", r.name, w.now, err)
	}
	r.after(w, rt, logLen, locked)
}

// sweepDeferred advances the deferred store to now: with AdvanceTo, which
// flushes every inbox at the end, or deadline by deadline, leaving
// messages waiting and delivering some of them between deadlines.
func (w *world) sweepDeferred(rt *rapid.T) {
	r := w.deferred
	if rapid.Bool().Draw(rt, "deferred AdvanceTo") {
		w.sweep(rt, r)
		return
	}
	for {
		k, d, ok := r.m.Next()
		if !ok || d.After(w.now) {
			break
		}
		logLen := len(r.m.Log)
		ready, err := r.m.Do(d, fleet.Advance{Key: k}, "")
		if err != nil {
			rt.Fatalf("%s: advance %s at %v: %v", r.name, k, d, err)
		}
		r.produced = append(r.produced, ready.Messages...)
		r.after(w, rt, logLen, nil)
		w.deliverSomeAt(rt, d)
	}
}

// deliverSome delivers some of the deferred store's messages now.
func (w *world) deliverSome(rt *rapid.T) { w.deliverSomeAt(rt, w.now) }

// deliverSomeAt delivers the inboxes of some networks at now, and
// delivers again a message already delivered, which must change nothing.
func (w *world) deliverSomeAt(rt *rapid.T, now time.Time) {
	r := w.deferred
	pending := r.m.Pending()
	for _, msg := range pending {
		if rapid.IntRange(0, 2).Draw(rt, "deliver "+msg.ID()) != 0 {
			continue
		}
		logLen := len(r.m.Log)
		ready, err := r.m.Do(now, fleet.Advance{Key: msg.To}, "")
		if err != nil {
			rt.Fatalf("%s: delivering %s at %v: %v", r.name, msg.ID(), now, err)
		}
		r.produced = append(r.produced, ready.Messages...)
		r.after(w, rt, logLen, nil)
		w.stats["delivered late"]++
	}
	if len(r.produced) == 0 || rapid.IntRange(0, 3).Draw(rt, "deliver twice") != 0 {
		return
	}
	msg := rapid.SampledFrom(r.produced).Draw(rt, "again")
	if slices.ContainsFunc(r.m.Pending(), func(p fleet.Message) bool { return p.ID() == msg.ID() }) {
		return // not delivered yet
	}
	n, ok := r.m.Network(tenancy.AccountID(msg.To.ID))
	if !ok {
		rt.Fatalf("%s: message %s for a network the store does not hold", r.name, msg.ID())
	}
	before := snapshot(rt, r.m)
	s := fleet.NewStates()
	s.Networks[n.Head()] = n
	ready, err := r.m.Engine().Step(s, fleet.Input{Now: now, Command: fleet.Advance{Key: msg.To}, Inbox: []fleet.Message{msg}})
	// A standing delivered twice changes nothing the second time: a
	// network applies each member's standings in Seq order and drops one
	// it has seen (network.Standing, NET-07 to NET-09).
	if err != nil || len(ready.Effects) != 0 || len(ready.Messages) != 0 || snapshot(rt, r.m) != before {
		rt.Fatalf("%s: delivering %s again: %v, effects %v", r.name, msg.ID(), err, ready.Effects)
	}
	w.stats["delivered twice"]++
}

// replay sends an earlier request again, to both stores.
func (w *world) replay(rt *rapid.T) {
	if len(w.requests) == 0 {
		return
	}
	q := rapid.SampledFrom(w.requests).Draw(rt, "replayed")
	_, err0 := w.immediate.do(w, rt, q.cmd, q.id)
	_, err1 := w.deferred.do(w, rt, q.cmd, q.id)
	if tenancy.RuleOf(err0) != tenancy.RuleOf(err1) || (err0 == nil) != (err1 == nil) {
		rt.Fatalf("replay of %s: immediate %v, deferred %v", q.id, err0, err1)
	}
	w.stats["replayed"]++
}

// finish flushes the deferred store and compares the two runs.
func (w *world) finish(rt *rapid.T) {
	r := w.deferred
	logLen := len(r.m.Log)
	if _, err := r.m.Flush(w.now); err != nil {
		rt.Fatalf("flush: %v", err)
	}
	r.after(w, rt, logLen, nil)
	if p := r.m.Pending(); len(p) != 0 {
		rt.Fatalf("after Flush, messages wait: %v", p)
	}
	w.immediate.checkNetworks(w, rt)
	r.checkNetworks(w, rt)
	// Both stores end with the same states and the same effects: where a
	// standing is delivered, and when, changes nothing (fleet.Message).
	if a, b := snapshot(rt, w.immediate.m), snapshot(rt, r.m); a != b {
		rt.Fatalf("final states differ:\nimmediate:\n%s\ndeferred:\n%s", a, b)
	}
	byID := func(m *fleet.Memory) []string {
		out := make([]string, len(m.Log))
		for i, e := range m.Log {
			j, err := json.Marshal(e)
			if err != nil {
				rt.Fatal(err)
			}
			out[i] = string(j)
		}
		slices.Sort(out)
		return out
	}
	if a, b := byID(w.immediate.m), byID(r.m); !slices.Equal(a, b) {
		rt.Fatalf("effects differ:\nimmediate:\n%s\ndeferred:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	w.stats[fmt.Sprintf("run ended with %d networks", len(w.immediate.m.States().Networks))]++
}

// ---------------------------------------------------------------------------
// The rules one at a time, with exact dates

var berlin = loc("Europe/Berlin")

// at is a wall-clock time in Berlin.
func at(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, berlin)
}

// must runs cmd on m at now and fails the test if it is refused.
func must(t testing.TB, m *fleet.Memory, now time.Time, cmd fleet.Command) fleet.Ready {
	t.Helper()
	r, err := m.Do(now, cmd, "")
	if err != nil {
		t.Fatalf("%v: %T%+v: %v", now, cmd, cmd, err)
	}
	return r
}

// jsonOf is the JSON of every state m holds, and of its inboxes.
func jsonOf(t testing.TB, m *fleet.Memory) string {
	t.Helper()
	return statesJSON(t, m.States()) + pendingJSON(t, m.Pending())
}

func statesJSON(t testing.TB, s *fleet.States) string {
	t.Helper()
	j, err := json.Marshal(struct {
		A map[tenancy.AccountID]lifecycle.Account
		N map[tenancy.AccountID]*network.Network
		I map[tenancy.UserID]fleet.Identity
	}{s.Accounts, s.Networks, s.Identities})
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

func pendingJSON(t testing.TB, ms []fleet.Message) string {
	t.Helper()
	j, err := json.Marshal(ms)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

// cloneStates copies s deeply enough for a step: the maps and the
// networks.
func cloneStates(s *fleet.States) *fleet.States {
	out := &fleet.States{Accounts: maps.Clone(s.Accounts), Networks: map[tenancy.AccountID]*network.Network{}, Identities: maps.Clone(s.Identities)}
	for h, n := range s.Networks {
		out.Networks[h] = n.Clone()
	}
	return out
}

var ada = tenancy.Admin("ada")

// branchWorld is hq, on Enterprise, heading a network that connects lyon,
// which bought Basic monthly on 2026-01-04 at 10:00 in Berlin and turned
// auto-renewal off: lyon drops to free when its period ends, on
// 2026-02-04 at 10:00.
func branchWorld(t testing.TB, deferred bool) *fleet.Memory {
	t.Helper()
	m := fleet.NewMemory(fleet.Default())
	m.Deferred = deferred
	t0 := at(time.January, 4, 10, 0)
	must(t, m, t0, fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu", Location: berlin})
	must(t, m, t0, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}})
	must(t, m, t0, fleet.CreateNetwork{Head: "hq", By: ada})
	must(t, m, t0, fleet.NewAccount{ID: "lyon", Owner: "ada", DomainZone: "eu", Location: berlin})
	must(t, m, t0, fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly}}})
	must(t, m, t0, fleet.Connect{Head: "hq", Branch: "lyon", By: ada})
	must(t, m, t0.Add(time.Minute), fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}})
	if n, _ := m.Network("hq"); n.Active() != 1 {
		t.Fatalf("lyon is not connected: %v", n.Branches())
	}
	return m
}

// TestDeadlineFromDrop: NET-07: the 15 days an incompatible branch has
// count from the instant it dropped to free, not from the instant its
// network hears of it. Lyon drops on 2026-02-04 at 10:00 in Berlin; told
// at once, an hour later through its network's inbox, or twice, the
// network lists it incompatible until 2026-02-19 at 10:00, when the
// account is blocked, and every run has the same effect IDs.
func TestDeadlineFromDrop(t *testing.T) {
	drop := at(time.February, 4, 10, 0)
	deadline := at(time.February, 19, 10, 0)
	runs := map[string]func(t *testing.T) *fleet.Memory{
		"delivered at once": func(t *testing.T) *fleet.Memory {
			m := branchWorld(t, false)
			if _, err := m.AdvanceTo(drop, 0); err != nil {
				t.Fatal(err)
			}
			return m
		},
		"delivered an hour later": func(t *testing.T) *fleet.Memory {
			m := branchWorld(t, true)
			must(t, m, drop, fleet.Advance{Key: fleet.AccountKey("lyon")})
			if p := m.Pending(); len(p) != 1 || p[0].To != fleet.NetworkKey("hq") || !p[0].Standing.At.Equal(drop) {
				t.Fatalf("pending at the drop: %v", p)
			}
			if b, _ := mustNetwork(t, m).Branch("lyon"); b.Status != network.Connected {
				t.Fatalf("the network heard before delivery: %+v", b)
			}
			must(t, m, drop.Add(time.Hour), fleet.Advance{Key: fleet.NetworkKey("hq")})
			return m
		},
		"delivered twice": func(t *testing.T) *fleet.Memory {
			m := branchWorld(t, true)
			must(t, m, drop, fleet.Advance{Key: fleet.AccountKey("lyon")})
			msg := m.Pending()[0]
			must(t, m, drop.Add(time.Hour), fleet.Advance{Key: fleet.NetworkKey("hq")})
			before := jsonOf(t, m)
			s := fleet.NewStates()
			s.Networks["hq"] = mustNetwork(t, m)
			r, err := m.Engine().Step(s, fleet.Input{Now: drop.Add(2 * time.Hour), Command: fleet.Advance{Key: fleet.NetworkKey("hq")}, Inbox: []fleet.Message{msg}})
			if err != nil || len(r.Effects) != 0 || jsonOf(t, m) != before {
				t.Fatalf("second delivery: %v, %v", err, r.Effects)
			}
			return m
		},
	}
	var first []string
	for _, name := range []string{"delivered at once", "delivered an hour later", "delivered twice"} {
		t.Run(name, func(t *testing.T) {
			m := runs[name](t)
			b, _ := mustNetwork(t, m).Branch("lyon")
			if b.Status != network.Incompatible || !b.Deadline.Equal(deadline) || !b.Since.Equal(drop) {
				t.Fatalf("lyon after the drop: %+v, want incompatible since %v until %v", b, drop, deadline)
			}
			a, _ := m.Account("lyon")
			if d, ok := a.ScheduledFor(network.CauseBranch); !ok || !d.Equal(deadline) {
				t.Fatalf("lyon's block is scheduled at %v (%v), want %v", d, ok, deadline)
			}
			if _, err := m.AdvanceTo(deadline.Add(-time.Minute), 0); err != nil {
				t.Fatal(err)
			}
			if a, _ := m.Account("lyon"); a.Blocked() {
				t.Fatalf("lyon blocked a minute early: %+v", a.Blocks)
			}
			effs, err := m.AdvanceTo(deadline, 0)
			if err != nil {
				t.Fatal(err)
			}
			var blocked []string
			for _, e := range effs {
				if e.Kind == "life.block" || e.Kind == "net.blocked" {
					if !e.At.Equal(deadline) || e.Account != "lyon" {
						t.Errorf("%s at %v, want lyon at %v", e.Kind, e.At, deadline)
					}
					blocked = append(blocked, e.Kind)
				}
			}
			if !slices.Equal(blocked, []string{"life.block", "net.blocked"}) {
				t.Fatalf("effects at the deadline: %v", effs)
			}
			if a, _ := m.Account("lyon"); !a.BlockedFor(network.CauseBranch) {
				t.Fatalf("lyon not blocked at %v: %+v", deadline, a.Blocks)
			}
			if b, _ := mustNetwork(t, m).Branch("lyon"); b.Status != network.Blocked {
				t.Fatalf("the network lists lyon as %v", b.Status)
			}
			got := slices.Sorted(slices.Values(ids(m.Log)))
			if first == nil {
				first = got
			} else if !slices.Equal(got, first) {
				t.Fatalf("effect IDs differ from the first run:\n%s\nfirst:\n%s", strings.Join(got, "\n"), strings.Join(first, "\n"))
			}
		})
	}
}

func mustNetwork(t testing.TB, m *fleet.Memory) *network.Network {
	t.Helper()
	n, ok := m.Network("hq")
	if !ok {
		t.Fatal("no network of hq")
	}
	return n
}

// TestHeadPlanLocked: NET-10: through the driver, the head's plan cannot
// change while a branch is connected: a cancellation, a change of plan
// and turning auto-renewal off are refused, and change nothing; once the
// branch is disconnected the same cancellation goes through. The
// membership commands of package lifecycle are the driver's own (NET-04).
func TestHeadPlanLocked(t *testing.T) {
	m := branchWorld(t, false)
	now := at(time.January, 10, 9, 0)
	for _, cmd := range []plan.Command{
		plan.Cancel{By: ada},
		plan.Cancel{By: ada, Now: true},
		plan.ChangePlan{By: ada, Plan: plan.Professional, Period: plan.Annual},
		plan.SetAutoRenew{By: ada, On: false},
	} {
		before, logLen := jsonOf(t, m), len(m.Log)
		_, err := m.Do(now, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: cmd}}, "")
		if tenancy.RuleOf(err) != "NET-10" || !errors.Is(err, lifecycle.ErrHeadLocked) {
			t.Errorf("%T%+v on the head: %v, want NET-10", cmd, cmd, err)
		}
		if jsonOf(t, m) != before || len(m.Log) != logLen {
			t.Errorf("%T refused but the store changed", cmd)
		}
	}
	_, err := m.Do(now, fleet.OnAccount{Account: "hq", Cmd: lifecycle.HeadPlan{Cmd: plan.Cancel{By: ada}, Connected: 0}}, "")
	if tenancy.RuleOf(err) != "NET-04" {
		t.Errorf("HeadPlan through OnAccount: %v, want NET-04", err)
	}
	must(t, m, now, fleet.Disconnect{Head: "hq", Branch: "lyon", By: ada})
	r := must(t, m, now.Add(time.Minute), fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}})
	if !slices.ContainsFunc(r.Effects, func(e fleet.Effect) bool { return e.Kind == "plan.cancellation-scheduled" && e.Account == "hq" }) {
		t.Fatalf("cancelling with no branch: %v", r.Effects)
	}
}

// TestMissingNetwork: NET-10 needs the network to count the head's
// branches: a plan command on a head whose network the step does not
// hold is refused with a *MissingError naming the network, and changes
// nothing; Keys names the network when the store's index says the
// account heads one.
func TestMissingNetwork(t *testing.T) {
	m := branchWorld(t, false)
	cmd := fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}}
	networkOf := func(id tenancy.AccountID) tenancy.AccountID {
		a, _ := m.Account(id)
		return a.Network
	}
	if ks := m.Engine().Keys(cmd, networkOf); !slices.Contains(ks, fleet.NetworkKey("hq")) {
		t.Errorf("Keys = %v, want the network of hq among them", ks)
	}
	s := fleet.NewStates()
	s.Accounts["hq"], _ = m.Account("hq")
	before := statesJSON(t, s)
	_, err := m.Engine().Step(s, fleet.Input{Now: at(time.January, 10, 9, 0), Command: cmd})
	var miss *fleet.MissingError
	if !errors.As(err, &miss) || miss.Key != fleet.NetworkKey("hq") || !errors.Is(err, fleet.ErrMissing) {
		t.Fatalf("Step without the network: %v, want a MissingError for network:hq", err)
	}
	if statesJSON(t, s) != before {
		t.Fatal("the refused step changed its states")
	}
}

// TestIdentity: LIFE-06: a user's network identity is created with the
// account they own or are added to, survives the deletion of every
// account, and is deleted only at the user's own request, which needs no
// role in any account; the service, or another user, cannot ask it.
func TestIdentity(t *testing.T) {
	m := fleet.NewMemory(fleet.Default())
	t0 := at(time.March, 2, 9, 0)
	must(t, m, t0, fleet.NewAccount{ID: "acme", Owner: "ada", DomainZone: "eu", Location: berlin})
	if i := m.States().Identities["ada"]; !i.Live() || !i.Since.Equal(t0) {
		t.Fatalf("ada's identity after creating acme: %+v", i)
	}
	must(t, m, t0.Add(time.Hour), fleet.OnAccount{Account: "acme", Cmd: lifecycle.AddUser{By: ada, User: "bob", Role: tenancy.RoleEmployee}})
	must(t, m, t0.Add(2*time.Hour), fleet.NewAccount{ID: "bolt", Owner: "ada", DomainZone: "eu"})
	if i := m.States().Identities["ada"]; !i.Since.Equal(t0) {
		t.Fatalf("a second account re-created ada's identity: %+v", i)
	}
	if i := m.States().Identities["bob"]; !i.Live() || !i.Since.Equal(t0.Add(time.Hour)) {
		t.Fatalf("bob's identity after joining acme: %+v", i)
	}
	del := t0.Add(3 * time.Hour)
	for _, id := range []tenancy.AccountID{"acme", "bolt"} {
		r := must(t, m, del, fleet.OnAccount{Account: id, Cmd: lifecycle.Delete{By: tenancy.Service(), Confirm: id}})
		if !slices.ContainsFunc(r.Effects, func(e fleet.Effect) bool { return e.Kind == "life.purge" }) {
			t.Fatalf("deleting %s: %v", id, r.Effects)
		}
	}
	for _, u := range []tenancy.UserID{"ada", "bob"} {
		if i := m.States().Identities[u]; !i.Live() {
			t.Fatalf("%s's identity did not survive the deletion of every account: %+v", u, i)
		}
	}
	forget := del.Add(time.Hour)
	for _, by := range []tenancy.Actor{tenancy.Service(), {User: "ada"}, tenancy.Admin("ada")} {
		before := jsonOf(t, m)
		_, err := m.Do(forget, fleet.ForgetIdentity{User: "bob", By: by}, "")
		if tenancy.RuleOf(err) != "LIFE-06" || !errors.Is(err, tenancy.ErrUnauthorized) {
			t.Errorf("%v asks to forget bob: %v, want LIFE-06 unauthorized", by, err)
		}
		if jsonOf(t, m) != before {
			t.Errorf("%v: the refusal changed the store", by)
		}
	}
	r := must(t, m, forget, fleet.ForgetIdentity{User: "bob", By: tenancy.Actor{User: "bob"}})
	if len(r.Effects) != 1 || r.Effects[0].Kind != "life.forget-identity" || r.Effects[0].Rule != "LIFE-06" ||
		r.Effects[0].User != "bob" || !r.Effects[0].At.Equal(forget) || r.Effects[0].Class != fleet.Action {
		t.Fatalf("bob forgets himself: %v", r.Effects)
	}
	if i := m.States().Identities["bob"]; i.Live() || !i.Forgotten.Equal(forget) {
		t.Fatalf("bob's identity after forgetting: %+v", i)
	}
	if i := m.States().Identities["ada"]; !i.Live() {
		t.Fatalf("forgetting bob forgot ada: %+v", i)
	}
	if _, err := m.Do(forget.Add(time.Hour), fleet.ForgetIdentity{User: "bob", By: tenancy.Actor{User: "bob"}}, ""); tenancy.RuleOf(err) != "LIFE-06" || !errors.Is(err, tenancy.ErrNotFound) {
		t.Fatalf("forgetting bob twice: %v, want LIFE-06 not found", err)
	}
}

// TestOneNetwork: NET-04: an account connected to one network cannot be
// connected to another until it is disconnected; the refusal changes
// nothing.
func TestOneNetwork(t *testing.T) {
	m := branchWorld(t, false)
	now := at(time.January, 5, 9, 0)
	must(t, m, now, fleet.NewAccount{ID: "hq2", Owner: "ada", DomainZone: "eu"})
	must(t, m, now, fleet.OnAccount{Account: "hq2", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}})
	must(t, m, now, fleet.CreateNetwork{Head: "hq2", By: ada})
	before, logLen := jsonOf(t, m), len(m.Log)
	_, err := m.Do(now, fleet.Connect{Head: "hq2", Branch: "lyon", By: ada}, "")
	if tenancy.RuleOf(err) != "NET-04" || !errors.Is(err, network.ErrInNetwork) {
		t.Fatalf("connecting lyon to a second network: %v, want NET-04", err)
	}
	if jsonOf(t, m) != before || len(m.Log) != logLen {
		t.Fatal("the refused connect changed the store")
	}
	must(t, m, now, fleet.Disconnect{Head: "hq", Branch: "lyon", By: ada})
	must(t, m, now, fleet.Connect{Head: "hq2", Branch: "lyon", By: ada})
	if a, _ := m.Account("lyon"); a.Network != "hq2" {
		t.Fatalf("lyon records %q after moving", a.Network)
	}
}

// TestPreview: a preview shows the effects the command would have and
// changes nothing; the step that follows has the same effects.
func TestPreview(t *testing.T) {
	m := branchWorld(t, false)
	now := at(time.January, 5, 9, 0)
	must(t, m, now, fleet.NewAccount{ID: "rome", Owner: "ada", DomainZone: "eu", Location: berlin})
	cmd := fleet.Connect{Head: "hq", Branch: "rome", By: ada}
	before := jsonOf(t, m)
	p, err := m.Engine().Preview(m.States(), fleet.Input{Now: now, Command: cmd})
	if err != nil {
		t.Fatal(err)
	}
	if jsonOf(t, m) != before {
		t.Fatal("Preview changed the states")
	}
	kinds := func(effs []fleet.Effect) []string {
		var out []string
		for _, e := range effs {
			out = append(out, e.Kind)
		}
		return out
	}
	// NET-06: free rome gets the branch trial; NET-13: its administrator
	// is told.
	if want := []string{"net.connected", "net.start-trial", "net.notify", "life.joined-network", "plan.trial-started"}; !sameSet(kinds(p.Effects), want) {
		t.Fatalf("preview effects %v, want %v", kinds(p.Effects), want)
	}
	r := must(t, m, now, cmd)
	if !slices.Equal(ids(r.Effects), ids(p.Effects)) {
		t.Fatalf("step effects %v, preview %v", ids(r.Effects), ids(p.Effects))
	}
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// TestRefusedStepUndone: a refused step leaves its states exactly as they
// were, although it had advanced its accounts and delivered its inbox
// before the command was refused.
func TestRefusedStepUndone(t *testing.T) {
	m := branchWorld(t, false)
	drop := at(time.February, 4, 10, 0)
	lyon := fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Login{User: "mallory"}}
	s := cloneStates(m.States())
	before := statesJSON(t, s)
	// The step advances lyon past its drop to free, which its network, in
	// the step, hears of (NET-07); then the login of a stranger is refused.
	_, err := m.Engine().Step(s, fleet.Input{Now: drop.Add(time.Hour), Command: lyon})
	if err == nil || tenancy.RuleOf(err) == "" {
		t.Fatalf("a stranger's login: %v, want a refusal by rule", err)
	}
	if statesJSON(t, s) != before {
		t.Fatalf("refused step changed its states:\n%s\n%s", before, statesJSON(t, s))
	}
	// The same step with ada's login goes through, and changes the states
	// as the refused one would have: the refusal undid real work.
	lyon.Cmd = lifecycle.Login{User: "ada"}
	r, err := m.Engine().Step(s, fleet.Input{Now: drop.Add(time.Hour), Command: lyon})
	if err != nil || statesJSON(t, s) == before ||
		!slices.ContainsFunc(r.Effects, func(e fleet.Effect) bool { return e.Kind == "plan.rolled-back" }) ||
		!slices.ContainsFunc(r.Effects, func(e fleet.Effect) bool { return e.Kind == "net.incompatible" }) {
		t.Fatalf("ada's login: %v, %v", err, r.Effects)
	}

	// A step that delivered its inbox before its command was refused
	// undoes the delivery too.
	d := branchWorld(t, true)
	must(t, d, drop, fleet.Advance{Key: fleet.AccountKey("lyon")})
	inbox := d.Pending()
	s = cloneStates(d.States())
	before = statesJSON(t, s)
	_, err = d.Engine().Step(s, fleet.Input{Now: drop.Add(time.Hour), Command: fleet.Disconnect{Head: "hq", Branch: "lyon", By: tenancy.Admin("mallory")}, Inbox: inbox})
	if tenancy.RuleOf(err) != "NET-13" || statesJSON(t, s) != before {
		t.Fatalf("refused disconnect after delivering its inbox: %v; changed %v", err, statesJSON(t, s) != before)
	}
	r, err = d.Engine().Step(s, fleet.Input{Now: drop.Add(time.Hour), Command: fleet.Advance{Key: fleet.NetworkKey("hq")}, Inbox: inbox})
	if err != nil || statesJSON(t, s) == before || !slices.ContainsFunc(r.Effects, func(e fleet.Effect) bool { return e.Kind == "net.incompatible" }) {
		t.Fatalf("delivering the inbox: %v, %v", err, r.Effects)
	}
}
