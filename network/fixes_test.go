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

// NET-09 over NET-10: a lapsed head that bought a lesser plan while branches
// are still connected may change to Enterprise, which resumes the network.
func TestNET09_LapsedHeadMayReturnToEnterprise(t *testing.T) {
	w, n, head, _ := nrDisabled(t)
	at := time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
	head = w.buy(head, at, plan.Basic, plan.Monthly)
	nrWant(t, "observe Basic", n, w.observe(n, head, at))
	if n.Status() != network.Disabled || n.Active() == 0 {
		t.Fatalf("setup: status %v with %d active branches", n.Status(), n.Active())
	}
	// A cancellation is still locked (NET-10)...
	_, _, _, err := w.net.ApplyPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda)})
	nrWantRefusal(t, err, network.ErrHeadLocked, "NET-10")
	// ...but the way back to Enterprise is open (NET-09).
	head2, _, effs, err := w.net.ApplyPlan(n, head, at, plan.ChangePlan{By: tenancy.Admin(nrAda), Plan: plan.Enterprise, Period: plan.Monthly})
	if err != nil {
		t.Fatalf("ChangePlan to Enterprise on a disabled network: %v", err)
	}
	if head2.Sub.Plan != plan.Enterprise || n.Status() != network.Operating {
		t.Fatalf("after the change: plan %s, network %v; want enterprise, operating", head2.Sub.Plan, n.Status())
	}
	nrWant(t, "the network resumes", n, effs, nrEff{Kind: network.EffectResumed, Account: nrHQ, Rule: "NET-09", At: at})
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

// NET-07 with LIFE-05: a blocked branch that is deleted is unlisted, and no
// unblock is asked of an account that no longer exists.
func TestNET07_DeletedBlockedBranchIsUnlistedWithoutUnblock(t *testing.T) {
	w, n, _, b := nrIncompatible(t)
	d := n.Branches()[0].Deadline
	for _, ef := range w.advanceNet(n, d) {
		var err error
		if b, _, err = w.net.Carry(b, ef, d); err != nil {
			t.Fatal(err)
		}
	}
	if !b.BlockedFor(network.CauseBranch) {
		t.Fatal("setup: the branch is not blocked")
	}
	b = w.apply(b, d, lifecycle.Delete{By: tenancy.Service(), Confirm: b.ID})
	effs, err := w.net.Observe(n, b, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(effs) != 1 || effs[0].Kind != network.EffectDisconnected {
		t.Fatalf("observing the deleted branch: %v; want one disconnection", effs)
	}
	if _, listed := n.Branch(b.ID); listed {
		t.Fatal("the deleted branch is still listed")
	}
	for _, ef := range effs {
		if _, _, err := w.net.Carry(b, ef, d); err != nil && !errors.Is(err, lifecycle.ErrDeleted) {
			t.Fatalf("carrying %v: %v", ef, err)
		}
	}
}

// NET-07 and NET-09: Project lists, without changing anything, exactly the
// blocks Advance will set if nobody acts, in order and numbered alike.
func TestNET07_ProjectAgreesWithAdvance(t *testing.T) {
	w, n, head, _ := nrIncompatible(t)
	// The head lapses as well: cancel at once, then observe.
	at := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	if _, _, _, err := w.net.ApplyPlan(n, head, at, plan.Cancel{By: tenancy.Admin(nrAda), Now: true}); err != nil {
		t.Fatal(err)
	}
	before := nrSnap(t, n)
	proj := w.net.Project(n)
	if after := nrSnap(t, n); after != before {
		t.Fatal("Project changed the network")
	}
	// b1 is blocked on 17 April (2 April + 15 days), the head on 20 April
	// (5 April + 15 days).
	if len(proj) != 2 || proj[0].Account != "b1" || proj[1].Account != nrHQ ||
		!proj[0].At.Equal(time.Date(2026, 4, 17, 9, 0, 0, 0, time.UTC)) || !proj[1].At.Equal(time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("projection %v", proj)
	}
	got := w.advanceNet(n, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(got) != len(proj) {
		t.Fatalf("Advance gave %v, Project %v", got, proj)
	}
	for i := range got {
		if got[i].ID() != proj[i].ID() || got[i].Cause != proj[i].Cause || got[i].Rule != proj[i].Rule {
			t.Errorf("effect %d: Advance %v, Project %v", i, got[i], proj[i])
		}
	}
	if len(w.net.Project(n)) != 0 {
		t.Error("a network with every block set still projects some")
	}
}
