// Package clock holds the one place where the library meets real time.
//
// Rule code in plan, lifecycle, network and export never holds a clock: every
// rule takes now as a time.Time argument, so a test or a replay decides what
// time it is. Only a driver (a service's scheduler, the examples) holds a
// [Clock] and reads it.
//
// The [Clock] interface is deliberately small so that the clocks Go services
// already use fit it as they are, or in one line:
//
//   - github.com/benbjohnson/clock: clock.New() and clock.NewMock() satisfy
//     Clock directly.
//   - github.com/jonboulle/clockwork: clockwork.NewRealClock() and
//     clockwork.NewFakeClock() satisfy Clock directly (they have Now and After).
//   - k8s.io/utils/clock: clock.RealClock{} and testing.NewFakeClock(start)
//     satisfy Clock directly.
//   - The time package, including inside a testing/synctest bubble, where
//     time.Now and time.After use the bubble's fake time: use [System].
//   - Anything else: adapt it with [Funcs], for example
//     clock.Funcs{NowFunc: c.Now, AfterFunc: c.After}.
//
// # The deadline driver
//
// Every state of the rule packages reports its NextDeadline. A service
// keeps one per account (or network) in a [Queue], keyed by ID: Schedule,
// Remove and taking a due key cost O(log n), and an entry takes about 40
// bytes. A [Runner] wraps a Queue for concurrent use and runs it on a
// Clock: it waits until the earliest deadline, or until an earlier one is
// scheduled, hands the due keys to the service's function, which advances
// each state and schedules its next deadline, and stops when its context is
// cancelled. examples/sweeper runs 100,000 accounts through a year on it.
package clock

import "time"

// Clock tells the time and waits. It is the subset of
// github.com/benbjohnson/clock's Clock that a driver needs.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives the current time once d has
	// elapsed.
	After(d time.Duration) <-chan time.Time
}

// System is the clock of the time package. Inside a testing/synctest bubble
// it reads and waits on the bubble's fake time.
var System Clock = system{}

type system struct{}

func (system) Now() time.Time                         { return time.Now() }
func (system) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Funcs adapts any pair of functions to a Clock, so that a clock type with
// differently shaped methods fits in one line.
type Funcs struct {
	NowFunc   func() time.Time
	AfterFunc func(time.Duration) <-chan time.Time
}

// Now calls NowFunc.
func (f Funcs) Now() time.Time { return f.NowFunc() }

// After calls AfterFunc.
func (f Funcs) After(d time.Duration) <-chan time.Time { return f.AfterFunc(d) }
