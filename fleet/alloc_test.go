package fleet_test

import (
	"testing"
	"time"

	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
)

// TestAccountPathAllocations pins what the driver allocates on its
// account-only path (issue 15), as BenchmarkAccountPath measures it: a
// login through Step (the Ready's effect slice, the message and the
// account written back to the map), and an advance through the whole
// countdown of LIFE-01, LIFE-02 and LIFE-05 into the caller's reused
// buffer. The step's own working state stays on the stack: a change that
// moves it to the heap (several kilobytes per step) fails here.
func TestAccountPathAllocations(t *testing.T) {
	eng := fleet.Default()
	t0 := at(time.March, 2, 9, 0)
	a0, err := eng.Lives().New("bistro", "bo", "eu", berlin, t0)
	if err != nil {
		t.Fatal(err)
	}
	s := fleet.NewStates()
	s.Accounts["bistro"] = a0
	login := fleet.OnAccount{Account: "bistro", Cmd: lifecycle.Login{User: "bo"}}
	i := 0
	allocs := testing.AllocsPerRun(100, func() {
		i++
		if _, err = eng.Step(s, fleet.Input{Now: t0.Add(time.Duration(i) * time.Hour), Command: login}); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 3+raceAllocs {
		t.Errorf("a login through Step: %v allocations, want at most %d", allocs, 3+raceAllocs)
	}

	end := t0.AddDate(0, 0, 61)
	advance := fleet.Advance{Key: fleet.AccountKey("bistro")}
	var buf []fleet.Effect
	n := 0
	allocs = testing.AllocsPerRun(100, func() {
		s.Accounts["bistro"] = a0
		r, err := eng.Step(s, fleet.Input{Now: end, Command: advance, Effects: buf[:0]})
		if err != nil {
			t.Fatal(err)
		}
		buf, n = r.Effects, len(r.Effects)
	})
	if n != 8 {
		t.Fatalf("the countdown gave %d effects, want 8", n)
	}
	if allocs > 2+raceAllocs {
		t.Errorf("an advance through Step into a reused buffer: %v allocations, want at most %d", allocs, 2+raceAllocs)
	}
}
