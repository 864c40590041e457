package plan

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// RefundMethod is how the unused part of an annual period is refunded
// (PLAN-06). Monthly periods are never refunded, whatever the method.
type RefundMethod uint8

// The refund methods.
const (
	// RefundNone refunds nothing.
	RefundNone RefundMethod = iota + 1
	// RefundWholeMonths refunds paid × (unused whole months) / 12. A month
	// counts as unused only if it has not begun.
	RefundWholeMonths
	// RefundDays refunds paid × (unused whole days) / (days in the period).
	// A day counts as unused only if it has not begun.
	RefundDays
)

// String names the method.
func (m RefundMethod) String() string {
	switch m {
	case RefundNone:
		return "none"
	case RefundWholeMonths:
		return "whole-months"
	case RefundDays:
		return "days"
	}
	return fmt.Sprintf("RefundMethod(%d)", uint8(m))
}

// RefundPolicy decides the partial refund of an annual period (PLAN-06).
type RefundPolicy struct {
	Method RefundMethod
	// Fee is deducted from every non-zero refund; a refund never goes below
	// zero because of it. Zero means no fee.
	Fee decimal.Decimal
}

// Access is what users may still do with data that exceeds a plan's limits
// (PLAN-08). Data is never deleted because of a limit.
type Access uint8

// The access levels for over-limit data.
const (
	// AccessReadDelete lets users read and delete, but not add or change.
	AccessReadDelete Access = iota + 1
	// AccessReadOnly lets users read only; an administrator still deletes.
	AccessReadOnly
	// AccessNone hides the data until the account is back within limits; it
	// is kept intact.
	AccessNone
)

// String names the access level.
func (a Access) String() string {
	switch a {
	case AccessReadDelete:
		return "read-and-delete"
	case AccessReadOnly:
		return "read-only"
	case AccessNone:
		return "no-access"
	}
	return fmt.Sprintf("Access(%d)", uint8(a))
}

// RetentionOffer is the PLAN-13 hook: given the subscription as the
// cancellation leaves it and the reason the administrator gave, it may
// return an offer to put before them (a discount, a cheaper plan). It must
// be a pure function: no I/O, no clock. The library only reports the offer;
// accepting it is a separate command (UndoChange, ChangePlan).
type RetentionOffer func(s Subscription, reason string) (offer string, ok bool)

// Policy holds every number of the PLAN rules that an integrator may change.
// DefaultPolicy returns the documented defaults; Validate checks a policy
// before an Engine uses it.
type Policy struct {
	// TrialDays is how long a trial lasts, in calendar days (PLAN-10).
	// Default 15; at most MaxTrialDays.
	TrialDays int
	// GraceDays is how long a paid plan is kept after a period ends unpaid,
	// in calendar days (PLAN-14). Default 15; at most 28, so grace always
	// ends within the unpaid period.
	GraceDays int
	// RenewalWindowDays is how many calendar days before a period ends its
	// renewal may be bought (PLAN-03). Default 30; at most MaxDays.
	RenewalWindowDays int
	// Refund decides partial refunds of annual periods (PLAN-06). Default:
	// unused whole months, no fee.
	Refund RefundPolicy
	// OverLimit is what users may do with data beyond the plan's limits
	// (PLAN-08). Default AccessReadDelete.
	OverLimit Access
	// Offer, when set, may produce a retention offer on cancellation
	// (PLAN-13). Default nil: no offer.
	Offer RetentionOffer
	// Proration is how an upgrade credits the unused part of the period
	// (PLAN-03). Default: calendar days in the account's zone, the day of
	// the change credited.
	Proration Proration
	// Rounding rounds every proportional amount: proration credits and
	// charges, refunds (PLAN-03, PLAN-06). Default RoundDown.
	Rounding Rounding
	// Upgrade says whether an upgrade starts a new period or keeps the
	// current one's anchor (PLAN-03). Default UpgradeResets.
	Upgrade Anchoring
	// Bounds is the time of day periods end at (PLAN-05). Default
	// BoundAtPurchaseTime.
	Bounds Bounds
}

