package scenario

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// loadZone loads an IANA zone.
func loadZone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("zone %q: %v", name, err)
	}
	return loc, nil
}

// iso writes t as the format's dates are written, in the scenario's zone.
func (w *world) iso(t time.Time) string {
	return strings.Replace(w.stamp(t), " ", "T", 1)
}

// amount writes money with the catalog currency's minor digits.
func (w *world) amount(d decimal.Decimal) string {
	return d.StringFixed(w.plans.Catalog().Currency().Minor)
}

// query reads the account a query is about and moves the clock.
func (w *world) query(a *args) (lifecycle.Account, error) {
	id, _, err := w.target(a)
	if err != nil {
		return lifecycle.Account{}, err
	}
	if err := w.begin(a, false); err != nil {
		return lifecycle.Account{}, err
	}
	return w.acc(id), nil
}

// cmdProject prints every effect that will happen to the account if
// nobody acts.
func cmdProject(w *world, a *args) error {
	acc, err := w.query(a)
	if err != nil {
		return err
	}
	effs := w.mem.Engine().Project(acc)
	w.effects(effs)
	if len(effs) == 0 {
		w.printf("nothing will happen to %s", acc.ID)
	}
	return nil
}

// cmdState prints the account as one line of key=value fields, leaving out
// those that do not apply.
func cmdState(w *world, a *args) error {
	acc, err := w.query(a)
	if err != nil {
		return err
	}
	s := acc.Sub
	f := []string{"stage=" + acc.Stage.String(), "plan=" + string(s.Plan), "status=" + s.Status.String()}
	add := func(k, v string) { f = append(f, k+"="+v) }
	if s.Paying() {
		add("period", s.Period.String())
	}
	if !s.End.IsZero() {
		add("until", w.iso(s.End))
	}
	if s.Status == plan.StatusGrace {
		add("grace-until", w.iso(s.GraceEnd))
		add("due", w.amount(s.Due))
	}
	if s.Paying() {
		add("auto-renew", map[bool]string{true: "on", false: "off"}[s.AutoRenew()])
	}
	switch s.Pending.Kind {
	case plan.ChangeDowngrade:
		add("pending", fmt.Sprintf("downgrade:%s:%s", s.Pending.Plan, s.Pending.Period))
	case plan.ChangeCancel:
		add("pending", "cancel")
	}
	if s.Pending.Reason != "" {
		add("reason", fmt.Sprintf("%q", s.Pending.Reason))
	}
	for _, m := range []struct {
		k string
		d decimal.Decimal
	}{{"renewal", s.Renewal}, {"credit", s.Credit}, {"telephony", s.AddOns.TelephonyCredits}} {
		if !m.d.IsZero() {
			add(m.k, w.amount(m.d))
		}
	}
	if s.AddOns.ExtraStorageBytes > 0 {
		add("extra-storage", formatSize(s.AddOns.ExtraStorageBytes))
	}
	for _, b := range []struct {
		k string
		v bool
	}{{"trial-used", s.TrialUsed}, {"branch-trial-used", s.NetworkTrialUsed}, {"ever-paid", s.EverPaid}, {"ever-in-network", acc.EverInNetwork}} {
		if b.v {
			add(b.k, "yes")
		}
	}
	var users []string
	for _, u := range acc.Users {
		r := u.Role.String()
		if u.Dismissed {
			r += ",dismissed"
		}
		users = append(users, fmt.Sprintf("%s(%s)", u.ID, r))
	}
	add("users", strings.Join(users, ","))
	add("domain", acc.DomainZone)
	if acc.Network != "" {
		add("network", string(acc.Network))
	}
	for _, b := range acc.Blocks {
		add("blocked", fmt.Sprintf("%q", b.Cause))
	}
	for _, b := range acc.Scheduled {
		add("block-at", w.iso(b.Since))
	}
	if !acc.Deadline.IsZero() {
		k := "suspend-at"
		if acc.Stage == lifecycle.StageSuspended {
			k = "delete-at"
		}
		add(k, w.iso(acc.Deadline))
	}
	w.printf("%s: %s", acc.ID, strings.Join(f, " "))
	return nil
}

// cmdQuote prints what cancelling at once would refund (PLAN-06, PLAN-07).
func cmdQuote(w *world, a *args) error {
	acc, err := w.query(a)
	if err != nil {
		return err
	}
	q, err := w.plans.QuoteRefund(acc.Sub, w.now)
	if err != nil {
		return err
	}
	how := "monthly: never refunded"
	switch {
	case acc.Sub.Period == plan.Annual && q.Method == plan.RefundNone:
		how = "annual, refund policy none"
	case acc.Sub.Period == plan.Annual:
		unit := "months"
		if q.Method == plan.RefundDays {
			unit = "days"
		}
		how = fmt.Sprintf("%s: %d of %d %s unused", q.Method, q.Unused, q.Of, unit)
	}
	line := fmt.Sprintf("PLAN-06 paid %s, refund %s, retained %s (%s)", w.amount(q.Paid), w.amount(q.Refund), w.amount(q.Retained), how)
	if q.Fee.IsPositive() {
		line += ", fee " + w.amount(q.Fee)
	}
	w.printf("%s", line)
	if q.Renewal.IsPositive() {
		w.printf("PLAN-03 renewal bought early, refunded in full: %s", w.amount(q.Renewal))
	}
	if q.TelephonyForfeited.IsPositive() {
		w.printf("PLAN-07 telephony credits forfeited, never refunded: %s", w.amount(q.TelephonyForfeited))
	}
	return nil
}

