package plan_test

import (
	"errors"
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the DST cases must not depend on the host's zoneinfo

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// Helpers shared by period_test.go, money_test.go, refund_test.go,
// dates_test.go and catalog_test.go. They carry the tb prefix so that they
// do not collide with helpers of the other test files of package plan_test.

var (
	tbAdmin   = tenancy.Admin("tb-admin")
	tbService = tenancy.Service()
)

// tbEngine returns an engine on the default catalog with the default policy,
// changed by mod when it is not nil.
func tbEngine(t testing.TB, mod func(*plan.Policy)) *plan.Engine {
	t.Helper()
	p := plan.DefaultPolicy()
	if mod != nil {
		mod(&p)
	}
	e, err := plan.NewEngine(plan.DefaultCatalog(), p)
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e
}

// tbLoc loads an IANA zone.
func tbLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// tbDec parses a decimal literal.
func tbDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// tbApply applies cmd and fails the test on a refusal.
func tbApply(t testing.TB, e *plan.Engine, s plan.Subscription, now time.Time, cmd plan.Command) (plan.Subscription, []plan.Event) {
	t.Helper()
	n, evs, err := e.Apply(s, now, cmd)
	if err != nil {
		t.Fatalf("Apply(%T) at %v: %v", cmd, now, err)
	}
	if err := e.Check(n); err != nil {
		t.Fatalf("Apply(%T) at %v left an invalid subscription: %v", cmd, now, err)
	}
	return n, evs
}

// tbAdvance advances s to now and fails the test on an error.
func tbAdvance(t testing.TB, e *plan.Engine, s plan.Subscription, now time.Time) (plan.Subscription, []plan.Event) {
	t.Helper()
	n, evs, err := e.Advance(s, now, nil)
	if err != nil {
		t.Fatalf("Advance to %v: %v", now, err)
	}
	if err := e.Check(n); err != nil {
		t.Fatalf("Advance to %v left an invalid subscription: %v", now, err)
	}
	return n, evs
}

// tbKinds lists the kinds of evs.
func tbKinds(evs []plan.Event) []plan.EventKind {
	out := make([]plan.EventKind, len(evs))
	for i, ev := range evs {
		out[i] = ev.Kind
	}
	return out
}

// tbWantKinds fails the test when evs are not of the kinds want, in order.
func tbWantKinds(t testing.TB, what string, evs []plan.Event, want ...plan.EventKind) {
	t.Helper()
	if diff := cmp.Diff(want, tbKinds(evs)); diff != "" {
		t.Fatalf("%s: event kinds (-want +got):\n%s\nevents: %v", what, diff, evs)
	}
}

// tbWantDec fails the test when got is not the amount want (a decimal
// literal), compared by value.
func tbWantDec(t testing.TB, what string, got decimal.Decimal, want string) {
	t.Helper()
	if !got.Equal(tbDec(want)) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// tbWantTime fails the test when got is not the same instant as want with the
// same UTC offset: the same wall-clock reading in the same zone.
func tbWantTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) || got.Format(time.RFC3339Nano) != want.Format(time.RFC3339Nano) {
		t.Errorf("%s = %s, want %s", what, got.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
	}
}

// tbFind returns the first event of kind k.
func tbFind(t testing.TB, evs []plan.Event, k plan.EventKind) plan.Event {
	t.Helper()
	for _, ev := range evs {
		if ev.Kind == k {
			return ev
		}
	}
	t.Fatalf("no %v event in %v", k, evs)
	return plan.Event{}
}

// tbWantRefusal fails the test unless err is a refusal that matches sentinel
// and names rule.
func tbWantRefusal(t testing.TB, what string, err, sentinel error, rule tenancy.RuleID) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %v (%s)", what, sentinel, rule)
	}
	if !errors.Is(err, sentinel) {
		t.Errorf("%s: error %v does not match %v", what, err, sentinel)
	}
	if got := tenancy.RuleOf(err); got != rule {
		t.Errorf("%s: RuleOf(%v) = %q, want %q", what, err, got, rule)
	}
}

