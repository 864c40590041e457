package network

import (
	"slices"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// CheckPlan refuses cmd when it would change the plan of acc, the head of
// n, while branches are connected (NET-10): a plan change, a
// cancellation, turning auto-renewal off. Payments, early renewals and
// undoing a pending change are allowed, and a lapse for non-payment still
// happens (NET-09); a head off Enterprise may always change back to
// Enterprise, which resumes the network (NET-09). Commands on other
// accounts are never refused here.
func (e *Engine) CheckPlan(n *Network, acc lifecycle.Account, cmd plan.Command) error {
	if acc.ID != n.head || n.status == Dissolved {
		return nil
	}
	return e.lives.CheckHeadPlan(acc, cmd, n.active)
}

// PlanCommand returns the lifecycle command that runs a plan command on
// acc, a member of n: for the head, one that carries the number of
// connected branches, so that NET-10 holds; for a branch, a plain
// lifecycle.Plan.
func (e *Engine) PlanCommand(n *Network, acc lifecycle.Account, cmd plan.Command) lifecycle.Command {
	if acc.ID == n.head && acc.Network == acc.ID && n.status != Dissolved {
		return lifecycle.HeadPlan{Cmd: cmd, Connected: n.active}
	}
	return lifecycle.Plan{Cmd: cmd}
}

// ApplyPlan runs a plan command on acc, one of n's accounts, and brings n
// up to date with the result: NET-10 first, then the command on the
// account, then Align and Observe. It returns the account, its effects and
// the network's. A refusal changes neither. A user who may not issue the
// command at all is refused as unauthorized (PLAN-02) before NET-10, and an
// account deleted by the time of the command (the engine advances it
// first) as deleted (LIFE-05) before either.
func (e *Engine) ApplyPlan(n *Network, acc lifecycle.Account, now time.Time, cmd plan.Command) (lifecycle.Account, []lifecycle.Effect, []Effect, error) {
	if err := ready(n, now, acc.Location()); err != nil {
		return acc, nil, nil, err
	}
	if acc.ID != n.head && n.branches[acc.ID] == nil {
		return acc, nil, nil, tenancy.Refuse("NET-04", ErrNotMember, "%s is not in the network of %s", acc.ID, n.head)
	}
	if cmd == nil {
		return acc, nil, nil, tenancy.Refuse("", tenancy.ErrInvalid, "no command")
	}
	out, effs, err := e.lives.Apply(acc, now, e.PlanCommand(n, acc, cmd))
	if err != nil {
		return acc, nil, nil, err
	}
	out, more, err := e.Align(out, now)
	if err != nil {
		return acc, nil, nil, err
	}
	// Observe checks everything before it changes n.
	neffs, err := e.Observe(n, out, now)
	if err != nil {
		return acc, nil, nil, err
	}
	return out, append(effs, more...), neffs, nil
}

// PreviewPlan is ApplyPlan without committing anything: it shows what a plan
// command would do to the account and to the network ("the network will be
// disabled; the head will be blocked on DATE"), for the administrator to
// read before confirming. It undoes its changes to n with Begin and
// Rollback, so it must not run inside a unit of work of the caller's.
func (e *Engine) PreviewPlan(n *Network, acc lifecycle.Account, now time.Time, cmd plan.Command) (lifecycle.Account, []lifecycle.Effect, []Effect, error) {
	n.Begin()
	defer n.Rollback()
	return e.ApplyPlan(n, acc, now, cmd)
}

// Carry carries out on acc an effect addressed to it: joining or leaving
// the network, the branch trial; then it aligns the account's plan
// compatibility block (Align). It returns the account and the lifecycle
// effects; effects that need nothing of the account (a notification, a
// widget change) return it unchanged. Carrying the same effect twice
// changes nothing the second time.
//
// A free account that joins as a branch gets its branch trial as it joins
// (NET-06), so that it is never a free branch, not even for an instant:
// Align would otherwise block one that has been free for longer than the
// grace. Carrying the EffectStartTrial that follows then changes nothing.
func (e *Engine) Carry(acc lifecycle.Account, eff Effect, now time.Time) (lifecycle.Account, []lifecycle.Effect, error) {
	if err := tenancy.CheckTime(now, acc.Location()); err != nil {
		return acc, nil, err
	}
	if eff.Account != acc.ID {
		return acc, nil, tenancy.Refuse("", tenancy.ErrInvalid, "effect %s is for %s, not %s", eff.ID(), eff.Account, acc.ID)
	}
	svc := tenancy.Service()
	var cmd lifecycle.Command
	trial := false
	switch eff.Kind {
	case EffectCreated, EffectConnected:
		cmd = lifecycle.JoinNetwork{By: svc, Head: eff.Head}
		// Connect gives exactly such an account the branch trial.
		trial = eff.Kind == EffectConnected && acc.Network == "" && acc.Stage == lifecycle.StageActive &&
			acc.Sub.Status == plan.StatusFree && !acc.EverInNetwork && !acc.Sub.NetworkTrialUsed
	case EffectDisconnected, EffectDissolved:
		cmd = lifecycle.LeaveNetwork{By: svc, Head: eff.Head}
	case EffectStartTrial:
		if acc.Sub.NetworkTrialUsed {
			return acc, nil, nil
		}
		cmd = lifecycle.Plan{Cmd: plan.StartTrial{By: tenancy.Admin(eff.To), Network: true, Days: eff.Days}}
	default:
		return acc, nil, nil
	}
	out, effs, err := e.lives.Apply(acc, now, cmd)
	if err != nil {
		return acc, nil, err
	}
	if len(effs) == 0 {
		// Carried before: the account already records it.
		out = acc
	}
	if trial {
		var more []lifecycle.Effect
		start := plan.StartTrial{By: tenancy.Admin(eff.To), Network: true, Days: e.policy.TrialDays}
		if out, more, err = e.lives.Apply(out, now, lifecycle.Plan{Cmd: start}); err != nil {
			return acc, nil, err
		}
		effs = append(effs, more...)
	}
	out, more, err := e.Align(out, now)
	if err != nil {
		return acc, nil, err
	}
	return out, append(effs, more...), nil
}

// BranchView is one line of the head's widget.
type BranchView struct {
	Account tenancy.AccountID
	Status  BranchStatus
	// Red marks an incompatible or blocked branch (NET-07).
	Red bool
	// Deadline is when an incompatible branch will be blocked.
	Deadline time.Time
}

// Widget is the branch-network widget as an account sees it.
type Widget struct {
	Network tenancy.AccountID
	// Visible is false at a branch while the network is disabled (NET-09),
	// and for an account outside the network.
	Visible bool
	Status  Status
	// HeadDeadline is when a disabled network's head will be blocked; shown
	// to the head only.
	HeadDeadline time.Time
	// Branches are listed for the head only, sorted by account ID.
	Branches []BranchView
}

// Widget returns the widget as account viewer sees it: the head sees every
// branch with its status, incompatible ones in red with their deadlines; a
// branch sees the network while it operates (NET-09). An account outside
// the network sees nothing.
func (n *Network) Widget(viewer tenancy.AccountID) Widget {
	w := Widget{Network: n.head, Status: n.status}
	switch {
	case viewer == n.head && n.status != Dissolved:
		w.Visible, w.HeadDeadline = true, n.HeadDeadline()
		for _, b := range n.Branches() {
			w.Branches = append(w.Branches, BranchView{Account: b.Account, Status: b.Status,
				Red: b.Status == Incompatible || b.Status == Blocked, Deadline: b.Deadline})
		}
	case n.branches[viewer] != nil:
		w.Visible = n.status == Operating
	}
	return w
}

// CanSee reports whether user may see account acc: only as one of its
// members who is not dismissed. Being in the same network, or heading it,
// grants nothing (NET-12).
func CanSee(user tenancy.UserID, acc lifecycle.Account) bool {
	u, ok := acc.User(user)
	return ok && !u.Dismissed
}

// Visible returns the IDs of the accounts among accs that user may see
// (NET-12), in the order given, each once. It takes time linear in accs
// and their users.
func Visible(user tenancy.UserID, accs []lifecycle.Account) []tenancy.AccountID {
	var out []tenancy.AccountID
	var seen map[tenancy.AccountID]struct{}
	for i := range accs {
		a := &accs[i]
		if !CanSee(user, *a) {
			continue
		}
		if len(out) < visibleScan {
			if slices.Contains(out, a.ID) {
				continue
			}
		} else {
			if seen == nil {
				seen = make(map[tenancy.AccountID]struct{}, 2*visibleScan)
				for _, id := range out {
					seen[id] = struct{}{}
				}
			}
			if _, dup := seen[a.ID]; dup {
				continue
			}
			seen[a.ID] = struct{}{}
		}
		out = append(out, a.ID)
	}
	return out
}

// visibleScan is how many accounts Visible checks for repeats by a scan
// of its result before it switches to a set.
const visibleScan = 16
