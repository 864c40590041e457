package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// skewRun runs the first 30 days of script through two services sharing
// one schema, whose clocks are lag apart: the commands alternate between
// them a millisecond apart in true time, so every second command reaches
// rows the other service wrote a few milliseconds "later" by its own clock.
// It returns the refusals.
func skewRun(t *testing.T, maxSkew, lag time.Duration) []error {
	t.Helper()
	pool := testPool(t)
	ctx := context.Background()
	a, b := New(pool, fleet.Default()), New(pool, fleet.Default())
	a.MaxSkew, b.MaxSkew = maxSkew, maxSkew
	clocks := []struct {
		st     *Store
		offset time.Duration
	}{{a, 0}, {b, -lag}}
	var refused []error
	n := 0
	for i := range 30 {
		at := day0.AddDate(0, 0, i)
		for j, cmd := range script(i, "", func(tenancy.AccountID) (plan.Subscription, bool) { return plan.Subscription{}, false }) {
			c := clocks[n%2]
			n++
			if _, err := c.st.Do(ctx, at.Add(time.Duration(j)*time.Millisecond+c.offset), cmd, ""); err != nil {
				refused = append(refused, err)
			}
		}
		// The lagging service sweeps, right after the other one wrote.
		if _, err := b.Sweep(ctx, at.Add(14*time.Hour-lag), 2); err != nil {
			refused = append(refused, err)
		}
	}
	return refused
}

// Two services with clocks 4ms apart do not refuse each other's
// commands: a command that reaches a row last changed up to MaxSkew after
// its own now runs at that change.
func TestClockSkewTolerated(t *testing.T) {
	if refused := skewRun(t, 0, 4*time.Millisecond); len(refused) != 0 {
		t.Errorf("%d commands refused between services 4ms apart; first: %v", len(refused), refused[0])
	}
	// Without the tolerance the same run is refused: the test can fail.
	refused := skewRun(t, -1, 4*time.Millisecond)
	if len(refused) == 0 || !errors.Is(refused[0], tenancy.ErrTimeWentBack) {
		t.Errorf("with no tolerance: %d refusals, first %v; want time went back", len(refused), refused)
	}
}

// A command further behind than MaxSkew is a broken clock: refused, the
// row byte-identical. One within it runs at the row's last change, which
// its effects and outcome carry.
func TestClockSkewBeyondTolerance(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	st := New(pool, fleet.Default())
	if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: "bistro", Owner: "bo"}, ""); err != nil {
		t.Fatal(err)
	}
	last := day0.Add(10 * time.Second)
	if _, err := st.Do(ctx, last, fleet.OnAccount{Account: "bistro", Cmd: lifecycle.Login{User: "bo"}}, ""); err != nil {
		t.Fatal(err)
	}
	before := readRow(t, pool, "bistro")
	_, err := st.Do(ctx, last.Add(-DefaultMaxSkew-time.Millisecond), buy("bistro", "bo", plan.Basic, plan.Monthly), "req-late")
	if !errors.Is(err, tenancy.ErrTimeWentBack) {
		t.Fatalf("a command %v behind the row: %v, want time went back", DefaultMaxSkew+time.Millisecond, err)
	}
	if after := readRow(t, pool, "bistro"); after != before {
		t.Errorf("the refusal changed the row")
	}
	r, err := st.Do(ctx, last.Add(-3*time.Millisecond), buy("bistro", "bo", plan.Basic, plan.Monthly), "req-skewed")
	if err != nil {
		t.Fatalf("a command 3ms behind the row: %v", err)
	}
	if !r.Outcome.At.Equal(last) {
		t.Errorf("the outcome says it ran at %v, want the row's last change %v", r.Outcome.At, last)
	}
	for _, e := range r.Effects {
		if e.At.Before(last) {
			t.Errorf("effect %s at %v, before the row's last change %v", e.ID(), e.At, last)
		}
	}
}
