package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// The refusals specific to an account's life. Each wraps tenancy.ErrRefused.
var (
	// ErrDeleted: the account is deleted; no command can bring it back
	// (LIFE-05).
	ErrDeleted = tenancy.Kind("account deleted", tenancy.ErrRefused)
	// ErrSuspended: the account is suspended; an administrator must restore
	// it or buy a plan first (LIFE-04).
	ErrSuspended = tenancy.Kind("account suspended", tenancy.ErrRefused)
	// ErrBlocked: the account is blocked until its causes are removed
	// (LIFE-08).
	ErrBlocked = tenancy.Kind("account blocked", tenancy.ErrRefused)
	// ErrNotConfirmed: an irreversible deletion needs the account's ID as
	// confirmation (LIFE-07).
	ErrNotConfirmed = tenancy.Kind("deletion not confirmed", tenancy.ErrRefused)
	// ErrAskSupport: self-service deletion is closed to this account; support
	// deletes it on request (LIFE-07).
	ErrAskSupport = tenancy.Kind("ask support", tenancy.ErrRefused)
	// ErrInNetwork: the account is already in a branch network (NET-04).
	ErrInNetwork = tenancy.Kind("already in a network", tenancy.ErrRefused)
	// ErrHeadLocked: the head's plan cannot change while branches are
	// connected (NET-10).
	ErrHeadLocked = tenancy.Kind("branches are connected", tenancy.ErrRefused)
)

// Command is something an actor asks of an account. The commands are the
// types of this package listed below; pass one to Engine.Apply.
//
// The account's own user list decides what a person may do: the actor must
// be a member who is not dismissed, and a role the actor claims must be the
// role the member holds. RoleService stands for the embedding service.
type Command interface {
	actor() tenancy.Actor
	run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error)
}

// Login records that a member signed in: the inactivity count restarts
// (LIFE-01). It is refused while the account is suspended (LIFE-04) or
// blocked (LIFE-08).
type Login struct{ User tenancy.UserID }

// Restore brings a suspended account back before its deletion; its data is
// intact and the inactivity count restarts (LIFE-04). Administrators only.
type Restore struct{ By tenancy.Actor }

// Plan runs a command of package plan on the account's subscription
// (PLAN-02 and the other PLAN rules). Buying a plan or starting a trial
// restores a suspended account first (LIFE-04); any other plan command is
// refused while it is suspended.
type Plan struct{ Cmd plan.Command }

// AddUser adds a member, or reinstates a dismissed one, with a role.
// Administrators only.
type AddUser struct {
	By   tenancy.Actor
	User tenancy.UserID
	Role tenancy.Role
}

// DismissUser dismisses a member; the owner cannot be dismissed.
// Administrators only.
type DismissUser struct {
	By   tenancy.Actor
	User tenancy.UserID
}

// Delete deletes the account at once, physically and for good (LIFE-07).
// Confirm must be the account's ID. An administrator may do it as the
// policy allows (by default only for an account that never had a paid plan
// and whose other users are all dismissed); the service (support) always
// may. Export the data first: the refusal without confirmation says so.
type Delete struct {
	By      tenancy.Actor
	Confirm tenancy.AccountID
}

// SetBlock blocks the account for a cause (LIFE-08). The service only, on
// behalf of a rule that blocks (the plan compatibility check of NET-07 and
// NET-09). Blocking never touches data. With an At after the command's
// time the block is scheduled instead: it falls at At, as a deadline of
// the account, unless it is lifted first (one at or after tenancy.MaxTime
// never falls: no advance reaches it); an At more than MaxDays days after
// tenancy.MaxTime, which no rule derives and no state can hold, is refused
// with tenancy.ErrInvalid.
type SetBlock struct {
	By    tenancy.Actor
	Cause Cause
	At    time.Time
}

// LiftBlock lifts the block for a cause (LIFE-08), set or scheduled. The
// service only.
type LiftBlock struct {
	By    tenancy.Actor
	Cause Cause
}

