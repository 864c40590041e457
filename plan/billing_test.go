package plan_test

// Billing conventions (issue 14): proration basis, the day of the change,
// rounding, upgrade anchoring and period bounds, each a Policy choice, each
// pinned here to the day and the cent.

import (
	"errors"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// TestShare_PLAN06_Rounding pins Currency.Share, the one place money is
// rounded, in each mode: exact shares are untouched, halves go down, up or
// to the even cent, and no share passes the amount (PLAN-06: money is
// decimal in the currency's minor units).
func TestShare_PLAN06_Rounding(t *testing.T) {
	yen := plan.Currency{Code: "JPY", Minor: 0}
	for _, c := range []struct {
		cur                  plan.Currency
		amount               string
		num, den             int64
		down, halfUp, halfEv string
	}{
		{plan.USD, "124", 16, 31, "64", "64", "64"},                      // exact
		{plan.USD, "10", 1, 3, "3.33", "3.33", "3.33"},                   // 3.333…
		{plan.USD, "10", 2, 3, "6.66", "6.67", "6.67"},                   // 6.666…
		{plan.USD, "0.05", 1, 2, "0.02", "0.03", "0.02"},                 // 0.025: a half, even below
		{plan.USD, "0.15", 1, 2, "0.07", "0.08", "0.08"},                 // 0.075: a half, even above
		{plan.USD, "-0.05", 1, 2, "-0.02", "-0.03", "-0.02"},             // away from zero, or even
		{plan.USD, "2390.40", 365, 366, "2383.86", "2383.87", "2383.87"}, // 2383.868…
		{plan.USD, "0.01", 1, 3, "0", "0", "0"},
		{plan.USD, "0.01", 2, 3, "0", "0.01", "0.01"},
		{plan.USD, "61", 31, 31, "61", "61", "61"},
		{plan.USD, "61", 0, 31, "0", "0", "0"},
		{yen, "100", 1, 8, "12", "13", "12"}, // 12.5 yen
		{yen, "300", 1, 8, "37", "38", "38"}, // 37.5 yen
	} {
		for _, m := range []struct {
			r    plan.Rounding
			want string
		}{{plan.RoundDown, c.down}, {plan.RoundHalfUp, c.halfUp}, {plan.RoundHalfEven, c.halfEv}} {
			got := c.cur.Share(tbDec(c.amount), c.num, c.den, m.r)
			if !got.Equal(tbDec(m.want)) {
				t.Errorf("%s × %d/%d %s, %v: %s, want %s", c.amount, c.num, c.den, c.cur.Code, m.r, got, m.want)
			}
			if a := tbDec(c.amount); a.IsPositive() && got.GreaterThan(a) {
				t.Errorf("%s × %d/%d, %v: %s is more than the amount", c.amount, c.num, c.den, m.r, got)
			}
		}
		if p := c.cur.Part(tbDec(c.amount), c.num, c.den); !p.Equal(tbDec(c.down)) {
			t.Errorf("Part(%s, %d, %d) = %s, want Share rounding down, %s", c.amount, c.num, c.den, p, c.down)
		}
	}
}

// TestProrationBasis_PLAN03 pins the unused share of one upgrade under
// each basis: Standard monthly (124.00) bought on the 1st at 10:00 UTC,
// upgraded to Professional monthly (249.00) on the 16th (PLAN-03).
//
//   - March (31 days), days: 16 Mar to 1 Apr is 16 days unused: 124 ×
//     16/31 = 64.00. The day of the change used: 15 days, 60.00.
//   - March, 30-day month: 30E/360 from 16 Mar to 1 Apr is 15 days of
//     30: 62.00. The day used: 14, 57.866… → 57.86.
//   - March, elapsed: 16 days of 31 to the second, 64.00 as by days.
//   - February 2026 (28 days), days: 13 days from the 16th: 124 × 13/28 =
//     57.571… → 57.57; 30-day: 15 of 30 (the 1 March end counts as the
//     30th of February), 62.00.
func TestProrationBasis_PLAN03(t *testing.T) {
	for _, c := range []struct {
		name      string
		basis     plan.Basis
		dayUsed   bool
		buy, up   time.Time
		credit    string
		charged   string
		rounding  plan.Rounding
		roundedTo string // the credit with rounding, when set
	}{
		{"march by days", plan.ProrateDays, false, tbUTC(2026, 3, 1), tbUTC(2026, 3, 16), "64", "185", 0, ""},
		{"march by days, change day used", plan.ProrateDays, true, tbUTC(2026, 3, 1), tbUTC(2026, 3, 16), "60", "189", 0, ""},
		{"march by 30-day months", plan.ProrateThirtyDayMonth, false, tbUTC(2026, 3, 1), tbUTC(2026, 3, 16), "62", "187", 0, ""},
		{"march by 30-day months, change day used", plan.ProrateThirtyDayMonth, true, tbUTC(2026, 3, 1), tbUTC(2026, 3, 16), "57.86", "191.14", plan.RoundHalfUp, "57.87"},
		{"march by elapsed time", plan.ProrateElapsed, false, tbUTC(2026, 3, 1), tbUTC(2026, 3, 16), "64", "185", 0, ""},
		{"march by elapsed time, change day ignored", plan.ProrateElapsed, true, tbUTC(2026, 3, 1), tbUTC(2026, 3, 16), "64", "185", 0, ""},
		{"february by days", plan.ProrateDays, false, tbUTC(2026, 2, 1), tbUTC(2026, 2, 16), "57.57", "191.43", plan.RoundHalfEven, "57.57"},
		{"february by 30-day months", plan.ProrateThirtyDayMonth, false, tbUTC(2026, 2, 1), tbUTC(2026, 2, 16), "62", "187", 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := tbEngine(t, func(p *plan.Policy) { p.Proration = plan.Proration{Basis: c.basis, ChangeDayUsed: c.dayUsed} })
			_, ev := tbUpgrade(t, e, time.UTC, c.buy, plan.Standard, plan.Monthly, c.up, plan.Professional, plan.Monthly)
			tbWantDec(t, "credit", ev.Credit, c.credit)
			tbWantDec(t, "credited", ev.Credited, c.credit)
			tbWantDec(t, "charged", ev.Amount, c.charged)
			if c.roundedTo != "" {
				e := tbEngine(t, func(p *plan.Policy) {
					p.Proration = plan.Proration{Basis: c.basis, ChangeDayUsed: c.dayUsed}
					p.Rounding = c.rounding
				})
				_, ev := tbUpgrade(t, e, time.UTC, c.buy, plan.Standard, plan.Monthly, c.up, plan.Professional, plan.Monthly)
				tbWantDec(t, "credit rounded "+c.rounding.String(), ev.Credit, c.roundedTo)
			}
		})
	}
}

