package network

import (
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// Level is how far an account's plan goes, as a network sees it.
type Level uint8

// The levels, lowest first.
const (
	// LevelFree: on the free plan, or suspended or deleted.
	LevelFree Level = iota + 1
	// LevelTrial: on a trial, such as the branch trial (NET-06).
	LevelTrial
	// LevelCommercial: on a paid plan other than Enterprise, in a paid
	// period or in grace (NET-02).
	LevelCommercial
	// LevelEnterprise: on an active Enterprise plan (NET-01).
	LevelEnterprise
)

var levelNames = [...]string{"", "free", "trial", "commercial", "enterprise"}

// String returns "free", "trial", "commercial" or "enterprise".
func (l Level) String() string {
	if l >= LevelFree && l <= LevelEnterprise {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// ParseLevel returns the level named s, as String writes it.
func ParseLevel(s string) (Level, bool) {
	for l := LevelFree; l <= LevelEnterprise; l++ {
		if levelNames[l] == s {
			return l, true
		}
	}
	return 0, false
}

// Standing is what a member account tells its network about itself: its
// plan level, whether the plan compatibility check blocked it or will,
// and whether it was deleted, as of At. It is the one message that goes
// from an account to its network (NET-07 to NET-09); package fleet sends
// one whenever a member's standing changes, on any path.
//
// A network applies a standing as of its At, not as of its delivery:
// delivered at once, an hour later or twice, it gives the same network and
// the same effects. Standings of one account apply in Seq order; an older
// or repeated one changes nothing.
type Standing struct {
	Account tenancy.AccountID
	// Network is the head of the network the account is in.
	Network tenancy.AccountID
	// Seq is the account's Seq when its standing changed
	// (lifecycle.Account.Seq): later standings have larger ones.
	Seq uint64
	// At is when the standing changed.
	At    time.Time
	Level Level
	// Blocked says the plan compatibility check blocked the account.
	Blocked bool
	// Deadline is when that check blocks the account (scheduled) or did
	// (Blocked); zero when it will not.
	Deadline time.Time
	Deleted  bool
}

// Same reports whether s and t say the same of the same account, whatever
// their Seq and At.
func (s Standing) Same(t Standing) bool {
	return s.Account == t.Account && s.Network == t.Network && s.Level == t.Level &&
		s.Blocked == t.Blocked && s.Deadline.Equal(t.Deadline) && s.Deleted == t.Deleted
}

// cause returns the cause of the plan compatibility block for acc: the
// head's (NET-09) or a branch's (NET-07).
func cause(acc *lifecycle.Account) lifecycle.Cause {
	if acc.Network == acc.ID {
		return CauseHead
	}
	return CauseBranch
}

// LevelOf returns how far acc's plan goes now.
func (e *Engine) LevelOf(acc lifecycle.Account) Level {
	switch {
	case e.enterprise(&acc):
		return LevelEnterprise
	case e.commercial(&acc):
		return LevelCommercial
	case acc.Stage == lifecycle.StageActive && acc.Sub.Status == plan.StatusTrial:
		return LevelTrial
	}
	return LevelFree
}

// StandingOf returns acc's standing in its network as of its last change
// (acc.Updated, acc.Seq).
func (e *Engine) StandingOf(acc lifecycle.Account) Standing {
	s := Standing{Account: acc.ID, Network: acc.Network, Seq: acc.Seq, At: acc.Updated,
		Level: e.LevelOf(acc), Deleted: acc.Stage == lifecycle.StageDeleted}
	c := cause(&acc)
	for _, b := range acc.Blocks {
		if b.Cause == c {
			s.Blocked, s.Deadline = true, b.Since
		}
	}
	if d, ok := acc.ScheduledFor(c); ok {
		s.Deadline = d
	}
	return s
}

// Align brings acc's plan compatibility block in line with its standing at
// now, and returns the account and the lifecycle effects. A branch below
// a trial (NET-07), or a head below a commercial plan (NET-09), gets a
// block scheduled GraceDays after it came onto the free plan, unless one
// is already set or scheduled; a member back on a good enough plan, and an
// account out of every network, has its block lifted. Align is what keeps
// a member's deadlines its own: they fall on time whenever its network
// hears of them. Package fleet calls it after every change of a member.
func (e *Engine) Align(acc lifecycle.Account, now time.Time) (lifecycle.Account, []lifecycle.Effect, error) {
	if err := tenancy.CheckTime(now, acc.Location()); err != nil {
		return acc, nil, err
	}
	if acc.Stage == lifecycle.StageDeleted {
		return acc, nil, nil
	}
	lvl := e.LevelOf(acc)
	head := acc.Network != "" && acc.Network == acc.ID
	branch := acc.Network != "" && !head
	var out []lifecycle.Effect
	for _, c := range [...]struct {
		cause lifecycle.Cause
		need  bool
	}{
		{CauseBranch, branch && lvl < LevelTrial},
		{CauseHead, head && lvl < LevelCommercial},
	} {
		_, scheduled := acc.ScheduledFor(c.cause)
		have := scheduled || acc.BlockedFor(c.cause)
		var cmd lifecycle.Command
		switch {
		case c.need && !have:
			at := acc.Sub.FreeSince.In(acc.Location()).AddDate(0, 0, e.policy.GraceDays)
			cmd = lifecycle.SetBlock{By: tenancy.Service(), Cause: c.cause, At: at}
		case !c.need && have:
			cmd = lifecycle.LiftBlock{By: tenancy.Service(), Cause: c.cause}
		default:
			continue
		}
		var effs []lifecycle.Effect
		var err error
		if acc, effs, err = e.lives.Apply(acc, now, cmd); err != nil {
			return acc, out, err
		}
		out = append(out, effs...)
	}
	return acc, out, nil
}

// Deliver applies a member's standing to n and returns the network's
// effects, each stamped with s.At and identified by s.Seq, so that the
// same standing gives the same effects whenever it is delivered. A
// standing of an account that is not listed (any more), or older than or
// as old as the last one applied for it, changes nothing; so does any
// standing to a dissolved network. A standing addressed to another head
// is refused; so, with tenancy.ErrInvalid, is one at a time the library
// does not keep or with a deadline no account can have.
//
// A branch below a trial turns incompatible, blocked at s.Deadline (or
// GraceDays after s.At when the standing has none); a blocked one is
// marked so; one on a trial or better returns to the connected list
// (NET-07, NET-08); a deleted one is unlisted. A head off Enterprise
// disables the network, with the head's deadline when it no longer pays;
// on Enterprise again the network resumes (NET-09).
func (e *Engine) Deliver(n *Network, s Standing) ([]Effect, error) {
	if err := tenancy.CheckTime(s.At, nil); err != nil {
		return nil, err
	}
	if !s.Deadline.IsZero() && !derived(s.Deadline) {
		return nil, tenancy.Refuse("", tenancy.ErrInvalid, "the standing of %s has a deadline %v no account can have", s.Account, s.Deadline)
	}
	if s.Network != n.head {
		return nil, tenancy.Refuse("NET-04", ErrNotMember, "a standing of %s for the network of %s was delivered to the network of %s", s.Account, s.Network, n.head)
	}
	if n.status == Dissolved {
		return nil, nil
	}
	if s.Account == n.head {
		return n.deliverHead(s), nil
	}
	b := n.branches[s.Account]
	if b == nil || s.Seq <= b.Seen {
		return nil, nil
	}
	b = n.edit(s.Account)
	b.Seen = s.Seq
	n.touch(s.At)
	was := b.Status
	eff := func(k EffectKind, d Effect) []Effect {
		d.Standing = s.Seq
		return []Effect{n.fill(k, s.Account, s.At, d)}
	}
	if s.Deleted {
		n.unlist(b)
		return eff(EffectDisconnected, Effect{Rule: "LIFE-05"}), nil
	}
	status := Incompatible
	switch {
	case s.Blocked:
		status = Blocked
	case s.Level == LevelTrial:
		status = OnTrial
	case s.Level >= LevelCommercial:
		status = Connected
	}
	deadline := s.Deadline
	if status == Incompatible && deadline.IsZero() {
		deadline = s.At.AddDate(0, 0, e.policy.GraceDays)
	}
	if status == Connected || status == OnTrial {
		deadline = time.Time{}
	}
	if status == was && b.Deadline.Equal(deadline) {
		return nil, nil
	}
	active := func(st BranchStatus) bool { return st == Connected || st == OnTrial }
	switch {
	case active(was) && !active(status):
		n.active--
	case !active(was) && active(status):
		n.active++
	}
	b.Status, b.Deadline = status, deadline
	if status != was {
		b.Since = s.At
	}
	switch {
	case status == Incompatible:
		return eff(EffectIncompatible, Effect{Deadline: deadline}), nil
	case status == Blocked:
		return eff(EffectBlocked, Effect{}), nil
	case !active(was):
		return eff(EffectReconnected, Effect{}), nil
	}
	return nil, nil // between connected and on trial
}

// deliverHead applies the head's standing.
func (n *Network) deliverHead(s Standing) []Effect {
	if s.Seq <= n.headSeen {
		return nil
	}
	n.headSeen = s.Seq
	n.touch(s.At)
	var out []Effect
	add := func(k EffectKind, d Effect) {
		d.Standing, d.Rule = s.Seq, "NET-09"
		out = append(out, n.fill(k, n.head, s.At, d))
	}
	ent := s.Level == LevelEnterprise && !s.Deleted
	deadline := s.Deadline
	if s.Blocked || s.Deleted {
		deadline = time.Time{}
	}
	switch {
	case n.status == Operating && !ent:
		n.status, n.headDeadline = Disabled, deadline
		add(EffectDisabled, Effect{Deadline: deadline})
	case n.status == Disabled && ent:
		n.status, n.headDeadline = Operating, time.Time{}
		add(EffectResumed, Effect{})
	case n.status == Disabled && !n.headDeadline.Equal(deadline) && !s.Blocked:
		n.headDeadline = deadline
		add(EffectDisabled, Effect{Deadline: deadline})
	}
	if s.Blocked && !n.headBlocked && n.status == Disabled {
		add(EffectBlocked, Effect{})
	}
	n.headBlocked = s.Blocked && n.status == Disabled
	if n.headBlocked {
		n.headDeadline = s.Deadline
	}
	return out
}

// Observe delivers acc's standing as of its last change (StandingOf): call
// it after any change of a member account (NET-07 to NET-09) when you
// drive the engines yourself; package fleet does it for you. An account
// listed as connected that has been on the free plan since before it was
// listed is reported as corrupt, not repaired: the network or the account
// given is wrong.
func (e *Engine) Observe(n *Network, acc lifecycle.Account, now time.Time) ([]Effect, error) {
	if err := tenancy.CheckTime(now, acc.Location()); err != nil {
		return nil, err
	}
	if acc.ID != n.head && n.branches[acc.ID] == nil {
		return nil, tenancy.Refuse("NET-04", ErrNotMember, "%s is not in the network of %s", acc.ID, n.head)
	}
	if b := n.branches[acc.ID]; b != nil && b.Status == Connected && acc.Stage == lifecycle.StageActive &&
		acc.Sub.Status == plan.StatusFree && acc.Sub.FreeSince.Before(b.Since) && acc.Seq > b.Seen {
		return nil, tenancy.Invalid("NET-02", ErrCorrupt, "%s is listed as connected since %v but has been on the free plan since %v", acc.ID, b.Since, acc.Sub.FreeSince)
	}
	s := e.StandingOf(acc)
	if s.Network == "" {
		// The account was disconnected but the network still lists it:
		// tell the network what the account says of itself.
		s.Network = n.head
	}
	return e.Deliver(n, s)
}
