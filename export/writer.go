package export

import (
	"archive/zip"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
)

// ErrSource is matched by the error a Writer returns when a source fails
// mid-stream; the source's own error is wrapped too.
var ErrSource = errors.New("export source failed")

// ErrSpool is matched by the error a Writer returns when it cannot create,
// write or read back the temporary file in which a stored entry waits
// until its size and checksum are known (see Options.TempDir); the
// operating system's error is wrapped too. Like any failure, it leaves the
// archive unfinished, without its directory or its manifest.
var ErrSpool = errors.New("export cannot spool a stored entry")

// Options tune a Writer.
type Options struct {
	// Store writes the files uncompressed: faster, larger. By default
	// they are deflated. A stored entry carries its checksum and sizes in
	// its local header, with no data descriptor, as streaming readers
	// (Java's ZipInputStream, Commons Compress) require; so the writer
	// learns them before it writes the header. A Drive document marked
	// File.Reread is read twice (checksum and size, then the copy);
	// anything else waits in memory up to 1 MiB, and beyond in a
	// temporary file in TempDir, removed once the entry is written. An
	// entry of 4 GiB or more, whose sizes the local header cannot hold, is
	// deflated all the same, and its manifest line says so.
	Store bool
	// TempDir is the folder of the temporary files of stored entries
	// larger than 1 MiB; "" means os.TempDir(). A temporary file that
	// cannot be made fails the write with ErrSpool.
	TempDir string
	// Level is the deflate level, from flate.BestSpeed (1) to
	// flate.BestCompression (9); 0 means flate.DefaultCompression.
	Level int
	// Neutralise is how CSV cells a spreadsheet would run as formulas are
	// written; the zero value is the default, NeutraliseFormulas.
	Neutralise Neutralise
	// BOM starts every CSV file with a UTF-8 byte order mark, which Excel
	// needs to read the file as UTF-8 rather than in the Windows code
	// page. It is off by default: RFC 4180 and most other readers (Unix
	// tools, many CSV libraries) take the mark for part of the first
	// header name; LibreOffice Calc reads CSV as Windows-1252 unless
	// UTF-8 is chosen on import, with the mark or without it.
	// ReadTable and Verify skip it; the manifest records it (FileEntry.BOM)
	// and counts it in the file's Bytes.
	BOM bool
}

// File is one Drive document, as a service's document source yields it.
type File struct {
	// Name is the document's name, which may hold folders ("Q3/report.pdf").
	// The archive path is made safe from it (see Writer.WriteFiles).
	Name string
	// Body is read to its end before the source is asked for the next
	// file, so the source may close it once yield returns. It is only
	// Read, once, unless Reread is set.
	Body io.Reader
	// Reread says that Body is an io.ReadSeeker the writer may read
	// twice when it stores the document (Options.Store): once for its
	// checksum and size, which a stored entry's local header holds, then,
	// after seeking back to where it started, into the archive, instead of
	// holding it in memory or a temporary file meanwhile. A body that
	// reads otherwise the second time fails the write with ErrSource. A
	// Reread document whose Body cannot seek is refused (ErrInvalid).
	// Deflated, the body is read once all the same.
	Reread bool
}

// flushAt is how many encoded bytes are gathered before they go to the
// archive.
const flushAt = 64 << 10

// Writer streams an export archive, a ZIP file, to an io.Writer (EXP-03).
// The service hands it each category as an iterator; records are encoded
// and written as they come, so memory does not grow with the number of
// records. Close writes the manifest.
//
// The sources are only read (EXP-04): the writer never changes a row, an
// event or a document, and takes no handle that could. A Writer is not
// safe for concurrent use.
//
// When a source fails, or a write to the destination does, every later
// call returns that error and the archive is left unfinished, without its
// directory or its manifest: no ZIP tool opens it as complete and Verify
// reports it.
type Writer struct {
	zw    *zip.Writer
	man   Manifest
	store bool
	fl    *flate.Writer
	level int
	how   Neutralise // CSV formula cells (Options.Neutralise)
	bom   bool       // CSV files start with a BOM (Options.BOM)
	err   error
	done  map[Category]bool
	names *namer
	buf   []byte
	copy  []byte
	e     entry
	sp    spool // the content of a stored entry, until its size is known
	// storeMax is the largest entry written stored: maxStoredBytes, lower
	// in tests.
	storeMax int64
}

