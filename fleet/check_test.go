package fleet_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// ckWant is what a test pins of a Problem: its account, its rule and a
// word of its text.
type ckWant struct {
	account tenancy.AccountID
	rule    tenancy.RuleID
	says    string
}

// ckWorld is branchWorld's store advanced to at: hq heading a network that
// lists lyon (connected until 4 February, incompatible from then, blocked
// from 19 February).
func ckWorld(t *testing.T, at time.Time) (*fleet.Memory, *network.Network, lifecycle.Account, lifecycle.Account) {
	t.Helper()
	m := branchWorld(t, false)
	if _, err := m.AdvanceTo(at, 0); err != nil {
		t.Fatal(err)
	}
	hq, _ := m.Account("hq")
	lyon, _ := m.Account("lyon")
	return m, mustNetwork(t, m), hq, lyon
}

// ckApply runs a lifecycle command on a copy of a, as a service that
// bypassed the driver would, and fails the test on a refusal.
func ckApply(t *testing.T, m *fleet.Memory, a lifecycle.Account, at time.Time, cmd lifecycle.Command) lifecycle.Account {
	t.Helper()
	out, _, err := m.Engine().Lives().Apply(a, at, cmd)
	if err != nil {
		t.Fatalf("%T on %s: %v", cmd, a.ID, err)
	}
	return out
}

// ckEdit returns a copy of n with its JSON form edited by f: a network
// the decoder accepts, but that disagrees with its members.
func ckEdit(t *testing.T, n *network.Network, f func(map[string]any)) *network.Network {
	t.Helper()
	b, err := n.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	out := &network.Network{}
	if err := out.UnmarshalJSON(b); err != nil {
		t.Fatalf("the edited network does not decode: %v\n%s", err, b)
	}
	return out
}

