package export_test

// Rule tests of package export: EXP-01 (the checklist), EXP-02 (the
// deadlines, with exact dates worked out by hand from the default policies,
// and a rapid property test against lifecycle.Engine.Project) and EXP-04
// (export changes nothing). Every expected date below is a literal: days are
// calendar days in the account's zone, so a deadline keeps its wall-clock
// time across a daylight-saving change.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below on machines without a zoneinfo database

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

const (
	rtID    tenancy.AccountID = "acme"
	rtOwner tenancy.UserID    = "ada"
	rtGB    int64             = plan.GB
)

var (
	rtAda     = tenancy.Admin(rtOwner)
	rtService = tenancy.Service()
)

// rtLoc loads a zone or fails the test.
func rtLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// rtEngine returns a lifecycle engine with the default policies on the
// default catalog; edit, when not nil, changes the plan policy.
func rtEngine(t testing.TB, edit func(*plan.Policy)) *lifecycle.Engine {
	t.Helper()
	pp := plan.DefaultPolicy()
	if edit != nil {
		edit(&pp)
	}
	pe, err := plan.NewEngine(plan.DefaultCatalog(), pp)
	if err != nil {
		t.Fatal(err)
	}
	e, err := lifecycle.NewEngine(pe, lifecycle.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// rtNew returns the account acme owned by ada, created at at in at's zone.
func rtNew(t testing.TB, e *lifecycle.Engine, at time.Time) lifecycle.Account {
	t.Helper()
	a, err := e.New(rtID, rtOwner, "eu", at.Location(), at)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// rtApply applies cmds in order at now and fails the test on a refusal.
func rtApply(t testing.TB, e *lifecycle.Engine, a lifecycle.Account, now time.Time, cmds ...lifecycle.Command) lifecycle.Account {
	t.Helper()
	for _, c := range cmds {
		var err error
		if a, _, err = e.Apply(a, now, c); err != nil {
			t.Fatalf("%T at %v: %v", c, now, err)
		}
	}
	return a
}

// rtPlan wraps a plan command as a lifecycle command.
func rtPlan(c plan.Command) lifecycle.Command { return lifecycle.Plan{Cmd: c} }

// rtHoldings holds something in every category, and storage bytes.
func rtHoldings(storage int64) export.Holdings {
	return export.Holdings{Contacts: 3, Deals: 2, Leads: 1, Tasks: 4, Events: 5, Documents: 6, Workflows: 7, Automations: 8, StorageBytes: storage}
}

// rtWant is one expected deadline.
type rtWant struct {
	cat    export.Category
	at     time.Time
	access export.Access
	rule   tenancy.RuleID
	lost   time.Time
	reason string // a part of the reason, "" for any non-empty one
}

// rtWantDeadlines compares got with want, in order, instants with Equal.
func rtWantDeadlines(t testing.TB, got []export.Deadline, want []rtWant) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d deadlines, want %d:\n%s", len(got), len(want), rtLines(got))
	}
	for i, w := range want {
		d := got[i]
		if d.Category != w.cat || !d.At.Equal(w.at) || d.Access != w.access || d.Rule != w.rule || !d.Lost.Equal(w.lost) {
			t.Errorf("deadline %d:\n got %s at %v, %v, %s, lost %v\nwant %s at %v, %v, %s, lost %v",
				i, d.Category, d.At, d.Access, d.Rule, d.Lost, w.cat, w.at, w.access, w.rule, w.lost)
		}
		if d.Reason == "" || !strings.Contains(d.Reason, w.reason) {
			t.Errorf("deadline %d (%s): reason %q, want one containing %q", i, d.Category, d.Reason, w.reason)
		}
		if !d.Due() {
			t.Errorf("deadline %d (%s) is not due", i, d.Category)
		}
	}
	rtWantSorted(t, got)
}

// rtTB is what both *testing.T and *rapid.T offer.
type rtTB interface {
	Helper()
	Errorf(format string, args ...any)
}

// rtWantSorted checks the order Deadlines promises (EXP-02): by At,
// earliest first, categories without a deadline last, ties in checklist
// order.
func rtWantSorted(t rtTB, got []export.Deadline) {
	t.Helper()
	order := map[export.Category]int{}
	for i, c := range export.Categories() {
		order[c] = i
	}
	sorted := slices.IsSortedFunc(got, func(x, y export.Deadline) int {
		switch {
		case x.Due() && !y.Due():
			return -1
		case !x.Due() && y.Due():
			return 1
		case !x.At.Equal(y.At):
			return x.At.Compare(y.At)
		}
		return order[x.Category] - order[y.Category]
	})
	if !sorted {
		t.Errorf("deadlines not sorted by At, ties in checklist order:\n%s", rtLines(got))
	}
}

func rtLines(ds []export.Deadline) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s (Access %v, Lost %v)\n", d, d.Access, d.Lost)
	}
	return b.String()
}

// rtEach returns one expected deadline per category of cats, all alike.
func rtEach(cats []export.Category, w rtWant) []rtWant {
	out := make([]rtWant, len(cats))
	for i, c := range cats {
		w.cat = c
		out[i] = w
	}
	return out
}

// ---------------------------------------------------------------- EXP-01

