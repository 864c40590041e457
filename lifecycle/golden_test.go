package lifecycle_test

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

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// The golden files pin the stored form of an account: a stage renamed, a
// field renamed or dropped, would leave every round trip passing but fail
// to load the accounts a service already stored. go test ./lifecycle -run
// Golden -update rewrites them.
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

// goldenAccounts builds an account in every stage, with users of every
// member role, a dismissed user, warnings sent, blocks set and scheduled,
// a network membership and a paid plan, through the engine's commands at
// fixed dates in Berlin.
func goldenAccounts(t *testing.T) map[string]lifecycle.Account {
	t.Helper()
	plans, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	life, err := lifecycle.NewEngine(plans, lifecycle.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	bo, svc := tenancy.Admin("bo"), tenancy.Service()
	t0 := time.Date(2026, 1, 5, 9, 30, 0, 0, berlin)
	apply := func(a lifecycle.Account, now time.Time, cmds ...lifecycle.Command) lifecycle.Account {
		t.Helper()
		for _, c := range cmds {
			var err error
			if a, _, err = life.Apply(a, now, c); err != nil {
				t.Fatalf("%T%+v at %v: %v", c, c, now, err)
			}
		}
		return a
	}
	// next advances a to its next deadline.
	next := func(a lifecycle.Account) lifecycle.Account {
		t.Helper()
		d, ok := a.NextDeadline()
		if !ok {
			t.Fatalf("%s has no deadline", a.ID)
		}
		a, _, err := life.Advance(a, d, nil)
		if err != nil {
			t.Fatalf("advance %s to %v: %v", a.ID, d, err)
		}
		return a
	}
	fresh, err := life.New("bistro", "bo", "eu", berlin, t0)
	if err != nil {
		t.Fatal(err)
	}
	users := apply(fresh, t0.Add(time.Hour),
		lifecycle.AddUser{By: bo, User: "eve", Role: tenancy.RoleEmployee},
		lifecycle.AddUser{By: bo, User: "al", Role: tenancy.RoleAdministrator},
		lifecycle.AddUser{By: bo, User: "max", Role: tenancy.RoleEmployee},
		lifecycle.DismissUser{By: bo, User: "max"},
		lifecycle.Login{User: "eve"})
	warned := next(fresh)
	suspended := next(next(next(warned)))
	if suspended.Stage != lifecycle.StageSuspended {
		t.Fatalf("after three warnings %s is %s", suspended.ID, suspended.Stage)
	}
	suspendedWarned := next(suspended)
	deleted := suspendedWarned
	for deleted.Stage != lifecycle.StageDeleted {
		deleted = next(deleted)
	}
	later := t0.AddDate(0, 0, 2)
	blocked := apply(fresh, later,
		lifecycle.SetBlock{By: svc, Cause: "NET-07: plan compatibility"},
		lifecycle.SetBlock{By: svc, Cause: "support: unpaid invoice"})
	scheduled := apply(fresh, later,
		lifecycle.SetBlock{By: svc, Cause: "NET-09: plan compatibility", At: later.AddDate(0, 0, 15)},
		lifecycle.SetBlock{By: svc, Cause: "NET-07: plan compatibility", At: later.AddDate(0, 0, 10)})
	return map[string]lifecycle.Account{
		"account-active-new":       fresh,
		"account-active-users":     users,
		"account-active-warned":    warned,
		"account-active-paid":      apply(users, later, lifecycle.Plan{Cmd: plan.Purchase{By: bo, Plan: plan.Professional, Period: plan.Annual}}),
		"account-active-blocked":   apply(blocked, later.Add(time.Hour), lifecycle.SetBlock{By: svc, Cause: "NET-09: plan compatibility", At: later.AddDate(0, 1, 0)}),
		"account-active-scheduled": scheduled,
		"account-active-network":   apply(fresh, later, lifecycle.JoinNetwork{By: svc, Head: "hq"}),
		"account-active-left-network": apply(fresh, later,
			lifecycle.JoinNetwork{By: svc, Head: "hq"}, lifecycle.LeaveNetwork{By: svc, Head: "hq"}),
		"account-head": apply(fresh, later,
			lifecycle.Plan{Cmd: plan.Purchase{By: bo, Plan: plan.Enterprise, Period: plan.Monthly}},
			lifecycle.JoinNetwork{By: svc, Head: "bistro"}),
		"account-suspended":          suspended,
		"account-suspended-warned":   suspendedWarned,
		"account-deleted":            deleted,
		"account-deleted-on-request": apply(fresh, later, lifecycle.Delete{By: bo, Confirm: "bistro"}),
	}
}

// TestGoldenAccounts: the accounts the engine makes encode byte for byte
// as the golden files hold them.
func TestGoldenAccounts(t *testing.T) {
	for name, a := range goldenAccounts(t) {
		enc, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		goldenCompare(t, name, enc)
	}
}

// TestGoldenAccountsLoad: every golden file decodes, and encodes again to
// the same bytes: a stored account loads as it was.
func TestGoldenAccountsLoad(t *testing.T) {
	for path, b := range goldenFiles(t, "account-") {
		var a lifecycle.Account
		if err := json.Unmarshal(b, &a); err != nil {
			t.Errorf("%s does not load: %v", path, err)
			continue
		}
		if enc, err := json.Marshal(a); err != nil || !bytes.Equal(enc, b) {
			t.Errorf("%s loads, and encodes again as %s (%v)", path, enc, err)
		}
	}
}

// TestGoldenAccountNames: every stage, and every role a member holds, has
// a golden file, as do set and scheduled blocks, so that a new stage
// cannot go unpinned. The stage loop runs until String gives the fallback
// name of an unknown stage.
func TestGoldenAccountNames(t *testing.T) {
	stages, roles := map[lifecycle.Stage]bool{}, map[tenancy.Role]bool{}
	var blocks, scheduled, warned, dismissed bool
	for path, b := range goldenFiles(t, "account-") {
		var a lifecycle.Account
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		stages[a.Stage] = true
		for _, u := range a.Users {
			roles[u.Role], dismissed = true, dismissed || u.Dismissed
		}
		blocks, scheduled = blocks || len(a.Blocks) > 0, scheduled || len(a.Scheduled) > 1
		warned = warned || a.Warned > 0 && a.Stage == lifecycle.StageSuspended
	}
	n := 0
	for st := lifecycle.StageActive; !strings.HasPrefix(st.String(), "Stage("); st++ {
		if n++; !stages[st] {
			t.Errorf("no golden account in stage %s", st)
		}
	}
	if n < 3 {
		t.Errorf("only %d stages enumerated", n)
	}
	for _, r := range []tenancy.Role{tenancy.RoleEmployee, tenancy.RoleAdministrator} {
		if !roles[r] {
			t.Errorf("no golden account with a member who is %s", r)
		}
	}
	if !blocks || !scheduled || !warned || !dismissed {
		t.Errorf("golden accounts: blocks %v, two scheduled blocks %v, a warned suspension %v, a dismissed user %v; want all", blocks, scheduled, warned, dismissed)
	}
}

// TestGoldenDuplicateKeys: an account with a key repeated or spelled in
// another case, at the top level, in a user, in a block or in the
// embedded subscription, is refused as corrupt.
func TestGoldenDuplicateKeys(t *testing.T) {
	a := goldenAccounts(t)["account-active-blocked"]
	enc, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"owner":`, `"stage":`, `"role":`, `"cause":`, `"scheduled":`, `"zone":`, `"status":`} {
		i := bytes.Index(enc, []byte(k))
		if i < 0 {
			t.Fatalf("no key %s in %s", k, enc)
		}
		upper := `"` + strings.ToUpper(k[1:len(k)-2]) + `":`
		for name, b := range map[string][]byte{
			"duplicate " + k:              slices.Concat(enc[:i], []byte(k+`"x",`), enc[i:]),
			"upper-case " + k:             slices.Concat(enc[:i], []byte(upper), enc[i+len(k):]),
			"case-variant duplicate " + k: slices.Concat(enc[:i], []byte(upper+`"x",`), enc[i:]),
		} {
			var got lifecycle.Account
			err := json.Unmarshal(b, &got)
			if !errors.Is(err, lifecycle.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
				t.Errorf("%s: %s decoded with %v, want ErrCorrupt", name, b, err)
			}
		}
	}
	// The path names the user whose key repeats.
	i := bytes.LastIndex(enc, []byte(`"role":`))
	b := slices.Concat(enc[:i], []byte(`"role":"employee",`), enc[i:])
	if err := json.Unmarshal(b, new(lifecycle.Account)); err == nil || !strings.Contains(err.Error(), `duplicate key "role" at $.users[`) {
		t.Errorf("a repeated role: %v, want the path of the user", err)
	}
}
