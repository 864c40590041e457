package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/tenancykit/tenancy"
)

// ErrUnverified is matched by the error Verify returns for an archive that
// fails verification.
var ErrUnverified = tenancy.Kind("export archive fails verification", tenancy.ErrInvalid)

// ProblemKind says what is wrong with an archive.
type ProblemKind uint8

// The problems Verify reports.
const (
	// ProblemUnreadable: the data is not a complete ZIP archive (cut
	// short, or not a ZIP at all), or could not be read.
	ProblemUnreadable ProblemKind = iota + 1
	// ProblemNoManifest: the archive has no manifest.json; an archive
	// whose writing failed has none.
	ProblemNoManifest
	// ProblemBadManifest: the manifest is damaged or malformed.
	ProblemBadManifest
	// ProblemUnsafe: an entry's name could escape the folder it is
	// extracted into (an absolute path, "..", a backslash, a drive
	// letter), or repeats another's ignoring case (zip slip).
	ProblemUnsafe
	// ProblemMissing: a file the manifest lists is not in the archive.
	ProblemMissing
	// ProblemExtra: the archive holds a file the manifest does not list.
	ProblemExtra
	// ProblemTruncated: a file is shorter than the manifest says.
	ProblemTruncated
	// ProblemAltered: a file's content, records, checksum or stored form
	// differ from the manifest.
	ProblemAltered
	// ProblemLayout: bytes outside the files (headers, directory) differ
	// from what Writer writes.
	ProblemLayout
)

// String names the problem kind, for example "missing".
func (k ProblemKind) String() string {
	switch k {
	case ProblemUnreadable:
		return "unreadable"
	case ProblemNoManifest:
		return "no-manifest"
	case ProblemBadManifest:
		return "bad-manifest"
	case ProblemUnsafe:
		return "unsafe"
	case ProblemMissing:
		return "missing"
	case ProblemExtra:
		return "extra"
	case ProblemTruncated:
		return "truncated"
	case ProblemAltered:
		return "altered"
	case ProblemLayout:
		return "layout"
	}
	return fmt.Sprintf("ProblemKind(%d)", uint8(k))
}

// Problem is one thing wrong with an archive.
type Problem struct {
	Kind ProblemKind
	// Path is the entry concerned, "" for the archive as a whole.
	Path   string
	Detail string
}

// String returns the problem as one line.
func (p Problem) String() string {
	if p.Path == "" {
		return fmt.Sprintf("%s: %s", p.Kind, p.Detail)
	}
	return fmt.Sprintf("%s: %s: %s", p.Kind, p.Path, p.Detail)
}

// Report is what Verify found.
type Report struct {
	// Manifest is the archive's manifest, when it could be read.
	Manifest Manifest
	// Verified counts the files whose content, records and checksums
	// match the manifest.
	Verified int
	Problems []Problem
}

// OK reports whether the archive passed: nothing is missing, extra,
// truncated, altered or unsafe.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Err returns nil when the archive passed, and otherwise an error that
// matches ErrUnverified and names the problems.
func (r Report) Err() error {
	if r.OK() {
		return nil
	}
	var b strings.Builder
	for i, p := range r.Problems {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(r.Problems)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return &tenancy.RuleError{Rule: "EXP-03", Err: ErrUnverified, Reason: b.String()}
}

func (r *Report) add(k ProblemKind, path, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Kind: k, Path: path, Detail: fmt.Sprintf(format, args...)})
}

// MaxManifestBytes bounds the manifest Verify reads into memory: 512 MiB,
// about two million documents with names of ordinary length. Writer.Close
// refuses to finish an archive whose manifest would be larger, and stores
// the manifest uncompressed, so Verify never holds more of it than the
// archive itself holds.
const MaxManifestBytes = 512 << 20

