package plan_test

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// tbCents computes amount * num / den rounded down to the cent with big
// integers, independently of plan.Currency.Part. amount is in cents.
func tbCents(amountCents, num, den int64) decimal.Decimal {
	q := new(big.Int).Mul(big.NewInt(amountCents), big.NewInt(num))
	q.Quo(q, big.NewInt(den)) // all operands are non-negative: Quo floors
	return decimal.NewFromBigInt(q, -2)
}

// tbBuy returns a subscription that bought id for period at buy, in loc.
func tbBuy(t *testing.T, e *plan.Engine, loc *time.Location, buy time.Time, id plan.PlanID, p plan.Period) plan.Subscription {
	t.Helper()
	s := tNew(t, e, "tb-refund", loc, buy)
	s, _ = tbApply(t, e, s, buy, plan.Purchase{By: tbAdmin, Plan: id, Period: p})
	return s
}

// tbQuote quotes a refund and checks the invariant refund + retained = paid
// exactly, and that the refund is neither negative nor above paid (PLAN-06).
func tbQuote(t *testing.T, e *plan.Engine, s plan.Subscription, now time.Time) plan.RefundQuote {
	t.Helper()
	q, err := e.QuoteRefund(s, now)
	if err != nil {
		t.Fatalf("QuoteRefund at %v: %v", now, err)
	}
	if !q.Refund.Add(q.Retained).Equal(q.Paid) {
		t.Errorf("at %v: refund %s + retained %s != paid %s", now, q.Refund, q.Retained, q.Paid)
	}
	if q.Refund.IsNegative() || q.Refund.GreaterThan(q.Paid) || q.Fee.IsNegative() {
		t.Errorf("at %v: refund %s fee %s out of range for paid %s", now, q.Refund, q.Fee, q.Paid)
	}
	if !plan.USD.Whole(q.Refund) {
		t.Errorf("at %v: refund %s is finer than a cent", now, q.Refund)
	}
	return q
}

// tbRefunded sums the Amount of every EventRefunded.
func tbRefunded(evs []plan.Event) decimal.Decimal {
	sum := decimal.Zero
	for _, ev := range evs {
		if ev.Kind == plan.EventRefunded {
			sum = sum.Add(ev.Amount)
		}
	}
	return sum
}

// PLAN-06: the unused part of a monthly period is never refunded, whatever
// the refund method, even at the period's first instant.
func TestRefund_PLAN06_MonthlyNothing(t *testing.T) {
	for _, m := range []plan.RefundMethod{plan.RefundWholeMonths, plan.RefundDays, plan.RefundNone} {
		t.Run(m.String(), func(t *testing.T) {
			e := tbEngine(t, func(p *plan.Policy) { p.Refund = plan.RefundPolicy{Method: m, Fee: tbDec("10")} })
			buy := time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)
			s := tbBuy(t, e, time.UTC, buy, plan.Standard, plan.Monthly)
			for _, at := range []time.Time{buy, buy.Add(time.Second), buy.AddDate(0, 0, 15), s.End.Add(-time.Nanosecond)} {
				q := tbQuote(t, e, s, at)
				tbWantDec(t, "Refund", q.Refund, "0")
				tbWantDec(t, "Retained", q.Retained, "124")
				tbWantDec(t, "Fee", q.Fee, "0")
				if q.Method != plan.RefundNone {
					t.Errorf("Method = %v, want none for a monthly period", q.Method)
				}
			}
			n, evs := tbApply(t, e, s, buy.Add(time.Second), plan.Cancel{By: tbAdmin, Now: true})
			tbWantDec(t, "cancelled-now amount", tbFind(t, evs, plan.EventCancelledNow).Amount, "0")
			tbWantDec(t, "refunded", tbRefunded(evs), "0")
			if n.Status != plan.StatusFree {
				t.Errorf("status %v, want free", n.Status)
			}
		})
	}
}

