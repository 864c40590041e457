package lifecycle_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// Issue 12: the engine made states it could not store (an account created
// at 9999-12-31 has its suspension in year 10000, which MarshalJSON
// refuses). Every command time now lies in [tenancy.MinTime,
// tenancy.MaxTime) at a whole-minute offset in the account's zone, or it
// is refused with tenancy.ErrInvalid; what the engine makes at either edge
// round-trips through JSON; and the decoder refuses the times the engine
// cannot make.

var (
	ltMin = tenancy.MinTime
	ltMax = tenancy.MaxTime
)

// ltInvalid checks that err is tenancy.ErrInvalid and not some other
// refusal that happens to come first.
func ltInvalid(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, tenancy.ErrInvalid) {
		t.Errorf("%s: %v, want tenancy.ErrInvalid", what, err)
	}
	if errors.Is(err, tenancy.ErrTimeWentBack) || errors.Is(err, tenancy.ErrRefused) {
		t.Errorf("%s: %v is also another refusal", what, err)
	}
}

// LIFE-01: an account is created only at a time the library keeps, so
// that its countdown (a suspension InactivityDays later) can be written;
// at both edges it round-trips through JSON.
func TestLIFE01_NewOnlyAtTimesTheLibraryKeeps(t *testing.T) {
	e := lrEngine(t)
	berlin, monrovia := lrLoc(t, "Europe/Berlin"), lrLoc(t, "Africa/Monrovia")
	for name, c := range map[string]struct {
		at  time.Time
		loc *time.Location
	}{
		"a nanosecond before MinTime":  {ltMin.Add(-time.Nanosecond), time.UTC},
		"at MaxTime":                   {ltMax, time.UTC},
		"on 9999-12-31 (issue 12)":     {time.Date(9999, 12, 31, 12, 0, 0, 0, time.UTC), time.UTC},
		"in year 0":                    {time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC), time.UTC},
		"in Berlin in 1850 (+0:53:28)": {time.Date(1850, 6, 1, 12, 0, 0, 0, berlin), berlin},
		// Monrovia kept -0:44:30 until 7 January 1972, after MinTime.
		"in Monrovia on 1972-01-03": {time.Date(1972, 1, 3, 12, 0, 0, 0, time.UTC), monrovia},
		"at MaxTime in Berlin":      {ltMax.In(berlin), berlin},
	} {
		a, err := e.New(lrID, lrOwner, "eu", c.loc, c.at)
		ltInvalid(t, name, err)
		if d := cmp.Diff(lifecycle.Account{}, a); d != "" {
			t.Errorf("%s: refused, yet returned an account:\n%s", name, d)
		}
	}
	for name, c := range map[string]struct {
		at  time.Time
		loc *time.Location
	}{
		"at MinTime":                  {ltMin, time.UTC},
		"a nanosecond before MaxTime": {ltMax.Add(-time.Nanosecond), time.UTC},
		"just before MaxTime in Berlin (9000-01-01 00:59 local)": {ltMax.Add(-time.Nanosecond), berlin},
		"in Monrovia on 1972-01-08":                              {time.Date(1972, 1, 8, 12, 0, 0, 0, time.UTC), monrovia},
		"with no zone (UTC)":                                     {ltMax.Add(-time.Minute), nil},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := e.New(lrID, lrOwner, "eu", c.loc, c.at)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Check(a); err != nil {
				t.Fatal(err)
			}
			// LIFE-01: the suspension 30 days on, in year 9000 at the
			// upper edge, is a date the JSON form can hold.
			lrWantTime(t, "Deadline", a.Deadline, c.at.In(a.Location()).AddDate(0, 0, 30))
			lrRoundTrip(t, a)
		})
	}
}

