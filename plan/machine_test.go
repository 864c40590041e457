package plan_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the test's time zones must load on any machine

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// TestPlanStateMachine drives random sequences of commands, clock jumps and
// Engine.Advance calls against one subscription and checks, after every
// step, the invariants the PLAN rules promise. Each invariant is stated in a
// comment that cites its rule.
func TestPlanStateMachine(t *testing.T) {
	stats := map[string]int{}
	rapid.Check(t, func(rt *rapid.T) {
		m := mNewMachine(rt, stats)
		m.check(rt)
		steps := rapid.IntRange(10, 200).Draw(rt, "steps")
		for range steps {
			switch rapid.SampledFrom(mSteps).Draw(rt, "step") {
			case "command":
				m.command(rt)
			case "jump":
				m.jump(rt)
			case "advance":
				m.advance(rt)
			case "back":
				m.back(rt)
			case "quote":
				m.quote(rt)
			case "project":
				m.project(rt)
			}
			m.check(rt)
		}
	})
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %-52s %6d", k, stats[k])
	}
	t.Logf("coverage:%s", b.String())
}

// mSteps are the kinds of step, commands drawn most often.
var mSteps = []string{
	"command", "command", "command", "command", "command", "command", "command", "command",
	"jump", "jump", "jump", "jump", "advance", "advance", "back", "quote", "quote", "project", "project",
}

// mZones are the time zones the subscriptions live in: one without daylight
// saving and three with it, on both hemispheres.
var mZones = []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney"}

// mActors are who issues commands, administrators drawn most often.
var mActors = []tenancy.Actor{
	tenancy.Admin("ada"), tenancy.Admin("ada"), tenancy.Admin("ada"), tenancy.Admin("root"),
	tenancy.Admin("root"), tenancy.Employee("eve"), tenancy.Service(), {},
}

var mReasons = []string{"", "", "too expensive", "moving to another tool", "fermé ✓"}

// mMachine is the test's model: the engine, the subscription, the test's
// clock and what the history has produced so far.
type mMachine struct {
	eng   *plan.Engine
	cat   *plan.Catalog
	pol   plan.Policy
	cur   plan.Currency
	zone  string
	locs  map[string]*time.Location // the zones a time may be given in
	s     plan.Subscription
	now   time.Time // the test's clock, never before s.Updated
	ids   map[string]plan.Event
	trial map[tenancy.RuleID]int
	// charged is every amount the customer paid in, refunded every amount
	// paid back.
	charged, refunded decimal.Decimal
	stats             map[string]int
}

func mNewMachine(t *rapid.T, stats map[string]int) *mMachine {
	catName := rapid.SampledFrom([]string{"default", "default", "on-premise", "yen"}).Draw(t, "catalog")
	var cat *plan.Catalog
	switch catName {
	case "default":
		cat = plan.DefaultCatalog()
	case "on-premise":
		cat = mOnPremiseCatalog(t)
	default:
		cat = mYenCatalog(t)
	}
	cur := cat.Currency()
	pol := plan.DefaultPolicy()
	if rapid.Bool().Draw(t, "custom policy") {
		pol.Refund.Method = rapid.SampledFrom([]plan.RefundMethod{plan.RefundNone, plan.RefundWholeMonths, plan.RefundDays}).Draw(t, "refund method")
		// Fees are drawn in cents whatever the currency: some are finer
		// than the yen.
		pol.Refund.Fee = decimal.RequireFromString(rapid.SampledFrom([]string{"0", "0", "0.01", "2.50", "50", "10000"}).Draw(t, "fee"))
		pol.GraceDays = rapid.IntRange(0, 28).Draw(t, "grace days")
		pol.TrialDays = rapid.SampledFrom([]int{1, 7, 15, 30, 31, 60}).Draw(t, "trial days")
		pol.RenewalWindowDays = rapid.SampledFrom([]int{0, 1, 30, 45, 400}).Draw(t, "renewal window days")
		if rapid.Bool().Draw(t, "retention offer") {
			pol.Offer = mOffer
		}
		// Issue 14: every billing convention, in every combination.
		pol.Proration.Basis = rapid.SampledFrom([]plan.Basis{plan.ProrateDays, plan.ProrateElapsed, plan.ProrateThirtyDayMonth}).Draw(t, "proration basis")
		pol.Proration.ChangeDayUsed = rapid.Bool().Draw(t, "change day used")
		pol.Rounding = rapid.SampledFrom([]plan.Rounding{plan.RoundDown, plan.RoundHalfUp, plan.RoundHalfEven}).Draw(t, "rounding")
		pol.Upgrade = rapid.SampledFrom([]plan.Anchoring{plan.UpgradeResets, plan.UpgradeKeepsAnchor}).Draw(t, "upgrade anchoring")
		pol.Bounds = rapid.SampledFrom([]plan.Bounds{plan.BoundAtPurchaseTime, plan.BoundAtMidnight}).Draw(t, "period bounds")
	}
	// PLAN-06: money is in the currency's minor units, so an engine refuses
	// a refund fee finer than them.
	eng, err := plan.NewEngine(cat, pol)
	if fine := !cur.Whole(pol.Refund.Fee); fine {
		if !errors.Is(err, plan.ErrPolicy) || tenancy.RuleOf(err) != "PLAN-06" {
			t.Fatalf("NewEngine with a fee of %s %s: %v, want ErrPolicy by PLAN-06", pol.Refund.Fee, cur.Code, err)
		}
		pol.Refund.Fee = pol.Refund.Fee.Truncate(cur.Minor)
		eng, err = plan.NewEngine(cat, pol)
	}
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	zone := rapid.SampledFrom(mZones).Draw(t, "zone")
	loc := mLoad(t, zone)
	locs := map[string]*time.Location{}
	for _, z := range mZones {
		locs[z] = mLoad(t, z)
	}
	start := mDrawStart(t, loc)
	s := tNew(t, eng, "acme", loc, start.In(locs[rapid.SampledFrom(mZones).Draw(t, "creation zone")]))
	if !s.Updated.Equal(start) || s.Location().String() != zone {
		t.Fatalf("New: updated %v in %v, want %v in %s", s.Updated, s.Location(), start, zone)
	}
	return &mMachine{
		eng: eng, cat: cat, pol: pol, cur: cur, zone: zone, locs: locs,
		s: s, now: start, ids: map[string]plan.Event{}, trial: map[tenancy.RuleID]int{},
		charged: decimal.Zero, refunded: decimal.Zero, stats: stats,
	}
}

// drawLoc draws the zone a time is given in: mostly the subscription's own.
func (m *mMachine) drawLoc(t *rapid.T, label string) *time.Location {
	return m.locs[rapid.SampledFrom(append([]string{m.zone, m.zone}, mZones...)).Draw(t, label)]
}

// mOneIn is true about once in n draws. rapid leans towards small integers,
// so the value tested lies in the middle of the range.
func mOneIn(t *rapid.T, label string, n int) bool {
	return rapid.IntRange(0, n-1).Draw(t, label) == n/2
}

func mLoad(t *rapid.T, zone string) *time.Location {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatalf("load %s: %v", zone, err)
	}
	return loc
}

// mOffer is a pure retention offer: one for every reason given (PLAN-13).
func mOffer(s plan.Subscription, reason string) (string, bool) {
	if reason == "" {
		return "", false
	}
	return "stay on " + string(s.Plan) + " for 20% less", true
}

// mOnPremiseCatalog has an on-premise licence sold annually only, between a
// cloud plan and a cloud Enterprise plan, with prices that do not divide
// evenly.
func mOnPremiseCatalog(t *rapid.T) *plan.Catalog {
	d := decimal.RequireFromString
	c, err := plan.NewCatalog(plan.Currency{Code: "EUR", Minor: 2},
		plan.Plan{ID: "free", Name: "Free", Kind: plan.KindFree,
			Limits: plan.Limits{Users: 12, StorageBytes: 5 * plan.GB}, Features: []plan.Feature{plan.FeatureCRM}},
		plan.Plan{ID: "trial", Name: "Trial", Kind: plan.KindTrial,
			Limits: plan.Limits{Users: 50, StorageBytes: 100 * plan.GB}, Features: []plan.Feature{plan.FeatureCRM, plan.FeatureAutomation}},
		plan.Plan{ID: "cloud", Name: "Cloud", Kind: plan.KindCommercial, Rank: 1,
			Limits: plan.Limits{Users: 25, StorageBytes: 50 * plan.GB}, Features: []plan.Feature{plan.FeatureCRM, plan.FeatureTasks},
			Prices: plan.Prices{Monthly: d("19.90"), Annual: d("199.00")}},
		plan.Plan{ID: "box", Name: "Box (on-premise)", Kind: plan.KindCommercial, Rank: 2, OnPremise: true,
			Limits: plan.Limits{Users: 500, StorageBytes: 1000 * plan.GB}, Features: []plan.Feature{plan.FeatureCRM, plan.FeatureTasks, plan.FeatureAutomation},
			Prices: plan.Prices{Annual: d("2490.00")}},
		plan.Plan{ID: "corp", Name: "Corporate", Kind: plan.KindEnterprise, Rank: 3,
			Limits: plan.Limits{Users: plan.Unlimited, StorageBytes: plan.Unlimited}, Features: []plan.Feature{plan.FeatureCRM, plan.FeatureTasks, plan.FeatureAutomation, plan.FeatureNetworkHead},
			Prices: plan.Prices{Monthly: d("399.99"), Annual: d("3999.99")}},
	)
	if err != nil {
		t.Fatalf("on-premise catalog: %v", err)
	}
	return c
}

// mYenCatalog has no trial plan, a currency without minor digits, a plan
// sold monthly only and an on-premise Enterprise licence.
func mYenCatalog(t *rapid.T) *plan.Catalog {
	d := decimal.NewFromInt
	c, err := plan.NewCatalog(plan.Currency{Code: "JPY", Minor: 0},
		plan.Plan{ID: "free", Name: "Free", Kind: plan.KindFree,
			Limits: plan.Limits{Users: plan.Unlimited, StorageBytes: 5 * plan.GB}, Features: []plan.Feature{plan.FeatureCRM}},
		plan.Plan{ID: "lite", Name: "Lite", Kind: plan.KindCommercial, Rank: 1,
			Limits: plan.Limits{Users: 10, StorageBytes: 10 * plan.GB}, Features: []plan.Feature{plan.FeatureCRM},
			Prices: plan.Prices{Monthly: d(980), Annual: d(9800)}},
		plan.Plan{ID: "team", Name: "Team", Kind: plan.KindCommercial, Rank: 2,
			Limits: plan.Limits{Users: 40, StorageBytes: 100 * plan.GB}, Features: []plan.Feature{plan.FeatureCRM, plan.FeatureTelephony},
			Prices: plan.Prices{Monthly: d(2977)}},
		plan.Plan{ID: "ent", Name: "Enterprise (on-premise)", Kind: plan.KindEnterprise, Rank: 3, OnPremise: true,
			Limits: plan.Limits{Users: plan.Unlimited, StorageBytes: plan.Unlimited}, Features: []plan.Feature{plan.FeatureCRM, plan.FeatureTelephony, plan.FeatureNetworkHead},
			Prices: plan.Prices{Annual: d(1_199_999)}},
	)
	if err != nil {
		t.Fatalf("yen catalog: %v", err)
	}
	return c
}

