package fleet

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// SchemaVersion is the version of the JSON forms of an Effect, a Message,
// an Outcome and an Identity.
const SchemaVersion = 1

// ErrCorrupt is matched by errors of decoding a driver value that breaks
// an invariant; it wraps tenancy.ErrInvalid.
var ErrCorrupt = tenancy.Kind("driver state", tenancy.ErrInvalid)

// Class says what the service does with an effect.
type Class uint8

// The classes.
const (
	// Action: the service must carry it out, at least once: send an
	// e-mail, charge or refund, suspend, purge, block, hide the widget.
	Action Class = iota + 1
	// Notice: a fact to record or show; nothing must happen.
	Notice
)

// String returns "action" or "notice".
func (c Class) String() string {
	switch c {
	case Action:
		return "action"
	case Notice:
		return "notice"
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Effect is the one envelope of everything the driver asks of the
// service or tells it, whichever package produced it: a subscription's
// event, an account's effect, a network's effect or an identity's.
//
// Its ID is unique across every state's history, re-created networks
// included, and the same each time the same history is replayed: a
// service that executes effects at least once drops repeats by ID. Kind is
// the producing package's short name and the kind's stable name, as in
// "plan.grace-started", "life.warn-suspension" or "net.incompatible".
// Which other fields a kind fills is documented with the kind in its
// package (plan.EventKind, lifecycle.EffectKind, network.EffectKind).
type Effect struct {
	// Source is the kind of state that produced the effect, and Seq its
	// number in that state's history: an account's Seq, a network's
	// command number, or, with ByStanding, the Seq of the member's
	// standing a network applied; an identity's Seq. With At, Kind and
	// the state's name they make the ID.
	Source     Kind
	Seq        uint64
	ByStanding bool
	Kind       string
	Class      Class
	Rule       tenancy.RuleID
	// Account is the account concerned; Network the network's ID
	// (network.Network.ID) for network effects, the head of the network
	// joined or left for an account's.
	Account tenancy.AccountID
	Network string
	// User is the user concerned: the recipient of a warning or a
	// notification, the user of an identity.
	User tenancy.UserID
	// At is when it happened: the deadline that fired, the command's time,
	// or the instant of the standing a network applied.
	At time.Time
	// Deadline is the instant the effect announces: a suspension, a
	// deletion, a block, a period's or a trial's end.
	Deadline time.Time
	Cause    lifecycle.Cause
	Data     lifecycle.Data
	// Plan is the plan in effect after a plan event; From the one before.
	Plan, From plan.PlanID
	// Amount and Credit are money in the catalog's currency; Credited and
	// Balance are an upgrade's whole credit and the account credit left
	// (plan.EventUpgraded).
	Amount, Credit    decimal.Decimal
	Credited, Balance decimal.Decimal
	Bytes             int64
	Note              string
	// Days is the length of a branch trial.
	Days int
}

// ID returns the effect's identifier: "account/ACCOUNT/…", "network/NETWORK/ACCOUNT/…"
// or "identity/USER/…", then the rule, the kind, the instant in UTC and the
// number in the producing state's history ("c5" for a network's fifth
// command effect, "s17" for the effect of an account's standing 17).
func (e Effect) ID() string {
	b := make([]byte, 0, 96)
	b = append(b, e.Source.String()...)
	b = append(b, '/')
	switch e.Source {
	case KindNetwork:
		b = append(append(append(b, e.Network...), '/'), e.Account...)
	case KindIdentity:
		b = append(b, e.User...)
	default:
		b = append(b, e.Account...)
	}
	b = append(append(append(append(append(b, '/'), e.Rule...), '/'), e.Kind...), '/')
	b = e.At.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '/')
	if e.Source == KindNetwork {
		if e.ByStanding {
			b = append(b, 's')
		} else {
			b = append(b, 'c')
		}
	}
	return string(strconv.AppendUint(b, e.Seq, 10))
}

// String returns a one-line description: date, rule, kind, then the
// fields the kind fills.
func (e Effect) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", e.At.Format(time.DateOnly), e.Rule, e.Kind)
	if e.Account != "" {
		fmt.Fprintf(&b, " %s", e.Account)
	}
	if e.Plan != "" {
		fmt.Fprintf(&b, " plan=%s", e.Plan)
	}
	if !e.Amount.IsZero() {
		fmt.Fprintf(&b, " amount=%s", e.Amount)
	}
	if !e.Credit.IsZero() {
		fmt.Fprintf(&b, " credit=%s", e.Credit)
	}
	if !e.Credited.Equal(e.Credit) {
		fmt.Fprintf(&b, " credited=%s", e.Credited)
	}
	if !e.Balance.IsZero() {
		fmt.Fprintf(&b, " balance=%s", e.Balance)
	}
	if e.User != "" {
		fmt.Fprintf(&b, " to=%s", e.User)
	}
	if !e.Deadline.IsZero() {
		fmt.Fprintf(&b, " deadline=%s", e.Deadline.Format(time.DateOnly))
	}
	if e.Bytes != 0 {
		fmt.Fprintf(&b, " bytes=%d", e.Bytes)
	}
	if e.Cause != "" {
		fmt.Fprintf(&b, " cause=%q", e.Cause)
	}
	if e.Data != 0 {
		fmt.Fprintf(&b, " data=%q", e.Data.String())
	}
	if e.Note != "" {
		fmt.Fprintf(&b, " note=%q", e.Note)
	}
	return b.String()
}

