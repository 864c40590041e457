// Command postgres is a service in miniature on PostgreSQL: it seeds
// accounts (some of them heads of branch networks) in a schema of its own,
// runs a simulated year through package store (a command transaction per
// login, payment and cancellation, a sweep of W workers at the end of each
// day, the outbox consumed after it) and prints how many effects of each
// kind the year produced.
//
//	go run . -dsn "host=/tmp/pg user=postgres dbname=postgres" -accounts 200 -workers 4
//
// The DSN is a libpq connection string or URL; without -dsn the command
// reads DATABASE_URL. It drops and recreates the schema named by -schema
// (default tenancy_demo) and touches nothing else. With a terminal on
// stderr it shows its progress.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/examples/postgres/store"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

type config struct {
	dsn, schema             string
	accounts, days, workers int
	seed                    uint64
}

func main() {
	var cfg config
	flag.StringVar(&cfg.dsn, "dsn", os.Getenv("DATABASE_URL"), "PostgreSQL connection string or URL (default $DATABASE_URL)")
	flag.StringVar(&cfg.schema, "schema", "tenancy_demo", "schema to drop, recreate and fill")
	flag.IntVar(&cfg.accounts, "accounts", 200, "number of accounts")
	flag.IntVar(&cfg.days, "days", 365, "simulated days")
	flag.IntVar(&cfg.workers, "workers", 4, "sweeper workers")
	flag.Uint64Var(&cfg.seed, "seed", 1, "random seed")
	flag.Parse()
	if cfg.dsn == "" {
		fmt.Fprintln(os.Stderr, "postgres: no database: pass -dsn or set DATABASE_URL (see README.md)")
		os.Exit(2)
	}
	var progress io.Writer
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		progress = os.Stderr
	}
	start := time.Now()
	if err := run(context.Background(), os.Stdout, progress, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "postgres:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "simulated in %v\n", time.Since(start).Round(time.Millisecond))
}

func run(ctx context.Context, w, progress io.Writer, cfg config) error {
	pool, err := open(ctx, cfg.dsn, cfg.schema)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := store.New(pool, fleet.Default())
	sim := &world{st: st, rng: rand.New(rand.NewPCG(cfg.seed, 11)), counts: map[string]int{}, grace: map[tenancy.AccountID]fleet.Effect{}}
	day0 := time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)
	if err := sim.seed(ctx, day0, cfg.accounts); err != nil {
		return err
	}
	steps := 0
	for d := range cfg.days {
		at := day0.AddDate(0, 0, d)
		if d > 0 {
			if err := sim.day(ctx, at); err != nil {
				return fmt.Errorf("day %d: %w", d, err)
			}
		}
		n, err := st.Sweep(ctx, at.Add(14*time.Hour), cfg.workers)
		if err != nil {
			return fmt.Errorf("day %d: sweep: %w", d, err)
		}
		steps += n
		if _, err := st.Consume(ctx, sim.execute, 500); err != nil {
			return err
		}
		if progress != nil {
			fmt.Fprintf(progress, "\rday %3d/%d  %s  %d sweeper steps", d+1, cfg.days, at.Format(time.DateOnly), steps)
		}
	}
	if progress != nil {
		fmt.Fprintln(progress)
	}
	fmt.Fprintf(w, "%d accounts, %d days, %d sweeper workers: %d commands, %d sweeper steps, %d effects\n",
		cfg.accounts, cfg.days, cfg.workers, sim.commands, steps, sim.total)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range sim.counts {
			if !yield(k) {
				return
			}
		}
	}) {
		fmt.Fprintf(w, "%-32s %7d\n", k, sim.counts[k])
	}
	return nil
}

// open connects to dsn with search_path set to a fresh schema, migrated.
func open(ctx context.Context, dsn, schema string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	q := pgx.Identifier{schema}.Sanitize()
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+q+" CASCADE; CREATE SCHEMA "+q)
	conn.Close(ctx)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := store.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// world is the simulated service: its accounts, what their users do, and
