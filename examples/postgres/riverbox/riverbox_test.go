package riverbox_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/examples/postgres/riverbox"
	"github.com/tenancykit/tenancy/examples/postgres/store"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

const noDatabase = `DATABASE_URL is not set: the riverbox tests need a PostgreSQL server.
Start one on a Unix socket (see examples/postgres/README.md, "A server and the tests"), then run:
	DATABASE_URL="host=$d user=postgres dbname=postgres" go test ./riverbox/`

// testPool returns a pool whose search path is a new schema, holding the
// store's tables and River's, that is dropped when the test ends. The
// schema name is short: River prefixes its notification topics with it,
// and PostgreSQL limits a topic to 63 bytes.
func testPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		t.Fatal(noDatabase)
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to DATABASE_URL: %v", err)
	}
	t.Cleanup(admin.Close)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "riverbox_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := store.Migrate(ctx, pool); err != nil {
		t.Fatalf("store.Migrate: %v", err)
	}
	if err := riverbox.Migrate(ctx, pool); err != nil {
		t.Fatalf("riverbox.Migrate: %v", err)
	}
	return pool
}

// now is the retry policy of the tests: retry at once.
type now struct{}

func (now) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

// newClient returns a River client over pool that works effect jobs with
// fn on four workers, polling often and retrying at once. It is stopped
// when the test ends; start it with start.
func newClient(t *testing.T, pool *pgxpool.Pool, fn func(context.Context, fleet.Effect) error) *river.Client[pgx.Tx] {
	t.Helper()
	workers := river.NewWorkers()
	river.AddWorker(workers, riverbox.Worker(fn))
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
		RetryPolicy:       now{},
		FetchCooldown:     5 * time.Millisecond,
		FetchPollInterval: 20 * time.Millisecond,
		Logger:            slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		TestOnly:          true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// start starts client and stops it when the test ends.
func start(t *testing.T, client *river.Client[pgx.Tx]) {
	t.Helper()
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := client.Stop(ctx); err != nil {
			t.Errorf("stop the River client: %v", err)
		}
	})
}

// waitFor polls cond until it holds, failing the test after 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorder is a worker function's memory: the effects it carried out,
// in order, and how often it was called for each.
type recorder struct {
	mu        sync.Mutex
	delivered []string
	calls     map[string]int
	// fail, when set, is asked before each delivery; an error fails the
	// attempt.
	fail func(id string, call int, delivered []string) error
}

func newRecorder() *recorder { return &recorder{calls: map[string]int{}} }

func (r *recorder) work(_ context.Context, e fleet.Effect) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := e.ID()
	r.calls[id]++
	if r.fail != nil {
		if err := r.fail(id, r.calls[id], r.delivered); err != nil {
			return err
		}
	}
	r.delivered = append(r.delivered, id)
	return nil
}

// got returns how often each effect was delivered.
func (r *recorder) got() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, id := range r.delivered {
		out[id]++
	}
	return out
}

// job is an effect job as River keeps it.
type job struct {
	state    string
	attempts int
	errors   []string
}

