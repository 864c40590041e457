package export

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tenancykit/tenancy"
)

// Neutralise is how Writer.WriteTable keeps a spreadsheet from running a
// CSV cell as a formula (CSV injection), chosen with Options.Neutralise and
// named in the manifest (Manifest.Neutralisation). Every policy that
// changes cells is undone by ReadTableAs given the same policy.
//
// A cell "could start a formula" when it starts with a tab or a carriage
// return (OWASP lists both), or when its first non-blank character is =,
// +, - or @, or one of the characters Unicode compatibility folds to them
// (full-width ＝＋－＠, small ﹦﹢﹣﹫, super- and subscript ⁺⁼₊₌), which some
// spreadsheets map. Blank is Unicode white space (spaces, tabs, CR, LF,
// no-break and ideographic spaces), control characters and invisible
// format characters such as U+200B and U+FEFF: LibreOffice's "trim spaces"
// option, for one, evaluates " =1+1".
//
// What the spreadsheets show of the apostrophe. LibreOffice Calc 7.4, run
// by the developer script .ci/libreoffice (see docs/decisions.md), keeps
// every neutralised cell as text and shows the apostrophe ('+49 30 1234),
// with or without its "trim spaces" and "evaluate formulas" options, and
// runs =1+1 and, trimming, " =1+1" from a table written with
// NeutraliseOff. Excel and Google Sheets were not run; as their vendors
// and users publish it, Excel takes a leading apostrophe as its text
// prefix, hides it and shows the rest as text, and Google Sheets shows it
// as LibreOffice does. None of them runs the cell as a formula.
type Neutralise uint8

const (
	// NeutraliseFormulas, the default, prefixes with one apostrophe every
	// cell that could start a formula, except a plain negative number: a
	// minus sign, an integer part (0, or digits not starting with 0), an
	// optional decimal point and digits, at most 15 digits in all, as in
	// "-3" or "-12.50". Every spreadsheet reads such a cell as the
	// number, and no formula can be written that way, so it is data, shown
	// as the user typed it. "+49 30 1234" and "+4930 1234" are neutralised:
	// a plus sign starts a formula in Excel, and a phone number that lost
	// its plus would be wrong.
	NeutraliseFormulas Neutralise = iota
	// NeutraliseStrict is OWASP's advice to the letter: every cell that
	// could start a formula gets the apostrophe, negative numbers too,
	// which then read as text.
	NeutraliseStrict
	// NeutraliseOff writes every cell as it is. It is only for consumers
	// that are not spreadsheets (a database import, a script): a
	// spreadsheet opening such a file runs its formulas.
	NeutraliseOff
	// neutraliseLegacy is the rule of archives written before issue 13
	// ("apostrophe"): a formula byte (=, +, -, @, tab, CR) first, after
	// any apostrophes. It can be read, not written.
	neutraliseLegacy
)

// Neutralisation is the name the manifest gives the default policy,
// NeutraliseFormulas.
const Neutralisation = "apostrophe-formulas"

// String returns the policy's name in the manifest: "apostrophe-formulas",
// "apostrophe-strict", "off", or "apostrophe" for archives written before
// the policies had names.
func (n Neutralise) String() string {
	switch n {
	case NeutraliseFormulas:
		return Neutralisation
	case NeutraliseStrict:
		return "apostrophe-strict"
	case NeutraliseOff:
		return "off"
	case neutraliseLegacy:
		return "apostrophe"
	}
	return fmt.Sprintf("Neutralise(%d)", uint8(n))
}

// ParseNeutralise returns the policy a manifest names (see
// Neutralise.String), for ReadTableAs. An unknown name is refused with an
// error that matches ErrMalformed.
func ParseNeutralise(name string) (Neutralise, error) {
	for n := NeutraliseFormulas; n <= neutraliseLegacy; n++ {
		if n.String() == name {
			return n, nil
		}
	}
	return 0, malformed("unknown neutralisation %q", name)
}

// writable reports whether a Writer may write with n.
func (n Neutralise) writable() bool { return n <= NeutraliseOff }

// formulaRune reports whether r starts a formula in some spreadsheet.
func formulaRune(r rune) bool {
	switch r {
	case '=', '+', '-', '@',
		'\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', // full-width
		'\uFE66', '\uFE62', '\uFE63', '\uFE6B', // small forms
		'\u207A', '\u207C', '\u208A', '\u208C': // super- and subscript + and =
		return true
	}
	return false
}

// blank reports whether a spreadsheet might skip r before a formula.
func blank(r rune) bool {
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cc, unicode.Cf)
}