// entry is the file being written: its content goes through the hashes
// and, deflated, into the ZIP, or, stored, into the spool until its size
// is known (or straight into the ZIP, on a document's second reading).
type entry struct {
	name    string
	fh      *zip.FileHeader // nil while the entry is spooled
	out     io.Writer
	fl      *flate.Writer
	sum     hash.Hash
	crc     hash.Hash32
	stored  hash.Hash
	n       int64
	storedN int64
}

func (e *entry) Write(p []byte) (int, error) {
	e.sum.Write(p)
	e.crc.Write(p)
	e.n += int64(len(p))
	if e.fl != nil {
		return e.fl.Write(p)
	}
	// Stored: the stored form is the content, hashed once.
	e.storedN += int64(len(p))
	return e.out.Write(p)
}

// rawSink receives the bytes as the ZIP stores them.
type rawSink struct{ e *entry }

func (r rawSink) Write(p []byte) (int, error) {
	r.e.stored.Write(p)
	r.e.storedN += int64(len(p))
	return r.e.out.Write(p)
}

// NewWriter starts an archive of account's data taken at at, written to
// dst. The time must fall in the years 1980 to 2107, which a ZIP can hold.
func NewWriter(dst io.Writer, account tenancy.AccountID, at time.Time, opt Options) (*Writer, error) {
	if dst == nil || account == "" {
		return nil, tenancy.Refuse("EXP-03", tenancy.ErrInvalid, "an archive needs a destination and an account")
	}
	at = at.UTC()
	if y := at.Year(); y < 1980 || y > 2107 {
		return nil, tenancy.Refuse("EXP-03", tenancy.ErrInvalid, "export time %s is outside the years 1980 to 2107", at.Format(time.RFC3339))
	}
	if !opt.Neutralise.writable() {
		return nil, tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "neutralisation %v cannot be written", opt.Neutralise)
	}
	if opt.Level < 0 || opt.Level > flate.BestCompression {
		return nil, tenancy.Refuse("EXP-03", tenancy.ErrInvalid, "deflate level %d is outside 0 to 9", opt.Level)
	}
	level := opt.Level
	if level == 0 {
		level = flate.DefaultCompression
	}
	return &Writer{
		zw:    zip.NewWriter(dst),
		man:   Manifest{Schema: SchemaVersion, Account: account, At: at, Neutralisation: opt.Neutralise.String(), Files: []FileEntry{}},
		how:   opt.Neutralise,
		bom:   opt.BOM,
		store: opt.Store,
		level: level,
		done:  map[Category]bool{},
		names: newNamer("drive/"),
		e:     entry{sum: sha256.New(), crc: crc32.NewIEEE(), stored: sha256.New()},
		sp:    spool{dir: opt.TempDir},

		storeMax: maxStoredBytes,
	}, nil
}

// begin checks that category c may be written now, once, with method m.
func (w *Writer) begin(c Category, m Method) error {
	if w.err != nil {
		return w.err
	}
	if w.zw == nil {
		return tenancy.Refuse("EXP-03", tenancy.ErrInvalid, "the archive is closed")
	}
	if c.Method() != m {
		return tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "category %q is not exported as %s", c, m)
	}
	if w.done[c] {
		return tenancy.Refuse("EXP-03", tenancy.ErrInvalid, "category %q is already in the archive", c)
	}
	w.done[c] = true
	return nil
}

// fail makes err sticky: the archive is left unfinished. A spooled entry's
// temporary file is removed.
func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	w.sp.discard()
	return w.err
}

// open starts an entry: a stored one goes to the spool, its header
// written by close once its size and checksum are known.
func (w *Writer) open(name string, store bool) error {
	e := &w.e
	e.name, e.fh, e.n, e.storedN, e.fl = name, nil, 0, 0, nil
	e.sum.Reset()
	e.crc.Reset()
	e.stored.Reset()
	if store {
		w.sp.discard()
		e.out = &w.sp
		return nil
	}
	return w.openDeflated()
}

// openDeflated writes the header of the entry e.name, deflated, with a
// data descriptor, and makes e.fl the compressor into it.
func (w *Writer) openDeflated() error {
	e := &w.e
	fh := entryHeader(e.name, zip.Deflate, w.man.At)
	out, err := w.zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	e.fh, e.out, e.storedN = fh, out, 0
	e.stored.Reset()
	if w.fl == nil {
		if w.fl, err = flate.NewWriter(rawSink{e}, w.level); err != nil {
			return err
		}
	} else {
		w.fl.Reset(rawSink{e})
	}
	e.fl = w.fl
	return nil
}