// TestChecklist_EXP01_FullHoldings: every category, in checklist order,
// with its method, its archive path, its label and its count; workflows
// and automations are manual items (EXP-01).
func TestChecklist_EXP01_FullHoldings(t *testing.T) {
	got, err := export.Checklist(rtHoldings(7 * rtGB))
	if err != nil {
		t.Fatal(err)
	}
	want := []export.Item{
		{Category: export.Contacts, Label: "CRM contacts", Count: 3, Method: export.MethodCSV, Path: "crm/contacts.csv"},
		{Category: export.Deals, Label: "CRM deals", Count: 2, Method: export.MethodCSV, Path: "crm/deals.csv"},
		{Category: export.Leads, Label: "CRM leads", Count: 1, Method: export.MethodCSV, Path: "crm/leads.csv"},
		{Category: export.Tasks, Label: "tasks", Count: 4, Method: export.MethodCSV, Path: "tasks/tasks.csv"},
		{Category: export.Events, Label: "calendar events", Count: 5, Method: export.MethodICalendar, Path: "calendar/events.ics"},
		{Category: export.Documents, Label: "Drive documents", Count: 6, Method: export.MethodFiles, Path: "drive/"},
		{Category: export.Workflows, Label: "workflow configurations", Count: 7, Method: export.MethodManual, Path: ""},
		{Category: export.Automations, Label: "automation rules", Count: 8, Method: export.MethodManual, Path: ""},
	}
	// The instructions are prose: compared apart, below.
	stripped := make([]export.Item, len(got))
	for i, it := range got {
		it.Instructions = ""
		stripped[i] = it
	}
	if d := cmp.Diff(want, stripped); d != "" {
		t.Fatalf("Checklist (-want +got):\n%s", d)
	}
	for _, it := range got {
		manual := it.Category == export.Workflows || it.Category == export.Automations
		if it.Manual() != manual {
			t.Errorf("%s: Manual() = %v, want %v", it.Category, it.Manual(), manual)
		}
		if it.Instructions == "" {
			t.Errorf("%s: no instructions", it.Category)
		}
		if manual && !strings.Contains(it.Instructions, "No bulk export exists") {
			t.Errorf("%s: the manual item's instructions %q do not say there is no bulk export", it.Category, it.Instructions)
		}
		if !manual && it.Path != "" && !strings.Contains(it.Instructions, it.Path) {
			t.Errorf("%s: the instructions %q do not name the path %s", it.Category, it.Instructions, it.Path)
		}
		if it.Category.Method() != it.Method || it.Category.Path() != it.Path || !it.Category.Valid() {
			t.Errorf("%s: the item disagrees with its category's Method, Path or Valid", it.Category)
		}
		if s := it.String(); !strings.Contains(s, it.Label) || !strings.Contains(s, it.Method.String()) {
			t.Errorf("%s: String() = %q lacks the label or the method", it.Category, s)
		}
	}
	if d := cmp.Diff(export.Categories(), []export.Category{export.Contacts, export.Deals, export.Leads, export.Tasks,
		export.Events, export.Documents, export.Workflows, export.Automations}); d != "" {
		t.Errorf("Categories (-got +want):\n%s", d)
	}
}

// TestChecklist_EXP01_ZeroCategoriesOmitted: a category the account holds
// nothing of has no item; storage alone is no item (EXP-01).
func TestChecklist_EXP01_ZeroCategoriesOmitted(t *testing.T) {
	cases := []struct {
		name string
		h    export.Holdings
		want []export.Category
	}{
		{"nothing", export.Holdings{}, nil},
		{"storage only", export.Holdings{StorageBytes: 9 * rtGB}, nil},
		{"deals and automations", export.Holdings{Deals: 1, Automations: 2}, []export.Category{export.Deals, export.Automations}},
		{"events and documents", export.Holdings{Events: 10, Documents: 1, StorageBytes: 1}, []export.Category{export.Events, export.Documents}},
		{"workflows only", export.Holdings{Workflows: 1}, []export.Category{export.Workflows}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items, err := export.Checklist(c.h)
			if err != nil {
				t.Fatal(err)
			}
			var got []export.Category
			for _, it := range items {
				got = append(got, it.Category)
				if it.Count != c.h.Count(it.Category) {
					t.Errorf("%s: count %d, want %d", it.Category, it.Count, c.h.Count(it.Category))
				}
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("categories (-want +got):\n%s", d)
			}
		})
	}
}

// TestChecklist_EXP01_NegativeRefused: a negative count or storage is
// refused with ErrInvalid under rule EXP-01, by Checklist and Deadlines
// alike.
func TestChecklist_EXP01_NegativeRefused(t *testing.T) {
	e := rtEngine(t, nil)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	a := rtNew(t, e, t0)
	cases := map[string]export.Holdings{
		"contacts":    {Contacts: -1},
		"deals":       {Deals: -1, Contacts: 5},
		"leads":       {Leads: -2},
		"tasks":       {Tasks: -1},
		"events":      {Events: -1},
		"documents":   {Documents: -7},
		"workflows":   {Workflows: -1},
		"automations": {Automations: -1},
		"storage":     {Contacts: 1, StorageBytes: -1},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			items, err := export.Checklist(h)
			if !errors.Is(err, tenancy.ErrInvalid) || tenancy.RuleOf(err) != "EXP-01" || items != nil {
				t.Errorf("Checklist = %v, %v; want nothing and an EXP-01 ErrInvalid", items, err)
			}
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("the error %v does not name %s", err, name)
			}
			ds, err := export.Deadlines(e, a, t0, h)
			if !errors.Is(err, tenancy.ErrInvalid) || tenancy.RuleOf(err) != "EXP-01" || ds != nil {
				t.Errorf("Deadlines = %v, %v; want nothing and an EXP-01 ErrInvalid", ds, err)
			}
		})
	}
}

// ---------------------------------------------------------------- EXP-02

// TestDeadlines_EXP02_LIFE01_FreeAccount: on the free plan every category's
// deadline is the suspension for inactivity, 30 calendar days after the
// last login (LIFE-01), in the account's zone; the data is unusable from
// then on, so Lost is At. It holds for workflows and automations too, which
// the free plan already restricts: the next loss of access is the
// suspension.
func TestDeadlines_EXP02_LIFE01_FreeAccount(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	newYork := rtLoc(t, "America/New_York")
	cases := []struct {
		name           string
		created, login time.Time
		now            time.Time
		suspend        time.Time
		purgeDate      string
	}{
		{
			// Clocks go forward on 29 March 2026 in Berlin: 10 March 10:00
			// CET + 30 days = 9 April 10:00 CEST; the purge, 30 days on, is
			// on 9 May.
			name:    "Berlin across the spring change",
			created: time.Date(2026, 3, 1, 9, 0, 0, 0, berlin), login: time.Date(2026, 3, 10, 10, 0, 0, 0, berlin),
			now:       time.Date(2026, 3, 20, 12, 0, 0, 0, berlin),
			suspend:   time.Date(2026, 4, 9, 10, 0, 0, 0, berlin),
			purgeDate: "2026-05-09",
		},
		{
			// Clocks go back on 1 November 2026 in New York: 20 October
			// 09:00 EDT + 30 days = 19 November 09:00 EST.
			name:    "New York across the autumn change",
			created: time.Date(2026, 10, 1, 8, 0, 0, 0, newYork), login: time.Date(2026, 10, 20, 9, 0, 0, 0, newYork),
			now:       time.Date(2026, 10, 31, 23, 0, 0, 0, newYork),
			suspend:   time.Date(2026, 11, 19, 9, 0, 0, 0, newYork),
			purgeDate: "2026-12-19",
		},
		{
			// 31 January + 30 days = 2 March (2026 is not a leap year).
			name:    "UTC across a month end",
			created: time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC), login: time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC),
			now:       time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC),
			suspend:   time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC),
			purgeDate: "2026-04-01",
		},
	}
	e := rtEngine(t, nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := rtNew(t, e, c.created)
			if !c.login.Equal(c.created) {
				a = rtApply(t, e, a, c.login, lifecycle.Login{User: rtOwner})
			}
			got, err := export.Deadlines(e, a, c.now, rtHoldings(9*rtGB))
			if err != nil {
				t.Fatal(err)
			}
			rtWantDeadlines(t, got, rtEach(export.Categories(), rtWant{at: c.suspend, access: export.AccessSuspended,
				rule: "LIFE-01", lost: c.suspend, reason: "deleted on " + c.purgeDate}))
			// One nanosecond before the suspension the deadline is still
			// ahead; at it, the account is suspended and the deadline is the
			// purge (LIFE-04).
			if _, err := export.Deadlines(e, a, c.suspend.Add(-time.Nanosecond), rtHoldings(0)); err != nil {
				t.Fatal(err)
			}
			after, err := export.Deadlines(e, a, c.suspend, export.Holdings{Contacts: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(after) != 1 || after[0].Rule != "LIFE-04" || after[0].At.Format(time.DateOnly) != c.purgeDate {
				t.Errorf("at the suspension: %v, want the LIFE-04 purge on %s", after, c.purgeDate)
			}
		})
	}
}

