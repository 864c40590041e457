package scenario

import (
	"fmt"
	"strings"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// byUser reads by= for a network command: the user who acts, the owner of
// account def when not given.
func (w *world) byUser(a *args, def tenancy.AccountID) tenancy.UserID {
	if by, ok := a.key("by"); ok {
		return tenancy.UserID(by)
	}
	return w.accs[def].Owner
}

func cmdCreateNetwork(w *world, a *args) error {
	head, err := a.need("head")
	if err != nil {
		return err
	}
	if _, err := w.account(head); err != nil {
		return err
	}
	by := w.byUser(a, tenancy.AccountID(head))
	if err := w.begin(a, false); err != nil {
		return err
	}
	n, effs, err := w.nets.Create(w.accs[tenancy.AccountID(head)], by, w.now)
	if err != nil {
		return err
	}
	w.addNetwork(n)
	return w.emit(effs)
}

// headAndBranch reads the head of a network and an account of it.
func (w *world) headAndBranch(a *args) (*network.Network, tenancy.AccountID, tenancy.UserID, error) {
	head, err := a.need("head")
	if err != nil {
		return nil, "", "", err
	}
	n, err := w.network(head)
	if err != nil {
		return nil, "", "", err
	}
	branch, err := a.need("branch")
	if err != nil {
		return nil, "", "", err
	}
	if _, err := w.account(branch); err != nil {
		return nil, "", "", err
	}
	by := w.byUser(a, n.Head())
	return n, tenancy.AccountID(branch), by, w.begin(a, false)
}

func cmdConnect(w *world, a *args) error {
	n, branch, by, err := w.headAndBranch(a)
	if err != nil {
		return err
	}
	effs, err := w.nets.Connect(n, w.accs[n.Head()], w.accs[branch], by, w.now)
	if err != nil {
		return err
	}
	return w.emit(effs)
}

func cmdDisconnect(w *world, a *args) error {
	n, branch, by, err := w.headAndBranch(a)
	if err != nil {
		return err
	}
	effs, err := w.nets.Disconnect(n, w.accs[n.Head()], branch, by, w.now)
	if err != nil {
		return err
	}
	return w.emit(effs)
}

func cmdDissolve(w *world, a *args) error {
	head, err := a.need("head")
	if err != nil {
		return err
	}
	n, err := w.network(head)
	if err != nil {
		return err
	}
	by := w.byUser(a, n.Head())
	if err := w.begin(a, false); err != nil {
		return err
	}
	effs, err := w.nets.Dissolve(n, w.accs[n.Head()], by, w.now)
	if err != nil {
		return err
	}
	w.dropNetwork(n.Head())
	return w.emit(effs)
}

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
	if w.networkOf(tenancy.AccountID(id)) == nil {
		return fmt.Errorf("%s is in no network", id)
	}
	return w.touch(tenancy.AccountID(id), w.now)
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
		line += ", head blocked at " + w.stamp(wd.HeadDeadline) + " unless on Enterprise again"
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
	for _, id := range w.ids {
		if acc := w.accs[id]; acc.Stage != lifecycle.StageDeleted {
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
	effs := w.nets.Project(n)
	for _, e := range effs {
		w.netLine(e)
	}
	if len(effs) == 0 {
		w.printf("nothing will happen to the network of %s", head)
	}
	return nil
}
