package tenancytest

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
	"github.com/tenancykit/tenancy/scenario"
)

// setup is the world command of a configuration, checked once.
type setup struct {
	line  string
	input []string
	plans []plan.PlanID // the catalog's plans
	paid  []plan.PlanID // its paid plans
	top   plan.PlanID   // its highest tier, the one a head needs
	warn  []int         // the warning days
}

// world writes c as a world command and runs it once, to report a
// configuration the library refuses, or one the command does not set up
// exactly, before any scenario runs.
func world(c Config) (setup, error) {
	sc := scenario.Setup{Zone: c.Zone, Catalog: c.Catalog, Plans: c.Plans, Lives: c.Lives, Networks: c.Networks}
	line, input, err := sc.Block()
	if err != nil {
		return setup{}, fmt.Errorf("the configuration cannot be written as a scenario: %w", err)
	}
	s, err := scenario.NewSession()
	if err != nil {
		return setup{}, err
	}
	out, err := s.Do(line, input...)
	if err != nil {
		return setup{}, fmt.Errorf("the configuration cannot be set up: %w", err)
	}
	if refused(out) {
		return setup{}, fmt.Errorf("the library refuses the configuration: %s", strings.TrimPrefix(out[0], "refused "))
	}
	// The world the command set up must be the configuration itself.
	eng := s.Store().Engine()
	got := scenario.Setup{Zone: s.Zone(), Catalog: eng.Plans().Catalog(), Plans: eng.Plans().Policy(), Lives: eng.Lives().Policy(), Networks: eng.Networks().Policy()}
	gotLine, gotInput, err := got.Block()
	if err != nil || gotLine != line || !slices.Equal(gotInput, input) {
		return setup{}, fmt.Errorf("the scenario language cannot write this configuration exactly: it sets up %q", gotLine)
	}
	st := setup{line: line, input: input, warn: eng.Lives().Policy().WarningDays}
	for _, p := range eng.Plans().Catalog().Plans() {
		st.plans = append(st.plans, p.ID)
		if p.Kind.Paid() {
			st.paid = append(st.paid, p.ID)
			if k, _ := eng.Plans().Catalog().Kind(st.top); st.top == "" || p.Kind > k {
				st.top = p.ID
			}
		}
	}
	return st, nil
}

// spec is one account of a scenario and its owner.
type spec struct {
	id    tenancy.AccountID
	owner tenancy.UserID
}

var (
	specs  = []spec{{"hq", "ada"}, {"lyon", "ada"}, {"rome", "bob"}, {"solo", "cy"}}
	people = []tenancy.UserID{"ada", "bob", "cy", "dee"}
	// start is nine days before Europe's clocks go forward.
	start = time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
)

// headKinds are the plan events that change a plan, the ones NET-10
// forbids on a head while a branch is connected.
var headKinds = map[string]bool{
	"plan.purchased": true, "plan.upgraded": true, "plan.change-scheduled": true,
	"plan.cancellation-scheduled": true, "plan.cancelled-now": true,
}

// run is one random scenario and what the checks know of its history.
type run struct {
	rt    *rapid.T
	set   setup
	s     *scenario.Session
	zone  *time.Location
	made  []spec // the accounts created so far
	extra func(r *run) error
	last  []string // the output of the last block
	// plan is each account's plan in effect, as its effects tell it.
	plan map[tenancy.AccountID]plan.PlanID
	// warned holds, by account and the deadline they announce, the days
	// the warnings about it came on.
	warned map[tenancy.AccountID]map[time.Time][]time.Time
	// deleteAt is the deletion an account's suspension announced.
	deleteAt map[tenancy.AccountID]time.Time
}

func newRun(rt *rapid.T, set setup) *run {
	return &run{rt: rt, set: set,
		plan: map[tenancy.AccountID]plan.PlanID{}, warned: map[tenancy.AccountID]map[time.Time][]time.Time{},
		deleteAt: map[tenancy.AccountID]time.Time{}}
}

