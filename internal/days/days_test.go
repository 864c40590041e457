package days_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/days"
)

// zones make calendar days hard: daylight-saving changes at midnight
// (Santiago), by half an hour (Lord Howe), a skipped day (Apia), odd
// offsets (Kathmandu, St John's, Monrovia), a zone at offset zero part of
// the year (London), none (UTC) and a fixed zone off the minute.
var zones = []string{"Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Pacific/Apia",
	"Asia/Kathmandu", "America/St_Johns", "Africa/Monrovia", "America/New_York", "Europe/London", "UTC"}

func locations(t *testing.T) []*time.Location {
	var locs []*time.Location
	for _, z := range zones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		locs = append(locs, loc)
	}
	return append(locs, time.FixedZone("odd", 5*3600+1234), time.Local)
}

// same reports whether got is want: the same instant, location and wall
// clock.
func same(got, want time.Time) bool {
	return got.Equal(want) && got.Location() == want.Location() && got.String() == want.String()
}

// TestAdd_LIFE02: invariant: Add(t, n) is t.AddDate(0, 0, n), the same
// instant in the same location with the same wall clock, for any instant
// the library keeps and any day count the rules derive. Every warning and
// deadline of LIFE-01, LIFE-02 and LIFE-04 is computed with it, so a
// difference would move a warning or a deletion.
func TestAdd_LIFE02(t *testing.T) {
	locs := locations(t)
	lo, hi := tenancy.MinTime.Unix(), tenancy.MaxTime.Unix()
	near0, near1 := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	rapid.Check(t, func(rt *rapid.T) {
		loc := rapid.SampledFrom(locs).Draw(rt, "zone")
		var sec int64
		if rapid.Bool().Draw(rt, "near-now") {
			// Most accounts live near the present, where the zones
			// change most.
			sec = rapid.Int64Range(near0, near1).Draw(rt, "sec")
		} else {
			sec = rapid.Int64Range(lo, hi-1).Draw(rt, "sec")
		}
		at := time.Unix(sec, rapid.Int64Range(0, 999_999_999).Draw(rt, "nsec")).In(loc)
		n := rapid.IntRange(-3700, 3700).Draw(rt, "days")
		var c days.Cache
		if got, want := c.Add(at, n), at.AddDate(0, 0, n); !same(got, want) {
			rt.Fatalf("Add(%v, %d) = %v, AddDate gives %v", at, n, got, want)
		}
	})
}

// TestCache_LIFE02: invariant: one Cache used for a whole sequence of
// dates, in zones that change from one date to the next, gives what
// AddDate gives for each (Add) and what Zone gives for each offset
// (Offset): what it remembers of one zone or one span never leaks into
// another. A command computes its deadline and warnings (LIFE-01, LIFE-02,
// LIFE-04) through one Cache this way.
func TestCache_LIFE02(t *testing.T) {
	locs := locations(t)
	near0, near1 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	rapid.Check(t, func(rt *rapid.T) {
		var c days.Cache
		at := time.Unix(rapid.Int64Range(near0, near1).Draw(rt, "start"), 0)
		for range rapid.IntRange(1, 40).Draw(rt, "dates") {
			if rapid.IntRange(0, 4).Draw(rt, "move") == 0 {
				// Now and then another zone, or a jump in time.
				at = time.Unix(rapid.Int64Range(near0, near1).Draw(rt, "jump"), 0)
			}
			loc := locs[rapid.IntRange(0, len(locs)-1).Draw(rt, "zone")%3]
			if rapid.IntRange(0, 9).Draw(rt, "other-zone") == 0 {
				loc = rapid.SampledFrom(locs).Draw(rt, "zone")
			}
			at = at.Add(time.Duration(rapid.Int64Range(-90*24*3600, 90*24*3600).Draw(rt, "step")) * time.Second).In(loc)
			if _, want := at.Zone(); c.Offset(at) != want {
				rt.Fatalf("Offset(%v) = %d, Zone gives %d", at, c.Offset(at), want)
			}
			n := rapid.IntRange(-60, 60).Draw(rt, "days")
			if got, want := c.Add(at, n), at.AddDate(0, 0, n); !same(got, want) {
				rt.Fatalf("Add(%v, %d) = %v, AddDate gives %v", at, n, got, want)
			}
		}
	})
}

// TestAdd_Transitions tries every hour within 40 days of changes of
// offset, where a wall-clock time is skipped or repeated.
func TestAdd_Transitions(t *testing.T) {
	for _, c := range []struct {
		zone string
		at   time.Time
	}{
		{"Europe/Berlin", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		{"Europe/Berlin", time.Date(2026, 10, 24, 1, 30, 0, 0, time.UTC)},
		{"Europe/London", time.Date(2026, 10, 24, 1, 30, 0, 0, time.UTC)},
		{"America/Santiago", time.Date(2026, 9, 5, 4, 30, 0, 0, time.UTC)},
		{"Australia/Lord_Howe", time.Date(2026, 4, 4, 14, 45, 0, 0, time.UTC)},
		{"Pacific/Apia", time.Date(2011, 12, 29, 11, 0, 0, 0, time.UTC)},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		var cache days.Cache // one for the zone, so that most offsets come from it
		for n := -40; n <= 40; n++ {
			for m := range 48 {
				x := c.at.Add(time.Duration(m) * 30 * time.Minute).In(loc)
				if got, want := cache.Add(x, n), x.AddDate(0, 0, n); !same(got, want) {
					t.Fatalf("Add(%v, %d) = %v, AddDate gives %v", x, n, got, want)
				}
			}
		}
	}
}

var sink time.Time

// BenchmarkAdd compares Add with AddDate on the lap's dates in Berlin:
// 30 days from 2 March 2026 crosses the change to summer time, 7 days
// back from 1 April does not.
func BenchmarkAdd(b *testing.B) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, berlin)
	deadline := created.AddDate(0, 0, 30)
	for _, c := range []struct {
		name string
		at   time.Time
		n    int
	}{{"across", created, 30}, {"within", deadline, -7}} {
		b.Run(c.name+"/AddDate", func(b *testing.B) {
			for b.Loop() {
				sink = c.at.AddDate(0, 0, c.n)
			}
		})
		b.Run(c.name+"/Add-empty", func(b *testing.B) {
			for b.Loop() {
				var cache days.Cache
				sink = cache.Add(c.at, c.n)
			}
		})
		b.Run(c.name+"/Add-warm", func(b *testing.B) {
			var cache days.Cache
			for b.Loop() {
				sink = cache.Add(c.at, c.n)
			}
		})
	}
}
