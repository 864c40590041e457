package store

import (
	"context"
	"testing"
	"time"

	"github.com/tenancykit/tenancy/fleet"
)

// Import writes states made in memory as they are, with their next
// deadlines; the sweeper then carries on from them as fleet.Memory does.
// A row that exists already fails the whole import, which writes nothing.
func TestImport(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	mem := population(t, 60)
	st := New(pool, fleet.Default())
	if err := st.Import(ctx, mem.States()); err != nil {
		t.Fatal(err)
	}
	if got, want := count(t, pool, "accounts"), len(mem.States().Accounts); got != want {
		t.Fatalf("%d accounts imported, want %d", got, want)
	}
	if got, want := count(t, pool, "networks"), len(mem.States().Networks); got != want || want == 0 {
		t.Fatalf("%d networks imported, want %d (and some)", got, want)
	}
	if n := count(t, pool, "outbox"); n != 0 {
		t.Errorf("the import wrote %d effects", n)
	}
	mem.Log = nil // the effects of seeding are not the store's
	mem.Deferred = true
	for d := range 120 {
		at := day0.AddDate(0, 0, d).Add(14 * time.Hour)
		memorySweep(t, mem, at)
		if _, err := st.Sweep(ctx, at, 2); err != nil {
			t.Fatal(err)
		}
	}
	compareStates(t, pool, mem)
	compareOutbox(t, pool, mem.Log, "net.incompatible", "net.blocked", "life.purge", "plan.grace-started")

	// Again: every row exists, so nothing is written.
	before := count(t, pool, "accounts")
	if err := st.Import(ctx, population(t, 80).States()); err == nil {
		t.Error("an import over existing rows succeeded")
	}
	if n := count(t, pool, "accounts"); n != before {
		t.Errorf("the failed import wrote %d accounts", n-before)
	}
}
