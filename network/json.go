package network

import (
	"encoding/json"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
	"github.com/tenancykit/tenancy/lifecycle"
)

// SchemaVersion is the version of the JSON form of a Network.
const SchemaVersion = 1

// ErrCorrupt is matched by errors of decoding a network that breaks an
// invariant; it wraps tenancy.ErrInvalid.
var ErrCorrupt = tenancy.Kind("network state", tenancy.ErrInvalid)

// latest is the first instant no state holds: a command or a standing
// comes before tenancy.MaxTime, and the rules derive no date more than
// lifecycle.MaxDays days (and a daylight-saving hour) after it.
var latest = tenancy.MaxTime.AddDate(0, 0, lifecycle.MaxDays+1)

// kept reports whether t may be the time of a change.
func kept(t time.Time) bool { return !t.Before(tenancy.MinTime) && t.Before(tenancy.MaxTime) }

// derived reports whether t may be a deadline the rules derived from the
// time of a change.
func derived(t time.Time) bool { return !t.Before(tenancy.MinTime) && t.Before(latest) }

type branchJSON struct {
	Account  tenancy.AccountID `json:"account"`
	Status   string            `json:"status"`
	Since    time.Time         `json:"since"`
	Deadline time.Time         `json:"deadline,omitzero"`
	Seen     uint64            `json:"seen,omitzero"`
}

type networkJSON struct {
	V            int               `json:"v"`
	Head         tenancy.AccountID `json:"head"`
	Origin       uint64            `json:"origin,omitzero"`
	Zone         string            `json:"zone"`
	Status       string            `json:"status"`
	HeadDeadline time.Time         `json:"head_deadline,omitzero"`
	HeadBlocked  bool              `json:"head_blocked,omitzero"`
	HeadSeen     uint64            `json:"head_seen,omitzero"`
	Branches     []branchJSON      `json:"branches"`
	Updated      time.Time         `json:"updated"`
	Seq          uint64            `json:"seq,omitzero"`
}

// MarshalJSON encodes n with its schema version, branches sorted by
// account ID.
func (n *Network) MarshalJSON() ([]byte, error) {
	j := networkJSON{V: SchemaVersion, Head: n.head, Origin: n.origin, Zone: n.zone, Status: n.status.String(),
		HeadDeadline: n.headDeadline, HeadBlocked: n.headBlocked, HeadSeen: n.headSeen, Updated: n.updated, Seq: n.seq,
		Branches: []branchJSON{}}
	for _, b := range n.Branches() {
		j.Branches = append(j.Branches, branchJSON{Account: b.Account, Status: b.Status.String(), Since: b.Since, Deadline: b.Deadline, Seen: b.Seen})
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes a network and refuses a broken one: another schema
// version, unknown fields, no head, the head listed as its own branch (two
// heads), a branch listed twice, an unknown status, an incompatible or
// blocked branch without the deadline that is its cause, a deadline on a
// connected branch, a head deadline on an operating network, any time
// after the last change that should not be, or a time the engine cannot
// make: a change outside [tenancy.MinTime, tenancy.MaxTime), a deadline
// before MinTime or after MaxTime plus lifecycle.MaxDays days. On error
// the receiver is unchanged.
func (n *Network) UnmarshalJSON(b []byte) error {
	var j networkJSON
	if err := strict.Decode(b, &j); err != nil {
		return tenancy.Invalid("", ErrCorrupt, "%v", err)
	}
	bad := func(format string, args ...any) error { return tenancy.Invalid("", ErrCorrupt, format, args...) }
	if j.V != SchemaVersion {
		return bad("schema version %d, want %d", j.V, SchemaVersion)
	}
	if j.Head == "" || j.Updated.IsZero() {
		return bad("a network needs a head and a time of last change")
	}
	if !kept(j.Updated) {
		return bad("the last change %v is outside the times the library keeps", j.Updated)
	}
	if !j.HeadDeadline.IsZero() && !derived(j.HeadDeadline) {
		return bad("the head's deadline %v is outside the times the library keeps", j.HeadDeadline)
	}
	out := &Network{head: j.Head, origin: j.Origin, zone: j.Zone, branches: make(map[tenancy.AccountID]*Branch, len(j.Branches))}
	out.headDeadline, out.headBlocked, out.headSeen, out.updated, out.seq = j.HeadDeadline, j.HeadBlocked, j.HeadSeen, j.Updated, j.Seq
	for st := Operating; st <= Dissolved; st++ {
		if st.String() == j.Status {
			out.status = st
		}
	}
	switch {
	case out.status == 0:
		return bad("unknown network status %q", j.Status)
	case out.status == Operating && (!j.HeadDeadline.IsZero() || j.HeadBlocked):
		return bad("an operating network with a head deadline or a blocked head")
	case out.status == Dissolved && len(j.Branches) > 0:
		return bad("a dissolved network with branches")
	case out.status == Dissolved && (!j.HeadDeadline.IsZero() || j.HeadBlocked):
		return bad("a dissolved network with a head deadline or a blocked head")
	case j.HeadBlocked && j.HeadDeadline.After(j.Updated):
		return bad("the head blocked before its deadline %v", j.HeadDeadline)
	}
	for _, bj := range j.Branches {
		var st BranchStatus
		for s := Connected; s <= Blocked; s++ {
			if s.String() == bj.Status {
				st = s
			}
		}
		switch {
		case bj.Account == "":
			return bad("a branch without an account")
		case bj.Account == j.Head:
			return bad("%s is listed as the head and as a branch: a network has one head", bj.Account)
		case out.branches[bj.Account] != nil:
			return bad("branch %s listed twice", bj.Account)
		case st == 0:
			return bad("branch %s: unknown status %q", bj.Account, bj.Status)
		case bj.Since.IsZero() || bj.Since.After(j.Updated):
			return bad("branch %s: status since %v, not before the last change %v", bj.Account, bj.Since, j.Updated)
		case !kept(bj.Since) || (!bj.Deadline.IsZero() && !derived(bj.Deadline)):
			return bad("branch %s: a time outside the times the library keeps", bj.Account)
		case (st == Incompatible || st == Blocked) && bj.Deadline.IsZero():
			return bad("branch %s is %s without the deadline that is its cause", bj.Account, st)
		case (st == Connected || st == OnTrial) && !bj.Deadline.IsZero():
			return bad("branch %s is %s with a deadline", bj.Account, st)
		case st == Blocked && bj.Deadline.After(bj.Since):
			return bad("branch %s blocked before its deadline %v", bj.Account, bj.Deadline)
		}
		out.branches[bj.Account] = &Branch{Account: bj.Account, Status: st, Since: bj.Since, Deadline: bj.Deadline, Seen: bj.Seen}
		if st == Connected || st == OnTrial {
			out.active++
		}
	}
	*n = *out
	return nil
}
