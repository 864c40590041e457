package export_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy/export"
)

// The golden files pin the manifest as an archive holds it: a category, a
// method or a field renamed would leave every round trip passing but fail
// to verify the archives already written. go test ./export -run Golden
// -update rewrites them.
var goldenUpdate = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const goldenDir = "testdata/golden"

// goldenCompare compares enc, followed by a newline, with the golden file
// name, or writes it there with -update.
func goldenCompare(t *testing.T, name string, enc []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name+".json")
	want := append(slices.Clip(enc), '\n')
	if *goldenUpdate {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: the encoding changed; an old archive might no longer verify\n got: %s\nwant: %s", path, want, got)
	}
}

// goldenFiles returns the golden files whose names start with prefix,
// each without its final newline.
func goldenFiles(t *testing.T, prefix string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(goldenDir, prefix+"*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files %s*.json: %v", prefix, err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b, ok := bytes.CutSuffix(b, []byte("\n"))
		if !ok {
			t.Fatalf("%s does not end in a newline", p)
		}
		out[p] = b
	}
	return out
}

func goldenRows(rows ...[]string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// goldenArchive writes an archive of every category that has a bulk
// export, with a formula cell, invalid UTF-8, a calendar, and documents
// whose names must be made safe, and returns the manifest.json the
// archive holds. The time is fixed, so the archive is the same each run.
func goldenArchive(t *testing.T, opt export.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	w, err := export.NewWriter(&buf, "bistro", at, opt)
	if err != nil {
		t.Fatal(err)
	}
	tables := map[export.Category][][]string{
		export.Contacts: {{"name", "email"}, {"Ada", "ada@example.com"}, {"=HYPERLINK(\"x\")", "bad\xffbyte"}},
		export.Deals:    {{"deal", "amount"}, {"Lyon", "2390.40"}},
		export.Leads:    {{"lead"}, {"Nice"}, {"Brest"}},
		export.Tasks:    {{"task", "done"}},
	}
	for _, c := range export.Categories() {
		switch c.Method() {
		case export.MethodCSV:
			rows := tables[c]
			if err := w.WriteTable(c, rows[0], goldenRows(rows[1:]...)); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
		case export.MethodICalendar:
			events := func(yield func(export.Event, error) bool) {
				_ = yield(export.Event{UID: "e1", Summary: "Review", Start: at.AddDate(0, 0, 3), End: at.AddDate(0, 0, 3).Add(time.Hour)}, nil) &&
					yield(export.Event{Summary: "Holiday", Description: "line one\nline two", Start: at.AddDate(0, 1, 0), AllDay: true}, nil)
			}
			if err := w.WriteCalendar(events); err != nil {
				t.Fatal(err)
			}
		case export.MethodFiles:
			files := func(yield func(export.File, error) bool) {
				for _, f := range []export.File{
					{Name: "Q3/report.pdf", Body: strings.NewReader("%PDF-1.7 report")},
					{Name: "Q3/report.pdf", Body: strings.NewReader("another report")},
					{Name: "../notes:1.txt", Body: strings.NewReader("notes")},
				} {
					if !yield(f, nil) {
						return
					}
				}
			}
			if err := w.WriteFiles(files); err != nil {
				t.Fatal(err)
			}
		}
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	last := zr.File[len(zr.File)-1]
	if last.Name != export.ManifestPath {
		t.Fatalf("the last entry is %s", last.Name)
	}
	rc, err := last.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	stored, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, enc) {
		t.Fatalf("the archive holds the manifest %s, Close returned %s", stored, enc)
	}
	return stored
}

// TestGoldenManifests: the manifests (EXP-03) the writer puts in its archives,
// deflated and stored, are byte for byte the golden files. The deflated
// one pins compress/flate's output too, through the stored sizes and
// digests.
func TestGoldenManifests(t *testing.T) {
	goldenCompare(t, "manifest-deflate", goldenArchive(t, export.Options{}))
	goldenCompare(t, "manifest-store", goldenArchive(t, export.Options{Store: true}))
}

// TestGoldenManifestsLoad: every golden manifest decodes, and encodes
// again to the same bytes: an archive written before verifies.
func TestGoldenManifestsLoad(t *testing.T) {
	for path, b := range goldenFiles(t, "manifest-") {
		m, err := export.DecodeManifest(b)
		if err != nil {
			t.Errorf("%s does not load: %v", path, err)
			continue
		}
		if enc, err := m.Encode(); err != nil || !bytes.Equal(enc, b) {
			t.Errorf("%s loads, and encodes again as %s (%v)", path, enc, err)
		}
	}
}

// TestGoldenManifestNames: every category with a bulk export and both
// methods appear in a golden manifest, with neutralised and repaired
// counts and an original name, so that a new category cannot go
// unpinned.
func TestGoldenManifestNames(t *testing.T) {
	cats, methods := map[export.Category]bool{}, map[string]bool{}
	var neutralised, repaired, original bool
	for path, b := range goldenFiles(t, "manifest-") {
		m, err := export.DecodeManifest(b)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, f := range m.Files {
			cats[f.Category], methods[f.Method] = true, true
			neutralised, repaired, original = neutralised || f.Neutralised > 0, repaired || f.Repaired > 0, original || f.Original != ""
		}
	}
	n := 0
	for _, c := range export.Categories() {
		if c.Method() == export.MethodManual {
			continue
		}
		if n++; !cats[c] {
			t.Errorf("no golden manifest lists a file of %s", c)
		}
	}
	if n < 6 || !methods["store"] || !methods["deflate"] || !neutralised || !repaired || !original {
		t.Errorf("%d categories; methods %v, neutralised %v, repaired %v, an original name %v: want every one",
			n, methods, neutralised, repaired, original)
	}
}

// TestGoldenDuplicateKeys: a manifest with a key repeated or spelled in
// another case, at the top level or in a file entry, is malformed: "path"
// given twice, "../evil" first, is refused rather than read as the last.
func TestGoldenDuplicateKeys(t *testing.T) {
	enc := goldenArchive(t, export.Options{Store: true})
	for _, k := range []string{`"account":`, `"files":`, `"path":`, `"sha256":`, `"category":`} {
		i := bytes.Index(enc, []byte(k))
		if i < 0 {
			t.Fatalf("no key %s in %s", k, enc)
		}
		upper := `"` + strings.ToUpper(k[1:len(k)-2]) + `":`
		for name, b := range map[string][]byte{
			"duplicate " + k:              slices.Concat(enc[:i], []byte(k+`"../evil",`), enc[i:]),
			"upper-case " + k:             slices.Concat(enc[:i], []byte(upper), enc[i+len(k):]),
			"case-variant duplicate " + k: slices.Concat(enc[:i], []byte(upper+`"../evil",`), enc[i:]),
		} {
			if _, err := export.DecodeManifest(b); !errors.Is(err, export.ErrMalformed) {
				t.Errorf("%s: %s decoded with %v, want ErrMalformed", name, b, err)
			}
		}
	}
	i := bytes.Index(enc, []byte(`"path":`))
	b := slices.Concat(enc[:i], []byte(`"path":"../evil",`), enc[i:])
	if _, err := export.DecodeManifest(b); err == nil || !strings.Contains(err.Error(), `duplicate key "path" at $.files[0]`) {
		t.Errorf("a repeated path: %v, want the path of the file entry", err)
	}
}
