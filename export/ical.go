package export

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenancykit/tenancy"
)

// Event is one calendar event, as a service's calendar source yields it.
type Event struct {
	// UID identifies the event across exports; when empty, the writer
	// makes one from the account and the event's position.
	UID                            string
	Summary, Description, Location string
	// Start is required. End is optional; when set it must be after
	// Start. Times are written in UTC to the second. A time written with
	// a year outside 1 to 9999 (for an all-day date, the year in its own
	// location), or as the zero time, which stands for none, is refused.
	Start, End time.Time
	// AllDay writes Start and End as dates (their calendar dates in their
	// own locations); End is then the day after the last day, as RFC 5545
	// has it.
	AllDay bool
}

const (
	icsStamp = "20060102T150405Z"
	icsDate  = "20060102"
	icsProd  = "-//tenancykit//tenancy export//EN"
)

// icsText escapes a TEXT value (RFC 5545 section 3.3.11). Line breaks (CRLF,
// CR or LF) become \n; other control characters, which TEXT cannot hold,
// and invalid UTF-8 become U+FFFD and count as repaired.
func icsText(dst []byte, s string, repaired *int64) []byte {
	fixed := false
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		fixed = true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			dst = append(dst, '\\', c)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			dst = append(dst, '\\', 'n')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\t':
			dst = append(dst, c)
		default:
			if c < 0x20 || c == 0x7f {
				dst = append(dst, "\uFFFD"...)
				fixed = true
				continue
			}
			dst = append(dst, c)
		}
	}
	if fixed {
		*repaired++
	}
	return dst
}

// NormalizeText returns s as it comes back from an iCalendar file: line
// breaks as LF, other control characters and invalid UTF-8 as U+FFFD.
func NormalizeText(s string) string {
	var n int64
	b := icsText(nil, s, &n)
	out, _ := icsUnescape(string(b))
	return out
}

// MaxCalendarLine bounds an iCalendar content line, unfolded: 1 MiB.
// Writer.WriteCalendar refuses an event with a text whose line would be
// longer, and ReadCalendar, and so Verify, refuses a longer line, holding
// no more of it in memory than this.
const MaxCalendarLine = 1 << 20

// icsTextLen returns len(icsText(nil, s, &n)) without building it.
func icsTextLen(s string) int {
	s = strings.ToValidUTF8(s, "\uFFFD")
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',', '\n':
			n += 2
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			n += 2
		case '\t':
			n++
		default:
			if c < 0x20 || c == 0x7f {
				n += len("\uFFFD")
				continue
			}
			n++
		}
	}
	return n
}

// appendFolded appends one content line, folded so that no line exceeds
// 75 octets without splitting a UTF-8 sequence, and ended by CRLF.
func appendFolded(dst, line []byte) []byte {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		dst = append(dst, line[:cut]...)
		dst = append(dst, '\r', '\n', ' ')
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	dst = append(dst, line...)
	return append(dst, '\r', '\n')
}

// icsEncoder writes VEVENTs into a reusable buffer.
type icsEncoder struct {
	account tenancy.AccountID
	stamp   string
	line    []byte
	n       int64 // events written
	fixed   int64
}

func (e *icsEncoder) header(dst []byte) []byte {
	for _, l := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:" + icsProd, "CALSCALE:GREGORIAN"} {
		dst = appendFolded(dst, []byte(l))
	}
	return dst
}

func (e *icsEncoder) footer(dst []byte) []byte {
	return appendFolded(dst, []byte("END:VCALENDAR"))
}

func (e *icsEncoder) text(dst []byte, name, value string) []byte {
	e.line = append(e.line[:0], name...)
	e.line = append(e.line, ':')
	e.line = icsText(e.line, value, &e.fixed)
	return appendFolded(dst, e.line)
}

func (e *icsEncoder) when(dst []byte, name string, t time.Time, allDay bool) []byte {
	e.line = append(e.line[:0], name...)
	if allDay {
		e.line = append(e.line, ";VALUE=DATE:"...)
		e.line = t.AppendFormat(e.line, icsDate)
	} else {
		e.line = append(e.line, ':')
		e.line = t.UTC().AppendFormat(e.line, icsStamp)
	}
	return appendFolded(dst, e.line)
}

// writable reports whether t can be written and read back as it is
// written (its UTC time to the second, or for an all-day date its
// calendar date in its own location): a year from 1 to 9999, and not the
// zero time, which stands for no time.
func writable(t time.Time, allDay bool) bool {
	w := t.UTC().Truncate(time.Second)
	if allDay {
		w = dateOf(t)
	}
	y := w.Year()
	return !w.IsZero() && y >= 1 && y <= 9999
}

