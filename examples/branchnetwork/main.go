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
// and the widget hidden at every branch, and the head is blocked. With
// branches connected it may not buy any plan but Enterprise (NET-10);
// Enterprise again lifts the block and resumes everything (NET-09).
//
// The story drives package fleet, as a service does: every command goes
// to a fleet.Memory store, which advances the accounts it names, tells the
// network of every change of a member at once and carries the network's
// effects onto the accounts; time passes with Memory.AdvanceTo, which
// fires each account's deadlines in time order. The story only prints the
// effects, one stream of fleet.Effect envelopes. A block of the plan
// compatibility check is the account's own (life.block, LIFE-08); the
// network notes it (net.blocked).
//
// The clock is a mock set to fixed dates, so the output is the same on
// every run.
package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	bclock "github.com/benbjohnson/clock"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
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

// story holds the store, the clock and where to print. The first error
// stops the story.
type story struct {
	store *fleet.Memory
	clk   *bclock.Mock
	loc   *time.Location
	w     io.Writer
	err   error
	quiet bool // print nothing
}

func run(w io.Writer) error {
	_, err := play(w)
	return err
}

// play tells the story to w and returns the store as the story leaves it.
func play(w io.Writer) (*fleet.Memory, error) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, err
	}
	mock := bclock.NewMock()
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, berlin) }
	mock.Set(day(time.March, 2))
	st := &story{store: fleet.NewMemory(fleet.Default()), clk: mock, loc: berlin, w: w}
	ada, olaf, dan := tenancy.Admin("ada"), tenancy.Admin("olaf"), tenancy.Admin("dan")

	fmt.Fprintln(w, "== hq creates a network; branches connect")
	// hq pays Enterprise month by month; the branches pay a year ahead.
	st.open("hq", "ada", "eu", plan.Enterprise, plan.Monthly)
	st.open("berlin", "bea", "eu", plan.Professional, plan.Annual, "ada")
	st.open("lyon", "cal", "eu", "", 0, "ada")
	st.open("madrid", "dan", "eu", plan.Enterprise, plan.Annual, "ada")
	st.open("porto", "pia", "eu", plan.Basic, plan.Annual)
	st.open("tokyo", "kei", "jp", plan.Standard, plan.Annual, "ada")
	st.open("nord", "olaf", "eu", plan.Enterprise, plan.Annual, "dan")
	st.open("oslo", "ola", "eu", plan.Basic, plan.Annual, "olaf", "ada")
	st.quiet = true // the accountant, and another network, set up off the record
	st.do(fleet.OnAccount{Account: "hq", Cmd: lifecycle.AddUser{By: ada, User: "acc", Role: tenancy.RoleEmployee}})
	st.do(fleet.CreateNetwork{Head: "nord", By: olaf})
	st.do(fleet.Connect{Head: "nord", Branch: "oslo", By: olaf})
	st.quiet = false
	st.say("PLAN-05", "hq is on enterprise, paid month by month: this period runs until %s", st.date(st.account("hq").Sub.End))
	st.do(fleet.CreateNetwork{Head: "hq", By: ada})
	st.say("NET-01", "nord, on enterprise too, heads a network of its own, with oslo as its branch")
	st.widget("NET-01", "hq")
	st.do(fleet.Connect{Head: "hq", Branch: "berlin", By: ada})
	st.refuse("NET-13", "pia, administrator of porto but not of hq, connects porto",
		fleet.Connect{Head: "hq", Branch: "porto", By: tenancy.Admin("pia")})

	st.until(day(time.March, 5))
	st.do(fleet.Connect{Head: "hq", Branch: "lyon", By: ada})
	st.do(fleet.Connect{Head: "hq", Branch: "madrid", By: ada})
	st.say("NET-05", "madrid is on enterprise yet joins as a branch: hq stays the network's only head")
	st.refuse("NET-03", "ada connects tokyo, in zone jp", fleet.Connect{Head: "hq", Branch: "tokyo", By: ada})
	st.refuse("NET-04", "ada connects oslo", fleet.Connect{Head: "hq", Branch: "oslo", By: ada})
	st.widget("NET-06", "hq")

	fmt.Fprintln(w, "\n== the head's plan, who sees what, disconnecting, moving, capping")
	st.until(day(time.March, 6))
	st.refuse("NET-10", "ada moves hq to professional", fleet.OnAccount{Account: "hq",
		Cmd: lifecycle.Plan{Cmd: plan.ChangePlan{By: ada, Plan: plan.Professional, Period: plan.Monthly}}})
	st.visible("ada", "ada", "exactly the accounts whose structure includes her")
	st.visible("acc", "acc (an employee of hq)", "working at the head grants nothing at the branches")
	st.visible("bea", "bea (berlin's owner)", "her own account, never the others in the network")

	st.until(day(time.March, 9))
	st.refuse("NET-13", "bea, berlin's administrator, disconnects berlin",
		fleet.Disconnect{Head: "hq", Branch: "berlin", By: tenancy.Admin("bea")})
	st.do(fleet.Disconnect{Head: "hq", Branch: "madrid", By: ada})
	st.do(fleet.Connect{Head: "nord", Branch: "madrid", By: dan})
	st.say("NET-11", "madrid moved from hq to nord by a disconnection and a new connection: there is no transfer")

	st.until(day(time.March, 10))
	st.quiet = true
	st.do(fleet.OnAccount{Account: "porto", Cmd: lifecycle.AddUser{By: tenancy.Admin("pia"), User: "ada", Role: tenancy.RoleAdministrator}})
	st.quiet = false
	capped := network.DefaultPolicy()
	capped.MaxBranches = 2
	cnets, err := network.NewEngine(st.store.Engine().Lives(), capped)
	if err != nil {
		return nil, err
	}
	cfleet, err := fleet.New(cnets)
	if err != nil {
		return nil, err
	}
	st.refuseBy(cfleet, "NET-14", "under a policy of at most 2 branches, ada connects porto as a third",
		fleet.Connect{Head: "hq", Branch: "porto", By: ada})
	st.do(fleet.Connect{Head: "hq", Branch: "porto", By: ada})
	if n, ok := st.store.Network("hq"); ok {
		st.say("NET-14", "hq lists %d branches: the default policy sets no cap", n.Len())
	}

	fmt.Fprintln(w, "\n== lyon's trial ends; the compatibility check")
	st.until(day(time.March, 21))
	st.widget("NET-07", "hq")
	st.until(day(time.April, 6))
	if st.err == nil && st.account("lyon").Usable() != nil {
		st.say("LIFE-08", "lyon is blocked: nobody can use it until the cause is removed; its data is intact")
	}
	st.widget("NET-07", "hq")
	st.until(day(time.April, 7))
	st.do(fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin("cal"), Plan: plan.Basic, Period: plan.Annual}}})
	st.widget("NET-08", "hq")

	fmt.Fprintln(w, "\n== hq does not pay")
	st.until(day(time.April, 18))
	st.widget("NET-09", "hq")
	st.widget("NET-09", "berlin")
	st.until(day(time.May, 3))
	st.widget("NET-09", "hq")
	st.until(day(time.May, 4))
	st.refuse("NET-10", "ada buys professional for the lapsed hq", fleet.OnAccount{Account: "hq",
		Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Professional, Period: plan.Monthly}}})
	st.until(day(time.May, 6))
	st.do(fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}})
	st.widget("NET-09", "berlin")
	return st.store, st.check()
}

