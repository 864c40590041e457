package network

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/tenancykit/tenancy"
)

// Status says whether a network operates.
type Status uint8

// The network statuses.
const (
	// Operating: the head is on an active Enterprise plan (NET-01).
	Operating Status = iota + 1
	// Disabled: the head lapsed from Enterprise; the widget is hidden at
	// every branch until the head is on Enterprise again (NET-09).
	Disabled
	// Dissolved: the head closed the network after its last branch left;
	// every command is refused.
	Dissolved
)

// String returns "operating", "disabled" or "dissolved".
func (s Status) String() string {
	switch s {
	case Operating:
		return "operating"
	case Disabled:
		return "disabled"
	case Dissolved:
		return "dissolved"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// BranchStatus says where a branch stands in its network.
type BranchStatus uint8

// The branch statuses.
const (
	// Connected: on a commercial plan, in the connected list (NET-02).
	Connected BranchStatus = iota + 1
	// OnTrial: on a trial, such as the branch trial a free account gets
	// when it joins (NET-06); connected until the trial ends.
	OnTrial
	// Incompatible: dropped to free; disconnected but listed, in red, until
	// Deadline (NET-07).
	Incompatible
	// Blocked: stayed incompatible past Deadline; the plan compatibility
	// check blocked it until it goes commercial or is disconnected (NET-07).
	Blocked
)

var branchNames = [...]string{"", "connected", "trial", "incompatible", "blocked"}

// String returns "connected", "trial", "incompatible" or "blocked".
func (s BranchStatus) String() string {
	if s >= Connected && s <= Blocked {
		return branchNames[s]
	}
	return fmt.Sprintf("BranchStatus(%d)", uint8(s))
}

// Branch is one branch's standing in its network.
type Branch struct {
	Account tenancy.AccountID
	Status  BranchStatus
	// Since is when the branch entered its status.
	Since time.Time
	// Deadline is when an incompatible branch is blocked, or was (NET-07).
	Deadline time.Time
	// Seen is the Seq of the latest standing of the account the network
	// applied (see Standing): an older or repeated one changes nothing.
	Seen uint64
}

// header is the part of a network that is not its branch list: small
// enough to copy whole when a unit of work begins.
type header struct {
	status Status
	// headDeadline is when a disabled network's head is blocked (NET-09);
	// headBlocked says it was.
	headDeadline time.Time
	headBlocked  bool
	// headSeen is the Seq of the head's latest standing applied.
	headSeen uint64
	// active counts branches connected or on trial: they keep the head's
	// plan from changing (NET-10).
	active  int
	updated time.Time
	// seq numbers the effects of the network's commands.
	seq uint64
}

// Network is one branch network: its head, its domain zone, its status and
// its branches (NET-01 to NET-14).
//
// A network with ten thousand branches is a set, not a value to copy on
// every change, so a *Network is changed in place by the Engine's
// commands and deliveries, each in time independent of the number of
// branches. Every command validates everything before it changes
// anything: a refused command leaves the network exactly as it was. Use
// Clone for a copy, and Begin, Rollback and Commit to undo a unit of work
// of several steps. A *Network is not safe for concurrent use.
//
// A network changes only when a command runs or a member's Standing is
// delivered: it has no deadline of its own. The deadlines of the plan
// compatibility check are the members' own (lifecycle.Account.Scheduled),
// so that they fall on time however late the network hears of them.
type Network struct {
	head tenancy.AccountID
	// origin is the head's Seq when the network was created: it tells
	// apart networks re-created around the same head.
	origin uint64
	zone   string
	header
	branches map[tenancy.AccountID]*Branch
	undo     *journal
}

// journal records what a unit of work changed, to undo it.
type journal struct {
	hdr header
	// old holds each changed branch as it was at Begin; nil when it was
	// not listed.
	old map[tenancy.AccountID]*Branch
}

// Head returns the head account's ID.
func (n *Network) Head() tenancy.AccountID { return n.head }

// ID returns the network's identifier, "HEAD@ORIGIN": the head's ID and
// the head's Seq when the network was created, so that a network
// re-created around the same head has another ID, and so do its effects.
func (n *Network) ID() string { return string(n.head) + "@" + strconv.FormatUint(n.origin, 10) }

// Origin returns the head's Seq when the network was created.
func (n *Network) Origin() uint64 { return n.origin }

// Zone returns the domain zone every member shares (NET-03).
func (n *Network) Zone() string { return n.zone }

// Status returns whether the network operates.
func (n *Network) Status() Status { return n.status }

// HeadBlocked reports whether the plan compatibility check blocked the head
// (NET-09).
func (n *Network) HeadBlocked() bool { return n.headBlocked }

// HeadDeadline returns when a disabled network's head will be blocked, or
// the zero time: none is set while the head still pays for a plan, and
// none once it is blocked.
func (n *Network) HeadDeadline() time.Time {
	if n.status == Disabled && !n.headBlocked {
		return n.headDeadline
	}
	return time.Time{}
}

// Updated returns the time of the network's latest change.
func (n *Network) Updated() time.Time { return n.updated }

// Len returns the number of listed branches, incompatible and blocked ones
// included.
func (n *Network) Len() int { return len(n.branches) }

// Active returns the number of branches connected or on trial.
func (n *Network) Active() int { return n.active }

// Branch returns the branch with the given account ID, if it is listed.
func (n *Network) Branch(id tenancy.AccountID) (Branch, bool) {
	b, ok := n.branches[id]
	if !ok {
		return Branch{}, false
	}
	return *b, true
}

// Branches returns every listed branch, sorted by account ID.
func (n *Network) Branches() []Branch {
	out := make([]Branch, 0, len(n.branches))
	for _, id := range slices.Sorted(maps.Keys(n.branches)) {
		out = append(out, *n.branches[id])
	}
	return out
}

// Clone returns a deep copy of n, without any unit of work begun on it.
func (n *Network) Clone() *Network {
	c := *n
	c.undo = nil
	c.branches = make(map[tenancy.AccountID]*Branch, len(n.branches))
	for id, b := range n.branches {
		cb := *b
		c.branches[id] = &cb
	}
	return &c
}

// Begin starts a unit of work: from now on n records what changes, so
// that Rollback can put it back as it was, in time proportional to the
// branches changed. Commit ends the unit and keeps the changes. Begin on a
// unit already begun changes nothing.
func (n *Network) Begin() {
	if n.undo == nil {
		n.undo = &journal{hdr: n.header, old: map[tenancy.AccountID]*Branch{}}
	}
}

// Commit ends the unit of work begun by Begin, keeping its changes.
func (n *Network) Commit() { n.undo = nil }

// Rollback undoes every change since Begin and ends the unit of work.
func (n *Network) Rollback() {
	j := n.undo
	if j == nil {
		return
	}
	n.header = j.hdr
	for id, b := range j.old {
		if b == nil {
			delete(n.branches, id)
		} else {
			n.branches[id] = b
		}
	}
	n.undo = nil
}

// edit returns branch id for changing, recording it first in a unit of
// work; nil when it is not listed.
func (n *Network) edit(id tenancy.AccountID) *Branch {
	n.save(id, n.branches[id])
	return n.branches[id]
}

// save records branch id as it is before it changes.
func (n *Network) save(id tenancy.AccountID, b *Branch) {
	if n.undo == nil {
		return
	}
	if _, ok := n.undo.old[id]; ok {
		return
	}
	if b == nil {
		n.undo.old[id] = nil
		return
	}
	c := *b
	n.undo.old[id] = &c
	// The branch may be changed in place from here on: keep the copy and
	// give the map a pointer of its own.
	nb := *b
	n.branches[id] = &nb
}

// put lists b.
func (n *Network) put(b *Branch) {
	n.save(b.Account, n.branches[b.Account])
	n.branches[b.Account] = b
}

// drop unlists branch id.
func (n *Network) drop(id tenancy.AccountID) {
	n.save(id, n.branches[id])
	delete(n.branches, id)
}

// touch moves the network's last change to at, if at is later. It is
// kept in UTC: members in other zones change it, and the network must not
// depend on which came first.
func (n *Network) touch(at time.Time) {
	if at.After(n.updated) {
		n.updated = at.UTC()
	}
}
