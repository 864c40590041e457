package plan_test

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

var (
	tbJPY = plan.Currency{Code: "JPY", Minor: 0}
	tbBHD = plan.Currency{Code: "BHD", Minor: 3}
)

// PLAN-01, PLAN-06: a currency is a three-letter upper-case ISO code with 0
// to 4 minor digits.
func TestCurrencyValidate_PLAN06(t *testing.T) {
	tests := []struct {
		cur plan.Currency
		ok  bool
	}{
		{plan.USD, true},
		{plan.Currency{Code: "EUR", Minor: 2}, true},
		{tbJPY, true},
		{tbBHD, true},
		{plan.Currency{Code: "CLF", Minor: 4}, true},
		{plan.Currency{Code: "usd", Minor: 2}, false},
		{plan.Currency{Code: "Usd", Minor: 2}, false},
		{plan.Currency{Code: "US", Minor: 2}, false},
		{plan.Currency{Code: "USDX", Minor: 2}, false},
		{plan.Currency{Code: "", Minor: 2}, false},
		{plan.Currency{Code: "U1D", Minor: 2}, false},
		{plan.Currency{Code: "ÄB", Minor: 2}, false}, // three bytes, not three letters
		{plan.Currency{Code: "USD", Minor: -1}, false},
		{plan.Currency{Code: "USD", Minor: 5}, false},
	}
	for _, tt := range tests {
		err := tt.cur.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%+v.Validate() = %v, want ok=%v", tt.cur, err, tt.ok)
		}
	}
}

// PLAN-06: money is decimal in the currency's minor units.
func TestCurrencyWhole_PLAN06(t *testing.T) {
	tests := []struct {
		cur  plan.Currency
		d    string
		want bool
	}{
		{plan.USD, "1", true},
		{plan.USD, "1.1", true},
		{plan.USD, "1.10", true},
		{plan.USD, "1.100", true}, // trailing zeros are not a finer amount
		{plan.USD, "0.01", true},
		{plan.USD, "-0.01", true},
		{plan.USD, "0.001", false},
		{plan.USD, "1.005", false},
		{plan.USD, "2390.401", false},
		{tbJPY, "100", true},
		{tbJPY, "100.0", true},
		{tbJPY, "0.5", false},
		{tbJPY, "1.01", false},
		{tbBHD, "1.005", true},
		{tbBHD, "1.0005", false},
	}
	for _, tt := range tests {
		if got := tt.cur.Whole(tbDec(tt.d)); got != tt.want {
			t.Errorf("%s.Whole(%s) = %v, want %v", tt.cur.Code, tt.d, got, tt.want)
		}
	}
}

