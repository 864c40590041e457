package lifecycle_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
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
	"github.com/tenancykit/tenancy/plan"
)

// TestLifecycleMachine drives random sequences of logins, restores, plan
// commands (plain and through HeadPlan), user changes, deletions, blocks set
// at once or scheduled for later, and network memberships, interleaved with
// clock jumps, Engine.Advance calls, commands in the past and projections,
// against one account. After every step it checks the account against a
// model the test keeps itself (last login, drop to free, stage, suspension
// time, users, blocks set and scheduled, network, every effect so far) and
// the invariants the LIFE rules (and NET-04, NET-10 as the account keeps
// them) promise. Each invariant is stated in a comment that cites its rule.
func TestLifecycleMachine(t *testing.T) {
	stats := map[string]int{}
	rapid.Check(t, func(rt *rapid.T) {
		m := lmNewMachine(rt, stats)
		m.check(rt)
		steps := rapid.IntRange(10, 120).Draw(rt, "steps")
		for range steps {
			switch rapid.SampledFrom(lmSteps).Draw(rt, "step") {
			case "command":
				m.command(rt)
			case "jump":
				m.jump(rt)
			case "advance":
				m.advance(rt)
			case "back":
				m.back(rt)
			case "project":
				m.project(rt)
			}
			m.check(rt)
			// A deleted account stays deleted (LIFE-05): a few more steps
			// prove it, more would prove nothing new.
			if m.stage == lifecycle.StageDeleted {
				if m.afterDeletion++; m.afterDeletion > 6 {
					break
				}
			}
		}
		m.stats[fmt.Sprintf("run ended %s", m.stage)]++
	})
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %-58s %6d", k, stats[k])
	}
	t.Logf("coverage:%s", b.String())
}

// lmSteps are the kinds of step, commands drawn most often.
var lmSteps = []string{
	"command", "command", "command", "command", "command", "command", "command", "command",
	"jump", "jump", "jump", "jump", "advance", "advance", "back", "project",
}

// lmZones are the accounts' time zones: one without daylight saving and
// three with it, on both hemispheres.
var lmZones = []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"}

const (
	lmID    tenancy.AccountID = "acme"
	lmOwner tenancy.UserID    = "ada"
)

// lmPeople may be members of the account; "mallory" never is.
var lmPeople = []tenancy.UserID{lmOwner, "root", "eve", "bob"}

var lmCauses = []lifecycle.Cause{"NET-07: plan compatibility", "NET-09: head unpaid", "NET-07: plan compatibility", "NET-09: head unpaid", ""}

// lmUser is the model's view of a member.
type lmUser struct {
	Role      tenancy.Role
	Dismissed bool
}

// lmMachine is the test's model: the engines, the account, the test's clock
// and what the test tracks on its own to judge the account.
type lmMachine struct {
	eng   *lifecycle.Engine
	plans *plan.Engine
	pol   lifecycle.Policy
	warn  []int // the warning days, longest first
	zone  string
	loc   *time.Location
	locs  map[string]*time.Location // the zones a time may be given in
	a     lifecycle.Account
	now   time.Time // the test's clock, never before a.Updated

	// The model.
	stage       lifecycle.Stage
	lastLogin   time.Time // creation, accepted logins and restores (LIFE-01)
	freeSince   time.Time // creation and every drop to free (LIFE-03)
	paying      bool      // trial, active or grace (LIFE-03)
	everPaid    bool      // a plan was ever bought (LIFE-07)
	suspendedAt time.Time
	users       map[tenancy.UserID]lmUser
	blocks      []lifecycle.Block // set, in the order they fell (LIFE-08)
	scheduled   []lifecycle.Block // to fall at their Since, earliest first (LIFE-08)
	network     tenancy.AccountID // the head of the account's network (NET-04)
	everInNet   bool              // ever in a network (NET-06)
	// ending is true between the end of a paid subscription and the purge
	// that ends it (LIFE-05): nothing else may come between.
	ending  bool
	history []lifecycle.Effect
	ids     map[string]lifecycle.Effect
	// cmd is the command whose effects are being observed, nil for
	// deadlines.
	cmd           lifecycle.Command
	afterDeletion int
	stats         map[string]int
}

func lmNewMachine(t *rapid.T, stats map[string]int) *lmMachine {
	ppol := plan.DefaultPolicy()
	if rapid.Bool().Draw(t, "custom plan policy") {
		ppol.GraceDays = rapid.SampledFrom([]int{0, 1, 15, 28}).Draw(t, "grace days")
		ppol.TrialDays = rapid.SampledFrom([]int{1, 15, 31}).Draw(t, "trial days")
	}
	plans, err := plan.NewEngine(plan.DefaultCatalog(), ppol)
	if err != nil {
		t.Fatalf("plan.NewEngine: %v", err)
	}
	if _, err := lifecycle.NewEngine(nil, lifecycle.DefaultPolicy()); !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("NewEngine without a plan engine: %v, want ErrInvalid", err)
	}

	pol := lifecycle.DefaultPolicy()
	if rapid.Bool().Draw(t, "custom policy") {
		pol.InactivityDays = rapid.SampledFrom([]int{1, 2, 5, 14, 30, 45, 90, 365}).Draw(t, "inactivity days")
		pol.PurgeDays = rapid.SampledFrom([]int{1, 3, 7, 30, 60, 400}).Draw(t, "purge days")
		limit := min(pol.InactivityDays, pol.PurgeDays)
		var warn []int
		for _, d := range []int{1, 2, 3, 7, 14, 30} {
			if d < limit && rapid.Bool().Draw(t, fmt.Sprintf("warn %d days before", d)) {
				warn = append(warn, d)
			}
		}
		// Given in any order: the engine sorts them.
		pol.WarningDays = rapid.Permutation(warn).Draw(t, "warning order")
		pol.Deletion = rapid.SampledFrom([]lifecycle.Deletion{
			lifecycle.DeleteNeverPaidAlone, lifecycle.DeleteNeverPaidAlone, lifecycle.DeleteAnyAdministrator, lifecycle.DeleteSupportOnly,
		}).Draw(t, "deletion")
		// LIFE-02: a warning must come strictly before the action it warns
		// about, however short the delays: a policy that breaks this is
		// refused.
		if lmOneIn(t, "bad warning?", 4) {
			bad := pol
			bad.WarningDays = append(slices.Clone(pol.WarningDays), limit)
			if _, err := lifecycle.NewEngine(plans, bad); !errors.Is(err, lifecycle.ErrPolicy) || tenancy.RuleOf(err) != "LIFE-02" {
				t.Fatalf("NewEngine with a warning %d days before a delay of %d days: %v, want ErrPolicy by LIFE-02", limit, limit, err)
			}
		}
	}
	eng, err := lifecycle.NewEngine(plans, pol)
	if err != nil {
		t.Fatalf("NewEngine(%+v): %v", pol, err)
	}
	warn := slices.Clone(pol.WarningDays)
	sort.Sort(sort.Reverse(sort.IntSlice(warn)))
	// The engine copied the policy: changing the caller's slice later
	// changes nothing, and the warning days come back longest first.
	if len(pol.WarningDays) > 0 {
		pol.WarningDays[0] = 9999
	}
	pol.WarningDays = warn
	if got := eng.Policy(); !slices.Equal(got.WarningDays, warn) || got.InactivityDays != pol.InactivityDays ||
		got.PurgeDays != pol.PurgeDays || got.Deletion != pol.Deletion {
		t.Fatalf("Policy() = %+v, want %+v", got, pol)
	}
	if got := eng.Policy(); len(got.WarningDays) > 0 {
		got.WarningDays[0] = -1
		if eng.Policy().WarningDays[0] != warn[0] {
			t.Fatalf("Policy() shares its warning days with the engine")
		}
	}

	zone := rapid.SampledFrom(lmZones).Draw(t, "zone")
	locs := map[string]*time.Location{}
	for _, z := range lmZones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatalf("load %s: %v", z, err)
		}
		locs[z] = loc
	}
	loc := locs[zone]
	start := lmDrawStart(t, loc)
	newLoc := loc
	if zone == "UTC" && rapid.Bool().Draw(t, "nil location") {
		newLoc = nil // nil means UTC
	}
	if _, err := eng.New("", lmOwner, "eu", loc, start); !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("New without an ID: %v, want ErrInvalid", err)
	}
	if _, err := eng.New(lmID, "", "eu", loc, start); !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("New without an owner: %v, want ErrInvalid", err)
	}
	a, err := eng.New(lmID, lmOwner, "eu", newLoc, start.In(locs[rapid.SampledFrom(lmZones).Draw(t, "creation zone")]))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	// LIFE-01: creating the account counts as activity; the account is
	// active, on the free plan, owned by its first administrator.
	if a.ID != lmID || a.Owner != lmOwner || a.Stage != lifecycle.StageActive || !a.Updated.Equal(start) ||
		!a.LastActivity.Equal(start) || a.Location().String() != zone || a.Sub.Status != plan.StatusFree ||
		!a.Deadline.Equal(start.AddDate(0, 0, pol.InactivityDays)) ||
		!cmp.Equal(a.Users, []lifecycle.User{{ID: lmOwner, Role: tenancy.RoleAdministrator}}) {
		t.Fatalf("New gave %+v", a)
	}
	m := &lmMachine{
		eng: eng, plans: plans, pol: pol, warn: warn, zone: zone, loc: loc, locs: locs,
		a: a, now: start,
		stage: lifecycle.StageActive, lastLogin: start, freeSince: start,
		users: map[tenancy.UserID]lmUser{lmOwner: {Role: tenancy.RoleAdministrator}},
		ids:   map[string]lifecycle.Effect{}, stats: stats,
	}
	// Some accounts start with colleagues.
	if lmOneIn(t, "start with an administrator?", 3) {
		m.do(t, "add user", lifecycle.AddUser{By: tenancy.Admin(lmOwner), User: "root", Role: tenancy.RoleAdministrator}, m.now)
	}
	if lmOneIn(t, "start with an employee?", 3) {
		m.do(t, "add user", lifecycle.AddUser{By: tenancy.Admin(lmOwner), User: "eve", Role: tenancy.RoleEmployee}, m.now)
	}
	return m
}

