package export_test

// Verification tests of package export (EXP-03): for every ProblemKind
// Verify can report, an archive written by Writer and then damaged in one
// way, and the problem Verify reports for it. The damaged archives are
// rewritten from the good one with archive/zip, copying every entry's
// header and stored bytes as they are (the rewriter alone reproduces the
// good archive byte for byte, which the test checks), or by patching bytes.

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
)

// pbAt is when the archives of these tests are taken.
var pbAt = time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)

// The entries of pbGood's archive, besides the manifest.
const (
	pbTable    = "crm/contacts.csv"
	pbCalendar = "calendar/events.ics"
	pbReport   = "drive/report.txt"
	pbNotes    = "drive/notes.md"
	pbFiles    = 4
)

// pbSeq yields xs, without an error.
func pbSeq[T any](xs ...T) func(func(T, error) bool) {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// pbGood writes an archive with a CSV table, a calendar and two documents,
// deflated, or stored when store is set, and checks that Verify passes it
// with every file verified.
func pbGood(t *testing.T, store bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", pbAt, export.Options{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	rows := pbSeq([]string{"Ada Lovelace", "ada@example.com"}, []string{"Bob Byte", "bob@example.com"}, []string{"Cy Cache", "=1+1"})
	if err := w.WriteTable(export.Contacts, []string{"name", "email"}, rows); err != nil {
		t.Fatal(err)
	}
	events := pbSeq(export.Event{UID: "e1", Summary: "Kick-off", Start: pbAt, End: pbAt.Add(time.Hour)},
		export.Event{UID: "e2", Summary: "Review", Start: pbAt.Add(24 * time.Hour)})
	if err := w.WriteCalendar(events); err != nil {
		t.Fatal(err)
	}
	files := pbSeq(export.File{Name: "report.txt", Body: strings.NewReader(strings.Repeat("The quarter went well. ", 40))},
		export.File{Name: "notes.md", Body: strings.NewReader("# Notes\n\nNothing to add.\n")})
	if err := w.WriteFiles(files); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range m.Files {
		paths = append(paths, f.Path)
	}
	if want := []string{pbTable, pbCalendar, pbReport, pbNotes}; !slices.Equal(paths, want) {
		t.Fatalf("the archive holds %q, want %q", paths, want)
	}
	data := buf.Bytes()
	rep, err := export.Verify(bytes.NewReader(data), int64(len(data)))
	if err != nil || !rep.OK() || rep.Verified != pbFiles {
		t.Fatalf("Verify of the good archive (store=%v): %v, %d verified, problems %v", store, err, rep.Verified, rep.Problems)
	}
	return data
}

// pbEntry is one entry of an archive: its header as the central directory
// gives it, and its bytes as stored.
type pbEntry struct {
	fh  zip.FileHeader
	raw []byte
}

// pbEntries reads every entry of data, in order.
func pbEntries(t *testing.T, data []byte) []pbEntry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out []pbEntry
	for _, f := range zr.File {
		r, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pbEntry{f.FileHeader, raw})
	}
	return out
}

