package export_test

// Property tests of the export archive (EXP-01, EXP-03, EXP-04), written
// with pgregory.net/rapid. Every helper here starts with "ar" so that it
// cannot collide with the other test files of the package.

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below load on any machine
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
)

// errArBoom is the sentinel every failing source wraps.
var errArBoom = errors.New("ar: the source broke")

// arCSV are the categories written with WriteTable.
var arCSV = []export.Category{export.Contacts, export.Deals, export.Leads, export.Tasks}

// arFormula are the bytes a spreadsheet runs as the start of a formula.
var arFormula = []string{"=", "+", "-", "@", "\t", "\r"}

// arZones mixes UTC, odd fixed offsets and zones with DST or skipped days.
var arZones = func() []*time.Location {
	zs := []*time.Location{
		time.UTC,
		time.FixedZone("+14", 14*3600),
		time.FixedZone("-12", -12*3600),
		time.FixedZone("+05:45", 5*3600+45*60),
		time.FixedZone("-03:30", -(3*3600 + 30*60)),
		time.FixedZone("odd", 3600+7),
	}
	for _, n := range []string{"America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Europe/Dublin", "America/Santiago"} {
		l, err := time.LoadLocation(n)
		if err != nil {
			panic(err)
		}
		zs = append(zs, l)
	}
	return zs
}()

var (
	arPunct    = []string{",", "\"", "\r", "\n", "\r\n", "\"\"", ",\"", " ", "\n\r", "\"\r\n\""}
	arInvalid  = []string{"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\x80abc", "\xf4\x90\x80\x80"}
	arControls = []string{"\\", ";", ":", "\x00", "\x01", "\x1f", "\x7f", `\n`, "\t", "\u0085", "\u2028"}
	arLongUnit = []string{"ab", "é", "日本語", "\",", "🙂", "\r\n"}

	arUnicode = rapid.StringN(0, 8, -1)
	arASCII   = rapid.StringMatching(`[a-zA-Z0-9 .]{0,12}`)
	arCell    = arTextGen(false)
	arText    = arTextGen(true)
)

// arFragment draws one piece of a hostile string.
func arFragment(t *rapid.T, calendar bool) string {
	switch rapid.IntRange(0, 12).Draw(t, "frag") {
	case 0, 1, 2:
		return arUnicode.Draw(t, "unicode")
	case 3, 4:
		return rapid.SampledFrom(arPunct).Draw(t, "punct")
	case 5:
		return rapid.SampledFrom(arFormula).Draw(t, "formula")
	case 6:
		return strings.Repeat("'", rapid.IntRange(1, 3).Draw(t, "apostrophes"))
	case 7:
		return rapid.SampledFrom(arInvalid).Draw(t, "invalid")
	case 8:
		if calendar {
			return rapid.SampledFrom(arControls).Draw(t, "control")
		}
		return rapid.SampledFrom(arPunct).Draw(t, "punct")
	case 9:
		return strings.Repeat(rapid.SampledFrom(arLongUnit).Draw(t, "unit"), rapid.IntRange(50, 1500).Draw(t, "times"))
	default:
		return arASCII.Draw(t, "ascii")
	}
}

// arTextGen draws CSV cells (or calendar text): empty strings, formulas
// behind apostrophes, and mixes of unicode, CSV punctuation, line breaks,
// control characters and invalid UTF-8.
func arTextGen(calendar bool) *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		switch rapid.IntRange(0, 7).Draw(t, "shape") {
		case 0:
			return ""
		case 1, 2:
			return strings.Repeat("'", rapid.IntRange(0, 3).Draw(t, "apostrophes")) +
				rapid.SampledFrom(arFormula).Draw(t, "lead") + arFragment(t, calendar)
		}
		var b strings.Builder
		for range rapid.IntRange(1, 4).Draw(t, "frags") {
			b.WriteString(arFragment(t, calendar))
		}
		return b.String()
	})
}

// arTable is one CSV category of an export.
type arTable struct {
	Cat    export.Category
	Header []string
	Rows   [][]string
}

// arFile is one Drive document of an export.
type arFile struct {
	Name string
	Body []byte
}

// arExport is everything one archive is written from.
type arExport struct {
	Account  string
	At       time.Time
	Opt      export.Options
	Tables   []arTable
	HasCal   bool
	Events   []export.Event
	HasFiles bool
	Files    []arFile
	// Order is the order of the Write calls: a table index, or -1 for the
	// calendar and -2 for the documents.
	Order []int
}

// arN draws a length up to max, uniformly: rapid's own lengths lean to
// small ones.
func arN(t *rapid.T, label string, max int) int {
	return int(rapid.Uint64().Draw(t, label) % uint64(max+1))
}

// arTableGen draws a header of 1 to 6 cells and up to maxRows rows.
func arTableGen(maxRows int) *rapid.Generator[arTable] {
	return rapid.Custom(func(t *rapid.T) arTable {
		width := rapid.IntRange(1, 6).Draw(t, "width")
		row := rapid.SliceOfN(arCell, width, width)
		return arTable{
			Header: row.Draw(t, "header"),
			Rows:   rapid.SliceOfN(row, arN(t, "rows", maxRows), maxRows).Draw(t, "rows"),
		}
	})
}

