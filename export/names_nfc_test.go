package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// nfcWrite writes the documents names, each holding its own name, and
// returns the archive and its manifest; the archive must verify.
func nfcWrite(t *testing.T, names ...string) ([]byte, Manifest) {
	t.Helper()
	var files []File
	for _, n := range names {
		files = append(files, File{Name: n, Body: strings.NewReader(n)})
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "acme", boundAt, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFiles(seqOf(files...)); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if rep, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil || rep.Verified != len(names) {
		t.Fatalf("Verify: %v (%d of %d verified)", err, rep.Verified, len(names))
	}
	return data, m
}

// TestFold_EXP03_NFCAndCase: two names get one key exactly when they are
// the same after Unicode NFC and case folding (EXP-03), as macOS compares
// them: a combining acute and a precomposed é are one name, in either
// case; canonical order of marks does not matter; compatibility forms
// (the ﬁ ligature) and different letters stay apart.
func TestFold_EXP03_NFCAndCase(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"e\u0301", "\u00e9", true},                // combining vs precomposed
		{"\u00c9", "e\u0301", true},                // É precomposed vs é decomposed: case and NFC together
		{"E\u0301", "\u00e9", true},                // É decomposed vs é precomposed
		{"caf\u00e9.TXT", "CAFE\u0301.txt", true},  // in a longer name
		{"a\u0301\u0328", "a\u0328\u0301", true},   // marks in either order (canonical reordering)
		{"\u212b", "\u00e5", true},                 // ANGSTROM SIGN is Å
		{"\u212a", "k", true},                      // KELVIN SIGN is K
		{"\u03a3", "\u03c2", true},                 // final sigma
		{"e", "\u00e9", false},                     // a mark makes a different name
		{"e\u0301", "e\u0300", false},              // acute is not grave
		{"\ufb01", "fi", false},                    // a compatibility form only: not canonical
		{"a\u0301\u0301", "\u00e1", false},         // two acutes are not one
		{"scan.pdf", "SCAN.PDF", true},             // ASCII
		{"scan.pdf", "scan.pdf ", false},           // ASCII
		{"q\u0301", "Q\u0301", true},               // a mark no letter composes with
		{"\u00e9/\u00e9", "E\u0301/e\u0301", true}, // a path
	} {
		if got := fold(c.a) == fold(c.b); got != c.same {
			t.Errorf("fold(%+q) = %+q, fold(%+q) = %+q: same %v, want %v", c.a, fold(c.a), c.b, fold(c.b), got, c.same)
		}
		for _, s := range []string{c.a, c.b} {
			if k := fold(s); fold(k) != k || !norm.NFC.IsNormalString(k) {
				t.Errorf("fold(%+q) = %+q is not a fixed point in NFC", s, k)
			}
		}
	}
}

// TestWriteFiles_EXP03_NFCTwinsNumbered: documents whose names are the
// same only after NFC, or after NFC and case folding, get numbers, as
// twins ignoring case do (EXP-03), so that bsdtar and macOS extract every
// one; every path is written in NFC, and the manifest keeps the original
// of every document whose path differs from its name, NFD ones included.
func TestWriteFiles_EXP03_NFCTwinsNumbered(t *testing.T) {
	names := []string{"e\u0301.txt", "\u00e9.txt", "\u00c9.TXT", "E\u0301.txt", "cafe\u0301/a.txt", "caf\u00e9/a.txt", "CAF\u00c9", "e.txt"}
	want := []string{"drive/\u00e9.txt", "drive/\u00e9 (2).txt", "drive/\u00c9 (3).TXT", "drive/\u00c9 (4).txt",
		"drive/caf\u00e9/a.txt", "drive/caf\u00e9/a (2).txt", "drive/CAF\u00c9 (2)", "drive/e.txt"}
	_, m := nfcWrite(t, names...)
	for i, fe := range m.Files {
		if fe.Path != want[i] {
			t.Errorf("%+q: path %+q, want %+q", names[i], fe.Path, want[i])
		}
		if !norm.NFC.IsNormalString(fe.Path) {
			t.Errorf("%+q: path %+q is not in NFC", names[i], fe.Path)
		}
		wantOriginal := names[i]
		if fe.Path == "drive/"+names[i] {
			wantOriginal = ""
		}
		if fe.Original != wantOriginal {
			t.Errorf("%+q at %+q: original %+q, want %+q", names[i], fe.Path, fe.Original, wantOriginal)
		}
	}
}