func tbUTC(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

// TestProrationDST_PLAN03 is the case: an upgrade in Europe/Berlin
// across the change to summer time. Basic monthly (61.00) bought on 2
// March 2026 at 09:00 runs to 2 April, 31 calendar days but 743 hours.
// Upgraded on 3 March at 09:00: by days 30 days are unused, 61 × 30/31 =
// 59.032… → 59.03; by elapsed time 719 of 743 hours, 59.029… → 59.02
// (PLAN-03; RULES.md counts durations in calendar days).
func TestProrationDST_PLAN03(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	buy := time.Date(2026, 3, 2, 9, 0, 0, 0, berlin)
	up := time.Date(2026, 3, 3, 9, 0, 0, 0, berlin)
	_, ev := tbUpgrade(t, tbEngine(t, nil), berlin, buy, plan.Basic, plan.Monthly, up, plan.Standard, plan.Monthly)
	tbWantDec(t, "by days", ev.Credit, "59.03")
	elapsed := tbEngine(t, func(p *plan.Policy) { p.Proration.Basis = plan.ProrateElapsed })
	_, ev = tbUpgrade(t, elapsed, berlin, buy, plan.Basic, plan.Monthly, up, plan.Standard, plan.Monthly)
	tbWantDec(t, "by elapsed time", ev.Credit, "59.02")
}

// TestUpgradeCredit_PLAN03_WholeCreditOnTheEvent: an upgrade whose credit
// exceeds the new price says so: Professional annual (2390.40, 366 days of
// 2024) upgraded on 2 January to Enterprise monthly (499.00) credits 365
// unused days, 2383.86; 499.00 of it pays the new price, 1884.86 stays on
// the account. The event carries all three, and the account's credit is
// the balance (PLAN-03).
func TestUpgradeCredit_PLAN03_WholeCreditOnTheEvent(t *testing.T) {
	e := tbEngine(t, nil)
	s, ev := tbUpgrade(t, e, time.UTC, tbUTC(2024, 1, 1), plan.Professional, plan.Annual, tbUTC(2024, 1, 2), plan.Enterprise, plan.Monthly)
	tbWantDec(t, "credited", ev.Credited, "2383.86")
	tbWantDec(t, "applied", ev.Credit, "499")
	tbWantDec(t, "balance", ev.Balance, "1884.86")
	tbWantDec(t, "charged", ev.Amount, "0")
	tbWantDec(t, "account credit", s.Credit, "1884.86")
	if want := "2024-01-02 PLAN-03 upgraded plan=enterprise credit=499 credited=2383.86 balance=1884.86 until=2024-02-02"; ev.String() != want {
		t.Errorf("event reads %q, want %q", ev.String(), want)
	}
	// With credit already on the account, the upgrade adds to it: before +
	// credited = applied + balance.
	s, ev2 := tbApply(t, e, s, tbUTC(2024, 1, 3), plan.ChangePlan{By: tbAdmin, Plan: plan.Enterprise, Period: plan.Annual})
	up := tbFind(t, ev2, plan.EventUpgraded)
	// Enterprise monthly 499 for 2 Jan to 2 Feb (31 days): 30 unused on
	// 3 Jan, 482.90; annual is 499 × 12 × 0.8 = 4790.40.
	tbWantDec(t, "second credited", up.Credited, "482.90")
	if !ev.Balance.Add(up.Credited).Equal(up.Credit.Add(up.Balance)) || !s.Credit.Equal(up.Balance) {
		t.Errorf("credit not conserved: %s before + %s credited != %s applied + %s left (account %s)", ev.Balance, up.Credited, up.Credit, up.Balance, s.Credit)
	}
	tbWantDec(t, "second applied", up.Credit, "2367.76")
	tbWantDec(t, "second charged", up.Amount, "2422.64")
}

// TestUpgradeKeepsAnchor_PLAN03 pins UpgradeKeepsAnchor, Stripe's default
// (billing_cycle_anchor unchanged) and Kill Bill's and Lago's way: Basic
// monthly (61.00) bought 1 March 2026, upgraded to Standard monthly
// (124.00) on the 16th, 16 of 31 days unused. The old plan's unused part,
// 61 × 16/31 = 31.48, is credited; the new plan's, 124 × 16/31 = 64.00, is
// charged: 32.52 net. The period still ends on 1 April and the next one
// costs 124.00 in full (PLAN-03, PLAN-05).
func TestUpgradeKeepsAnchor_PLAN03(t *testing.T) {
	e := tbEngine(t, func(p *plan.Policy) { p.Upgrade = plan.UpgradeKeepsAnchor })
	buy, up := tbUTC(2026, 3, 1), tbUTC(2026, 3, 16)
	s, ev := tbUpgrade(t, e, time.UTC, buy, plan.Basic, plan.Monthly, up, plan.Standard, plan.Monthly)
	tbWantDec(t, "credited", ev.Credited, "31.48")
	tbWantDec(t, "applied", ev.Credit, "31.48")
	tbWantDec(t, "charged", ev.Amount, "32.52")
	tbWantDec(t, "balance", ev.Balance, "0")
	tbWantTime(t, "start", s.Start, buy)
	tbWantTime(t, "end", s.End, tbUTC(2026, 4, 1))
	tbWantTime(t, "until", ev.Until, tbUTC(2026, 4, 1))
	if s.Plan != plan.Standard || s.AnchorDay != 1 || s.Status != plan.StatusActive {
		t.Errorf("after: %s anchor %d %s, want standard anchored on 1, active", s.Plan, s.AnchorDay, s.Status)
	}
	// What the period cost: 61 - 31.48 + 64 = 93.52.
	tbWantDec(t, "paid", s.Paid, "93.52")
	s, evs := tbAdvance(t, e, s, tbUTC(2026, 4, 1))
	tbWantKinds(t, "at the anchor", evs, plan.EventGraceStarted)
	tbWantDec(t, "due at the anchor", evs[0].Amount, "124")
	tbWantTime(t, "next end", s.End, tbUTC(2026, 5, 1))

	// A change of period length starts a new period all the same.
	s2, ev := tbUpgrade(t, e, time.UTC, buy, plan.Basic, plan.Monthly, up, plan.Basic, plan.Annual)
	tbWantTime(t, "annual start", s2.Start, up)
	tbWantTime(t, "annual end", s2.End, tbUTC(2027, 3, 16))
	tbWantDec(t, "annual charged", ev.Amount, "554.12") // 585.60 − 31.48
}

// TestBoundAtMidnight_PLAN05: with BoundAtMidnight every period ends at
// local midnight, the start of its anchor day: Basic monthly bought on 15
// March 2026 at 14:30 in Berlin ends on 15 April at 00:00 CEST, renews to
// 15 May 00:00, and a purchase on 31 January ends on 28 February at 00:00
// and then on 31 March at 00:00 (PLAN-05). In America/Santiago, where
// clocks went forward at midnight on 6 September 2026, a period anchored
// on the 6th ends at the first instant of that day, 01:00.
func TestBoundAtMidnight_PLAN05(t *testing.T) {
	e := tbEngine(t, func(p *plan.Policy) { p.Bounds = plan.BoundAtMidnight })
	berlin := tbLoc(t, "Europe/Berlin")
	s := tbBuy(t, e, berlin, time.Date(2026, 3, 15, 14, 30, 0, 0, berlin), plan.Basic, plan.Monthly)
	tbWantTime(t, "first end", s.End, time.Date(2026, 4, 15, 0, 0, 0, 0, berlin))
	s, _ = tbApply(t, e, s, time.Date(2026, 4, 10, 9, 0, 0, 0, berlin), plan.Renew{By: tbAdmin})
	s, _ = tbAdvance(t, e, s, time.Date(2026, 4, 15, 0, 0, 0, 0, berlin))
	tbWantTime(t, "renewed start", s.Start, time.Date(2026, 4, 15, 0, 0, 0, 0, berlin))
	tbWantTime(t, "renewed end", s.End, time.Date(2026, 5, 15, 0, 0, 0, 0, berlin))

	s = tbBuy(t, e, time.UTC, time.Date(2026, 1, 31, 18, 0, 0, 0, time.UTC), plan.Basic, plan.Monthly)
	tbWantTime(t, "31 Jan end", s.End, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC))
	s, _ = tbApply(t, e, s, time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC), plan.Renew{By: tbAdmin})
	s, _ = tbAdvance(t, e, s, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC))
	tbWantTime(t, "back on the 31st", s.End, time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC))

	santiago := tbLoc(t, "America/Santiago")
	s = tbBuy(t, e, santiago, time.Date(2026, 8, 6, 12, 0, 0, 0, santiago), plan.Basic, plan.Monthly)
	if h, m, _ := s.End.Clock(); s.End.Day() != 6 || s.End.Month() != time.September || h > 1 || m != 0 {
		t.Errorf("end across a midnight gap: %v, want 6 September at its first instant", s.End)
	}
	if s.End.Add(-time.Nanosecond).Day() != 5 {
		t.Errorf("end %v is not the first instant of its day", s.End)
	}

	// The default keeps the purchase's time of day.
	d := tbBuy(t, tbEngine(t, nil), berlin, time.Date(2026, 3, 15, 14, 30, 0, 0, berlin), plan.Basic, plan.Monthly)
	tbWantTime(t, "default end", d.End, time.Date(2026, 4, 15, 14, 30, 0, 0, berlin))
}

