package main

import (
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
)

// The program prints a scenario file's transcript; for a file whose
// expected output is right (LIFE-01's scenario), that is the file itself.
func TestTranscriptOfAFile(t *testing.T) {
	const path = "../../scenario/testdata/LIFE-01.txt"
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out, errs strings.Builder
	if code := run(path, true, &out, &errs); code != 0 || errs.Len() > 0 {
		t.Fatalf("exit %d, stderr %q", code, errs.String())
	}
	if out.String() != string(want) {
		t.Errorf("the transcript of %s differs from the file:\n%s", path, out.String())
	}
	for _, line := range []string{
		"2026-03-28 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-04-04",
		"2026-04-04 09:00 LIFE-01 bistro: suspend deadline=2026-05-04",
	} {
		if !strings.Contains(out.String(), line+"\n") {
			t.Errorf("the transcript lacks %q", line)
		}
	}
}

// Without a file the program replays its demo, whose expected output is
// the transcript, and exits 0, as CI runs it.
func TestDemo(t *testing.T) {
	var out, errs strings.Builder
	if code := run("", true, &out, &errs); code != 0 || errs.Len() > 0 {
		t.Fatalf("exit %d, stderr %q", code, errs.String())
	}
	if out.String() != demo {
		t.Errorf("the demo's transcript differs from the demo:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "2026-03-01 10:00 PLAN-03 acme: upgraded plan=professional amount=2350.55 credit=39.85 until=2027-03-01\n") {
		t.Error("the demo lacks the prorated upgrade")
	}
}

// A file whose expected output is wrong is printed with the actual output;
// -check makes the difference an exit status, and a malformed file fails.
func TestCheckAndErrors(t *testing.T) {
	dir := t.TempDir()
	wrong := dir + "/wrong.txt"
	if err := os.WriteFile(wrong, []byte("account a owner=o at=2026-03-02T09:00\n----\nnot this\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errs strings.Builder
	if code := run(wrong, false, &out, &errs); code != 0 || out.String() != "account a owner=o at=2026-03-02T09:00\n----\nok\n" {
		t.Errorf("without -check: exit %d, output %q", code, out.String())
	}
	if !strings.Contains(errs.String(), "differs") {
		t.Errorf("stderr %q does not say the output differs", errs.String())
	}
	out.Reset()
	errs.Reset()
	if code := run(wrong, true, &out, &errs); code != 1 {
		t.Errorf("with -check: exit %d, want 1", code)
	}
	bad := dir + "/bad.txt"
	if err := os.WriteFile(bad, []byte("teleport a\n----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	errs.Reset()
	if code := run(bad, false, &out, &errs); code != 1 || !strings.Contains(errs.String(), "bad.txt:1:") {
		t.Errorf("a malformed file: exit %d, stderr %q", code, errs.String())
	}
	if code := run(dir+"/missing.txt", false, &out, &errs); code != 1 {
		t.Errorf("a missing file: exit %d, want 1", code)
	}
}

// With -svg the program draws the file's timeline instead of its
// transcript: well-formed SVG with a lane per account and per network,
// and the effects of NET-07's file, the compatibility blocks among them.
func TestPicture(t *testing.T) {
	var out, errs strings.Builder
	if code := picture("../../scenario/testdata/NET-07.txt", &out, &errs); code != 0 || errs.Len() > 0 {
		t.Fatalf("exit %d, stderr %q", code, errs.String())
	}
	d := xml.NewDecoder(strings.NewReader(out.String()))
	for {
		_, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the picture is not well-formed: %v", err)
		}
	}
	for _, want := range []string{`data-lane="hq"`, `data-lane="lyon"`, `data-lane="network hq"`, `data-rule="NET-07" data-label="blocked lyon"`, `class="today"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the picture lacks %s", want)
		}
	}
	// A malformed file is an error, not a picture.
	if code := picture("main_test.go", &out, &errs); code != 1 || !strings.Contains(errs.String(), "main_test.go") {
		t.Errorf("a Go file as a scenario: exit %d, stderr %q", code, errs.String())
	}
}
