package export_test

// An independent reading of the archive's bytes (EXP-03): the ZIP headers
// the writer writes are parsed here field by field with encoding/binary,
// following PKWARE's APPNOTE.TXT, without archive/zip and without the
// package's own header code, so that a change to either that alters a
// byte of a header is seen.

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy/export"
)

// zbReader reads little-endian fields from a byte slice, failing the test
// when they run out.
type zbReader struct {
	t   *testing.T
	b   []byte
	off int
}

func (r *zbReader) take(n int) []byte {
	r.t.Helper()
	if n < 0 || r.off+n > len(r.b) {
		r.t.Fatalf("%d bytes wanted at offset %d of %d", n, r.off, len(r.b))
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *zbReader) u16() uint16 { return binary.LittleEndian.Uint16(r.take(2)) }
func (r *zbReader) u32() uint32 { return binary.LittleEndian.Uint32(r.take(4)) }

// zbCentral is one central directory record.
type zbCentral struct {
	madeBy, needed, flags, method, time, date uint16
	crc, csize, usize                         uint32
	name                                      string
	extra, comment, disk, internal            uint16
	external, offset                          uint32
}

// zbDOS is t in MS-DOS form, in UTC: the date and the time to two
// seconds.
func zbDOS(t time.Time) (date, clock uint16) {
	t = t.UTC()
	return uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day()), uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2)
}

