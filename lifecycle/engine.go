package lifecycle

import (
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/days"
	"github.com/tenancykit/tenancy/plan"
)

// Engine applies the LIFE rules under one policy, on top of a plan.Engine
// for the subscriptions. It holds no state of its own; an *Engine is
// immutable and safe for concurrent use.
type Engine struct {
	plans  *plan.Engine
	policy Policy
	warn   []int // the warning days, longest first
}

// NewEngine returns an engine, or an error if plans is nil or the policy is
// invalid. The policy is copied.
func NewEngine(plans *plan.Engine, p Policy) (*Engine, error) {
	if plans == nil {
		return nil, tenancy.Refuse("", tenancy.ErrInvalid, "no plan engine")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	p.WarningDays = p.warnings()
	return &Engine{plans: plans, policy: p, warn: p.WarningDays}, nil
}

// call is the engine for the length of one call of its exported methods:
// the dates that call computes (a deadline and the warnings before it,
// often across a change of offset) go through one zone cache on the
// caller's stack, so that each span of the account's zone is looked up
// once, not three times per date.
type call struct {
	*Engine
	z days.Cache
}

// checkTime is tenancy.CheckTime(now, loc), reading the offset through the
// call's cache: the dates computed next are then likely in the span it
// looked up.
func (e *call) checkTime(now time.Time, loc *time.Location) error {
	if now.Before(tenancy.MinTime) || !now.Before(tenancy.MaxTime) || e.z.Offset(now.In(loc))%60 != 0 {
		return tenancy.CheckTime(now, loc) // the refusal, worded in one place
	}
	return nil
}

// Plans returns the plan engine the lifecycle engine uses.
func (e *Engine) Plans() *plan.Engine { return e.plans }

// Policy returns a copy of the engine's policy, warning days longest first.
func (e *Engine) Policy() Policy {
	p := e.policy
	p.WarningDays = append([]int(nil), e.warn...)
	return p
}

// New returns a new account on the free plan, created at now in location loc
// (nil means UTC) by its owner, who is its first administrator. Creating the
// account counts as activity: the inactivity count starts now (LIFE-01).
// A now outside the times the library keeps, or at an offset in loc that
// is not a whole minute (tenancy.CheckTime), is refused with
// tenancy.ErrInvalid: the account could not be stored.
func (e *Engine) New(id tenancy.AccountID, owner tenancy.UserID, domainZone string, loc *time.Location, now time.Time) (Account, error) {
	if id == "" || owner == "" {
		return Account{}, tenancy.Refuse("", tenancy.ErrInvalid, "an account needs an ID and an owner")
	}
	if loc == nil {
		loc = time.UTC
	}
	if err := tenancy.CheckTime(now, loc); err != nil {
		return Account{}, err
	}
	sub, err := e.plans.New(id, loc, now)
	if err != nil {
		return Account{}, err
	}
	now = now.In(sub.Location())
	a := Account{
		ID: id, Owner: owner, DomainZone: domainZone,
		Users:        []User{{ID: owner, Role: tenancy.RoleAdministrator}},
		Sub:          sub,
		LastActivity: now,
		Stage:        StageActive,
		Updated:      now,
	}
	c := call{Engine: e}
	c.rearm(&a)
	return a, nil
}

// Check validates a as Account.Validate does, its subscription against the
// plan engine's catalog, and its countdown against the engine's policy.
func (e *Engine) Check(a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if err := e.plans.Check(a.Sub); err != nil {
		return err
	}
	want := a
	c := call{Engine: e}
	c.arm(&want)
	if !want.Deadline.Equal(a.Deadline) || !want.WarnAt.Equal(a.WarnAt) || a.Warned > len(e.warn) {
		return tenancy.Invalid("", ErrCorrupt, "countdown to %v (warning %d at %v) does not follow the policy, which gives %v (at %v)",
			a.Deadline, a.Warned, a.WarnAt, want.Deadline, want.WarnAt)
	}
	return nil
}

// countdown returns the deadline the account counts down to: its
// suspension for inactivity when active on the free plan (LIFE-01), counted
// from the later of the last login and the drop to free (LIFE-03); its
// deletion when suspended (LIFE-04); zero otherwise. A commercial account
// never counts down.
func (e *call) countdown(a *Account) time.Time {
	switch {
	case a.Stage == StageActive && a.Sub.Status == plan.StatusFree:
		base := a.LastActivity
		if a.Sub.FreeSince.After(base) {
			base = a.Sub.FreeSince
		}
		return e.z.Add(base, e.policy.InactivityDays)
	case a.Stage == StageSuspended:
		return e.z.Add(a.SuspendedAt, e.policy.PurgeDays)
	}
	return time.Time{}
}

// rearm sets the account's deadline and its next warning after any change.
// Warnings already sent count only for the deadline they were about.
// The next warning follows from the deadline and the warnings sent, so
// when the deadline stays it stays too (Check verifies it with arm).
func (e *call) rearm(a *Account) {
	target := e.countdown(a)
	if target.Equal(a.Deadline) {
		return
	}
	a.Deadline, a.Warned = target, 0
	e.warnNext(a)
}

// arm sets the account's deadline and computes its next warning afresh.
func (e *call) arm(a *Account) {
	target := e.countdown(a)
	if !target.Equal(a.Deadline) {
		a.Deadline, a.Warned = target, 0
	}
	e.warnNext(a)
}

// warnNext sets when the next warning about a.Deadline is due.
func (e *call) warnNext(a *Account) {
	target := a.Deadline
	a.WarnAt = time.Time{}
	if !target.IsZero() && a.Warned < len(e.warn) {
		a.WarnAt = e.z.Add(target, -e.warn[a.Warned])
	}
}

// Advance moves a to now: every deadline at or before now fires in order
// (warnings, suspension, deletion, and the subscription's own deadlines),
// and each appends its effects to dst, stamped with the deadline's time.
// When nothing is due it returns a and dst unchanged without allocating.
//
// Warnings are deadlines of their own, earlier than the action they warn
// about, so even when time jumps past several deadlines at once every
// warning comes out, in order, before the suspension or deletion (LIFE-02).
//
// A now earlier than a.Updated is refused with tenancy.ErrTimeWentBack, a
// now outside the times the library keeps (tenancy.CheckTime) with
// tenancy.ErrInvalid; either way a is returned as it was.
func (e *Engine) Advance(a Account, now time.Time, dst []Effect) (Account, []Effect, error) {
	dst, err := e.AdvanceTo(&a, now, dst)
	return a, dst, err
}

// AdvanceTo is Advance in place: it moves *a to now and appends the
// effects to dst. On an error *a is as it was. A sweeper that keeps its
// accounts in a slice or behind pointers calls it to advance each one
// without copying it; when nothing is due it reads three times and
// writes nothing.
func (e *Engine) AdvanceTo(a *Account, now time.Time, dst []Effect) ([]Effect, error) {
	// The fast path: nothing is due. A now at or after a.Updated is at or
	// after tenancy.MinTime, a.Updated being a time the library keeps.
	if next, ok := a.NextDeadline(); (!ok || now.Before(next)) && !now.Before(a.Updated) && now.Before(tenancy.MaxTime) {
		return dst, nil
	}
	c := call{Engine: e}
	if err := c.checkTime(now, a.zone()); err != nil {
		return dst, err
	}
	orig, n := *a, len(dst) // a deadline is due: something will change
	dst, err := c.catchUp(a, now, dst)
	if err != nil {
		*a = orig
		return dst[:n], err
	}
	return dst, nil
}

// catchUp fires every deadline of a up to now, a time CheckTime accepts.
// On an error *a may be partly advanced: its callers work on a copy
// (ApplyTo) or keep one to put back (AdvanceTo).
func (e *call) catchUp(a *Account, now time.Time, dst []Effect) ([]Effect, error) {
	if now.Before(a.Updated) {
		return dst, tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before the account's last change at %v", now, a.Updated)
	}
	for {
		next, ok := a.NextDeadline()
		if !ok || next.After(now) || a.Stage == StageDeleted {
			return dst, nil
		}
		var err error
		if dst, err = e.fire(a, next, dst); err != nil {
			return dst, err
		}
	}
}

// fire applies the account's next deadline, at. It fails only for an
// account whose subscription changed after the account did, which Validate
// refuses.
func (e *call) fire(a *Account, at time.Time, dst []Effect) ([]Effect, error) {
	if d, ok := a.Sub.NextDeadline(); ok && d.Equal(at) {
		sub, evs, err := e.plans.Advance(a.Sub, at, nil)
		if err != nil {
			return dst, err
		}
		a.Sub = sub
		dst = e.planEffects(a, evs, dst)
		a.Updated = at
		e.rearm(a)
		return dst, nil
	}
	a.Updated = at
	if len(a.Scheduled) > 0 && a.Scheduled[0].Since.Equal(at) {
		// A scheduled block falls (NET-07, NET-09 through LIFE-08).
		b := a.Scheduled[0]
		a.Scheduled = a.Scheduled[1:len(a.Scheduled):len(a.Scheduled)]
		if len(a.Scheduled) == 0 {
			a.Scheduled = nil
		}
		a.Blocks = append(append(make([]Block, 0, len(a.Blocks)+1), a.Blocks...), b)
		var d *Effect
		dst, d = e.push(dst, a, EffectBlock, at)
		d.Cause = b.Cause
		return dst, nil
	}
	if !a.WarnAt.IsZero() && a.WarnAt.Equal(at) {
		kind := EffectWarnSuspension
		if a.Stage == StageSuspended {
			kind = EffectWarnDeletion
		}
		var d *Effect
		dst, d = e.push(dst, a, kind, at)
		d.To, d.Deadline = a.Owner, a.Deadline
		// The deadline stays; only the next warning moves.
		a.Warned++
		e.warnNext(a)
		return dst, nil
	}
	if a.Stage == StageActive {
		// LIFE-01: suspended and scheduled for deletion.
		a.Stage, a.SuspendedAt = StageSuspended, at
		e.rearm(a)
		var d *Effect
		dst, d = e.push(dst, a, EffectSuspend, at)
		d.Deadline = a.Deadline
		return dst, nil
	}
	return e.purge(a, at, "LIFE-05", dst)
}

// purge deletes the account at time at (LIFE-05). Users' network identities
// survive (LIFE-06): the effect names only the account's data.
// The rule is LIFE-05 for a purge after suspension, LIFE-07 for a deletion
// on request.
//
// A paid subscription ends with the account: it will neither renew nor
// fall into grace, so a billing job that reads it charges nothing more.
// It fails only at a time the library does not keep, which Apply and
// Advance refuse first.
func (e *call) purge(a *Account, at time.Time, rule tenancy.RuleID, dst []Effect) ([]Effect, error) {
	sub, evs, err := e.plans.End(a.Sub, at, nil)
	if err != nil {
		return dst, err
	}
	a.Sub = sub
	dst = e.planEffects(a, evs, dst)
	a.Stage, a.Deadline, a.WarnAt, a.Warned, a.Blocks, a.Scheduled, a.Network = StageDeleted, time.Time{}, time.Time{}, 0, nil, nil, ""
	a.Updated = at
	var d *Effect
	dst, d = e.push(dst, a, EffectPurge, at)
	d.Rule, d.Data = rule, AllData
	return dst, nil
}

// planEffects wraps the subscription's events as effects.
func (e *Engine) planEffects(a *Account, evs []plan.Event, dst []Effect) []Effect {
	for _, ev := range evs {
		var d *Effect
		dst, d = e.push(dst, a, EffectPlan, ev.At)
		d.Plan = ev
		if ev.Rule != "" {
			d.Rule = ev.Rule
		}
	}
	return dst
}

// push appends to dst an effect of kind k on a at time at, under the
// kind's rule, and returns dst and the effect, for the caller to fill in
// the fields the kind uses. The effect is written where it lies in dst,
// not built and copied: an Effect is several hundred bytes.
func (e *Engine) push(dst []Effect, a *Account, k EffectKind, at time.Time) ([]Effect, *Effect) {
	dst = append(dst, Effect{})
	d := &dst[len(dst)-1]
	a.Seq++
	d.Kind, d.Rule, d.Account, d.At, d.Seq = k, effectRules[k], a.ID, at, a.Seq
	return dst, d
}

// Project returns every effect that will happen to a after its last change
// if nobody acts: no login, no payment, no command. For a free account it
// ends with the deletion; for a paid one, after grace, the drop to free and
// the inactivity countdown. Customer-facing notices ("your account will be
// deleted on …") read their dates from it. It stops before a deadline at
// or after tenancy.MaxTime, which Advance never reaches.
func (e *Engine) Project(a Account) []Effect {
	// A free account's timeline: the warnings and action of the suspension
	// and of the deletion.
	out := make([]Effect, 0, 2*len(e.warn)+2)
	c := call{Engine: e}
	for range maxProjected {
		next, ok := a.NextDeadline()
		if !ok || a.Stage == StageDeleted || !next.Before(tenancy.MaxTime) {
			// A deadline at or after tenancy.MaxTime never fires:
			// Advance refuses such a time.
			break
		}
		var err error
		if out, err = c.fire(&a, next, out); err != nil {
			break
		}
	}
	return out
}

// maxProjected bounds Project's loop; a timeline needs far fewer deadlines
// unless account credit pays renewals for centuries.
const maxProjected = 2000

// Apply runs cmd against a at time now, after advancing a to now exactly as
// Advance does; the effects of that advance come first. It returns the new
// account and every effect, or an error naming the rule that refused the
// command, in which case the returned account is a unchanged and no effect
// is returned. A now outside the times the library keeps
// (tenancy.CheckTime, in the account's zone) is refused with
// tenancy.ErrInvalid.
//
// Apply commits nothing, so it is also the preview of a command: call it,
// show the effects, and keep the result only when the actor confirms.
func (e *Engine) Apply(a Account, now time.Time, cmd Command) (Account, []Effect, error) {
	return e.ApplyAppend(a, now, cmd, nil)
}

// ApplyAppend is Apply appending the effects to dst, as Advance does, so
// that a caller that reuses one slice allocates none for them. On a
// refusal it returns a and dst as they were (the bytes of dst beyond its
// length may have been written).
func (e *Engine) ApplyAppend(a Account, now time.Time, cmd Command, dst []Effect) (Account, []Effect, error) {
	dst, err := e.ApplyTo(&a, now, cmd, dst)
	return a, dst, err
}

// ApplyTo is ApplyAppend in place: it runs cmd against *a and appends the
// effects to dst. On a refusal *a and dst are as they were.
func (e *Engine) ApplyTo(a *Account, now time.Time, cmd Command, dst []Effect) ([]Effect, error) {
	if cmd == nil {
		return dst, tenancy.Refuse("", tenancy.ErrInvalid, "no command")
	}
	c := call{Engine: e}
	if err := c.checkTime(now, a.zone()); err != nil {
		return dst, err
	}
	// The commands are dispatched by type, not through the interface, so
	// that the working copy of the account stays on the stack.
	var actor tenancy.Actor
	switch c := cmd.(type) {
	case Login:
		actor = c.actor()
	case Restore:
		actor = c.actor()
	case Plan:
		if c.Cmd == nil {
			return dst, tenancy.Refuse("", tenancy.ErrInvalid, "no plan command")
		}
		actor = c.actor()
	case HeadPlan:
		// A plan command names its actor: without one there is nobody
		// to authorize.
		if c.Cmd == nil {
			return dst, tenancy.Refuse("", tenancy.ErrInvalid, "no plan command")
		}
		actor = c.actor()
	case AddUser:
		actor = c.actor()
	case DismissUser:
		actor = c.actor()
	case Delete:
		actor = c.actor()
	case SetBlock:
		actor = c.actor()
	case LiftBlock:
		actor = c.actor()
	case JoinNetwork:
		actor = c.actor()
	case LeaveNetwork:
		actor = c.actor()
	default:
		// Only a type that embeds one of the commands gets here. (The
		// message leaves the type out so that cmd does not escape.)
		return dst, tenancy.Refuse("", tenancy.ErrInvalid, "not a command of package lifecycle itself")
	}
	t := *a
	effs, err := c.catchUp(&t, now, dst) // now passed CheckTime above
	if err != nil {
		return dst, err
	}
	if t.Stage == StageDeleted {
		return dst, tenancy.Refuse("LIFE-05", ErrDeleted, "account %s was deleted on %s; nothing can bring it back", a.ID, t.Updated.Format(time.DateOnly))
	}
	role, err := t.roleOf(actor)
	if err != nil {
		return dst, err
	}
	now = now.In(t.zone())
	switch x := cmd.(type) {
	case Login:
		effs, err = x.run(&c, &t, role, now, effs)
	case Restore:
		effs, err = x.run(&c, &t, role, now, effs)
	case Plan:
		effs, err = x.run(&c, &t, role, now, effs)
	case HeadPlan:
		effs, err = x.run(&c, &t, role, now, effs)
	case AddUser:
		effs, err = x.run(&c, &t, role, now, effs)
	case DismissUser:
		effs, err = x.run(&c, &t, role, now, effs)
	case Delete:
		effs, err = x.run(&c, &t, role, now, effs)
	case SetBlock:
		effs, err = x.run(&c, &t, role, now, effs)
	case LiftBlock:
		effs, err = x.run(&c, &t, role, now, effs)
	case JoinNetwork:
		effs, err = x.run(&c, &t, role, now, effs)
	case LeaveNetwork:
		effs, err = x.run(&c, &t, role, now, effs)
	}
	if err != nil {
		return dst, err
	}
	t.Updated = now
	c.rearm(&t)
	*a = t
	return effs, nil
}

// Authorize returns the role actor holds in a, or the PLAN-02 refusal: the
// service is the service; a person must be a member who is not dismissed,
// holding the role the actor claims, if it claims one. Apply makes this
// check itself; callers that combine accounts may make it first.
func (a Account) Authorize(actor tenancy.Actor) (tenancy.Role, error) { return a.roleOf(actor) }

// roleOf returns the role actor really holds in a: the service is the
// service; a person must be a member who is not dismissed, holding the role
// the actor claims, if it claims one.
func (a Account) roleOf(actor tenancy.Actor) (tenancy.Role, error) {
	if actor.Role == tenancy.RoleService {
		return tenancy.RoleService, nil
	}
	u, ok := a.User(actor.User)
	switch {
	case !ok || u.Dismissed:
		return 0, tenancy.Refuse("PLAN-02", tenancy.ErrUnauthorized, "%s is not a member of account %s", actor.User, a.ID)
	case actor.Role != 0 && u.Role != actor.Role:
		return 0, tenancy.Refuse("PLAN-02", tenancy.ErrUnauthorized, "%s is %s of account %s, not %s", actor.User, article(u.Role), a.ID, article(actor.Role))
	}
	return u.Role, nil
}

func article(r tenancy.Role) string {
	switch r {
	case tenancy.RoleAdministrator:
		return "an administrator"
	case tenancy.RoleEmployee:
		return "an employee"
	}
	return "the " + r.String()
}
