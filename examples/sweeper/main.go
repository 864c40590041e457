// Command sweeper is a service in miniature: 100,000 accounts with random
// activity, kept by the deadline driver of package clock while a simulated
// clock runs through a year. It prints how many effects of each kind the
// year produced and checks the rules' invariants as it goes.
//
// Every account is indexed once in a clock.Runner, at its deadline (or at
// an administrator's visit to restore it). When it comes, the sweeper does
// what a service's sweeper does for a due key: one fleet.Engine.Step with
// fleet.Advance over the States of that one account, the driver's
// account-only path (the accounts here are in no network). Logins,
// restores and payments are fleet.OnAccount commands. A login does not
// wake the runner: like a service that only writes a last-login column,
// the simulation notes it, and the sweeper folds the latest login into the
// account when its deadline comes, stepping it at the moment it happened,
// so the result is the same as handling every login at once, at a fraction
// of the cost. The runner waits on the clock; the
// clock here is a discrete-event simulation clock that jumps straight to
// the deadline the runner waits for, so a year passes in seconds. A real
// service passes clock.System (or a benbjohnson/clock clock) instead, and
// the same code runs in real time.
//
// With a terminal on stderr, a progress bar shows the simulated days.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/clock"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

func main() {
	n := flag.Int("accounts", 100_000, "number of accounts")
	days := flag.Int("days", 365, "simulated days")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	var progress io.Writer
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		progress = os.Stderr
	}
	start := time.Now()
	if err := run(os.Stdout, progress, config{accounts: *n, days: *days, seed: *seed}); err != nil {
		fmt.Fprintln(os.Stderr, "sweeper:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "simulated in %v\n", time.Since(start).Round(time.Millisecond))
}

type config struct {
	accounts, days int
	seed           uint64
}

// habit is how often an account's users log in.
type habit uint8

const (
	daily   habit = iota // every 1 to 7 days
	monthly              // every 10 to 60 days
	dormant              // never
)

// account is one simulated tenant: its state and what its users will do.
type account struct {
	acc       lifecycle.Account
	habit     habit
	nextLogin time.Time // the user's next login; zero: nobody will log in
	restoreAt time.Time // when an administrator restores it; zero: never
	sample    bool      // check every state in full
	// The owner's warnings about the current suspension or deletion
	// (LIFE-02), to check that each comes after all of them.
	warned   int
	warnedAt time.Time
}

// world is the simulation: the rules, the accounts, the driver, the counts.
type world struct {
	eng      *fleet.Engine
	rng      *rand.Rand
	accounts []account
	runner   *clock.Runner[int32]
	// states holds the one account of the step under way, as a store
	// loads the row of a due key.
	states   *fleet.States
	effects  []fleet.Effect // the step's buffer, reused
	counts   map[string]int // by effect kind
	checked  int
	logins   int
	err      error
	start    time.Time
	progress io.Writer
	shownDay int
	days     int
	stop     func()
}

func run(w, progress io.Writer, cfg config) error {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return err
	}
	eng := fleet.Default()
	start := time.Date(2026, time.January, 1, 9, 0, 0, 0, berlin)
	end := start.AddDate(0, 0, cfg.days)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	sim := &simClock{now: start, end: end, stop: stop}
	wd := &world{eng: eng, rng: rand.New(rand.NewPCG(cfg.seed, 7)), states: fleet.NewStates(), counts: map[string]int{},
		start: start, progress: progress, days: cfg.days, stop: stop}
	wd.runner = clock.NewRunner(sim, wd.fire)
	if err := wd.open(cfg.accounts, start, berlin); err != nil {
		return err
	}
	if err := wd.runner.Run(ctx); wd.err != nil {
		return wd.err
	} else if err != context.Canceled {
		return err
	}
	if progress != nil {
		fmt.Fprintln(progress)
	}
	wd.report(w, cfg, end)
	return nil
}

// open creates the accounts on the first day: most stay free, a few buy a
// monthly plan; their users log in daily, monthly or never.
func (wd *world) open(n int, now time.Time, loc *time.Location) error {
	wd.accounts = make([]account, n)
	for i := range wd.accounts {
		a := &wd.accounts[i]
		a.acc.ID = tenancy.AccountID(fmt.Sprintf("acct-%06d", i))
		wd.step(a, now, fleet.NewAccount{ID: a.acc.ID, Owner: "owner", DomainZone: "eu", Location: loc})
		if wd.err != nil {
			return wd.err
		}
		a.sample = i%10 == 0
		switch r := wd.rng.Float64(); {
		case r < 0.5:
			a.habit = daily
		case r < 0.8:
			a.habit = monthly
		default:
			a.habit = dormant
		}
		if wd.rng.Float64() < 0.15 {
			wd.apply(a, now, lifecycle.Plan{Cmd: plan.Purchase{By: tenancy.Admin("owner"), Plan: plan.Standard, Period: plan.Monthly}})
		}
		a.nextLogin = wd.nextLogin(a, now)
		wd.schedule(int32(i), a)
	}
	return wd.err
}