// JoinNetwork records that the account entered the branch network headed by
// Head (its own ID when it heads it). The service only, carrying out an
// effect of package network. An account is in at most one network (NET-04);
// joining the network it is already in again changes nothing, so that a
// repeated delivery is harmless.
type JoinNetwork struct {
	By   tenancy.Actor
	Head tenancy.AccountID
}

// LeaveNetwork records that the account left the branch network headed by
// Head (any network when Head is empty). The service only, carrying out an
// effect of package network. Leaving a network the account is not in
// changes nothing, so that a repeated delivery is harmless.
type LeaveNetwork struct {
	By   tenancy.Actor
	Head tenancy.AccountID
}

// HeadPlan runs a plan command on an account that heads a branch network,
// given what only the network knows: how many branches are connected
// (connected or on trial). While any is, the head's plan cannot change
// (NET-10): a plan change, a cancellation and turning auto-renewal off are
// refused; payments, early renewals and undoing a pending change are not,
// and a head that is not on an active Enterprise plan may always go back
// to Enterprise (NET-09). On an account that heads no network it is Plan.
//
// Package fleet builds it from the network's own count; a plain Plan that
// would change a head's plan is refused, because the account alone cannot
// tell whether branches are connected.
type HeadPlan struct {
	Cmd       plan.Command
	Connected int
}

func (c JoinNetwork) actor() tenancy.Actor  { return c.By }
func (c LeaveNetwork) actor() tenancy.Actor { return c.By }
func (c Login) actor() tenancy.Actor        { return tenancy.Actor{User: c.User} }
func (c Restore) actor() tenancy.Actor      { return c.By }
func (c Plan) actor() tenancy.Actor         { return c.Cmd.Actor() }
func (c HeadPlan) actor() tenancy.Actor     { return c.Cmd.Actor() }
func (c AddUser) actor() tenancy.Actor      { return c.By }
func (c DismissUser) actor() tenancy.Actor  { return c.By }
func (c Delete) actor() tenancy.Actor       { return c.By }
func (c SetBlock) actor() tenancy.Actor     { return c.By }
func (c LiftBlock) actor() tenancy.Actor    { return c.By }

// need refuses unless role is one of allowed.
func need(rule tenancy.RuleID, role tenancy.Role, what string, allowed ...tenancy.Role) error {
	for _, r := range allowed {
		if r == role {
			return nil
		}
	}
	names := make([]string, len(allowed))
	for i, r := range allowed {
		names[i] = r.String()
	}
	return tenancy.Refuse(rule, tenancy.ErrUnauthorized, "only the %s may %s, not the %s", strings.Join(names, " or "), what, role)
}

// Usable reports whether the account may be used now: nil, or a refusal
// naming the rule that forbids it (deleted, suspended or blocked).
func (a Account) Usable() error {
	switch {
	case a.Stage == StageDeleted:
		return tenancy.Refuse("LIFE-05", ErrDeleted, "account %s is deleted", a.ID)
	case a.Stage == StageSuspended:
		return tenancy.Refuse("LIFE-04", ErrSuspended, "account %s is suspended and will be deleted on %s unless an administrator restores it", a.ID, a.Deadline.Format(time.DateOnly))
	case a.Blocked():
		causes := make([]string, len(a.Blocks))
		for i, b := range a.Blocks {
			causes[i] = string(b.Cause)
		}
		return tenancy.Refuse("LIFE-08", ErrBlocked, "account %s is blocked until this is resolved: %s", a.ID, strings.Join(causes, "; "))
	}
	return nil
}

func (c Login) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := a.Usable(); err != nil {
		return nil, err
	}
	a.LastActivity = now
	e.rearm(a)
	var d *Effect
	dst, d = e.push(dst, a, EffectActivity, now)
	d.To, d.Deadline = c.User, a.Deadline
	return dst, nil
}

func (c Restore) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("LIFE-04", role, "restore a suspended account", tenancy.RoleAdministrator); err != nil {
		return nil, err
	}
	if a.Stage != StageSuspended {
		return nil, tenancy.Refuse("LIFE-04", tenancy.ErrRefused, "account %s is not suspended", a.ID)
	}
	return e.restore(a, now, dst), nil
}

