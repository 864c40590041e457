package export

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
)

// SchemaVersion is the version of the manifest's JSON form.
const SchemaVersion = 1

// ManifestPath is where an archive holds its manifest: the last entry.
const ManifestPath = "manifest.json"

// Manifest describes an archive completely, so that anyone can check it:
// which account, when, and every file with its record count, size and
// SHA-256 (EXP-03). It is the archive's last entry, stored uncompressed.
type Manifest struct {
	Schema  int               `json:"schema"`
	Account tenancy.AccountID `json:"account"`
	// At is the moment the export was taken, in UTC.
	At time.Time `json:"at"`
	// Neutralisation names the policy that neutralised formula cells in
	// CSV files (Neutralise.String; ParseNeutralise reads it back); each
	// file says how many cells it changed.
	Neutralisation string      `json:"neutralisation"`
	Files          []FileEntry `json:"files"`
}

// FileEntry is one file of an archive.
type FileEntry struct {
	// Path is the file's name in the archive, for example
	// "crm/contacts.csv".
	Path     string   `json:"path"`
	Category Category `json:"category"`
	// Records counts the rows of a CSV file (without the header), the
	// events of a calendar, and 1 for a document.
	Records int64 `json:"records"`
	// Bytes and SHA256 (lowercase hex) are the file's content.
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
	// Method is "store" or "deflate"; StoredBytes and StoredSHA256 are the
	// bytes as the ZIP holds them, so that no change to the compressed
	// form goes unseen either.
	Method       string `json:"method"`
	StoredBytes  int64  `json:"stored_bytes"`
	StoredSHA256 string `json:"stored_sha256"`
	// Neutralised counts the CSV cells prefixed with an apostrophe because
	// a spreadsheet would have run them as formulas.
	Neutralised int64 `json:"neutralised,omitempty"`
	// BOM says a CSV file starts with a UTF-8 byte order mark
	// (Options.BOM), counted in Bytes.
	BOM bool `json:"bom,omitempty"`
	// Repaired counts the values whose invalid UTF-8, or control
	// characters a calendar cannot hold, were replaced by U+FFFD.
	Repaired int64 `json:"repaired,omitempty"`
	// Original is a document's name as the source gave it (invalid UTF-8
	// as U+FFFD), when the safe path differs from it: a name with
	// characters made safe, cut to fit, numbered, or put in NFC.
	Original string `json:"original,omitempty"`
	// Unnamed says the source gave the document the empty name, so that
	// its path ("drive/unnamed") was invented: the original name is ""
	// then, which Original cannot tell from "no original".
	Unnamed bool `json:"unnamed,omitempty"`
}

// Records returns the records of category c the manifest lists: the sum
// over its files.
func (m Manifest) Records(c Category) int64 {
	var n int64
	for _, f := range m.Files {
		if f.Category == c {
			n += f.Records
		}
	}
	return n
}

// File returns the entry for path. It looks through Files in order, so a
// caller looking up many paths should index Files once instead.
func (m Manifest) File(path string) (FileEntry, bool) {
	for _, f := range m.Files {
		if f.Path == path {
			return f, true
		}
	}
	return FileEntry{}, false
}

// Encode returns the manifest's JSON form.
func (m Manifest) Encode() ([]byte, error) {
	return json.Marshal(m)
}

func validDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// DecodeManifest decodes a manifest strictly: no unknown field, nothing
// after it, the schema version this package writes, a neutralisation
// ParseNeutralise knows, a time in the years 1980 to 2107 (those NewWriter
// takes), and every file entry as the writer makes it: a path that is safe
// on every common file system (see Writer.WriteFiles: no device name, no
// character Windows forbids, no element ending in a dot or a space),
// unique after Unicode NFC and case folding (as macOS compares names;
// paths need not be in NFC, as older writers did not make them so), and
// not the folder of another file; the path of its category (a document's
// under drive/); one record for a document; counts and sizes not below
// zero, and only the counts its category has (Neutralised and BOM for a
// table, Repaired for a table or the calendar, Original or Unnamed, not
// both, for a document, and Unnamed only at drive/unnamed or that
// numbered); digests of 64 lowercase hex digits; and for a
// stored file, a stored form that is its content. Every error matches
// ErrMalformed.
func DecodeManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := strict.Decode(b, &m); err != nil {
		return Manifest{}, malformed("manifest: %v", err)
	}
	if m.Schema != SchemaVersion {
		return Manifest{}, malformed("manifest: schema %d, want %d", m.Schema, SchemaVersion)
	}
	if m.Account == "" || m.At.IsZero() {
		return Manifest{}, malformed("manifest: no account or no time")
	}
	if y := m.At.UTC().Year(); y < 1980 || y > 2107 {
		// NewWriter takes no other years, and Encode could not write every
		// one of them back.
		return Manifest{}, malformed("manifest: time %s is outside the years 1980 to 2107", m.At.UTC().Format(time.RFC3339Nano))
	}
	if _, err := ParseNeutralise(m.Neutralisation); err != nil {
		return Manifest{}, malformed("manifest: unknown neutralisation %q", m.Neutralisation)
	}
	m.At = m.At.UTC()
	names := newNamer("")
	for i, f := range m.Files {
		if why := checkEntry(f); why != "" {
			return Manifest{}, malformed("manifest: file %d (%q): %s", i, f.Path, why)
		}
		if !names.claim(f.Path) {
			return Manifest{}, malformed("manifest: file %d: %q repeats another path ignoring case and Unicode normalisation, or another's folder is that file", i, f.Path)
		}
	}
	return m, nil
}

// checkEntry says what is wrong with one file entry of a manifest on its
// own, or returns "".
func checkEntry(f FileEntry) string {
	c := f.Category
	switch {
	case !safeEntry(f.Path):
		return "unsafe path"
	case !c.Valid() || c.Method() == MethodManual:
		return fmt.Sprintf("category %q", c)
	case c.Method() == MethodFiles && (!strings.HasPrefix(f.Path, c.Path()) || len(f.Path) == len(c.Path())),
		c.Method() != MethodFiles && f.Path != c.Path():
		return fmt.Sprintf("the path is not one of category %q", c)
	case f.Records < 0 || f.Bytes < 0 || f.StoredBytes < 0 || f.Neutralised < 0 || f.Repaired < 0:
		return "a count below zero"
	case c.Method() == MethodFiles && f.Records != 1:
		return fmt.Sprintf("a document of %d records", f.Records)
	case (f.Neutralised != 0 || f.BOM) && c.Method() != MethodCSV,
		f.Repaired != 0 && c.Method() != MethodCSV && c.Method() != MethodICalendar,
		(f.Original != "" || f.Unnamed) && c.Method() != MethodFiles:
		return fmt.Sprintf("a count or an original name category %q does not have", c)
	case f.Unnamed && (f.Original != "" || !inventedPath(f.Path, c.Path())):
		return "unnamed, but with an original name or a path other than the one the writer invents"
	case !validDigest(f.SHA256) || !validDigest(f.StoredSHA256):
		return "a digest is not 64 lowercase hex digits"
	case f.Method != methodName(zip.Store) && f.Method != methodName(zip.Deflate):
		return fmt.Sprintf("method %q", f.Method)
	case f.Method == methodName(zip.Store) && (f.StoredBytes != f.Bytes || f.StoredSHA256 != f.SHA256):
		return "stored, but its stored form is not its content"
	}
	return ""
}
