package network

import (
	"cmp"
	"slices"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// The refusals specific to networks. Each wraps one of tenancy's sentinels.
var (
	// ErrDisabled: the network does not operate while its head is not on an
	// active Enterprise plan (NET-01, NET-09).
	ErrDisabled = tenancy.Kind("network disabled", tenancy.ErrRefused)
	// ErrZone: the account is in another domain zone (NET-03).
	ErrZone = tenancy.Kind("domain zone mismatch", tenancy.ErrRefused)
	// ErrInNetwork: the account is already in a network (NET-04).
	ErrInNetwork = lifecycle.ErrInNetwork
	// ErrMustBuy: a free account that was ever in a network must buy a
	// commercial plan before it joins one (NET-06).
	ErrMustBuy = tenancy.Kind("buy a commercial plan first", tenancy.ErrRefused)
	// ErrHeadLocked: the head's plan cannot change while branches are
	// connected (NET-10).
	ErrHeadLocked = lifecycle.ErrHeadLocked
	// ErrNotMember: the account is neither the head nor a listed branch.
	ErrNotMember = tenancy.Kind("not in this network", tenancy.ErrNotFound)
	// ErrCap: the network has as many branches as the policy allows
	// (NET-14).
	ErrCap = tenancy.Kind("too many branches", tenancy.ErrRefused)
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

// Lives returns the lifecycle engine the network engine reads accounts
// with.
func (e *Engine) Lives() *lifecycle.Engine { return e.lives }

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

// ready refuses a command at now on n: a time the library does not keep
// (tenancy.CheckTime, in loc), time going back, or a dissolved network.
func ready(n *Network, now time.Time, loc *time.Location) error {
	if err := tenancy.CheckTime(now, loc); err != nil {
		return err
	}
	if now.Before(n.updated) {
		return tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before the network's last change at %v", now, n.updated)
	}
	if n.status == Dissolved {
		return tenancy.Refuse("NET-11", tenancy.ErrRefused, "the network of %s was dissolved", n.head)
	}
	return nil
}

// effect completes d into an effect of a command of n.
func (n *Network) effect(k EffectKind, acc tenancy.AccountID, at time.Time, d Effect) Effect {
	n.seq++
	d.Seq = n.seq
	return n.fill(k, acc, at, d)
}

// fill completes d into an effect of kind k on acc at time at.
func (n *Network) fill(k EffectKind, acc tenancy.AccountID, at time.Time, d Effect) Effect {
	d.Kind, d.Network, d.Head, d.Account, d.At = k, n.ID(), n.head, acc, at
	if d.Rule == "" {
		d.Rule = effectRules[k]
	}
	return d
}

// Create creates a network around head, at the request of by, one of its
// administrators (NET-01, NET-13). The head must be on an active Enterprise
// plan and in no network (NET-04). Carry the effect to the head's account.
func (e *Engine) Create(head lifecycle.Account, by tenancy.UserID, now time.Time) (*Network, []Effect, error) {
	if err := tenancy.CheckTime(now, head.Location()); err != nil {
		return nil, nil, err
	}
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
	now = now.In(head.Location())
	n := &Network{head: head.ID, origin: head.Seq, zone: head.DomainZone, branches: map[tenancy.AccountID]*Branch{}}
	n.status, n.updated, n.headSeen = Operating, now.UTC(), head.Seq
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
	if err := ready(n, now, branch.Location()); err != nil {
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
		return nil, tenancy.Refuse("NET-04", ErrInNetwork, "%s is already in the network of %s: disconnect it first", branch.ID, cmp.Or(branch.Network, n.head))
	case branch.Stage != lifecycle.StageActive:
		return nil, tenancy.Refuse("NET-02", tenancy.ErrRefused, "%s is %s", branch.ID, branch.Stage)
	case branch.DomainZone != n.zone:
		return nil, tenancy.Refuse("NET-03", ErrZone, "%s is in zone %q, the network in %q", branch.ID, branch.DomainZone, n.zone)
	case e.policy.MaxBranches > 0 && len(n.branches) >= e.policy.MaxBranches:
		return nil, tenancy.Refuse("NET-14", ErrCap, "the network already has %d branches, the most the policy allows", len(n.branches))
	case e.commercial(&branch):
	case branch.EverInNetwork || branch.Sub.NetworkTrialUsed:
		return nil, tenancy.Refuse("NET-06", ErrMustBuy, "%s was in a branch network before: it must switch to a commercial plan before it joins", branch.ID)
	default:
		status = OnTrial
	}
	now = now.In(branch.Location())
	n.put(&Branch{Account: branch.ID, Status: status, Since: now, Seen: branch.Seq})
	n.active++
	n.touch(now)
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
// of the head (NET-13); carrying the effect lifts the branch's block, set
// or scheduled (NET-07). To move branches to another head, disconnect each
// and connect it there: there is no transfer (NET-11).
func (e *Engine) Disconnect(n *Network, head lifecycle.Account, branch tenancy.AccountID, by tenancy.UserID, now time.Time) ([]Effect, error) {
	if err := ready(n, now, head.Location()); err != nil {
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
	n.unlist(b)
	n.touch(now)
	return []Effect{n.effect(EffectDisconnected, branch, now, Effect{})}, nil
}

// unlist removes b from the branches.
func (n *Network) unlist(b *Branch) {
	if b.Status == Connected || b.Status == OnTrial {
		n.active--
	}
	n.drop(b.Account)
}

// Dissolve closes a network that has no branch left, at the request of an
// administrator of its head, so that the head may change its plan freely or
// join another network as a branch (NET-11). Carrying the effect lifts the
// head's block, set or scheduled (NET-09).
func (e *Engine) Dissolve(n *Network, head lifecycle.Account, by tenancy.UserID, now time.Time) ([]Effect, error) {
	if err := ready(n, now, head.Location()); err != nil {
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
	n.status, n.headDeadline, n.headBlocked = Dissolved, time.Time{}, false
	n.touch(now)
	return out, nil
}

// Project returns every block the plan compatibility check will set if
// nobody acts, in time order: on each incompatible branch (NET-07) and on
// a lapsed head (NET-09), as EffectBlocked effects at their deadlines. The
// blocks themselves fall as deadlines of the accounts. It changes nothing
// and takes time in the number of branches. A block due at or after
// tenancy.MaxTime is left out: no account reaches that time.
func (e *Engine) Project(n *Network) []Effect {
	var out []Effect
	for _, b := range n.branches {
		if b.Status == Incompatible && b.Deadline.Before(tenancy.MaxTime) {
			out = append(out, n.fill(EffectBlocked, b.Account, b.Deadline, Effect{}))
		}
	}
	if hd := n.HeadDeadline(); !hd.IsZero() && hd.Before(tenancy.MaxTime) {
		out = append(out, n.fill(EffectBlocked, n.head, hd, Effect{Rule: "NET-09"}))
	}
	slices.SortFunc(out, func(a, b Effect) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Account, b.Account))
	})
	return out
}
