package lifecycle

import (
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// Stage is where an account stands in its retention life.
type Stage uint8

// The stages.
const (
	// StageActive: in use (possibly blocked, possibly counting down to a
	// suspension for inactivity).
	StageActive Stage = iota + 1
	// StageSuspended: suspended for inactivity; deleted at Deadline unless
	// an administrator restores it or buys a plan (LIFE-04).
	StageSuspended
	// StageDeleted: deleted, physically and for good (LIFE-05). Every
	// command is refused.
	StageDeleted
)

var stageNames = [...]string{"", "active", "suspended", "deleted"}

// String returns "active", "suspended" or "deleted".
func (s Stage) String() string {
	if s >= StageActive && s <= StageDeleted {
		return stageNames[s]
	}
	return fmt.Sprintf("Stage(%d)", uint8(s))
}

// User is a member of an account, with the role they hold there.
type User struct {
	ID   tenancy.UserID
	Role tenancy.Role
	// Dismissed users can no longer log in or act; they still count as
	// having been members.
	Dismissed bool
}

// Cause is why an account is blocked, for example "NET-07: plan
// compatibility". The network package names its causes; any non-empty
// string will do.
type Cause string

// Block is one reason an account cannot be used (LIFE-08).
type Block struct {
	Cause Cause
	Since time.Time
}

// Account is one tenant's life as a plain value: copy it, compare it, store
// it as JSON. Every Engine function returns a new value and leaves its
// argument untouched; slices are copied before they change.
//
// All times are in the account's location (its subscription's).
type Account struct {
	ID tenancy.AccountID
	// Owner receives the warnings. The owner is one of Users.
	Owner tenancy.UserID
	// DomainZone is where the account lives, for example "eu" (NET-03).
	DomainZone string
	Users      []User
	// Sub is the account's subscription (package plan).
	Sub plan.Subscription
	// LastActivity is the last login. The inactivity count runs from the
	// later of it and the last drop to the free plan (LIFE-01, LIFE-03).
	LastActivity time.Time
	Stage        Stage
	// Deadline is when the account will be suspended (StageActive, on the
	// free plan) or deleted (StageSuspended) if nobody acts; zero when no
	// countdown runs.
	Deadline time.Time
	// Warned counts the warnings already sent about Deadline; WarnAt is when
	// the next one is due, zero when every warning is sent (LIFE-02).
	Warned int
	WarnAt time.Time
	// SuspendedAt is when the account was suspended, in StageSuspended.
	SuspendedAt time.Time
	// Blocks are the causes that keep the account from being used
	// (LIFE-08), in the order they were set.
	Blocks []Block
	// Scheduled are blocks that will fall at their Since unless they are
	// lifted first, earliest first: the plan compatibility check of a
	// branch that dropped to free (NET-07) or of a head that lapsed
	// (NET-09). Advance sets each at its instant.
	Scheduled []Block
	// Network is the head account of the branch network the account is in
	// (its own ID for a head), empty when it is in none: an account is in
	// at most one network (NET-04).
	Network tenancy.AccountID
	// EverInNetwork records that the account was once in a branch network
	// (NET-06).
	EverInNetwork bool
	// Updated is the time of the last change.
	Updated time.Time
	// Seq counts the effects the account has produced.
	Seq uint64
}

// Location returns the account's time zone.
func (a Account) Location() *time.Location { return a.zone() }

// zone is Location without copying the account (the subscription keeps
// the zone in its last change's time).
func (a *Account) zone() *time.Location { return a.Sub.Updated.Location() }

// Blocked reports whether any block is set.
func (a Account) Blocked() bool { return len(a.Blocks) > 0 }

// ScheduledFor returns when a block with cause c will fall, if one is
// scheduled.
func (a Account) ScheduledFor(c Cause) (time.Time, bool) {
	for _, b := range a.Scheduled {
		if b.Cause == c {
			return b.Since, true
		}
	}
	return time.Time{}, false
}

// BlockedFor reports whether a block with cause c is set.
func (a Account) BlockedFor(c Cause) bool {
	for _, b := range a.Blocks {
		if b.Cause == c {
			return true
		}
	}
	return false
}

// User returns the member with id, if any, dismissed or not.
func (a Account) User(id tenancy.UserID) (User, bool) {
	for _, u := range a.Users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

// NextDeadline returns the next instant at which the account changes by
// itself (a warning, a suspension, a deletion, or its subscription's next
// deadline), and false when it has none. A service indexes this one
// timestamp per account and calls Engine.Advance when it comes.
//
// Its receiver is a pointer, unlike Account's other methods, so that a
// sweeper reading it for millions of accounts does not copy each one.
func (a *Account) NextDeadline() (time.Time, bool) {
	next := a.WarnAt
	if next.IsZero() {
		next = a.Deadline
	}
	if d, ok := a.Sub.NextDeadline(); ok && a.Stage != StageDeleted && (next.IsZero() || d.Before(next)) {
		next = d
	}
	if len(a.Scheduled) > 0 && (next.IsZero() || a.Scheduled[0].Since.Before(next)) {
		next = a.Scheduled[0].Since
	}
	return next, !next.IsZero()
}

// ErrCorrupt is matched by errors of Account.Validate and of decoding an
// account that breaks an invariant; it wraps tenancy.ErrInvalid.
var ErrCorrupt = tenancy.Kind("account state", tenancy.ErrInvalid)

// Validate checks the invariants an account holds whatever its policy: a
// known stage, an owner among its administrators, unique users with known
// roles, blocks with causes, a deleted account with no pending deadline,
// no block and no network (LIFE-05), no warning scheduled at or after the
// deadline it warns about, a valid subscription, and only times the
// engine can make: every change in [tenancy.MinTime, tenancy.MaxTime) at a
// whole-minute offset, every deadline before MaxTime plus MaxDays days.
// Engine.Check adds the checks that need the policy.
func (a Account) Validate() error {
	bad := func(format string, args ...any) error {
		return tenancy.Invalid("", ErrCorrupt, format, args...)
	}
	if a.ID == "" {
		return bad("no account ID")
	}
	if a.Sub.Account != a.ID {
		return bad("the subscription belongs to %q, not %q", a.Sub.Account, a.ID)
	}
	if err := a.Sub.Validate(); err != nil {
		return bad("subscription: %v", err)
	}
	seen := map[tenancy.UserID]bool{}
	for _, u := range a.Users {
		switch {
		case u.ID == "":
			return bad("a user without an ID")
		case seen[u.ID]:
			return bad("user %s listed twice", u.ID)
		case u.Role != tenancy.RoleEmployee && u.Role != tenancy.RoleAdministrator:
			return bad("user %s has role %v; members are employees or administrators", u.ID, u.Role)
		}
		seen[u.ID] = true
	}
	if o, ok := a.User(a.Owner); !ok || o.Role != tenancy.RoleAdministrator || o.Dismissed {
		return bad("the owner %q is not an active administrator of the account", a.Owner)
	}
	causes := map[Cause]bool{}
	for _, b := range a.Blocks {
		if b.Cause == "" || b.Since.IsZero() {
			return bad("a block without a cause or a time")
		}
		if causes[b.Cause] {
			return bad("block %q set twice", b.Cause)
		}
		causes[b.Cause] = true
	}
	if a.Updated.IsZero() || a.Updated.Before(a.Sub.Updated) {
		return bad("the account's last change %v is before its subscription's %v", a.Updated, a.Sub.Updated)
	}
	for _, t := range []time.Time{a.LastActivity, a.SuspendedAt} {
		if t.After(a.Updated) {
			return bad("a time %v after the last change %v", t, a.Updated)
		}
	}
	for _, b := range a.Blocks {
		if b.Since.After(a.Updated) {
			return bad("block %q set at %v, after the last change %v", b.Cause, b.Since, a.Updated)
		}
	}
	for i, b := range a.Scheduled {
		switch {
		case b.Cause == "" || b.Since.IsZero():
			return bad("a scheduled block without a cause or a time")
		case causes[b.Cause]:
			return bad("block %q set or scheduled twice", b.Cause)
		case b.Since.Before(a.Updated):
			return bad("block %q scheduled at %v, before the last change %v", b.Cause, b.Since, a.Updated)
		case i > 0 && b.Since.Before(a.Scheduled[i-1].Since):
			return bad("scheduled blocks out of order")
		}
		causes[b.Cause] = true
	}
	if a.Network != "" && !a.EverInNetwork {
		return bad("in network %s but not recorded as ever in one", a.Network)
	}
	if a.Warned < 0 {
		return bad("negative warning count")
	}
	if !a.WarnAt.IsZero() && (a.Deadline.IsZero() || !a.WarnAt.Before(a.Deadline)) {
		return bad("a warning at %v for a deadline at %v", a.WarnAt, a.Deadline)
	}
	switch a.Stage {
	case StageActive:
		if !a.SuspendedAt.IsZero() {
			return bad("an active account with a suspension time")
		}
		if !a.Deadline.IsZero() && a.Sub.Status != plan.StatusFree {
			return bad("an inactivity deadline on a %s subscription", a.Sub.Status)
		}
	case StageSuspended:
		if a.SuspendedAt.IsZero() || a.Deadline.IsZero() || a.Sub.Status != plan.StatusFree {
			return bad("a suspended account needs a suspension time, a deletion deadline and the free plan")
		}
	case StageDeleted:
		if !a.Deadline.IsZero() || !a.WarnAt.IsZero() || a.Blocked() || len(a.Scheduled) > 0 || a.Network != "" {
			return bad("a deleted account with a pending deadline, a block or a network")
		}
		if _, ok := a.Sub.NextDeadline(); ok {
			return bad("a deleted account with a running subscription")
		}
	default:
		return bad("unknown stage %v", a.Stage)
	}
	if a.Stage != StageDeleted {
		if d, ok := a.NextDeadline(); ok && d.Before(a.Updated) {
			return bad("deadline %v lies before the last change %v", d, a.Updated)
		}
	}
	return a.validTimes()
}

// latest is the first instant no state holds: a command comes before
// tenancy.MaxTime, and the rules derive no date more than MaxDays days
// (and a daylight-saving hour) after it.
var latest = tenancy.MaxTime.AddDate(0, 0, MaxDays+1)

// kept reports whether t may be the time of a change: a command's time,
// or a deadline that fired at one.
func kept(t time.Time) bool { return !t.Before(tenancy.MinTime) && t.Before(tenancy.MaxTime) }

// derived reports whether t may be a date the rules derived from the time
// of a change: a deadline, a warning, a scheduled block.
func derived(t time.Time) bool { return !t.Before(tenancy.MinTime) && t.Before(latest) }

// validTimes refuses an account that holds a time the engine cannot have
// made: a change outside [tenancy.MinTime, tenancy.MaxTime) or at an
// offset that is not a whole minute, a date derived from one at or after
// latest.
func (a Account) validTimes() error {
	bad := func(what string, t time.Time) error {
		return tenancy.Invalid("", ErrCorrupt, "%s %v is outside the times the library keeps (%s to %s)",
			what, t, tenancy.MinTime.Format(time.DateOnly), tenancy.MaxTime.Format(time.DateOnly))
	}
	if err := tenancy.CheckTime(a.Updated, a.Location()); err != nil {
		return bad("the last change", a.Updated)
	}
	if !kept(a.LastActivity) {
		return bad("the last activity", a.LastActivity)
	}
	if !a.SuspendedAt.IsZero() && !kept(a.SuspendedAt) {
		return bad("the suspension", a.SuspendedAt)
	}
	for _, b := range a.Blocks {
		if !kept(b.Since) {
			return bad("block "+string(b.Cause)+" set at", b.Since)
		}
	}
	for _, t := range [...]time.Time{a.Deadline, a.WarnAt} {
		if !t.IsZero() && !derived(t) {
			return bad("the deadline", t)
		}
	}
	for _, b := range a.Scheduled {
		if !derived(b.Since) {
			return bad("block "+string(b.Cause)+" scheduled at", b.Since)
		}
	}
	return nil
}
