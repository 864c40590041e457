package export

import (
	"bytes"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"
)

func seqOf[T any](xs ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// smallArchive writes an archive with every kind of file.
func smallArchive(t *testing.T, opt Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	at := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	w, err := NewWriter(&buf, "acme", at, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTable(Contacts, []string{"name", "note"}, seqOf([]string{"Ada, \"L\"", "=1+1"}, []string{"Bob\r\nX", "-3"})); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteCalendar(seqOf(Event{Summary: "Meet; now, \\ here", Start: at, End: at.Add(time.Hour)})); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFiles(seqOf(File{Name: "../../etc/passwd", Body: strings.NewReader("root")}, File{Name: "ETC/PASSWD", Body: strings.NewReader("x")})); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestEveryByteFlipIsDetected changes every byte of a small archive,
// stored and deflated, one at a time, flipping one bit (a different one
// from byte to byte) and then all eight: Verify must refuse every result
// (EXP-03), and accept the original.
func TestEveryByteFlipIsDetected(t *testing.T) {
	for _, opt := range []Options{{}, {Store: true}} {
		data := smallArchive(t, opt)
		if rep, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil || rep.Verified != 4 {
			t.Fatalf("store=%v: the original fails: %v (%d verified)", opt.Store, err, rep.Verified)
		}
		for i := range data {
			for _, mask := range []byte{1 << (i % 8), 0xff} {
				c := bytes.Clone(data)
				c[i] ^= mask
				_, err := Verify(bytes.NewReader(c), int64(len(c)))
				if !errors.Is(err, ErrUnverified) {
					t.Fatalf("store=%v: xor %#x at byte %d of %d went unseen: %v", opt.Store, mask, i, len(data), err)
				}
			}
		}
	}
}
