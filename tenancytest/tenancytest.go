// Package tenancytest checks that the library's rules hold under an
// integrator's own catalog and policies, as testing/fstest.TestFS checks a
// file system: one call, from the integrator's own test, runs random
// scenarios through the driver and checks every invariant the rules state.
//
//	func TestOurPolicy(t *testing.T) {
//		c := tenancytest.Default()
//		c.Plans.TrialDays = 7
//		c.Lives.WarningDays = []int{10, 5, 2}
//		tenancytest.Check(t, c)
//	}
//
// Each scenario creates accounts (one per owner, on the free plan),
// then runs random commands by random actors (owners, other members,
// strangers, the service) at random times, some hours apart, some months:
// logins, members added and dismissed, blocks set and lifted, restores,
// deletions, trials, purchases, plan changes, cancellations (at period end
// and at once, with refunds), payments and failed payments, networks
// created and dissolved, branches connected and disconnected. Every
// command runs as a line of a scenario file (package scenario) on a
// fleet.Memory store. After each one Check verifies:
//
//   - LIFE-02: every suspension and every deletion for inactivity comes
//     after every warning the policy promises about it, each on its day;
//   - LIFE-03: no account on a paid plan is suspended or deleted for
//     inactivity;
//   - LIFE-05, LIFE-07, LIFE-08: nothing is deleted but an account that
//     was suspended and whose deletion date came, or one deleted on
//     request: never by a block or a restriction;
//   - PLAN-06, PLAN-07: refund + retained = paid, the refund between zero
//     and what was paid, and a cancellation at once refunds what the quote
//     said;
//   - NET-04: an account is in at most one network, the one that lists it;
//     and the driver's own consistency check finds nothing wrong with any
//     network (NET-01, NET-02, NET-07, NET-09, NET-11);
//   - NET-10: the plan of a head with connected branches does not change
//     by a command;
//   - refusals change nothing: a refused command leaves every state as it
//     was.
//
// A failure prints the shrunk sequence as a scenario file, world line
// included: save it and replay it with scenario.Run or
// "go run ./examples/scenario FILE", or attach it to a bug report. A
// configuration the rules refuse (warning days longer than the inactivity
// period, a negative trial) is reported as such, with the rule it breaks.
//
// How many scenarios run is rapid's -rapid.checks flag (100 by default).
package tenancytest

import (
	"time"

	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// Config is the configuration under test: what an integrator passes to
// plan.NewEngine, lifecycle.NewEngine and network.NewEngine.
type Config struct {
	// Zone is the accounts' time zone; nil means UTC.
	Zone *time.Location
	// Catalog is the catalog; nil means plan.DefaultCatalog.
	Catalog  *plan.Catalog
	Plans    plan.Policy
	Lives    lifecycle.Policy
	Networks network.Policy
}

// Default returns the library's defaults in UTC: the configuration to
// start from and change.
func Default() Config {
	return Config{Zone: time.UTC, Plans: plan.DefaultPolicy(), Lives: lifecycle.DefaultPolicy(), Networks: network.DefaultPolicy()}
}

// TB is the part of *testing.T that Check uses; *testing.T and *testing.B
// have it.
type TB interface {
	Helper()
	Name() string
	Logf(format string, args ...any)
	Log(args ...any)
	Skipf(format string, args ...any)
	Skip(args ...any)
	SkipNow()
	Errorf(format string, args ...any)
	Error(args ...any)
	Fatalf(format string, args ...any)
	Fatal(args ...any)
	FailNow()
	Fail()
	Failed() bool
}

// Check runs random scenarios under c and fails t at the first broken
// invariant, with the shrunk scenario that breaks it. A configuration the
// library refuses, or one a scenario file cannot write, fails t at once
// with the reason.
func Check(t TB, c Config) {
	t.Helper()
	check(t, c, nil)
}

// check is Check with an extra invariant (none when nil), for the
// package's own tests.
func check(t TB, c Config, extra func(r *run) error) {
	t.Helper()
	w, err := world(c)
	if err != nil {
		t.Fatalf("tenancytest: %v", err)
		return
	}
	rapid.Check(t, func(rt *rapid.T) {
		r := newRun(rt, w)
		r.extra = extra
		r.play()
	})
}
