package scenario_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy/scenario"
)

var rewrite = flag.Bool("rewrite", false, "write the actual output of every scenario in testdata/ back into its file")

// TestScenarios replays every file of testdata/ and compares its
// transcript with the file. The files are named by the rule they prove,
// one at least per rule of RULES.md (PLAN-01.txt to PLAN-14.txt,
// LIFE-01.txt to LIFE-08.txt, NET-01.txt to NET-14.txt, EXP-01.txt to
// EXP-04.txt), and each starts with a comment quoting its rule. With
// -rewrite the expected parts are replaced by the actual output; read the
// diff before keeping it.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario in testdata/")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := scenario.Run(bytes.NewReader(b), path)
			if err != nil {
				t.Fatal(err)
			}
			got := res.Transcript()
			if *rewrite {
				if got != string(b) {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			if diff := cmp.Diff(strings.Split(res.Expected(), "\n"), strings.Split(got, "\n")); diff != "" {
				for _, blk := range res.Mismatches() {
					t.Errorf("%s:%d: %s: the output differs", path, blk.Line, blk.Command)
				}
				t.Errorf("transcript differs from the file (-want +got); rerun with -rewrite after checking it:\n%s", diff)
			}
		})
	}
}

// TestScenarioFilesCiteTheirRule checks that every rule of the project's
// list (docs/rules.md, the rules of RULES.md) has a scenario named by its
// ID, and that each file's first line is a comment quoting the rule it is
// named by.
func TestScenarioFilesCiteTheirRule(t *testing.T) {
	rules, err := os.ReadFile(filepath.Join("..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	ids := regexp.MustCompile(`(?m)^- ((PLAN|LIFE|NET|EXP)-[0-9]{2}):`).FindAllStringSubmatch(string(rules), -1)
	if len(ids) < 40 {
		t.Fatalf("docs/rules.md lists %d rules, want the 40 of RULES.md", len(ids))
	}
	for _, id := range ids {
		if _, err := os.Stat(filepath.Join("testdata", id[1]+".txt")); err != nil {
			t.Errorf("no scenario for %s: want testdata/%s.txt", id[1], id[1])
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		base := filepath.Base(path)
		m := ruleFile.FindStringSubmatch(base)
		if m == nil {
			t.Errorf("%s is not named by a rule ID", path)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(string(b), "\n"); !strings.HasPrefix(first, "# "+m[1]) {
			t.Errorf("%s starts with %q, want a comment quoting %s", path, first, m[1])
		}
	}
}

// ruleFile matches the scenario files named by rule ID: NET-07.txt, or
// NET-07-head.txt for a second scenario of the same rule.
var ruleFile = regexp.MustCompile(`^((?:PLAN|LIFE|NET|EXP)-[0-9]{2})(?:-[a-z0-9-]+)?\.txt$`)

// parseError returns the *scenario.Error of parsing text, or fails.
func parseError(t *testing.T, text string) *scenario.Error {
	t.Helper()
	_, err := scenario.Parse(strings.NewReader(text), "bad.txt")
	var se *scenario.Error
	if !errors.As(err, &se) {
		t.Fatalf("Parse(%q) = %v, want a *scenario.Error", text, err)
	}
	return se
}

// Malformed files are refused with the line of the problem.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		want       string
	}{
		{"separator without command", "# c\n----\nok\n", 2, "without a command"},
		{"no separator", "world\n", 1, "no ---- line"},
		{"no separator at the end", "world\n----\nok\n\nplans\n", 5, "no ---- line"},
		{"blank line in input", "world\n{\n\n}\n----\n", 3, "blank line in the input of the command on line 1"},
		{"two separators", "plans\n----\nok\n----\n", 4, "a second ----"},
		{"unknown verb", "\n\nteleport acme\n----\n", 3, `unknown command "teleport"`},
		{"unterminated quote", "cancel acme reason=\"too dear\n----\n", 1, "unterminated quote"},
		{"argument without a name", "cancel acme =x\n----\n", 1, "no name before '='"},
		{"verb is key=value", "a=b\n----\n", 1, "starts with its verb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			se := parseError(t, tc.text)
			if se.Line != tc.line || !strings.Contains(se.Error(), tc.want) || se.File != "bad.txt" {
				t.Errorf("got %v (line %d), want line %d and %q", se, se.Line, tc.line, tc.want)
			}
			if !strings.HasPrefix(se.Error(), "bad.txt:") {
				t.Errorf("%q does not start with the file name", se.Error())
			}
		})
	}
}

// A well-formed file parses into its blocks, with comments and blank lines
// between them, quoted values, CRLF line ends and a missing final newline.
func TestParseBlocks(t *testing.T) {
	text := "# a comment\r\n\r\nworld zone=UTC\r\n----\r\nzone UTC\r\n\r\n# between\r\ncancel acme now reason=\"too \\\"dear\\\"\"\r\n----\r\nrefused x\r\nsecond line"
	f, err := scenario.Parse(strings.NewReader(text), "ok.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Blocks) != 2 {
		t.Fatalf("%d blocks, want 2", len(f.Blocks))
	}
	b := f.Blocks[1]
	if b.Line != 8 || b.Command != `cancel acme now reason="too \"dear\""` || !cmp.Equal(b.Expected, []string{"refused x", "second line"}) {
		t.Errorf("block 2: line %d, command %q, expected %q", b.Line, b.Command, b.Expected)
	}
	if f.Blocks[0].Line != 3 || !cmp.Equal(f.Blocks[0].Expected, []string{"zone UTC"}) {
		t.Errorf("block 1: %+v", f.Blocks[0])
	}
}

// A replay error (a command that cannot run) names its line, and the
// result keeps the blocks replayed before it.
func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int
		want       string
	}{
		{"unknown account", "world\n----\n\nlogin nobody at=2026-03-02T09:00\n----\n", 4, `no account "nobody"`},
		{"no time", "account acme owner=ada\n----\n", 1, "needs a time"},
		{"time going back", "account acme owner=ada at=2026-03-02T09:00\n----\nok\n\nadvance 2026-03-01T09:00\n----\n", 5, "time never runs backwards"},
		{"bad time", "advance tomorrow\n----\n", 1, "not a time"},
		{"unknown argument", "account acme owner=ada colour=red at=2026-03-02T09:00\n----\n", 1, "no argument colour="},
		{"extra positional", "account acme extra owner=ada at=2026-03-02T09:00\n----\n", 1, `unexpected argument "extra"`},
		{"world after an account", "account acme owner=ada at=2026-03-02T09:00\n----\nok\n\nworld\n----\n", 5, "before the first account"},
		{"bad zone", "world zone=Mars/Olympus\n----\n", 1, "Mars/Olympus"},
		{"bad period", "account a owner=o at=2026-03-02T09:00\n----\nok\n\nbuy a basic weekly\n----\n", 5, "monthly or annual"},
		{"bad policy value", "world refund=sometimes\n----\n", 1, "refund=\"sometimes\""},
		{"catalog not JSON", "world\n{nope\n----\n", 1, "invalid character"},
		{"input on a command without input", "plans\nmore\n----\n", 1, "takes no input"},
		{"bad sweeper", "world sweeper=sometimes\n----\n", 1, "want one of off, on"},
		{"forget an identity nobody has", "account a owner=o at=2026-03-02T09:00\n----\nok\n\nforget-identity bo\n----\n", 5, `no network identity of "bo"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := scenario.Run(strings.NewReader(tc.text), "bad.txt")
			var se *scenario.Error
			if !errors.As(err, &se) || se.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run = %v, want a *scenario.Error on line %d about %q", err, tc.line, tc.want)
			}
			if res.File == nil || len(res.Actual) != len(res.File.Blocks) {
				t.Fatalf("the result after an error holds no file or the wrong number of blocks: %+v", res)
			}
		})
	}
}

// A refusal by the rules is output, not an error, and the transcript with
// the actual output replays clean.
func TestRefusalIsOutput(t *testing.T) {
	text := "account acme owner=ada at=2026-03-02T09:00\n----\n\nadd-user acme bob\n----\n\ncancel acme by=bob\n----\n"
	res, err := scenario.Run(strings.NewReader(text), "r.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"refused PLAN-02: only an account administrator may cancel the subscription; bob (employee) is not one"}
	if !cmp.Equal(res.Actual[2], want) {
		t.Errorf("cancel by an employee printed %q, want %q", res.Actual[2], want)
	}
	if len(res.Mismatches()) != 3 {
		t.Errorf("%d mismatches, want 3 (every expected part is empty)", len(res.Mismatches()))
	}
	again, err := scenario.Run(strings.NewReader(res.Transcript()), "r.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Mismatches()) != 0 || again.Transcript() != res.Transcript() {
		t.Errorf("the transcript does not replay clean:\n%s", cmp.Diff(again.Expected(), again.Transcript()))
	}
}

// fuzzSeeds are small files for the fuzz targets, well formed or not.
var fuzzSeeds = []string{
	"",
	"# only a comment\n",
	"world zone=Europe/Berlin trial-days=10\n----\n\naccount a owner=o at=2026-01-31T10:00\n----\nok\n\ntrial a\n----\n\nadvance 2026-03-01\n----\n",
	"account a owner=o at=2026-03-02T09:00\n----\n\nbuy a basic monthly\n----\n\ncancel a now reason=\"x y\"\n----\n",
	"account h owner=o at=2026-03-02T09:00\n----\n\nbuy h enterprise annual\n----\n\naccount b owner=o\n----\n\ncreate-network h\n----\n\nconnect h b\n----\n\nadvance 2026-05-01\n----\n\nwidget h\n----\n",
	"world\n{\"currency\":{\"code\":\"USD\",\"minor\":2},\"plans\":[]}\n----\n",
	"plans\n----\nok\n----\n",
	"cancel \"unterminated\n----\n",
}

// FuzzParse: no input makes Parse panic; every file it accepts renders
// back to a file that parses into the same blocks.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		file, err := scenario.Parse(strings.NewReader(text), "fuzz.txt")
		if err != nil {
			var se *scenario.Error
			if !errors.As(err, &se) || se.Line < 1 {
				t.Fatalf("Parse error %v is not a *scenario.Error with a line", err)
			}
			return
		}
		res := scenario.Result{File: file, Actual: make([][]string, len(file.Blocks))}
		for k, b := range file.Blocks {
			res.Actual[k] = b.Expected
		}
		again, err := scenario.Parse(strings.NewReader(res.Expected()), "fuzz.txt")
		if err != nil {
			t.Fatalf("the rendered file does not parse: %v\n%s", err, res.Expected())
		}
		if !cmp.Equal(file.Blocks, again.Blocks, cmp.Comparer(func(a, b scenario.Block) bool {
			return a.Line == b.Line && a.Command == b.Command && cmp.Equal(a.Input, b.Input) && cmp.Equal(a.Expected, b.Expected)
		})) {
			t.Fatalf("the rendered file parses into other blocks")
		}
	})
}

// FuzzRun: no file makes a replay panic; a replay either fails with a
// *scenario.Error or gives a transcript that replays to itself.
func FuzzRun(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res, err := scenario.Run(strings.NewReader(text), "fuzz.txt")
		if err != nil {
			var se *scenario.Error
			if !errors.As(err, &se) {
				t.Fatalf("Run error %v is not a *scenario.Error", err)
			}
			return
		}
		again, err := scenario.Run(strings.NewReader(res.Transcript()), "fuzz.txt")
		if err != nil {
			t.Fatalf("the transcript does not replay: %v", err)
		}
		if diff := cmp.Diff(again.Expected(), again.Transcript()); diff != "" {
			t.Fatalf("the transcript does not replay to itself:\n%s", diff)
		}
	})
}

// Every verb the parser knows is described in the package documentation,
// and the documentation's example is a true transcript.
func TestDocumentation(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, err = scenario.Parse(strings.NewReader("no-such-verb\n----\n"), "x.txt")
	_, known, ok := strings.Cut(fmt.Sprint(err), "(known: ")
	if !ok {
		t.Fatalf("the unknown-verb error %v does not list the verbs", err)
	}
	for _, verb := range strings.Split(strings.TrimSuffix(known, ")"), ", ") {
		if !strings.Contains(string(doc), "//\t"+verb+" ") && !strings.Contains(string(doc), "//\t"+verb+"\n") {
			t.Errorf("doc.go does not describe the verb %q", verb)
		}
	}
	var example []string
	in := false
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(line, "//\t# LIFE-01"):
			in = true
		case !in:
			continue
		case line == "//":
			example = append(example, "")
			continue
		case !strings.HasPrefix(line, "//\t"):
			in = false
			continue
		}
		if in {
			example = append(example, strings.TrimPrefix(line, "//\t"))
		}
	}
	text := strings.TrimRight(strings.Join(example, "\n"), "\n") + "\n"
	res, err := scenario.Run(strings.NewReader(text), "doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res.Expected(), res.Transcript()); diff != "" || len(res.File.Blocks) < 4 {
		t.Errorf("the example of doc.go is not a true transcript (-doc +actual):\n%s", diff)
	}
}