// TestRefundRounding_PLAN06: refunds round as the policy says, and refund
// + retained = paid exactly in every mode. Basic annual 585.60 bought 1
// January 2026 at 10:00 (365 days), refunded by days on 2 January at
// 10:00, when the second day has not begun: 364 unused days, 585.60 ×
// 364/365 = 583.9956… → 583.99 down, 584.00 half up or half even. Standard
// annual 1190.40: 1187.1386… → 1187.13 down, 1187.14 otherwise (PLAN-06).
func TestRefundRounding_PLAN06(t *testing.T) {
	for _, c := range []struct {
		r    plan.Rounding
		id   plan.PlanID
		want string
	}{
		{plan.RoundDown, plan.Basic, "583.99"}, {plan.RoundHalfUp, plan.Basic, "584"}, {plan.RoundHalfEven, plan.Basic, "584"},
		{plan.RoundDown, plan.Standard, "1187.13"}, {plan.RoundHalfUp, plan.Standard, "1187.14"}, {plan.RoundHalfEven, plan.Standard, "1187.14"},
	} {
		e := tbEngine(t, func(p *plan.Policy) { p.Refund.Method, p.Rounding = plan.RefundDays, c.r })
		s := tbBuy(t, e, time.UTC, tbUTC(2026, 1, 1), c.id, plan.Annual)
		q := tbQuote(t, e, s, tbUTC(2026, 1, 2))
		if !q.Refund.Equal(tbDec(c.want)) || !q.Refund.Add(q.Retained).Equal(q.Paid) {
			t.Errorf("%s, %v: refund %s retained %s of %s, want refund %s", c.id, c.r, q.Refund, q.Retained, q.Paid, c.want)
		}
	}
}

