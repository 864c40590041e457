package plan

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// RefundQuote is what ending a paid period now would give back (PLAN-06,
// PLAN-07). Refund + Retained = Paid, exactly.
type RefundQuote struct {
	// Paid is what the current period cost.
	Paid decimal.Decimal
	// Refund is what goes back for the unused part of the period: zero for
	// a monthly period; for an annual one, by the policy's method, less its
	// fee.
	Refund decimal.Decimal
	// Retained is what the business keeps of Paid.
	Retained decimal.Decimal
	// Fee is the part of the policy's fee actually deducted.
	Fee decimal.Decimal
	// Method is the policy's method, or RefundNone for a monthly period.
	Method RefundMethod
	// Unused and Of count the whole months (or days) not yet begun, and the
	// months (or days) of the period, for the methods that count them.
	Unused, Of int
	// Renewal is a renewal bought early for the period that has not begun:
	// refunded in full, apart from Refund.
	Renewal decimal.Decimal
	// TelephonyForfeited is the prepaid telephony balance, which is never
	// refunded (PLAN-07).
	TelephonyForfeited decimal.Decimal
}

// QuoteRefund says what cancelling s at now with Cancel{Now: true} would
// refund. It refuses a subscription with no paid period running (free,
// trial, grace) and a now earlier than s's last change.
func (e *Engine) QuoteRefund(s Subscription, now time.Time) (RefundQuote, error) {
	s, _, err := e.Advance(s, now, nil)
	if err != nil {
		return RefundQuote{}, err
	}
	if s.Status != StatusActive {
		return RefundQuote{}, tenancy.Refuse("PLAN-06", ErrStatus, "no paid period is running; the account is %s", s.Status)
	}
	return e.quote(s, now.In(s.Location())), nil
}

// quote computes the refund of an active period at now, which lies within it.
func (e *Engine) quote(s Subscription, now time.Time) RefundQuote {
	q := RefundQuote{Paid: s.Paid, Method: RefundNone, Renewal: s.Renewal, TelephonyForfeited: s.AddOns.TelephonyCredits}
	cur := e.catalog.currency
	if s.Period == Annual {
		q.Method = e.policy.Refund.Method
	}
	switch q.Method {
	case RefundWholeMonths:
		q.Of = s.Period.Months()
		q.Unused = e.unusedMonths(s, now)
		q.Refund = cur.Share(s.Paid, int64(q.Unused), int64(q.Of), e.policy.Rounding)
	case RefundDays:
		q.Of = civilDays(s.Start, s.End)
		q.Unused = unusedDays(s, now)
		q.Refund = cur.Share(s.Paid, int64(q.Unused), int64(q.Of), e.policy.Rounding)
	}
	if q.Refund.IsPositive() && e.policy.Refund.Fee.IsPositive() {
		q.Fee = decimal.Min(q.Refund, e.policy.Refund.Fee)
		q.Refund = q.Refund.Sub(q.Fee)
	}
	q.Retained = q.Paid.Sub(q.Refund)
	return q
}

// unusedMonths counts the months of s's period that begin at or after now.
// Month k begins on the anchor day k months after the period's start,
// bounded as periods are (Policy.Bounds).
func (e *Engine) unusedMonths(s Subscription, now time.Time) int {
	n := s.Period.Months()
	for k := 0; k < n; k++ {
		begins := s.Start
		if k > 0 {
			begins = e.periodEnd(s.Start, k, s.AnchorDay)
		}
		if !begins.Before(now) {
			return n - k
		}
	}
	return 0
}

// unusedDays counts the calendar days of s's period that begin at or after
// now. Day k begins k calendar days after the period's start, at the same
// wall-clock time.
func unusedDays(s Subscription, now time.Time) int {
	total := civilDays(s.Start, s.End)
	k := max(0, civilDays(s.Start, now))
	if k > total {
		return 0
	}
	if s.Start.AddDate(0, 0, k).Before(now) {
		k++
	}
	return max(0, total-k)
}
