package plan

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// The refusals specific to plans. Each wraps one of tenancy's sentinels, so
// errors.Is(err, tenancy.ErrRefused) matches ErrPendingChange too.
var (
	// ErrUnknownPlan: the command names a plan the catalog lacks (PLAN-01).
	ErrUnknownPlan = tenancy.Kind("unknown plan", tenancy.ErrNotFound)
	// ErrTrialUsed: the account has had its trial (PLAN-10).
	ErrTrialUsed = tenancy.Kind("trial already used", tenancy.ErrRefused)
	// ErrPendingChange: a change is already waiting for period end; only one
	// may (PLAN-03).
	ErrPendingChange = tenancy.Kind("a change is already pending", tenancy.ErrRefused)
	// ErrTooEarly: the renewal window has not opened yet (PLAN-03).
	ErrTooEarly = tenancy.Kind("too early to renew", tenancy.ErrRefused)
	// ErrOnPremise: on-premise licences are not cancelled or downgraded
	// self-service; the account manager handles them (PLAN-12).
	ErrOnPremise = tenancy.Kind("on-premise licence", tenancy.ErrRefused)
	// ErrStatus: the subscription's status does not allow the command (a
	// purchase while paying, a payment while nothing is due).
	ErrStatus = tenancy.Kind("not allowed in this status", tenancy.ErrRefused)
)

// Command is something an actor asks of a subscription. The commands are the
// types of this package listed below; pass one to Engine.Apply.
type Command interface {
	// Actor returns who issues the command.
	Actor() tenancy.Actor
	// adminOnly reports whether only an administrator may issue it
	// (PLAN-02); otherwise the service may too.
	adminOnly() bool
	run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error)
}

// Authorize reports whether c's actor may issue c at all (PLAN-02): plan
// changes, auto-renewal, cancellation and purchases are an administrator's;
// payments, early renewals and telephony use may also be recorded by the
// service. Nobody else may do anything. Engine.Apply calls it first; a
// caller that wraps plan commands may call it to refuse early.
func Authorize(c Command) error {
	if c == nil {
		return tenancy.Refuse("", tenancy.ErrInvalid, "no command")
	}
	return authorize(c)
}

func authorize(c Command) error {
	a := c.Actor()
	switch {
	case a.Role == tenancy.RoleAdministrator:
		return nil
	case a.Role == tenancy.RoleService && !c.adminOnly():
		return nil
	case c.adminOnly():
		return tenancy.Refuse("PLAN-02", tenancy.ErrUnauthorized,
			"only an account administrator may %s; %v is not one", describe(c), a)
	default:
		return tenancy.Refuse("PLAN-02", tenancy.ErrUnauthorized,
			"only an account administrator or the service may %s; %v is neither", describe(c), a)
	}
}

func describe(c Command) string {
	switch c.(type) {
	case StartTrial:
		return "start a trial"
	case Purchase:
		return "buy a plan"
	case ChangePlan:
		return "change the plan"
	case Cancel:
		return "cancel the subscription"
	case UndoChange:
		return "undo a pending change"
	case SetAutoRenew:
		return "turn auto-renewal on or off"
	case Renew:
		return "buy a renewal"
	case RecordPayment, RecordPaymentFailure:
		return "record a payment"
	case BuyTelephonyCredits, BuyExtraStorage:
		return "buy an add-on"
	case UseTelephonyCredits:
		return "spend telephony credits"
	}
	return fmt.Sprintf("%T", c)
}

// StartTrial starts the trial ("test mode") from the free plan (PLAN-10).
// An account gets one trial; a branch network may grant one more (NET-06),
// which the network package asks for with Network set.
type StartTrial struct {
	By tenancy.Actor
	// Network marks the trial granted to a free account that joins a branch
	// network (NET-06). It is counted apart from the ordinary trial.
	Network bool
	// Days overrides the policy's TrialDays when positive.
	Days int
}

