package plan_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// tFatal is what tNew needs of a *testing.T, *testing.B or *rapid.T.
type tFatal interface {
	Helper()
	Fatalf(format string, args ...any)
}

// tNew is Engine.New at a time the test knows the library keeps.
func tNew(t tFatal, e *plan.Engine, id tenancy.AccountID, loc *time.Location, now time.Time) plan.Subscription {
	t.Helper()
	s, err := e.New(id, loc, now)
	if err != nil {
		t.Fatalf("New at %v: %v", now, err)
	}
	return s
}

// The rule "decisions: time range" (docs/decisions.md, Time): the engine
// keeps instants in [tenancy.MinTime, tenancy.MaxTime) at whole-minute
// offsets. Every entry point that takes a time refuses one outside with
// tenancy.ErrInvalid, so every state it makes can be stored and loaded again;
// and decoding refuses a state whose instants lie outside, which the engine
// cannot make.

// tLoad loads an IANA zone or fails the test.
func tLoad(t tFatal, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("zone %s: %v", name, err)
	}
	return loc
}

// tRoundTrip checks that s encodes and decodes back to the same value and
// that the engine accepts both.
func tRoundTrip(t tFatal, e *plan.Engine, s plan.Subscription) {
	t.Helper()
	if err := e.Check(s); err != nil {
		t.Fatalf("the engine made a state its own Check refuses: %v", err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("the engine made a state that does not encode: %v", err)
	}
	var back plan.Subscription
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("the engine made a state that does not decode: %v\n%s", err, b)
	}
	if d := cmp.Diff(s, back); d != "" {
		t.Fatalf("round trip changed the state (-made +decoded):\n%s", d)
	}
	if back.Location().String() != s.Location().String() {
		t.Fatalf("zone %s came back as %s", s.Location(), back.Location())
	}
}