// jobs returns the effect jobs by effect ID; an ID with more than one
// job fails the test.
func jobs(t *testing.T, pool *pgxpool.Pool) map[string]job {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT args->>'id', state::text, attempt,
		coalesce((SELECT array_agg(e->>'error') FROM unnest(errors) e), '{}')
		FROM river_job WHERE kind = $1`, riverbox.Kind)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]job{}
	var id string
	var j job
	if _, err := pgx.ForEachRow(rows, []any{&id, &j.state, &j.attempts, &j.errors}, func() error {
		if _, dup := out[id]; dup {
			return fmt.Errorf("effect %s has two jobs", id)
		}
		out[id] = j
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t *testing.T, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// states returns how many jobs are in each state.
func states(js map[string]job) map[string]int {
	out := map[string]int{}
	for _, j := range js {
		out[j.state]++
	}
	return out
}

var day0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func buy(id tenancy.AccountID, by tenancy.UserID, p plan.PlanID, period plan.Period) fleet.Command {
	return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin(by), Plan: p, Period: period}}}
}

// sweepMemory does on m what Store.Sweep does: advance every account due
// at now, at now, then deliver every inbox.
func sweepMemory(t *testing.T, m *fleet.Memory, now time.Time) {
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
		t.Fatal(err)
	}
}

func ids(effects []fleet.Effect) []string {
	out := make([]string, len(effects))
	for i, e := range effects {
		out[i] = e.ID()
	}
	return out
}

// Every effect of the commands and of a sweep becomes one job, which the
// worker carries out; the store's outbox table stays empty.
func TestEffectsBecomeJobs(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	rec := newRecorder()
	client := newClient(t, pool, rec.work)
	start(t, client)
	st := store.New(pool, fleet.Default())
	st.Outbox = riverbox.New(client)
	mem := fleet.NewMemory(fleet.Default())
	mem.Deferred = true

	var fromReady []string
	for _, cmd := range []fleet.Command{
		fleet.NewAccount{ID: "bistro", Owner: "bo", DomainZone: "eu"},
		buy("bistro", "bo", plan.Basic, plan.Monthly),
		fleet.NewAccount{ID: "cafe", Owner: "cy"},
		buy("cafe", "cy", plan.Standard, plan.Monthly),
	} {
		r, err := st.Do(ctx, day0, cmd, "")
		if err != nil {
			t.Fatalf("%T%+v: %v", cmd, cmd, err)
		}
		if _, err := mem.Do(day0, cmd, ""); err != nil {
			t.Fatalf("memory: %T%+v: %v", cmd, cmd, err)
		}
		fromReady = append(fromReady, ids(r.Effects)...)
	}
	if len(fromReady) == 0 {
		t.Fatal("the commands had no effects")
	}
	beforeSweep := len(mem.Log)
	later := day0.AddDate(0, 0, 40)
	steps, err := st.Sweep(ctx, later, 2)
	if err != nil {
		t.Fatal(err)
	}
	sweepMemory(t, mem, later)
	if steps == 0 || len(mem.Log) == beforeSweep {
		t.Fatalf("the sweep after 40 days ran %d steps with %d effects; the test needs deadlines to fire", steps, len(mem.Log)-beforeSweep)
	}

	want := map[string]bool{}
	for _, id := range ids(mem.Log) {
		want[id] = true
	}
	for _, id := range fromReady {
		if !want[id] {
			t.Errorf("effect %s of a Ready is not in the memory driver's log", id)
		}
	}
	js := jobs(t, pool)
	for id := range want {
		if _, ok := js[id]; !ok {
			t.Errorf("effect %s has no job", id)
		}
	}
	for id := range js {
		if !want[id] {
			t.Errorf("job for %s, which is no effect of the commands or the sweep", id)
		}
	}
	waitFor(t, "every effect delivered and its job completed", func() bool {
		return len(rec.got()) == len(want) && states(jobs(t, pool))["completed"] == len(want)
	})
	for id, n := range rec.got() {
		if !want[id] || n != 1 {
			t.Errorf("the worker carried out %s %d times (an effect of the run: %v)", id, n, want[id])
		}
	}
	t.Logf("%d effects from the commands, %d from the sweep: %d jobs, all completed", beforeSweep, len(mem.Log)-beforeSweep, len(want))
	if n := count(t, pool, "outbox"); n != 0 {
		t.Errorf("the store's outbox table holds %d effects; with an Outbox it must hold none", n)
	}
}

// A refused command inserts no job; neither does its replay.
func TestRefusalInsertsNoJob(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	// An insert-only client: no pool, no queues, no workers.
	client, err := river.NewClient(riverpgxv5.New(nil), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(pool, fleet.Default())
	st.Outbox = riverbox.New(client)
	if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: "bistro", Owner: "bo"}, ""); err != nil {
		t.Fatal(err)
	}
	r, err := st.Do(ctx, day0, buy("bistro", "bo", plan.Basic, plan.Monthly), "")
	if err != nil {
		t.Fatal(err)
	}
	before := len(jobs(t, pool))
	if before == 0 || len(r.Effects) == 0 {
		t.Fatalf("the purchase made %d jobs of %d effects; the test needs some", before, len(r.Effects))
	}
	for _, req := range []string{"req-mallory", "req-mallory"} { // the second is a replay
		r, err := st.Do(ctx, day0.AddDate(0, 0, 1), buy("bistro", "mallory", plan.Enterprise, plan.Annual), req)
		if !errors.Is(err, tenancy.ErrUnauthorized) {
			t.Fatalf("a purchase by a stranger: %v, want refused as unauthorized", err)
		}
		if len(r.Effects) != 0 {
			t.Errorf("the refusal returned %d effects", len(r.Effects))
		}
	}
	if after := len(jobs(t, pool)); after != before {
		t.Errorf("the refusal added %d jobs", after-before)
	}
}

// A step rolled back after its effects were put leaves no job: the jobs
// are in the step's transaction.
func TestRollbackInsertsNoJob(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	client, err := river.NewClient(riverpgxv5.New(nil), &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(pool, fleet.Default())
	st.Outbox = riverbox.New(client)
	if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: "bistro", Owner: "bo"}, ""); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		var s string
		if err := pool.QueryRow(ctx, `SELECT state::text FROM accounts WHERE id = 'bistro'`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := state()
	boom := errors.New("the step fails after its effects were put")
	st.Outbox = failAfter{riverbox.New(client), boom}
	if _, err := st.Do(ctx, day0, buy("bistro", "bo", plan.Basic, plan.Monthly), ""); !errors.Is(err, boom) {
		t.Fatalf("the purchase: %v, want the outbox's error", err)
	}
	if n := len(jobs(t, pool)); n != 0 {
		t.Errorf("%d jobs left by a rolled-back step", n)
	}
	if state() != before {
		t.Error("the rolled-back purchase changed the account")
	}
	// The same step, committed, has its job.
	st.Outbox = riverbox.New(client)
	if _, err := st.Do(ctx, day0, buy("bistro", "bo", plan.Basic, plan.Monthly), ""); err != nil {
		t.Fatal(err)
	}
	if n := len(jobs(t, pool)); n == 0 {
		t.Error("the committed purchase has no job")
	}
}

// failAfter puts the effects, then fails the step.
type failAfter struct {
	store.Outbox
	err error
}

func (f failAfter) Put(ctx context.Context, tx pgx.Tx, effects []fleet.Effect) error {
	if err := f.Outbox.Put(ctx, tx, effects); err != nil {
		return err
	}
	return f.err
}

// An effect whose first attempts fail is retried and delivered, while the
// others go through without waiting for it; one that always fails is
// discarded after its MaxAttempts, with the error of every attempt.
func TestFailingEffectRetriedAlone(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	// The effects, made without River: the store's own outbox.
	plain := store.New(pool, fleet.Default())
	var effects []fleet.Effect
	for _, id := range []tenancy.AccountID{"a", "b", "c", "d", "e", "f"} {
		for _, cmd := range []fleet.Command{fleet.NewAccount{ID: id, Owner: "bo"}, buy(id, "bo", plan.Basic, plan.Monthly)} {
			r, err := plain.Do(ctx, day0, cmd, "")
			if err != nil {
				t.Fatal(err)
			}
			effects = append(effects, r.Effects...)
		}
	}
	if len(effects) < 4 {
		t.Fatalf("%d effects; the test needs four", len(effects))
	}
	poisoned, doomed := effects[0].ID(), effects[len(effects)-1].ID()
	others := len(effects) - 2

	rec := newRecorder()
	rec.fail = func(id string, call int, delivered []string) error {
		switch {
		case id == doomed:
			return fmt.Errorf("the card is declined (call %d)", call)
		case id == poisoned && (call == 1 || len(delivered) < others):
			// Fails until every other effect is delivered: were they
			// queued behind it, it would fail until discarded.
			return fmt.Errorf("the mail server is down (call %d)", call)
		}
		return nil
	}
	client := newClient(t, pool, rec.work)
	ob := riverbox.New(client)
	ob.InsertOpts = func(e fleet.Effect) *river.InsertOpts {
		if e.ID() == doomed {
			return &river.InsertOpts{MaxAttempts: 3}
		}
		return nil
	}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return ob.Put(ctx, tx, effects) }); err != nil {
		t.Fatal(err)
	}
	start(t, client)
	waitFor(t, "every effect but the doomed one delivered, and the doomed one discarded", func() bool {
		js := jobs(t, pool)
		return states(js)["completed"] == len(effects)-1 && js[doomed].state == "discarded"
	})

	got := rec.got()
	rec.mu.Lock()
	order, calls := slices.Clone(rec.delivered), rec.calls
	rec.mu.Unlock()
	for _, e := range effects {
		if id := e.ID(); id != doomed && got[id] != 1 {
			t.Errorf("%s delivered %d times, want once", id, got[id])
		}
	}
	if got[doomed] != 0 || calls[doomed] != 3 {
		t.Errorf("the doomed effect: delivered %d times in %d calls, want never in 3", got[doomed], calls[doomed])
	}
	if calls[poisoned] < 2 {
		t.Errorf("the poisoned effect was tried %d times; its first attempt failed", calls[poisoned])
	}
	if i := slices.Index(order, poisoned); i != len(order)-1 {
		t.Errorf("the poisoned effect was delivered %dth of %d; the others must not wait for it", i+1, len(order))
	}
	js := jobs(t, pool)
	if j := js[poisoned]; j.attempts != calls[poisoned] || len(j.errors) != calls[poisoned]-1 || !strings.Contains(j.errors[0], "mail server is down (call 1)") {
		t.Errorf("the poisoned effect's job: %d attempts, errors %q; want %d attempts and the error of each failed one", j.attempts, j.errors, calls[poisoned])
	}
	if j := js[doomed]; j.attempts != 3 || len(j.errors) != 3 || !strings.Contains(j.errors[2], "declined (call 3)") {
		t.Errorf("the doomed effect's job: %d attempts, errors %q; want 3 and 3", j.attempts, j.errors)
	}
}

// The same effects put twice, in one transaction or two, and once with
// repeats in one call, give one job each, carried out once; a discarded
// job keeps its effect from being put again too.
func TestSameEffectTwiceOneJob(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	plain := store.New(pool, fleet.Default())
	var effects []fleet.Effect
	for _, id := range []tenancy.AccountID{"bistro", "cafe", "deli"} {
		if _, err := plain.Do(ctx, day0, fleet.NewAccount{ID: id, Owner: "bo"}, ""); err != nil {
			t.Fatal(err)
		}
		r, err := plain.Do(ctx, day0, buy(id, "bo", plan.Basic, plan.Monthly), "")
		if err != nil {
			t.Fatal(err)
		}
		effects = append(effects, r.Effects...)
	}
	if len(effects) < 2 {
		t.Fatalf("%d effects; the test needs two", len(effects))
	}
	rec := newRecorder()
	client := newClient(t, pool, rec.work)
	ob := riverbox.New(client)
	put := func(batches ...[]fleet.Effect) {
		t.Helper()
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			for _, b := range batches {
				if err := ob.Put(ctx, tx, b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(effects, effects)                               // twice in one transaction
	put(effects)                                        // again in another
	put(append(slices.Clone(effects), effects[0]), nil) // a repeat within one call, and an empty call
	if js := jobs(t, pool); len(js) != len(effects) {
		t.Fatalf("%d jobs for %d effects put several times", len(js), len(effects))
	}
	start(t, client)
	waitFor(t, "every job completed", func() bool { return states(jobs(t, pool))["completed"] == len(effects) })
	put(effects) // once more, after the jobs completed
	if js := jobs(t, pool); len(js) != len(effects) || states(js)["completed"] != len(effects) {
		t.Errorf("putting completed effects again: %d jobs, states %v", len(js), states(js))
	}
	for _, e := range effects {
		if n := rec.got()[e.ID()]; n != 1 {
			t.Errorf("%s carried out %d times", e.ID(), n)
		}
	}
	// A job that gave up still keeps its effect unique.
	if _, err := pool.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now() WHERE args->>'id' = $1`, effects[0].ID()); err != nil {
		t.Fatal(err)
	}
	put(effects[:1])
	if js := jobs(t, pool); len(js) != len(effects) {
		t.Errorf("an effect whose job was discarded was put as a new job: %d jobs", len(js))
	}
}

