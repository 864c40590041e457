package export

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// appendRecordPlain is appendRecord as it was before its fast path (issue
// 15): every cell checked for UTF-8, judged by the policy and searched for
// the bytes that make it quoted. TestAppendRecord_EXP01_FastPathAgrees
// holds appendRecord to it.
func appendRecordPlain(dst []byte, cells []string, n *csvCounts) []byte {
	first := !n.started
	n.started = true
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
		prefix := n.how.risky(c)
		if prefix {
			n.neutralised++
		}
		if !strings.ContainsAny(c, ",\"\r\n") && !(first && i == 0 && !prefix && strings.HasPrefix(c, bom)) {
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
		dst = append(dst, strings.ReplaceAll(c, "\"", "\"\"")...)
		dst = append(dst, '"')
	}
	return append(dst, '\r', '\n')
}

// fastPathPieces are the bits cells are made of: every byte class of
// csvClass at every place of a word, and runes beyond ASCII, valid or not.
var fastPathPieces = []string{
	"a", "Z", "0", "9", " ", ",", "\"", "\r", "\n", "\t", "\x00", "\x07", "\x08", "\x0b", "\x0f", "\x10", "\x1f", "\x7f",
	"=", "+", "-", "@", "'", "''", ".", "-3", "-12.50", "+49 30", "=1+1", " =1+1",
	"é", "東京", "\uFEFF", "\u200B", "\uFF1D", "\u207A", "\u00A0", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80",
	"abcdefgh", "0123456789abcdef", "Analytical Engines, Ltd.", "met at the \"expo\"; =follow up",
}

// TestAppendRecord_EXP01_FastPathAgrees: appendRecord, which scans cells
// eight bytes at a time and judges only those whose bytes ask for it,
// writes every record exactly as appendRecordPlain does, with the same
// counts, the first record of a file too, under every policy, for cells
// short and
// long (beyond 64 bytes, where quotes are found otherwise), made of every
// byte class at every offset (EXP-01).
func TestAppendRecord_EXP01_FastPathAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	cell := func() string {
		var b strings.Builder
		for range r.IntN(12) {
			if r.IntN(4) == 0 {
				b.WriteString(strings.Repeat("x", r.IntN(80)))
			}
			b.WriteString(fastPathPieces[r.IntN(len(fastPathPieces))])
		}
		return b.String()
	}
	for _, how := range []Neutralise{NeutraliseFormulas, NeutraliseStrict, NeutraliseOff} {
		for range 6000 {
			fast, plain := csvCounts{how: how}, csvCounts{how: how}
			var got, want []byte
			for range 1 + r.IntN(4) {
				row := make([]string, 1+r.IntN(6))
				for i := range row {
					row[i] = cell()
				}
				got = appendRecord(got, row, &fast)
				want = appendRecordPlain(want, row, &plain)
				if !bytes.Equal(got, want) {
					t.Fatalf("%v: record %q written %q, want %q", how, row, got, want)
				}
			}
			if fast != plain {
				t.Fatalf("%v: counts %+v, want %+v", how, fast, plain)
			}
		}
	}
}

// TestBegin_EXP01_FastPathAgrees: the header row, the first record of a
// file, with its first cell quoted when it starts with U+FEFF, is written
// as appendRecordPlain writes it (EXP-01).
func TestBegin_EXP01_FastPathAgrees(t *testing.T) {
	for _, first := range []string{"", "\uFEFF", "\uFEFFid", "\"\uFEFF\"", "'\uFEFF", "=\uFEFF", "id", "\uFEFF=1", "\xff\uFEFF", "\uFEFF\xff"} {
		for _, how := range []Neutralise{NeutraliseFormulas, NeutraliseStrict, NeutraliseOff} {
			for _, header := range [][]string{{first}, {first, "name"}, {first, first}} {
				fast, plain := csvCounts{how: how}, csvCounts{how: how}
				got := appendRecord(nil, header, &fast)
				want := appendRecordPlain(nil, header, &plain)
				if !bytes.Equal(got, want) || fast != plain {
					t.Errorf("%v: header %q written %q %+v, want %q %+v", how, header, got, fast, want, plain)
				}
			}
		}
	}
}
