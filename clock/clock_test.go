package clock_test

import (
	"testing"
	"testing/synctest"
	"time"

	bclock "github.com/benbjohnson/clock"

	"github.com/tenancykit/tenancy/clock"
)

// Both of benbjohnson/clock's clocks satisfy Clock as they are.
var (
	_ clock.Clock = bclock.New()
	_ clock.Clock = bclock.NewMock()
)

func TestMockClockDrivesAfter(t *testing.T) {
	m := bclock.NewMock()
	start := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	m.Set(start)
	var c clock.Clock = m
	ch := c.After(time.Hour)
	select {
	case <-ch:
		t.Fatal("After fired before the mock clock moved")
	default:
	}
	m.Add(time.Hour)
	select {
	case got := <-ch:
		if !got.Equal(start.Add(time.Hour)) {
			t.Fatalf("After delivered %v, want %v", got, start.Add(time.Hour))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("After did not fire when the mock clock reached the deadline")
	}
	if !c.Now().Equal(start.Add(time.Hour)) {
		t.Fatalf("Now() = %v", c.Now())
	}
}

func TestFuncsAdaptsAnyClock(t *testing.T) {
	m := bclock.NewMock()
	c := clock.Funcs{NowFunc: m.Now, AfterFunc: m.After}
	m.Add(42 * time.Minute)
	if got := c.Now(); !got.Equal(time.Unix(0, 0).Add(42 * time.Minute)) {
		t.Fatalf("Funcs.Now() = %v", got)
	}
	ch := c.After(time.Second)
	m.Add(time.Second)
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("Funcs.After did not forward to the adapted clock")
	}
}

// System uses the time package, so inside a synctest bubble it runs on the
// bubble's fake time: waiting a day takes no real time.
func TestSystemInsideSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := clock.System.Now()
		<-clock.System.After(24 * time.Hour)
		if got := clock.System.Now().Sub(before); got != 24*time.Hour {
			t.Fatalf("a day in the bubble lasted %v", got)
		}
	})
}