// Migrate is idempotent, and callers at once wait for each other.
func TestMigrateConcurrently(t *testing.T) {
	pool := testPool(t) // migrated once
	ctx := context.Background()
	errs := make(chan error, 3)
	for range 3 {
		go func() { errs <- riverbox.Migrate(ctx, pool) }()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, want := count(t, pool, "river_migration"), len(migrator.AllVersions()); n != want {
		t.Errorf("%d River migrations recorded, want %d", n, want)
	}
}

// A job whose ID is not its effect's is cancelled, and fn is not called.
func TestWorkerCancelsMismatchedID(t *testing.T) {
	mem := fleet.NewMemory(fleet.Default())
	if _, err := mem.Do(day0, fleet.NewAccount{ID: "bistro", Owner: "bo"}, ""); err != nil {
		t.Fatal(err)
	}
	r, err := mem.Do(day0, buy("bistro", "bo", plan.Basic, plan.Monthly), "")
	if err != nil || len(r.Effects) == 0 {
		t.Fatalf("purchase: %v, %d effects", err, len(r.Effects))
	}
	called := false
	w := riverbox.Worker(func(context.Context, fleet.Effect) error { called = true; return nil })
	args := riverbox.Args(r.Effects[0])
	args.ID += "x"
	err = w.Work(context.Background(), &river.Job[riverbox.EffectArgs]{JobRow: &rivertype.JobRow{ID: 7}, Args: args})
	var cancel *river.JobCancelError
	if !errors.As(err, &cancel) || called {
		t.Errorf("Work on a mismatched ID: %v (fn called: %v), want a cancellation", err, called)
	}
}