// Both edges of the range, for every entry point that takes a time: just
// inside, the command is accepted and what it makes round-trips; just
// outside, it is refused with ErrInvalid and nothing changes.
func TestTimeRange_Edges(t *testing.T) {
	e := ctEngine(t)
	berlin := tLoad(t, "Europe/Berlin")
	monrovia := tLoad(t, "Africa/Monrovia")
	first := tenancy.MinTime
	last := tenancy.MaxTime.Add(-time.Nanosecond)

	t.Run("New", func(t *testing.T) {
		for _, c := range []struct {
			name string
			loc  *time.Location
			at   time.Time
			ok   bool
		}{
			{"the first instant", time.UTC, first, true},
			{"the first instant, in Berlin", berlin, first, true},
			{"a nanosecond before", time.UTC, first.Add(-time.Nanosecond), false},
			{"the last instant", time.UTC, last, true},
			{"the last instant, in Berlin", berlin, last, true},
			{"MaxTime", time.UTC, tenancy.MaxTime, false},
			{"9999-12-20 (issue 12)", time.UTC, time.Date(9999, 12, 20, 10, 0, 0, 0, time.UTC), false},
			{"Berlin in 1850, local mean time +0:53:28 (issue 12)", berlin, time.Date(1850, 6, 1, 12, 0, 0, 0, berlin), false},
			{"year 0 (issue 12)", time.UTC, time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), false},
			{"Monrovia at -0:44:30", monrovia, time.Date(1972, 1, 3, 12, 0, 0, 0, time.UTC), false},
			{"Monrovia at GMT", monrovia, time.Date(1972, 1, 8, 12, 0, 0, 0, time.UTC), true},
		} {
			t.Run(c.name, func(t *testing.T) {
				s, err := e.New(ctAccount, c.loc, c.at)
				if !c.ok {
					if !errors.Is(err, tenancy.ErrInvalid) {
						t.Fatalf("New at %v in %s: %v, want ErrInvalid", c.at, c.loc, err)
					}
					if s != (plan.Subscription{}) {
						t.Fatalf("a refused New returned %+v", s)
					}
					return
				}
				if err != nil {
					t.Fatalf("New at %v in %s: %v", c.at, c.loc, err)
				}
				if !s.Updated.Equal(c.at) || s.Location() != c.loc {
					t.Fatalf("created at %v in %s, want %v in %s", s.Updated, s.Location(), c.at, c.loc)
				}
				tRoundTrip(t, e, s)
			})
		}
	})

	// Commands at the last instant make dates beyond MaxTime (a year on,
	// at most) that still encode; at MaxTime they are refused.
	t.Run("commands", func(t *testing.T) {
		for _, c := range []struct {
			name string
			cmd  plan.Command
		}{
			{"a trial of the longest length", plan.StartTrial{By: ctAdmin, Days: plan.MaxTrialDays}},
			{"an annual purchase", plan.Purchase{By: ctAdmin, Plan: plan.Enterprise, Period: plan.Annual}},
			{"a monthly purchase", plan.Purchase{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly}},
		} {
			t.Run(c.name, func(t *testing.T) {
				for _, loc := range []*time.Location{time.UTC, berlin} {
					start := last.Add(-time.Hour)
					s := tNew(t, e, ctAccount, loc, start)
					got, evs, err := e.Apply(s, last, c.cmd)
					if err != nil {
						t.Fatalf("%T at %v: %v", c.cmd, last, err)
					}
					if !got.End.After(tenancy.MaxTime) || len(evs) == 0 {
						t.Fatalf("%T at %v: ends %v with events %v, want an end after MaxTime", c.cmd, last, got.End, evs)
					}
					tRoundTrip(t, e, got)
					for _, at := range []time.Time{tenancy.MaxTime, time.Date(9999, 12, 20, 0, 0, 0, 0, time.UTC)} {
						out, evs, err := e.Apply(s, at, c.cmd)
						if !errors.Is(err, tenancy.ErrInvalid) || evs != nil || cmp.Diff(s, out) != "" {
							t.Fatalf("%T at %v: %v, events %v, want ErrInvalid and s unchanged", c.cmd, at, err, evs)
						}
					}
				}
			})
		}
	})

	t.Run("Advance, End and QuoteRefund", func(t *testing.T) {
		s := tNew(t, e, ctAccount, time.UTC, last.Add(-24*time.Hour))
		s, _ = ctDo(t, e, s, last.Add(-24*time.Hour), plan.Purchase{By: ctAdmin, Plan: plan.Professional, Period: plan.Annual})
		if got, _, err := e.Advance(s, last, nil); err != nil || cmp.Diff(s, got) != "" {
			t.Fatalf("Advance to the last instant: %v", err)
		}
		if q, err := e.QuoteRefund(s, last); err != nil || !q.Refund.IsPositive() {
			t.Fatalf("QuoteRefund at the last instant: %+v, %v", q, err)
		}
		ended, evs, err := e.End(s, last, nil)
		if err != nil || ended.Status != plan.StatusFree || len(evs) == 0 {
			t.Fatalf("End at the last instant: %v, %v, %v", ended.Status, evs, err)
		}
		tRoundTrip(t, e, ended)
		for _, at := range []time.Time{tenancy.MaxTime, tenancy.MaxTime.AddDate(1, 0, 0)} {
			if got, evs, err := e.Advance(s, at, nil); !errors.Is(err, tenancy.ErrInvalid) || len(evs) != 0 || cmp.Diff(s, got) != "" {
				t.Errorf("Advance to %v: %v, events %v; want ErrInvalid and s unchanged", at, err, evs)
			}
			if _, err := e.QuoteRefund(s, at); !errors.Is(err, tenancy.ErrInvalid) {
				t.Errorf("QuoteRefund at %v: %v, want ErrInvalid", at, err)
			}
			if got, evs, err := e.End(s, at, nil); !errors.Is(err, tenancy.ErrInvalid) || len(evs) != 0 || cmp.Diff(s, got) != "" {
				t.Errorf("End at %v: %v, events %v; want ErrInvalid and s unchanged", at, err, evs)
			}
		}
		// The period's end lies beyond MaxTime: it can never fire, so the
		// projection stops before it.
		if evs := e.Project(s); len(evs) != 0 {
			t.Errorf("Project of a period ending %v: %v, want nothing before MaxTime", s.End, evs)
		}
	})

	t.Run("a free subscription at the first instant", func(t *testing.T) {
		s := tNew(t, e, ctAccount, time.UTC, first)
		if _, _, err := e.Advance(s, first.Add(-time.Nanosecond), nil); !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("Advance to before MinTime: %v, want ErrInvalid", err)
		}
		if _, _, err := e.End(s, first.Add(-time.Nanosecond), nil); !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("End before MinTime: %v, want ErrInvalid", err)
		}
		got, _ := ctDo(t, e, s, first, plan.StartTrial{By: ctAdmin})
		tRoundTrip(t, e, got)
	})
}

