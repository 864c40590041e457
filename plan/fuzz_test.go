package plan_test

// The decoders of subscriptions and catalogs: whatever they accept is valid
// and survives another round trip unchanged; whatever they refuse is refused
// with the package's error and leaves the receiver as it was. PLAN-01 covers
// the catalog; the subscription invariants serve every PLAN rule that reads a
// stored state (PLAN-03 one pending change, PLAN-14 grace fields, PLAN-07
// add-ons only on a paid plan).

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// ctSeedSubscriptions returns one subscription in every status and shape a
// stored state can have, built by commands so that each is genuine.
func ctSeedSubscriptions(t testing.TB) map[string]plan.Subscription {
	t.Helper()
	e := ctEngine(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	t0 := ctAt(2024, 1, 31)
	mid := ctAt(2024, 2, 10)
	out := map[string]plan.Subscription{}
	out["free"] = ctFree(e, t0)
	out["free in Berlin"] = tNew(t, e, "berlin-gmbh", berlin, time.Date(2024, 3, 30, 23, 30, 0, 123456789, berlin))
	out["trial"] = ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin})
	out["network trial"] = ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin, Network: true, Days: 20})
	out["active"] = ctActive(t, e, plan.Standard, plan.Monthly, t0)
	out["pending downgrade"] = ctThen(t, e, ctActive(t, e, plan.Professional, plan.Annual, t0), mid,
		plan.ChangePlan{By: ctAdmin, Plan: plan.Basic, Period: plan.Monthly})
	out["pending cancel"] = ctThen(t, e, ctActive(t, e, plan.Professional, plan.Monthly, t0), mid,
		plan.Cancel{By: ctAdmin, Reason: "we are closing the office \"für immer\""})
	out["renewal bought"] = ctThen(t, e, ctActive(t, e, plan.Basic, plan.Monthly, t0), mid, plan.Renew{By: ctAdmin})
	out["grace"] = ctGrace(t, e, plan.Basic, t0, plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("3.30")})
	// Professional annual upgraded a day later to Enterprise monthly leaves
	// credit on the account; add-ons on top.
	withCredit := ctThen(t, e, ctActive(t, e, plan.Professional, plan.Annual, t0), ctAt(2024, 2, 1),
		plan.ChangePlan{By: ctAdmin, Plan: plan.Enterprise, Period: plan.Monthly},
		plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("12.34")},
		plan.BuyExtraStorage{By: ctAdmin, Bytes: 50 * plan.GB, Price: ctD("20")})
	out["add-ons and credit"] = withCredit
	rolled := ctThen(t, e, withCredit, ctAt(2024, 2, 2), plan.Cancel{By: ctAdmin})
	rolled, _ = ctAdvance(t, e, rolled, rolled.End)
	out["rolled back with credit"] = rolled
	for name, s := range out {
		if err := e.Check(s); err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
	}
	if out["add-ons and credit"].Credit.IsZero() || out["rolled back with credit"].Credit.IsZero() {
		t.Fatalf("seeds with credit have none")
	}
	return out
}

// ctRoundTrip checks that s, which a decoder accepted, is valid, encodes,
// and decodes again to the same value in the same zone, with the same bytes.
func ctRoundTrip(t *testing.T, s plan.Subscription) {
	t.Helper()
	if err := s.Validate(); err != nil {
		t.Fatalf("decoded a subscription that fails Validate: %v", err)
	}
	b1, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("a decoded subscription does not encode: %v", err)
	}
	var s2 plan.Subscription
	if err := json.Unmarshal(b1, &s2); err != nil {
		t.Fatalf("re-decoding %s: %v", b1, err)
	}
	if d := cmp.Diff(s, s2); d != "" {
		t.Fatalf("round trip changed the value (-first +second):\n%s", d)
	}
	if s.Location().String() != s2.Location().String() {
		t.Fatalf("zone %q became %q", s.Location(), s2.Location())
	}
	b2, err := json.Marshal(s2)
	if err != nil || !bytes.Equal(b1, b2) {
		t.Fatalf("encoding is not stable (err %v):\n%s\n%s", err, b1, b2)
	}
}

