// Command branchnetwork walks a branch network through the NET rules and
// prints a dated timeline in which every line names the rule behind it,
// with the branch-network widget as the accounts see it at each step.
//
// hq, on Enterprise, creates a network. Branches in its domain zone join:
// a commercial one, a free one on the 15-day branch trial, an Enterprise
// one that becomes a branch like any other; one in another zone and one
// already in a network are refused. The head cannot change its plan while
// branches are connected. A branch moves to another head by disconnecting
// and connecting: there is no transfer. The trial ends, the branch is
// listed in red, blocked 15 days later and returns when it buys a plan.
// Finally the head does not pay: after its grace the network is disabled
// and the widget hidden at every branch, the head is blocked, and
// Enterprise again resumes everything.
//
// The clock is a mock set to fixed dates, so the output is the same on every
// run. The service's loop, until, fires every deadline of the accounts and
// of the networks in time order: Advance each network, Advance each account,
// then Observe each member, and Carry every network effect to the account it
// is addressed to, as package network documents.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	bclock "github.com/benbjohnson/clock"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "branchnetwork:", err)
		os.Exit(1)
	}
}

// story holds the accounts, the networks (by head) and the clock. The first
// error stops the story.
type story struct {
	lives *lifecycle.Engine
	nets  *network.Engine
	clk   *bclock.Mock
	loc   *time.Location
	w     io.Writer
	accs  map[tenancy.AccountID]lifecycle.Account
	netOf map[tenancy.AccountID]*network.Network
	err   error
	quiet bool // print nothing
}

func run(w io.Writer) error {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return err
	}
	plans, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		return err
	}
	lives, err := lifecycle.NewEngine(plans, lifecycle.DefaultPolicy())
	if err != nil {
		return err
	}
	nets, err := network.NewEngine(lives, network.DefaultPolicy())
	if err != nil {
		return err
	}
	mock := bclock.NewMock()
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, berlin) }
	mock.Set(day(time.March, 2))
	st := &story{lives: lives, nets: nets, clk: mock, loc: berlin, w: w,
		accs: map[tenancy.AccountID]lifecycle.Account{}, netOf: map[tenancy.AccountID]*network.Network{}}

	fmt.Fprintln(w, "== hq creates a network; branches connect")
	// hq pays Enterprise month by month; the branches pay a year ahead.
	st.open("hq", "ada", "eu", plan.Enterprise, plan.Monthly)
	st.addUser("hq", "acc", tenancy.RoleEmployee) // the accountant
	st.open("berlin", "bea", "eu", plan.Professional, plan.Annual, "ada")
	st.open("lyon", "cal", "eu", "", 0, "ada")
	st.open("madrid", "dan", "eu", plan.Enterprise, plan.Annual, "ada")
	st.open("porto", "pia", "eu", plan.Basic, plan.Annual)
	st.open("tokyo", "kei", "jp", plan.Standard, plan.Annual, "ada")
	st.open("nord", "olaf", "eu", plan.Enterprise, plan.Annual, "dan")
	st.open("oslo", "ola", "eu", plan.Basic, plan.Annual, "olaf", "ada")
	st.say("PLAN-05", "hq is on enterprise, paid month by month: this period runs until %s", st.date(st.accs["hq"].Sub.End))
	st.create("hq", "ada")
	st.quiet = true // another network, set up off the record
	st.create("nord", "olaf")
	st.connect("nord", "oslo", "olaf")
	st.quiet = false
	st.say("NET-01", "nord, on enterprise too, heads a network of its own, with oslo as its branch")
	st.widget("NET-01", "hq")
	st.connect("hq", "berlin", "ada")
	st.refuse("NET-13", "pia, administrator of porto but not of hq, connects porto", func() error {
		_, err := st.nets.Connect(st.netOf["hq"], st.accs["hq"], st.accs["porto"], "pia", st.clk.Now())
		return err
	})

	st.until(day(time.March, 5))
	st.connect("hq", "lyon", "ada")
	st.connect("hq", "madrid", "ada")
	st.say("NET-05", "madrid is on enterprise yet joins as a branch: hq stays the network's only head")
	st.refuse("NET-03", "ada connects tokyo, in zone jp", func() error {
		_, err := st.nets.Connect(st.netOf["hq"], st.accs["hq"], st.accs["tokyo"], "ada", st.clk.Now())
		return err
	})
	st.refuse("NET-04", "ada connects oslo", func() error {
		_, err := st.nets.Connect(st.netOf["hq"], st.accs["hq"], st.accs["oslo"], "ada", st.clk.Now())
		return err
	})
	st.widget("NET-06", "hq")

	fmt.Fprintln(w, "\n== the head's plan, who sees what, disconnecting, moving, capping")
	st.until(day(time.March, 6))
	st.refuse("NET-10", "ada moves hq to professional", func() error {
		_, _, _, err := st.nets.ApplyPlan(st.netOf["hq"], st.accs["hq"], st.clk.Now(),
			plan.ChangePlan{By: tenancy.Admin("ada"), Plan: plan.Professional, Period: plan.Monthly})
		return err
	})
	st.visible("ada", "ada", "exactly the accounts whose structure includes her")
	st.visible("acc", "acc (an employee of hq)", "working at the head grants nothing at the branches")
	st.visible("bea", "bea (berlin's owner)", "her own account, never the others in the network")

	st.until(day(time.March, 9))
	st.refuse("NET-13", "bea, berlin's administrator, disconnects berlin", func() error {
		_, err := st.nets.Disconnect(st.netOf["hq"], st.accs["hq"], "berlin", "bea", st.clk.Now())
		return err
	})
	st.disconnect("hq", "madrid", "ada")
	st.connect("nord", "madrid", "dan")
	st.say("NET-11", "madrid moved from hq to nord by a disconnection and a new connection: there is no transfer")

	st.until(day(time.March, 10))
	st.addUser("porto", "ada", tenancy.RoleAdministrator)
	capped := network.DefaultPolicy()
	capped.MaxBranches = 2
	cnets, err := network.NewEngine(lives, capped)
	if err != nil {
		return err
	}
	st.refuse("NET-14", "under a policy of at most 2 branches, ada connects porto as a third", func() error {
		_, err := cnets.Connect(st.netOf["hq"], st.accs["hq"], st.accs["porto"], "ada", st.clk.Now())
		return err
	})
	st.connect("hq", "porto", "ada")
	st.say("NET-14", "hq lists %d branches: the default policy sets no cap", st.netOf["hq"].Len())

	fmt.Fprintln(w, "\n== lyon's trial ends; the compatibility check")
	st.until(day(time.March, 21))
	st.widget("NET-07", "hq")
	st.until(day(time.April, 6))
	if st.err == nil && st.accs["lyon"].Usable() != nil {
		st.say("LIFE-08", "lyon is blocked: nobody can use it until the cause is removed; its data is intact")
	}
	st.widget("NET-07", "hq")
	st.until(day(time.April, 7))
	st.plan("lyon", plan.Purchase{By: tenancy.Admin("cal"), Plan: plan.Basic, Period: plan.Annual})
	st.widget("NET-08", "hq")

	fmt.Fprintln(w, "\n== hq does not pay")
	st.until(day(time.April, 18))
	st.widget("NET-09", "hq")
	st.widget("NET-09", "berlin")
	st.until(day(time.May, 4))
	st.plan("hq", plan.Purchase{By: tenancy.Admin("ada"), Plan: plan.Enterprise, Period: plan.Annual})
	st.widget("NET-09", "berlin")
	return st.err
}