// Decoding refuses the states the engine cannot make, at both edges: an
// instant before MinTime or at MaxTime, a local mean time, a year 0, a term
// longer than any trial or period; it accepts the edges just inside.
func TestTimeRange_Decode(t *testing.T) {
	free := func(zone, at string) string {
		return `{"v":1,"zone":"` + zone + `","account":"a","plan":"free","status":"free","free_since":"` + at + `","updated":"` + at + `"}`
	}
	trial := func(start, end string) string {
		return `{"v":1,"zone":"UTC","account":"a","plan":"trial","status":"trial","start":"` + start + `","end":"` + end + `","trial_used":true,"free_since":"` + start + `","updated":"` + start + `"}`
	}
	for _, c := range []struct {
		name, json string
		ok         bool
	}{
		{"the first instant", free("UTC", "1972-01-01T00:00:00Z"), true},
		{"a second before", free("UTC", "1971-12-31T23:59:59Z"), false},
		{"the first instant, written in New York", free("America/New_York", "1971-12-31T19:00:00-05:00"), true},
		{"the last instant", free("UTC", "8999-12-31T23:59:59.999999999Z"), true},
		{"MaxTime", free("UTC", "9000-01-01T00:00:00Z"), false},
		{"year 9999", free("UTC", "9999-12-20T00:00:00Z"), false},
		{"Berlin in 1850", free("Europe/Berlin", "1850-06-01T12:00:00Z"), false},
		{"year 0", free("UTC", "0000-01-01T00:00:00Z"), false},
		{"Monrovia at -0:44:30", free("Africa/Monrovia", "1972-01-03T12:00:00Z"), false},
		{"Monrovia at GMT", free("Africa/Monrovia", "1972-01-08T12:00:00Z"), true},
		{"free since before MinTime", `{"v":1,"zone":"UTC","account":"a","plan":"free","status":"free","free_since":"1960-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z"}`, false},
		{"a trial of the longest length from the last instant", trial("8999-12-31T23:00:00Z", "9000-12-31T23:00:00Z"), true},
		{"a trial longer than any", trial("2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z"), false},
		{"a trial ending in year 10000", trial("8999-12-31T23:00:00Z", "9999-12-31T23:00:00Z"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s plan.Subscription
			err := json.Unmarshal([]byte(c.json), &s)
			if c.ok {
				if err != nil {
					t.Fatalf("refused %s: %v", c.json, err)
				}
				b, err := json.Marshal(s)
				if err != nil {
					t.Fatalf("a decoded state does not encode: %v", err)
				}
				var back plan.Subscription
				if err := json.Unmarshal(b, &back); err != nil || cmp.Diff(s, back) != "" {
					t.Fatalf("does not round-trip: %v", err)
				}
				return
			}
			if !errors.Is(err, plan.ErrCorrupt) {
				t.Fatalf("decoding %s: %v, want ErrCorrupt", c.json, err)
			}
		})
	}
}

// tZones are the zones of the property: UTC, zones with daylight saving on
// both hemispheres, zones whose offsets were not whole minutes (Berlin and
// Tokyo before 1893 and 1888, Monrovia until 1972-01-07) and the zones
// furthest ahead of and behind UTC.
var tZones = []string{"UTC", "Europe/Berlin", "Asia/Tokyo", "Africa/Monrovia", "America/New_York", "Australia/Sydney", "Pacific/Kiritimati", "Pacific/Pago_Pago"}

// tAnchors are the times the property draws near: the edges of the range,
// the dates of issue 12, and ordinary days.
var tAnchors = []time.Time{
	tenancy.MinTime, tenancy.MaxTime,
	time.Date(1972, 1, 7, 0, 0, 0, 0, time.UTC),
	time.Date(9999, 12, 20, 10, 0, 0, 0, time.UTC),
	time.Date(1850, 6, 1, 12, 0, 0, 0, time.UTC),
	time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC),
	time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC),
}

// tDrawTime draws a time near an anchor, near the state's last change or at
// its next deadline.
func tDrawTime(t *rapid.T, s *plan.Subscription) time.Time {
	switch {
	case s != nil && rapid.Bool().Draw(t, "near the last change"):
		if d, ok := s.NextDeadline(); ok && rapid.Bool().Draw(t, "at the deadline") {
			return d
		}
		return s.Updated.Add(time.Duration(rapid.Int64Range(0, 400*24).Draw(t, "hours on")) * time.Hour)
	}
	at := rapid.SampledFrom(tAnchors).Draw(t, "anchor")
	switch rapid.IntRange(0, 3).Draw(t, "offset kind") {
	case 0:
		return at
	case 1:
		return at.Add(time.Duration(rapid.SampledFrom([]int64{-1, 1}).Draw(t, "a nanosecond")))
	default:
		return at.Add(time.Duration(rapid.Int64Range(-3*366*24, 3*366*24).Draw(t, "hours off")) * time.Hour)
	}
}

