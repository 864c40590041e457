package timeline_test

import (
	"fmt"
	"strings"

	"github.com/tenancykit/tenancy/scenario"
	"github.com/tenancykit/tenancy/timeline"
)

// A free account nobody uses, drawn a week after it opened: its login
// happened, its warnings (LIFE-02), suspension (LIFE-01) and deletion
// (LIFE-05) will happen if nobody acts. Write the timeline to a file and
// open it in a browser, or print it.
func ExampleBuild() {
	s, _ := scenario.NewSession()
	for _, l := range []string{"world zone=Europe/Berlin", "account bistro owner=bo at=2026-03-02T09:00", "advance 2026-03-09T09:00"} {
		if _, err := s.Do(l); err != nil {
			fmt.Println(err)
			return
		}
	}
	m := s.Store()
	t := timeline.Build("bistro", m.Engine(), m.States(), nil, s.Now(), s.Zone())
	for _, l := range t.Lanes {
		fmt.Println(l.Name, "-", l.Note)
		for _, mk := range l.Marks {
			fmt.Println(" ", mk.At.Format("2006-01-02"), mk.Rule, mk.Label, mk.Class, mk.Projected)
		}
	}
	var svg strings.Builder
	if err := timeline.Write(&svg, t); err != nil {
		fmt.Println(err)
	}
	fmt.Println(strings.Count(svg.String(), `<g class="mark `) - 7) // the legend has seven
	// Output:
	// bistro - free, active
	//   2026-03-25 LIFE-02 warn-suspension warning true
	//   2026-03-29 LIFE-02 warn-suspension warning true
	//   2026-03-31 LIFE-02 warn-suspension warning true
	//   2026-04-01 LIFE-01 suspend suspension true
	//   2026-04-24 LIFE-02 warn-deletion warning true
	//   2026-04-28 LIFE-02 warn-deletion warning true
	//   2026-04-30 LIFE-02 warn-deletion warning true
	//   2026-05-01 LIFE-05 purge deletion true
	// 8
}
