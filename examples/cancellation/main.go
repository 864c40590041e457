// Command cancellation cancels an annual subscription and takes the data
// away, printing a dated timeline in which every line names its rule.
//
// acme bought Professional for a year on 10 January 2026. On 20 May its
// administrator reads what ending the year at once would refund (PLAN-06)
// and what cancelling would take away (PLAN-09, PLAN-08), then cancels:
// auto-renewal off, paid features until the year ends, a confirmation to
// the owner (PLAN-04, PLAN-13). Before leaving, the administrator reads the
// export checklist (EXP-01) and the deadline of each category (EXP-02),
// writes an archive from the service's sources, verifies it against its
// manifest (EXP-03), and checks that exporting changed nothing (EXP-04).
//
// The account lives in a fleet.Memory store: the purchase and the
// cancellation are fleet commands, and what they did comes back as
// fleet.Effect envelopes. The refund quote, the impact and the export's
// deadlines are queries of the engines beneath the driver (package plan,
// package export over package lifecycle): they change nothing and emit no
// effect, which the end of the story checks.
//
// The clock is a mock set to fixed dates, and the archive goes to a
// temporary folder that is removed at the end; paths are printed relative
// to it, so the output is the same on every run.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bclock "github.com/benbjohnson/clock"
	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cancellation:", err)
		os.Exit(1)
	}
}

// sources is what the service would read from its own store: a few
// records per category, in memory.
type sources struct {
	contactsHeader, dealsHeader, tasksHeader []string
	contacts, deals, tasks                   [][]string
	events                                   []export.Event
	files                                    map[string]string // name -> content
	fileOrder                                []string
}

func sampleSources(loc *time.Location) sources {
	return sources{
		contactsHeader: []string{"name", "email", "note"},
		contacts: [][]string{
			{"Ada Lovelace", "ada@acme.example", "founder"},
			{"Charles Babbage", "charles@engines.example", "met at the fair"},
			// A cell a spreadsheet would run as a formula.
			{"Mallory", "mallory@evil.example", `=HYPERLINK("http://evil.example","click me")`},
			{"Grace Hopper", "grace@navy.example", "compilers, mostly"},
		},
		dealsHeader: []string{"title", "amount", "stage"},
		deals: [][]string{
			{"Engines for the navy", "120000", "won"},
			{"Analytical engine, second unit", "45000", "negotiation"},
			{"Punch cards, yearly supply", "3000", "lost"},
		},
		tasksHeader: []string{"title", "assignee", "due"},
		tasks: [][]string{
			{"Send the invoice", "ada", "2026-05-22"},
			{"Call Grace back", "charles", "2026-05-25"},
			{"Move the files to the new tool", "ada", "2026-06-30"},
		},
		events: []export.Event{
			{UID: "ev-1@acme", Summary: "Board meeting", Location: "Berlin",
				Start: time.Date(2026, 6, 3, 14, 0, 0, 0, loc), End: time.Date(2026, 6, 3, 16, 0, 0, 0, loc)},
			{UID: "ev-2@acme", Summary: "Company retreat", AllDay: true,
				Start: time.Date(2026, 7, 6, 0, 0, 0, 0, loc), End: time.Date(2026, 7, 9, 0, 0, 0, 0, loc)},
		},
		files: map[string]string{
			"Q2 report.pdf": "%PDF-1.7 quarterly numbers",
			"../secret.txt": "a name that tries to climb out of the folder",
		},
		fileOrder: []string{"Q2 report.pdf", "../secret.txt"},
	}
}

func (s sources) holdings() export.Holdings {
	return export.Holdings{
		Contacts: int64(len(s.contacts)), Deals: int64(len(s.deals)), Tasks: int64(len(s.tasks)),
		Events: int64(len(s.events)), Documents: int64(len(s.files)),
		Workflows: 1, Automations: 2, StorageBytes: 8 * plan.GB,
	}
}

// clone returns a deep copy, to compare after the export (EXP-04).
func (s sources) clone() sources {
	c := s
	for _, p := range []*[][]string{&c.contacts, &c.deals, &c.tasks} {
		rows := make([][]string, len(*p))
		for i, r := range *p {
			rows[i] = slices.Clone(r)
		}
		*p = rows
	}
	c.contactsHeader, c.dealsHeader, c.tasksHeader = slices.Clone(s.contactsHeader), slices.Clone(s.dealsHeader), slices.Clone(s.tasksHeader)
	c.events = slices.Clone(s.events)
	c.files = make(map[string]string, len(s.files))
	for k, v := range s.files {
		c.files[k] = v
	}
	c.fileOrder = slices.Clone(s.fileOrder)
	return c
}