// rtCancelled returns, in Berlin, an account created on 1 March 2026 that
// bought Professional for a year on 10 March 2026 10:00 CET (the period
// ends on 10 March 2027 10:00 CET, PLAN-05) and ran then at 1 June 2026.
func rtCancelled(t testing.TB, e *lifecycle.Engine, then ...lifecycle.Command) lifecycle.Account {
	t.Helper()
	berlin := rtLoc(t, "Europe/Berlin")
	a := rtNew(t, e, time.Date(2026, 3, 1, 9, 0, 0, 0, berlin))
	a = rtApply(t, e, a, time.Date(2026, 3, 10, 10, 0, 0, 0, berlin),
		rtPlan(plan.Purchase{By: rtAda, Plan: plan.Professional, Period: plan.Annual}))
	return rtApply(t, e, a, time.Date(2026, 6, 1, 10, 0, 0, 0, berlin), then...)
}

// TestDeadlines_EXP02_PLAN08_CancelledAnnual: an annual Professional plan
// cancelled at period end (plan.Cancel without Now) rolls back to free at
// the period's end, 10 March 2027 10:00 CET (PLAN-04): from then workflows
// and automations, which Free lacks, are read-delete (PLAN-08); so are the
// documents when the storage in use exceeds Free's 5 GB. Everything else
// keeps its LIFE-01 deadline: 30 days after the drop to free (LIFE-03),
// 9 April 2027 10:00 CEST, across the change to summer time on 28 March
// 2027; and that suspension is when the restricted data is lost too.
func TestDeadlines_EXP02_PLAN08_CancelledAnnual(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	periodEnd := time.Date(2027, 3, 10, 10, 0, 0, 0, berlin)
	suspend := time.Date(2027, 4, 9, 10, 0, 0, 0, berlin)
	now := time.Date(2026, 6, 2, 10, 0, 0, 0, berlin)
	e := rtEngine(t, nil)
	a := rtCancelled(t, e, rtPlan(plan.Cancel{By: rtAda, Reason: "moving on"}))
	if a.Sub.Pending.Kind != plan.ChangeCancel || !a.Sub.End.Equal(periodEnd) {
		t.Fatalf("setup: pending %v, period end %v", a.Sub.Pending.Kind, a.Sub.End)
	}
	plan08 := func(c export.Category, what string) rtWant {
		return rtWant{cat: c, at: periodEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: suspend, reason: what}
	}
	life01 := rtWant{at: suspend, access: export.AccessSuspended, rule: "LIFE-01", lost: suspend, reason: "deleted on 2027-05-09"}
	cases := []struct {
		name    string
		storage int64
		want    []rtWant
	}{
		{
			name: "storage within Free's quota", storage: 4 * rtGB,
			want: append([]rtWant{plan08(export.Workflows, "Free plan takes effect and lacks workflows"), plan08(export.Automations, "lacks automation")},
				rtEach([]export.Category{export.Contacts, export.Deals, export.Leads, export.Tasks, export.Events, export.Documents}, life01)...),
		},
		{
			// Exactly the quota is within it.
			name: "storage at Free's quota", storage: 5 * rtGB,
			want: append([]rtWant{plan08(export.Workflows, ""), plan08(export.Automations, "")},
				rtEach([]export.Category{export.Contacts, export.Deals, export.Leads, export.Tasks, export.Events, export.Documents}, life01)...),
		},
		{
			// One byte over: the documents are restricted at period end too,
			// and come first among the ties (checklist order).
			name: "storage one byte over Free's quota", storage: 5*rtGB + 1,
			want: append([]rtWant{plan08(export.Documents, "exceeds its quota by 1 bytes"), plan08(export.Workflows, ""), plan08(export.Automations, "")},
				rtEach([]export.Category{export.Contacts, export.Deals, export.Leads, export.Tasks, export.Events}, life01)...),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := export.Deadlines(e, a, now, rtHoldings(c.storage))
			if err != nil {
				t.Fatal(err)
			}
			rtWantDeadlines(t, got, c.want)
		})
	}
	// Extra storage bought as an add-on ends with the drop to free
	// (PLAN-07): it does not save the documents.
	withExtra := rtApply(t, e, a, now, rtPlan(plan.BuyExtraStorage{By: rtAda, Bytes: 50 * rtGB, Price: a.Sub.Paid}))
	got, err := export.Deadlines(e, withExtra, now, export.Holdings{Documents: 1, StorageBytes: 6 * rtGB})
	if err != nil {
		t.Fatal(err)
	}
	rtWantDeadlines(t, got, []rtWant{plan08(export.Documents, "")})
}

