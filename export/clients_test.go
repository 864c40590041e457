package export_test

// Real clients (EXP-03): an archive full of awkward data goes through the
// programs customers open archives with, as Debian packages them (.ci/run
// installs them): Info-ZIP's unzip, 7-Zip (p7zip-full), Python's zipfile
// and csv modules, and the icalendar library (python3-icalendar). Each
// client tests the archive, lists it and extracts it, and every name,
// byte, cell and event must come back as written. A missing client fails
// the test with the package to install: never a stand-in.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tenancykit/tenancy/export"
)

// clAt is when the awkward archive is taken.
var clAt = time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)

// clRows are the contacts of the awkward archive: separators, quotes,
// line ends of every kind, emoji and combining marks, cells a spreadsheet
// would run as formulas (plain, after blanks, full-width) and a negative
// number, which the default policy leaves as typed.
var clRows = [][]string{
	{"Zoë, \"the\" Müller", "line one\r\nline two\nline three\rend", "🙂👩‍👩‍👧 family"},
	{"e\u0301 (combining) and é", "=1+1", " =1+1"},
	{"+49 30 1234", "-3", "@SUM(A1:A2)"},
	{"\tindented", "＝HYPERLINK(\"x\")", ""},
	{"東京", "trailing space ", "\"\""},
}

// clFormula lists the cells of clRows the default policy neutralises.
var clFormula = map[string]bool{"=1+1": true, " =1+1": true, "+49 30 1234": true, "@SUM(A1:A2)": true, "\tindented": true, "＝HYPERLINK(\"x\")": true}

// clEvents are the awkward archive's events: across the end of summer time
// in Berlin (clocks back at 03:00 CEST on 25 October 2026) and its start
// (29 March 2026), all-day ones of one day and several, one whose text
// folds over many lines with multi-byte characters, and text with the
// characters iCalendar escapes.
func clEvents() []export.Event {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return []export.Event{
		{UID: "dst-autumn@acme", Summary: "Across the autumn change", Start: time.Date(2026, 10, 25, 1, 30, 0, 0, berlin), End: time.Date(2026, 10, 25, 4, 30, 0, 0, berlin)},
		{UID: "dst-spring@acme", Summary: "Across the spring change", Start: time.Date(2026, 3, 29, 1, 30, 0, 0, berlin), End: time.Date(2026, 3, 29, 3, 30, 0, 0, berlin)},
		{UID: "allday@acme", Summary: "Holiday", Start: time.Date(2026, 12, 24, 0, 0, 0, 0, berlin), End: time.Date(2026, 12, 25, 0, 0, 0, 0, berlin), AllDay: true},
		{UID: "allday-long@acme", Summary: "Off-site", Start: time.Date(2026, 2, 27, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), AllDay: true},
		{UID: "folded@acme", Summary: strings.Repeat("Ünïcödé 東京 🙂 ", 12), Description: strings.Repeat("a long description; with, escapes\\ and a\nnew line ", 6), Location: "Straße 1, Berlin", Start: time.Date(2026, 6, 1, 9, 0, 0, 0, berlin)},
	}
}

// clFiles are the awkward archive's documents: names with non-ASCII
// letters, combining marks that collide with precomposed ones, characters
// Windows refuses, a device name, a climb out of the folder, a name too
// long for a file system, an empty name and content of every kind.
func clFiles() []export.File {
	long := strings.Repeat("ĺong ", 57) + ".pdf" // 289 bytes
	return []export.File{
		{Name: "Ünïcödé 東京.txt", Body: strings.NewReader("ünï\n")},
		{Name: "e\u0301.txt", Body: strings.NewReader("NFD")},
		{Name: "\u00e9.txt", Body: strings.NewReader("NFC")},
		{Name: "É.TXT", Body: strings.NewReader("upper")},
		{Name: "what?<>:|*.txt", Body: strings.NewReader("windows")},
		{Name: "CON.txt", Body: strings.NewReader("device")},
		{Name: "../../escape.txt", Body: strings.NewReader("climb")},
		{Name: long, Body: strings.NewReader("long")},
		{Name: "", Body: strings.NewReader("nameless")},
		{Name: "emoji 🙂/zero.bin", Body: bytes.NewReader(make([]byte, 70000))},
		{Name: "crlf.txt", Body: strings.NewReader("a\r\nb\rc\n")},
		{Name: "empty", Body: strings.NewReader("")},
	}
}

