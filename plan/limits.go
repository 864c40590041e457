package plan

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// MaxStorageBytes bounds a plan's storage limit and, apart, the extra
// storage bought on top of it: 2^62 bytes, about 4.6 exabytes. Two such
// numbers add up to at most 2^63, one more than an int64 holds, so a quota
// (Engine.Limits, Engine.Restrictions) saturates at math.MaxInt64 instead
// of overflowing to a negative number.
const MaxStorageBytes = 1 << 62

// quota returns limit + extra, saturated at math.MaxInt64, or Unlimited
// for an unlimited plan. Neither is negative.
func quota(limit, extra int64) int64 {
	if limit == Unlimited {
		return Unlimited
	}
	if limit > math.MaxInt64-extra {
		return math.MaxInt64
	}
	return limit + extra
}

// Usage is what an account holds and uses, as the service measures it.
type Usage struct {
	Users        int64
	StorageBytes int64
	// Features lists the features the account is using now (automation
	// rules that run, a telephony number), so that a drop can say which
	// ones an administrator must turn off.
	Features []Feature
}

// Restrictions say what exceeds a plan's limits and what becomes of it
// (PLAN-08). Nothing is deleted: over-limit data keeps Access until the
// account is back within limits or upgrades.
type Restrictions struct {
	Plan PlanID
	// UsersOver and StorageOverBytes are by how much the account exceeds
	// the limits; zero when within them.
	UsersOver        int64
	StorageOverBytes int64
	// FeaturesOff are features in use that the plan lacks.
	FeaturesOff []Feature
	// Access is what users may still do with over-limit data.
	Access Access
	// Actions are the steps an administrator must take by hand to be back
	// within limits, in words.
	Actions []string
}

// Within reports whether nothing is over the limits.
func (r Restrictions) Within() bool {
	return r.UsersOver == 0 && r.StorageOverBytes == 0 && len(r.FeaturesOff) == 0
}

// Limits returns what s allows now: its plan's limits plus extra storage
// bought as an add-on.
func (e *Engine) Limits(s Subscription) Limits {
	pl := e.catalog.lookup(s.Plan)
	if pl == nil {
		return Limits{}
	}
	l := pl.Limits
	l.StorageBytes = quota(l.StorageBytes, max(0, s.AddOns.ExtraStorageBytes))
	return l
}

// RestrictionsOf reports what of usage u exceeds the limits s has now: its
// plan's, with the extra storage s has bought (PLAN-08). After a drop to
// free the add-on is gone, and so is its storage: the caller need not
// remember to pass it.
func (e *Engine) RestrictionsOf(s Subscription, u Usage) (Restrictions, error) {
	return e.Restrictions(s.Plan, s.AddOns.ExtraStorageBytes, u)
}

// Restrictions reports what of usage u exceeds plan id's limits, with
// extraStorage bytes of add-on storage on top of the plan's quota (PLAN-08).
// The quota with the add-on saturates at math.MaxInt64. RestrictionsOf
// asks the same of a subscription.
func (e *Engine) Restrictions(id PlanID, extraStorage int64, u Usage) (Restrictions, error) {
	pl := e.catalog.lookup(id)
	if pl == nil {
		return Restrictions{}, tenancy.Refuse("PLAN-01", ErrUnknownPlan, "no plan %q in the catalog", id)
	}
	if u.Users < 0 || u.StorageBytes < 0 || extraStorage < 0 {
		return Restrictions{}, tenancy.Refuse("PLAN-08", tenancy.ErrInvalid, "usage and extra storage cannot be negative")
	}
	r := Restrictions{Plan: id, Access: e.policy.OverLimit}
	if pl.Limits.Users != Unlimited && u.Users > pl.Limits.Users {
		r.UsersOver = u.Users - pl.Limits.Users
		r.Actions = append(r.Actions, fmt.Sprintf("dismiss %d of %d users (the %s plan has %d seats)", r.UsersOver, u.Users, pl.Name, pl.Limits.Users))
	}
	if q := quota(pl.Limits.StorageBytes, extraStorage); q != Unlimited && u.StorageBytes > q {
		r.StorageOverBytes = u.StorageBytes - q
		r.Actions = append(r.Actions, fmt.Sprintf("delete %d bytes (%s) of files; the quota is %s", r.StorageOverBytes, sizeString(r.StorageOverBytes), sizeString(q)))
	}
	for _, f := range u.Features {
		if !pl.Has(f) && !slices.Contains(r.FeaturesOff, f) {
			r.FeaturesOff = append(r.FeaturesOff, f)
			r.Actions = append(r.Actions, fmt.Sprintf("turn off %s, which the %s plan does not include", f, pl.Name))
		}
	}
	return r, nil
}

