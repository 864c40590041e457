package export

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestStore_EXP03_TooLargeToStoreIsDeflated: an entry larger than the
// sizes a local header holds (4 GiB, lowered here to 16 bytes) is deflated
// though Options.Store asks for stored, spooled or read twice; its manifest
// line says "deflate", the entries below the limit stay stored, and the
// archive verifies (EXP-03).
func TestStore_EXP03_TooLargeToStoreIsDeflated(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "acme", time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), Options{Store: true})
	if err != nil {
		t.Fatal(err)
	}
	w.storeMax = 16
	small, large := "sixteen bytes..!", strings.Repeat("seventeen bytes! ", 4)
	err = w.WriteFiles(func(yield func(File, error) bool) {
		_ = yield(File{Name: "small.txt", Body: strings.NewReader(small)}, nil) &&
			yield(File{Name: "large.txt", Body: strings.NewReader(large)}, nil) &&
			yield(File{Name: "small-twice.txt", Body: strings.NewReader(small), Reread: true}, nil) &&
			yield(File{Name: "large-twice.txt", Body: strings.NewReader(large), Reread: true}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"drive/small.txt": "store", "drive/large.txt": "deflate", "drive/small-twice.txt": "store", "drive/large-twice.txt": "deflate"}
	for _, f := range m.Files {
		if want[f.Path] != f.Method {
			t.Errorf("%s (%d bytes) written %s, want %s", f.Path, f.Bytes, f.Method, want[f.Path])
		}
	}
	if len(m.Files) != len(want) {
		t.Fatalf("%d files in the manifest", len(m.Files))
	}
	if _, err := Verify(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}
