// Command scenario prints the transcript of a scenario file: the file with
// the output the rules actually produce under every command, in the file's
// own format, so that integrators can try their own policies and stories.
//
//	go run ./examples/scenario scenario/testdata/LIFE-01.txt
//	go run ./examples/scenario -check my-policy.txt   # exit 1 if the output differs from the file
//	go run ./examples/scenario                        # a short built-in demo
//	go run ./examples/scenario -svg FILE > out.svg    # the file's accounts and networks as a timeline
//
// The format is described in package scenario's documentation
// (go doc github.com/tenancykit/tenancy/scenario). Write a file with empty
// expected parts, run it, read the transcript, and keep it when it is what
// the rules should do.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/scenario"
	"github.com/tenancykit/tenancy/timeline"
)

func main() {
	check := flag.Bool("check", false, "exit with status 1 when the transcript differs from the file's expected output")
	svg := flag.Bool("svg", false, "print, instead of the transcript, an SVG timeline of what happened to every account and network and what will happen if nobody acts")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: scenario [-check | -svg] [FILE]\nprints FILE's transcript; without FILE, a built-in demo")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 1 || (*check && *svg) {
		flag.Usage()
		os.Exit(2)
	}
	if *svg {
		os.Exit(picture(flag.Arg(0), os.Stdout, os.Stderr))
	}
	os.Exit(run(flag.Arg(0), *check, os.Stdout, os.Stderr))
}

// open returns the file at path, or the demo when path is empty, and its
// name.
func open(path string) (io.Reader, string, func(), error) {
	if path == "" {
		return strings.NewReader(demo), "demo", func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", nil, err
	}
	return f, path, func() { f.Close() }, nil
}

// picture replays the file at path (the demo when empty) command by
// command and writes its timeline to stdout: every effect that happened,
// and, from the scenario's last time on, every effect its accounts and
// networks will see if nobody acts.
func picture(path string, stdout, stderr io.Writer) int {
	src, name, done, err := open(path)
	if err != nil {
		fmt.Fprintln(stderr, "scenario:", err)
		return 1
	}
	defer done()
	f, err := scenario.Parse(src, name)
	if err != nil {
		fmt.Fprintln(stderr, "scenario:", err)
		return 1
	}
	s, err := scenario.NewSession()
	if err != nil {
		fmt.Fprintln(stderr, "scenario:", err)
		return 1
	}
	var history []fleet.Effect
	for _, b := range f.Blocks {
		if _, err := s.Do(b.Command, b.Input...); err != nil {
			fmt.Fprintf(stderr, "scenario: %s:%d: %v\n", name, b.Line, err)
			return 1
		}
		history = append(history, s.Effects()...)
	}
	m := s.Store()
	t := timeline.Build(name, m.Engine(), m.States(), history, s.Now(), s.Zone())
	if err := timeline.Write(stdout, t); err != nil {
		fmt.Fprintln(stderr, "scenario:", err)
		return 1
	}
	return 0
}

// run prints the transcript of the file at path (the demo when path is
// empty) to stdout and problems to stderr, and returns the exit status.
func run(path string, check bool, stdout, stderr io.Writer) int {
	src, name, done, err := open(path)
	if err != nil {
		fmt.Fprintln(stderr, "scenario:", err)
		return 1
	}
	defer done()
	res, err := scenario.Run(src, name)
	fmt.Fprint(stdout, res.Transcript())
	if err != nil {
		fmt.Fprintln(stderr, "scenario:", err)
		return 1
	}
	if bad := res.Mismatches(); len(bad) > 0 {
		fmt.Fprintf(stderr, "scenario: the output of %d blocks differs from %s, the first on line %d\n", len(bad), name, bad[0].Line)
		if check {
			return 1
		}
	}
	return 0
}

// demo is a short story: acme buys and cancels, bistro stays free and goes
// idle.
const demo = `# acme tries the product, buys, upgrades and cancels (PLAN-10, PLAN-05,
# PLAN-03, PLAN-04, PLAN-13); bistro stays on the free plan and nobody logs
# in after 12 February (LIFE-01, LIFE-02, LIFE-05).
world zone=Europe/Berlin
----
zone Europe/Berlin, default catalog in USD: free, trial, basic, standard, professional, enterprise
PLAN policy: trial-days=15 grace-days=15 renewal-days=30 refund=whole-months refund-fee=0 over-limit=read-delete
PLAN billing: proration=days change-day=unused rounding=down upgrade=reset bounds=purchase-time
LIFE policy: inactivity-days=30 warning-days=7,3,1 purge-days=30 deletion=never-paid-alone
NET policy: branch-trial-days=15 network-grace-days=15 max-branches=unlimited

account acme owner=ada at=2026-01-31T10:00
----
ok

trial acme
----
2026-01-31 10:00 PLAN-10 acme: trial-started plan=trial until=2026-02-15

account bistro owner=bo at=2026-02-02T09:00
----
ok

buy acme standard monthly at=2026-02-10T10:00
----
2026-02-10 10:00 PLAN-05 acme: purchased plan=standard amount=124 until=2026-03-10

login bistro at=2026-02-12T09:00
----
2026-02-12 09:00 LIFE-01 bistro: activity to=bo deadline=2026-03-14

change acme professional annual at=2026-03-01T10:00
----
2026-03-01 10:00 PLAN-03 acme: upgraded plan=professional amount=2350.55 credit=39.85 until=2027-03-01

advance 2026-04-13T09:00
----
2026-03-07 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-03-14
2026-03-11 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-03-14
2026-03-13 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-03-14
2026-03-14 09:00 LIFE-01 bistro: suspend deadline=2026-04-13
2026-04-06 09:00 LIFE-02 bistro: warn-deletion to=bo deadline=2026-04-13
2026-04-10 09:00 LIFE-02 bistro: warn-deletion to=bo deadline=2026-04-13
2026-04-12 09:00 LIFE-02 bistro: warn-deletion to=bo deadline=2026-04-13
2026-04-13 09:00 LIFE-05 bistro: purge data=CRM entries, tasks, activity stream posts, user accounts, documents, messages

cancel acme reason="moving to another tool" at=2026-06-15T10:00
----
2026-06-15 10:00 PLAN-04 acme: cancellation-scheduled plan=professional until=2027-03-01 note="moving to another tool"
2026-06-15 10:00 PLAN-13 acme: cancellation-confirmed plan=professional note="moving to another tool"

advance 2027-03-01T10:00
----
2027-03-01 10:00 PLAN-04 acme: rolled-back plan=free
2027-03-01 10:00 PLAN-08 acme: limits-reduced plan=free
`