// Purchase buys a paid plan from the free plan or during a trial. The period
// starts now and is anchored on today's date (PLAN-05); account credit pays
// first.
type Purchase struct {
	By     tenancy.Actor
	Plan   PlanID
	Period Period
}

// ChangePlan moves a paying subscription to another plan or period. A move
// up (a higher rank, or the same plan for a longer period) is an upgrade and
// happens at once, prorated: the unused part of the current period is
// credited against the new price (PLAN-03). A move down waits for the end of
// the period (PLAN-03). A move to the free plan is a cancellation (PLAN-04).
type ChangePlan struct {
	By     tenancy.Actor
	Plan   PlanID
	Period Period
}

// Cancel turns auto-renewal off: paid features stay until the period ends,
// then the account rolls back to free (PLAN-04). The reason is recorded and
// passed to the policy's retention offer, and the owner gets a confirmation
// (PLAN-13). With Now set the period ends at once instead, with the refund
// the policy allows (PLAN-06). During a trial Cancel ends the trial; in grace
// it drops to free at once, since nothing was paid.
type Cancel struct {
	By     tenancy.Actor
	Reason string
	Now    bool
}

// UndoChange withdraws the pending downgrade or cancellation (PLAN-03).
type UndoChange struct{ By tenancy.Actor }

// SetAutoRenew turns auto-renewal off (exactly as Cancel without a reason)
// or back on (exactly as UndoChange of a pending cancellation) (PLAN-04).
type SetAutoRenew struct {
	By tenancy.Actor
	On bool
}

// Renew buys the next period before the current one ends, no earlier than
// the policy's RenewalWindowDays before its end (PLAN-03). It is on the plan
// and period the next period will have, a pending downgrade included.
type Renew struct{ By tenancy.Actor }

// RecordPayment records that the amount due in grace was paid (PLAN-14). The
// amount must be exactly the amount due.
type RecordPayment struct {
	By     tenancy.Actor
	Amount decimal.Decimal
}

// RecordPaymentFailure records that charging the amount due in grace failed
// (PLAN-14); the grace deadline does not move.
type RecordPaymentFailure struct {
	By     tenancy.Actor
	Reason string
}

// BuyTelephonyCredits adds prepaid telephony credits to a paid plan
// (PLAN-07). Credits are never refunded.
type BuyTelephonyCredits struct {
	By     tenancy.Actor
	Amount decimal.Decimal
}

// UseTelephonyCredits records credits spent on calls (PLAN-07).
type UseTelephonyCredits struct {
	By     tenancy.Actor
	Amount decimal.Decimal
}

// BuyExtraStorage adds storage to a paid plan's quota for Price (PLAN-07).
type BuyExtraStorage struct {
	By    tenancy.Actor
	Bytes int64
	Price decimal.Decimal
}

// Actor returns who issues the command.
func (c StartTrial) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c Purchase) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c ChangePlan) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c Cancel) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c UndoChange) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c SetAutoRenew) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c Renew) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c RecordPayment) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c RecordPaymentFailure) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c BuyTelephonyCredits) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c UseTelephonyCredits) Actor() tenancy.Actor { return c.By }

// Actor returns who issues the command.
func (c BuyExtraStorage) Actor() tenancy.Actor { return c.By }

func (StartTrial) adminOnly() bool           { return true }
func (Purchase) adminOnly() bool             { return true }
func (ChangePlan) adminOnly() bool           { return true }
func (Cancel) adminOnly() bool               { return true }
func (UndoChange) adminOnly() bool           { return true }
func (SetAutoRenew) adminOnly() bool         { return true }
func (Renew) adminOnly() bool                { return false }
func (RecordPayment) adminOnly() bool        { return false }
func (RecordPaymentFailure) adminOnly() bool { return false }
func (BuyTelephonyCredits) adminOnly() bool  { return true }
func (UseTelephonyCredits) adminOnly() bool  { return false }
func (BuyExtraStorage) adminOnly() bool      { return true }

