package plan_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin must load on any machine

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// The golden files pin the stored form of a subscription: a status, a
// period or a pending change renamed, a field renamed or dropped, would
// leave every round trip passing but fail to load the states a service
// already stored. go test ./plan -run Golden -update rewrites them.
var goldenUpdate = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const goldenDir = "testdata/golden"

// goldenCompare compares enc, followed by a newline, with the golden file
// name, or writes it there with -update.
func goldenCompare(t *testing.T, name string, enc []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name+".json")
	want := append(slices.Clip(enc), '\n')
	if *goldenUpdate {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: the encoding changed; an old state might no longer load\n got: %s\nwant: %s", path, want, got)
	}
}

// goldenFiles returns the golden files whose names start with prefix,
// each without its final newline.
func goldenFiles(t *testing.T, prefix string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(goldenDir, prefix+"*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files %s*.json: %v", prefix, err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b, ok := bytes.CutSuffix(b, []byte("\n"))
		if !ok {
			t.Fatalf("%s does not end in a newline", p)
		}
		out[p] = b
	}
	return out
}

// goldenSubscriptions builds a subscription in every status, with every
// kind of pending change, each period, add-ons, an early renewal and
// account credit, through the engine's commands at fixed dates in Berlin.
func goldenSubscriptions(t *testing.T) map[string]plan.Subscription {
	t.Helper()
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	ada := tenancy.Admin("ada")
	at := func(month time.Month, day, hour int) time.Time {
		return time.Date(2026, month, day, hour, 30, 0, 0, berlin)
	}
	apply := func(s plan.Subscription, now time.Time, cmds ...plan.Command) plan.Subscription {
		t.Helper()
		for _, c := range cmds {
			var err error
			if s, _, err = eng.Apply(s, now, c); err != nil {
				t.Fatalf("%T%+v at %v: %v", c, c, now, err)
			}
		}
		return s
	}
	advance := func(s plan.Subscription, now time.Time) plan.Subscription {
		t.Helper()
		s, _, err := eng.Advance(s, now, nil)
		if err != nil {
			t.Fatalf("advance to %v: %v", now, err)
		}
		return s
	}
	free, err := eng.New("acme", berlin, at(1, 5, 9))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]plan.Subscription{
		"subscription-free":  free,
		"subscription-trial": apply(free, at(1, 6, 10), plan.StartTrial{By: ada}),
		"subscription-network-trial": apply(free, at(1, 6, 10),
			plan.StartTrial{By: ada, Network: true, Days: 15}),
		"subscription-active-monthly": apply(free, at(1, 31, 11), plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly}),
		"subscription-active-downgrade": apply(free, at(1, 7, 11),
			plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual},
			plan.ChangePlan{By: ada, Plan: plan.Standard, Period: plan.Monthly}),
		"subscription-active-cancel": apply(free, at(1, 7, 11),
			plan.Purchase{By: ada, Plan: plan.Standard, Period: plan.Monthly},
			plan.Cancel{By: ada, Reason: "budget \"cut\""}),
		"subscription-active-add-ons": apply(free, at(1, 7, 11),
			plan.Purchase{By: ada, Plan: plan.Professional, Period: plan.Monthly},
			plan.BuyTelephonyCredits{By: ada, Amount: decimal.RequireFromString("25.50")},
			plan.UseTelephonyCredits{By: ada, Amount: decimal.RequireFromString("3.25")},
			plan.BuyExtraStorage{By: ada, Bytes: 10 * plan.GB, Price: decimal.RequireFromString("9.99")}),
		// An upgrade from an annual plan to a monthly one leaves credit.
		"subscription-active-credit": apply(free, at(1, 7, 11),
			plan.Purchase{By: ada, Plan: plan.Professional, Period: plan.Annual},
			plan.ChangePlan{By: ada, Plan: plan.Enterprise, Period: plan.Monthly}),
	}
	monthly := out["subscription-active-monthly"]
	out["subscription-active-renewal"] = apply(monthly, monthly.End.Add(-24*time.Hour), plan.Renew{By: ada})
	grace := advance(monthly, monthly.End)
	out["subscription-grace"] = grace
	out["subscription-grace-failed"] = apply(grace, grace.Start.Add(time.Hour), plan.RecordPaymentFailure{By: tenancy.Service(), Reason: "card declined"})
	out["subscription-free-after-paid"] = advance(grace, grace.GraceEnd)
	return out
}

// TestGoldenSubscriptions: the subscriptions the engine makes encode byte
// for byte as the golden files hold them.
func TestGoldenSubscriptions(t *testing.T) {
	for name, s := range goldenSubscriptions(t) {
		enc, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		goldenCompare(t, name, enc)
	}
}

