package fleet_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// BenchmarkAccountPath compares the driver's path for an account in no
// network (Engine.Step over States holding that one account) with calling
// the lifecycle engine directly on the same work: a login an hour after
// the last, and an advance over 61 days that fires every warning, the
// suspension and the deletion of a free account nobody uses (eight
// effects).
func BenchmarkAccountPath(b *testing.B) {
	eng := fleet.Default()
	t0 := at(time.March, 2, 9, 0)
	a0, err := eng.Lives().New("bistro", "bo", "eu", berlin, t0)
	if err != nil {
		b.Fatal(err)
	}
	login := lifecycle.Login{User: "bo"}
	b.Run("login/driver", func(b *testing.B) {
		b.ReportAllocs()
		s := fleet.NewStates()
		s.Accounts["bistro"] = a0
		cmd := fleet.OnAccount{Account: "bistro", Cmd: login}
		for i := 1; b.Loop(); i++ {
			if _, err := eng.Step(s, fleet.Input{Now: t0.Add(time.Duration(i) * time.Hour), Command: cmd}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("login/lifecycle", func(b *testing.B) {
		b.ReportAllocs()
		a := a0
		for i := 1; b.Loop(); i++ {
			if a, _, err = eng.Lives().Apply(a, t0.Add(time.Duration(i)*time.Hour), login); err != nil {
				b.Fatal(err)
			}
		}
	})
	end := t0.AddDate(0, 0, 61)
	b.Run("advance/driver", func(b *testing.B) {
		b.ReportAllocs()
		s := fleet.NewStates()
		cmd := fleet.Advance{Key: fleet.AccountKey("bistro")}
		for b.Loop() {
			s.Accounts["bistro"] = a0
			r, err := eng.Step(s, fleet.Input{Now: end, Command: cmd})
			if err != nil || s.Accounts["bistro"].Stage != lifecycle.StageDeleted || len(r.Effects) != 8 {
				b.Fatalf("%v: %v", err, r.Effects)
			}
		}
	})
	// The driver appends to a buffer its caller passes, as a sweeper does.
	b.Run("advance/driver-reused", func(b *testing.B) {
		b.ReportAllocs()
		s := fleet.NewStates()
		cmd := fleet.Advance{Key: fleet.AccountKey("bistro")}
		var buf []fleet.Effect
		for b.Loop() {
			s.Accounts["bistro"] = a0
			r, err := eng.Step(s, fleet.Input{Now: end, Command: cmd, Effects: buf[:0]})
			if err != nil || s.Accounts["bistro"].Stage != lifecycle.StageDeleted || len(r.Effects) != 8 {
				b.Fatalf("%v: %v", err, r.Effects)
			}
			buf = r.Effects
		}
	})
	// The lifecycle engine appends to a slice its caller owns: reused, as
	// a sweeper of its own would, and fresh each time, as a step is.
	b.Run("advance/lifecycle", func(b *testing.B) {
		b.ReportAllocs()
		var dst []lifecycle.Effect
		for b.Loop() {
			a, effs, err := eng.Lives().Advance(a0, end, dst[:0])
			if err != nil || a.Stage != lifecycle.StageDeleted || len(effs) != 8 {
				b.Fatalf("%v: %v", err, effs)
			}
			dst = effs
		}
	})
	b.Run("advance/lifecycle-fresh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			a, effs, err := eng.Lives().Advance(a0, end, nil)
			if err != nil || a.Stage != lifecycle.StageDeleted || len(effs) != 8 {
				b.Fatalf("%v: %v", err, effs)
			}
		}
	})
}

// bigNetwork returns a store holding hq, on Enterprise, heading a network
// of n branches on Basic, and a spare account on Basic in no network.
func bigNetwork(b *testing.B, n int) *fleet.Memory {
	b.Helper()
	m := fleet.NewMemory(fleet.Default())
	t0 := at(time.January, 4, 10, 0)
	must(b, m, t0, fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu", Location: berlin})
	must(b, m, t0, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}})
	must(b, m, t0, fleet.CreateNetwork{Head: "hq", By: ada})
	for i := range n + 1 {
		id := tenancy.AccountID(fmt.Sprintf("b%05d", i))
		if i == n {
			id = "spare"
		}
		must(b, m, t0, fleet.NewAccount{ID: id, Owner: "ada", DomainZone: "eu", Location: berlin})
		must(b, m, t0, fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Annual}}})
		if i < n {
			must(b, m, t0, fleet.Connect{Head: "hq", Branch: id, By: ada})
		}
	}
	if nw, _ := m.Network("hq"); nw.Active() != n {
		b.Fatalf("%d branches connected, want %d", nw.Active(), n)
	}
	return m
}

// BenchmarkConnect connects a branch to a network of 100 or 10,000
// branches and disconnects it again: one op is the two steps, each over
// the head, the branch and the network, in time independent of the
// network's size.
func BenchmarkConnect(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		m := bigNetwork(b, n)
		b.Run(fmt.Sprintf("branches=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			eng := m.Engine()
			nw, _ := m.Network("hq")
			s := fleet.NewStates()
			s.Accounts["hq"], _ = m.Account("hq")
			s.Accounts["spare"], _ = m.Account("spare")
			s.Networks["hq"] = nw.Clone()
			now := at(time.January, 5, 10, 0)
			conn := fleet.Connect{Head: "hq", Branch: "spare", By: ada}
			disc := fleet.Disconnect{Head: "hq", Branch: "spare", By: ada}
			for b.Loop() {
				now = now.Add(time.Second)
				if _, err := eng.Step(s, fleet.Input{Now: now, Command: conn}); err != nil {
					b.Fatal(err)
				}
				if _, err := eng.Step(s, fleet.Input{Now: now, Command: disc}); err != nil {
					b.Fatal(err)
				}
			}
			if got := s.Networks["hq"].Len(); got != n {
				b.Fatalf("%d branches listed, want %d", got, n)
			}
		})
	}
}

// BenchmarkDeliver delivers one standing of a branch to a network of 100
// or 10,000 branches: the branch drops to free (incompatible, NET-07) and
// buys again (reconnected, NET-08), one standing per op, through the
// inbox of a step that holds only the network.
func BenchmarkDeliver(b *testing.B) {
	for _, n := range []int{100, 10_000} {
		m := bigNetwork(b, n)
		b.Run(fmt.Sprintf("branches=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			eng := m.Engine()
			nw, _ := m.Network("hq")
			s := fleet.NewStates()
			s.Networks["hq"] = nw.Clone()
			br, _ := nw.Branch("b00000")
			now := at(time.January, 5, 10, 0)
			msg := fleet.Message{To: fleet.NetworkKey("hq"), Standing: network.Standing{Account: "b00000", Network: "hq", Seq: br.Seen}}
			in := fleet.Input{Command: fleet.Advance{Key: fleet.NetworkKey("hq")}, Inbox: []fleet.Message{msg}}
			for i := 0; b.Loop(); i++ {
				now = now.Add(time.Second)
				st := &in.Inbox[0].Standing
				st.Seq++
				st.At = now
				st.Level = network.LevelCommercial
				if i%2 == 0 {
					st.Level = network.LevelFree
				}
				in.Now = now
				r, err := eng.Step(s, in)
				if err != nil || len(r.Effects) != 1 {
					b.Fatalf("%v: %v", err, r.Effects)
				}
			}
		})
	}
}