func (wd *world) nextLogin(a *account, now time.Time) time.Time {
	switch a.habit {
	case daily:
		return now.Add(time.Duration(1+wd.rng.IntN(7*24)) * time.Hour)
	case monthly:
		return now.Add(time.Duration(10*24+wd.rng.IntN(50*24)) * time.Hour)
	}
	return time.Time{}
}

// schedule indexes the account at its deadline, or at the administrator's
// visit if that comes first: the one timestamp per account a service
// keeps.
func (wd *world) schedule(id int32, a *account) {
	next, ok := a.acc.NextDeadline()
	if !a.restoreAt.IsZero() && (!ok || a.restoreAt.Before(next)) {
		next, ok = a.restoreAt, true
	}
	if ok {
		wd.runner.Schedule(id, next)
	}
}

// fire is the driver's callback: each account due now gets the logins
// that happened since it was last woken, the administrator's visit if its
// time has come, and then every deadline up to now.
func (wd *world) fire(now time.Time, due []int32) {
	if wd.err != nil {
		return
	}
	for _, id := range due {
		a := &wd.accounts[id]
		wd.catchUp(a, now)
		if wd.err != nil {
			return
		}
		wd.schedule(id, a)
	}
	wd.tick(now)
}

// catchUp brings one account up to now, in time order.
func (wd *world) catchUp(a *account, now time.Time) {
	if a.acc.Stage == lifecycle.StageDeleted {
		a.nextLogin, a.restoreAt = time.Time{}, time.Time{}
		return
	}
	// The logins since the account was last woken: only the latest
	// matters, as each restarts the count (LIFE-01), and none can have
	// come after a deadline, since the account is woken at its first.
	var last time.Time
	for !a.nextLogin.IsZero() && !a.nextLogin.After(now) {
		last = a.nextLogin
		wd.logins++
		a.nextLogin = wd.nextLogin(a, last)
	}
	if !last.IsZero() && last.After(a.acc.Updated) && a.acc.Stage == lifecycle.StageActive {
		if next, ok := a.acc.NextDeadline(); !ok || last.Before(next) {
			wd.apply(a, last, lifecycle.Login{User: "owner"})
		}
	}
	if !a.restoreAt.IsZero() && !a.restoreAt.After(now) {
		at := a.restoreAt
		a.restoreAt = time.Time{}
		wd.advance(a, at)
		if a.acc.Stage == lifecycle.StageDeleted {
			return
		}
		if a.acc.Stage == lifecycle.StageSuspended {
			wd.apply(a, at, lifecycle.Restore{By: tenancy.Admin("owner")})
		}
	}
	wasSuspended := a.acc.Stage == lifecycle.StageSuspended
	wd.advance(a, now)
	if !wasSuspended && a.acc.Stage == lifecycle.StageSuspended && wd.rng.IntN(3) == 0 {
		// One owner in three asks for the account back within six weeks;
		// after the deletion it is too late (LIFE-04).
		a.restoreAt = now.Add(time.Duration(1+wd.rng.IntN(42*24)) * time.Hour)
	}
}

// advance fires the account's deadlines up to now.
func (wd *world) advance(a *account, now time.Time) {
	wd.step(a, now, fleet.Advance{Key: fleet.AccountKey(a.acc.ID)})
}

// apply runs a lifecycle command on the account at now.
func (wd *world) apply(a *account, now time.Time, cmd lifecycle.Command) {
	wd.step(a, now, fleet.OnAccount{Account: a.acc.ID, Cmd: cmd})
}

// step is the store's loop for one key: load the account's row into the
// States, step the driver, write the row back. It then checks the
// account, counts its effects, and has a customer whose period ended
// unpaid pay four times in five when the charge is retried (PLAN-14).
func (wd *world) step(a *account, now time.Time, cmd fleet.Command) {
	id := a.acc.ID
	if _, opening := cmd.(fleet.NewAccount); !opening {
		wd.states.Accounts[id] = a.acc
	}
	r, err := wd.eng.Step(wd.states, fleet.Input{Now: now, Command: cmd, Effects: wd.effects[:0]})
	wd.effects = r.Effects
	acc := wd.states.Accounts[id]
	delete(wd.states.Accounts, id)
	// Opening an account creates its owner's network identity (LIFE-06):
	// a store would keep it; the simulation has no use for it.
	clear(wd.states.Identities)
	if err != nil {
		wd.fail(fmt.Errorf("%s at %s: %w", id, now.Format(time.RFC3339), err))
		return
	}
	a.acc = acc
	// Every state's deadline must lie ahead, and be the one the step
	// hands the store to index; one account in ten also has every state
	// checked in full, which costs more than the rules do.
	if a.sample {
		if err := wd.eng.Lives().Check(acc); err != nil {
			wd.fail(err)
			return
		}
	}
	next, ok := acc.NextDeadline()
	if ok && !next.After(now) {
		wd.fail(fmt.Errorf("%s: a deadline at %s is still due after advancing to %s", id, next, now))
	}
	for _, c := range r.Changed {
		if c.Key == fleet.AccountKey(id) && !c.Deadline.Equal(next) {
			wd.fail(fmt.Errorf("%s: the step indexes it at %s, its next deadline is %s", id, c.Deadline, next))
		}
	}
	wd.checked++
	var due decimal.Decimal
	for i := range r.Effects {
		e := &r.Effects[i]
		wd.count(a, e)
		if e.Kind == "plan.grace-started" && wd.rng.IntN(5) != 0 {
			due = e.Amount
		}
	}
	if due.IsPositive() && a.acc.Sub.Status == plan.StatusGrace {
		wd.apply(a, now, lifecycle.Plan{Cmd: plan.RecordPayment{By: tenancy.Service(), Amount: due}})
	}
}