// planAction reports whether the service must act on a plan event:
// charge, refund, e-mail, deactivate, restrict, stop billing.
func planAction(k plan.EventKind) bool {
	switch k {
	case plan.EventPurchased, plan.EventUpgraded, plan.EventRenewalBought, plan.EventGraceStarted,
		plan.EventPaymentFailed, plan.EventCancellationConfirmed, plan.EventRetentionOffered, plan.EventRefunded,
		plan.EventAddOnBought, plan.EventAddOnsDeactivated, plan.EventLimitsReduced, plan.EventEnded:
		return true
	}
	return false
}

// lifeAction reports whether the service must carry out an account's
// effect.
func lifeAction(k lifecycle.EffectKind) bool {
	switch k {
	case lifecycle.EffectWarnSuspension, lifecycle.EffectSuspend, lifecycle.EffectWarnDeletion,
		lifecycle.EffectRestore, lifecycle.EffectPurge, lifecycle.EffectBlock, lifecycle.EffectUnblock,
		lifecycle.EffectForgetIdentity:
		return true
	}
	return false
}

// netAction reports whether the service must carry out a network's
// effect: tell a branch's administrators, hide or show the widget.
func netAction(k network.EffectKind) bool {
	return k == network.EffectNotify || k == network.EffectDisabled || k == network.EffectResumed
}

func class(action bool) Class {
	if action {
		return Action
	}
	return Notice
}

// fromLife wraps an account's effect.
func fromLife(l lifecycle.Effect) Effect {
	if l.Kind == lifecycle.EffectPlan {
		p := l.Plan
		return Effect{Source: KindAccount, Seq: l.Seq, Kind: planKind(p.Kind), Class: class(planAction(p.Kind)),
			Rule: p.Rule, Account: l.Account, At: p.At, Deadline: p.Until, Plan: p.Plan, From: p.From,
			Amount: p.Amount, Credit: p.Credit, Credited: p.Credited, Balance: p.Balance, Bytes: p.Bytes, Note: p.Note}
	}
	return Effect{Source: KindAccount, Seq: l.Seq, Kind: lifeKind(l.Kind), Class: class(lifeAction(l.Kind)),
		Rule: l.Rule, Account: l.Account, At: l.At, Deadline: l.Deadline, User: l.To, Cause: l.Cause,
		Data: l.Data, Network: string(l.Network)}
}

// fromNet wraps a network's effect.
func fromNet(n network.Effect) Effect {
	e := Effect{Source: KindNetwork, Seq: n.Seq, Kind: netKind(n.Kind), Class: class(netAction(n.Kind)),
		Rule: n.Rule, Account: n.Account, Network: n.Network, At: n.At, Deadline: n.Deadline,
		User: n.To, Days: n.Days}
	if n.Seq == 0 {
		e.Seq, e.ByStanding = n.Standing, true
	}
	return e
}

