package tenancy

import "time"

// The instants the library works in. A command at a time outside
// [MinTime, MaxTime) is refused with ErrInvalid, so that every date the
// rules derive from it (period ends, warnings, purges, at most a few
// thousand days later under any valid policy) has a four-digit year and
// can be written and read back as RFC 3339.
var (
	// MinTime is the first instant a command may carry: 1972-01-01 UTC,
	// after the last zone offset that was not a whole minute
	// (Africa/Monrovia, until 1972-01-07, is covered by CheckTime).
	MinTime = time.Date(1972, time.January, 1, 0, 0, 0, 0, time.UTC)
	// MaxTime is the first instant a command may not carry: 9000-01-01 UTC.
	MaxTime = time.Date(9000, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// CheckTime refuses, with ErrInvalid, a command time outside [MinTime,
// MaxTime) or one whose offset in loc (nil: t's own location) is not a
// whole minute, which RFC 3339 cannot write.
func CheckTime(t time.Time, loc *time.Location) error {
	if t.Before(MinTime) || !t.Before(MaxTime) {
		return Refuse("", ErrInvalid, "%v is outside the times the library keeps (%s to %s)", t, MinTime.Format(time.DateOnly), MaxTime.Format(time.DateOnly))
	}
	if loc != nil {
		t = t.In(loc)
	}
	if _, off := t.Zone(); off%60 != 0 {
		return Refuse("", ErrInvalid, "%v has a zone offset of %ds, not a whole minute", t, off)
	}
	return nil
}
