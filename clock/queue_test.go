package clock_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	bclock "github.com/benbjohnson/clock"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy/clock"
)

// TestQueueAgainstModel drives a Queue with random schedules, moves,
// removals and takes, against a map. Invariants: Len, When and Next agree
// with the map; Due returns exactly the keys whose deadline is at or before
// now, in deadline order, and removes them.
func TestQueueAgainstModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var q clock.Queue[int]
		model := map[int]int64{}
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		at := func(n int64) time.Time { return base.Add(time.Duration(n) * time.Minute) }
		key := rapid.IntRange(0, 30)
		t.Repeat(map[string]func(*rapid.T){
			"schedule": func(t *rapid.T) {
				k, n := key.Draw(t, "key"), rapid.Int64Range(0, 1000).Draw(t, "at")
				q.Schedule(k, at(n))
				model[k] = n
			},
			"remove": func(t *rapid.T) {
				k := key.Draw(t, "key")
				_, had := model[k]
				if got := q.Remove(k); got != had {
					t.Fatalf("Remove(%d) = %v, want %v", k, got, had)
				}
				delete(model, k)
			},
			"due": func(t *rapid.T) {
				now := rapid.Int64Range(0, 1000).Draw(t, "now")
				got := q.Due(at(now), nil)
				var want []int
				for k, n := range model {
					if n <= now {
						want = append(want, k)
					}
				}
				if len(got) != len(want) {
					t.Fatalf("Due(%d) = %v, want the keys %v", now, got, want)
				}
				for i, k := range got {
					if !slices.Contains(want, k) || (i > 0 && model[got[i-1]] > model[k]) {
						t.Fatalf("Due(%d) = %v: wrong key or out of order", now, got)
					}
				}
				for _, k := range got {
					delete(model, k)
				}
			},
			"sweep": func(t *rapid.T) {
				// Sweep hands over exactly the due keys, in deadline
				// order, each once unless it is kept at or before now;
				// a kept key moves to the deadline fn returns, a
				// dropped one is gone.
				now := rapid.Int64Range(0, 1000).Draw(t, "now")
				var want []int
				for k, n := range model {
					if n <= now {
						want = append(want, k)
					}
				}
				limit := q.Len()
				var got []int
				last := int64(-1) // the deadline of the key handed last
				handed := q.Sweep(at(now), func(k int) (time.Time, bool) {
					n, ok := model[k]
					if !ok || n > now {
						t.Fatalf("Sweep handed %d, due at %d, at %d", k, n, now)
					}
					if n < last {
						t.Fatalf("Sweep handed %d (due %d) after a key due %d: out of order", k, n, last)
					}
					last = n
					got = append(got, k)
					if rapid.Bool().Draw(t, "keep") {
						// Later than now, or (rarely) at now again.
						n := rapid.Int64Range(now, 1100).Draw(t, "next")
						model[k] = n
						return at(n), true
					}
					delete(model, k)
					return time.Time{}, false
				})
				if handed != len(got) || handed > limit {
					t.Fatalf("Sweep reported %d keys, handed %d, limit %d", handed, len(got), limit)
				}
				for _, k := range want {
					if !slices.Contains(got, k) && handed < limit {
						t.Fatalf("Sweep(%d) did not hand over due key %d: %v", now, k, got)
					}
				}
			},
			"": func(t *rapid.T) {
				if q.Len() != len(model) {
					t.Fatalf("Len %d, want %d", q.Len(), len(model))
				}
				next, ok := q.Next()
				if ok != (len(model) > 0) {
					t.Fatalf("Next ok = %v with %d keys", ok, len(model))
				}
				min := int64(-1)
				for k, n := range model {
					if w, ok := q.When(k); !ok || !w.Equal(at(n)) {
						t.Fatalf("When(%d) = %v %v, want %v", k, w, ok, at(n))
					}
					if min < 0 || n < min {
						min = n
					}
				}
				if ok && !next.Equal(at(min)) {
					t.Fatalf("Next = %v, want %v", next, at(min))
				}
			},
		})
	})
}

// runnerTest runs a Runner on a benbjohnson mock clock inside a synctest
// bubble, so that synctest.Wait tells when the runner is waiting: no test
// sleeps on the real clock.
func runnerTest(t *testing.T, f func(mock *bclock.Mock, r *clock.Runner[string], fired func() []string)) {
	synctest.Test(t, func(t *testing.T) {
		mock := bclock.NewMock()
		mock.Set(time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC))
		var mu sync.Mutex
		var got []string
		r := clock.NewRunner(mock, func(now time.Time, due []string) {
			mu.Lock()
			defer mu.Unlock()
			for _, k := range due {
				got = append(got, fmt.Sprintf("%s@%s", k, now.Format("15:04")))
			}
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- r.Run(ctx) }()
		synctest.Wait()
		f(mock, r, func() []string {
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			out := got
			got = nil
			return out
		})
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	})
}