// LIFE-01, LIFE-08, LIFE-06: every entry that takes a time refuses one the
// library does not keep, before anything else (time going back included),
// and changes nothing; a nanosecond inside the range the same command goes
// through and its result round-trips.
func TestLIFE01_CommandsOnlyAtTimesTheLibraryKeeps(t *testing.T) {
	e := lrEngine(t)
	late := lrNew(t, e, ltMax.Add(-time.Hour))
	early := lrNew(t, e, ltMin)
	last := ltMax.Add(-time.Nanosecond)
	buy := lifecycle.Plan{Cmd: plan.Purchase{By: lrAda, Plan: plan.Professional, Period: plan.Annual}}
	trial := lifecycle.Plan{Cmd: plan.StartTrial{By: lrAda}}

	t.Run("Apply", func(t *testing.T) {
		for name, c := range map[string]struct {
			a   lifecycle.Account
			at  time.Time
			cmd lifecycle.Command
		}{
			"a login at MaxTime":                    {late, ltMax, lifecycle.Login{User: lrOwner}},
			"a purchase on 9999-12-20 (issue 12)":   {late, time.Date(9999, 12, 20, 0, 0, 0, 0, time.UTC), buy},
			"a trial on 9999-12-20 (issue 12)":      {late, time.Date(9999, 12, 20, 0, 0, 0, 0, time.UTC), trial},
			"a login before MinTime, not time back": {early, ltMin.Add(-time.Nanosecond), lifecycle.Login{User: lrOwner}},
		} {
			ltInvalid(t, name, lrRefused(t, e, c.a, c.at, c.cmd, tenancy.ErrInvalid, ""))
		}
		// LIFE-08: a block scheduled past every date a rule derives.
		for name, at := range map[string]time.Time{
			"in 9100":       time.Date(9100, 1, 1, 0, 0, 0, 0, time.UTC),
			"in year 10000": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		} {
			ltInvalid(t, name, lrRefused(t, e, late, last, lifecycle.SetBlock{By: lrService, Cause: "x", At: at}, tenancy.ErrInvalid, "LIFE-08"))
		}
		for name, c := range map[string]struct {
			a   lifecycle.Account
			at  time.Time
			cmd lifecycle.Command
		}{
			"a login a nanosecond before MaxTime":    {late, last, lifecycle.Login{User: lrOwner}},
			"a purchase a nanosecond before MaxTime": {late, last, buy},
			"a trial a nanosecond before MaxTime":    {late, last, trial},
			"a login at MinTime":                     {early, ltMin, lifecycle.Login{User: lrOwner}},
			"a block scheduled a nanosecond before MaxTime": {late, ltMax.Add(-time.Minute),
				lifecycle.SetBlock{By: lrService, Cause: "x", At: last}},
			// Aligned 15 days after a drop to free at the last instant:
			// it never falls, and the account still round-trips.
			"a block scheduled after MaxTime": {late, last, lifecycle.SetBlock{By: lrService, Cause: "x", At: last.AddDate(0, 0, 15)}},
		} {
			t.Run(name, func(t *testing.T) {
				a, _ := lrApply(t, e, c.a, c.at, c.cmd)
				lrRoundTrip(t, a)
			})
		}
	})

	t.Run("Advance", func(t *testing.T) {
		for name, c := range map[string]struct {
			a  lifecycle.Account
			at time.Time
		}{
			"to MaxTime, nothing due":          {late, ltMax},
			"to year 10000":                    {late, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
			"to before MinTime, not time back": {early, ltMin.Add(-time.Nanosecond)},
		} {
			got, effs, err := e.Advance(c.a, c.at, nil)
			ltInvalid(t, name, err)
			if d := cmp.Diff(c.a, got); d != "" || len(effs) != 0 {
				t.Errorf("%s: refused, yet changed the account (%v):\n%s", name, effs, d)
			}
		}
		// The last instant kept: nothing is due yet (the suspension is
		// on 9000-01-30), and nothing changes.
		got, effs := lrAdvance(t, e, late, last)
		if d := cmp.Diff(late, got); d != "" || len(effs) != 0 {
			t.Errorf("advance to the last instant: %v\n%s", effs, d)
		}
	})

	t.Run("ForgetIdentity", func(t *testing.T) {
		_, err := lifecycle.ForgetIdentity(tenancy.Actor{User: "ada"}, "ada", ltMax)
		ltInvalid(t, "at MaxTime", err)
		if eff, err := lifecycle.ForgetIdentity(tenancy.Actor{User: "ada"}, "ada", last); err != nil || !eff.At.Equal(last) {
			t.Errorf("a nanosecond before MaxTime: %v, %v", eff, err)
		}
	})
}

// LIFE-01, LIFE-02: a deadline at or after tenancy.MaxTime never fires, so
// Project, which lists what Advance will do, stops before it: an account
// created 40 days before MaxTime is warned three times and suspended 10
// days before MaxTime; its deletion warnings, 13 days after MaxTime and
// later, are not listed.
func TestLIFE01_ProjectStopsAtMaxTime(t *testing.T) {
	e := lrEngine(t)
	a := lrNew(t, e, ltMax.AddDate(0, 0, -40))
	suspend := ltMax.AddDate(0, 0, -10)
	lrWantTimeline(t, "projection", e.Project(a), []lrStep{
		{kind: lifecycle.EffectWarnSuspension, at: suspend.AddDate(0, 0, -7), deadline: suspend},
		{kind: lifecycle.EffectWarnSuspension, at: suspend.AddDate(0, 0, -3), deadline: suspend},
		{kind: lifecycle.EffectWarnSuspension, at: suspend.AddDate(0, 0, -1), deadline: suspend},
		{kind: lifecycle.EffectSuspend, at: suspend, deadline: suspend.AddDate(0, 0, 30)},
	})
	// The suspended account, its deletion on 9000-01-21, round-trips.
	s, _ := lrAdvance(t, e, a, suspend)
	if s.Stage != lifecycle.StageSuspended || !s.Deadline.After(ltMax) {
		t.Fatalf("stage %v, deadline %v", s.Stage, s.Deadline)
	}
	lrRoundTrip(t, s)
}

// LIFE-01, LIFE-04: the policy's day counts are bounded by
// lifecycle.MaxDays, so that no derived date overflows: the largest and
// smallest ints are refused naming the field's rule, and at the bound an
// account created a nanosecond before MaxTime still round-trips, its
// deadlines ten years on.
func TestPolicy_DayCountsBounded(t *testing.T) {
	for name, c := range map[string]struct {
		edit func(*lifecycle.Policy)
		rule tenancy.RuleID
	}{
		"InactivityDays = MaxInt":    {func(p *lifecycle.Policy) { p.InactivityDays = math.MaxInt }, "LIFE-01"},
		"InactivityDays = MinInt":    {func(p *lifecycle.Policy) { p.InactivityDays = math.MinInt }, "LIFE-01"},
		"InactivityDays = MaxDays+1": {func(p *lifecycle.Policy) { p.InactivityDays = lifecycle.MaxDays + 1 }, "LIFE-01"},
		"PurgeDays = MaxInt":         {func(p *lifecycle.Policy) { p.PurgeDays = math.MaxInt }, "LIFE-04"},
		"PurgeDays = MinInt":         {func(p *lifecycle.Policy) { p.PurgeDays = math.MinInt }, "LIFE-04"},
		"PurgeDays = MaxDays+1":      {func(p *lifecycle.Policy) { p.PurgeDays = lifecycle.MaxDays + 1 }, "LIFE-04"},
		"a warning MaxInt days before": {func(p *lifecycle.Policy) {
			p.InactivityDays, p.PurgeDays, p.WarningDays = lifecycle.MaxDays, lifecycle.MaxDays, []int{math.MaxInt}
		}, "LIFE-02"},
		"a warning MinInt days before": {func(p *lifecycle.Policy) { p.WarningDays = []int{7, math.MinInt} }, "LIFE-02"},
	} {
		p := lifecycle.DefaultPolicy()
		c.edit(&p)
		err := p.Validate()
		if !errors.Is(err, lifecycle.ErrPolicy) || tenancy.RuleOf(err) != c.rule {
			t.Errorf("%s: Validate = %v, want lifecycle.ErrPolicy under %s", name, err, c.rule)
		}
	}
	e := lrEngine(t, func(p *lifecycle.Policy) {
		p.InactivityDays, p.PurgeDays, p.WarningDays = lifecycle.MaxDays, lifecycle.MaxDays, []int{lifecycle.MaxDays - 1, 1}
	})
	at := ltMax.Add(-time.Nanosecond)
	a := lrNew(t, e, at)
	lrWantTime(t, "Deadline", a.Deadline, at.AddDate(0, 0, lifecycle.MaxDays))
	lrRoundTrip(t, a)
}

// LIFE-05: a deleted account is in no network: Validate, and so decoding
// and Engine.Check, refuse one that still records a network, with
// lifecycle.ErrCorrupt; the engine never makes one, whether the member is
// deleted on request or purged after its suspension.
func TestLIFE05_DeletedAccountInNoNetwork(t *testing.T) {
	e := lrEngine(t)
	member := lrThen(t, e, lrNew(t, e, lrT0), lrT0, lifecycle.JoinNetwork{By: lrService, Head: "hq"})
	purged, _ := lrAdvance(t, e, member, lrPurge)
	deleted := lrThen(t, e, member, lrT0.Add(time.Hour), lifecycle.Delete{By: lrService, Confirm: lrID})
	for name, a := range map[string]lifecycle.Account{"purged": purged, "deleted on request": deleted} {
		t.Run(name, func(t *testing.T) {
			if a.Stage != lifecycle.StageDeleted || a.Network != "" || !a.EverInNetwork {
				t.Fatalf("stage %v, network %q, ever in one %v: want deleted, in none, once in one", a.Stage, a.Network, a.EverInNetwork)
			}
			lrRoundTrip(t, a)
			bad := a
			bad.Network = "hq"
			if err := bad.Validate(); !errors.Is(err, lifecycle.ErrCorrupt) {
				t.Errorf("Validate of a deleted account in a network = %v, want ErrCorrupt", err)
			}
			if err := e.Check(bad); !errors.Is(err, lifecycle.ErrCorrupt) {
				t.Errorf("Check of a deleted account in a network = %v, want ErrCorrupt", err)
			}
			m := ltFields(t, a)
			m["network"] = "hq"
			lrWantCorrupt(t, lrNew(t, e, lrT0), ltBytes(t, m), "deleted")
		})
	}
}

// LIFE-01 and LIFE-08: the decoder refuses the times the engine cannot
// make, with lifecycle.ErrCorrupt: a change before tenancy.MinTime or at
// or after tenancy.MaxTime, a deadline or a scheduled block ten years and
// more after MaxTime. Each edit leaves every other invariant intact.
func TestAccountJSON_RefusesTimesNotKept(t *testing.T) {
	seeds := lrSeedAccounts(t)
	into := seeds["new"]
	before := ltMin.Add(-time.Second).Format(time.RFC3339Nano)
	far := "9100-01-01T00:00:00Z"
	for name, c := range map[string]struct {
		from string
		edit func(m map[string]any)
	}{
		"a last change at MaxTime":       {"purged", func(m map[string]any) { m["updated"] = ltMax.Format(time.RFC3339) }},
		"a last activity before MinTime": {"new", func(m map[string]any) { m["last_activity"] = before }},
		"no last activity":               {"new", func(m map[string]any) { m["last_activity"] = time.Time{}.Format(time.RFC3339) }},
		"a suspension before MinTime":    {"suspended, warned twice", func(m map[string]any) { m["suspended_at"] = before }},
		"a block set before MinTime": {"blocked twice", func(m map[string]any) {
			m["blocks"].([]any)[0].(map[string]any)["since"] = before
		}},
		"a deadline in 9100": {"suspended, warned twice", func(m map[string]any) {
			m["deadline"] = far
			delete(m, "warn_at")
		}},
		"a block scheduled in 9100": {"blocked, two scheduled, in Berlin", func(m map[string]any) {
			m["scheduled"].([]any)[1].(map[string]any)["since"] = far
		}},
	} {
		t.Run(name, func(t *testing.T) {
			m := ltFields(t, seeds[c.from])
			c.edit(m)
			lrWantCorrupt(t, into, ltBytes(t, m), "outside the times")
		})
	}
}

func ltFields(t *testing.T, a lifecycle.Account) map[string]any {
	t.Helper()
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func ltBytes(t *testing.T, m map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
