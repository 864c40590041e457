package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// benchSizes returns the numbers of accounts the sweeper benchmarks run
// at: TENANCY_BENCH_ACCOUNTS, a comma-separated list, or 1,000 and 4,000,
// two sizes whose ratio shows how the cost grows.
func benchSizes(b *testing.B) []int {
	env := os.Getenv("TENANCY_BENCH_ACCOUNTS")
	if env == "" {
		return []int{1000, 4000}
	}
	var out []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("TENANCY_BENCH_ACCOUNTS=%q: %q is not a positive number", env, f)
		}
		out = append(out, n)
	}
	return out
}

// population makes n accounts in memory at day0, as the service in
// miniature seeds them: every 20th a head on Enterprise (annual) with the
// next four as its branches on Basic (monthly), a third of the rest on
// Standard (monthly), the others free. Nobody logs in or pays after.
func population(b testing.TB, n int) *fleet.Memory {
	mem := fleet.NewMemory(fleet.Default())
	owner := tenancy.Admin("owner")
	head := tenancy.AccountID("")
	for i := range n {
		id := tenancy.AccountID(fmt.Sprintf("acct-%07d", i))
		buy := func(p plan.PlanID, period plan.Period) fleet.Command {
			return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: owner, Plan: p, Period: period}}}
		}
		cmds := []fleet.Command{fleet.NewAccount{ID: id, Owner: owner.User, DomainZone: "eu"}}
		switch {
		case i%20 == 0:
			head = id
			cmds = append(cmds, buy(plan.Enterprise, plan.Annual), fleet.CreateNetwork{Head: id, By: owner})
		case i%20 <= 4:
			cmds = append(cmds, buy(plan.Basic, plan.Monthly), fleet.Connect{Head: head, Branch: id, By: owner})
		case i%3 == 0:
			cmds = append(cmds, buy(plan.Standard, plan.Monthly))
		}
		for _, c := range cmds {
			if _, err := mem.Do(day0, c, ""); err != nil {
				b.Fatalf("seed %s: %T: %v", id, c, err)
			}
		}
	}
	return mem
}

// BenchmarkSweepYear runs the sweeper through a year, a sweep at the end
// of each day, over accounts imported at its start, at W = 1, 2 and 4
// workers. It reports accounts (and networks) advanced per second,
// transactions per second, and the database size per account at the
// year's end: its rows in accounts, networks and identities with their
// indexes, and its share of the outbox.
func BenchmarkSweepYear(b *testing.B) {
	for _, n := range benchSizes(b) {
		mem := population(b, n)
		for _, workers := range []int{1, 2, 4} {
			b.Run(fmt.Sprintf("accounts=%d/W=%d", n, workers), func(b *testing.B) {
				pool := testPool(b)
				ctx := context.Background()
				var st *Store
				var elapsed time.Duration
				var stats Stats
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					if _, err := pool.Exec(ctx, `TRUNCATE accounts, networks, identities, inbox, outbox, requests`); err != nil {
						b.Fatal(err)
					}
					st = New(pool, fleet.Default())
					if err := st.Import(ctx, mem.States()); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					start := time.Now()
					for d := range 365 {
						if _, err := st.Sweep(ctx, day0.AddDate(0, 0, d).Add(14*time.Hour), workers); err != nil {
							b.Fatal(err)
						}
					}
					elapsed += time.Since(start)
					s := st.Stats()
					stats.Steps += s.Steps
					stats.Transactions += s.Transactions
				}
				b.ReportMetric(float64(stats.Steps)/elapsed.Seconds(), "steps/s")
				b.ReportMetric(float64(stats.Transactions)/elapsed.Seconds(), "tx/s")
				b.ReportMetric(float64(stats.Steps)/float64(b.N)/float64(n), "steps/account")
				var states, outbox int64
				err := pool.QueryRow(ctx, `SELECT pg_total_relation_size('accounts') + pg_total_relation_size('networks') + pg_total_relation_size('identities'),
					pg_total_relation_size('outbox')`).Scan(&states, &outbox)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(states)/float64(n), "state-B/account")
				b.ReportMetric(float64(outbox)/float64(n), "outbox-B/account")
			})
		}
	}
}

// BenchmarkCommand measures one command transaction, a login, against two
// baselines in the same run: the same step on fleet.Memory (the driver
// alone) and the smallest transaction that locks and rewrites the same
// row (the database alone).
func BenchmarkCommand(b *testing.B) {
	const accounts = 1000
	mem := population(b, accounts)
	pool := testPool(b)
	ctx := context.Background()
	st := New(pool, fleet.Default())
	if err := st.Import(ctx, mem.States()); err != nil {
		b.Fatal(err)
	}
	id := func(i int) tenancy.AccountID { return tenancy.AccountID(fmt.Sprintf("acct-%07d", i%accounts)) }
	// Logins a millisecond apart, so that each is a change of its own.
	at := func(i int) time.Time { return day0.Add(time.Hour + time.Duration(i)*time.Millisecond) }
	b.Run("store", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := st.Do(ctx, at(i), fleet.OnAccount{Account: id(i), Cmd: lifecycle.Login{User: "owner"}}, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("memory", func(b *testing.B) {
		m := population(b, accounts)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := m.Do(at(i), fleet.OnAccount{Account: id(i), Cmd: lifecycle.Login{User: "owner"}}, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-tx", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				var raw []byte
				if err := tx.QueryRow(ctx, `SELECT state FROM accounts WHERE id = $1 FOR UPDATE`, string(id(i))).Scan(&raw); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `UPDATE accounts SET state = $2, updated_at = now() WHERE id = $1`, string(id(i)), raw)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