// PLAN-05: a period keeps its anchor day. It ends on the anchor day of the
// target month, or on that month's last day when the month is shorter, and
// goes back to the anchor day when the month allows.
func TestPeriodEnd_PLAN05_AnchorDay(t *testing.T) {
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		start  time.Time
		months int
		anchor int
		want   time.Time
	}{
		// Anchor 31, monthly, 2026 (not a leap year).
		{"31 Jan 2026 -> 28 Feb", utc(2026, 1, 31), 1, 31, utc(2026, 2, 28)},
		{"28 Feb 2026 -> back to 31 Mar", utc(2026, 2, 28), 1, 31, utc(2026, 3, 31)},
		{"31 Mar 2026 -> 30 Apr", utc(2026, 3, 31), 1, 31, utc(2026, 4, 30)},
		{"30 Apr 2026 -> back to 31 May", utc(2026, 4, 30), 1, 31, utc(2026, 5, 31)},
		{"31 May 2026 -> 30 Jun", utc(2026, 5, 31), 1, 31, utc(2026, 6, 30)},
		{"30 Jun 2026 -> 31 Jul", utc(2026, 6, 30), 1, 31, utc(2026, 7, 31)},
		{"31 Jul 2026 -> 31 Aug", utc(2026, 7, 31), 1, 31, utc(2026, 8, 31)},
		{"31 Aug 2026 -> 30 Sep", utc(2026, 8, 31), 1, 31, utc(2026, 9, 30)},
		{"30 Nov 2026 -> 31 Dec", utc(2026, 11, 30), 1, 31, utc(2026, 12, 31)},
		{"31 Dec 2026 -> 31 Jan 2027 (year rolls)", utc(2026, 12, 31), 1, 31, utc(2027, 1, 31)},
		// Anchor 31 in a leap year.
		{"31 Jan 2028 -> 29 Feb (leap)", utc(2028, 1, 31), 1, 31, utc(2028, 2, 29)},
		{"29 Feb 2028 -> back to 31 Mar", utc(2028, 2, 29), 1, 31, utc(2028, 3, 31)},
		// Anchor 30.
		{"anchor 30: 30 Jan 2026 -> 28 Feb", utc(2026, 1, 30), 1, 30, utc(2026, 2, 28)},
		{"anchor 30: 28 Feb 2026 -> back to 30 Mar", utc(2026, 2, 28), 1, 30, utc(2026, 3, 30)},
		{"anchor 30: 30 Mar 2026 -> 30 Apr", utc(2026, 3, 30), 1, 30, utc(2026, 4, 30)},
		{"anchor 30: 30 Apr 2026 -> 30 May, not 31", utc(2026, 4, 30), 1, 30, utc(2026, 5, 30)},
		{"anchor 30: 30 Jan 2028 -> 29 Feb (leap)", utc(2028, 1, 30), 1, 30, utc(2028, 2, 29)},
		// Anchor 29.
		{"anchor 29: 29 Jan 2026 -> 28 Feb", utc(2026, 1, 29), 1, 29, utc(2026, 2, 28)},
		{"anchor 29: 28 Feb 2026 -> back to 29 Mar", utc(2026, 2, 28), 1, 29, utc(2026, 3, 29)},
		{"anchor 29: 29 Jan 2028 -> 29 Feb (leap)", utc(2028, 1, 29), 1, 29, utc(2028, 2, 29)},
		{"anchor 29: 29 Feb 2028 -> 29 Mar", utc(2028, 2, 29), 1, 29, utc(2028, 3, 29)},
		// An ordinary anchor is unaffected.
		{"anchor 15: 15 Jan 2026 -> 15 Feb", utc(2026, 1, 15), 1, 15, utc(2026, 2, 15)},
		// Annual.
		{"annual 31 Jan 2026 -> 31 Jan 2027", utc(2026, 1, 31), 12, 31, utc(2027, 1, 31)},
		{"annual 29 Feb 2028 -> 28 Feb 2029", utc(2028, 2, 29), 12, 29, utc(2029, 2, 28)},
		{"annual 28 Feb 2029 (anchor 29) -> 28 Feb 2030", utc(2029, 2, 28), 12, 29, utc(2030, 2, 28)},
		{"annual 28 Feb 2031 (anchor 29) -> back to 29 Feb 2032", utc(2031, 2, 28), 12, 29, utc(2032, 2, 29)},
		{"annual 29 Feb 2032 -> 28 Feb 2033", utc(2032, 2, 29), 12, 29, utc(2033, 2, 28)},
		// Other lengths and the anchor clamp.
		{"13 months from 31 Jan 2026 -> 28 Feb 2027", utc(2026, 1, 31), 13, 31, utc(2027, 2, 28)},
		{"0 months: same month, anchor day", utc(2026, 2, 10), 0, 20, utc(2026, 2, 20)},
		{"anchor 0 clamps to 1", utc(2026, 1, 15), 1, 0, utc(2026, 2, 1)},
		{"anchor 40 clamps to 31", utc(2026, 1, 15), 1, 40, utc(2026, 2, 28)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tbWantTime(t, "PeriodEnd", plan.PeriodEnd(tt.start, tt.months, tt.anchor), tt.want)
		})
	}
}

