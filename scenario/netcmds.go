package scenario

import (
	"fmt"
	"strings"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// by reads by= for a network command: the user with the role they hold
// in account def, its owner when not given.
func (w *world) by(a *args, def tenancy.AccountID) tenancy.Actor {
	by, _ := a.key("by")
	return actor(by, w.acc(def))
}

func cmdCreateNetwork(w *world, a *args) error {
	head, err := a.need("head")
	if err != nil {
		return err
	}
	if _, err := w.account(head); err != nil {
		return err
	}
	by := w.by(a, tenancy.AccountID(head))
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.do(fleet.CreateNetwork{Head: tenancy.AccountID(head), By: by})
}

// headAndBranch reads the head of a network, an account of it, and who
// acts.
func (w *world) headAndBranch(a *args) (head, branch tenancy.AccountID, by tenancy.Actor, err error) {
	h, err := a.need("head")
	if err != nil {
		return "", "", by, err
	}
	if _, err := w.network(h); err != nil {
		return "", "", by, err
	}
	b, err := a.need("branch")
	if err != nil {
		return "", "", by, err
	}
	if _, err := w.account(b); err != nil {
		return "", "", by, err
	}
	head, branch = tenancy.AccountID(h), tenancy.AccountID(b)
	by = w.by(a, head)
	return head, branch, by, w.begin(a, false)
}

func cmdConnect(w *world, a *args) error {
	head, branch, by, err := w.headAndBranch(a)
	if err != nil {
		return err
	}
	return w.do(fleet.Connect{Head: head, Branch: branch, By: by})
}

func cmdDisconnect(w *world, a *args) error {
	head, branch, by, err := w.headAndBranch(a)
	if err != nil {
		return err
	}
	return w.do(fleet.Disconnect{Head: head, Branch: branch, By: by})
}

func cmdDissolve(w *world, a *args) error {
	head, err := a.need("head")
	if err != nil {
		return err
	}
	if _, err := w.network(head); err != nil {
		return err
	}
	by := w.by(a, tenancy.AccountID(head))
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.do(fleet.Dissolve{Head: tenancy.AccountID(head), By: by})
}

// cmdObserve runs what a sweeper runs for an account: everything due on
// it, its standing delivered to its network.
func cmdObserve(w *world, a *args) error {
	id, err := a.need("account")
	if err != nil {
		return err
	}
	if _, err := w.account(id); err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	return w.do(fleet.Advance{Key: fleet.AccountKey(tenancy.AccountID(id))})
}

// cmdWidget prints the branch-network widget as an account sees it
// (NET-07, NET-09).
func cmdWidget(w *world, a *args) error {
	head, err := a.need("head")
	if err != nil {
		return err
	}
	n, err := w.network(head)
	if err != nil {
		return err
	}
	viewer, ok := a.key("viewer")
	if !ok {
		viewer = head
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	wd := n.Widget(tenancy.AccountID(viewer))
	switch {
	case !wd.Visible && n.Status() == network.Disabled && viewer != head:
		w.printf("NET-09 widget at %s: hidden, the network of %s is disabled", viewer, head)
		return nil
	case !wd.Visible:
		w.printf("NET-12 widget at %s: not shown, %s is not in the network of %s", viewer, viewer, head)
		return nil
	}
	line := fmt.Sprintf("widget at %s: network of %s %s", viewer, head, wd.Status)
	rule := "NET-01"
	if wd.Status == network.Disabled {
		rule = "NET-09"
	}
	if !wd.HeadDeadline.IsZero() {
		line += ", head blocked at " + w.stamp(wd.HeadDeadline) + " unless it pays for a plan again"
	}
	if n.HeadBlocked() {
		line += ", head blocked"
	}
	w.printf("%s %s", rule, line)
	for _, b := range wd.Branches {
		rule, line := "NET-02", fmt.Sprintf("branch %s: %s", b.Account, b.Status)
		switch b.Status {
		case network.OnTrial:
			rule = "NET-06"
		case network.Incompatible, network.Blocked:
			rule = "NET-07"
		}
		if b.Red {
			line += ", red"
		}
		if !b.Deadline.IsZero() && b.Status == network.Incompatible {
			line += ", blocked at " + w.stamp(b.Deadline) + " unless commercial again"
		}
		w.printf("%s %s", rule, line)
	}
	return nil
}

// cmdVisible prints the accounts a user may see (NET-12): those whose
// structure includes them, deleted ones left out.
func cmdVisible(w *world, a *args) error {
	user, err := a.need("user")
	if err != nil {
		return err
	}
	if err := a.done(false); err != nil {
		return err
	}
	var accs []lifecycle.Account
	for _, id := range w.ids() {
		if acc := w.acc(id); acc.Stage != lifecycle.StageDeleted {
			accs = append(accs, acc)
		}
	}
	ids := network.Visible(tenancy.UserID(user), accs)
	if len(ids) == 0 {
		w.printf("NET-12 %s sees no account", user)
		return nil
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = string(id)
	}
	w.printf("NET-12 %s sees %s", user, strings.Join(names, ", "))
	return nil
}

func cmdProjectNetwork(w *world, a *args) error {
	head, err := a.need("head")
	if err != nil {
		return err
	}
	n, err := w.network(head)
	if err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	effs := w.mem.Engine().ProjectNetwork(n)
	w.effects(effs)
	if len(effs) == 0 {
		w.printf("nothing will happen to the network of %s", head)
	}
	return nil
}