// play runs the scenario: the world, two accounts, then random commands.
func (r *run) play() {
	s, err := scenario.NewSession()
	if err != nil {
		r.rt.Fatalf("tenancytest: %v", err)
	}
	r.s = s
	r.do(r.set.line, r.set.input...)
	r.zone = s.Zone()
	at := start.In(r.zone)
	at = time.Date(at.Year(), at.Month(), at.Day(), 9, 0, 0, 0, r.zone)
	r.create(specs[0], at)
	r.create(specs[1], at)
	if len(r.set.paid) > 0 && rapid.Bool().Draw(r.rt, "network") {
		// Half the scenarios start with a network of two, so that its
		// rules are reached as often as an account's.
		r.command(fmt.Sprintf("buy hq %s annual", r.set.top))
		r.command(fmt.Sprintf("buy lyon %s annual", rapid.SampledFrom(r.set.paid).Draw(r.rt, "branch-plan")))
		r.command("create-network hq")
		r.command("connect hq lyon")
	}
	for range rapid.IntRange(5, 60).Draw(r.rt, "commands") {
		r.step()
	}
}

// create opens an account, at a time when given.
func (r *run) create(sp spec, at time.Time) {
	line := fmt.Sprintf("account %s owner=%s", sp.id, sp.owner)
	if !at.IsZero() {
		line += " at=" + r.stamp(at)
	}
	r.command(line)
	r.made = append(r.made, sp)
}

// stamp writes t as a scenario writes times, in its zone.
func (r *run) stamp(t time.Time) string { return t.In(r.zone).Format("2006-01-02T15:04") }

// step moves the clock, perhaps, and runs one random command.
func (r *run) step() {
	rt := r.rt
	switch rapid.IntRange(0, 19).Draw(rt, "wait") {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9:
	case 10, 11, 12, 13, 14, 15:
		r.wait(rapid.IntRange(0, 3).Draw(rt, "days"))
	case 16, 17, 18:
		r.wait(rapid.IntRange(4, 40).Draw(rt, "days"))
	default:
		r.wait(rapid.IntRange(41, 400).Draw(rt, "days"))
	}
	r.command(r.draw())
}

// wait advances the clock to a working hour some days later: whole
// hours between 08:00 and 20:00, which no change of offset skips or
// repeats.
func (r *run) wait(days int) {
	now := r.s.Now().In(r.zone)
	h := rapid.IntRange(8, 20).Draw(r.rt, "hour")
	t := time.Date(now.Year(), now.Month(), now.Day()+days, h, 0, 0, 0, r.zone)
	if !t.After(now) {
		return
	}
	r.observe(nil, "advance "+r.stamp(t), r.do("advance "+r.stamp(t)))
}

// do runs a line of the scenario; a line the replay cannot run is the
// kit's fault or the library's, and fails the scenario.
func (r *run) do(line string, input ...string) []string {
	out, err := r.s.Do(line, input...)
	if err != nil {
		r.fail("", "the replay cannot run %q: %v", line, err)
	}
	return out
}

// command runs one command and checks what it did.
func (r *run) command(line string) {
	before := r.snapshot()
	pre := r.pre(line)
	out := r.do(line)
	if refused(out) {
		// Refusals change nothing.
		if after := r.snapshot(); after != before {
			r.fail("", "a refused command changed the states:\n%s", diff(before, after))
		}
	}
	r.observe(pre, line, out)
}

// refused reports whether out is a refusal's output.
func refused(out []string) bool { return len(out) > 0 && strings.HasPrefix(out[0], "refused ") }

// fail stops the scenario with the transcript so far as a scenario file.
func (r *run) fail(rule tenancy.RuleID, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if rule != "" {
		msg = string(rule) + ": " + msg
	}
	r.rt.Fatalf("tenancytest: %s\n\nThe scenario that breaks it (save it and replay it with scenario.Run, or go run ./examples/scenario FILE):\n\n%s",
		msg, r.s.Transcript("tenancytest: "+msg, "the last command is the one that broke the invariant"))
}

