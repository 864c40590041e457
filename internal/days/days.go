// Package days adds calendar days to instants exactly as
// time.Time.AddDate(0, 0, n) does, with fewer looks at the time zone: the
// warnings and deadlines of package lifecycle are computed this way.
package days

import "time"

// Add returns t.AddDate(0, 0, n): the same wall-clock time n calendar days
// later (earlier for a negative n) in t's location, a wall-clock time that
// a change of offset skips or repeats resolved as time.Date resolves it.
//
// Adding calendar days moves the wall clock read as if it were UTC by n
// times 24 hours, so the civil date need not be computed. time.Date then
// takes the offset in effect at that wall-clock reading, and the offset in
// effect at the instant it gives when the two differ; Add does the same
// with three offset lookups where AddDate makes four or five.
func Add(t time.Time, n int) time.Time {
	_, off := t.Zone()
	return fromWall(t.Location(), t.Unix()+int64(off)+int64(n)*secondsPerDay, t.Nanosecond())
}

const secondsPerDay = 24 * 60 * 60

// fromWall returns the instant whose wall clock in loc reads wall seconds
// (counted as if loc were UTC) and nsec nanoseconds, resolved as
// time.Date resolves it: wall less the offset in effect at the instant
// wall less the offset in effect at wall.
func fromWall(loc *time.Location, wall int64, nsec int) time.Time {
	_, off1 := time.Unix(wall, 0).In(loc).Zone()
	if off1 == 0 {
		// time.Date takes an offset of zero as it is.
		return time.Unix(wall, int64(nsec)).In(loc)
	}
	_, off2 := time.Unix(wall-int64(off1), 0).In(loc).Zone()
	return time.Unix(wall-int64(off2), int64(nsec)).In(loc)
}