type effectJSON struct {
	V        int               `json:"v"`
	ID       string            `json:"id"`
	Source   string            `json:"source"`
	Seq      uint64            `json:"seq"`
	Standing bool              `json:"by_standing,omitzero"`
	Kind     string            `json:"kind"`
	Class    string            `json:"class"`
	Rule     tenancy.RuleID    `json:"rule,omitzero"`
	Account  tenancy.AccountID `json:"account,omitzero"`
	Network  string            `json:"network,omitzero"`
	User     tenancy.UserID    `json:"user,omitzero"`
	At       time.Time         `json:"at"`
	Deadline time.Time         `json:"deadline,omitzero"`
	Cause    lifecycle.Cause   `json:"cause,omitzero"`
	Data     lifecycle.Data    `json:"data,omitzero"`
	Plan     plan.PlanID       `json:"plan,omitzero"`
	From     plan.PlanID       `json:"from,omitzero"`
	Amount   *decimal.Decimal  `json:"amount,omitempty"`
	Credit   *decimal.Decimal  `json:"credit,omitempty"`
	Credited *decimal.Decimal  `json:"credited,omitempty"`
	Balance  *decimal.Decimal  `json:"balance,omitempty"`
	Bytes    int64             `json:"bytes,omitzero"`
	Note     string            `json:"note,omitzero"`
	Days     int               `json:"days,omitzero"`
}

func nonZero(d decimal.Decimal) *decimal.Decimal {
	if d.IsZero() {
		return nil
	}
	return &d
}

// MarshalJSON encodes the effect with its schema version, its kind and
// class as text, and money as decimal strings.
func (e Effect) MarshalJSON() ([]byte, error) {
	return json.Marshal(effectJSON{V: SchemaVersion, ID: e.ID(), Source: e.Source.String(), Seq: e.Seq, Standing: e.ByStanding, Kind: e.Kind, Class: e.Class.String(), Rule: e.Rule,
		Account: e.Account, Network: e.Network, User: e.User, At: e.At, Deadline: e.Deadline, Cause: e.Cause,
		Data: e.Data, Plan: e.Plan, From: e.From, Amount: nonZero(e.Amount), Credit: nonZero(e.Credit),
		Credited: nonZero(e.Credited), Balance: nonZero(e.Balance), Bytes: e.Bytes, Note: e.Note, Days: e.Days})
}

// UnmarshalJSON decodes an effect and refuses another schema version,
// unknown fields, an unknown kind, class or source, a time outside
// [tenancy.MinTime, tenancy.MaxTime), or an ID that is not the one the
// fields make.
func (e *Effect) UnmarshalJSON(b []byte) error {
	var j effectJSON
	if err := strict.Decode(b, &j); err != nil {
		return tenancy.Invalid("", ErrCorrupt, "effect: %v", err)
	}
	bad := func(format string, args ...any) error {
		return tenancy.Invalid("", ErrCorrupt, "effect: "+format, args...)
	}
	if j.V != SchemaVersion {
		return bad("schema version %d, want %d", j.V, SchemaVersion)
	}
	if j.At.IsZero() {
		return bad("an effect needs a time")
	}
	if !kept(j.At) {
		return bad("at %v, outside the times the library keeps", j.At)
	}
	if !knownKind(j.Kind) {
		return bad("unknown kind %q", j.Kind)
	}
	out := Effect{Seq: j.Seq, ByStanding: j.Standing, Kind: j.Kind, Rule: j.Rule, Account: j.Account, Network: j.Network, User: j.User,
		At: j.At, Deadline: j.Deadline, Cause: j.Cause, Data: j.Data, Plan: j.Plan, From: j.From,
		Bytes: j.Bytes, Note: j.Note, Days: j.Days}
	switch j.Class {
	case "action":
		out.Class = Action
	case "notice":
		out.Class = Notice
	default:
		return bad("unknown class %q", j.Class)
	}
	for k := KindAccount; k <= KindIdentity; k++ {
		if k.String() == j.Source {
			out.Source = k
		}
	}
	if out.Source == 0 || (out.ByStanding && out.Source != KindNetwork) {
		return bad("unknown source %q", j.Source)
	}
	if j.Amount != nil {
		out.Amount = *j.Amount
	}
	if j.Credit != nil {
		out.Credit = *j.Credit
	}
	if j.Credited != nil {
		out.Credited = *j.Credited
	}
	if j.Balance != nil {
		out.Balance = *j.Balance
	}
	if id := out.ID(); id != j.ID {
		return bad("ID %q, but the fields make %q", j.ID, id)
	}
	*e = out
	return nil
}

// knownKind reports whether s names a kind of one of the packages.
func knownKind(s string) bool {
	return s != "" && (slices.Contains(planKinds[:], s) || slices.Contains(lifeKinds[lifecycle.EffectWarnSuspension:], s) || slices.Contains(netKinds[:], s))
}
