package network_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// The cost of the network's deliveries, and of Visible, at two sizes and
// in two orders: each benchmark's ratio between sizes shows the growth,
// and the tests fail when it, or the ratio between orders, is clearly
// worse than linear.
//
// Issue 12: the network once queued its deadlines and inserted each from
// the back of the queue, so that branches whose zone changed clock within
// the grace window walked past every deadline of that hour: 40,000
// standings took 13.3 s in that order against 44 ms in the plain one. The
// deadlines now live on the accounts (lifecycle.Account.Scheduled); the
// network only records each branch's own deadline, in O(1).

// costOrders are the two orders in which the standings come.
var costOrders = []string{"plain", "zone-change"}

// costBerlin is a zone whose clocks go forward on 2026-03-29, within the
// grace window of a drop to free on 2026-03-20.
var costBerlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// costStandings returns, for every branch of w's network, the standing of
// its drop to free, in the given order, all within one hour, each with the
// deadline Align gives it (the drop plus GraceDays, in the branch's zone).
//
// In the plain order every branch is in UTC: each deadline comes after
// every earlier one. In the zone-change order every other branch is in
// Europe/Berlin, whose clocks go forward within the grace window: its
// deadline falls an hour earlier than its drop plus 15 × 24 hours, before
// every deadline delivered so far, which is what a queue filled from the
// back walked past.
func costStandings(tb testing.TB, w *benchWorld, order string) []network.Standing {
	tb.Helper()
	bs := w.net.Branches()
	base := time.Date(2026, time.March, 20, 1, 30, 0, 0, time.UTC)
	step := time.Hour / time.Duration(len(bs)+1)
	grace := w.eng.Policy().GraceDays
	out := make([]network.Standing, len(bs))
	for i, b := range bs {
		at := base.Add(time.Duration(i) * step)
		if order == "zone-change" && i%2 == 1 {
			at = at.In(costBerlin)
		}
		out[i] = network.Standing{Account: b.Account, Network: w.head.ID, Seq: b.Seen + 1, At: at,
			Level: network.LevelFree, Deadline: at.AddDate(0, 0, grace)}
	}
	return out
}

// deliverAll delivers every standing to n, each turning its branch
// incompatible, and returns how long it took.
func deliverAll(tb testing.TB, eng *network.Engine, n *network.Network, ss []network.Standing) time.Duration {
	tb.Helper()
	start := time.Now()
	for i := range ss {
		effs, err := eng.Deliver(n, ss[i])
		if err != nil || len(effs) != 1 || effs[0].Kind != network.EffectIncompatible {
			tb.Fatalf("standing %d: %v %v", i, effs, err)
		}
	}
	return time.Since(start)
}

// BenchmarkDeliverOrders delivers the drop to free of every branch
// (NET-07) in both orders; the time per standing stays flat in the number
// of branches and the same in both orders (target: under 1 µs).
func BenchmarkDeliverOrders(b *testing.B) {
	for _, size := range []int{5_000, 40_000} {
		w := newBenchWorld(b, size)
		for _, order := range costOrders {
			ss := costStandings(b, w, order)
			b.Run(fmt.Sprintf("order=%s/branches=%d", order, size), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					b.StopTimer()
					n := w.net.Clone()
					b.StartTimer()
					deliverAll(b, w.eng, n, ss)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*size), "ns/standing")
			})
		}
	}
}

// bestOf returns the shortest of three runs of f.
func bestOf(f func() time.Duration) time.Duration {
	best := f()
	for range 2 {
		best = min(best, f())
	}
	return best
}

