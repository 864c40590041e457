package network_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// NET-09 over NET-10: a lapsed head whose branches are still connected may
// go back to Enterprise, which resumes the network, and to nothing else: a
// lesser plan, a trial or a cancellation is refused.
func TestNET09_LapsedHeadMayReturnToEnterprise(t *testing.T) {
	w, n, head, _ := nrDisabled(t)
	at := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	if n.Status() != network.Disabled || n.Active() == 0 {
		t.Fatalf("setup: status %v with %d active branches", n.Status(), n.Active())
	}
	ada := tenancy.Admin(nrAda)
	for _, cmd := range []plan.Command{
		plan.Purchase{By: ada, Plan: plan.Basic, Period: plan.Monthly},
		plan.Purchase{By: ada, Plan: plan.Professional, Period: plan.Annual},
		plan.StartTrial{By: ada},
		plan.Cancel{By: ada},
	} {
		nrRefuse(t, n, func() ([]network.Effect, error) {
			_, _, effs, err := w.net.ApplyPlan(n, head, at, cmd)
			return effs, err
		}, network.ErrHeadLocked, "NET-10")
	}
	head2, _, effs, err := w.net.ApplyPlan(n, head, at, plan.Purchase{By: ada, Plan: plan.Enterprise, Period: plan.Monthly})
	if err != nil {
		t.Fatalf("buying Enterprise on a disabled network: %v", err)
	}
	if head2.Sub.Plan != plan.Enterprise || n.Status() != network.Operating {
		t.Fatalf("after the purchase: plan %s, network %v; want enterprise, operating", head2.Sub.Plan, n.Status())
	}
	nrWant(t, "the network resumes", n, effs, nrEff{Kind: network.EffectResumed, Account: nrHQ, Rule: "NET-09", At: at})
	// Back on Enterprise, the head's plan is locked again, Enterprise
	// annual included.
	_, _, _, err = w.net.ApplyPlan(n, head2, at, plan.ChangePlan{By: ada, Plan: plan.Enterprise, Period: plan.Annual})
	nrWantRefusal(t, err, network.ErrHeadLocked, "NET-10")
}

// NET-06: an account that was ever in a network must buy before it joins
// again, even while it runs an ordinary trial of its own.
func TestNET06_NetworkedAccountOnTrialMustBuy(t *testing.T) {
	w := nrNew(t)
	n, head := w.create(w.head(plan.Annual), nrCreated)
	shop := w.account("shop", nrBea, nrT0)
	shop = w.apply(shop, nrT0, lifecycle.AddUser{By: tenancy.Admin(nrBea), User: nrAda, Role: tenancy.RoleAdministrator})
	shop = w.apply(shop, nrT1, lifecycle.JoinNetwork{By: tenancy.Service(), Head: "elsewhere"}, lifecycle.LeaveNetwork{By: tenancy.Service()})
	shop = w.plan(shop, nrT1, plan.StartTrial{By: tenancy.Admin(nrBea)})
	if shop.Sub.Status != plan.StatusTrial || !shop.EverInNetwork {
		t.Fatalf("setup: %v, ever in a network %v", shop.Sub.Status, shop.EverInNetwork)
	}
	nrRefuse(t, n, func() ([]network.Effect, error) { return w.net.Connect(n, head, shop, nrAda, nrT1) }, network.ErrMustBuy, "NET-06")
}

// NET-07 with LIFE-05: a blocked branch that is deleted is unlisted, under
// LIFE-05; nothing is carried out on an account that no longer exists,
// and its block went with it.
func TestNET07_DeletedBlockedBranchIsUnlisted(t *testing.T) {
	w, n, _, b := nrIncompatible(t)
	d := n.Branches()[0].Deadline
	b, _, _ = w.follow(n, b, d)
	if !b.BlockedFor(network.CauseBranch) {
		t.Fatal("setup: the branch is not blocked")
	}
	nrStatus(t, n, b.ID, network.Blocked)
	b = w.apply(b, d, lifecycle.Delete{By: tenancy.Service(), Confirm: b.ID})
	if b.Blocked() || b.Network != "" {
		t.Fatalf("deleted: blocks %v, network %q", b.Blocks, b.Network)
	}
	effs, err := w.net.Observe(n, b, d)
	if err != nil {
		t.Fatal(err)
	}
	nrWant(t, "observing the deleted branch", n, effs, nrEff{Kind: network.EffectDisconnected, Account: b.ID, Rule: "LIFE-05", At: d})
	if _, listed := n.Branch(b.ID); listed {
		t.Fatal("the deleted branch is still listed")
	}
	for _, ef := range effs {
		if _, _, err := w.net.Carry(b, ef, d); !errors.Is(err, lifecycle.ErrDeleted) {
			t.Fatalf("carrying %v to a deleted account: %v, want lifecycle.ErrDeleted", ef, err)
		}
	}
}

// NET-07 and NET-09: Project lists, without changing anything, exactly the
// blocks the accounts have scheduled, and the accounts' own deadlines set
// them at those instants if nobody acts.
func TestNET07_ProjectAgreesWithTheAccounts(t *testing.T) {
	w, n, head, b := nrIncompatible(t)
	// The head lapses as well: cancel at once.
	at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	head, _ = w.applyPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda), Now: true})
	before := nrSnap(t, n)
	proj := w.net.Project(n)
	if after := nrSnap(t, n); after != before {
		t.Fatal("Project changed the network")
	}
	// b1 is blocked on 17 April (2 April + 15 days), the head on 20 April
	// (5 April + 15 days).
	b1At, hqAt := time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC), time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	if len(proj) != 2 || proj[0].Account != "b1" || proj[1].Account != nrHQ || !proj[0].At.Equal(b1At) || !proj[1].At.Equal(hqAt) ||
		proj[0].Rule != "NET-07" || proj[1].Rule != "NET-09" || proj[0].Kind != network.EffectBlocked || proj[1].Kind != network.EffectBlocked {
		t.Fatalf("projection %v", proj)
	}
	nrScheduled(t, b, network.CauseBranch, b1At)
	nrScheduled(t, head, network.CauseHead, hqAt)
	far := time.Date(2026, 4, 25, 0, 0, 0, 0, time.UTC)
	_, got1, _ := w.follow(n, b, far)
	_, got2, _ := w.follow(n, head, far)
	got := append(got1, got2...)
	if len(got) != len(proj) {
		t.Fatalf("the accounts gave %v, Project %v", got, proj)
	}
	for i := range got {
		if got[i].Kind != proj[i].Kind || got[i].Account != proj[i].Account || !got[i].At.Equal(proj[i].At) || got[i].Rule != proj[i].Rule {
			t.Errorf("block %d: the account gave %v, Project %v", i, got[i], proj[i])
		}
	}
	if len(w.net.Project(n)) != 0 {
		t.Error("a network with every block set still projects some")
	}
}