// formulaLike reports whether cell could start a formula: a tab or CR
// first, or a formula character first after blanks.
func formulaLike(cell string) bool {
	if cell == "" {
		return false
	}
	if c := cell[0]; c < utf8.RuneSelf && c > ' ' && c != 0x7f {
		// The usual case, decided by the first byte.
		return c == '=' || c == '+' || c == '-' || c == '@'
	}
	if cell[0] == '\t' || cell[0] == '\r' {
		return true
	}
	for _, r := range cell {
		if !blank(r) {
			return formulaRune(r)
		}
	}
	return false
}

// negativeNumber reports whether s is a plain negative decimal number:
// "-", then 0 or digits not starting with 0, then optionally "." and
// digits, with at most 15 digits (what a spreadsheet keeps exactly).
func negativeNumber(s string) bool {
	if len(s) < 2 || s[0] != '-' {
		return false
	}
	i, digits := 1, 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	intPart := i - 1
	if intPart == 0 || intPart > 1 && s[1] == '0' {
		return false
	}
	digits = intPart
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		if j == i+1 {
			return false
		}
		digits += j - i - 1
		i = j
	}
	return i == len(s) && digits <= 15
}

// needs reports whether policy n neutralises core, a cell without its
// leading apostrophes.
func (n Neutralise) needs(core string) bool {
	switch n {
	case NeutraliseFormulas:
		return formulaLike(core) && !negativeNumber(core)
	case NeutraliseStrict:
		return formulaLike(core)
	case neutraliseLegacy:
		return core != "" && strings.IndexByte("=+-@\t\r", core[0]) >= 0
	}
	return false
}

// risky reports whether policy n prefixes cell with an apostrophe. It
// judges the cell without its leading apostrophes, and a cell that starts
// with apostrophes before what the policy neutralises gets one more, so
// that reading can always take exactly one off: the mapping is reversible
// for every string.
func (n Neutralise) risky(cell string) bool {
	return n != NeutraliseOff && n.needs(strings.TrimLeft(cell, "'"))
}

// restore undoes policy n's neutralisation of one cell.
func (n Neutralise) restore(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && n.risky(cell[1:]) {
		return cell[1:]
	}
	return cell
}

// bom is the UTF-8 byte order mark Options.BOM writes first.
const bom = "\uFEFF"

// csvCounts is the state of one table being encoded, and what encoding it
// changed, for the manifest.
type csvCounts struct {
	how         Neutralise
	bom         bool  // the file starts with a BOM
	started     bool  // a record has been written
	neutralised int64 // cells prefixed with an apostrophe
	repaired    int64 // cells whose invalid UTF-8 was replaced
}

// begin appends the start of a table, a BOM when n.bom, and its header
// row to dst.
func (n *csvCounts) begin(dst []byte, header []string) []byte {
	if n.bom {
		dst = append(dst, bom...)
	}
	return appendRecord(dst, header, n)
}

// appendRecord appends one RFC 4180 record, ended by CRLF, to dst. A field
// is quoted when it holds a comma, a quote, a CR or an LF; a record that
// is one empty field is written as "" so that no reader skips it as a
// blank line. The first cell of a file is quoted when it starts with
// U+FEFF, so that the mark is not taken for the file's BOM, which readers
// take off: a file with the BOM is the BOM and then the same bytes. The
// cells are never changed in place.
func appendRecord(dst []byte, cells []string, n *csvCounts) []byte {
	first := !n.started
	n.started = true
	if len(cells) == 1 && cells[0] == "" {
		return append(dst, "\"\"\r\n"...)
	}
	for i, c := range cells {
		if i > 0 {
			dst = append(dst, ',')
		}
		if c == "" {
			continue
		}
		// The usual cell is written as it is: none of its bytes asks for
		// more (see csvClass), as scanCell finds eight at a time.
		class := csvClass[c[0]]&csvLead | scanCell(c)
		if class == 0 && (!first || i > 0) {
			dst = append(dst, c...)
			continue
		}
		dst = appendCell(dst, c, class, first && i == 0, n)
	}
	return append(dst, '\r', '\n')
}