// Verify reads an archive back and checks it against its manifest (EXP-03):
// every file listed is present, holds the bytes, the records and the
// SHA-256 the manifest gives, in content and as stored; no entry is
// unlisted; no name could escape the folder it is extracted into, or is
// one Windows would change or take for a device; and no byte outside the
// files differs from what Writer writes. The error is Report.Err: nil
// exactly when the archive passed. Verify extracts nothing and writes
// nothing.
//
// Its cost is bounded by the archive, not by what a hostile one claims:
// time linear in the archive's size, its number of entries and what its
// files inflate to (each read at most to the size the manifest gives);
// memory linear in the number of entries and the manifest's size, plus a
// constant. The manifest must be stored uncompressed, as the writer stores
// it, and hold at most MaxManifestBytes bytes; a calendar content line may
// hold at most MaxCalendarLine bytes, unfolded. An archive that breaks a
// bound fails verification.
func Verify(r io.ReaderAt, size int64) (Report, error) {
	var rep Report
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		rep.add(ProblemUnreadable, "", "not a complete ZIP archive: %v", err)
		return rep, rep.Err()
	}
	entries := make(map[string]*zip.File, len(zr.File))
	var manifest *zip.File
	names := newNamer("")
	for _, f := range zr.File {
		switch {
		case !safeEntry(f.Name) || strings.HasSuffix(f.Name, "/"):
			rep.add(ProblemUnsafe, f.Name, "the name could escape the extraction folder, or is one Windows changes or takes for a device")
			continue
		case !names.claim(f.Name):
			rep.add(ProblemUnsafe, f.Name, "the name repeats another entry's, or a file is also a folder, on a file system that ignores case")
			continue
		}
		entries[f.Name] = f
		if f.Name == ManifestPath {
			manifest = f
		}
	}
	if manifest == nil {
		rep.add(ProblemNoManifest, ManifestPath, "the archive has no manifest: its writing did not finish")
		return rep, rep.Err()
	}
	b, err := readManifest(manifest, size)
	if err == nil {
		rep.Manifest, err = DecodeManifest(b)
	}
	if err != nil {
		rep.add(ProblemBadManifest, ManifestPath, "%v", err)
		return rep, rep.Err()
	}
	m := rep.Manifest
	v := newVerifier(size)
	stored := v.storedForms(zr, r, size, m, &rep)
	listed := make(map[string]bool, len(m.Files))
	for _, fe := range m.Files {
		listed[fe.Path] = true
		f := entries[fe.Path]
		if f == nil {
			rep.add(ProblemMissing, fe.Path, "listed in the manifest, not in the archive")
			continue
		}
		if v.checkFile(f, fe, stored[fe.Path], &rep) {
			rep.Verified++
		}
	}
	for _, f := range zr.File {
		if !listed[f.Name] && f.Name != ManifestPath && entries[f.Name] != nil {
			rep.add(ProblemExtra, f.Name, "in the archive, not in the manifest")
		}
	}
	return rep, rep.Err()
}

// verifier holds the buffers Verify reuses from file to file, sized for
// the archive: no larger than it, for a small one.
type verifier struct {
	copyBuf []byte
	bufSize int
	br      *bufio.Reader
}

// newVerifier returns a verifier for an archive of size bytes.
func newVerifier(size int64) *verifier {
	n := int(min(max(size, 4<<10), 64<<10))
	return &verifier{copyBuf: make([]byte, min(n, 32<<10)), bufSize: n}
}

// reader returns a buffered reader of r, the same one for every file.
func (v *verifier) reader(r io.Reader) *bufio.Reader {
	if v.br == nil {
		v.br = bufio.NewReaderSize(r, v.bufSize)
	} else {
		v.br.Reset(r)
	}
	return v.br
}

