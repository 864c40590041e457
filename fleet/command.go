package fleet

import (
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
)

// Command is something asked of the driver: the types of this package
// listed below. Each names the states it reads and writes (Engine.Keys)
// and runs in Engine.Step, after everything due on those states has been
// advanced.
type Command interface {
	keys(networkOf func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key
}

// NewAccount creates an account on the free plan, its owner its first
// administrator (LIFE-01: the inactivity count starts now), and the
// owner's network identity if they have none (LIFE-06). Location nil
// means UTC.
type NewAccount struct {
	ID         tenancy.AccountID
	Owner      tenancy.UserID
	DomainZone string
	Location   *time.Location
}

// OnAccount runs a lifecycle command on an account: a login, a plan
// command (lifecycle.Plan), users, deletion, blocks. A plan command on the
// head of a network is checked against the network (NET-10), which the
// step must then hold; adding a user creates their network identity if
// they have none. Network membership is the driver's: JoinNetwork,
// LeaveNetwork and HeadPlan are refused here; use Connect, Disconnect and
// Dissolve.
type OnAccount struct {
	Account tenancy.AccountID
	Cmd     lifecycle.Command
}

// Advance fires everything due on one state up to the step's time (an
// account's warnings, suspension, deletion, subscription deadlines,
// scheduled blocks) and delivers its inbox: what a sweeper runs for each
// due key.
type Advance struct{ Key Key }

// CreateNetwork creates a network around Head, on an active Enterprise
// plan, at the request of one of its administrators (NET-01, NET-13). A
// dissolved network of the same head is replaced.
type CreateNetwork struct {
	Head tenancy.AccountID
	By   tenancy.Actor
}

// Connect connects Branch to the network of Head at the request of a user
// who administers both (NET-02 to NET-06, NET-13, NET-14).
type Connect struct {
	Head, Branch tenancy.AccountID
	By           tenancy.Actor
}

// Disconnect removes Branch from the network of Head at the request of an
// administrator of the head (NET-07, NET-11, NET-13).
type Disconnect struct {
	Head, Branch tenancy.AccountID
	By           tenancy.Actor
}

// Dissolve closes the network of Head once no branch is listed (NET-11).
type Dissolve struct {
	Head tenancy.AccountID
	By   tenancy.Actor
}

// ForgetIdentity deletes User's network identity at their own request
// (LIFE-06). By must be that user, with no role in any account needed;
// the service cannot ask it for them.
type ForgetIdentity struct {
	User tenancy.UserID
	By   tenancy.Actor
}

func (c NewAccount) keys(_ func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	return append(dst, AccountKey(c.ID), IdentityKey(c.Owner))
}

func (c OnAccount) keys(networkOf func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	dst = append(dst, AccountKey(c.Account))
	if _, ok := c.Cmd.(lifecycle.Plan); ok && networkOf != nil && networkOf(c.Account) == c.Account {
		dst = append(dst, NetworkKey(c.Account))
	}
	if u, ok := c.Cmd.(lifecycle.AddUser); ok {
		dst = append(dst, IdentityKey(u.User))
	}
	return dst
}

func (c Advance) keys(_ func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	return append(dst, c.Key)
}

func (c CreateNetwork) keys(_ func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	return append(dst, AccountKey(c.Head), NetworkKey(c.Head))
}

func (c Connect) keys(_ func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	return append(dst, AccountKey(c.Head), AccountKey(c.Branch), NetworkKey(c.Head))
}

func (c Disconnect) keys(_ func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	return append(dst, AccountKey(c.Head), AccountKey(c.Branch), NetworkKey(c.Head))
}

func (c Dissolve) keys(_ func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	return append(dst, AccountKey(c.Head), NetworkKey(c.Head))
}

func (c ForgetIdentity) keys(_ func(tenancy.AccountID) tenancy.AccountID, dst []Key) []Key {
	return append(dst, IdentityKey(c.User))
}