// lmOneIn is true about once in n draws. rapid leans towards small integers,
// so the value tested lies in the middle of the range.
func lmOneIn(t *rapid.T, label string, n int) bool {
	return rapid.IntRange(0, n-1).Draw(t, label) == n/2
}

// lmDrawStart draws the account's creation time: often a month end (the
// 29th to 31st, 29 February), sometimes 02:30 a default countdown (30 days)
// before a night whose 02:30 daylight saving skips or repeats, sometimes any
// day at any time.
func lmDrawStart(t *rapid.T, loc *time.Location) time.Time {
	if lmOneIn(t, "daylight-saving start?", 4) {
		// Berlin skips 02:30 on 2024-03-31 and repeats it on 2024-10-27;
		// New York skips it on 2024-03-10, Sydney on 2024-10-06 and
		// repeats it on 2024-04-07.
		days := [][3]int{{2024, 3, 1}, {2024, 9, 27}, {2024, 2, 9}, {2024, 9, 6}, {2024, 3, 8}}
		e := rapid.SampledFrom(days).Draw(t, "daylight-saving start date")
		return time.Date(e[0], time.Month(e[1]), e[2], 2, 30, 0, 0, loc)
	}
	var y, mo, d int
	if rapid.Bool().Draw(t, "month-end start") {
		ends := [][3]int{{2024, 1, 31}, {2024, 2, 29}, {2023, 3, 31}, {2024, 10, 31}, {2025, 12, 31}, {2024, 8, 31}, {2024, 4, 30}, {2028, 2, 29}}
		e := rapid.SampledFrom(ends).Draw(t, "start date")
		y, mo, d = e[0], e[1], e[2]
	} else {
		y, mo, d = rapid.IntRange(2020, 2030).Draw(t, "start year"), rapid.IntRange(1, 12).Draw(t, "start month"), rapid.IntRange(1, 28).Draw(t, "start day")
	}
	h := rapid.IntRange(0, 23).Draw(t, "start hour")
	mi := rapid.SampledFrom([]int{0, 30, 59}).Draw(t, "start minute")
	ns := rapid.SampledFrom([]int{0, 0, 999_999_999}).Draw(t, "start nanosecond")
	return time.Date(y, time.Month(mo), d, h, mi, 0, ns, loc)
}

// drawLoc draws the zone a time is given in: mostly the account's own.
func (m *lmMachine) drawLoc(t *rapid.T, label string) *time.Location {
	return m.locs[rapid.SampledFrom(append([]string{m.zone, m.zone}, lmZones...)).Draw(t, label)]
}

// ---------------------------------------------------------------------------
// Actions

// command applies a random command at the test's clock.
func (m *lmMachine) command(t *rapid.T) {
	now := m.now.In(m.drawLoc(t, "command zone"))
	adv, _, err := m.eng.Advance(m.a, now, nil)
	if err != nil {
		t.Fatalf("Advance: %v", err)
	}
	name, cmd := m.drawCommand(t, adv)
	m.do(t, name, cmd, now)
	// The next command may come at the same instant or a little later.
	m.now = m.now.Add(rapid.SampledFrom([]time.Duration{0, time.Nanosecond, time.Second, time.Minute, time.Hour}).Draw(t, "command duration"))
}

// lmWant is what the model expects of a command.
type lmWant struct {
	err  error          // the sentinel, nil when accepted
	rule tenancy.RuleID // the rule that refuses, "" when the test does not insist
	// msg is the exact refusal of a plan command, which the plan engine
	// decides; sub and evs its result when accepted.
	msg      string
	sub      plan.Subscription
	evs      []plan.Event
	restores bool // a purchase or a trial ends a suspension (LIFE-04)
}

// do runs cmd at now against the account and checks the outcome against
// the model.
func (m *lmMachine) do(t *rapid.T, name string, cmd lifecycle.Command, now time.Time) {
	before := m.a
	if rapid.Bool().Draw(t, "room in the caller's slices") {
		before = lmRoomy(before)
	}
	saved, room := lmCopy(before), lmRoom(before)
	adv, advEffs := m.walk(t, before, now)
	// The model moved through the same deadlines judges the command.
	mm := m.clone()
	for _, e := range advEffs {
		mm.observe(t, e)
	}
	mm.stats = m.stats // the verdict's own counts are kept
	want := mm.expect(t, adv, now, cmd)
	got, effs, err := m.eng.Apply(before, now, cmd)
	// Apply commits nothing: its argument is untouched, slices included.
	if d := lmDiff(saved, before); d != "" {
		t.Fatalf("Apply changed its argument:\n%s", d)
	}
	// Slices are copied before they change: the engine never writes into
	// the room a caller's slice has to grow.
	if d := lmDiff(room, lmRoom(before)); d != "" {
		t.Fatalf("Apply wrote into its argument's slices:\n%s", d)
	}
	if err != nil {
		m.stats[fmt.Sprintf("refused %-20s %s", name, lmErrName(err))]++
		m.checkRefusal(t, before, got, effs, err)
		if want.err == nil {
			t.Fatalf("%s %#v refused, want it accepted: %v\nstate: %+v", name, cmd, err, adv)
		}
		if lmErrName(err) != lmErrName(want.err) {
			t.Fatalf("%s %#v refused with %v, want %s", name, cmd, err, lmErrName(want.err))
		}
		if want.rule != "" && tenancy.RuleOf(err) != want.rule {
			t.Fatalf("%s refused by rule %q (%v), want %s", name, tenancy.RuleOf(err), err, want.rule)
		}
		if want.msg != "" && err.Error() != want.msg {
			t.Fatalf("%s refused with %q, the plan engine says %q", name, err, want.msg)
		}
		return
	}
	m.stats["accepted "+name]++
	if want.err != nil {
		t.Fatalf("%s %#v accepted, want %s (%s)\nstate: %+v", name, cmd, lmErrName(want.err), want.rule, adv)
	}
	// Apply first advances exactly as Advance does: those effects come
	// first.
	if len(effs) < len(advEffs) {
		t.Fatalf("Apply returned %d effects, fewer than the %d of the advance", len(effs), len(advEffs))
	}
	if d := lmDiff(advEffs, effs[:len(advEffs)], cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Apply's advance effects differ from Advance (-advance +apply):\n%s", d)
	}
	nowL := now.In(m.loc)
	if !got.Updated.Equal(now) || got.Updated.Location().String() != m.zone {
		t.Fatalf("after %s: updated %v, want %v in %s", name, got.Updated, now, m.zone)
	}
	m.checkCommand(t, adv, got, nowL, cmd, effs[len(advEffs):], want)
	m.cmd = cmd
	m.commit(t, before, got, effs, now)
	m.cmd = nil
	// LIFE-08: scheduling a block and cancelling one announce nothing, so
	// the model learns of them from the command itself.
	switch c := cmd.(type) {
	case lifecycle.SetBlock:
		if c.At.After(now) {
			at := c.At.In(m.loc)
			i := 0
			for i < len(m.scheduled) && !m.scheduled[i].Since.After(at) {
				i++
			}
			m.scheduled = slices.Insert(slices.Clone(m.scheduled), i, lifecycle.Block{Cause: c.Cause, Since: at})
		}
	case lifecycle.LiftBlock:
		// A block that fell during the advance was lifted by the effect;
		// one still scheduled is cancelled.
		m.scheduled = lmWithout(m.scheduled, c.Cause)
	}
}