// snapshot writes every state of the store, to compare.
func (r *run) snapshot() string {
	st := r.s.Store().States()
	var b strings.Builder
	enc := func(k string, v any) {
		j, err := json.Marshal(v)
		if err != nil {
			r.fail("", "encoding %s: %v", k, err)
		}
		fmt.Fprintf(&b, "%s %s\n", k, j)
	}
	for _, id := range slices.Sorted(maps.Keys(st.Accounts)) {
		enc("account "+string(id), st.Accounts[id])
	}
	for _, id := range slices.Sorted(maps.Keys(st.Networks)) {
		enc("network "+string(id), st.Networks[id])
	}
	for _, id := range slices.Sorted(maps.Keys(st.Identities)) {
		enc("identity "+string(id), st.Identities[id])
	}
	return b.String()
}

// diff returns the lines of b that are not in a, and those of a not in b.
func diff(a, b string) string {
	as, bs := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for _, l := range as {
		if !slices.Contains(bs, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range bs {
		if !slices.Contains(as, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// pre is what a command's checks need from before it ran.
type pre struct {
	acc tenancy.AccountID
	// quote is the refund a cancellation at once should give (PLAN-06).
	quote *plan.RefundQuote
	// locked says the account heads a network with connected branches
	// (NET-10).
	locked bool
	// deletes says the command is a deletion on request (LIFE-07).
	deletes bool
}

// pre reads, before line runs, what its checks will compare against.
func (r *run) pre(line string) *pre {
	f := strings.Fields(line)
	if len(f) < 2 {
		return &pre{}
	}
	p := &pre{acc: tenancy.AccountID(f[1]), deletes: f[0] == "delete"}
	st := r.s.Store().States()
	if n, ok := st.Networks[p.acc]; ok && n.Status() != network.Dissolved && n.Active() > 0 {
		p.locked = true
	}
	if f[0] == "cancel" && slices.Contains(f, "now") {
		if acc, ok := st.Accounts[p.acc]; ok && acc.Sub.Status == plan.StatusActive {
			q, err := r.s.Store().Engine().Plans().QuoteRefund(acc.Sub, r.s.Now())
			if err != nil {
				r.fail("PLAN-06", "no refund quote for active %s: %v", p.acc, err)
			}
			p.quote = &q
		}
	}
	return p
}

// observe checks the effects of a block and the states after it.
func (r *run) observe(p *pre, line string, out []string) {
	r.last = out
	eng := r.s.Store().Engine()
	refunded := decimal.Zero
	for _, e := range r.s.Effects() {
		switch e.Kind {
		case "life.warn-suspension", "life.warn-deletion":
			if r.warned[e.Account] == nil {
				r.warned[e.Account] = map[time.Time][]time.Time{}
			}
			r.warned[e.Account][e.Deadline] = append(r.warned[e.Account][e.Deadline], e.At)
		case "life.suspend":
			r.warnedAll(e, "suspension")
			r.unpaid(e, "suspended")
			r.deleteAt[e.Account] = e.Deadline
		case "life.purge":
			switch {
			case e.Rule == "LIFE-07" && p != nil && p.deletes && p.acc == e.Account:
				// Deleted on request.
			case e.Rule == "LIFE-05" && r.deleteAt[e.Account].Equal(e.At):
				r.warnedAll(e, "deletion")
				r.unpaid(e, "deleted")
			default:
				r.fail(e.Rule, "%s deleted at %s by %q, neither on request nor on the date its suspension announced (%s)",
					e.Account, r.stamp(e.At), line, r.stampOr(r.deleteAt[e.Account]))
			}
		case "plan.refunded":
			if p != nil && e.Account == p.acc {
				refunded = refunded.Add(e.Amount)
			}
		}
		if strings.HasPrefix(e.Kind, "plan.") && e.Kind != "plan.change-scheduled" && e.Plan != "" {
			r.plan[e.Account] = e.Plan
		}
		if p != nil && p.locked && e.Account == p.acc && headKinds[e.Kind] {
			r.fail("NET-10", "the plan of head %s changed (%s) while branches were connected", e.Account, e.Kind)
		}
	}
	if p != nil && p.quote != nil {
		q := p.quote
		if !q.Refund.Add(q.Retained).Equal(q.Paid) || q.Refund.IsNegative() || q.Refund.GreaterThan(q.Paid) {
			r.fail("PLAN-07", "%s: refund %s + retained %s is not paid %s, or the refund is outside 0 to paid", p.acc, q.Refund, q.Retained, q.Paid)
		}
		if want := q.Refund.Add(q.Renewal); !refused(out) && !refunded.Equal(want) {
			r.fail("PLAN-06", "%s: cancelled at once, refunded %s; the quote said %s (%s for the period, %s for a renewal bought early)",
				p.acc, refunded, want, q.Refund, q.Renewal)
		}
	}
	r.checkStates(eng)
	if r.extra != nil {
		if err := r.extra(r); err != nil {
			r.fail("", "%v", err)
		}
	}
}

func (r *run) stampOr(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return r.stamp(t)
}

// warnedAll checks LIFE-02: every warning the policy promises about the
// suspension or deletion e came before it, each on its day, once.
func (r *run) warnedAll(e fleet.Effect, what string) {
	got := r.warned[e.Account][e.At]
	var want []time.Time
	for _, d := range r.set.warn {
		want = append(want, e.At.In(r.zone).AddDate(0, 0, -d))
	}
	slices.SortFunc(got, time.Time.Compare)
	slices.SortFunc(want, time.Time.Compare)
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		var g, w []string
		for _, t := range got {
			g = append(g, r.stamp(t))
		}
		for _, t := range want {
			w = append(w, r.stamp(t))
		}
		r.fail("LIFE-02", "%s %s at %s after warnings on [%s], want [%s]", e.Account, what, r.stamp(e.At), strings.Join(g, " "), strings.Join(w, " "))
	}
}

// unpaid checks LIFE-03: the account suspended or deleted for inactivity
// is on no paid plan.
func (r *run) unpaid(e fleet.Effect, what string) {
	id := r.plan[e.Account]
	if id == "" {
		return // on the plan it was created on: the free one
	}
	if k, ok := r.s.Store().Engine().Plans().Catalog().Kind(id); ok && k.Paid() {
		r.fail("LIFE-03", "%s %s for inactivity at %s on the paid plan %s", e.Account, what, r.stamp(e.At), id)
	}
}

// checkStates checks the states after a block: every account valid,
// every network consistent with its members, every account in at most
// one network (NET-04), none deleted and still in one (LIFE-05).
func (r *run) checkStates(eng *fleet.Engine) {
	st := r.s.Store().States()
	accs := slices.Collect(maps.Values(st.Accounts))
	slices.SortFunc(accs, func(a, b lifecycle.Account) int { return strings.Compare(string(a.ID), string(b.ID)) })
	listed := map[tenancy.AccountID]tenancy.AccountID{}
	for _, head := range slices.Sorted(maps.Keys(st.Networks)) {
		n := st.Networks[head]
		if probs := eng.Check(n, accs); len(probs) > 0 {
			r.fail(probs[0].Rule, "network %s: %v", head, probs)
		}
		if n.Status() == network.Dissolved {
			continue
		}
		for _, b := range n.Branches() {
			if other, ok := listed[b.Account]; ok {
				r.fail("NET-04", "%s is listed by the networks of %s and %s", b.Account, other, head)
			}
			listed[b.Account] = head
		}
		if other, ok := listed[head]; ok {
			r.fail("NET-04", "head %s is a branch of %s", head, other)
		}
		listed[head] = head
	}
	for _, a := range accs {
		if err := eng.Lives().Check(a); err != nil {
			r.fail("", "account %s: %v", a.ID, err)
		}
		if a.Stage == lifecycle.StageDeleted {
			if a.Network != "" || (listed[a.ID] != "" && listed[a.ID] != a.ID) {
				r.fail("LIFE-05", "deleted %s is still in the network of %s", a.ID, a.Network)
			}
			continue
		}
		if a.Network != "" && listed[a.ID] != a.Network {
			r.fail("NET-04", "%s records the network of %s, but is listed by %q", a.ID, a.Network, listed[a.ID])
		}
	}
}

// causes are the block causes the scenarios set and lift (LIFE-08).
var causes = []string{"fraud", "unpaid-invoice"}

// draw returns a random command line on the accounts created so far.
func (r *run) draw() string {
	rt := r.rt
	if len(r.made) < len(specs) && rapid.IntRange(0, 9).Draw(rt, "open") == 0 {
		sp := specs[len(r.made)]
		r.made = append(r.made, sp)
		return fmt.Sprintf("account %s owner=%s", sp.id, sp.owner)
	}
	acc := rapid.SampledFrom(r.made).Draw(rt, "account")
	other := rapid.SampledFrom(r.made).Draw(rt, "other")
	by := ""
	switch rapid.IntRange(0, 5).Draw(rt, "actor") {
	case 0:
		by = " by=" + string(rapid.SampledFrom(people).Draw(rt, "user"))
	case 1:
		by = " by=service"
	}
	planID := rapid.SampledFrom(r.set.plans).Draw(rt, "plan")
	if len(r.set.paid) > 0 && rapid.IntRange(0, 3).Draw(rt, "paid") > 0 {
		planID = rapid.SampledFrom(r.set.paid).Draw(rt, "paid-plan")
	}
	period := rapid.SampledFrom([]string{"monthly", "annual", "annual"}).Draw(rt, "period")
	user := rapid.SampledFrom(people).Draw(rt, "member")
	cause := rapid.SampledFrom(causes).Draw(rt, "cause")
	id := acc.id
	switch rapid.IntRange(-3, 23).Draw(rt, "command") {
	case -3, -2, -1, 0, 1, 2:
		return fmt.Sprintf("login %s %s", id, rapid.SampledFrom([]tenancy.UserID{acc.owner, user}).Draw(rt, "who"))
	case 3:
		role := rapid.SampledFrom([]string{"employee", "administrator"}).Draw(rt, "role")
		return fmt.Sprintf("add-user %s %s role=%s%s", id, user, role, by)
	case 4:
		return fmt.Sprintf("dismiss-user %s %s%s", id, user, by)
	case 5:
		return fmt.Sprintf("restore %s%s", id, by)
	case 6:
		return fmt.Sprintf("delete %s confirm=%s%s", id, id, by)
	case 7:
		return fmt.Sprintf("block %s cause=%s", id, cause)
	case 8:
		return fmt.Sprintf("unblock %s cause=%s", id, cause)
	case 9:
		return fmt.Sprintf("trial %s%s", id, by)
	case 10, 11:
		return fmt.Sprintf("buy %s %s %s%s", id, planID, period, by)
	case 12:
		return fmt.Sprintf("change %s %s%s", id, planID, by)
	case 13:
		return fmt.Sprintf("cancel %s%s", id, by)
	case 14, 15:
		return fmt.Sprintf("cancel %s now%s", id, by)
	case 23:
		return fmt.Sprintf("undo %s%s", id, by)
	case 16:
		return fmt.Sprintf("auto-renew %s %s%s", id, rapid.SampledFrom([]string{"on", "off"}).Draw(rt, "renew"), by)
	case 17:
		return fmt.Sprintf("pay %s", id)
	case 18:
		return fmt.Sprintf("payment-failed %s", id)
	case 19:
		return fmt.Sprintf("create-network %s%s", id, by)
	}
	// A network command needs the network: without one, it is created.
	if n, ok := r.s.Store().Network(id); !ok || n.Status() == network.Dissolved {
		return fmt.Sprintf("create-network %s%s", id, by)
	}
	switch rapid.IntRange(20, 22).Draw(rt, "network-command") {
	case 20:
		return fmt.Sprintf("connect %s %s%s", id, other.id, by)
	case 21:
		return fmt.Sprintf("disconnect %s %s%s", id, other.id, by)
	default:
		return fmt.Sprintf("dissolve %s%s", id, by)
	}
}
