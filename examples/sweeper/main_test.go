package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// TestSweeperYear runs 2,000 accounts through a year and checks what the
// sweeper prints: every account ends in one stage, every deletion was a
// purge announced by a suspension (LIFE-01, LIFE-04), the invariants held
// (LIFE-02, LIFE-03 are checked as it runs), and a second run with the same
// seed prints the same report.
func TestSweeperYear(t *testing.T) {
	cfg := config{accounts: 2000, days: 365, seed: 3}
	var b strings.Builder
	if err := run(&b, nil, cfg); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	var active, paid, suspended, deleted int
	if _, err := fmt.Sscanf(lineWith(t, out, "at the end:"), "at the end: %d active (%d on a paid plan), %d suspended, %d deleted",
		&active, &paid, &suspended, &deleted); err != nil {
		t.Fatalf("%v in:\n%s", err, out)
	}
	if active+suspended+deleted != cfg.accounts || paid > active {
		t.Errorf("stages do not add up to %d accounts:\n%s", cfg.accounts, out)
	}
	if deleted == 0 || suspended+deleted > cfg.accounts {
		t.Errorf("a year with dormant accounts must delete some:\n%s", out)
	}
	if got := count(t, out, "life.purge"); got != deleted {
		t.Errorf("%d purges for %d deleted accounts", got, deleted)
	}
	if s, p, r := count(t, out, "life.suspend"), count(t, out, "life.purge"), count(t, out, "life.restore"); s < p+suspended || s > p+suspended+r {
		t.Errorf("%d suspensions, %d purges, %d still suspended, %d restores: inconsistent", s, p, suspended, r)
	}
	if count(t, out, "life.warn-suspension") < 3*count(t, out, "life.suspend") {
		t.Errorf("fewer than three warnings per suspension (LIFE-02):\n%s", out)
	}
	if !strings.Contains(out, "invariants checked on") || !strings.HasSuffix(out, ": ok\n") {
		t.Errorf("no invariant line:\n%s", out)
	}
	var again strings.Builder
	if err := run(&again, nil, cfg); err != nil || again.String() != out {
		t.Errorf("a second run with the same seed differs (err %v)", err)
	}
}

// TestSweeperProgressBar checks the bar drawn when stderr is a terminal.
func TestSweeperProgressBar(t *testing.T) {
	var bar strings.Builder
	if err := run(io.Discard, &bar, config{accounts: 50, days: 30, seed: 1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(bar.String(), "] day 29 of 30") || !strings.HasPrefix(bar.String(), "\r[") {
		t.Errorf("progress bar %q", bar.String())
	}
}

func lineWith(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), prefix) {
			return strings.TrimSpace(l)
		}
	}
	t.Fatalf("no line %q in:\n%s", prefix, out)
	return ""
}

func count(t *testing.T, out, effect string) int {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == effect {
			var n int
			fmt.Sscan(f[1], &n)
			return n
		}
	}
	return 0
}

// BenchmarkSweep runs 100,000 accounts through one simulated year and
// reports the allocations per account-day.
func BenchmarkSweep(b *testing.B) {
	const accounts, days = 100_000, 365
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := run(io.Discard, nil, config{accounts: accounts, days: days, seed: 1}); err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/(accounts*days), "allocs/account-day")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/(accounts*days), "B/account-day")
	}
}
