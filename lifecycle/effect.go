package lifecycle

import (
	"fmt"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// EffectKind says what the service must do, or what happened.
type EffectKind uint8

// The effect kinds, with the rule each serves and the fields it fills.
const (
	// EffectPlan wraps an event of the account's subscription: Plan holds
	// it (PLAN rules).
	EffectPlan EffectKind = iota + 1
	// EffectWarnSuspension: e-mail the owner (To) that the account will be
	// suspended at Deadline for inactivity (LIFE-02).
	EffectWarnSuspension
	// EffectSuspend: the account is suspended for inactivity and scheduled
	// for deletion at Deadline (LIFE-01).
	EffectSuspend
	// EffectWarnDeletion: e-mail the owner (To) that the account will be
	// deleted at Deadline (LIFE-02).
	EffectWarnDeletion
	// EffectRestore: the suspended account is restored; its data is intact
	// and the inactivity count restarts: Deadline is the new suspension date,
	// if any (LIFE-04).
	EffectRestore
	// EffectPurge: delete the account's data physically: Data says which
	// categories (LIFE-05). Users' network identities are kept (LIFE-06).
	EffectPurge
	// EffectBlock: the account is blocked for Cause (LIFE-08); nothing is
	// deleted.
	EffectBlock
	// EffectUnblock: the block for Cause is lifted (LIFE-08).
	EffectUnblock
	// EffectForgetIdentity: delete user To's network identity, at their own
	// request (LIFE-06).
	EffectForgetIdentity
	// EffectActivity: a user (To) logged in; the inactivity count restarts
	// (LIFE-01). Deadline: the new suspension date, if any.
	EffectActivity
	// EffectUserAdded and EffectUserDismissed: the user list changed. To:
	// the user.
	EffectUserAdded
	EffectUserDismissed
	// EffectJoinedNetwork and EffectLeftNetwork: the account entered or left
	// the branch network headed by Network (NET-04).
	EffectJoinedNetwork
	EffectLeftNetwork
	effectKindEnd
)

var effectNames = [...]string{"", "plan", "warn-suspension", "suspend", "warn-deletion", "restore",
	"purge", "block", "unblock", "forget-identity", "activity", "user-added", "user-dismissed",
	"joined-network", "left-network"}

var effectRules = [...]tenancy.RuleID{"", "", "LIFE-02", "LIFE-01", "LIFE-02", "LIFE-04",
	"LIFE-05", "LIFE-08", "LIFE-08", "LIFE-06", "LIFE-01", "LIFE-07", "LIFE-07",
	"NET-04", "NET-04"}

// String returns the kind's stable name, for example "warn-suspension".
func (k EffectKind) String() string {
	if k > 0 && k < effectKindEnd {
		return effectNames[k]
	}
	return fmt.Sprintf("EffectKind(%d)", uint8(k))
}

// Data is a set of data categories of an account (LIFE-05).
type Data uint8

// The data categories an account holds.
const (
	DataCRM Data = 1 << iota
	DataTasks
	DataActivityStream
	DataUsers
	DataDocuments
	DataMessages
	// AllData is every category: what a purge removes.
	AllData = DataCRM | DataTasks | DataActivityStream | DataUsers | DataDocuments | DataMessages
)

var dataNames = []string{"CRM entries", "tasks", "activity stream posts", "user accounts", "documents", "messages"}

// String lists the categories, for example "CRM entries, tasks".
func (d Data) String() string {
	var parts []string
	for i, n := range dataNames {
		if d&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ", ")
}

// Effect is something the service must carry out (send a warning, suspend,
// purge, block), or a fact it may record, returned as data.
type Effect struct {
	Kind    EffectKind
	Rule    tenancy.RuleID
	Account tenancy.AccountID
	// At is when it happened: the deadline that fired or the command's time.
	At time.Time
	// Deadline is the absolute date an effect announces: the suspension or
	// deletion a warning is about, the deletion a suspension schedules.
	Deadline time.Time
	// To is the user concerned: the owner for warnings, the user for
	// activity and identity effects.
	To tenancy.UserID
	// Cause is the cause of a block (LIFE-08).
	Cause Cause
	// Data is what a purge removes (LIFE-05).
	Data Data
	// Network is the head of the network joined or left (NET-04).
	Network tenancy.AccountID
	// Plan is the subscription's event, for EffectPlan.
	Plan plan.Event
	// Seq is the effect's number in the account's history.
	Seq uint64
}

// ID returns a stable identifier: account, rule, kind, instant and number in
// the account's history. Advancing the same account to the same instant
// twice yields effects with the same IDs, so a service that executes effects
// at least once can drop repeats.
func (e Effect) ID() string {
	return fmt.Sprintf("%s/%s/%s/%s/%d", e.Account, e.Rule, e.Kind, e.At.UTC().Format(time.RFC3339Nano), e.Seq)
}

// String returns a one-line description, for logs and examples.
func (e Effect) String() string {
	if e.Kind == EffectPlan {
		return e.Plan.String()
	}
	s := fmt.Sprintf("%s %s %s", e.At.Format(time.DateOnly), e.Rule, e.Kind)
	if e.To != "" {
		s += " to=" + string(e.To)
	}
	if !e.Deadline.IsZero() {
		s += " deadline=" + e.Deadline.Format(time.DateOnly)
	}
	if e.Cause != "" {
		s += " cause=" + string(e.Cause)
	}
	if e.Data != 0 {
		s += " data=" + e.Data.String()
	}
	return s
}
