package network_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// Issue 12: states the library must never make. Every entry of the
// network engine that takes a time refuses one the library does not keep
// (tenancy.CheckTime) with tenancy.ErrInvalid, before anything else and
// changing nothing; a nanosecond inside the range the same command goes
// through and the network round-trips through JSON; the decoder refuses
// the times the engine cannot make.

// ntWorld is a network around hq, which bought Enterprise annual at from,
// created at from, with b1 (Basic annual, bought at from) ready to
// connect.
func ntWorld(t *testing.T, from time.Time) (*nrWorld, *network.Network, lifecycle.Account, lifecycle.Account) {
	t.Helper()
	w := nrNew(t)
	head := w.account(nrHQ, nrAda, from)
	head = w.buy(head, from, plan.Enterprise, plan.Annual)
	n, head := w.create(head, from)
	b := w.account("b1", nrBea, from)
	b = w.apply(b, from, lifecycle.AddUser{By: tenancy.Admin(nrBea), User: nrAda, Role: tenancy.RoleAdministrator})
	b = w.buy(b, from, plan.Basic, plan.Annual)
	return w, n, head, b
}

// ntInvalid checks a refusal for a time the library does not keep: it is
// tenancy.ErrInvalid and no other refusal (time going back, a dissolved
// network).
func ntInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, tenancy.ErrInvalid) || errors.Is(err, tenancy.ErrTimeWentBack) || errors.Is(err, tenancy.ErrRefused) {
		t.Errorf("%s: %v, want tenancy.ErrInvalid alone", what, err)
	}
}

// NET-01 to NET-13: every command, Carry, Align, Observe and Deliver at
// tenancy.MaxTime, or before tenancy.MinTime on a network made at
// MinTime, is refused as invalid and changes nothing.
func TestNET_EntriesRefuseTimesNotKept(t *testing.T) {
	for _, edge := range []struct {
		name string
		from time.Time // when the world is made
		bad  time.Time // a time the library does not keep, next to it
	}{
		{"at MaxTime", tenancy.MaxTime.Add(-time.Hour), tenancy.MaxTime},
		{"before MinTime", tenancy.MinTime, tenancy.MinTime.Add(-time.Nanosecond)},
	} {
		t.Run(edge.name, func(t *testing.T) {
			w, n, head, b := ntWorld(t, edge.from)
			at := edge.bad
			_, _, err := w.net.Create(b, nrAda, at)
			ntInvalid(t, "Create", err)
			nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, b, nrAda, at) }, tenancy.ErrInvalid, "")
			connected, _ := w.connect(n, head, b, edge.from)
			nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Disconnect(n, head, b.ID, nrAda, at) }, tenancy.ErrInvalid, "")
			nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Dissolve(n, head, nrAda, at) }, tenancy.ErrInvalid, "")
			for name, run := range map[string]func() (lifecycle.Account, []lifecycle.Effect, []network.Effect, error){
				"ApplyPlan": func() (lifecycle.Account, []lifecycle.Effect, []network.Effect, error) {
					return w.net.ApplyPlan(n, connected, at, plan.Renew{By: tenancy.Admin(nrBea)})
				},
				"PreviewPlan": func() (lifecycle.Account, []lifecycle.Effect, []network.Effect, error) {
					return w.net.PreviewPlan(n, connected, at, plan.Renew{By: tenancy.Admin(nrBea)})
				},
			} {
				nrRefuse(t, n, func() ([]network.Effect, error) {
					_, _, effs, err := run()
					ntInvalid(t, name, err)
					return effs, err
				}, tenancy.ErrInvalid, "")
			}
			nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Observe(n, connected, at) }, tenancy.ErrInvalid, "")
			s := w.net.StandingOf(connected)
			s.Seq++
			s.At = at
			nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Deliver(n, s) }, tenancy.ErrInvalid, "")
			aligned, leffs, err := w.net.Align(connected, at)
			ntInvalid(t, "Align", err)
			if aligned.Seq != connected.Seq || len(leffs) != 0 {
				t.Errorf("Align refused, yet changed the account: %v", leffs)
			}
			eff := network.Effect{Kind: network.EffectConnected, Account: b.ID, Head: nrHQ, At: at}
			carried, leffs, err := w.net.Carry(b, eff, at)
			ntInvalid(t, "Carry", err)
			if carried.Network != b.Network || len(leffs) != 0 {
				t.Errorf("Carry refused, yet the account joins %q with %v", carried.Network, leffs)
			}
		})
	}
}