// PLAN-06: Part is exact and rounds toward zero to a whole minor unit; the
// remainder stays with the amount it was split from.
func TestCurrencyPart_PLAN06(t *testing.T) {
	tests := []struct {
		name     string
		cur      plan.Currency
		amount   string
		num, den int64
		want     string
	}{
		// 124 * 23/28 = 101.857142... -> 101.85
		{"proration", plan.USD, "124", 23, 28, "101.85"},
		// 1.00 / 3 = 0.3333... -> 0.33; 2/3 = 0.6666... -> 0.66, not 0.67
		{"third", plan.USD, "1", 1, 3, "0.33"},
		{"two thirds rounds down", plan.USD, "1", 2, 3, "0.66"},
		{"100 two thirds", plan.USD, "100", 2, 3, "66.66"},
		// one cent split by three: 0.00333... and 0.00666... both round to 0
		{"cent by 3, one part", plan.USD, "0.01", 1, 3, "0"},
		{"cent by 3, two parts", plan.USD, "0.01", 2, 3, "0"},
		{"cent by 3, all parts", plan.USD, "0.01", 3, 3, "0.01"},
		// 2390.40 * 9/12 = 1792.80 exactly
		{"exact", plan.USD, "2390.40", 9, 12, "1792.80"},
		// 2390.40 * 266/366 = 1737.2852... -> 1737.28
		{"days", plan.USD, "2390.40", 266, 366, "1737.28"},
		// 1000 JPY / 3 = 333.33... -> 333; 2/3 -> 666; 1 JPY / 2 -> 0
		{"yen third", tbJPY, "1000", 1, 3, "333"},
		{"yen two thirds", tbJPY, "1000", 2, 3, "666"},
		{"half a yen", tbJPY, "1", 1, 2, "0"},
		// 10 BHD / 3 = 3.3333... -> 3.333
		{"three minor digits", tbBHD, "10", 1, 3, "3.333"},
		// A part one nanosecond short of a year's nanoseconds is not the
		// whole amount: 4790.40 * (1 - 1/31536000000000000) = 4790.3999...
		// -> 4790.39. A float64 would have said 4790.40.
		{"no float rounding", plan.USD, "4790.40", 31535999999999999, 31536000000000000, "4790.39"},
		// Negative amounts round toward zero too: -2/3 -> -0.66
		{"negative toward zero", plan.USD, "-1", 2, 3, "-0.66"},
		// The documented edges.
		{"num zero", plan.USD, "124", 0, 28, "0"},
		{"num negative", plan.USD, "124", -1, 28, "0"},
		{"den zero", plan.USD, "124", 1, 0, "0"},
		{"den negative", plan.USD, "124", 1, -3, "0"},
		{"num = den", plan.USD, "124", 28, 28, "124"},
		{"num > den is all", plan.USD, "124", 29, 28, "124"},
		{"zero amount", plan.USD, "0", 1, 3, "0"},
	}
	prec := decimal.DivisionPrecision
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cur.Part(tbDec(tt.amount), tt.num, tt.den)
			tbWantDec(t, "Part", got, tt.want)
			if !tt.cur.Whole(got) {
				t.Errorf("Part = %s, finer than the minor unit", got)
			}
		})
	}
	if decimal.DivisionPrecision != prec {
		t.Errorf("Part changed decimal.DivisionPrecision from %d to %d", prec, decimal.DivisionPrecision)
	}
}

// PLAN-06: the parts of an amount never add up to more than it.
func TestCurrencyPart_PLAN06_PartsNeverExceedWhole(t *testing.T) {
	for _, amount := range []string{"0.01", "0.02", "1", "124", "2390.40", "4790.40"} {
		a := tbDec(amount)
		for den := int64(1); den <= 13; den++ {
			sum := decimal.Zero
			for k := int64(0); k < den; k++ {
				sum = sum.Add(plan.USD.Part(a, 1, den))
			}
			if sum.GreaterThan(a) {
				t.Errorf("%d parts of %s/%d add up to %s, more than %s", den, amount, den, sum, amount)
			}
			// The remainder is below one cent per part.
			if a.Sub(sum).GreaterThanOrEqual(tbDec("0.01").Mul(decimal.NewFromInt(den))) {
				t.Errorf("%d parts of %s/%d add up to %s: too much left over", den, amount, den, sum)
			}
		}
	}
}

func TestCurrencyFormat(t *testing.T) {
	tests := []struct {
		cur  plan.Currency
		d    string
		want string
	}{
		{plan.USD, "468", "468.00 USD"},
		{plan.USD, "0.5", "0.50 USD"},
		{plan.USD, "1792.8", "1792.80 USD"},
		{plan.USD, "0", "0.00 USD"},
		{plan.USD, "-2.5", "-2.50 USD"},
		{tbJPY, "1000", "1000 JPY"},
		{tbBHD, "1.5", "1.500 BHD"},
	}
	for _, tt := range tests {
		if got := tt.cur.Format(tbDec(tt.d)); got != tt.want {
			t.Errorf("%s.Format(%s) = %q, want %q", tt.cur.Code, tt.d, got, tt.want)
		}
	}
}

// tbUpgrade buys from on fromPeriod at buy, then upgrades to to on toPeriod
// at up, and returns the subscription and the upgrade's event.
func tbUpgrade(t *testing.T, e *plan.Engine, loc *time.Location, buy time.Time, from plan.PlanID, fp plan.Period, up time.Time, to plan.PlanID, tp plan.Period) (plan.Subscription, plan.Event) {
	t.Helper()
	s := tNew(t, e, "tb-money", loc, buy)
	s, _ = tbApply(t, e, s, buy, plan.Purchase{By: tbAdmin, Plan: from, Period: fp})
	s, evs := tbApply(t, e, s, up, plan.ChangePlan{By: tbAdmin, Plan: to, Period: tp})
	tbWantKinds(t, "upgrade", evs, plan.EventUpgraded)
	return s, evs[0]
}