// appendCell appends cell c, of a record being written, to dst: repaired
// when it is not UTF-8, prefixed with an apostrophe when the policy says
// so, and quoted when it holds a comma, a quote, a CR or an LF, or when it
// is the first cell of the file (lead) and starts with U+FEFF. Class is
// what csvClass says of c: csvLead of its first byte, csvQuote and
// csvHigh of any; what it lacks is not looked for again.
func appendCell(dst []byte, c string, class uint8, lead bool, n *csvCounts) []byte {
	if class&csvHigh != 0 && !utf8.ValidString(c) {
		// Only bytes of 0x80 and above are replaced: the quoting is the
		// same, and a first byte of 0x80 or above has csvLead already.
		c = strings.ToValidUTF8(c, "\uFFFD")
		n.repaired++
	}
	prefix := class&csvLead != 0 && n.how.risky(c)
	if prefix {
		n.neutralised++
	}
	if class&csvQuote == 0 && !(lead && !prefix && strings.HasPrefix(c, bom)) {
		if prefix {
			dst = append(dst, '\'')
		}
		return append(dst, c...)
	}
	dst = append(dst, '"')
	if prefix {
		dst = append(dst, '\'')
	}
	if class&csvDouble == 0 {
		dst = append(dst, c...)
		return append(dst, '"')
	}
	for {
		j := strings.IndexByte(c, '"')
		if j < 0 {
			break
		}
		dst = append(dst, c[:j+1]...)
		dst = append(dst, '"')
		c = c[j+1:]
	}
	dst = append(dst, c...)
	return append(dst, '"')
}

// The classes of csvClass.
const (
	// csvQuote is a byte that makes a field quoted: comma, quote, CR, LF.
	csvQuote = 1 << iota
	// csvHigh is a byte of a multi-byte UTF-8 sequence, or not UTF-8:
	// the cell's encoding must be checked.
	csvHigh
	// csvLead is a first byte after which a policy might neutralise the
	// cell: the formula characters, an apostrophe, blanks and control
	// characters, and every byte of 0x80 and above (a formula rune or a
	// blank beyond ASCII).
	csvLead
	// csvDouble is a quote, which a quoted field doubles.
	csvDouble
)

// csvClass classifies every byte for appendRecord's fast path: a cell
// whose first byte has no csvLead and none of whose bytes has csvQuote or
// csvHigh is written exactly as it is, under every policy.
var csvClass = func() (t [256]uint8) {
	for _, b := range []byte{',', '"', '\r', '\n'} {
		t[b] |= csvQuote
	}
	t['"'] |= csvDouble
	for b := 0x80; b < 0x100; b++ {
		t[b] |= csvHigh | csvLead
	}
	for b := 0; b <= ' '; b++ {
		t[b] |= csvLead
	}
	for _, b := range []byte{0x7f, '=', '+', '-', '@', '\''} {
		t[b] |= csvLead
	}
	return t
}()

// Masks for scanCell, which reads eight bytes as one little-endian word.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// quoteBytes has its high bits, among others, set in the bytes of x that
// are a comma (comma), a quote (double), or one of the control characters
// 0x08 to 0x0F (control), which are CR and LF but also tab, backspace and
// a few more; and in no byte when x holds none of them. (Where a byte
// matches, the subtraction borrows, and the bytes above may be marked
// too.)
func quoteBytes(x uint64) (comma, double, control uint64) {
	a, b, c := x^(','*lowBits), x^('"'*lowBits), (x|0x07*lowBits)^(0x0F*lowBits)
	return (a - lowBits) &^ a, (b - lowBits) &^ b, (c - lowBits) &^ c
}

// load64 is the little-endian word of the first eight bytes of s.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// scanCell returns the csvQuote, csvDouble and csvHigh classes of the
// bytes of s, eight at a time. An s shorter than 8 bytes is read through
// csvClass, as is one with a control character but no comma or quote, to
// tell a tab from a line break.
func scanCell(s string) uint8 {
	if len(s) >= 8 {
		// The last word is the last 8 bytes, overlapping the one before
		// when len(s) is not a multiple of 8.
		high := load64(s[len(s)-8:])
		comma, double, control := quoteBytes(high)
		for i := 0; i+8 < len(s); i += 8 {
			x := load64(s[i:])
			a, b, c := quoteBytes(x)
			high, comma, double, control = high|x, comma|a, double|b, control|c
		}
		var class uint8
		if high&highBits != 0 {
			class |= csvHigh
		}
		if double&highBits != 0 {
			class |= csvQuote | csvDouble
		}
		if comma&highBits != 0 {
			class |= csvQuote
		}
		if control&highBits == 0 || class&csvQuote != 0 {
			return class
		}
	}
	var class uint8
	for i := 0; i < len(s); i++ {
		class |= csvClass[s[i]]
	}
	return class &^ csvLead
}

// ErrMalformed is matched by every error of the decoders ReadTable,
// ReadCalendar and DecodeManifest.
var ErrMalformed = tenancy.Kind("malformed export file", tenancy.ErrInvalid)

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// csvParser reads RFC 4180 records strictly: every record has as many
// fields as the first, quotes appear only around whole fields, and line
// breaks outside quotes are CRLF or LF.
type csvParser struct {
	r      *bufio.Reader
	keep   bool // build the fields; false only counts records
	how    Neutralise
	fields []string
	buf    []byte
	width  int // fields per record, from the first
	line   int64
}

