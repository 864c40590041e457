package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// script returns the commands of day i of the simulated period, all at
// 09:00, for a head on Enterprise with three branches, an account of
// its own on Standard and a dormant one. pay tells whether an account
// is in grace, and what it owes; the payers pay it.
func script(i int, p tenancy.AccountID, due func(tenancy.AccountID) (plan.Subscription, bool)) []fleet.Command {
	ada := tenancy.Admin("ada")
	var cmds []fleet.Command
	if i == 0 {
		for _, c := range []fleet.NewAccount{
			{ID: p + "hq", Owner: "ada", DomainZone: "eu"}, {ID: p + "lyon", Owner: "ada", DomainZone: "eu"}, {ID: p + "nice", Owner: "ada", DomainZone: "eu"},
			{ID: p + "oslo", Owner: "ada", DomainZone: "eu"}, {ID: p + "solo", Owner: "bo"}, {ID: p + "idle", Owner: "cy"},
		} {
			cmds = append(cmds, c)
		}
		cmds = append(cmds, buy(p+"hq", "ada", plan.Enterprise, plan.Annual), fleet.CreateNetwork{Head: p + "hq", By: ada})
		for _, b := range []tenancy.AccountID{p + "lyon", p + "nice", p + "oslo"} {
			cmds = append(cmds, buy(b, "ada", plan.Basic, plan.Monthly), fleet.Connect{Head: p + "hq", Branch: b, By: ada})
		}
		return append(cmds, buy(p+"solo", "bo", plan.Standard, plan.Monthly))
	}
	cmds = append(cmds, fleet.OnAccount{Account: p + "oslo", Cmd: lifecycle.Login{User: "ada"}})
	if i%7 == 0 {
		cmds = append(cmds, fleet.OnAccount{Account: p + "hq", Cmd: lifecycle.Login{User: "ada"}})
	}
	switch i {
	case 20:
		cmds = append(cmds, fleet.OnAccount{Account: p + "lyon", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}})
	case 45:
		cmds = append(cmds, fleet.Disconnect{Head: p + "hq", Branch: p + "oslo", By: ada})
	case 50:
		cmds = append(cmds, fleet.OnAccount{Account: p + "hq", Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: ada}}}) // refused: NET-10
	}
	for _, id := range []tenancy.AccountID{p + "nice", p + "solo", p + "oslo"} {
		if s, ok := due(id); ok && s.Status == plan.StatusGrace && s.Due.IsPositive() {
			cmds = append(cmds, fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.RecordPayment{By: tenancy.Service(), Amount: s.Due}}})
		}
	}
	return cmds
}

// memorySweep is what Sweep does, run on fleet.Memory: advance every
// account due at now, at now, then deliver every inbox at now.
func memorySweep(t *testing.T, m *fleet.Memory, now time.Time) {
	t.Helper()
	for {
		k, d, ok := m.Next()
		if !ok || d.After(now) {
			break
		}
		if _, err := m.Do(now, fleet.Advance{Key: k}, ""); err != nil {
			t.Fatalf("memory: advance %s: %v", k, err)
		}
	}
	if _, err := m.Flush(now); err != nil {
		t.Fatalf("memory: flush: %v", err)
	}
}

const simDays = 366 // a year and a day: the annual plan renews

// The store at W = 1, 2 and 4 sweeper workers ends with the outbox the
// in-memory driver logs over the same commands (the same effect IDs, the
// same counts per kind), the same states byte for byte, and the same next
// deadlines rounded up to the microsecond.
func TestSameAsMemory(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("W=%d", workers), func(t *testing.T) {
			pool := testPool(t)
			ctx := context.Background()
			st := New(pool, fleet.Default())
			st.Batch = 2 // small batches, so that workers interleave
			mem := fleet.NewMemory(fleet.Default())
			mem.Deferred = true // as the store: members' messages go through the inbox
			refusals := 0
			for i := range simDays {
				at := day0.AddDate(0, 0, i)
				for _, cmd := range script(i, "", func(id tenancy.AccountID) (plan.Subscription, bool) {
					a, ok := mem.Account(id)
					return a.Sub, ok
				}) {
					_, merr := mem.Do(at, cmd, "")
					_, serr := st.Do(ctx, at, cmd, "")
					if fmt.Sprint(merr) != fmt.Sprint(serr) {
						t.Fatalf("day %d %T%+v: memory %v, store %v", i, cmd, cmd, merr, serr)
					}
					if merr != nil {
						refusals++
					}
				}
				sweep := at.Add(14 * time.Hour)
				memorySweep(t, mem, sweep)
				if _, err := st.Sweep(ctx, sweep, workers); err != nil {
					t.Fatalf("day %d: sweep: %v", i, err)
				}
			}
			if refusals == 0 {
				t.Error("the script's refused command was accepted")
			}
			compareOutbox(t, pool, mem.Log, networkKinds...)
			compareStates(t, pool, mem)
		})
	}
}

