package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"iter"
	"strconv"
	"testing"
	"time"
)

// benchRows yields n CRM rows of about 100 bytes, cycling through a fixed
// set so that the source allocates nothing per row.
func benchRows(n int) (header []string, rows iter.Seq2[[]string, error], size int64) {
	header = []string{"id", "name", "email", "phone", "company", "note"}
	pool := make([][]string, 1000)
	var per int64
	for i := range pool {
		pool[i] = []string{strconv.Itoa(i), "Ada Lovelace " + strconv.Itoa(i), "ada" + strconv.Itoa(i) + "@example.com",
			"+44 20 7946 " + strconv.Itoa(1000+i), "Analytical Engines, Ltd.", "met at the \"expo\"; =follow up"}
		for _, c := range pool[i] {
			per += int64(len(c)) + 1
		}
	}
	size = per * int64(n) / int64(len(pool))
	rows = func(yield func([]string, error) bool) {
		for i := range n {
			if !yield(pool[i%len(pool)], nil) {
				return
			}
		}
	}
	return header, rows, size
}

// writeBenchTable writes an archive of one table to dst: NewWriter,
// WriteTable, Close.
func writeBenchTable(dst io.Writer, at time.Time, opt Options, header []string, rows iter.Seq2[[]string, error]) (Manifest, error) {
	w, err := NewWriter(dst, "acme", at, opt)
	if err != nil {
		return Manifest{}, err
	}
	if err := w.WriteTable(Contacts, header, rows); err != nil {
		return Manifest{}, err
	}
	return w.Close()
}

// BenchmarkWriteTable writes one CSV category of 10,000 and of 1,000,000
// rows to io.Discard. B/op must not grow with the rows (EXP-03: the writer
// streams); MB/s is the CSV throughput.
func BenchmarkWriteTable(b *testing.B) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, mode := range []struct {
		name string
		opt  Options
	}{{"stored", Options{Store: true}}, {"deflated", Options{}}, {"deflated-fast", Options{Level: 1}}} {
		for _, n := range []int{10_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/rows=%d", mode.name, n), func(b *testing.B) {
				header, rows, size := benchRows(n)
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := writeBenchTable(io.Discard, at, mode.opt, header, rows); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkVerify reads back an archive of 100,000 CRM rows: MB/s of CSV
// checked, deflated.
func BenchmarkVerify(b *testing.B) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	header, rows, size := benchRows(100_000)
	var buf bytes.Buffer
	if _, err := writeBenchTable(&buf, at, Options{}, header, rows); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}

// exportVsZipLevel is the deflate level both sides of BenchmarkExportVsZip
// use: the Writer's default, flate.DefaultCompression (6). archive/zip's
// own compressor uses level 5, so the baseline registers its own.
const exportVsZipLevel = flate.DefaultCompression

// benchCSVLines returns the exact bytes the Writer stores for the table of
// benchRows(n) with options opt: the header line, then the line of each of
// the 1,000 distinct rows benchRows cycles through, each ending in CRLF.
// The n-row file is the header line, then the row lines cycled n times.
// The lines are taken from an archive the Writer wrote, split at CRLF
// (no cell of benchRows holds a line break), and checked to join back to
// the whole file.
func benchCSVLines(tb testing.TB, opt Options) [][]byte {
	tb.Helper()
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	header, rows, _ := benchRows(1000)
	var buf bytes.Buffer
	if _, err := writeBenchTable(&buf, at, opt, header, rows); err != nil {
		tb.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		tb.Fatal(err)
	}
	f, err := zr.Open(Contacts.Path())
	if err != nil {
		tb.Fatal(err)
	}
	content, err := io.ReadAll(f)
	if err != nil {
		tb.Fatal(err)
	}
	lines := bytes.SplitAfter(content, []byte("\r\n"))
	if last := len(lines) - 1; len(lines[last]) == 0 {
		lines = lines[:last]
	}
	if len(lines) != 1001 || !bytes.Equal(bytes.Join(lines, nil), content) {
		tb.Fatalf("the table of 1,000 rows splits into %d lines", len(lines))
	}
	return lines
}

// zipBaseline is the hand-written export BenchmarkExportVsZip compares the
// Writer with: an archive/zip writer to io.Discard whose Deflate
// compressor is one flate.Writer at exportVsZipLevel, reset for every
// archive.
type zipBaseline struct {
	fl *flate.Writer
}

// write writes one archive to io.Discard: one entry, the table's path,
// made with zip.Writer.CreateHeader (method m; archive/zip computes the
// CRC-32 and writes a data descriptor), whose content is the header line,
// then n row lines cycling through lines[1:], each written to a
// 4 KiB bufio.Writer over io.MultiWriter(entry, sha256) exactly as
// encoding/csv's Writer feeds its destination, and then flushed. It
// returns the content's SHA-256.
func (z *zipBaseline) write(lines [][]byte, n int, m uint16) ([]byte, error) {
	zw := zip.NewWriter(io.Discard)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		if z.fl == nil {
			var err error
			z.fl, err = flate.NewWriter(out, exportVsZipLevel)
			return z.fl, err
		}
		z.fl.Reset(out)
		return z.fl, nil
	})
	entry, err := zw.CreateHeader(&zip.FileHeader{Name: Contacts.Path(), Method: m})
	if err != nil {
		return nil, err
	}
	sum := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(entry, sum), 4096)
	bw.Write(lines[0])
	rows := lines[1:]
	for i := range n {
		bw.Write(rows[i%len(rows)])
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return sum.Sum(nil), nil
}

