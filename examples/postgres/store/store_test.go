package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

const howTo = `DATABASE_URL is not set: these tests need a PostgreSQL server. On Debian, start a private one on a Unix socket:
	d=$(mktemp -d); chown postgres $d; runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D $d/data -A trust -U postgres
	runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D $d/data -o "-k $d -c listen_addresses=''" -w start
then run: DATABASE_URL="host=$d user=postgres dbname=postgres" go test ./...`

var schemaName = regexp.MustCompile(`[^a-z0-9_]+`)

// testPool returns a pool whose search path is a fresh, migrated schema
// of its own, dropped when the test ends.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := os.Getenv("DATABASE_URL")
	if dsn == "" {
		t.Fatal(howTo)
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	suffix := make([]byte, 4)
	rand.Read(suffix)
	name := schemaName.ReplaceAllString(strings.ToLower(t.Name()), "_")
	schema := fmt.Sprintf("t_%.40s_%s", name, hex.EncodeToString(suffix))
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
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
	if err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	return pool
}

func TestDeadlineColumn(t *testing.T) {
	sec := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	berlin := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		name     string
		in, want time.Time
	}{
		{"zero stays zero", time.Time{}, time.Time{}},
		{"a whole second", sec, sec},
		{"a whole microsecond", sec.Add(7 * time.Microsecond), sec.Add(7 * time.Microsecond)},
		{"one nanosecond past", sec.Add(time.Nanosecond), sec.Add(time.Microsecond)},
		{"999 nanoseconds past", sec.Add(999 * time.Nanosecond), sec.Add(time.Microsecond)},
		{"1001 nanoseconds past", sec.Add(1001 * time.Nanosecond), sec.Add(2 * time.Microsecond)},
		{"one nanosecond before the second", sec.Add(-time.Nanosecond), sec},
		{"in another zone, the same instant in UTC", sec.Add(time.Nanosecond).In(berlin), sec.Add(time.Microsecond)},
	} {
		got := DeadlineColumn(tc.in)
		if !got.Equal(tc.want) || !tc.in.IsZero() && got.Location() != time.UTC {
			t.Errorf("%s: DeadlineColumn(%s) = %s, want %s in UTC", tc.name, tc.in.Format(time.RFC3339Nano), got.Format(time.RFC3339Nano), tc.want.Format(time.RFC3339Nano))
		}
		if !tc.in.IsZero() && (got.Before(tc.in) || !got.Before(tc.in.Add(time.Microsecond))) {
			t.Errorf("%s: %s is not the first microsecond at or after %s", tc.name, got, tc.in)
		}
	}
	if got, want := NowColumn(sec.Add(999*time.Nanosecond)), sec; !got.Equal(want) {
		t.Errorf("NowColumn rounds down: got %s, want %s", got, want)
	}
	// A deadline 1ns past now is not due at now, however both round.
	now := sec.Add(5 * time.Microsecond)
	if d := now.Add(time.Nanosecond); !NowColumn(now).Before(DeadlineColumn(d)) {
		t.Errorf("a deadline 1ns after now is claimed at now")
	}
}