// clArchive writes the awkward archive with opt into a temporary folder
// and returns its path and manifest.
func clArchive(t *testing.T, opt export.Options) (string, export.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.NewWriter(&buf, "acme", clAt, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTable(export.Contacts, []string{"name", "note", "other"}, rtSeq(clRows...)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteCalendar(rtSeq(clEvents()...)); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFiles(rtSeq(clFiles()...)); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "export.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, m
}

// clClient is one program that reads archives.
type clClient struct {
	name string
	// test checks the archive's integrity and returns the client's
	// output; list returns the entry names it sees; extract unpacks
	// everything under dir.
	test    func(t *testing.T, archive string) string
	list    func(t *testing.T, archive string) []string
	extract func(t *testing.T, archive, dir string)
}

// clRun runs a client with a UTF-8 locale, as a customer's desktop has,
// failing the test on a non-zero exit.
func clRun(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "PYTHONIOENCODING=utf-8", "PYTHONUTF8=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.Bytes())
	}
	return string(out)
}

// clLook returns the program name, or fails the test with the Debian
// package that has it.
func clLook(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("this test runs %s, which is not installed: apt-get install %s (.ci/run does)", name, pkg)
	}
	return p
}

// clPython returns a Python 3 that has the icalendar library: the one on
// PATH, or Debian's, which python3-icalendar installs into; or fails the
// test saying what to install.
func clPython(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import icalendar").Run() == nil {
			return path
		}
		tried = append(tried, path)
	}
	t.Fatalf("this test needs Python 3 with the icalendar library (tried %q): apt-get install python3 python3-icalendar (.ci/run does)", tried)
	return ""
}

// clPyZip is a Python program that tests (testzip), lists (namelist) and
// extracts (extractall) the archive argv[1] into argv[2], printing the
// names as JSON.
const clPyZip = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    if bad is not None:
        sys.exit("bad entry: " + bad)
    if len(sys.argv) > 2:
        z.extractall(sys.argv[2])
    print(json.dumps(z.namelist()))
`

func clClients(t *testing.T) []clClient {
	unzip := clLook(t, "unzip", "unzip")
	sevenZip := clLook(t, "7z", "p7zip-full")
	python := clPython(t)
	lines := func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }
	return []clClient{
		{
			name: "Info-ZIP unzip",
			test: func(t *testing.T, a string) string { return clRun(t, unzip, "-t", a) },
			list: func(t *testing.T, a string) []string { return lines(clRun(t, unzip, "-Z1", a)) },
			extract: func(t *testing.T, a, dir string) {
				clRun(t, unzip, "-q", a, "-d", dir)
			},
		},
		{
			name: "7-Zip",
			test: func(t *testing.T, a string) string { return clRun(t, sevenZip, "t", "-bd", a) },
			list: func(t *testing.T, a string) []string {
				var names []string
				for _, l := range lines(clRun(t, sevenZip, "l", "-slt", "-ba", a)) {
					if name, ok := strings.CutPrefix(l, "Path = "); ok {
						names = append(names, name)
					}
				}
				return names
			},
			extract: func(t *testing.T, a, dir string) {
				clRun(t, sevenZip, "x", "-bd", "-y", "-o"+dir, a)
			},
		},
		{
			name: "Python zipfile",
			test: func(t *testing.T, a string) string { return clRun(t, python, "-c", clPyZip, a) },
			list: func(t *testing.T, a string) []string {
				var names []string
				if err := json.Unmarshal([]byte(clRun(t, python, "-c", clPyZip, a)), &names); err != nil {
					t.Fatal(err)
				}
				return names
			},
			extract: func(t *testing.T, a, dir string) { clRun(t, python, "-c", clPyZip, a, dir) },
		},
	}
}

// TestClients_EXP03_AwkwardArchive: each client tests the awkward
// archive, stored and deflated, without a complaint; lists exactly the
// manifest's paths and the manifest; and extracts every file under its
// path with the manifest's bytes and nothing else (EXP-03).
func TestClients_EXP03_AwkwardArchive(t *testing.T) {
	clients := clClients(t)
	for _, opt := range []export.Options{{}, {Store: true}} {
		archive, m := clArchive(t, opt)
		want := []string{export.ManifestPath}
		for _, f := range m.Files {
			want = append(want, f.Path)
		}
		slices.Sort(want)
		for _, c := range clients {
			t.Run(fmt.Sprintf("%s/store=%v", c.name, opt.Store), func(t *testing.T) {
				out := c.test(t, archive)
				if c.name == "Info-ZIP unzip" && !strings.Contains(out, "No errors detected") ||
					c.name == "7-Zip" && !strings.Contains(out, "Everything is Ok") {
					t.Errorf("testing the archive:\n%s", out)
				}
				listed := c.list(t, archive)
				slices.Sort(listed)
				if !slices.Equal(listed, want) {
					t.Errorf("lists\n%q\nwant the manifest's paths\n%q", listed, want)
				}
				dir := filepath.Join(t.TempDir(), "out")
				c.extract(t, archive, dir)
				got := map[string]string{}
				err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					b, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					rel, _ := filepath.Rel(dir, p)
					sum := sha256.Sum256(b)
					got[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range m.Files {
					if got[f.Path] != f.SHA256 {
						t.Errorf("%s extracted as %q, want SHA-256 %s", f.Path, got[f.Path], f.SHA256)
					}
					delete(got, f.Path)
				}
				delete(got, export.ManifestPath)
				if len(got) != 0 {
					t.Errorf("extracted files the manifest does not list: %v", got)
				}
			})
		}
	}
}

// clPyRead is a Python program that reads the contacts table (argv[1])
// with the csv module and the calendar (argv[2]) with icalendar, and
// prints both as JSON: the rows, and per event its UID, texts and times
// (a date for an all-day event, else the UTC time).
const clPyRead = `
import csv, datetime, json, sys, icalendar
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
with open(sys.argv[2], "rb") as f:
    cal = icalendar.Calendar.from_ical(f.read())
