package fleet_test

import (
	"encoding/json"
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
		w := newWorld(rt, stats)
		w.setup(rt)
		steps := rapid.IntRange(15, 60).Draw(rt, "steps")
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

type world struct {
	rt       *rapid.T
	stats    map[string]int
	now      time.Time
	now0     *run // immediate
	later    *run // deferred
	requests []request
	nreq     int
}

func newWorld(rt *rapid.T, stats map[string]int) *world {
	mk := func(name string, deferred bool) *run {
		m := fleet.NewMemory(fleet.Default())
		m.Deferred = deferred
		return &run{name: name, m: m, seen: map[string]bool{}, results: map[string]result{}}
	}
	return &world{rt: rt, stats: stats, now: t0, now0: mk("immediate", false), later: mk("deferred", true)}
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
		if i == 0 || rapid.Bool().Draw(rt, "create "+string(s.id)) {
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
}

var stepKinds = []string{
	"plan", "plan", "plan", "plan", "plan", "plan", "enterprise", "enterprise",
	"login", "login", "login", "adduser", "delete", "new",
	"create", "create", "connect", "connect", "connect", "connect", "connect",
	"disconnect", "disconnect", "dissolve", "forget",
	"jump", "jump", "jump", "replay",
}

// step draws one step, runs it on both stores and checks them.
func (w *world) step(rt *rapid.T) {
	w.now = w.now.Add(time.Duration(rapid.IntRange(0, 3*24*60).Draw(rt, "minutes")) * time.Minute)
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
	case "plan", "enterprise":
		if kind == "enterprise" {
			acc = rapid.SampledFrom(specs[:2]).Draw(rt, "head")
			by = w.actor(rt, acc)
		}
		return fleet.OnAccount{Account: acc.id, Cmd: lifecycle.Plan{Cmd: w.planCmd(rt, kind, acc.id, by)}}
	case "login":
		u := rapid.SampledFrom(append(people, acc.owner, acc.owner)).Draw(rt, "user")
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
		branch := rapid.SampledFrom(specs).Draw(rt, "branch").id
		return fleet.Connect{Head: head, Branch: branch, By: w.adminOf(rt, head)}
	case "disconnect":
		head := rapid.SampledFrom(heads).Draw(rt, "network head")
		return fleet.Disconnect{Head: head, Branch: acc.id, By: w.adminOf(rt, head)}
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
	switch rapid.SampledFrom([]string{"purchase", "purchase", "purchase", "change", "change", "cancel", "cancel now",
		"trial", "pay", "pay", "auto-renew off", "auto-renew on"}).Draw(rt, "plan command") {
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
		if a, ok := w.now0.m.Account(id); ok && !a.Sub.Due.IsZero() {
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
	r0, err0 := w.now0.do(w, rt, cmd, req)
	r1, err1 := w.later.do(w, rt, cmd, req)
	_, _ = r0, r1
	// Delivery is transparent: a network applies a standing as of its own
	// instant and every step delivers its states' inboxes first, so the
	// same command is refused by the same rule, or succeeds, in both runs
	// (NET-07 to NET-09).
	if (err0 == nil) != (err1 == nil) || tenancy.RuleOf(err0) != tenancy.RuleOf(err1) {
		rt.Fatalf("%T%+v: immediate %v, deferred %v", cmd, cmd, err0, err1)
	}
	if err0 != nil {
		w.stats[fmt.Sprintf("refused %s %T", tenancy.RuleOf(err0), cmd)]++
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
		if len(ready.Effects) != 0 || len(r.m.Log) != logLen || snapshot(rt, r.m) != before {
			rt.Fatalf("%s: replay of %s changed the store", r.name, req)
		}
		return ready, err
	}
	if ready.Replayed {
		rt.Fatalf("%s: %s replayed at first run", r.name, req)
	}
	if req != "" {
		r.results[req] = result{outcome: ready.Outcome, rule: tenancy.RuleOf(err), refused: err != nil}
	}
	if err != nil {
		// A refusal changes nothing and produces no effect: Step leaves its
		// states as they were, and the store writes nothing back.
		if len(ready.Effects) != 0 || len(r.m.Log) != logLen {
			rt.Fatalf("%s: %T%+v refused (%v) with effects %v", r.name, cmd, cmd, err, ready.Effects)
		}
		if after := snapshot(rt, r.m); after != before {
			rt.Fatalf("%s: %T%+v refused (%v) but changed the store:\nbefore:\n%s\nafter:\n%s", r.name, cmd, cmd, err, before, after)
		}
		if !ready.Outcome.Refused() || tenancy.RuleOf(ready.Outcome.Err()) != tenancy.RuleOf(err) {
			rt.Fatalf("%s: the outcome of a refusal %v is %+v", r.name, err, ready.Outcome)
		}
		return ready, err
	}
	if !slices.Equal(ready.Outcome.Effects, ids(ready.Effects)) {
		rt.Fatalf("%s: outcome effects %v, step effects %v", r.name, ready.Outcome.Effects, ids(ready.Effects))
	}
	r.produced = append(r.produced, ready.Messages...)
	r.after(w, rt, logLen, locked)
	return ready, nil
}

func ids(effs []fleet.Effect) []string {
	out := make([]string, len(effs))
	for i, e := range effs {
		out[i] = e.ID
	}
	return out
}

// lockedHeads returns, for every network that lists a connected or trial
// branch, whether its head (advanced to now) is on an active Enterprise
// plan: the heads whose plan NET-10 locks.
func (r *run) lockedHeads(now time.Time) map[tenancy.AccountID]bool {
	out := map[tenancy.AccountID]bool{}
	e := r.m.Engine()
	for head, n := range r.m.States().Networks {
		if n.Status() == network.Dissolved || n.Active() == 0 {
			continue
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
		if r.seen[e.ID] {
			rt.Fatalf("%s: effect ID %s twice", r.name, e.ID)
		}
		r.seen[e.ID] = true
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
	r.checkNetworks(rt)
}

// checkNetworks checks every network against its members; every message
// must have been delivered.
func (r *run) checkNetworks(rt *rapid.T) {
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
		// NET-04: the one network an account records is the one that
		// lists it (or that it heads).
		if a.Stage == lifecycle.StageDeleted || a.Network == "" {
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
	if a, b := enc(w.now0.m), enc(w.later.m); a != b {
		rt.Fatalf("accounts differ:\nimmediate %s\ndeferred  %s", a, b)
	}
}

// jump moves the clock forward and sweeps both stores: in many small
// steps or in one big one.
func (w *world) jump(rt *rapid.T) {
	span := time.Duration(rapid.IntRange(1, 24*120).Draw(rt, "jump hours")) * time.Hour
	if rapid.IntRange(0, 5).Draw(rt, "long jump") == 0 {
		span += 365 * 24 * time.Hour
	}
	parts := 1
	if rapid.Bool().Draw(rt, "small steps") {
		parts = rapid.IntRange(2, 40).Draw(rt, "sweeps")
	}
	start := w.now
	for i := 1; i <= parts; i++ {
		w.now = start.Add(span * time.Duration(i) / time.Duration(parts))
		w.sweep(rt, w.now0)
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
	r := w.later
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
	r := w.later
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
	_, err0 := w.now0.do(w, rt, q.cmd, q.id)
	_, err1 := w.later.do(w, rt, q.cmd, q.id)
	if tenancy.RuleOf(err0) != tenancy.RuleOf(err1) || (err0 == nil) != (err1 == nil) {
		rt.Fatalf("replay of %s: immediate %v, deferred %v", q.id, err0, err1)
	}
	w.stats["replayed"]++
}

// finish flushes the deferred store and compares the two runs.
func (w *world) finish(rt *rapid.T) {
	r := w.later
	logLen := len(r.m.Log)
	if _, err := r.m.Flush(w.now); err != nil {
		rt.Fatalf("flush: %v", err)
	}
	r.after(w, rt, logLen, nil)
	if p := r.m.Pending(); len(p) != 0 {
		rt.Fatalf("after Flush, messages wait: %v", p)
	}
	w.now0.checkNetworks(rt)
	r.checkNetworks(rt)
	// Both stores end with the same states and the same effects: where a
	// standing is delivered, and when, changes nothing (fleet.Message).
	if a, b := snapshot(rt, w.now0.m), snapshot(rt, r.m); a != b {
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
	if a, b := byID(w.now0.m), byID(r.m); !slices.Equal(a, b) {
		rt.Fatalf("effects differ:\nimmediate:\n%s\ndeferred:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	w.stats[fmt.Sprintf("run ended with %d networks", len(w.now0.m.States().Networks))]++
}