func (c StartTrial) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	rule := tenancy.RuleID("PLAN-10")
	if c.Network {
		rule = "NET-06"
	}
	switch {
	case c.Days < 0 || c.Days > MaxTrialDays:
		return nil, tenancy.Refuse(rule, tenancy.ErrInvalid, "trial length %d days is outside 0 to %d", c.Days, MaxTrialDays)
	case s.Status != StatusFree:
		return nil, tenancy.Refuse(rule, ErrStatus, "a trial starts from the free plan; the account is %s on %s", s.Status, s.Plan)
	case c.Network && s.NetworkTrialUsed:
		return nil, tenancy.Refuse(rule, ErrTrialUsed, "the account already had its branch-network trial")
	case !c.Network && s.TrialUsed:
		return nil, tenancy.Refuse(rule, ErrTrialUsed, "the account already had its trial; buy a plan instead")
	}
	tp, ok := e.catalog.Trial()
	if !ok {
		return nil, tenancy.Refuse(rule, ErrUnknownPlan, "the catalog has no trial plan")
	}
	days := e.policy.TrialDays
	if c.Days > 0 {
		days = c.Days
	}
	if c.Network {
		s.NetworkTrialUsed = true
	} else {
		s.TrialUsed = true
	}
	s.Plan, s.Status = tp.ID, StatusTrial
	s.Start, s.End = now, now.AddDate(0, 0, days)
	return append(dst, e.event(s, EventTrialStarted, now, Event{Until: s.End, Rule: rule})), nil
}

// paidPlan returns the paid plan id sold for period p, or the refusal.
func (e *Engine) paidPlan(id PlanID, p Period) (*Plan, decimal.Decimal, error) {
	pl := e.catalog.lookup(id)
	if pl == nil {
		return nil, decimal.Zero, tenancy.Refuse("PLAN-01", ErrUnknownPlan, "no plan %q in the catalog", id)
	}
	if !pl.Kind.Paid() {
		return nil, decimal.Zero, tenancy.Refuse("PLAN-01", tenancy.ErrInvalid, "plan %s is a %s plan, which is not bought", id, pl.Kind)
	}
	price, ok := pl.Prices.For(p)
	if !ok {
		return nil, decimal.Zero, tenancy.Refuse("PLAN-05", tenancy.ErrInvalid, "plan %s is not sold %v", id, p)
	}
	return pl, price, nil
}

// charge pays price from account credit first and returns what remains to
// charge and the credit used.
func (s *Subscription) charge(price decimal.Decimal) (charged, credit decimal.Decimal) {
	if s.Credit.IsZero() {
		return price, decimal.Zero
	}
	credit = decimal.Min(s.Credit, price)
	s.Credit = s.Credit.Sub(credit)
	return price.Sub(credit), credit
}

// startPeriod begins a new paid period at now, anchored on now's day and
// ending as the policy's Bounds say.
func (e *Engine) startPeriod(s *Subscription, pl *Plan, p Period, price decimal.Decimal, now time.Time) {
	s.Plan, s.Period, s.Status = pl.ID, p, StatusActive
	s.AnchorDay = now.Day()
	s.Start, s.End = now, e.periodEnd(now, p.Months(), s.AnchorDay)
	s.Paid, s.Due, s.GraceEnd = price, decimal.Zero, time.Time{}
	s.Pending = Change{}
	s.EverPaid = true
}

// periodEnd is PeriodEnd bounded as the policy says: at start's time of
// day, or at the first instant of the end's date (BoundAtMidnight).
func (e *Engine) periodEnd(start time.Time, months, anchorDay int) time.Time {
	end := PeriodEnd(start, months, anchorDay)
	if e.policy.Bounds == BoundAtMidnight {
		end = dayStart(end)
	}
	return end
}