// TestRunnerFiresOnTheMockClock: keys fire when the mock clock reaches
// their deadline, not before, earliest first, each once.
func TestRunnerFiresOnTheMockClock(t *testing.T) {
	runnerTest(t, func(mock *bclock.Mock, r *clock.Runner[string], fired func() []string) {
		start := mock.Now()
		r.Schedule("b", start.Add(2*time.Hour))
		r.Schedule("a", start.Add(time.Hour))
		if got := fired(); len(got) != 0 {
			t.Fatalf("fired before any deadline: %v", got)
		}
		mock.Add(59 * time.Minute)
		if got := fired(); len(got) != 0 {
			t.Fatalf("fired a minute early: %v", got)
		}
		mock.Add(time.Minute)
		if got := fired(); !slices.Equal(got, []string{"a@10:00"}) {
			t.Fatalf("at 10:00 fired %v", got)
		}
		mock.Add(3 * time.Hour)
		if got := fired(); !slices.Equal(got, []string{"b@11:00"}) {
			t.Fatalf("after 11:00 fired %v, want b at 11:00 (the mock steps timer by timer)", got)
		}
		if r.Len() != 0 {
			t.Fatalf("%d keys left", r.Len())
		}
	})
}

// TestRunnerWakesForAnEarlierDeadline: a runner waiting for a deadline in
// a day fires a key scheduled for an hour from now at that hour.
func TestRunnerWakesForAnEarlierDeadline(t *testing.T) {
	runnerTest(t, func(mock *bclock.Mock, r *clock.Runner[string], fired func() []string) {
		start := mock.Now()
		r.Schedule("late", start.Add(24*time.Hour))
		fired()
		r.Schedule("soon", start.Add(time.Hour))
		fired()
		mock.Add(time.Hour)
		if got := fired(); !slices.Equal(got, []string{"soon@10:00"}) {
			t.Fatalf("fired %v, want soon at 10:00", got)
		}
		if !r.Remove("late") || r.Remove("late") {
			t.Fatal("Remove should report the key once")
		}
		mock.Add(48 * time.Hour)
		if got := fired(); len(got) != 0 {
			t.Fatalf("a removed key fired: %v", got)
		}
	})
}

// TestRunnerReschedulesFromFire: fire may schedule the key's next deadline,
// as a service does after advancing an account.
func TestRunnerReschedulesFromFire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mock := bclock.NewMock()
		start := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
		mock.Set(start)
		var r *clock.Runner[int]
		count := 0
		r = clock.NewRunner(mock, func(now time.Time, due []int) {
			for _, k := range due {
				count++
				r.Schedule(k, now.Add(24*time.Hour))
			}
		})
		r.Schedule(1, start.Add(24*time.Hour))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go r.Run(ctx)
		for range 10 {
			synctest.Wait()
			mock.Add(24 * time.Hour)
		}
		synctest.Wait()
		if count != 10 {
			t.Fatalf("fired %d times in 10 days, want 10", count)
		}
		if next, _ := r.Next(); !next.Equal(start.Add(11 * 24 * time.Hour)) {
			t.Fatalf("next %v", next)
		}
	})
}

// BenchmarkQueue schedules 1,000,000 account keys and reports the bytes
// each entry holds; Due then measures taking one due key.
func BenchmarkQueue(b *testing.B) {
	const n = 1_000_000
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("acct-%07d", i)
	}
	fill := func() *clock.Queue[string] {
		q := &clock.Queue[string]{}
		q.Grow(n)
		for i, k := range keys {
			q.Schedule(k, base.Add(time.Duration((i*7919)%n)*time.Second))
		}
		return q
	}
	b.Run("bytes-per-entry", func(b *testing.B) {
		for b.Loop() {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			q := fill()
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/entry")
			runtime.KeepAlive(q)
		}
	})
	b.Run("due", func(b *testing.B) {
		q := fill()
		var dst []string
		now := base
		b.ReportAllocs()
		for b.Loop() {
			if q.Len() == 0 {
				b.StopTimer()
				q = fill()
				now = base
				b.StartTimer()
			}
			now = now.Add(time.Second)
			dst = q.Due(now, dst[:0])
		}
	})
	// One due key taken and scheduled again a day later, the sweeper's
	// step: by Due and Schedule (the index erases and re-inserts it), and
	// by Sweep (the entry moves down from the top, in place).
	b.Run("due-then-schedule", func(b *testing.B) {
		q := fill()
		now := base
		var dst []string
		b.ReportAllocs()
		for b.Loop() {
			now = now.Add(time.Second)
			dst = q.Due(now, dst[:0])
			for _, k := range dst {
				q.Schedule(k, now.Add(24*time.Hour))
			}
		}
	})
	b.Run("sweep", func(b *testing.B) {
		q := fill()
		now := base
		b.ReportAllocs()
		for b.Loop() {
			now = now.Add(time.Second)
			q.Sweep(now, func(string) (time.Time, bool) { return now.Add(24 * time.Hour), true })
		}
	})
	b.Run("reschedule", func(b *testing.B) {
		q := fill()
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			q.Schedule(keys[i%n], base.Add(time.Duration(i%997)*time.Hour))
			i++
		}
	})
}