// TestPolicyConventions_PLAN03_Validate: a convention out of range is a
// policy error naming its rule; the defaults are the zero values.
func TestPolicyConventions_PLAN03_Validate(t *testing.T) {
	d := plan.DefaultPolicy()
	if d.Proration != (plan.Proration{Basis: plan.ProrateDays}) || d.Rounding != plan.RoundDown || d.Upgrade != plan.UpgradeResets || d.Bounds != plan.BoundAtPurchaseTime {
		t.Errorf("defaults: %+v %v %v %v", d.Proration, d.Rounding, d.Upgrade, d.Bounds)
	}
	for _, c := range []struct {
		mod  func(*plan.Policy)
		rule tenancy.RuleID
		name string
	}{
		{func(p *plan.Policy) { p.Proration.Basis = 3 }, "PLAN-03", "Proration.Basis"},
		{func(p *plan.Policy) { p.Rounding = 3 }, "PLAN-03", "Rounding"},
		{func(p *plan.Policy) { p.Upgrade = 2 }, "PLAN-03", "Upgrade"},
		{func(p *plan.Policy) { p.Bounds = 2 }, "PLAN-05", "Bounds"},
	} {
		p := plan.DefaultPolicy()
		c.mod(&p)
		err := p.Validate()
		if !errors.Is(err, plan.ErrPolicy) || tenancy.RuleOf(err) != c.rule {
			t.Errorf("%s out of range: %v, want ErrPolicy by %s", c.name, err, c.rule)
		}
		if _, err := plan.NewEngine(plan.DefaultCatalog(), p); !errors.Is(err, plan.ErrPolicy) {
			t.Errorf("NewEngine with %s out of range: %v", c.name, err)
		}
	}
	for _, s := range []interface{ String() string }{plan.ProrateDays, plan.ProrateElapsed, plan.ProrateThirtyDayMonth,
		plan.RoundDown, plan.RoundHalfUp, plan.RoundHalfEven, plan.UpgradeResets, plan.UpgradeKeepsAnchor,
		plan.BoundAtPurchaseTime, plan.BoundAtMidnight} {
		if s.String() == "" {
			t.Errorf("%#v has no name", s)
		}
	}
}

