package fleet_test

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
	_ "time/tzdata" // Europe/Paris must load on any machine

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// The golden files pin the stored forms of the driver's values: an
// effect's source, kind or class renamed, a message's level, an outcome's
// or an identity's field renamed or dropped, would leave every round trip
// passing but fail to load what a store already kept (its outbox, its
// inboxes, its request log, its identities). go test ./fleet -run Golden
// -update rewrites them.
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
		t.Errorf("%s: the encoding changed; an old value might no longer load\n got: %s\nwant: %s", path, want, got)
	}
}

// goldenFile returns a golden file without its final newline.
func goldenFile(t *testing.T, name string) []byte {
	t.Helper()
	path := filepath.Join(goldenDir, name+".json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := bytes.CutSuffix(b, []byte("\n"))
	if !ok {
		t.Fatalf("%s does not end in a newline", path)
	}
	return b
}

// goldenValues is what one history through the driver stores: every
// effect (the outbox), every message (the inboxes), the outcomes of
// requests and the identities.
type goldenValues struct {
	Effects    []fleet.Effect
	Messages   []fleet.Message
	Outcomes   []fleet.Outcome
	Identities []fleet.Identity
}

func goldenDay(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 9, 30, 0, 0, time.UTC)
}

// goldenHistory runs a network's year through a store that sends every
// message through an inbox: branches connected, on trial, dropping to
// free, blocked, buying again, deleted; the head lapsing and coming back;
// users added and an identity forgotten; requests done and refused.
func goldenHistory(t *testing.T) goldenValues {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	m := fleet.NewMemory(fleet.Default())
	m.Deferred = true
	var out goldenValues
	ada, svc := tenancy.Admin("ada"), tenancy.Service()
	// keep records what a step hands the store.
	keep := func(r fleet.Ready, request string) {
		out.Messages = append(out.Messages, r.Messages...)
		if request != "" {
			out.Outcomes = append(out.Outcomes, r.Outcome)
		}
	}
	// advance fires every deadline up to at, then delivers every inbox,
	// as Memory.AdvanceTo does, keeping the messages on the way.
	advance := func(at time.Time) {
		t.Helper()
		for {
			k, d, ok := m.Next()
			if !ok || d.After(at) {
				break
			}
			r, err := m.Do(d, fleet.Advance{Key: k}, "")
			if err != nil {
				t.Fatalf("advance %s at %v: %v", k, d, err)
			}
			keep(r, "")
		}
		for _, msg := range m.Pending() {
			r, err := m.Do(at, fleet.Advance{Key: msg.To}, "")
			if err != nil {
				t.Fatalf("deliver to %s at %v: %v", msg.To, at, err)
			}
			keep(r, "")
		}
	}
	do := func(at time.Time, request string, cmds ...fleet.Command) {
		t.Helper()
		advance(at)
		for _, c := range cmds {
			r, err := m.Do(at, c, request)
			if err != nil && request != "refused" {
				t.Fatalf("%T%+v at %v: %v", c, c, at, err)
			}
			keep(r, request)
		}
	}
	account := func(id tenancy.AccountID) fleet.Command {
		loc := paris
		if id == "hq" {
			loc = nil
		}
		return fleet.NewAccount{ID: id, Owner: "ada", DomainZone: "eu", Location: loc}
	}
	buy := func(id tenancy.AccountID, p plan.PlanID, per plan.Period) fleet.Command {
		return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: p, Period: per}}}
	}
	cancel := func(id tenancy.AccountID) fleet.Command {
		return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada, Reason: "budget"}}}
	}
	jan5 := goldenDay(1, 5)
	do(jan5, "", account("hq"), buy("hq", plan.Enterprise, plan.Monthly))
	do(jan5, "create", fleet.CreateNetwork{Head: "hq", By: ada})
	do(jan5, "", account("paris"), buy("paris", plan.Basic, plan.Annual), fleet.Connect{Head: "hq", Branch: "paris", By: ada},
		account("lyon"), buy("lyon", plan.Basic, plan.Monthly), fleet.Connect{Head: "hq", Branch: "lyon", By: ada}, cancel("lyon"),
		account("brest"), fleet.Connect{Head: "hq", Branch: "brest", By: ada},
		fleet.OnAccount{Account: "paris", Cmd: lifecycle.AddUser{By: ada, User: "eve", Role: tenancy.RoleEmployee}},
		fleet.OnAccount{Account: "paris", Cmd: lifecycle.Plan{Cmd: plan.BuyTelephonyCredits{By: ada, Amount: decimal.RequireFromString("12.5")}}})
	do(jan5.Add(time.Hour), "refused", cancel("hq"))
	do(goldenDay(1, 10), "", fleet.OnAccount{Account: "paris", Cmd: lifecycle.DismissUser{By: ada, User: "eve"}})
	do(goldenDay(1, 11), "forget", fleet.ForgetIdentity{User: "eve", By: tenancy.Actor{User: "eve"}})
	do(goldenDay(2, 1), "upgrade", fleet.OnAccount{Account: "paris", Cmd: lifecycle.Plan{Cmd: plan.ChangePlan{By: ada, Plan: plan.Enterprise, Period: plan.Annual}}})
	do(goldenDay(2, 10), "", fleet.OnAccount{Account: "lyon", Cmd: lifecycle.Plan{Cmd: plan.StartTrial{By: ada}}})
	do(goldenDay(2, 25), "rebuy", buy("lyon", plan.Standard, plan.Monthly))
	do(goldenDay(3, 1), "", fleet.OnAccount{Account: "brest", Cmd: lifecycle.Delete{By: svc, Confirm: "brest"}})
	do(goldenDay(3, 20), "resume", buy("hq", plan.Enterprise, plan.Annual))
	do(goldenDay(3, 25), "", fleet.Disconnect{Head: "hq", Branch: "paris", By: ada}, fleet.Disconnect{Head: "hq", Branch: "lyon", By: ada})
	do(goldenDay(3, 26), "dissolve", fleet.Dissolve{Head: "hq", By: ada})
	advance(goldenDay(3, 31))
	out.Effects = m.Log
	for _, id := range slices.Sorted(func(yield func(tenancy.UserID) bool) {
		for u := range m.States().Identities {
			if !yield(u) {
				return
			}
		}
	}) {
		out.Identities = append(out.Identities, m.States().Identities[id])
	}
	return out
}