// TestVerify_EXP03_NFCTwinsUnsafe: an archive holding two entries one
// file system takes for one after NFC and case folding fails Verify with
// ProblemUnsafe, and a manifest listing both is malformed (EXP-03); an
// entry in NFD alone, as older writers wrote, still verifies and decodes.
func TestVerify_EXP03_NFCTwinsUnsafe(t *testing.T) {
	for _, twins := range [][2]string{
		{"drive/e\u0301.txt", "drive/\u00e9.txt"},
		{"drive/\u00c9.txt", "drive/e\u0301.txt"},
		{"drive/cafe\u0301/a.txt", "drive/CAF\u00c9/A.TXT/c"}, // a file is the other's folder
	} {
		data := buildArchive(t, []rawEntry{{name: twins[0], content: strings.NewReader("a")}, {name: twins[1], content: strings.NewReader("b")}},
			boundManifest(FileEntry{Category: Documents, Records: 1}, FileEntry{Category: Documents, Records: 1}), false)
		rep, err := Verify(bytes.NewReader(data), int64(len(data)))
		if !errors.Is(err, ErrUnverified) || !hasProblem(rep, ProblemUnsafe, twins[1], "ignores case") {
			t.Errorf("%+q beside %+q: %v, problems %v; want ProblemUnsafe at the second", twins[1], twins[0], err, rep.Problems)
		}
		if _, err := DecodeManifest(lieEncode(t, lieFile(twins[0]), lieFile(twins[1]))); !errors.Is(err, ErrMalformed) {
			t.Errorf("a manifest of %+q and %+q: %v, want ErrMalformed", twins[0], twins[1], err)
		}
	}
	for _, p := range []string{"drive/e\u0301.txt", "drive/cafe\u0301/a.txt"} {
		data := buildArchive(t, []rawEntry{{name: p, content: strings.NewReader("a")}}, boundManifest(FileEntry{Category: Documents, Records: 1}), false)
		if rep, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil || rep.Verified != 1 {
			t.Errorf("the NFD path %+q alone: %v, %d verified", p, err, rep.Verified)
		}
	}
	if _, err := DecodeManifest(lieEncode(t, lieFile("drive/e.txt"), lieFile("drive/\u00e9.txt"), lieFile("drive/e\u0300.txt"))); err != nil {
		t.Errorf("e, é and è are three names: %v", err)
	}
}

// TestCleanPath_EXP03_CutNamesKeepExtension: a name too long for a file
// system (255 bytes an element) is cut in its stem, after NFC and at a
// character boundary that leaves every letter its marks, and keeps its
// extension (EXP-03); a tail too long, or with a space, is no extension,
// and the whole is cut.
func TestCleanPath_EXP03_CutNamesKeepExtension(t *testing.T) {
	r := strings.Repeat
	for _, c := range []struct{ name, want string }{
		{r("a", 281) + ".pdf", r("a", 251) + ".pdf"},                     // 285 bytes
		{r("\u00e9", 140) + ".pdf", r("\u00e9", 125) + ".pdf"},           // 284 bytes of two-byte letters: 254
		{r("e\u0301", 95) + ".pdf", r("\u00e9", 95) + ".pdf"},            // 289 bytes in NFD, 194 in NFC: no cut
		{r("q\u0301", 95) + ".pdf", r("q\u0301", 83) + ".pdf"},           // 289 bytes; q keeps its acute: 253
		{r("\u65e5", 94) + ".docx", r("\u65e5", 83) + ".docx"},           // 287 bytes of three-byte letters: 254
		{r("\U0001f642", 70) + ".pdf", r("\U0001f642", 62) + ".pdf"},     // 284 bytes of emoji: 252
		{"dir/" + r("b", 281) + ".tar.gz", "dir/" + r("b", 252) + ".gz"}, // in a folder; only the last extension counts
		{r("a", 200) + "." + r("b", 84), r("a", 200) + "." + r("b", 54)}, // an 85-byte tail is no extension
		{r("x", 250) + ".0 final draft", r("x", 250) + ".0 fi"},          // nor one with a space
		{r("a", 300) + ".pdf. . ", r("a", 251) + ".pdf"},                 // trailing dots and spaces go first
		{"", "unnamed"},
	} {
		got := cleanPath(c.name)
		if got != c.want {
			t.Errorf("cleanPath(%d bytes %.12q…) = %d bytes %+q, want %d bytes", len(c.name), c.name, len(got), got, len(c.want))
		}
		for e := range strings.SplitSeq(got, "/") {
			if len(e) > maxNameBytes || !utf8.ValidString(e) || !norm.NFC.IsNormalString(e) {
				t.Errorf("cleanPath(%.12q…): element of %d bytes, or not UTF-8 in NFC", c.name, len(e))
			}
		}
	}
}