// The column keeps what DeadlineColumn gives, to the microsecond, and a
// row is not claimed a nanosecond before its deadline.
func TestDeadlineColumnInDatabase(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	d := time.Date(2026, 3, 2, 9, 0, 0, 1, time.UTC) // 1ns past a whole second
	if _, err := pool.Exec(ctx, `INSERT INTO accounts (id, state, next_deadline) VALUES ('a', '{}', $1)`, DeadlineColumn(d)); err != nil {
		t.Fatal(err)
	}
	var got time.Time
	if err := pool.QueryRow(ctx, `SELECT next_deadline FROM accounts WHERE id = 'a'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(DeadlineColumn(d)) {
		t.Errorf("read back %s, wrote %s", got.Format(time.RFC3339Nano), DeadlineColumn(d).Format(time.RFC3339Nano))
	}
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{d.Add(-time.Nanosecond), false}, // the whole second: before the deadline
		{d, false},                       // same microsecond as the deadline: waits for the next sweep
		{d.Add(999 * time.Nanosecond), true},
	} {
		var due bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE next_deadline <= $1)`, NowColumn(tc.now)).Scan(&due); err != nil {
			t.Fatal(err)
		}
		if due != tc.want {
			t.Errorf("at %s due = %v, want %v", tc.now.Format(time.RFC3339Nano), due, tc.want)
		}
		if due && d.After(tc.now) {
			t.Errorf("claimed at %s before its deadline %s", tc.now, d)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	pool := testPool(t) // migrated once
	ctx := context.Background()
	if err := Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	names, _ := migrations.ReadDir("migrations")
	if n != len(names) {
		t.Errorf("%d migrations recorded, want %d", n, len(names))
	}
}

// row is an account row as the database holds it, byte for byte.
type row struct {
	state, network, deadline, updated string
}

func readRow(t *testing.T, pool *pgxpool.Pool, id string) row {
	t.Helper()
	var r row
	err := pool.QueryRow(context.Background(), `SELECT state::text, network, coalesce(next_deadline::text, ''), updated_at::text
		FROM accounts WHERE id = $1`, id).Scan(&r.state, &r.network, &r.deadline, &r.updated)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func count(t *testing.T, pool *pgxpool.Pool, table string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var day0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

func buy(id tenancy.AccountID, by tenancy.UserID, p plan.PlanID, period plan.Period) fleet.Command {
	return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin(by), Plan: p, Period: period}}}
}

func TestRefusalWritesOnlyItsOutcome(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	st := New(pool, fleet.Default())
	if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: "bistro", Owner: "bo", DomainZone: "eu"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Do(ctx, day0, buy("bistro", "bo", plan.Basic, plan.Monthly), ""); err != nil {
		t.Fatal(err)
	}
	before, outbox := readRow(t, pool, "bistro"), count(t, pool, "outbox")
	if outbox == 0 {
		t.Fatal("the purchase put nothing in the outbox")
	}
	// Mallory is no administrator of bistro; a day later, so that a
	// refusal that advanced the account would show.
	later := day0.AddDate(0, 0, 40)
	_, err := st.Do(ctx, later, buy("bistro", "mallory", plan.Enterprise, plan.Annual), "req-mallory")
	if err == nil {
		t.Fatal("a purchase by a stranger was accepted")
	}
	if after := readRow(t, pool, "bistro"); after != before {
		t.Errorf("the refusal changed the row:\nbefore %+v\nafter  %+v", before, after)
	}
	if n := count(t, pool, "outbox"); n != outbox {
		t.Errorf("the refusal added %d effects to the outbox", n-outbox)
	}
	if n := count(t, pool, "inbox"); n != 0 {
		t.Errorf("the refusal added %d messages", n)
	}
	// Its outcome is kept: the replay is refused the same way.
	r, again := st.Do(ctx, later.Add(time.Hour), buy("bistro", "mallory", plan.Enterprise, plan.Annual), "req-mallory")
	if !r.Replayed || again == nil || again.Error() != err.Error() || !errors.Is(again, tenancy.ErrUnauthorized) != !errors.Is(err, tenancy.ErrUnauthorized) {
		t.Errorf("replay of the refusal: replayed=%v err=%v, first err=%v", r.Replayed, again, err)
	}
	if tenancy.RuleOf(again) != tenancy.RuleOf(err) {
		t.Errorf("replay names rule %q, first %q", tenancy.RuleOf(again), tenancy.RuleOf(err))
	}
	// A command on an account that does not exist is refused, not an error of the store.
	if _, err := st.Do(ctx, later, buy("ghost", "bo", plan.Basic, plan.Monthly), "req-ghost"); !errors.Is(err, tenancy.ErrNotFound) {
		t.Errorf("command on a missing account: %v, want not found", err)
	}
	if n := count(t, pool, "accounts"); n != 1 {
		t.Errorf("%d account rows, want 1", n)
	}
}