// TestDeadlines_EXP02_PLAN08_OverLimitHidden: with plan.Policy.OverLimit
// set to AccessNone, the over-limit data is hidden from the period's end:
// it can no longer be read, so Lost is At (PLAN-08). Read-only keeps it
// readable until the suspension.
func TestDeadlines_EXP02_PLAN08_OverLimitHidden(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	periodEnd := time.Date(2027, 3, 10, 10, 0, 0, 0, berlin)
	suspend := time.Date(2027, 4, 9, 10, 0, 0, 0, berlin)
	now := time.Date(2026, 6, 2, 10, 0, 0, 0, berlin)
	for _, c := range []struct {
		over   plan.Access
		access export.Access
		lost   time.Time
	}{
		{plan.AccessNone, export.AccessHidden, periodEnd},
		{plan.AccessReadOnly, export.AccessReadOnly, suspend},
		{plan.AccessReadDelete, export.AccessReadDelete, suspend},
	} {
		t.Run(c.over.String(), func(t *testing.T) {
			e := rtEngine(t, func(p *plan.Policy) { p.OverLimit = c.over })
			a := rtCancelled(t, e, rtPlan(plan.Cancel{By: rtAda}))
			got, err := export.Deadlines(e, a, now, export.Holdings{Contacts: 1, Documents: 1, Workflows: 1, StorageBytes: 6 * rtGB})
			if err != nil {
				t.Fatal(err)
			}
			rtWantDeadlines(t, got, []rtWant{
				{cat: export.Documents, at: periodEnd, access: c.access, rule: "PLAN-08", lost: c.lost, reason: c.access.String()},
				{cat: export.Workflows, at: periodEnd, access: c.access, rule: "PLAN-08", lost: c.lost, reason: c.access.String()},
				{cat: export.Contacts, at: suspend, access: export.AccessSuspended, rule: "LIFE-01", lost: suspend},
			})
			if c.access.Readable() == (c.over == plan.AccessNone) {
				t.Errorf("%v: Readable() = %v", c.access, c.access.Readable())
			}
		})
	}
}

// TestDeadlines_EXP02_PLAN08_ScheduledDowngrade: Professional downgraded to
// Standard for the next year. At the period's end, 10 March 2027 10:00 CET,
// Standard takes effect (PLAN-03) and restricts the workflows, which it
// lacks (PLAN-08); the automations stay, since Standard has automation.
// Nobody pays the new period, so grace runs 15 days (PLAN-14) to 25 March
// 2027 10:00 CET, when the account drops to free and the automations are
// restricted too; the suspension follows 30 days later, 24 April 2027 10:00
// CEST (LIFE-01, LIFE-03). The documents, 200 GB, exceed Standard's 100 GB
// from the period's end.
func TestDeadlines_EXP02_PLAN08_ScheduledDowngrade(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	periodEnd := time.Date(2027, 3, 10, 10, 0, 0, 0, berlin)
	graceEnd := time.Date(2027, 3, 25, 10, 0, 0, 0, berlin)
	suspend := time.Date(2027, 4, 24, 10, 0, 0, 0, berlin)
	now := time.Date(2026, 6, 2, 10, 0, 0, 0, berlin)
	e := rtEngine(t, nil)
	a := rtCancelled(t, e, rtPlan(plan.ChangePlan{By: rtAda, Plan: plan.Standard, Period: plan.Annual}))
	if a.Sub.Pending.Kind != plan.ChangeDowngrade || a.Sub.Pending.Plan != plan.Standard {
		t.Fatalf("setup: pending %+v", a.Sub.Pending)
	}
	life01 := rtWant{at: suspend, access: export.AccessSuspended, rule: "LIFE-01", lost: suspend, reason: "deleted on 2027-05-24"}
	t.Run("within Standard's quota", func(t *testing.T) {
		got, err := export.Deadlines(e, a, now, rtHoldings(7*rtGB))
		if err != nil {
			t.Fatal(err)
		}
		rtWantDeadlines(t, got, append([]rtWant{
			{cat: export.Workflows, at: periodEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: suspend, reason: "Standard plan takes effect and lacks workflows"},
			// 7 GB exceed Free's 5 GB from the end of grace.
			{cat: export.Documents, at: graceEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: suspend, reason: "Free plan"},
			{cat: export.Automations, at: graceEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: suspend, reason: "Free plan takes effect and lacks automation"},
		}, rtEach([]export.Category{export.Contacts, export.Deals, export.Leads, export.Tasks, export.Events}, life01)...))
	})
	t.Run("over Standard's quota", func(t *testing.T) {
		got, err := export.Deadlines(e, a, now, export.Holdings{Documents: 2, Automations: 1, StorageBytes: 200 * rtGB})
		if err != nil {
			t.Fatal(err)
		}
		rtWantDeadlines(t, got, []rtWant{
			{cat: export.Documents, at: periodEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: suspend, reason: "exceeds its quota by 100000000000 bytes"},
			{cat: export.Automations, at: graceEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: suspend},
		})
	})
	t.Run("with the next period paid early", func(t *testing.T) {
		// Renew buys the Standard year ahead (PLAN-03, within 30 days of the
		// end): no grace, Standard runs to 10 March 2028, and the
		// automations keep going till then.
		renewAt := time.Date(2027, 2, 20, 10, 0, 0, 0, berlin)
		paid := rtApply(t, e, a, renewAt, rtPlan(plan.Renew{By: rtService}))
		nextEnd := time.Date(2028, 3, 10, 10, 0, 0, 0, berlin)
		nextGrace := time.Date(2028, 3, 25, 10, 0, 0, 0, berlin)
		nextSuspend := time.Date(2028, 4, 24, 10, 0, 0, 0, berlin)
		got, err := export.Deadlines(e, paid, renewAt, export.Holdings{Contacts: 1, Workflows: 1, Automations: 1})
		if err != nil {
			t.Fatal(err)
		}
		rtWantDeadlines(t, got, []rtWant{
			{cat: export.Workflows, at: periodEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: nextSuspend},
			{cat: export.Automations, at: nextGrace, access: export.AccessReadDelete, rule: "PLAN-08", lost: nextSuspend},
			{cat: export.Contacts, at: nextSuspend, access: export.AccessSuspended, rule: "LIFE-01", lost: nextSuspend, reason: "deleted on 2028-05-24"},
		})
		if !nextGrace.Equal(nextEnd.AddDate(0, 0, 15)) {
			t.Fatal("the literals disagree")
		}
	})
}

