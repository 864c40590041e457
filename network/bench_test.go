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
	t0, now    time.Time
	lives      *lifecycle.Engine
}

func newBenchWorld(b testing.TB, size int) *benchWorld {
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
	n, effs, err := ne.Create(head, "ada", t0)
	if err != nil {
		b.Fatal(err)
	}
	if head, _, err = ne.Carry(head, effs[0], t0); err != nil {
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
	return &benchWorld{eng: ne, net: n, head: head, paid: paid, t0: t0, lives: le}
}

// member connects the spare account at t0 and carries the connection,
// then has its free version cancel and drop to free at the end of its
// period, aligned: its block scheduled, its standing not yet observed.
func (w *benchWorld) member(b *testing.B) {
	b.Helper()
	effs, err := w.eng.Connect(w.net, w.head, w.paid, "ada", w.t0)
	if err != nil {
		b.Fatal(err)
	}
	if w.paid, _, err = w.eng.Carry(w.paid, effs[0], w.t0); err != nil || w.paid.Network != w.head.ID {
		b.Fatalf("carry: %v", err)
	}
	free, _, err := w.lives.Apply(w.paid, w.t0, lifecycle.Plan{Cmd: plan.Cancel{By: tenancy.Admin("ada")}})
	if err != nil {
		b.Fatal(err)
	}
	w.now = free.Sub.End.Add(time.Hour)
	if free, _, err = w.lives.Advance(free, w.now, nil); err != nil || free.Sub.Status != plan.StatusFree {
		b.Fatalf("the spare account did not drop to free: %v", err)
	}
	if w.free, _, err = w.eng.Align(free, w.now); err != nil || len(w.free.Scheduled) != 1 {
		b.Fatalf("Align: %v, scheduled %v", err, w.free.Scheduled)
	}
}

var sizes = []int{100, 10_000}

// Connecting and disconnecting a branch (NET-02, NET-13), one pair per
// iteration; the cost must not grow with the number of branches (target:
// each under 1 µs).
func BenchmarkConnectDisconnect(b *testing.B) {
	for _, size := range sizes {
		b.Run(fmt.Sprintf("branches=%d", size), func(b *testing.B) {
			w := newBenchWorld(b, size)
			w.now = w.t0.Add(time.Hour)
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
// observations per iteration, each of an account changed since the last
// (a larger Seq, as every real change has); the target is each under 1 µs,
// flat in the number of branches.
func BenchmarkObservePlanChange(b *testing.B) {
	for _, size := range sizes {
		b.Run(fmt.Sprintf("branches=%d", size), func(b *testing.B) {
			w := newBenchWorld(b, size)
			w.member(b)
			free, paid := w.free, w.paid
			seq := max(free.Seq, paid.Seq)
			b.ReportAllocs()
			for b.Loop() {
				seq++
				free.Seq = seq
				if effs, err := w.eng.Observe(w.net, free, w.now); err != nil || len(effs) != 1 || effs[0].Kind != network.EffectIncompatible {
					b.Fatalf("drop: %v %v", effs, err)
				}
				seq++
				paid.Seq = seq
				if effs, err := w.eng.Observe(w.net, paid, w.now); err != nil || len(effs) != 1 || effs[0].Kind != network.EffectReconnected {
					b.Fatalf("back: %v %v", effs, err)
				}
			}
		})
	}
}

// A standing delivered again, or late behind a newer one, changes nothing
// and allocates nothing, however many branches the network lists.
func BenchmarkDeliverStale(b *testing.B) {
	for _, size := range sizes {
		b.Run(fmt.Sprintf("branches=%d", size), func(b *testing.B) {
			w := newBenchWorld(b, size)
			w.member(b)
			s := w.eng.StandingOf(w.free)
			if effs, err := w.eng.Deliver(w.net, s); err != nil || len(effs) != 1 {
				b.Fatalf("first delivery: %v %v", effs, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if effs, err := w.eng.Deliver(w.net, s); err != nil || len(effs) != 0 {
					b.Fatalf("again: %v %v", effs, err)
				}
			}
		})
	}
}

// A unit of work of one connection and one disconnection, rolled back:
// the undo costs the changes, not the network.
func BenchmarkBeginRollback(b *testing.B) {
	for _, size := range sizes {
		b.Run(fmt.Sprintf("branches=%d", size), func(b *testing.B) {
			w := newBenchWorld(b, size)
			w.now = w.t0.Add(time.Hour)
			b.ReportAllocs()
			for b.Loop() {
				w.net.Begin()
				if _, err := w.eng.Connect(w.net, w.head, w.paid, "ada", w.now); err != nil {
					b.Fatal(err)
				}
				if _, err := w.eng.Disconnect(w.net, w.head, "branch-00000", "ada", w.now); err != nil {
					b.Fatal(err)
				}
				w.net.Rollback()
			}
			if w.net.Len() != size || w.net.Updated() != w.t0 {
				b.Fatalf("%d branches, last change %v: the rollback did not undo", w.net.Len(), w.net.Updated())
			}
		})
	}
}
