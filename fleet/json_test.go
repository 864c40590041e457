package fleet_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// sampleLog returns a store whose log holds effects of every source: an
// account's (plan events with money, among them a grace that started,
// lifecycle effects with causes), a network's (of commands and of
// standings) and an identity's, with messages waiting in an inbox and
// outcomes kept for requests.
func sampleLog(t testing.TB) *fleet.Memory {
	t.Helper()
	m := branchWorld(t, true)
	t0 := at(time.January, 4, 10, 0)
	must(t, m, t0, fleet.NewAccount{ID: "bistro", Owner: "bo", DomainZone: "eu", Location: berlin})
	must(t, m, t0, fleet.OnAccount{Account: "bistro", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin("bo"), Plan: plan.Standard, Period: plan.Monthly}}})
	if _, err := m.AdvanceTo(at(time.February, 19, 10, 0), 0); err != nil {
		t.Fatal(err)
	}
	must(t, m, at(time.February, 20, 9, 0), fleet.ForgetIdentity{User: "bo", By: tenancy.Actor{User: "bo"}})
	must(t, m, at(time.February, 20, 9, 0), fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Annual}}})
	if len(m.Pending()) == 0 {
		t.Fatal("no message waits")
	}
	return m
}

// kindsOf returns the kinds in effs.
func kindsOf(effs []fleet.Effect) map[string]bool {
	out := map[string]bool{}
	for _, e := range effs {
		out[e.Kind] = true
	}
	return out
}

// TestEffectJSON: every effect survives a round trip through JSON, its
// kind and class as text, its ID checked against its fields.
func TestEffectJSON(t *testing.T) {
	m := sampleLog(t)
	kinds := kindsOf(m.Log)
	for _, k := range []string{"plan.grace-started", "plan.purchased", "life.block", "net.connected", "net.incompatible", "life.forget-identity"} {
		if !kinds[k] {
			t.Fatalf("the sample has no %s: %v", k, slices.Sorted(maps.Keys(kinds)))
		}
	}
	for _, e := range m.Log {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("%s: %v", e.ID(), err)
		}
		var back fleet.Effect
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if d := cmp.Diff(e, back); d != "" {
			t.Fatalf("%s: round trip (-want +got):\n%s", b, d)
		}
		b2, _ := json.Marshal(back)
		if string(b2) != string(b) {
			t.Fatalf("re-encoded differently:\n%s\n%s", b, b2)
		}
		var raw map[string]any
		_ = json.Unmarshal(b, &raw)
		if raw["kind"] != e.Kind || raw["class"] != e.Class.String() || raw["id"] != e.ID() || raw["v"] != float64(fleet.SchemaVersion) {
			t.Fatalf("%s: kind, class, ID or version not as text", b)
		}
	}
	grace := m.Log[slices.IndexFunc(m.Log, func(e fleet.Effect) bool { return e.Kind == "plan.grace-started" })]
	b, _ := json.Marshal(grace)
	// PLAN-14: a grace that started is an action, with the amount due as a
	// decimal string.
	if !strings.Contains(string(b), `"kind":"plan.grace-started"`) || !strings.Contains(string(b), `"class":"action"`) ||
		!strings.Contains(string(b), `"amount":"`) || grace.Amount.IsZero() {
		t.Fatalf("grace started: %s", b)
	}
}