// NET-07: a standing whose deadline no account can have (ten years and
// more after tenancy.MaxTime) is refused, and changes nothing.
func TestNET07_DeliverRefusesADeadlineNoAccountHas(t *testing.T) {
	w, n, head, b := ntWorld(t, nrT0)
	b, _ = w.connect(n, head, b, nrT1)
	s := w.net.StandingOf(b)
	s.Seq++
	s.Level, s.Deadline = network.LevelFree, time.Date(9100, 1, 1, 0, 0, 0, 0, time.UTC)
	nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Deliver(n, s) }, tenancy.ErrInvalid, "")
	s.Deadline = time.Time{}
	if effs, err := w.net.Deliver(n, s); err != nil || len(effs) != 1 || effs[0].Kind != network.EffectIncompatible {
		t.Fatalf("the same standing without the deadline: %v %v", effs, err)
	}
}

// NET-01, NET-02, NET-07: at the last instant the library keeps a network
// is created, a branch connects and drops to free, and the network, its
// deadlines in year 9000, round-trips through JSON (nrCheck); so does one
// made at MinTime.
func TestNET_EdgesRoundTrip(t *testing.T) {
	last := tenancy.MaxTime.Add(-time.Nanosecond)
	for name, c := range map[string]struct{ from, at time.Time }{
		"the last instant": {tenancy.MaxTime.Add(-time.Hour), last},
		"MinTime":          {tenancy.MinTime, tenancy.MinTime},
	} {
		t.Run(name, func(t *testing.T) {
			w, n, head, b := ntWorld(t, c.from)
			b, _ = w.connect(n, head, b, c.at)
			nrStatus(t, n, b.ID, network.Connected)
			b = w.plan(b, c.at, plan.Cancel{By: tenancy.Admin(nrBea), Now: true})
			b, effs := w.sync(n, b, c.at)
			nrWant(t, "the drop to free", n, effs, nrEff{Kind: network.EffectIncompatible, Account: b.ID, Rule: "NET-07", At: c.at,
				Deadline: c.at.AddDate(0, 0, w.net.Policy().GraceDays)})
			nrCheck(t, n)
			if _, err := b.MarshalJSON(); err != nil {
				t.Fatalf("the branch does not encode: %v", err)
			}
		})
	}
}

