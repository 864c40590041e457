package fleet_test

import (
	"testing"
	"time"

	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
)

func BenchmarkLeadLogin(b *testing.B) {
	eng := fleet.Default()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a, _ := eng.Lives().New("bistro", "bo", "eu", nil, t0)
	b.Run("lifecycle", func(b *testing.B) {
		b.ReportAllocs()
		acc := a
		for i := 0; b.Loop(); i++ {
			acc, _, _ = eng.Lives().Apply(acc, t0.Add(time.Duration(i)*time.Second), lifecycle.Login{User: "bo"})
		}
	})
	b.Run("fleet", func(b *testing.B) {
		b.ReportAllocs()
		s := fleet.NewStates()
		s.Accounts["bistro"] = a
		for i := 0; b.Loop(); i++ {
			if _, err := eng.Step(s, fleet.Input{Now: t0.Add(time.Duration(i) * time.Second), Command: fleet.OnAccount{Account: "bistro", Cmd: lifecycle.Login{User: "bo"}}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
