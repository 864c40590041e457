package export_test

import (
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/export"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// TestDeadlines_EXP02_LIFE08_ScheduledBlock: a branch that dropped to free
// has the plan compatibility check's block scheduled 15 days later
// (NET-07); from then nobody can use the account, so every category not
// restricted sooner must be exported before it (EXP-02, LIFE-08). The
// suspension for inactivity would come later, on day 30.
func TestDeadlines_EXP02_LIFE08_ScheduledBlock(t *testing.T) {
	e := rtEngine(t, nil)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	block := time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)
	a := rtNew(t, e, t0)
	a = rtApply(t, e, a, t0, lifecycle.SetBlock{By: tenancy.Service(), Cause: network.CauseBranch, At: block})
	got, err := export.Deadlines(e, a, t0.Add(time.Hour), export.Holdings{Contacts: 3, Tasks: 2, Events: 1})
	if err != nil {
		t.Fatal(err)
	}
	rtWantDeadlines(t, got, rtEach([]export.Category{export.Contacts, export.Tasks, export.Events},
		rtWant{at: block, access: export.AccessBlocked, rule: "LIFE-08", lost: block, reason: "nothing is deleted"}))
	if export.AccessBlocked.Readable() || export.AccessBlocked.String() != "blocked" {
		t.Fatalf("AccessBlocked: readable %v, named %q", export.AccessBlocked.Readable(), export.AccessBlocked)
	}
	// Lifted before it falls, the block sets no deadline: the suspension
	// for inactivity, 30 days after creation, does (LIFE-01).
	a = rtApply(t, e, a, t0.Add(time.Hour), lifecycle.LiftBlock{By: tenancy.Service(), Cause: network.CauseBranch})
	got, err = export.Deadlines(e, a, t0.Add(time.Hour), export.Holdings{Contacts: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Rule != "LIFE-01" || !got[0].At.Equal(t0.AddDate(0, 0, 30)) {
		t.Fatalf("after the block is lifted: %v, want the LIFE-01 suspension on %v", got, t0.AddDate(0, 0, 30))
	}
}
