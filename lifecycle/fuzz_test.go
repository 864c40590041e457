package lifecycle_test

// The account decoder: whatever it accepts passes Validate and survives
// another round trip unchanged; whatever it refuses is refused with
// lifecycle.ErrCorrupt and leaves the receiver as it was. The invariants it
// guards serve the LIFE rules that read a stored state: LIFE-02 (a warning
// lies before its deadline), LIFE-04 (a suspended account has a deletion
// date), LIFE-05 (a deleted account has no deadline, no block and no
// running subscription), LIFE-08 (a block, set or scheduled, has a cause,
// once; a scheduled one lies ahead, earliest first), NET-04 (an account in
// a network has been in one), PLAN-02 (an owner who administers, known
// roles).

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// lrSeedAccounts returns one account in every stage and shape a stored state
// can have, built by commands so that each is genuine.
func lrSeedAccounts(t testing.TB) map[string]lifecycle.Account {
	t.Helper()
	e := lrEngine(t)
	berlin := lrLoc(t, "Europe/Berlin")
	buy := lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Professional, Period: plan.Annual}}
	mid := time.Date(2026, 3, 20, 14, 15, 16, 171819, time.UTC)
	out := map[string]lifecycle.Account{}

	out["new"] = lrNew(t, e, lrT0)
	// 25 and 29 March have passed: two warnings sent about 1 April.
	out["free, warned twice"], _ = lrAdvance(t, e, lrNew(t, e, lrT0), time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC))
	out["free in Berlin, warned once"], _ = lrAdvance(t, e,
		lrNew(t, e, time.Date(2026, 3, 10, 10, 0, 0, 123456789, berlin)), time.Date(2026, 4, 3, 0, 0, 0, 0, berlin))
	out["paid"] = lrThen(t, e, lrNew(t, e, lrT0), lrT0, buy)
	out["paid, cancellation pending"] = lrThen(t, e, out["paid"], mid, lifecycle.Plan{Cmd: plan.Cancel{By: lrAda, Reason: "\"too dear\""}})
	out["trial"] = lrThen(t, e, lrNew(t, e, lrT0), mid, lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}})
	grace := lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Basic, Period: plan.Monthly}})
	out["grace"], _ = lrAdvance(t, e, grace, time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC))
	// Suspended on 1 April, warned on 24 and 28 April about 1 May.
	out["suspended, warned twice"], _ = lrAdvance(t, e, lrWithBob(t, e), time.Date(2026, 4, 29, 0, 0, 0, 0, time.UTC))
	out["purged"], _ = lrAdvance(t, e, lrWithBob(t, e), lrPurge)
	out["deleted on request"] = lrThen(t, e, lrNew(t, e, lrT0), mid, lifecycle.Delete{By: lrAda, Confirm: lrID})
	out["deleted by support while paying"] = lrThen(t, e, out["paid"], mid, lifecycle.Delete{By: lrService, Confirm: lrID})
	out["blocked twice"] = lrThen(t, e, lrWithBob(t, e), mid,
		lifecycle.SetBlock{By: lrService, Cause: "NET-07: plan compatibility"},
		lifecycle.SetBlock{By: lrService, Cause: "NET-09: head unpaid ü"})
	out["dismissed users"] = lrThen(t, e, lrWithBob(t, e), mid,
		lifecycle.AddUser{By: lrAda, User: "carol", Role: tenancy.RoleAdministrator},
		lifecycle.AddUser{By: lrAda, User: "dave", Role: tenancy.RoleEmployee},
		lifecycle.DismissUser{By: lrAda, User: "bob"},
		lifecycle.DismissUser{By: lrCarol, User: "dave"})
	out["blocked, two scheduled, in Berlin"] = lrThen(t, e,
		lrNew(t, e, time.Date(2026, 3, 10, 10, 0, 0, 0, berlin)), mid.In(berlin),
		lifecycle.SetBlock{By: lrService, Cause: "NET-07: plan compatibility"},
		lifecycle.SetBlock{By: lrService, Cause: "NET-07: plan compatibility, later", At: mid.AddDate(0, 0, 15)},
		lifecycle.SetBlock{By: lrService, Cause: "NET-09: head unpaid", At: mid.AddDate(0, 0, 2)})
	out["head of a network"] = lrThen(t, e, out["paid"], mid, lifecycle.JoinNetwork{By: lrService, Head: lrID})
	restored := out["suspended, warned twice"]
	out["restored"] = lrThen(t, e, restored, restored.Updated.Add(time.Minute), lifecycle.Restore{By: lrAda})
	for name, a := range out {
		if err := e.Check(a); err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
	}
	for name, st := range map[string]lifecycle.Stage{
		"free, warned twice": lifecycle.StageActive, "suspended, warned twice": lifecycle.StageSuspended,
		"purged": lifecycle.StageDeleted, "restored": lifecycle.StageActive,
	} {
		if out[name].Stage != st {
			t.Fatalf("seed %s: stage %v, want %v", name, out[name].Stage, st)
		}
	}
	if out["free, warned twice"].Warned != 2 || out["suspended, warned twice"].Warned != 2 {
		t.Fatalf("seeds with warnings sent have none")
	}
	return out
}

