package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"testing"
	"time"
)

// costAt is when the cost archives are taken.
var costAt = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// costDocs yields n empty documents; every name is the same when same is
// set, and distinct otherwise.
func costDocs(n int, same bool) iter.Seq2[File, error] {
	return func(yield func(File, error) bool) {
		for i := range n {
			name := "scan.pdf"
			if !same {
				name = fmt.Sprintf("doc-%d.pdf", i)
			}
			if !yield(File{Name: name, Body: strings.NewReader("")}, nil) {
				return
			}
		}
	}
}

// costArchive writes an archive of n stored documents.
func costArchive(tb testing.TB, n int, same bool) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "acme", costAt, Options{Store: true})
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.WriteFiles(costDocs(n, same)); err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkVerifyFiles verifies an archive of 2,000 and of 16,000
// documents (EXP-03): the time per op must grow about eightfold, not
// sixty-fourfold.
func BenchmarkVerifyFiles(b *testing.B) {
	for _, n := range []int{2_000, 16_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			data := costArchive(b, n, false)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSameNames writes 1,000 and 8,000 documents all named scan.pdf
// (EXP-03: every one gets a number of its own): the time per op must grow
// about eightfold, not sixty-fourfold.
func BenchmarkSameNames(b *testing.B) {
	for _, n := range []int{1_000, 8_000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w, err := NewWriter(io.Discard, "acme", costAt, Options{Store: true})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.WriteFiles(costDocs(n, true)); err != nil {
					b.Fatal(err)
				}
				if _, err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// costPrefix makes document paths long and alike, three folders of 249
// letters deep: comparing two such paths costs their length.
var costPrefix = strings.Repeat(strings.Repeat("x", 249)+"/", 3)

// costLyingArchive builds, with archive/zip, an archive of n stored entries
// the manifest does not list, and a manifest that lists n documents the
// archive does not hold: every one a problem, none with content to check.
func costLyingArchive(tb testing.TB, n int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("drive/%sx%06d", costPrefix, i), Method: zip.Store}); err != nil {
			tb.Fatal(err)
		}
	}
	m := Manifest{Schema: SchemaVersion, Account: "acme", At: costAt, Neutralisation: Neutralisation}
	zero := strings.Repeat("0", 64)
	for i := range n {
		m.Files = append(m.Files, FileEntry{Path: fmt.Sprintf("drive/%sm%06d", costPrefix, i), Category: Documents, Records: 1, SHA256: zero, Method: "store", StoredSHA256: zero})
	}
	b, err := m.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestPath, Method: zip.Store})
	if err == nil {
		_, err = w.Write(b)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// bestOf3 returns the shortest of three runs of f.
func bestOf3(f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// TestVerifyLinear guards EXP-03's cost on hostile input: Verify of an
// archive of 4,800 unlisted entries whose manifest lists 4,800 absent
// documents may take at most 8*3 times as long as of 600 and 600 (best of
// three runs each), where matching every entry to the manifest by a search
// through it, as Verify once did, takes about 40 times as long, and more
// the larger the archive. The paths are long and alike, so comparing two
// costs their length.
func TestVerifyLinear(t *testing.T) {
	const n = 600
	small, large := costLyingArchive(t, n), costLyingArchive(t, 8*n)
	run := func(data []byte, n int) func() {
		return func() {
			rep, err := Verify(bytes.NewReader(data), int64(len(data)))
			if !errors.Is(err, ErrUnverified) || len(rep.Problems) != 2*n+1 {
				// n missing, n extra, and the layout (archive/zip's headers
				// are not the writer's)
				t.Fatalf("%d problems, want %d: %v", len(rep.Problems), 2*n+1, err)
			}
		}
	}
	ts, tl := bestOf3(run(small, n)), bestOf3(run(large, 8*n))
	if ratio := float64(tl) / float64(ts); ratio > 8*3 {
		t.Fatalf("Verify of %d entries took %v, of %d %v: %.1f times as long, growth above linear", n, ts, 8*n, tl, ratio)
	}
}

// TestSameNamesLinear guards the cost of numbering documents of one name
// (EXP-03: every one gets a number of its own): writing 2,000 documents
// named scan.pdf may allocate at most 8*2 times as much as writing 250,
// where trying every number from 1 for every document, as the writer once
// did, allocates about 68 times as much. Allocations are counted, not
// timed, so the test is exact.
func TestSameNamesLinear(t *testing.T) {
	const n = 250
	allocs := func(n int) float64 {
		return testing.AllocsPerRun(1, func() {
			w, err := NewWriter(io.Discard, "acme", costAt, Options{Store: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WriteFiles(costDocs(n, true)); err != nil {
				t.Fatal(err)
			}
			m, err := w.Close()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := m.Files[n-1].Path, fmt.Sprintf("drive/scan (%d).pdf", n); got != want {
				t.Fatalf("document %d got %q, want %q", n, got, want)
			}
		})
	}
	as, al := allocs(n), allocs(8*n)
	if ratio := al / as; ratio > 8*2 {
		t.Fatalf("writing %d documents of one name allocated %.0f times, %d %.0f: %.1f times as many, growth above linear", n, as, 8*n, al, ratio)
	}
}
