package plan

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// EventKind says what happened to a subscription.
type EventKind uint8

// The event kinds. Each names the rule it serves; the fields of Event it
// fills are listed beside it.
const (
	// EventTrialStarted: a trial began (PLAN-10, NET-06). Until: its end.
	EventTrialStarted EventKind = iota + 1
	// EventTrialEnded: a trial ended without a purchase; the account is on
	// the free plan with no grace (PLAN-10).
	EventTrialEnded
	// EventPurchased: a paid plan was bought from free or trial; a period
	// anchored on today's date began (PLAN-05). Amount: charged; Credit:
	// account credit applied; Until: period end.
	EventPurchased
	// EventUpgraded: the plan changed up at once, prorated (PLAN-03).
	// Amount: charged; Credited: the whole credit the upgrade made (the
	// unused part of the old period, and a renewal bought early); Credit:
	// the credit applied to the charge (from Credited and any account
	// credit there was); Balance: the account credit left after it (so
	// credit before + Credited = Credit + Balance); Until: the period end,
	// a new one's or, keeping the anchor, the current one's.
	EventUpgraded
	// EventChangeScheduled: a downgrade will apply at period end (PLAN-03).
	// Plan: the target; Until: when it applies.
	EventChangeScheduled
	// EventChangeUndone: a pending downgrade or cancellation was withdrawn
	// (PLAN-03); for a cancellation auto-renewal is on again (PLAN-04).
	EventChangeUndone
	// EventChangeApplied: a scheduled downgrade took effect at period end
	// (PLAN-03).
	EventChangeApplied
	// EventCancellationScheduled: auto-renewal is off; the plan rolls back
	// to free at period end (PLAN-04). Until: period end; Note: the reason.
	EventCancellationScheduled
	// EventCancellationConfirmed: the confirmation the owner must receive
	// (PLAN-13). Note: the reason given, if any.
	EventCancellationConfirmed
	// EventRetentionOffered: the policy's retention offer (PLAN-13). Note:
	// the offer.
	EventRetentionOffered
	// EventRenewalBought: the next period was bought early (PLAN-03).
	// Amount: charged; Credit: credit applied; Until: the next period's end.
	EventRenewalBought
	// EventRenewed: a new period began at the old one's end, paid (PLAN-05).
	// Credit: account credit that paid it, if any; Until: its end.
	EventRenewed
	// EventRolledBack: the period ended with auto-renewal off; the account
	// is on the free plan (PLAN-04).
	EventRolledBack
	// EventGraceStarted: the period ended unpaid; the plan is kept until
	// Until (PLAN-14). Amount: due now.
	EventGraceStarted
	// EventPaymentReceived: the amount due in grace was paid; the period
	// goes on (PLAN-14). Amount: paid.
	EventPaymentReceived
	// EventPaymentFailed: a charge of the amount due failed; the owner
	// should hear of it (PLAN-14). Amount: due; Until: grace end.
	EventPaymentFailed
	// EventGraceEnded: grace ran out unpaid; the account is on the free
	// plan (PLAN-14).
	EventGraceEnded
	// EventCancelledNow: an administrator ended the period at once; the
	// account is on the free plan (PLAN-06). Amount: refunded (see also
	// EventRefunded).
	EventCancelledNow
	// EventRefunded: money goes back to the customer (PLAN-06). Amount:
	// refunded; Note: what for.
	EventRefunded
	// EventAddOnBought: an add-on was bought (PLAN-07). Amount: charged;
	// Bytes: extra storage added, or 0 for telephony credits.
	EventAddOnBought
	// EventAddOnsDeactivated: on the drop to free, add-ons were deactivated
	// and prepaid telephony credits forfeited, never refunded (PLAN-07).
	// Amount: credits forfeited; Bytes: extra storage removed.
	EventAddOnsDeactivated
	// EventLimitsReduced: the plan in effect allows less than before (fewer
	// seats, less storage, or fewer features). Over-limit data is restricted,
	// never deleted: call Engine.Restrictions with the account's usage
	// (PLAN-08). From: the previous plan.
	EventLimitsReduced
	// EventTelephonyUsed: prepaid telephony credits were spent (PLAN-07).
	// Amount: spent.
	EventTelephonyUsed
	// EventEnded: the account was deleted; its subscription ended at once,
	// with no renewal, no grace and no refund, and is on the free plan
	// (LIFE-05). From: the plan it was on.
	EventEnded
	eventKindEnd
)