// arTime draws an instant between lo and hi (Unix seconds), with a
// sub-second part half of the time, in a random zone.
func arTime(t *rapid.T, label string, lo, hi int64) time.Time {
	sec := rapid.Int64Range(lo, hi).Draw(t, label+"Sec")
	var ns int64
	if rapid.Bool().Draw(t, label+"Frac") {
		ns = rapid.Int64Range(0, 999_999_999).Draw(t, label+"Nanos")
	}
	return time.Unix(sec, ns).In(rapid.SampledFrom(arZones).Draw(t, label+"Zone"))
}

// arDate is t's calendar date in its own location, at midnight UTC.
func arDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// arEventGen draws valid events (End zero or after Start) with Start
// between lo and hi (Unix seconds).
func arEventGen(lo, hi int64) *rapid.Generator[export.Event] {
	return rapid.Custom(func(t *rapid.T) export.Event {
		var ev export.Event
		if rapid.IntRange(0, 2).Draw(t, "uid") > 0 {
			ev.UID = arText.Draw(t, "UID")
		}
		ev.Summary = arText.Draw(t, "Summary")
		ev.Description = arText.Draw(t, "Description")
		ev.Location = arText.Draw(t, "Location")
		ev.Start = arTime(t, "start", lo, hi)
		ev.AllDay = rapid.IntRange(0, 3).Draw(t, "allDay") == 0
		if !rapid.Bool().Draw(t, "hasEnd") {
			return ev
		}
		loc := rapid.SampledFrom(arZones).Draw(t, "endZone")
		if ev.AllDay {
			y, m, d := ev.Start.Date()
			ev.End = time.Date(y, m, d+rapid.IntRange(1, 40).Draw(t, "days"),
				rapid.IntRange(0, 23).Draw(t, "hour"), rapid.IntRange(0, 59).Draw(t, "min"), 0,
				rapid.IntRange(0, 999_999_999).Draw(t, "endNanos"), loc)
			if !arDate(ev.End).After(arDate(ev.Start)) {
				ev.End = time.Time{} // a DST gap moved the day back
			}
			return ev
		}
		d := rapid.Int64Range(int64(time.Second), int64(90*24*time.Hour)).Draw(t, "duration")
		ev.End = ev.Start.Add(time.Duration(d)).In(loc)
		return ev
	})
}

// arNames are hostile Drive names: climbing, absolute, Windows drive and
// device names, case twins, forbidden and control characters, trailing
// dots and spaces, elements over 255 bytes, a file that is also a folder,
// names that are twins only after Unicode NFC (a combining acute and a
// precomposed é), or after NFC and case folding, and long names of marks.
var arNames = []string{
	"e\u0301", "\u00e9", "E\u0301", "\u00c9", "cafe\u0301/notes.txt", "CAFE\u0301", "a\u0301\u0328", "a\u0328\u0301",
	"\u212b", "\u00e5", "q\u0301.txt", "Q\u0301.TXT", "<\u0338", "\u226e", "=\u0338",
	strings.Repeat("e\u0301", 100) + ".pdf", strings.Repeat("q\u0301", 95) + ".pdf", strings.Repeat("Q\u0301", 95) + ".PDF",
	"", ".", "..", "../../x", "/abs/path", `C:\dir\file.txt`, "a/b", "A/B", "a/B",
	"CON", "nul.txt", "Nul.TXT", "aux .txt", "PRN  ", "lpt1", "com9.tar.gz", "com0", "LPT\u00b9.txt", "Com\u00b3", "x", "x/y", "X/Y/z",
	"a.txt.", "a.txt ", "q3./r", "a?b", "a*b", "a|b",
	`a<b>c:d"e|f?g*h`, "tab\there", "nl\nname", "\x00\x1f\x7f", "trailing. . .",
	"trailing   ", " lead", "report.pdf", "REPORT.PDF", "report.pdf/inner",
	"ß", "ẞ", "İ", "i", "K", "k", "ς", "Σ", "σ", "a//b", `a\b`, "./a", "a/./b",
	"a/../b", "...", "....txt", "café/notes.txt", "CAFÉ/NOTES.TXT", "drive",
	"manifest.json", "crm/contacts.csv", "x (2)", "x (2)/y",
	strings.Repeat("é", 140), strings.Repeat("É", 140), strings.Repeat("é", 140) + ".txt",
	strings.Repeat("日", 90) + "/" + strings.Repeat("a", 300),
	strings.Repeat("ab", 127) + "." + strings.Repeat("é", 10),
	"CON" + strings.Repeat(" ", 300) + "x",
	strings.Repeat(".", 10) + strings.Repeat(" ", 300) + "x",
}

// arTwins is a small pool, so that one export often holds case twins,
// numbered names, a long name twice, and a file that is also a folder
// ("x", then "x/y"; "x/y", then "X").
var arTwins = []string{"x", "x/y", "X", "X/y/z", "x (2)", "x (2)/y", "a.txt", "A.TXT", "a (2).txt", strings.Repeat("é", 140) + ".txt",
	"\u00e9.txt", "e\u0301.txt", "E\u0301.TXT", "\u00e9 (2).txt", "e\u0301/x", strings.Repeat("e\u0301", 140) + ".txt"}