// usage reads users=, storage= and features= (plan.Usage).
func usage(a *args) (plan.Usage, error) {
	var u plan.Usage
	n, err := a.intArg("users", 0)
	if err != nil {
		return u, err
	}
	u.Users = int64(n)
	if u.StorageBytes, _, err = a.size("storage"); err != nil {
		return u, err
	}
	if fs, ok := a.key("features"); ok {
		for _, f := range list(fs) {
			u.Features = append(u.Features, plan.Feature(f))
		}
	}
	return u, nil
}

// cmdImpact previews a downgrade or cancellation (PLAN-09): what is lost,
// what is over the limits (PLAN-08), which add-ons end (PLAN-07), the
// support (PLAN-11) and the network (NET-07, NET-09, NET-10).
func cmdImpact(w *world, a *args) error {
	id, _, err := w.target(a)
	if err != nil {
		return err
	}
	to, ok := a.get("plan")
	if !ok {
		to = string(w.plans.Catalog().Free().ID)
	}
	u, err := usage(a)
	if err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	acc := w.acc(id)
	im, err := w.plans.Impact(acc.Sub, plan.PlanID(to), u)
	if err != nil {
		return err
	}
	w.printf("PLAN-09 %s -> %s at %s", im.From, im.To, w.stamp(im.EffectiveAt))
	if len(im.LostFeatures) > 0 {
		w.printf("PLAN-09 features lost: %s", features(im.LostFeatures))
	}
	w.restrictions(im.Over)
	if !im.AddOnsDeactivated.IsZero() {
		var parts []string
		if im.AddOnsDeactivated.TelephonyCredits.IsPositive() {
			parts = append(parts, "telephony credits "+w.amount(im.AddOnsDeactivated.TelephonyCredits)+" forfeited, never refunded")
		}
		if im.AddOnsDeactivated.ExtraStorageBytes > 0 {
			parts = append(parts, "extra storage "+formatSize(im.AddOnsDeactivated.ExtraStorageBytes))
		}
		w.printf("PLAN-07 add-ons deactivated: %s", strings.Join(parts, ", "))
	}
	if im.SupportLost {
		w.printf("PLAN-11 support by specialists ends; self-service resources remain")
	}
	w.networkImpact(acc, im)
	return nil
}

// networkImpact adds what a plan change does to the account's network.
func (w *world) networkImpact(acc lifecycle.Account, im plan.Impact) {
	n, ok := w.mem.Network(acc.Network)
	if acc.Network == "" || !ok {
		return
	}
	kind, _ := w.plans.Catalog().Kind(im.To)
	grace := w.nets.Policy().GraceDays
	at := im.EffectiveAt.In(acc.Location())
	switch {
	case n.Head() == acc.ID && n.Active() > 0:
		w.printf("NET-10 refused while branches are connected (%d): disconnect them first", n.Active())
	case n.Head() == acc.ID && kind.Paid() && kind != plan.KindEnterprise:
		w.printf("NET-09 at %s the network of %s is disabled and hidden at every branch; %s pays for %s, so it is not blocked",
			w.stamp(at), n.Head(), acc.ID, im.To)
	case n.Head() == acc.ID && kind != plan.KindEnterprise:
		w.printf("NET-09 at %s the network of %s is disabled and hidden at every branch; %s is blocked at %s unless it pays for a plan again",
			w.stamp(at), n.Head(), acc.ID, w.stamp(at.AddDate(0, 0, grace)))
	case n.Head() != acc.ID && !kind.Paid():
		w.printf("NET-07 at %s %s is disconnected but listed in red; it is blocked at %s unless commercial again",
			w.stamp(at), acc.ID, w.stamp(at.AddDate(0, 0, grace)))
	}
}

// restrictions prints what is over a plan's limits (PLAN-08).
func (w *world) restrictions(r plan.Restrictions) {
	if r.Within() {
		w.printf("PLAN-08 within the limits of %s", r.Plan)
		return
	}
	for _, act := range r.Actions {
		w.printf("PLAN-08 %s", act)
	}
	w.printf("PLAN-08 over-limit data stays %s until the account is within the limits of %s; nothing is deleted", r.Access, r.Plan)
}

// cmdRestrictions reports what of a usage is over a plan's limits
// (PLAN-08): the account's plan unless plan= names another.
func cmdRestrictions(w *world, a *args) error {
	id, _, err := w.target(a)
	if err != nil {
		return err
	}
	p, given := a.key("plan")
	u, err := usage(a)
	if err != nil {
		return err
	}
	if err := w.begin(a, false); err != nil {
		return err
	}
	acc := w.acc(id)
	if !given {
		p = string(acc.Sub.Plan)
	}
	// Extra storage goes with a paid plan: on the free plan it is
	// deactivated (PLAN-07).
	extra := acc.Sub.AddOns.ExtraStorageBytes
	if k, _ := w.plans.Catalog().Kind(plan.PlanID(p)); !k.Paid() {
		extra = 0
	}
	r, err := w.plans.Restrictions(plan.PlanID(p), extra, u)
	if err != nil {
		return err
	}
	w.restrictions(r)
	return nil
}

// cmdEntitlements prints what the account's plan entitles it to (PLAN-11).
func cmdEntitlements(w *world, a *args) error {
	acc, err := w.query(a)
	if err != nil {
		return err
	}
	e := w.plans.Entitlements(acc.Sub)
	w.printf("PLAN-11 %s on %s: support by %s, users=%s storage=%s features=%s",
		acc.ID, e.Plan, e.Support, limit(e.Limits.Users), formatSize(e.Limits.StorageBytes), features(e.Features))
	return nil
}