// dayStart returns the first instant of t's date in t's location: its
// midnight or, where clocks jump over midnight (America/Santiago in
// September), the instant of the jump, which time.Date may place on the
// day before.
func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	s := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	if _, _, sd := s.Date(); sd != d {
		// s is on the day before, in the offset before the jump: the day
		// begins when that offset reaches midnight.
		h, mi, sec := s.Clock()
		s = s.Add(24*time.Hour - time.Duration(h)*time.Hour - time.Duration(mi)*time.Minute - time.Duration(sec)*time.Second - time.Duration(s.Nanosecond()))
	}
	return s
}

func (c Purchase) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	pl, price, err := e.paidPlan(c.Plan, c.Period)
	if err != nil {
		return nil, err
	}
	if s.Status != StatusFree && s.Status != StatusTrial {
		return nil, tenancy.Refuse("PLAN-03", ErrStatus, "the account already pays for %s; change the plan instead", s.Plan)
	}
	from := s.Plan
	charged, credit := s.charge(price)
	e.startPeriod(s, pl, c.Period, price, now)
	return append(dst, e.event(s, EventPurchased, now, Event{From: from, Amount: charged, Credit: credit, Until: s.End})), nil
}

// rankOf orders (plan, period) pairs for deciding up from down.
func rankOf(pl *Plan, p Period) (int, int) { return pl.Rank, p.Months() }

func (c ChangePlan) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if t := e.catalog.lookup(c.Plan); t != nil && t.Kind == KindFree {
		return Cancel{By: c.By}.run(e, s, now, dst)
	}
	target, price, err := e.paidPlan(c.Plan, c.Period)
	if err != nil {
		return nil, err
	}
	if s.Status == StatusFree || s.Status == StatusTrial {
		return nil, tenancy.Refuse("PLAN-03", ErrStatus, "the account is on %s; buy a plan with Purchase", s.Plan)
	}
	cur := e.catalog.lookup(s.Plan)
	tr, tm := rankOf(target, c.Period)
	cr, cm := rankOf(cur, s.Period)
	up := tr > cr || (tr == cr && tm > cm)
	if tr == cr && tm == cm {
		return nil, tenancy.Refuse("PLAN-03", tenancy.ErrInvalid, "the account is already on %s %s", s.Plan, s.Period)
	}
	if !up {
		return downgrade(e, s, cur, target, c.Period, now, dst)
	}
	if s.Pending.Kind != NoChange {
		return nil, tenancy.Refuse("PLAN-03", ErrPendingChange, "a %s is pending; undo it before upgrading", s.Pending.Kind)
	}
	return e.upgrade(s, target, c.Period, price, now, dst), nil
}

// upgrade moves s to target for period p at price, at once (PLAN-03): the
// unused part of the current paid period (none in grace, which is unpaid)
// and a renewal bought early are credited. With UpgradeKeepsAnchor, the
// same period length and a paid period, the current period goes on and the
// same unused part of the new price is charged; otherwise a new period
// starts now at the whole price. The event carries the whole credit, the part applied and
// the account credit left.
func (e *Engine) upgrade(s *Subscription, target *Plan, p Period, price decimal.Decimal, now time.Time, dst []Event) []Event {
	cur, r := e.catalog.currency, e.policy.Rounding
	num, den := e.unusedShare(*s, now)
	unused := decimal.Zero
	if s.Status == StatusActive {
		unused = cur.Share(s.Paid, num, den, r)
	}
	credited := unused.Add(s.Renewal)
	s.Credit = s.Credit.Add(credited)
	s.Renewal = decimal.Zero
	from := s.Plan
	if e.policy.Upgrade == UpgradeKeepsAnchor && p == s.Period && s.Status == StatusActive {
		rest := cur.Share(price, num, den, r)
		charged, applied := s.charge(rest)
		// What the period costs now: the old price for the part used and
		// the new one for the rest.
		s.Paid = s.Paid.Sub(unused).Add(rest)
		s.Plan = target.ID
		return append(dst, e.event(s, EventUpgraded, now, Event{From: from, Amount: charged, Credit: applied, Credited: credited, Balance: s.Credit, Until: s.End}))
	}
	charged, applied := s.charge(price)
	e.startPeriod(s, target, p, price, now)
	return append(dst, e.event(s, EventUpgraded, now, Event{From: from, Amount: charged, Credit: applied, Credited: credited, Balance: s.Credit, Until: s.End}))
}