// zbCheck parses data and checks every header field against what the
// writer promises and against the manifest.
func zbCheck(t *testing.T, data []byte, m export.Manifest) {
	t.Helper()
	// End of central directory: the last 22 bytes, as there is no comment.
	if len(data) < 22 {
		t.Fatalf("%d bytes", len(data))
	}
	end := &zbReader{t: t, b: data, off: len(data) - 22}
	if sig := end.u32(); sig != 0x06054b50 {
		t.Fatalf("end of central directory signature %#x", sig)
	}
	disk, cdDisk, onDisk, total := end.u16(), end.u16(), end.u16(), end.u16()
	cdSize, cdOffset, commentLen := end.u32(), end.u32(), end.u16()
	entries := len(m.Files) + 1
	if disk != 0 || cdDisk != 0 || int(onDisk) != entries || int(total) != entries || commentLen != 0 {
		t.Fatalf("end record: disk %d, directory disk %d, entries %d and %d (want %d), comment %d", disk, cdDisk, onDisk, total, entries, commentLen)
	}
	if int(cdOffset)+int(cdSize) != len(data)-22 {
		t.Fatalf("the directory (%d bytes at %d) does not end where the end record starts (%d)", cdSize, cdOffset, len(data)-22)
	}

	// Central directory.
	cd := &zbReader{t: t, b: data[:cdOffset+cdSize], off: int(cdOffset)}
	var central []zbCentral
	for range entries {
		if sig := cd.u32(); sig != 0x02014b50 {
			t.Fatalf("central directory signature %#x at %d", sig, cd.off-4)
		}
		c := zbCentral{madeBy: cd.u16(), needed: cd.u16(), flags: cd.u16(), method: cd.u16(), time: cd.u16(), date: cd.u16(),
			crc: cd.u32(), csize: cd.u32(), usize: cd.u32()}
		nameLen := cd.u16()
		c.extra, c.comment, c.disk, c.internal = cd.u16(), cd.u16(), cd.u16(), cd.u16()
		c.external, c.offset = cd.u32(), cd.u32()
		c.name = string(cd.take(int(nameLen)))
		cd.take(int(c.extra) + int(c.comment))
		central = append(central, c)
	}
	if cd.off != int(cdOffset+cdSize) {
		t.Fatalf("the directory holds %d bytes more than its records", int(cdOffset+cdSize)-cd.off)
	}

	date, clock := zbDOS(m.At)
	local := &zbReader{t: t, b: data[:cdOffset]}
	for i, c := range central {
		// The manifest's order, the manifest last.
		want := export.FileEntry{Path: export.ManifestPath, Method: "store"}
		if i < len(m.Files) {
			want = m.Files[i]
		}
		nonASCII := strings.IndexFunc(c.name, func(r rune) bool { return r >= 0x80 }) >= 0
		// A deflated entry has its sizes and CRC in a data descriptor; a
		// stored one in its local header, as streaming readers need.
		wantFlags := map[string]uint16{"store": 0, "deflate": 0x0008}[want.Method]
		if nonASCII {
			wantFlags |= 0x0800 // the name is UTF-8
		}
		wantMethod := map[string]uint16{"store": 0, "deflate": 8}[want.Method]
		switch {
		case c.name != want.Path:
			t.Fatalf("entry %d is %q, the manifest's %q", i, c.name, want.Path)
		case c.madeBy != 0x0314 || c.needed != 20:
			t.Fatalf("%s: made by version %#04x, needs %#04x; want 0x0314 (Unix, 2.0) and 20", c.name, c.madeBy, c.needed)
		case c.flags != wantFlags:
			t.Fatalf("%s: flags %#04x, want %#04x", c.name, c.flags, wantFlags)
		case c.method != wantMethod:
			t.Fatalf("%s: method %d, the manifest says %s", c.name, c.method, want.Method)
		case c.date != date || c.time != clock:
			t.Fatalf("%s: date %#04x time %#04x, want %#04x %#04x for %s", c.name, c.date, c.time, date, clock, m.At.UTC())
		case c.extra != 0 || c.comment != 0 || c.disk != 0 || c.internal != 0:
			t.Fatalf("%s: extra %d, comment %d, disk %d, internal attributes %d; want all 0", c.name, c.extra, c.comment, c.disk, c.internal)
		case c.external != 0o100644<<16:
			t.Fatalf("%s: external attributes %#08x, want a regular file 0644 (%#08x)", c.name, c.external, uint32(0o100644<<16))
		case int(c.offset) != local.off:
			t.Fatalf("%s: the directory puts it at %d, it follows the previous entry at %d", c.name, c.offset, local.off)
		}

		// Local header: the same fields, the same name, no extra field;
		// stored, the directory's CRC and sizes, deflated, zeros (they
		// follow the data).
		if sig := local.u32(); sig != 0x04034b50 {
			t.Fatalf("%s: local header signature %#x", c.name, sig)
		}
		needed, flags, method, lt, ld := local.u16(), local.u16(), local.u16(), local.u16(), local.u16()
		lcrc, lcsize, lusize := local.u32(), local.u32(), local.u32()
		nameLen, extraLen := local.u16(), local.u16()
		name := string(local.take(int(nameLen)))
		wcrc, wcsize, wusize := uint32(0), uint32(0), uint32(0)
		if c.method == 0 {
			wcrc, wcsize, wusize = c.crc, c.csize, c.usize
		}
		if needed != c.needed || flags != c.flags || method != c.method || lt != c.time || ld != c.date ||
			lcrc != wcrc || lcsize != wcsize || lusize != wusize || name != c.name || extraLen != 0 {
			t.Fatalf("%s: local header %d %#x %d %#x %#x, CRC %#x, sizes %d %d, name %q, extra %d; the directory says %d %#x %d %#x %#x, CRC %#x, sizes %d %d",
				c.name, needed, flags, method, lt, ld, lcrc, lcsize, lusize, name, extraLen, c.needed, c.flags, c.method, c.time, c.date, wcrc, wcsize, wusize)
		}
		stored := local.take(int(c.csize))

		// Data descriptor, with its signature: deflated entries only.
		if c.method == 8 {
			if sig, crc, csize, usize := local.u32(), local.u32(), local.u32(), local.u32(); sig != 0x08074b50 || crc != c.crc || csize != c.csize || usize != c.usize {
				t.Fatalf("%s: data descriptor %#x, CRC %#x, sizes %d %d; the directory says CRC %#x, sizes %d %d", c.name, sig, crc, csize, usize, c.crc, c.csize, c.usize)
			}
		}

		// The content, inflated here, against the CRC, the sizes and the
		// manifest.
		content := stored
		if c.method == 8 {
			var err error
			if content, err = io.ReadAll(flate.NewReader(bytes.NewReader(stored))); err != nil {
				t.Fatalf("%s: inflating: %v", c.name, err)
			}
		}
		if got := crc32.ChecksumIEEE(content); got != c.crc || len(content) != int(c.usize) {
			t.Fatalf("%s: content CRC %#x and %d bytes, the directory says %#x and %d", c.name, got, len(content), c.crc, c.usize)
		}
		if i == len(m.Files) {
			if !bytes.HasPrefix(content, []byte(`{"schema":1,`)) {
				t.Fatalf("the last entry is not the manifest: %.40q", content)
			}
			continue
		}
		sum, storedSum := sha256.Sum256(content), sha256.Sum256(stored)
		if want.Bytes != int64(c.usize) || want.StoredBytes != int64(c.csize) || want.SHA256 != hex.EncodeToString(sum[:]) || want.StoredSHA256 != hex.EncodeToString(storedSum[:]) {
			t.Fatalf("%s: %d bytes, %d stored, digests %x %x; the manifest says %d, %d, %s, %s", c.name, c.usize, c.csize, sum, storedSum, want.Bytes, want.StoredBytes, want.SHA256, want.StoredSHA256)
		}
	}
	if local.off != int(cdOffset) {
		t.Fatalf("%d bytes between the last entry and the directory", int(cdOffset)-local.off)
	}
}

