// Package days adds calendar days to instants exactly as
// time.Time.AddDate(0, 0, n) does, looking the time zone up once for each
// span of constant offset instead of several times per date: the warnings
// and deadlines of package lifecycle are computed this way.
package days

import (
	"math"
	"time"
)

// Cache adds calendar days and remembers, for the last location it saw,
// the two spans of time over which that location's offset last held. The
// dates one command computes (a deadline and the warnings before it) fall
// in one or two such spans, so after the first lookups each date costs a
// few comparisons. The zero Cache is empty and ready; a Cache serves one
// goroutine and is meant to live for one computation, on its stack.
type Cache struct {
	loc  *time.Location
	span [2]span
	last uint8 // the slot filled last
}

// span is an interval [start, end) of Unix seconds over which a location's
// offset is off seconds east of UTC. An empty span has start == end.
type span struct {
	start, end int64
	off        int64
}

// Add returns t.AddDate(0, 0, n): the same wall-clock time n calendar days
// later (earlier for a negative n) in t's location, a wall-clock time that
// a change of offset skips or repeats resolved as time.Date resolves it.
//
// Adding calendar days moves the wall clock read as if it were UTC by n
// times 24 hours, so the civil date need not be computed. time.Date then
// takes the offset in effect at that wall-clock reading, and the offset in
// effect at the instant it gives when the two differ; Add does the same,
// reading the three offsets from the cache.
func (c *Cache) Add(t time.Time, n int) time.Time {
	loc := t.Location()
	sec := t.Unix()
	wall := sec + c.offset(loc, sec) + int64(n)*secondsPerDay
	off1 := c.offset(loc, wall)
	if off1 == 0 {
		// time.Date takes an offset of zero as it is.
		return time.Unix(wall, int64(t.Nanosecond())).In(loc)
	}
	return time.Unix(wall-c.offset(loc, wall-off1), int64(t.Nanosecond())).In(loc)
}

// Offset returns the offset, in seconds east of UTC, of t's location at t:
// the second result of t.Zone().
func (c *Cache) Offset(t time.Time) int {
	return int(c.offset(t.Location(), t.Unix()))
}

const secondsPerDay = 24 * 60 * 60

// offset returns loc's offset at Unix second sec.
func (c *Cache) offset(loc *time.Location, sec int64) int64 {
	if loc == c.loc {
		for i := range c.span {
			if s := &c.span[i]; s.start <= sec && sec < s.end {
				return s.off
			}
		}
	}
	return c.fill(loc, sec)
}

// fill looks up loc's offset at sec and the span over which it holds, and
// keeps that span in place of the older one.
func (c *Cache) fill(loc *time.Location, sec int64) int64 {
	if loc != c.loc {
		*c = Cache{loc: loc}
	}
	t := time.Unix(sec, 0).In(loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	s := span{start: math.MinInt64, end: math.MaxInt64, off: int64(off)}
	if !start.IsZero() {
		s.start = start.Unix()
	}
	if !end.IsZero() {
		s.end = end.Unix()
	}
	c.last ^= 1
	c.span[c.last] = s
	return s.off
}