func (st *story) date(t time.Time) string { return t.In(st.loc).Format(time.DateOnly) }

// say prints one line of the timeline at the clock's date.
func (st *story) say(rule tenancy.RuleID, format string, args ...any) {
	st.sayAt(st.clk.Now(), rule, format, args...)
}

func (st *story) sayAt(at time.Time, rule tenancy.RuleID, format string, args ...any) {
	if st.err == nil && !st.quiet {
		fmt.Fprintf(st.w, "%s  %-7s  %s\n", st.date(at), rule, fmt.Sprintf(format, args...))
	}
}

// open creates an account in zone, with the extra administrators, on plan p
// bought for period (none: free). Setting up is not part of the story; it
// prints nothing.
func (st *story) open(id tenancy.AccountID, owner tenancy.UserID, zone string, p plan.PlanID, period plan.Period, admins ...tenancy.UserID) {
	if st.err != nil {
		return
	}
	now := st.clk.Now()
	a, err := st.lives.New(id, owner, zone, st.loc, now)
	for _, u := range admins {
		if err == nil {
			a, _, err = st.lives.Apply(a, now, lifecycle.AddUser{By: tenancy.Admin(owner), User: u, Role: tenancy.RoleAdministrator})
		}
	}
	if p != "" && err == nil {
		a, _, err = st.lives.Apply(a, now, lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin(owner), Plan: p, Period: period}})
	}
	st.accs[id], st.err = a, err
}

func (st *story) addUser(id tenancy.AccountID, u tenancy.UserID, role tenancy.Role) {
	if st.err != nil {
		return
	}
	a := st.accs[id]
	st.accs[id], _, st.err = st.lives.Apply(a, st.clk.Now(), lifecycle.AddUser{By: tenancy.Admin(a.Owner), User: u, Role: role})
}

