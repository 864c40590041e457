package lifecycle_test

import (
	"testing"

	"github.com/tenancykit/tenancy/lifecycle"
)

// TestHotPathsDoNotAllocate pins the allocation counts of the paths a
// sweeper and a login handler run millions of times (issue 15): a login
// through ApplyTo and an advance through AdvanceTo, each into a reused
// slice, allocate nothing, whether nothing is due or the whole countdown
// fires (every LIFE-02 warning, the LIFE-01 suspension and the LIFE-05
// deletion). A change that moves the account, the command or the effects
// to the heap fails here before it shows in a benchmark.
func TestHotPathsDoNotAllocate(t *testing.T) {
	eng, a0, t0 := benchAccount(t)
	dst := make([]lifecycle.Effect, 0, 16)
	for _, c := range []struct {
		name string
		effs int
		run  func(a *lifecycle.Account) ([]lifecycle.Effect, error)
	}{
		{"login", 1, func(a *lifecycle.Account) ([]lifecycle.Effect, error) {
			return eng.ApplyTo(a, t0.AddDate(0, 0, 5), lifecycle.Login{User: "ada"}, dst[:0])
		}},
		{"nothing due", 0, func(a *lifecycle.Account) ([]lifecycle.Effect, error) {
			return eng.AdvanceTo(a, t0.AddDate(0, 0, 10), dst[:0])
		}},
		{"whole countdown", 8, func(a *lifecycle.Account) ([]lifecycle.Effect, error) {
			return eng.AdvanceTo(a, t0.AddDate(0, 0, 61), dst[:0])
		}},
	} {
		var n int
		var err error
		var a lifecycle.Account // outside: run is called through a func value
		allocs := testing.AllocsPerRun(100, func() {
			a = a0
			var effs []lifecycle.Effect
			effs, err = c.run(&a)
			n = len(effs)
		})
		if err != nil || n != c.effs {
			t.Fatalf("%s: %d effects (%v), want %d", c.name, n, err, c.effs)
		}
		if allocs != 0 {
			t.Errorf("%s: %v allocations per run, want none", c.name, allocs)
		}
	}
}