// openStored writes the header of the entry e.name, stored, with its
// checksum and size, which must be those of the content that follows, in
// the local header and no data descriptor: streaming readers refuse a
// stored entry with one. Its content goes straight into the ZIP.
func (w *Writer) openStored(crc uint32, n int64) error {
	e := &w.e
	fh := entryHeader(e.name, zip.Store, w.man.At)
	setSizes(fh, crc, uint64(n), uint64(n))
	out, err := w.zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	e.fh, e.out = fh, out
	return nil
}

// unspool writes the spooled entry into the ZIP: stored, or deflated when
// it is too large for the sizes of a local header.
func (w *Writer) unspool() error {
	e := &w.e
	defer w.sp.discard()
	if w.copy == nil {
		w.copy = make([]byte, 32<<10)
	}
	if e.n > w.storeMax {
		if err := w.openDeflated(); err != nil {
			return err
		}
		if err := w.sp.writeTo(e.fl, w.copy); err != nil {
			return err
		}
		return e.fl.Close()
	}
	if err := w.openStored(e.crc.Sum32(), e.n); err != nil {
		return err
	}
	return w.sp.writeTo(e.out, w.copy)
}

// flush writes the gathered bytes into the entry.
func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.e.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// close finishes the entry and lists it in the manifest.
func (w *Writer) close(fe FileEntry) error {
	if err := w.flush(); err != nil {
		return err
	}
	e := &w.e
	switch {
	case e.fh == nil:
		if err := w.unspool(); err != nil {
			return err
		}
	case e.fl != nil:
		if err := e.fl.Close(); err != nil {
			return err
		}
	}
	setSizes(e.fh, e.crc.Sum32(), uint64(e.storedN), uint64(e.n))
	fe.Path = e.fh.Name
	fe.Bytes, fe.SHA256 = e.n, hex.EncodeToString(e.sum.Sum(nil))
	fe.StoredBytes, fe.StoredSHA256, fe.Method = e.storedN, fe.SHA256, methodName(e.fh.Method)
	if e.fl != nil {
		fe.StoredSHA256 = hex.EncodeToString(e.stored.Sum(nil))
	}
	w.man.Files = append(w.man.Files, fe)
	return nil
}

func sourceFailed(path string, n int64, err error) error {
	return fmt.Errorf("%w: %s, after %d records: %w", ErrSource, path, n, err)
}

// WriteTable writes category c, one of the CSV categories (contacts,
// deals, leads, tasks), to its path (Category.Path): the header row, then
// every row rows yields, as RFC 4180 CSV in UTF-8 with CRLF line ends
// (EXP-01). Every row must have as many cells as the header.
//
// A cell a spreadsheet could run as a formula, one whose first non-blank
// character is =, +, -, @ or a full-width form of them, or that starts
// with a tab or a carriage return, gets one apostrophe in front as
// Options.Neutralise says (by default not a plain negative number such as
// -3; see Neutralise); the manifest names the policy and counts the cells
// per file (Neutralised), and ReadTableAs takes the apostrophe off again.
// With Options.BOM the file starts with a UTF-8 byte order mark
// (FileEntry.BOM). Invalid UTF-8 is replaced by U+FFFD and counted
// (Repaired).
func (w *Writer) WriteTable(c Category, header []string, rows iter.Seq2[[]string, error]) error {
	if err := w.begin(c, MethodCSV); err != nil {
		return err
	}
	defer w.sp.discard()
	if len(header) == 0 || rows == nil {
		return w.fail(tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "%s: a table needs a header and rows", c))
	}
	if err := w.open(c.Path(), w.store); err != nil {
		return w.fail(err)
	}
	counts := csvCounts{how: w.how, bom: w.bom}
	w.buf = counts.begin(w.buf[:0], header)
	var n int64
	for row, err := range rows {
		if err != nil {
			return w.fail(sourceFailed(c.Path(), n, err))
		}
		if len(row) != len(header) {
			return w.fail(tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "%s: row %d has %d cells, the header %d", c.Path(), n+1, len(row), len(header)))
		}
		w.buf = appendRecord(w.buf, row, &counts)
		n++
		if len(w.buf) >= flushAt {
			if err := w.flush(); err != nil {
				return w.fail(err)
			}
		}
	}
	return w.fail0(w.close(FileEntry{Category: c, Records: n, Neutralised: counts.neutralised, BOM: counts.bom, Repaired: counts.repaired}))
}

// fail0 is fail for an error that may be nil.
func (w *Writer) fail0(err error) error {
	if err == nil {
		return nil
	}
	return w.fail(err)
}

