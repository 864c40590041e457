package scenario

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

var refundMethods = map[string]plan.RefundMethod{
	"none": plan.RefundNone, "whole-months": plan.RefundWholeMonths, "days": plan.RefundDays,
}

var bases = map[string]plan.Basis{
	"days": plan.ProrateDays, "elapsed": plan.ProrateElapsed, "thirty-day-month": plan.ProrateThirtyDayMonth,
}

var changeDays = map[string]bool{"unused": false, "used": true}

var roundings = map[string]plan.Rounding{
	"down": plan.RoundDown, "half-up": plan.RoundHalfUp, "half-even": plan.RoundHalfEven,
}

var anchorings = map[string]plan.Anchoring{"reset": plan.UpgradeResets, "keep": plan.UpgradeKeepsAnchor}

var boundsNames = map[string]plan.Bounds{"purchase-time": plan.BoundAtPurchaseTime, "midnight": plan.BoundAtMidnight}

var accessLevels = map[string]plan.Access{
	"read-delete": plan.AccessReadDelete, "read-only": plan.AccessReadOnly, "none": plan.AccessNone,
}

// sweepers are the values of world sweeper=: whether a command's at=
// fires every deadline up to it, as a store whose sweeper keeps up does.
var sweepers = map[string]bool{"on": true, "off": false}

var deletions = map[string]lifecycle.Deletion{
	"never-paid-alone": lifecycle.DeleteNeverPaidAlone, "any-administrator": lifecycle.DeleteAnyAdministrator,
	"support-only": lifecycle.DeleteSupportOnly,
}

// name returns the key of v in m.
func name[V comparable](m map[string]V, v V) string {
	for k, x := range m {
		if x == v {
			return k
		}
	}
	return fmt.Sprint(v)
}

// pick reads an optional enumerated value.
func pick[V any](a *args, key string, m map[string]V, def V) (V, error) {
	v, ok := a.key(key)
	if !ok {
		return def, nil
	}
	x, found := m[v]
	if !found {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		return def, fmt.Errorf("%s=%q: want one of %s", key, v, strings.Join(sorted(names), ", "))
	}
	return x, nil
}

// cmdWorld sets up the world: the zone, the catalog and every policy,
// starting from the defaults each time.
func cmdWorld(w *world, a *args) error {
	if len(w.mem.States().Accounts) > 0 {
		return fmt.Errorf("world comes before the first account")
	}
	zone := w.zone
	if z, ok := a.key("zone"); ok {
		loc, err := time.LoadLocation(z)
		if err != nil {
			return fmt.Errorf("zone=%q: %v", z, err)
		}
		zone = loc
	}
	pp, lp, np := plan.DefaultPolicy(), lifecycle.DefaultPolicy(), network.DefaultPolicy()
	var err error
	for _, f := range []struct {
		key string
		dst *int
	}{
		{"trial-days", &pp.TrialDays}, {"grace-days", &pp.GraceDays}, {"renewal-days", &pp.RenewalWindowDays},
		{"inactivity-days", &lp.InactivityDays}, {"purge-days", &lp.PurgeDays},
		{"branch-trial-days", &np.TrialDays}, {"network-grace-days", &np.GraceDays}, {"max-branches", &np.MaxBranches},
	} {
		if *f.dst, err = a.intArg(f.key, *f.dst); err != nil {
			return err
		}
	}
	if pp.Refund.Method, err = pick(a, "refund", refundMethods, pp.Refund.Method); err != nil {
		return err
	}
	fee, ok, err := a.money("refund-fee")
	if err != nil {
		return err
	} else if ok {
		pp.Refund.Fee = fee
	}
	if pp.OverLimit, err = pick(a, "over-limit", accessLevels, pp.OverLimit); err != nil {
		return err
	}
	if pp.Proration.Basis, err = pick(a, "proration", bases, pp.Proration.Basis); err != nil {
		return err
	}
	if pp.Proration.ChangeDayUsed, err = pick(a, "change-day", changeDays, pp.Proration.ChangeDayUsed); err != nil {
		return err
	}
	if pp.Rounding, err = pick(a, "rounding", roundings, pp.Rounding); err != nil {
		return err
	}
	if pp.Upgrade, err = pick(a, "upgrade", anchorings, pp.Upgrade); err != nil {
		return err
	}
	if pp.Bounds, err = pick(a, "bounds", boundsNames, pp.Bounds); err != nil {
		return err
	}
	if offer, ok := a.key("offer"); ok && offer != "" {
		pp.Offer = func(plan.Subscription, string) (string, bool) { return offer, true }
	}
	if v, ok := a.key("warning-days"); ok {
		lp.WarningDays = nil
		for _, f := range list(v) {
			d, err := strconv.Atoi(f)
			if err != nil {
				return fmt.Errorf("warning-days=%q: want whole numbers such as 7,3,1", v)
			}
			lp.WarningDays = append(lp.WarningDays, d)
		}
	}
	if lp.Deletion, err = pick(a, "deletion", deletions, lp.Deletion); err != nil {
		return err
	}
	sweep, err := pick(a, "sweeper", sweepers, true)
	if err != nil {
		return err
	}
	catName, given := a.key("catalog")
	if given && catName != "default" {
		return fmt.Errorf("catalog=%q: the catalog is default, or JSON in the input lines", catName)
	}
	if err := a.done(true); err != nil {
		return err
	}
	cat, catName := plan.DefaultCatalog(), "default"
	if len(a.input) > 0 {
		if given {
			return fmt.Errorf("catalog=default and a catalog in the input lines: give one")
		}
		cat, catName = new(plan.Catalog), "given"
		if err := json.Unmarshal([]byte(strings.Join(a.input, "\n")), cat); err != nil {
			return err
		}
	}
	pe, err := plan.NewEngine(cat, pp)
	if err != nil {
		return err
	}
	if err := w.setEngines(pe, lp, np); err != nil {
		return err
	}
	w.zone, w.catalog, w.sweep = zone, catName, sweep
	w.describe()
	return nil
}

