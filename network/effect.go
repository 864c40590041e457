package network

import (
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
)

// The causes with which the plan compatibility check blocks accounts
// (LIFE-08). They are the lifecycle.Cause values of the blocks this package
// schedules on its members (see Engine.Align).
const (
	// CauseBranch blocks a branch that stayed on the free plan past its
	// grace (NET-07).
	CauseBranch lifecycle.Cause = "NET-07: plan compatibility check: the branch is not on a commercial plan"
	// CauseHead blocks a head account that lapsed to free and did not pay
	// within its grace (NET-09).
	CauseHead lifecycle.Cause = "NET-09: plan compatibility check: the head account lapsed and did not pay"
)

// EffectKind says what happened to a network, or what the service must do
// for it.
type EffectKind uint8

// The effect kinds. Effects addressed to an account (Account) that change
// it are carried out on it with Engine.Carry, which turns them into
// lifecycle commands; package fleet does so within the same step.
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
	// the account leaves it, and a block of the plan compatibility check,
	// set or scheduled, is lifted (NET-07).
	EffectDisconnected
	// EffectIncompatible: branch Account dropped to free: it is disconnected
	// but listed, shown in red, and blocked at Deadline unless it goes
	// commercial or is disconnected (NET-07).
	EffectIncompatible
	// EffectReconnected: an incompatible or blocked branch is commercial
	// again and back in the connected list (NET-08).
	EffectReconnected
	// EffectBlocked: the plan compatibility check blocked Account, a branch
	// (NET-07) or the head (NET-09); the widget shows it.
	EffectBlocked
	// EffectDisabled: the head is off Enterprise; the network is disabled
	// and the widget hidden at every branch (NET-09). Deadline: when the
	// head is blocked unless it pays again, zero while it still pays for
	// another plan. Repeated when that deadline changes.
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
	"incompatible", "reconnected", "blocked", "disabled", "resumed", "dissolved"}

var effectRules = [...]tenancy.RuleID{"", "NET-01", "NET-02", "NET-06", "NET-13", "NET-13",
	"NET-07", "NET-08", "NET-07", "NET-09", "NET-09", "NET-11"}

// String returns the kind's stable name, for example "incompatible".
func (k EffectKind) String() string {
	if k > 0 && k < effectKindEnd {
		return effectNames[k]
	}
	return fmt.Sprintf("EffectKind(%d)", uint8(k))
}

// ParseEffectKind returns the kind named s, as String writes it.
func ParseEffectKind(s string) (EffectKind, bool) {
	for k := EffectCreated; k < effectKindEnd; k++ {
		if effectNames[k] == s {
			return k, true
		}
	}
	return 0, false
}

// Effect is something that happened to a network, or that the service
// must carry out for it, returned as data.
type Effect struct {
	Kind    EffectKind
	Rule    tenancy.RuleID
	Network string            // the network's ID (Network.ID)
	Head    tenancy.AccountID // the head
	Account tenancy.AccountID // the account concerned
	At      time.Time
	// Deadline is when a block will fall, for EffectIncompatible and
	// EffectDisabled.
	Deadline time.Time
	To       tenancy.UserID
	// Days is the trial length, for EffectStartTrial.
	Days int
	// Seq numbers the effects of the network's commands; zero for the
	// effects of a member's standing.
	Seq uint64
	// Standing is the Seq of the standing that caused the effect, zero for
	// the effects of a command.
	Standing uint64
}

// ID returns a stable identifier: network, account, rule, kind, instant,
// and "c" and the number among the network's command effects or "s" and
// the Seq of the standing that caused it. An effect of a standing has the
// same ID however late and however often the standing is delivered.
func (e Effect) ID() string {
	ref := fmt.Sprintf("c%d", e.Seq)
	if e.Seq == 0 {
		ref = fmt.Sprintf("s%d", e.Standing)
	}
	return fmt.Sprintf("%s/%s/%s/%s/%s/%s", e.Network, e.Account, e.Rule, e.Kind, e.At.UTC().Format(time.RFC3339Nano), ref)
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