// check ends the story with the driver's own audit: every network agrees
// with its members (fleet.Engine.Check), or the story fails.
func (st *story) check() error {
	if st.err != nil {
		return st.err
	}
	all := st.store.States()
	accs := slices.Collect(maps.Values(all.Accounts))
	for _, head := range slices.Sorted(maps.Keys(all.Networks)) {
		if problems := st.store.Engine().Check(all.Networks[head], accs); len(problems) > 0 {
			return fmt.Errorf("the network of %s disagrees with its members: %v", head, problems)
		}
	}
	return nil
}

func (st *story) date(t time.Time) string { return t.In(st.loc).Format(time.DateOnly) }

// account returns account id as the store holds it.
func (st *story) account(id tenancy.AccountID) lifecycle.Account {
	a, _ := st.store.Account(id)
	return a
}

// say prints one line of the timeline at the clock's date.
func (st *story) say(rule tenancy.RuleID, format string, args ...any) {
	st.sayAt(st.clk.Now(), rule, format, args...)
}

func (st *story) sayAt(at time.Time, rule tenancy.RuleID, format string, args ...any) {
	if st.err == nil && !st.quiet {
		fmt.Fprintf(st.w, "%s  %-7s  %s\n", st.date(at), rule, fmt.Sprintf(format, args...))
	}
}

