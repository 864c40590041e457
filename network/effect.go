package network

import (
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
)

// The causes with which the plan compatibility check blocks accounts
// (LIFE-08). They are the lifecycle.Cause values of the blocks this package
// asks for.
const (
	// CauseBranch blocks a branch that stayed on the free plan past its
	// grace (NET-07).
	CauseBranch lifecycle.Cause = "NET-07: plan compatibility check: the branch is not on a commercial plan"
	// CauseHead blocks a head account that lapsed from Enterprise and did
	// not pay within its grace (NET-09).
	CauseHead lifecycle.Cause = "NET-09: plan compatibility check: the head account is not on Enterprise"
)

// EffectKind says what the service must do for a network.
type EffectKind uint8

// The effect kinds. Effects addressed to an account (Account) are carried
// out on it with Engine.Carry, which turns them into lifecycle commands.
const (
	// EffectCreated: a network was created around Account as its head
	// (NET-01). Carry: the account joins as head.
	EffectCreated EffectKind = iota + 1
	// EffectConnected: Account joined as a branch (NET-02, NET-05). Carry:
	// the account joins the network.
	EffectConnected
	// EffectStartTrial: Account, free, gets the branch trial (NET-06).
	// Carry: a network trial starts on it.
	EffectStartTrial
	// EffectNotify: tell administrator To of Account that it was connected
	// (NET-13).
	EffectNotify
	// EffectDisconnected: Account left the network (NET-11, NET-13). Carry:
	// the account leaves it.
	EffectDisconnected
	// EffectIncompatible: branch Account dropped to free: it is disconnected
	// but listed, shown in red, and blocked at Deadline unless it goes
	// commercial or is disconnected (NET-07).
	EffectIncompatible
	// EffectReconnected: an incompatible branch is commercial again and back
	// in the connected list (NET-08).
	EffectReconnected
	// EffectBlock: the plan compatibility check blocks Account for Cause
	// (NET-07, NET-09). Carry: the block is set.
	EffectBlock
	// EffectUnblock: the block for Cause on Account is lifted. Carry: it is.
	EffectUnblock
	// EffectDisabled: the head lapsed from Enterprise; the network is
	// disabled, the widget hidden at every branch, and the head blocked at
	// Deadline unless it is on Enterprise again (NET-09).
	EffectDisabled
	// EffectResumed: the head is on Enterprise again; the network operates
	// and the widget shows again (NET-09).
	EffectResumed
	// EffectDissolved: the head, with no branch left, closed the network.
	// Carry: the head leaves it.
	EffectDissolved
	effectKindEnd
)

var effectNames = [...]string{"", "created", "connected", "start-trial", "notify", "disconnected",
	"incompatible", "reconnected", "block", "unblock", "disabled", "resumed", "dissolved"}

var effectRules = [...]tenancy.RuleID{"", "NET-01", "NET-02", "NET-06", "NET-13", "NET-13",
	"NET-07", "NET-08", "NET-07", "NET-07", "NET-09", "NET-09", "NET-11"}

// String returns the kind's stable name, for example "incompatible".
func (k EffectKind) String() string {
	if k > 0 && k < effectKindEnd {
		return effectNames[k]
	}
	return fmt.Sprintf("EffectKind(%d)", uint8(k))
}

// Effect is something the service must carry out for a network, returned as
// data.
type Effect struct {
	Kind    EffectKind
	Rule    tenancy.RuleID
	Network tenancy.AccountID // the head
	Account tenancy.AccountID // the account concerned
	At      time.Time
	// Deadline is when a block will fall, for EffectIncompatible and
	// EffectDisabled.
	Deadline time.Time
	To       tenancy.UserID
	Cause    lifecycle.Cause
	// Days is the trial length, for EffectStartTrial.
	Days int
	Seq  uint64
}

// ID returns a stable identifier: network, account, rule, kind, instant and
// number in the network's history.
func (e Effect) ID() string {
	return fmt.Sprintf("%s/%s/%s/%s/%s/%d", e.Network, e.Account, e.Rule, e.Kind, e.At.UTC().Format(time.RFC3339Nano), e.Seq)
}

// String returns a one-line description.
func (e Effect) String() string {
	s := fmt.Sprintf("%s %s %s %s", e.At.Format(time.DateOnly), e.Rule, e.Kind, e.Account)
	if e.To != "" {
		s += " to=" + string(e.To)
	}
	if !e.Deadline.IsZero() {
		s += " deadline=" + e.Deadline.Format(time.DateOnly)
	}
	return s
}
