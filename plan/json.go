package plan

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
)

// SchemaVersion is the version of the JSON form of a Subscription. Decoding
// refuses any other version.
const SchemaVersion = 1

type changeJSON struct {
	Kind   ChangeKind `json:"kind,omitzero"`
	Plan   PlanID     `json:"plan,omitzero"`
	Period Period     `json:"period,omitzero"`
	Since  time.Time  `json:"since,omitzero"`
	Reason string     `json:"reason,omitzero"`
}

type subscriptionJSON struct {
	V                 int               `json:"v"`
	Zone              string            `json:"zone"`
	Account           tenancy.AccountID `json:"account"`
	Plan              PlanID            `json:"plan"`
	Status            string            `json:"status"`
	Period            Period            `json:"period,omitzero"`
	AnchorDay         int               `json:"anchor_day,omitzero"`
	Start             time.Time         `json:"start,omitzero"`
	End               time.Time         `json:"end,omitzero"`
	GraceEnd          time.Time         `json:"grace_end,omitzero"`
	Paid              decimalJSON       `json:"paid,omitzero"`
	Due               decimalJSON       `json:"due,omitzero"`
	Renewal           decimalJSON       `json:"renewal,omitzero"`
	Credit            decimalJSON       `json:"credit,omitzero"`
	Pending           changeJSON        `json:"pending,omitzero"`
	TelephonyCredits  decimalJSON       `json:"telephony_credits,omitzero"`
	ExtraStorageBytes int64             `json:"extra_storage_bytes,omitzero"`
	TrialUsed         bool              `json:"trial_used,omitzero"`
	NetworkTrialUsed  bool              `json:"network_trial_used,omitzero"`
	EverPaid          bool              `json:"ever_paid,omitzero"`
	FreeSince         time.Time         `json:"free_since,omitzero"`
	Updated           time.Time         `json:"updated"`
	Seq               uint64            `json:"seq,omitzero"`
}

// MarshalJSON encodes s with its schema version and its time zone's name.
// The zone must be one time.LoadLocation can load again (an IANA name, "UTC"
// or "Local") for the result to decode.
func (s Subscription) MarshalJSON() ([]byte, error) {
	return json.Marshal(subscriptionJSON{
		V: SchemaVersion, Zone: s.Location().String(), Account: s.Account, Plan: s.Plan,
		Status: s.Status.String(), Period: s.Period, AnchorDay: s.AnchorDay,
		Start: s.Start, End: s.End, GraceEnd: s.GraceEnd,
		Paid: decimalJSON(s.Paid), Due: decimalJSON(s.Due), Renewal: decimalJSON(s.Renewal), Credit: decimalJSON(s.Credit),
		Pending:          changeJSON(s.Pending),
		TelephonyCredits: decimalJSON(s.AddOns.TelephonyCredits), ExtraStorageBytes: s.AddOns.ExtraStorageBytes,
		TrialUsed: s.TrialUsed, NetworkTrialUsed: s.NetworkTrialUsed, EverPaid: s.EverPaid,
		FreeSince: s.FreeSince, Updated: s.Updated, Seq: s.Seq,
	})
}

// UnmarshalJSON decodes a subscription and refuses one of another schema
// version, with unknown fields, in a zone that cannot be loaded, with a
// decimal that is not in plain notation or longer than MaxDecimalChars
// (refused before it is parsed), or that breaks an invariant of Validate
// (among them: times outside the range the library keeps, amounts of
// 10^MaxAmountDigits or more, or finer than any currency's minor unit). On
// error the receiver is unchanged.
func (s *Subscription) UnmarshalJSON(b []byte) error {
	var j subscriptionJSON
	if err := strict.Decode(b, &j); err != nil {
		return tenancy.Invalid("", ErrCorrupt, "%v", err)
	}
	if j.V != SchemaVersion {
		return tenancy.Invalid("", ErrCorrupt, "schema version %d, want %d", j.V, SchemaVersion)
	}
	loc, err := time.LoadLocation(j.Zone)
	if err != nil || j.Zone == "" {
		return tenancy.Invalid("", ErrCorrupt, "time zone %q cannot be loaded", j.Zone)
	}
	status := Status(0)
	for st := StatusFree; st <= StatusGrace; st++ {
		if st.String() == j.Status {
			status = st
		}
	}
	// RFC 3339 has years 0 to 9999 and whole-minute offsets: a time that
	// cannot be written in loc within them would not encode, or would
	// encode as another instant (a local mean time offset of 9:18:59).
	z := strict.Zone{Loc: loc}
	in := z.In
	out := Subscription{
		Account: j.Account, Plan: j.Plan, Status: status, Period: j.Period, AnchorDay: j.AnchorDay,
		Start: in(j.Start), End: in(j.End), GraceEnd: in(j.GraceEnd),
		Paid: decimal.Decimal(j.Paid), Due: decimal.Decimal(j.Due), Renewal: decimal.Decimal(j.Renewal), Credit: decimal.Decimal(j.Credit),
		Pending:   Change{Kind: j.Pending.Kind, Plan: j.Pending.Plan, Period: j.Pending.Period, Since: in(j.Pending.Since), Reason: j.Pending.Reason},
		AddOns:    AddOns{TelephonyCredits: decimal.Decimal(j.TelephonyCredits), ExtraStorageBytes: j.ExtraStorageBytes},
		TrialUsed: j.TrialUsed, NetworkTrialUsed: j.NetworkTrialUsed, EverPaid: j.EverPaid,
		FreeSince: in(j.FreeSince), Updated: in(j.Updated), Seq: j.Seq,
	}
	if status == 0 {
		return tenancy.Invalid("", ErrCorrupt, "unknown status %q", j.Status)
	}
	if z.Unwritable {
		return tenancy.Invalid("", ErrCorrupt, "a time cannot be written in zone %s as RFC 3339", j.Zone)
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*s = out
	return nil
}
