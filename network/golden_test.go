package network_test

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

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// The golden files pin the stored form of a network: a network or branch
// status renamed, a field renamed or dropped, would leave every round trip
// passing but fail to load the networks a service already stored. go test
// ./network -run Golden -update rewrites them.
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

// goldenDay returns 09:30 UTC on a day of 2026.
func goldenDay(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 9, 30, 0, 0, time.UTC)
}

// goldenStep is a command of the driver at its time.
type goldenStep struct {
	at  time.Time
	cmd fleet.Command
}

// goldenRun runs steps through the driver, which carries the networks'
// effects to the accounts and the accounts' standings to their networks,
// firing every deadline due before each, and then advances every state to
// until.
func goldenRun(t *testing.T, until time.Time, steps ...goldenStep) *fleet.Memory {
	t.Helper()
	m := fleet.NewMemory(fleet.Default())
	for _, s := range steps {
		if _, err := m.AdvanceTo(s.at, 0); err != nil {
			t.Fatalf("advance to %v: %v", s.at, err)
		}
		if _, err := m.Do(s.at, s.cmd, ""); err != nil {
			t.Fatalf("%T%+v at %v: %v", s.cmd, s.cmd, s.at, err)
		}
	}
	if _, err := m.AdvanceTo(until, 0); err != nil {
		t.Fatalf("advance to %v: %v", until, err)
	}
	return m
}

// goldenNetworks builds networks in every status, with branches in every
// branch status, a head deadline and a blocked head, through the
// driver's commands at fixed dates.
func goldenNetworks(t *testing.T) map[string]*network.Network {
	t.Helper()
	ada := tenancy.Admin("ada")
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// The accounts keep Paris time, the head UTC: a branch's times are in
	// its own zone.
	account := func(at time.Time, id tenancy.AccountID) goldenStep {
		loc := paris
		if id == "hq" {
			loc = nil
		}
		return goldenStep{at, fleet.NewAccount{ID: id, Owner: "ada", DomainZone: "eu", Location: loc}}
	}
	on := func(at time.Time, id tenancy.AccountID, cmd plan.Command) goldenStep {
		return goldenStep{at, fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: cmd}}}
	}
	connect := func(at time.Time, branch tenancy.AccountID) goldenStep {
		return goldenStep{at, fleet.Connect{Head: "hq", Branch: branch, By: ada}}
	}
	jan5, jan20, mar1 := goldenDay(1, 5), goldenDay(1, 20), goldenDay(3, 1)
	// lapsing is a head whose Enterprise plan ends on February 5: it
	// cancels before any branch connects, since afterwards it could not
	// (NET-10).
	lapsing := []goldenStep{
		account(jan5, "hq"), on(jan5, "hq", plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Monthly}),
		on(jan5, "hq", plan.Cancel{By: ada, Reason: "moving"}),
		{jan5, fleet.CreateNetwork{Head: "hq", By: ada}},
		account(jan5, "paris"), on(jan5, "paris", plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Annual}),
		connect(jan5, "paris"),
	}
	// Every branch status at once: paris connected, lyon dropped to free
	// on February 5 and blocked 15 days later, nice dropped on February 20,
	// brest free and on the branch trial since March 1.
	all := goldenRun(t, goldenDay(3, 2),
		account(jan5, "hq"), on(jan5, "hq", plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}),
		goldenStep{jan5, fleet.CreateNetwork{Head: "hq", By: ada}},
		account(jan5, "paris"), on(jan5, "paris", plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Annual}),
		connect(jan5, "paris"),
		account(jan5, "lyon"), on(jan5, "lyon", plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly}),
		connect(jan5, "lyon"), on(jan5, "lyon", plan.Cancel{By: ada}),
		account(jan20, "nice"), on(jan20, "nice", plan.Purchase{By: ada, Plan: plan.Standard, Period: plan.Monthly}),
		connect(jan20, "nice"), on(jan20, "nice", plan.Cancel{By: ada}),
		account(mar1, "brest"), connect(mar1, "brest"),
	)
	created := goldenRun(t, jan5,
		account(jan5, "hq"), on(jan5, "hq", plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Annual}),
		goldenStep{jan5, fleet.CreateNetwork{Head: "hq", By: ada}})
	disabled := goldenRun(t, goldenDay(2, 10), lapsing...)
	headBlocked := goldenRun(t, goldenDay(3, 10), lapsing...)
	dissolved := goldenRun(t, goldenDay(1, 6), append(slices.Clip(lapsing),
		goldenStep{goldenDay(1, 6), fleet.Disconnect{Head: "hq", Branch: "paris", By: ada}},
		goldenStep{goldenDay(1, 6), fleet.Dissolve{Head: "hq", By: ada}})...)
	out := map[string]*network.Network{}
	for name, m := range map[string]*fleet.Memory{
		"network-operating-new": created, "network-operating": all, "network-disabled": disabled,
		"network-disabled-head-blocked": headBlocked, "network-dissolved": dissolved,
	} {
		n, ok := m.Network("hq")
		if !ok {
			t.Fatalf("%s: no network", name)
		}
		out[name] = n
	}
	return out
}