// PLAN-06: by unused whole months, a month counts as unused only if it has
// not begun; month k begins on the anchor day k months after the start, at
// the start's wall-clock time (here Europe/Berlin, anchor 31).
func TestRefund_PLAN06_WholeMonths(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil) // default: unused whole months, no fee
	at := func(y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, berlin)
	}
	buy := at(2026, 1, 31, 10, 0, 0)
	s := tbBuy(t, e, berlin, buy, plan.Professional, plan.Annual)
	tests := []struct {
		name     string
		now      time.Time
		unused   int
		refund   string
		retained string
	}{
		// 2390.40 * 12/12 = 2390.40
		{"at the start", buy, 12, "2390.40", "0"},
		// 2390.40 * 11/12 = 2191.20
		{"one second in", buy.Add(time.Second), 11, "2191.20", "199.20"},
		{"28 Feb 09:59:59, month 2 not begun", at(2026, 2, 28, 9, 59, 59), 11, "2191.20", "199.20"},
		// Month 2 begins on 28 Feb (the anchor 31 clamped) at 10:00.
		{"28 Feb 10:00 exactly", at(2026, 2, 28, 10, 0, 0), 11, "2191.20", "199.20"},
		// 2390.40 * 10/12 = 1992.00
		{"28 Feb 10:00:01", at(2026, 2, 28, 10, 0, 1), 10, "1992.00", "398.40"},
		// Month 3 begins on 31 Mar at 10:00 CEST (08:00 UTC), after DST.
		{"31 Mar 10:00 CEST exactly", at(2026, 3, 31, 10, 0, 0), 10, "1992.00", "398.40"},
		// 2390.40 * 9/12 = 1792.80
		{"31 Mar 10:00:01 CEST", at(2026, 3, 31, 10, 0, 1), 9, "1792.80", "597.60"},
		// 2390.40 * 2/12 = 398.40
		{"30 Nov 10:00 exactly", at(2026, 11, 30, 10, 0, 0), 2, "398.40", "1992.00"},
		// 2390.40 * 1/12 = 199.20
		{"31 Dec 10:00 exactly, last month not begun", at(2026, 12, 31, 10, 0, 0), 1, "199.20", "2191.20"},
		{"31 Dec 10:00:01", at(2026, 12, 31, 10, 0, 1), 0, "0", "2390.40"},
		{"last nanosecond", at(2027, 1, 31, 10, 0, 0).Add(-time.Nanosecond), 0, "0", "2390.40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tbQuote(t, e, s, tt.now)
			if q.Method != plan.RefundWholeMonths || q.Of != 12 || q.Unused != tt.unused {
				t.Errorf("method %v unused %d of %d, want whole-months %d of 12", q.Method, q.Unused, q.Of, tt.unused)
			}
			tbWantDec(t, "Paid", q.Paid, "2390.40")
			tbWantDec(t, "Refund", q.Refund, tt.refund)
			tbWantDec(t, "Retained", q.Retained, tt.retained)
			tbWantDec(t, "Fee", q.Fee, "0")
			tbWantDec(t, "Renewal", q.Renewal, "0")

			// Cancelling now refunds exactly the quote.
			n, evs := tbApply(t, e, s, tt.now, plan.Cancel{By: tbAdmin, Now: true, Reason: "tb"})
			tbWantDec(t, "cancelled-now amount", tbFind(t, evs, plan.EventCancelledNow).Amount, tt.refund)
			tbWantDec(t, "refunded", tbRefunded(evs), tt.refund)
			if n.Status != plan.StatusFree || n.Plan != plan.Free {
				t.Errorf("after Cancel{Now}: %v on %s, want free", n.Status, n.Plan)
			}
		})
	}
}

