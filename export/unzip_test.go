package export_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy/export"
)

// unzipPath returns Info-ZIP's unzip, or fails the test saying how to
// install it: the test needs the real client, never a stand-in.
func unzipPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("unzip")
	if err != nil {
		t.Fatal("this test runs Info-ZIP's unzip, which is not installed: apt-get install unzip (.ci/run does)")
	}
	return p
}

// Info-ZIP's unzip, the archiver most Linux users reach for, tests,
// lists and extracts an archive with non-ASCII names, in both modes:
// every name as the manifest gives it in UTF-8, every byte as written
// (EXP-03). Entries made on MS-DOS had their names decoded from the DOS
// code page, garbled.
func TestUnzip_EXP03_NamesAndBytes(t *testing.T) {
	unzip := unzipPath(t)
	at := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	for _, opt := range []export.Options{{}, {Store: true}} {
		var buf bytes.Buffer
		w, err := export.NewWriter(&buf, "acme", at, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteTable(export.Contacts, []string{"name", "note"}, rtSeq(
			[]string{"Zoë", "a, \"quoted\"\r\nline"}, []string{"東京", "🙂"})); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteFiles(rtSeq(
			export.File{Name: "Ünïcödé 東京.txt", Body: strings.NewReader("ünï\n")},
			export.File{Name: "café/notes.txt", Body: strings.NewReader("é")},
			export.File{Name: "plain.txt", Body: strings.NewReader(strings.Repeat("plain ", 1000))},
		)); err != nil {
			t.Fatal(err)
		}
		m, err := w.Close()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		archive := filepath.Join(dir, "export.zip")
		if err := os.WriteFile(archive, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		run := func(args ...string) string {
			t.Helper()
			out, err := exec.Command(unzip, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("unzip %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return string(out)
		}
		if out := run("-t", archive); !strings.Contains(out, "No errors detected") {
			t.Errorf("store=%v: unzip -t:\n%s", opt.Store, out)
		}
		// zipinfo's short form lists one name a line.
		listed := strings.Split(strings.TrimSpace(run("-Z1", archive)), "\n")
		want := []string{"manifest.json"}
		for _, f := range m.Files {
			want = append(want, f.Path)
		}
		slices.Sort(listed)
		slices.Sort(want)
		if !slices.Equal(listed, want) {
			t.Errorf("store=%v: unzip lists\n%q\nwant the manifest's paths\n%q", opt.Store, listed, want)
		}
		out := filepath.Join(dir, "out")
		run("-q", archive, "-d", out)
		for _, f := range m.Files {
			b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
			if err != nil {
				t.Errorf("store=%v: %s not extracted under its name: %v", opt.Store, f.Path, err)
				continue
			}
			if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
				t.Errorf("store=%v: %s extracted with other bytes", opt.Store, f.Path)
			}
			if fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(f.Path))); err == nil && fi.Mode().Perm() != 0o644 {
				t.Errorf("store=%v: %s extracted with mode %v, want 0644", opt.Store, f.Path, fi.Mode().Perm())
			}
		}
	}
}

// An archive written before entries were made on Unix (made by MS-DOS,
// no external attributes, in the central directory) still verifies;
// another host in the same field is a layout problem (EXP-03).
func TestVerify_EXP03_OlderEntriesStillVerify(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", at, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFiles(rtSeq(export.File{Name: "Ünïcödé.txt", Body: strings.NewReader("ü")})); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// patch rewrites every central directory record's "version made by"
	// (offset 4) and external attributes (offset 38).
	patch := func(madeBy uint16, external uint32) []byte {
		b := bytes.Clone(buf.Bytes())
		n := 0
		for i := 0; i+46 <= len(b); i++ {
			if b[i] == 'P' && b[i+1] == 'K' && b[i+2] == 1 && b[i+3] == 2 {
				b[i+4], b[i+5] = byte(madeBy), byte(madeBy>>8)
				b[i+38], b[i+39], b[i+40], b[i+41] = byte(external), byte(external>>8), byte(external>>16), byte(external>>24)
				n++
			}
		}
		if n < 2 {
			t.Fatalf("found %d central directory records, want the file's and the manifest's", n)
		}
		return b
	}
	if _, err := export.Verify(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Fatalf("the archive as written: %v", err)
	}
	old := patch(20, 0)
	if _, err := export.Verify(bytes.NewReader(old), int64(len(old))); err != nil {
		t.Errorf("an archive with entries made on MS-DOS: %v", err)
	}
	other := patch(0x0A14, 0)
	rep, err := export.Verify(bytes.NewReader(other), int64(len(other)))
	if err == nil || !slices.ContainsFunc(rep.Problems, func(p export.Problem) bool { return p.Kind == export.ProblemLayout }) {
		t.Errorf("entries made by another host: %v, want a layout problem", err)
	}
}