// eventProblem says why the writer refuses event ev, written with the UID
// uid, as the end of a message that starts "calendar event 3 ("x")", or
// returns "" for an event it writes. ReadCalendar refuses the same events.
func eventProblem(ev Event, uid string) string {
	if ev.Start.IsZero() || !writable(ev.Start, ev.AllDay) || (!ev.End.IsZero() && !writable(ev.End, ev.AllDay)) {
		return ": the start is missing or would be written as the zero time, or a year is outside 1 to 9999"
	}
	if !ev.End.IsZero() {
		after := ev.End.Truncate(time.Second).After(ev.Start.Truncate(time.Second))
		if ev.AllDay {
			after = dateOf(ev.End).After(dateOf(ev.Start))
		}
		if !after {
			return " ends before it starts"
		}
	}
	for _, p := range [...]struct{ name, value string }{{"UID", uid}, {"SUMMARY", ev.Summary}, {"DESCRIPTION", ev.Description}, {"LOCATION", ev.Location}} {
		if n := len(p.name) + 1 + icsTextLen(p.value); n > MaxCalendarLine {
			return fmt.Sprintf(": its %s line would take %d bytes, more than %d", p.name, n, MaxCalendarLine)
		}
	}
	return ""
}

// event appends one VEVENT, or refuses an event a calendar could not
// import, or ReadCalendar could not read.
func (e *icsEncoder) event(dst []byte, ev Event) ([]byte, error) {
	e.n++
	uid := ev.UID
	if uid == "" {
		uid = string(e.account) + "-event-" + itoa(e.n) + "@tenancy-export"
	}
	if p := eventProblem(ev, uid); p != "" {
		return dst, tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "calendar event %d (%q)%s", e.n, ev.UID, p)
	}
	dst = appendFolded(dst, []byte("BEGIN:VEVENT"))
	dst = e.text(dst, "UID", uid)
	dst = appendFolded(dst, []byte("DTSTAMP:"+e.stamp))
	dst = e.when(dst, "DTSTART", ev.Start, ev.AllDay)
	if !ev.End.IsZero() {
		dst = e.when(dst, "DTEND", ev.End, ev.AllDay)
	}
	if ev.Summary != "" {
		dst = e.text(dst, "SUMMARY", ev.Summary)
	}
	if ev.Description != "" {
		dst = e.text(dst, "DESCRIPTION", ev.Description)
	}
	if ev.Location != "" {
		dst = e.text(dst, "LOCATION", ev.Location)
	}
	return appendFolded(dst, []byte("END:VEVENT")), nil
}

// dateOf returns t's calendar date, at midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// icsUnescape undoes icsText's escaping.
func icsUnescape(v string) (string, error) {
	if strings.IndexByte(v, '\\') < 0 {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(v) {
			return "", malformed("a TEXT value ends with a backslash")
		}
		switch v[i] {
		case '\\', ';', ',':
			b.WriteByte(v[i])
		case 'n', 'N':
			b.WriteByte('\n')
		default:
			return "", malformed("unknown escape \\%c in a TEXT value", v[i])
		}
	}
	return b.String(), nil
}

// icsLines yields the unfolded content lines of an iCalendar stream. It
// refuses a line longer than MaxCalendarLine unfolded, and holds no more
// than that of it.
func icsLines(r io.Reader) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		br := bufio.NewReader(r)
		var cur []byte // the line so far, unfolded
		have := false
		for {
			piece, err := br.ReadSlice('\n')
			if err == io.EOF && len(piece) == 0 {
				break
			}
			if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
				yield("", err)
				return
			}
			if len(piece) > 0 && (piece[0] == ' ' || piece[0] == '\t') {
				if !have {
					yield("", malformed("a continuation line starts the file"))
					return
				}
				piece = piece[1:]
			} else {
				if have && !yield(string(cur), nil) {
					return
				}
				cur, have = cur[:0], true
			}
			start := len(cur) // where this physical line starts in cur
			for {
				if len(cur)+len(piece) > MaxCalendarLine+2 {
					yield("", malformed("a content line longer than %d bytes", MaxCalendarLine))
					return
				}
				cur = appendBounded(cur, piece)
				if err != bufio.ErrBufferFull {
					break
				}
				if piece, err = br.ReadSlice('\n'); err != nil && err != io.EOF && err != bufio.ErrBufferFull {
					yield("", err)
					return
				}
			}
			if err == io.EOF || len(cur)-start < 2 || cur[len(cur)-2] != '\r' {
				yield("", malformed("content lines must end with CRLF"))
				return
			}
			cur = cur[:len(cur)-2]
		}
		if have {
			yield(string(cur), nil)
		}
	}
}

// appendBounded appends p to dst, at least doubling its capacity when it
// grows, up to MaxCalendarLine+2 bytes: growing a line to the bound
// allocates about twice the bound in all.
func appendBounded(dst, p []byte) []byte {
	if need := len(dst) + len(p); need > cap(dst) {
		c := min(max(2*cap(dst), need, 128), max(need, MaxCalendarLine+2))
		grown := make([]byte, len(dst), c)
		copy(grown, dst)
		dst = grown
	}
	return append(dst, p...)
}