// PLAN-03: an upgrade credits the unused part of the paid period, by the
// second, against the new price.
func TestUpgradeProration_PLAN03(t *testing.T) {
	e := tbEngine(t, nil)
	buy := time.Date(2026, 2, 20, 10, 0, 0, 0, time.UTC)
	up := time.Date(2026, 2, 25, 10, 0, 0, 0, time.UTC)
	s, ev := tbUpgrade(t, e, time.UTC, buy, plan.Standard, plan.Monthly, up, plan.Professional, plan.Annual)
	// Standard monthly 124.00 runs 20 Feb 10:00 -> 20 Mar 10:00 UTC:
	// 28 days = 2,419,200 s. At 25 Feb 10:00, 23 days = 1,987,200 s remain.
	// credit = 124 * 1987200/2419200 = 124 * 23/28 = 101.857142... -> 101.85
	// Professional annual = 249 * 12 * 0.8 = 2390.40
	// charge = 2390.40 - 101.85 = 2288.55
	tbWantDec(t, "charged", ev.Amount, "2288.55")
	tbWantDec(t, "credit applied", ev.Credit, "101.85")
	tbWantDec(t, "Paid", s.Paid, "2390.40")
	tbWantDec(t, "account Credit", s.Credit, "0")
	tbWantTime(t, "Start", s.Start, up)
	tbWantTime(t, "End", s.End, time.Date(2027, 2, 25, 10, 0, 0, 0, time.UTC))
	tbWantTime(t, "Until", ev.Until, s.End)
	if s.Plan != plan.Professional || s.Period != plan.Annual || s.AnchorDay != 25 || s.Status != plan.StatusActive {
		t.Errorf("after upgrade: %s %v anchor %d %v, want professional annual anchor 25 active", s.Plan, s.Period, s.AnchorDay, s.Status)
	}
}

// PLAN-03: proration counts calendar days in the account's zone by
// default, as RULES.md counts every duration; by elapsed time, the choice
// for Stripe-like billing, across the DST change the period is an hour
// short and the credit differs.
func TestUpgradeProration_PLAN03_DST(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	buy := time.Date(2026, 3, 15, 10, 0, 0, 0, berlin) // CET
	up := time.Date(2026, 3, 29, 10, 0, 0, 0, berlin)  // CEST, the day clocks went forward
	// By days: 15 Mar -> 15 Apr is 31 days; 29 Mar -> 15 Apr is 17.
	// credit = 124 * 17/31 = 68.00 exactly; charge = 2390.40 - 68 = 2322.40
	_, ev := tbUpgrade(t, tbEngine(t, nil), berlin, buy, plan.Standard, plan.Monthly, up, plan.Professional, plan.Annual)
	tbWantDec(t, "credit applied by days", ev.Credit, "68")
	tbWantDec(t, "charged by days", ev.Amount, "2322.40")
	// By elapsed time: 15 Mar 10:00 CET -> 15 Apr 10:00 CEST = 31 days - 1 h = 743 h.
	// 29 Mar 10:00 CEST -> 15 Apr 10:00 CEST = 17 days = 408 h.
	// credit = 124 * 408/743 = 50592/743 = 68.0915... -> 68.09
	// charge = 2390.40 - 68.09 = 2322.31
	elapsed := tbEngine(t, func(p *plan.Policy) { p.Proration.Basis = plan.ProrateElapsed })
	_, ev = tbUpgrade(t, elapsed, berlin, buy, plan.Standard, plan.Monthly, up, plan.Professional, plan.Annual)
	tbWantDec(t, "credit applied by elapsed time", ev.Credit, "68.09")
	tbWantDec(t, "charged by elapsed time", ev.Amount, "2322.31")
}