var eventNames = [...]string{"",
	"trial-started", "trial-ended", "purchased", "upgraded", "change-scheduled",
	"change-undone", "change-applied", "cancellation-scheduled",
	"cancellation-confirmed", "retention-offered", "renewal-bought", "renewed",
	"rolled-back", "grace-started", "payment-received", "payment-failed",
	"grace-ended", "cancelled-now", "refunded", "add-on-bought",
	"add-ons-deactivated", "limits-reduced", "telephony-used", "ended",
}

var eventRules = [...]tenancy.RuleID{"",
	"PLAN-10", "PLAN-10", "PLAN-05", "PLAN-03", "PLAN-03",
	"PLAN-03", "PLAN-03", "PLAN-04",
	"PLAN-13", "PLAN-13", "PLAN-03", "PLAN-05",
	"PLAN-04", "PLAN-14", "PLAN-14", "PLAN-14",
	"PLAN-14", "PLAN-06", "PLAN-06", "PLAN-07",
	"PLAN-07", "PLAN-08", "PLAN-07", "LIFE-05",
}

// String returns the kind's stable name, for example "grace-started".
func (k EventKind) String() string {
	if k > 0 && k < eventKindEnd {
		return eventNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Rule returns the rule the kind serves.
func (k EventKind) Rule() tenancy.RuleID {
	if k > 0 && k < eventKindEnd {
		return eventRules[k]
	}
	return ""
}

// Event is something that happened to a subscription, returned as data for
// the service to act on: charge, refund, e-mail the owner, restrict data.
// Which fields a kind fills is documented with the kind; the rest are zero.
type Event struct {
	Kind    EventKind
	Rule    tenancy.RuleID
	Account tenancy.AccountID
	// At is when it happened: the deadline that fired, or the command's time.
	At time.Time
	// Plan is the plan in effect after the event; From the plan before it.
	Plan PlanID
	From PlanID
	// Amount and Credit are money in the catalog's currency, as the kind
	// documents.
	Amount decimal.Decimal
	Credit decimal.Decimal
	// Credited and Balance are the whole credit an upgrade made and the
	// account credit left after it (EventUpgraded).
	Credited, Balance decimal.Decimal
	// Until is the deadline the event announces, if any.
	Until time.Time
	Bytes int64
	Note  string
	// Seq is the event's number in its subscription's history (see
	// Subscription.Seq).
	Seq uint64
}

// ID returns a stable identifier: account, rule, kind, the instant it
// happened and its number in the subscription's history. Advancing the same
// subscription to the same instant twice yields events with the same IDs, so
// a service that executes events at least once can drop repeats; two
// distinct events never share an ID.
func (e Event) ID() string {
	return fmt.Sprintf("%s/%s/%s/%s/%d", e.Account, e.Rule, e.Kind, e.At.UTC().Format(time.RFC3339Nano), e.Seq)
}

// String returns a one-line description, for logs and examples. An
// upgrade's Credited is shown when it differs from the credit applied, and
// its Balance when there is one.
func (e Event) String() string {
	s := fmt.Sprintf("%s %s %s plan=%s", e.At.Format("2006-01-02"), e.Rule, e.Kind, e.Plan)
	if !e.Amount.IsZero() {
		s += " amount=" + e.Amount.String()
	}
	if !e.Credit.IsZero() {
		s += " credit=" + e.Credit.String()
	}
	if !e.Credited.Equal(e.Credit) {
		s += " credited=" + e.Credited.String()
	}
	if !e.Balance.IsZero() {
		s += " balance=" + e.Balance.String()
	}
	if !e.Until.IsZero() {
		s += " until=" + e.Until.Format("2006-01-02")
	}
	if e.Bytes != 0 {
		s += fmt.Sprintf(" bytes=%d", e.Bytes)
	}
	if e.Note != "" {
		s += fmt.Sprintf(" note=%q", e.Note)
	}
	return s
}