// mutate returns the JSON object b with key set to v (deleted when v is
// nil).
func mutate(t *testing.T, b []byte, key string, v any) []byte {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	if v == nil {
		delete(obj, key)
	} else {
		obj[key] = v
	}
	out, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// refuses checks that decoding each variant of good fails with
// ErrCorrupt and leaves the receiver as it was.
func refuses[T any](t *testing.T, good []byte, variants map[string][]byte) {
	t.Helper()
	var ok T
	if err := json.Unmarshal(good, &ok); err != nil {
		t.Fatalf("the good form is refused: %v\n%s", err, good)
	}
	for name, b := range variants {
		v := ok
		err := json.Unmarshal(b, &v)
		if !errors.Is(err, fleet.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("%s: %v, want ErrCorrupt\n%s", name, err, b)
		}
		if !cmp.Equal(v, ok) {
			t.Errorf("%s: the receiver changed on error", name)
		}
	}
}

// TestEffectJSONRefused: an effect of another schema version, with an
// unknown field, kind, class or source, without a time, or whose ID is not
// the one its fields make, is refused.
func TestEffectJSONRefused(t *testing.T) {
	m := sampleLog(t)
	var good []byte
	for _, e := range m.Log {
		if e.Kind == "plan.grace-started" {
			good, _ = json.Marshal(e)
		}
	}
	refuses[fleet.Effect](t, good, map[string][]byte{
		"version 2":       mutate(t, good, "v", 2),
		"no version":      mutate(t, good, "v", nil),
		"unknown field":   mutate(t, good, "colour", "red"),
		"unknown kind":    mutate(t, good, "kind", "plan.grace-ended-twice"),
		"unknown package": mutate(t, good, "kind", "bill.grace-started"),
		"kind as number":  mutate(t, good, "kind", 13),
		"bare kind":       mutate(t, good, "kind", "grace-started"),
		"unknown class":   mutate(t, good, "class", "urgent"),
		"unknown source":  mutate(t, good, "source", "planet"),
		"no time":         mutate(t, good, "at", nil),
		"another ID":      mutate(t, good, "id", "account/bistro/PLAN-14/plan.grace-started/2026-02-04T09:00:00Z/99"),
		"no ID":           mutate(t, good, "id", nil),
		"bad amount":      mutate(t, good, "amount", "lots"),
		"not an object":   []byte(`["plan.grace-started"]`),
	})
}

// TestMessageJSON: a waiting message survives a round trip; one of
// another version, with an unknown field or level, or addressed to
// anything but the network its standing names, is refused.
func TestMessageJSON(t *testing.T) {
	m := sampleLog(t)
	for _, msg := range m.Pending() {
		b, err := json.Marshal(msg)
		if err != nil {
			t.Fatal(err)
		}
		var back fleet.Message
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if d := cmp.Diff(msg, back); d != "" || back.ID() != msg.ID() {
			t.Fatalf("%s: round trip (-want +got):\n%s", b, d)
		}
		if b2, _ := json.Marshal(back); string(b2) != string(b) {
			t.Fatalf("re-encoded differently:\n%s\n%s", b, b2)
		}
		if !strings.Contains(string(b), `"to":"network:hq"`) || !strings.Contains(string(b), `"level":"commercial"`) {
			t.Fatalf("recipient or level not as text: %s", b)
		}
	}
	good, _ := json.Marshal(m.Pending()[0])
	refuses[fleet.Message](t, good, map[string][]byte{
		"version 2":        mutate(t, good, "v", 2),
		"unknown field":    mutate(t, good, "inbox", "x"),
		"unknown level":    mutate(t, good, "level", "gold"),
		"to an account":    mutate(t, good, "to", "account:hq"),
		"to another":       mutate(t, good, "to", "network:hq2"),
		"not a key":        mutate(t, good, "to", "hq"),
		"no account":       mutate(t, good, "account", nil),
		"no time":          mutate(t, good, "at", nil),
		"negative seq":     mutate(t, good, "seq", -1),
		"blocked not bool": mutate(t, good, "blocked", "yes"),
	})
}

// TestOutcomeJSON: the outcome of a request, done or refused, survives a
// round trip, and the refusal read back matches the same rule and
// sentinel and reads as the first; an outcome of another version, with
// an unknown field or without a request, is refused.
func TestOutcomeJSON(t *testing.T) {
	m := branchWorld(t, false)
	now := at(time.January, 10, 9, 0)
	done, err := m.Do(now, fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Login{User: "ada"}}, "req-login")
	if err != nil || len(done.Outcome.Effects) == 0 {
		t.Fatalf("login: %v, %+v", err, done.Outcome)
	}
	refused, first := m.Do(now, fleet.OnAccount{Account: "hq", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}}, "req-cancel")
	if tenancy.RuleOf(first) != "NET-10" {
		t.Fatalf("cancel on the head: %v", first)
	}
	for _, o := range []fleet.Outcome{done.Outcome, refused.Outcome} {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var back fleet.Outcome
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if d := cmp.Diff(o, back); d != "" {
			t.Fatalf("%s: round trip (-want +got):\n%s", b, d)
		}
		if b2, _ := json.Marshal(back); string(b2) != string(b) {
			t.Fatalf("re-encoded differently:\n%s\n%s", b, b2)
		}
	}
	var back fleet.Outcome
	b, _ := json.Marshal(refused.Outcome)
	_ = json.Unmarshal(b, &back)
	err = back.Err()
	if tenancy.RuleOf(err) != "NET-10" || !errors.Is(err, tenancy.ErrRefused) || err.Error() != first.Error() || !back.Refused() {
		t.Fatalf("the refusal read back: %v (%s), first %v", err, tenancy.RuleOf(err), first)
	}
	good, _ := json.Marshal(done.Outcome)
	refuses[fleet.Outcome](t, good, map[string][]byte{
		"version 2":      mutate(t, good, "v", 2),
		"unknown field":  mutate(t, good, "result", "ok"),
		"no request":     mutate(t, good, "request", nil),
		"empty request":  mutate(t, good, "request", ""),
		"effects string": mutate(t, good, "effects", "a,b"),
	})
}

// TestIdentityJSON: LIFE-06: an identity, live or forgotten, survives a
// round trip; one of another version, with an unknown field, without a
// user or a creation time, or with times out of order, is refused.
func TestIdentityJSON(t *testing.T) {
	m := sampleLog(t)
	idents := m.States().Identities
	if !idents["ada"].Live() || idents["bo"].Live() {
		t.Fatalf("want ada live and bo forgotten: %+v", idents)
	}
	for _, i := range idents {
		b, err := json.Marshal(i)
		if err != nil {
			t.Fatal(err)
		}
		var back fleet.Identity
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if d := cmp.Diff(i, back); d != "" || back.Live() != i.Live() {
			t.Fatalf("%s: round trip (-want +got):\n%s", b, d)
		}
		if b2, _ := json.Marshal(back); string(b2) != string(b) {
			t.Fatalf("re-encoded differently:\n%s\n%s", b, b2)
		}
	}
	good, _ := json.Marshal(idents["bo"])
	refuses[fleet.Identity](t, good, map[string][]byte{
		"version 2":                mutate(t, good, "v", 2),
		"unknown field":            mutate(t, good, "email", "bo@example.com"),
		"no user":                  mutate(t, good, "user", nil),
		"no creation":              mutate(t, good, "since", nil),
		"updated before creation":  mutate(t, good, "updated", "2025-01-01T00:00:00Z"),
		"forgotten before created": mutate(t, good, "forgotten", "2025-12-31T00:00:00Z"),
		"forgotten after updated":  mutate(t, good, "forgotten", "2027-01-01T00:00:00Z"),
	})
}
