package network

import (
	"fmt"
	"maps"
	"slices"
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

// String returns "operating" or "disabled".
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
	// OnTrial: a free account that joined and runs the branch trial
	// (NET-06); connected until the trial ends.
	OnTrial
	// Incompatible: dropped to free; disconnected but listed, in red, until
	// Deadline (NET-07).
	Incompatible
	// Blocked: stayed incompatible past Deadline; the plan compatibility
	// check blocks it until it goes commercial or is disconnected (NET-07).
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
	// Deadline is when an incompatible branch is blocked (NET-07).
	Deadline time.Time
}

// due is an incompatible branch's block deadline in the queue.
type due struct {
	at     time.Time
	branch tenancy.AccountID
}

// Network is one branch network: its head, its domain zone, its status and
// its branches (NET-01 to NET-14).
//
// A network with ten thousand branches is a set, not a value to copy on
// every change, so a *Network is changed in place by the Engine's commands,
// each in time independent of the number of branches. Every command
// validates everything before it changes anything: a refused command leaves
// the network exactly as it was. Use Clone for a copy, and Preview (or a
// clone) to see a command's effects without committing them. A *Network is
// not safe for concurrent use.
type Network struct {
	head   tenancy.AccountID
	zone   string
	status Status
	// headDeadline is when a disabled network's head is blocked (NET-09);
	// headBlocked says it was.
	headDeadline time.Time
	headBlocked  bool
	branches     map[tenancy.AccountID]*Branch
	// active counts branches connected or on trial: they keep the head's
	// plan from changing (NET-10).
	active int
	// queue holds incompatible branches' deadlines in time order; entries
	// whose branch has moved on are dropped when they reach the front.
	queue   []due
	front   int
	updated time.Time
	seq     uint64
}

// Head returns the head account's ID, which also names the network.
func (n *Network) Head() tenancy.AccountID { return n.head }

// Zone returns the domain zone every member shares (NET-03).
func (n *Network) Zone() string { return n.zone }

// Status returns whether the network operates.
func (n *Network) Status() Status { return n.status }

// HeadBlocked reports whether the plan compatibility check blocked the head
// (NET-09), and HeadDeadline when it will, if the network is disabled.
func (n *Network) HeadBlocked() bool { return n.headBlocked }

// HeadDeadline returns when a disabled network's head will be blocked, or
// the zero time.
func (n *Network) HeadDeadline() time.Time {
	if n.status == Disabled && !n.headBlocked {
		return n.headDeadline
	}
	return time.Time{}
}

// Updated returns the time of the network's last change.
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

// NextDeadline returns the next instant at which the network changes by
// itself (an incompatible branch or a lapsed head is blocked), and false
// when none is pending.
func (n *Network) NextDeadline() (time.Time, bool) {
	var next time.Time
	if n.front < len(n.queue) {
		next = n.queue[n.front].at
	}
	if hd := n.HeadDeadline(); !hd.IsZero() && (next.IsZero() || hd.Before(next)) {
		next = hd
	}
	return next, !next.IsZero()
}

// Clone returns a deep copy of n.
func (n *Network) Clone() *Network {
	c := *n
	c.branches = make(map[tenancy.AccountID]*Branch, len(n.branches))
	for id, b := range n.branches {
		cb := *b
		c.branches[id] = &cb
	}
	c.queue = slices.Clone(n.queue[n.front:])
	c.front = 0
	return &c
}

// tidy drops queue entries whose branch is no longer incompatible with that
// deadline, so that the front is always a live deadline.
func (n *Network) tidy() {
	for n.front < len(n.queue) {
		d := n.queue[n.front]
		if b, ok := n.branches[d.branch]; ok && b.Status == Incompatible && b.Deadline.Equal(d.at) {
			return
		}
		n.queue[n.front] = due{}
		n.front++
	}
	if n.front == len(n.queue) {
		n.queue, n.front = n.queue[:0], 0
	} else if n.front > 1024 && n.front*2 > len(n.queue) {
		n.queue, n.front = append(n.queue[:0], n.queue[n.front:]...), 0
	}
}