// NET-06, NET-07, NET-14: the policy's numbers are bounded so that no
// derived date overflows: the largest and smallest ints are refused, the
// bounds themselves are accepted.
func TestNET_PolicyBounded(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*network.Policy)
		rule tenancy.RuleID
	}{
		"TrialDays = MaxInt":         {func(p *network.Policy) { p.TrialDays = math.MaxInt }, "NET-06"},
		"TrialDays = MinInt":         {func(p *network.Policy) { p.TrialDays = math.MinInt }, "NET-06"},
		"TrialDays = MaxTrialDays+1": {func(p *network.Policy) { p.TrialDays = network.MaxTrialDays + 1 }, "NET-06"},
		"GraceDays = MaxInt":         {func(p *network.Policy) { p.GraceDays = math.MaxInt }, "NET-07"},
		"GraceDays = MinInt":         {func(p *network.Policy) { p.GraceDays = math.MinInt }, "NET-07"},
		"GraceDays = MaxGraceDays+1": {func(p *network.Policy) { p.GraceDays = network.MaxGraceDays + 1 }, "NET-07"},
		"MaxBranches = MinInt":       {func(p *network.Policy) { p.MaxBranches = math.MinInt }, "NET-14"},
	} {
		p := network.DefaultPolicy()
		c.edit(&p)
		if err := p.Validate(); !errors.Is(err, network.ErrPolicy) || tenancy.RuleOf(err) != c.rule {
			t.Errorf("%s: Validate = %v, want network.ErrPolicy under %s", name, err, c.rule)
		}
	}
	p := network.Policy{TrialDays: network.MaxTrialDays, GraceDays: network.MaxGraceDays, MaxBranches: math.MaxInt}
	if err := p.Validate(); err != nil {
		t.Fatalf("the bounds themselves: %v", err)
	}
	if network.MaxGraceDays > lifecycle.MaxDays {
		t.Fatalf("MaxGraceDays %d exceeds lifecycle.MaxDays %d: the decoders' range would not hold the deadlines", network.MaxGraceDays, lifecycle.MaxDays)
	}
	// At the bounds, a branch that drops to free at the last instant kept
	// gets a deadline ten years on, which the network still writes.
	w := nrNew(t, func(q *network.Policy) { *q = p })
	last := tenancy.MaxTime.Add(-time.Nanosecond)
	head := w.buy(w.account(nrHQ, nrAda, last), last, plan.Enterprise, plan.Annual)
	n, head := w.create(head, last)
	b := w.account("b1", nrAda, last)
	b = w.buy(b, last, plan.Basic, plan.Monthly)
	b, _ = w.connect(n, head, b, last)
	b = w.plan(b, last, plan.Cancel{By: tenancy.Admin(nrAda), Now: true})
	_, effs := w.sync(n, b, last)
	if len(effs) != 1 || !effs[0].Deadline.Equal(last.AddDate(0, 0, network.MaxGraceDays)) {
		t.Fatalf("the drop at the bounds: %v", effs)
	}
	nrCheck(t, n)
}

// The decoder refuses a network holding a time the engine cannot make,
// with network.ErrCorrupt: a last change at or after tenancy.MaxTime, a
// branch listed before tenancy.MinTime, a deadline ten years and more
// after MaxTime.
func TestNetworkJSON_RefusesTimesNotKept(t *testing.T) {
	base := `{"v":1,"head":"hq","zone":"eu","status":"operating","branches":[` +
		`{"account":"b1","status":"connected","since":"1972-01-01T00:00:00Z"},` +
		`{"account":"b3","status":"incompatible","since":"8999-12-31T09:00:00Z","deadline":"9009-12-31T09:00:00Z"}],` +
		`"updated":"8999-12-31T23:59:59.999999999Z"}`
	disabled := `{"v":1,"head":"hq","zone":"eu","status":"disabled","head_deadline":"9009-12-31T09:00:00Z","branches":[],"updated":"8999-12-31T09:00:00Z"}`
	for name, s := range map[string]string{"base": base, "disabled": disabled} {
		var n network.Network
		if err := n.UnmarshalJSON([]byte(s)); err != nil {
			t.Fatalf("the %s state, at the edges, is refused: %v", name, err)
		}
	}
	for name, s := range map[string]string{
		"a last change at MaxTime":       strings.Replace(base, `"updated":"8999-12-31T23:59:59.999999999Z"`, `"updated":"9000-01-01T00:00:00Z"`, 1),
		"a branch listed before MinTime": strings.Replace(base, `"since":"1972-01-01T00:00:00Z"`, `"since":"1971-12-31T23:59:59Z"`, 1),
		"a branch deadline in 9100":      strings.Replace(base, `"deadline":"9009-12-31T09:00:00Z"`, `"deadline":"9100-01-01T00:00:00Z"`, 1),
		"a head deadline in 9100":        strings.Replace(disabled, `"head_deadline":"9009-12-31T09:00:00Z"`, `"head_deadline":"9100-01-01T00:00:00Z"`, 1),
	} {
		if s == base || s == disabled {
			t.Fatalf("%s: the edit did not apply", name)
		}
		var n network.Network
		if err := n.UnmarshalJSON([]byte(s)); !errors.Is(err, network.ErrCorrupt) || !strings.Contains(err.Error(), "times the library keeps") {
			t.Errorf("%s: %v, want network.ErrCorrupt about the times the library keeps", name, err)
		}
	}
}
