package network_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// benchWorld is a network of size branches, all commercial, plus one spare
// account in a commercial and a free version, ready to connect.
type benchWorld struct {
	eng        *network.Engine
	net        *network.Network
	head       lifecycle.Account
	paid, free lifecycle.Account // the spare account, before and after its drop to free
	now        time.Time
}

func newBenchWorld(b *testing.B, size int) *benchWorld {
	b.Helper()
	pe, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	le, err := lifecycle.NewEngine(pe, lifecycle.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	ne, err := network.NewEngine(le, network.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, time.March, 1, 10, 0, 0, 0, time.UTC)
	ada := tenancy.Admin("ada")
	buy := func(id tenancy.AccountID, p plan.PlanID) lifecycle.Account {
		a, err := le.New(id, "ada", "eu", time.UTC, t0)
		if err != nil {
			b.Fatal(err)
		}
		a, _, err = le.Apply(a, t0, lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: p, Period: plan.Monthly}})
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	head := buy("hq", plan.Enterprise)
	n, _, err := ne.Create(head, "ada", t0)
	if err != nil {
		b.Fatal(err)
	}
	branch := buy("template", plan.Basic)
	for i := range size {
		br := branch
		br.ID, br.Sub.Account = tenancy.AccountID(fmt.Sprintf("branch-%05d", i)), tenancy.AccountID(fmt.Sprintf("branch-%05d", i))
		if _, err := ne.Connect(n, head, br, "ada", t0); err != nil {
			b.Fatal(err)
		}
	}
	paid := buy("spare", plan.Standard)
	free, _, err := le.Apply(paid, t0, lifecycle.Plan{Cmd: plan.Cancel{By: ada}})
	if err != nil {
		b.Fatal(err)
	}
	now := free.Sub.End.Add(time.Hour)
	if free, _, err = le.Advance(free, now, nil); err != nil || free.Sub.Status != plan.StatusFree {
		b.Fatalf("the spare account did not drop to free: %v", err)
	}
	return &benchWorld{eng: ne, net: n, head: head, paid: paid, free: free, now: now}
}

var sizes = []int{100, 10_000}

// Connecting and disconnecting a branch (NET-02, NET-13), one pair per
// iteration; the cost must not grow with the number of branches (target:
// each under 1 µs).
func BenchmarkConnectDisconnect(b *testing.B) {
	for _, size := range sizes {
		b.Run(fmt.Sprintf("branches=%d", size), func(b *testing.B) {
			w := newBenchWorld(b, size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.eng.Connect(w.net, w.head, w.paid, "ada", w.now); err != nil {
					b.Fatal(err)
				}
				if _, err := w.eng.Disconnect(w.net, w.head, w.paid.ID, "ada", w.now); err != nil {
					b.Fatal(err)
				}
			}
			if w.net.Len() != size {
				b.Fatalf("%d branches, want %d", w.net.Len(), size)
			}
		})
	}
}

// A branch's plan change observed by its network, there and back: it drops
// to free (incompatible, NET-07) and goes commercial again (NET-08). Two
// observations per iteration (target: each under 1 µs, flat in the
// number of branches).
func BenchmarkObservePlanChange(b *testing.B) {
	for _, size := range sizes {
		b.Run(fmt.Sprintf("branches=%d", size), func(b *testing.B) {
			w := newBenchWorld(b, size)
			if _, err := w.eng.Connect(w.net, w.head, w.paid, "ada", w.now); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if effs, err := w.eng.Observe(w.net, w.free, w.now); err != nil || len(effs) != 1 {
					b.Fatalf("drop: %v %v", effs, err)
				}
				if effs, err := w.eng.Observe(w.net, w.paid, w.now); err != nil || len(effs) != 1 {
					b.Fatalf("back: %v %v", effs, err)
				}
			}
		})
	}
}

// Advancing a network when nothing is due allocates nothing.
func BenchmarkAdvanceNothingDue(b *testing.B) {
	for _, size := range sizes {
		b.Run(fmt.Sprintf("branches=%d", size), func(b *testing.B) {
			w := newBenchWorld(b, size)
			dst := make([]network.Effect, 0, 4)
			b.ReportAllocs()
			for b.Loop() {
				effs, err := w.eng.Advance(w.net, w.now, dst[:0])
				if err != nil || len(effs) != 0 {
					b.Fatal("something was due")
				}
			}
		})
	}
}