// TestWriteFiles_EXP03_LongTwinsNumbered: a long name given twice is cut
// keeping its extension, and its twin's " (2)" fits within the 255 bytes
// too (EXP-03), with multibyte letters, marks, and names that are twins
// only after NFC.
func TestWriteFiles_EXP03_LongTwinsNumbered(t *testing.T) {
	r := strings.Repeat
	for _, c := range []struct {
		names []string
		want  []string
	}{
		{[]string{r("\u00e9", 140) + ".pdf", r("\u00e9", 140) + ".pdf"},
			[]string{r("\u00e9", 125) + ".pdf", r("\u00e9", 123) + " (2).pdf"}},
		{[]string{r("e\u0301", 140) + ".pdf", r("\u00c9", 140) + ".PDF"}, // twins after NFC and case folding
			[]string{r("\u00e9", 125) + ".pdf", r("\u00c9", 123) + " (2).PDF"}},
		{[]string{r("q\u0301", 95) + ".pdf", r("q\u0301", 95) + ".pdf"},
			[]string{r("q\u0301", 83) + ".pdf", r("q\u0301", 82) + " (2).pdf"}},
		{[]string{r("a", 300), r("a", 300)},
			[]string{r("a", 255), r("a", 251) + " (2)"}},
	} {
		_, m := nfcWrite(t, c.names...)
		for i, fe := range m.Files {
			if want := "drive/" + c.want[i]; fe.Path != want {
				t.Errorf("%.12q… (%d bytes): path of %d bytes %+q, want %d bytes", c.names[i], len(c.names[i]), len(fe.Path), fe.Path, len(want))
			}
			if fe.Original != c.names[i] {
				t.Errorf("%.12q…: original %.12q…, want the name given", c.names[i], fe.Original)
			}
		}
	}
}

// TestNumbered_EXP03_FitsWithExtension: a number goes before the
// extension, and the stem gives way so the whole keeps to 255 bytes
// (EXP-03), for numbers of any width.
func TestNumbered_EXP03_FitsWithExtension(t *testing.T) {
	r := strings.Repeat
	for _, c := range []struct {
		elem string
		k    int
		want string
	}{
		{"report.pdf", 2, "report (2).pdf"},
		{".profile", 3, ".profile (3)"},
		{"v2.0 final", 2, "v2.0 final (2)"},
		{r("\u00e9", 125) + ".pdf", 10, r("\u00e9", 123) + " (10).pdf"},
		{r("a", 251) + ".pdf", 123456, r("a", 242) + " (123456).pdf"},
	} {
		got := numbered(c.elem, c.k)
		if got != c.want || len(got) > maxNameBytes {
			t.Errorf("numbered(%.12q…, %d) = %d bytes %+q, want %+q", c.elem, c.k, len(got), got, c.want)
		}
	}
}

// TestDecodeManifest_EXP03_Unnamed: a document whose source gave it the
// empty name is marked Unnamed, which the JSON form tells from "no
// original" and omits otherwise, so manifests without it read as before
// (EXP-03); DecodeManifest takes it only on a document at the path the
// writer invents, without an Original.
func TestDecodeManifest_EXP03_Unnamed(t *testing.T) {
	with := func(f FileEntry, edit func(*FileEntry)) FileEntry { edit(&f); return f }
	unnamed := func(f *FileEntry) { f.Unnamed = true }
	for _, files := range [][]FileEntry{
		{with(lieFile("drive/unnamed"), unnamed)},
		{lieFile("drive/unnamed"), with(lieFile("drive/unnamed (2)"), unnamed)},
		{with(lieFile("drive/unnamed (12)"), unnamed)},
	} {
		b := lieEncode(t, files...)
		m, err := DecodeManifest(b)
		if err != nil {
			t.Errorf("%s: %v", b, err)
			continue
		}
		if last := m.Files[len(m.Files)-1]; !last.Unnamed || last.Original != "" {
			t.Errorf("%s decoded as %+v", b, last)
		}
	}
	for name, f := range map[string]FileEntry{
		"a named path":           with(lieFile("drive/report.pdf"), unnamed),
		"in a folder":            with(lieFile("drive/x/unnamed"), unnamed),
		"numbered 1":             with(lieFile("drive/unnamed (1)"), unnamed),
		"numbered 02":            with(lieFile("drive/unnamed (02)"), unnamed),
		"numbered with a sign":   with(lieFile("drive/unnamed (+3)"), unnamed),
		"an original name too":   with(lieFile("drive/unnamed"), func(f *FileEntry) { f.Unnamed, f.Original = true, "x" }),
		"a table":                with(lieFile("crm/contacts.csv"), func(f *FileEntry) { f.Unnamed, f.Category, f.Records = true, Contacts, 2 }),
		"the extension numbered": with(lieFile("drive/unnamed (2"), unnamed),
	} {
		if _, err := DecodeManifest(lieEncode(t, f)); !errors.Is(err, ErrMalformed) {
			t.Errorf("unnamed, %s: %v, want ErrMalformed", name, err)
		}
	}
	b := lieEncode(t, with(lieFile("drive/unnamed"), unnamed), lieFile("drive/a.txt"))
	var raw struct{ Files []map[string]any }
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Files[0]["unnamed"] != true || raw.Files[0]["original"] != nil {
		t.Errorf("an unnamed document encodes as %v", raw.Files[0])
	}
	if _, ok := raw.Files[1]["unnamed"]; ok {
		t.Errorf("a named document encodes as %v: the field should be omitted", raw.Files[1])
	}
}