// pbBuild writes entries, in order, each with its header and stored bytes
// unchanged. CreateRaw writes the header's MS-DOS time, flags, versions and
// extra field as given, so an entry read by pbEntries is written back as
// it was.
func pbBuild(t *testing.T, entries []pbEntry) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		fh := e.fh
		w, err := zw.CreateRaw(&fh)
		if err == nil {
			_, err = w.Write(e.raw)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// pbFind returns the index of the entry called name.
func pbFind(t *testing.T, entries []pbEntry, name string) int {
	t.Helper()
	for i, e := range entries {
		if e.fh.Name == name {
			return i
		}
	}
	t.Fatalf("no entry %s", name)
	return -1
}

// pbContent returns an entry's content, inflated when it is deflated.
func pbContent(t *testing.T, e pbEntry) []byte {
	t.Helper()
	if e.fh.Method == zip.Store {
		return e.raw
	}
	b, err := io.ReadAll(flate.NewReader(bytes.NewReader(e.raw)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pbWith returns an entry with like's header (the writer's flags, versions
// and time) called name and holding content, stored or deflated as like
// is, with its checksum and sizes set.
func pbWith(t *testing.T, like pbEntry, name string, content []byte) pbEntry {
	t.Helper()
	e := pbEntry{fh: like.fh, raw: content}
	e.fh.Name = name
	if e.fh.Method == zip.Deflate {
		var b bytes.Buffer
		fw, err := flate.NewWriter(&b, flate.BestSpeed)
		if err == nil {
			_, err = fw.Write(content)
		}
		if err == nil {
			err = fw.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		e.raw = b.Bytes()
	}
	e.fh.CRC32 = crc32.ChecksumIEEE(content)
	e.fh.CompressedSize64, e.fh.UncompressedSize64 = uint64(len(e.raw)), uint64(len(content))
	return e
}

// pbSum is the lowercase hex SHA-256 of b.
func pbSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pbDataOffset returns where the stored bytes of the entry called name
// begin in data.
func pbDataOffset(t *testing.T, data []byte, name string) int64 {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			return off
		}
	}
	t.Fatalf("no entry %s", name)
	return 0
}

// TestVerify_EXP03_EveryProblem: for every kind of problem, an archive
// written by Writer, which Verify passes, damaged in one way; Verify
// reports a problem of that kind on the right entry, and, where the kind
// can be produced alone, nothing else; its error is Report.Err, matches
// ErrUnverified and tenancy.ErrInvalid and cites EXP-03 (an archive with
// a manifest that can no longer show it complete fails verification). A
// final check makes sure every kind has a case here.
func TestVerify_EXP03_EveryProblem(t *testing.T) {
	// Deflated and stored: the rewriter changes nothing by itself, so the
	// cases below damage only what they say.
	good := map[bool][]byte{false: pbGood(t, false), true: pbGood(t, true)}
	for store, data := range good {
		if again := pbBuild(t, pbEntries(t, data)); !bytes.Equal(again, data) {
			t.Fatalf("store=%v: rewriting the good archive entry by entry changed it (%d bytes, now %d)", store, len(data), len(again))
		}
	}
	// rewrite returns the good archive rewritten after edit changed its
	// entries.
	rewrite := func(store bool, edit func(t *testing.T, es []pbEntry) []pbEntry) func(t *testing.T) []byte {
		return func(t *testing.T) []byte { return pbBuild(t, edit(t, pbEntries(t, good[store]))) }
	}
	cases := []struct {
		name   string
		kind   pbKind
		path   string // the entry the problem names; "" for the archive
		alone  bool   // the only problem Verify reports
		damage func(t *testing.T) []byte
	}{
		{"cut short", pbUnreadable, "", true, func(t *testing.T) []byte {
			return good[false][:len(good[false])/2]
		}},
		{"cut before the end of the directory", pbUnreadable, "", true, func(t *testing.T) []byte {
			return good[false][:len(good[false])-1]
		}},
		{"not a ZIP", pbUnreadable, "", true, func(t *testing.T) []byte {
			return bytes.Repeat([]byte("this is no ZIP archive\n"), 64)
		}},
		{"no manifest.json", pbNoManifest, export.ManifestPath, true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			return slices.Delete(es, pbFind(t, es, export.ManifestPath), pbFind(t, es, export.ManifestPath)+1)
		})},
		{"manifest.json replaced by garbage", pbBadManifest, export.ManifestPath, true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			i := pbFind(t, es, export.ManifestPath)
			es[i] = pbWith(t, es[i], export.ManifestPath, []byte(`{"schema":1,"files":[garbage`))
			return es
		})},
		{"an entry named ../evil.txt", pbUnsafe, "../evil.txt", true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			return slices.Insert(es, 0, pbWith(t, es[0], "../evil.txt", []byte("evil")))
		})},
		{"a name repeating another ignoring case", pbUnsafe, "CRM/Contacts.csv", true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			twin := es[pbFind(t, es, pbTable)]
			twin.fh.Name = "CRM/Contacts.csv"
			return slices.Insert(es, len(es)-1, twin)
		})},
		{"a listed entry dropped", pbMissing, pbCalendar, true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			return slices.Delete(es, pbFind(t, es, pbCalendar), pbFind(t, es, pbCalendar)+1)
		})},
		{"an entry the manifest does not list", pbExtra, "drive/extra.txt", true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			i := pbFind(t, es, pbNotes)
			return slices.Insert(es, i+1, pbWith(t, es[i], "drive/extra.txt", []byte("not in the manifest")))
		})},
		// A file whose stored bytes change differs from the manifest's
		// stored form, which Verify checks first and reports as altered.
		// So a truncated file is one whose stored form the manifest gives
		// as it now is, while its content, size and digest are still the
		// original's: the document is cut to half its content,
		// re-deflated with a true ZIP checksum and sizes, and the
		// manifest's stored form of it updated. A stored file cannot be
		// truncated that way, since DecodeManifest requires its stored
		// form to be its content: cutting one is an alteration.
		{"a listed file shortened", pbTruncated, pbReport, true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			i, mi := pbFind(t, es, pbReport), pbFind(t, es, export.ManifestPath)
			full := pbContent(t, es[i])
			es[i] = pbWith(t, es[i], pbReport, full[:len(full)/2])
			m, err := export.DecodeManifest(es[mi].raw)
			if err != nil {
				t.Fatal(err)
			}
			for j := range m.Files {
				if f := &m.Files[j]; f.Path == pbReport {
					if f.Bytes != int64(len(full)) || f.SHA256 != pbSum(full) {
						t.Fatalf("the manifest gives %s as %d bytes %s, not its content", pbReport, f.Bytes, f.SHA256)
					}
					f.StoredBytes, f.StoredSHA256 = int64(len(es[i].raw)), pbSum(es[i].raw)
				}
			}
			b, err := m.Encode()
			if err != nil {
				t.Fatal(err)
			}
			es[mi] = pbWith(t, es[mi], export.ManifestPath, b)
			return es
		})},
		{"one content byte of a stored file flipped", pbAltered, pbReport, true, func(t *testing.T) []byte {
			c := bytes.Clone(good[true])
			c[pbDataOffset(t, c, pbReport)+10] ^= 0x20
			return c
		}},
		{"one byte of a deflated file flipped", pbAltered, pbTable, true, func(t *testing.T) []byte {
			c := bytes.Clone(good[false])
			c[pbDataOffset(t, c, pbTable)+3] ^= 0x01
			return c
		}},
		{"a modification time changed in a local header", pbLayout, "", true, func(t *testing.T) []byte {
			c := bytes.Clone(good[false])
			if !bytes.HasPrefix(c, []byte("PK\x03\x04")) {
				t.Fatal("the archive does not begin with a local header")
			}
			c[10] ^= 0x01 // the first entry's MS-DOS time, two seconds on
			return c
		}},
		{"an extra field added to a header", pbLayout, "", true, rewrite(false, func(t *testing.T, es []pbEntry) []pbEntry {
			i := pbFind(t, es, pbNotes)
			es[i].fh.Extra = []byte{0xfe, 0xca, 2, 0, 'h', 'i'} // an unknown field, ID 0xcafe
			return es
		})},
	}
	covered := map[export.ProblemKind]bool{}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s", c.kind.kind, c.name), func(t *testing.T) {
			covered[c.kind.kind] = true
			if got := c.kind.kind.String(); got != c.kind.text {
				t.Errorf("%d.String() = %q, want %q", c.kind.kind, got, c.kind.text)
			}
			data := c.damage(t)
			rep, err := export.Verify(bytes.NewReader(data), int64(len(data)))
			t.Logf("problems %v", rep.Problems)
			var found *export.Problem
			for i, p := range rep.Problems {
				if p.Kind == c.kind.kind && p.Path == c.path {
					found = &rep.Problems[i]
					break
				}
			}
			switch {
			case found == nil:
				t.Fatalf("no %s problem at %q; problems %v, error %v", c.kind.text, c.path, rep.Problems, err)
			case c.alone && len(rep.Problems) != 1:
				t.Errorf("want the %s problem alone, got %v", c.kind.text, rep.Problems)
			case found.Detail == "":
				t.Errorf("the %s problem gives no detail", c.kind.text)
			}
			if s := found.String(); !strings.HasPrefix(s, c.kind.text+": ") || !strings.Contains(s, c.path) || !strings.Contains(s, found.Detail) {
				t.Errorf("Problem.String() = %q, want the kind %q, the path %q and the detail", s, c.kind.text, c.path)
			}
			if rep.OK() {
				t.Errorf("the report passes the damaged archive")
			}
			if !errors.Is(err, export.ErrUnverified) || !errors.Is(err, tenancy.ErrInvalid) || tenancy.RuleOf(err) != "EXP-03" {
				t.Errorf("Verify's error %v: want one matching ErrUnverified and tenancy.ErrInvalid under rule EXP-03", err)
			}
			if want := rep.Err(); err == nil || want == nil || err.Error() != want.Error() {
				t.Errorf("Verify's error %v is not the report's %v", err, want)
			}
			if err != nil && !strings.Contains(err.Error(), found.String()) {
				t.Errorf("the error %q does not name the problem %q", err, found)
			}
		})
	}
	// Every kind from ProblemUnreadable on, until String gives the
	// fallback of an unknown kind, has a case above: a new kind without
	// one fails here.
	if s := export.ProblemKind(0).String(); s != "ProblemKind(0)" {
		t.Errorf("the zero kind is named %q, want the fallback ProblemKind(0)", s)
	}
	var all []export.ProblemKind
	for k := export.ProblemUnreadable; k != 0 && k.String() != fmt.Sprintf("ProblemKind(%d)", uint8(k)); k++ {
		all = append(all, k)
	}
	if len(all) == 0 || all[len(all)-1] != export.ProblemLayout {
		t.Errorf("the kinds run from ProblemUnreadable to %v, want to ProblemLayout", all)
	}
	for _, k := range all {
		if !covered[k] {
			t.Errorf("no case produces a %s problem (ProblemKind %d)", k, uint8(k))
		}
	}
	if len(covered) != len(all) {
		t.Errorf("the cases cover %d kinds, there are %d: %v", len(covered), len(all), all)
	}
}

// pbKind is a problem kind and the name its String method
// documents for it.
type pbKind struct {
	kind export.ProblemKind
	text string
}

// The kinds, with their names.
var (
	pbUnreadable  = pbKind{export.ProblemUnreadable, "unreadable"}
	pbNoManifest  = pbKind{export.ProblemNoManifest, "no-manifest"}
	pbBadManifest = pbKind{export.ProblemBadManifest, "bad-manifest"}
	pbUnsafe      = pbKind{export.ProblemUnsafe, "unsafe"}
	pbMissing     = pbKind{export.ProblemMissing, "missing"}
	pbExtra       = pbKind{export.ProblemExtra, "extra"}
	pbTruncated   = pbKind{export.ProblemTruncated, "truncated"}
	pbAltered     = pbKind{export.ProblemAltered, "altered"}
	pbLayout      = pbKind{export.ProblemLayout, "layout"}
)
