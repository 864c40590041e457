package export_test

// Fuzz targets of the archive's readers (EXP-03): Verify, DecodeManifest,
// ReadTable and ReadCalendar must never panic on any input, and what they
// accept must round-trip through a Writer. Run one with, for example,
//
//	go test -run=^$ -fuzz=FuzzVerify -fuzztime=20s ./export
//
// They are built to be useful under the default flags: the seeds are small,
// and each target returns at once for an input longer than its bound
// (fuzzMax, fuzzMaxTable), with one seed over the bound so that returning
// is in the baseline coverage and no longer input counts as new. The
// fuzzer spends up to a minute minimising every new input, trying a number
// of candidates that grows with the square of its length, and fuzzes
// nothing else meanwhile, so a long input would stall it; everything these
// readers check fits within the bounds. FuzzChangedArchive reaches past
// the ZIP parser on every run by changing a few bytes of a good archive.

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy/export"
)

// rtSeq yields xs without error.
func rtSeq[T any](xs ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// rtAt is when the seed archives are taken.
var rtAt = time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)

// rtSeedArchive writes an archive with every kind of file: two tables with
// cells that need quoting or neutralising, a calendar with a timed, an
// all-day and a long folded event, and documents with unsafe names.
func rtSeedArchive(tb testing.TB, opt export.Options) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", rtAt, opt)
	if err != nil {
		tb.Fatal(err)
	}
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(w.WriteTable(export.Contacts, []string{"name", "email", "note"}, rtSeq(
		[]string{"Ada, \"L\"", "ada@example.com", "=HYPERLINK(\"x\")"},
		[]string{"Bob\r\nSmith", "", "'-3"},
		[]string{"", "", ""},
	)))
	must(w.WriteTable(export.Tasks, []string{"task"}, rtSeq([]string{""}, []string{"@call"}, []string{"plain"})))
	must(w.WriteCalendar(rtSeq(
		export.Event{UID: "e1@x", Summary: "Meet; now, \\ here", Start: rtAt, End: rtAt.Add(time.Hour), Location: "Room 1"},
		export.Event{Summary: "Holiday", Start: time.Date(2026, 12, 24, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC), AllDay: true},
		export.Event{Description: strings.Repeat("long línea ", 20) + "\nsecond line", Start: rtAt.Add(24 * time.Hour)},
	)))
	must(w.WriteFiles(rtSeq(
		export.File{Name: "Q3/report.pdf", Body: strings.NewReader("%PDF-1.4 report")},
		export.File{Name: "../../etc/passwd", Body: strings.NewReader("root")},
		export.File{Name: "q3/REPORT.pdf", Body: strings.NewReader("")},
	)))
	if _, err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// fuzzMax is the longest input the fuzz targets read: long enough for an
// archive of a file or two and its manifest, short enough that minimising
// an input (about fuzzMax*fuzzMax/2 runs at most) takes seconds.
// FuzzReadTable reads at most fuzzMaxTable: nearly every cut of a table is
// a table, so nearly every run while minimising writes and verifies an
// archive, and a CSV shows all it can in a few lines.
const (
	fuzzMax      = 1 << 10
	fuzzMaxTable = 256
)

