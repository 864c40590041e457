package export_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// The checklist says what to take away and how (EXP-01); categories the
// account holds nothing of are left out, and workflows have no bulk
// export: an administrator saves them by hand.
func ExampleChecklist() {
	items, err := export.Checklist(export.Holdings{Contacts: 120, Deals: 30, Events: 12, Documents: 45, Workflows: 3})
	if err != nil {
		panic(err)
	}
	for _, it := range items {
		if it.Manual() {
			fmt.Printf("%-24s %4d  by hand: %s\n", it.Label, it.Count, it.Instructions)
			continue
		}
		fmt.Printf("%-24s %4d  %-9s %s\n", it.Label, it.Count, it.Method, it.Path)
	}
	// Output:
	// CRM contacts              120  csv       crm/contacts.csv
	// CRM deals                  30  csv       crm/deals.csv
	// calendar events            12  icalendar calendar/events.ics
	// Drive documents            45  files     drive/
	// workflow configurations     3  by hand: No bulk export exists: open each workflow, and save its template, steps, conditions and assignees by hand (copy them into a document or take screenshots).
}

// An annual Professional plan bought on 10 March 2026 and cancelled on 1
// June rolls back to free when the year ends (PLAN-04): workflows and
// automations, which Free lacks, and the documents over Free's 5 GB are
// restricted then (PLAN-08); the rest lasts until the suspension for
// inactivity 30 days later (LIFE-01). Deadlines says by when to export
// each (EXP-02).
func ExampleDeadlines() {
	pe, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	eng, err := lifecycle.NewEngine(pe, lifecycle.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	ada := tenancy.Admin("ada")
	a, err := eng.New("acme", "ada", "eu", berlin, time.Date(2026, 3, 1, 9, 0, 0, 0, berlin))
	if err != nil {
		panic(err)
	}
	for _, step := range []struct {
		at  time.Time
		cmd plan.Command
	}{
		{time.Date(2026, 3, 10, 10, 0, 0, 0, berlin), plan.Purchase{By: ada, Plan: plan.Professional, Period: plan.Annual}},
		{time.Date(2026, 6, 1, 10, 0, 0, 0, berlin), plan.Cancel{By: ada, Reason: "moving to another tool"}},
	} {
		if a, _, err = eng.Apply(a, step.at, lifecycle.Plan{Cmd: step.cmd}); err != nil {
			panic(err)
		}
	}
	held := export.Holdings{Contacts: 120, Tasks: 40, Documents: 45, Workflows: 3, Automations: 5, StorageBytes: 8 * plan.GB}
	ds, err := export.Deadlines(eng, a, time.Date(2026, 6, 2, 9, 0, 0, 0, berlin), held)
	if err != nil {
		panic(err)
	}
	for _, d := range ds {
		fmt.Println(d)
	}
	// Output:
	// documents: before 2027-03-10T10:00:00+01:00 (PLAN-08): the Free plan takes effect and the storage in use exceeds its quota by 3000000000 bytes: the documents over it become read-delete
	// workflows: before 2027-03-10T10:00:00+01:00 (PLAN-08): the Free plan takes effect and lacks workflows: the workflow configurations become read-delete
	// automations: before 2027-03-10T10:00:00+01:00 (PLAN-08): the Free plan takes effect and lacks automation: the automation rules become read-delete
	// contacts: before 2027-04-09T10:00:00+02:00 (LIFE-01): the account is suspended for inactivity; nobody can use it until an administrator restores it, and it is deleted on 2027-05-09
	// tasks: before 2027-04-09T10:00:00+02:00 (LIFE-01): the account is suspended for inactivity; nobody can use it until an administrator restores it, and it is deleted on 2027-05-09
}

// A Writer streams the archive and lists every file in its manifest, with
// its record count and the cells it neutralised (EXP-03); Verify reads it
// back.
func ExampleWriter() {
	var buf bytes.Buffer
	at := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	w, err := export.NewWriter(&buf, "acme", at, export.Options{})
	if err != nil {
		panic(err)
	}
	contacts := func(yield func([]string, error) bool) {
		_ = yield([]string{"Ada Lovelace", "=1+1"}, nil) &&
			yield([]string{"Charles Babbage", "engines, mostly"}, nil)
	}
	if err := w.WriteTable(export.Contacts, []string{"name", "note"}, contacts); err != nil {
		panic(err)
	}
	events := func(yield func(export.Event, error) bool) {
		yield(export.Event{Summary: "Kick-off", Start: at.Add(24 * time.Hour), End: at.Add(25 * time.Hour)}, nil)
	}
	if err := w.WriteCalendar(events); err != nil {
		panic(err)
	}
	docs := func(yield func(export.File, error) bool) {
		yield(export.File{Name: `Q3\report?.txt`, Body: strings.NewReader("numbers")}, nil)
	}
	if err := w.WriteFiles(docs); err != nil {
		panic(err)
	}
	m, err := w.Close()
	if err != nil {
		panic(err)
	}
	for _, f := range m.Files {
		fmt.Printf("%-20s records=%d neutralised=%d", f.Path, f.Records, f.Neutralised)
		if f.Original != "" {
			fmt.Printf(" original=%q", f.Original)
		}
		fmt.Println()
	}
	rep, err := export.Verify(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		panic(err)
	}
	fmt.Println("verified", rep.Verified, "files: OK =", rep.OK())
	// Output:
	// crm/contacts.csv     records=2 neutralised=1
	// calendar/events.ics  records=1 neutralised=0
	// drive/Q3/report_.txt records=1 neutralised=0 original="Q3\\report?.txt"
	// verified 3 files: OK = true
}

// Verify reports what is wrong with an archive (EXP-03): here one altered
// byte of a stored file, then an archive cut short.
func ExampleVerify() {
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC), export.Options{Store: true})
	if err != nil {
		panic(err)
	}
	rows := func(yield func([]string, error) bool) { yield([]string{"Ada", "ada@example.com"}, nil) }
	if err := w.WriteTable(export.Contacts, []string{"name", "email"}, rows); err != nil {
		panic(err)
	}
	if _, err := w.Close(); err != nil {
		panic(err)
	}
	good := buf.Bytes()

	tampered := bytes.Replace(good, []byte("Ada,"), []byte("Eve,"), 1)
	rep, err := export.Verify(bytes.NewReader(tampered), int64(len(tampered)))
	for _, p := range rep.Problems {
		fmt.Println(p.Kind, p.Path)
	}
	fmt.Println(err != nil)

	cut := good[:len(good)-10]
	rep, _ = export.Verify(bytes.NewReader(cut), int64(len(cut)))
	for _, p := range rep.Problems {
		fmt.Println(p.Kind)
	}
	// Output:
	// altered crm/contacts.csv
	// true
	// unreadable
}

// ReadTable reads a CSV file of an archive back as the source gave it:
// the apostrophe that kept a spreadsheet from running a formula comes off
// again.
func ExampleReadTable() {
	csv := "name,note\r\nAda,'=1+1\r\n\"Babbage, C.\",\"two\r\nlines\"\r\n"
	for rec, err := range export.ReadTable(strings.NewReader(csv)) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%q\n", rec)
	}
	// Output:
	// ["name" "note"]
	// ["Ada" "=1+1"]
	// ["Babbage, C." "two\r\nlines"]
}
