package network

import (
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// The refusals specific to networks. Each wraps one of tenancy's sentinels.
var (
	// ErrDisabled: the network does not operate while its head is not on an
	// active Enterprise plan (NET-01, NET-09).
	ErrDisabled = fmt.Errorf("%w: network disabled", tenancy.ErrRefused)
	// ErrZone: the account is in another domain zone (NET-03).
	ErrZone = fmt.Errorf("%w: domain zone mismatch", tenancy.ErrRefused)
	// ErrInNetwork: the account is already in a network (NET-04).
	ErrInNetwork = lifecycle.ErrInNetwork
	// ErrMustBuy: a free account that was ever in a network must buy a
	// commercial plan before it joins one (NET-06).
	ErrMustBuy = fmt.Errorf("%w: buy a commercial plan first", tenancy.ErrRefused)
	// ErrHeadLocked: the head's plan cannot change while branches are
	// connected (NET-10).
	ErrHeadLocked = fmt.Errorf("%w: branches are connected", tenancy.ErrRefused)
	// ErrNotAdvanced: a deadline of the network is due; advance it to now
	// before running a command, so that no effect is lost.
	ErrNotAdvanced = fmt.Errorf("%w: network not advanced", tenancy.ErrRefused)
	// ErrNotMember: the account is neither the head nor a listed branch.
	ErrNotMember = fmt.Errorf("%w: not in this network", tenancy.ErrNotFound)
	// ErrCap: the network has as many branches as the policy allows
	// (NET-14).
	ErrCap = fmt.Errorf("%w: too many branches", tenancy.ErrRefused)
)

// Engine applies the NET rules under one policy, reading accounts through a
// lifecycle.Engine. It holds no state; an *Engine is safe for concurrent
// use (a *Network is not).
type Engine struct {
	lives  *lifecycle.Engine
	policy Policy
}

// NewEngine returns an engine, or an error if lives is nil or the policy
// invalid.
func NewEngine(lives *lifecycle.Engine, p Policy) (*Engine, error) {
	if lives == nil {
		return nil, tenancy.Refuse("", tenancy.ErrInvalid, "no lifecycle engine")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Engine{lives: lives, policy: p}, nil
}

// Policy returns the engine's policy.
func (e *Engine) Policy() Policy { return e.policy }

// kind returns the kind of acc's plan.
func (e *Engine) kind(acc *lifecycle.Account) plan.Kind {
	k, _ := e.lives.Plans().Catalog().Kind(acc.Sub.Plan)
	return k
}

// commercial reports whether acc is on a paid plan now (NET-02).
func (e *Engine) commercial(acc *lifecycle.Account) bool {
	return acc.Stage == lifecycle.StageActive && acc.Sub.Paying() && e.kind(acc).Paid()
}

// enterprise reports whether acc is on an active Enterprise plan (NET-01).
func (e *Engine) enterprise(acc *lifecycle.Account) bool {
	return e.commercial(acc) && e.kind(acc) == plan.KindEnterprise
}

// administers reports whether user is an administrator of acc who is not
// dismissed.
func administers(acc *lifecycle.Account, user tenancy.UserID) bool {
	u, ok := acc.User(user)
	return ok && !u.Dismissed && u.Role == tenancy.RoleAdministrator
}

// ready refuses a command at now on n: time going back, or a deadline due.
func ready(n *Network, now time.Time) error {
	if now.Before(n.updated) {
		return tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before the network's last change at %v", now, n.updated)
	}
	if d, ok := n.NextDeadline(); ok && !d.After(now) {
		return tenancy.Refuse("", ErrNotAdvanced, "a deadline at %v is due: advance the network first", d)
	}
	if n.status == Dissolved {
		return tenancy.Refuse("NET-11", tenancy.ErrRefused, "the network of %s was dissolved", n.head)
	}
	return nil
}

func (n *Network) effect(k EffectKind, acc tenancy.AccountID, at time.Time, d Effect) Effect {
	n.seq++
	d.Kind, d.Network, d.Account, d.At, d.Seq = k, n.head, acc, at, n.seq
	if d.Rule == "" {
		d.Rule = effectRules[k]
	}
	return d
}

// Create creates a network around head, at the request of by, one of its
// administrators (NET-01, NET-13). The head must be on an active Enterprise
// plan and in no network (NET-04). Carry the effect to the head's account.
func (e *Engine) Create(head lifecycle.Account, by tenancy.UserID, now time.Time) (*Network, []Effect, error) {
	switch {
	case !administers(&head, by):
		return nil, nil, tenancy.Refuse("NET-13", tenancy.ErrUnauthorized, "%s does not administer %s", by, head.ID)
	case !e.enterprise(&head):
		return nil, nil, tenancy.Refuse("NET-01", tenancy.ErrRefused, "the head of a network must be on an active Enterprise plan; %s is on %s (%s)", head.ID, head.Sub.Plan, head.Sub.Status)
	case head.Network != "":
		return nil, nil, tenancy.Refuse("NET-04", ErrInNetwork, "%s is already in the network of %s", head.ID, head.Network)
	}
	if now.Before(head.Updated) {
		return nil, nil, tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before the head's last change at %v", now, head.Updated)
	}
	n := &Network{head: head.ID, zone: head.DomainZone, status: Operating, branches: map[tenancy.AccountID]*Branch{}, updated: now}
	return n, []Effect{n.effect(EffectCreated, head.ID, now, Effect{To: by})}, nil
}

// Connect connects branch to n at the request of by, who must administer
// both the head and the branch (NET-13). The branch must be in the network's
// domain zone (NET-03), in no network (NET-04), and on a commercial plan
// (NET-02); an Enterprise account becomes a branch like any other (NET-05).
// A free account gets the branch trial, unless it was ever in a network
// (NET-06). Every administrator of the branch is notified (NET-13). There
// is no cap on branches unless the policy sets one (NET-14).
func (e *Engine) Connect(n *Network, head, branch lifecycle.Account, by tenancy.UserID, now time.Time) ([]Effect, error) {
	if err := ready(n, now); err != nil {
		return nil, err
	}
	if head.ID != n.head {
		return nil, tenancy.Refuse("NET-01", ErrNotMember, "%s is not the head of the network of %s", head.ID, n.head)
	}
	if !administers(&head, by) || !administers(&branch, by) {
		return nil, tenancy.Refuse("NET-13", tenancy.ErrUnauthorized, "connecting %s needs a user who administers both %s and %s; %s does not", branch.ID, head.ID, branch.ID, by)
	}
	status := Connected
	switch {
	case n.status != Operating:
		return nil, tenancy.Refuse("NET-09", ErrDisabled, "the network of %s is disabled until its head is on Enterprise again", n.head)
	case branch.ID == n.head:
		return nil, tenancy.Refuse("NET-01", tenancy.ErrRefused, "%s heads the network; it cannot also be its branch", branch.ID)
	case branch.Network == branch.ID:
		return nil, tenancy.Refuse("NET-11", ErrInNetwork, "%s heads a network of its own: disconnect its branches and dissolve it before it joins as a branch", branch.ID)
	case branch.Network != "" || n.branches[branch.ID] != nil:
		return nil, tenancy.Refuse("NET-04", ErrInNetwork, "%s is already in the network of %s: disconnect it first", branch.ID, branch.Network)
	case branch.Stage != lifecycle.StageActive:
		return nil, tenancy.Refuse("NET-02", tenancy.ErrRefused, "%s is %s", branch.ID, branch.Stage)
	case branch.DomainZone != n.zone:
		return nil, tenancy.Refuse("NET-03", ErrZone, "%s is in zone %q, the network in %q", branch.ID, branch.DomainZone, n.zone)
	case e.policy.MaxBranches > 0 && len(n.branches) >= e.policy.MaxBranches:
		return nil, tenancy.Refuse("NET-14", ErrCap, "the network already has %d branches, the most the policy allows", len(n.branches))
	case e.commercial(&branch):
	case branch.EverInNetwork || branch.Sub.NetworkTrialUsed:
		return nil, tenancy.Refuse("NET-06", ErrMustBuy, "%s was in a branch network before: it must switch to a commercial plan before it joins", branch.ID)
	case branch.Sub.Status == plan.StatusTrial:
		status = OnTrial
	default:
		status = OnTrial
	}
	now = now.In(branch.Location())
	n.branches[branch.ID] = &Branch{Account: branch.ID, Status: status, Since: now}
	n.active++
	n.updated = now
	out := []Effect{n.effect(EffectConnected, branch.ID, now, Effect{To: by})}
	if status == OnTrial && branch.Sub.Status == plan.StatusFree {
		out = append(out, n.effect(EffectStartTrial, branch.ID, now, Effect{To: by, Days: e.policy.TrialDays}))
	}
	for _, u := range branch.Users {
		if u.Role == tenancy.RoleAdministrator && !u.Dismissed {
			out = append(out, n.effect(EffectNotify, branch.ID, now, Effect{To: u.ID}))
		}
	}
	return out, nil
}

// Disconnect removes a branch from n at the request of by, an administrator
// of the head (NET-13); a blocked branch is unblocked (NET-07). To move
// branches to another head, disconnect each and connect it there: there is
// no transfer (NET-11).
func (e *Engine) Disconnect(n *Network, head lifecycle.Account, branch tenancy.AccountID, by tenancy.UserID, now time.Time) ([]Effect, error) {
	if err := ready(n, now); err != nil {
		return nil, err
	}
	if head.ID != n.head {
		return nil, tenancy.Refuse("NET-13", ErrNotMember, "%s is not the head of the network of %s", head.ID, n.head)
	}
	if !administers(&head, by) {
		return nil, tenancy.Refuse("NET-13", tenancy.ErrUnauthorized, "only an administrator of the head %s disconnects branches; %s is not one", head.ID, by)
	}
	b, ok := n.branches[branch]
	if !ok {
		return nil, tenancy.Refuse("NET-13", ErrNotMember, "%s is not a branch of the network of %s", branch, n.head)
	}
	now = now.In(head.Location())
	out := e.remove(n, b, now, nil, true)
	n.updated = now
	return out, nil
}

// remove unlists branch b at now, lifting its block if it has one and
// unblock is set.
func (e *Engine) remove(n *Network, b *Branch, now time.Time, out []Effect, unblock bool) []Effect {
	delete(n.branches, b.Account)
	if b.Status == Connected || b.Status == OnTrial {
		n.active--
	}
	out = append(out, n.effect(EffectDisconnected, b.Account, now, Effect{}))
	if b.Status == Blocked && unblock {
		out = append(out, n.effect(EffectUnblock, b.Account, now, Effect{Cause: CauseBranch}))
	}
	n.tidy()
	return out
}

// Dissolve closes a network that has no branch left, at the request of an
// administrator of its head, so that the head may change its plan freely or
// join another network as a branch (NET-11).
func (e *Engine) Dissolve(n *Network, head lifecycle.Account, by tenancy.UserID, now time.Time) ([]Effect, error) {
	if err := ready(n, now); err != nil {
		return nil, err
	}
	switch {
	case head.ID != n.head:
		return nil, tenancy.Refuse("NET-11", ErrNotMember, "%s is not the head of the network of %s", head.ID, n.head)
	case !administers(&head, by):
		return nil, tenancy.Refuse("NET-13", tenancy.ErrUnauthorized, "only an administrator of the head dissolves the network; %s is not one", by)
	case len(n.branches) > 0:
		return nil, tenancy.Refuse("NET-11", tenancy.ErrRefused, "the network still lists %d branches: disconnect every one first", len(n.branches))
	}
	now = now.In(head.Location())
	out := []Effect{n.effect(EffectDissolved, n.head, now, Effect{})}
	if n.headBlocked {
		out = append(out, n.effect(EffectUnblock, n.head, now, Effect{Rule: "NET-09", Cause: CauseHead}))
		n.headBlocked = false
	}
	n.status, n.headDeadline, n.updated = Dissolved, time.Time{}, now
	return out, nil
}

// Observe brings n up to date with a change of one of its accounts, after
// any plan change (NET-07 to NET-09). A branch that dropped to free is
// disconnected but listed, in red, with a deadline; one that is commercial
// again returns to the connected list and its block is lifted. A head that
// lapsed from Enterprise disables the network, with a deadline after which
// it is blocked; on Enterprise again the network resumes. A deleted branch
// is unlisted. Observing an account whose standing did not change does
// nothing.
func (e *Engine) Observe(n *Network, acc lifecycle.Account, now time.Time) ([]Effect, error) {
	if err := ready(n, now); err != nil {
		return nil, err
	}
	return e.observe(n, &acc, now.In(acc.Location()), true)
}

// observe computes what acc's standing means for n at now, and commits it
// when commit is set.
func (e *Engine) observe(n *Network, acc *lifecycle.Account, now time.Time, commit bool) ([]Effect, error) {
	if acc.ID == n.head {
		ent := e.enterprise(acc)
		switch {
		case n.status == Operating && !ent:
			deadline := now.AddDate(0, 0, e.policy.GraceDays)
			if commit {
				n.status, n.headDeadline, n.updated = Disabled, deadline, now
			}
			return []Effect{n.peek(commit, EffectDisabled, n.head, now, Effect{Deadline: deadline})}, nil
		case n.status == Disabled && ent:
			var out []Effect
			if n.headBlocked {
				out = append(out, n.peek(commit, EffectUnblock, n.head, now, Effect{Rule: "NET-09", Cause: CauseHead}))
			}
			if commit {
				n.status, n.headDeadline, n.headBlocked, n.updated = Operating, time.Time{}, false, now
			}
			return append(out, n.peek(commit, EffectResumed, n.head, now, Effect{})), nil
		}
		return nil, nil
	}
	b, ok := n.branches[acc.ID]
	if !ok {
		return nil, tenancy.Refuse("NET-04", ErrNotMember, "%s is not in the network of %s", acc.ID, n.head)
	}
	if acc.Stage == lifecycle.StageDeleted {
		// Unlisted; a deleted account has no block left to lift.
		if commit {
			out := e.remove(n, b, now, nil, false)
			n.updated = now
			return out, nil
		}
		return []Effect{n.peek(false, EffectDisconnected, acc.ID, now, Effect{})}, nil
	}
	commercial := e.commercial(acc)
	switch b.Status {
	case Connected, OnTrial:
		if commercial || (b.Status == OnTrial && acc.Sub.Status == plan.StatusTrial) {
			if commit && b.Status == OnTrial && commercial {
				b.Status, b.Since, n.updated = Connected, now, now
			}
			return nil, nil
		}
		deadline := now.AddDate(0, 0, e.policy.GraceDays)
		if commit {
			b.Status, b.Since, b.Deadline = Incompatible, now, deadline
			n.active--
			n.push(due{at: deadline, branch: b.Account})
			n.updated = now
		}
		return []Effect{n.peek(commit, EffectIncompatible, b.Account, now, Effect{Deadline: deadline})}, nil
	default: // Incompatible, Blocked
		if !commercial {
			return nil, nil
		}
		var out []Effect
		if b.Status == Blocked {
			out = append(out, n.peek(commit, EffectUnblock, b.Account, now, Effect{Cause: CauseBranch}))
		}
		out = append(out, n.peek(commit, EffectReconnected, b.Account, now, Effect{}))
		if commit {
			b.Status, b.Since, b.Deadline = Connected, now, time.Time{}
			n.active++
			n.tidy()
			n.updated = now
		}
		return out, nil
	}
}

// peek returns an effect, numbered in n's history only when it is
// committed.
func (n *Network) peek(commit bool, k EffectKind, acc tenancy.AccountID, at time.Time, d Effect) Effect {
	if commit {
		return n.effect(k, acc, at, d)
	}
	seq := n.seq
	ef := n.effect(k, acc, at, d)
	n.seq = seq
	return ef
}

// push adds an incompatible branch's deadline to the queue, keeping it in
// time order. Deadlines are pushed at the time they are set, so the new one
// is nearly always the latest; accounts in other time zones may differ by
// the hour a daylight-saving change moves.
func (n *Network) push(d due) {
	n.queue = append(n.queue, d)
	for i := len(n.queue) - 1; i > n.front && n.queue[i].at.Before(n.queue[i-1].at); i-- {
		n.queue[i], n.queue[i-1] = n.queue[i-1], n.queue[i]
	}
}

// Advance fires every deadline of n at or before now, in order: the plan
// compatibility check blocks each branch still incompatible at its deadline
// (NET-07) and a head still off Enterprise at its deadline (NET-09). Effects
// are appended to dst. When nothing is due it changes nothing and allocates
// nothing. A now earlier than the network's last change is refused.
func (e *Engine) Advance(n *Network, now time.Time, dst []Effect) ([]Effect, error) {
	if now.Before(n.updated) {
		return dst, tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before the network's last change at %v", now, n.updated)
	}
	for {
		next, ok := n.NextDeadline()
		if !ok || next.After(now) {
			return dst, nil
		}
		if n.front < len(n.queue) && n.queue[n.front].at.Equal(next) {
			d := n.queue[n.front]
			n.queue[n.front] = due{}
			n.front++
			b := n.branches[d.branch]
			b.Status, b.Since = Blocked, d.at
			dst = append(dst, n.effect(EffectBlock, b.Account, d.at, Effect{Cause: CauseBranch}))
		} else {
			n.headBlocked = true
			dst = append(dst, n.effect(EffectBlock, n.head, next, Effect{Rule: "NET-09", Cause: CauseHead}))
		}
		n.updated = next
		n.tidy()
	}
}

// Project returns every effect that will happen to n if nobody acts: the
// blocks the plan compatibility check will set, in time order, on each
// incompatible branch (NET-07) and on a lapsed head (NET-09), numbered as
// Advance will number them. It changes nothing and takes time in the number
// of incompatible branches only.
func (e *Engine) Project(n *Network) []Effect {
	var out []Effect
	seq := n.seq
	next := func(k EffectKind, acc tenancy.AccountID, at time.Time, d Effect) {
		seq++
		d.Kind, d.Network, d.Account, d.At, d.Seq = k, n.head, acc, at, seq
		if d.Rule == "" {
			d.Rule = effectRules[k]
		}
		out = append(out, d)
	}
	head := n.HeadDeadline()
	for _, d := range n.queue[n.front:] {
		b, ok := n.branches[d.branch]
		if !ok || b.Status != Incompatible || !b.Deadline.Equal(d.at) {
			continue
		}
		if !head.IsZero() && head.Before(d.at) {
			next(EffectBlock, n.head, head, Effect{Rule: "NET-09", Cause: CauseHead})
			head = time.Time{}
		}
		next(EffectBlock, d.branch, d.at, Effect{Cause: CauseBranch})
	}
	if !head.IsZero() {
		next(EffectBlock, n.head, head, Effect{Rule: "NET-09", Cause: CauseHead})
	}
	return out
}