// PLAN-06: the event sequence of an immediate cancellation with a refund.
func TestRefund_PLAN06_CancelNowEvents(t *testing.T) {
	e := tbEngine(t, nil)
	buy := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	s := tbBuy(t, e, time.UTC, buy, plan.Professional, plan.Annual)
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)
	_, evs := tbApply(t, e, s, now, plan.Cancel{By: tbAdmin, Now: true, Reason: "too dear"})
	tbWantKinds(t, "Cancel{Now}", evs,
		plan.EventCancelledNow, plan.EventLimitsReduced, plan.EventRefunded, plan.EventCancellationConfirmed)
	// 15 Jan, Feb, Mar and Apr (exactly now) have begun or begin now: months
	// 4..12 of the period, 9 of them, are unused. 2390.40 * 9/12 = 1792.80.
	tbWantDec(t, "refunded", evs[2].Amount, "1792.80")
	for _, ev := range evs {
		tbWantTime(t, ev.Kind.String()+" At", ev.At, now)
	}
	if evs[0].Rule != "PLAN-06" || evs[2].Rule != "PLAN-06" {
		t.Errorf("rules %q %q, want PLAN-06", evs[0].Rule, evs[2].Rule)
	}
}

// PLAN-06: by days, the period has as many days as the calendar gives it: a
// year that includes 29 February 2028 has 366. A day counts as unused only
// if it has not begun.
func TestRefund_PLAN06_DaysLeapYear(t *testing.T) {
	e := tbEngine(t, func(p *plan.Policy) { p.Refund.Method = plan.RefundDays })
	buy := time.Date(2028, 1, 10, 10, 0, 0, 0, time.UTC)
	s := tbBuy(t, e, time.UTC, buy, plan.Professional, plan.Annual)
	tbWantTime(t, "End", s.End, time.Date(2029, 1, 10, 10, 0, 0, 0, time.UTC))
	// 10 Jan + 100 days = 19 Apr 2028 (21 + 29 + 31 + 19).
	day100 := time.Date(2028, 4, 19, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		now      time.Time
		unused   int
		refund   string
		retained string
	}{
		// 2390.40 * 366/366
		{buy, 366, "2390.40", "0"},
		// 2390.40 * 365/366 = 2383.8688... -> 2383.86
		{buy.Add(time.Second), 365, "2383.86", "6.54"},
		// 2390.40 * 266/366 = 635846.4/366 = 1737.2852... -> 1737.28
		{day100, 266, "1737.28", "653.12"},
		// 2390.40 * 265/366 = 633456/366 = 1730.7540... -> 1730.75
		{day100.Add(time.Second), 265, "1730.75", "659.65"},
		// 29 Feb 2028 10:00 is day 50: 2390.40 * 316/366 = 2063.8426... -> 2063.84
		{time.Date(2028, 2, 29, 10, 0, 0, 0, time.UTC), 316, "2063.84", "326.56"},
		// 9 Jan 2029 10:00 is day 365: 2390.40 * 1/366 = 6.5311... -> 6.53
		{time.Date(2029, 1, 9, 10, 0, 0, 0, time.UTC), 1, "6.53", "2383.87"},
		{time.Date(2029, 1, 9, 10, 0, 1, 0, time.UTC), 0, "0", "2390.40"},
	}
	for _, tt := range tests {
		q := tbQuote(t, e, s, tt.now)
		if q.Method != plan.RefundDays || q.Of != 366 || q.Unused != tt.unused {
			t.Errorf("at %v: method %v unused %d of %d, want days %d of 366", tt.now, q.Method, q.Unused, q.Of, tt.unused)
		}
		tbWantDec(t, "Refund at "+tt.now.String(), q.Refund, tt.refund)
		tbWantDec(t, "Retained at "+tt.now.String(), q.Retained, tt.retained)
	}

	// A common year has 365 days: 10 Jan 2026 -> 10 Jan 2027.
	s2 := tbBuy(t, e, time.UTC, time.Date(2026, 1, 10, 10, 0, 0, 0, time.UTC), plan.Professional, plan.Annual)
	q := tbQuote(t, e, s2, time.Date(2026, 4, 20, 10, 0, 0, 0, time.UTC))
	// 10 Jan + 100 days = 20 Apr 2026 (21 + 28 + 31 + 20); 265 unused.
	// 2390.40 * 265/365 = 633456/365 = 1735.4958... -> 1735.49
	if q.Of != 365 || q.Unused != 265 {
		t.Errorf("common year: unused %d of %d, want 265 of 365", q.Unused, q.Of)
	}
	tbWantDec(t, "common-year Refund", q.Refund, "1735.49")
}