// rows yields a table's rows as the service's store would.
func rows(rs [][]string) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// timeline prints dated lines that name their rule, in the account's time
// zone.
type timeline struct {
	clk bclock.Clock
	w   io.Writer
	loc *time.Location
}

func (t timeline) say(rule tenancy.RuleID, format string, args ...any) {
	fmt.Fprintf(t.w, "%s  %-7s  %s\n", t.clk.Now().In(t.loc).Format(time.DateOnly), rule, fmt.Sprintf(format, args...))
}

// stamp writes an instant in the account's time zone, to the minute.
func (t timeline) stamp(at time.Time) string { return at.In(t.loc).Format("2006-01-02 15:04 MST") }

func run(w io.Writer) (err error) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return err
	}
	store := fleet.NewMemory(fleet.Default())
	plans := store.Engine().Plans()
	cur := plans.Catalog().Currency()
	mock := bclock.NewMock()
	tl := timeline{clk: mock, w: w, loc: berlin}
	ada := tenancy.Admin("ada")

	fmt.Fprintln(w, "== acme's year of Professional")
	mock.Set(time.Date(2026, time.January, 5, 9, 0, 0, 0, berlin))
	if _, err := store.Do(mock.Now(), fleet.NewAccount{ID: "acme", Owner: "ada", DomainZone: "eu", Location: berlin}, ""); err != nil {
		return err
	}
	mock.Set(time.Date(2026, time.January, 10, 10, 0, 0, 0, berlin))
	r, err := store.Do(mock.Now(), fleet.OnAccount{Account: "acme",
		Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: ada, Plan: plan.Professional, Period: plan.Annual}}}, "")
	if err != nil {
		return err
	}
	for _, e := range r.Effects {
		if e.Kind == "plan.purchased" {
			tl.say(e.Rule, "acme buys professional for a year: charged %s, period until %s", cur.Format(e.Amount), e.Deadline.Format(time.DateOnly))
		}
	}
	acc, _ := store.Account("acme")

	fmt.Fprintln(w, "\n== before cancelling: the refund quote and the impact")
	mock.Set(time.Date(2026, time.May, 20, 10, 0, 0, 0, berlin))
	q, err := plans.QuoteRefund(acc.Sub, mock.Now())
	if err != nil {
		return err
	}
	tl.say("PLAN-06", "ended at once, the year would refund %s of %s paid (%d of %d months not begun), %s retained",
		cur.Format(q.Refund), cur.Format(q.Paid), q.Unused, q.Of, cur.Format(q.Retained))
	usage := plan.Usage{Users: 12, StorageBytes: 8 * plan.GB, Features: []plan.Feature{plan.FeatureAutomation, plan.FeatureWorkflows}}
	im, err := plans.Impact(acc.Sub, plan.Free, usage)
	if err != nil {
		return err
	}
	tl.say("PLAN-09", "cancelling moves acme to free on %s: it loses %v", im.EffectiveAt.Format(time.DateOnly), im.LostFeatures)
	if im.SupportLost {
		tl.say("PLAN-11", "support by specialists ends then; free accounts get self-service resources")
	}
	for _, a := range im.Over.Actions {
		tl.say("PLAN-08", "over free's limits (kept, but %s until then): %s", im.Over.Access, a)
	}

	fmt.Fprintln(w, "\n== the cancellation")
	r, err = store.Do(mock.Now(), fleet.OnAccount{Account: "acme",
		Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada, Reason: "moving to another tool"}}}, "")
	if err != nil {
		return err
	}
	for _, e := range r.Effects {
		switch e.Kind {
		case "plan.cancellation-scheduled":
			tl.say(e.Rule, "auto-renewal off (%q): professional stays until %s, then free; no refund", e.Note, e.Deadline.Format(time.DateOnly))
		case "plan.cancellation-confirmed":
			tl.say(e.Rule, "confirmation e-mailed to the owner, ada; reason recorded: %q", e.Note)
		default:
			tl.say(e.Rule, "%s", e)
		}
	}
	acc, _ = store.Account("acme")
	logged := len(store.Log)

	// EXP-04: what the account is before anything is exported, as a deep
	// copy (a JSON round trip), and what the sources are.
	before, err := deepCopy(acc)
	if err != nil {
		return err
	}
	src := sampleSources(berlin)
	srcBefore := src.clone()

	fmt.Fprintln(w, "\n== what to take away, and by when")
	mock.Set(time.Date(2026, time.May, 20, 11, 0, 0, 0, berlin))
	held := src.holdings()
	items, err := export.Checklist(held)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Manual() {
			tl.say("EXP-01", "%-23s %2d  by hand: no bulk export exists", it.Label, it.Count)
			continue
		}
		tl.say("EXP-01", "%-23s %2d  %-9s %s", it.Label, it.Count, it.Method, it.Path)
	}
	ds, err := export.Deadlines(store.Engine().Lives(), acc, mock.Now(), held)
	if err != nil {
		return err
	}
	for _, d := range ds {
		line := fmt.Sprintf("%-11s before %s (%s): then %s", d.Category, tl.stamp(d.At), d.Rule, d.Access)
		if !d.Lost.Equal(d.At) {
			line += ", unreadable from " + tl.stamp(d.Lost)
		}
		tl.say("EXP-02", "%s", line)
	}

	fmt.Fprintln(w, "\n== the archive")
	dir, err := os.MkdirTemp("", "cancellation-*")
	if err != nil {
		return err
	}
	defer func() {
		if rerr := os.RemoveAll(dir); err == nil {
			err = rerr
		}
	}()
	path := filepath.Join(dir, "acme-export.zip")
	m, err := writeArchive(path, mock.Now(), src)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return err
	}
	tl.say("EXP-03", "%s written to a temporary folder: %d files and %s", rel, len(m.Files), export.ManifestPath)
	rep, err := verify(path)
	if err != nil {
		return err
	}
	tl.say("EXP-03", "verified against its manifest: %d of %d files intact, problems: %d", rep.Verified, len(rep.Manifest.Files), len(rep.Problems))
	for _, f := range rep.Manifest.Files {
		line := fmt.Sprintf("  %-20s records=%d neutralised=%d", f.Path, f.Records, f.Neutralised)
		if f.Original != "" {
			line += fmt.Sprintf(" original=%q", f.Original)
		}
		tl.say("EXP-03", "%s", line)
	}
	if short := rep.Manifest.Shortfall(items); len(short) == 0 {
		tl.say("EXP-03", "every checklist item that has a bulk export is in the archive in full")
	} else {
		return fmt.Errorf("the archive lacks %v", short)
	}

	acc, _ = store.Account("acme")
	if diff := cmp.Diff(before, acc); diff != "" {
		return fmt.Errorf("EXP-04: exporting changed the account (-before +after):\n%s", diff)
	}
	if len(store.Log) != logged {
		return fmt.Errorf("EXP-04: exporting emitted %d effects", len(store.Log)-logged)
	}
	if diff := cmp.Diff(srcBefore, src, cmp.AllowUnexported(sources{})); diff != "" {
		return fmt.Errorf("EXP-04: exporting changed the sources (-before +after):\n%s", diff)
	}
	tl.say("EXP-04", "acme is exactly as before the export (cmp.Diff empty), the store emitted no effect, and its %d source records are as they were", held.Contacts+held.Deals+held.Tasks+held.Events+held.Documents)
	return nil
}