// WriteCalendar writes the calendar events to calendar/events.ics as an
// RFC 5545 iCalendar file (EXP-01). Times are written in UTC to the
// second; text keeps its line breaks, and characters iCalendar cannot hold
// become U+FFFD, counted in the manifest (Repaired). An event without a
// start, with a year outside 1 to 9999, that ends before it starts, or
// with a text whose content line would exceed MaxCalendarLine bytes, is
// refused: ReadCalendar reads back exactly the events WriteCalendar
// writes.
func (w *Writer) WriteCalendar(events iter.Seq2[Event, error]) error {
	if err := w.begin(Events, MethodICalendar); err != nil {
		return err
	}
	defer w.sp.discard()
	if events == nil {
		return w.fail(tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "no calendar source"))
	}
	if err := w.open(Events.Path(), w.store); err != nil {
		return w.fail(err)
	}
	enc := icsEncoder{account: w.man.Account, stamp: w.man.At.Format(icsStamp)}
	w.buf = enc.header(w.buf[:0])
	for ev, err := range events {
		if err != nil {
			return w.fail(sourceFailed(Events.Path(), enc.n, err))
		}
		if w.buf, err = enc.event(w.buf, ev); err != nil {
			return w.fail(err)
		}
		if len(w.buf) >= flushAt {
			if err := w.flush(); err != nil {
				return w.fail(err)
			}
		}
	}
	w.buf = enc.footer(w.buf)
	return w.fail0(w.close(FileEntry{Category: Events, Records: enc.n, Repaired: enc.fixed}))
}

// WriteFiles writes every Drive document under drive/, one entry each,
// reading its Body to the end (EXP-01). The path is made safe from the
// name: backslashes count as folder separators; empty, "." and ".."
// elements are dropped, so no path is absolute or climbs out of drive/;
// characters Windows forbids become '_'; device names get a leading '_';
// an element over 255 bytes is cut in its stem, keeping its extension;
// the path is written in Unicode NFC; and a path already taken, after NFC
// and case folding, or one whose folder is already a file, gets a number
// ("report (2).pdf"). The manifest keeps the original name of every
// document whose path differs from it, and marks Unnamed a document of
// the empty name, whose path ("drive/unnamed") was invented.
func (w *Writer) WriteFiles(files iter.Seq2[File, error]) error {
	if err := w.begin(Documents, MethodFiles); err != nil {
		return err
	}
	defer w.sp.discard()
	if files == nil {
		return w.fail(tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "no document source"))
	}
	if w.copy == nil {
		w.copy = make([]byte, 32<<10)
	}
	var n int64
	for f, err := range files {
		if err != nil {
			return w.fail(sourceFailed("drive/", n, err))
		}
		if f.Body == nil {
			return w.fail(tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "document %q has no body", f.Name))
		}
		if _, ok := f.Body.(io.ReadSeeker); f.Reread && !ok {
			return w.fail(tenancy.Refuse("EXP-01", tenancy.ErrInvalid, "document %q may be read twice, but its body cannot seek", f.Name))
		}
		name := w.names.name(f.Name)
		if err := w.writeBody(name, f, n); err != nil {
			return w.fail(err)
		}
		fe := FileEntry{Category: Documents, Records: 1, Unnamed: f.Name == ""}
		if name != "drive/"+f.Name && f.Name != "" {
			fe.Original = strings.ToValidUTF8(f.Name, "\uFFFD") // JSON holds only UTF-8
		}
		if err := w.close(fe); err != nil {
			return w.fail(err)
		}
		n++
	}
	return nil
}

// writeBody writes document f's body as the entry name, f being the n-th
// document. Stored, a Reread body is read twice: once for its checksum and
// size, for the local header, and once more into the ZIP, with no
// spooling; a body that reads otherwise the second time fails the write.
func (w *Writer) writeBody(name string, f File, n int64) error {
	if s, ok := f.Body.(io.ReadSeeker); ok && f.Reread && w.store {
		start, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return sourceFailed(name, n, err)
		}
		return w.writeTwice(name, s, start, n)
	}
	if err := w.open(name, w.store); err != nil {
		return err
	}
	if _, err := io.CopyBuffer(&w.e, onlyReader{f.Body}, w.copy); err != nil {
		if errors.Is(err, ErrSpool) {
			return err
		}
		return sourceFailed(name, n, err)
	}
	return nil
}

// errChanged is the source error of a seekable body that reads otherwise
// the second time.
var errChanged = errors.New("the document changed between its two readings")