// describe prints the world: its zone, catalog and policies, with the
// world command's own names, so that an integrator sees what to change.
func (w *world) describe() {
	cat := w.plans.Catalog()
	var ids []string
	for _, p := range cat.Plans() {
		ids = append(ids, string(p.ID))
	}
	w.printf("zone %s, %s catalog in %s: %s", w.zone, w.catalog, cat.Currency().Code, strings.Join(ids, ", "))
	for _, l := range policyLines(w.plans.Policy(), w.lives.Policy(), w.nets.Policy(), "unlimited") {
		w.printf("%s: %s", l.head, l.args)
	}
	if !w.sweep {
		w.printf("sweeper=off: a command catches up only the states it names; advance fires every deadline")
	}
}

// policyLine is one rule family's policy: a heading ("PLAN policy") and
// the world command's arguments that set it ("trial-days=15 ...").
type policyLine struct{ head, args string }

// policyLines writes the policies with the world command's own names, one
// line per rule family. No branch cap is written as unlimited: "unlimited"
// for a reader, "0" for the world command.
func policyLines(pp plan.Policy, lp lifecycle.Policy, np network.Policy, unlimited string) []policyLine {
	offer := ""
	if pp.Offer != nil {
		if o, ok := pp.Offer(plan.Subscription{}, ""); ok {
			offer = fmt.Sprintf(" offer=%q", o)
		}
	}
	var warn []string
	for _, d := range lp.WarningDays {
		warn = append(warn, strconv.Itoa(d))
	}
	branches := unlimited
	if np.MaxBranches > 0 {
		branches = strconv.Itoa(np.MaxBranches)
	}
	return []policyLine{
		{"PLAN policy", fmt.Sprintf("trial-days=%d grace-days=%d renewal-days=%d refund=%s refund-fee=%s over-limit=%s%s",
			pp.TrialDays, pp.GraceDays, pp.RenewalWindowDays, name(refundMethods, pp.Refund.Method), pp.Refund.Fee, name(accessLevels, pp.OverLimit), offer)},
		{"PLAN billing", fmt.Sprintf("proration=%s change-day=%s rounding=%s upgrade=%s bounds=%s",
			name(bases, pp.Proration.Basis), name(changeDays, pp.Proration.ChangeDayUsed), name(roundings, pp.Rounding),
			name(anchorings, pp.Upgrade), name(boundsNames, pp.Bounds))},
		{"LIFE policy", fmt.Sprintf("inactivity-days=%d warning-days=%s purge-days=%d deletion=%s",
			lp.InactivityDays, strings.Join(warn, ","), lp.PurgeDays, name(deletions, lp.Deletion))},
		{"NET policy", fmt.Sprintf("branch-trial-days=%d network-grace-days=%d max-branches=%s", np.TrialDays, np.GraceDays, branches)},
	}
}

// cmdPlans lists the catalog (PLAN-01).
func cmdPlans(w *world, a *args) error {
	if err := a.done(false); err != nil {
		return err
	}
	cat := w.plans.Catalog()
	cur := cat.Currency()
	for _, p := range cat.Plans() {
		line := fmt.Sprintf("PLAN-01 %s: %s", p.ID, p.Kind)
		if p.Rank > 0 {
			line += fmt.Sprintf(" rank %d", p.Rank)
		}
		if p.OnPremise {
			line += " on-premise"
		}
		line += fmt.Sprintf(", users=%s storage=%s", limit(p.Limits.Users), formatSize(p.Limits.StorageBytes))
		if m, ok := p.Prices.For(plan.Monthly); ok {
			line += " monthly=" + cur.Format(m)
		}
		if y, ok := p.Prices.For(plan.Annual); ok {
			line += " annual=" + cur.Format(y)
		}
		w.printf("%s, features=%s", line, features(p.Features))
	}
	return nil
}

func limit(n int64) string {
	if n == plan.Unlimited {
		return "unlimited"
	}
	return strconv.FormatInt(n, 10)
}

func features(fs []plan.Feature) string {
	if len(fs) == 0 {
		return "none"
	}
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}