// TestDeadlines_EXP02_PLAN08_AlreadyRestricted: on Basic, which lacks
// workflows and automation and holds 24 GB, the workflows, the automations
// and 30 GB of documents are over the limits already (PLAN-08). When the
// cancelled year ends on 10 March 2027 the drop to Free takes nothing more
// from them, so their deadline is the next loss of access: the suspension
// on 9 April 2027 10:00 CEST (LIFE-01), like everything else's. (Before
// the fix, Deadlines gave them the period's end, saying they "become"
// read-delete then.)
func TestDeadlines_EXP02_PLAN08_AlreadyRestricted(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	suspend := time.Date(2027, 4, 9, 10, 0, 0, 0, berlin)
	e := rtEngine(t, nil)
	a := rtNew(t, e, time.Date(2026, 3, 1, 9, 0, 0, 0, berlin))
	a = rtApply(t, e, a, time.Date(2026, 3, 10, 10, 0, 0, 0, berlin), rtPlan(plan.Purchase{By: rtAda, Plan: plan.Basic, Period: plan.Annual}))
	a = rtApply(t, e, a, time.Date(2026, 6, 1, 10, 0, 0, 0, berlin), rtPlan(plan.Cancel{By: rtAda}))
	got, err := export.Deadlines(e, a, time.Date(2026, 6, 2, 10, 0, 0, 0, berlin), export.Holdings{Contacts: 1, Documents: 1, Workflows: 1, Automations: 1, StorageBytes: 30 * rtGB})
	if err != nil {
		t.Fatal(err)
	}
	rtWantDeadlines(t, got, rtEach([]export.Category{export.Contacts, export.Documents, export.Workflows, export.Automations},
		rtWant{at: suspend, access: export.AccessSuspended, rule: "LIFE-01", lost: suspend, reason: "deleted on 2027-05-09"}))
	// Within Basic's quota, the documents are restricted by the drop.
	got, err = export.Deadlines(e, a, time.Date(2026, 6, 2, 10, 0, 0, 0, berlin), export.Holdings{Documents: 1, StorageBytes: 20 * rtGB})
	if err != nil {
		t.Fatal(err)
	}
	rtWantDeadlines(t, got, []rtWant{{cat: export.Documents, at: time.Date(2027, 3, 10, 10, 0, 0, 0, berlin), access: export.AccessReadDelete,
		rule: "PLAN-08", lost: suspend, reason: "exceeds its quota by 15000000000 bytes"}})
}

// TestDeadlines_EXP02_PLAN10_TrialEnd: a trial started on 20 March 2026
// 10:00 CET ends 15 days later, 4 April 2026 10:00 CEST (PLAN-10), on
// free: workflows and automations, and documents over 5 GB, are restricted
// then (PLAN-08); the suspension is 30 days after that drop, 4 May 2026
// 10:00 CEST (LIFE-01, LIFE-03).
func TestDeadlines_EXP02_PLAN10_TrialEnd(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	trialEnd := time.Date(2026, 4, 4, 10, 0, 0, 0, berlin)
	suspend := time.Date(2026, 5, 4, 10, 0, 0, 0, berlin)
	e := rtEngine(t, nil)
	a := rtNew(t, e, time.Date(2026, 3, 19, 9, 0, 0, 0, berlin))
	a = rtApply(t, e, a, time.Date(2026, 3, 20, 10, 0, 0, 0, berlin), rtPlan(plan.StartTrial{By: rtAda}))
	got, err := export.Deadlines(e, a, time.Date(2026, 3, 21, 8, 0, 0, 0, berlin), rtHoldings(6*rtGB))
	if err != nil {
		t.Fatal(err)
	}
	plan08 := rtWant{at: trialEnd, access: export.AccessReadDelete, rule: "PLAN-08", lost: suspend, reason: "Free plan takes effect"}
	rtWantDeadlines(t, got, append(rtEach([]export.Category{export.Documents, export.Workflows, export.Automations}, plan08),
		rtEach([]export.Category{export.Contacts, export.Deals, export.Leads, export.Tasks, export.Events},
			rtWant{at: suspend, access: export.AccessSuspended, rule: "LIFE-01", lost: suspend, reason: "deleted on 2026-06-03"})...))
}

// TestDeadlines_EXP02_LIFE04_Suspended: once the account is suspended the
// only deadline left is the purge, 30 days after the suspension (LIFE-04):
// the data is gone then, and the reason says to restore the account to
// export it. Restoring it restarts the inactivity count (LIFE-01).
func TestDeadlines_EXP02_LIFE04_Suspended(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	e := rtEngine(t, nil)
	a := rtNew(t, e, time.Date(2026, 3, 1, 9, 0, 0, 0, berlin))
	a = rtApply(t, e, a, time.Date(2026, 3, 10, 10, 0, 0, 0, berlin), lifecycle.Login{User: rtOwner})
	// Suspended on 9 April 2026 10:00 CEST; purged on 9 May 2026 10:00
	// CEST.
	purge := time.Date(2026, 5, 9, 10, 0, 0, 0, berlin)
	now := time.Date(2026, 4, 15, 12, 0, 0, 0, berlin)
	want := rtEach(export.Categories(), rtWant{at: purge, access: export.AccessPurged, rule: "LIFE-04", lost: purge,
		reason: "the account is suspended since 2026-04-09: restore it to export"})
	got, err := export.Deadlines(e, a, now, rtHoldings(8*rtGB))
	if err != nil {
		t.Fatal(err)
	}
	rtWantDeadlines(t, got, want)
	// The same from the account already advanced to its suspension.
	sus, _, err := e.Advance(a, now, nil)
	if err != nil || sus.Stage != lifecycle.StageSuspended {
		t.Fatalf("setup: %v, %v", sus.Stage, err)
	}
	got, err = export.Deadlines(e, sus, purge.Add(-time.Nanosecond), rtHoldings(8*rtGB))
	if err != nil {
		t.Fatal(err)
	}
	rtWantDeadlines(t, got, want)
	// Restored on 20 April 2026 10:00: suspended again on 20 May 2026.
	restored := rtApply(t, e, sus, time.Date(2026, 4, 20, 10, 0, 0, 0, berlin), lifecycle.Restore{By: rtAda})
	again := time.Date(2026, 5, 20, 10, 0, 0, 0, berlin)
	got, err = export.Deadlines(e, restored, time.Date(2026, 4, 20, 10, 0, 0, 0, berlin), export.Holdings{Tasks: 1})
	if err != nil {
		t.Fatal(err)
	}
	rtWantDeadlines(t, got, []rtWant{{cat: export.Tasks, at: again, access: export.AccessSuspended, rule: "LIFE-01", lost: again, reason: "deleted on 2026-06-19"}})
}