// PLAN-03: the same plan for a longer period is an upgrade; a renewal bought
// early is credited in full with the unused part.
func TestUpgradeProration_PLAN03_WithEarlyRenewal(t *testing.T) {
	e := tbEngine(t, nil)
	buy := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s := tNew(t, e, "tb-money", time.UTC, buy)
	s, _ = tbApply(t, e, s, buy, plan.Purchase{By: tbAdmin, Plan: plan.Standard, Period: plan.Monthly})
	// The period ends 1 Apr 10:00; the window opens 30 days before, on 2 Mar.
	s, evs := tbApply(t, e, s, time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC), plan.Renew{By: tbAdmin})
	tbWantDec(t, "renewal charged", tbFind(t, evs, plan.EventRenewalBought).Amount, "124")
	tbWantDec(t, "Renewal", s.Renewal, "124")
	s, evs = tbApply(t, e, s, time.Date(2026, 3, 22, 10, 0, 0, 0, time.UTC), plan.ChangePlan{By: tbAdmin, Plan: plan.Standard, Period: plan.Annual})
	ev := tbFind(t, evs, plan.EventUpgraded)
	// 1 Mar -> 1 Apr is 31 days; 22 Mar -> 1 Apr is 10 days.
	// unused = 124 * 10/31 = 40.00 exactly; plus the renewal 124 = 164.00
	// Standard annual = 124 * 12 * 0.8 = 1190.40; charge = 1190.40 - 164 = 1026.40
	tbWantDec(t, "credit applied", ev.Credit, "164")
	tbWantDec(t, "charged", ev.Amount, "1026.40")
	tbWantDec(t, "Renewal after upgrade", s.Renewal, "0")
	tbWantDec(t, "Credit after upgrade", s.Credit, "0")
	tbWantDec(t, "Paid", s.Paid, "1190.40")
}

// PLAN-03, PLAN-14: an upgrade from an unpaid period in grace has nothing to
// credit.
func TestUpgradeProration_PLAN03_FromGraceCreditsNothing(t *testing.T) {
	e := tbEngine(t, nil)
	buy := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s := tNew(t, e, "tb-money", time.UTC, buy)
	s, _ = tbApply(t, e, s, buy, plan.Purchase{By: tbAdmin, Plan: plan.Standard, Period: plan.Monthly})
	s, _ = tbAdvance(t, e, s, time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC))
	if s.Status != plan.StatusGrace {
		t.Fatalf("status %v, want grace", s.Status)
	}
	s, evs := tbApply(t, e, s, time.Date(2026, 4, 5, 10, 0, 0, 0, time.UTC), plan.ChangePlan{By: tbAdmin, Plan: plan.Professional, Period: plan.Monthly})
	ev := tbFind(t, evs, plan.EventUpgraded)
	tbWantDec(t, "credit applied", ev.Credit, "0")
	tbWantDec(t, "charged", ev.Amount, "249")
	if s.Status != plan.StatusActive || !s.Due.IsZero() || !s.GraceEnd.IsZero() {
		t.Errorf("after upgrade from grace: %v due %s grace end %v, want active with nothing due", s.Status, s.Due, s.GraceEnd)
	}
}

// tbBigCredit buys Professional annual on 1 Jan 2026 10:00 UTC and upgrades
// to Enterprise monthly on 1 Feb 2026 10:00 UTC, leaving account credit.
func tbBigCredit(t *testing.T, e *plan.Engine) plan.Subscription {
	t.Helper()
	buy := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	up := time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)
	s, ev := tbUpgrade(t, e, time.UTC, buy, plan.Professional, plan.Annual, up, plan.Enterprise, plan.Monthly)
	// 1 Jan 2026 -> 1 Jan 2027 is 365 days; 1 Feb 2026 -> 1 Jan 2027 is 334.
	// unused = 2390.40 * 334/365 = 798393.6/365 = 2187.3797... -> 2187.37
	// Enterprise monthly 499.00 is paid from it: charged 0.00, credit 499.00
	// remaining credit = 2187.37 - 499 = 1688.37
	tbWantDec(t, "charged", ev.Amount, "0")
	tbWantDec(t, "credit applied", ev.Credit, "499")
	tbWantDec(t, "Credit", s.Credit, "1688.37")
	tbWantDec(t, "Paid", s.Paid, "499")
	return s
}