// goldenNames are the golden files of the driver's values.
var goldenNames = []string{"effects", "messages", "outcomes", "identities"}

// encode returns the JSON form of each list of v, by golden file name.
func (v goldenValues) encode(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, list := range map[string]any{"effects": v.Effects, "messages": v.Messages, "outcomes": v.Outcomes, "identities": v.Identities} {
		enc, err := json.Marshal(list)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = enc
	}
	return out
}

// goldenLoad decodes every golden file.
func goldenLoad(t *testing.T) goldenValues {
	t.Helper()
	var v goldenValues
	for name, dst := range map[string]any{"effects": &v.Effects, "messages": &v.Messages, "outcomes": &v.Outcomes, "identities": &v.Identities} {
		if err := json.Unmarshal(goldenFile(t, name), dst); err != nil {
			t.Fatalf("testdata/golden/%s.json does not load: %v", name, err)
		}
	}
	return v
}

// TestGoldenValues: the effects, messages, outcomes and identities of the
// history encode byte for byte as the golden files hold them.
func TestGoldenValues(t *testing.T) {
	encs := goldenHistory(t).encode(t)
	for _, name := range goldenNames {
		goldenCompare(t, name, encs[name])
	}
}

// TestGoldenValuesLoad: every golden file decodes, and encodes again to
// the same bytes: what a store kept loads as it was.
func TestGoldenValuesLoad(t *testing.T) {
	encs := goldenLoad(t).encode(t)
	for _, name := range goldenNames {
		if b := goldenFile(t, name); !bytes.Equal(encs[name], b) {
			t.Errorf("testdata/golden/%s.json loads, and encodes again as %s", name, encs[name])
		}
	}
}

// TestGoldenValueNames: every source kind and every class of an effect,
// an effect of a standing, every level of a message, a deleted and a
// blocked standing, a refused and a done request, a live and a forgotten
// identity have a golden form, so that a new name cannot go unpinned. The
// loops run until String gives the fallback name of an unknown value.
func TestGoldenValueNames(t *testing.T) {
	v := goldenLoad(t)
	sources, classes, levels := map[fleet.Kind]bool{}, map[fleet.Class]bool{}, map[network.Level]bool{}
	var standing, deleted, blocked, refused, done, live, forgotten bool
	for _, e := range v.Effects {
		sources[e.Source], classes[e.Class], standing = true, true, standing || e.ByStanding
	}
	for _, m := range v.Messages {
		levels[m.Standing.Level] = true
		deleted, blocked = deleted || m.Standing.Deleted, blocked || m.Standing.Blocked
	}
	for _, o := range v.Outcomes {
		refused, done = refused || o.Refused(), done || !o.Refused() && len(o.Effects) > 0
	}
	for _, i := range v.Identities {
		live, forgotten = live || i.Live(), forgotten || !i.Forgotten.IsZero()
	}
	n := 0
	for k := fleet.KindAccount; !strings.HasPrefix(k.String(), "Kind("); k++ {
		if n++; !sources[k] {
			t.Errorf("no golden effect of a %s", k)
		}
	}
	for c := fleet.Action; !strings.HasPrefix(c.String(), "Class("); c++ {
		if n++; !classes[c] {
			t.Errorf("no golden effect of class %s", c)
		}
	}
	for l := network.LevelFree; !strings.HasPrefix(l.String(), "Level("); l++ {
		if n++; !levels[l] {
			t.Errorf("no golden message of level %s", l)
		}
	}
	if n < 9 || !standing || !deleted || !blocked || !refused || !done || !live || !forgotten {
		t.Errorf("%d names enumerated; golden forms of an effect of a standing %v, a deleted standing %v, a blocked one %v, "+
			"a refused request %v, a done one %v, a live identity %v, a forgotten one %v: want all", n, standing, deleted, blocked, refused, done, live, forgotten)
	}
}

