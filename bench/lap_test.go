package bench

import (
	"testing"
	"time"
)

// TestLapsAgree: every side computes the same lap as the rules date it
// (LIFE-01, LIFE-02, LIFE-04): warnings on 25, 29 and 31 March 2026 at
// 09:00 in Berlin, across the change to summer time, the suspension on 1
// April, the next deadline 30 days after the restore; and the bare lap
// only the transitions.
func TestLapsAgree(t *testing.T) {
	names, sides, err := Sides()
	if err != nil {
		t.Fatal(err)
	}
	want := Result{
		Warnings:   [3]time.Time{time.Date(2026, 3, 25, 9, 0, 0, 0, berlin), time.Date(2026, 3, 29, 9, 0, 0, 0, berlin), time.Date(2026, 3, 31, 9, 0, 0, 0, berlin)},
		Suspension: time.Date(2026, 4, 1, 9, 0, 0, 0, berlin),
		Next:       time.Date(2026, 5, 1, 9, 0, 0, 0, berlin),
	}
	for _, n := range names {
		for lap := range 3 {
			got, err := sides[n].Run()
			if err != nil {
				t.Fatalf("%s, lap %d: %v", n, lap, err)
			}
			if n == "stateless-bare" {
				if got != (Result{}) {
					t.Errorf("the bare lap computed dates: %+v", got)
				}
				continue
			}
			for i := range 3 {
				if !got.Warnings[i].Equal(want.Warnings[i]) {
					t.Errorf("%s: warning %d on %v, want %v", n, i, got.Warnings[i], want.Warnings[i])
				}
			}
			if !got.Suspension.Equal(want.Suspension) || !got.Next.Equal(want.Next) {
				t.Errorf("%s: suspension %v, next %v; want %v, %v", n, got.Suspension, got.Next, want.Suspension, want.Next)
			}
		}
	}
}

// BenchmarkLap runs each side's lap; a failed lap fails the benchmark.
func BenchmarkLap(b *testing.B) {
	names, sides, err := Sides()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range names {
		b.Run(n, func(b *testing.B) {
			l := sides[n]
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
