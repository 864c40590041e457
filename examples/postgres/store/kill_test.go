package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/plan"
)

const (
	childSchema = "TENANCY_SWEEPER_SCHEMA" // set: this test binary is a sweeper process
	killDays    = 200
	killGroups  = 20
)

func TestMain(m *testing.M) {
	if schema := os.Getenv(childSchema); schema != "" {
		if err := sweeperProcess(schema); err != nil {
			fmt.Fprintln(os.Stderr, "sweeper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// sweeperProcess sweeps the end of each simulated day after the last one
// it recorded as done, with two workers, recording each day once swept.
// Killed, it resumes from the last day recorded: that day is swept again.
func sweeperProcess(schema string) error {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS sweeper_progress (one bool PRIMARY KEY, day int NOT NULL);
		INSERT INTO sweeper_progress VALUES (true, 0) ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	var done int
	if err := pool.QueryRow(ctx, `SELECT day FROM sweeper_progress`).Scan(&done); err != nil {
		return err
	}
	st := New(pool, fleet.Default())
	st.Batch = 4
	for d := done + 1; d < killDays; d++ {
		if _, err := st.Sweep(ctx, day0.AddDate(0, 0, d).Add(14*time.Hour), 2); err != nil {
			return err
		}
		if _, err := pool.Exec(ctx, `UPDATE sweeper_progress SET day = $1`, d); err != nil {
			return err
		}
		fmt.Printf("day %d\n", d)
	}
	return nil
}

// A sweeper process killed with SIGKILL partway through a simulated
// period, then restarted, leaves the outbox and the states as fleet.Memory
// has them after the same period: no effect lost, none repeated.
func TestSweeperKilledAndRestarted(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	st := New(pool, fleet.Default())
	mem := fleet.NewMemory(fleet.Default())
	mem.Deferred = true
	none := func(tenancy.AccountID) (plan.Subscription, bool) { return plan.Subscription{}, false }
	for g := range killGroups {
		for _, cmd := range script(0, tenancy.AccountID(fmt.Sprintf("g%02d-", g)), none) {
			_, merr := mem.Do(day0, cmd, "")
			_, serr := st.Do(ctx, day0, cmd, "")
			if fmt.Sprint(merr) != fmt.Sprint(serr) {
				t.Fatalf("%T%+v: memory %v, store %v", cmd, cmd, merr, serr)
			}
		}
	}
	memorySweep(t, mem, day0.Add(14*time.Hour))
	if _, err := st.Sweep(ctx, day0.Add(14*time.Hour), 1); err != nil {
		t.Fatal(err)
	}
	for d := 1; d < killDays; d++ {
		memorySweep(t, mem, day0.AddDate(0, 0, d).Add(14*time.Hour))
	}

	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childSchema+"="+schema)
		cmd.Stderr = os.Stderr
		return cmd
	}
	first := child()
	out, err := first.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	killedAt := ""
	for lines.Scan() {
		if l := lines.Text(); l == "day 60" {
			killedAt = l
			first.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	err = first.Wait()
	if ws, ok := first.ProcessState.Sys().(syscall.WaitStatus); killedAt == "" || !ok || !ws.Signaled() {
		t.Fatalf("the first sweeper was not killed partway (reached %q): %v", killedAt, err)
	}
	var done int
	pool.QueryRow(ctx, `SELECT day FROM sweeper_progress`).Scan(&done)
	if done >= killDays-1 {
		t.Fatalf("the first sweeper finished (day %d) before it was killed", done)
	}
	second := child()
	var rest strings.Builder
	second.Stdout = &rest
	if err := second.Run(); err != nil {
		t.Fatalf("restarted sweeper: %v", err)
	}
	if !strings.Contains(rest.String(), fmt.Sprintf("day %d\n", killDays-1)) {
		t.Fatalf("the restarted sweeper did not reach the last day:\n%s", rest.String())
	}
	t.Logf("killed after day %d recorded; restarted and finished", done)
	compareOutbox(t, pool, mem.Log, networkKinds...)
	compareStates(t, pool, mem)
}