// TestDeadlines_EXP02_LIFE05_DeletedRefused: there is nothing left to
// export from a deleted account, purged (LIFE-05) or deleted on request
// (LIFE-07): Deadlines refuses with lifecycle.ErrDeleted.
func TestDeadlines_EXP02_LIFE05_DeletedRefused(t *testing.T) {
	berlin := rtLoc(t, "Europe/Berlin")
	e := rtEngine(t, nil)
	a := rtNew(t, e, time.Date(2026, 3, 1, 9, 0, 0, 0, berlin))
	a = rtApply(t, e, a, time.Date(2026, 3, 10, 10, 0, 0, 0, berlin), lifecycle.Login{User: rtOwner})
	purge := time.Date(2026, 5, 9, 10, 0, 0, 0, berlin)
	if _, err := export.Deadlines(e, a, purge.Add(-time.Nanosecond), rtHoldings(0)); err != nil {
		t.Fatalf("one nanosecond before the purge: %v", err)
	}
	for name, now := range map[string]time.Time{"at the purge": purge, "after the purge": purge.AddDate(1, 0, 0)} {
		ds, err := export.Deadlines(e, a, now, rtHoldings(0))
		if !errors.Is(err, lifecycle.ErrDeleted) || tenancy.RuleOf(err) != "EXP-02" || ds != nil {
			t.Errorf("%s: %v, %v; want an EXP-02 ErrDeleted", name, ds, err)
		}
	}
	at := time.Date(2026, 3, 11, 10, 0, 0, 0, berlin)
	deleted := rtApply(t, e, a, at, lifecycle.Delete{By: rtAda, Confirm: rtID})
	if _, err := export.Deadlines(e, deleted, at, export.Holdings{}); !errors.Is(err, lifecycle.ErrDeleted) {
		t.Errorf("deleted on request: %v, want ErrDeleted", err)
	}
}

// TestDeadlines_EXP02_TimeWentBack: a now before the account's last change
// is refused with tenancy.ErrTimeWentBack (EXP-02 reads the projection from
// now on; rules never run backwards).
func TestDeadlines_EXP02_TimeWentBack(t *testing.T) {
	e := rtEngine(t, nil)
	a := rtCancelled(t, e, rtPlan(plan.Cancel{By: rtAda}))
	for _, back := range []time.Duration{time.Nanosecond, time.Hour, 400 * 24 * time.Hour} {
		ds, err := export.Deadlines(e, a, a.Updated.Add(-back), rtHoldings(0))
		if !errors.Is(err, tenancy.ErrTimeWentBack) || ds != nil {
			t.Errorf("%v before the last change: %v, %v; want ErrTimeWentBack", back, ds, err)
		}
	}
	if _, err := export.Deadlines(e, a, a.Updated, rtHoldings(0)); err != nil {
		t.Errorf("at the last change: %v", err)
	}
}

