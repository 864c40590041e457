package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// lieDigest and lieStored are well-formed digests.
var lieDigest, lieStored = strings.Repeat("ab", 32), strings.Repeat("cd", 32)

// lieFile is a well-formed document entry at path.
func lieFile(path string) FileEntry {
	return FileEntry{Path: path, Category: Documents, Records: 1, Bytes: 3, SHA256: lieDigest, Method: "deflate", StoredBytes: 5, StoredSHA256: lieStored}
}

// lieEncode encodes a manifest of files.
func lieEncode(t *testing.T, files ...FileEntry) []byte {
	t.Helper()
	b, err := boundManifest(files...).Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecodeManifest_EXP03_LiesRefused: a manifest that says what the
// writer never writes is malformed on its own (EXP-03): a category that
// does not match the path, a name that Windows would change, take for a
// device or not hold, two names one file system takes for one, a file
// that is another's folder, counts the category does not have, a stored
// file whose stored form is not its content. Each near miss beside it
// decodes, so the refusals are not broader than the rule.
func TestDecodeManifest_EXP03_LiesRefused(t *testing.T) {
	doc := lieFile
	csv := func(c Category, path string) FileEntry {
		f := lieFile(path)
		f.Category, f.Records = c, 2
		return f
	}
	with := func(f FileEntry, edit func(*FileEntry)) FileEntry { edit(&f); return f }
	refused := map[string][]FileEntry{
		"a table at another table's path":     {csv(Contacts, "crm/deals.csv")},
		"a table under drive/":                {csv(Contacts, "drive/contacts.csv")},
		"the calendar at a table's path":      {csv(Events, "crm/contacts.csv")},
		"a document at a table's path":        {doc("crm/contacts.csv")},
		"a document outside drive/":           {doc("docs/a.txt")},
		"a document named like the folder":    {doc("Drive/a.txt")},
		"a document that is the manifest":     {doc("manifest.json")},
		"a trailing dot beside its twin":      {doc("drive/a.txt"), doc("drive/a.txt.")},
		"a trailing dot":                      {doc("drive/a.")},
		"a trailing space":                    {doc("drive/a.txt ")},
		"a folder with a trailing dot":        {doc("drive/q3./a.txt")},
		"CON":                                 {doc("drive/CON")},
		"con in lower case":                   {doc("drive/con")},
		"aux.txt":                             {doc("drive/aux.txt")},
		"NUL with two extensions":             {doc("drive/Nul.tar.gz")},
		"PRN before spaces and an extension":  {doc("drive/prn  .txt")},
		"COM1":                                {doc("drive/COM1")},
		"com9.log":                            {doc("drive/com9.log")},
		"COM0":                                {doc("drive/COM0")},
		"LPT with a superscript":              {doc("drive/LPT\u00b9.txt")},
		"lpt5 as a folder":                    {doc("drive/lpt5/a.txt")},
		"a<b>.txt":                            {doc("drive/a<b>.txt")},
		"a colon":                             {doc("drive/a:b.txt")},
		"a drive letter":                      {doc("drive/c:")},
		"a quote":                             {doc(`drive/a"b`)},
		"a bar":                               {doc("drive/a|b")},
		"a question mark":                     {doc("drive/a?b")},
		"a star":                              {doc("drive/a*b")},
		"a backslash":                         {doc(`drive/a\b`)},
		"a control character":                 {doc("drive/a\x01b")},
		"a DEL":                               {doc("drive/a\x7fb")},
		"an element of 256 bytes":             {doc("drive/" + strings.Repeat("a", 256))},
		"case twins":                          {doc("drive/Report.pdf"), doc("drive/REPORT.pdf")},
		"a file that is another's folder":     {doc("drive/a"), doc("drive/A/b")},
		"a folder that is another file":       {doc("drive/a/b"), doc("drive/a")},
		"a document of two records":           {with(doc("drive/a"), func(f *FileEntry) { f.Records = 2 })},
		"a document with neutralised cells":   {with(doc("drive/a"), func(f *FileEntry) { f.Neutralised = 1 })},
		"a document with repaired values":     {with(doc("drive/a"), func(f *FileEntry) { f.Repaired = 1 })},
		"a table with an original name":       {with(csv(Contacts, "crm/contacts.csv"), func(f *FileEntry) { f.Original = "x" })},
		"the calendar with neutralised cells": {with(csv(Events, "calendar/events.ics"), func(f *FileEntry) { f.Neutralised = 1 })},
		"stored, its stored form longer":      {with(doc("drive/a"), func(f *FileEntry) { f.Method, f.StoredSHA256 = "store", f.SHA256 })},
		"stored, its stored form another":     {with(doc("drive/a"), func(f *FileEntry) { f.Method, f.StoredBytes = "store", f.Bytes })},
	}
	for name, files := range refused {
		if _, err := DecodeManifest(lieEncode(t, files...)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: DecodeManifest took it: %v", name, err)
		}
	}
	stored := with(doc("drive/s"), func(f *FileEntry) { f.Method, f.StoredBytes, f.StoredSHA256 = "store", f.Bytes, f.SHA256 })
	accepted := map[string][]FileEntry{
		"every category at its path": {csv(Contacts, "crm/contacts.csv"), csv(Deals, "crm/deals.csv"), csv(Leads, "crm/leads.csv"),
			csv(Tasks, "tasks/tasks.csv"), csv(Events, "calendar/events.ics"), doc("drive/a.txt")},
		"names near devices":       {doc("drive/_CON"), doc("drive/console.txt"), doc("drive/COM10"), doc("drive/auxiliary"), doc("drive/LPT"), doc("drive/nul_.txt")},
		"dots and spaces inside":   {doc("drive/a. b.txt"), doc("drive/ lead"), doc("drive/.hidden"), doc("drive/a..b")},
		"folders and their files":  {doc("drive/a/b"), doc("drive/a/c"), doc("drive/A (2)")},
		"an element of 255 bytes":  {doc("drive/" + strings.Repeat("a", 255))},
		"counts where they belong": {with(csv(Contacts, "crm/contacts.csv"), func(f *FileEntry) { f.Neutralised, f.Repaired = 1, 1 }), with(csv(Events, "calendar/events.ics"), func(f *FileEntry) { f.Repaired = 1 }), with(doc("drive/a_b"), func(f *FileEntry) { f.Original = "a:b" })},
		"a stored file":            {stored},
		"non-ASCII near a device":  {doc("drive/COM\u2074"), doc("drive/caf\u00e9")},
	}
	for name, files := range accepted {
		if _, err := DecodeManifest(lieEncode(t, files...)); err != nil {
			t.Errorf("%s: DecodeManifest refused it: %v", name, err)
		}
	}
}

// TestVerify_EXP03_LyingArchiveRefused: archives whose every digest is
// true but whose names or categories lie fail Verify (EXP-03): an entry
// Windows would open as a device or under another's name is unsafe, and a
// manifest that gives a file the wrong category is bad.
func TestVerify_EXP03_LyingArchiveRefused(t *testing.T) {
	content := func(s string) func() rawEntry {
		return func() rawEntry { return rawEntry{content: strings.NewReader(s)} }
	}
	table := content("name\r\nada\r\n")
	for _, c := range []struct {
		name  string
		files []FileEntry // the entries, at these paths, with these categories
		kind  ProblemKind
		path  string
	}{
		{"a table filed as deals", []FileEntry{{Path: "crm/contacts.csv", Category: Deals, Records: 1}}, ProblemBadManifest, ManifestPath},
		{"a table filed as documents", []FileEntry{{Path: "crm/contacts.csv", Category: Documents, Records: 1}}, ProblemBadManifest, ManifestPath},
		{"a document filed as a table", []FileEntry{{Path: "drive/contacts.csv", Category: Contacts, Records: 1}}, ProblemBadManifest, ManifestPath},
		{"a.txt beside a.txt.", []FileEntry{{Path: "drive/a.txt", Category: Documents, Records: 1}, {Path: "drive/a.txt.", Category: Documents, Records: 1}}, ProblemUnsafe, "drive/a.txt."},
		{"CON", []FileEntry{{Path: "drive/CON", Category: Documents, Records: 1}}, ProblemUnsafe, "drive/CON"},
		{"aux.txt", []FileEntry{{Path: "drive/aux.txt", Category: Documents, Records: 1}}, ProblemUnsafe, "drive/aux.txt"},
		{"a<b>.txt", []FileEntry{{Path: "drive/a<b>.txt", Category: Documents, Records: 1}}, ProblemUnsafe, "drive/a<b>.txt"},
		{"a colon", []FileEntry{{Path: "drive/a:b", Category: Documents, Records: 1}}, ProblemUnsafe, "drive/a:b"},
	} {
		var entries []rawEntry
		for _, f := range c.files {
			e := table()
			e.name, e.deflate = f.Path, true
			entries = append(entries, e)
		}
		data := buildArchive(t, entries, boundManifest(c.files...), false)
		rep, err := Verify(bytes.NewReader(data), int64(len(data)))
		if !errors.Is(err, ErrUnverified) || !hasProblem(rep, c.kind, c.path, "") {
			t.Errorf("%s: Verify gave %v, problems %v; want a %s problem at %s", c.name, err, rep.Problems, c.kind, c.path)
		}
	}
	// The same archive with true names and categories passes, so what
	// failed above is the lie.
	data := buildArchive(t, []rawEntry{{"crm/contacts.csv", strings.NewReader("name\r\nada\r\n"), true}, {"drive/a.txt", strings.NewReader("name\r\nada\r\n"), false}},
		boundManifest(FileEntry{Category: Contacts, Records: 1}, FileEntry{Category: Documents, Records: 1}), false)
	if rep, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil || rep.Verified != 2 {
		t.Fatalf("the honest archive fails: %v", err)
	}
}

// TestWriteFiles_EXP03_NamesSafeOnWindows: whatever a document is called,
// the writer gives it a path Verify and DecodeManifest take (EXP-03):
// devices get a leading '_', trailing dots and spaces go, forbidden
// characters become '_', twins get numbers; and the manifest keeps the
// original name of every document it renamed.
func TestWriteFiles_EXP03_NamesSafeOnWindows(t *testing.T) {
	names := []string{"a.txt", "a.txt.", "a.txt ", "A.TXT", "CON", "con.txt", "aux.txt", "Nul.tar.gz", "prn  .txt", "COM1", "com0.log",
		"LPT\u00b9", "lpt\u00b3.txt", "a<b>.txt", "a:b", `c:\x`, "a|b?c*d\"e", "tab\tname", "q3./report.pdf", "q3/report.pdf", "q3", "x.", "x"}
	var files []File
	for _, n := range names {
		files = append(files, File{Name: n, Body: strings.NewReader(n)})
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, "acme", boundAt, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteFiles(seqOf(files...)); err != nil {
		t.Fatal(err)
	}
	m, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if rep, err := Verify(bytes.NewReader(data), int64(len(data))); err != nil || rep.Verified != len(names) {
		t.Fatalf("Verify: %v (%d of %d verified)", err, rep.Verified, len(names))
	}
	want := map[string]string{
		"a.txt": "drive/a.txt", "a.txt.": "drive/a (2).txt", "a.txt ": "drive/a (3).txt", "A.TXT": "drive/A (4).TXT",
		"CON": "drive/_CON", "con.txt": "drive/_con.txt", "aux.txt": "drive/_aux.txt", "Nul.tar.gz": "drive/_Nul.tar.gz",
		"prn  .txt": "drive/_prn  .txt", "COM1": "drive/_COM1", "com0.log": "drive/_com0.log", "LPT\u00b9": "drive/_LPT\u00b9",
		"lpt\u00b3.txt": "drive/_lpt\u00b3.txt", "a<b>.txt": "drive/a_b_.txt", "a:b": "drive/a_b", `c:\x`: "drive/c_/x",
		"a|b?c*d\"e": "drive/a_b_c_d_e", "tab\tname": "drive/tab_name", "q3./report.pdf": "drive/q3/report.pdf",
		"q3/report.pdf": "drive/q3/report (2).pdf", "q3": "drive/q3 (2)", "x.": "drive/x", "x": "drive/x (2)",
	}
	for i, fe := range m.Files {
		src := names[i]
		if fe.Path != want[src] {
			t.Errorf("%q: path %q, want %q", src, fe.Path, want[src])
		}
		if renamed := fe.Path != "drive/"+src; renamed != (fe.Original == src) || !renamed && fe.Original != "" {
			t.Errorf("%q at %q: original %q", src, fe.Path, fe.Original)
		}
	}
}
