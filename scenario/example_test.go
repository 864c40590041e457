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