// TestZipHeaders_EXP03_IndependentReading writes archives, deflated and
// stored, with ASCII and non-ASCII names, taken at a moment given in a
// zone east of UTC with an odd second, and checks every header byte with
// zbCheck (EXP-03). The documents include one read twice (File.Reread)
// and one of 3 MiB, which a stored archive spools to a temporary file.
func TestZipHeaders_EXP03_IndependentReading(t *testing.T) {
	at := time.Date(2031, 7, 5, 4, 59, 57, 0, time.FixedZone("IST", 5*3600+1800)) // 23:29:57 UTC the day before
	for _, opt := range []export.Options{{}, {Store: true}, {Level: 9}} {
		var buf bytes.Buffer
		w, err := export.NewWriter(&buf, "acme", at, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteTable(export.Contacts, []string{"name"}, rtSeq([]string{"Ada"}, []string{"=1+1"})); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteCalendar(rtSeq(export.Event{Summary: "Meet", Start: at})); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteFiles(rtSeq(
			export.File{Name: "report.pdf", Body: strings.NewReader(strings.Repeat("%PDF ", 100))},
			export.File{Name: "café/notes.txt", Body: strings.NewReader("é")},
			export.File{Name: "empty", Body: strings.NewReader("")},
			export.File{Name: "日本語.txt", Body: strings.NewReader("にほん")},
			export.File{Name: "twice.txt", Body: strings.NewReader(strings.Repeat("twice ", 50)), Reread: true},
			export.File{Name: "big.bin", Body: io.LimitReader(zbNoise{}, 3<<20)},
		)); err != nil {
			t.Fatal(err)
		}
		m, err := w.Close()
		if err != nil {
			t.Fatal(err)
		}
		date, clock := zbDOS(at)
		if date != (2031-1980)<<9|7<<5|4 || clock != 23<<11|29<<5|57/2 {
			t.Fatalf("zbDOS(%s) = %#x %#x", at, date, clock)
		}
		zbCheck(t, buf.Bytes(), m)
	}
}

// zbNoise is an endless reader of bytes that do not compress much: a
// linear congruential sequence, the same every time.
type zbNoise struct{}

func (zbNoise) Read(p []byte) (int, error) {
	x := uint32(len(p))
	for i := range p {
		x = x*1664525 + 1013904223
		p[i] = byte(x >> 24)
	}
	return len(p), nil
}