// expect is the model's verdict on cmd at now, for the advanced account
// adv. m is the model already moved to now.
func (m *lmMachine) expect(t *rapid.T, adv lifecycle.Account, now time.Time, cmd lifecycle.Command) lmWant {
	refuse := func(err error, rule tenancy.RuleID) lmWant { return lmWant{err: err, rule: rule} }
	if cmd == nil {
		return refuse(tenancy.ErrInvalid, "")
	}
	// LIFE-05: a deleted account refuses every command.
	if m.stage == lifecycle.StageDeleted {
		return refuse(lifecycle.ErrDeleted, "LIFE-05")
	}
	// PLAN-02: a person acts only as a member who is not dismissed, in the
	// role they hold.
	var actor tenancy.Actor
	switch c := cmd.(type) {
	case lifecycle.Login:
		actor = tenancy.Actor{User: c.User}
	case lifecycle.Restore:
		actor = c.By
	case lifecycle.Plan:
		actor = c.Cmd.Actor()
	case lifecycle.AddUser:
		actor = c.By
	case lifecycle.DismissUser:
		actor = c.By
	case lifecycle.Delete:
		actor = c.By
	case lifecycle.SetBlock:
		actor = c.By
	case lifecycle.LiftBlock:
		actor = c.By
	case lifecycle.HeadPlan:
		actor = c.Cmd.Actor()
	case lifecycle.JoinNetwork:
		actor = c.By
	case lifecycle.LeaveNetwork:
		actor = c.By
	default:
		t.Fatalf("unknown command %T", cmd)
	}
	role, ok := m.roleOf(actor)
	if !ok {
		return refuse(tenancy.ErrUnauthorized, "PLAN-02")
	}
	admin := role == tenancy.RoleAdministrator
	service := role == tenancy.RoleService
	switch c := cmd.(type) {
	case lifecycle.Login:
		switch {
		case m.stage == lifecycle.StageSuspended:
			return refuse(lifecycle.ErrSuspended, "LIFE-04")
		case len(m.blocks) > 0:
			// LIFE-08: a blocked account cannot be used.
			return refuse(lifecycle.ErrBlocked, "LIFE-08")
		}
	case lifecycle.Restore:
		switch {
		case !admin:
			return refuse(tenancy.ErrUnauthorized, "LIFE-04")
		case m.stage != lifecycle.StageSuspended:
			return refuse(tenancy.ErrRefused, "LIFE-04")
		}
		return lmWant{restores: true}
	case lifecycle.Plan:
		// NET-10: the account alone cannot tell whether branches are
		// connected, so a plain plan command that would change a head's
		// plan is refused, once the actor may issue it at all (PLAN-02).
		if plan.Authorize(c.Cmd) == nil && m.network == lmID && lmChangesPlan(c.Cmd) {
			m.stats["NET-10: plain plan change on a head refused"]++
			return refuse(lifecycle.ErrHeadLocked, "NET-10")
		}
		return m.expectPlan(adv, now, c.Cmd)
	case lifecycle.HeadPlan:
		if err := plan.Authorize(c.Cmd); err != nil {
			return lmWant{err: err, rule: tenancy.RuleOf(err), msg: err.Error()}
		}
		if c.Connected < 0 {
			return refuse(tenancy.ErrInvalid, "NET-10")
		}
		// NET-10: while branches are connected the head's plan does not
		// change, except that a head off an active Enterprise plan may go
		// back to Enterprise (NET-09). On an account that heads no network
		// HeadPlan is Plan.
		if m.network == lmID && c.Connected > 0 && lmChangesPlan(c.Cmd) {
			if !m.resumesNetwork(adv, c.Cmd) {
				m.stats["NET-10: head plan change refused"]++
				return refuse(lifecycle.ErrHeadLocked, "NET-10")
			}
			m.stats["NET-09: head back to Enterprise allowed"]++
		}
		return m.expectPlan(adv, now, c.Cmd)
	case lifecycle.JoinNetwork:
		switch {
		case !service:
			return refuse(tenancy.ErrUnauthorized, "NET-04")
		case c.Head == "":
			return refuse(tenancy.ErrInvalid, "NET-04")
		case m.network == c.Head:
			// NET-04: joining the network it is in again changes nothing.
			m.stats["NET-04: join repeated"]++
			return lmWant{}
		case m.network != "":
			// NET-04: at most one network.
			return refuse(lifecycle.ErrInNetwork, "NET-04")
		}
	case lifecycle.LeaveNetwork:
		if !service {
			return refuse(tenancy.ErrUnauthorized, "NET-04")
		}
	case lifecycle.AddUser:
		u, member := m.users[c.User]
		switch {
		case !admin:
			return refuse(tenancy.ErrUnauthorized, "PLAN-02")
		case c.User == "" || (c.Role != tenancy.RoleEmployee && c.Role != tenancy.RoleAdministrator):
			return refuse(tenancy.ErrInvalid, "")
		case member && !u.Dismissed:
			return refuse(tenancy.ErrRefused, "")
		}
	case lifecycle.DismissUser:
		u, member := m.users[c.User]
		switch {
		case !admin:
			return refuse(tenancy.ErrUnauthorized, "PLAN-02")
		case c.User == lmOwner:
			return refuse(tenancy.ErrRefused, "")
		case !member || u.Dismissed:
			return refuse(tenancy.ErrNotFound, "")
		}
	case lifecycle.Delete:
		if !admin && !service {
			// PLAN-02: only an administrator (or support) deletes.
			return refuse(tenancy.ErrUnauthorized, "PLAN-02")
		}
		if admin {
			// LIFE-07: administrators as the policy allows, told to ask
			// support before they are asked to confirm. "Other users"
			// are the members other than the one asking.
			switch m.pol.Deletion {
			case lifecycle.DeleteSupportOnly:
				return refuse(lifecycle.ErrAskSupport, "LIFE-07")
			case lifecycle.DeleteNeverPaidAlone:
				if m.everPaid {
					return refuse(lifecycle.ErrAskSupport, "LIFE-07")
				}
				for id, u := range m.users {
					if id != c.By.User && !u.Dismissed {
						return refuse(lifecycle.ErrAskSupport, "LIFE-07")
					}
				}
			}
		}
		if c.Confirm != lmID {
			// LIFE-07: irreversible, so it needs the account's ID.
			return refuse(lifecycle.ErrNotConfirmed, "LIFE-07")
		}
		// LIFE-07: confirmed, and allowed (support may always): deleted.
	case lifecycle.SetBlock:
		switch {
		case !service:
			return refuse(tenancy.ErrUnauthorized, "LIFE-08")
		case c.Cause == "":
			return refuse(tenancy.ErrInvalid, "LIFE-08")
		case lmHasCause(m.blocks, c.Cause) || lmHasCause(m.scheduled, c.Cause):
			// LIFE-08: one block per cause, set or scheduled.
			return refuse(tenancy.ErrRefused, "LIFE-08")
		}
	case lifecycle.LiftBlock:
		switch {
		case !service:
			return refuse(tenancy.ErrUnauthorized, "LIFE-08")
		case !lmHasCause(m.blocks, c.Cause) && !lmHasCause(m.scheduled, c.Cause):
			return refuse(tenancy.ErrNotFound, "LIFE-08")
		}
	}
	return lmWant{}
}

// expectPlan is the model's verdict on a plan command that NET-10 lets
// through: the plan engine decides, and LIFE-04 stands in front of it.
func (m *lmMachine) expectPlan(adv lifecycle.Account, now time.Time, cmd plan.Command) lmWant {
	sub, evs, err := m.plans.Apply(adv.Sub, now, cmd)
	if m.stage == lifecycle.StageSuspended {
		switch cmd.(type) {
		case plan.Purchase, plan.StartTrial:
			// LIFE-04: buying a plan or starting a trial restores a
			// suspended account.
			if err == nil {
				return lmWant{sub: sub, evs: evs, restores: true}
			}
		default:
			// PLAN-02 before LIFE-04: who may not issue the command
			// hears so, whatever the stage; anyone else must restore
			// or buy a plan first.
			if !errors.Is(err, tenancy.ErrUnauthorized) {
				return lmWant{err: lifecycle.ErrSuspended, rule: "LIFE-04"}
			}
		}
	}
	if err != nil {
		return lmWant{err: err, rule: tenancy.RuleOf(err), msg: err.Error()}
	}
	return lmWant{sub: sub, evs: evs}
}

// lmChangesPlan is the model's list of the commands that change an
// account's plan (NET-10): a plan change, a purchase or a trial (which put
// a head that lapsed to free on a plan), a cancellation of any kind, and
// turning auto-renewal off.
func lmChangesPlan(cmd plan.Command) bool {
	switch c := cmd.(type) {
	case plan.ChangePlan, plan.Cancel, plan.Purchase, plan.StartTrial:
		return true
	case plan.SetAutoRenew:
		return !c.On
	}
	return false
}

// resumesNetwork reports whether cmd, a change or a purchase, takes a head
// that is not on an active Enterprise plan (active or in grace, in an
// active account) to Enterprise: NET-09 lets that through NET-10.
func (m *lmMachine) resumesNetwork(adv lifecycle.Account, cmd plan.Command) bool {
	var to plan.PlanID
	switch c := cmd.(type) {
	case plan.ChangePlan:
		to = c.Plan
	case plan.Purchase:
		to = c.Plan
	default:
		return false
	}
	cat := m.plans.Catalog()
	target, _ := cat.Kind(to)
	cur, _ := cat.Kind(adv.Sub.Plan)
	paying := adv.Sub.Status == plan.StatusActive || adv.Sub.Status == plan.StatusGrace
	onEnterprise := m.stage == lifecycle.StageActive && paying && cur == plan.KindEnterprise
	return target == plan.KindEnterprise && !onEnterprise
}

// lmHasCause reports whether bs has a block with cause c.
func lmHasCause(bs []lifecycle.Block, c lifecycle.Cause) bool {
	return slices.ContainsFunc(bs, func(b lifecycle.Block) bool { return b.Cause == c })
}

// lmWithout returns bs without the block for c, nil when none is left.
func lmWithout(bs []lifecycle.Block, c lifecycle.Cause) []lifecycle.Block {
	var out []lifecycle.Block
	for _, b := range bs {
		if b.Cause != c {
			out = append(out, b)
		}
	}
	return out
}

// roleOf is the model of who may act (PLAN-02): the service is the service;
// a person must be a member who is not dismissed, holding the role they
// claim, if they claim one.
func (m *lmMachine) roleOf(a tenancy.Actor) (tenancy.Role, bool) {
	if a.Role == tenancy.RoleService {
		return tenancy.RoleService, true
	}
	u, ok := m.users[a.User]
	if !ok || u.Dismissed || (a.Role != 0 && a.Role != u.Role) {
		return 0, false
	}
	return u.Role, true
}

