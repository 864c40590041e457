package export

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// calOf is a calendar file of the given VEVENT bodies.
func calOf(events ...string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
	for _, e := range events {
		b.WriteString("BEGIN:VEVENT\r\n" + e + "END:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

// readAllEvents reads a calendar file to its end.
func readAllEvents(s string) ([]Event, error) {
	var evs []Event
	for ev, err := range ReadCalendar(strings.NewReader(s)) {
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// TestReadCalendar_EXP01_RefusesWhatWriterRefuses: ReadCalendar yields no
// event WriteCalendar would refuse (EXP-01): a year 0, an end before or at
// the start, a property given twice, a text whose line the writer could
// not write within MaxCalendarLine. Each near miss beside it reads.
func TestReadCalendar_EXP01_RefusesWhatWriterRefuses(t *testing.T) {
	commas := strings.Repeat(",", MaxCalendarLine/2+1) // one byte each here, two when written
	refused := map[string]string{
		"a start in year 0":            "UID:u\r\nDTSTART:00001231T000000Z\r\n",
		"an all-day start in year 0":   "UID:u\r\nDTSTART;VALUE=DATE:00000101\r\n",
		"an end in year 0":             "UID:u\r\nDTSTART:00010101T000001Z\r\nDTEND:00001231T235959Z\r\n",
		"an end before the start":      "UID:u\r\nDTSTART:20260102T000000Z\r\nDTEND:20260101T000000Z\r\n",
		"an end at the start":          "UID:u\r\nDTSTART:20260102T101010Z\r\nDTEND:20260102T101010Z\r\n",
		"an all-day end at the start":  "UID:u\r\nDTSTART;VALUE=DATE:20260102\r\nDTEND;VALUE=DATE:20260102\r\n",
		"an all-day end before":        "UID:u\r\nDTSTART;VALUE=DATE:20260102\r\nDTEND;VALUE=DATE:20251231\r\n",
		"two starts":                   "UID:u\r\nDTSTART:20260101T000000Z\r\nDTSTART:20270101T000000Z\r\n",
		"two UIDs":                     "UID:u\r\nUID:v\r\nDTSTART:20260101T000000Z\r\n",
		"two summaries":                "UID:u\r\nDTSTART:20260101T000000Z\r\nSUMMARY:a\r\nsummary:b\r\n",
		"a summary too long to write":  "UID:u\r\nDTSTART:20260101T000000Z\r\nSUMMARY:" + commas + "\r\n",
		"a UID too long to write":      "UID:" + commas + "\r\nDTSTART:20260101T000000Z\r\n",
		"a line longer than the bound": "UID:u\r\nDTSTART:20260101T000000Z\r\nX-NOTE:" + strings.Repeat("x", MaxCalendarLine) + "\r\n",
	}
	for name, body := range refused {
		evs, err := readAllEvents(calOf(body))
		if !errors.Is(err, ErrMalformed) || len(evs) != 0 {
			t.Errorf("%s: ReadCalendar yielded %d events, error %v", name, len(evs), err)
		}
	}
	accepted := map[string]string{
		"a start in year 1":             "UID:u\r\nDTSTART:00010101T000001Z\r\n",
		"a start in year 9999":          "UID:u\r\nDTSTART:99991231T235959Z\r\n",
		"an end a second after":         "UID:u\r\nDTSTART:20260102T101010Z\r\nDTEND:20260102T101011Z\r\n",
		"an all-day end a day after":    "UID:u\r\nDTSTART;VALUE=DATE:20260102\r\nDTEND;VALUE=DATE:20260103\r\n",
		"every property once":           "UID:u\r\nDTSTART:20260101T000000Z\r\nDTEND:20260101T010000Z\r\nSUMMARY:s\r\nDESCRIPTION:d\r\nLOCATION:l\r\nX-A:1\r\nX-A:2\r\n",
		"the longest summary it writes": "UID:u\r\nDTSTART:20260101T000000Z\r\nSUMMARY:" + commas[:MaxCalendarLine/2-4] + "\r\n",
		"a line as long as the bound":   "UID:u\r\nDTSTART:20260101T000000Z\r\nX-NOTE:" + strings.Repeat("x", MaxCalendarLine-len("X-NOTE:")) + "\r\n",
		"a folded line as long as it":   "UID:u\r\nDTSTART:20260101T000000Z\r\nX-NOTE:" + strings.Repeat("x\r\n ", MaxCalendarLine/2-4) + "\r\n",
	}
	for name, body := range accepted {
		if evs, err := readAllEvents(calOf(body)); err != nil || len(evs) != 1 {
			t.Errorf("%s: ReadCalendar yielded %d events, error %v", name, len(evs), err)
		}
	}
}

// TestReadCalendar_EXP01_YieldsOnlyWritable: for a calendar of events
// with any dates from year 0 to 9999, all-day or timed, with or without an
// end, ReadCalendar refuses the file exactly when one event is one the
// writer cannot write (by the test's own reckoning: a year 0, the zero
// time 0001-01-01T00:00:00Z, which stands for none, or an end not after
// the start), and the events it yields WriteCalendar writes (EXP-01: what
// the reader takes, the writer exports again).
func TestReadCalendar_EXP01_YieldsOnlyWritable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var bodies []string
		bad := false
		for i := range rapid.IntRange(1, 4).Draw(t, "events") {
			allDay := rapid.Bool().Draw(t, "allDay")
			// when draws a moment as the six numbers a content line holds,
			// all of them zero but the date for an all-day event.
			when := func(label string) [6]int {
				w := [6]int{rapid.IntRange(0, 9999).Draw(t, label+"Year"), rapid.IntRange(1, 12).Draw(t, label+"Month"), rapid.IntRange(1, 28).Draw(t, label+"Day")}
				if !allDay {
					w[3], w[4], w[5] = rapid.IntRange(0, 23).Draw(t, label+"Hour"), rapid.IntRange(0, 59).Draw(t, label+"Minute"), rapid.IntRange(0, 59).Draw(t, label+"Second")
				}
				return w
			}
			format := func(w [6]int) string {
				if allDay {
					return fmt.Sprintf(";VALUE=DATE:%04d%02d%02d", w[0], w[1], w[2])
				}
				return fmt.Sprintf(":%04d%02d%02dT%02d%02d%02dZ", w[0], w[1], w[2], w[3], w[4], w[5])
			}
			writable := func(w [6]int) bool { return w[0] >= 1 && w != [6]int{1, 1, 1} }
			start := when("start")
			body := fmt.Sprintf("UID:e%d\r\nDTSTART%s\r\n", i, format(start))
			bad = bad || !writable(start)
			if rapid.Bool().Draw(t, "hasEnd") {
				end := when("end")
				body += "DTEND" + format(end) + "\r\n"
				after := false
				for k := range end {
					if end[k] != start[k] {
						after = end[k] > start[k]
						break
					}
				}
				bad = bad || !writable(end) || !after
			}
			bodies = append(bodies, body)
		}
		evs, err := readAllEvents(calOf(bodies...))
		if (err != nil) != bad {
			t.Fatalf("ReadCalendar: error %v, but the test reckons the calendar writable: %v", err, !bad)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("an error that is not ErrMalformed: %v", err)
			}
			return
		}
		w, werr := NewWriter(discard{}, "acme", boundAt, Options{})
		if werr != nil {
			t.Fatal(werr)
		}
		if werr := w.WriteCalendar(seqOf(evs...)); werr != nil {
			t.Fatalf("WriteCalendar refused what ReadCalendar yielded: %v", werr)
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