// TestRestrictionsOf_PLAN08: Restrictions asked of a subscription counts
// its extra storage while it has it, and none once the drop to free has
// deactivated it, with nothing to remember (PLAN-08, PLAN-07).
func TestRestrictionsOf_PLAN08(t *testing.T) {
	e := tbEngine(t, nil)
	s := tbBuy(t, e, time.UTC, tbUTC(2026, 3, 1), plan.Basic, plan.Monthly)
	s, _ = tbApply(t, e, s, tbUTC(2026, 3, 2), plan.BuyExtraStorage{By: tbAdmin, Bytes: 10 * plan.GB, Price: tbDec("5")})
	u := plan.Usage{StorageBytes: e.Limits(s).StorageBytes}
	r, err := e.RestrictionsOf(s, u)
	if err != nil || !r.Within() {
		t.Fatalf("within the quota with the add-on: %+v, %v", r, err)
	}
	s, _ = tbApply(t, e, s, tbUTC(2026, 3, 3), plan.Cancel{By: tbAdmin, Now: true})
	r, err = e.RestrictionsOf(s, u)
	if err != nil || r.Plan != plan.Free || r.StorageOverBytes <= 10*plan.GB {
		t.Fatalf("after the drop: %+v, %v; want the free quota, the add-on gone", r, err)
	}
	want, _ := e.Restrictions(plan.Free, 0, u)
	if r.StorageOverBytes != want.StorageOverBytes {
		t.Errorf("RestrictionsOf says %d bytes over, Restrictions with no add-on %d", r.StorageOverBytes, want.StorageOverBytes)
	}
}