// checkCommand checks an accepted command exactly: the account is the
// advanced one with only what the command changes changed, and the
// command's effects are exactly the ones it promises. The countdown a
// command moves is taken from the result here and judged by the model in
// check.
func (m *lmMachine) checkCommand(t *rapid.T, adv, got lifecycle.Account, now time.Time, cmd lifecycle.Command, ce []lifecycle.Effect, want lmWant) {
	wa := lmCopy(adv)
	wa.Updated = now
	var we []lifecycle.Effect
	seq := adv.Seq
	add := func(e lifecycle.Effect) {
		seq++
		e.Account, e.At, e.Seq = lmID, now, seq
		we = append(we, e)
	}
	countdown := false
	restore := func(sub plan.Subscription) {
		// LIFE-04: the account is back, data intact (users, blocks,
		// subscription as they were), and the inactivity count restarts:
		// the effect names the new suspension date, none when a purchase
		// or a trial restored it (LIFE-03).
		wa.Stage, wa.SuspendedAt, wa.LastActivity = lifecycle.StageActive, time.Time{}, now
		var deadline time.Time
		if sub.Status == plan.StatusFree {
			deadline = now.In(m.loc).AddDate(0, 0, m.pol.InactivityDays)
		}
		add(lifecycle.Effect{Kind: lifecycle.EffectRestore, Rule: "LIFE-04", Deadline: deadline})
		m.stats["restored from suspension"]++
	}
	switch c := cmd.(type) {
	case lifecycle.Login:
		// LIFE-01: a login restarts the count; the effect names the new
		// suspension date.
		wa.LastActivity = now
		countdown = true
		add(lifecycle.Effect{Kind: lifecycle.EffectActivity, Rule: "LIFE-01", To: c.User, Deadline: got.Deadline})
	case lifecycle.Restore:
		restore(adv.Sub)
		countdown = true
	case lifecycle.Plan, lifecycle.HeadPlan:
		if want.restores {
			restore(want.sub)
		}
		wa.Sub = want.sub
		countdown = true
		for _, ev := range want.evs {
			add(lifecycle.Effect{Kind: lifecycle.EffectPlan, Rule: ev.Rule, Plan: ev})
		}
	case lifecycle.AddUser:
		found := false
		for i, u := range wa.Users {
			if u.ID == c.User {
				wa.Users[i], found = lifecycle.User{ID: c.User, Role: c.Role}, true
			}
		}
		if !found {
			wa.Users = append(wa.Users, lifecycle.User{ID: c.User, Role: c.Role})
		}
		add(lifecycle.Effect{Kind: lifecycle.EffectUserAdded, Rule: lmRuleAt(ce, len(we)), To: c.User})
	case lifecycle.DismissUser:
		for i := range wa.Users {
			if wa.Users[i].ID == c.User {
				wa.Users[i].Dismissed = true
			}
		}
		add(lifecycle.Effect{Kind: lifecycle.EffectUserDismissed, Rule: lmRuleAt(ce, len(we)), To: c.User})
	case lifecycle.Delete:
		// LIFE-05: a paid subscription ends with the account, before the
		// purge: on free, nothing to renew or charge (the plan engine
		// decides the events, as it does for plan commands).
		sub, evs, err := m.plans.End(adv.Sub, now, nil)
		if err != nil {
			t.Fatalf("LIFE-05: plan.Engine.End at %v: %v", now, err)
		}
		if adv.Sub.Status != plan.StatusFree {
			if len(evs) == 0 || evs[0].Kind != plan.EventEnded || sub.Status != plan.StatusFree {
				t.Fatalf("LIFE-05: plan.Engine.End of a %s subscription gave %s and %v", adv.Sub.Status, sub.Status, evs)
			}
			m.stats[fmt.Sprintf("LIFE-05: deleted while %s", adv.Sub.Status)]++
		}
		wa.Sub = sub
		for _, ev := range evs {
			add(lifecycle.Effect{Kind: lifecycle.EffectPlan, Rule: ev.Rule, Plan: ev})
		}
		// LIFE-07: deleted at once, every category of data, no deadline,
		// no block set or scheduled, no network left.
		wa.Stage, wa.Deadline, wa.WarnAt, wa.Warned, wa.Blocks = lifecycle.StageDeleted, time.Time{}, time.Time{}, 0, nil
		wa.Scheduled, wa.Network = nil, ""
		add(lifecycle.Effect{Kind: lifecycle.EffectPurge, Rule: "LIFE-07", Data: lifecycle.AllData})
		m.stats[fmt.Sprintf("deleted on request by %s in stage %s", c.By.Role, adv.Stage)]++
	case lifecycle.SetBlock:
		if c.At.After(now) {
			// LIFE-08: a block for later is scheduled at At, after the
			// blocks scheduled no later, and nothing happens yet.
			at := c.At.In(m.loc)
			i := 0
			for i < len(wa.Scheduled) && !wa.Scheduled[i].Since.After(at) {
				i++
			}
			wa.Scheduled = slices.Insert(slices.Clone(wa.Scheduled), i, lifecycle.Block{Cause: c.Cause, Since: at})
			m.stats["block scheduled"]++
			break
		}
		// LIFE-08: a block touches neither data nor deadlines.
		wa.Blocks = append(wa.Blocks, lifecycle.Block{Cause: c.Cause, Since: now})
		add(lifecycle.Effect{Kind: lifecycle.EffectBlock, Rule: "LIFE-08", Cause: c.Cause})
	case lifecycle.LiftBlock:
		if lmHasCause(wa.Scheduled, c.Cause) {
			// LIFE-08: a scheduled block is cancelled before it falls;
			// the account was never blocked, so nothing is announced.
			wa.Scheduled = lmWithout(wa.Scheduled, c.Cause)
			m.stats["scheduled block lifted"]++
			break
		}
		wa.Blocks = lmWithout(wa.Blocks, c.Cause)
		add(lifecycle.Effect{Kind: lifecycle.EffectUnblock, Rule: "LIFE-08", Cause: c.Cause})
	case lifecycle.JoinNetwork:
		// NET-04: joining the network the account is in is a no-op.
		if adv.Network != c.Head {
			wa.Network, wa.EverInNetwork = c.Head, true
			add(lifecycle.Effect{Kind: lifecycle.EffectJoinedNetwork, Rule: "NET-04", Network: c.Head})
		}
	case lifecycle.LeaveNetwork:
		// NET-04: leaving a network the account is not in is a no-op.
		if adv.Network != "" && (c.Head == "" || c.Head == adv.Network) {
			wa.Network = ""
			add(lifecycle.Effect{Kind: lifecycle.EffectLeftNetwork, Rule: "NET-04", Network: adv.Network})
		} else {
			m.stats["NET-04: leave not in that network"]++
		}
	}
	if countdown {
		wa.Deadline, wa.WarnAt, wa.Warned = got.Deadline, got.WarnAt, got.Warned
	}
	wa.Seq = seq
	if d := lmDiff(wa, got); d != "" {
		t.Fatalf("%#v gave the wrong account (-want +got):\n%s", cmd, d)
	}
	if d := lmDiff(we, ce, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("%#v gave the wrong effects (-want +got):\n%s", cmd, d)
	}
	for _, e := range ce {
		if e.Rule == "" {
			t.Fatalf("effect %v cites no rule", e)
		}
	}
}

// lmRuleAt returns the rule of ce[i], or "" when there is none.
func lmRuleAt(ce []lifecycle.Effect, i int) tenancy.RuleID {
	if i < len(ce) {
		return ce[i].Rule
	}
	return ""
}

// jump moves the test's clock forward: minutes to years, or to the next
// deadline exactly, just before or just after it.
func (m *lmMachine) jump(t *rapid.T) {
	switch kind := rapid.SampledFrom([]string{"deadline", "deadline", "before deadline", "after deadline", "minutes", "hours", "days", "days", "months", "years"}).Draw(t, "jump"); kind {
	case "minutes":
		m.now = m.now.Add(time.Duration(rapid.IntRange(1, 180).Draw(t, "minutes")) * time.Minute)
	case "hours":
		m.now = m.now.Add(time.Duration(rapid.IntRange(1, 72).Draw(t, "hours")) * time.Hour)
	case "days":
		m.now = m.now.In(m.loc).AddDate(0, 0, rapid.IntRange(1, 45).Draw(t, "days"))
	case "months":
		m.now = m.now.In(m.loc).AddDate(0, rapid.IntRange(1, 14).Draw(t, "months"), 0)
	case "years":
		m.now = m.now.In(m.loc).AddDate(rapid.IntRange(1, 6).Draw(t, "years"), 0, 0)
	default:
		adv, _, err := m.eng.Advance(m.a, m.now, nil)
		if err != nil {
			t.Fatalf("Advance: %v", err)
		}
		d, ok := adv.NextDeadline()
		if !ok {
			d = m.now.AddDate(0, 0, 1) // nothing is due: a day passes
		}
		switch kind {
		case "before deadline":
			d = d.Add(-time.Nanosecond)
		case "after deadline":
			d = d.Add(time.Second)
		}
		if d.After(m.now) {
			m.now = d
		}
	}
}