func TestReplayReturnsFirstOutcome(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	st := New(pool, fleet.Default())
	if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: "bistro", Owner: "bo"}, "req-new"); err != nil {
		t.Fatal(err)
	}
	cmd := buy("bistro", "bo", plan.Basic, plan.Monthly)
	first, err := st.Do(ctx, day0, cmd, "req-1")
	if err != nil || len(first.Effects) == 0 || first.Replayed {
		t.Fatalf("first purchase: %v, %d effects, replayed %v", err, len(first.Effects), first.Replayed)
	}
	row, outbox, requests := readRow(t, pool, "bistro"), count(t, pool, "outbox"), count(t, pool, "requests")
	again, err := st.Do(ctx, day0.Add(time.Minute), cmd, "req-1")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Replayed || len(again.Effects) != 0 {
		t.Errorf("replay: replayed %v with %d effects", again.Replayed, len(again.Effects))
	}
	a, _ := json.Marshal(first.Outcome)
	b, _ := json.Marshal(again.Outcome)
	if string(a) != string(b) {
		t.Errorf("replay outcome differs:\nfirst %s\nagain %s", a, b)
	}
	if got := readRow(t, pool, "bistro"); got != row {
		t.Errorf("the replay changed the row")
	}
	if n := count(t, pool, "outbox"); n != outbox {
		t.Errorf("the replay added %d effects", n-outbox)
	}
	if n := count(t, pool, "requests"); n != requests {
		t.Errorf("the replay added %d requests", n-requests)
	}
	// The same ID with another command is refused and changes nothing.
	if _, err := st.Do(ctx, day0, buy("bistro", "bo", plan.Standard, plan.Monthly), "req-1"); err == nil {
		t.Error("request ID reused for another command was accepted")
	}
	if got := readRow(t, pool, "bistro"); got != row {
		t.Errorf("the reused ID changed the row")
	}
}