// lrRoundTrip checks that a, which the decoder accepted, is valid, encodes,
// and decodes again to the same value in the same zone, with the same bytes.
func lrRoundTrip(t *testing.T, a lifecycle.Account) {
	t.Helper()
	if err := a.Validate(); err != nil {
		t.Fatalf("decoded an account that fails Validate: %v", err)
	}
	b1, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("a decoded account does not encode: %v", err)
	}
	var a2 lifecycle.Account
	if err := json.Unmarshal(b1, &a2); err != nil {
		t.Fatalf("re-decoding %s: %v", b1, err)
	}
	if d := cmp.Diff(a, a2); d != "" {
		t.Fatalf("round trip changed the value (-first +second):\n%s", d)
	}
	if a.Location().String() != a2.Location().String() {
		t.Fatalf("zone %q became %q", a.Location(), a2.Location())
	}
	for _, tm := range []time.Time{a2.LastActivity, a2.Deadline, a2.WarnAt, a2.SuspendedAt, a2.Updated} {
		if !tm.IsZero() && tm.Location().String() != a2.Location().String() {
			t.Fatalf("time %v decoded in %v, want %v", tm, tm.Location(), a2.Location())
		}
	}
	b2, err := json.Marshal(a2)
	if err != nil || !bytes.Equal(b1, b2) {
		t.Fatalf("encoding is not stable (err %v):\n%s\n%s", err, b1, b2)
	}
}

