// Command libreoffice.d is the Go half of .ci/libreoffice, which a
// developer runs to see what LibreOffice Calc makes of the CSV tables the
// export writes (issue 13). "write DIR" writes the awkward table under each
// neutralisation policy, with and without a byte order mark, as DIR/NAME.csv;
// "report DIR" reads what Calc saved of each (DIR/MODE/NAME.csv, cell
// contents as shown), prints a table of what Calc shows per cell, and
// exits 1 if Calc ran a formula from a neutralised table or garbled a
// character in a mode that names the encoding.
package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tenancykit/tenancy/export"
)

// rows is the awkward table: non-ASCII text, separators and quotes, a
// line break, the cells a spreadsheet would run as formulas, a negative
// number and a phone number.
var rows = [][]string{
	{"Zoë Müller", "東京 🙂", "e\u0301 combining"},
	{"=1+1", " =1+1", "-3"},
	{"+49 30 1234", "@SUM(1;2)", "-2+3"},
	{"＝1+1", "\t=1+1", "a, \"quoted\""},
	{"=HYPERLINK(\"http://example.com\";\"x\")", "12.50", "line\nbreak"},
}

// variants are the tables written: a name and the options.
var variants = []struct {
	name string
	opt  export.Options
}{
	{"formulas", export.Options{}},
	{"formulas-bom", export.Options{BOM: true}},
	{"strict", export.Options{Neutralise: export.NeutraliseStrict}},
	{"off", export.Options{Neutralise: export.NeutraliseOff}},
}

// modes are how Calc imports, as the script names its folders.
var modes = []struct{ name, what string }{
	{"default", "no import options (what a double-click opens with)"},
	{"utf8", "UTF-8 chosen"},
	{"utf8-trim-eval", "UTF-8, trim spaces, evaluate formulas"},
}

func main() {
	if len(os.Args) != 3 || os.Args[1] != "write" && os.Args[1] != "report" {
		fmt.Fprintln(os.Stderr, "usage: libreoffice.d write|report DIR")
		os.Exit(2)
	}
	var err error
	bad := false
	if os.Args[1] == "write" {
		err = write(os.Args[2])
	} else {
		bad, err = report(os.Stdout, os.Args[2])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "libreoffice.d:", err)
		os.Exit(2)
	}
	if bad {
		os.Exit(1)
	}
}

func seq(rs [][]string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// write writes each variant's table as DIR/NAME.csv, taken from the
// archive as a customer would extract it.
func write(dir string) error {
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	for _, v := range variants {
		var buf bytes.Buffer
		w, err := export.NewWriter(&buf, "acme", at, v.opt)
		if err != nil {
			return err
		}
		if err := w.WriteTable(export.Contacts, []string{"a", "b", "c"}, seq(rows)); err != nil {
			return err
		}
		if _, err := w.Close(); err != nil {
			return err
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			return err
		}
		f, err := zr.Open(export.Contacts.Path())
		if err != nil {
			return err
		}
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, v.name+".csv"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// verdict says what Calc made of one cell: shown is what it saved, cell
// what the source held, written what the table holds. It reports whether
// that is wrong: a formula run, or text garbled.
func verdict(cell, written, shown string) (string, bool) {
	switch {
	case shown == written && written != cell:
		return "text, apostrophe shown", false
	case shown == cell && written != cell:
		return "text, apostrophe hidden", false
	case shown == cell:
		return "as typed", false
	case sameNumber(cell, shown):
		return "read as the number", false
	case shown != written && strings.ContainsFunc(cell, func(r rune) bool { return r >= 0x80 }) &&
		utf8.RuneCountInString(shown) > utf8.RuneCountInString(written):
		return "garbled", true
	default:
		return "evaluated", true
	}
}

// sameNumber reports whether a and b are both numbers, and equal.
func sameNumber(a, b string) bool {
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}

// report prints, per mode and variant, what Calc shows of each cell that
// it did not show as written, and returns whether a neutralised table ran
// a formula or a UTF-8 mode garbled text.
func report(out io.Writer, dir string) (bool, error) {
	bad := false
	fmt.Fprintln(out, "| import | table | cell as typed | in the file | Calc shows | verdict |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|")
	for _, m := range modes {
		for _, v := range variants {
			written, err := readCSV(filepath.Join(dir, v.name+".csv"))
			if err != nil {
				return false, err
			}
			shown, err := readCSV(filepath.Join(dir, m.name, v.name+".csv"))
			if err != nil {
				return false, err
			}
			for i, row := range rows {
				for j, cell := range row {
					w, s := at(written, i+1, j), at(shown, i+1, j)
					if i == 0 && j == 0 {
						s = strings.TrimPrefix(s, "\ufeff")
					}
					what, wrong := verdict(cell, w, s)
					if what == "as typed" {
						continue
					}
					// Formulas run from the "off" table, and text is garbled
					// when Calc is not told the file is UTF-8: both expected.
					if wrong && (v.name != "off" || what == "garbled") && m.name != "default" {
						what, bad = "**"+what+"**", true
					}
					fmt.Fprintf(out, "| %s | %s | `%s` | `%s` | `%s` | %s |\n", m.name, v.name, quote(cell), quote(w), quote(s), what)
				}
			}
			if h := at(shown, 0, 0); h != "a" {
				fmt.Fprintf(out, "| %s | %s | header `a` | | `%s` | first header cell |\n", m.name, v.name, quote(h))
			}
		}
	}
	for _, m := range modes {
		fmt.Fprintf(out, "\n- %s: %s", m.name, m.what)
	}
	fmt.Fprintln(out)
	return bad, nil
}

func at(rs [][]string, i, j int) string {
	if i < len(rs) && j < len(rs[i]) {
		return rs[i][j]
	}
	return "(missing)"
}

func quote(s string) string {
	return strings.NewReplacer("\n", `\n`, "\t", `\t`, "|", `\|`, "`", "'").Replace(s)
}

func readCSV(path string) ([][]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return r.ReadAll()
}
