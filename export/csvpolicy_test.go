package export_test

// Tests of the CSV formula policies (Options.Neutralise) and the byte
// order mark (Options.BOM): EXP-01 (tables are CSV a spreadsheet opens
// safely, read back as the source gave them) and EXP-03 (the manifest
// says what was written, and Verify checks it).

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
)

// cpPolicies are the policies a Writer takes.
var cpPolicies = []export.Neutralise{export.NeutraliseFormulas, export.NeutraliseStrict, export.NeutraliseOff}

// cpFormula are the characters that start a formula, ASCII and the forms
// that Unicode compatibility folds to them.
var cpFormula = []string{"=", "+", "-", "@", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "⁺", "⁼", "₊", "₌"}

// cpBlanks are what may come before a formula: nothing, spaces, tabs, line
// breaks, other Unicode white space, control and invisible format
// characters, and mixes of them.
var cpBlanks = []string{"", " ", "  ", "\t", "\r", "\n", "\r\n", "\v", "\f", "\u00a0", "\u2003", "\u3000", "\u2028",
	"\u0085", "\u200b", "\ufeff", "\u2060", "\x00", "\x1b", " \t\r\n ", "\u00a0 \u200b"}

// cpNegative is a plain negative number, the only formula-looking cell the
// default policy leaves alone.
var cpNegative = regexp.MustCompile(`^-(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// cpRisky states the policies independently of the package: after its
// leading apostrophes, a cell is formula-like when it starts with a tab or
// CR, or its first character that is not white space, a control or a
// format character is one of cpFormula; the default policy spares a plain
// negative number of at most 15 digits.
func cpRisky(cell string, how export.Neutralise) bool {
	if how == export.NeutraliseOff {
		return false
	}
	rest := strings.TrimLeft(cell, "'")
	like := strings.HasPrefix(rest, "\t") || strings.HasPrefix(rest, "\r")
	for _, r := range rest {
		if like || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		for _, f := range cpFormula {
			like = like || string(r) == f
		}
		break
	}
	if like && how == export.NeutraliseFormulas && cpNegative.MatchString(rest) {
		digits := strings.Count(rest, "") - 1 - 1 - strings.Count(rest, ".")
		like = digits > 15
	}
	return like
}

// cpTB is what the helpers need of a *testing.T or a *rapid.T.
type cpTB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// cpEntry returns the content of the archive entry at path.
func cpEntry(t cpTB, data []byte, path string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != path {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("no entry %s", path)
	return nil
}

// cpWrite writes one table of the rows (the first is the header) with
// opt, and returns the archive, its manifest and the CSV file's bytes.
func cpWrite(t cpTB, opt export.Options, rows [][]string) ([]byte, export.Manifest, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", rtAt, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTable(export.Contacts, rows[0], rtSeq(rows[1:]...)); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if rep, err := export.Verify(bytes.NewReader(data), int64(len(data))); err != nil || rep.Verified != 1 {
		t.Fatalf("Verify: %v (%d verified)", err, rep.Verified)
	}
	return data, m, cpEntry(t, data, export.Contacts.Path())
}

// cpRaw parses a written CSV file with encoding/csv, not the package's
// reader, to see the cells as a spreadsheet gets them. encoding/csv turns
// CRLF inside quotes into LF, which changes no first non-blank character.
func cpRaw(t cpTB, file []byte) [][]string {
	t.Helper()
	file = bytes.TrimPrefix(file, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(file))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read the file: %v\n%q", err, file)
	}
	return recs
}

// cpRead reads a table back with policy how.
func cpRead(t cpTB, file []byte, how export.Neutralise) [][]string {
	t.Helper()
	var out [][]string
	for rec, err := range export.ReadTableAs(bytes.NewReader(file), how) {
		if err != nil {
			t.Fatalf("ReadTableAs: %v", err)
		}
		out = append(out, rec)
	}
	return out
}

// TestWriteTable_EXP01_BlankThenFormula: every leading blank followed by
// every formula character, behind zero to two apostrophes, is neutralised
// by both apostrophe policies: the written cell is the source's with one
// apostrophe in front, counted in the manifest, and ReadTableAs gives the
// source's cell back; NeutraliseOff writes it as it is.
func TestWriteTable_EXP01_BlankThenFormula(t *testing.T) {
	for _, how := range cpPolicies {
		var cells []string
		for _, q := range []string{"", "'", "''"} {
			for _, b := range cpBlanks {
				for _, f := range cpFormula {
					cells = append(cells, q+b+f+"1+1", q+b+f+`cmd|' /C calc'!A0`)
				}
			}
		}
		rows := [][]string{{"cell"}}
		for _, c := range cells {
			rows = append(rows, []string{c})
		}
		_, m, file := cpWrite(t, export.Options{Neutralise: how}, rows)
		if m.Neutralisation != how.String() {
			t.Fatalf("%v: the manifest names %q", how, m.Neutralisation)
		}
		raw := cpRaw(t, file)
		for i, c := range cells {
			// encoding/csv reads CRLF in quotes as LF; the writer wrote CRLF.
			want := strings.ReplaceAll(c, "\r\n", "\n")
			if how != export.NeutraliseOff {
				want = "'" + want
			}
			if got := raw[i+1][0]; got != want {
				t.Errorf("%v: %q is written as %q, want %q", how, c, got, want)
			}
		}
		wantN := int64(len(cells))
		if how == export.NeutraliseOff {
			wantN = 0
		}
		if fe := m.Files[0]; fe.Neutralised != wantN {
			t.Errorf("%v: the manifest counts %d neutralised cells, want %d", how, fe.Neutralised, wantN)
		}
		if d := cmp.Diff(rows, cpRead(t, file, how)); d != "" {
			t.Errorf("%v: ReadTableAs (-source +read):\n%s", how, d)
		}
	}
}

// TestWriteTable_EXP01_NumbersAndText: which formula-looking cells each
// policy neutralises, beyond the blank-and-formula grid: plain negative
// numbers are data by default, a plus sign (a phone number) is not; text
// that only has a formula character later, or a blank before ordinary
// text, is never changed; a tab or CR first always is (OWASP).
func TestWriteTable_EXP01_NumbersAndText(t *testing.T) {
	for _, c := range []struct {
		cell                string
		byDefault, byStrict bool
	}{
		{"-3", false, true},
		{"-0", false, true},
		{"-0.5", false, true},
		{"-12.50", false, true},
		{"-123456789012345", false, true},  // 15 digits
		{"-12345678901234.5", false, true}, // 15 digits
		{"-1234567890123456", true, true},  // 16: a spreadsheet would round it
		{"-03", true, true},
		{"-3.", true, true},
		{"-.5", true, true},
		{"-1e5", true, true},
		{"-3-1", true, true},
		{"- 3", true, true},
		{" -3", true, true},
		{"-3 ", true, true},
		{"－3", true, true},
		{"+3", true, true},
		{"+49 30 1234", true, true},
		{"+4930123456", true, true},
		{"@SUM(A1)", true, true},
		{"\tabc", true, true},
		{"\rabc", true, true},
		{"'-3", false, true},
		{"''-3", false, true},
		{"3-1", false, false},
		{"a=b", false, false},
		{" abc", false, false},
		{"\nabc", false, false},
		{"\u200babc", false, false},
		{" '=1", false, false},
		{"'", false, false},
		{"", false, false},
		{"ada@example.com", false, false},
		{"3", false, false},
	} {
		for _, p := range []struct {
			how  export.Neutralise
			want bool
		}{{export.NeutraliseFormulas, c.byDefault}, {export.NeutraliseStrict, c.byStrict}, {export.NeutraliseOff, false}} {
			if got := cpRisky(c.cell, p.how); got != p.want {
				t.Fatalf("the test's own rule says %v for %q under %v, the table %v", got, c.cell, p.how, p.want)
			}
			_, m, file := cpWrite(t, export.Options{Neutralise: p.how}, [][]string{{"h"}, {c.cell}})
			want := c.cell
			if p.want {
				want = "'" + c.cell
			}
			if got := cpRaw(t, file)[1][0]; got != want {
				t.Errorf("%v: %q is written as %q, want %q", p.how, c.cell, got, want)
			}
			if n := m.Files[0].Neutralised; (n == 1) != p.want || n > 1 {
				t.Errorf("%v: %q: the manifest counts %d neutralised", p.how, c.cell, n)
			}
			if got := cpRead(t, file, p.how); len(got) != 2 || got[1][0] != c.cell {
				t.Errorf("%v: %q reads back as %q", p.how, c.cell, got)
			}
		}
	}
}

// TestReadTableAs_EXP01_Legacy: an archive written before the policies had
// names says "apostrophe"; ParseNeutralise knows it, DecodeManifest takes
// it, ReadTableAs reads its cells by the rule of the time (a formula byte
// first, after any apostrophes), and NewWriter refuses to write it.
func TestReadTableAs_EXP01_Legacy(t *testing.T) {
	how, err := export.ParseNeutralise("apostrophe")
	if err != nil || how.String() != "apostrophe" {
		t.Fatalf("ParseNeutralise(apostrophe) = %v, %v", how, err)
	}
	// Under the old rule "-3" got an apostrophe and " =1" did not.
	old := "h\r\n''-3\r\n' =1\r\n'=1\r\n"
	got := cpRead(t, []byte(old), how)
	if d := cmp.Diff([][]string{{"h"}, {"'-3"}, {"' =1"}, {"=1"}}, got); d != "" {
		t.Errorf("legacy cells (-want +got):\n%s", d)
	}
	if _, err := export.NewWriter(&bytes.Buffer{}, "acme", rtAt, export.Options{Neutralise: how}); !errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("NewWriter with the legacy policy: %v, want ErrInvalid", err)
	}
	if _, err := export.NewWriter(&bytes.Buffer{}, "acme", rtAt, export.Options{Neutralise: 200}); !errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("NewWriter with policy 200: %v, want ErrInvalid", err)
	}
	for rec := range export.ReadTableAs(strings.NewReader(old), 200) {
		if rec != nil {
			t.Errorf("ReadTableAs with policy 200 yielded %q", rec)
		}
	}
	var errs int
	for _, err := range export.ReadTableAs(strings.NewReader(old), 200) {
		if !errors.Is(err, export.ErrMalformed) {
			t.Errorf("ReadTableAs with policy 200: %v, want ErrMalformed", err)
		}
		errs++
	}
	if errs != 1 {
		t.Errorf("ReadTableAs with policy 200 yielded %d errors, want 1", errs)
	}
	for _, n := range append(cpPolicies, how) {
		back, err := export.ParseNeutralise(n.String())
		if err != nil || back != n {
			t.Errorf("ParseNeutralise(%q) = %v, %v; want %v", n.String(), back, err, n)
		}
	}
	if _, err := export.ParseNeutralise("tab"); !errors.Is(err, export.ErrMalformed) {
		t.Errorf("ParseNeutralise(tab): %v, want ErrMalformed", err)
	}
}

// TestWriteTable_EXP03_BOM: with Options.BOM the CSV file starts with the
// UTF-8 byte order mark, three bytes more than without it in the
// manifest's Bytes, and FileEntry.BOM says so; the archive verifies, and
// ReadTable skips the mark, giving back the header as the source gave it.
// A first header cell that itself starts with U+FEFF survives with and
// without the option.
func TestWriteTable_EXP03_BOM(t *testing.T) {
	for _, header := range [][]string{{"id", "name"}, {"\ufeffid", "name"}, {"\ufeff", "x"}, {""}} {
		rows := [][]string{header}
		if len(header) == 2 {
			rows = append(rows, []string{"1", "Zoë"}, []string{"-3", "=1+1"})
		}
		for _, store := range []bool{false, true} {
			_, plainM, plain := cpWrite(t, export.Options{Store: store}, rows)
			_, bomM, withBOM := cpWrite(t, export.Options{Store: store, BOM: true}, rows)
			if !bytes.HasPrefix(withBOM, []byte{0xEF, 0xBB, 0xBF}) || !bytes.Equal(withBOM[3:], plain) {
				t.Errorf("%q: with the BOM %q, without %q: want the mark, then the same bytes", header, withBOM, plain)
			}
			if bytes.HasPrefix(plain, []byte{0xEF, 0xBB, 0xBF}) {
				t.Errorf("%q: without the option the file starts with a BOM: %q", header, plain)
			}
			p, b := plainM.Files[0], bomM.Files[0]
			if p.BOM || !b.BOM || b.Bytes != p.Bytes+3 || b.Records != p.Records || b.Neutralised != p.Neutralised {
				t.Errorf("%q: manifest entries without %+v and with %+v the BOM", header, p, b)
			}
			for name, file := range map[string][]byte{"plain": plain, "bom": withBOM} {
				if d := cmp.Diff(rows, cpRead(t, file, export.NeutraliseFormulas)); d != "" {
					t.Errorf("%q %s: ReadTable (-source +read):\n%s", header, name, d)
				}
			}
		}
	}
}

// cpCell draws cells built to find the edge of the rule: apostrophes,
// blanks, formula characters, signs, digits, a decimal point, letters,
// CSV punctuation and invalid UTF-8, in any order.
var cpCell = rapid.Custom(func(t *rapid.T) string {
	parts := [][]string{{"'"}, cpBlanks, cpFormula, {"-", "+"}, {"0", "1", "3", "9", "12", "000"}, {"."}, {"a", "é", "🙂", " x"},
		{",", "\"", "\r\n", "\n"}, {"\xff", "\xc3"}}
	var b strings.Builder
	for range rapid.IntRange(0, 6).Draw(t, "parts") {
		group := parts[rapid.IntRange(0, len(parts)-1).Draw(t, "group")]
		b.WriteString(rapid.SampledFrom(group).Draw(t, "part"))
	}
	return b.String()
})

// TestWriteTable_EXP01_NoFormulaReachesASpreadsheet: over random cells and
// any policy, BOM or not (EXP-01): under the apostrophe policies no written
// cell could start a formula (its first non-blank character is not a
// formula character and it does not start with a tab or CR) unless it
// starts with the neutralising apostrophe, and under the default the only
// exception is a plain negative number; the manifest counts exactly the
// cells cpRisky names; and ReadTableAs gives back every source cell (its
// invalid UTF-8 as U+FFFD), whatever policy wrote it.
func TestWriteTable_EXP01_NoFormulaReachesASpreadsheet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		how := rapid.SampledFrom(cpPolicies).Draw(t, "policy")
		opt := export.Options{Neutralise: how, BOM: rapid.Bool().Draw(t, "bom"), Store: true}
		width := rapid.IntRange(1, 3).Draw(t, "width")
		rows := rapid.SliceOfN(rapid.SliceOfN(cpCell, width, width), 1, 8).Draw(t, "rows")
		_, m, file := cpWrite(t, opt, rows)
		want := make([][]string, len(rows))
		var neutralised int64
		for i, row := range rows {
			want[i] = make([]string, len(row))
			for j, c := range row {
				want[i][j] = strings.ToValidUTF8(c, "\uFFFD")
				if cpRisky(want[i][j], how) {
					neutralised++
				}
			}
		}
		if fe := m.Files[0]; fe.Neutralised != neutralised || fe.BOM != opt.BOM {
			t.Fatalf("manifest: neutralised %d, BOM %v; want %d, %v", fe.Neutralised, fe.BOM, neutralised, opt.BOM)
		}
		if how != export.NeutraliseOff {
			for _, rec := range cpRaw(t, file) {
				for _, w := range rec {
					if strings.HasPrefix(w, "'") {
						continue
					}
					if cpRisky(w, export.NeutraliseStrict) && !(how == export.NeutraliseFormulas && !cpRisky(w, how)) {
						t.Fatalf("%v: the written cell %q could start a formula", how, w)
					}
				}
			}
		}
		if d := cmp.Diff(want, cpRead(t, file, how)); d != "" {
			t.Fatalf("%v: ReadTableAs (-source +read):\n%s", how, d)
		}
	})
}
