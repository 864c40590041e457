package tenancy_test

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var ruleLine = regexp.MustCompile(`^- ([A-Z]+-[0-9]{2}): (.+)$`)

// listedRules reads the project's rule list, docs/rules.md.
func listedRules(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rules := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := ruleLine.FindStringSubmatch(sc.Text()); m != nil {
			if _, dup := rules[m[1]]; dup {
				t.Errorf("docs/rules.md lists %s twice", m[1])
			}
			rules[m[1]] = m[2]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		t.Fatal("docs/rules.md lists no rule")
	}
	return rules
}

// citations returns, for every rule ID, whether some Go file of the given
// kind (tests or code) in the module cites it as a whole word.
func citations(t *testing.T, ids map[string]string, tests bool) map[string]bool {
	t.Helper()
	cited := map[string]bool{}
	words := map[string]*regexp.Regexp{}
	for id := range ids {
		words[id] = regexp.MustCompile(`\b` + regexp.QuoteMeta(id) + `\b`)
	}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != "." {
				return filepath.SkipDir
			}
			return nil
		}
		isTest := strings.HasSuffix(path, "_test.go")
		if !strings.HasSuffix(path, ".go") || isTest != tests || path == "rules_test.go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for id, re := range words {
			if !cited[id] && re.Match(b) {
				cited[id] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cited
}

// TestRulesAreTested fails when a rule listed in docs/rules.md is cited by
// no test: every rule the project claims to encode must be proved.
func TestRulesAreTested(t *testing.T) {
	rules := listedRules(t)
	cited := citations(t, rules, true)
	for id := range rules {
		if !cited[id] {
			t.Errorf("%s is listed in docs/rules.md but no test cites it", id)
		}
	}
}

// TestRulesAreEnforced fails when a rule listed in docs/rules.md is cited by
// no library code: a listed rule must be enforced somewhere, not only tested.
func TestRulesAreEnforced(t *testing.T) {
	rules := listedRules(t)
	cited := citations(t, rules, false)
	for id := range rules {
		if !cited[id] {
			t.Errorf("%s is listed in docs/rules.md but no code cites it", id)
		}
	}
}