// rtTinyArchives are small archives, one of each kind of file: a table,
// stored; a calendar of one event; and a document whose name the writer
// must make safe, deflated at level 9.
func rtTinyArchives(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for i, write := range []func(w *export.Writer) error{
		func(w *export.Writer) error {
			return w.WriteTable(export.Contacts, []string{"name", "note"}, rtSeq([]string{"Ada, \"L\"", "=1"}))
		},
		func(w *export.Writer) error {
			return w.WriteCalendar(rtSeq(export.Event{UID: "e@x", Summary: "a; b", Start: rtAt, End: rtAt.Add(time.Hour)}))
		},
		func(w *export.Writer) error {
			return w.WriteFiles(rtSeq(export.File{Name: "../Q3/aux.p\u00e9", Body: strings.NewReader("x")}))
		},
	} {
		var buf bytes.Buffer
		w, err := export.NewWriter(&buf, "acme", rtAt, []export.Options{{Store: true}, {}, {Level: 9}}[i])
		if err != nil {
			tb.Fatal(err)
		}
		if err := write(w); err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Close(); err != nil {
			tb.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	return out
}

// rtEmptyArchive is an archive with only its manifest.
func rtEmptyArchive(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", rtAt, export.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// rtEntry returns the content of the archive entry at path.
func rtEntry(tb testing.TB, data []byte, path string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == path {
			rc, err := f.Open()
			if err != nil {
				tb.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				tb.Fatal(err)
			}
			return b
		}
	}
	tb.Fatalf("no entry %s", path)
	return nil
}

// FuzzVerify: Verify never panics (EXP-03). When it passes an archive, the
// report counts every file of the manifest as verified, and an independent
// reading with archive/zip agrees: every file has the manifest's size and
// SHA-256, and the CSV and iCalendar readers count the manifest's records.
// When it fails, the error matches ErrUnverified and names a problem.
func FuzzVerify(f *testing.F) {
	tiny := rtTinyArchives(f)
	for _, data := range tiny {
		if len(data) > fuzzMax {
			f.Fatalf("a seed of %d bytes, over the bound", len(data))
		}
		f.Add(data)
	}
	f.Add(tiny[0][:len(tiny[0])/2])
	f.Add(tiny[1][:len(tiny[1])-1])
	f.Add(rtEmptyArchive(f))
	f.Add([]byte{})
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte("not a zip at all"))
	f.Add(rtSeedArchive(f, export.Options{})) // over the bound
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > fuzzMax {
			return
		}
		rep, err := export.Verify(bytes.NewReader(data), int64(len(data)))
		if (err == nil) != rep.OK() {
			t.Fatalf("Verify returned %v with OK() = %v", err, rep.OK())
		}
		if err != nil {
			if !errors.Is(err, export.ErrUnverified) || len(rep.Problems) == 0 {
				t.Fatalf("a failure that is not ErrUnverified, or without a problem: %v, %v", err, rep.Problems)
			}
			return
		}
		m := rep.Manifest
		if rep.Verified != len(m.Files) {
			t.Fatalf("passed with %d of %d files verified", rep.Verified, len(m.Files))
		}
		zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if zerr != nil {
			t.Fatalf("Verify passed an archive archive/zip cannot open: %v", zerr)
		}
		entries := map[string]*zip.File{}
		for _, zf := range zr.File {
			entries[zf.Name] = zf
		}
		if len(zr.File) != len(m.Files)+1 || len(entries) != len(zr.File) || entries[export.ManifestPath] == nil {
			t.Fatalf("passed with %d entries (%d names) for %d files and the manifest", len(zr.File), len(entries), len(m.Files))
		}
		for _, fe := range m.Files {
			zf := entries[fe.Path]
			if zf == nil {
				t.Fatalf("passed without the listed %q", fe.Path)
			}
			rc, err := zf.Open()
			if err != nil {
				t.Fatalf("%s: %v", fe.Path, err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatalf("%s: %v", fe.Path, err)
			}
			sum := sha256.Sum256(b)
			if int64(len(b)) != fe.Bytes || hex.EncodeToString(sum[:]) != fe.SHA256 {
				t.Fatalf("%s: %d bytes, SHA-256 %x; the manifest says %d, %s", fe.Path, len(b), sum, fe.Bytes, fe.SHA256)
			}
			var n int64
			switch fe.Category.Method() {
			case export.MethodCSV:
				for _, err := range export.ReadTable(bytes.NewReader(b)) {
					if err != nil {
						t.Fatalf("%s: ReadTable: %v", fe.Path, err)
					}
					n++
				}
				n-- // the header
			case export.MethodICalendar:
				for _, err := range export.ReadCalendar(bytes.NewReader(b)) {
					if err != nil {
						t.Fatalf("%s: ReadCalendar: %v", fe.Path, err)
					}
					n++
				}
			default:
				n = 1
			}
			if n != fe.Records {
				t.Fatalf("%s: %d records read, the manifest says %d", fe.Path, n, fe.Records)
			}
		}
	})
}