// unusedShare returns the unused part of s's current period at now as
// num/den, measured as the policy's Proration says (PLAN-03).
func (e *Engine) unusedShare(s Subscription, now time.Time) (num, den int64) {
	pr := e.policy.Proration
	switch pr.Basis {
	case ProrateElapsed:
		return int64(s.End.Sub(now)), int64(s.End.Sub(s.Start))
	case ProrateThirtyDayMonth:
		den = int64(days360(s.Start, s.End))
		num = int64(days360(now, s.End))
	default:
		den = int64(civilDays(s.Start, s.End))
		num = int64(civilDays(now, s.End))
	}
	if pr.ChangeDayUsed {
		num--
	}
	return max(0, min(num, den)), den
}

func downgrade(e *Engine, s *Subscription, cur, target *Plan, p Period, now time.Time, dst []Event) ([]Event, error) {
	switch {
	case cur.OnPremise:
		return nil, tenancy.Refuse("PLAN-12", ErrOnPremise, "%s is an on-premise licence: contact your account manager to change it", cur.ID)
	case s.Status == StatusGrace:
		return nil, tenancy.Refuse("PLAN-14", ErrStatus, "the current period is unpaid; pay the amount due or cancel before downgrading")
	case s.Pending.Kind != NoChange:
		return nil, tenancy.Refuse("PLAN-03", ErrPendingChange, "a %s is already pending; undo it first", s.Pending.Kind)
	}
	s.Pending = Change{Kind: ChangeDowngrade, Plan: target.ID, Period: p, Since: now}
	s.releaseRenewal()
	ev := e.event(s, EventChangeScheduled, now, Event{From: cur.ID, Until: s.End, Note: fmt.Sprintf("to %s %s", target.ID, p)})
	ev.Plan = target.ID // the kind's Plan is the target, not the plan in effect
	return append(dst, ev), nil
}

// releaseRenewal turns a renewal bought early into account credit, because
// the next period is no longer the one it bought.
func (s *Subscription) releaseRenewal() {
	if s.Renewal.IsPositive() {
		s.Credit = s.Credit.Add(s.Renewal)
		s.Renewal = decimal.Zero
	}
}

func (c Cancel) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if pl := e.catalog.lookup(s.Plan); pl != nil && pl.OnPremise {
		return nil, tenancy.Refuse("PLAN-12", ErrOnPremise, "%s is an on-premise licence and is not cancelled here: contact your account manager", s.Plan)
	}
	switch s.Status {
	case StatusFree:
		return nil, tenancy.Refuse("PLAN-04", ErrStatus, "the account is on the free plan; there is nothing to cancel")
	case StatusTrial:
		dst = e.dropToFree(s, Event{Kind: EventTrialEnded, Note: c.Reason}, now, dst)
		return e.confirm(s, c.Reason, now, dst), nil
	case StatusGrace:
		dst = e.dropToFree(s, Event{Kind: EventCancelledNow, Note: "unpaid period cancelled in grace"}, now, dst)
		return e.confirm(s, c.Reason, now, dst), nil
	}
	if s.Pending.Kind != NoChange {
		return nil, tenancy.Refuse("PLAN-03", ErrPendingChange, "a %s is already pending; undo it first", s.Pending.Kind)
	}
	if c.Now {
		q := e.quote(*s, now)
		dst = e.dropToFree(s, Event{Kind: EventCancelledNow, Amount: q.Refund}, now, dst)
		if q.Refund.IsPositive() {
			dst = append(dst, e.event(s, EventRefunded, now, Event{Amount: q.Refund, Note: "unused part of the annual period"}))
		}
		if q.Renewal.IsPositive() {
			dst = append(dst, e.event(s, EventRefunded, now, Event{Amount: q.Renewal, Note: "renewal bought early"}))
		}
		return e.confirm(s, c.Reason, now, dst), nil
	}
	s.Pending = Change{Kind: ChangeCancel, Since: now, Reason: c.Reason}
	dst = append(dst, e.event(s, EventCancellationScheduled, now, Event{Until: s.End, Note: c.Reason}))
	if s.Renewal.IsPositive() {
		dst = append(dst, e.event(s, EventRefunded, now, Event{Amount: s.Renewal, Note: "renewal bought early"}))
		s.Renewal = decimal.Zero
	}
	return e.confirm(s, c.Reason, now, dst), nil
}