// PLAN-06: every instant a day begins and one second later, across the
// whole leap year, in a DST zone, with a fee: the quote matches an
// independent computation and refund + retained = paid.
func TestRefund_PLAN06_DaysEveryDay(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, func(p *plan.Policy) { p.Refund = plan.RefundPolicy{Method: plan.RefundDays, Fee: tbDec("5.55")} })
	buy := time.Date(2028, 1, 10, 10, 0, 0, 0, berlin)
	s := tbBuy(t, e, berlin, buy, plan.Professional, plan.Annual)
	fee := tbDec("5.55")
	for k := 0; k < 366; k++ {
		dayStart := time.Date(2028, 1, 10+k, 10, 0, 0, 0, berlin) // time.Date normalises the day
		for _, c := range []struct {
			now    time.Time
			unused int64
		}{{dayStart, int64(366 - k)}, {dayStart.Add(time.Second), int64(365 - k)}} {
			q := tbQuote(t, e, s, c.now)
			gross := tbCents(239040, c.unused, 366)
			want := decimal.Max(decimal.Zero, gross.Sub(fee))
			if !q.Refund.Equal(want) || q.Unused != int(c.unused) {
				t.Fatalf("at %v: refund %s (unused %d), want %s (unused %d)", c.now, q.Refund, q.Unused, want, c.unused)
			}
			if wantFee := decimal.Min(gross, fee); !q.Fee.Equal(wantFee) {
				t.Fatalf("at %v: fee %s, want %s", c.now, q.Fee, wantFee)
			}
		}
	}
}

// PLAN-06: RefundNone refunds nothing of an annual period.
func TestRefund_PLAN06_None(t *testing.T) {
	e := tbEngine(t, func(p *plan.Policy) { p.Refund = plan.RefundPolicy{Method: plan.RefundNone, Fee: tbDec("20")} })
	buy := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	s := tbBuy(t, e, time.UTC, buy, plan.Enterprise, plan.Annual)
	q := tbQuote(t, e, s, buy)
	if q.Method != plan.RefundNone {
		t.Errorf("Method %v, want none", q.Method)
	}
	// Enterprise annual = 499 * 12 * 0.8 = 4790.40, all retained; no fee on
	// a zero refund.
	tbWantDec(t, "Paid", q.Paid, "4790.40")
	tbWantDec(t, "Refund", q.Refund, "0")
	tbWantDec(t, "Retained", q.Retained, "4790.40")
	tbWantDec(t, "Fee", q.Fee, "0")
	_, evs := tbApply(t, e, s, buy, plan.Cancel{By: tbAdmin, Now: true})
	tbWantDec(t, "refunded", tbRefunded(evs), "0")
}

// PLAN-06: the fee is deducted from a non-zero refund and never makes it
// negative.
func TestRefund_PLAN06_Fee(t *testing.T) {
	buy := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name                    string
		fee                     string
		now                     time.Time
		refund, retained, feeAt string
	}{
		// 9 unused months: 2390.40 * 9/12 = 1792.80; less 50 = 1742.80;
		// retained 2390.40 - 1742.80 = 647.60
		{"fee deducted", "50", time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC), "1742.80", "647.60", "50"},
		// 1 unused month: 199.20; a fee of 250 takes only 199.20
		{"fee larger than refund", "250", time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC), "0", "2390.40", "199.20"},
		// exactly equal: 199.20 - 199.20 = 0
		{"fee equal to refund", "199.20", time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC), "0", "2390.40", "199.20"},
		// nothing to refund: no fee taken
		{"no refund, no fee", "50", time.Date(2026, 12, 15, 10, 0, 1, 0, time.UTC), "0", "2390.40", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tbEngine(t, func(p *plan.Policy) { p.Refund.Fee = tbDec(tt.fee) })
			s := tbBuy(t, e, time.UTC, buy, plan.Professional, plan.Annual)
			q := tbQuote(t, e, s, tt.now)
			tbWantDec(t, "Refund", q.Refund, tt.refund)
			tbWantDec(t, "Retained", q.Retained, tt.retained)
			tbWantDec(t, "Fee", q.Fee, tt.feeAt)
			_, evs := tbApply(t, e, s, tt.now, plan.Cancel{By: tbAdmin, Now: true})
			tbWantDec(t, "refunded", tbRefunded(evs), tt.refund)
			if q.Refund.IsZero() {
				for _, ev := range evs {
					if ev.Kind == plan.EventRefunded {
						t.Errorf("a zero refund emitted %v", ev)
					}
				}
			}
		})
	}
}