// TestDeadlines_EXP02_Edges: no engine is refused; holding nothing gives no
// deadline; only the categories held get one, sorted by At (EXP-02).
func TestDeadlines_EXP02_Edges(t *testing.T) {
	e := rtEngine(t, nil)
	a := rtCancelled(t, e, rtPlan(plan.Cancel{By: rtAda}))
	if _, err := export.Deadlines(nil, a, a.Updated, rtHoldings(0)); !errors.Is(err, tenancy.ErrInvalid) || tenancy.RuleOf(err) != "EXP-02" {
		t.Errorf("nil engine: %v, want an EXP-02 ErrInvalid", err)
	}
	ds, err := export.Deadlines(e, a, a.Updated, export.Holdings{StorageBytes: 100 * rtGB})
	if err != nil || len(ds) != 0 {
		t.Errorf("holding nothing: %v, %v; want no deadline", ds, err)
	}
	ds, err = export.Deadlines(e, a, a.Updated, export.Holdings{Events: 1, Automations: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Category != export.Automations || ds[1].Category != export.Events || !ds[0].At.Before(ds[1].At) {
		t.Errorf("deadlines:\n%s want automations, then events", rtLines(ds))
	}
	if s := ds[0].String(); !strings.Contains(s, "automations: before 2027-03-10T10:00:00+01:00 (PLAN-08)") {
		t.Errorf("String() = %q", s)
	}
	if s := (export.Deadline{Category: export.Tasks}).String(); s != "tasks: no deadline" {
		t.Errorf("String() of no deadline = %q", s)
	}
}

// ------------------------------------------------- EXP-02, as a property

// rtLevel is how far access to a category has shrunk at some moment.
type rtLevel int

const (
	rtFull       rtLevel = iota
	rtRestricted         // over the plan's limits (PLAN-08)
	rtSuspended          // LIFE-01
	rtGone               // purged, LIFE-04 and LIFE-05
)

func (l rtLevel) String() string {
	return [...]string{"full", "restricted", "suspended", "gone"}[l]
}

// rtLevelAt advances a copy of a to at and says how accessible category c
// is there, for an account holding h: gone once deleted, suspended while
// suspended, restricted when the plan in effect lacks the category's
// feature or, for documents, the storage exceeds the quota with add-ons.
func rtLevelAt(t *rapid.T, e *lifecycle.Engine, a lifecycle.Account, at time.Time, c export.Category, h export.Holdings) rtLevel {
	b, _, err := e.Advance(a, at, nil)
	if err != nil {
		t.Fatalf("Advance to %v: %v", at, err)
	}
	switch b.Stage {
	case lifecycle.StageDeleted:
		return rtGone
	case lifecycle.StageSuspended:
		return rtSuspended
	}
	pl, ok := e.Plans().Catalog().Plan(b.Sub.Plan)
	if !ok {
		t.Fatalf("plan %q not in the catalog", b.Sub.Plan)
	}
	if !pl.Has(c.Feature()) {
		return rtRestricted
	}
	if c == export.Documents {
		r, err := e.Plans().Restrictions(b.Sub.Plan, b.Sub.AddOns.ExtraStorageBytes, plan.Usage{StorageBytes: h.StorageBytes})
		if err != nil {
			t.Fatal(err)
		}
		if r.StorageOverBytes > 0 {
			return rtRestricted
		}
	}
	return rtFull
}

// rtCommand draws a lifecycle command an account may be given, plan
// changes more often than the rest.
func rtCommand(t *rapid.T, a lifecycle.Account) lifecycle.Command {
	paid := []plan.PlanID{plan.Basic, plan.Standard, plan.Professional, plan.Enterprise}
	period := func() plan.Period {
		return rapid.SampledFrom([]plan.Period{plan.Monthly, plan.Annual}).Draw(t, "period")
	}
	switch rapid.IntRange(0, 12).Draw(t, "command") {
	case 0, 1:
		return lifecycle.Login{User: rtOwner}
	case 2, 3:
		return rtPlan(plan.Purchase{By: rtAda, Plan: rapid.SampledFrom(paid).Draw(t, "plan"), Period: period()})
	case 4:
		return rtPlan(plan.Cancel{By: rtAda, Now: rapid.Bool().Draw(t, "now")})
	case 5, 6, 7:
		return rtPlan(plan.ChangePlan{By: rtAda, Plan: rapid.SampledFrom(append([]plan.PlanID{plan.Free}, paid...)).Draw(t, "plan"), Period: period()})
	case 8:
		return rtPlan(plan.StartTrial{By: rtAda})
	case 9:
		return rtPlan(plan.BuyExtraStorage{By: rtAda, Bytes: rapid.Int64Range(1, 200).Draw(t, "extraGB") * rtGB, Price: a.Sub.Paid})
	case 10:
		return rtPlan(plan.UndoChange{By: rtAda})
	case 11:
		if a.Sub.Status == plan.StatusGrace {
			return rtPlan(plan.RecordPayment{By: rtService, Amount: a.Sub.Due})
		}
		return rtPlan(plan.Renew{By: rtService})
	}
	return lifecycle.Restore{By: rtAda}
}

// rtJump draws the next moment after now: a random step of up to a few
// days or a few months, rarely more than a year, or exactly at or a
// nanosecond before a's next deadline.
func rtJump(t *rapid.T, a lifecycle.Account, now time.Time) time.Time {
	next, ok := a.NextDeadline()
	const day = 24 * 3600
	switch mode := rapid.IntRange(0, 9).Draw(t, "jump"); {
	case mode == 0 && ok && next.After(now):
		return next
	case mode == 1 && ok && next.After(now):
		return next.Add(-time.Nanosecond)
	case mode == 2:
		return now
	case mode <= 5:
		return now.Add(time.Duration(rapid.Int64Range(0, 3*day).Draw(t, "seconds")) * time.Second)
	case mode <= 8:
		return now.Add(time.Duration(rapid.Int64Range(0, 60*day).Draw(t, "seconds")) * time.Second)
	}
	return now.Add(time.Duration(rapid.Int64Range(0, 400*day).Draw(t, "seconds")) * time.Second)
}

// TestDeadlines_EXP02_AgreeWithProjection drives an account through random
// commands and clock jumps, then checks Deadlines at a random now against
// the projection (EXP-02): every deadline is the instant of a projected
// effect of its kind (a suspension for LIFE-01, a purge for LIFE-04,
// limits reduced for PLAN-08), and it is exactly the first moment access
// to the category shrinks: one nanosecond before it, and at every earlier
// projected effect, access is what it is now; at it, access is less, as
// Access says. Lost is when the data stops being readable. For a category
// that is fully accessible now, "as now" means what the rule says: the
// account active, its plan with the category's feature and, for documents,
// the storage within the quota. Deadlines leaves the account alone
// (EXP-04).
func TestDeadlines_EXP02_AgreeWithProjection(t *testing.T) {
	zones := []*time.Location{time.UTC, rtLoc(t, "Europe/Berlin"), rtLoc(t, "America/New_York"), rtLoc(t, "Australia/Sydney")}
	overs := []plan.Access{plan.AccessReadDelete, plan.AccessReadOnly, plan.AccessNone}
	engines := map[plan.Access]*lifecycle.Engine{}
	for _, o := range overs {
		engines[o] = rtEngine(t, func(p *plan.Policy) { p.OverLimit = o })
	}
	restricted := map[plan.Access]export.Access{plan.AccessReadDelete: export.AccessReadDelete, plan.AccessReadOnly: export.AccessReadOnly, plan.AccessNone: export.AccessHidden}
	rapid.Check(t, func(t *rapid.T) {
		over := rapid.SampledFrom(overs).Draw(t, "overLimit")
		e := engines[over]
		loc := rapid.SampledFrom(zones).Draw(t, "zone")
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Add(time.Duration(rapid.Int64Range(0, 400*24*3600).Draw(t, "start")) * time.Second)
		a, err := e.New(rtID, rtOwner, "eu", loc, start)
		if err != nil {
			t.Fatal(err)
		}
		now := start
		for range rapid.IntRange(0, 12).Draw(t, "steps") {
			now = rtJump(t, a, now)
			if b, _, err := e.Apply(a, now, rtCommand(t, a)); err == nil {
				a = b
			}
		}
		for range rapid.IntRange(1, 4).Draw(t, "nows") {
			now = rtJump(t, a, now)
			rtCheckDeadlines(t, e, a, now, restricted[over], rtDrawHoldings(t))
		}
	})
}

// rtStorages are storage sizes at and just over the default catalog's
// quotas.
var rtStorages = []int64{0, 5 * rtGB, 5*rtGB + 1, 24*rtGB + 1, 100*rtGB + 1, 1000*rtGB + 1, 3000*rtGB + 1}

// rtDrawHoldings draws what an account holds.
func rtDrawHoldings(t *rapid.T) export.Holdings {
	h := export.Holdings{
		Contacts: rapid.Int64Range(0, 2).Draw(t, "contacts"), Tasks: rapid.Int64Range(0, 2).Draw(t, "tasks"),
		Events: rapid.Int64Range(0, 2).Draw(t, "events"), Documents: rapid.Int64Range(0, 2).Draw(t, "documents"),
		Workflows: rapid.Int64Range(0, 2).Draw(t, "workflows"), Automations: rapid.Int64Range(0, 2).Draw(t, "automations"),
		StorageBytes: rapid.SampledFrom(rtStorages).Draw(t, "storage"),
	}
	if rapid.Bool().Draw(t, "randomStorage") {
		h.StorageBytes = rapid.Int64Range(0, 4000*rtGB).Draw(t, "storageBytes")
	}
	return h
}

// rtCheckDeadlines checks Deadlines(e, a, now, h) against the projection,
// as TestDeadlines_EXP02_AgreeWithProjection says; overLimit is the access
// the plan policy leaves to over-limit data.
func rtCheckDeadlines(t *rapid.T, e *lifecycle.Engine, a lifecycle.Account, now time.Time, overLimit export.Access, h export.Holdings) {
	before := rtDeepCopy(a)
	ds, err := export.Deadlines(e, a, now, h)
	if d := cmp.Diff(before, a); d != "" {
		t.Fatalf("Deadlines changed the account (EXP-04):\n%s", d)
	}
	cur, _, aerr := e.Advance(a, now, nil)
	if aerr != nil {
		t.Fatal(aerr)
	}
	if cur.Stage == lifecycle.StageDeleted {
		if !errors.Is(err, lifecycle.ErrDeleted) {
			t.Fatalf("a deleted account: %v, want ErrDeleted", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, c := range export.Categories() {
		if h.Count(c) > 0 {
			held++
		}
	}
	if len(ds) != held {
		t.Fatalf("%d deadlines for %d categories held", len(ds), held)
	}
	rtWantSorted(t, ds)
	effs := e.Project(cur)
	for _, d := range ds {
		if !d.Due() {
			t.Fatalf("%s: no deadline, but the projection ends in a purge:\n%v", d.Category, effs)
		}
		found := false
		for _, f := range effs {
			if !f.At.Equal(d.At) {
				continue
			}
			switch d.Rule {
			case "LIFE-01":
				found = found || f.Kind == lifecycle.EffectSuspend
			case "LIFE-04":
				found = found || f.Kind == lifecycle.EffectPurge
			case "PLAN-08":
				found = found || f.Kind == lifecycle.EffectPlan && f.Plan.Kind == plan.EventLimitsReduced
			default:
				t.Fatalf("%s: rule %q", d.Category, d.Rule)
			}
		}
		if !found {
			t.Fatalf("%s: %s matches no projected effect of its kind:\n%v", d.Category, d, effs)
		}
		was := rtLevelAt(t, e, cur, now, d.Category, h)
		if l := rtLevelAt(t, e, cur, d.At.Add(-time.Nanosecond), d.Category, h); l != was {
			t.Fatalf("%s: access is %v one nanosecond before %s, %v now", d.Category, l, d, was)
		}
		for _, f := range effs {
			if f.At.Before(d.At) {
				if l := rtLevelAt(t, e, cur, f.At, d.Category, h); l != was {
					t.Fatalf("%s: access is already %v at %v (%v), before %s", d.Category, l, f.At, f, d)
				}
			}
		}
		after := rtLevelAt(t, e, cur, d.At, d.Category, h)
		if after <= was {
			t.Fatalf("%s: access is %v at %s, %v now: nothing shrinks", d.Category, after, d, was)
		}
		wantAccess := map[rtLevel]export.Access{rtRestricted: overLimit, rtSuspended: export.AccessSuspended, rtGone: export.AccessPurged}[after]
		wantRule := map[rtLevel]tenancy.RuleID{rtRestricted: "PLAN-08", rtSuspended: "LIFE-01", rtGone: "LIFE-04"}[after]
		if d.Access != wantAccess || d.Rule != wantRule {
			t.Fatalf("%s: %s with access %v, want %v under %s (access becomes %v)", d.Category, d, d.Access, wantAccess, wantRule, after)
		}
		// Lost: At when the data is unreadable from At on; otherwise
		// the later moment it becomes so.
		if !d.Access.Readable() {
			if !d.Lost.Equal(d.At) {
				t.Fatalf("%s: unreadable from %v but lost at %v", d.Category, d.At, d.Lost)
			}
			continue
		}
		if !d.Lost.After(d.At) {
			t.Fatalf("%s: readable from %v but lost at %v", d.Category, d.At, d.Lost)
		}
		if l := rtLevelAt(t, e, cur, d.Lost.Add(-time.Nanosecond), d.Category, h); l != rtRestricted {
			t.Fatalf("%s: access is %v before it is lost at %v", d.Category, l, d.Lost)
		}
		if l := rtLevelAt(t, e, cur, d.Lost, d.Category, h); l < rtSuspended {
			t.Fatalf("%s: access is %v when it is lost at %v", d.Category, l, d.Lost)
		}
	}
}

// ---------------------------------------------------------------- EXP-04

// rtDeepCopy copies a, slices included, so that a change made through a
// shared slice shows.
func rtDeepCopy(a lifecycle.Account) lifecycle.Account {
	a.Users = slices.Clone(a.Users)
	a.Blocks = slices.Clone(a.Blocks)
	return a
}

// TestDeadlines_EXP04_AccountUnchanged: Deadlines works on a copy: the
// account value, its users and its blocks are as they were, even when
// advancing it to now fires deadlines (a rollback, a suspension) and the
// account is blocked (EXP-04). Checklist and Deadlines never modify the
// holdings either.
func TestDeadlines_EXP04_AccountUnchanged(t *testing.T) {
	e := rtEngine(t, nil)
	a := rtCancelled(t, e,
		lifecycle.AddUser{By: rtAda, User: "bob", Role: tenancy.RoleEmployee},
		lifecycle.AddUser{By: rtAda, User: "carol", Role: tenancy.RoleAdministrator},
		lifecycle.DismissUser{By: rtAda, User: "bob"},
		lifecycle.SetBlock{By: rtService, Cause: "NET-07: plan compatibility"},
		rtPlan(plan.BuyExtraStorage{By: rtAda, Bytes: 10 * rtGB, Price: decimal.NewFromInt(10)}),
		rtPlan(plan.Cancel{By: rtAda, Reason: "too dear"}),
	)
	if len(a.Users) != 3 || len(a.Blocks) != 1 {
		t.Fatalf("setup: %d users, %d blocks", len(a.Users), len(a.Blocks))
	}
	h := rtHoldings(12 * rtGB)
	hBefore := h
	berlin := rtLoc(t, "Europe/Berlin")
	for _, now := range []time.Time{
		a.Updated, // nothing to advance
		time.Date(2027, 3, 10, 10, 0, 0, 0, berlin), // the rollback to free fires
		time.Date(2027, 4, 20, 10, 0, 0, 0, berlin), // suspended
		time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), // deleted: refused
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), // went back: refused
	} {
		before := rtDeepCopy(a)
		_, _ = export.Deadlines(e, a, now, h)
		if d := cmp.Diff(before, a); d != "" {
			t.Errorf("Deadlines at %v changed the account (EXP-04):\n%s", now, d)
		}
		if h != hBefore {
			t.Errorf("Deadlines changed the holdings: %+v", h)
		}
	}
	if _, err := export.Checklist(h); err != nil || h != hBefore {
		t.Errorf("Checklist: %v, holdings %+v", err, h)
	}
	// The blocked account's deadlines are those of the same account
	// unblocked: a block never deletes data (LIFE-08).
	unblocked := rtApply(t, e, a, a.Updated, lifecycle.LiftBlock{By: rtService, Cause: "NET-07: plan compatibility"})
	x, err1 := export.Deadlines(e, a, a.Updated, h)
	y, err2 := export.Deadlines(e, unblocked, unblocked.Updated, h)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if d := cmp.Diff(x, y); d != "" {
		t.Errorf("a block changed the deadlines (-blocked +unblocked):\n%s", d)
	}
}