// TestCheck_EveryContradiction builds each contradiction Engine.Check
// names, one at a time, from a store that holds none, and pins the
// problem it reports: the account, the rule (NET-01, NET-02, NET-04,
// NET-07, NET-09, NET-11, LIFE-05) and what its text says. A store the
// driver kept reports none (the control).
func TestCheck_EveryContradiction(t *testing.T) {
	jan := at(time.January, 10, 9, 0)                     // lyon connected, on Basic until 4 February
	feb := at(time.February, 10, 9, 0)                    // lyon incompatible, its block scheduled for 19 February
	blocked := at(time.February, 20, 9, 0)                // lyon blocked
	dropped := at(time.February, 4, 10, 0).Add(time.Hour) // lyon on free, unknown to its network
	svc := tenancy.Service()
	cases := []struct {
		name string
		at   time.Time
		// make returns the network and the accounts to check.
		make func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account)
		want []ckWant
	}{
		{"none: the store the driver kept, connected", jan, nil, nil},
		{"none: the store the driver kept, incompatible", feb, nil, nil},
		{"none: the store the driver kept, blocked", blocked, nil, nil},
		{"the head's account is missing", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			return n, []lifecycle.Account{lyon}
		}, []ckWant{{"hq", "NET-01", "missing"}}},
		{"the head records another network", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			hq.Network = "hq2"
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"hq", "NET-01", `records "hq2"`}}},
		{"the network disabled, its head on Enterprise", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			return ckEdit(t, n, func(j map[string]any) { j["status"] = "disabled" }), []lifecycle.Account{hq, lyon}
		}, []ckWant{{"hq", "NET-09", "disabled but the head is on enterprise"}}},
		{"the head blocked, the network unaware", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			hq = ckApply(t, m, hq, jan, lifecycle.SetBlock{By: svc, Cause: network.CauseHead})
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"hq", "NET-09", "blocked false, the account true"}}},
		{"a listed branch is missing", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			return n, []lifecycle.Account{hq}
		}, []ckWant{{"lyon", "NET-04", "missing"}}},
		{"a listed branch is deleted", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon = ckApply(t, m, lyon, jan, lifecycle.Delete{By: svc, Confirm: "lyon"})
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "LIFE-05", "deleted but still listed"}}},
		{"a branch heads a network of its own", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon.Network = "lyon"
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "NET-11", "heads a network of its own"}}},
		{"a branch records another network", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon.Network = "hq2"
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "NET-04", `records "hq2"`}}},
		{"a connected branch on free", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon, _, err := m.Engine().Lives().Advance(lyon, dropped, nil)
			if err != nil || lyon.Sub.Status != plan.StatusFree {
				t.Fatalf("lyon did not drop to free: %v", err)
			}
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "NET-02", "listed as connected but on free"}}},
		{"an incompatible branch with no block scheduled", feb, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon = ckApply(t, m, lyon, feb, lifecycle.LiftBlock{By: svc, Cause: network.CauseBranch})
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "NET-07", "no block is scheduled"}}},
		{"a blocked branch whose account is not", blocked, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon = ckApply(t, m, lyon, blocked, lifecycle.LiftBlock{By: svc, Cause: network.CauseBranch})
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "NET-07", "listed as blocked but the account is not"}}},
		{"a connected branch with a block scheduled", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon = ckApply(t, m, lyon, jan, lifecycle.SetBlock{By: svc, Cause: network.CauseBranch, At: jan.AddDate(0, 0, 15)})
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "NET-07", "connected with a plan compatibility block"}}},
		{"a connected branch blocked", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			lyon = ckApply(t, m, lyon, jan, lifecycle.SetBlock{By: svc, Cause: network.CauseBranch})
			return n, []lifecycle.Account{hq, lyon}
		}, []ckWant{{"lyon", "NET-07", "connected with a plan compatibility block"}}},
		{"an account records the network, which does not list it", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			rome, err := m.Engine().Lives().New("rome", "ada", "eu", berlin, jan)
			if err != nil {
				t.Fatal(err)
			}
			rome = ckApply(t, m, rome, jan, lifecycle.JoinNetwork{By: svc, Head: "hq"})
			return n, []lifecycle.Account{hq, lyon, rome}
		}, []ckWant{{"rome", "NET-04", "records the network of hq, which does not list it"}}},
		{"two at once, in the order Check walks", jan, func(t *testing.T, m *fleet.Memory, n *network.Network, hq, lyon lifecycle.Account) (*network.Network, []lifecycle.Account) {
			hq.Network, lyon.Network = "hq2", "hq2"
			return n, []lifecycle.Account{lyon, hq}
		}, []ckWant{{"hq", "NET-01", "records"}, {"lyon", "NET-04", "records"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, n, hq, lyon := ckWorld(t, c.at)
			accs := []lifecycle.Account{hq, lyon}
			if c.make != nil {
				n, accs = c.make(t, m, n, hq, lyon)
			}
			got := m.Engine().Check(n, accs)
			if len(got) != len(c.want) {
				t.Fatalf("Check = %v, want %d problems: %v", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				p := got[i]
				if p.Account != w.account || p.Rule != w.rule || !strings.Contains(p.Text, w.says) {
					t.Errorf("problem %d = %+v, want %s %s saying %q", i, p, w.rule, w.account, w.says)
				}
				if s := p.String(); s != string(p.Rule)+" "+string(p.Account)+": "+p.Text {
					t.Errorf("String() = %q", s)
				}
			}
		})
	}
}

// NET-11: a dissolved network has no head to check and no member: Check
// reports nothing about its head's plan, nor about an account that still
// records it.
func TestCheck_DissolvedNetwork(t *testing.T) {
	m, _, _, _ := ckWorld(t, at(time.January, 10, 9, 0))
	now := at(time.January, 11, 9, 0)
	must(t, m, now, fleet.Disconnect{Head: "hq", Branch: "lyon", By: ada})
	must(t, m, now, fleet.Dissolve{Head: "hq", By: ada})
	hq, _ := m.Account("hq")
	lyon, _ := m.Account("lyon")
	if hq.Network != "" || lyon.Network != "" {
		t.Fatalf("after dissolving: hq in %q, lyon in %q", hq.Network, lyon.Network)
	}
	n := mustNetwork(t, m)
	if probs := m.Engine().Check(n, []lifecycle.Account{hq, lyon}); len(probs) != 0 {
		t.Fatalf("Check of a dissolved network: %v", probs)
	}
	// Its head's account missing is still reported: it names the network.
	if probs := m.Engine().Check(n, []lifecycle.Account{lyon}); len(probs) != 1 || probs[0].Rule != "NET-01" || probs[0].Account != "hq" {
		t.Fatalf("Check without the head: %v, want NET-01 hq", probs)
	}
}