// deepCopy returns a copy of a that shares nothing with it.
func deepCopy(a lifecycle.Account) (lifecycle.Account, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return lifecycle.Account{}, err
	}
	var c lifecycle.Account
	err = json.Unmarshal(b, &c)
	return c, err
}

// writeArchive writes every category of src to a new archive at path, taken
// at at, and returns its manifest.
func writeArchive(path string, at time.Time, src sources) (m export.Manifest, err error) {
	f, err := os.Create(path)
	if err != nil {
		return m, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w, err := export.NewWriter(f, "acme", at, export.Options{})
	if err != nil {
		return m, err
	}
	for _, t := range []struct {
		cat    export.Category
		header []string
		rows   [][]string
	}{
		{export.Contacts, src.contactsHeader, src.contacts},
		{export.Deals, src.dealsHeader, src.deals},
		{export.Tasks, src.tasksHeader, src.tasks},
	} {
		if err := w.WriteTable(t.cat, t.header, rows(t.rows)); err != nil {
			return m, err
		}
	}
	err = w.WriteCalendar(func(yield func(export.Event, error) bool) {
		for _, e := range src.events {
			if !yield(e, nil) {
				return
			}
		}
	})
	if err != nil {
		return m, err
	}
	err = w.WriteFiles(func(yield func(export.File, error) bool) {
		for _, name := range src.fileOrder {
			if !yield(export.File{Name: name, Body: strings.NewReader(src.files[name])}, nil) {
				return
			}
		}
	})
	if err != nil {
		return m, err
	}
	return w.Close()
}

// verify reads the archive at path back and checks it (EXP-03).
func verify(path string) (export.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return export.Report{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return export.Report{}, err
	}
	return export.Verify(f, fi.Size())
}