var arNameGen = rapid.Custom(func(t *rapid.T) string {
	switch rapid.IntRange(0, 4).Draw(t, "nameShape") {
	case 0:
		return arUnicode.Draw(t, "name")
	case 1:
		return rapid.SampledFrom(arTwins).Draw(t, "name")
	case 2:
		var b strings.Builder
		for i := range rapid.IntRange(1, 4).Draw(t, "parts") {
			if i > 0 {
				b.WriteString(rapid.SampledFrom([]string{"/", `\`, "", "/../", "//"}).Draw(t, "sep"))
			}
			b.WriteString(rapid.SampledFrom(arNames).Draw(t, "part"))
		}
		return b.String()
	}
	return rapid.SampledFrom(arNames).Draw(t, "name")
})

// arFileGen draws a document with a hostile name and a body of up to
// maxBody bytes (a few hundred, most of the time).
func arFileGen(maxBody int) *rapid.Generator[arFile] {
	return rapid.Custom(func(t *rapid.T) arFile {
		name := arNameGen.Draw(t, "name")
		if rapid.IntRange(0, 9).Draw(t, "badUTF8") == 0 {
			name += rapid.SampledFrom(arInvalid).Draw(t, "invalid")
		}
		max := min(300, maxBody)
		if rapid.IntRange(0, 7).Draw(t, "big") == 0 {
			max = maxBody
		}
		body := make([]byte, rapid.IntRange(0, max).Draw(t, "size"))
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 7))
		if rapid.Bool().Draw(t, "compressible") {
			for i := range body {
				body[i] = "abc\r\n"[r.IntN(5)]
			}
		} else {
			for i := range body {
				body[i] = byte(r.Uint32())
			}
		}
		return arFile{Name: name, Body: body}
	})
}

// arExportGen draws an export: up to four CSV tables of up to maxRows
// rows, maybe a calendar, maybe documents of up to maxBody bytes, random
// options, a time from 1980 to 2107 in any zone, and a random order of
// the Write calls.
func arExportGen(maxRows, maxBody int) *rapid.Generator[arExport] {
	return rapid.Custom(func(t *rapid.T) arExport {
		lo := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		hi := time.Date(2107, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
		ex := arExport{
			Account: rapid.StringMatching(`[a-z][a-z0-9-]{0,11}`).Draw(t, "account"),
			At:      arTime(t, "at", lo, hi),
			Opt: export.Options{
				Store: rapid.Bool().Draw(t, "store"),
				Level: rapid.IntRange(0, 9).Draw(t, "level"),
			},
		}
		for _, c := range rapid.Permutation(arCSV).Draw(t, "categories") {
			if !rapid.Bool().Draw(t, "hasTable") {
				continue
			}
			tb := arTableGen(maxRows).Draw(t, "table")
			tb.Cat = c
			ex.Tables = append(ex.Tables, tb)
		}
		evLo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		evHi := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		if ex.HasCal = rapid.Bool().Draw(t, "hasCalendar"); ex.HasCal {
			ex.Events = rapid.SliceOfN(arEventGen(evLo, evHi), arN(t, "events", 10), 10).Draw(t, "events")
		}
		if ex.HasFiles = rapid.Bool().Draw(t, "hasFiles"); ex.HasFiles {
			ex.Files = rapid.SliceOfN(arFileGen(maxBody), arN(t, "files", 10), 10).Draw(t, "files")
		}
		var order []int
		for i := range ex.Tables {
			order = append(order, i)
		}
		if ex.HasCal {
			order = append(order, -1)
		}
		if ex.HasFiles {
			order = append(order, -2)
		}
		ex.Order = rapid.Permutation(order).Draw(t, "order")
		return ex
	})
}

// arSeq yields xs, stopping when asked to.
func arSeq[E any](xs []E) iter.Seq2[E, error] {
	return func(yield func(E, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// arFiles yields ex's documents with the bodies body makes.
func arFiles(files []arFile, body func(i int, b []byte) io.Reader) iter.Seq2[export.File, error] {
	return func(yield func(export.File, error) bool) {
		for i, f := range files {
			if !yield(export.File{Name: f.Name, Body: body(i, f.Body)}, nil) {
				return
			}
		}
	}
}

func arPlainBody(_ int, b []byte) io.Reader { return bytes.NewReader(b) }

// arWrite writes ex to dst in ex.Order and closes the writer.
func arWrite(ex arExport, dst io.Writer, body func(int, []byte) io.Reader) (export.Manifest, error) {
	w, err := export.NewWriter(dst, tenancy.AccountID(ex.Account), ex.At, ex.Opt)
	if err != nil {
		return export.Manifest{}, err
	}
	for _, o := range ex.Order {
		switch o {
		case -1:
			err = w.WriteCalendar(arSeq(ex.Events))
		case -2:
			err = w.WriteFiles(arFiles(ex.Files, body))
		default:
			tb := ex.Tables[o]
			err = w.WriteTable(tb.Cat, tb.Header, arSeq(tb.Rows))
		}
		if err != nil {
			return export.Manifest{}, err
		}
	}
	return w.Close()
}

// arArchive writes ex and fails t when writing fails.
func arArchive(t *rapid.T, ex arExport) ([]byte, export.Manifest) {
	var buf bytes.Buffer
	man, err := arWrite(ex, &buf, arPlainBody)
	if err != nil {
		t.Fatalf("writing: %v", err)
	}
	return buf.Bytes(), man
}

func arVerify(data []byte) (export.Report, error) {
	return export.Verify(bytes.NewReader(data), int64(len(data)))
}

// arRisky is the default neutralisation rule (NeutraliseFormulas), stated
// independently in csvpolicy_test.go.
func arRisky(cell string) bool { return cpRisky(cell, export.NeutraliseFormulas) }

// arNeedsRepair reports whether iCalendar TEXT cannot hold s as it is:
// invalid UTF-8, or a control character other than tab, CR and LF.
func arNeedsRepair(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f {
			return true
		}
	}
	return false
}

// arWantEvent is ev as ReadCalendar gives it back.
func arWantEvent(ev export.Event) export.Event {
	want := export.Event{
		UID:         export.NormalizeText(ev.UID),
		Summary:     export.NormalizeText(ev.Summary),
		Description: export.NormalizeText(ev.Description),
		Location:    export.NormalizeText(ev.Location),
		AllDay:      ev.AllDay,
	}
	at := func(x time.Time) time.Time {
		if x.IsZero() {
			return time.Time{}
		}
		if ev.AllDay {
			return arDate(x)
		}
		return x.UTC().Truncate(time.Second)
	}
	want.Start, want.End = at(ev.Start), at(ev.End)
	return want
}

// arJSON is s as it comes back from JSON: invalid UTF-8 becomes U+FFFD.
var arDevices = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true}

func init() {
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "\u00b9", "\u00b2", "\u00b3"} {
		arDevices["COM"+d] = true
		arDevices["LPT"+d] = true
	}
}

// arUnsafe says why a document's archive path breaks the safety rules,
// or "" when it keeps them: under drive/, relative, no empty "." or ".."
// element, no backslash, colon, control character or other character
// Windows forbids, no element over 255 bytes or ending in a dot or space,
// no device name.
func arUnsafe(p string) string {
	switch {
	case !strings.HasPrefix(p, "drive/"):
		return "not under drive/"
	case !utf8.ValidString(p):
		return "not UTF-8"
	case strings.ContainsAny(p, "\\:<>\"|?*"):
		return "a backslash, colon or character Windows forbids"
	case strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "a control character"
	}
	for _, e := range strings.Split(p, "/") {
		base, _, _ := strings.Cut(strings.ToUpper(e), ".")
		switch {
		case e == "" || e == "." || e == "..":
			return fmt.Sprintf("element %q", e)
		case len(e) > 255:
			return fmt.Sprintf("an element of %d bytes", len(e))
		case strings.HasSuffix(e, ".") || strings.HasSuffix(e, " "):
			return fmt.Sprintf("element %q ends in a dot or space", e)
		case arDevices[strings.TrimRight(base, " ")]:
			return fmt.Sprintf("element %q is a device name", e)
		}
	}
	return ""
}

// arCollision finds two document paths that are the same after Unicode
// NFC and case folding (EXP-03: bsdtar and macOS would write one over the
// other), or a file that is also the folder of another. It compares the
// canonical decompositions with strings.EqualFold, which is the same
// after NFC.
func arCollision(paths []string) string {
	for i, p := range paths {
		p := norm.NFD.String(p)
		for j, q := range paths {
			if i == j {
				continue
			}
			q := norm.NFD.String(q)
			if i < j && strings.EqualFold(p, q) {
				return fmt.Sprintf("%+q and %+q are the same after NFC and case folding", p, q)
			}
			elems := strings.Split(q, "/")
			for k := 1; k < len(elems); k++ {
				if strings.EqualFold(strings.Join(elems[:k], "/"), p) {
					return fmt.Sprintf("file %q is a folder of %q", p, q)
				}
			}
		}
	}
	return ""
}

func arOpen(t *rapid.T, data []byte) (*zip.Reader, map[string]*zip.File) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("archive/zip cannot open the archive: %v", err)
	}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		byName[f.Name] = f
	}
	return zr, byName
}

func arRead(t *rapid.T, f *zip.File) []byte {
	if f == nil {
		t.Fatalf("entry missing")
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return b
}

// TestArRoundTrip: an archive written from any sources, however hostile,
// verifies completely against its manifest, and reads back exactly what
// the sources gave (EXP-03, EXP-01): CSV cells as given (invalid UTF-8 as
// U+FFFD), with Records, Neutralised and Repaired counted right; events
// normalised to UTC seconds or dates; Drive documents byte for byte at
// safe paths in NFC under drive/, unique after NFC and case folding, with
// the original name in the manifest whenever the path differs from it.
func TestArRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ex := arExportGen(30, 70_000).Draw(t, "export")
		data, man := arArchive(t, ex)

		// EXP-03: the archive verifies; every manifest file is verified.
		rep, err := arVerify(data)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if rep.Verified != len(man.Files) {
			t.Fatalf("Verified = %d, the manifest lists %d files", rep.Verified, len(man.Files))
		}
		wantFiles := len(ex.Tables) + len(ex.Files)
		if ex.HasCal {
			wantFiles++
		}
		if len(man.Files) != wantFiles {
			t.Fatalf("the manifest lists %d files, want %d", len(man.Files), wantFiles)
		}
		if diff := cmp.Diff(man, rep.Manifest); diff != "" {
			t.Fatalf("the archive's manifest differs from Close's (-close +archive):\n%s", diff)
		}
		if !man.At.Equal(ex.At) || man.Account != tenancy.AccountID(ex.Account) {
			t.Fatalf("manifest account %q at %v, want %q at %v", man.Account, man.At, ex.Account, ex.At)
		}
		zr, byName := arOpen(t, data)
		if n := len(zr.File); n != len(man.Files)+1 || zr.File[n-1].Name != export.ManifestPath {
			t.Fatalf("%d entries, the last %q; want %d, the last %s", n, zr.File[n-1].Name, len(man.Files)+1, export.ManifestPath)
		}

		// EXP-01: CSV tables.
		for _, tb := range ex.Tables {
			fe, ok := man.File(tb.Cat.Path())
			if !ok {
				t.Fatalf("%s is not in the manifest", tb.Cat.Path())
			}
			var neutralised, repaired int64
			want := [][]string{}
			for _, row := range append([][]string{tb.Header}, tb.Rows...) {
				fixed := make([]string, len(row))
				for i, c := range row {
					if !utf8.ValidString(c) {
						repaired++
					}
					fixed[i] = strings.ToValidUTF8(c, "\uFFFD")
					if arRisky(fixed[i]) {
						neutralised++
					}
				}
				want = append(want, fixed)
			}
			gotCounts := [4]any{fe.Category, fe.Records, fe.Neutralised, fe.Repaired}
			wantCounts := [4]any{tb.Cat, int64(len(tb.Rows)), neutralised, repaired}
			if gotCounts != wantCounts {
				t.Fatalf("%s: category, records, neutralised, repaired = %v, want %v", fe.Path, gotCounts, wantCounts)
			}
			got := [][]string{}
			for row, err := range export.ReadTable(bytes.NewReader(arRead(t, byName[fe.Path]))) {
				if err != nil {
					t.Fatalf("ReadTable %s: %v", fe.Path, err)
				}
				got = append(got, row)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("ReadTable %s (-want +got):\n%s", fe.Path, diff)
			}
		}

		// EXP-01: the calendar.
		if ex.HasCal {
			fe, ok := man.File(export.Events.Path())
			if !ok {
				t.Fatalf("%s is not in the manifest", export.Events.Path())
			}
			var repaired int64
			for _, ev := range ex.Events {
				for _, s := range []string{ev.UID, ev.Summary, ev.Description, ev.Location} {
					if arNeedsRepair(s) {
						repaired++
					}
				}
			}
			if fe.Records != int64(len(ex.Events)) || fe.Repaired != repaired {
				t.Fatalf("%s: records %d, repaired %d; want %d, %d", fe.Path, fe.Records, fe.Repaired, len(ex.Events), repaired)
			}
			var got []export.Event
			for ev, err := range export.ReadCalendar(bytes.NewReader(arRead(t, byName[fe.Path]))) {
				if err != nil {
					t.Fatalf("ReadCalendar: %v", err)
				}
				got = append(got, ev)
			}
			if len(got) != len(ex.Events) {
				t.Fatalf("ReadCalendar gave %d events, want %d", len(got), len(ex.Events))
			}
			var want []export.Event
			for i, ev := range ex.Events {
				w := arWantEvent(ev)
				if ev.UID == "" {
					if got[i].UID == "" {
						t.Fatalf("event %d: no UID was generated", i)
					}
					w.UID = got[i].UID
				}
				want = append(want, w)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("ReadCalendar (-want +got):\n%s", diff)
			}
		}

		// EXP-01: Drive documents.
		var docs []export.FileEntry
		for _, fe := range man.Files {
			if fe.Category == export.Documents {
				docs = append(docs, fe)
			}
		}
		if len(docs) != len(ex.Files) {
			t.Fatalf("%d documents in the manifest, want %d", len(docs), len(ex.Files))
		}
		var paths []string
		for i, fe := range docs {
			src := ex.Files[i]
			if why := arUnsafe(fe.Path); why != "" {
				t.Fatalf("document %q got the unsafe path %q: %s", src.Name, fe.Path, why)
			}
			if !norm.NFC.IsNormalString(fe.Path) {
				t.Fatalf("document %+q got the path %+q, not in NFC", src.Name, fe.Path)
			}
			wantOriginal := ""
			if fe.Path != "drive/"+src.Name {
				wantOriginal = strings.ToValidUTF8(src.Name, "\uFFFD")
			}
			if fe.Original != wantOriginal || fe.Unnamed != (src.Name == "") || fe.Records != 1 {
				t.Fatalf("document %q at %q: original %q, unnamed %v, records %d; want %q, %v, 1", src.Name, fe.Path, fe.Original, fe.Unnamed, fe.Records, wantOriginal, src.Name == "")
			}
			if got := arRead(t, byName[fe.Path]); !bytes.Equal(got, src.Body) {
				t.Fatalf("document %q at %q: %d bytes back, %d given, or different", src.Name, fe.Path, len(got), len(src.Body))
			}
			paths = append(paths, fe.Path)
		}
		if why := arCollision(paths); why != "" {
			t.Fatalf("document paths collide: %s", why)
		}
	})
}

// arSmallExportGen is arExportGen with smaller sizes, for the properties
// that check damaged or unfinished archives.
var arSmallExportGen = arExportGen(5, 2000)

// TestArAnyByteChangeIsDetected: changing any one byte of an archive, to
// any other value, makes Verify fail with ErrUnverified (EXP-03).
func TestArAnyByteChangeIsDetected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		data, _ := arArchive(t, arSmallExportGen.Draw(t, "export"))
		i := rapid.IntRange(0, len(data)-1).Draw(t, "index")
		data[i] ^= rapid.ByteRange(1, 255).Draw(t, "xor")
		if _, err := arVerify(data); !errors.Is(err, export.ErrUnverified) {
			t.Fatalf("byte %d of %d changed, Verify: %v", i, len(data), err)
		}
	})
}

func arHas(rep export.Report, kind export.ProblemKind, path string) bool {
	for _, p := range rep.Problems {
		if p.Kind == kind && p.Path == path {
			return true
		}
	}
	return false
}

// TestArDroppedFileIsDetected: an archive rebuilt without any one of its
// entries fails verification (EXP-03), naming the missing data file, or
// reporting no manifest when manifest.json is the one dropped; and an
// archive cut short at any length fails too.
func TestArDroppedFileIsDetected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		data, _ := arArchive(t, arSmallExportGen.Draw(t, "export"))
		zr, _ := arOpen(t, data)
		drop := rapid.IntRange(0, len(zr.File)-1).Draw(t, "drop")
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i, f := range zr.File {
			if i == drop {
				continue
			}
			if err := zw.Copy(f); err != nil {
				t.Fatalf("copy %s: %v", f.Name, err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		name := zr.File[drop].Name
		rep, err := arVerify(buf.Bytes())
		if !errors.Is(err, export.ErrUnverified) {
			t.Fatalf("%s dropped, Verify: %v", name, err)
		}
		kind := export.ProblemMissing
		if name == export.ManifestPath {
			kind = export.ProblemNoManifest
		}
		if !arHas(rep, kind, name) {
			t.Fatalf("%s dropped: no %v problem for it in %v", name, kind, rep.Problems)
		}

		cut := rapid.IntRange(0, len(data)-1).Draw(t, "cut")
		if _, err := arVerify(data[:cut]); !errors.Is(err, export.ErrUnverified) {
			t.Fatalf("cut to %d of %d bytes, Verify: %v", cut, len(data), err)
		}
	})
}

// arFailReader gives its data up to k bytes, then fails.
type arFailReader struct {
	data     []byte
	k        int
	together bool // the last bytes come with the error
	err      error
}

func (r *arFailReader) Read(p []byte) (int, error) {
	if r.k == 0 {
		return 0, r.err
	}
	n := copy(p[:min(len(p), r.k)], r.data)
	r.data, r.k = r.data[n:], r.k-n
	if r.k == 0 && r.together {
		return n, r.err
	}
	return n, nil
}

// arFailing yields xs[:k], then the error.
func arFailing[E any](xs []E, k int, err error) iter.Seq2[E, error] {
	return func(yield func(E, error) bool) {
		for _, x := range xs[:k] {
			if !yield(x, nil) {
				return
			}
		}
		var zero E
		yield(zero, err)
	}
}

// TestArSourceFailure: a source that fails mid-stream, whether rows,
// events, documents or a document's body, fails the Write call with an
// error matching ErrSource and the source's own error; every later call
// and Close return it again, and the bytes written so far never verify
// (EXP-03).
func TestArSourceFailure(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ex := arSmallExportGen.Draw(t, "export")
		kind := rapid.SampledFrom([]string{"rows", "events", "files", "body"}).Draw(t, "failing")
		boom := fmt.Errorf("ar source %s: %w", kind, errArBoom)
		var buf bytes.Buffer
		w, err := export.NewWriter(&buf, tenancy.AccountID(ex.Account), ex.At, ex.Opt)
		if err != nil {
			t.Fatal(err)
		}
		failCat := rapid.SampledFrom(arCSV).Draw(t, "failCategory")
		// Some healthy sections first.
		for _, o := range ex.Order {
			if !rapid.Bool().Draw(t, "before") {
				continue
			}
			switch {
			case o == -1 && kind != "events":
				err = w.WriteCalendar(arSeq(ex.Events))
			case o == -2 && kind != "files" && kind != "body":
				err = w.WriteFiles(arFiles(ex.Files, arPlainBody))
			case o >= 0 && !(kind == "rows" && ex.Tables[o].Cat == failCat):
				err = w.WriteTable(ex.Tables[o].Cat, ex.Tables[o].Header, arSeq(ex.Tables[o].Rows))
			}
			if err != nil {
				t.Fatalf("healthy section %d: %v", o, err)
			}
		}

		switch kind {
		case "rows":
			tb := arTableGen(5).Draw(t, "failingTable")
			k := rapid.IntRange(0, len(tb.Rows)).Draw(t, "k")
			err = w.WriteTable(failCat, tb.Header, arFailing(tb.Rows, k, boom))
		case "events":
			evs := rapid.SliceOfN(arEventGen(0, 4e9), 0, 5).Draw(t, "failingEvents")
			err = w.WriteCalendar(arFailing(evs, rapid.IntRange(0, len(evs)).Draw(t, "k"), boom))
		case "files":
			fs := rapid.SliceOfN(arFileGen(2000), 0, 4).Draw(t, "failingFiles")
			err = w.WriteFiles(arFailing(arFilesOf(fs), rapid.IntRange(0, len(fs)).Draw(t, "k"), boom))
		case "body":
			fs := rapid.SliceOfN(arFileGen(2000), 1, 4).Draw(t, "failingFiles")
			files := arFilesOf(fs)
			last := fs[len(fs)-1].Body
			files[len(files)-1].Body = &arFailReader{
				data:     last,
				k:        rapid.IntRange(0, len(last)).Draw(t, "k"),
				together: rapid.Bool().Draw(t, "together"),
				err:      boom,
			}
			err = w.WriteFiles(arSeq(files))
		}
		arIsSourceErr(t, "the failing write", err)
		for _, c := range arCSV {
			arIsSourceErr(t, "a later WriteTable", w.WriteTable(c, []string{"h"}, arSeq([][]string{{"v"}})))
		}
		arIsSourceErr(t, "a later WriteCalendar", w.WriteCalendar(arSeq([]export.Event{})))
		arIsSourceErr(t, "a later WriteFiles", w.WriteFiles(arSeq([]export.File{})))
		_, err = w.Close()
		arIsSourceErr(t, "Close", err)
		_, err = w.Close()
		arIsSourceErr(t, "a second Close", err)
		if _, err := arVerify(buf.Bytes()); !errors.Is(err, export.ErrUnverified) {
			t.Fatalf("the unfinished archive (%d bytes), Verify: %v", buf.Len(), err)
		}
	})
}

func arFilesOf(fs []arFile) []export.File {
	out := make([]export.File, len(fs))
	for i, f := range fs {
		out[i] = export.File{Name: f.Name, Body: bytes.NewReader(f.Body)}
	}
	return out
}

func arIsSourceErr(t *rapid.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, export.ErrSource) || !errors.Is(err, errArBoom) {
		t.Fatalf("%s: %v; want an error matching ErrSource and the source's error", what, err)
	}
}

// arSpy is a document body that records how it is used: only Read may be
// called, up to one io.EOF and never after it. Every other method a
// writer could find by type assertion is recorded as misuse.
type arSpy struct {
	data          []byte
	pos           int
	chunk         int
	eofWithData   bool
	eofs          int
	readsAfterEOF int
	misuse        []string
}

func (s *arSpy) Read(p []byte) (int, error) {
	if s.eofs > 0 {
		s.readsAfterEOF++
	}
	if s.pos >= len(s.data) {
		s.eofs++
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), s.chunk)], s.data[s.pos:])
	s.pos += n
	if s.eofWithData && s.pos == len(s.data) {
		s.eofs++
		return n, io.EOF
	}
	return n, nil
}

func (s *arSpy) Write(p []byte) (int, error) {
	s.misuse = append(s.misuse, "Write")
	return 0, errors.New("ar: read-only")
}

func (s *arSpy) WriteTo(w io.Writer) (int64, error) {
	s.misuse = append(s.misuse, "WriteTo")
	return 0, errors.New("ar: read-only")
}

func (s *arSpy) ReadAt(p []byte, off int64) (int, error) {
	s.misuse = append(s.misuse, "ReadAt")
	return 0, errors.New("ar: read-only")
}

func (s *arSpy) Seek(off int64, whence int) (int64, error) {
	s.misuse = append(s.misuse, "Seek")
	return 0, errors.New("ar: read-only")
}

func (s *arSpy) Close() error {
	s.misuse = append(s.misuse, "Close")
	return errors.New("ar: read-only")
}

func (s *arSpy) Truncate(int64) error {
	s.misuse = append(s.misuse, "Truncate")
	return errors.New("ar: read-only")
}

// TestArSourcesAreOnlyRead: writing an archive changes none of its
// sources (EXP-04): the header and row slices and the events are the same
// after Close as before, and every document body is only Read, each to
// its one io.EOF before the next document is asked for, never beyond.
func TestArSourcesAreOnlyRead(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ex := arSmallExportGen.Draw(t, "export")
		before := arDeepCopy(ex)
		spies := make([]*arSpy, len(ex.Files))
		for i, f := range ex.Files {
			spies[i] = &arSpy{
				data:        f.Body,
				chunk:       rapid.IntRange(1, len(f.Body)+1).Draw(t, "chunk"),
				eofWithData: rapid.Bool().Draw(t, "eofWithData"),
			}
		}
		asked := -1
		body := func(i int, _ []byte) io.Reader {
			// The source is asked for document i: every earlier body must
			// have been read to its end.
			if i > 0 && spies[i-1].eofs == 0 {
				t.Fatalf("document %d was asked for before body %d was read to its end", i, i-1)
			}
			asked = i
			return spies[i]
		}
		var buf bytes.Buffer
		if _, err := arWrite(ex, &buf, body); err != nil {
			t.Fatalf("writing: %v", err)
		}
		if asked != len(ex.Files)-1 {
			t.Fatalf("%d of %d documents were asked for", asked+1, len(ex.Files))
		}
		if diff := cmp.Diff(before, ex); diff != "" {
			t.Fatalf("the sources changed (-before +after):\n%s", diff)
		}
		for i, s := range spies {
			if len(s.misuse) > 0 || s.eofs != 1 || s.readsAfterEOF != 0 || s.pos != len(s.data) {
				t.Fatalf("body %d: misuse %v, %d EOFs, %d reads after EOF, %d of %d bytes read; want only Read, to one EOF",
					i, s.misuse, s.eofs, s.readsAfterEOF, s.pos, len(s.data))
			}
		}
		if _, err := arVerify(buf.Bytes()); err != nil {
			t.Fatalf("Verify: %v", err)
		}
	})
}

// arDeepCopy copies every slice of ex, so that a change made through the
// writer to ex's rows, header, events or bodies would show.
func arDeepCopy(ex arExport) arExport {
	out := ex
	out.Tables = nil
	for _, tb := range ex.Tables {
		c := arTable{Cat: tb.Cat, Header: append([]string(nil), tb.Header...)}
		for _, r := range tb.Rows {
			c.Rows = append(c.Rows, append([]string(nil), r...))
		}
		if tb.Rows != nil && c.Rows == nil {
			c.Rows = [][]string{}
		}
		out.Tables = append(out.Tables, c)
	}
	out.Events = append([]export.Event(nil), ex.Events...)
	if ex.Events != nil && out.Events == nil {
		out.Events = []export.Event{}
	}
	out.Files = nil
	for _, f := range ex.Files {
		out.Files = append(out.Files, arFile{Name: f.Name, Body: bytes.Clone(f.Body)})
	}
	if ex.Files != nil && out.Files == nil {
		out.Files = []arFile{}
	}
	out.Order = append([]int(nil), ex.Order...)
	return out
}

// arWritable reports whether every date or time of ev can be written and
// read back: as written (in UTC to the second for a time, the date in its
// own location for an all-day date) it has a year from 1 to 9999 and is
// not the zero time, which stands for "no time" (a zero Start is none).
func arWritable(ev export.Event) bool {
	want := arWantEvent(ev)
	ok := func(x time.Time) bool {
		return !x.IsZero() && x.Year() >= 1 && x.Year() <= 9999
	}
	return !ev.Start.IsZero() && ok(want.Start) && (ev.End.IsZero() || ok(want.End))
}

// TestArEventsAtTheEdgesOfTime: an event near the years 1 and 9999, in
// any zone, is either refused as invalid, when a year it would be written
// with falls outside 1 to 9999, or written into an archive that verifies
// and reads back as it was given (EXP-01, EXP-03). Writing never yields
// an archive that fails its own verification.
func TestArEventsAtTheEdgesOfTime(t *testing.T) {
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	last := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	const days = 3 * 24 * 3600
	rapid.Check(t, func(t *rapid.T) {
		lo, hi := first, first+days
		if rapid.Bool().Draw(t, "late") {
			lo, hi = last-days, last
		}
		ev := arEventGen(lo, hi).Draw(t, "event")
		var buf bytes.Buffer
		w, err := export.NewWriter(&buf, "acme", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), export.Options{Store: true})
		if err != nil {
			t.Fatal(err)
		}
		err = w.WriteCalendar(arSeq([]export.Event{ev}))
		if !arWritable(ev) {
			if !errors.Is(err, tenancy.ErrInvalid) {
				t.Fatalf("an event whose year cannot be written (start %v, end %v, all-day %v): %v; want it refused", ev.Start, ev.End, ev.AllDay, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("WriteCalendar: %v", err)
		}
		if _, err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := arVerify(buf.Bytes()); err != nil {
			t.Fatalf("start %v, end %v, all-day %v: Verify: %v", ev.Start, ev.End, ev.AllDay, err)
		}
		_, byName := arOpen(t, buf.Bytes())
		var got []export.Event
		for e, err := range export.ReadCalendar(bytes.NewReader(arRead(t, byName[export.Events.Path()]))) {
			if err != nil {
				t.Fatalf("ReadCalendar: %v", err)
			}
			got = append(got, e)
		}
		want := arWantEvent(ev)
		if ev.UID == "" && len(got) == 1 {
			want.UID = got[0].UID
		}
		if diff := cmp.Diff([]export.Event{want}, got); diff != "" {
			t.Fatalf("ReadCalendar (-want +got):\n%s", diff)
		}
	})
}