func FuzzSubscriptionJSON(f *testing.F) {
	for _, s := range ctSeedSubscriptions(f) {
		b, err := json.Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, g := range []string{
		"", "null", "{}", "[]", `"free"`, "\xff\xfe", `{"v":1}`, `{"v":1,"zone":"UTC"}`,
		`{"v":1,"zone":"UTC","account":"a","plan":"free","status":"free","free_since":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z"}`,
		`{"v":1,"zone":"Local","account":"a","plan":"free","status":"free","free_since":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","credit":"1e9"}`,
		`{"v":1,"zone":"Asia/Tokyo","account":"a","plan":"x","status":"trial","trial_used":true,"end":"9999-12-31T23:59:59+09:00","updated":"0001-01-01T00:00:01Z"}`,
		`{"v":1,"zone":"America/New_York","account":"a","plan":"free","status":"free","free_since":"0000-01-01T00:00:00Z","updated":"0000-01-01T00:00:00Z"}`,
		`{"v":1,"zone":"UTC","account":"a","plan":"p","status":"grace","period":"monthly","anchor_day":31,"start":"2024-01-31T00:00:00Z","end":"2024-02-29T00:00:00Z","grace_end":"2024-02-15T00:00:00Z","due":"-0","ever_paid":true,"updated":"2024-02-01T00:00:00Z"}`,
		`{"v":1,"zone":"UTC","plan":"p","status":"active","pending":{"kind":"downgrade"}}`,
		`{"v":1,"v":2}`, `{"V":1,"ZONE":"UTC"}`,
		// The range of times and amounts the library keeps (issue 12).
		`{"v":1,"zone":"UTC","account":"a","plan":"free","status":"free","free_since":"1971-12-31T23:59:59Z","updated":"1972-01-01T00:00:00Z"}`,
		`{"v":1,"zone":"Europe/Berlin","account":"a","plan":"free","status":"free","free_since":"8999-12-31T23:59:59+01:00","updated":"9000-01-01T00:00:00Z"}`,
		`{"v":1,"zone":"UTC","account":"a","plan":"free","status":"free","free_since":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","credit":"1e-999999999"}`,
		`{"v":1,"zone":"UTC","account":"a","plan":"free","status":"free","free_since":"2024-01-01T00:00:00Z","updated":"2024-01-01T00:00:00Z","credit":"999999999999999999.9999"}`,
	} {
		f.Add([]byte(g))
	}
	sentinel := ctSeedSubscriptions(f)["pending cancel"]
	f.Fuzz(func(t *testing.T, b []byte) {
		got := sentinel
		err := got.UnmarshalJSON(b)
		if err != nil {
			if !errors.Is(err, plan.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
				t.Fatalf("refusal %v does not match plan.ErrCorrupt", err)
			}
			if d := cmp.Diff(sentinel, got); d != "" {
				t.Fatalf("a refused decode changed the receiver (-before +after):\n%s", d)
			}
			// json.Unmarshal refuses whatever the method refuses.
			var s plan.Subscription
			if json.Valid(b) && json.Unmarshal(b, &s) == nil {
				t.Fatalf("json.Unmarshal accepts what UnmarshalJSON refused (%v)", err)
			}
			return
		}
		ctRoundTrip(t, got)
	})
}

// ctCatalogJSON returns the default catalog's JSON.
func ctCatalogJSON(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(plan.DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzCatalogJSON(f *testing.F) {
	good := ctCatalogJSON(f)
	f.Add(good)
	for _, r := range []struct{ old, new string }{
		{`"code":"USD"`, `"code":"usd"`},
		{`"minor":2`, `"minor":7`},
		{`"id":"basic"`, `"id":"free"`},
		{`"id":"basic"`, `"id":""`},
		{`"kind":"free"`, `"kind":"commercial"`},
		{`"kind":"trial"`, `"kind":"free"`},
		{`"kind":"enterprise"`, `"kind":"platinum"`},
		{`"rank":4`, `"rank":1`},
		{`"monthly":"61"`, `"monthly":"-61"`},
		{`"monthly":"61"`, `"monthly":"61.001"`},
		{`"monthly":"61"`, `"monthly":61}`},
		{`"users":5`, `"users":0`},
		{`"users":250`, `"users":-1`},
		{`"users":250`, `"users":4`},
		{`"features":["crm"`, `"features":["crm","crm"`},
		{`"currency"`, `"currencies"`},
		{`"plans":[`, `"plans":[{},`},
		{`{"currency"`, `{"x":1,"currency"`},
	} {
		if !bytes.Contains(good, []byte(r.old)) {
			f.Fatalf("seed: %s is not in the default catalog's JSON", r.old)
		}
		f.Add(bytes.Replace(good, []byte(r.old), []byte(r.new), 1))
	}
	for _, g := range []string{"", "null", "{}", "[]", `{"plans":null}`, `{"currency":{"code":"EUR","minor":2},"plans":[]}`, "\x00"} {
		f.Add([]byte(g))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c plan.Catalog
		if err := c.UnmarshalJSON(b); err != nil {
			if !errors.Is(err, plan.ErrCatalog) || tenancy.RuleOf(err) != "PLAN-01" {
				t.Fatalf("refusal %v does not match plan.ErrCatalog under PLAN-01", err)
			}
			return
		}
		b1, err := json.Marshal(&c)
		if err != nil {
			t.Fatalf("a decoded catalog does not encode: %v", err)
		}
		var c2 plan.Catalog
		if err := json.Unmarshal(b1, &c2); err != nil {
			t.Fatalf("re-decoding %s: %v", b1, err)
		}
		if d := cmp.Diff(c.Plans(), c2.Plans()); d != "" {
			t.Fatalf("round trip changed the plans (-first +second):\n%s", d)
		}
		if c.Currency() != c2.Currency() {
			t.Fatalf("currency %v became %v", c.Currency(), c2.Currency())
		}
		// What decoding accepts, NewCatalog accepts, and an engine runs on.
		if _, err := plan.NewCatalog(c.Currency(), c.Plans()...); err != nil {
			t.Fatalf("NewCatalog refuses a decoded catalog: %v", err)
		}
		if _, err := plan.NewEngine(&c, plan.DefaultPolicy()); err != nil {
			t.Fatalf("NewEngine refuses a decoded catalog: %v", err)
		}
	})
}

// TestSubscriptionJSON_RoundTrip: every kind of stored state decodes to
// exactly what was encoded, zone included.
func TestSubscriptionJSON_RoundTrip(t *testing.T) {
	for name, s := range ctSeedSubscriptions(t) {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var got plan.Subscription
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			if d := cmp.Diff(s, got); d != "" {
				t.Errorf("(-encoded +decoded):\n%s", d)
			}
			for _, tm := range []time.Time{got.Start, got.End, got.GraceEnd, got.FreeSince, got.Updated, got.Pending.Since} {
				if !tm.IsZero() && tm.Location().String() != s.Location().String() {
					t.Errorf("time %v decoded in %v, want %v", tm, tm.Location(), s.Location())
				}
			}
			ctRoundTrip(t, got)
		})
	}
}

