package fleet

import (
	"encoding/json"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
)

// Identity is a user's network identity: their login and profile across
// accounts (LIFE-06). The driver creates it when the user first joins an
// account; it survives the deletion of every account, and is forgotten
// only at the user's own request (ForgetIdentity).
type Identity struct {
	User tenancy.UserID
	// Since is when the identity was created.
	Since time.Time
	// Forgotten is when the user had it deleted; zero while it lives. A
	// forgotten user who joins an account again gets a new identity.
	Forgotten time.Time
	Updated   time.Time
	// Seq counts the identity's effects.
	Seq uint64
}

// Live reports whether the identity exists and was not forgotten.
func (i Identity) Live() bool { return i.User != "" && i.Forgotten.IsZero() }

type identityJSON struct {
	V         int            `json:"v"`
	User      tenancy.UserID `json:"user"`
	Since     time.Time      `json:"since"`
	Forgotten time.Time      `json:"forgotten,omitzero"`
	Updated   time.Time      `json:"updated"`
	Seq       uint64         `json:"seq,omitzero"`
}

// MarshalJSON encodes the identity with its schema version.
func (i Identity) MarshalJSON() ([]byte, error) {
	return json.Marshal(identityJSON{V: SchemaVersion, User: i.User, Since: i.Since, Forgotten: i.Forgotten, Updated: i.Updated, Seq: i.Seq})
}

// UnmarshalJSON decodes an identity and refuses another schema version,
// unknown fields, no user, times out of order, or a time outside
// [tenancy.MinTime, tenancy.MaxTime).
func (i *Identity) UnmarshalJSON(b []byte) error {
	var j identityJSON
	if err := strict.Decode(b, &j); err != nil {
		return tenancy.Invalid("", ErrCorrupt, "identity: %v", err)
	}
	switch {
	case j.V != SchemaVersion:
		return tenancy.Invalid("", ErrCorrupt, "identity: schema version %d, want %d", j.V, SchemaVersion)
	case j.User == "" || j.Since.IsZero() || j.Updated.Before(j.Since):
		return tenancy.Invalid("", ErrCorrupt, "identity: a user, a creation time and a last change after it are needed")
	case !j.Forgotten.IsZero() && (j.Forgotten.Before(j.Since) || j.Forgotten.After(j.Updated)):
		return tenancy.Invalid("", ErrCorrupt, "identity: forgotten at %v, outside its life", j.Forgotten)
	case !kept(j.Since) || !kept(j.Updated):
		return tenancy.Invalid("", ErrCorrupt, "identity: a time outside the times the library keeps")
	}
	*i = Identity{User: j.User, Since: j.Since, Forgotten: j.Forgotten, Updated: j.Updated, Seq: j.Seq}
	return nil
}
