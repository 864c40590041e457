package tenancytest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestCoverage checks that the random scenarios reach what the checks
// are about: warnings, suspensions and deletions for inactivity (LIFE-01,
// LIFE-02, LIFE-05), deletions on request (LIFE-07), blocks (LIFE-08),
// refunds (PLAN-06), networks and their branches (NET-04), and refusals,
// among them NET-10's of a head's plan. A generator that stopped reaching
// one would leave its invariant checked on nothing.
func TestCoverage(t *testing.T) {
	seen := map[string]int{}
	want := []string{
		"life.warn-suspension LIFE-02", "life.suspend LIFE-01", "life.warn-deletion LIFE-02", "life.purge LIFE-05",
		"life.purge LIFE-07", "life.block LIFE-08", "plan.refunded PLAN-06", "plan.purchased PLAN-05",
		"life.joined-network NET-04", "refused NET-10", "refused PLAN-02",
	}
	missing := func() []string {
		var m []string
		for _, k := range want {
			if seen[k] == 0 {
				m = append(m, k)
			}
		}
		return m
	}
	// The rarest (a refund) comes a few times in a hundred scenarios;
	// up to five rounds make a miss by chance negligible.
	for round := 0; round < 5 && len(missing()) > 0; round++ {
		check(t, Default(), func(r *run) error {
			for _, e := range r.s.Effects() {
				seen[e.Kind+" "+string(e.Rule)]++
			}
			if out := r.last; refused(out) {
				rule, _, _ := strings.Cut(strings.TrimPrefix(out[0], "refused "), ":")
				seen["refused "+rule]++
			}
			return nil
		})
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		fmt.Fprintf(&b, "\n  %-50s %6d", k, seen[k])
	}
	t.Logf("reached:%s", b.String())
	for _, k := range missing() {
		t.Errorf("no scenario reached %q", k)
	}
}