// writeTwice writes the body s, which starts at offset start, as the
// stored entry name (or deflated, when it is too large to be stored).
func (w *Writer) writeTwice(name string, s io.ReadSeeker, start, n int64) error {
	first := crc32.NewIEEE()
	size, err := io.CopyBuffer(first, onlyReader{s}, w.copy)
	if err == nil {
		_, err = s.Seek(start, io.SeekStart)
	}
	if err != nil {
		return sourceFailed(name, n, err)
	}
	if err := w.open(name, size <= w.storeMax); err != nil {
		return err
	}
	if size <= w.storeMax {
		if err := w.openStored(first.Sum32(), size); err != nil {
			return err
		}
	}
	if _, err := io.CopyBuffer(&w.e, io.LimitReader(onlyReader{s}, size), w.copy); err != nil {
		return sourceFailed(name, n, err)
	}
	var one [1]byte
	more, err := io.ReadFull(s, one[:])
	if err != nil && err != io.EOF {
		return sourceFailed(name, n, err)
	}
	if more > 0 || w.e.n != size || w.e.crc.Sum32() != first.Sum32() {
		return sourceFailed(name, n, fmt.Errorf("%w: %d bytes with CRC %08x the first time, not the same the second", errChanged, size, first.Sum32()))
	}
	return nil
}

// onlyReader hides every method of a reader but Read, so that io.Copy
// cannot take another path (WriterTo) into the source.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// Close writes the manifest as the archive's last entry, stored
// uncompressed with its checksum and size in its local header, and the
// ZIP's directory, and returns the manifest. It does not close the
// destination. A manifest larger than MaxManifestBytes is
// refused, and the archive left unfinished. After an earlier error it
// writes nothing more and returns that error, with the manifest of the
// files finished so far.
func (w *Writer) Close() (Manifest, error) {
	if w.err != nil {
		return w.man, w.err
	}
	if w.zw == nil {
		return w.man, tenancy.Refuse("EXP-03", tenancy.ErrInvalid, "the archive is closed")
	}
	b, err := w.man.Encode()
	if err != nil {
		return w.man, w.fail(err)
	}
	if len(b) > MaxManifestBytes {
		return w.man, w.fail(tenancy.Refuse("EXP-03", tenancy.ErrInvalid, "the manifest of %d files would take %d bytes, more than the %d Verify reads", len(w.man.Files), len(b), MaxManifestBytes))
	}
	fh := entryHeader(ManifestPath, zip.Store, w.man.At)
	setSizes(fh, crc32.ChecksumIEEE(b), uint64(len(b)), uint64(len(b)))
	out, err := w.zw.CreateRaw(fh)
	if err == nil {
		_, err = out.Write(b)
	}
	if err != nil {
		return w.man, w.fail(err)
	}
	if err := w.zw.Close(); err != nil {
		return w.man, w.fail(err)
	}
	w.zw = nil
	return w.man, nil
}

// maxStoredBytes is the largest entry written stored: its sizes must fit
// the 32 bits of the local header, as archive/zip writes no ZIP64 extra
// field there, and 0xFFFFFFFF means that there is one.
const maxStoredBytes = 1<<32 - 2

// spoolInMemory is how many bytes of a stored entry wait in memory; beyond,
// they go to a temporary file.
const spoolInMemory = 1 << 20

// spool holds the content of a stored entry until it is complete: in
// memory up to spoolInMemory bytes, then in a temporary file in dir.
type spool struct {
	dir string
	mem []byte
	f   *os.File
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && len(s.mem)+len(p) <= spoolInMemory {
		s.mem = append(s.mem, p...)
		return len(p), nil
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "tenancy-export-*.tmp")
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrSpool, err)
		}
		s.f = f
		if _, err := f.Write(s.mem); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrSpool, err)
		}
		s.mem = s.mem[:0]
	}
	n, err := s.f.Write(p)
	if err != nil {
		return n, fmt.Errorf("%w: %w", ErrSpool, err)
	}
	return n, nil
}

// writeTo copies the spooled bytes to dst, through buf.
func (s *spool) writeTo(dst io.Writer, buf []byte) error {
	if s.f == nil {
		_, err := dst.Write(s.mem)
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("%w: %w", ErrSpool, err)
	}
	for {
		n, err := s.f.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrSpool, err)
		}
	}
}

// discard empties the spool, closing and removing its temporary file.
func (s *spool) discard() {
	s.mem = s.mem[:0]
	if s.f != nil {
		name := s.f.Name()
		s.f.Close()
		os.Remove(name)
		s.f = nil
	}
}