// fail records the first error and stops the run.
func (wd *world) fail(err error) {
	if wd.err == nil {
		wd.err = err
		wd.stop()
	}
}

// count tallies an effect and checks the invariants the rules promise
// about it.
func (wd *world) count(a *account, e *fleet.Effect) {
	wd.counts[e.Kind]++
	switch e.Kind {
	case "life.warn-suspension", "life.warn-deletion":
		if !e.Deadline.Equal(a.warnedAt) {
			a.warned, a.warnedAt = 0, e.Deadline
		}
		a.warned++
	case "life.suspend":
		// LIFE-02: all three warnings came first; LIFE-03: only a free
		// account is suspended.
		if a.warned != 3 || !a.warnedAt.Equal(e.At) {
			wd.fail(fmt.Errorf("%s suspended at %s after %d warnings about %s (LIFE-02)", a.acc.ID, e.At, a.warned, a.warnedAt))
		}
		if kind, _ := wd.eng.Plans().Catalog().Kind(a.acc.Sub.Plan); kind.Paid() {
			wd.fail(fmt.Errorf("%s suspended on a paid plan (LIFE-03)", a.acc.ID))
		}
	case "life.purge":
		// LIFE-02 and LIFE-04: warned three times, deleted on the date the
		// suspension announced.
		if a.warned != 3 || !a.warnedAt.Equal(e.At) {
			wd.fail(fmt.Errorf("%s deleted at %s after %d warnings about %s (LIFE-02, LIFE-04)", a.acc.ID, e.At, a.warned, a.warnedAt))
		}
	}
}

// tick draws the progress bar.
func (wd *world) tick(now time.Time) {
	if wd.progress == nil {
		return
	}
	day := int(now.Sub(wd.start) / (24 * time.Hour))
	if day == wd.shownDay || day > wd.days {
		return
	}
	wd.shownDay = day
	const width = 40
	done := day * width / wd.days
	fmt.Fprintf(wd.progress, "\r[%s%s] day %d of %d", strings.Repeat("=", done), strings.Repeat(" ", width-done), day, wd.days)
}

func (wd *world) report(w io.Writer, cfg config, end time.Time) {
	fmt.Fprintf(w, "%d accounts from %s to %s\n", cfg.accounts, wd.start.Format(time.DateOnly), end.Format(time.DateOnly))
	stages := map[lifecycle.Stage]int{}
	paid := 0
	for i := range wd.accounts {
		a := &wd.accounts[i]
		stages[a.acc.Stage]++
		if kind, _ := wd.eng.Plans().Catalog().Kind(a.acc.Sub.Plan); kind.Paid() && a.acc.Stage != lifecycle.StageDeleted {
			paid++
		}
	}
	fmt.Fprintf(w, "at the end: %d active (%d on a paid plan), %d suspended, %d deleted\n",
		stages[lifecycle.StageActive], paid, stages[lifecycle.StageSuspended], stages[lifecycle.StageDeleted])
	type line struct {
		name string
		n    int
	}
	var lines []line
	for k, n := range wd.counts {
		lines = append(lines, line{k, n})
	}
	slices.SortFunc(lines, func(x, y line) int { return strings.Compare(x.name, y.name) })
	fmt.Fprintln(w, "effects:")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-28s %9d\n", l.name, l.n)
	}
	fmt.Fprintf(w, "logins: %d, folded into the accounts when their deadlines came\n", wd.logins)
	fmt.Fprintf(w, "invariants checked on %d states: ok\n", wd.checked)
}

// simClock is a discrete-event clock: After moves time forward at once to
// the moment asked for, so the runner jumps from deadline to deadline. Past
// the end of the simulation it stops the run.
type simClock struct {
	now, end time.Time
	stop     func()
}

func (c *simClock) Now() time.Time { return c.now }

func (c *simClock) After(d time.Duration) <-chan time.Time {
	if next := c.now.Add(d); next.After(c.end) {
		c.now = c.end
		c.stop()
		return nil
	} else if d > 0 {
		c.now = next
	}
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}
