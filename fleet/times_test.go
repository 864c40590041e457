package fleet_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// Issue 12: the driver never makes a state it cannot store. A step at a
// time the library does not keep (tenancy.CheckTime: before
// tenancy.MinTime, at or after tenancy.MaxTime) is refused with
// tenancy.ErrInvalid before anything else; every state, message, effect
// and outcome a store holds after steps at either edge round-trips
// through JSON; the decoders refuse the times no step makes.

// TestStep_RefusesTimesNotKept: Step and Preview refuse a time outside
// [MinTime, MaxTime) with tenancy.ErrInvalid and an empty Ready (no
// outcome: it could not be stored), and change nothing; Memory keeps no
// outcome for the request, which runs when sent again at a time kept.
func TestStep_RefusesTimesNotKept(t *testing.T) {
	m := branchWorld(t, true)
	login := fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Login{User: "ada"}}
	for name, now := range map[string]time.Time{
		"at MaxTime":                  tenancy.MaxTime,
		"on 9999-12-31":               time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		"a nanosecond before MinTime": tenancy.MinTime.Add(-time.Nanosecond),
		"the zero time":               {},
	} {
		before := jsonOf(t, m)
		s := cloneStates(m.States())
		for what, step := range map[string]func(*fleet.States, fleet.Input) (fleet.Ready, error){
			"Step": m.Engine().Step, "Preview": m.Engine().Preview,
		} {
			r, err := step(s, fleet.Input{Now: now, Command: login, Request: "r1", Inbox: m.Pending()})
			if !errors.Is(err, tenancy.ErrInvalid) || errors.Is(err, tenancy.ErrTimeWentBack) {
				t.Errorf("%s %s: %v, want tenancy.ErrInvalid", what, name, err)
			}
			if r.Outcome.Request != "" || r.Outcome.Refused() || len(r.Effects) != 0 || len(r.Changed) != 0 || len(r.Messages) != 0 {
				t.Errorf("%s %s: refused, yet Ready %+v", what, name, r)
			}
		}
		if statesJSON(t, s) != statesJSON(t, m.States()) {
			t.Errorf("%s: a refused step changed its states", name)
		}
		if _, err := m.Do(now, login, "req-"+name); !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("Do %s: %v, want tenancy.ErrInvalid", name, err)
		}
		if jsonOf(t, m) != before {
			t.Errorf("Do %s: the refusal changed the store", name)
		}
		// No outcome kept: the same request at a time kept runs.
		r, err := m.Do(at(time.January, 10, 9, 0), login, "req-"+name)
		if err != nil || r.Replayed || len(r.Effects) == 0 {
			t.Errorf("the request %s again, at a time kept: %v, replayed %v, effects %v", name, err, r.Replayed, r.Effects)
		}
	}
}

// TestStep_EdgesRoundTrip: NET-01, NET-02, NET-06, NET-07, LIFE-06: a
// world made by steps at MinTime and a nanosecond before MaxTime (accounts
// created, Enterprise bought, a network, a branch connected on trial and
// another that drops to free with its block scheduled, an identity
// forgotten), through an inbox: every account, network, identity,
// message, effect and outcome the store holds encodes and decodes to the
// same bytes.
func TestStep_EdgesRoundTrip(t *testing.T) {
	for name, now := range map[string]time.Time{
		"MinTime":                     tenancy.MinTime,
		"a nanosecond before MaxTime": tenancy.MaxTime.Add(-time.Nanosecond),
	} {
		t.Run(name, func(t *testing.T) {
			m := fleet.NewMemory(fleet.Default())
			m.Deferred = true
			for _, c := range []fleet.Command{
				fleet.NewAccount{ID: "hq", Owner: "ada", DomainZone: "eu", Location: berlin},
				fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}},
				fleet.CreateNetwork{Head: "hq", By: ada},
				fleet.NewAccount{ID: "lyon", Owner: "ada", DomainZone: "eu", Location: berlin},
				fleet.Connect{Head: "hq", Branch: "lyon", By: ada},
				fleet.NewAccount{ID: "rome", Owner: "ada", DomainZone: "eu"},
				fleet.OnAccount{Account: "rome", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly}}},
				fleet.Connect{Head: "hq", Branch: "rome", By: ada},
				fleet.OnAccount{Account: "rome", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada, Now: true}}},
				fleet.NewAccount{ID: "solo", Owner: "cy", DomainZone: "us"},
				fleet.ForgetIdentity{User: "cy", By: tenancy.Actor{User: "cy"}},
			} {
				if _, err := m.Do(now, c, "req-"+ftRequest(c)); err != nil {
					t.Fatalf("%T%+v: %v", c, c, err)
				}
			}
			rome, _ := m.Account("rome")
			if _, ok := rome.ScheduledFor(network.CauseBranch); !ok || len(m.Pending()) == 0 {
				t.Fatalf("setup: rome's block scheduled %v, %d messages waiting", rome.Scheduled, len(m.Pending()))
			}
			s := m.States()
			for id, a := range s.Accounts {
				ftRoundTrip(t, "account "+string(id), a, &lifecycle.Account{})
			}
			for h, n := range s.Networks {
				ftRoundTrip(t, "network "+string(h), n, &network.Network{})
			}
			for u, i := range s.Identities {
				ftRoundTrip(t, "identity "+string(u), i, &fleet.Identity{})
			}
			for _, msg := range m.Pending() {
				ftRoundTrip(t, "message "+msg.ID(), msg, &fleet.Message{})
			}
			for _, e := range m.Log {
				ftRoundTrip(t, "effect "+e.ID(), e, &fleet.Effect{})
			}
			r, err := m.Do(now, fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Login{User: "ada"}}, "req-login")
			if err != nil {
				t.Fatal(err)
			}
			ftRoundTrip(t, "outcome", r.Outcome, &fleet.Outcome{})
			// The messages delivered, the network still round-trips.
			if _, err := m.Flush(now); err != nil {
				t.Fatal(err)
			}
			ftRoundTrip(t, "network after the inbox", s.Networks["hq"], &network.Network{})
		})
	}
}