// DefaultPolicy returns the policy of RULES.md: a 15-day trial, 15 days of
// grace, renewal from 30 days before the end, annual refunds by unused whole
// months without a fee, over-limit data readable and deletable; upgrades
// prorated by calendar days, the day of the change credited, rounded toward
// zero, starting a new period; periods ending at the purchase's time of day.
// (The zero values of Proration, Rounding, Upgrade and Bounds are these
// defaults.)
func DefaultPolicy() Policy {
	return Policy{
		TrialDays:         15,
		GraceDays:         15,
		RenewalWindowDays: 30,
		Refund:            RefundPolicy{Method: RefundWholeMonths},
		OverLimit:         AccessReadDelete,
	}
}

// MaxTrialDays bounds a trial's length, in the policy and in StartTrial.
const MaxTrialDays = 366

// MaxDays bounds every day count of a Policy that has no tighter bound of
// its own (RenewalWindowDays): 36,600 days, a hundred years. A command's
// time lies in [tenancy.MinTime, tenancy.MaxTime), so every date the rules
// derive from it with such a count has a four-digit year, and no date
// arithmetic overflows.
const MaxDays = 36600

// ErrPolicy is matched by every error of Policy.Validate; it wraps
// tenancy.ErrInvalid.
var ErrPolicy = tenancy.Kind("plan policy", tenancy.ErrInvalid)

// Validate reports the first field of p that is out of range, naming the
// field and the rule it serves.
func (p Policy) Validate() error {
	bad := func(rule tenancy.RuleID, format string, args ...any) error {
		return tenancy.Invalid(rule, ErrPolicy, format, args...)
	}
	switch {
	case p.TrialDays < 1 || p.TrialDays > MaxTrialDays:
		return bad("PLAN-10", "TrialDays is %d, want 1 to %d", p.TrialDays, MaxTrialDays)
	case p.GraceDays < 0 || p.GraceDays > 28:
		return bad("PLAN-14", "GraceDays is %d, want 0 to 28", p.GraceDays)
	case p.RenewalWindowDays < 0 || p.RenewalWindowDays > MaxDays:
		return bad("PLAN-03", "RenewalWindowDays is %d, want 0 to %d", p.RenewalWindowDays, MaxDays)
	case p.Refund.Method < RefundNone || p.Refund.Method > RefundDays:
		return bad("PLAN-06", "Refund.Method is %v, want RefundNone, RefundWholeMonths or RefundDays", p.Refund.Method)
	case !inRange(p.Refund.Fee):
		return bad("PLAN-06", "Refund.Fee is %s, want less than 10^%d", amountString(p.Refund.Fee), MaxAmountDigits)
	case p.Refund.Fee.IsNegative():
		return bad("PLAN-06", "Refund.Fee is %s, want zero or more", p.Refund.Fee)
	case p.OverLimit < AccessReadDelete || p.OverLimit > AccessNone:
		return bad("PLAN-08", "OverLimit is %v, want AccessReadDelete, AccessReadOnly or AccessNone", p.OverLimit)
	case p.Proration.Basis >= basisEnd:
		return bad("PLAN-03", "Proration.Basis is %v, want ProrateDays, ProrateElapsed or ProrateThirtyDayMonth", p.Proration.Basis)
	case p.Rounding >= roundingEnd:
		return bad("PLAN-03", "Rounding is %v, want RoundDown, RoundHalfUp or RoundHalfEven", p.Rounding)
	case p.Upgrade >= anchoringEnd:
		return bad("PLAN-03", "Upgrade is %v, want UpgradeResets or UpgradeKeepsAnchor", p.Upgrade)
	case p.Bounds >= boundsEnd:
		return bad("PLAN-05", "Bounds is %v, want BoundAtPurchaseTime or BoundAtMidnight", p.Bounds)
	}
	return nil
}

// Basis is how the unused part of a period is measured when an upgrade
// credits it (PLAN-03). The zero value is ProrateDays.
type Basis uint8

// The proration bases.
const (
	// ProrateDays, the default, counts calendar days in the account's time
	// zone, as RULES.md counts every duration: the unused days over the
	// period's days, whatever the hours of a daylight-saving change. Kill
	// Bill and Lago prorate so.
	ProrateDays Basis = iota
	// ProrateElapsed counts elapsed time to the nanosecond: (end − now) /
	// (end − start). Stripe prorates so, to the second. Across a
	// daylight-saving change a day is 23 or 25 hours.
	ProrateElapsed
	// ProrateThirtyDayMonth counts every month as 30 days and a year as
	// 360 (the 30E/360 day count: a 31st counts as the 30th), as Kill
	// Bill's fixed 30-day option does: a month is worth the same whatever
	// its length.
	ProrateThirtyDayMonth
	basisEnd
)

