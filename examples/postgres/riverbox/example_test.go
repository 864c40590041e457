package riverbox_test

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tenancykit/tenancy/examples/postgres/riverbox"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/plan"
)

// The worker a service registers with river.AddWorker wraps the function
// it carries effects out with. Here it is called directly, on the jobs a
// purchase would be inserted as, with effects made in memory.
func ExampleWorker() {
	mem := fleet.NewMemory(fleet.Default())
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	if _, err := mem.Do(at, fleet.NewAccount{ID: "bistro", Owner: "bo"}, ""); err != nil {
		panic(err)
	}
	r, err := mem.Do(at, buy("bistro", "bo", plan.Basic, plan.Monthly), "")
	if err != nil {
		panic(err)
	}
	w := riverbox.Worker(func(_ context.Context, e fleet.Effect) error {
		fmt.Println(e.Kind, e.Account)
		return nil
	})
	for i, e := range r.Effects {
		job := &river.Job[riverbox.EffectArgs]{JobRow: &rivertype.JobRow{ID: int64(i + 1), Kind: riverbox.Kind}, Args: riverbox.Args(e)}
		if err := w.Work(context.Background(), job); err != nil {
			panic(err)
		}
	}
	// Output:
	// plan.purchased bistro
}
