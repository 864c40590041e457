package plan

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// Engine applies the PLAN rules of one catalog under one policy. It holds no
// state of its own: every function takes a Subscription value and the
// current time and returns a new value. An *Engine is immutable and safe for
// concurrent use.
type Engine struct {
	catalog *Catalog
	policy  Policy
	free    *Plan
}

// NewEngine returns an engine for the catalog and policy, or an error if the
// catalog is nil, the policy invalid, or the policy's refund fee finer than
// the catalog currency's minor unit (PLAN-06).
func NewEngine(c *Catalog, p Policy) (*Engine, error) {
	if c == nil || len(c.plans) == 0 {
		return nil, tenancy.Invalid("PLAN-01", ErrCatalog, "no catalog")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if !c.currency.Whole(p.Refund.Fee) {
		return nil, tenancy.Invalid("PLAN-06", ErrPolicy, "Refund.Fee %s is finer than the %s minor unit", p.Refund.Fee, c.currency.Code)
	}
	return &Engine{catalog: c, policy: p, free: &c.plans[c.free]}, nil
}

// Catalog returns the engine's catalog.
func (e *Engine) Catalog() *Catalog { return e.catalog }

// Policy returns the engine's policy.
func (e *Engine) Policy() Policy { return e.policy }

// New returns a new account's subscription on the free plan, created at now
// in location loc (nil means UTC). Every day the rules count is a calendar
// day in loc. A now outside the times the library keeps (tenancy.CheckTime
// in loc: before tenancy.MinTime, at or after tenancy.MaxTime, or at an
// offset in loc that is not a whole minute) is refused with
// tenancy.ErrInvalid, so that every subscription can be stored and loaded
// again.
func (e *Engine) New(account tenancy.AccountID, loc *time.Location, now time.Time) (Subscription, error) {
	if loc == nil {
		loc = time.UTC
	}
	if err := tenancy.CheckTime(now, loc); err != nil {
		return Subscription{}, err
	}
	now = now.In(loc)
	return Subscription{Account: account, Plan: e.free.ID, Status: StatusFree, FreeSince: now, Updated: now}, nil
}

// Check validates s as Subscription.Validate does, and also against the
// engine's catalog: its plans exist and fit its status, the plan and period
// of a paid period and of a pending downgrade are sold, and every amount is
// a whole number of the catalog currency's minor units.
func (e *Engine) Check(s Subscription) error {
	if err := s.Validate(); err != nil {
		return err
	}
	p := e.catalog.lookup(s.Plan)
	if p == nil {
		return tenancy.Invalid("PLAN-01", ErrCorrupt, "plan %q is not in the catalog", s.Plan)
	}
	want := map[Status]func(Kind) bool{
		StatusFree:   func(k Kind) bool { return k == KindFree },
		StatusTrial:  func(k Kind) bool { return k == KindTrial || k.Paid() },
		StatusActive: Kind.Paid,
		StatusGrace:  Kind.Paid,
	}[s.Status]
	if !want(p.Kind) {
		return tenancy.Invalid("PLAN-01", ErrCorrupt, "status %s on a %s plan", s.Status, p.Kind)
	}
	if s.Paying() {
		if _, ok := p.Prices.For(s.Period); !ok {
			return tenancy.Invalid("PLAN-01", ErrCorrupt, "plan %s is not sold %s", p.ID, s.Period)
		}
	}
	if s.Pending.Kind == ChangeDowngrade {
		t := e.catalog.lookup(s.Pending.Plan)
		if t == nil || !t.Kind.Paid() {
			return tenancy.Invalid("PLAN-01", ErrCorrupt, "pending downgrade to %q, not a paid plan of the catalog", s.Pending.Plan)
		}
		// It would renew for nothing at period end (PLAN-03, PLAN-05).
		if _, ok := t.Prices.For(s.Pending.Period); !ok {
			return tenancy.Invalid("PLAN-03", ErrCorrupt, "pending downgrade to %s %s, which is not sold", t.ID, s.Pending.Period)
		}
	}
	cur := e.catalog.currency
	for _, m := range s.amounts() {
		if !cur.Whole(m.d) {
			return tenancy.Invalid("PLAN-06", ErrCorrupt, "%s %s is finer than the %s minor unit", m.name, m.d, cur.Code)
		}
	}
	return nil
}

// Advance moves s to now: every deadline at or before now fires in order,
// and each appends its events to dst, stamped with the deadline's own time.
// It returns the new subscription and the extended slice. When nothing is due
// it returns s and dst unchanged without allocating; with a dst of enough
// capacity it never allocates.
//
// Advance is the only way time moves a subscription. A now outside the
// times the library keeps (tenancy.CheckTime in s's zone) is refused with
// tenancy.ErrInvalid, and a now earlier than s.Updated with
// tenancy.ErrTimeWentBack; s is then returned as it was.
func (e *Engine) Advance(s Subscription, now time.Time, dst []Event) (Subscription, []Event, error) {
	if err := tenancy.CheckTime(now, s.Location()); err != nil {
		return s, dst, err
	}
	if now.Before(s.Updated) {
		return s, dst, timeWentBack(s, now)
	}
	for {
		d, ok := s.NextDeadline()
		if !ok || d.After(now) {
			return s, dst, nil
		}
		dst = e.fire(&s, d, dst)
	}
}

func timeWentBack(s Subscription, now time.Time) error {
	return tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before the subscription's last change at %v", now, s.Updated)
}

// fire applies the deadline at time at, which is s's next deadline.
func (e *Engine) fire(s *Subscription, at time.Time, dst []Event) []Event {
	s.Updated = at
	switch s.Status {
	case StatusTrial:
		return e.dropToFree(s, Event{Kind: EventTrialEnded}, at, dst)
	case StatusGrace:
		return e.dropToFree(s, Event{Kind: EventGraceEnded}, at, dst)
	}
	// StatusActive at period end.
	if s.Pending.Kind == ChangeCancel {
		return e.dropToFree(s, Event{Kind: EventRolledBack}, at, dst)
	}
	from := s.Plan
	if s.Pending.Kind == ChangeDowngrade {
		s.Plan, s.Period = s.Pending.Plan, s.Pending.Period
	}
	s.Pending = Change{}
	s.Start, s.End = at, e.periodEnd(at, s.Period.Months(), s.AnchorDay)
	price := e.price(s.Plan, s.Period)
	switch {
	case s.Renewal.IsPositive():
		s.Paid, s.Renewal = s.Renewal, decimal.Zero
		dst = append(dst, e.event(s, EventRenewed, at, Event{Until: s.End}))
	case s.Credit.GreaterThanOrEqual(price):
		s.Paid, s.Credit = price, s.Credit.Sub(price)
		dst = append(dst, e.event(s, EventRenewed, at, Event{Credit: price, Until: s.End}))
	default:
		s.Status = StatusGrace
		s.Paid, s.Due = decimal.Zero, price
		if !s.Credit.IsZero() {
			s.Due = price.Sub(s.Credit)
		}
		s.GraceEnd = at.AddDate(0, 0, e.policy.GraceDays)
		dst = append(dst, e.event(s, EventGraceStarted, at, Event{Amount: s.Due, Until: s.GraceEnd}))
	}
	if from != s.Plan {
		dst = append(dst, e.event(s, EventChangeApplied, at, Event{From: from}))
		dst = e.limitsReduced(s, from, at, dst)
	}
	return dst
}

// End ends s at once because its account is deleted (LIFE-05): a
// subscription that is not on free drops to it, with no refund, its
// add-ons deactivated (PLAN-07), and no deadline left, so that nothing
// renews or charges a deleted account. A free subscription is returned
// as it is. Events are appended to dst. An at outside the times the library
// keeps (tenancy.CheckTime in s's zone) is refused with tenancy.ErrInvalid,
// and s and dst are returned unchanged.
func (e *Engine) End(s Subscription, at time.Time, dst []Event) (Subscription, []Event, error) {
	if err := tenancy.CheckTime(at, s.Location()); err != nil {
		return s, dst, err
	}
	if s.Status == StatusFree {
		return s, dst, nil
	}
	at = at.In(s.Location())
	dst = e.dropToFree(&s, Event{Kind: EventEnded}, at, dst)
	return s, dst, nil
}

// dropToFree puts s on the free plan at time at, for the reason cause (an
// event whose Kind and details the caller sets; it is appended first):
// add-ons are deactivated and credits forfeited (PLAN-07), reduced limits
// reported (PLAN-08), and the inactivity count may start (LIFE-03).
func (e *Engine) dropToFree(s *Subscription, cause Event, at time.Time, dst []Event) []Event {
	from, addOns := s.Plan, s.AddOns
	*s = Subscription{
		Account:          s.Account,
		Plan:             e.free.ID,
		Status:           StatusFree,
		Credit:           s.Credit,
		TrialUsed:        s.TrialUsed,
		NetworkTrialUsed: s.NetworkTrialUsed,
		EverPaid:         s.EverPaid,
		FreeSince:        at,
		Updated:          at,
		Seq:              s.Seq,
	}
	cause.From = from
	dst = append(dst, e.event(s, cause.Kind, at, cause))
	if !addOns.IsZero() {
		dst = append(dst, e.event(s, EventAddOnsDeactivated, at,
			Event{From: from, Amount: addOns.TelephonyCredits, Bytes: addOns.ExtraStorageBytes}))
	}
	return e.limitsReduced(s, from, at, dst)
}

// limitsReduced appends EventLimitsReduced when s's plan allows less than
// plan from in any way: seats, storage or features (PLAN-08).
func (e *Engine) limitsReduced(s *Subscription, from PlanID, at time.Time, dst []Event) []Event {
	a, b := e.catalog.lookup(from), e.catalog.lookup(s.Plan)
	if a == nil || b == nil || !reduces(a, b) {
		return dst
	}
	return append(dst, e.event(s, EventLimitsReduced, at, Event{From: from}))
}

// reduces reports whether moving from plan a to plan b loses a seat, a byte
// of storage or a feature.
func reduces(a, b *Plan) bool {
	if less(b.Limits.Users, a.Limits.Users) || less(b.Limits.StorageBytes, a.Limits.StorageBytes) {
		return true
	}
	for _, f := range a.Features {
		if !b.Has(f) {
			return true
		}
	}
	return false
}

// price returns the catalog price of plan id for period p, or zero.
func (e *Engine) price(id PlanID, p Period) decimal.Decimal {
	if pl := e.catalog.lookup(id); pl != nil {
		d, _ := pl.Prices.For(p)
		return d
	}
	return decimal.Zero
}

// event completes d, which carries a kind's details (amounts, deadlines,
// notes), into an event of kind k on s at time at. A d without a Rule gets
// the kind's.
func (e *Engine) event(s *Subscription, k EventKind, at time.Time, d Event) Event {
	s.Seq++
	d.Kind, d.Account, d.At, d.Plan, d.Seq = k, s.Account, at, s.Plan, s.Seq
	if d.Rule == "" {
		d.Rule = k.Rule()
	}
	return d
}

// Project returns every event that will happen to s after its last change if
// nobody acts: no command, no payment. The timeline ends when s reaches a
// state with no deadline (the free plan), which it always does: with nobody
// paying, a paid period ends in grace and grace ends on free.
//
// A deadline at or after tenancy.MaxTime never fires, since Advance refuses
// such times, so the timeline stops before it.
func (e *Engine) Project(s Subscription) []Event {
	var out []Event
	for range maxProjectedDeadlines {
		d, ok := s.NextDeadline()
		if !ok || !d.Before(tenancy.MaxTime) {
			break
		}
		out = e.fire(&s, d, out)
	}
	return out
}

// maxProjectedDeadlines bounds Project. A subscription reaches free within
// three deadlines (period end, grace end) unless account credit pays
// renewals, one period per deadline.
const maxProjectedDeadlines = 1000

// Apply runs cmd against s at time now. It first advances s to now exactly
// as Advance does (and so refuses a now outside the times the library
// keeps, or earlier than s.Updated), so a command never acts on a state
// whose deadlines have passed; the events of that advance come first in the
// result. It returns
// the new subscription and every event, or an error naming the rule that
// refused the command, in which case the returned subscription is s
// unchanged and no event is returned.
//
// Apply commits nothing, so it is also the preview of a command: call it,
// show the events, and keep the result only when the administrator
// confirms.
func (e *Engine) Apply(s Subscription, now time.Time, cmd Command) (Subscription, []Event, error) {
	if cmd == nil {
		return s, nil, tenancy.Refuse("", tenancy.ErrInvalid, "no command")
	}
	// An out-of-range time comes before every other refusal: no state can
	// make it valid.
	if err := tenancy.CheckTime(now, s.Location()); err != nil {
		return s, nil, err
	}
	if err := authorize(cmd); err != nil {
		return s, nil, err
	}
	t, evs, err := e.Advance(s, now, nil)
	if err != nil {
		return s, nil, err
	}
	now = now.In(s.Location())
	evs, err = cmd.run(e, &t, now, evs)
	if err != nil {
		return s, nil, err
	}
	if err := balancesInRange(t); err != nil {
		return s, nil, err
	}
	t.Updated = now
	return t, evs, nil
}

// balancesInRange refuses a command whose result would hold a balance of
// 10^MaxAmountDigits or more, which no stored state may hold. The other
// amounts are a catalog price or less; the balances grow by sums.
func balancesInRange(s Subscription) error {
	for _, b := range [...]struct {
		name string
		d    decimal.Decimal
	}{{"account credit", s.Credit}, {"telephony credits", s.AddOns.TelephonyCredits}} {
		if !b.d.IsZero() && !inRange(b.d) {
			return tenancy.Refuse("", tenancy.ErrInvalid, "the %s would reach %s, not less than 10^%d", b.name, amountString(b.d), MaxAmountDigits)
		}
	}
	return nil
}