// mDrawStart draws the account's creation time: often a month end (the
// 29th to 31st, 29 February of a leap year), sometimes any day.
func mDrawStart(t *rapid.T, loc *time.Location) time.Time {
	type ymd struct{ y, m, d int }
	var day ymd
	if rapid.Bool().Draw(t, "month-end start") {
		day = rapid.SampledFrom([]ymd{
			{2024, 1, 31}, {2024, 2, 29}, {2023, 1, 31}, {2024, 3, 31}, {2024, 10, 31},
			{2025, 12, 31}, {2024, 8, 31}, {2023, 1, 29}, {2024, 5, 30}, {2028, 2, 29},
		}).Draw(t, "start date")
	} else {
		day = ymd{rapid.IntRange(2020, 2030).Draw(t, "start year"), rapid.IntRange(1, 12).Draw(t, "start month"), rapid.IntRange(1, 28).Draw(t, "start day")}
	}
	h := rapid.IntRange(0, 23).Draw(t, "start hour")
	mi := rapid.SampledFrom([]int{0, 30, 59}).Draw(t, "start minute")
	sec := rapid.SampledFrom([]int{0, 59}).Draw(t, "start second")
	ns := rapid.SampledFrom([]int{0, 0, 123_456_789}).Draw(t, "start nanosecond")
	return time.Date(day.y, time.Month(day.m), day.d, h, mi, sec, ns, loc)
}

// ---------------------------------------------------------------------------
// Actions

// command applies a random command at the test's clock.
func (m *mMachine) command(t *rapid.T) {
	before := m.s
	now := m.now.In(m.drawLoc(t, "command zone"))
	adv, advEvs := m.walk(t, before, now)
	name, cmd := m.drawCommand(t, adv)
	var quote *plan.RefundQuote
	if adv.Status == plan.StatusActive {
		q, err := m.eng.QuoteRefund(before, now)
		if err != nil {
			t.Fatalf("QuoteRefund of an active subscription: %v", err)
		}
		m.checkQuote(t, adv, now, q)
		quote = &q
	}
	want := m.expect(adv, now, cmd)
	got, evs, err := m.eng.Apply(before, now, cmd)
	if err != nil {
		m.stats[fmt.Sprintf("refused %-14s %s", name, mErrName(err))]++
		m.checkRefusal(t, before, got, evs, err)
		if want == nil {
			t.Fatalf("%s %#v refused, want it accepted: %v\nstate: %+v", name, cmd, err, adv)
		}
		if !errors.Is(err, want) {
			t.Fatalf("%s %#v refused with %v, want %v", name, cmd, err, want)
		}
		// PLAN-02: a command that needs an administrator (or the service,
		// for payments and renewals) is refused for anyone else, by PLAN-02.
		if errors.Is(want, tenancy.ErrUnauthorized) && tenancy.RuleOf(err) != "PLAN-02" {
			t.Fatalf("unauthorized %s refused by %q, want PLAN-02", name, tenancy.RuleOf(err))
		}
		return
	}
	m.stats[fmt.Sprintf("accepted %s", name)]++
	if want != nil {
		t.Fatalf("%s %#v accepted, want %v\nstate: %+v", name, cmd, want, adv)
	}
	// Apply first advances exactly as Advance does: those events come first.
	if len(evs) < len(advEvs) {
		t.Fatalf("Apply returned %d events, fewer than the %d of the advance", len(evs), len(advEvs))
	}
	if d := cmp.Diff(advEvs, evs[:len(advEvs)], cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Apply's advance events differ from Advance (-advance +apply):\n%s", d)
	}
	ce := evs[len(advEvs):]
	if len(ce) == 0 {
		t.Fatalf("%s accepted without an event", name)
	}
	if !got.Updated.Equal(now) || got.Location().String() != m.zone {
		t.Fatalf("after %s: updated %v in %v, want %v in %s", name, got.Updated, got.Location(), now, m.zone)
	}
	m.checkImpact(t, adv, got, ce)
	m.checkCommand(t, adv, got, now.In(adv.Location()), cmd, ce, quote)
	m.commit(t, before, got, evs, now)
	// The next command may come at the same instant or a little later.
	m.now = m.now.Add(rapid.SampledFrom([]time.Duration{0, time.Nanosecond, time.Second, 37 * time.Second, time.Minute}).Draw(t, "command duration"))
}

// jump moves the test's clock forward: minutes to years, or to the next
// deadline exactly, just before or just after it.
func (m *mMachine) jump(t *rapid.T) {
	loc := m.s.Location()
	switch kind := rapid.SampledFrom([]string{"days", "deadline", "after deadline", "months", "minutes", "hours", "before deadline", "years"}).Draw(t, "jump"); kind {
	case "minutes":
		m.now = m.now.Add(time.Duration(rapid.IntRange(1, 180).Draw(t, "minutes")) * time.Minute)
	case "hours":
		m.now = m.now.Add(time.Duration(rapid.IntRange(1, 72).Draw(t, "hours")) * time.Hour)
	case "days":
		m.now = m.now.In(loc).AddDate(0, 0, rapid.IntRange(1, 45).Draw(t, "days"))
	case "months":
		m.now = m.now.In(loc).AddDate(0, rapid.IntRange(1, 14).Draw(t, "months"), 0)
	case "years":
		m.now = m.now.In(loc).AddDate(rapid.IntRange(1, 6).Draw(t, "years"), 0, 0)
	default:
		adv, _, err := m.eng.Advance(m.s, m.now, nil)
		if err != nil {
			t.Fatalf("Advance: %v", err)
		}
		d, ok := adv.NextDeadline()
		if !ok {
			d = m.now.AddDate(0, 0, 1) // nothing is due: a day passes
		}
		switch kind {
		case "before deadline":
			d = d.Add(-time.Nanosecond)
		case "after deadline":
			d = d.Add(time.Second)
		}
		if d.After(m.now) {
			m.now = d
		}
	}
}