// TestSubscriptionJSON_RefusesCorrupt: decoding refuses a stored state that
// breaks an invariant, with plan.ErrCorrupt, and leaves the receiver alone.
func TestSubscriptionJSON_RefusesCorrupt(t *testing.T) {
	seeds := ctSeedSubscriptions(t)
	// fields returns s's JSON as a map to edit.
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
	cases := []struct {
		name string
		from string
		edit func(m map[string]any)
		// why is a word the refusal must contain.
		why string
	}{
		{"schema version 2", "free", func(m map[string]any) { m["v"] = 2 }, "version"},
		{"schema version 0", "free", func(m map[string]any) { m["v"] = 0 }, "version"},
		{"no schema version", "free", func(m map[string]any) { delete(m, "v") }, "version"},
		{"unknown field", "active", func(m map[string]any) { m["discount"] = "10%" }, "discount"},
		{"unknown status", "active", func(m map[string]any) { m["status"] = "paused" }, "paused"},
		{"no status", "active", func(m map[string]any) { delete(m, "status") }, "status"},
		{"unknown zone", "free", func(m map[string]any) { m["zone"] = "Mars/Olympus_Mons" }, "Mars/Olympus_Mons"},
		{"empty zone", "free", func(m map[string]any) { m["zone"] = "" }, "zone"},
		{"unknown period", "active", func(m map[string]any) { m["period"] = "weekly" }, "weekly"},
		{"unknown pending change", "pending cancel", func(m map[string]any) {
			m["pending"].(map[string]any)["kind"] = "pause"
		}, "pause"},
		{"free with a paid period", "free", func(m map[string]any) {
			m["period"], m["anchor_day"] = "monthly", 31
		}, "free"},
		{"free with a period end", "free", func(m map[string]any) { m["end"] = "2024-03-31T10:00:00Z" }, "free"},
		{"free with an amount paid", "free", func(m map[string]any) { m["paid"] = "10" }, "free"},
		{"free with add-ons", "free", func(m map[string]any) { m["telephony_credits"] = "1" }, "free"},
		{"pending change on free", "free", func(m map[string]any) {
			m["pending"] = map[string]any{"kind": "cancel", "since": m["updated"]}
		}, "pending"},
		{"pending change in grace", "grace", func(m map[string]any) {
			m["pending"] = map[string]any{"kind": "cancel", "since": m["updated"]}
		}, "pending"},
		{"downgrade without a target", "pending downgrade", func(m map[string]any) {
			delete(m["pending"].(map[string]any), "plan")
		}, "downgrade"},
		{"cancel with a target", "pending cancel", func(m map[string]any) {
			m["pending"].(map[string]any)["plan"] = "basic"
		}, "target"},
		{"a reason with nothing pending", "active", func(m map[string]any) {
			m["pending"] = map[string]any{"reason": "why not"}
		}, "reason"},
		{"negative credit", "add-ons and credit", func(m map[string]any) { m["credit"] = "-0.01" }, "Credit"},
		{"negative amount paid", "active", func(m map[string]any) { m["paid"] = "-124" }, "Paid"},
		{"negative telephony credits", "add-ons and credit", func(m map[string]any) { m["telephony_credits"] = "-1" }, "Telephony"},
		{"negative extra storage", "add-ons and credit", func(m map[string]any) { m["extra_storage_bytes"] = -1 }, "Storage"},
		{"negative renewal", "renewal bought", func(m map[string]any) { m["renewal"] = "-61" }, "Renewal"},
		{"period end before the last change", "active", func(m map[string]any) { m["updated"] = "2024-03-01T10:00:00Z" }, "deadline"},
		{"trial end before the last change", "trial", func(m map[string]any) { m["updated"] = "2024-02-16T10:00:00Z" }, "deadline"},
		{"grace end before the last change", "grace", func(m map[string]any) { m["updated"] = "2024-03-16T10:00:00Z" }, ""},
		{"period ends before it starts", "active", func(m map[string]any) { m["end"] = m["start"] }, "ends"},
		{"grace without an amount due", "grace", func(m map[string]any) { delete(m, "due") }, "due"},
		{"grace with an amount paid", "grace", func(m map[string]any) { m["paid"] = "61" }, "paid"},
		{"grace end after the unpaid period", "grace", func(m map[string]any) { m["grace_end"] = "2024-04-01T10:00:00Z" }, "grace"},
		{"active with an amount due", "active", func(m map[string]any) { m["due"] = "1" }, "grace"},
		{"paid plan never paid", "active", func(m map[string]any) { delete(m, "ever_paid") }, "paid"},
		{"anchor day 32", "active", func(m map[string]any) { m["anchor_day"] = 32 }, "anchor"},
		{"trial not recorded as used", "trial", func(m map[string]any) { delete(m, "trial_used") }, "trial"},
		{"trial with a billing period", "trial", func(m map[string]any) { m["period"] = "annual" }, "trial"},
		{"no plan", "free", func(m map[string]any) { m["plan"] = "" }, "plan"},
		{"no time of last change", "free", func(m map[string]any) { delete(m, "updated") }, "last change"},
		{"free since after the last change", "free", func(m map[string]any) { m["free_since"] = "2030-01-01T00:00:00Z" }, "free"},
		// Found by FuzzSubscriptionJSON: before 1888 Tokyo kept local mean
		// time, 9:18:59 ahead of UTC, which RFC 3339 cannot write exactly;
		// and year 0 in UTC is year -1 in New York, which it cannot write
		// at all. Either would not survive a round trip.
		{"a time in a zone's local mean time", "free", func(m map[string]any) {
			m["zone"], m["free_since"], m["updated"] = "Asia/Tokyo", "1880-01-01T00:00:00Z", "1880-01-01T00:00:00Z"
		}, "cannot be written"},
		{"a year before 0 in the zone", "free", func(m map[string]any) {
			m["zone"], m["free_since"], m["updated"] = "America/New_York", "0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"
		}, "cannot be written"},
		{"a time that is not a time", "active", func(m map[string]any) { m["end"] = "next tuesday" }, ""},
		{"an amount that is not a number", "active", func(m map[string]any) { m["paid"] = "lots" }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := fields(c.from)
			c.edit(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			got := seeds["pending cancel"]
			err = got.UnmarshalJSON(b)
			if err == nil {
				t.Fatalf("accepted %s", b)
			}
			if !errors.Is(err, plan.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
				t.Errorf("error %v does not match plan.ErrCorrupt and tenancy.ErrInvalid", err)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.why)) {
				t.Errorf("error %q does not say %q", err, c.why)
			}
			if d := cmp.Diff(seeds["pending cancel"], got); d != "" {
				t.Errorf("the receiver changed (-before +after):\n%s", d)
			}
			var s plan.Subscription
			if json.Unmarshal(b, &s) == nil {
				t.Errorf("json.Unmarshal accepted it")
			}
		})
	}
	// The unedited maps decode: the refusals above are the edits'.
	for name := range seeds {
		b, _ := json.Marshal(fields(name))
		var s plan.Subscription
		if err := json.Unmarshal(b, &s); err != nil {
			t.Errorf("seed %s does not decode from its map: %v", name, err)
		}
	}
}

// TestCatalogJSON_RoundTrip: the default catalog decodes to the same plans
// (PLAN-01), and a broken one is refused with every problem named.
func TestCatalogJSON_RoundTrip(t *testing.T) {
	var c plan.Catalog
	if err := json.Unmarshal(ctCatalogJSON(t), &c); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(plan.DefaultCatalog().Plans(), c.Plans()); d != "" {
		t.Errorf("(-default +decoded):\n%s", d)
	}
	bad := bytes.Replace(ctCatalogJSON(t), []byte(`"monthly":"61"`), []byte(`"monthly":"-61"`), 1)
	bad = bytes.Replace(bad, []byte(`"rank":4`), []byte(`"rank":3`), 1)
	err := json.Unmarshal(bad, &c)
	if !errors.Is(err, plan.ErrCatalog) || tenancy.RuleOf(err) != "PLAN-01" {
		t.Fatalf("error %v, want plan.ErrCatalog under PLAN-01", err)
	}
	for _, want := range []string{"basic", "negative", "rank 3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}
