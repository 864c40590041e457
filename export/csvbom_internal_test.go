package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestVerify_EXP03_BOMAsTheManifestSays: the manifest's BOM flag is
// checked against the file (EXP-03): a table that starts with a byte order
// mark its manifest entry does not declare, or declares one it does not
// have, fails Verify as altered, though every digest is true; the same
// archives with the flag true to the file pass. A BOM flag on a file that
// is not a table is a malformed manifest.
func TestVerify_EXP03_BOMAsTheManifestSays(t *testing.T) {
	const table = "name\r\nada\r\n"
	for _, c := range []struct {
		content string
		flag    bool
		ok      bool
	}{
		{bom + table, false, false},
		{table, true, false},
		{bom + table, true, true},
		{table, false, true},
		{bom + bom + table, true, true}, // the second mark is the first header cell's
	} {
		data := buildArchive(t, []rawEntry{{Contacts.Path(), strings.NewReader(c.content), true}},
			boundManifest(FileEntry{Category: Contacts, Records: 1, BOM: c.flag}), false)
		rep, err := Verify(bytes.NewReader(data), int64(len(data)))
		if c.ok {
			if err != nil || rep.Verified != 1 {
				t.Errorf("%q with bom=%v: %v, want it verified", c.content, c.flag, err)
			}
			continue
		}
		if !errors.Is(err, ErrUnverified) || !hasProblem(rep, ProblemAltered, Contacts.Path(), "byte order mark") || len(rep.Problems) != 1 {
			t.Errorf("%q with bom=%v: %v, problems %v; want it altered", c.content, c.flag, err, rep.Problems)
		}
	}
	for _, f := range []FileEntry{
		{Path: Events.Path(), Category: Events, Records: 1, BOM: true},
		{Path: "drive/a.csv", Category: Documents, Records: 1, BOM: true},
	} {
		f.SHA256, f.StoredSHA256, f.Method = strings.Repeat("0", 64), strings.Repeat("0", 64), "store"
		b, err := boundManifest(f).Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeManifest(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("a BOM flag on %s: %v, want ErrMalformed", f.Path, err)
		}
		f.BOM = false
		if b, _ = boundManifest(f).Encode(); true {
			if _, err := DecodeManifest(b); err != nil {
				t.Errorf("the same entry without the flag: %v", err)
			}
		}
	}
}

// TestNeutralise_EXP01_FastPathAgrees: formulaLike decides most cells by
// their first byte; for every first byte below 0x80 followed by text, and
// for every rune that can start a cell in the first two planes, the fast
// path and the rune-by-rune rule agree.
func TestNeutralise_EXP01_FastPathAgrees(t *testing.T) {
	slow := func(cell string) bool {
		if strings.HasPrefix(cell, "\t") || strings.HasPrefix(cell, "\r") {
			return true
		}
		for _, r := range cell {
			if !blank(r) {
				return formulaRune(r)
			}
		}
		return false
	}
	for r := rune(0); r < 0x20000; r++ {
		if r >= 0xD800 && r < 0xE000 {
			continue
		}
		for _, tail := range []string{"", "=1", "x", " +1"} {
			cell := string(r) + tail
			if formulaLike(cell) != slow(cell) {
				t.Fatalf("formulaLike(%q) = %v, the rule says %v", cell, formulaLike(cell), slow(cell))
			}
		}
	}
}