// Support is the kind of technical support a plan is entitled to (PLAN-11).
type Support uint8

// The support levels.
const (
	// SupportSelfService: manuals, help-desk articles, videos, webinars.
	SupportSelfService Support = iota + 1
	// SupportSpecialists: technical support from specialists, for
	// commercial plans only.
	SupportSpecialists
)

// String names the support level.
func (s Support) String() string {
	if s == SupportSpecialists {
		return "specialists"
	}
	return "self-service"
}

// Entitlements are what a plan gives an account beyond its limits.
type Entitlements struct {
	Plan     PlanID
	Support  Support
	Features []Feature
	Limits   Limits
}

// Entitlements returns what s's plan entitles the account to now: its
// features, its limits with add-ons, and specialist support on commercial
// plans only, self-service otherwise (PLAN-11).
func (e *Engine) Entitlements(s Subscription) Entitlements {
	pl := e.catalog.lookup(s.Plan)
	if pl == nil {
		return Entitlements{Plan: s.Plan, Support: SupportSelfService}
	}
	return Entitlements{Plan: pl.ID, Support: supportOf(pl.Kind), Features: slices.Clone(pl.Features), Limits: e.Limits(s)}
}

func supportOf(k Kind) Support {
	if k.Paid() {
		return SupportSpecialists
	}
	return SupportSelfService
}

// Impact is what a downgrade or cancellation will take away, for the
// administrator to read before confirming (PLAN-09).
type Impact struct {
	From, To PlanID
	// EffectiveAt is when the change takes effect: the end of the paid
	// period.
	EffectiveAt time.Time
	// LostFeatures are the current plan's features the target lacks.
	LostFeatures []Feature
	// Over is what the account's usage will exceed on the target plan.
	Over Restrictions
	// AddOnsDeactivated are the add-ons that end with the drop to free
	// (PLAN-07); zero for a downgrade to another paid plan.
	AddOnsDeactivated AddOns
	// CreditsForfeited is the telephony balance lost, never refunded.
	CreditsForfeited decimal.Decimal
	// SupportLost is true when specialist support ends (PLAN-11).
	SupportLost bool
}

// Impact previews moving s to plan to at the end of its period, given the
// account's usage u (PLAN-09). Use the free plan's ID to preview a
// cancellation. Nothing is changed. The network package adds what happens to
// a branch network.
func (e *Engine) Impact(s Subscription, to PlanID, u Usage) (Impact, error) {
	cur, tgt := e.catalog.lookup(s.Plan), e.catalog.lookup(to)
	if cur == nil {
		return Impact{}, tenancy.Refuse("PLAN-01", ErrUnknownPlan, "no plan %q in the catalog", s.Plan)
	}
	if tgt == nil {
		return Impact{}, tenancy.Refuse("PLAN-01", ErrUnknownPlan, "no plan %q in the catalog", to)
	}
	im := Impact{From: cur.ID, To: tgt.ID, EffectiveAt: s.End, CreditsForfeited: decimal.Zero}
	if d, ok := s.NextDeadline(); ok && s.Status == StatusGrace {
		im.EffectiveAt = d
	}
	for _, f := range cur.Features {
		if !tgt.Has(f) {
			im.LostFeatures = append(im.LostFeatures, f)
		}
	}
	extra := s.AddOns.ExtraStorageBytes
	if tgt.Kind == KindFree {
		im.AddOnsDeactivated = s.AddOns
		im.CreditsForfeited = s.AddOns.TelephonyCredits
		extra = 0
	}
	over, err := e.Restrictions(to, extra, u)
	if err != nil {
		return Impact{}, err
	}
	im.Over = over
	im.SupportLost = supportOf(cur.Kind) == SupportSpecialists && supportOf(tgt.Kind) != SupportSpecialists
	return im, nil
}

// sizeString writes a byte count in decimal units for people: "2.5 GB".
func sizeString(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTP"[exp])
}