// restore ends a suspension at now: the data is intact and the inactivity
// count restarts (LIFE-04).
func (e *call) restore(a *Account, now time.Time, dst []Effect) []Effect {
	a.Stage, a.SuspendedAt, a.LastActivity = StageActive, time.Time{}, now
	e.rearm(a)
	var d *Effect
	dst, d = e.push(dst, a, EffectRestore, now)
	d.Deadline = a.Deadline
	return dst
}

// ChangesPlan reports whether cmd would change the plan of an account:
// a plan change, a purchase or a trial (of a head that lapsed to free), a
// cancellation, or turning auto-renewal off (NET-10).
func ChangesPlan(cmd plan.Command) bool {
	switch c := cmd.(type) {
	case plan.ChangePlan, plan.Cancel, plan.Purchase, plan.StartTrial:
		return true
	case plan.SetAutoRenew:
		return !c.On
	}
	return false
}

// CheckHeadPlan refuses cmd on a, the head of a network with connected
// branches connected or on trial, when it would change the head's plan
// (NET-10). A head that is not on an active Enterprise plan may go back to
// Enterprise, by a change or a purchase: that resumes its network
// (NET-09); any other plan it may not take while branches are connected.
func (e *Engine) CheckHeadPlan(a Account, cmd plan.Command, connected int) error {
	if connected == 0 || a.Network != a.ID || !ChangesPlan(cmd) {
		return nil
	}
	cat := e.plans.Catalog()
	var to plan.PlanID
	switch c := cmd.(type) {
	case plan.ChangePlan:
		to = c.Plan
	case plan.Purchase:
		to = c.Plan
	}
	if to != "" {
		target, _ := cat.Kind(to)
		cur, _ := cat.Kind(a.Sub.Plan)
		onEnterprise := a.Stage == StageActive && a.Sub.Paying() && cur == plan.KindEnterprise
		if target == plan.KindEnterprise && !onEnterprise {
			return nil
		}
	}
	branches := fmt.Sprintf("%d branches are", connected)
	if connected == 1 {
		branches = "1 branch is"
	}
	return tenancy.Refuse("NET-10", ErrHeadLocked, "the head's plan cannot change while %s connected: disconnect them first", branches)
}

func (c HeadPlan) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := plan.Authorize(c.Cmd); err != nil {
		return nil, err
	}
	if c.Connected < 0 {
		return nil, tenancy.Refuse("NET-10", tenancy.ErrInvalid, "a negative number of connected branches")
	}
	if err := e.CheckHeadPlan(*a, c.Cmd, c.Connected); err != nil {
		return nil, err
	}
	return e.runPlan(a, c.Cmd, now, dst)
}

func (c Plan) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	// Apply has refused a Plan without a command. PLAN-02 first: whoever may not issue the command hears so, whatever
	// the stage.
	if err := plan.Authorize(c.Cmd); err != nil {
		return nil, err
	}
	if a.Network == a.ID && ChangesPlan(c.Cmd) {
		return nil, tenancy.Refuse("NET-10", ErrHeadLocked, "account %s heads a branch network and cannot tell whether branches are connected: run its plan commands through package fleet (or network.Engine.ApplyPlan)", a.ID)
	}
	return e.runPlan(a, c.Cmd, now, dst)
}

// runPlan runs an authorized plan command on a.
func (e *call) runPlan(a *Account, cmd plan.Command, now time.Time, dst []Effect) ([]Effect, error) {
	restores := false
	if a.Stage == StageSuspended {
		switch cmd.(type) {
		case plan.Purchase, plan.StartTrial:
			restores = true
		default:
			return nil, tenancy.Refuse("LIFE-04", ErrSuspended, "account %s is suspended: restore it or buy a plan first", a.ID)
		}
	}
	sub, evs, err := e.plans.Apply(a.Sub, now, cmd)
	if err != nil {
		return nil, err
	}
	a.Sub = sub
	if restores {
		dst = e.restore(a, now, dst)
	}
	return e.planEffects(a, evs, dst), nil
}