// ftRequest names a command for a request ID.
func ftRequest(c fleet.Command) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// ftRoundTrip checks that v encodes, decodes into into, and encodes again
// to the same bytes.
func ftRoundTrip(t *testing.T, what string, v any, into any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s does not encode: %v", what, err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%s does not decode: %v\n%s", what, err, b)
	}
	if b2, err := json.Marshal(into); err != nil || string(b2) != string(b) {
		t.Fatalf("%s re-encodes differently (%v):\n%s\n%s", what, err, b, b2)
	}
}

// TestJSON_RefusesTimesNotKept: an identity, a message, an outcome or an
// effect at a time no step makes (at or after MaxTime, before MinTime; a
// message's deadline ten years and more after MaxTime) is refused with
// fleet.ErrCorrupt; the same a nanosecond inside decodes.
func TestJSON_RefusesTimesNotKept(t *testing.T) {
	last := tenancy.MaxTime.Add(-time.Nanosecond)
	early := tenancy.MinTime.Add(-time.Second)
	enc := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	identity := func(since, updated time.Time) []byte {
		return enc(fleet.Identity{User: "ada", Since: since, Updated: updated})
	}
	message := func(at, deadline time.Time) []byte {
		return enc(fleet.Message{To: fleet.NetworkKey("hq"), Standing: network.Standing{Account: "lyon", Network: "hq", Seq: 3,
			At: at, Level: network.LevelFree, Deadline: deadline}})
	}
	outcome := func(at time.Time) []byte { return enc(fleet.Outcome{Request: "r1", Command: "x", At: at}) }
	m := sampleLog(t)
	effect := func(at time.Time) []byte {
		e := m.Log[0]
		e.At = at
		return enc(e) // its ID made from its fields
	}
	refuses[fleet.Identity](t, identity(last, last), map[string][]byte{
		"created at MaxTime":                  identity(tenancy.MaxTime, tenancy.MaxTime),
		"created before MinTime":              identity(early, last),
		"changed at MaxTime":                  identity(last, tenancy.MaxTime),
		"created on 9999-12-31":               identity(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)),
		"created a nanosecond before MinTime": identity(tenancy.MinTime.Add(-time.Nanosecond), tenancy.MinTime),
	})
	refuses[fleet.Message](t, message(last, last.AddDate(0, 0, 15)), map[string][]byte{
		"at MaxTime":          message(tenancy.MaxTime, time.Time{}),
		"before MinTime":      message(early, time.Time{}),
		"a deadline in 9100":  message(last, time.Date(9100, 1, 1, 0, 0, 0, 0, time.UTC)),
		"a deadline in 1900":  message(last, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)),
		"at the zero instant": mutate(t, message(last, time.Time{}), "at", "0001-01-01T00:00:00Z"),
	})
	refuses[fleet.Outcome](t, outcome(tenancy.MinTime), map[string][]byte{
		"at MaxTime":     outcome(tenancy.MaxTime),
		"before MinTime": outcome(early),
	})
	refuses[fleet.Effect](t, effect(last), map[string][]byte{
		"at MaxTime":     effect(tenancy.MaxTime),
		"before MinTime": effect(early),
	})
}