// FuzzChangedArchive: Verify passes an archive the writer made and fails
// every change to it (EXP-03). The fuzzer draws which of the small
// archives, where, and up to 64 bytes to write over it, to insert, or the
// number of bytes to delete; unless the result is the original, Verify
// fails with ErrUnverified and names a problem. (A change inside the
// manifest that keeps its CRC-32 would need four or more bytes chosen for
// it, a chance of one in 2^32 for a fuzzer; any other byte is pinned by a
// SHA-256 in the manifest or by the headers Verify rebuilds.) Its inputs
// are a few bytes, so minimising one costs little, and every run checks an
// archive that is whole but for the change, which FuzzVerify's random
// bytes seldom reach.
func FuzzChangedArchive(f *testing.F) {
	archives := append(rtTinyArchives(f), rtEmptyArchive(f))
	for which := range archives {
		f.Add(uint8(which), uint16(0), []byte{}, uint8(0))
		f.Add(uint8(which), uint16(100), []byte{0xff}, uint8(0))
		f.Add(uint8(which), uint16(300), []byte(`"x"`), uint8(1))
		f.Add(uint8(which), uint16(len(archives[which])-22), []byte("PK"), uint8(2))
	}
	f.Fuzz(func(t *testing.T, which uint8, off uint16, patch []byte, mode uint8) {
		if len(patch) > 64 {
			return
		}
		orig := archives[int(which)%len(archives)]
		at := int(off) % (len(orig) + 1)
		var data []byte
		switch mode % 3 {
		case 0: // overwrite
			data = bytes.Clone(orig)
			copy(data[at:], patch)
		case 1: // insert
			data = slices.Concat(orig[:at], patch, orig[at:])
		default: // delete
			data = slices.Concat(orig[:at], orig[min(at+len(patch), len(orig)):])
		}
		rep, err := export.Verify(bytes.NewReader(data), int64(len(data)))
		switch {
		case bytes.Equal(data, orig):
			if err != nil || rep.Verified != len(rep.Manifest.Files) {
				t.Fatalf("the original archive fails: %v", err)
			}
		case !errors.Is(err, export.ErrUnverified) || len(rep.Problems) == 0 || rep.OK():
			t.Fatalf("a changed archive (mode %d, %d bytes at %d) passes: %v", mode%3, len(patch), at, err)
		}
	})
}

