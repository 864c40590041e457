package export_test

// Streaming readers (EXP-03): Java's ZipInputStream and Commons Compress'
// ZipArchiveInputStream read an archive front to back from its local
// headers, never looking at the central directory. They refuse a stored
// entry with a data descriptor ("only DEFLATED entries can have EXT
// descriptor"), as they could not tell where its data ends. ssRead is such
// a reader, and every archive the writer writes must read back through it.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
)

// ssEntry is one entry as a streaming reader sees it.
type ssEntry struct {
	name    string
	method  uint16
	content []byte
}

// ssRead reads archive data front to back as ZipInputStream does: a local
// header, then, stored, exactly the compressed size it gives; deflated, the
// deflate stream to its end and the data descriptor after it. It stops at
// the first central directory record, which it does not read. Every
// checksum and size is checked against the local header or the
// descriptor.
func ssRead(data []byte) ([]ssEntry, error) {
	r := bufio.NewReader(bytes.NewReader(data))
	u16 := func(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
	u32 := func(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
	var out []ssEntry
	for {
		var h [30]byte
		if _, err := io.ReadFull(r, h[:4]); err != nil {
			return out, fmt.Errorf("after %d entries: %w", len(out), err)
		}
		switch u32(h[:4]) {
		case 0x04034b50:
		case 0x02014b50:
			return out, nil // the central directory: the end, for a streaming reader
		default:
			return out, fmt.Errorf("after %d entries: signature %#x", len(out), u32(h[:4]))
		}
		if _, err := io.ReadFull(r, h[4:]); err != nil {
			return out, err
		}
		flags, method := u16(h[6:]), u16(h[8:])
		crc, csize, usize := u32(h[14:]), u32(h[18:]), u32(h[22:])
		name := make([]byte, u16(h[26:]))
		if _, err := io.ReadFull(r, name); err != nil {
			return out, err
		}
		if _, err := r.Discard(int(u16(h[28:]))); err != nil {
			return out, err
		}
		e := ssEntry{name: string(name), method: method}
		switch method {
		case 0:
			if flags&0x8 != 0 {
				return out, fmt.Errorf("%s: only DEFLATED entries can have EXT descriptor", name)
			}
			if csize != usize {
				return out, fmt.Errorf("%s: stored, %d bytes compressed and %d not", name, csize, usize)
			}
			e.content = make([]byte, csize)
			if _, err := io.ReadFull(r, e.content); err != nil {
				return out, fmt.Errorf("%s: %w", name, err)
			}
		case 8:
			// bufio.Reader is an io.ByteReader: flate reads no byte past
			// the end of the deflate stream.
			var err error
			cr := &ssCounter{r: r}
			if e.content, err = io.ReadAll(flate.NewReader(cr)); err != nil {
				return out, fmt.Errorf("%s: %w", name, err)
			}
			if flags&0x8 != 0 {
				var d [16]byte
				if _, err := io.ReadFull(r, d[:]); err != nil {
					return out, err
				}
				if u32(d[:]) != 0x08074b50 {
					return out, fmt.Errorf("%s: data descriptor signature %#x", name, u32(d[:]))
				}
				crc, csize, usize = u32(d[4:]), u32(d[8:]), u32(d[12:])
			}
			if int64(csize) != cr.n {
				return out, fmt.Errorf("%s: %d bytes deflated, the header says %d", name, cr.n, csize)
			}
		default:
			return out, fmt.Errorf("%s: method %d", name, method)
		}
		if crc32.ChecksumIEEE(e.content) != crc || int64(len(e.content)) != int64(usize) {
			return out, fmt.Errorf("%s: %d bytes, CRC %#x; the header says %d, %#x", name, len(e.content), crc32.ChecksumIEEE(e.content), usize, crc)
		}
		out = append(out, e)
	}
}

// ssCounter counts the bytes read through it, keeping io.ByteReader.
type ssCounter struct {
	r *bufio.Reader
	n int64
}

func (c *ssCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *ssCounter) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// ssAt is the export time of these tests.
var ssAt = time.Date(2026, 3, 29, 0, 59, 59, 0, time.UTC)

// ssArchive writes an archive of every category with opt, its documents
// files, and returns it with its manifest.
func ssArchive(t *testing.T, opt export.Options, files ...export.File) ([]byte, export.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", ssAt, opt)
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"Zoë", "a, \"quoted\"\r\nline"}, {"東京", "=1+1"}, {"🙂", " -2"}}
	if err := w.WriteTable(export.Contacts, []string{"name", "note"}, rtSeq(rows...)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTable(export.Deals, []string{"id"}, rtSeq[[]string]()); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteCalendar(rtSeq(
		export.Event{Summary: "DST", Start: time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), End: time.Date(2026, 3, 29, 2, 30, 0, 0, time.UTC)},
		export.Event{Summary: strings.Repeat("folded é ", 40), Start: ssAt},
	)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFiles(rtSeq(files...)); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

// ssFiles returns documents of every kind: empty, small, non-ASCII names,
// one read twice, one larger than what is spooled in memory (1 MiB),
// repetitive and not.
func ssFiles() []export.File {
	return []export.File{
		{Name: "empty", Body: strings.NewReader("")},
		{Name: "Ünïcödé 東京.txt", Body: strings.NewReader("ünï\n")},
		{Name: "e\u0301.txt", Body: strings.NewReader("NFD")},
		{Name: "twice/a.txt", Body: strings.NewReader(strings.Repeat("read twice ", 1000)), Reread: true},
		{Name: "twice/empty", Body: strings.NewReader(""), Reread: true},
		{Name: "big.bin", Body: io.LimitReader(zbNoise{}, 3<<20+17)},
		{Name: "zeros.bin", Body: io.LimitReader(ssZeros{}, 2<<20)},
	}
}

// ssZeros is an endless reader of zeros, which is not an io.Seeker.
type ssZeros struct{}

func (ssZeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestStreaming_EXP03_EveryArchiveReadsFrontToBack: every archive, stored,
// deflated, at the fastest and best level, reads through ssRead and gives
// back every entry the manifest lists, each byte as the manifest's SHA-256
// says, the manifest last; and the archive verifies (EXP-03). No stored
// entry has a data descriptor, so ZipInputStream takes it.
func TestStreaming_EXP03_EveryArchiveReadsFrontToBack(t *testing.T) {
	for _, opt := range []export.Options{{}, {Store: true}, {Level: 1}, {Level: 9}, {Store: true, BOM: true}} {
		data, m := ssArchive(t, opt, ssFiles()...)
		if _, err := export.Verify(bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("store=%v level=%d: Verify: %v", opt.Store, opt.Level, err)
		}
		got, err := ssRead(data)
		if err != nil {
			t.Fatalf("store=%v level=%d: a streaming reader: %v", opt.Store, opt.Level, err)
		}
		if len(got) != len(m.Files)+1 {
			t.Fatalf("store=%v level=%d: %d entries streamed, the manifest lists %d and itself", opt.Store, opt.Level, len(got), len(m.Files))
		}
		for i, fe := range m.Files {
			e := got[i]
			sum := sha256.Sum256(e.content)
			wantMethod := map[string]uint16{"store": 0, "deflate": 8}[fe.Method]
			if e.name != fe.Path || e.method != wantMethod || int64(len(e.content)) != fe.Bytes || hex.EncodeToString(sum[:]) != fe.SHA256 {
				t.Fatalf("store=%v level=%d: entry %d streams as %s (method %d, %d bytes), the manifest says %s (%s, %d bytes)",
					opt.Store, opt.Level, i, e.name, e.method, len(e.content), fe.Path, fe.Method, fe.Bytes)
			}
			if opt.Store != (fe.Method == "store") {
				t.Fatalf("store=%v: %s written %s", opt.Store, fe.Path, fe.Method)
			}
		}
		last := got[len(got)-1]
		dm, err := export.DecodeManifest(last.content)
		if last.name != export.ManifestPath || last.method != 0 || err != nil || len(dm.Files) != len(m.Files) {
			t.Fatalf("store=%v level=%d: the last entry %s (method %d) is not the manifest: %v", opt.Store, opt.Level, last.name, last.method, err)
		}
	}
}

// TestStreaming_EXP03_ReaderRefusesDescriptorOnStored: ssRead is as strict
// as ZipInputStream: the same archive with a data descriptor on its stored
// entries, as the writer wrote them before, is refused; so the test above
// could fail.
func TestStreaming_EXP03_ReaderRefusesDescriptorOnStored(t *testing.T) {
	data, _ := ssArchive(t, export.Options{Store: true}, ssFiles()[:2]...)
	old := ssRewrite(t, data, func(fh *zip.FileHeader) { fh.Flags |= 0x8 })
	if _, err := ssRead(old); err == nil || !strings.Contains(err.Error(), "only DEFLATED entries can have EXT descriptor") {
		t.Fatalf("stored entries with a descriptor: %v, want them refused", err)
	}
}

// ssRewrite copies archive data entry by entry with archive/zip, each
// header changed by change; a stored entry's checksum and sizes go in its
// local header unless change gave it a data descriptor.
func ssRewrite(t *testing.T, data []byte, change func(*zip.FileHeader)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		fh := f.FileHeader
		change(&fh)
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateRaw(&fh)
		if err == nil {
			_, err = io.Copy(w, raw)
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

// TestVerify_EXP03_DescriptorOnStoredIsLayout: Verify rebuilds the headers
// the writer writes. The layout the writer wrote before entries were made
// on Unix (made on MS-DOS, no attributes, a data descriptor on every entry)
// still verifies; the same descriptors on entries made on Unix, as the
// writer wrote them for a while, are a layout problem: that archive is not
// what the writer writes, and streaming readers refuse it (EXP-03).
func TestVerify_EXP03_DescriptorOnStoredIsLayout(t *testing.T) {
	for _, opt := range []export.Options{{}, {Store: true}} {
		data, _ := ssArchive(t, opt, ssFiles()[:4]...)
		legacy := ssRewrite(t, data, func(fh *zip.FileHeader) {
			fh.Flags |= 0x8
			fh.CreatorVersion, fh.ExternalAttrs = 20, 0
		})
		if _, err := export.Verify(bytes.NewReader(legacy), int64(len(legacy))); err != nil {
			t.Errorf("store=%v: the legacy layout: %v", opt.Store, err)
		}
		unix := ssRewrite(t, data, func(fh *zip.FileHeader) { fh.Flags |= 0x8 })
		rep, err := export.Verify(bytes.NewReader(unix), int64(len(unix)))
		if !errors.Is(err, export.ErrUnverified) || !slices.ContainsFunc(rep.Problems, func(p export.Problem) bool { return p.Kind == export.ProblemLayout }) {
			t.Errorf("store=%v: stored entries made on Unix with a data descriptor: %v, want a layout problem", opt.Store, err)
		}
		// Deflated entries keep their descriptor: taking it away is a
		// layout problem too.
		if !opt.Store {
			none := ssRewrite(t, data, func(fh *zip.FileHeader) { fh.Flags &^= 0x8 })
			rep, err := export.Verify(bytes.NewReader(none), int64(len(none)))
			if !errors.Is(err, export.ErrUnverified) || !slices.ContainsFunc(rep.Problems, func(p export.Problem) bool { return p.Kind == export.ProblemLayout }) {
				t.Errorf("deflated entries without their descriptor: %v, want a layout problem", err)
			}
		}
	}
}

// ssAllocated returns the bytes f allocates.
func ssAllocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// ssWatched reads r and, at its end, counts the files in dir: the
// temporary files the writer holds while the document is read.
type ssWatched struct {
	r     io.Reader
	dir   string
	atEOF int
	t     *testing.T
}

func (w *ssWatched) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err == io.EOF {
		ents, derr := os.ReadDir(w.dir)
		if derr != nil {
			w.t.Error(derr)
		}
		w.atEOF = len(ents)
	}
	return n, err
}

// TestStore_EXP03_LargeDocumentSpooledToDisk: a stored document of 64 MiB
// from a reader that cannot seek waits in a temporary file in
// Options.TempDir, not in memory: writing it allocates less than 8 MiB, the
// file is there while the document is read and gone after, and the
// manifest's digest is the document's (EXP-03).
func TestStore_EXP03_LargeDocumentSpooledToDisk(t *testing.T) {
	const size = 64 << 20
	dir := t.TempDir()
	body := &ssWatched{r: io.LimitReader(zbNoise{}, size), dir: dir, t: t}
	want := sha256.New()
	if _, err := io.Copy(want, io.LimitReader(zbNoise{}, size)); err != nil {
		t.Fatal(err)
	}
	var m export.Manifest
	var err error
	var out ssCRC
	alloc := ssAllocated(func() {
		var w *export.Writer
		if w, err = export.NewWriter(&out, "acme", ssAt, export.Options{Store: true, TempDir: dir}); err != nil {
			return
		}
		if err = w.WriteFiles(rtSeq(export.File{Name: "big.bin", Body: body})); err != nil {
			return
		}
		m, err = w.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	if body.atEOF != 1 {
		t.Errorf("%d files in TempDir while the document was read, want its one temporary file", body.atEOF)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("%d files left in TempDir after Close", len(ents))
	}
	if f := m.Files[0]; f.Method != "store" || f.Bytes != size || f.SHA256 != hex.EncodeToString(want.Sum(nil)) {
		t.Errorf("the manifest says %s, %d bytes, %s", f.Method, f.Bytes, f.SHA256)
	}
	if out.n < size {
		t.Errorf("the archive holds %d bytes, less than the document", out.n)
	}
	if alloc >= 8<<20 {
		t.Errorf("storing a 64 MiB document allocated %d bytes, want under 8 MiB", alloc)
	}
	t.Logf("64 MiB stored: %d bytes allocated", alloc)
}

// ssCRC counts what is written to it, keeping nothing.
type ssCRC struct{ n int64 }

func (c *ssCRC) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// TestStore_EXP03_RereadBodyNotSpooled: a document marked Reread is read
// twice and never spooled: with a TempDir that does not exist, where no
// temporary file can be made, a 4 MiB Reread document is written, without
// holding it in memory; the same document not marked Reread fails with
// ErrSpool, Close returns that error, and what was written is no archive
// that verifies (EXP-03).
func TestStore_EXP03_RereadBodyNotSpooled(t *testing.T) {
	const size = 4 << 20
	content := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	nowhere := t.TempDir() + "/absent"
	opt := export.Options{Store: true, TempDir: nowhere}

	var out bytes.Buffer
	out.Grow(size + 1<<20)
	var m export.Manifest
	var err error
	alloc := ssAllocated(func() {
		var w *export.Writer
		if w, err = export.NewWriter(&out, "acme", ssAt, opt); err != nil {
			return
		}
		if err = w.WriteFiles(rtSeq(export.File{Name: "doc.bin", Body: bytes.NewReader(content), Reread: true})); err != nil {
			return
		}
		m, err = w.Close()
	})
	if err != nil {
		t.Fatalf("a Reread document with no TempDir: %v", err)
	}
	if f := m.Files[0]; f.Method != "store" || f.Bytes != size {
		t.Errorf("the manifest says %s, %d bytes", f.Method, f.Bytes)
	}
	if alloc >= size/2 {
		t.Errorf("a Reread document of %d bytes: %d bytes allocated, want it not held", size, alloc)
	}
	data := out.Bytes()
	if _, err := export.Verify(bytes.NewReader(data), int64(len(data))); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if got, err := ssRead(data); err != nil || len(got) != 2 || !bytes.Equal(got[0].content, content) {
		t.Errorf("streamed: %v", err)
	}

	out.Reset()
	w, err := export.NewWriter(&out, "acme", ssAt, opt)
	if err != nil {
		t.Fatal(err)
	}
	err = w.WriteFiles(rtSeq(export.File{Name: "doc.bin", Body: bytes.NewReader(content)}))
	if !errors.Is(err, export.ErrSpool) || !errors.Is(err, os.ErrNotExist) || errors.Is(err, export.ErrSource) {
		t.Fatalf("a document spooled where no file can be made: %v, want ErrSpool wrapping the OS error", err)
	}
	if _, cerr := w.Close(); !errors.Is(cerr, export.ErrSpool) {
		t.Fatalf("Close after the spool failed: %v, want the same error", cerr)
	}
	data = out.Bytes()
	if _, err := export.Verify(bytes.NewReader(data), int64(len(data))); !errors.Is(err, export.ErrUnverified) {
		t.Fatalf("the unfinished archive verifies: %v", err)
	}
}

// ssFickle is a ReadSeeker whose content changes after every seek.
type ssFickle struct {
	bytes.Reader
	content []byte
	seeks   int
}

func (f *ssFickle) Seek(off int64, whence int) (int64, error) {
	f.seeks++
	if f.seeks > 1 {
		f.content[0]++
		f.Reader.Reset(f.content)
	}
	return f.Reader.Seek(off, whence)
}

// TestStore_EXP03_RereadMustReadTheSame: a Reread document that reads
// otherwise the second time, or longer, or shorter, fails the write with
// ErrSource, and the archive is left unfinished; a Reread body that cannot
// seek is refused as invalid; a Reread body read from its middle is
// written from there (EXP-03).
func TestStore_EXP03_RereadMustReadTheSame(t *testing.T) {
	grow := &ssFickle{content: []byte("abc")}
	grow.Reader.Reset(grow.content)
	for name, body := range map[string]io.ReadSeeker{
		"changed": grow,
	} {
		var out bytes.Buffer
		w, err := export.NewWriter(&out, "acme", ssAt, export.Options{Store: true})
		if err != nil {
			t.Fatal(err)
		}
		err = w.WriteFiles(rtSeq(export.File{Name: "a.txt", Body: body, Reread: true}))
		if !errors.Is(err, export.ErrSource) {
			t.Fatalf("%s: %v, want ErrSource", name, err)
		}
		if _, err := w.Close(); !errors.Is(err, export.ErrSource) {
			t.Fatalf("%s: Close: %v", name, err)
		}
	}
	for _, c := range []struct {
		name string
		body *ssLying
	}{
		{"longer", &ssLying{first: "abc", second: "abcd"}},
		{"shorter", &ssLying{first: "abc", second: "ab"}},
		{"other", &ssLying{first: "abc", second: "abd"}},
	} {
		w, err := export.NewWriter(io.Discard, "acme", ssAt, export.Options{Store: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteFiles(rtSeq(export.File{Name: "a.txt", Body: c.body, Reread: true})); !errors.Is(err, export.ErrSource) {
			t.Errorf("%s the second time: %v, want ErrSource", c.name, err)
		}
	}
	w, err := export.NewWriter(io.Discard, "acme", ssAt, export.Options{Store: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFiles(rtSeq(export.File{Name: "a.txt", Body: io.LimitReader(strings.NewReader("a"), 1), Reread: true})); !errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("Reread without Seek: %v, want ErrInvalid", err)
	}
	mid := strings.NewReader("skip:kept")
	if _, err := mid.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	data, m := ssArchive(t, export.Options{Store: true}, export.File{Name: "mid.txt", Body: mid, Reread: true})
	got, err := ssRead(data)
	if err != nil || len(m.Files) != 4 || string(got[3].content) != "kept" || m.Files[3].Bytes != 4 {
		t.Errorf("a Reread body from its middle: %v, %q", err, got[3].content)
	}
}

// ssLying reads first, and after a seek back to the start, second.
type ssLying struct {
	first, second string
	r             *strings.Reader
	seeks         int
}

func (l *ssLying) Read(p []byte) (int, error) {
	if l.r == nil {
		l.r = strings.NewReader(l.first)
	}
	return l.r.Read(p)
}

func (l *ssLying) Seek(off int64, whence int) (int64, error) {
	if l.r == nil {
		l.r = strings.NewReader(l.first)
	}
	l.seeks++
	if l.seeks == 2 {
		l.r = strings.NewReader(l.second)
	}
	return l.r.Seek(off, whence)
}