// the effects it executed.
type world struct {
	st       *store.Store
	rng      *rand.Rand
	ids      []tenancy.AccountID
	habits   []int // days between logins; 0: nobody logs in
	counts   map[string]int
	total    int
	commands int
	// grace holds the accounts whose grace began and who will pay.
	grace map[tenancy.AccountID]fleet.Effect
	seen  map[string]bool
}

var owner = tenancy.Admin("owner")

func (wd *world) do(ctx context.Context, at time.Time, cmd fleet.Command) error {
	wd.commands++
	_, err := wd.st.Do(ctx, at, cmd, "")
	if err != nil && !errors.Is(err, tenancy.ErrRefused) && !errors.Is(err, tenancy.ErrInvalid) && !errors.Is(err, tenancy.ErrUnauthorized) && !errors.Is(err, tenancy.ErrNotFound) {
		return err // the database's, not the rules'
	}
	return nil
}

// seed creates the accounts: every 20th is a head on Enterprise with the
// next four as its branches on Basic; of the rest a third buy Standard.
func (wd *world) seed(ctx context.Context, at time.Time, n int) error {
	wd.seen = map[string]bool{}
	head := tenancy.AccountID("")
	for i := range n {
		id := tenancy.AccountID(fmt.Sprintf("acct-%05d", i))
		wd.ids = append(wd.ids, id)
		wd.habits = append(wd.habits, []int{0, 1, 3, 7, 30}[wd.rng.IntN(5)])
		cmds := []fleet.Command{fleet.NewAccount{ID: id, Owner: owner.User, DomainZone: "eu"}}
		buy := func(p plan.PlanID, period plan.Period) fleet.Command {
			return fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Purchase{By: owner, Plan: p, Period: period}}}
		}
		switch {
		case i%20 == 0:
			head = id
			cmds = append(cmds, buy(plan.Enterprise, plan.Annual), fleet.CreateNetwork{Head: id, By: owner})
		case i%20 <= 4 && head != "":
			cmds = append(cmds, buy(plan.Basic, plan.Monthly), fleet.Connect{Head: head, Branch: id, By: owner})
		case wd.rng.IntN(3) == 0:
			cmds = append(cmds, buy(plan.Standard, plan.Monthly))
		}
		for _, c := range cmds {
			if err := wd.do(ctx, at, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// day runs the day's commands at 09:00: logins by habit, the payments of
// accounts in grace, now and then a cancellation.
func (wd *world) day(ctx context.Context, at time.Time) error {
	for _, id := range slices.Sorted(func(yield func(tenancy.AccountID) bool) {
		for id := range wd.grace {
			if !yield(id) {
				return
			}
		}
	}) {
		e := wd.grace[id]
		delete(wd.grace, id)
		pay := fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.RecordPayment{By: tenancy.Service(), Amount: e.Amount}}}
		if err := wd.do(ctx, at, pay); err != nil {
			return err
		}
	}
	day := int(at.Sub(time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	for i, id := range wd.ids {
		if h := wd.habits[i]; h > 0 && (day+i)%h == 0 {
			if err := wd.do(ctx, at, fleet.OnAccount{Account: id, Cmd: lifecycle.Login{User: owner.User}}); err != nil {
				return err
			}
		}
		if wd.rng.IntN(2000) == 0 {
			cancel := fleet.OnAccount{Account: id, Cmd: lifecycle.Plan{Cmd: plan.Cancel{By: owner}}}
			if err := wd.do(ctx, at, cancel); err != nil {
				return err
			}
		}
	}
	return nil
}

// execute is the service's worker for the outbox: it counts each effect
// once (the outbox hands it over at least once) and, for four grace
// periods in five, has the customer pay the next morning.
func (wd *world) execute(e fleet.Effect) error {
	if wd.seen[e.ID()] {
		return nil
	}
	wd.seen[e.ID()] = true
	wd.counts[e.Kind]++
	wd.total++
	if e.Kind == "plan.grace-started" && wd.rng.IntN(5) != 0 {
		wd.grace[e.Account] = e
	}
	return nil
}