// ReadCalendar reads an iCalendar file written by Writer.WriteCalendar and
// yields its events: text fields as NormalizeText returns them, times in
// UTC to the second, all-day dates at midnight UTC. Properties it does not
// know are skipped. It yields only events WriteCalendar writes: an event
// WriteCalendar refuses (a year outside 1 to 9999, an end not after the
// start, a text too long to write), or that gives one of its properties
// twice, is malformed, and so is a content line longer than
// MaxCalendarLine bytes, unfolded. A malformed file yields one error that
// matches ErrMalformed, and stops.
func ReadCalendar(r io.Reader) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		var (
			ev              Event
			inCal, inEv     bool
			ended, hasStart bool
			hasEnd, endDate bool
			n               int64  // events read
			seen            uint32 // the properties of the event read so far
		)
		fail := func(format string, args ...any) { yield(Event{}, malformed(format, args...)) }
		for line, err := range icsLines(r) {
			if err != nil {
				yield(Event{}, err)
				return
			}
			if !utf8.ValidString(line) {
				fail("a content line is not UTF-8")
				return
			}
			colon := strings.IndexByte(line, ':')
			if colon < 0 {
				fail("content line %q has no value", line)
				return
			}
			name, value := line[:colon], line[colon+1:]
			params := ""
			if semi := strings.IndexByte(name, ';'); semi >= 0 {
				name, params = name[:semi], name[semi+1:]
			}
			name = strings.ToUpper(name)
			switch {
			case ended:
				fail("content after END:VCALENDAR")
				return
			case !inCal:
				if name != "BEGIN" || value != "VCALENDAR" {
					fail("the file does not start with BEGIN:VCALENDAR")
					return
				}
				inCal = true
			case name == "BEGIN" && value == "VEVENT":
				if inEv {
					fail("nested VEVENT")
					return
				}
				ev, inEv, hasStart, hasEnd, seen = Event{}, true, false, false, 0
			case name == "END" && value == "VEVENT":
				if !inEv || !hasStart || ev.UID == "" {
					fail("a VEVENT without UID or DTSTART, or END without BEGIN")
					return
				}
				if hasEnd && endDate != ev.AllDay {
					// RFC 5545 section 3.6.1: DTEND has the value type of
					// DTSTART.
					fail("a VEVENT whose DTSTART and DTEND are not both dates or both times")
					return
				}
				n++
				if p := eventProblem(ev, ev.UID); p != "" {
					fail("event %d (%q)%s", n, ev.UID, p)
					return
				}
				inEv = false
				if !yield(ev, nil) {
					return
				}
			case name == "END" && value == "VCALENDAR":
				if inEv {
					fail("END:VCALENDAR inside a VEVENT")
					return
				}
				ended = true
			case name == "BEGIN" || name == "END":
				fail("unexpected %s:%s", name, value)
				return
			case !inEv:
				// calendar properties: VERSION, PRODID and others
			case seen&eventProp(name) != 0:
				// RFC 5545 section 3.6.1: each at most once.
				fail("a VEVENT with two %s", name)
				return
			case name == "DTSTART" || name == "DTEND":
				seen |= eventProp(name)
				allDay := strings.EqualFold(params, "VALUE=DATE")
				if params != "" && !allDay {
					fail("%s with parameters %q", name, params)
					return
				}
				var t time.Time
				var perr error
				if allDay {
					t, perr = time.Parse(icsDate, value)
				} else {
					t, perr = time.Parse(icsStamp, value)
				}
				if perr != nil {
					fail("%s: %v", name, perr)
					return
				}
				if t.IsZero() {
					// The zero time stands for "no time" in an Event.
					fail("%s: %s is no time", name, value)
					return
				}
				if name == "DTSTART" {
					ev.Start, ev.AllDay, hasStart = t, allDay, true
				} else {
					ev.End, endDate, hasEnd = t, allDay, true
				}
			case name == "UID" || name == "SUMMARY" || name == "DESCRIPTION" || name == "LOCATION":
				seen |= eventProp(name)
				text, uerr := icsUnescape(value)
				if uerr != nil {
					yield(Event{}, uerr)
					return
				}
				switch name {
				case "UID":
					ev.UID = text
				case "SUMMARY":
					ev.Summary = text
				case "DESCRIPTION":
					ev.Description = text
				default:
					ev.Location = text
				}
			}
		}
		if !ended {
			fail("the file does not end with END:VCALENDAR")
		}
	}
}

// eventProp returns the bit of a VEVENT property ReadCalendar reads, or 0
// for another.
func eventProp(name string) uint32 {
	switch name {
	case "UID":
		return 1
	case "DTSTART":
		return 2
	case "DTEND":
		return 4
	case "SUMMARY":
		return 8
	case "DESCRIPTION":
		return 16
	case "LOCATION":
		return 32
	}
	return 0
}

// countEvents counts the VEVENTs of an iCalendar file, checking its
// structure.
func countEvents(r io.Reader) (int64, error) {
	var n int64
	for _, err := range ReadCalendar(r) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