// PLAN-05: the nanoseconds and the location of the start are kept.
func TestPeriodEnd_PLAN05_KeepsClockAndLocation(t *testing.T) {
	tokyo := tbLoc(t, "Asia/Tokyo")
	start := time.Date(2026, 1, 31, 23, 59, 58, 123456789, tokyo)
	want := time.Date(2026, 2, 28, 23, 59, 58, 123456789, tokyo)
	got := plan.PeriodEnd(start, 1, 31)
	tbWantTime(t, "PeriodEnd", got, want)
	if got.Location().String() != "Asia/Tokyo" {
		t.Errorf("location = %v, want Asia/Tokyo", got.Location())
	}
}

// PLAN-05: chaining periods anchored on 29 February: each annual period ends
// on 28 February until a leap year gives the anchor day back.
func TestPeriodEnd_PLAN05_LeapDayAnnualChain(t *testing.T) {
	start := time.Date(2028, 2, 29, 9, 30, 0, 0, time.UTC)
	want := []time.Time{
		time.Date(2029, 2, 28, 9, 30, 0, 0, time.UTC),
		time.Date(2030, 2, 28, 9, 30, 0, 0, time.UTC),
		time.Date(2031, 2, 28, 9, 30, 0, 0, time.UTC),
		time.Date(2032, 2, 29, 9, 30, 0, 0, time.UTC), // 2032 is a leap year
		time.Date(2033, 2, 28, 9, 30, 0, 0, time.UTC),
	}
	cur := start
	for i, w := range want {
		cur = plan.PeriodEnd(cur, 12, 29)
		tbWantTime(t, fmt.Sprintf("end of annual period %d", i+1), cur, w)
	}
}