func (st *story) create(head tenancy.AccountID, by tenancy.UserID) {
	if st.err != nil {
		return
	}
	n, effects, err := st.nets.Create(st.accs[head], by, st.clk.Now())
	if err != nil {
		st.err = err
		return
	}
	st.netOf[head] = n
	st.carry(effects)
}

func (st *story) connect(head, branch tenancy.AccountID, by tenancy.UserID) {
	if st.err != nil {
		return
	}
	effects, err := st.nets.Connect(st.netOf[head], st.accs[head], st.accs[branch], by, st.clk.Now())
	if err != nil {
		st.err = err
		return
	}
	st.carry(effects)
}

func (st *story) disconnect(head, branch tenancy.AccountID, by tenancy.UserID) {
	if st.err != nil {
		return
	}
	effects, err := st.nets.Disconnect(st.netOf[head], st.accs[head], branch, by, st.clk.Now())
	if err != nil {
		st.err = err
		return
	}
	st.carry(effects)
}

// plan runs a plan command on a member through the network engine, which
// enforces NET-10 and observes the result.
func (st *story) plan(id tenancy.AccountID, cmd plan.Command) {
	if st.err != nil {
		return
	}
	a := st.accs[id]
	a, effs, neffs, err := st.nets.ApplyPlan(st.netOf[a.Network], a, st.clk.Now(), cmd)
	if err != nil {
		st.err = err
		return
	}
	st.accs[id] = a
	st.printLife(effs)
	st.carry(neffs)
}

// refuse runs a command that the rule must refuse, and prints the refusal.
// Any other outcome stops the story.
func (st *story) refuse(rule tenancy.RuleID, what string, cmd func() error) {
	if st.err != nil {
		return
	}
	err := cmd()
	var re *tenancy.RuleError
	if !errors.As(err, &re) || re.Rule != rule {
		st.err = fmt.Errorf("%s: want a refusal by %s, got %v", what, rule, err)
		return
	}
	st.say(rule, "%s: refused: %s", what, re.Reason)
}

// until is the service's loop: it fires every deadline of the accounts and
// the networks up to t, in time order, and leaves the clock at t.
func (st *story) until(t time.Time) {
	for st.err == nil {
		next, ok := st.next()
		if !ok || next.After(t) {
			break
		}
		st.clk.Set(next)
		st.step(next)
	}
	st.clk.Set(t)
}