// TestNamer_EXP03_EmptyNameInvented: the empty name, and names that are
// nothing once cleaned, become drive/unnamed, numbered when taken, and
// inventedPath knows every one of those paths (EXP-03).
func TestNamer_EXP03_EmptyNameInvented(t *testing.T) {
	n := newNamer("drive/")
	for i, name := range []string{"", "", "/../", "UNNAMED", ""} {
		p := n.name(name)
		want := "drive/unnamed"
		if i > 0 {
			want = fmt.Sprintf("drive/unnamed (%d)", i+1)
		}
		if i == 3 {
			want = "drive/UNNAMED (4)"
		}
		if p != want {
			t.Errorf("name %d (%q): %q, want %q", i, name, p, want)
		}
		if i != 3 && !inventedPath(p, "drive/") {
			t.Errorf("inventedPath(%q) = false", p)
		}
	}
}

// nfcTwins yields n empty documents all named "Résumé.pdf", in turn
// precomposed, decomposed, and upper case decomposed.
func nfcTwins(n int) iter.Seq2[File, error] {
	forms := []string{"R\u00e9sum\u00e9.pdf", "Re\u0301sume\u0301.pdf", "RE\u0301SUME\u0301.PDF"}
	return func(yield func(File, error) bool) {
		for i := range n {
			if !yield(File{Name: forms[i%3], Body: strings.NewReader("")}, nil) {
				return
			}
		}
	}
}

// nfcWriteTwins writes n documents of nfcTwins and returns the manifest.
func nfcWriteTwins(tb testing.TB, n int) Manifest {
	w, err := NewWriter(io.Discard, "acme", costAt, Options{Store: true})
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.WriteFiles(nfcTwins(n)); err != nil {
		tb.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// BenchmarkNFCTwins writes 1,000 and 8,000 documents whose names are one
// after NFC and case folding (EXP-03: every one gets a number of its own):
// the time per op must grow about eightfold, not sixty-fourfold.
func BenchmarkNFCTwins(b *testing.B) {
	for _, n := range []int{1_000, 8_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				nfcWriteTwins(b, n)
			}
		})
	}
}

// TestNFCTwinsLinear guards the cost of numbering names that are one only
// after NFC and case folding (EXP-03): the folded keys must find their
// twins in the namer's tree, not by comparing against every name before,
// so writing 2,000 such documents may allocate at most 8*2 times as much
// as writing 250. Allocations are counted, not timed.
func TestNFCTwinsLinear(t *testing.T) {
	const n = 250
	allocs := func(n int) float64 {
		return testing.AllocsPerRun(1, func() {
			m := nfcWriteTwins(t, n)
			if got, want := m.Files[n-1].Path, fmt.Sprintf("drive/R\u00e9sum\u00e9 (%d).pdf", n); got != want {
				t.Fatalf("document %d got %+q, want %+q", n, got, want)
			}
		})
	}
	as, al := allocs(n), allocs(8*n)
	if ratio := al / as; ratio > 8*2 {
		t.Fatalf("writing %d NFC twins allocated %.0f times, %d %.0f: %.1f times as many, growth above linear", n, as, 8*n, al, ratio)
	}
}