// PLAN-05 and the calendar-day definition of RULES.md: across a DST change
// the wall-clock time is kept, so the period is an hour shorter or longer
// than a whole number of 24h days.
func TestPeriodEnd_PLAN05_DST(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	ny := tbLoc(t, "America/New_York")
	tests := []struct {
		name        string
		start, want time.Time
		// wall is the period's length in 24h days; shift is the change of
		// UTC offset (the period is shift shorter than wall*24h).
		days  int
		shift time.Duration
	}{
		// Berlin moves from CET (+01) to CEST (+02) on 29 March 2026.
		{"Berlin spring", time.Date(2026, 3, 15, 10, 0, 0, 0, berlin), time.Date(2026, 4, 15, 10, 0, 0, 0, berlin), 31, time.Hour},
		// and back on 25 October 2026.
		{"Berlin autumn", time.Date(2026, 10, 15, 10, 0, 0, 0, berlin), time.Date(2026, 11, 15, 10, 0, 0, 0, berlin), 31, -time.Hour},
		// New York moves from EST (-05) to EDT (-04) on 8 March 2026.
		{"New York spring", time.Date(2026, 3, 1, 10, 0, 0, 0, ny), time.Date(2026, 4, 1, 10, 0, 0, 0, ny), 31, time.Hour},
		// and back on 1 November 2026.
		{"New York autumn", time.Date(2026, 10, 15, 10, 0, 0, 0, ny), time.Date(2026, 11, 15, 10, 0, 0, 0, ny), 31, -time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := plan.PeriodEnd(tt.start, 1, tt.start.Day())
			tbWantTime(t, "PeriodEnd", got, tt.want)
			if h, m, s := got.Clock(); h != 10 || m != 0 || s != 0 {
				t.Errorf("wall clock = %02d:%02d:%02d, want 10:00:00", h, m, s)
			}
			_, off0 := tt.start.Zone()
			_, off1 := got.Zone()
			if time.Duration(off1-off0)*time.Second != tt.shift {
				t.Errorf("UTC offset moved by %v, want %v", time.Duration(off1-off0)*time.Second, tt.shift)
			}
			if d := got.Sub(tt.start); d != time.Duration(tt.days)*24*time.Hour-tt.shift {
				t.Errorf("elapsed %v, want %v", d, time.Duration(tt.days)*24*time.Hour-tt.shift)
			}
		})
	}
}

