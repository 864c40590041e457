package lifecycle

import (
	"encoding/json"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
	"github.com/tenancykit/tenancy/plan"
)

// SchemaVersion is the version of the JSON form of an Account. Decoding
// refuses any other version.
const SchemaVersion = 1

type userJSON struct {
	ID        tenancy.UserID `json:"id"`
	Role      tenancy.Role   `json:"role"`
	Dismissed bool           `json:"dismissed,omitzero"`
}

type blockJSON struct {
	Cause Cause     `json:"cause"`
	Since time.Time `json:"since"`
}

type accountJSON struct {
	V             int               `json:"v"`
	ID            tenancy.AccountID `json:"id"`
	Owner         tenancy.UserID    `json:"owner"`
	DomainZone    string            `json:"domain_zone,omitzero"`
	Users         []userJSON        `json:"users"`
	Sub           plan.Subscription `json:"subscription"`
	LastActivity  time.Time         `json:"last_activity"`
	Stage         string            `json:"stage"`
	Deadline      time.Time         `json:"deadline,omitzero"`
	Warned        int               `json:"warned,omitzero"`
	WarnAt        time.Time         `json:"warn_at,omitzero"`
	SuspendedAt   time.Time         `json:"suspended_at,omitzero"`
	Blocks        []blockJSON       `json:"blocks,omitzero"`
	Scheduled     []blockJSON       `json:"scheduled,omitzero"`
	Network       tenancy.AccountID `json:"network,omitzero"`
	EverInNetwork bool              `json:"ever_in_network,omitzero"`
	Updated       time.Time         `json:"updated"`
	Seq           uint64            `json:"seq,omitzero"`
}

// MarshalJSON encodes a with its schema version; the subscription is
// embedded in its own JSON form, which carries the time zone.
func (a Account) MarshalJSON() ([]byte, error) {
	j := accountJSON{
		V: SchemaVersion, ID: a.ID, Owner: a.Owner, DomainZone: a.DomainZone, Sub: a.Sub,
		LastActivity: a.LastActivity, Stage: a.Stage.String(), Deadline: a.Deadline,
		Warned: a.Warned, WarnAt: a.WarnAt, SuspendedAt: a.SuspendedAt,
		Network: a.Network, EverInNetwork: a.EverInNetwork, Updated: a.Updated, Seq: a.Seq,
		Users: make([]userJSON, len(a.Users)),
	}
	for i, u := range a.Users {
		j.Users[i] = userJSON(u)
	}
	for _, b := range a.Blocks {
		j.Blocks = append(j.Blocks, blockJSON(b))
	}
	for _, b := range a.Scheduled {
		j.Scheduled = append(j.Scheduled, blockJSON(b))
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes an account and refuses one of another schema
// version, with unknown fields or roles, or that breaks an invariant of
// Validate (a deleted account with a pending deadline, a warning due at or
// after the deadline it warns about, an owner who is not an administrator).
// On error the receiver is unchanged.
func (a *Account) UnmarshalJSON(b []byte) error {
	var j accountJSON
	if err := strict.Decode(b, &j); err != nil {
		return tenancy.Invalid("", ErrCorrupt, "%v", err)
	}
	if j.V != SchemaVersion {
		return tenancy.Invalid("", ErrCorrupt, "schema version %d, want %d", j.V, SchemaVersion)
	}
	loc := j.Sub.Location()
	z := strict.Zone{Loc: loc}
	in := z.In
	out := Account{
		ID: j.ID, Owner: j.Owner, DomainZone: j.DomainZone, Sub: j.Sub,
		LastActivity: in(j.LastActivity), Deadline: in(j.Deadline), Warned: j.Warned,
		WarnAt: in(j.WarnAt), SuspendedAt: in(j.SuspendedAt), Network: j.Network, EverInNetwork: j.EverInNetwork,
		Updated: in(j.Updated), Seq: j.Seq,
	}
	for st := StageActive; st <= StageDeleted; st++ {
		if st.String() == j.Stage {
			out.Stage = st
		}
	}
	if out.Stage == 0 {
		return tenancy.Invalid("", ErrCorrupt, "unknown stage %q", j.Stage)
	}
	for _, u := range j.Users {
		out.Users = append(out.Users, User(u))
	}
	for _, bl := range j.Blocks {
		out.Blocks = append(out.Blocks, Block{Cause: bl.Cause, Since: in(bl.Since)})
	}
	for _, bl := range j.Scheduled {
		out.Scheduled = append(out.Scheduled, Block{Cause: bl.Cause, Since: in(bl.Since)})
	}
	if z.Unwritable {
		return tenancy.Invalid("", ErrCorrupt, "a time cannot be written in zone %s as RFC 3339", loc)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*a = out
	return nil
}
