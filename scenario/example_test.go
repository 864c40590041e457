package scenario_test

import (
	"fmt"
	"strings"

	"github.com/tenancykit/tenancy/scenario"
)

// A scenario with its expected output left empty: the transcript is the
// file with the output the rules produce. A trial of 15 calendar days
// (PLAN-10) that ends on the free plan, and a refusal naming its rule.
func ExampleRun() {
	const file = `# PLAN-10 a trial lasts 15 days, once.
account acme owner=ada at=2026-03-20T10:00
----

trial acme
----

advance 2026-04-04T10:00
----

trial acme
----
`
	res, err := scenario.Run(strings.NewReader(file), "trial.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(res.Transcript())
	fmt.Println(len(res.Mismatches()), "blocks differ from the file")
	// Output:
	// # PLAN-10 a trial lasts 15 days, once.
	// account acme owner=ada at=2026-03-20T10:00
	// ----
	// ok
	//
	// trial acme
	// ----
	// 2026-03-20 10:00 PLAN-10 acme: trial-started plan=trial until=2026-04-04
	//
	// advance 2026-04-04T10:00
	// ----
	// 2026-04-04 10:00 PLAN-10 acme: trial-ended plan=free
	// 2026-04-04 10:00 PLAN-08 acme: limits-reduced plan=free
	//
	// trial acme
	// ----
	// refused PLAN-10: the account already had its trial; buy a plan instead
	// 4 blocks differ from the file
}

// A malformed file is an *Error with its line.
func ExampleParse() {
	_, err := scenario.Parse(strings.NewReader("# a comment\nadvance 2026-03-02\n"), "broken.txt")
	fmt.Println(err)
	// Output:
	// broken.txt:2: the command has no ---- line after it
}

// A session runs one line at a time, as a program writes the scenario,
// and hands back each line's output and the driver's effects; its
// transcript is a file Run replays. Here a 10-day inactivity period with
// warnings 3 and 1 days ahead (LIFE-01, LIFE-02).
func ExampleSession() {
	set := scenario.DefaultSetup()
	set.Lives.InactivityDays, set.Lives.WarningDays = 10, []int{3, 1}
	world, input, err := set.Block()
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := scenario.NewSession()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range []string{world, "account bistro owner=bo at=2026-03-02T09:00", "advance 2026-03-12T09:00"} {
		out, err := s.Do(line, input...)
		if err != nil {
			fmt.Println(err)
			return
		}
		input = nil
		if line != world {
			fmt.Println(strings.Join(out, "\n"))
		}
	}
	fmt.Println(len(s.Effects()), "effects; the last:", s.Effects()[2].Kind)
	// Output:
	// ok
	// 2026-03-09 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-03-12
	// 2026-03-11 09:00 LIFE-02 bistro: warn-suspension to=bo deadline=2026-03-12
	// 2026-03-12 09:00 LIFE-01 bistro: suspend deadline=2026-04-11
	// 3 effects; the last: life.suspend
}