func FuzzAccountJSON(f *testing.F) {
	seeds := lrSeedAccounts(f)
	for _, a := range seeds {
		b, err := json.Marshal(a)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	sub := `{"v":1,"zone":"UTC","account":"a","plan":"free","status":"free","free_since":"2026-01-01T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`
	for _, g := range []string{
		"", "null", "{}", "[]", `"acme"`, "\xff\xfe", "\x00", `{"v":1}`, `{"v":1,"v":2}`, `{"V":1,"ID":"a"}`,
		`{"v":1,"id":"a","owner":"o","users":[{"id":"o","role":"administrator"}],"subscription":` + sub +
			`,"last_activity":"2026-01-01T00:00:00Z","stage":"active","deadline":"2026-01-31T00:00:00Z","warn_at":"2026-01-24T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`,
		`{"v":1,"id":"a","owner":"o","users":[{"id":"o","role":"administrator"}],"subscription":` + sub +
			`,"last_activity":"0001-01-01T00:00:00Z","stage":"deleted","suspended_at":"2025-01-01T00:00:00+05:00","updated":"2026-01-01T00:00:00Z","seq":18446744073709551615}`,
		`{"v":1,"id":"a","owner":"o","users":[{"id":"o","role":"administrator"}],"subscription":` + sub +
			`,"last_activity":"2026-01-01T00:00:00Z","stage":"suspended","deadline":"2026-01-31T00:00:00Z","warn_at":"2026-01-31T00:00:00Z","updated":"2026-01-01T00:00:00Z"}`,
		`{"v":1,"id":"a","owner":"o","users":[{"id":"o","role":"service"}],"subscription":null,"stage":"active"}`,
		`{"v":1,"id":"a","owner":"o","users":[{"id":"o","role":"administrator"}],"subscription":` + sub +
			`,"last_activity":"2026-01-01T00:00:00Z","stage":"active","blocks":[{"cause":"x","since":"2026-01-01T00:00:00Z"}],"updated":"2026-01-01T00:00:00Z","warned":-1}`,
	} {
		f.Add([]byte(g))
	}
	sentinel := seeds["dismissed users"]
	f.Fuzz(func(t *testing.T, b []byte) {
		got := sentinel
		err := got.UnmarshalJSON(b)
		if err != nil {
			if !errors.Is(err, lifecycle.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
				t.Fatalf("refusal %v does not match lifecycle.ErrCorrupt", err)
			}
			if d := cmp.Diff(sentinel, got); d != "" {
				t.Fatalf("a refused decode changed the receiver (-before +after):\n%s", d)
			}
			// json.Unmarshal refuses whatever the method refuses.
			var a lifecycle.Account
			if json.Valid(b) && json.Unmarshal(b, &a) == nil {
				t.Fatalf("json.Unmarshal accepts what UnmarshalJSON refused (%v)", err)
			}
			return
		}
		lrRoundTrip(t, got)
	})
}

// TestAccountJSON_RoundTrip: every kind of stored state decodes to exactly
// what was encoded, zone included, and still passes the engine's checks.
func TestAccountJSON_RoundTrip(t *testing.T) {
	e := lrEngine(t)
	for name, a := range lrSeedAccounts(t) {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte(`"v":1`)) {
				t.Errorf("no schema version in %s", b)
			}
			var got lifecycle.Account
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if d := cmp.Diff(a, got); d != "" {
				t.Errorf("(-encoded +decoded):\n%s", d)
			}
			if err := e.Check(got); err != nil {
				t.Errorf("a decoded account fails Check: %v", err)
			}
			lrRoundTrip(t, got)
		})
	}
}