// tDrawCommand draws a command an administrator may give.
func tDrawCommand(t *rapid.T, s plan.Subscription) plan.Command {
	plans := []plan.PlanID{plan.Basic, plan.Standard, plan.Professional, plan.Enterprise, plan.Free}
	pl := rapid.SampledFrom(plans).Draw(t, "plan")
	per := rapid.SampledFrom([]plan.Period{plan.Monthly, plan.Annual}).Draw(t, "period")
	switch rapid.IntRange(0, 8).Draw(t, "command") {
	case 0:
		return plan.StartTrial{By: ctAdmin, Days: rapid.SampledFrom([]int{0, 1, plan.MaxTrialDays}).Draw(t, "trial days")}
	case 1:
		return plan.Purchase{By: ctAdmin, Plan: pl, Period: per}
	case 2:
		return plan.ChangePlan{By: ctAdmin, Plan: pl, Period: per}
	case 3:
		return plan.Cancel{By: ctAdmin, Now: rapid.Bool().Draw(t, "now")}
	case 4:
		return plan.UndoChange{By: ctAdmin}
	case 5:
		return plan.Renew{By: ctAdmin}
	case 6:
		return plan.RecordPayment{By: ctAdmin, Amount: s.Due}
	case 7:
		return plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("12.34")}
	default:
		return plan.BuyExtraStorage{By: ctAdmin, Bytes: plan.GB, Price: ctD("5")}
	}
}

// TestTimeRange_EveryStateRoundTrips states the rule "decisions: time
// range" as a property: whatever sequence of New, commands, Advance and End
// at whatever times (the far edges included), every state the engine returns
// encodes with MarshalJSON and decodes with UnmarshalJSON to an equal state
// that Check accepts, and every call at a time tenancy.CheckTime refuses (in
// the subscription's zone) is refused with tenancy.ErrInvalid and changes
// nothing.
func TestTimeRange_EveryStateRoundTrips(t *testing.T) {
	e := ctEngine(t)
	rapid.Check(t, func(rt *rapid.T) {
		loc := tLoad(rt, rapid.SampledFrom(tZones).Draw(rt, "zone"))
		at := tDrawTime(rt, nil)
		s, err := e.New(ctAccount, loc, at)
		if bad := tenancy.CheckTime(at, loc); bad != nil {
			if !errors.Is(err, tenancy.ErrInvalid) {
				rt.Fatalf("New at %v in %s, outside the range (%v): %v, want ErrInvalid", at, loc, bad, err)
			}
			return
		}
		if err != nil {
			rt.Fatalf("New at %v in %s: %v", at, loc, err)
		}
		tRoundTrip(rt, e, s)
		for range rapid.IntRange(1, 30).Draw(rt, "steps") {
			now := tDrawTime(rt, &s)
			outside := tenancy.CheckTime(now, s.Location()) != nil
			var (
				got plan.Subscription
				err error
			)
			switch rapid.IntRange(0, 5).Draw(rt, "call") {
			case 0:
				got, _, err = e.Advance(s, now, nil)
			case 1:
				got, _, err = e.End(s, now, nil)
			case 2:
				got = s
				_, err = e.QuoteRefund(s, now)
				if err != nil && !outside {
					continue // a refusal of the status, not of the time
				}
			default:
				got, _, err = e.Apply(s, now, tDrawCommand(rt, s))
			}
			if outside {
				if !errors.Is(err, tenancy.ErrInvalid) {
					rt.Fatalf("a call at %v in %s, outside the range: %v, want ErrInvalid", now, s.Location(), err)
				}
				if d := cmp.Diff(s, got); d != "" {
					rt.Fatalf("a refused call changed the state:\n%s", d)
				}
				continue
			}
			if err != nil {
				continue // refused by a rule; the state is s
			}
			tRoundTrip(rt, e, got)
			s = got
		}
	})
}

// An out-of-range time is refused before anything else (docs/decisions.md,
// Time): before a missing right (PLAN-02) and before time going back.
func TestTimeRange_RefusedFirst(t *testing.T) {
	e := ctEngine(t)
	s := ctActive(t, e, plan.Basic, plan.Monthly, ctAt(2026, 1, 15))
	for _, at := range []time.Time{tenancy.MaxTime, tenancy.MinTime.Add(-time.Second)} {
		_, _, err := e.Apply(s, at, plan.Cancel{By: ctEmployee})
		if !errors.Is(err, tenancy.ErrInvalid) || errors.Is(err, tenancy.ErrUnauthorized) || errors.Is(err, tenancy.ErrTimeWentBack) {
			t.Errorf("an employee's cancellation at %v: %v, want ErrInvalid alone", at, err)
		}
		if _, _, err := e.Advance(s, at, nil); !errors.Is(err, tenancy.ErrInvalid) || errors.Is(err, tenancy.ErrTimeWentBack) {
			t.Errorf("Advance to %v: %v, want ErrInvalid alone", at, err)
		}
	}
	// In range, the right is checked.
	_, _, err := e.Apply(s, s.Updated, plan.Cancel{By: ctEmployee})
	ctWantRefusal(t, err, tenancy.ErrUnauthorized, "PLAN-02")
}