// TestGoldenNetworks: the networks the engine makes encode byte for byte
// as the golden files hold them.
func TestGoldenNetworks(t *testing.T) {
	for name, n := range goldenNetworks(t) {
		enc, err := json.Marshal(n)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		goldenCompare(t, name, enc)
	}
}

// TestGoldenNetworksLoad: every golden file decodes, and encodes again to
// the same bytes: a stored network loads as it was.
func TestGoldenNetworksLoad(t *testing.T) {
	for path, b := range goldenFiles(t, "network-") {
		n := new(network.Network)
		if err := json.Unmarshal(b, n); err != nil {
			t.Errorf("%s does not load: %v", path, err)
			continue
		}
		if enc, err := json.Marshal(n); err != nil || !bytes.Equal(enc, b) {
			t.Errorf("%s loads, and encodes again as %s (%v)", path, enc, err)
		}
	}
}

// TestGoldenNetworkNames: every network status and every branch status
// has a golden file, as does a blocked head, so that a new status cannot
// go unpinned. The loops run until String gives the fallback name of an
// unknown status.
func TestGoldenNetworkNames(t *testing.T) {
	statuses, branches := map[network.Status]bool{}, map[network.BranchStatus]bool{}
	headBlocked := false
	for path, b := range goldenFiles(t, "network-") {
		n := new(network.Network)
		if err := json.Unmarshal(b, n); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		statuses[n.Status()] = true
		headBlocked = headBlocked || n.HeadBlocked()
		for _, br := range n.Branches() {
			branches[br.Status] = true
		}
	}
	n := 0
	for st := network.Operating; !strings.HasPrefix(st.String(), "Status("); st++ {
		if n++; !statuses[st] {
			t.Errorf("no golden network in status %s", st)
		}
	}
	for st := network.Connected; !strings.HasPrefix(st.String(), "BranchStatus("); st++ {
		if n++; !branches[st] {
			t.Errorf("no golden network with a branch in status %s", st)
		}
	}
	if n < 7 || !headBlocked {
		t.Errorf("%d statuses enumerated, a blocked head %v", n, headBlocked)
	}
}

// TestGoldenDuplicateKeys: a network with a key repeated or spelled in
// another case, at the top level or in a branch, is refused as corrupt.
func TestGoldenDuplicateKeys(t *testing.T) {
	enc, err := json.Marshal(goldenNetworks(t)["network-operating"])
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"head":`, `"status":`, `"account":`, `"deadline":`} {
		i := bytes.LastIndex(enc, []byte(k))
		if i < 0 {
			t.Fatalf("no key %s in %s", k, enc)
		}
		upper := `"` + strings.ToUpper(k[1:len(k)-2]) + `":`
		for name, b := range map[string][]byte{
			"duplicate " + k:              slices.Concat(enc[:i], []byte(k+`"x",`), enc[i:]),
			"upper-case " + k:             slices.Concat(enc[:i], []byte(upper), enc[i+len(k):]),
			"case-variant duplicate " + k: slices.Concat(enc[:i], []byte(upper+`"x",`), enc[i:]),
		} {
			err := json.Unmarshal(b, new(network.Network))
			if !errors.Is(err, network.ErrCorrupt) || !errors.Is(err, tenancy.ErrInvalid) {
				t.Errorf("%s: %s decoded with %v, want ErrCorrupt", name, b, err)
			}
		}
	}
	i := bytes.LastIndex(enc, []byte(`"status":`))
	b := slices.Concat(enc[:i], []byte(`"status":"connected",`), enc[i:])
	if err := json.Unmarshal(b, new(network.Network)); err == nil || !strings.Contains(err.Error(), `duplicate key "status" at $.branches[`) {
		t.Errorf("a repeated branch status: %v, want the path of the branch", err)
	}
}
