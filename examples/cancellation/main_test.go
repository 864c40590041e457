package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The cancellation prints money, dates and the archive's manifest exactly;
// this pins those lines, in order, checks that every line names a rule,
// and that the temporary folder is gone afterwards.
func TestCancellationTimeline(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.MkdirTemp("", …) creates the archive's folder here
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := []string{
		// 12 × 249.00 × 0.8 = 2390.40 for a year from 10 January.
		"2026-01-10  PLAN-05  acme buys professional for a year: charged 2390.40 USD, period until 2027-01-10",
		// On 20 May the months from 10 June to 10 December have not begun:
		// 7 of 12, 7/12 of 2390.40 = 1394.40; refund + retained = paid.
		"2026-05-20  PLAN-06  ended at once, the year would refund 1394.40 USD of 2390.40 USD paid (7 of 12 months not begun), 996.00 USD retained",
		"2026-05-20  PLAN-09  cancelling moves acme to free on 2027-01-10: it loses [reports automation telephony workflows]",
		"2026-05-20  PLAN-11  support by specialists ends then; free accounts get self-service resources",
		// 8 GB in use against free's 5 GB.
		"2026-05-20  PLAN-08  over free's limits (kept, but read-and-delete until then): delete 3000000000 bytes (3.0 GB) of files; the quota is 5.0 GB",
		"2026-05-20  PLAN-08  over free's limits (kept, but read-and-delete until then): turn off automation, which the Free plan does not include",
		"2026-05-20  PLAN-08  over free's limits (kept, but read-and-delete until then): turn off workflows, which the Free plan does not include",
		"2026-05-20  PLAN-04  auto-renewal off (\"moving to another tool\"): professional stays until 2027-01-10, then free; no refund",
		"2026-05-20  PLAN-13  confirmation e-mailed to the owner, ada; reason recorded: \"moving to another tool\"",
		"2026-05-20  EXP-01   CRM contacts             4  csv       crm/contacts.csv",
		"2026-05-20  EXP-01   CRM deals                3  csv       crm/deals.csv",
		"2026-05-20  EXP-01   tasks                    3  csv       tasks/tasks.csv",
		"2026-05-20  EXP-01   calendar events          2  icalendar calendar/events.ics",
		"2026-05-20  EXP-01   Drive documents          2  files     drive/",
		"2026-05-20  EXP-01   workflow configurations  1  by hand: no bulk export exists",
		"2026-05-20  EXP-01   automation rules         2  by hand: no bulk export exists",
		// The year ends on 10 January 2027 (PLAN-04): free restricts what
		// it lacks or cannot hold (PLAN-08); the inactivity count starts
		// then (LIFE-03), and 30 days later, 9 February, the account is
		// suspended (LIFE-01).
		"2026-05-20  EXP-02   documents   before 2027-01-10 10:00 CET (PLAN-08): then read-delete, unreadable from 2027-02-09 10:00 CET",
		"2026-05-20  EXP-02   workflows   before 2027-01-10 10:00 CET (PLAN-08): then read-delete, unreadable from 2027-02-09 10:00 CET",
		"2026-05-20  EXP-02   automations before 2027-01-10 10:00 CET (PLAN-08): then read-delete, unreadable from 2027-02-09 10:00 CET",
		"2026-05-20  EXP-02   contacts    before 2027-02-09 10:00 CET (LIFE-01): then suspended",
		"2026-05-20  EXP-02   deals       before 2027-02-09 10:00 CET (LIFE-01): then suspended",
		"2026-05-20  EXP-02   tasks       before 2027-02-09 10:00 CET (LIFE-01): then suspended",
		"2026-05-20  EXP-02   events      before 2027-02-09 10:00 CET (LIFE-01): then suspended",
		"2026-05-20  EXP-03   acme-export.zip written to a temporary folder: 6 files and manifest.json",
		"2026-05-20  EXP-03   verified against its manifest: 6 of 6 files intact, problems: 0",
		"2026-05-20  EXP-03     crm/contacts.csv     records=4 neutralised=1",
		"2026-05-20  EXP-03     crm/deals.csv        records=3 neutralised=0",
		"2026-05-20  EXP-03     tasks/tasks.csv      records=3 neutralised=0",
		"2026-05-20  EXP-03     calendar/events.ics  records=2 neutralised=0",
		"2026-05-20  EXP-03     drive/Q2 report.pdf  records=1 neutralised=0",
		// The hostile name cannot climb out of drive/; the manifest keeps it.
		"2026-05-20  EXP-03     drive/secret.txt     records=1 neutralised=0 original=\"../secret.txt\"",
		"2026-05-20  EXP-03   every checklist item that has a bulk export is in the archive in full",
		"2026-05-20  EXP-04   acme is exactly as before the export (cmp.Diff empty), the store emitted no effect, and its 14 source records are as they were",
	}
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w+"\n")
		if i < 0 {
			if strings.Contains(out, w) {
				t.Errorf("the timeline has %q, but out of order", w)
			} else {
				t.Errorf("the timeline lacks %q", w)
			}
			continue
		}
		rest = rest[i+len(w):]
	}
	rule := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}  (PLAN|LIFE|EXP)-\d{2} +\S`)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" || strings.HasPrefix(line, "== ") {
			continue
		}
		if !rule.MatchString(line) {
			t.Errorf("a line names no rule: %q", line)
		}
	}
	if strings.Contains(out, tmp) {
		t.Errorf("the output names the temporary folder %s", tmp)
	}
	if left, err := os.ReadDir(tmp); err != nil || len(left) != 0 {
		t.Errorf("the temporary folder was not removed: %v %v", left, err)
	}
	if t.Failed() {
		t.Logf("got:\n%s", out)
	}
}

// The output does not depend on the run: two runs print the same bytes.
func TestCancellationDeterministic(t *testing.T) {
	var a, b strings.Builder
	if err := run(&a); err != nil {
		t.Fatal(err)
	}
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("two runs differ:\n%s\n---\n%s", a.String(), b.String())
	}
}
