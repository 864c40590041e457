package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/tenancykit/tenancy"
)

// boundAt is when the bound archives are taken.
var boundAt = costAt

// allocatedBy returns the bytes f allocates, by the runtime's count.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// repeatReader yields n copies of byte c. Its WriteTo writes one filled
// chunk over and over, so streaming a GiB costs little more than the
// writer's work.
type repeatReader struct {
	c byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.n)]
	for i := range p {
		p[i] = r.c
	}
	r.n -= int64(len(p))
	return len(p), nil
}

func (r *repeatReader) WriteTo(w io.Writer) (int64, error) {
	chunk := bytes.Repeat([]byte{r.c}, 1<<20)
	var total int64
	for r.n > 0 {
		n, err := w.Write(chunk[:min(int64(len(chunk)), r.n)])
		total += int64(n)
		r.n -= int64(n)
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// rawEntry is an entry of a hand-built archive: its content, streamed, and
// how it is stored.
type rawEntry struct {
	name    string
	content io.Reader
	deflate bool
}

// buildArchive writes entries with the headers Writer writes (so that the
// layout matches), deflating with flate.BestSpeed as it streams, and then
// the manifest m, its i-th file completed with the i-th entry's path,
// sizes and digests, deflated when manifestDeflated is set. It returns
// the archive.
func buildArchive(t *testing.T, entries []rawEntry, m Manifest, manifestDeflated bool) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, content io.Reader, deflate bool) (FileEntry, error) {
		method := zip.Store
		if deflate {
			method = zip.Deflate
		}
		fh := entryHeader(name, method, boundAt)
		if !deflate {
			// A stored entry's checksum and sizes go in its local
			// header, before its data, as the writer writes them.
			b, err := io.ReadAll(content)
			if err != nil {
				return FileEntry{}, err
			}
			setSizes(fh, crc32.ChecksumIEEE(b), uint64(len(b)), uint64(len(b)))
			content = bytes.NewReader(b)
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			return FileEntry{}, err
		}
		sum, crc, stored := sha256.New(), crc32.NewIEEE(), sha256.New()
		cw := &countingWriter{w: io.MultiWriter(w, stored)}
		var dst io.Writer = cw
		var fl *flate.Writer
		if deflate {
			if fl, err = flate.NewWriter(cw, flate.BestSpeed); err != nil {
				return FileEntry{}, err
			}
			dst = fl
		}
		n, err := io.Copy(io.MultiWriter(dst, sum, crc), content)
		if err != nil {
			return FileEntry{}, err
		}
		if fl != nil {
			if err := fl.Close(); err != nil {
				return FileEntry{}, err
			}
		}
		setSizes(fh, crc.Sum32(), uint64(cw.n), uint64(n))
		return FileEntry{Path: name, Bytes: n, SHA256: hex.EncodeToString(sum.Sum(nil)), Method: methodName(method),
			StoredBytes: cw.n, StoredSHA256: hex.EncodeToString(stored.Sum(nil))}, nil
	}
	for i, e := range entries {
		fe, err := put(e.name, e.content, e.deflate)
		if err != nil {
			t.Fatal(err)
		}
		f := &m.Files[i]
		f.Path, f.Bytes, f.SHA256, f.Method, f.StoredBytes, f.StoredSHA256 = fe.Path, fe.Bytes, fe.SHA256, fe.Method, fe.StoredBytes, fe.StoredSHA256
	}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := put(ManifestPath, bytes.NewReader(b), manifestDeflated); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// boundManifest is a manifest of account acme at boundAt with the given
// files.
func boundManifest(files ...FileEntry) Manifest {
	return Manifest{Schema: SchemaVersion, Account: "acme", At: boundAt, Neutralisation: Neutralisation, Files: append([]FileEntry{}, files...)}
}

// hasProblem reports whether rep holds a problem of kind k at path whose
// detail contains detail.
func hasProblem(rep Report, k ProblemKind, path, detail string) bool {
	for _, p := range rep.Problems {
		if p.Kind == k && p.Path == path && strings.Contains(p.Detail, detail) {
			return true
		}
	}
	return false
}

// TestVerify_EXP03_LongCalendarLineBounded: a deflated calendar of one
// 128 MiB content line, with a manifest true to it in every digest and
// with the writer's headers, is an archive of about 130 KB. Verify refuses
// it, naming the line's bound, and allocates less than 8 MiB doing so: it
// never holds more than MaxCalendarLine (1 MiB) of a line.
func TestVerify_EXP03_LongCalendarLineBounded(t *testing.T) {
	const lineBytes = 128 << 20
	content := io.MultiReader(
		strings.NewReader("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20260101T000000Z\r\nDESCRIPTION:"),
		&repeatReader{c: 'a', n: lineBytes},
		strings.NewReader("\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	data := buildArchive(t, []rawEntry{{Events.Path(), content, true}}, boundManifest(FileEntry{Category: Events, Records: 1}), false)
	if len(data) > 1<<20 {
		t.Fatalf("the archive takes %d bytes, want a small one", len(data))
	}
	var rep Report
	var err error
	alloc := allocatedBy(func() { rep, err = Verify(bytes.NewReader(data), int64(len(data))) })
	if !errors.Is(err, ErrUnverified) || !hasProblem(rep, ProblemAltered, Events.Path(), "content line longer than 1048576 bytes") || len(rep.Problems) != 1 {
		t.Fatalf("Verify of a 128 MiB line: %v, problems %v", err, rep.Problems)
	}
	if alloc >= 8<<20 {
		t.Fatalf("Verify allocated %d bytes for an archive of %d with a 128 MiB line, want under 8 MiB", alloc, len(data))
	}
	t.Logf("archive of %d bytes, Verify allocated %d", len(data), alloc)
}

// TestVerify_EXP03_LongestCalendarLinePasses: the bound is the writer's,
// so a line of exactly MaxCalendarLine bytes, written by WriteCalendar,
// verifies, and one byte more is refused by WriteCalendar itself (EXP-01,
// EXP-03).
func TestVerify_EXP03_LongestCalendarLinePasses(t *testing.T) {
	long := func(n int) Event {
		return Event{UID: "u", Start: boundAt, Description: strings.Repeat("d", n-len("DESCRIPTION:"))}
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "acme", boundAt, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteCalendar(seqOf(long(MaxCalendarLine))); err != nil {
		t.Fatalf("WriteCalendar refused a line of MaxCalendarLine bytes: %v", err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if rep, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil || rep.Verified != 1 {
		t.Fatalf("the longest line fails Verify: %v", err)
	}
	w, err = NewWriter(io.Discard, "acme", boundAt, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A comma takes two bytes escaped: the line is one byte too long.
	over := long(MaxCalendarLine)
	over.Description = "," + over.Description[1:]
	if err := w.WriteCalendar(seqOf(over)); !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("WriteCalendar took a line of MaxCalendarLine+1 bytes: %v", err)
	}
}

// TestVerify_EXP03_DeflatedManifestRefused: a manifest.json deflated from
// 1 GiB of zeros (about 1.3 MB in the archive) is refused, because the
// writer always stores the manifest, and before a byte of it is inflated:
// Verify allocates less than 8 MiB.
func TestVerify_EXP03_DeflatedManifestRefused(t *testing.T) {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, err := zw.CreateHeader(&zip.FileHeader{Name: ManifestPath, Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, &repeatReader{c: 0, n: 1 << 30}); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := out.Bytes()
	var rep Report
	alloc := allocatedBy(func() { rep, err = Verify(bytes.NewReader(data), int64(len(data))) })
	if !errors.Is(err, ErrUnverified) || !hasProblem(rep, ProblemBadManifest, ManifestPath, "the manifest is compressed") {
		t.Fatalf("Verify of a deflated manifest: %v, problems %v", err, rep.Problems)
	}
	if alloc >= 8<<20 {
		t.Fatalf("Verify allocated %d bytes for an archive of %d whose manifest inflates to 1 GiB, want under 8 MiB", alloc, len(data))
	}
	t.Logf("archive of %d bytes, Verify allocated %d", len(data), alloc)
}

// TestVerify_EXP03_ManifestSizeBounded: a stored manifest whose headers
// claim more than MaxManifestBytes, or more than the archive holds, is
// refused before Verify allocates its claimed size.
func TestVerify_EXP03_ManifestSizeBounded(t *testing.T) {
	for _, claim := range []uint64{MaxManifestBytes + 1, 100 << 20} {
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		fh := &zip.FileHeader{Name: ManifestPath, Method: zip.Store, CompressedSize64: claim, UncompressedSize64: claim}
		w, err := zw.CreateRaw(fh)
		if err == nil {
			_, err = w.Write([]byte("{}"))
		}
		if err == nil {
			err = zw.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		data := out.Bytes()
		var rep Report
		alloc := allocatedBy(func() { rep, err = Verify(bytes.NewReader(data), int64(len(data))) })
		if !errors.Is(err, ErrUnverified) || !hasProblem(rep, ProblemBadManifest, ManifestPath, "more than the archive holds") {
			t.Fatalf("a manifest claiming %d bytes: %v, problems %v", claim, err, rep.Problems)
		}
		if alloc >= 1<<20 {
			t.Fatalf("a manifest claiming %d bytes: Verify allocated %d", claim, alloc)
		}
	}
}