// PLAN-03: credit the new price does not use stays on the account and pays
// the following renewals; when it runs short, grace asks for the rest, and
// the payment must be exactly that rest (PLAN-14).
func TestUpgradeCredit_PLAN03_PaysRenewals(t *testing.T) {
	e := tbEngine(t, nil)
	s := tbBigCredit(t, e)
	utc := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }

	// The projection, written out: 1688.37 pays three renewals of 499.00
	// (1189.37, 690.37, 191.37 left), then 499.00 - 191.37 = 307.63 is due
	// in grace from 1 Jun until 1 Jun + 15 days = 16 Jun.
	proj := e.Project(s)
	tbWantKinds(t, "Project", proj,
		plan.EventRenewed, plan.EventRenewed, plan.EventRenewed,
		plan.EventGraceStarted, plan.EventGraceEnded, plan.EventLimitsReduced)
	for i, at := range []time.Time{utc(3, 1), utc(4, 1), utc(5, 1)} {
		tbWantTime(t, "renewal At", proj[i].At, at)
		tbWantTime(t, "renewal Until", proj[i].Until, at.AddDate(0, 1, 0))
		tbWantDec(t, "credit used by renewal", proj[i].Credit, "499")
	}
	tbWantTime(t, "grace starts", proj[3].At, utc(6, 1))
	tbWantTime(t, "grace until", proj[3].Until, utc(6, 16))
	tbWantDec(t, "due in grace", proj[3].Amount, "307.63")
	tbWantTime(t, "grace ends", proj[4].At, utc(6, 16))

	s, evs := tbAdvance(t, e, s, utc(6, 1))
	tbWantKinds(t, "Advance to 1 Jun", evs, plan.EventRenewed, plan.EventRenewed, plan.EventRenewed, plan.EventGraceStarted)
	tbWantDec(t, "Due", s.Due, "307.63")
	tbWantDec(t, "Credit in grace", s.Credit, "191.37")

	for _, bad := range []string{"307.62", "307.64", "499", "191.37", "307.631", "0", "-307.63"} {
		_, _, err := e.Apply(s, utc(6, 2), plan.RecordPayment{By: tbService, Amount: tbDec(bad)})
		tbWantRefusal(t, "RecordPayment "+bad, err, tenancy.ErrInvalid, "PLAN-14")
	}
	s, evs = tbApply(t, e, s, utc(6, 2), plan.RecordPayment{By: tbService, Amount: tbDec("307.63")})
	tbWantDec(t, "payment received", tbFind(t, evs, plan.EventPaymentReceived).Amount, "307.63")
	// The period is paid in full: 307.63 + 191.37 = 499.00.
	tbWantDec(t, "Paid", s.Paid, "499")
	tbWantDec(t, "Credit", s.Credit, "0")
	tbWantDec(t, "Due", s.Due, "0")
	if s.Status != plan.StatusActive {
		t.Errorf("status %v, want active", s.Status)
	}
	tbWantTime(t, "End", s.End, utc(7, 1))

	// Nothing is due any more.
	_, _, err := e.Apply(s, utc(6, 3), plan.RecordPayment{By: tbService, Amount: tbDec("307.63")})
	tbWantRefusal(t, "RecordPayment when active", err, plan.ErrStatus, "PLAN-14")
}