// networkKinds are the effect kinds a period that exercises a network
// must produce.
var networkKinds = []string{"net.connected", "net.incompatible", "net.blocked", "net.disconnected", "life.block", "plan.grace-started"}

// compareOutbox checks that the outbox holds the effects of log, and
// effects of each of kinds.
func compareOutbox(t *testing.T, pool *pgxpool.Pool, log []fleet.Effect, kinds ...string) {
	t.Helper()
	want := map[string]string{} // effect ID -> kind
	for _, e := range log {
		want[e.ID()] = e.Kind
	}
	rows, err := pool.Query(context.Background(), `SELECT effect_id, kind, effect FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var id, kind string
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &kind, &raw}, func() error {
		var e fleet.Effect
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		if e.ID() != id || e.Kind != kind {
			t.Errorf("outbox row %s holds effect %s of kind %s", id, e.ID(), e.Kind)
		}
		got[id] = kind
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	perKind := func(m map[string]string) map[string]int {
		out := map[string]int{}
		for _, k := range m {
			out[k]++
		}
		return out
	}
	wk, gk := perKind(want), perKind(got)
	if !maps.Equal(wk, gk) {
		t.Errorf("counts per kind:\nmemory %v\nstore  %v", wk, gk)
	}
	for id := range want {
		if _, ok := got[id]; !ok {
			t.Errorf("missing from the outbox: %s", id)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("in the outbox, not in memory: %s", id)
		}
	}
	for _, k := range kinds {
		if gk[k] == 0 {
			t.Errorf("the simulated period produced no %s (counts %v)", k, gk)
		}
	}
	t.Logf("%d effects: %v", len(got), gk)
}

func compareStates(t *testing.T, pool *pgxpool.Pool, mem *fleet.Memory) {
	t.Helper()
	ctx := context.Background()
	want := map[string]string{}
	deadlines := map[string]string{}
	s := mem.States()
	for id, a := range s.Accounts {
		b, _ := json.Marshal(a)
		want["account:"+string(id)] = string(b)
		if d, ok := s.Deadline(fleet.AccountKey(id)); ok {
			deadlines[string(id)] = DeadlineColumn(d).Format(time.RFC3339Nano)
		}
	}
	for head, n := range s.Networks {
		b, _ := json.Marshal(n)
		want["network:"+string(head)] = string(b)
	}
	for user, i := range s.Identities {
		b, _ := json.Marshal(i)
		want["identity:"+string(user)] = string(b)
	}
	got := map[string]string{}
	for _, q := range []struct{ kind, sql string }{
		{"account", `SELECT id, state::text FROM accounts`},
		{"network", `SELECT head, state::text FROM networks`},
		{"identity", `SELECT user_id, state::text FROM identities`},
	} {
		rows, err := pool.Query(ctx, q.sql)
		if err != nil {
			t.Fatal(err)
		}
		var id, state string
		if _, err := pgx.ForEachRow(rows, []any{&id, &state}, func() error {
			got[q.kind+":"+id] = state
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != want[k] {
			t.Errorf("%s:\nmemory %s\nstore  %s", k, want[k], got[k])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d states in the store, %d in memory", len(got), len(want))
	}
	rows, err := pool.Query(ctx, `SELECT id, next_deadline FROM accounts WHERE next_deadline IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	gotD := map[string]string{}
	var id string
	var d time.Time
	if _, err := pgx.ForEachRow(rows, []any{&id, &d}, func() error {
		gotD[id] = d.UTC().Format(time.RFC3339Nano)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(gotD, deadlines) {
		t.Errorf("next deadlines:\nmemory %v\nstore  %v", deadlines, gotD)
	}
	if n := len(mem.Pending()); n != 0 {
		t.Errorf("memory has %d messages pending", n)
	}
	var inbox int
	pool.QueryRow(ctx, `SELECT count(*) FROM inbox`).Scan(&inbox)
	if inbox != 0 {
		t.Errorf("the store has %d messages in its inbox", inbox)
	}
}