// next reads one record; it returns io.EOF after the last.
func (p *csvParser) next() error {
	p.fields = p.fields[:0]
	p.line++
	c, err := p.r.ReadByte()
	if err == io.EOF {
		return io.EOF
	}
	n := 0
	for {
		p.buf = p.buf[:0]
		if err == nil && c == '"' {
			// A quoted field: every byte up to the closing quote is data.
			for {
				c, err = p.r.ReadByte()
				if err == io.EOF {
					return malformed("record %d: unterminated quoted field", p.line)
				}
				if err != nil {
					return err
				}
				if c != '"' {
					if p.keep {
						p.buf = append(p.buf, c)
					}
					continue
				}
				c, err = p.r.ReadByte()
				if err == nil && c == '"' {
					if p.keep {
						p.buf = append(p.buf, '"')
					}
					continue
				}
				break
			}
		} else {
			for err == nil && c != ',' && c != '\r' && c != '\n' {
				if c == '"' {
					return malformed("record %d: quote inside an unquoted field", p.line)
				}
				if p.keep {
					p.buf = append(p.buf, c)
				}
				c, err = p.r.ReadByte()
			}
		}
		if err != nil && err != io.EOF {
			return err
		}
		n++
		if p.keep {
			if !utf8.Valid(p.buf) {
				return malformed("record %d: field %d is not UTF-8", p.line, n)
			}
			p.fields = append(p.fields, p.how.restore(string(p.buf)))
		}
		if err == io.EOF {
			break
		}
		if c == ',' {
			c, err = p.r.ReadByte()
			continue
		}
		if c == '\r' {
			if c, err = p.r.ReadByte(); err != nil || c != '\n' {
				return malformed("record %d: CR without LF", p.line)
			}
		}
		if c != '\n' {
			return malformed("record %d: %q after a quoted field", p.line, c)
		}
		break
	}
	if p.width == 0 {
		p.width = n
	} else if n != p.width {
		return malformed("record %d has %d fields, the header %d", p.line, n, p.width)
	}
	return nil
}

// skipBOM takes a UTF-8 byte order mark off the start of r, and reports
// whether there was one.
func skipBOM(r *bufio.Reader) (bool, error) {
	b, err := r.Peek(len(bom))
	if bytes.Equal(b, []byte(bom)) {
		_, err = r.Discard(len(bom))
		return true, err
	}
	if err == io.EOF || err == bufio.ErrBufferFull {
		err = nil
	}
	return false, err
}

// ReadTable reads a CSV file written by Writer.WriteTable with the default
// policy, NeutraliseFormulas, and yields its records, the header row
// first, exactly as the source gave them: the apostrophe that neutralised
// a formula is taken off again, and a byte order mark at the start
// (Options.BOM) is skipped. The yielded slice is new for every record. A
// malformed file yields one error that matches ErrMalformed, and stops.
// For an archive written with another policy, or before the policies had
// names, use ReadTableAs with the one its manifest names.
func ReadTable(r io.Reader) iter.Seq2[[]string, error] {
	return ReadTableAs(r, NeutraliseFormulas)
}

// ReadTableAs is ReadTable for a file written with policy how, the one its
// manifest names (ParseNeutralise of Manifest.Neutralisation): with
// NeutraliseOff no cell is changed. An unknown policy yields one error
// that matches ErrMalformed.
func ReadTableAs(r io.Reader, how Neutralise) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		if how > neutraliseLegacy {
			yield(nil, malformed("unknown neutralisation %v", how))
			return
		}
		br := bufio.NewReader(r)
		if _, err := skipBOM(br); err != nil {
			yield(nil, err)
			return
		}
		p := csvParser{r: br, keep: true, how: how}
		for {
			err := p.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(append([]string(nil), p.fields...), nil) {
				return
			}
		}
	}
}

// countRecords counts the records of a CSV file, checking its structure
// and that it starts with a byte order mark exactly when withBOM. It
// reads through r itself when r is a bufio.Reader.
func countRecords(r io.Reader, withBOM bool) (int64, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	has, err := skipBOM(br)
	if err != nil {
		return 0, err
	}
	if has != withBOM {
		return 0, malformed("the file starts with a byte order mark: %v, the manifest says %v", has, withBOM)
	}
	p := csvParser{r: br}
	var n int64
	for {
		err := p.next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