// NET-07: delivering N standings costs O(N) whatever their order, so that
// every delivery runs in time independent of the number of branches: eight
// times the branches take less than 32 times as long, and the zone-change
// order less than four times the plain one. The old queue took about 300
// times as long in the zone-change order at 40,000 branches.
func TestNET07_DeliverCostLinearInEitherOrder(t *testing.T) {
	const small, large = 4_000, 32_000
	took := map[string]time.Duration{}
	for _, size := range []int{small, large} {
		w := newBenchWorld(t, size)
		for _, order := range costOrders {
			ss := costStandings(t, w, order)
			took[fmt.Sprint(order, size)] = bestOf(func() time.Duration {
				n := w.net.Clone()
				runtime.GC() // each run starts from the same heap
				d := deliverAll(t, w.eng, n, ss)
				if order == "zone-change" && size == small {
					costCheckDeadlines(t, n, ss)
				}
				return d
			})
		}
	}
	t.Logf("delivery times: %v", took)
	for _, order := range costOrders {
		if r := ratio(took[fmt.Sprint(order, large)], took[fmt.Sprint(order, small)]); r >= 32 {
			t.Errorf("order %s: %d branches took %.1f times as long as %d (%v)", order, large, r, small, took)
		}
	}
	for _, size := range []int{small, large} {
		a, b := took[fmt.Sprint("plain", size)], took[fmt.Sprint("zone-change", size)]
		if r := ratio(max(a, b), min(a, b)); r >= 4 {
			t.Errorf("%d branches: one order took %.1f times as long as the other (plain %v, zone-change %v)", size, r, a, b)
		}
	}
}

// costCheckDeadlines checks that the zone-change order is what it says:
// every branch is incompatible with its standing's deadline, and each
// Berlin branch's deadline falls before the UTC deadline delivered just
// before it, the clock change having moved it an hour earlier.
func costCheckDeadlines(t *testing.T, n *network.Network, ss []network.Standing) {
	t.Helper()
	for i, s := range ss {
		b, _ := n.Branch(s.Account)
		if b.Status != network.Incompatible || !b.Deadline.Equal(s.Deadline) {
			t.Fatalf("branch %s: %v until %v, want incompatible until %v", s.Account, b.Status, b.Deadline, s.Deadline)
		}
		if i%2 == 1 && !s.Deadline.Before(ss[i-1].Deadline) {
			t.Fatalf("standing %d: deadline %v is not before the previous one's %v", i, s.Deadline, ss[i-1].Deadline)
		}
	}
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }

// costAccounts returns n distinct accounts with user "ada" as a member,
// and the same accounts again, as a service's list may repeat them.
func costAccounts(tb testing.TB, w *benchWorld, n int) []lifecycle.Account {
	tb.Helper()
	out := make([]lifecycle.Account, 0, 2*n)
	for i := range n {
		a := w.paid
		a.ID = tenancy.AccountID(fmt.Sprintf("acc-%06d", i))
		out = append(out, a)
	}
	return append(out, out...)
}

// BenchmarkVisible lists the accounts a user may see (NET-12) among n
// accounts, each given twice: the time per account stays flat.
func BenchmarkVisible(b *testing.B) {
	w := newBenchWorld(b, 0)
	for _, size := range []int{1_000, 16_000} {
		accs := costAccounts(b, w, size)
		b.Run(fmt.Sprintf("accounts=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if got := network.Visible("ada", accs); len(got) != size {
					b.Fatalf("%d visible, want %d", len(got), size)
				}
			}
		})
	}
}

// NET-12: Visible costs O(n) in the accounts it is given, repeats
// included: sixteen times the accounts take less than 64 times as long.
// It once looked each account up in the list it was building, O(n²).
func TestNET12_VisibleCostLinear(t *testing.T) {
	const small, large = 1_000, 16_000
	w := newBenchWorld(t, 0)
	took := map[int]time.Duration{}
	for _, size := range []int{small, large} {
		accs := costAccounts(t, w, size)
		took[size] = bestOf(func() time.Duration {
			start := time.Now()
			got := network.Visible("ada", accs)
			d := time.Since(start)
			if len(got) != size || !slices.Equal(got[:3], []tenancy.AccountID{"acc-000000", "acc-000001", "acc-000002"}) {
				t.Fatalf("%d accounts visible, first %v; want %d in the order given", len(got), got[:min(3, len(got))], size)
			}
			return d
		})
	}
	if r := ratio(took[large], took[small]); r >= 64 {
		t.Errorf("Visible: %d accounts took %.1f times as long as %d (%v)", large, r, small, took)
	}
}
