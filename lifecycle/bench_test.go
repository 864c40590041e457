package lifecycle_test

import (
	"testing"
	"time"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// benchAccount returns an engine and a free account created on 10 March 2026
// in Berlin, counting down to its suspension.
func benchAccount(b testing.TB) (*lifecycle.Engine, lifecycle.Account, time.Time) {
	b.Helper()
	pe, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	eng, err := lifecycle.NewEngine(pe, lifecycle.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, time.March, 10, 10, 0, 0, 0, berlin)
	a, err := eng.New("acme", "ada", "eu", berlin, t0)
	if err != nil {
		b.Fatal(err)
	}
	return eng, a, t0
}

var sinkTime time.Time

// NextDeadline is what a sweeper indexes per account (target: under 20 ns).
func BenchmarkNextDeadline(b *testing.B) {
	_, a, _ := benchAccount(b)
	b.ReportAllocs()
	for b.Loop() {
		d, ok := a.NextDeadline()
		if !ok {
			b.Fatal("no deadline")
		}
		sinkTime = d
	}
}

// Advancing when nothing is due (target: under 50 ns, 0 allocations).
func BenchmarkAdvanceNothingDue(b *testing.B) {
	eng, a, t0 := benchAccount(b)
	now := t0.AddDate(0, 0, 10)
	b.ReportAllocs()
	for b.Loop() {
		_, effs, err := eng.Advance(a, now, nil)
		if err != nil || len(effs) != 0 {
			b.Fatal("something was due")
		}
	}
}

// Advancing through the whole countdown at once, into a caller's slice:
// three warnings, the suspension, three warnings and the purge.
func BenchmarkAdvanceToDeletion(b *testing.B) {
	eng, a, t0 := benchAccount(b)
	now := t0.AddDate(1, 0, 0)
	dst := make([]lifecycle.Effect, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		a2, effs, err := eng.Advance(a, now, dst[:0])
		if err != nil || len(effs) != 8 || a2.Stage != lifecycle.StageDeleted {
			b.Fatalf("advance: %v, %d effects", err, len(effs))
		}
	}
}

// Projecting a free account's whole timeline (target: under 2 µs).
func BenchmarkProject(b *testing.B) {
	eng, a, _ := benchAccount(b)
	b.ReportAllocs()
	for b.Loop() {
		if len(eng.Project(a)) != 8 {
			b.Fatal("wrong timeline")
		}
	}
}

// A login, the most frequent command.
func BenchmarkApplyLogin(b *testing.B) {
	eng, a, t0 := benchAccount(b)
	now := t0.AddDate(0, 0, 5)
	cmd := lifecycle.Login{User: "ada"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := eng.Apply(a, now, cmd); err != nil {
			b.Fatal(err)
		}
	}
}

// A login through ApplyAppend with a reused slice: the effects cost no
// allocation of their own (compare BenchmarkApplyLogin).
func BenchmarkApplyAppendLogin(b *testing.B) {
	eng, a, t0 := benchAccount(b)
	now := t0.AddDate(0, 0, 5)
	cmd := lifecycle.Login{User: "ada"}
	dst := make([]lifecycle.Effect, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if _, dst, err = eng.ApplyAppend(a, now, cmd, dst[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

// AdvanceTo when nothing is due: the sweeper's path, reading the account
// in place (compare BenchmarkAdvanceNothingDue, which copies it in and
// out; target: 5 ns, 0 allocations).
func BenchmarkAdvanceToNothingDue(b *testing.B) {
	eng, a, t0 := benchAccount(b)
	now := t0.AddDate(0, 0, 10)
	b.ReportAllocs()
	for b.Loop() {
		effs, err := eng.AdvanceTo(&a, now, nil)
		if err != nil || len(effs) != 0 {
			b.Fatal("something was due")
		}
	}
}

// A login through ApplyTo, in place with a reused slice: no allocation.
func BenchmarkApplyToLogin(b *testing.B) {
	eng, a0, t0 := benchAccount(b)
	now := t0.AddDate(0, 0, 5)
	dst := make([]lifecycle.Effect, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		a := a0
		var err error
		if dst, err = eng.ApplyTo(&a, now, lifecycle.Login{User: "ada"}, dst[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
