package plan

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// Status is where a subscription stands.
type Status uint8

// The statuses.
const (
	// StatusFree: on the free plan, nothing to pay, no deadline.
	StatusFree Status = iota + 1
	// StatusTrial: on the trial plan until End (PLAN-10).
	StatusTrial
	// StatusActive: on a paid plan, paid through End.
	StatusActive
	// StatusGrace: the period that began at Start is unpaid; the plan is
	// kept until GraceEnd (PLAN-14).
	StatusGrace
)

var statusNames = [...]string{"", "free", "trial", "active", "grace"}

// String returns "free", "trial", "active" or "grace".
func (s Status) String() string {
	if s >= StatusFree && s <= StatusGrace {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// ChangeKind says what a pending change will do at period end.
type ChangeKind uint8

// The pending change kinds.
const (
	// NoChange: nothing is pending; auto-renewal is on.
	NoChange ChangeKind = iota
	// ChangeDowngrade: at period end the next period is on a smaller plan
	// or a shorter period (PLAN-03).
	ChangeDowngrade
	// ChangeCancel: auto-renewal is off; at period end the account rolls
	// back to free (PLAN-04).
	ChangeCancel
)

// String returns "none", "downgrade" or "cancel".
func (k ChangeKind) String() string {
	switch k {
	case NoChange:
		return "none"
	case ChangeDowngrade:
		return "downgrade"
	case ChangeCancel:
		return "cancel"
	}
	return fmt.Sprintf("ChangeKind(%d)", uint8(k))
}

// Change is the one change that may wait for the end of the current period
// (PLAN-03).
type Change struct {
	Kind ChangeKind
	// Plan and Period are the next period's, for a downgrade.
	Plan   PlanID
	Period Period
	// Since is when the change was asked for.
	Since time.Time
	// Reason is the reason for leaving given with a cancellation (PLAN-13).
	Reason string
}

// AddOns are the extras bought on top of a paid plan (PLAN-07).
type AddOns struct {
	// TelephonyCredits is the prepaid telephony balance. It is never
	// refunded and is forfeited when the account drops to free.
	TelephonyCredits decimal.Decimal
	// ExtraStorageBytes is storage added to the plan's quota.
	ExtraStorageBytes int64
}

// IsZero reports whether there are no add-ons.
func (a AddOns) IsZero() bool { return a.TelephonyCredits.IsZero() && a.ExtraStorageBytes == 0 }

// Subscription is one account's subscription as a plain value: copy it,
// compare it, store it as JSON. Every method and every Engine function
// returns a new value and leaves its argument untouched.
//
// All times are in the subscription's location, which Engine.New sets and
// JSON keeps by name: a day is a calendar day there.
type Subscription struct {
	Account tenancy.AccountID
	// Plan is the plan in effect now.
	Plan   PlanID
	Status Status
	// Period and AnchorDay describe the billing cycle of a paid plan: the
	// period length and the day of the month every period ends on when the
	// month has it (PLAN-05). Both are zero on free and trial.
	Period    Period
	AnchorDay int
	// Start and End bound the current paid period or trial.
	Start, End time.Time
	// GraceEnd is when grace runs out, in StatusGrace (PLAN-14).
	GraceEnd time.Time
	// Paid is what the current period cost: the base of proration and
	// refunds. Due is what is owed in grace.
	Paid, Due decimal.Decimal
	// Renewal is what was paid for the next period bought early (PLAN-03);
	// zero when none.
	Renewal decimal.Decimal
	// Credit is account credit: the part of an upgrade's credit that the new
	// price did not use. It pays future charges first.
	Credit decimal.Decimal
	// Pending is the change waiting for period end, if any.
	Pending Change
	AddOns  AddOns
	// TrialUsed records the one ordinary trial (PLAN-10); NetworkTrialUsed
	// the one trial a branch network may grant again (NET-06).
	TrialUsed, NetworkTrialUsed bool
	// EverPaid records that the account has had a paid plan.
	EverPaid bool
	// FreeSince is when the account last came onto the free plan: its
	// creation or its latest drop. Inactivity rules count from it (LIFE-03).
	FreeSince time.Time
	// Updated is the time of the last change. Commands at an earlier time
	// are refused.
	Updated time.Time
	// Seq counts the events the subscription has produced. Each event
	// carries its number, which makes event IDs unique and, for the same
	// state advanced to the same time, the same again.
	Seq uint64
}

// Location returns the subscription's time zone.
func (s Subscription) Location() *time.Location { return s.Updated.Location() }

// AutoRenew reports whether the current paid period will renew: true unless
// a cancellation is pending (PLAN-04). It is false on free and trial.
func (s Subscription) AutoRenew() bool {
	return (s.Status == StatusActive || s.Status == StatusGrace) && s.Pending.Kind != ChangeCancel
}

// Paying reports whether the account is on a paid plan now, in a paid
// period or in grace.
func (s Subscription) Paying() bool { return s.Status == StatusActive || s.Status == StatusGrace }

// NextDeadline returns the next instant at which the subscription changes by
// itself (a trial or period end, or grace running out), and false when it
// has none (on free). A service indexes this one timestamp per account and
// calls Engine.Advance when it comes.
//
// Its receiver is a pointer, unlike Subscription's other methods, so that
// reading it does not copy the subscription.
func (s *Subscription) NextDeadline() (time.Time, bool) {
	switch s.Status {
	case StatusTrial, StatusActive:
		return s.End, true
	case StatusGrace:
		return s.GraceEnd, true
	}
	return time.Time{}, false
}

// ErrCorrupt is matched by errors of Subscription.Validate and of decoding a
// subscription that breaks an invariant; it wraps tenancy.ErrInvalid.
var ErrCorrupt = tenancy.Kind("subscription state", tenancy.ErrInvalid)

// Validate checks the invariants a subscription holds whatever its catalog:
// fields that belong to another status are zero, periods run forward (a
// trial or period lasts at most MaxTrialDays+1 days), amounts are not
// negative, less than 10^MaxAmountDigits and no finer than any currency's
// minor unit (four digits), at most one change is pending, and no deadline
// lies before the last change. The instants at which something happened (Updated,
// FreeSince, Start, Pending.Since) lie in the range tenancy.CheckTime
// accepts, in the subscription's zone, as every command's time does: a state
// the engine cannot make is refused. Engine.Check adds the checks that need
// the catalog.
func (s Subscription) Validate() error {
	bad := func(format string, args ...any) error {
		return tenancy.Invalid("", ErrCorrupt, format, args...)
	}
	if s.Plan == "" {
		return bad("no plan")
	}
	if s.Updated.IsZero() {
		return bad("no time of last change")
	}
	for _, m := range s.instants() {
		if m.t.IsZero() {
			continue
		}
		if err := tenancy.CheckTime(m.t, s.Location()); err != nil {
			return bad("%s: %s", m.name, reason(err))
		}
	}
	for _, m := range s.amounts() {
		switch {
		case !inRange(m.d):
			return bad("%s %s is not less than 10^%d", m.name, amountString(m.d), MaxAmountDigits)
		case m.d.IsNegative():
			return bad("%s is negative (%s)", m.name, m.d)
		case !(Currency{Minor: maxMinorDigits}).Whole(m.d):
			return bad("%s %s is finer than any currency's minor unit", m.name, m.d)
		}
	}
	if s.AddOns.ExtraStorageBytes < 0 || s.AddOns.ExtraStorageBytes > MaxStorageBytes {
		return bad("AddOns.ExtraStorageBytes %d is outside 0 to %d", s.AddOns.ExtraStorageBytes, int64(MaxStorageBytes))
	}
	if s.Pending.Kind > ChangeCancel {
		return bad("unknown pending change %v", s.Pending.Kind)
	}
	if s.Pending.Kind != NoChange && s.Status != StatusActive {
		return bad("a %s is pending in status %s", s.Pending.Kind, s.Status)
	}
	if s.Pending.Kind == ChangeDowngrade && (s.Pending.Plan == "" || s.Pending.Period.Months() == 0) {
		return bad("a pending downgrade without a target plan and period")
	}
	if s.Pending.Kind != ChangeDowngrade && (s.Pending.Plan != "" || s.Pending.Period != 0) {
		return bad("a pending %s with a target plan", s.Pending.Kind)
	}
	if s.Pending.Kind == NoChange && (!s.Pending.Since.IsZero() || s.Pending.Reason != "") {
		return bad("no change pending, yet a time or reason is recorded")
	}
	switch s.Status {
	case StatusFree:
		if s.Period != 0 || s.AnchorDay != 0 || !s.Start.IsZero() || !s.End.IsZero() || !s.GraceEnd.IsZero() {
			return bad("a free subscription with a billing period")
		}
		if !s.Paid.IsZero() || !s.Due.IsZero() || !s.Renewal.IsZero() || !s.AddOns.IsZero() {
			return bad("a free subscription with paid amounts or add-ons")
		}
		if s.FreeSince.IsZero() || s.FreeSince.After(s.Updated) {
			return bad("a free subscription must record when it became free, no later than its last change")
		}
	case StatusTrial:
		if !s.TrialUsed && !s.NetworkTrialUsed {
			return bad("a trial that is not recorded as used")
		}
		if s.Period != 0 || s.AnchorDay != 0 || !s.GraceEnd.IsZero() || !s.Paid.IsZero() || !s.Due.IsZero() || !s.Renewal.IsZero() || !s.AddOns.IsZero() {
			return bad("a trial with billing fields")
		}
		if !s.End.After(s.Start) {
			return bad("a trial that ends (%v) no later than it starts (%v)", s.End, s.Start)
		}
	case StatusActive, StatusGrace:
		if s.Period.Months() == 0 {
			return bad("a paid subscription without a billing period")
		}
		if s.AnchorDay < 1 || s.AnchorDay > 31 {
			return bad("anchor day %d is outside 1 to 31", s.AnchorDay)
		}
		if !s.End.After(s.Start) {
			return bad("a period that ends (%v) no later than it starts (%v)", s.End, s.Start)
		}
		if !s.EverPaid {
			return bad("a paid subscription not recorded as ever paid")
		}
		if s.Status == StatusActive && (!s.GraceEnd.IsZero() || !s.Due.IsZero()) {
			return bad("an active subscription with grace fields")
		}
		if s.Status == StatusGrace {
			if s.GraceEnd.Before(s.Start) || s.GraceEnd.After(s.End) {
				return bad("grace end %v outside the unpaid period", s.GraceEnd)
			}
			if !s.Due.IsPositive() || !s.Paid.IsZero() || !s.Renewal.IsZero() {
				return bad("grace needs an amount due and nothing paid")
			}
		}
	default:
		return bad("unknown status %v", s.Status)
	}
	if (s.Status == StatusTrial || s.Paying()) && s.End.After(s.Start.AddDate(0, 0, maxTermDays)) {
		return bad("a %s from %v to %v lasts longer than %d days", s.Status, s.Start, s.End, maxTermDays)
	}
	if d, ok := s.NextDeadline(); ok && d.Before(s.Updated) {
		return bad("deadline %v lies before the last change %v", d, s.Updated)
	}
	if s.Start.After(s.Updated) {
		return bad("the period starts (%v) after the last change (%v)", s.Start, s.Updated)
	}
	return nil
}

// maxTermDays bounds the calendar days of a trial (MaxTrialDays) or of a
// paid period (a year, 366 days at most), with a day to spare for a
// daylight-saving shift. A later End is no state the engine makes.
const maxTermDays = MaxTrialDays + 1

type namedTime struct {
	name string
	t    time.Time
}

// instants returns the times at which something happened to s, which a
// command's time bounds; End and GraceEnd, derived from them, are not.
func (s Subscription) instants() [4]namedTime {
	return [...]namedTime{{"Updated", s.Updated}, {"FreeSince", s.FreeSince}, {"Start", s.Start}, {"Pending.Since", s.Pending.Since}}
}

type namedAmount struct {
	name string
	d    decimal.Decimal
}

// amounts returns s's amounts with their field names.
func (s Subscription) amounts() [5]namedAmount {
	return [...]namedAmount{{"Paid", s.Paid}, {"Due", s.Due}, {"Renewal", s.Renewal}, {"Credit", s.Credit}, {"AddOns.TelephonyCredits", s.AddOns.TelephonyCredits}}
}

// reason returns the reason of a *tenancy.RuleError, or err's text.
func reason(err error) string {
	var re *tenancy.RuleError
	if errors.As(err, &re) {
		return re.Reason
	}
	return err.Error()
}

// MarshalText encodes the change kind as "", "downgrade" or "cancel".
func (k ChangeKind) MarshalText() ([]byte, error) {
	switch k {
	case NoChange:
		return []byte{}, nil
	case ChangeDowngrade, ChangeCancel:
		return []byte(k.String()), nil
	}
	return nil, fmt.Errorf("plan: cannot encode %v", k)
}

// UnmarshalText decodes a change kind from its name.
func (k *ChangeKind) UnmarshalText(b []byte) error {
	switch string(b) {
	case "", "none":
		*k = NoChange
	case "downgrade":
		*k = ChangeDowngrade
	case "cancel":
		*k = ChangeCancel
	default:
		return fmt.Errorf("plan: unknown pending change %q", b)
	}
	return nil
}