// TestGoldenSubscriptionsLoad: every golden file decodes, and encodes
// again to the same bytes: a stored state loads as it was.
func TestGoldenSubscriptionsLoad(t *testing.T) {
	for path, b := range goldenFiles(t, "subscription-") {
		var s plan.Subscription
		if err := json.Unmarshal(b, &s); err != nil {
			t.Errorf("%s does not load: %v", path, err)
			continue
		}
		if enc, err := json.Marshal(s); err != nil || !bytes.Equal(enc, b) {
			t.Errorf("%s loads, and encodes again as %s (%v)", path, enc, err)
		}
	}
}

// TestGoldenSubscriptionNames: every status, pending change kind and
// period has a golden file, so that a new one cannot go unpinned. The
// loops run until String gives the fallback name of an unknown value.
func TestGoldenSubscriptionNames(t *testing.T) {
	statuses, changes, periods := map[plan.Status]bool{}, map[plan.ChangeKind]bool{}, map[plan.Period]bool{}
	for path, b := range goldenFiles(t, "subscription-") {
		var s plan.Subscription
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		statuses[s.Status], changes[s.Pending.Kind], periods[s.Period] = true, true, true
		periods[s.Pending.Period] = true
	}
	n := 0
	for st := plan.StatusFree; !strings.HasPrefix(st.String(), "Status("); st++ {
		if n++; !statuses[st] {
			t.Errorf("no golden subscription in status %s", st)
		}
	}
	if n < 4 {
		t.Errorf("only %d statuses enumerated", n)
	}
	for k := plan.NoChange; !strings.HasPrefix(k.String(), "ChangeKind("); k++ {
		if !changes[k] {
			t.Errorf("no golden subscription with a pending change %s", k)
		}
	}
	for p := plan.Monthly; p.Months() != 0; p++ {
		if !periods[p] {
			t.Errorf("no golden subscription with period %s", p)
		}
	}
}

// goldenMutations returns enc with a key repeated and with a key spelled
// in another case, for each key given: at the top level and nested.
func goldenMutations(t *testing.T, enc []byte, keys ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, k := range keys {
		field := `"` + k + `":`
		i := bytes.Index(enc, []byte(field))
		if i < 0 {
			t.Fatalf("no key %q in %s", k, enc)
		}
		// The value's first byte decides how far it goes: repeat the key
		// with a string value, which a last-wins decoder would take.
		dup := slices.Concat(enc[:i], []byte(field+`"x",`), enc[i:])
		upper := slices.Concat(enc[:i], []byte(`"`+strings.ToUpper(k)+`":`), enc[i+len(field):])
		out["duplicate "+k] = dup
		out["upper-case "+k] = upper
		out["case-variant duplicate "+k] = slices.Concat(enc[:i], []byte(`"`+strings.ToUpper(k)+`":"x",`), enc[i:])
	}
	return out
}

// TestGoldenDuplicateKeys: a subscription with a key repeated, or spelled
// in another case, at the top level or in its pending change, is refused
// as corrupt, and so is a catalog.
func TestGoldenDuplicateKeys(t *testing.T) {
	s := goldenSubscriptions(t)["subscription-active-downgrade"]
	enc, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// "since" is only the pending change's key.
	for name, b := range goldenMutations(t, enc, "plan", "account", "zone", "since") {
		var got plan.Subscription
		err := json.Unmarshal(b, &got)
		if !errors.Is(err, plan.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("%s: %s decoded with %v, want ErrCorrupt", name, b, err)
		}
	}
	// In a pending change: "plan" is also the pending change's key.
	i := bytes.Index(enc, []byte(`"pending":{`))
	if i < 0 {
		t.Fatalf("no pending change in %s", enc)
	}
	nested := slices.Concat(enc[:i+len(`"pending":{`)], []byte(`"Kind":"cancel",`), enc[i+len(`"pending":{`):])
	if err := json.Unmarshal(nested, new(plan.Subscription)); !errors.Is(err, plan.ErrCorrupt) || !strings.Contains(err.Error(), "$.pending") {
		t.Errorf("a case-variant key in the pending change: %v, want ErrCorrupt naming $.pending", err)
	}
	cat, err := json.Marshal(plan.DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range goldenMutations(t, cat, "currency", "id") {
		if err := json.Unmarshal(b, new(plan.Catalog)); !errors.Is(err, plan.ErrCatalog) || !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("catalog, %s: %v, want ErrCatalog", name, err)
		}
	}
}