// BenchmarkExportVsZip compares the Writer ("tenancy": NewWriter to
// io.Discard, WriteTable of benchRows(n), Close) with a hand-written
// archive/zip export of the same CSV bytes ("baseline", see
// zipBaseline.write: archive/zip's CreateHeader, CRC-32 by archive/zip, a
// SHA-256 of the content through io.MultiWriter, rows fed through a 4 KiB
// bufio.Writer as encoding/csv does, no CSV encoding, no spooling, no
// manifest), stored and deflated at the Writer's default level, at 10,000
// and 1,000,000 rows. The baseline's row bytes are precomputed outside the
// timed loop from the Writer's own output, and its SHA-256 is checked
// against the Writer's manifest once. The sides of one size are adjacent
// sub-benchmarks, .../tenancy and .../baseline; the ratio of the targets
// (issue 15) is baseline ns/op over tenancy ns/op. Both report the MB/s of
// the CSV file.
func BenchmarkExportVsZip(b *testing.B) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, mode := range []struct {
		name   string
		opt    Options
		method uint16
	}{{"store", Options{Store: true}, zip.Store}, {"deflate", Options{}, zip.Deflate}} {
		lines := benchCSVLines(b, mode.opt)
		for _, n := range []int{10_000, 1_000_000} {
			header, rows, _ := benchRows(n)
			size := int64(len(lines[0]))
			for i := range n {
				size += int64(len(lines[1+i%1000]))
			}
			var want string
			b.Run(fmt.Sprintf("%s/rows=%d/tenancy", mode.name, n), func(b *testing.B) {
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					m, err := writeBenchTable(io.Discard, at, mode.opt, header, rows)
					if err != nil {
						b.Fatal(err)
					}
					want = m.Files[0].SHA256
				}
			})
			b.Run(fmt.Sprintf("%s/rows=%d/baseline", mode.name, n), func(b *testing.B) {
				var z zipBaseline
				sum, err := z.write(lines, n, mode.method)
				if err != nil {
					b.Fatal(err)
				}
				if want != "" && hex.EncodeToString(sum) != want {
					b.Fatalf("the baseline's SHA-256 %x is not the Writer's %s", sum, want)
				}
				b.SetBytes(size)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := z.write(lines, n, mode.method); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