// tbTenTwenty is a catalog of a 10.00 and a 20.00 monthly plan, as in the
// billing systems' own examples.
func tbTenTwenty(t *testing.T, mod func(*plan.Policy)) *plan.Engine {
	t.Helper()
	ps := tbGoodPlans()
	ps[tbIndex(ps, "big")].Prices.Monthly = tbDec("20")
	cat, err := plan.NewCatalog(plan.USD, ps...)
	if err != nil {
		t.Fatal(err)
	}
	p := plan.DefaultPolicy()
	mod(&p)
	e, err := plan.NewEngine(cat, p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestConventions_PLAN03_BillLike sets the policy each billing system's
// documentation describes (docs/billing.md has the table) and upgrades a
// 10.00 monthly plan to a 20.00 one halfway through a 30-day period, 1
// April to 1 May 2026 00:00 UTC, on 16 April 00:00.
//
//   - Stripe, "Prorations" (docs.stripe.com/billing/subscriptions/prorations):
//     upgrading from 10 USD to 20 USD monthly halfway through the period
//     bills 5 USD more: −5 for the unused time on the old price, +10 for
//     the remaining time on the new one; the period is kept, and time is
//     counted to the second.
//   - Kill Bill and Lago keep the billing day too and count calendar days
//     (Kill Bill's InvoiceDateUtils, Lago's "Upgrades and downgrades"
//     guide): 15 of 30 days, the same 5.00 credited and 10.00 charged; the
//     day of the change goes to the new plan.
//
// Across a daylight-saving change the bases part: in Europe/Berlin, from 1
// March to 1 April 2026 (31 days, 743 hours), on 16 March 00:00 the unused
// part is 16 days, 16/31 of the prices (5.16 and 10.32), but 383 hours by
// the clock, 383/743: 5.1547… and 10.3095…, 5.15 and 10.31 half up, 5.15
// and 10.30 down.
func TestConventions_PLAN03_BillLike(t *testing.T) {
	stripe := func(p *plan.Policy) {
		p.Proration.Basis, p.Rounding, p.Upgrade = plan.ProrateElapsed, plan.RoundHalfUp, plan.UpgradeKeepsAnchor
	}
	killBill := func(p *plan.Policy) {
		p.Proration.Basis, p.Rounding, p.Upgrade, p.Bounds = plan.ProrateDays, plan.RoundHalfUp, plan.UpgradeKeepsAnchor, plan.BoundAtMidnight
	}
	lago := killBill
	at := func(loc *time.Location, m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, loc) }
	berlin := tbLoc(t, "Europe/Berlin")
	for _, c := range []struct {
		name              string
		mod               func(*plan.Policy)
		loc               *time.Location
		buy, up, end      time.Time
		credit, rest, net string
	}{
		{"stripe", stripe, time.UTC, at(time.UTC, 4, 1), at(time.UTC, 4, 16), at(time.UTC, 5, 1), "5", "10", "5"},
		{"kill bill", killBill, time.UTC, at(time.UTC, 4, 1), at(time.UTC, 4, 16), at(time.UTC, 5, 1), "5", "10", "5"},
		{"lago", lago, time.UTC, at(time.UTC, 4, 1), at(time.UTC, 4, 16), at(time.UTC, 5, 1), "5", "10", "5"},
		{"stripe across DST", stripe, berlin, at(berlin, 3, 1), at(berlin, 3, 16), at(berlin, 4, 1), "5.15", "10.31", "5.16"},
		{"stripe across DST, rounding down", func(p *plan.Policy) { stripe(p); p.Rounding = plan.RoundDown }, berlin, at(berlin, 3, 1), at(berlin, 3, 16), at(berlin, 4, 1), "5.15", "10.30", "5.15"},
		{"kill bill across DST", killBill, berlin, at(berlin, 3, 1), at(berlin, 3, 16), at(berlin, 4, 1), "5.16", "10.32", "5.16"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := tbTenTwenty(t, c.mod)
			s := tNew(t, e, "tb-bill", c.loc, c.buy)
			s, _ = tbApply(t, e, s, c.buy, plan.Purchase{By: tbAdmin, Plan: "small", Period: plan.Monthly})
			tbWantTime(t, "first end", s.End, c.end)
			s, evs := tbApply(t, e, s, c.up, plan.ChangePlan{By: tbAdmin, Plan: "big", Period: plan.Monthly})
			ev := tbFind(t, evs, plan.EventUpgraded)
			tbWantDec(t, "credited for the unused time", ev.Credited, c.credit)
			tbWantDec(t, "charged for the remaining time", ev.Amount.Add(ev.Credit), c.rest)
			tbWantDec(t, "billed", ev.Amount, c.net)
			tbWantTime(t, "period kept", s.End, c.end)
		})
	}
}