// advance calls Engine.Advance at the test's clock, appending to a slice of
// the caller's, and keeps the result.
func (m *lmMachine) advance(t *rapid.T) {
	before := m.a
	now := m.now.In(m.drawLoc(t, "advance zone"))
	walked, wevs := m.walk(t, before, now)
	k := rapid.IntRange(0, 2).Draw(t, "caller's effects")
	dst := make([]lifecycle.Effect, k, k+rapid.IntRange(0, 4).Draw(t, "spare capacity"))
	for i := range dst {
		dst[i] = lifecycle.Effect{Kind: lifecycle.EffectActivity, To: tenancy.UserID(fmt.Sprintf("caller-%d", i))}
	}
	mine := slices.Clone(dst)
	got, out, err := m.eng.Advance(before, now, dst)
	if err != nil {
		t.Fatalf("Advance to %v (last change %v): %v", now, before.Updated, err)
	}
	// Advance appends to the caller's slice and leaves its contents alone.
	if len(out) < k {
		t.Fatalf("Advance shortened the caller's slice from %d to %d", k, len(out))
	}
	if d := lmDiff(mine, out[:k], cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Advance changed the caller's effects:\n%s", d)
	}
	evs := out[k:]
	if d := lmDiff(wevs, evs, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Advance in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	if d := lmDiff(walked, got); d != "" {
		t.Fatalf("Advance state in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	if len(evs) == 0 && lmDiff(before, got) != "" {
		t.Fatalf("Advance with nothing due changed the account")
	}
	m.stats[fmt.Sprintf("advance fired %d effects", min(len(evs), 4))]++
	m.commit(t, before, got, evs, now)
	// Advancing twice to the same instant yields nothing the second time:
	// every effect is delivered once.
	again, evs2, err := m.eng.Advance(got, now, nil)
	if err != nil || len(evs2) != 0 || lmDiff(got, again) != "" {
		t.Fatalf("second Advance to the same instant: %d effects %v, err %v", len(evs2), evs2, err)
	}
}

// back issues an Advance and a command at a time before the account's last
// change: both are refused with tenancy.ErrTimeWentBack and nothing
// changes.
func (m *lmMachine) back(t *rapid.T) {
	d := rapid.SampledFrom([]time.Duration{time.Nanosecond, time.Second, time.Hour, 24 * time.Hour, 40 * 24 * time.Hour, 3 * 365 * 24 * time.Hour}).Draw(t, "back by")
	past := m.a.Updated.Add(-d).In(m.drawLoc(t, "back zone"))
	before := m.a
	saved := lmCopy(before)

	mine := []lifecycle.Effect{{Kind: lifecycle.EffectActivity, To: "caller"}}
	got, out, err := m.eng.Advance(before, past, mine)
	if !errors.Is(err, tenancy.ErrTimeWentBack) {
		t.Fatalf("Advance to %v before the last change %v: err %v, want ErrTimeWentBack", past, before.Updated, err)
	}
	m.checkRefusal(t, before, got, nil, err)
	if d := lmDiff([]lifecycle.Effect{{Kind: lifecycle.EffectActivity, To: "caller"}}, out); d != "" {
		t.Fatalf("refused Advance changed the caller's effects:\n%s", d)
	}

	name, cmd := m.drawCommand(t, before)
	got, effs, err := m.eng.Apply(before, past, cmd)
	if err == nil {
		t.Fatalf("%s at %v, before the last change %v, was accepted", name, past, before.Updated)
	}
	m.checkRefusal(t, before, got, effs, err)
	want := tenancy.ErrTimeWentBack
	if cmd == nil {
		want = tenancy.ErrInvalid
	}
	if !errors.Is(err, want) {
		t.Fatalf("%s before the last change: %v, want %v", name, err, want)
	}
	if d := lmDiff(saved, before); d != "" {
		t.Fatalf("a refusal changed its argument:\n%s", d)
	}
	m.stats[fmt.Sprintf("back in time (%s) %s", m.stage, lmErrName(err))]++
}

// project compares Engine.Project with what Advance does when the clock runs
// far ahead and nobody acts, and runs the projected future through a copy of
// the model: a customer-facing notice read from the projection keeps every
// LIFE rule.
func (m *lmMachine) project(t *rapid.T) {
	a := m.a
	saved := lmCopy(a)
	proj := m.eng.Project(a)
	if d := lmDiff(saved, a); d != "" {
		t.Fatalf("Project changed its argument:\n%s", d)
	}
	far := a.Updated.AddDate(300, 0, 0)
	got, evs, err := m.eng.Advance(a, far, nil)
	if err != nil {
		t.Fatalf("Advance far ahead: %v", err)
	}
	// The projection is exactly what time does: kinds, instants, the dates
	// announced, rules, every field, in order.
	if d := lmDiff(evs, proj, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Project differs from Advance far ahead (-advance +project):\n%s", d)
	}
	// LIFE-01, LIFE-03, LIFE-04, LIFE-05: with nobody acting and nobody
	// paying, every account ends deleted, with no deadline left.
	if _, ok := got.NextDeadline(); ok || got.Stage != lifecycle.StageDeleted {
		t.Fatalf("far ahead with nobody acting the account is %s", got.Stage)
	}
	if m.stage == lifecycle.StageDeleted && len(proj) != 0 {
		t.Fatalf("LIFE-05: a deleted account has a future: %v", proj)
	}
	mm := m.clone()
	for i, e := range proj {
		if e.Seq != a.Seq+uint64(i)+1 || (i > 0 && e.At.Before(proj[i-1].At)) || e.At.Before(a.Updated) {
			t.Fatalf("projected effect %v out of order", e)
		}
		mm.observe(t, e)
	}
	m.stats[fmt.Sprintf("project %d effects", min(len(proj), 8))]++
}

// walk moves s to now one deadline at a time, checking that a deadline fires
// at its instant and not a nanosecond before, and that one Advance call
// does exactly the same.
func (m *lmMachine) walk(t *rapid.T, s lifecycle.Account, now time.Time) (lifecycle.Account, []lifecycle.Effect) {
	start := s
	var all []lifecycle.Effect
	for range 10_000 {
		d, ok := s.NextDeadline()
		if !ok || d.After(now) {
			break
		}
		if just := d.Add(-time.Nanosecond); !just.Before(s.Updated) {
			b, evs, err := m.eng.Advance(s, just, nil)
			if err != nil || len(evs) != 0 || lmDiff(s, b) != "" {
				t.Fatalf("Advance to just before the deadline %v: effects %v, err %v", d, evs, err)
			}
		}
		a, evs, err := m.eng.Advance(s, d, nil)
		if err != nil {
			t.Fatalf("Advance to the deadline %v: %v", d, err)
		}
		if len(evs) == 0 {
			t.Fatalf("the deadline %v fired without an effect", d)
		}
		for _, e := range evs {
			if !e.At.Equal(d) {
				t.Fatalf("effect %v of the deadline %v is stamped %v", e, d, e.At)
			}
		}
		all = append(all, evs...)
		s = a
	}
	got, evs, err := m.eng.Advance(start, now, nil)
	if err != nil {
		t.Fatalf("Advance to %v: %v", now, err)
	}
	if d := lmDiff(all, evs, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Advance in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	if d := lmDiff(s, got); d != "" {
		t.Fatalf("Advance state in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	return got, evs
}

// ---------------------------------------------------------------------------
// The model

// clone returns a copy of the model that can observe effects without
// touching m.
func (m *lmMachine) clone() *lmMachine {
	c := *m
	c.users = make(map[tenancy.UserID]lmUser, len(m.users))
	for k, v := range m.users {
		c.users[k] = v
	}
	c.blocks = slices.Clone(m.blocks)
	c.scheduled = slices.Clone(m.scheduled)
	c.history = m.history[:len(m.history):len(m.history)]
	c.ids = nil
	c.cmd = nil
	c.stats = map[string]int{}
	return &c
}

// deadline is the model's countdown: the suspension for inactivity of an
// active free account, counted from the later of the last login and the
// drop to free (LIFE-01, LIFE-03), or the deletion of a suspended one
// (LIFE-04); zero otherwise.
func (m *lmMachine) deadline() time.Time {
	switch {
	case m.stage == lifecycle.StageActive && !m.paying:
		base := m.lastLogin
		if m.freeSince.After(base) {
			base = m.freeSince
		}
		return base.In(m.loc).AddDate(0, 0, m.pol.InactivityDays)
	case m.stage == lifecycle.StageSuspended:
		return m.suspendedAt.In(m.loc).AddDate(0, 0, m.pol.PurgeDays)
	}
	return time.Time{}
}

// warnKind is the warning that goes before the model's deadline.
func (m *lmMachine) warnKind() lifecycle.EffectKind {
	if m.stage == lifecycle.StageSuspended {
		return lifecycle.EffectWarnDeletion
	}
	return lifecycle.EffectWarnSuspension
}

// warned returns the warnings of kind k about deadline d in the history.
func (m *lmMachine) warned(k lifecycle.EffectKind, d time.Time) []lifecycle.Effect {
	var out []lifecycle.Effect
	for _, e := range m.history {
		if e.Kind == k && e.Deadline.Equal(d) {
			out = append(out, e)
		}
	}
	return out
}

// checkWarned is LIFE-02: before the action at d, every warning of the
// policy about d was emitted, longest offset first, each at its own date.
func (m *lmMachine) checkWarned(t *rapid.T, k lifecycle.EffectKind, d time.Time) {
	ws := m.warned(k, d)
	if len(ws) != len(m.warn) {
		t.Fatalf("LIFE-02: %d warnings (%s) before the action at %v, want %d: %v", len(ws), k, d, len(m.warn), ws)
	}
	for i, w := range ws {
		if !w.At.Equal(d.AddDate(0, 0, -m.warn[i])) || !w.At.Before(d) || w.To != lmOwner {
			t.Fatalf("LIFE-02: warning %d of %v about %v", i, ws, d)
		}
	}
	m.stats[fmt.Sprintf("%s after %d warnings", k, len(ws))]++
}

// observe judges one effect against the model and moves the model on.
func (m *lmMachine) observe(t *rapid.T, e lifecycle.Effect) {
	// LIFE-05: nothing happens to a deleted account.
	if m.stage == lifecycle.StageDeleted {
		t.Fatalf("LIFE-05: effect %v after the deletion", e)
	}
	// LIFE-08: a scheduled block falls at its instant: nothing later
	// happens while it is still pending.
	if len(m.scheduled) > 0 && m.scheduled[0].Since.Before(e.At) {
		t.Fatalf("LIFE-08: effect %v at %v, yet the block %q scheduled at %v has not fallen", e, e.At, m.scheduled[0].Cause, m.scheduled[0].Since)
	}
	// LIFE-05: once a paid subscription ends for a deletion, only the
	// drop's own consequences (PLAN-07, PLAN-08) may come before the purge.
	if m.ending && e.Kind != lifecycle.EffectPurge &&
		(e.Kind != lifecycle.EffectPlan || (e.Plan.Kind != plan.EventAddOnsDeactivated && e.Plan.Kind != plan.EventLimitsReduced)) {
		t.Fatalf("LIFE-05: %v between the end of the subscription and the purge", e)
	}
	rule := map[lifecycle.EffectKind]tenancy.RuleID{
		lifecycle.EffectWarnSuspension: "LIFE-02", lifecycle.EffectWarnDeletion: "LIFE-02",
		lifecycle.EffectSuspend: "LIFE-01", lifecycle.EffectRestore: "LIFE-04", lifecycle.EffectActivity: "LIFE-01",
		lifecycle.EffectBlock: "LIFE-08", lifecycle.EffectUnblock: "LIFE-08",
		lifecycle.EffectJoinedNetwork: "NET-04", lifecycle.EffectLeftNetwork: "NET-04",
	}[e.Kind]
	if rule != "" && e.Rule != rule {
		t.Fatalf("effect %v cites %q, want %s", e, e.Rule, rule)
	}
	switch e.Kind {
	case lifecycle.EffectWarnSuspension, lifecycle.EffectWarnDeletion:
		// LIFE-02: a warning goes to the owner on its offset before the
		// deadline the model counts down to, and carries that deadline.
		if e.Kind != m.warnKind() || (m.stage == lifecycle.StageActive && m.paying) {
			t.Fatalf("LIFE-02: %v in stage %s (paying %v)", e, m.stage, m.paying)
		}
		d := m.deadline()
		sent := m.warned(e.Kind, d)
		if len(sent) >= len(m.warn) {
			t.Fatalf("LIFE-02: warning %v after all %d were sent: %v", e, len(m.warn), sent)
		}
		if !e.Deadline.Equal(d) || !e.At.Equal(d.AddDate(0, 0, -m.warn[len(sent)])) || e.To != lmOwner {
			t.Fatalf("LIFE-02: warning %v, want %d days before %v to %s", e, m.warn[len(sent)], d, lmOwner)
		}
	case lifecycle.EffectSuspend:
		// LIFE-03: a commercial account is never suspended for inactivity.
		if m.stage != lifecycle.StageActive || m.paying {
			t.Fatalf("LIFE-03: suspended in stage %s, paying %v", m.stage, m.paying)
		}
		// LIFE-01: suspended exactly InactivityDays calendar days after the
		// later of the last login and the drop to free, never earlier.
		if want := m.deadline(); !e.At.Equal(want) {
			t.Fatalf("LIFE-01: suspended at %v, want %v (last login %v, free since %v, %d days)",
				e.At, want, m.lastLogin, m.freeSince, m.pol.InactivityDays)
		}
		// LIFE-02: every warning went out first.
		m.checkWarned(t, lifecycle.EffectWarnSuspension, e.At)
		// LIFE-04: the deletion is scheduled PurgeDays later.
		if !e.Deadline.Equal(e.At.AddDate(0, 0, m.pol.PurgeDays)) {
			t.Fatalf("LIFE-04: suspension at %v schedules the deletion for %v", e.At, e.Deadline)
		}
		m.stage, m.suspendedAt = lifecycle.StageSuspended, e.At
	case lifecycle.EffectPurge:
		switch e.Rule {
		case "LIFE-05":
			// LIFE-04: a purge for inactivity happens to a suspended
			// account, PurgeDays after its suspension; LIFE-08: never
			// because of a block.
			if m.stage != lifecycle.StageSuspended || !e.At.Equal(m.deadline()) {
				t.Fatalf("LIFE-04: purged at %v in stage %s, suspended at %v", e.At, m.stage, m.suspendedAt)
			}
			// LIFE-02: every warning went out first.
			m.checkWarned(t, lifecycle.EffectWarnDeletion, e.At)
		case "LIFE-07":
			if _, ok := m.cmd.(lifecycle.Delete); !ok {
				t.Fatalf("LIFE-07: a deletion on request without a request: %v", e)
			}
		default:
			t.Fatalf("purge %v cites %q", e, e.Rule)
		}
		// LIFE-05: deletion is physical: every category of data goes.
		if e.Data != lifecycle.AllData {
			t.Fatalf("LIFE-05: purge removes %v, want %v", e.Data, lifecycle.AllData)
		}
		// LIFE-05: a deleted account has no running subscription: a paid
		// one ended just before.
		if m.paying {
			t.Fatalf("LIFE-05: purged with a running subscription: %v", e)
		}
		// A deleted account is no longer blocked, nor will be, and is in
		// no network: there is nothing left to use.
		m.stage, m.blocks, m.scheduled, m.network, m.ending = lifecycle.StageDeleted, nil, nil, "", false
	case lifecycle.EffectRestore:
		if m.stage != lifecycle.StageSuspended || m.cmd == nil {
			t.Fatalf("LIFE-04: restore %v in stage %s", e, m.stage)
		}
		m.stage, m.suspendedAt, m.lastLogin = lifecycle.StageActive, time.Time{}, e.At
	case lifecycle.EffectActivity:
		c, ok := m.cmd.(lifecycle.Login)
		if !ok || e.To != c.User || m.stage != lifecycle.StageActive {
			t.Fatalf("LIFE-01: activity %v without a login", e)
		}
		m.lastLogin = e.At
		// LIFE-01: the effect names the new suspension date (none for a
		// commercial account, LIFE-03).
		if !e.Deadline.Equal(m.deadline()) {
			t.Fatalf("LIFE-01: login announces %v, want %v", e.Deadline, m.deadline())
		}
	case lifecycle.EffectPlan:
		ev := e.Plan
		if e.Rule != ev.Rule || !e.At.Equal(ev.At) || ev.Account != lmID || e.Rule == "" {
			t.Fatalf("plan effect %v wraps %v", e, ev)
		}
		switch ev.Kind {
		case plan.EventTrialStarted:
			m.paying = true
		case plan.EventPurchased:
			m.paying, m.everPaid = true, true
		case plan.EventUpgraded:
			m.everPaid = true
		case plan.EventTrialEnded, plan.EventRolledBack, plan.EventGraceEnded, plan.EventCancelledNow:
			m.paying, m.freeSince = false, e.At
			m.stats["dropped to free by "+ev.Kind.String()]++
		case plan.EventEnded:
			// LIFE-05: a subscription ends only because its account is
			// deleted, only when it was running, and the purge follows.
			if _, ok := m.cmd.(lifecycle.Delete); !ok || !m.paying || e.Rule != "LIFE-05" {
				t.Fatalf("LIFE-05: %v without a deletion of a paying account (paying %v)", e, m.paying)
			}
			m.paying, m.freeSince, m.ending = false, e.At, true
		}
	case lifecycle.EffectBlock:
		if len(m.scheduled) > 0 && m.scheduled[0].Cause == e.Cause && m.scheduled[0].Since.Equal(e.At) {
			// LIFE-08: the earliest scheduled block falls, at exactly its
			// instant.
			m.scheduled = m.scheduled[1:]
			m.stats[fmt.Sprintf("scheduled block fell in stage %s", m.stage)]++
		} else {
			c, ok := m.cmd.(lifecycle.SetBlock)
			if !ok || e.Cause != c.Cause || c.At.After(e.At) {
				t.Fatalf("LIFE-08: block %v without a request", e)
			}
		}
		m.blocks = append(m.blocks, lifecycle.Block{Cause: e.Cause, Since: e.At})
	case lifecycle.EffectUnblock:
		c, ok := m.cmd.(lifecycle.LiftBlock)
		if !ok || e.Cause != c.Cause {
			t.Fatalf("LIFE-08: unblock %v without a request", e)
		}
		m.blocks = lmWithout(m.blocks, e.Cause)
		if len(m.blocks) == 0 {
			m.stats["last block lifted"]++
		}
	case lifecycle.EffectJoinedNetwork:
		// NET-04: an account enters a network only when in none.
		c, ok := m.cmd.(lifecycle.JoinNetwork)
		if !ok || e.Network != c.Head || m.network != "" {
			t.Fatalf("NET-04: joined %v while in %q", e, m.network)
		}
		m.network, m.everInNet = c.Head, true
	case lifecycle.EffectLeftNetwork:
		c, ok := m.cmd.(lifecycle.LeaveNetwork)
		if !ok || m.network == "" || e.Network != m.network || (c.Head != "" && c.Head != m.network) {
			t.Fatalf("NET-04: left %v while in %q", e, m.network)
		}
		m.network = ""
	case lifecycle.EffectUserAdded:
		c, ok := m.cmd.(lifecycle.AddUser)
		if !ok || e.To != c.User {
			t.Fatalf("user added %v without a request", e)
		}
		m.users[c.User] = lmUser{Role: c.Role}
	case lifecycle.EffectUserDismissed:
		c, ok := m.cmd.(lifecycle.DismissUser)
		if !ok || e.To != c.User {
			t.Fatalf("user dismissed %v without a request", e)
		}
		u := m.users[c.User]
		u.Dismissed = true
		m.users[c.User] = u
	default:
		t.Fatalf("unexpected effect %v", e)
	}
	m.history = append(m.history, e)
}

// commit checks the effects of one step from before at now, records them in
// the history and keeps the new state.
func (m *lmMachine) commit(t *rapid.T, before, after lifecycle.Account, effs []lifecycle.Effect, now time.Time) {
	for i, e := range effs {
		// Effects never lie before the account's last change nor after
		// now, and come in time order.
		if e.At.Before(before.Updated) || e.At.After(now) {
			t.Fatalf("effect %v at %v outside [%v, %v]", e, e.At, before.Updated, now)
		}
		if i > 0 && e.At.Before(effs[i-1].At) {
			t.Fatalf("effect %v before the previous one %v", e, effs[i-1])
		}
		if e.At.Location().String() != m.zone || (!e.Deadline.IsZero() && e.Deadline.Location().String() != m.zone) {
			t.Fatalf("effect %v in %v, want %s", e, e.At.Location(), m.zone)
		}
		if e.Account != lmID {
			t.Fatalf("effect %v for account %q", e, e.Account)
		}
		// Effects are numbered one after the other in the account's
		// history, and their IDs never repeat, so a service that drops
		// repeats drops only true repeats.
		if e.Seq != before.Seq+uint64(i)+1 {
			t.Fatalf("effect %v is number %d, want %d", e, e.Seq, before.Seq+uint64(i)+1)
		}
		id := e.ID()
		if old, dup := m.ids[id]; dup {
			t.Fatalf("effect ID %s repeated:\n  first %v\n  again %v", id, old, e)
		}
		m.ids[id] = e
		m.observe(t, e)
		m.stats["effect "+e.Kind.String()]++
	}
	if after.Updated.Before(before.Updated) || after.Updated.After(now) {
		t.Fatalf("the last change moved from %v to %v at %v", before.Updated, after.Updated, now)
	}
	if after.Seq != before.Seq+uint64(len(effs)) {
		t.Fatalf("%d effects took the count from %d to %d", len(effs), before.Seq, after.Seq)
	}
	m.a = after
}

// checkRefusal checks what every refusal promises: the account comes back
// exactly as given, with no effect, and the error is a *tenancy.RuleError
// matching one of tenancy's sentinels.
func (m *lmMachine) checkRefusal(t *rapid.T, before, got lifecycle.Account, effs []lifecycle.Effect, err error) {
	if d := lmDiff(before, got); d != "" || got.Location().String() != before.Location().String() {
		t.Fatalf("a refusal (%v) changed the account (-before +after):\n%s", err, d)
	}
	if len(effs) != 0 {
		t.Fatalf("a refusal (%v) returned effects %v", err, effs)
	}
	var re *tenancy.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("refusal %v (%T) is not a *tenancy.RuleError", err, err)
	}
	if lmSentinelName(err) == "" {
		t.Fatalf("refusal %v matches none of tenancy's sentinels", err)
	}
	// Time going back is no rule's refusal.
	if errors.Is(err, tenancy.ErrTimeWentBack) && re.Rule != "" {
		t.Fatalf("refusal %v cites rule %q", err, re.Rule)
	}
}

// ---------------------------------------------------------------------------
// Invariants after every step

func (m *lmMachine) check(t *rapid.T) {
	a := m.a
	// Structural: the account is valid on its own and under the engine's
	// policy and catalog.
	if err := a.Validate(); err != nil {
		t.Fatalf("Validate: %v\naccount: %+v", err, a)
	}
	if err := m.eng.Check(a); err != nil {
		t.Fatalf("Check: %v\naccount: %+v", err, a)
	}
	if m.now.Before(a.Updated) {
		t.Fatalf("test clock %v before the last change %v", m.now, a.Updated)
	}
	if a.Owner != lmOwner || a.ID != lmID || a.DomainZone != "eu" {
		t.Fatalf("the account's identity changed: %+v", a)
	}

	// The account agrees with the model.
	if a.Stage != m.stage {
		t.Fatalf("stage %s, the model says %s", a.Stage, m.stage)
	}
	// LIFE-01: the last activity is the last accepted login (or restore,
	// or the creation).
	if !a.LastActivity.Equal(m.lastLogin) {
		t.Fatalf("LIFE-01: last activity %v, the last login was %v", a.LastActivity, m.lastLogin)
	}
	// LIFE-03: the drop to free the count starts from, and whether the
	// account pays.
	if !a.Sub.FreeSince.Equal(m.freeSince) || (a.Sub.Status != plan.StatusFree) != m.paying || a.Sub.EverPaid != m.everPaid {
		t.Fatalf("LIFE-03: subscription %s free since %v, ever paid %v; the model says paying %v since %v, ever paid %v",
			a.Sub.Status, a.Sub.FreeSince, a.Sub.EverPaid, m.paying, m.freeSince, m.everPaid)
	}
	// LIFE-04: a suspended account knows when it was suspended, an active
	// one was not (a deleted one keeps its history).
	switch {
	case m.stage == lifecycle.StageSuspended && !a.SuspendedAt.Equal(m.suspendedAt),
		m.stage == lifecycle.StageActive && !a.SuspendedAt.IsZero():
		t.Fatalf("LIFE-04: suspended at %v in stage %s, the model says %v", a.SuspendedAt, m.stage, m.suspendedAt)
	}
	// LIFE-01, LIFE-03, LIFE-04, LIFE-08: the deadline is the model's,
	// whatever the blocks; a commercial or deleted account has none.
	d := m.deadline()
	if !a.Deadline.Equal(d) {
		t.Fatalf("deadline %v, the model says %v (stage %s, paying %v, last login %v, free since %v, suspended %v, blocks %v)",
			a.Deadline, d, m.stage, m.paying, m.lastLogin, m.freeSince, m.suspendedAt, m.blocks)
	}
	// LIFE-02: the next warning is the first of the policy's not yet sent
	// about that deadline.
	var warnAt time.Time
	sent := 0
	if !d.IsZero() {
		sent = len(m.warned(m.warnKind(), d))
		if sent < len(m.warn) {
			warnAt = d.AddDate(0, 0, -m.warn[sent])
		}
	}
	if !a.WarnAt.Equal(warnAt) || a.Warned != sent {
		t.Fatalf("LIFE-02: warning %d due %v, the model says %d due %v (deadline %v)", a.Warned, a.WarnAt, sent, warnAt, d)
	}
	// The next deadline never lies before the last change, and nothing
	// happens a nanosecond before it.
	next, ok := a.NextDeadline()
	if ok && next.Before(a.Updated) {
		t.Fatalf("next deadline %v before the last change %v", next, a.Updated)
	}
	if ok && next.After(a.Updated) {
		b, evs, err := m.eng.Advance(a, next.Add(-time.Nanosecond), nil)
		if err != nil || len(evs) != 0 || lmDiff(a, b) != "" {
			t.Fatalf("Advance to just before the next deadline %v: effects %v, err %v", next, evs, err)
		}
	}
	// LIFE-05: a deleted account has no deadline, and time does nothing
	// to it.
	if a.Stage == lifecycle.StageDeleted {
		if ok {
			t.Fatalf("LIFE-05: a deleted account has a deadline at %v", next)
		}
		b, evs, err := m.eng.Advance(a, m.now.AddDate(50, 0, 0), nil)
		if err != nil || len(evs) != 0 || lmDiff(a, b) != "" {
			t.Fatalf("LIFE-05: Advance of a deleted account: effects %v, err %v", evs, err)
		}
	}

	// PLAN-02, LIFE-07: the members are the model's, the owner an active
	// administrator.
	users := map[tenancy.UserID]lmUser{}
	for _, u := range a.Users {
		users[u.ID] = lmUser{Role: u.Role, Dismissed: u.Dismissed}
	}
	if d := lmDiff(m.users, users); d != "" {
		t.Fatalf("members differ from the model (-model +account):\n%s", d)
	}
	// LIFE-08: the blocks are the model's, in the order they fell, each
	// since the instant it fell; the scheduled ones are the model's,
	// earliest first, each due when it was asked for.
	if d := lmDiff(m.blocks, a.Blocks, cmpopts.EquateEmpty()); d != "" || a.Blocked() != (len(m.blocks) > 0) {
		t.Fatalf("LIFE-08: blocks differ from the model (-model +account):\n%s", d)
	}
	if d := lmDiff(m.scheduled, a.Scheduled, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("LIFE-08: scheduled blocks differ from the model (-model +account):\n%s", d)
	}
	for _, c := range lmCauses {
		at, ok := a.ScheduledFor(c)
		i := slices.IndexFunc(m.scheduled, func(b lifecycle.Block) bool { return b.Cause == c })
		if ok != (i >= 0) || (ok && !at.Equal(m.scheduled[i].Since)) {
			t.Fatalf("LIFE-08: ScheduledFor(%q) = %v, %v; the model says %v", c, at, ok, m.scheduled)
		}
	}
	// NET-04: the account is in the model's network, and one it is in
	// has been recorded as ever joined.
	if a.Network != m.network || a.EverInNetwork != m.everInNet {
		t.Fatalf("NET-04: network %q (ever %v), the model says %q (ever %v)", a.Network, a.EverInNetwork, m.network, m.everInNet)
	}
	// LIFE-05: a deleted account's subscription is on free and will never
	// renew, fall into grace or charge.
	if a.Stage == lifecycle.StageDeleted {
		if d, ok := a.Sub.NextDeadline(); ok || a.Sub.Status != plan.StatusFree {
			t.Fatalf("LIFE-05: a deleted account's subscription is %s with a deadline at %v", a.Sub.Status, d)
		}
	}
	// LIFE-04, LIFE-05, LIFE-08: whether the account may be used.
	want := error(nil)
	switch {
	case m.stage == lifecycle.StageDeleted:
		want = lifecycle.ErrDeleted
	case m.stage == lifecycle.StageSuspended:
		want = lifecycle.ErrSuspended
	case len(m.blocks) > 0:
		want = lifecycle.ErrBlocked
	}
	if err := a.Usable(); (err == nil) != (want == nil) || (err != nil && !errors.Is(err, want)) {
		t.Fatalf("Usable() = %v, want %v", err, want)
	}

	// Every time of an account is in its location: a day is a calendar day
	// there.
	times := map[string]time.Time{"LastActivity": a.LastActivity, "Deadline": a.Deadline, "WarnAt": a.WarnAt,
		"SuspendedAt": a.SuspendedAt, "Updated": a.Updated, "Sub.Updated": a.Sub.Updated, "Sub.FreeSince": a.Sub.FreeSince}
	for i, b := range a.Blocks {
		times[fmt.Sprintf("Blocks[%d].Since", i)] = b.Since
	}
	for i, b := range a.Scheduled {
		times[fmt.Sprintf("Scheduled[%d].Since", i)] = b.Since
	}
	for name, tm := range times {
		if !tm.IsZero() && tm.Location().String() != m.zone {
			t.Fatalf("%s is in %v, want %s", name, tm.Location(), m.zone)
		}
	}

	// JSON round trip is exact, time zone included.
	buf, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var back lifecycle.Account
	if err := json.Unmarshal(buf, &back); err != nil {
		t.Fatalf("Unmarshal %s: %v", buf, err)
	}
	if d := cmp.Diff(a, back); d != "" {
		t.Fatalf("JSON round trip differs (-before +after):\n%s\n%s", d, buf)
	}
	if back.Location().String() != a.Location().String() || back.Updated.Location().String() != m.zone ||
		back.LastActivity.Location().String() != m.zone {
		t.Fatalf("JSON round trip moved the account from %v to %v", a.Location(), back.Location())
	}
}

// ---------------------------------------------------------------------------
// Commands

// drawActor draws who issues a command: mostly the owner, sometimes another
// member in their own role, in a role they do not hold or with no role,
// the service, or a stranger.
func (m *lmMachine) drawActor(t *rapid.T, label string) tenancy.Actor {
	kind := rapid.SampledFrom([]string{"owner", "owner", "owner", "owner", "owner", "member", "member", "wrong role", "no role", "service", "stranger"}).Draw(t, label)
	switch kind {
	case "owner":
		return tenancy.Admin(lmOwner)
	case "service":
		return tenancy.Service()
	case "stranger":
		return tenancy.Actor{User: "mallory", Role: rapid.SampledFrom([]tenancy.Role{tenancy.RoleAdministrator, tenancy.RoleEmployee}).Draw(t, label+" role")}
	}
	u := rapid.SampledFrom(lmPeople).Draw(t, label+" user")
	role := tenancy.RoleEmployee
	if mu, ok := m.users[u]; ok {
		role = mu.Role
	}
	switch kind {
	case "wrong role":
		role = map[tenancy.Role]tenancy.Role{tenancy.RoleAdministrator: tenancy.RoleEmployee, tenancy.RoleEmployee: tenancy.RoleAdministrator}[role]
	case "no role":
		role = 0
	}
	return tenancy.Actor{User: u, Role: role}
}

// drawCommand draws a command knowing the advanced account a, so that the
// amount due and the like can be drawn.
func (m *lmMachine) drawCommand(t *rapid.T, a lifecycle.Account) (string, lifecycle.Command) {
	if lmOneIn(t, "no command?", 60) {
		return "no command", nil
	}
	names := []string{
		"login", "login", "login", "login", "login", "restore", "plan", "plan", "plan", "plan", "plan", "plan", "plan",
		"add user", "dismiss user", "dismiss user", "delete", "delete", "block", "block", "block", "lift block", "lift block",
		"head plan", "head plan", "head plan", "join", "join", "leave",
	}
	switch name := rapid.SampledFrom(names).Draw(t, "command"); name {
	case "login":
		u := rapid.SampledFrom([]tenancy.UserID{lmOwner, lmOwner, lmOwner, "root", "eve", "bob", "mallory", "service"}).Draw(t, "login user")
		return name, lifecycle.Login{User: u}
	case "restore":
		return name, lifecycle.Restore{By: m.drawActor(t, "restore actor")}
	case "plan":
		pname, cmd := m.drawPlanCommand(t, a.Sub)
		return "plan " + pname, lifecycle.Plan{Cmd: cmd}
	case "head plan":
		pname, cmd := m.drawPlanCommand(t, a.Sub)
		connected := rapid.SampledFrom([]int{0, 1, 1, 2, 7, -1}).Draw(t, "connected branches")
		return "head plan " + pname, lifecycle.HeadPlan{Cmd: cmd, Connected: connected}
	case "join", "leave":
		by := tenancy.Service()
		if lmOneIn(t, "network by someone else?", 5) {
			by = m.drawActor(t, "network actor")
		}
		if name == "join" {
			// Mostly as its own head, so that NET-10 has a head to guard.
			head := rapid.SampledFrom([]tenancy.AccountID{lmID, lmID, lmID, "hq", ""}).Draw(t, "join head")
			return name, lifecycle.JoinNetwork{By: by, Head: head}
		}
		head := rapid.SampledFrom([]tenancy.AccountID{"", "", lmID, "hq", "other"}).Draw(t, "leave head")
		return name, lifecycle.LeaveNetwork{By: by, Head: head}
	case "add user":
		u := rapid.SampledFrom([]tenancy.UserID{"root", "eve", "bob", "bob", lmOwner, ""}).Draw(t, "new user")
		role := rapid.SampledFrom([]tenancy.Role{tenancy.RoleAdministrator, tenancy.RoleEmployee, tenancy.RoleEmployee, tenancy.RoleService, 0}).Draw(t, "new role")
		return name, lifecycle.AddUser{By: m.drawActor(t, "add actor"), User: u, Role: role}
	case "dismiss user":
		u := rapid.SampledFrom([]tenancy.UserID{"root", "eve", "bob", lmOwner, "mallory"}).Draw(t, "dismissed user")
		return name, lifecycle.DismissUser{By: m.drawActor(t, "dismiss actor"), User: u}
	case "delete":
		by := tenancy.Service()
		switch rapid.SampledFrom([]string{"service", "owner", "owner", "anyone"}).Draw(t, "delete by") {
		case "owner":
			by = tenancy.Admin(lmOwner)
		case "anyone":
			by = m.drawActor(t, "delete actor")
		}
		confirm := rapid.SampledFrom([]tenancy.AccountID{lmID, lmID, lmID, "", "ACME", "acme "}).Draw(t, "confirm")
		return name, lifecycle.Delete{By: by, Confirm: confirm}
	case "block", "lift block":
		by := tenancy.Service()
		if lmOneIn(t, "block by someone else?", 4) {
			by = m.drawActor(t, "block actor")
		}
		cause := rapid.SampledFrom(lmCauses).Draw(t, "cause")
		if name == "block" {
			return name, lifecycle.SetBlock{By: by, Cause: cause, At: m.drawBlockAt(t, a)}
		}
		return name, lifecycle.LiftBlock{By: by, Cause: cause}
	default:
		t.Fatalf("unknown command %q", name)
		return "", nil
	}
}

// drawBlockAt draws when a block is to fall: mostly at once (no time, a
// time already past or the command's own instant), else later: a
// nanosecond to weeks ahead, or exactly at the account's next deadline or
// a nanosecond either side of it, so that a scheduled block meets the
// other deadlines.
func (m *lmMachine) drawBlockAt(t *rapid.T, a lifecycle.Account) time.Time {
	loc := m.drawLoc(t, "block zone")
	switch rapid.SampledFrom([]string{"none", "none", "none", "past", "now", "soon", "hours", "days", "days", "deadline", "before deadline", "after deadline"}).Draw(t, "block at") {
	case "past":
		return m.now.Add(-time.Hour).In(loc)
	case "now":
		return m.now.In(loc)
	case "soon":
		return m.now.Add(time.Nanosecond).In(loc)
	case "hours":
		return m.now.Add(time.Duration(rapid.IntRange(1, 48).Draw(t, "block in hours")) * time.Hour).In(loc)
	case "days":
		return m.now.In(m.loc).AddDate(0, 0, rapid.IntRange(1, 40).Draw(t, "block in days")).In(loc)
	case "deadline", "before deadline", "after deadline":
		d, ok := a.NextDeadline()
		if !ok {
			return m.now.In(m.loc).AddDate(0, 0, 15).In(loc)
		}
		return d.Add(time.Duration(rapid.IntRange(-1, 1).Draw(t, "block by the deadline"))).In(loc)
	}
	return time.Time{}
}

// drawPlanCommand draws a command of package plan; half of the time among
// those that fit the subscription's status.
func (m *lmMachine) drawPlanCommand(t *rapid.T, s plan.Subscription) (string, plan.Command) {
	by := m.drawActor(t, "plan actor")
	all := []string{
		"trial", "network trial", "purchase", "change", "change to free", "cancel", "cancel now", "undo",
		"auto-renew off", "auto-renew on", "renew", "pay", "pay wrong", "payment failed", "buy credits",
	}
	fit := map[plan.Status][]string{
		plan.StatusFree:   {"purchase", "purchase", "trial"},
		plan.StatusTrial:  {"purchase", "cancel"},
		plan.StatusActive: {"change", "cancel", "cancel now", "renew", "auto-renew off", "buy credits", "change to free"},
		plan.StatusGrace:  {"pay", "pay", "pay wrong", "payment failed", "cancel"},
	}[s.Status]
	if s.Pending.Kind != plan.NoChange {
		fit = append(fit, "undo", "auto-renew on")
	}
	names := all
	if !lmOneIn(t, "plan command may not fit?", 3) {
		names = fit
	}
	plans := []plan.PlanID{plan.Basic, plan.Standard, plan.Professional, plan.Enterprise, plan.Basic, plan.Professional, plan.Free, plan.Trial, "no-such-plan"}
	periods := []plan.Period{plan.Monthly, plan.Annual, plan.Monthly, plan.Annual, 0}
	switch name := rapid.SampledFrom(names).Draw(t, "plan command"); name {
	case "trial", "network trial":
		return name, plan.StartTrial{By: by, Network: name == "network trial"}
	case "purchase":
		return name, plan.Purchase{By: by, Plan: rapid.SampledFrom(plans).Draw(t, "plan"), Period: rapid.SampledFrom(periods).Draw(t, "period")}
	case "change":
		return name, plan.ChangePlan{By: by, Plan: rapid.SampledFrom(plans).Draw(t, "plan"), Period: rapid.SampledFrom(periods).Draw(t, "period")}
	case "change to free":
		return name, plan.ChangePlan{By: by, Plan: plan.Free}
	case "cancel", "cancel now":
		return name, plan.Cancel{By: by, Reason: rapid.SampledFrom([]string{"", "too expensive"}).Draw(t, "reason"), Now: name == "cancel now"}
	case "undo":
		return name, plan.UndoChange{By: by}
	case "auto-renew off", "auto-renew on":
		return name, plan.SetAutoRenew{By: by, On: name == "auto-renew on"}
	case "renew":
		return name, plan.Renew{By: by}
	case "pay":
		return name, plan.RecordPayment{By: by, Amount: s.Due}
	case "pay wrong":
		return name, plan.RecordPayment{By: by, Amount: s.Due.Add(decimal.New(1, -2))}
	case "payment failed":
		return name, plan.RecordPaymentFailure{By: by, Reason: "card declined"}
	case "buy credits":
		return name, plan.BuyTelephonyCredits{By: by, Amount: decimal.NewFromInt(int64(rapid.IntRange(1, 500).Draw(t, "credits")))}
	default:
		t.Fatalf("unknown plan command %q", name)
		return "", nil
	}
}

// ---------------------------------------------------------------------------
// Helpers

// lmCopy returns a with its slices copied, so that a change made in place
// by the code under test shows.
func lmCopy(a lifecycle.Account) lifecycle.Account {
	a.Users = slices.Clone(a.Users)
	a.Blocks = slices.Clone(a.Blocks)
	a.Scheduled = slices.Clone(a.Scheduled)
	return a
}

// lmRoomy returns a with room to grow in its slices, as a caller's
// account may have.
func lmRoomy(a lifecycle.Account) lifecycle.Account {
	a.Users = append(make([]lifecycle.User, 0, len(a.Users)+2), a.Users...)
	if a.Blocks != nil {
		a.Blocks = append(make([]lifecycle.Block, 0, len(a.Blocks)+2), a.Blocks...)
	}
	if a.Scheduled != nil {
		a.Scheduled = append(make([]lifecycle.Block, 0, len(a.Scheduled)+2), a.Scheduled...)
	}
	return a
}

// lmRoom returns a copy of a's slices up to their capacity.
func lmRoom(a lifecycle.Account) [3]any {
	return [3]any{slices.Clone(a.Users[:cap(a.Users)]), slices.Clone(a.Blocks[:cap(a.Blocks)]), slices.Clone(a.Scheduled[:cap(a.Scheduled)])}
}

// lmDiff is cmp.Diff with a fast path: values equal to the bit need no
// reflection over Equal methods, which the race detector makes slow.
func lmDiff(x, y any, opts ...cmp.Option) string {
	if reflect.DeepEqual(x, y) {
		return ""
	}
	return cmp.Diff(x, y, opts...)
}

// lmErrName names err's most specific sentinel.
func lmErrName(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrDeleted", lifecycle.ErrDeleted}, {"ErrSuspended", lifecycle.ErrSuspended}, {"ErrBlocked", lifecycle.ErrBlocked},
		{"ErrHeadLocked", lifecycle.ErrHeadLocked}, {"ErrInNetwork", lifecycle.ErrInNetwork},
		{"ErrNotConfirmed", lifecycle.ErrNotConfirmed}, {"ErrAskSupport", lifecycle.ErrAskSupport},
		{"plan.ErrPendingChange", plan.ErrPendingChange}, {"plan.ErrStatus", plan.ErrStatus}, {"plan.ErrTrialUsed", plan.ErrTrialUsed},
		{"plan.ErrTooEarly", plan.ErrTooEarly}, {"plan.ErrOnPremise", plan.ErrOnPremise}, {"plan.ErrUnknownPlan", plan.ErrUnknownPlan},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return lmSentinelName(err)
}

// lmSentinelName names the tenancy sentinel err matches, "" if none.
func lmSentinelName(err error) string {
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
