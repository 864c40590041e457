package plan_test

import (
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// benchActive returns an engine and an annual Professional subscription
// bought on 15 March 2026 in Berlin.
func benchActive(b *testing.B) (*plan.Engine, plan.Subscription, time.Time) {
	b.Helper()
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, time.March, 15, 10, 0, 0, 0, berlin)
	s := tNew(b, eng, "acme", berlin, t0)
	s, _, err = eng.Apply(s, t0, plan.Purchase{By: tenancy.Admin("ada"), Plan: plan.Professional, Period: plan.Annual})
	if err != nil {
		b.Fatal(err)
	}
	return eng, s, t0
}

// Advancing when nothing is due is the hot path of a sweeper: one
// comparison against the next deadline (target: under 50 ns, 0 allocations).
func BenchmarkAdvanceNothingDue(b *testing.B) {
	eng, s, t0 := benchActive(b)
	now := t0.AddDate(0, 6, 0)
	var dst []plan.Event
	b.ReportAllocs()
	for b.Loop() {
		s2, evs, err := eng.Advance(s, now, dst)
		if err != nil || len(evs) != 0 || s2.Plan != s.Plan {
			b.Fatal("something was due")
		}
	}
}

// Advancing through due deadlines appends to the caller's slice and
// allocates nothing (target: 0 allocations). Each iteration starts from the
// same value and fires a period end that starts grace, then grace's end that
// drops to free: four events.
func BenchmarkAdvanceDueAppend(b *testing.B) {
	eng, s, t0 := benchActive(b)
	now := t0.AddDate(2, 0, 0)
	dst := make([]plan.Event, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		s2, evs, err := eng.Advance(s, now, dst[:0])
		if err != nil || len(evs) != 3 || s2.Status != plan.StatusFree {
			b.Fatalf("advance: %v, %d events, status %v", err, len(evs), s2.Status)
		}
	}
}

// Quoting the refund of an annual period (target: under 2 µs).
func BenchmarkQuoteRefund(b *testing.B) {
	eng, s, t0 := benchActive(b)
	now := t0.AddDate(0, 4, 3)
	b.ReportAllocs()
	for b.Loop() {
		q, err := eng.QuoteRefund(s, now)
		if err != nil || !q.Refund.IsPositive() {
			b.Fatal("no refund quoted")
		}
	}
}

// Applying a command: cancelling, the most common self-service command.
func BenchmarkApplyCancel(b *testing.B) {
	eng, s, t0 := benchActive(b)
	now := t0.AddDate(0, 2, 0)
	cmd := plan.Cancel{By: tenancy.Admin("ada"), Reason: "budget"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := eng.Apply(s, now, cmd); err != nil {
			b.Fatal(err)
		}
	}
}

// Projecting the whole future of a paid subscription.
func BenchmarkProject(b *testing.B) {
	eng, s, _ := benchActive(b)
	b.ReportAllocs()
	for b.Loop() {
		if len(eng.Project(s)) == 0 {
			b.Fatal("empty projection")
		}
	}
}
