package export

import (
	"bytes"
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
					w, err := NewWriter(io.Discard, "acme", at, mode.opt)
					if err != nil {
						b.Fatal(err)
					}
					if err := w.WriteTable(Contacts, header, rows); err != nil {
						b.Fatal(err)
					}
					if _, err := w.Close(); err != nil {
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
	w, err := NewWriter(&buf, "acme", at, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.WriteTable(Contacts, header, rows); err != nil {
		b.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
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