// do runs cmd at the clock's time and prints its effects.
func (st *story) do(cmd fleet.Command) {
	if st.err != nil {
		return
	}
	r, err := st.store.Do(st.clk.Now(), cmd, "")
	if err != nil {
		st.err = fmt.Errorf("%T: %w", cmd, err)
		return
	}
	st.print(r.Effects)
}

// until lets time pass to t: the store fires every deadline up to t, in
// time order, and the clock is left at t.
func (st *story) until(t time.Time) {
	if st.err != nil {
		return
	}
	effects, err := st.store.AdvanceTo(t, 0)
	st.print(effects)
	st.err = err
	st.clk.Set(t)
}

// open creates an account in zone, with the extra administrators, on plan
// p bought for period (none: free). Setting up is not part of the story;
// it prints nothing.
func (st *story) open(id tenancy.AccountID, owner tenancy.UserID, zone string, p plan.PlanID, period plan.Period, admins ...tenancy.UserID) {
	quiet := st.quiet
	st.quiet = true
	defer func() { st.quiet = quiet }()
	st.do(fleet.NewAccount{ID: id, Owner: owner, DomainZone: zone, Location: st.loc})
	for _, u := range admins {
		st.do(fleet.OnAccount{Account: id, Cmd: lifecycle.AddUser{By: tenancy.Admin(owner), User: u, Role: tenancy.RoleAdministrator}})
	}
	if p != "" {
		st.do(fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin(owner), Plan: p, Period: period}}})
	}
}

// refuse runs a command that the rule must refuse, and prints the
// refusal. Any other outcome stops the story; a refusal changes nothing.
func (st *story) refuse(rule tenancy.RuleID, what string, cmd fleet.Command) {
	st.expect(rule, what, func() error {
		_, err := st.store.Do(st.clk.Now(), cmd, "")
		return err
	})
}

// refuseBy is refuse under another driver, eng: the command is previewed
// over the store's states, and undone whatever its outcome.
func (st *story) refuseBy(eng *fleet.Engine, rule tenancy.RuleID, what string, cmd fleet.Command) {
	st.expect(rule, what, func() error {
		_, err := eng.Preview(st.store.States(), fleet.Input{Now: st.clk.Now(), Command: cmd})
		return err
	})
}