// PLAN-06, PLAN-03: a renewal bought early for a period that has not begun
// is refunded in full, apart from the refund of the current period.
func TestRefund_PLAN06_EarlyRenewalRefundedApart(t *testing.T) {
	// A 100-day window lets the renewal be bought while whole months remain.
	e := tbEngine(t, func(p *plan.Policy) { p.RenewalWindowDays = 100 })
	buy := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	s := tbBuy(t, e, time.UTC, buy, plan.Professional, plan.Annual)
	s, _ = tbApply(t, e, s, time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), plan.Renew{By: tbAdmin})
	now := time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC)
	q := tbQuote(t, e, s, now)
	// Months 11 and 12 (15 Nov exactly, 15 Dec) have not begun:
	// 2390.40 * 2/12 = 398.40; retained 1992.00. The renewal, 2390.40, comes
	// back in full and is not part of Paid.
	tbWantDec(t, "Refund", q.Refund, "398.40")
	tbWantDec(t, "Retained", q.Retained, "1992.00")
	tbWantDec(t, "Renewal", q.Renewal, "2390.40")
	_, evs := tbApply(t, e, s, now, plan.Cancel{By: tbAdmin, Now: true})
	tbWantKinds(t, "Cancel{Now}", evs,
		plan.EventCancelledNow, plan.EventLimitsReduced, plan.EventRefunded, plan.EventRefunded, plan.EventCancellationConfirmed)
	tbWantDec(t, "period refund", evs[2].Amount, "398.40")
	tbWantDec(t, "renewal refund", evs[3].Amount, "2390.40")
	// 398.40 + 2390.40 = 2788.80
	tbWantDec(t, "total refunded", tbRefunded(evs), "2788.80")

	// With the default 30-day window the renewal is bought in the last
	// month, which has begun: only the renewal comes back.
	e = tbEngine(t, nil)
	s = tbBuy(t, e, time.UTC, buy, plan.Professional, plan.Annual)
	s, _ = tbApply(t, e, s, time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC), plan.Renew{By: tbAdmin})
	q = tbQuote(t, e, s, time.Date(2026, 12, 21, 10, 0, 0, 0, time.UTC))
	tbWantDec(t, "Refund", q.Refund, "0")
	tbWantDec(t, "Retained", q.Retained, "2390.40")
	tbWantDec(t, "Renewal", q.Renewal, "2390.40")
	_, evs = tbApply(t, e, s, time.Date(2026, 12, 21, 10, 0, 0, 0, time.UTC), plan.Cancel{By: tbAdmin, Now: true})
	tbWantDec(t, "total refunded", tbRefunded(evs), "2390.40")

	// Cancelling at period end (PLAN-04) gives the renewal back at once.
	s = tbBuy(t, e, time.UTC, buy, plan.Professional, plan.Annual)
	s, _ = tbApply(t, e, s, time.Date(2026, 12, 20, 10, 0, 0, 0, time.UTC), plan.Renew{By: tbAdmin})
	s, evs = tbApply(t, e, s, time.Date(2026, 12, 22, 10, 0, 0, 0, time.UTC), plan.Cancel{By: tbAdmin})
	tbWantDec(t, "renewal refunded on cancel", tbRefunded(evs), "2390.40")
	tbWantDec(t, "Renewal after cancel", s.Renewal, "0")
}

