package plan_test

// The cost of decoding decimals is linear in the input: a decimal longer
// than MaxDecimalChars is refused before it is parsed (issue 12: a
// one-million-digit "paid" took about 10 s, the square of its digits).

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy/plan"
)

// costInputs returns a stored subscription and the default catalog with
// their first amount replaced by n sevens.
func costInputs(t testing.TB, n int) (sub, cat []byte) {
	t.Helper()
	s := ctActive(t, ctEngine(t), plan.Standard, plan.Monthly, ctAt(2026, 1, 1))
	sb, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := json.Marshal(plan.DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	digits := strings.Repeat("7", n)
	sub = []byte(strings.Replace(string(sb), `"paid":"124"`, `"paid":"`+digits+`"`, 1))
	cat = []byte(strings.Replace(string(cb), `"monthly":"61"`, `"monthly":"`+digits+`"`, 1))
	if len(sub) == len(sb) || len(cat) == len(cb) {
		t.Fatal("no amount replaced")
	}
	return sub, cat
}

// BenchmarkDecodeLongDecimal decodes a subscription and a catalog whose
// amount has 100,000 and 800,000 digits: the ratio of the two sizes' times
// shows the growth (before the bound, 8x the digits took about 90x the time:
// 15 ms and 1.3 s for subscriptions).
func BenchmarkDecodeLongDecimal(b *testing.B) {
	for _, n := range []int{100_000, 800_000} {
		sub, cat := costInputs(b, n)
		b.Run(fmt.Sprintf("subscription/digits=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(sub)))
			for b.Loop() {
				var s plan.Subscription
				if err := s.UnmarshalJSON(sub); !errors.Is(err, plan.ErrCorrupt) {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("catalog/digits=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(cat)))
			for b.Loop() {
				var c plan.Catalog
				if err := c.UnmarshalJSON(cat); !errors.Is(err, plan.ErrCatalog) {
					b.Fatal(err)
				}
			}
		})
	}
}

// bestOf3 returns the shortest of three runs of f.
func bestOf3(f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// TestDecodeLongDecimal_Linear fails when decoding a long decimal grows
// clearly faster than its length: 8x the digits may take at most 32x the
// time (quadratic parsing took about 90x at these sizes, 64x in theory).
// Each size is refused, with the package's error, whatever its length.
func TestDecodeLongDecimal_Linear(t *testing.T) {
	const n = 40_000
	small, smallCat := costInputs(t, n)
	large, largeCat := costInputs(t, 8*n)
	for _, c := range []struct {
		name         string
		small, large []byte
		decode       func([]byte) error
		want         error
	}{
		{"subscription", small, large, func(b []byte) error { var s plan.Subscription; return s.UnmarshalJSON(b) }, plan.ErrCorrupt},
		{"catalog", smallCat, largeCat, func(b []byte) error { var c plan.Catalog; return c.UnmarshalJSON(b) }, plan.ErrCatalog},
	} {
		for _, in := range [][]byte{c.small, c.large} {
			if err := c.decode(in); !errors.Is(err, c.want) || !strings.Contains(err.Error(), "longer than") {
				t.Fatalf("%s with a %d-byte amount: %v, want %v saying it is too long", c.name, len(in), err, c.want)
			}
		}
		// Repeat each run so that it lasts long enough to measure.
		run := func(in []byte) func() {
			return func() {
				for range 10 {
					_ = c.decode(in)
				}
			}
		}
		ts, tl := bestOf3(run(c.small)), bestOf3(run(c.large))
		if tl > 32*ts {
			t.Errorf("%s: %d digits took %v, %d digits %v: %.0fx for 8x the input", c.name, n, ts, 8*n, tl, float64(tl)/float64(ts))
		}
	}
}