// FuzzDecodeManifest: DecodeManifest never panics, and a manifest it
// accepts encodes and decodes again to an equal manifest (EXP-03).
func FuzzDecodeManifest(f *testing.F) {
	for _, data := range append(rtTinyArchives(f), rtEmptyArchive(f)) {
		f.Add(rtEntry(f, data, export.ManifestPath))
	}
	f.Add([]byte(`{"schema":1,"account":"a","at":"2026-01-02T03:04:05.123456789+05:30","neutralisation":"apostrophe","files":null}`))
	f.Add([]byte(`{"schema":1,"account":"a","at":"2026-01-02T03:04:05Z","neutralisation":"apostrophe","files":[{"path":"drive/x\u00e9","category":"documents","records":1,"bytes":0,"sha256":"` +
		strings.Repeat("0", 64) + `","method":"store","stored_bytes":0,"stored_sha256":"` + strings.Repeat("0", 64) + `","original":"x\u00e9<>"}]}`))
	f.Add([]byte(`{"schema":2}`))
	f.Add([]byte(`{"schema":1,"account":"a","at":"0000-01-01T00:00:00+01:00","neutralisation":"apostrophe","files":[]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(strings.Repeat(" ", fuzzMax+1))) // over the bound
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzMax {
			return
		}
		m, err := export.DecodeManifest(b)
		if err != nil {
			if !errors.Is(err, export.ErrMalformed) {
				t.Fatalf("an error that is not ErrMalformed: %v", err)
			}
			return
		}
		enc, err := m.Encode()
		if err != nil {
			t.Fatalf("a decoded manifest does not encode: %v\n%+v", err, m)
		}
		back, err := export.DecodeManifest(enc)
		if err != nil {
			t.Fatalf("an encoded manifest does not decode: %v\n%s", err, enc)
		}
		if d := cmp.Diff(m, back); d != "" {
			t.Fatalf("the manifest changed on the way (-decoded +again):\n%s", d)
		}
	})
}

// FuzzReadTable: ReadTable never panics, and a table it reads without
// error writes back through a Writer (header: the first record, rows: the
// rest) into an archive that passes Verify and reads again to the same
// records (EXP-01, EXP-03).
func FuzzReadTable(f *testing.F) {
	f.Add(rtEntry(f, rtSeedArchive(f, export.Options{}), "crm/contacts.csv"))
	f.Add(rtEntry(f, rtSeedArchive(f, export.Options{}), "tasks/tasks.csv"))
	for _, s := range []string{
		"a,b\r\n1,2\r\n", "a,b\n1,2", "\"x\"\"y\",\"\r\n\"\r\n", "'=1,''+2,'x\r\n", "\n\n", "\"\"\r\n",
		"a\r", "\"open", "a\"b\r\n", "a,b\r\n1\r\n", "\xff\r\n", "h\r\n'\r\n", "'\t,'\r\r\n", "", ",\r\n,\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte(strings.Repeat("a,", fuzzMaxTable/2) + "a\r\n")) // over the bound
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzMaxTable {
			return
		}
		var recs [][]string
		for rec, err := range export.ReadTable(bytes.NewReader(b)) {
			if err != nil {
				if !errors.Is(err, export.ErrMalformed) || rec != nil {
					t.Fatalf("the error %v is not ErrMalformed, or comes with a record", err)
				}
				return
			}
			recs = append(recs, rec)
		}
		if len(recs) == 0 {
			return
		}
		var buf bytes.Buffer
		// Stored mostly: a deflate writer costs five times the rest of a
		// run, and the rapid tests deflate every table they write.
		w, err := export.NewWriter(&buf, "acme", rtAt, export.Options{Store: len(b)%8 != 0})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteTable(export.Deals, recs[0], rtSeq(recs[1:]...)); err != nil {
			t.Fatalf("WriteTable refused what ReadTable read: %v\n%q", err, recs)
		}
		m, err := w.Close()
		if err != nil {
			t.Fatal(err)
		}
		if fe, _ := m.File("crm/deals.csv"); fe.Records != int64(len(recs)-1) {
			t.Fatalf("the manifest counts %d records, want %d", fe.Records, len(recs)-1)
		}
		data := buf.Bytes()
		if _, err := export.Verify(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("the archive fails Verify: %v", err)
		}
		var back [][]string
		for rec, err := range export.ReadTable(bytes.NewReader(rtEntry(t, data, "crm/deals.csv"))) {
			if err != nil {
				t.Fatalf("reading the written table: %v", err)
			}
			back = append(back, rec)
		}
		if d := cmp.Diff(recs, back); d != "" {
			t.Fatalf("the records changed on the way (-read +again):\n%s", d)
		}
	})
}

// FuzzReadCalendar: ReadCalendar never panics; every event it yields has a
// start and a UID; the Writer writes every calendar it reads without error
// (ReadCalendar yields nothing the writer refuses); and the events read
// again as they were, text as NormalizeText gives it (EXP-01, EXP-03).
func FuzzReadCalendar(f *testing.F) {
	f.Add(rtEntry(f, rtSeedArchive(f, export.Options{}), "calendar/events.ics"))
	for _, s := range []string{
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20260103\r\nSUMMARY:a\\, b\\; c\\\\ d\\ne\r\n  folded\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:00010101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND:20260102T050000Z\r\nUID:u\r\nX-FOO;A=B:c\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\nEND:VCALENDAR\n",
		" x\r\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Add([]byte("BEGIN:VCALENDAR\r\n" + strings.Repeat("X-A:b\r\n", fuzzMax/7) + "END:VCALENDAR\r\n")) // over the bound
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzMax {
			return
		}
		var evs []export.Event
		for ev, err := range export.ReadCalendar(bytes.NewReader(b)) {
			if err != nil {
				if !errors.Is(err, export.ErrMalformed) {
					t.Fatalf("an error that is not ErrMalformed: %v", err)
				}
				return
			}
			if ev.Start.IsZero() || ev.UID == "" {
				t.Fatalf("an event without a start or a UID: %+v", ev)
			}
			evs = append(evs, ev)
		}
		var buf bytes.Buffer
		w, err := export.NewWriter(&buf, "acme", rtAt, export.Options{Store: len(b)%8 != 0}) // as in FuzzReadTable
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteCalendar(rtSeq(evs...)); err != nil {
			t.Fatalf("WriteCalendar refused what ReadCalendar yielded: %v\n%+v", err, evs)
		}
		if _, err := w.Close(); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if _, err := export.Verify(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("the archive fails Verify: %v", err)
		}
		want := slices.Clone(evs)
		for i := range want {
			ev := &want[i]
			ev.UID, ev.Summary = export.NormalizeText(ev.UID), export.NormalizeText(ev.Summary)
			ev.Description, ev.Location = export.NormalizeText(ev.Description), export.NormalizeText(ev.Location)
		}
		var back []export.Event
		for ev, err := range export.ReadCalendar(bytes.NewReader(rtEntry(t, data, "calendar/events.ics"))) {
			if err != nil {
				t.Fatalf("reading the written calendar: %v", err)
			}
			back = append(back, ev)
		}
		if d := cmp.Diff(want, back); d != "" {
			t.Fatalf("the events changed on the way (-read +again):\n%s", d)
		}
	})
}