// confirm appends the owner's confirmation and the policy's retention offer
// (PLAN-13).
func (e *Engine) confirm(s *Subscription, reason string, now time.Time, dst []Event) []Event {
	if e.policy.Offer != nil {
		if offer, ok := e.policy.Offer(*s, reason); ok {
			dst = append(dst, e.event(s, EventRetentionOffered, now, Event{Note: offer}))
		}
	}
	return append(dst, e.event(s, EventCancellationConfirmed, now, Event{Note: reason}))
}

func (c UndoChange) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if s.Pending.Kind == NoChange {
		return nil, tenancy.Refuse("PLAN-03", ErrStatus, "no change is pending")
	}
	was := s.Pending.Kind
	s.Pending = Change{}
	s.releaseRenewal()
	return append(dst, e.event(s, EventChangeUndone, now, Event{Note: "undid " + was.String()})), nil
}

func (c SetAutoRenew) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if !c.On {
		return Cancel{By: c.By}.run(e, s, now, dst)
	}
	if s.Pending.Kind != ChangeCancel {
		return nil, tenancy.Refuse("PLAN-04", ErrStatus, "auto-renewal is not off")
	}
	return UndoChange{By: c.By}.run(e, s, now, dst)
}

func (c Renew) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	switch {
	case s.Status != StatusActive:
		return nil, tenancy.Refuse("PLAN-03", ErrStatus, "only a paid, active period can be renewed early; the account is %s", s.Status)
	case s.Pending.Kind == ChangeCancel:
		return nil, tenancy.Refuse("PLAN-04", ErrStatus, "auto-renewal is off; turn it on before renewing")
	case s.Renewal.IsPositive():
		return nil, tenancy.Refuse("PLAN-03", ErrStatus, "the next period is already paid")
	}
	opens := s.End.AddDate(0, 0, -e.policy.RenewalWindowDays)
	if now.Before(opens) {
		return nil, tenancy.Refuse("PLAN-03", ErrTooEarly, "renewal opens %d days before the period ends, on %s", e.policy.RenewalWindowDays, opens.Format(time.DateOnly))
	}
	p, per := s.Plan, s.Period
	if s.Pending.Kind == ChangeDowngrade {
		p, per = s.Pending.Plan, s.Pending.Period
	}
	price := e.price(p, per)
	charged, credit := s.charge(price)
	s.Renewal = price
	next := e.periodEnd(s.End, per.Months(), s.AnchorDay)
	return append(dst, e.event(s, EventRenewalBought, now, Event{Amount: charged, Credit: credit, Until: next})), nil
}

func (c RecordPayment) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if err := e.amount("PLAN-14", c.Amount); err != nil {
		return nil, err
	}
	if s.Status != StatusGrace {
		return nil, tenancy.Refuse("PLAN-14", ErrStatus, "nothing is due; the account is %s", s.Status)
	}
	if !c.Amount.Equal(s.Due) {
		return nil, tenancy.Refuse("PLAN-14", tenancy.ErrInvalid, "a payment of %s does not match the %s due", c.Amount, s.Due)
	}
	s.Paid = s.Due.Add(s.Credit)
	s.Credit, s.Due = decimal.Zero, decimal.Zero
	s.Status, s.GraceEnd = StatusActive, time.Time{}
	return append(dst, e.event(s, EventPaymentReceived, now, Event{Amount: c.Amount, Until: s.End})), nil
}