// PLAN-07: prepaid telephony credits are never refunded: the quote reports
// them as forfeited, and the drop to free deactivates them without a refund.
func TestRefund_PLAN07_TelephonyForfeited(t *testing.T) {
	e := tbEngine(t, nil)
	buy := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	s := tbBuy(t, e, time.UTC, buy, plan.Professional, plan.Annual)
	s, _ = tbApply(t, e, s, buy.Add(time.Hour), plan.BuyTelephonyCredits{By: tbAdmin, Amount: tbDec("30.00")})
	s, _ = tbApply(t, e, s, buy.Add(2*time.Hour), plan.UseTelephonyCredits{By: tbService, Amount: tbDec("4.75")})
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)
	q := tbQuote(t, e, s, now)
	// 30.00 - 4.75 = 25.25 forfeited; the refund is the 9 months alone:
	// 2390.40 * 9/12 = 1792.80.
	tbWantDec(t, "TelephonyForfeited", q.TelephonyForfeited, "25.25")
	tbWantDec(t, "Refund", q.Refund, "1792.80")
	tbWantDec(t, "Retained", q.Retained, "597.60")

	n, evs := tbApply(t, e, s, now, plan.Cancel{By: tbAdmin, Now: true})
	tbWantDec(t, "forfeited in event", tbFind(t, evs, plan.EventAddOnsDeactivated).Amount, "25.25")
	tbWantDec(t, "total refunded", tbRefunded(evs), "1792.80")
	if !n.AddOns.IsZero() {
		t.Errorf("add-ons after the drop to free: %+v", n.AddOns)
	}

	// A monthly plan: nothing refunded, credits still reported forfeited.
	m := tbBuy(t, e, time.UTC, buy, plan.Standard, plan.Monthly)
	m, _ = tbApply(t, e, m, buy, plan.BuyTelephonyCredits{By: tbAdmin, Amount: tbDec("12.34")})
	q = tbQuote(t, e, m, buy.Add(time.Hour))
	tbWantDec(t, "monthly TelephonyForfeited", q.TelephonyForfeited, "12.34")
	tbWantDec(t, "monthly Refund", q.Refund, "0")

	// Rolling back at period end forfeits them too, with no refund.
	m, _ = tbApply(t, e, m, buy.Add(time.Hour), plan.Cancel{By: tbAdmin})
	m, evs = tbAdvance(t, e, m, m.End)
	tbWantKinds(t, "rollback", evs, plan.EventRolledBack, plan.EventAddOnsDeactivated, plan.EventLimitsReduced)
	tbWantDec(t, "forfeited at rollback", evs[1].Amount, "12.34")
	tbWantDec(t, "refunded at rollback", tbRefunded(evs), "0")
	if !m.AddOns.IsZero() {
		t.Errorf("add-ons after rollback: %+v", m.AddOns)
	}
}

// PLAN-06: QuoteRefund refuses what has no paid period running.
func TestQuoteRefund_PLAN06_Refusals(t *testing.T) {
	e := tbEngine(t, nil)
	t0 := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	free := tNew(t, e, "tb-refund", time.UTC, t0)
	_, err := e.QuoteRefund(free, t0)
	tbWantRefusal(t, "free", err, plan.ErrStatus, "PLAN-06")

	trial, _ := tbApply(t, e, free, t0, plan.StartTrial{By: tbAdmin})
	_, err = e.QuoteRefund(trial, t0.Add(time.Hour))
	tbWantRefusal(t, "trial", err, plan.ErrStatus, "PLAN-06")

	s := tbBuy(t, e, time.UTC, t0, plan.Standard, plan.Monthly)
	// At the period's end the period has ended: QuoteRefund advances into
	// grace, where nothing is paid.
	_, err = e.QuoteRefund(s, s.End)
	tbWantRefusal(t, "at period end (grace)", err, plan.ErrStatus, "PLAN-06")

	_, err = e.QuoteRefund(s, t0.Add(-time.Nanosecond))
	if !errors.Is(err, tenancy.ErrTimeWentBack) {
		t.Errorf("QuoteRefund before the last change: %v, want ErrTimeWentBack", err)
	}
}
