package export

import (
	"fmt"
	"slices"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// Access is what remains of a category's data once its deadline has passed.
type Access uint8

// The access levels after a deadline, from the mildest.
const (
	// AccessReadDelete: the data is over the new plan's limits; users may
	// read and delete it but not add or change (PLAN-08).
	AccessReadDelete Access = iota + 1
	// AccessReadOnly: over the limits and read-only (PLAN-08).
	AccessReadOnly
	// AccessHidden: over the limits and hidden until the account is back
	// within them; it is kept intact (PLAN-08).
	AccessHidden
	// AccessBlocked: the account is blocked, by the plan compatibility
	// check of its network (NET-07, NET-09); nobody can use it until the
	// cause is removed, and nothing is deleted (LIFE-08).
	AccessBlocked
	// AccessSuspended: the account is suspended; nobody can use it until
	// an administrator restores it (LIFE-01, LIFE-04).
	AccessSuspended
	// AccessPurged: the data is deleted for good (LIFE-04, LIFE-05).
	AccessPurged
)

// String names the access level, for example "read-delete".
func (a Access) String() string {
	switch a {
	case AccessReadDelete:
		return "read-delete"
	case AccessReadOnly:
		return "read-only"
	case AccessHidden:
		return "hidden"
	case AccessBlocked:
		return "blocked"
	case AccessSuspended:
		return "suspended"
	case AccessPurged:
		return "purged"
	}
	return fmt.Sprintf("Access(%d)", uint8(a))
}

// Readable reports whether users can still read the data, and so export
// it, at this access level.
func (a Access) Readable() bool { return a == AccessReadDelete || a == AccessReadOnly }

func accessOf(a plan.Access) Access {
	switch a {
	case plan.AccessReadOnly:
		return AccessReadOnly
	case plan.AccessNone:
		return AccessHidden
	}
	return AccessReadDelete
}

// Deadline is when an account's data in one category stops being fully
// accessible, if nobody acts (EXP-02).
type Deadline struct {
	Category Category
	// At is the moment access shrinks: an export must be finished before
	// it. It is the instant of the projected event that causes it, exactly
	// as lifecycle.Engine.Project reports it. Zero when nothing in the
	// projection ever restricts the category.
	At time.Time
	// Access is what remains from At on.
	Access Access
	// Rule is the rule of the event at At: PLAN-08 for a smaller plan
	// (after a downgrade, a cancellation, a trial's or a grace's end),
	// LIFE-08 for a block, LIFE-01 for a suspension, LIFE-04 for a deletion.
	Rule tenancy.RuleID
	// Lost is when the data can no longer be read at all: At itself when
	// Access is not readable, a later suspension or deletion otherwise.
	// Zero when the projection never takes read access away.
	Lost time.Time
	// Reason says what happens at At, in words.
	Reason string
}

// Due reports whether the deadline exists, that is whether At is set.
func (d Deadline) Due() bool { return !d.At.IsZero() }

// String returns the deadline as one line.
func (d Deadline) String() string {
	if !d.Due() {
		return fmt.Sprintf("%s: no deadline", d.Category)
	}
	return fmt.Sprintf("%s: before %s (%s): %s", d.Category, d.At.Format(time.RFC3339), d.Rule, d.Reason)
}

// Deadlines returns, for every category account a holds something of
// (h, as in Checklist), the last moment its data stays fully accessible if
// nobody acts from now on: no login, no payment, no command (EXP-02). The
// moments come from the projection of a advanced to now
// (lifecycle.Engine.Project), so they agree with it to the nanosecond:
//
//   - a smaller plan taking effect (a scheduled downgrade, a cancellation at
//     period end, the end of a trial or of grace) restricts a category when
//     the plan lacks its feature, and the documents when the storage in use
//     exceeds the plan's quota (PLAN-08); a category the plan in effect now
//     already restricts loses nothing more then, so its deadline is the
//     next loss of access below;
//   - a block the account has scheduled (the plan compatibility check of
//     its network, NET-07 and NET-09) makes everything unusable until its
//     cause is removed (LIFE-08);
//   - the suspension of an inactive free account makes everything
//     unusable until a restore (LIFE-01);
//   - the purge deletes everything (LIFE-04).
//
// The result is sorted by At, earliest first, with categories that have no
// deadline last; ties keep checklist order. Deadlines never changes a: it
// works on a copy (EXP-04). An account that is already suspended or blocked
// must be restored or unblocked before anyone can export: see
// lifecycle.Account.Usable.
func Deadlines(eng *lifecycle.Engine, a lifecycle.Account, now time.Time, h Holdings) ([]Deadline, error) {
	if eng == nil {
		return nil, tenancy.Refuse("EXP-02", tenancy.ErrInvalid, "no lifecycle engine")
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	// Advance works on its own copy of a; a itself is never changed (EXP-04).
	cur, _, err := eng.Advance(a, now, nil)
	if err != nil {
		return nil, err
	}
	if cur.Stage == lifecycle.StageDeleted {
		return nil, tenancy.Refuse("EXP-02", lifecycle.ErrDeleted, "account %s is deleted: nothing is left to export", a.ID)
	}
	var out []Deadline
	for _, s := range specs {
		if h.Count(s.cat) > 0 {
			out = append(out, Deadline{Category: s.cat})
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	extra := cur.Sub.AddOns.ExtraStorageBytes
	// A category the plan in effect already restricts loses nothing more
	// when a smaller plan takes effect: its deadline is the next loss of
	// access, the suspension or the purge (PLAN-08, LIFE-01).
	already, err := restricted(eng, cur, h)
	if err != nil {
		return nil, err
	}
	for _, eff := range eng.Project(cur) {
		switch {
		case eff.Kind == lifecycle.EffectSuspend:
			settle(out, eff.At, AccessSuspended, "LIFE-01",
				fmt.Sprintf("the account is suspended for inactivity; nobody can use it until an administrator restores it, and it is deleted on %s", eff.Deadline.Format(time.DateOnly)))
		case eff.Kind == lifecycle.EffectPurge:
			settle(out, eff.At, AccessPurged, "LIFE-04", "the account is deleted with all its data")
		case eff.Kind == lifecycle.EffectBlock:
			settle(out, eff.At, AccessBlocked, "LIFE-08",
				fmt.Sprintf("the account is blocked (%s); nobody can use it until the cause is removed, and nothing is deleted", eff.Cause))
		case eff.Kind == lifecycle.EffectPlan && eff.Plan.Kind == plan.EventAddOnsDeactivated:
			extra = 0
		case eff.Kind == lifecycle.EffectPlan && eff.Plan.Kind == plan.EventLimitsReduced:
			pl, over, err := limitsOf(eng, eff.Plan.Plan, extra, h)
			if err != nil {
				return nil, err
			}
			access := accessOf(over.Access)
			for i := range out {
				d := &out[i]
				if d.Due() || already[d.Category] {
					continue
				}
				s, _ := lookup(d.Category)
				why, what := restriction(pl, over, s)
				if why == "" {
					continue
				}
				d.At, d.Access, d.Rule = eff.At, access, "PLAN-08"
				d.Reason = fmt.Sprintf("the %s plan takes effect and %s: the %s become %s", pl.Name, why, what, access)
				if !access.Readable() {
					d.Lost = d.At
				}
			}
		}
	}
	if cur.Stage == lifecycle.StageSuspended {
		for i := range out {
			out[i].Reason += fmt.Sprintf("; the account is suspended since %s: restore it to export", cur.SuspendedAt.Format(time.DateOnly))
		}
	}
	slices.SortStableFunc(out, func(x, y Deadline) int {
		switch {
		case x.Due() && !y.Due():
			return -1
		case !x.Due() && y.Due():
			return 1
		}
		return x.At.Compare(y.At)
	})
	return out, nil
}

// restricted reports the categories that a's plan in effect already
// restricts for an account holding h (PLAN-08).
func restricted(eng *lifecycle.Engine, a lifecycle.Account, h Holdings) (map[Category]bool, error) {
	pl, over, err := limitsOf(eng, a.Sub.Plan, a.Sub.AddOns.ExtraStorageBytes, h)
	if err != nil {
		return nil, err
	}
	out := map[Category]bool{}
	for _, s := range specs {
		if why, _ := restriction(pl, over, s); why != "" {
			out[s.cat] = true
		}
	}
	return out, nil
}

// limitsOf returns plan id and what of h exceeds its limits with extra
// bytes of add-on storage.
func limitsOf(eng *lifecycle.Engine, id plan.PlanID, extra int64, h Holdings) (plan.Plan, plan.Restrictions, error) {
	plans := eng.Plans()
	pl, ok := plans.Catalog().Plan(id)
	if !ok {
		return plan.Plan{}, plan.Restrictions{}, tenancy.Refuse("PLAN-01", plan.ErrUnknownPlan, "no plan %q in the catalog", id)
	}
	over, err := plans.Restrictions(pl.ID, extra, plan.Usage{StorageBytes: h.StorageBytes})
	return pl, over, err
}

// restriction says in words why plan pl restricts category s and what of
// it, or returns "" when it does not: the plan lacks the category's
// feature, or, for the documents, the storage in use exceeds its quota
// (PLAN-08).
func restriction(pl plan.Plan, over plan.Restrictions, s spec) (why, what string) {
	switch {
	case !pl.Has(s.feature):
		return fmt.Sprintf("lacks %s", s.feature), s.label
	case s.cat == Documents && over.StorageOverBytes > 0:
		return fmt.Sprintf("the storage in use exceeds its quota by %d bytes", over.StorageOverBytes), "documents over it"
	}
	return "", ""
}

// settle gives every category without a deadline this one, and every
// category whose data is still readable the moment it is lost.
func settle(out []Deadline, at time.Time, access Access, rule tenancy.RuleID, reason string) {
	for i := range out {
		d := &out[i]
		if !d.Due() {
			d.At, d.Access, d.Rule, d.Reason = at, access, rule, reason
		}
		if d.Lost.IsZero() {
			d.Lost = at
		}
	}
}