// PLAN-05: a period anchored on the 31st in Europe/Berlin, bought through the
// engine on 31 January 2026 at 10:00 and renewed 24 times, alternately by
// paying in grace (PLAN-14) and by renewing early in the window (PLAN-03).
// Every period ends on the 31st or the month's last day, at 10:00 local time
// whatever the DST offset.
func TestEngine_PLAN05_MonthlyChainOf24Renewals(t *testing.T) {
	berlin := tbLoc(t, "Europe/Berlin")
	e := tbEngine(t, nil)
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, berlin) }
	// The ends written out by hand: the purchase's period, then 24 renewals.
	wantEnds := []time.Time{
		at(2026, 2, 28), // purchase: 31 Jan -> 28 Feb
		at(2026, 3, 31), at(2026, 4, 30), at(2026, 5, 31), at(2026, 6, 30),
		at(2026, 7, 31), at(2026, 8, 31), at(2026, 9, 30), at(2026, 10, 31),
		at(2026, 11, 30), at(2026, 12, 31), at(2027, 1, 31), at(2027, 2, 28),
		at(2027, 3, 31), at(2027, 4, 30), at(2027, 5, 31), at(2027, 6, 30),
		at(2027, 7, 31), at(2027, 8, 31), at(2027, 9, 30), at(2027, 10, 31),
		at(2027, 11, 30), at(2027, 12, 31), at(2028, 1, 31),
		at(2028, 2, 29), // leap year
	}
	if len(wantEnds) != 25 {
		t.Fatalf("test table has %d ends, want 25", len(wantEnds))
	}
	buy := at(2026, 1, 31)
	s := tNew(t, e, "tb-chain", berlin, buy.Add(-time.Hour))
	s, evs := tbApply(t, e, s, buy, plan.Purchase{By: tbAdmin, Plan: plan.Standard, Period: plan.Monthly})
	tbWantTime(t, "Until of the purchase", tbFind(t, evs, plan.EventPurchased).Until, wantEnds[0])
	if s.AnchorDay != 31 {
		t.Fatalf("AnchorDay = %d, want 31", s.AnchorDay)
	}
	tbWantTime(t, "End after purchase", s.End, wantEnds[0])

	for i := 1; i < len(wantEnds); i++ {
		prevEnd := wantEnds[i-1]
		if i%2 == 0 {
			// Renew in the window: seven days before the end is within the
			// 30-day window for every month.
			var rev []plan.Event
			s, rev = tbApply(t, e, s, prevEnd.AddDate(0, 0, -7), plan.Renew{By: tbService})
			bought := tbFind(t, rev, plan.EventRenewalBought)
			tbWantTime(t, "renewal "+prevEnd.Format(time.DateOnly)+" announces", bought.Until, wantEnds[i])
			tbWantDec(t, "renewal charge", bought.Amount, "124")
			s, evs = tbAdvance(t, e, s, prevEnd)
			tbWantKinds(t, "renewal at "+prevEnd.Format(time.DateOnly), evs, plan.EventRenewed)
		} else {
			// Let the period end unpaid, then pay the amount due in grace.
			s, evs = tbAdvance(t, e, s, prevEnd)
			tbWantKinds(t, "period end "+prevEnd.Format(time.DateOnly), evs, plan.EventGraceStarted)
			if s.Status != plan.StatusGrace {
				t.Fatalf("status at %v = %v, want grace", prevEnd, s.Status)
			}
			tbWantDec(t, "Due", s.Due, "124")
			s, _ = tbApply(t, e, s, prevEnd.Add(time.Hour), plan.RecordPayment{By: tbService, Amount: tbDec("124")})
		}
		if s.Status != plan.StatusActive {
			t.Fatalf("renewal %d: status %v, want active", i, s.Status)
		}
		if s.AnchorDay != 31 || s.Plan != plan.Standard || s.Period != plan.Monthly {
			t.Fatalf("renewal %d: anchor %d plan %s period %v, want 31 standard monthly", i, s.AnchorDay, s.Plan, s.Period)
		}
		tbWantTime(t, fmt.Sprintf("Start of period %d", i), s.Start, prevEnd)
		tbWantTime(t, "End of period starting "+prevEnd.Format(time.DateOnly), s.End, wantEnds[i])
		tbWantDec(t, "Paid", s.Paid, "124")
	}
}

// PLAN-05: an annual subscription bought on 29 February 2028 through the
// engine renews on 28 February in common years and on 29 February 2032.
func TestEngine_PLAN05_AnnualFromLeapDay(t *testing.T) {
	e := tbEngine(t, nil)
	buy := time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC)
	s := tNew(t, e, "tb-leap", time.UTC, buy)
	s, _ = tbApply(t, e, s, buy, plan.Purchase{By: tbAdmin, Plan: plan.Professional, Period: plan.Annual})
	if s.AnchorDay != 29 {
		t.Fatalf("AnchorDay = %d, want 29", s.AnchorDay)
	}
	wantEnds := []time.Time{
		time.Date(2029, 2, 28, 12, 0, 0, 0, time.UTC),
		time.Date(2030, 2, 28, 12, 0, 0, 0, time.UTC),
		time.Date(2031, 2, 28, 12, 0, 0, 0, time.UTC),
		time.Date(2032, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2033, 2, 28, 12, 0, 0, 0, time.UTC),
	}
	tbWantTime(t, "first End", s.End, wantEnds[0])
	for i := 1; i < len(wantEnds); i++ {
		var evs []plan.Event
		s, evs = tbAdvance(t, e, s, wantEnds[i-1])
		tbWantKinds(t, "annual period end", evs, plan.EventGraceStarted)
		// 2390.40 = 249 * 12 * 0.8, the default Professional annual price.
		tbWantDec(t, "Due", s.Due, "2390.40")
		s, _ = tbApply(t, e, s, wantEnds[i-1], plan.RecordPayment{By: tbService, Amount: tbDec("2390.40")})
		tbWantTime(t, "End", s.End, wantEnds[i])
	}
}