func (c AddUser) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("PLAN-02", role, "add users", tenancy.RoleAdministrator); err != nil {
		return nil, err
	}
	if c.User == "" || (c.Role != tenancy.RoleEmployee && c.Role != tenancy.RoleAdministrator) {
		return nil, tenancy.Refuse("", tenancy.ErrInvalid, "a member needs an ID and the role employee or administrator, got %q as %v", c.User, c.Role)
	}
	users := make([]User, 0, len(a.Users)+1)
	found := false
	for _, u := range a.Users {
		if u.ID == c.User {
			if !u.Dismissed {
				return nil, tenancy.Refuse("", tenancy.ErrRefused, "%s is already a member of account %s", c.User, a.ID)
			}
			u, found = User{ID: c.User, Role: c.Role}, true
		}
		users = append(users, u)
	}
	if !found {
		users = append(users, User{ID: c.User, Role: c.Role})
	}
	a.Users = users
	var d *Effect
	dst, d = e.push(dst, a, EffectUserAdded, now)
	d.To = c.User
	return dst, nil
}

func (c DismissUser) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("PLAN-02", role, "dismiss users", tenancy.RoleAdministrator); err != nil {
		return nil, err
	}
	if c.User == a.Owner {
		return nil, tenancy.Refuse("", tenancy.ErrRefused, "%s owns account %s and cannot be dismissed", c.User, a.ID)
	}
	u, ok := a.User(c.User)
	if !ok || u.Dismissed {
		return nil, tenancy.Refuse("", tenancy.ErrNotFound, "%s is not a member of account %s", c.User, a.ID)
	}
	users := make([]User, len(a.Users))
	copy(users, a.Users)
	for i := range users {
		if users[i].ID == c.User {
			users[i].Dismissed = true
		}
	}
	a.Users = users
	var d *Effect
	dst, d = e.push(dst, a, EffectUserDismissed, now)
	d.To = c.User
	return dst, nil
}

func (c Delete) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("PLAN-02", role, "delete the account", tenancy.RoleAdministrator, tenancy.RoleService); err != nil {
		return nil, err
	}
	if role == tenancy.RoleAdministrator {
		if err := e.selfService(a, c.By.User); err != nil {
			return nil, err
		}
	}
	if c.Confirm != a.ID {
		return nil, tenancy.Refuse("LIFE-07", ErrNotConfirmed,
			"deleting %s is irreversible: export its data first (CRM contacts, deals and leads as CSV, tasks, calendar events, Drive files), then confirm with the account ID", a.ID)
	}
	return e.purge(a, now, "LIFE-07", dst)
}

// selfService applies the policy of LIFE-07 to an administrator's request:
// "other users" are the members other than the one asking.
func (e *Engine) selfService(a *Account, by tenancy.UserID) error {
	switch e.policy.Deletion {
	case DeleteAnyAdministrator:
		return nil
	case DeleteSupportOnly:
		return tenancy.Refuse("LIFE-07", ErrAskSupport, "accounts are deleted by support: ask support to delete %s", a.ID)
	}
	if a.Sub.EverPaid {
		return tenancy.Refuse("LIFE-07", ErrAskSupport, "%s has had a paid plan: ask support to delete it", a.ID)
	}
	for _, u := range a.Users {
		if u.ID != by && !u.Dismissed {
			return tenancy.Refuse("LIFE-07", ErrAskSupport, "%s still has other users (%s); dismiss them or ask support", a.ID, u.ID)
		}
	}
	return nil
}