func (st *story) expect(rule tenancy.RuleID, what string, cmd func() error) {
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

// print prints the effects that tell the story, each at its own instant.
func (st *story) print(effects []fleet.Effect) {
	for _, e := range effects {
		if line, ok := st.describe(e); ok {
			st.sayAt(e.At, e.Rule, "%s", line)
		}
	}
}

// describe turns an effect into a sentence for the timeline; false for
// the effects the story does not show: the account's side of joining,
// leaving and the branch trial (NET-04, NET-06), users added while setting
// up, limits reduced with nothing over them (PLAN-08).
func (st *story) describe(e fleet.Effect) (string, bool) {
	cur := st.store.Engine().Plans().Catalog().Currency()
	a := st.account(e.Account)
	switch e.Kind {
	case "net.created":
		return fmt.Sprintf("%s creates a network headed by %s, on %s", e.User, e.Account, a.Sub.Plan), true
	case "net.connected":
		return fmt.Sprintf("%s connects %s (%s) to %s's network: %s administers both", e.User, e.Account, a.Sub.Plan, head(e), e.User), true
	case "net.start-trial":
		return fmt.Sprintf("%s was free: it gets the %d-day branch trial, until %s", e.Account, e.Days, st.date(a.Sub.End)), true
	case "net.notify":
		return fmt.Sprintf("e-mail to %s, administrator of %s: connected to %s's network", e.User, e.Account, head(e)), true
	case "net.disconnected":
		return fmt.Sprintf("%s disconnected from %s's network, from the head's widget", e.Account, head(e)), true
	case "net.incompatible":
		return fmt.Sprintf("%s is on free now: disconnected but listed, in red; blocked on %s unless it goes commercial", e.Account, st.date(e.Deadline)), true
	case "net.reconnected":
		return fmt.Sprintf("%s is commercial again: back in the connected list", e.Account), true
	case "net.blocked":
		if e.Account == tenancy.AccountID(head(e)) {
			return fmt.Sprintf("the network notes its head %s blocked; the widget at %s shows it", e.Account, e.Account), true
		}
		return fmt.Sprintf("the network lists %s as blocked, in red on the head's widget", e.Account), true
	case "net.disabled":
		if e.Deadline.IsZero() {
			return fmt.Sprintf("%s pays, but not for enterprise: the network stays disabled, the widget hidden at every branch; a paying head is not blocked", e.Account), true
		}
		return fmt.Sprintf("%s lapsed from enterprise: the network is disabled, the widget hidden at every branch; %s is blocked on %s unless it pays again",
			e.Account, e.Account, st.date(e.Deadline)), true
	case "net.resumed":
		return fmt.Sprintf("%s is on enterprise again: the network operates, the widget shows at every branch", e.Account), true
	case "life.block":
		why := string(e.Cause)
		if parts := strings.SplitN(why, ": ", 3); len(parts) == 3 {
			why = parts[2]
		}
		return fmt.Sprintf("the plan compatibility check blocks %s (%s)", e.Account, why), true
	case "life.unblock":
		return fmt.Sprintf("%s's block is lifted", e.Account), true
	case "life.joined-network", "life.left-network", "life.user-added", "plan.trial-started", "plan.limits-reduced":
		return "", false
	case "plan.trial-ended":
		return fmt.Sprintf("%s's trial ended without a purchase: it is on free", e.Account), true
	case "plan.purchased":
		return fmt.Sprintf("%s buys %s: charged %s, period until %s", e.Account, e.Plan, cur.Format(e.Amount), st.date(e.Deadline)), true
	case "plan.upgraded":
		return fmt.Sprintf("%s upgrades %s -> %s at once: %s credited for the unused days, charged %s, period until %s",
			e.Account, e.From, e.Plan, cur.Format(e.Credit), cur.Format(e.Amount), st.date(e.Deadline)), true
	case "plan.grace-started":
		return fmt.Sprintf("%s's period ended unpaid (%s due): %s kept in grace until %s, so the network still operates",
			e.Account, cur.Format(e.Amount), e.Plan, st.date(e.Deadline)), true
	case "plan.grace-ended":
		return fmt.Sprintf("%s's grace ran out unpaid: it is on free", e.Account), true
	}
	return e.String(), true
}

// head returns the head of the network of a network effect: its ID is
// "head@origin".
func head(e fleet.Effect) string {
	h, _, _ := strings.Cut(e.Network, "@")
	return h
}

// widget prints the branch-network widget as account viewer sees it.
func (st *story) widget(rule tenancy.RuleID, viewer tenancy.AccountID) {
	if st.err != nil {
		return
	}
	n, ok := st.store.Network(st.account(viewer).Network)
	if !ok {
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
		switch {
		case n.HeadBlocked():
			line += ", head blocked"
		case !w.HeadDeadline.IsZero():
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
	accs := st.store.States().Accounts
	var all []lifecycle.Account
	for _, id := range slices.Sorted(maps.Keys(accs)) {
		all = append(all, accs[id])
	}
	st.say("NET-12", "%s sees %v: %s", who, network.Visible(user, all), why)
}