// TestGoldenDuplicateKeys: an effect, a message, an outcome or an
// identity with a key repeated or spelled in another case is refused as
// corrupt.
func TestGoldenDuplicateKeys(t *testing.T) {
	v := goldenHistory(t)
	first := func(list any) []byte {
		t.Helper()
		enc, err := json.Marshal(list)
		if err != nil {
			t.Fatal(err)
		}
		return enc
	}
	refused := slices.IndexFunc(v.Outcomes, fleet.Outcome.Refused)
	cases := []struct {
		enc    []byte
		keys   []string
		decode func([]byte) error
	}{
		{first(v.Effects[0]), []string{`"id":`, `"kind":`, `"account":`}, func(b []byte) error { return json.Unmarshal(b, new(fleet.Effect)) }},
		{first(v.Messages[0]), []string{`"to":`, `"level":`}, func(b []byte) error { return json.Unmarshal(b, new(fleet.Message)) }},
		{first(v.Outcomes[refused]), []string{`"request":`, `"rule":`, `"text":`}, func(b []byte) error { return json.Unmarshal(b, new(fleet.Outcome)) }},
		{first(v.Identities[0]), []string{`"user":`, `"since":`}, func(b []byte) error { return json.Unmarshal(b, new(fleet.Identity)) }},
	}
	for _, c := range cases {
		for _, k := range c.keys {
			i := bytes.Index(c.enc, []byte(k))
			if i < 0 {
				t.Fatalf("no key %s in %s", k, c.enc)
			}
			upper := `"` + strings.ToUpper(k[1:len(k)-2]) + `":`
			for name, b := range map[string][]byte{
				"duplicate " + k:              slices.Concat(c.enc[:i], []byte(k+`"x",`), c.enc[i:]),
				"upper-case " + k:             slices.Concat(c.enc[:i], []byte(upper), c.enc[i+len(k):]),
				"case-variant duplicate " + k: slices.Concat(c.enc[:i], []byte(upper+`"x",`), c.enc[i:]),
			} {
				if err := c.decode(b); !errors.Is(err, fleet.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
					t.Errorf("%s: %s decoded with %v, want ErrCorrupt", name, b, err)
				}
			}
		}
	}
	// In a list, the element's own decoder names the key.
	enc := first(v.Effects[:2])
	i := bytes.LastIndex(enc, []byte(`"kind":`))
	b := slices.Concat(enc[:i], []byte(`"kind":"plan.purchased",`), enc[i:])
	if err := json.Unmarshal(b, new([]fleet.Effect)); !errors.Is(err, fleet.ErrCorrupt) || !strings.Contains(err.Error(), `duplicate key "kind" at $`) {
		t.Errorf("a repeated kind in the second effect: %v, want ErrCorrupt naming the key", err)
	}
}

// TestGoldenValuesBeforeCredited: effects written before upgrades carried
// their whole credit and balance (issue 14) still load, with both zero;
// the upgrade's credit applied is as it was (PLAN-03).
func TestGoldenValuesBeforeCredited(t *testing.T) {
	b := goldenFile(t, "effects")
	old := bytes.ReplaceAll(b, []byte(`,"credited":"542.28"`), nil)
	if bytes.Equal(old, b) {
		t.Fatal("the golden effects have no upgrade with its whole credit")
	}
	var effs []fleet.Effect
	if err := json.Unmarshal(old, &effs); err != nil {
		t.Fatalf("effects without credited: %v", err)
	}
	n := 0
	for _, e := range effs {
		if e.Kind == "plan.upgraded" {
			n++
			if !e.Credited.IsZero() || !e.Balance.IsZero() || e.Credit.String() != "542.28" {
				t.Errorf("an old upgrade loads with credit %s, credited %s, balance %s", e.Credit, e.Credited, e.Balance)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d upgrades, want 1", n)
	}
}