// readManifest reads the manifest entry f of an archive of size bytes: it
// must be stored, as the writer stores it, and no larger than MaxManifestBytes
// or the archive. It allocates its size once.
func readManifest(f *zip.File, size int64) ([]byte, error) {
	if f.Method != zip.Store {
		return nil, fmt.Errorf("the manifest is compressed (method %d); the writer stores it", f.Method)
	}
	n := f.UncompressedSize64
	if n > MaxManifestBytes || n != f.CompressedSize64 || n > uint64(size) {
		return nil, fmt.Errorf("a manifest of %d bytes (%d stored) in an archive of %d bytes: more than %d, or more than the archive holds", n, f.CompressedSize64, size, MaxManifestBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := make([]byte, n+1)
	got, err := io.ReadFull(rc, b)
	switch {
	case err == nil:
		return nil, fmt.Errorf("the manifest holds more than the %d bytes its header gives", n)
	case err != io.ErrUnexpectedEOF && err != io.EOF:
		return nil, err
	}
	return b[:got], nil
}

// digest is the size and SHA-256 of some bytes.
type digest struct {
	n   int64
	sum string
}

// storedForms rebuilds the archive from its entries with the headers
// Writer writes, hashing every stored form on the way, and reports a
// layout problem when the rebuilt bytes differ from the archive's. It
// returns the stored form of each entry. An entry made on MS-DOS is
// rebuilt as the writer wrote it before entries were made on Unix, a
// stored one with the data descriptor it then had; an entry made on Unix
// and stored has none, its checksum and sizes in its local header, and
// one with a descriptor is a layout problem.
func (v *verifier) storedForms(zr *zip.Reader, r io.ReaderAt, size int64, m Manifest, rep *Report) map[string]digest {
	out := make(map[string]digest, len(zr.File))
	rebuilt := sha256.New()
	zw := zip.NewWriter(rebuilt)
	ok := true
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		if err != nil {
			rep.add(ProblemLayout, f.Name, "the entry's header is damaged: %v", err)
			ok = false
			continue
		}
		fh := entryHeader(f.Name, f.Method, m.At)
		if f.CreatorVersion == madeByDOS && f.ExternalAttrs == 0 {
			// Written before entries were made on Unix: the same
			// archive in every other byte, but that a stored entry
			// then had a data descriptor too.
			fh.CreatorVersion, fh.ExternalAttrs = madeByDOS, 0
			if f.Method == zip.Store {
				fh.Flags |= f.Flags & dataDescriptor
			}
		}
		// Without a data descriptor the checksum and sizes are in the
		// local header, written now; with one, after the data.
		inLocal := fh.Flags&dataDescriptor == 0
		if inLocal {
			setSizes(fh, f.CRC32, f.CompressedSize64, f.UncompressedSize64)
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			rep.add(ProblemLayout, f.Name, "%v", err)
			ok = false
			continue
		}
		h := sha256.New()
		n, err := io.CopyBuffer(io.MultiWriter(w, h), raw, v.copyBuf)
		if err != nil {
			rep.add(ProblemUnreadable, f.Name, "%v", err)
			ok = false
			continue
		}
		if !inLocal {
			setSizes(fh, f.CRC32, f.CompressedSize64, f.UncompressedSize64)
		}
		out[f.Name] = digest{n, hex.EncodeToString(h.Sum(nil))}
	}
	if !ok || zw.Close() != nil {
		return out
	}
	whole := sha256.New()
	if _, err := io.CopyBuffer(whole, io.NewSectionReader(r, 0, size), v.copyBuf); err != nil {
		rep.add(ProblemUnreadable, "", "%v", err)
		return out
	}
	if !bytes.Equal(whole.Sum(nil), rebuilt.Sum(nil)) {
		rep.add(ProblemLayout, "", "bytes outside the files (headers, data descriptors, directory) differ from what the writer writes")
	}
	return out
}

// checkFile compares one entry with its manifest line.
func (v *verifier) checkFile(f *zip.File, fe FileEntry, st digest, rep *Report) bool {
	if methodName(f.Method) != fe.Method {
		rep.add(ProblemAltered, fe.Path, "stored with method %d, the manifest says %s", f.Method, fe.Method)
		return false
	}
	if st.n != fe.StoredBytes || st.sum != fe.StoredSHA256 {
		rep.add(ProblemAltered, fe.Path, "the stored form (%d bytes) differs from the manifest's (%d bytes)", st.n, fe.StoredBytes)
		return false
	}
	rc, err := f.Open()
	if err != nil {
		rep.add(ProblemAltered, fe.Path, "%v", err)
		return false
	}
	defer rc.Close()
	h, crc := sha256.New(), crc32.NewIEEE()
	// Reading stops one byte past the manifest's size: a file that
	// decompresses to more is altered, however much more.
	counted := &countingReader{r: io.TeeReader(io.LimitReader(rc, fe.Bytes+1), io.MultiWriter(h, crc))}
	records, perr := v.countOf(fe, counted)
	if _, err := io.Copy(io.Discard, counted); err != nil && perr == nil {
		perr = err
	}
	switch {
	case counted.n < fe.Bytes:
		rep.add(ProblemTruncated, fe.Path, "%d bytes of %d", counted.n, fe.Bytes)
	case counted.n != fe.Bytes || hex.EncodeToString(h.Sum(nil)) != fe.SHA256:
		rep.add(ProblemAltered, fe.Path, "the content differs from the manifest's SHA-256")
	case crc.Sum32() != f.CRC32 && counted.n == int64(f.UncompressedSize64):
		rep.add(ProblemAltered, fe.Path, "the content differs from the ZIP checksum")
	case perr != nil:
		rep.add(ProblemAltered, fe.Path, "%v", perr)
	case records != fe.Records:
		rep.add(ProblemAltered, fe.Path, "%d records, the manifest says %d", records, fe.Records)
	default:
		return true
	}
	return false
}

// countOf counts the records of file fe, read from r.
func (v *verifier) countOf(fe FileEntry, r io.Reader) (int64, error) {
	c := fe.Category
	switch c.Method() {
	case MethodCSV:
		n, err := countRecords(v.reader(r), fe.BOM)
		if err == nil && n == 0 {
			err = malformed("a CSV file without its header row")
		}
		return n - 1, err
	case MethodICalendar:
		return countEvents(v.reader(r))
	}
	if c.Method() != MethodFiles {
		return 0, malformed("category %q has no files", c)
	}
	return 1, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