func (c SetBlock) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("LIFE-08", role, "block an account", tenancy.RoleService); err != nil {
		return nil, err
	}
	if c.Cause == "" {
		return nil, tenancy.Refuse("LIFE-08", tenancy.ErrInvalid, "a block needs a cause")
	}
	if _, ok := a.ScheduledFor(c.Cause); a.BlockedFor(c.Cause) || ok {
		return nil, tenancy.Refuse("LIFE-08", tenancy.ErrRefused, "account %s is already blocked for %q", a.ID, c.Cause)
	}
	if c.At.After(now) {
		if !derived(c.At) {
			return nil, tenancy.Refuse("LIFE-08", tenancy.ErrInvalid, "a block scheduled at %v, %d days or more after %s, could not be stored",
				c.At, MaxDays+1, tenancy.MaxTime.Format(time.DateOnly))
		}
		at := c.At.In(a.zone())
		s := make([]Block, 0, len(a.Scheduled)+1)
		i := 0
		for i < len(a.Scheduled) && !a.Scheduled[i].Since.After(at) {
			i++
		}
		s = append(append(append(s, a.Scheduled[:i]...), Block{Cause: c.Cause, Since: at}), a.Scheduled[i:]...)
		a.Scheduled = s
		return dst, nil
	}
	a.Blocks = append(append(make([]Block, 0, len(a.Blocks)+1), a.Blocks...), Block{Cause: c.Cause, Since: now})
	var d *Effect
	dst, d = e.push(dst, a, EffectBlock, now)
	d.Cause = c.Cause
	return dst, nil
}

func (c LiftBlock) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("LIFE-08", role, "lift a block", tenancy.RoleService); err != nil {
		return nil, err
	}
	if _, ok := a.ScheduledFor(c.Cause); ok {
		a.Scheduled = without(a.Scheduled, c.Cause)
		return dst, nil
	}
	if !a.BlockedFor(c.Cause) {
		return nil, tenancy.Refuse("LIFE-08", tenancy.ErrNotFound, "account %s is not blocked for %q", a.ID, c.Cause)
	}
	a.Blocks = without(a.Blocks, c.Cause)
	var d *Effect
	dst, d = e.push(dst, a, EffectUnblock, now)
	d.Cause = c.Cause
	return dst, nil
}

// without returns a copy of bs without the block for cause, nil when none
// is left.
func without(bs []Block, cause Cause) []Block {
	blocks := make([]Block, 0, len(bs))
	for _, b := range bs {
		if b.Cause != cause {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) == 0 {
		return nil
	}
	return blocks
}

func (c JoinNetwork) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("NET-04", role, "record a network membership", tenancy.RoleService); err != nil {
		return nil, err
	}
	switch {
	case c.Head == "":
		return nil, tenancy.Refuse("NET-04", tenancy.ErrInvalid, "a network needs a head")
	case a.Network == c.Head:
		return dst, nil
	case a.Network != "":
		return nil, tenancy.Refuse("NET-04", ErrInNetwork, "account %s is already in the network of %s; it must be disconnected first", a.ID, a.Network)
	}
	a.Network, a.EverInNetwork = c.Head, true
	var d *Effect
	dst, d = e.push(dst, a, EffectJoinedNetwork, now)
	d.Network = c.Head
	return dst, nil
}

func (c LeaveNetwork) run(e *call, a *Account, role tenancy.Role, now time.Time, dst []Effect) ([]Effect, error) {
	if err := need("NET-04", role, "record a network membership", tenancy.RoleService); err != nil {
		return nil, err
	}
	if a.Network == "" || (c.Head != "" && a.Network != c.Head) {
		return dst, nil
	}
	head := a.Network
	a.Network = ""
	var d *Effect
	dst, d = e.push(dst, a, EffectLeftNetwork, now)
	d.Network = head
	return dst, nil
}

// ForgetIdentity deletes a user's network identity (their login and profile
// across accounts) at their own request, and only then (LIFE-06). Deleting
// an account never does it. The effect belongs to no account. The request
// needs no role in any account: the user asks for themselves, and the
// service never asks for them. A now outside the times the library keeps
// is refused with tenancy.ErrInvalid.
func ForgetIdentity(by tenancy.Actor, user tenancy.UserID, now time.Time) (Effect, error) {
	if err := tenancy.CheckTime(now, nil); err != nil {
		return Effect{}, err
	}
	if user == "" || by.User != user || by.Role == tenancy.RoleService || (by.Role != 0 && !by.Role.Valid()) {
		return Effect{}, tenancy.Refuse("LIFE-06", tenancy.ErrUnauthorized, "only %s may ask to delete their own network identity, not %v", user, by)
	}
	return Effect{Kind: EffectForgetIdentity, Rule: "LIFE-06", At: now, To: user}, nil
}