def when(p):
    if p is None:
        return ""
    v = p.dt
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return v.isoformat()
events = [{"uid": str(e.get("uid")), "summary": str(e.get("summary")),
           "description": str(e.get("description", "")), "location": str(e.get("location", "")),
           "start": when(e.get("dtstart")), "end": when(e.get("dtend"))}
          for e in cal.walk("VEVENT")]
print(json.dumps({"rows": rows, "events": events}))
`

// TestClients_EXP01_PythonReadsCellsAndEvents: Python's csv module reads
// every cell of the extracted table as written, only the cells that could
// start a formula with the neutralising apostrophe in front, as many as
// the manifest counts (EXP-01); the icalendar library reads every event
// with its texts, UTC times across both daylight-saving changes, and
// all-day dates (EXP-01). With a BOM the table reads the same once the
// mark is taken off.
func TestClients_EXP01_PythonReadsCellsAndEvents(t *testing.T) {
	python := clPython(t)
	for _, opt := range []export.Options{{}, {BOM: true}} {
		archive, m := clArchive(t, opt)
		dir := filepath.Join(t.TempDir(), "out")
		clRun(t, python, "-c", clPyZip, archive, dir)
		var got struct {
			Rows   [][]string
			Events []struct{ UID, Summary, Description, Location, Start, End string }
		}
		out := clRun(t, python, "-c", clPyRead, filepath.Join(dir, export.Contacts.Path()), filepath.Join(dir, export.Events.Path()))
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if len(got.Rows) != len(clRows)+1 {
			t.Fatalf("bom=%v: Python reads %d rows, want the header and %d", opt.BOM, len(got.Rows), len(clRows))
		}
		header := []string{"name", "note", "other"}
		if opt.BOM {
			header[0] = "\ufeff" + header[0]
		}
		if !slices.Equal(got.Rows[0], header) {
			t.Errorf("bom=%v: header %q", opt.BOM, got.Rows[0])
		}
		var neutralised int64
		for i, row := range clRows {
			for j, cell := range row {
				want := cell
				if clFormula[cell] {
					want, neutralised = "'"+cell, neutralised+1
				}
				if g := got.Rows[i+1][j]; g != want {
					t.Errorf("bom=%v: row %d cell %d reads %q, want %q", opt.BOM, i, j, g, want)
				}
			}
		}
		if m.Files[0].Neutralised != neutralised {
			t.Errorf("the manifest counts %d neutralised cells, Python sees %d", m.Files[0].Neutralised, neutralised)
		}
		events := clEvents()
		if len(got.Events) != len(events) {
			t.Fatalf("icalendar reads %d events, want %d", len(got.Events), len(events))
		}
		for i, e := range events {
			g := got.Events[i]
			start, end := e.Start.UTC().Format(time.RFC3339), ""
			if !e.End.IsZero() {
				end = e.End.UTC().Format(time.RFC3339)
			}
			if e.AllDay {
				start, end = e.Start.Format(time.DateOnly), e.End.Format(time.DateOnly)
			}
			if g.UID != e.UID || g.Summary != e.Summary || g.Description != e.Description || g.Location != e.Location || g.Start != start || g.End != end {
				t.Errorf("event %d reads %+v, want %s %q %q %q from %s to %s", i, g, e.UID, e.Summary, e.Description, e.Location, start, end)
			}
		}
	}
}
