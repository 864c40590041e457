package fleet

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// Message is what one state tells another: today, a member account's
// standing, addressed to its network (network.Standing). A step delivers a
// message at once when its recipient is among the step's states;
// otherwise Ready.Messages hands it to the store, which keeps it in the
// recipient's inbox and passes it in the Inbox of the recipient's next
// step (an outbox). Either way the network applies it as of the instant
// it carries, and a message delivered twice changes nothing, so both give
// the same states and the same effect IDs.
type Message struct {
	To       Key
	Standing network.Standing
}

// ID returns a stable identifier, "TO<-ACCOUNT/SEQ": one per change of a
// member's standing.
func (m Message) ID() string {
	return fmt.Sprintf("%s<-%s/%d", m.To, m.Standing.Account, m.Standing.Seq)
}

// latest is the first instant no state holds: a command comes before
// tenancy.MaxTime, and the rules derive no date more than
// lifecycle.MaxDays days (and a daylight-saving hour) after it.
var latest = tenancy.MaxTime.AddDate(0, 0, lifecycle.MaxDays+1)

// kept reports whether t may be the time of a change: a step's, or a
// deadline's that fired in one.
func kept(t time.Time) bool { return !t.Before(tenancy.MinTime) && t.Before(tenancy.MaxTime) }

// derived reports whether t may be a deadline the rules derived from the
// time of a change.
func derived(t time.Time) bool { return !t.Before(tenancy.MinTime) && t.Before(latest) }

type messageJSON struct {
	V        int               `json:"v"`
	To       string            `json:"to"`
	Account  tenancy.AccountID `json:"account"`
	Network  tenancy.AccountID `json:"network"`
	Seq      uint64            `json:"seq"`
	At       time.Time         `json:"at"`
	Level    string            `json:"level"`
	Blocked  bool              `json:"blocked,omitzero"`
	Deadline time.Time         `json:"deadline,omitzero"`
	Deleted  bool              `json:"deleted,omitzero"`
}

// MarshalJSON encodes the message with its schema version.
func (m Message) MarshalJSON() ([]byte, error) {
	s := m.Standing
	return json.Marshal(messageJSON{V: SchemaVersion, To: m.To.String(), Account: s.Account, Network: s.Network,
		Seq: s.Seq, At: s.At, Level: s.Level.String(), Blocked: s.Blocked, Deadline: s.Deadline, Deleted: s.Deleted})
}

// UnmarshalJSON decodes a message and refuses another schema version,
// unknown fields, an unknown level, a message to anything but the
// network the standing names, or a time no account can have (an instant
// outside [tenancy.MinTime, tenancy.MaxTime), a deadline past MaxTime
// plus lifecycle.MaxDays days).
func (m *Message) UnmarshalJSON(b []byte) error {
	var j messageJSON
	if err := strict.Decode(b, &j); err != nil {
		return tenancy.Invalid("", ErrCorrupt, "message: %v", err)
	}
	bad := func(format string, args ...any) error {
		return tenancy.Invalid("", ErrCorrupt, "message: "+format, args...)
	}
	if j.V != SchemaVersion {
		return bad("schema version %d, want %d", j.V, SchemaVersion)
	}
	to, err := ParseKey(j.To)
	if err != nil {
		return bad("%v", err)
	}
	lvl, ok := network.ParseLevel(j.Level)
	switch {
	case !ok:
		return bad("unknown level %q", j.Level)
	case to != NetworkKey(j.Network) || j.Account == "" || j.At.IsZero():
		return bad("a standing of an account, at a time, to the network it names")
	case !kept(j.At) || (!j.Deadline.IsZero() && !derived(j.Deadline)):
		return bad("a time outside the times the library keeps")
	}
	*m = Message{To: to, Standing: network.Standing{Account: j.Account, Network: j.Network, Seq: j.Seq, At: j.At,
		Level: lvl, Blocked: j.Blocked, Deadline: j.Deadline, Deleted: j.Deleted}}
	return nil
}
