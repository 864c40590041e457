package clock

import (
	"context"
	"sync"
	"time"
)

// Runner fires deadlines on a Clock: it waits until the earliest deadline
// of its queue, takes every key due and hands them to the service's
// function, then waits again. Scheduling an earlier deadline wakes it at
// once. Its methods are safe for concurrent use: the service schedules and
// removes keys from any goroutine while Run waits.
type Runner[K comparable] struct {
	clock Clock
	fire  func(now time.Time, due []K)
	mu    sync.Mutex
	q     Queue[K]
	wake  chan struct{}
}

// NewRunner returns a Runner that waits on c and calls fire with the time
// it read and the keys due at that time, earliest first. fire runs on Run's
// goroutine, one call at a time; the slice is valid only during the call.
// fire may call Schedule and Remove, typically to schedule each key's next
// deadline after advancing its state.
func NewRunner[K comparable](c Clock, fire func(now time.Time, due []K)) *Runner[K] {
	return &Runner[K]{clock: c, fire: fire, wake: make(chan struct{}, 1)}
}

// Schedule sets key's deadline to at, waking Run if it is now the
// earliest.
func (r *Runner[K]) Schedule(key K, at time.Time) {
	r.mu.Lock()
	before, had := r.q.Next()
	r.q.Schedule(key, at)
	after, _ := r.q.Next()
	r.mu.Unlock()
	if !had || after.Before(before) {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// Remove takes key's deadline away and reports whether it had one.
func (r *Runner[K]) Remove(key K) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.q.Remove(key)
}

// Next returns the earliest deadline scheduled.
func (r *Runner[K]) Next() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.q.Next()
}

// Len returns the number of keys scheduled.
func (r *Runner[K]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.q.Len()
}

// Run fires deadlines until ctx is done, then returns ctx's error. It reads
// the clock, fires every key due, and when none is due waits on the clock
// for the earliest deadline, or for an earlier one to be scheduled. Keys
// due while fire runs are fired as soon as it returns. Run must not be
// called twice at once.
func (r *Runner[K]) Run(ctx context.Context) error {
	var due []K
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.mu.Lock()
		now := r.clock.Now()
		due = r.q.Due(now, due[:0])
		next, ok := r.q.Next()
		r.mu.Unlock()
		if len(due) > 0 {
			r.fire(now, due)
			continue
		}
		var timer <-chan time.Time
		if ok {
			timer = r.clock.After(next.Sub(now))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-r.wake:
		case <-timer:
		}
	}
}
