package tenancytest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tenancykit/tenancy/scenario"
)

// recorder is a TB that keeps what Check reports instead of failing the
// test, to check how the kit fails.
type recorder struct {
	failed bool
	fatal  []string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Name() string                      { return "TestRecorder" }
func (r *recorder) Logf(string, ...any)               {}
func (r *recorder) Log(...any)                        {}
func (r *recorder) Skipf(format string, args ...any)  { r.Fatalf(format, args...) }
func (r *recorder) Skip(args ...any)                  { r.Fatal(args...) }
func (r *recorder) SkipNow()                          { r.FailNow() }
func (r *recorder) Errorf(format string, args ...any) { r.Fatalf(format, args...) }
func (r *recorder) Error(args ...any)                 { r.Fatal(args...) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	r.fatal = append(r.fatal, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) FailNow()          { r.failed = true }
func (r *recorder) Fail()             { r.failed = true }
func (r *recorder) Failed() bool      { return r.failed }

// TestBrokenConfigurations: a configuration that breaks a rule is
// reported with the rule, not as a panic and not as a failing scenario:
// warnings longer than the inactivity period (LIFE-02), a negative trial
// (PLAN-10), and a policy a scenario cannot write.
func TestBrokenConfigurations(t *testing.T) {
	for _, c := range []struct {
		name string
		set  func(c *Config)
		want []string
	}{
		{"warning before the countdown starts", func(c *Config) { c.Lives.WarningDays = []int{40, 7} }, []string{"refuses the configuration", "LIFE-02"}},
		{"negative trial", func(c *Config) { c.Plans.TrialDays = -1 }, []string{"refuses the configuration", "PLAN-10"}},
		{"no warnings", func(c *Config) { c.Lives.WarningDays = nil }, []string{"cannot be written as a scenario", "warning days"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := Default()
			c.set(&cfg)
			var r recorder
			Check(&r, cfg)
			if !r.failed || len(r.fatal) != 1 {
				t.Fatalf("Check reported %q, want one failure", r.fatal)
			}
			for _, w := range c.want {
				if !strings.Contains(r.fatal[0], w) {
					t.Errorf("Check reported %q, want it to say %q", r.fatal[0], w)
				}
			}
		})
	}
}

// TestFailureReplays: a broken invariant is reported with the shrunk
// scenario as a file that scenario.Run replays to the same output, world
// line included. The invariant broken here is the test's own (no account
// is ever suspended, which LIFE-01 makes false), so that the report of a
// real one can be checked.
func TestFailureReplays(t *testing.T) {
	t.Cleanup(func() {
		// rapid keeps the recorder's failure in a file; the directories
		// go too when nothing else is in them.
		os.RemoveAll(filepath.Join("testdata", "rapid", "TestRecorder"))
		os.Remove(filepath.Join("testdata", "rapid"))
		os.Remove("testdata")
	})
	cfg := Default()
	cfg.Lives.WarningDays = []int{5, 2}
	var last string
	var r recorder
	check(&r, cfg, func(run *run) error {
		for _, e := range run.s.Effects() {
			if e.Kind == "life.suspend" {
				last = run.s.Transcript()
				return fmt.Errorf("LIFE-01: %s was suspended", e.Account)
			}
		}
		return nil
	})
	if !r.failed || len(r.fatal) == 0 {
		t.Fatal("the kit did not report the broken invariant")
	}
	msg := r.fatal[len(r.fatal)-1]
	for _, w := range []string{"LIFE-01: ", "was suspended", "The scenario that breaks it", "world zone=UTC", "warning-days=5,2", "suspend deadline="} {
		if !strings.Contains(msg, w) {
			t.Errorf("the report does not say %q:\n%s", w, msg)
		}
	}
	res, err := scenario.Run(strings.NewReader(last), "shrunk.txt")
	if err != nil {
		t.Fatalf("the reported scenario does not replay: %v\n%s", err, last)
	}
	if m := res.Mismatches(); len(m) > 0 || res.Transcript() != last {
		t.Errorf("the reported scenario replays differently at %v:\n%s", m, res.Transcript())
	}
	// The file ends with the command that broke the invariant: its
	// output holds the suspension. (How far rapid shrinks it depends on
	// the time it is given, which -race cuts short.)
	blocks := strings.Split(strings.TrimSuffix(last, "\n"), "\n\n")
	if tail := blocks[len(blocks)-1]; !strings.Contains(tail, " suspend deadline=") {
		t.Errorf("the reported scenario does not end with the suspension:\n%s", tail)
	}
}