// TestAccountJSON_RefusesCorrupt: decoding refuses a stored state that
// breaks an invariant, with lifecycle.ErrCorrupt, and leaves the receiver
// alone.
func TestAccountJSON_RefusesCorrupt(t *testing.T) {
	seeds := lrSeedAccounts(t)
	// fields returns a seed's JSON as a map to edit.
	fields := func(name string) map[string]any {
		b, err := json.Marshal(seeds[name])
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	users := func(m map[string]any) []any { return m["users"].([]any) }
	user := func(m map[string]any, i int) map[string]any { return users(m)[i].(map[string]any) }
	block := func(m map[string]any, i int) map[string]any { return m["blocks"].([]any)[i].(map[string]any) }
	scheduled := func(m map[string]any) []any { return m["scheduled"].([]any) }
	later := func(m map[string]any, i int) map[string]any { return scheduled(m)[i].(map[string]any) }
	cases := []struct {
		name string
		from string
		edit func(m map[string]any)
		// why is a word the refusal must contain.
		why string
	}{
		// LIFE-05: a deleted account has no deadline, warning or block.
		{"deleted with a pending deadline (LIFE-05)", "purged", func(m map[string]any) { m["deadline"] = "2026-06-01T09:00:00Z" }, "deleted"},
		{"deleted with a warning due (LIFE-05)", "deleted on request", func(m map[string]any) {
			m["deadline"], m["warn_at"] = "2026-06-01T09:00:00Z", "2026-05-25T09:00:00Z"
		}, "deleted"},
		{"deleted and blocked (LIFE-05)", "purged", func(m map[string]any) {
			m["blocks"] = []any{map[string]any{"cause": "x", "since": "2026-05-01T09:00:00Z"}}
		}, "deleted"},
		{"deleted with a block scheduled (LIFE-05)", "purged", func(m map[string]any) {
			m["scheduled"] = []any{map[string]any{"cause": "x", "since": "2026-06-01T09:00:00Z"}}
		}, "deleted"},
		{"deleted with a running subscription (LIFE-05)", "deleted by support while paying", func(m map[string]any) {
			m["subscription"] = fields("paid")["subscription"]
		}, "running subscription"},
		// LIFE-08: a scheduled block has a cause and a time after the last
		// change, once, earliest first.
		{"a scheduled block before the last change (LIFE-08)", "blocked, two scheduled, in Berlin", func(m map[string]any) {
			later(m, 0)["since"] = "2026-03-20T14:15:16+01:00"
		}, "before the last change"},
		{"a scheduled block with no cause (LIFE-08)", "blocked, two scheduled, in Berlin", func(m map[string]any) { later(m, 1)["cause"] = "" }, "cause"},
		{"a scheduled block with no time (LIFE-08)", "blocked, two scheduled, in Berlin", func(m map[string]any) { delete(later(m, 0), "since") }, "time"},
		{"a cause scheduled twice (LIFE-08)", "blocked, two scheduled, in Berlin", func(m map[string]any) { later(m, 1)["cause"] = later(m, 0)["cause"] }, "twice"},
		{"a cause set and scheduled (LIFE-08)", "blocked, two scheduled, in Berlin", func(m map[string]any) { later(m, 1)["cause"] = block(m, 0)["cause"] }, "twice"},
		{"scheduled blocks out of order (LIFE-08)", "blocked, two scheduled, in Berlin", func(m map[string]any) {
			s := scheduled(m)
			s[0], s[1] = s[1], s[0]
		}, "out of order"},
		{"an unknown field in a scheduled block (LIFE-08)", "blocked, two scheduled, in Berlin", func(m map[string]any) { later(m, 0)["by"] = "service" }, "unknown field"},
		// NET-04: an account in a network has been in one.
		{"in a network never joined (NET-04)", "head of a network", func(m map[string]any) { delete(m, "ever_in_network") }, "ever in one"},
		// LIFE-02: a warning lies before the deadline it warns about.
		{"a warning at its deadline (LIFE-02)", "free, warned twice", func(m map[string]any) { m["warn_at"] = m["deadline"] }, "warning"},
		{"a warning after its deadline (LIFE-02)", "free, warned twice", func(m map[string]any) { m["warn_at"] = "2026-04-02T09:00:00Z" }, "warning"},
		{"a warning without a deadline (LIFE-02)", "paid", func(m map[string]any) { m["warn_at"] = "2026-04-02T09:00:00Z" }, "warning"},
		{"a negative warning count (LIFE-02)", "free, warned twice", func(m map[string]any) { m["warned"] = -1 }, "negative"},
		{"a warning due before the last change (LIFE-02)", "free, warned twice", func(m map[string]any) { m["warn_at"] = "2026-03-28T09:00:00Z" }, "before the last change"},
		// PLAN-02: roles and owner.
		{"an unknown role (PLAN-02)", "dismissed users", func(m map[string]any) { user(m, 1)["role"] = "superuser" }, "role"},
		{"a member with the service role (PLAN-02)", "dismissed users", func(m map[string]any) { user(m, 1)["role"] = "service" }, "role"},
		{"a member without a role (PLAN-02)", "dismissed users", func(m map[string]any) { delete(user(m, 1), "role") }, "role"},
		{"an owner who is an employee (PLAN-02)", "dismissed users", func(m map[string]any) { user(m, 0)["role"] = "employee" }, "owner"},
		{"an owner who is dismissed (PLAN-02)", "dismissed users", func(m map[string]any) { user(m, 0)["dismissed"] = true }, "owner"},
		{"an owner who is not a member (PLAN-02)", "dismissed users", func(m map[string]any) { m["owner"] = "zed" }, "owner"},
		{"an owner who was dismissed (PLAN-02)", "dismissed users", func(m map[string]any) { m["owner"] = "bob" }, "owner"},
		{"no users", "new", func(m map[string]any) { m["users"] = []any{} }, "owner"},
		{"a user listed twice", "dismissed users", func(m map[string]any) { m["users"] = append(users(m), users(m)[1]) }, "twice"},
		{"a user without an ID", "dismissed users", func(m map[string]any) { user(m, 2)["id"] = "" }, "without an ID"},
		// LIFE-08: a block has a cause and a time, once.
		{"a block with no cause (LIFE-08)", "blocked twice", func(m map[string]any) { block(m, 1)["cause"] = "" }, "cause"},
		{"a block with no time (LIFE-08)", "blocked twice", func(m map[string]any) { delete(block(m, 0), "since") }, "time"},
		{"a block set twice (LIFE-08)", "blocked twice", func(m map[string]any) { block(m, 1)["cause"] = block(m, 0)["cause"] }, "twice"},
		// Stages (LIFE-01, LIFE-03, LIFE-04).
		{"unknown stage", "new", func(m map[string]any) { m["stage"] = "archived" }, "stage"},
		{"no stage", "new", func(m map[string]any) { delete(m, "stage") }, "stage"},
		{"a stage in another case", "new", func(m map[string]any) { m["stage"] = "Active" }, "stage"},
		{"suspended without a suspension time (LIFE-04)", "suspended, warned twice", func(m map[string]any) { delete(m, "suspended_at") }, "suspen"},
		{"suspended without a deletion date (LIFE-04)", "suspended, warned twice", func(m map[string]any) {
			delete(m, "deadline")
			delete(m, "warn_at")
		}, "suspen"},
		{"active with a suspension time", "new", func(m map[string]any) { m["suspended_at"] = "2026-03-02T09:00:00Z" }, "suspension"},
		{"an inactivity deadline on a paid plan (LIFE-03)", "paid", func(m map[string]any) { m["deadline"] = "2026-04-01T09:00:00Z" }, "deadline"},
		{"a deadline before the last change (LIFE-01)", "free, warned twice", func(m map[string]any) {
			m["deadline"] = "2026-03-28T09:00:00Z"
			delete(m, "warn_at")
		}, "before the last change"},
		// The envelope.
		{"schema version 2", "new", func(m map[string]any) { m["v"] = 2 }, "version"},
		{"schema version 0", "new", func(m map[string]any) { m["v"] = 0 }, "version"},
		{"no schema version", "new", func(m map[string]any) { delete(m, "v") }, "version"},
		{"an unknown field", "new", func(m map[string]any) { m["archived"] = true }, "unknown field"},
		{"an unknown field in a user", "dismissed users", func(m map[string]any) { user(m, 1)["email"] = "bob@example.com" }, "unknown field"},
		{"no account ID", "new", func(m map[string]any) { m["id"] = "" }, "ID"},
		{"the subscription of another account", "new", func(m map[string]any) {
			m["subscription"].(map[string]any)["account"] = "other"
		}, "subscription"},
		{"a corrupt subscription", "paid", func(m map[string]any) {
			m["subscription"].(map[string]any)["status"] = "free"
		}, "free"},
		{"no subscription", "new", func(m map[string]any) { delete(m, "subscription") }, "subscription"},
		{"no time of last change", "new", func(m map[string]any) { delete(m, "updated") }, "last change"},
		{"a last change before the subscription's", "paid, cancellation pending", func(m map[string]any) { m["updated"] = "2026-03-02T09:00:00Z" }, "last change"},
		{"a time not writable in the zone", "free in Berlin, warned once", func(m map[string]any) {
			// Berlin kept local mean time (+0:53:28) before 1893.
			m["last_activity"] = "1850-01-01T00:00:00Z"
		}, "zone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fields(c.from)
			c.edit(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			lrWantCorrupt(t, seeds["blocked twice"], b, c.why)
		})
	}

	t.Run("trailing data", func(t *testing.T) {
		b, err := json.Marshal(seeds["new"])
		if err != nil {
			t.Fatal(err)
		}
		for _, tail := range []string{" {}", "{}", ` "x"`, "null", "]"} {
			lrWantCorrupt(t, seeds["blocked twice"], append(append([]byte{}, b...), tail...), "")
		}
	})
}

// lrWantCorrupt decodes b into a copy of into and checks the refusal: it
// matches lifecycle.ErrCorrupt, says why, and leaves the receiver alone;
// json.Unmarshal refuses it too.
func lrWantCorrupt(t *testing.T, into lifecycle.Account, b []byte, why string) {
	t.Helper()
	got := into
	err := got.UnmarshalJSON(b)
	if err == nil {
		t.Fatalf("decoded a corrupt account:\n%s", b)
	}
	if !errors.Is(err, lifecycle.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("error %q does not match lifecycle.ErrCorrupt", err)
	}
	if !strings.Contains(err.Error(), why) {
		t.Errorf("error %q does not say %q", err, why)
	}
	if d := cmp.Diff(into, got); d != "" {
		t.Errorf("the receiver changed (-before +after):\n%s", d)
	}
	var a lifecycle.Account
	if json.Unmarshal(b, &a) == nil {
		t.Errorf("json.Unmarshal accepts it")
	}
}

// TestValidate_Corrupt: Validate and Engine.Check refuse states no command
// can produce, with lifecycle.ErrCorrupt (LIFE-02 countdown by the policy,
// and a subscription that breaks its own invariants).
func TestValidate_Corrupt(t *testing.T) {
	e := lrEngine(t)
	seeds := lrSeedAccounts(t)
	cases := []struct {
		name  string
		from  string
		edit  func(a *lifecycle.Account)
		check bool // Engine.Check refuses it, Validate need not
	}{
		{name: "a subscription without a plan", from: "new", edit: func(a *lifecycle.Account) { a.Sub.Plan = "" }},
		{name: "a subscription with a negative credit", from: "paid", edit: func(a *lifecycle.Account) {
			a.Sub.Credit = a.Sub.Paid.Neg()
		}},
		{name: "a deadline the policy would not give (LIFE-01)", from: "new", check: true,
			edit: func(a *lifecycle.Account) {
				a.Deadline = a.Deadline.AddDate(0, 0, 1)
				a.WarnAt = a.WarnAt.AddDate(0, 0, 1)
			}},
		{name: "a warning the policy would not give (LIFE-02)", from: "free, warned twice", check: true,
			edit: func(a *lifecycle.Account) { a.Warned = 1 }},
		{name: "more warnings sent than the policy has (LIFE-02)", from: "suspended, warned twice", check: true,
			edit: func(a *lifecycle.Account) { a.Warned, a.WarnAt = 4, time.Time{} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := seeds[c.from]
			c.edit(&a)
			err := e.Check(a)
			if !c.check {
				if verr := a.Validate(); !errors.Is(verr, lifecycle.ErrCorrupt) {
					t.Errorf("Validate = %v, want a refusal matching lifecycle.ErrCorrupt", verr)
				}
			}
			if !errors.Is(err, lifecycle.ErrCorrupt) && !errors.Is(err, plan.ErrCorrupt) {
				t.Errorf("Check = %v, want a corrupt-state refusal", err)
			}
		})
	}
}