// PLAN-03: account credit survives a drop to free and pays the next purchase
// and an early renewal first.
func TestUpgradeCredit_PLAN03_PaysPurchaseAndRenewal(t *testing.T) {
	e := tbEngine(t, nil)
	s := tbBigCredit(t, e)
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

	// Ending the monthly Enterprise period now refunds nothing (PLAN-06)
	// and keeps the account credit.
	s, evs := tbApply(t, e, s, utc(2026, 2, 10), plan.Cancel{By: tbAdmin, Now: true})
	tbWantDec(t, "cancelled-now refund", tbFind(t, evs, plan.EventCancelledNow).Amount, "0")
	if s.Status != plan.StatusFree {
		t.Fatalf("status %v, want free", s.Status)
	}
	tbWantDec(t, "Credit on free", s.Credit, "1688.37")

	// Basic annual = 61 * 12 * 0.8 = 585.60, all from credit:
	// 1688.37 - 585.60 = 1102.77 left.
	s, evs = tbApply(t, e, s, utc(2026, 2, 11), plan.Purchase{By: tbAdmin, Plan: plan.Basic, Period: plan.Annual})
	ev := tbFind(t, evs, plan.EventPurchased)
	tbWantDec(t, "purchase charged", ev.Amount, "0")
	tbWantDec(t, "purchase credit", ev.Credit, "585.60")
	tbWantDec(t, "Credit", s.Credit, "1102.77")
	tbWantDec(t, "Paid", s.Paid, "585.60")
	tbWantTime(t, "End", s.End, utc(2027, 2, 11))

	// An early renewal is paid from credit too: 1102.77 - 585.60 = 517.17.
	s, evs = tbApply(t, e, s, utc(2027, 1, 12), plan.Renew{By: tbAdmin})
	ev = tbFind(t, evs, plan.EventRenewalBought)
	tbWantDec(t, "renewal charged", ev.Amount, "0")
	tbWantDec(t, "renewal credit", ev.Credit, "585.60")
	tbWantDec(t, "Credit", s.Credit, "517.17")
	tbWantDec(t, "Renewal", s.Renewal, "585.60")

	s, evs = tbAdvance(t, e, s, utc(2027, 2, 11))
	tbWantKinds(t, "renewal at period end", evs, plan.EventRenewed)
	tbWantDec(t, "Paid", s.Paid, "585.60")
	tbWantTime(t, "End", s.End, utc(2028, 2, 11))

	// The next renewal finds 517.17 of credit: 585.60 - 517.17 = 68.43 due.
	s, evs = tbAdvance(t, e, s, utc(2028, 2, 11))
	tbWantKinds(t, "second period end", evs, plan.EventGraceStarted)
	tbWantDec(t, "Due", s.Due, "68.43")
	tbWantDec(t, "grace-started amount", evs[0].Amount, "68.43")
	// A payment equal in value but written with a trailing zero is exact.
	s, _ = tbApply(t, e, s, utc(2028, 2, 12), plan.RecordPayment{By: tbService, Amount: tbDec("68.430")})
	tbWantDec(t, "Paid", s.Paid, "585.60")
	tbWantDec(t, "Credit", s.Credit, "0")
}

// PLAN-14: RecordPayment must be exactly the amount due; the trailing-zero
// spelling of the same amount is the same amount.
func TestRecordPayment_PLAN14_ExactAmount(t *testing.T) {
	e := tbEngine(t, nil)
	buy := time.Date(2026, 5, 5, 8, 0, 0, 0, time.UTC)
	s := tNew(t, e, "tb-money", time.UTC, buy)
	s, _ = tbApply(t, e, s, buy, plan.Purchase{By: tbAdmin, Plan: plan.Standard, Period: plan.Monthly})
	s, _ = tbAdvance(t, e, s, time.Date(2026, 6, 5, 8, 0, 0, 0, time.UTC))
	tbWantDec(t, "Due", s.Due, "124")
	pay := time.Date(2026, 6, 6, 8, 0, 0, 0, time.UTC)
	for _, bad := range []string{"123.99", "124.01", "248", "0.01", "124.001"} {
		n, evs, err := e.Apply(s, pay, plan.RecordPayment{By: tbService, Amount: tbDec(bad)})
		tbWantRefusal(t, "RecordPayment "+bad, err, tenancy.ErrInvalid, "PLAN-14")
		if n.Status != plan.StatusGrace || len(evs) != 0 {
			t.Errorf("refused payment %s changed the subscription or emitted %v", bad, evs)
		}
	}
	// An employee may not record payments at all (PLAN-02).
	_, _, err := e.Apply(s, pay, plan.RecordPayment{By: tenancy.Employee("bob"), Amount: tbDec("124")})
	tbWantRefusal(t, "employee pays", err, tenancy.ErrUnauthorized, "PLAN-02")
	s, _ = tbApply(t, e, s, pay, plan.RecordPayment{By: tbService, Amount: tbDec("124.00")})
	tbWantDec(t, "Paid", s.Paid, "124")
}
