package main

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/tenancykit/tenancy/lifecycle"
)

// The quickstart prints the lives of two accounts with exact dates and
// amounts; this pins the lines that carry the rules.
func TestQuickstartTimeline(t *testing.T) {
	var b strings.Builder
	if err := run(&b, nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"2026-01-31  PLAN-10  plan.trial-started           trial started, until 2026-02-15",
		"2026-02-10  PLAN-05  plan.purchased               bought standard: charged 124.00 USD, period until 2026-03-10",
		// 28-day period (10 Feb to 10 Mar), upgraded after 19 days: 9/28 of
		// 124.00 = 39.857… credited, rounded down to 39.85; 2390.40 - 39.85.
		"2026-03-01  PLAN-03  plan.upgraded                upgraded standard -> professional at once: 39.85 USD credited for the unused days, charged 2350.55 USD, period until 2027-03-01",
		// Cancelled in the fourth month of the annual period (1 Mar 2026 +
		// 106 days = 15 Jun): months from 1 Jul to 1 Feb not begun, 8 of 12.
		"2026-06-15  PLAN-06  (query)                      refund if cancelled now: 1593.60 USD of 2390.40 USD paid (8 of 12 months unused), 796.80 USD retained",
		"2026-06-15  PLAN-04  plan.cancellation-scheduled  auto-renewal off (\"moving to another tool\"): paid features stay until 2027-03-01",
		"2026-06-15  PLAN-13  plan.cancellation-confirmed  confirmation e-mailed to the owner",
		"2027-03-01  PLAN-04  plan.rolled-back             period ended with auto-renewal off: professional -> free",
		// LIFE-03: the inactivity count starts at the rollback, not at the
		// last login (the account's creation in January 2026).
		"acme is on the free plan; its data is intact; if nobody logs in it is suspended on 2027-03-31",
		// LIFE-01: a login at 09:00 on 5 March 2026 in Berlin; 30 calendar
		// days later is 4 April, across the change to summer time.
		"2026-03-05  LIFE-01  life.activity                bo logs in: the inactivity count restarts, suspension moves to 2026-04-04",
		// LIFE-02: warnings 7, 3 and 1 days before the suspension...
		"2026-03-28  LIFE-02  life.warn-suspension         e-mail to bo: no login for a while, the account will be suspended on 2026-04-04",
		"2026-04-01  LIFE-02  life.warn-suspension         e-mail to bo: no login for a while, the account will be suspended on 2026-04-04",
		"2026-04-03  LIFE-02  life.warn-suspension         e-mail to bo: no login for a while, the account will be suspended on 2026-04-04",
		"2026-04-04  LIFE-01  life.suspend                 suspended for inactivity; data intact; deleted on 2026-05-04 unless restored",
		// ...and before the deletion, 30 days after the suspension (LIFE-04).
		"2026-04-27  LIFE-02  life.warn-deletion           e-mail to bo: the account will be deleted on 2026-05-04",
		"2026-05-03  LIFE-02  life.warn-deletion           e-mail to bo: the account will be deleted on 2026-05-04",
		"2026-05-04  LIFE-05  life.purge                   deleted for good: CRM entries, tasks, activity stream posts, user accounts, documents, messages",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the timeline lacks %q\n--- got:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" || strings.HasPrefix(line, "== ") {
			continue
		}
		if !strings.Contains(line, "PLAN-") && !strings.Contains(line, "LIFE-") && !strings.Contains(line, "acme") && !strings.Contains(line, "bistro") && !strings.Contains(line, "nothing more happens") {
			t.Errorf("a timeline line names no rule: %q", line)
		}
	}
}

// The effects are fleet envelopes: each kind belongs to the package of its
// rule (plan events under PLAN rules, account effects under LIFE rules),
// each ID is unique, and the purge leaves bo's network identity alive
// (LIFE-06) while bistro is deleted (LIFE-05).
func TestQuickstartEnvelopes(t *testing.T) {
	store, _, err := play(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(store.Log) == 0 {
		t.Fatal("no effects")
	}
	seen := map[string]bool{}
	for _, e := range store.Log {
		pkg, _, _ := strings.Cut(e.Kind, ".")
		if want := map[string]string{"plan": "PLAN-", "life": "LIFE-"}[pkg]; want == "" || !strings.HasPrefix(string(e.Rule), want) {
			t.Errorf("effect %s of kind %s names rule %s", e.ID(), e.Kind, e.Rule)
		}
		if seen[e.ID()] {
			t.Errorf("effect ID %s twice", e.ID())
		}
		seen[e.ID()] = true
	}
	if a, _ := store.Account("bistro"); a.Stage != lifecycle.StageDeleted {
		t.Errorf("bistro is %s, want deleted", a.Stage)
	}
	if i, ok := store.States().Identities["bo"]; !ok || !i.Live() {
		t.Errorf("bo's network identity %+v, want it kept (LIFE-06)", i)
	}
}

// With -svg the quickstart draws both accounts' timeline: well-formed
// SVG, bistro's deletion (LIFE-05) as a mark that happened, and acme's
// suspension on 31 March 2027 (LIFE-01, counted from the rollback as
// LIFE-03 says) as one that will if nobody logs in.
func TestQuickstartPicture(t *testing.T) {
	var text, pic strings.Builder
	if err := run(&text, &pic); err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(strings.NewReader(pic.String()))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the picture is not well-formed: %v", err)
		}
	}
	for _, want := range []string{
		`<g class="lane" data-lane="bistro">`,
		`<g class="mark deletion" data-at="2026-05-04T09:00:00+02:00" data-rule="LIFE-05"`,
		`<g class="mark suspension projected" data-at="2027-03-31T10:00:00+02:00" data-rule="LIFE-01"`,
		`<g class="today" data-at="2027-03-01T10:00:00+01:00">`,
	} {
		if !strings.Contains(pic.String(), want) {
			t.Errorf("the picture lacks %s", want)
		}
	}
}