// advance calls Engine.Advance at the test's clock and keeps the result.
func (m *mMachine) advance(t *rapid.T) {
	before := m.s
	now := m.now.In(m.drawLoc(t, "advance zone"))
	walked, wevs := m.walk(t, before, now)
	k := rapid.IntRange(0, 2).Draw(t, "caller's events")
	dst := make([]plan.Event, k, k+rapid.IntRange(0, 8).Draw(t, "spare capacity"))
	for i := range dst {
		dst[i] = plan.Event{Kind: plan.EventTelephonyUsed, Note: fmt.Sprintf("caller's own #%d", i)}
	}
	mine := append([]plan.Event(nil), dst...)
	got, out, err := m.eng.Advance(before, now, dst)
	if err != nil {
		t.Fatalf("Advance to %v (last change %v): %v", now, before.Updated, err)
	}
	// Advance appends to the caller's slice and leaves its contents alone.
	if len(out) < k {
		t.Fatalf("Advance shortened the caller's slice from %d to %d", k, len(out))
	}
	if d := cmp.Diff(mine, out[:k], cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Advance changed the caller's events:\n%s", d)
	}
	evs := out[k:]
	if d := cmp.Diff(wevs, evs, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Advance in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	if d := cmp.Diff(walked, got); d != "" {
		t.Fatalf("Advance state in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	if len(evs) == 0 && cmp.Diff(before, got) != "" {
		t.Fatalf("Advance with nothing due changed the subscription")
	}
	m.stats[fmt.Sprintf("advance fired %d deadline events", min(len(evs), 3))]++
	m.commit(t, before, got, evs, now)
	// Advancing twice to the same instant yields nothing the second time:
	// every event is delivered once.
	again, evs2, err := m.eng.Advance(got, now, nil)
	if err != nil || len(evs2) != 0 || cmp.Diff(got, again) != "" {
		t.Fatalf("second Advance to the same instant: %d events %v, err %v", len(evs2), evs2, err)
	}
}

// back issues a command, an Advance and a refund quote at a time before the
// subscription's last change: every one is refused and nothing changes.
func (m *mMachine) back(t *rapid.T) {
	d := rapid.SampledFrom([]time.Duration{time.Nanosecond, time.Second, time.Hour, 24 * time.Hour, 40 * 24 * time.Hour, 3 * 365 * 24 * time.Hour}).Draw(t, "back by")
	past := m.s.Updated.Add(-d).In(m.drawLoc(t, "back zone"))
	before := m.s

	mine := []plan.Event{{Kind: plan.EventTelephonyUsed, Note: "caller's own"}}
	got, out, err := m.eng.Advance(before, past, mine)
	if !errors.Is(err, tenancy.ErrTimeWentBack) {
		t.Fatalf("Advance to %v before the last change %v: err %v, want ErrTimeWentBack", past, before.Updated, err)
	}
	m.checkRefusal(t, before, got, nil, err)
	if d := cmp.Diff([]plan.Event{{Kind: plan.EventTelephonyUsed, Note: "caller's own"}}, out); d != "" {
		t.Fatalf("refused Advance changed the caller's events:\n%s", d)
	}

	name, cmd := m.drawCommand(t, before)
	got, evs, err := m.eng.Apply(before, past, cmd)
	if err == nil {
		t.Fatalf("%s at %v, before the last change %v, was accepted", name, past, before.Updated)
	}
	m.checkRefusal(t, before, got, evs, err)
	// PLAN-02 is checked first: who may act does not depend on time.
	want := tenancy.ErrTimeWentBack
	switch {
	case cmd == nil:
		want = tenancy.ErrInvalid
	case !mAuthorized(cmd):
		want = tenancy.ErrUnauthorized
	}
	if !errors.Is(err, want) {
		t.Fatalf("%s before the last change: %v, want %v", name, err, want)
	}
	m.stats["refused (time went back) "+mSentinelName(err)]++

	if _, err := m.eng.QuoteRefund(before, past); !errors.Is(err, tenancy.ErrTimeWentBack) {
		t.Fatalf("QuoteRefund before the last change: %v, want ErrTimeWentBack", err)
	}
}

// quote asks for a refund quote at the test's clock and checks it.
func (m *mMachine) quote(t *rapid.T) {
	adv, _, err := m.eng.Advance(m.s, m.now, nil)
	if err != nil {
		t.Fatalf("Advance: %v", err)
	}
	q, err := m.eng.QuoteRefund(m.s, m.now)
	if adv.Status != plan.StatusActive {
		// PLAN-06: only a running paid period has a refund to quote.
		if !errors.Is(err, plan.ErrStatus) || tenancy.RuleOf(err) != "PLAN-06" {
			t.Fatalf("QuoteRefund in status %s: %v, want ErrStatus by PLAN-06", adv.Status, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("QuoteRefund of an active subscription: %v", err)
	}
	m.checkQuote(t, adv, m.now, q)
	m.stats[fmt.Sprintf("quote %s %s refund>0=%v", adv.Period, q.Method, q.Refund.IsPositive())]++
	// PLAN-06: the refund never grows as the period is used up.
	left := adv.End.Sub(m.now)
	if left <= 1 {
		return
	}
	later := m.now.Add(time.Duration(rapid.Int64Range(1, int64(left-1)).Draw(t, "later")))
	q2, err := m.eng.QuoteRefund(m.s, later)
	if err != nil {
		t.Fatalf("QuoteRefund later in the period: %v", err)
	}
	m.checkQuote(t, adv, later, q2)
	if q2.Refund.GreaterThan(q.Refund) {
		t.Fatalf("PLAN-06: refund grew from %s at %v to %s at %v", q.Refund, m.now, q2.Refund, later)
	}
}

// project compares Engine.Project with what Advance does when the clock runs
// far ahead and nobody acts, on a copy.
func (m *mMachine) project(t *rapid.T) {
	s := m.s
	proj := m.eng.Project(s)
	far := s.Updated.AddDate(200, 0, 0)
	got, evs, err := m.eng.Advance(s, far, nil)
	if err != nil {
		t.Fatalf("Advance far ahead: %v", err)
	}
	// The projection is exactly what time will do (kinds, times, amounts,
	// every field), in order.
	if d := cmp.Diff(evs, proj, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Project differs from Advance far ahead (-advance +project):\n%s", d)
	}
	// PLAN-14, PLAN-04, PLAN-10: with nobody acting and nobody paying, every
	// timeline ends on the free plan, with no deadline left.
	if _, ok := got.NextDeadline(); ok || got.Status != plan.StatusFree {
		t.Fatalf("far ahead with nobody acting the account is %s, want free", got.Status)
	}
	if d := cmp.Diff(m.s, s); d != "" {
		t.Fatalf("Project changed its argument:\n%s", d)
	}
	m.stats[fmt.Sprintf("project %d events", min(len(proj), 5))]++
}

// ---------------------------------------------------------------------------
// Invariants after every step

func (m *mMachine) check(t *rapid.T) {
	s := m.s
	// Structural: the state is valid on its own and against the catalog,
	// and its next deadline does not lie before its last change.
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate: %v\nstate: %+v", err, s)
	}
	if err := m.eng.Check(s); err != nil {
		t.Fatalf("Check: %v\nstate: %+v", err, s)
	}
	if d, ok := s.NextDeadline(); ok && d.Before(s.Updated) {
		t.Fatalf("next deadline %v before the last change %v", d, s.Updated)
	}
	if m.now.Before(s.Updated) {
		t.Fatalf("test clock %v before the last change %v", m.now, s.Updated)
	}
	// Every time of a subscription is in its location (a day is a calendar
	// day there: PLAN-05, PLAN-10, PLAN-14).
	for name, tm := range map[string]time.Time{"Start": s.Start, "End": s.End, "GraceEnd": s.GraceEnd,
		"Pending.Since": s.Pending.Since, "FreeSince": s.FreeSince, "Updated": s.Updated} {
		if !tm.IsZero() && tm.Location().String() != m.zone {
			t.Fatalf("%s is in %v, want %s", name, tm.Location(), m.zone)
		}
	}
	// PLAN-06: money is in the currency's minor units.
	for _, d := range []decimal.Decimal{s.Paid, s.Due, s.Renewal, s.Credit, s.AddOns.TelephonyCredits} {
		if !m.cur.Whole(d) {
			t.Fatalf("amount %s is finer than the minor unit", d)
		}
	}
	// PLAN-05, PLAN-03: under every convention no period has zero length,
	// no balance is negative, and with BoundAtMidnight a paid period ends
	// at the first instant of its day.
	if s.Paying() || s.Status == plan.StatusTrial {
		if !s.End.After(s.Start) {
			t.Fatalf("PLAN-05: a period from %v to %v", s.Start, s.End)
		}
	}
	for _, d := range []decimal.Decimal{s.Paid, s.Due, s.Renewal, s.Credit} {
		if d.IsNegative() {
			t.Fatalf("a negative amount %s in %+v", d, s)
		}
	}
	if s.Paying() && m.pol.Bounds == plan.BoundAtMidnight && !s.End.Equal(m.bound(s.End)) {
		t.Fatalf("PLAN-05: a period bounded at midnight ends at %v", s.End)
	}

	// PLAN-11: specialist support comes with a paid plan only; the limits
	// are the plan's plus the extra storage bought (PLAN-07).
	ent := m.eng.Entitlements(s)
	p, _ := m.cat.Plan(s.Plan)
	if (ent.Support == plan.SupportSpecialists) != s.Paying() || ent.Plan != s.Plan {
		t.Fatalf("PLAN-11: %s on %s is entitled to %s support", s.Status, s.Plan, ent.Support)
	}
	if want := p.Limits.StorageBytes + s.AddOns.ExtraStorageBytes; p.Limits.StorageBytes != plan.Unlimited && ent.Limits.StorageBytes != want {
		t.Fatalf("PLAN-07: storage limit %d, want %d", ent.Limits.StorageBytes, want)
	}

	// JSON round trip is exact, time zone included.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	var back plan.Subscription
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal %s: %v", b, err)
	}
	if d := cmp.Diff(s, back); d != "" {
		t.Fatalf("JSON round trip differs (-before +after):\n%s\n%s", d, b)
	}
	if back.Location().String() != s.Location().String() {
		t.Fatalf("JSON round trip moved the subscription from %v to %v", s.Location(), back.Location())
	}

	// PLAN-06, PLAN-07: the account never holds more than was paid in: what
	// was charged minus what was refunded covers the account credit, the
	// renewal bought early and what the current period cost.
	held := s.Credit.Add(s.Renewal)
	if m.charged.Sub(m.refunded).LessThan(held) {
		t.Fatalf("PLAN-06: charged %s - refunded %s < credit %s + renewal %s", m.charged, m.refunded, s.Credit, s.Renewal)
	}
	if m.charged.Sub(m.refunded).LessThan(held.Add(s.Paid)) {
		t.Fatalf("PLAN-06: charged %s - refunded %s < credit %s + renewal %s + paid %s", m.charged, m.refunded, s.Credit, s.Renewal, s.Paid)
	}

	// PLAN-10: one ordinary trial per account, and one more only through a
	// branch network (NET-06).
	if m.trial["PLAN-10"] > 1 || m.trial["NET-06"] > 1 {
		t.Fatalf("PLAN-10: trials started %v", m.trial)
	}
	if m.trial["PLAN-10"] > 0 != s.TrialUsed || m.trial["NET-06"] > 0 != s.NetworkTrialUsed {
		t.Fatalf("PLAN-10: trials started %v, but TrialUsed=%v NetworkTrialUsed=%v", m.trial, s.TrialUsed, s.NetworkTrialUsed)
	}
}

// commit checks the events of one step from before at now, records them in
// the history and keeps the new state.
func (m *mMachine) commit(t *rapid.T, before, after plan.Subscription, evs []plan.Event, now time.Time) {
	for i, ev := range evs {
		// Events never lie before the state's last change, never after
		// now, and come in time order.
		if ev.At.Before(before.Updated) || ev.At.After(now) {
			t.Fatalf("event %v at %v outside [%v, %v]", ev, ev.At, before.Updated, now)
		}
		if i > 0 && ev.At.Before(evs[i-1].At) {
			t.Fatalf("event %v before the previous one %v", ev, evs[i-1])
		}
		if ev.At.Location().String() != m.zone {
			t.Fatalf("event %v in %v, want %s", ev, ev.At.Location(), m.zone)
		}
		if ev.Account != before.Account {
			t.Fatalf("event %v for account %q", ev, ev.Account)
		}
		// Every event cites its rule; a trial cites PLAN-10 or NET-06.
		if ev.Kind == plan.EventTrialStarted {
			if ev.Rule != "PLAN-10" && ev.Rule != "NET-06" {
				t.Fatalf("trial started under rule %q", ev.Rule)
			}
		} else if ev.Rule != ev.Kind.Rule() || ev.Rule == "" {
			t.Fatalf("event %v cites %q, want %q", ev, ev.Rule, ev.Kind.Rule())
		}
		if _, ok := m.cat.Plan(ev.Plan); !ok {
			t.Fatalf("event %v names plan %q, not in the catalog", ev, ev.Plan)
		}
		if _, ok := m.cat.Plan(ev.From); ev.From != "" && !ok {
			t.Fatalf("event %v comes from plan %q, not in the catalog", ev, ev.From)
		}
		// PLAN-06, PLAN-07: amounts are never negative and are whole minor
		// units.
		if ev.Amount.IsNegative() || ev.Credit.IsNegative() || ev.Credited.IsNegative() || ev.Balance.IsNegative() ||
			!m.cur.Whole(ev.Amount) || !m.cur.Whole(ev.Credit) || !m.cur.Whole(ev.Credited) || !m.cur.Whole(ev.Balance) {
			t.Fatalf("event %v has a bad amount or credit", ev)
		}
		// Events are numbered in the subscription's history, one after
		// the other, and their IDs are never repeated across the whole
		// history, so a service that drops repeats drops only true
		// repeats.
		if ev.Seq != before.Seq+uint64(i)+1 {
			t.Fatalf("event %v is number %d, want %d", ev, ev.Seq, before.Seq+uint64(i)+1)
		}
		id := ev.ID()
		if old, dup := m.ids[id]; dup {
			t.Fatalf("event ID %s repeated:\n  first %v\n  again %v\n  in %v", id, old, ev, evs)
		}
		m.ids[id] = ev
		switch ev.Kind {
		case plan.EventPurchased, plan.EventUpgraded, plan.EventRenewalBought, plan.EventAddOnBought, plan.EventPaymentReceived:
			m.charged = m.charged.Add(ev.Amount)
		case plan.EventRefunded:
			m.refunded = m.refunded.Add(ev.Amount)
		case plan.EventTrialStarted:
			m.trial[ev.Rule]++
		}
		m.stats["event "+ev.Kind.String()]++
	}
	if after.Updated.Before(before.Updated) || after.Updated.After(now) {
		t.Fatalf("the last change moved from %v to %v at %v", before.Updated, after.Updated, now)
	}
	if after.Seq != before.Seq+uint64(len(evs)) {
		t.Fatalf("%d events took the count from %d to %d", len(evs), before.Seq, after.Seq)
	}
	m.s = after
}

// checkRefusal checks what every refused command or Advance promises
// (PLAN-02's "nothing changes", and so for every other rule): the
// subscription comes back exactly as given, with no event, and the error is
// a *tenancy.RuleError matching one of the sentinels.
func (m *mMachine) checkRefusal(t *rapid.T, before, got plan.Subscription, evs []plan.Event, err error) {
	if d := cmp.Diff(before, got); d != "" || got.Location().String() != before.Location().String() {
		t.Fatalf("a refusal (%v) changed the subscription (-before +after):\n%s", err, d)
	}
	if len(evs) != 0 {
		t.Fatalf("a refusal (%v) returned events %v", err, evs)
	}
	var re *tenancy.RuleError
	if !errors.As(err, &re) {
		t.Fatalf("refusal %v (%T) is not a *tenancy.RuleError", err, err)
	}
	if mSentinelName(err) == "" {
		t.Fatalf("refusal %v matches none of tenancy's sentinels", err)
	}
	// Every refusal names the rule that refused, except time going back and
	// a missing command, which no single rule owns.
	if errors.Is(err, tenancy.ErrTimeWentBack) && re.Rule != "" || re.Rule == "" && !errors.Is(err, tenancy.ErrTimeWentBack) && !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("refusal %v cites rule %q", err, re.Rule)
	}
}

// mErrName names err's most specific sentinel, for the coverage log.
func mErrName(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrPendingChange", plan.ErrPendingChange}, {"ErrStatus", plan.ErrStatus}, {"ErrTrialUsed", plan.ErrTrialUsed},
		{"ErrTooEarly", plan.ErrTooEarly}, {"ErrOnPremise", plan.ErrOnPremise}, {"ErrUnknownPlan", plan.ErrUnknownPlan},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return mSentinelName(err)
}

func mSentinelName(err error) string {
	for _, s := range []struct {
		name string
		err  error
	}{
		{"ErrUnauthorized", tenancy.ErrUnauthorized}, {"ErrInvalid", tenancy.ErrInvalid}, {"ErrNotFound", tenancy.ErrNotFound},
		{"ErrRefused", tenancy.ErrRefused}, {"ErrTimeWentBack", tenancy.ErrTimeWentBack},
	} {
		if errors.Is(err, s.err) {
			return s.name
		}
	}
	return ""
}

// walk moves s to now one deadline at a time, checking what each deadline
// does, and checks that one Advance call does exactly the same.
func (m *mMachine) walk(t *rapid.T, s plan.Subscription, now time.Time) (plan.Subscription, []plan.Event) {
	start := s
	var all []plan.Event
	for range 10_000 {
		d, ok := s.NextDeadline()
		if !ok || d.After(now) {
			break
		}
		a, evs, err := m.eng.Advance(s, d, nil)
		if err != nil {
			t.Fatalf("Advance to the deadline %v: %v", d, err)
		}
		m.checkDeadline(t, s, a, d, evs)
		all = append(all, evs...)
		s = a
	}
	got, evs, err := m.eng.Advance(start, now, nil)
	if err != nil {
		t.Fatalf("Advance to %v: %v", now, err)
	}
	if d := cmp.Diff(all, evs, cmpopts.EquateEmpty()); d != "" {
		t.Fatalf("Advance in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	if d := cmp.Diff(s, got); d != "" {
		t.Fatalf("Advance state in one call differs from one deadline at a time (-stepwise +once):\n%s", d)
	}
	return got, evs
}

// checkDeadline checks what the deadline d did to b: a is the state after
// it and evs its events.
func (m *mMachine) checkDeadline(t *rapid.T, b, a plan.Subscription, d time.Time, evs []plan.Event) {
	if want, ok := b.NextDeadline(); !ok || !want.Equal(d) {
		t.Fatalf("deadline %v is not the next deadline %v", d, want)
	}
	if len(evs) == 0 {
		t.Fatalf("the deadline %v fired without an event", d)
	}
	for _, ev := range evs {
		if !ev.At.Equal(d) {
			t.Fatalf("event %v of the deadline %v is stamped %v", ev, d, ev.At)
		}
	}
	free := m.cat.Free().ID
	switch b.Status {
	case plan.StatusTrial:
		// PLAN-10: a trial ends at its end, on the free plan, with no grace.
		if !d.Equal(b.End) || evs[0].Kind != plan.EventTrialEnded || a.Status != plan.StatusFree || a.Plan != free || mHas(evs, plan.EventGraceStarted) {
			t.Fatalf("PLAN-10: the trial ending at %v gave %v, status %s on %s", b.End, evs, a.Status, a.Plan)
		}
		m.checkDrop(t, b, a, d, evs)
	case plan.StatusGrace:
		// PLAN-14: when grace runs out unpaid the account is on free.
		if !d.Equal(b.GraceEnd) || evs[0].Kind != plan.EventGraceEnded || a.Status != plan.StatusFree {
			t.Fatalf("PLAN-14: grace ending at %v gave %v, status %s", b.GraceEnd, evs, a.Status)
		}
		m.checkDrop(t, b, a, d, evs)
	case plan.StatusActive:
		// PLAN-03: the plan in effect changes through time only at the
		// end of the paid period.
		if !d.Equal(b.End) {
			t.Fatalf("PLAN-03: an active period ending %v changed at %v", b.End, d)
		}
		if b.Pending.Kind == plan.ChangeCancel {
			// PLAN-04: a period that ends with a pending cancel ends on
			// the free plan.
			if evs[0].Kind != plan.EventRolledBack || a.Status != plan.StatusFree {
				t.Fatalf("PLAN-04: a cancelled period ended with %v, status %s", evs, a.Status)
			}
			m.checkDrop(t, b, a, d, evs)
			return
		}
		next, per := b.Plan, b.Period
		if b.Pending.Kind == plan.ChangeDowngrade {
			next, per = b.Pending.Plan, b.Pending.Period
		}
		price := m.price(t, next, per)
		first := evs[0]
		newEnd := m.periodEnd(t, d, per.Months(), b.AnchorDay)
		// PLAN-03: a scheduled downgrade applies exactly at period end.
		if applied := mHas(evs, plan.EventChangeApplied); applied != (next != b.Plan) {
			t.Fatalf("PLAN-03: from %s to %s, change applied = %v: %v", b.Plan, next, applied, evs)
		}
		switch first.Kind {
		case plan.EventRenewed:
			// PLAN-05: the new period starts at the old end, keeps the
			// anchor day and ends on it (or the month's last day).
			if !a.Start.Equal(b.End) || a.AnchorDay != b.AnchorDay || !a.End.Equal(newEnd) || !first.Until.Equal(newEnd) {
				t.Fatalf("PLAN-05: renewal of [%v, %v] anchored on %d gave [%v, %v] anchored on %d, until %v",
					b.Start, b.End, b.AnchorDay, a.Start, a.End, a.AnchorDay, first.Until)
			}
			if a.Status != plan.StatusActive || a.Plan != next || a.Period != per || a.Pending.Kind != plan.NoChange || !a.Renewal.IsZero() {
				t.Fatalf("PLAN-04: renewal gave %+v", a)
			}
			// PLAN-06, PLAN-07: the new period cost its catalog price,
			// paid by the renewal bought early or by account credit.
			if !a.Paid.Equal(price) {
				t.Fatalf("renewed %s %s paid %s, want %s", next, per, a.Paid, price)
			}
			if b.Renewal.IsPositive() {
				if !b.Renewal.Equal(price) || !first.Credit.IsZero() || !a.Credit.Equal(b.Credit) {
					t.Fatalf("renewal bought early (%s) for a period of %s: credit %s -> %s", b.Renewal, price, b.Credit, a.Credit)
				}
			} else if !first.Credit.Equal(price) || !a.Credit.Equal(b.Credit.Sub(price)) {
				t.Fatalf("renewal of %s from credit %s: event credit %s, credit left %s", price, b.Credit, first.Credit, a.Credit)
			}
			m.stats["deadline renewed"]++
		case plan.EventGraceStarted:
			graceEnd := d.AddDate(0, 0, m.pol.GraceDays)
			// PLAN-14: an unpaid period starts in grace for GraceDays
			// calendar days; what is due is the price less account
			// credit.
			if b.Renewal.IsPositive() || !b.Credit.LessThan(price) || !first.Amount.Equal(price.Sub(b.Credit)) || !first.Until.Equal(graceEnd) {
				t.Fatalf("PLAN-14: grace of a %s period with credit %s, renewal %s: %v", price, b.Credit, b.Renewal, first)
			}
			if a.Status == plan.StatusGrace {
				// PLAN-14: the plan is kept; PLAN-05: the anchor too.
				if a.Plan != next || a.Period != per || !a.GraceEnd.Equal(graceEnd) || !a.Due.Equal(first.Amount) ||
					!a.Start.Equal(b.End) || a.AnchorDay != b.AnchorDay || !a.End.Equal(newEnd) {
					t.Fatalf("PLAN-14/PLAN-05: grace state %+v", a)
				}
				m.stats["deadline grace started"]++
			} else {
				// No grace days: the grace ends the moment it starts.
				if !graceEnd.Equal(d) || !mHas(evs, plan.EventGraceEnded) || a.Status != plan.StatusFree {
					t.Fatalf("PLAN-14: grace until %v at %v left %s with %v", graceEnd, d, a.Status, evs)
				}
				m.stats["deadline grace of zero days"]++
			}
		default:
			t.Fatalf("PLAN-04: a period with auto-renewal on ended with %v", evs)
		}
	default:
		t.Fatalf("a deadline fired in status %s", b.Status)
	}
}

// checkDrop checks a drop to the free plan at d: account credit stays,
// add-ons are deactivated and telephony credits forfeited, never refunded
// (PLAN-07).
func (m *mMachine) checkDrop(t *rapid.T, b, a plan.Subscription, d time.Time, evs []plan.Event) {
	if a.Status != plan.StatusFree || a.Plan != m.cat.Free().ID || !a.FreeSince.Equal(d) || !a.Credit.Equal(b.Credit) {
		t.Fatalf("drop to free gave %+v", a)
	}
	m.checkAddOnsGone(t, b.AddOns, evs)
	m.stats[fmt.Sprintf("drop to free from %s", b.Status)]++
}

// checkAddOnsGone checks PLAN-07 for a drop to free that had add-ons: one
// EventAddOnsDeactivated reports the credits forfeited and the storage
// removed, and no refund includes the credits.
func (m *mMachine) checkAddOnsGone(t *rapid.T, had plan.AddOns, evs []plan.Event) {
	n := 0
	for _, ev := range evs {
		if ev.Kind == plan.EventAddOnsDeactivated {
			n++
			if !ev.Amount.Equal(had.TelephonyCredits) || ev.Bytes != had.ExtraStorageBytes {
				t.Fatalf("PLAN-07: add-ons %+v deactivated as %v", had, ev)
			}
		}
	}
	if want := map[bool]int{true: 0, false: 1}[had.IsZero()]; n != want {
		t.Fatalf("PLAN-07: add-ons %+v gave %d deactivation events: %v", had, n, evs)
	}
}

// ---------------------------------------------------------------------------
// Commands

// drawCommand draws a command with knowledge of the advanced state s, so that
// the right amount, the same plan and the like can be drawn.
func (m *mMachine) drawCommand(t *rapid.T, s plan.Subscription) (string, plan.Command) {
	by := rapid.SampledFrom(mActors).Draw(t, "actor")
	// Every command may be drawn in every state; half of the time the draw
	// is among those that fit the state.
	all := []string{
		"purchase", "change", "cancel", "trial", "network trial", "change to free", "change to same",
		"cancel now", "undo", "auto-renew off", "auto-renew on", "renew",
		"pay", "pay wrong", "payment failed", "buy credits", "use credits", "buy storage",
	}
	fit := map[plan.Status][]string{
		plan.StatusFree:   {"purchase", "trial", "network trial"},
		plan.StatusTrial:  {"purchase", "cancel"},
		plan.StatusActive: {"change", "cancel", "cancel now", "renew", "buy credits", "use credits", "buy storage", "auto-renew off", "change to free"},
		plan.StatusGrace:  {"pay", "pay wrong", "payment failed", "change", "cancel"},
	}[s.Status]
	if s.Pending.Kind != plan.NoChange {
		fit = append(fit, "undo", "auto-renew on", "change", "cancel")
	}
	if mOneIn(t, "no command?", 100) {
		return "no command", nil
	}
	names := all
	if rapid.Bool().Draw(t, "fits the state") {
		names = fit
	}
	name := rapid.SampledFrom(names).Draw(t, "command")
	switch name {
	case "trial", "network trial":
		days := 0
		if mOneIn(t, "override days?", 5) {
			days = rapid.SampledFrom([]int{1, 3, 40, 0, plan.MaxTrialDays, -1, plan.MaxTrialDays + 1}).Draw(t, "trial days override")
		}
		return name, plan.StartTrial{By: by, Network: name == "network trial", Days: days}
	case "purchase":
		return name, plan.Purchase{By: by, Plan: m.drawPlan(t), Period: m.drawPeriod(t)}
	case "change":
		return name, plan.ChangePlan{By: by, Plan: m.drawPlan(t), Period: m.drawPeriod(t)}
	case "change to free":
		return name, plan.ChangePlan{By: by, Plan: m.cat.Free().ID, Period: m.drawPeriod(t)}
	case "change to same":
		return name, plan.ChangePlan{By: by, Plan: s.Plan, Period: s.Period}
	case "cancel", "cancel now":
		return name, plan.Cancel{By: by, Reason: rapid.SampledFrom(mReasons).Draw(t, "reason"), Now: name == "cancel now"}
	case "undo":
		return name, plan.UndoChange{By: by}
	case "auto-renew off", "auto-renew on":
		return name, plan.SetAutoRenew{By: by, On: name == "auto-renew on"}
	case "renew":
		return name, plan.Renew{By: by}
	case "pay":
		return name, plan.RecordPayment{By: by, Amount: s.Due}
	case "pay wrong":
		unit := decimal.New(1, -m.cur.Minor)
		amt := rapid.SampledFrom([]decimal.Decimal{
			s.Due.Add(unit), s.Due.Sub(unit), decimal.Zero, unit.Neg(), s.Due.Add(decimal.New(1, -m.cur.Minor-1)), m.money(t, "wrong amount"),
		}).Draw(t, "wrong amount kind")
		return name, plan.RecordPayment{By: by, Amount: amt}
	case "payment failed":
		return name, plan.RecordPaymentFailure{By: by, Reason: "card declined"}
	case "buy credits":
		return name, plan.BuyTelephonyCredits{By: by, Amount: m.drawAmount(t)}
	case "use credits":
		amt := m.drawAmount(t)
		if s.AddOns.TelephonyCredits.IsPositive() && rapid.Bool().Draw(t, "use what is there") {
			amt = s.AddOns.TelephonyCredits
			if rapid.Bool().Draw(t, "use part") {
				amt = m.cur.Part(amt, 1, 3)
			}
		}
		return name, plan.UseTelephonyCredits{By: by, Amount: amt}
	default:
		bytes := rapid.SampledFrom([]int64{plan.GB, 10 * plan.GB, 1, 0, -5}).Draw(t, "extra bytes")
		price := rapid.SampledFrom([]decimal.Decimal{m.money(t, "storage price"), decimal.Zero, decimal.New(-1, 0)}).Draw(t, "storage price kind")
		return name, plan.BuyExtraStorage{By: by, Bytes: bytes, Price: price}
	}
}

func (m *mMachine) drawPlan(t *rapid.T) plan.PlanID {
	ids := []plan.PlanID{"no-such-plan"}
	for _, p := range m.cat.Plans() {
		ids = append(ids, p.ID)
		if p.Kind.Paid() {
			ids = append(ids, p.ID, p.ID) // paid plans drawn more often
		}
	}
	return rapid.SampledFrom(ids).Draw(t, "plan")
}

func (m *mMachine) drawPeriod(t *rapid.T) plan.Period {
	return rapid.SampledFrom([]plan.Period{plan.Monthly, plan.Annual, plan.Monthly, plan.Annual, 0, 9}).Draw(t, "period")
}

// money draws a positive amount in whole minor units.
func (m *mMachine) money(t *rapid.T, label string) decimal.Decimal {
	return decimal.New(int64(rapid.IntRange(1, 200_000).Draw(t, label)), -m.cur.Minor)
}

// drawAmount draws an amount, mostly valid, sometimes zero, negative or
// finer than the minor unit.
func (m *mMachine) drawAmount(t *rapid.T) decimal.Decimal {
	switch rapid.SampledFrom([]string{"valid", "valid", "valid", "valid", "zero", "negative", "too fine"}).Draw(t, "amount kind") {
	case "zero":
		return decimal.Zero
	case "negative":
		return m.money(t, "amount").Neg()
	case "too fine":
		return m.money(t, "amount").Add(decimal.New(5, -m.cur.Minor-1))
	}
	return m.money(t, "amount")
}

func mAdminOnly(cmd plan.Command) bool {
	switch cmd.(type) {
	case plan.Renew, plan.RecordPayment, plan.RecordPaymentFailure, plan.UseTelephonyCredits:
		return false
	}
	return true
}

// mAuthorized is PLAN-02: an administrator may do everything; the service
// may record payments and renewals and spend credits; nobody else anything.
func mAuthorized(cmd plan.Command) bool {
	if cmd == nil {
		return true // nobody to refuse: the command itself is missing
	}
	switch cmd.Actor().Role {
	case tenancy.RoleAdministrator:
		return true
	case tenancy.RoleService:
		return !mAdminOnly(cmd)
	}
	return false
}

func (m *mMachine) price(t *rapid.T, id plan.PlanID, per plan.Period) decimal.Decimal {
	p, ok := m.cat.Plan(id)
	if !ok {
		t.Fatalf("plan %q not in the catalog", id)
	}
	d, ok := p.Prices.For(per)
	if !ok {
		t.Fatalf("plan %s is not sold %s", id, per)
	}
	return d
}

func (m *mMachine) badAmount(d decimal.Decimal) bool { return !d.IsPositive() || !m.cur.Whole(d) }

// expectPaid is what buying plan id for period per is refused with, if
// anything, whatever the state (PLAN-01, PLAN-05).
func (m *mMachine) expectPaid(id plan.PlanID, per plan.Period) error {
	p, ok := m.cat.Plan(id)
	if !ok {
		return plan.ErrUnknownPlan
	}
	if !p.Kind.Paid() {
		return tenancy.ErrInvalid
	}
	if _, ok := p.Prices.For(per); !ok {
		return tenancy.ErrInvalid
	}
	return nil
}

// expectCancel is what cancelling s is refused with, if anything.
func (m *mMachine) expectCancel(s plan.Subscription) error {
	cur, _ := m.cat.Plan(s.Plan)
	switch {
	case cur.OnPremise:
		return plan.ErrOnPremise // PLAN-12
	case s.Status == plan.StatusFree:
		return plan.ErrStatus // PLAN-04: nothing to cancel
	case s.Status != plan.StatusActive:
		return nil // a trial or an unpaid period in grace ends at once
	case s.Pending.Kind != plan.NoChange:
		return plan.ErrPendingChange // PLAN-03: one pending change at a time
	}
	return nil
}

// expect is the model's verdict on cmd in the advanced state s at now: nil
// when it must be accepted, otherwise the error it must be refused with.
func (m *mMachine) expect(s plan.Subscription, now time.Time, cmd plan.Command) error {
	if cmd == nil {
		return tenancy.ErrInvalid
	}
	if !mAuthorized(cmd) {
		return tenancy.ErrUnauthorized // PLAN-02
	}
	switch c := cmd.(type) {
	case plan.StartTrial:
		_, hasTrial := m.cat.Trial()
		switch {
		case c.Days < 0 || c.Days > plan.MaxTrialDays:
			return tenancy.ErrInvalid
		case s.Status != plan.StatusFree:
			return plan.ErrStatus
		case c.Network && s.NetworkTrialUsed, !c.Network && s.TrialUsed:
			return plan.ErrTrialUsed // PLAN-10, NET-06
		case !hasTrial:
			return plan.ErrUnknownPlan
		}
	case plan.Purchase:
		if err := m.expectPaid(c.Plan, c.Period); err != nil {
			return err
		}
		if s.Status != plan.StatusFree && s.Status != plan.StatusTrial {
			return plan.ErrStatus
		}
	case plan.ChangePlan:
		if p, ok := m.cat.Plan(c.Plan); ok && p.Kind == plan.KindFree {
			return m.expectCancel(s) // PLAN-04
		}
		if err := m.expectPaid(c.Plan, c.Period); err != nil {
			return err
		}
		if s.Status == plan.StatusFree || s.Status == plan.StatusTrial {
			return plan.ErrStatus
		}
		tgt, _ := m.cat.Plan(c.Plan)
		cur, _ := m.cat.Plan(s.Plan)
		switch {
		case tgt.Rank == cur.Rank && c.Period == s.Period:
			return tenancy.ErrInvalid
		case tgt.Rank > cur.Rank || (tgt.Rank == cur.Rank && c.Period.Months() > s.Period.Months()):
			if s.Pending.Kind != plan.NoChange {
				return plan.ErrPendingChange // PLAN-03
			}
			return nil
		case cur.OnPremise:
			return plan.ErrOnPremise // PLAN-12
		case s.Status == plan.StatusGrace:
			return plan.ErrStatus // PLAN-14
		case s.Pending.Kind != plan.NoChange:
			return plan.ErrPendingChange // PLAN-03
		}
	case plan.Cancel:
		return m.expectCancel(s)
	case plan.UndoChange:
		if s.Pending.Kind == plan.NoChange {
			return plan.ErrStatus
		}
	case plan.SetAutoRenew:
		if !c.On {
			return m.expectCancel(s)
		}
		if s.Pending.Kind != plan.ChangeCancel {
			return plan.ErrStatus
		}
	case plan.Renew:
		switch {
		case s.Status != plan.StatusActive, s.Pending.Kind == plan.ChangeCancel, s.Renewal.IsPositive():
			return plan.ErrStatus
		case now.Before(s.End.AddDate(0, 0, -m.pol.RenewalWindowDays)):
			return plan.ErrTooEarly // PLAN-03
		}
	case plan.RecordPayment:
		switch {
		case m.badAmount(c.Amount):
			return tenancy.ErrInvalid
		case s.Status != plan.StatusGrace:
			return plan.ErrStatus
		case !c.Amount.Equal(s.Due):
			return tenancy.ErrInvalid // PLAN-14: exactly the amount due
		}
	case plan.RecordPaymentFailure:
		if s.Status != plan.StatusGrace {
			return plan.ErrStatus
		}
	case plan.BuyTelephonyCredits:
		switch {
		case m.badAmount(c.Amount):
			return tenancy.ErrInvalid
		case s.Status != plan.StatusActive:
			return plan.ErrStatus // PLAN-07: add-ons go with a paid plan
		}
	case plan.UseTelephonyCredits:
		switch {
		case m.badAmount(c.Amount):
			return tenancy.ErrInvalid
		case c.Amount.GreaterThan(s.AddOns.TelephonyCredits):
			return tenancy.ErrRefused
		}
	case plan.BuyExtraStorage:
		switch {
		case c.Bytes <= 0, c.Price.IsNegative(), !m.cur.Whole(c.Price):
			return tenancy.ErrInvalid
		case s.Status != plan.StatusActive:
			return plan.ErrStatus // PLAN-07
		}
	}
	return nil
}

// checkCommand checks what an accepted command did: adv is the state
// advanced to now, a the result and ce the command's own events. q is the
// refund quote of adv at now when adv is active.
func (m *mMachine) checkCommand(t *rapid.T, adv, a plan.Subscription, now time.Time, cmd plan.Command, ce []plan.Event, q *plan.RefundQuote) {
	// The ordinary and network trials are recorded for good (PLAN-10,
	// NET-06), and so is having paid.
	if adv.TrialUsed && !a.TrialUsed || adv.NetworkTrialUsed && !a.NetworkTrialUsed || adv.EverPaid && !a.EverPaid {
		t.Fatalf("a command forgot the account's history: %+v -> %+v", adv, a)
	}
	// PLAN-03: the plan in effect changes through a command only by a
	// purchase, an upgrade, a trial starting, or a trial, an unpaid period
	// or a period cancelled with Now ending at once.
	if a.Plan != adv.Plan && !mHas(ce, plan.EventPurchased) && !mHas(ce, plan.EventUpgraded) &&
		!mHas(ce, plan.EventTrialStarted) && !mHas(ce, plan.EventTrialEnded) && !mHas(ce, plan.EventCancelledNow) {
		t.Fatalf("PLAN-03: %#v moved the plan from %s to %s with %v", cmd, adv.Plan, a.Plan, ce)
	}
	switch c := cmd.(type) {
	case plan.StartTrial:
		days := m.pol.TrialDays
		if c.Days > 0 {
			days = c.Days
		}
		rule := tenancy.RuleID("PLAN-10")
		if c.Network {
			rule = "NET-06"
		}
		tp, _ := m.cat.Trial()
		// PLAN-10: a trial lasts exactly TrialDays calendar days.
		if a.Status != plan.StatusTrial || a.Plan != tp.ID || !a.Start.Equal(now) || !a.End.Equal(a.Start.AddDate(0, 0, days)) {
			t.Fatalf("PLAN-10: trial of %d days: %+v", days, a)
		}
		if len(ce) != 1 || ce[0].Kind != plan.EventTrialStarted || ce[0].Rule != rule || !ce[0].Until.Equal(a.End) {
			t.Fatalf("PLAN-10: trial started with %v", ce)
		}
	case plan.Purchase:
		m.checkBought(t, adv, a, now, c.Plan, c.Period, ce, plan.EventPurchased, adv.Credit)
	case plan.ChangePlan:
		if p, _ := m.cat.Plan(c.Plan); p.Kind == plan.KindFree {
			m.checkCancel(t, adv, a, now, plan.Cancel{By: c.By}, ce, q)
			return
		}
		if mHas(ce, plan.EventUpgraded) {
			// PLAN-03: an upgrade is prorated: the unused part of the paid
			// period, counted as the policy says, and a renewal bought
			// early are credited.
			num, den := m.unused(adv, now)
			unused := decimal.Zero
			if adv.Status == plan.StatusActive {
				unused = m.share(adv.Paid, num, den)
			}
			if unused.GreaterThan(adv.Paid) || unused.IsNegative() {
				t.Fatalf("PLAN-03: credited %s of %s paid", unused, adv.Paid)
			}
			pool := adv.Credit.Add(unused).Add(adv.Renewal)
			ev := ce[len(ce)-1]
			// PLAN-03: the event carries the whole credit, the part
			// applied and the balance, and credit is conserved: credit
			// before + credited = applied + balance = ... + account credit.
			if len(ce) != 1 || !ev.Credited.Equal(unused.Add(adv.Renewal)) || !adv.Credit.Add(ev.Credited).Equal(ev.Credit.Add(ev.Balance)) ||
				!a.Credit.Equal(ev.Balance) || ev.Amount.IsNegative() || ev.Credit.IsNegative() || ev.Balance.IsNegative() {
				t.Fatalf("PLAN-03: upgrade with credit %s, unused %s, renewal %s: %+v, account credit %s", adv.Credit, unused, adv.Renewal, ce, a.Credit)
			}
			if m.pol.Upgrade == plan.UpgradeKeepsAnchor && c.Period == adv.Period && adv.Status == plan.StatusActive {
				// PLAN-03, PLAN-05: the period and its anchor are kept; the
				// new price's share for the same unused part is charged,
				// credit paying first.
				rest := m.share(m.price(t, c.Plan, c.Period), num, den)
				if a.Plan != c.Plan || a.Period != adv.Period || !a.Start.Equal(adv.Start) || !a.End.Equal(adv.End) || a.AnchorDay != adv.AnchorDay ||
					a.Status != plan.StatusActive || !ev.Amount.Add(ev.Credit).Equal(rest) || !ev.Credit.Equal(decimal.Min(pool, rest)) ||
					!a.Paid.Equal(adv.Paid.Sub(unused).Add(rest)) || !a.Renewal.IsZero() || !ev.Until.Equal(adv.End) {
					t.Fatalf("PLAN-03: upgrade keeping the anchor, rest %s of %d/%d: %+v -> %+v, %v", rest, num, den, adv, a, ce)
				}
				return
			}
			m.checkBought(t, adv, a, now, c.Plan, c.Period, ce, plan.EventUpgraded, pool)
			return
		}
		// PLAN-03: a downgrade waits for the period's end: the plan, the
		// period and the status stay as they are.
		m.checkUnchangedUntilEnd(t, adv, a, cmd)
		want := plan.Change{Kind: plan.ChangeDowngrade, Plan: c.Plan, Period: c.Period, Since: now}
		if d := cmp.Diff(want, a.Pending); d != "" {
			t.Fatalf("PLAN-03: pending downgrade (-want +got):\n%s", d)
		}
		// A renewal bought early is for a period that will not come: it
		// becomes account credit.
		if !a.Credit.Equal(adv.Credit.Add(adv.Renewal)) || !a.Renewal.IsZero() {
			t.Fatalf("downgrade: credit %s + renewal %s became credit %s, renewal %s", adv.Credit, adv.Renewal, a.Credit, a.Renewal)
		}
		// PLAN-03: the event names the target plan and when it applies.
		if len(ce) != 1 || ce[0].Kind != plan.EventChangeScheduled || ce[0].Plan != c.Plan || ce[0].From != adv.Plan || !ce[0].Until.Equal(adv.End) {
			t.Fatalf("PLAN-03: downgrade to %s scheduled with %v", c.Plan, ce)
		}
	case plan.Cancel:
		m.checkCancel(t, adv, a, now, c, ce, q)
	case plan.SetAutoRenew:
		if !c.On {
			m.checkCancel(t, adv, a, now, plan.Cancel{By: c.By}, ce, q)
			return
		}
		m.checkUndo(t, adv, a, cmd, ce)
	case plan.UndoChange:
		m.checkUndo(t, adv, a, cmd, ce)
	case plan.Renew:
		next, per := adv.Plan, adv.Period
		if adv.Pending.Kind == plan.ChangeDowngrade {
			next, per = adv.Pending.Plan, adv.Pending.Period
		}
		price := m.price(t, next, per)
		// PLAN-03: a renewal is bought within the window, for the next
		// period's plan at its catalog price.
		if now.Before(adv.End.AddDate(0, 0, -m.pol.RenewalWindowDays)) {
			t.Fatalf("PLAN-03: renewal bought at %v, before the window opened", now)
		}
		if len(ce) != 1 || ce[0].Kind != plan.EventRenewalBought || !ce[0].Amount.Add(ce[0].Credit).Equal(price) ||
			!ce[0].Until.Equal(m.periodEnd(t, adv.End, per.Months(), adv.AnchorDay)) {
			t.Fatalf("PLAN-03: renewal of %s %s at %s bought with %v", next, per, price, ce)
		}
		if !a.Renewal.Equal(price) || !a.Credit.Equal(adv.Credit.Sub(ce[0].Credit)) || !ce[0].Credit.Equal(decimal.Min(adv.Credit, price)) {
			t.Fatalf("renewal: credit %s -> %s, renewal %s", adv.Credit, a.Credit, a.Renewal)
		}
		m.checkUnchangedUntilEnd(t, adv, a, cmd)
	case plan.RecordPayment:
		// PLAN-14: paying the amount due ends grace; the period paid
		// cost its catalog price.
		price := m.price(t, adv.Plan, adv.Period)
		if a.Status != plan.StatusActive || !a.Paid.Equal(price) || !a.Credit.IsZero() || !a.Due.IsZero() ||
			!a.Start.Equal(adv.Start) || !a.End.Equal(adv.End) || a.Plan != adv.Plan {
			t.Fatalf("PLAN-14: payment of %s in grace gave %+v", c.Amount, a)
		}
		if len(ce) != 1 || ce[0].Kind != plan.EventPaymentReceived || !ce[0].Amount.Equal(c.Amount) {
			t.Fatalf("PLAN-14: payment recorded as %v", ce)
		}
	case plan.RecordPaymentFailure:
		// PLAN-14: a failed charge moves no deadline.
		want := adv
		want.Updated, want.Seq = now, adv.Seq+1
		if d := cmp.Diff(want, a); d != "" {
			t.Fatalf("PLAN-14: a failed payment changed the state:\n%s", d)
		}
		if len(ce) != 1 || ce[0].Kind != plan.EventPaymentFailed || !ce[0].Amount.Equal(adv.Due) || !ce[0].Until.Equal(adv.GraceEnd) {
			t.Fatalf("PLAN-14: payment failure recorded as %v", ce)
		}
	case plan.BuyTelephonyCredits:
		if !a.AddOns.TelephonyCredits.Equal(adv.AddOns.TelephonyCredits.Add(c.Amount)) ||
			len(ce) != 1 || ce[0].Kind != plan.EventAddOnBought || !ce[0].Amount.Equal(c.Amount) {
			t.Fatalf("PLAN-07: credits of %s bought: %v, balance %s", c.Amount, ce, a.AddOns.TelephonyCredits)
		}
		m.checkUnchangedUntilEnd(t, adv, a, cmd)
	case plan.UseTelephonyCredits:
		if !a.AddOns.TelephonyCredits.Equal(adv.AddOns.TelephonyCredits.Sub(c.Amount)) ||
			len(ce) != 1 || ce[0].Kind != plan.EventTelephonyUsed || !ce[0].Amount.Equal(c.Amount) {
			t.Fatalf("PLAN-07: credits of %s used: %v, balance %s", c.Amount, ce, a.AddOns.TelephonyCredits)
		}
	case plan.BuyExtraStorage:
		if a.AddOns.ExtraStorageBytes != adv.AddOns.ExtraStorageBytes+c.Bytes ||
			len(ce) != 1 || ce[0].Kind != plan.EventAddOnBought || !ce[0].Amount.Equal(c.Price) || ce[0].Bytes != c.Bytes {
			t.Fatalf("PLAN-07: storage of %d bytes bought: %v, extra %d", c.Bytes, ce, a.AddOns.ExtraStorageBytes)
		}
		m.checkUnchangedUntilEnd(t, adv, a, cmd)
	default:
		t.Fatalf("unknown command %T", cmd)
	}
}

// checkImpact is PLAN-09: what Engine.Impact previewed for the state
// before a command that drops to free or schedules a downgrade is what the
// change does: the add-ons deactivated, the credits forfeited, the plan the
// account ends on and when.
func (m *mMachine) checkImpact(t *rapid.T, adv, a plan.Subscription, ce []plan.Event) {
	var to plan.PlanID
	switch {
	case a.Status == plan.StatusFree && adv.Status != plan.StatusFree:
		to = a.Plan
	case a.Pending.Kind == plan.ChangeDowngrade && adv.Pending.Kind == plan.NoChange:
		to = a.Pending.Plan
	case a.Pending.Kind == plan.ChangeCancel && adv.Pending.Kind == plan.NoChange:
		to = m.cat.Free().ID
	default:
		return
	}
	im, err := m.eng.Impact(adv, to, plan.Usage{})
	if err != nil {
		t.Fatalf("PLAN-09: Impact of %s -> %s: %v", adv.Plan, to, err)
	}
	toFree := to == m.cat.Free().ID
	gone := plan.AddOns{TelephonyCredits: decimal.Zero}
	if toFree {
		gone = adv.AddOns
	}
	if im.From != adv.Plan || im.To != to || !im.AddOnsDeactivated.TelephonyCredits.Equal(gone.TelephonyCredits) ||
		im.AddOnsDeactivated.ExtraStorageBytes != gone.ExtraStorageBytes || !im.CreditsForfeited.Equal(gone.TelephonyCredits) {
		t.Fatalf("PLAN-09: impact %+v of %s -> %s with add-ons %+v", im, adv.Plan, to, adv.AddOns)
	}
	if a.Status != plan.StatusFree {
		// Scheduled: it takes effect when the paid period ends.
		if !im.EffectiveAt.Equal(adv.End) {
			t.Fatalf("PLAN-09: impact effective %v, the period ends %v", im.EffectiveAt, adv.End)
		}
	} else {
		m.checkAddOnsGone(t, im.AddOnsDeactivated, ce)
	}
	if p, _ := m.cat.Plan(to); im.SupportLost != (adv.Paying() && !p.Kind.Paid()) {
		t.Fatalf("PLAN-11: impact says support lost = %v from %s to %s", im.SupportLost, adv.Plan, to)
	}
}

// checkBought checks a purchase or an upgrade of plan id for period per:
// pool is the credit available to pay it.
func (m *mMachine) checkBought(t *rapid.T, adv, a plan.Subscription, now time.Time, id plan.PlanID, per plan.Period, ce []plan.Event, kind plan.EventKind, pool decimal.Decimal) {
	price := m.price(t, id, per)
	anchor := now.Day()
	// PLAN-05: a period bought now is anchored on today's date.
	if a.Status != plan.StatusActive || a.Plan != id || a.Period != per || a.AnchorDay != anchor ||
		!a.Start.Equal(now) || !a.End.Equal(m.periodEnd(t, now, per.Months(), anchor)) || a.Pending.Kind != plan.NoChange || !a.EverPaid {
		t.Fatalf("PLAN-05: %s of %s %s gave %+v", kind, id, per, a)
	}
	// PLAN-06, PLAN-07: what was charged plus the credit applied is the
	// catalog price; credit pays first, and what it does not use stays.
	if len(ce) != 1 || ce[0].Kind != kind || !ce[0].Amount.Add(ce[0].Credit).Equal(price) || !ce[0].Credit.Equal(decimal.Min(pool, price)) ||
		ce[0].From != adv.Plan || !ce[0].Until.Equal(a.End) {
		t.Fatalf("%s of %s %s at %s with credit %s: %v", kind, id, per, price, pool, ce)
	}
	if !a.Paid.Equal(price) || !a.Credit.Equal(pool.Sub(ce[0].Credit)) || !a.Renewal.IsZero() || !a.Due.IsZero() {
		t.Fatalf("%s of %s: paid %s, credit %s -> %s, renewal %s", kind, price, a.Paid, pool, a.Credit, a.Renewal)
	}
}

// checkUnchangedUntilEnd is PLAN-03: the command leaves the paid features of
// the running period alone: plan, period, status and bounds.
func (m *mMachine) checkUnchangedUntilEnd(t *rapid.T, adv, a plan.Subscription, cmd plan.Command) {
	if a.Plan != adv.Plan || a.Period != adv.Period || a.Status != adv.Status || !a.Start.Equal(adv.Start) ||
		!a.End.Equal(adv.End) || a.AnchorDay != adv.AnchorDay || !a.Paid.Equal(adv.Paid) {
		t.Fatalf("PLAN-03: %#v changed the running period: %+v -> %+v", cmd, adv, a)
	}
}

func (m *mMachine) checkUndo(t *rapid.T, adv, a plan.Subscription, cmd plan.Command, ce []plan.Event) {
	// PLAN-03, PLAN-04: undoing leaves nothing pending (auto-renewal is on
	// again) and the period alone.
	m.checkUnchangedUntilEnd(t, adv, a, cmd)
	if a.Pending != (plan.Change{}) || !a.AutoRenew() || len(ce) != 1 || ce[0].Kind != plan.EventChangeUndone {
		t.Fatalf("PLAN-03: undo gave pending %+v, events %v", a.Pending, ce)
	}
	if !a.Credit.Equal(adv.Credit.Add(adv.Renewal)) || !a.Renewal.IsZero() {
		t.Fatalf("undo: credit %s + renewal %s became credit %s, renewal %s", adv.Credit, adv.Renewal, a.Credit, a.Renewal)
	}
}

func (m *mMachine) checkCancel(t *rapid.T, adv, a plan.Subscription, now time.Time, c plan.Cancel, ce []plan.Event, q *plan.RefundQuote) {
	refunded := decimal.Zero
	for _, ev := range ce {
		if ev.Kind == plan.EventRefunded {
			refunded = refunded.Add(ev.Amount)
		}
	}
	switch adv.Status {
	case plan.StatusTrial:
		// PLAN-10: cancelling a trial ends it on free.
		if ce[0].Kind != plan.EventTrialEnded || a.Status != plan.StatusFree || !refunded.IsZero() {
			t.Fatalf("PLAN-10: trial cancelled with %v", ce)
		}
		m.checkDrop(t, adv, a, now, ce)
		m.checkConfirmed(t, a, c, ce)
		return
	case plan.StatusGrace:
		// PLAN-14: cancelling an unpaid period drops to free at once;
		// nothing was paid, nothing is refunded.
		if ce[0].Kind != plan.EventCancelledNow || a.Status != plan.StatusFree || !refunded.IsZero() {
			t.Fatalf("PLAN-14: grace cancelled with %v", ce)
		}
		m.checkDrop(t, adv, a, now, ce)
		m.checkConfirmed(t, a, c, ce)
		return
	}
	if q == nil {
		t.Fatalf("no quote for an active subscription")
	}
	if c.Now {
		// PLAN-06: the refund is the one quoted; PLAN-07: telephony
		// credits are not part of it, they are forfeited.
		if ce[0].Kind != plan.EventCancelledNow || !ce[0].Amount.Equal(q.Refund) || !refunded.Equal(q.Refund.Add(q.Renewal)) {
			t.Fatalf("PLAN-06: cancelled now with %v, quote %+v", ce, *q)
		}
		m.checkDrop(t, adv, a, now, ce)
		m.checkConfirmed(t, a, c, ce)
		m.stats[fmt.Sprintf("cancel now %s %s refund>0=%v", adv.Period, q.Method, q.Refund.IsPositive())]++
		return
	}
	// PLAN-03: a cancellation without Now never changes the plan, the end
	// or the status: paid features stay until the period ends. PLAN-04:
	// auto-renewal is off.
	m.checkUnchangedUntilEnd(t, adv, a, c)
	if a.AutoRenew() || a.Pending != (plan.Change{Kind: plan.ChangeCancel, Since: now, Reason: c.Reason}) {
		t.Fatalf("PLAN-04: cancellation left pending %+v", a.Pending)
	}
	if ce[0].Kind != plan.EventCancellationScheduled || !ce[0].Until.Equal(adv.End) || ce[0].Note != c.Reason {
		t.Fatalf("PLAN-04: cancellation scheduled as %v", ce)
	}
	// A renewal bought early is refunded in full.
	if !refunded.Equal(adv.Renewal) || !a.Renewal.IsZero() || !a.Credit.Equal(adv.Credit) {
		t.Fatalf("PLAN-06: cancellation with renewal %s refunded %s", adv.Renewal, refunded)
	}
	m.checkConfirmed(t, a, c, ce)
}

// checkConfirmed is PLAN-13: a cancellation ends with the owner's
// confirmation, carrying the reason, after the retention offer the policy
// makes, if any.
func (m *mMachine) checkConfirmed(t *rapid.T, a plan.Subscription, c plan.Cancel, ce []plan.Event) {
	last := ce[len(ce)-1]
	if last.Kind != plan.EventCancellationConfirmed || last.Note != c.Reason {
		t.Fatalf("PLAN-13: cancellation ends with %v", last)
	}
	offered := mHas(ce, plan.EventRetentionOffered)
	want := false
	if m.pol.Offer != nil {
		_, want = m.pol.Offer(a, c.Reason)
	}
	if offered != want {
		t.Fatalf("PLAN-13: retention offered %v, want %v", offered, want)
	}
}

// checkQuote checks a refund quote of the active state s at now (PLAN-06,
// PLAN-07).
func (m *mMachine) checkQuote(t *rapid.T, s plan.Subscription, now time.Time, q plan.RefundQuote) {
	// PLAN-06: refund + retained = paid, exactly; the refund lies between
	// zero and what was paid.
	if !q.Refund.Add(q.Retained).Equal(q.Paid) || q.Refund.IsNegative() || q.Refund.GreaterThan(q.Paid) || q.Retained.IsNegative() {
		t.Fatalf("PLAN-06: quote %+v does not add up", q)
	}
	if !q.Paid.Equal(s.Paid) || !q.Renewal.Equal(s.Renewal) || !m.cur.Whole(q.Refund) || q.Fee.IsNegative() || q.Fee.GreaterThan(m.pol.Refund.Fee) {
		t.Fatalf("PLAN-06: quote %+v of %+v", q, s)
	}
	// PLAN-07: telephony credits are never refunded: they are forfeited.
	if !q.TelephonyForfeited.Equal(s.AddOns.TelephonyCredits) {
		t.Fatalf("PLAN-07: quote forfeits %s of %s credits", q.TelephonyForfeited, s.AddOns.TelephonyCredits)
	}
	// PLAN-06: no refund for a monthly period.
	if s.Period == plan.Monthly && (!q.Refund.IsZero() || q.Method != plan.RefundNone) {
		t.Fatalf("PLAN-06: monthly period quoted %+v", q)
	}
	if q.Method == plan.RefundNone && !q.Refund.IsZero() {
		t.Fatalf("PLAN-06: method none refunds %s", q.Refund)
	}
	gross := q.Refund.Add(q.Fee)
	switch q.Method {
	case plan.RefundWholeMonths:
		// A month is unused only if it has not begun: month k begins on
		// the anchor day k months after the start.
		unused := 0
		for k := range 12 {
			begins := s.Start
			if k > 0 {
				begins = m.bound(plan.PeriodEnd(s.Start, k, s.AnchorDay))
			}
			if !begins.Before(now) {
				unused++
			}
		}
		if q.Of != 12 || q.Unused != unused || !gross.Equal(m.share(q.Paid, int64(unused), 12)) {
			t.Fatalf("PLAN-06: whole months quote %+v, want %d of 12 unused", q, unused)
		}
	case plan.RefundDays:
		days := func(a, b time.Time) int {
			ay, am, ad := a.Date()
			by, bm, bd := b.In(a.Location()).Date()
			return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
		}
		of := days(s.Start, s.End)
		if q.Of != of || q.Unused < 0 || q.Unused > of || !gross.Equal(m.share(q.Paid, int64(q.Unused), int64(of))) {
			t.Fatalf("PLAN-06: days quote %+v, period of %d days", q, of)
		}
	}
}

// periodEnd is plan.PeriodEnd, checked against the rule itself (PLAN-05):
// the end lies months calendar months after start's month, on the anchor
// day or that month's last day when it is shorter, at start's wall-clock
// time.
func (m *mMachine) periodEnd(t *rapid.T, start time.Time, months, anchor int) time.Time {
	got := plan.PeriodEnd(start, months, anchor)
	y, mo, _ := start.Date()
	n := int(mo) - 1 + months
	ty, tm := y+n/12, time.Month(n%12+1)
	last := time.Date(ty, tm+1, 0, 12, 0, 0, 0, time.UTC).Day()
	h, mi, sec := start.Clock()
	want := time.Date(ty, tm, min(anchor, last), h, mi, sec, start.Nanosecond(), start.Location())
	if !got.Equal(want) || got.Location() != start.Location() {
		t.Fatalf("PLAN-05: PeriodEnd(%v, %d, %d) = %v, want %v", start, months, anchor, got, want)
	}
	return m.bound(got)
}

// bound is a period end as the policy's Bounds place it (PLAN-05): as it
// is, or the first instant of its date, found minute by minute from the
// day before, so that a midnight clocks jump over is the instant after
// the jump.
func (m *mMachine) bound(end time.Time) time.Time {
	if m.pol.Bounds != plan.BoundAtMidnight {
		return end
	}
	y, mo, d := end.Date()
	t := time.Date(y, mo, d, 12, 0, 0, 0, end.Location()).Add(-36 * time.Hour)
	for {
		if ty, tm, td := t.Date(); ty == y && tm == mo && td == d {
			return t
		}
		t = t.Add(time.Minute)
	}
}

// unused is the unused part of adv's period at now as num/den, as the
// policy's Proration counts it (PLAN-03): calendar days stepped one by
// one in the subscription's zone, the 30E/360 day count, or nanoseconds;
// the day of the change counted as used when the policy says so.
func (m *mMachine) unused(adv plan.Subscription, now time.Time) (int64, int64) {
	loc := adv.Location()
	days := func(a, b time.Time) int64 {
		ay, am, ad := a.In(loc).Date()
		by, bm, bd := b.In(loc).Date()
		n := int64(0)
		for d := time.Date(ay, am, ad, 12, 0, 0, 0, time.UTC); d.Before(time.Date(by, bm, bd, 12, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
			n++
		}
		return n
	}
	d360 := func(a, b time.Time) int64 {
		ay, am, ad := a.In(loc).Date()
		by, bm, bd := b.In(loc).Date()
		return int64(360*(by-ay) + 30*(int(bm)-int(am)) + min(bd, 30) - min(ad, 30))
	}
	var num, den int64
	switch m.pol.Proration.Basis {
	case plan.ProrateElapsed:
		return int64(adv.End.Sub(now)), int64(adv.End.Sub(adv.Start))
	case plan.ProrateThirtyDayMonth:
		num, den = d360(now, adv.End), d360(adv.Start, adv.End)
	default:
		num, den = days(now, adv.End), days(adv.Start, adv.End)
	}
	if m.pol.Proration.ChangeDayUsed {
		num--
	}
	return max(0, min(num, den)), den
}

// share is amount × num/den rounded to the minor unit as the policy says,
// computed with exact rationals: the oracle of Currency.Share (PLAN-06).
func (m *mMachine) share(amount decimal.Decimal, num, den int64) decimal.Decimal {
	if den <= 0 || num <= 0 {
		return decimal.Zero
	}
	if num >= den {
		return amount
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(m.cur.Minor)), nil)
	x := new(big.Rat).Mul(amount.Rat(), new(big.Rat).SetFrac64(num, den))
	x.Mul(x, new(big.Rat).SetInt(scale)) // in minor units
	neg := x.Sign() < 0
	x.Abs(x)
	q, r := new(big.Int).QuoRem(x.Num(), x.Denom(), new(big.Int))
	twice := new(big.Int).Mul(r, big.NewInt(2))
	switch c := twice.Cmp(x.Denom()); {
	case m.pol.Rounding == plan.RoundDown || r.Sign() == 0:
	case c > 0, c == 0 && m.pol.Rounding == plan.RoundHalfUp, c == 0 && q.Bit(0) == 1:
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return decimal.NewFromBigInt(q, -m.cur.Minor)
}

func mHas(evs []plan.Event, k plan.EventKind) bool {
	for _, ev := range evs {
		if ev.Kind == k {
			return true
		}
	}
	return false
}

// TestShare_PLAN06_AgainstRationals: Currency.Share agrees with exact
// rational arithmetic in every rounding mode and currency, on small
// amounts and fractions where exact halves are common; no share of a
// positive whole amount is negative or larger than it (PLAN-06).
func TestShare_PLAN06_AgainstRationals(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom([]plan.Currency{plan.USD, {Code: "JPY", Minor: 0}, {Code: "KWD", Minor: 3}}).Draw(t, "currency")
		r := rapid.SampledFrom([]plan.Rounding{plan.RoundDown, plan.RoundHalfUp, plan.RoundHalfEven}).Draw(t, "rounding")
		units := rapid.Int64Range(0, 2000).Draw(t, "minor units")
		den := rapid.Int64Range(1, 40).Draw(t, "den")
		num := rapid.Int64Range(0, den).Draw(t, "num")
		amount := decimal.New(units, -cur.Minor)
		m := &mMachine{cur: cur, pol: plan.Policy{Rounding: r}}
		got, want := cur.Share(amount, num, den, r), m.share(amount, num, den)
		if !got.Equal(want) || got.IsNegative() || got.GreaterThan(amount) {
			t.Fatalf("%s × %d/%d %s, %v: %s, want %s", amount, num, den, cur.Code, r, got, want)
		}
	})
}