func TestConsumeAtLeastOnce(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	st := New(pool, fleet.Default())
	for _, id := range []tenancy.AccountID{"a", "b", "c"} {
		if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: id, Owner: "bo"}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Do(ctx, day0, buy(id, "bo", plan.Basic, plan.Monthly), ""); err != nil {
			t.Fatal(err)
		}
	}
	total := count(t, pool, "outbox")
	if total < 3 {
		t.Fatalf("only %d effects", total)
	}
	seen := map[string]int{}
	fail := errors.New("the mail server is down")
	calls := 0
	n, err := st.Consume(ctx, func(e fleet.Effect) error {
		calls++
		seen[e.ID()]++
		if calls == 2 {
			return fail
		}
		return nil
	}, 2)
	if !errors.Is(err, fail) || n != 1 {
		t.Fatalf("first Consume: %d delivered, %v; want 1 and the failure", n, err)
	}
	n, err = st.Consume(ctx, func(e fleet.Effect) error { seen[e.ID()]++; return nil }, 2)
	if err != nil || n != total-1 {
		t.Fatalf("second Consume: %d delivered, %v; want %d", n, err, total-1)
	}
	if len(seen) != total {
		t.Errorf("%d effects handed over, want %d", len(seen), total)
	}
	for id, k := range seen {
		if k > 2 || k == 2 && calls < 2 {
			t.Errorf("%s handed over %d times", id, k)
		}
	}
	var undelivered int
	pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE delivered_at IS NULL`).Scan(&undelivered)
	if undelivered != 0 {
		t.Errorf("%d effects left undelivered", undelivered)
	}
	if n, err := st.Consume(ctx, func(fleet.Effect) error { t.Error("a delivered effect was handed over again"); return nil }, 10); n != 0 || err != nil {
		t.Errorf("third Consume: %d, %v", n, err)
	}
}

// Prune deletes delivered effects only, and request outcomes only when
// asked.
func TestPrune(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	st := New(pool, fleet.Default())
	for _, id := range []tenancy.AccountID{"a", "b"} {
		if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: id, Owner: "bo"}, "new-"+string(id)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Do(ctx, day0, buy(id, "bo", plan.Basic, plan.Monthly), ""); err != nil {
			t.Fatal(err)
		}
	}
	total := count(t, pool, "outbox")
	if total < 2 {
		t.Fatalf("%d effects; the test needs two", total)
	}
	// Deliver the first effect only.
	stop := errors.New("stop")
	delivered := 0
	if _, err := st.Consume(ctx, func(fleet.Effect) error {
		if delivered == 1 {
			return stop
		}
		delivered++
		return nil
	}, 10); !errors.Is(err, stop) {
		t.Fatal(err)
	}
	var dbNow time.Time
	if err := pool.QueryRow(ctx, `SELECT now()`).Scan(&dbNow); err != nil {
		t.Fatal(err)
	}
	n, err := st.Prune(ctx, dbNow.Add(time.Minute), time.Time{})
	if err != nil || n != 1 {
		t.Fatalf("Prune: %d rows, %v; want the 1 delivered effect", n, err)
	}
	if got := count(t, pool, "outbox"); got != total-1 {
		t.Errorf("%d effects left, want %d undelivered", got, total-1)
	}
	if got := count(t, pool, "requests"); got != 2 {
		t.Errorf("%d requests left, want both kept", got)
	}
	if n, err := st.Prune(ctx, dbNow.Add(time.Minute), dbNow.Add(time.Minute)); err != nil || n != 2 {
		t.Errorf("Prune with requests: %d rows, %v; want the 2 outcomes", n, err)
	}
}

// The sweeper's claim reads the first due rows from an index in claim
// order: sorting every due row on each claim made a year of 100,000
// accounts quadratic (a whole cohort falls due on the same day).
func TestClaimUsesIndex(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO accounts (id, state, next_deadline)
		SELECT 'acct-' || g, '{}', $1::timestamptz + (g % 3) * interval '1 second' FROM generate_series(1, 20000) g`, day0); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE accounts`); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `EXPLAIN `+claimAccounts, NowColumn(day0.AddDate(0, 0, 1)), 16)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	var line string
	if _, err := pgx.ForEachRow(rows, []any{&line}, func() error { plan = append(plan, line); return nil }); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "Index Scan using accounts_claim") || strings.Contains(text, "Sort") {
		t.Errorf("the claim does not read the claim index in order:\n%s", text)
	}
}

// A command at a time the library does not keep is refused before the
// driver steps: nothing is written, not even an outcome, so the request
// may be sent again at a valid time.
func TestTimeOutOfRange(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	st := New(pool, fleet.Default())
	if _, err := st.Do(ctx, day0, fleet.NewAccount{ID: "bistro", Owner: "bo"}, ""); err != nil {
		t.Fatal(err)
	}
	before, outbox := readRow(t, pool, "bistro"), count(t, pool, "outbox")
	far := time.Date(9500, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := st.Do(ctx, far, buy("bistro", "bo", plan.Basic, plan.Monthly), "req-far"); !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("a purchase in 9500: %v, want invalid", err)
	}
	if after := readRow(t, pool, "bistro"); after != before {
		t.Error("the refusal changed the row")
	}
	if n := count(t, pool, "outbox"); n != outbox {
		t.Errorf("the refusal added %d effects", n-outbox)
	}
	if n := count(t, pool, "requests"); n != 0 {
		t.Errorf("the refusal kept %d outcomes", n)
	}
	if _, err := st.Do(ctx, day0.Add(time.Hour), buy("bistro", "bo", plan.Basic, plan.Monthly), "req-far"); err != nil {
		t.Errorf("the same request at a valid time: %v", err)
	}
}