func (c RecordPaymentFailure) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if s.Status != StatusGrace {
		return nil, tenancy.Refuse("PLAN-14", ErrStatus, "nothing is due; the account is %s", s.Status)
	}
	return append(dst, e.event(s, EventPaymentFailed, now, Event{Amount: s.Due, Until: s.GraceEnd, Note: c.Reason})), nil
}

// amount refuses a negative or zero amount, one of 10^MaxAmountDigits or
// more, or one finer than the currency's minor unit (PLAN-06).
func (e *Engine) amount(rule tenancy.RuleID, d decimal.Decimal) error {
	if !inRange(d) {
		return tenancy.Refuse(rule, tenancy.ErrInvalid, "amount %s is not less than 10^%d", amountString(d), MaxAmountDigits)
	}
	if !d.IsPositive() {
		return tenancy.Refuse(rule, tenancy.ErrInvalid, "amount %s is not positive", d)
	}
	if !e.catalog.currency.Whole(d) {
		return tenancy.Refuse(rule, tenancy.ErrInvalid, "amount %s is finer than the %s minor unit", d, e.catalog.currency.Code)
	}
	return nil
}

func (c BuyTelephonyCredits) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if err := e.amount("PLAN-07", c.Amount); err != nil {
		return nil, err
	}
	if s.Status != StatusActive {
		return nil, tenancy.Refuse("PLAN-07", ErrStatus, "add-ons go with an active paid plan; the account is %s", s.Status)
	}
	s.AddOns.TelephonyCredits = s.AddOns.TelephonyCredits.Add(c.Amount)
	return append(dst, e.event(s, EventAddOnBought, now, Event{Amount: c.Amount, Note: "telephony credits"})), nil
}

func (c UseTelephonyCredits) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if err := e.amount("PLAN-07", c.Amount); err != nil {
		return nil, err
	}
	if c.Amount.GreaterThan(s.AddOns.TelephonyCredits) {
		return nil, tenancy.Refuse("PLAN-07", tenancy.ErrRefused, "spending %s exceeds the %s of credits left", c.Amount, s.AddOns.TelephonyCredits)
	}
	s.AddOns.TelephonyCredits = s.AddOns.TelephonyCredits.Sub(c.Amount)
	return append(dst, e.event(s, EventTelephonyUsed, now, Event{Amount: c.Amount})), nil
}

func (c BuyExtraStorage) run(e *Engine, s *Subscription, now time.Time, dst []Event) ([]Event, error) {
	if c.Bytes <= 0 {
		return nil, tenancy.Refuse("PLAN-07", tenancy.ErrInvalid, "extra storage of %d bytes is not positive", c.Bytes)
	}
	if !inRange(c.Price) {
		return nil, tenancy.Refuse("PLAN-07", tenancy.ErrInvalid, "price %s is not less than 10^%d", amountString(c.Price), MaxAmountDigits)
	}
	if c.Price.IsNegative() || !e.catalog.currency.Whole(c.Price) {
		return nil, tenancy.Refuse("PLAN-07", tenancy.ErrInvalid, "price %s is negative or finer than the minor unit", c.Price)
	}
	if s.Status != StatusActive {
		return nil, tenancy.Refuse("PLAN-07", ErrStatus, "add-ons go with an active paid plan; the account is %s", s.Status)
	}
	if c.Bytes > MaxStorageBytes || s.AddOns.ExtraStorageBytes > MaxStorageBytes-c.Bytes {
		return nil, tenancy.Refuse("PLAN-07", tenancy.ErrInvalid, "extra storage would overflow")
	}
	s.AddOns.ExtraStorageBytes += c.Bytes
	return append(dst, e.event(s, EventAddOnBought, now, Event{Amount: c.Price, Bytes: c.Bytes, Note: "extra storage"})), nil
}