// TestConventions_PLAN03_DocsTable pins the example of docs/billing.md:
// Basic monthly bought in Berlin on 1 March 2026 at 00:00, upgraded to
// Standard monthly on 16 March at 00:00, under each convention (PLAN-03).
func TestConventions_PLAN03_DocsTable(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	buy, up := time.Date(2026, 3, 1, 0, 0, 0, 0, berlin), time.Date(2026, 3, 16, 0, 0, 0, 0, berlin)
	for _, c := range []struct {
		name                      string
		mod                       func(*plan.Policy)
		credited, charged, billed string
		end                       time.Time
	}{
		{"default", func(*plan.Policy) {}, "31.48", "124", "92.52", time.Date(2026, 4, 16, 0, 0, 0, 0, berlin)},
		{"days, anchor kept", func(p *plan.Policy) { p.Upgrade = plan.UpgradeKeepsAnchor }, "31.48", "64", "32.52", time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)},
		{"stripe", func(p *plan.Policy) {
			p.Proration.Basis, p.Upgrade, p.Rounding = plan.ProrateElapsed, plan.UpgradeKeepsAnchor, plan.RoundHalfUp
		}, "31.44", "63.92", "32.48", time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)},
		{"30-day month, anchor kept", func(p *plan.Policy) {
			p.Proration.Basis, p.Upgrade = plan.ProrateThirtyDayMonth, plan.UpgradeKeepsAnchor
		}, "30.50", "62", "31.50", time.Date(2026, 4, 1, 0, 0, 0, 0, berlin)},
	} {
		e := tbEngine(t, c.mod)
		s, ev := tbUpgrade(t, e, berlin, buy, plan.Basic, plan.Monthly, up, plan.Standard, plan.Monthly)
		tbWantDec(t, c.name+": credited", ev.Credited, c.credited)
		tbWantDec(t, c.name+": charged", ev.Amount.Add(ev.Credit), c.charged)
		tbWantDec(t, c.name+": billed", ev.Amount, c.billed)
		tbWantTime(t, c.name+": end", s.End, c.end)
	}
}