var basisNames = [...]string{"days", "elapsed", "thirty-day-month"}

// String names the basis: "days", "elapsed" or "thirty-day-month".
func (b Basis) String() string {
	if b < basisEnd {
		return basisNames[b]
	}
	return fmt.Sprintf("Basis(%d)", uint8(b))
}

// Proration decides how an upgrade credits the unused part of the current
// period (PLAN-03).
type Proration struct {
	// Basis is what is counted. Default ProrateDays.
	Basis Basis
	// ChangeDayUsed counts the day of the change as used: with ProrateDays
	// or ProrateThirtyDayMonth, the day an upgrade happens is not
	// credited. By default (false) it is: the new plan starts that day,
	// as Kill Bill and Lago bill an upgrade. Lago counts the day of a
	// termination as used; that is the refund's own rule here (PLAN-06,
	// RefundDays: a day counts as unused only if it has not begun). It
	// has no effect with ProrateElapsed.
	ChangeDayUsed bool
}

// Rounding is how a proportional amount (a proration credit or charge, a
// refund) is rounded to a whole minor unit; the only place it happens is
// Currency.Share. The zero value is RoundDown.
type Rounding uint8

// The rounding modes.
const (
	// RoundDown, the default, rounds toward zero: the business never pays
	// out a fraction of a cent, and the remainder stays with the amount it
	// was split from.
	RoundDown Rounding = iota
	// RoundHalfUp rounds to the nearest minor unit, halves away from zero,
	// as Kill Bill (Java's HALF_UP) and Lago (Ruby's round) do.
	RoundHalfUp
	// RoundHalfEven rounds to the nearest minor unit, halves to the even
	// one (banker's rounding), common in accounting.
	RoundHalfEven
	roundingEnd
)

var roundingNames = [...]string{"down", "half-up", "half-even"}

// String names the mode: "down", "half-up" or "half-even".
func (r Rounding) String() string {
	if r < roundingEnd {
		return roundingNames[r]
	}
	return fmt.Sprintf("Rounding(%d)", uint8(r))
}

// Anchoring is what an upgrade does to the billing period (PLAN-03,
// PLAN-05). The zero value is UpgradeResets.
type Anchoring uint8

// The anchorings.
const (
	// UpgradeResets, the default, starts a new period at the upgrade,
	// anchored on its day: the unused part of the old period is credited
	// against the whole new price.
	UpgradeResets Anchoring = iota
	// UpgradeKeepsAnchor keeps the current period and its anchor day when
	// the period length stays the same: the unused part of the old price
	// is credited and the same part of the new price charged, for the rest
	// of the period; the next period costs the new price in full. Stripe
	// (billing_cycle_anchor unchanged, its default), Kill Bill and Lago
	// bill so. A change of period length (monthly to annual) starts a new
	// period all the same, as Stripe does.
	UpgradeKeepsAnchor
	anchoringEnd
)

var anchoringNames = [...]string{"reset", "keep"}

// String names the anchoring: "reset" or "keep".
func (a Anchoring) String() string {
	if a < anchoringEnd {
		return anchoringNames[a]
	}
	return fmt.Sprintf("Anchoring(%d)", uint8(a))
}

// Bounds is the time of day at which paid periods begin and end (PLAN-05).
// The zero value is BoundAtPurchaseTime.
type Bounds uint8

// The period bounds.
const (
	// BoundAtPurchaseTime, the default, ends every period at the
	// wall-clock time the plan was bought (or last upgraded with a new
	// period), in the account's zone.
	BoundAtPurchaseTime Bounds = iota
	// BoundAtMidnight ends every period at local midnight, the start of
	// its anchor day in the account's zone, as Kill Bill and Lago bound
	// periods: the first period runs from the purchase to the midnight
	// that begins the anchor day a period later. Where midnight does not
	// exist (a daylight-saving change at 00:00), the period ends at the
	// first instant of the day.
	BoundAtMidnight
	boundsEnd
)

var boundsNames = [...]string{"purchase-time", "midnight"}

// String names the bounds: "purchase-time" or "midnight".
func (b Bounds) String() string {
	if b < boundsEnd {
		return boundsNames[b]
	}
	return fmt.Sprintf("Bounds(%d)", uint8(b))
}
