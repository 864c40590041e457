package plan

import (
	"fmt"
	"time"
)

// Period is a billing period: monthly or annual (PLAN-05).
type Period uint8

// The billing periods.
const (
	Monthly Period = iota + 1
	Annual
)

// Months returns the period's length in months: 1 or 12, and 0 for an
// invalid period.
func (p Period) Months() int {
	switch p {
	case Monthly:
		return 1
	case Annual:
		return 12
	}
	return 0
}

// String returns "monthly" or "annual".
func (p Period) String() string {
	switch p {
	case Monthly:
		return "monthly"
	case Annual:
		return "annual"
	}
	return fmt.Sprintf("Period(%d)", uint8(p))
}

// MarshalText encodes the period as its name; the zero Period encodes as "".
func (p Period) MarshalText() ([]byte, error) {
	if p == 0 {
		return []byte{}, nil
	}
	if p.Months() == 0 {
		return nil, fmt.Errorf("plan: cannot encode %v", p)
	}
	return []byte(p.String()), nil
}

// UnmarshalText decodes a period from its name; "" decodes as the zero
// Period.
func (p *Period) UnmarshalText(b []byte) error {
	switch string(b) {
	case "":
		*p = 0
	case "monthly":
		*p = Monthly
	case "annual":
		*p = Annual
	default:
		return fmt.Errorf("plan: unknown billing period %q", b)
	}
	return nil
}

// PeriodEnd returns the end of a billing period that starts at start and
// lasts months months, keeping the anchor day (PLAN-05): the end falls on
// anchorDay of the target month, or on that month's last day when it is
// shorter, at start's wall-clock time in start's location. A period anchored
// on the 31st that starts on 31 January ends on 28 (or 29) February; the next
// one ends on 31 March.
//
// anchorDay is clamped to 1..31. Where the wall-clock time does not exist on
// the target day (a daylight-saving gap), the time package's normalisation
// applies.
func PeriodEnd(start time.Time, months, anchorDay int) time.Time {
	anchorDay = max(1, min(anchorDay, 31))
	y, m, _ := start.Date()
	hh, mm, ss := start.Clock()
	loc := start.Location()
	// Day 1 of the target month: time.Date normalises the month overflow.
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, loc)
	ty, tm, _ := first.Date()
	d := min(anchorDay, daysIn(ty, tm))
	return time.Date(ty, tm, d, hh, mm, ss, start.Nanosecond(), loc)
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// civilDays returns the number of calendar days from a's date to b's date,
// both read in a's location.
func civilDays(a, b time.Time) int {
	b = b.In(a.Location())
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	da := time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)
	db := time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da) / (24 * time.Hour))
}

// days360 returns the days from a's date to b's date, both read in a's
// location, by the 30E/360 day count: every month has 30 days, a 31st
// counts as the 30th, so a whole month is 30 days and a whole year 360
// whatever their lengths.
func days360(a, b time.Time) int {
	b = b.In(a.Location())
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return 360*(by-ay) + 30*(int(bm)-int(am)) + min(bd, 30) - min(ad, 30)
}
