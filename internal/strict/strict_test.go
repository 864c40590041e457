package strict_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the zone must load on any machine

	"github.com/tenancykit/tenancy/internal/strict"
)

func TestDecode(t *testing.T) {
	var v struct{ A int }
	for in, ok := range map[string]bool{`{"A":1}`: true, `{"A":1} `: true, `{"A":1}]`: false, `{"A":1}{}`: false, `{"B":1}`: false, `{`: false} {
		if err := strict.Decode([]byte(in), &v); (err == nil) != ok {
			t.Errorf("Decode(%s) = %v, want ok=%v", in, err, ok)
		}
	}
}

func TestZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	z := strict.Zone{Loc: tokyo}
	if got := z.In(time.Time{}); !got.IsZero() || z.Unwritable {
		t.Fatal("the zero time changed or was unwritable")
	}
	modern := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := z.In(modern); !got.Equal(modern) || got.Location() != tokyo || z.Unwritable {
		t.Fatalf("In(%v) = %v, unwritable %v", modern, got, z.Unwritable)
	}
	// Before 1888 Tokyo kept local mean time, +9:18:59: not whole minutes.
	z.In(time.Date(1880, 1, 1, 0, 0, 0, 0, time.UTC))
	if !z.Unwritable {
		t.Fatal("a local-mean-time offset was not reported unwritable")
	}
}