// next returns the earliest deadline of any account or network.
func (st *story) next() (time.Time, bool) {
	var next time.Time
	consider := func(d time.Time, ok bool) {
		if ok && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	for _, a := range st.accs {
		consider(a.NextDeadline())
	}
	for _, n := range st.netOf {
		consider(n.NextDeadline())
	}
	return next, !next.IsZero()
}

// step brings everything to now: the networks' own deadlines first (a
// network refuses to observe while one is due), then each account, then
// each member's standing in its network.
func (st *story) step(now time.Time) {
	for _, head := range sortedKeys(st.netOf) {
		effects, err := st.nets.Advance(st.netOf[head], now, nil)
		if err != nil {
			st.err = err
			return
		}
		st.carry(effects)
	}
	for _, id := range sortedKeys(st.accs) {
		a, effs, err := st.lives.Advance(st.accs[id], now, nil)
		if err != nil {
			st.err = err
			return
		}
		st.accs[id] = a
		st.printLife(effs)
		if n := st.netOf[a.Network]; n != nil && len(effs) > 0 {
			effects, err := st.nets.Observe(n, a, now)
			if err != nil {
				st.err = err
				return
			}
			st.carry(effects)
		}
	}
}

func sortedKeys[V any](m map[tenancy.AccountID]V) []tenancy.AccountID {
	keys := make([]tenancy.AccountID, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// carry prints every network effect and carries out on its account those
// addressed to one, as a service would.
func (st *story) carry(effects []network.Effect) {
	for _, e := range effects {
		if st.err != nil {
			return
		}
		a, ok := st.accs[e.Account]
		if !ok {
			st.err = fmt.Errorf("effect %s is for an unknown account", e.ID())
			return
		}
		a, _, err := st.nets.Carry(a, e, e.At)
		if err != nil {
			st.err = err
			return
		}
		st.accs[e.Account] = a
		st.sayAt(e.At, e.Rule, "%s", st.describe(e))
	}
}

// describe turns a network effect into a sentence for the timeline.
func (st *story) describe(e network.Effect) string {
	a := st.accs[e.Account]
	switch e.Kind {
	case network.EffectCreated:
		return fmt.Sprintf("%s creates a network headed by %s, on %s", e.To, e.Account, a.Sub.Plan)
	case network.EffectConnected:
		return fmt.Sprintf("%s connects %s (%s) to %s's network: %s administers both", e.To, e.Account, a.Sub.Plan, e.Network, e.To)
	case network.EffectStartTrial:
		return fmt.Sprintf("%s was free: it gets the %d-day branch trial, until %s", e.Account, e.Days, st.date(a.Sub.End))
	case network.EffectNotify:
		return fmt.Sprintf("e-mail to %s, administrator of %s: connected to %s's network", e.To, e.Account, e.Network)
	case network.EffectDisconnected:
		return fmt.Sprintf("%s disconnected from %s's network, from the head's widget", e.Account, e.Network)
	case network.EffectIncompatible:
		return fmt.Sprintf("%s is on free now: disconnected but listed, in red; blocked on %s unless it goes commercial", e.Account, st.date(e.Deadline))
	case network.EffectReconnected:
		return fmt.Sprintf("%s is commercial again: back in the connected list", e.Account)
	case network.EffectBlock:
		return fmt.Sprintf("the plan compatibility check blocks %s (%s)", e.Account, strings.SplitN(string(e.Cause), ": ", 3)[2])
	case network.EffectUnblock:
		return fmt.Sprintf("%s's block is lifted", e.Account)
	case network.EffectDisabled:
		return fmt.Sprintf("%s lapsed from enterprise: the network is disabled, the widget hidden at every branch; %s is blocked on %s unless on enterprise again",
			e.Account, e.Account, st.date(e.Deadline))
	case network.EffectResumed:
		return fmt.Sprintf("%s is on enterprise again: the network operates, the widget shows at every branch", e.Account)
	}
	return e.String()
}

// printLife prints the subscription events among an account's effects.
func (st *story) printLife(effs []lifecycle.Effect) {
	cur := st.lives.Plans().Catalog().Currency()
	for _, e := range effs {
		if e.Kind != lifecycle.EffectPlan {
			st.sayAt(e.At, e.Rule, "%s", e)
			continue
		}
		p := e.Plan
		switch p.Kind {
		case plan.EventTrialEnded:
			st.sayAt(e.At, e.Rule, "%s's trial ended without a purchase: it is on free", e.Account)
		case plan.EventPurchased:
			st.sayAt(e.At, e.Rule, "%s buys %s: charged %s, period until %s", e.Account, p.Plan, cur.Format(p.Amount), st.date(p.Until))
		case plan.EventGraceStarted:
			st.sayAt(e.At, e.Rule, "%s's period ended unpaid (%s due): %s kept in grace until %s, so the network still operates",
				e.Account, cur.Format(p.Amount), p.Plan, st.date(p.Until))
		case plan.EventGraceEnded:
			st.sayAt(e.At, e.Rule, "%s's grace ran out unpaid: it is on free", e.Account)
		case plan.EventLimitsReduced:
			// Nothing to restrict in this story (PLAN-08).
		default:
			st.sayAt(e.At, e.Rule, "%s", p)
		}
	}
}

// widget prints the branch-network widget as account viewer sees it.
func (st *story) widget(rule tenancy.RuleID, viewer tenancy.AccountID) {
	if st.err != nil {
		return
	}
	a := st.accs[viewer]
	n := st.netOf[a.Network]
	if n == nil {
		st.say(rule, "widget at %s: none, it is in no network", viewer)
		return
	}
	w := n.Widget(viewer)
	switch {
	case !w.Visible:
		st.say(rule, "widget at %s: hidden (%s's network is %s)", viewer, w.Network, w.Status)
	case viewer != w.Network:
		st.say(rule, "widget at %s: %s's network, %s; the branches are not listed to a branch", viewer, w.Network, w.Status)
	default:
		var parts []string
		for _, b := range w.Branches {
			s := fmt.Sprintf("%s %s", b.Account, b.Status)
			if b.Red {
				s += " in red"
				if b.Status == network.Incompatible {
					s += ", blocked on " + st.date(b.Deadline)
				}
			}
			parts = append(parts, s)
		}
		line := fmt.Sprintf("widget at %s: %s", viewer, w.Status)
		if !w.HeadDeadline.IsZero() {
			line += ", head blocked on " + st.date(w.HeadDeadline)
		}
		if len(parts) == 0 {
			parts = append(parts, "no branches yet")
		}
		st.say(rule, "%s | %s", line, strings.Join(parts, " | "))
	}
}

// visible prints which accounts user may see (NET-12).
func (st *story) visible(user tenancy.UserID, who, why string) {
	if st.err != nil {
		return
	}
	var all []lifecycle.Account
	for _, id := range sortedKeys(st.accs) {
		all = append(all, st.accs[id])
	}
	st.say("NET-12", "%s sees %v: %s", who, network.Visible(user, all), why)
}
