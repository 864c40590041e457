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
}

// DefaultPolicy returns the policy of RULES.md: a 15-day trial, 15 days of
// grace, renewal from 30 days before the end, annual refunds by unused whole
// months without a fee, over-limit data readable and deletable.
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
	}
	return nil
}
