package fleet

import (
	"fmt"
	"slices"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// Problem is one contradiction between a network and its members.
type Problem struct {
	Account tenancy.AccountID
	Rule    tenancy.RuleID
	Text    string
}

// String returns "RULE account: text".
func (p Problem) String() string { return fmt.Sprintf("%s %s: %s", p.Rule, p.Account, p.Text) }

// Check reports every contradiction between n and accounts, which should
// hold its head and every account listed or recording n: a member the
// network lists that is missing, deleted, records another network or
// heads one of its own (NET-04, NET-11); an account that records n but is
// not listed; a connected branch whose plan is not good enough, or a
// listing that disagrees with the account's block (NET-02, NET-07); a head
// that does not record its network, or whose plan disagrees with the
// network's status (NET-01, NET-09). It expects every message to have
// been delivered: a standing in flight is a contradiction until it lands.
func (e *Engine) Check(n *network.Network, accounts []lifecycle.Account) []Problem {
	var out []Problem
	add := func(id tenancy.AccountID, rule tenancy.RuleID, format string, args ...any) {
		out = append(out, Problem{Account: id, Rule: rule, Text: fmt.Sprintf(format, args...)})
	}
	byID := make(map[tenancy.AccountID]lifecycle.Account, len(accounts))
	for _, a := range accounts {
		byID[a.ID] = a
	}
	live := n.Status() != network.Dissolved
	head, ok := byID[n.Head()]
	switch {
	case !ok:
		add(n.Head(), "NET-01", "the head's account is missing")
	case live && head.Stage != lifecycle.StageDeleted && head.Network != head.ID:
		add(head.ID, "NET-01", "heads the network but records %q", head.Network)
	case live && head.Stage != lifecycle.StageDeleted:
		ent := e.nets.LevelOf(head) == network.LevelEnterprise
		if ent != (n.Status() == network.Operating) {
			add(head.ID, "NET-09", "the network is %s but the head is on %s", n.Status(), e.nets.LevelOf(head))
		}
		if head.BlockedFor(network.CauseHead) != n.HeadBlocked() {
			add(head.ID, "NET-09", "the network says the head is blocked %v, the account %v", n.HeadBlocked(), head.BlockedFor(network.CauseHead))
		}
	}
	for _, b := range n.Branches() {
		a, ok := byID[b.Account]
		switch {
		case !ok:
			add(b.Account, "NET-04", "listed as a branch but missing")
			continue
		case a.Stage == lifecycle.StageDeleted:
			add(a.ID, "LIFE-05", "deleted but still listed")
			continue
		case a.Network == a.ID:
			add(a.ID, "NET-11", "a branch that heads a network of its own")
		case a.Network != n.Head():
			add(a.ID, "NET-04", "listed in the network of %s but records %q", n.Head(), a.Network)
		}
		lvl := e.nets.LevelOf(a)
		blocked := a.BlockedFor(network.CauseBranch)
		_, scheduled := a.ScheduledFor(network.CauseBranch)
		switch b.Status {
		case network.Connected, network.OnTrial:
			if lvl < network.LevelTrial {
				add(a.ID, "NET-02", "listed as %s but on %s", b.Status, lvl)
			}
		case network.Incompatible:
			if !scheduled {
				add(a.ID, "NET-07", "incompatible but no block is scheduled")
			}
		case network.Blocked:
			if !blocked {
				add(a.ID, "NET-07", "listed as blocked but the account is not")
			}
		}
		if (b.Status == network.Connected || b.Status == network.OnTrial) && (blocked || scheduled) {
			add(a.ID, "NET-07", "connected with a plan compatibility block")
		}
	}
	ids := make([]tenancy.AccountID, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := byID[id]
		if _, listed := n.Branch(id); live && a.Network == n.Head() && id != n.Head() && !listed {
			add(id, "NET-04", "records the network of %s, which does not list it", n.Head())
		}
	}
	return out
}
