package export

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"strings"
	"unicode/utf8"

	"github.com/tenancykit/tenancy"
)

// A cell a spreadsheet would run as a formula starts with one of these
// bytes. Such cells are neutralised with a leading apostrophe, which every
// spreadsheet reads as "this is text".
func formulaStart(b byte) bool {
	switch b {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// risky reports whether cell must be neutralised: it starts with a formula
// byte, possibly after apostrophes. Cells that already start with
// apostrophes before a formula byte get one more, so that ReadTable can
// always undo exactly one: the mapping is reversible for every string.
func risky(cell string) bool {
	i := 0
	for i < len(cell) && cell[i] == '\'' {
		i++
	}
	return i < len(cell) && formulaStart(cell[i])
}

// restore undoes the neutralisation of one cell.
func restore(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && risky(cell[1:]) {
		return cell[1:]
	}
	return cell
}

// csvCounts are what encoding a table changed, for the manifest.
type csvCounts struct {
	neutralised int64 // cells prefixed with an apostrophe
	repaired    int64 // cells whose invalid UTF-8 was replaced
}

// appendRecord appends one RFC 4180 record, ended by CRLF, to dst. A field
// is quoted when it holds a comma, a quote, a CR or an LF; a record that
// is one empty field is written as "" so that no reader skips it as a
// blank line. The cells are never changed in place.
func appendRecord(dst []byte, cells []string, n *csvCounts) []byte {
	if len(cells) == 1 && cells[0] == "" {
		return append(dst, "\"\"\r\n"...)
	}
	for i, c := range cells {
		if i > 0 {
			dst = append(dst, ',')
		}
		if !utf8.ValidString(c) {
			c = strings.ToValidUTF8(c, "\uFFFD")
			n.repaired++
		}
		prefix := risky(c)
		if prefix {
			n.neutralised++
		}
		if !strings.ContainsAny(c, ",\"\r\n") {
			if prefix {
				dst = append(dst, '\'')
			}
			dst = append(dst, c...)
			continue
		}
		dst = append(dst, '"')
		if prefix {
			dst = append(dst, '\'')
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
		dst = append(dst, '"')
	}
	return append(dst, '\r', '\n')
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
			p.fields = append(p.fields, restore(string(p.buf)))
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

// ReadTable reads a CSV file written by Writer.WriteTable and yields its
// records, the header row first, exactly as the source gave them: the
// apostrophe that neutralised a formula is taken off again. The yielded
// slice is new for every record. A malformed file yields one error that
// matches ErrMalformed, and stops.
func ReadTable(r io.Reader) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		p := csvParser{r: bufio.NewReader(r), keep: true}
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

// countRecords counts the records of a CSV file, checking its structure.
// It reads through r itself when r is a bufio.Reader.
func countRecords(r io.Reader) (int64, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
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
