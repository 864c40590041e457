package scenario

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // scenario files name IANA zones; replay them the same on every machine

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// Result is a replayed file: the file, and for every block the output the
// replay produced.
type Result struct {
	File *File
	// Actual holds the output of every block, in order. When the replay
	// stopped at an *Error, the blocks from the failing one on keep their
	// expected output.
	Actual [][]string
}

// Expected returns the file's text as given, normalised: "\n" line ends,
// one at the end.
func (r Result) Expected() string {
	if r.File == nil {
		return ""
	}
	exp := make([][]string, len(r.File.Blocks))
	for k, b := range r.File.Blocks {
		exp[k] = b.Expected
	}
	return r.File.render(exp)
}

// Transcript returns the file's text with every expected output replaced by
// the actual one: what -rewrite writes back, and what a reader compares
// with Expected.
func (r Result) Transcript() string {
	if r.File == nil {
		return ""
	}
	return r.File.render(r.Actual)
}

// Mismatches returns the blocks whose actual output differs from the
// expected one.
func (r Result) Mismatches() []Block {
	var out []Block
	if r.File == nil {
		return nil
	}
	for k, b := range r.File.Blocks {
		if !slices.Equal(b.Expected, r.Actual[k]) {
			out = append(out, b)
		}
	}
	return out
}

// Run parses a scenario file and replays it against the library, block
// by block, from an empty world. name is used in errors. It returns an
// *Error for a malformed file or a command the replay cannot run, with the
// blocks replayed until then in the Result; refusals by the rules are
// output, not errors.
func Run(r io.Reader, name string) (Result, error) {
	f, err := Parse(r, name)
	if err != nil {
		return Result{}, err
	}
	res := Result{File: f, Actual: make([][]string, len(f.Blocks))}
	for k, b := range f.Blocks {
		res.Actual[k] = b.Expected
	}
	w, err := newWorld()
	if err != nil {
		return res, &Error{File: name, Line: 1, Err: err}
	}
	for k, b := range f.Blocks {
		out, err := w.run(b)
		if err != nil {
			return res, &Error{File: name, Line: b.Line, Err: err}
		}
		res.Actual[k] = out
	}
	return res, nil
}

// world is the state of a replay: the driver and its store, the clock,
// and the engines the queries read.
type world struct {
	zone    *time.Location
	now     time.Time
	catalog string // how the catalog was given, for the world's output
	// sweep says whether a command's at= fires every deadline up to it
	// (world sweeper=on, the default) or none (sweeper=off).
	sweep bool
	plans *plan.Engine
	lives *lifecycle.Engine
	nets  *network.Engine
	mem   *fleet.Memory
	out   []string
	// happened collects the driver's effects of the block under way (not
	// the projected ones), for a Session.
	happened []fleet.Effect
}

// newWorld returns an empty world in UTC with the default catalog and
// policies.
func newWorld() (*world, error) {
	w := &world{zone: time.UTC, catalog: "default", sweep: true}
	pl, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err == nil {
		err = w.setEngines(pl, lifecycle.DefaultPolicy(), network.DefaultPolicy())
	}
	return w, err
}

// setEngines builds the lifecycle and network engines on pl, the driver
// over them and an empty store.
func (w *world) setEngines(pl *plan.Engine, lp lifecycle.Policy, np network.Policy) error {
	lives, err := lifecycle.NewEngine(pl, lp)
	if err != nil {
		return err
	}
	nets, err := network.NewEngine(lives, np)
	if err != nil {
		return err
	}
	drv, err := fleet.New(nets)
	if err != nil {
		return err
	}
	w.plans, w.lives, w.nets, w.mem = pl, lives, nets, fleet.NewMemory(drv)
	return nil
}

// handler runs one command. It reads its arguments, calls w.begin, and
// acts. A *tenancy.RuleError or *tenancy.InvalidError it returns is
// printed as a refusal; any other error stops the replay.
type handler func(w *world, a *args) error

// run replays one block and returns its output.
func (w *world) run(b Block) ([]string, error) {
	w.out, w.happened = nil, nil
	a := &args{verb: b.verb, toks: b.args, input: b.Input, used: make([]bool, len(b.args))}
	err := commands[b.verb].run(w, a)
	var re *tenancy.RuleError
	var ie *tenancy.InvalidError
	switch {
	case errors.As(err, &re):
		w.printf("refused %v", re)
	case errors.As(err, &ie):
		w.printf("refused %v", ie)
	case err != nil:
		return nil, err
	}
	if len(w.out) == 0 {
		w.out = append(w.out, "ok")
	}
	return w.out, nil
}

// printf adds a line of output. Output lines are never blank and never
// end in spaces, so that a transcript always parses again.
func (w *world) printf(format string, args ...any) {
	s := strings.TrimRight(fmt.Sprintf(format, args...), " \t")
	s = strings.ReplaceAll(s, "\n", " ")
	if strings.TrimSpace(s) == "" {
		return
	}
	if isSep(s) {
		s = "'" + s
	}
	w.out = append(w.out, s)
}

// stamp writes t in the scenario's zone, to the minute (to the second
// when it has seconds).
func (w *world) stamp(t time.Time) string {
	t = t.In(w.zone)
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

func ruleCol(r tenancy.RuleID) string {
	if r == "" {
		return "-"
	}
	return string(r)
}

// effects prints effects of the driver, one line each: "DATE TIME RULE
// subject: what", the subject being the account ("hq:"), the network
// ("network hq:") or the user of an identity ("user bo:"), and what the
// kind without its package, then the fields it fills.
func (w *world) effects(effs []fleet.Effect) {
	for _, e := range effs {
		pkg, kind, _ := strings.Cut(e.Kind, ".")
		subject, f := string(e.Account), []string{kind}
		add := func(format string, args ...any) { f = append(f, fmt.Sprintf(format, args...)) }
		date := func(k string, t time.Time) {
			if !t.IsZero() {
				add("%s=%s", k, t.Format(time.DateOnly))
			}
		}
		switch pkg {
		case "net":
			head := e.Network
			if i := strings.LastIndexByte(head, '@'); i >= 0 {
				head = head[:i]
			}
			subject = "network " + head
			add("%s", e.Account)
			if e.User != "" {
				add("to=%s", e.User)
			}
			date("deadline", e.Deadline)
		case "plan":
			add("plan=%s", e.Plan)
			if !e.Amount.IsZero() {
				add("amount=%s", e.Amount)
			}
			if !e.Credit.IsZero() {
				add("credit=%s", e.Credit)
			}
			if !e.Credited.Equal(e.Credit) {
				add("credited=%s", e.Credited)
			}
			if !e.Balance.IsZero() {
				add("balance=%s", e.Balance)
			}
			date("until", e.Deadline)
			if e.Bytes != 0 {
				add("bytes=%d", e.Bytes)
			}
			if e.Note != "" {
				add("note=%q", e.Note)
			}
		default:
			if e.Account == "" {
				subject = "user " + string(e.User)
			}
			if e.User != "" {
				add("to=%s", e.User)
			}
			date("deadline", e.Deadline)
			if e.Cause != "" {
				add("cause=%s", e.Cause)
			}
			if e.Data != 0 {
				add("data=%s", e.Data)
			}
		}
		w.printf("%s %s %s: %s", w.stamp(e.At), ruleCol(e.Rule), subject, strings.Join(f, " "))
	}
}

// maxSteps bounds the deadlines one advance fires, so that no scenario
// runs for ever.
const maxSteps = 100_000

// moveTo moves the clock to t. With sweep it first fires every deadline
// of every account at or before t in time order (at one instant by account
// ID), as the sweeper of the driver's store does, and prints their
// effects.
func (w *world) moveTo(t time.Time, sweep bool) error {
	if !w.now.IsZero() && t.Before(w.now) {
		return fmt.Errorf("%s is before the scenario's clock, %s: time never runs backwards", w.stamp(t), w.stamp(w.now))
	}
	if !sweep {
		w.now = t
		return nil
	}
	effs, err := w.mem.AdvanceTo(t, maxSteps)
	w.effects(effs)
	w.happened = append(w.happened, effs...)
	if errors.Is(err, fleet.ErrLimit) {
		return fmt.Errorf("more than %d deadlines before %s", maxSteps, w.stamp(t))
	} else if err != nil {
		return err
	}
	w.now = t
	return nil
}

// do runs a command of the driver at the clock's time and prints its
// effects.
func (w *world) do(cmd fleet.Command) error {
	r, err := w.mem.Do(w.now, cmd, "")
	if err != nil {
		return err
	}
	w.effects(r.Effects)
	w.happened = append(w.happened, r.Effects...)
	return nil
}

// ids returns the IDs of every account, sorted.
func (w *world) ids() []tenancy.AccountID {
	return slices.Sorted(maps.Keys(w.mem.States().Accounts))
}

// account returns the account named id.
func (w *world) account(id string) (lifecycle.Account, error) {
	a, ok := w.mem.Account(tenancy.AccountID(id))
	if !ok {
		return a, fmt.Errorf("no account %q: create it with the account command", id)
	}
	return a, nil
}

// acc returns account id, known to exist.
func (w *world) acc(id tenancy.AccountID) lifecycle.Account {
	a, _ := w.mem.Account(id)
	return a
}

// network returns the live network headed by head.
func (w *world) network(head string) (*network.Network, error) {
	n, ok := w.mem.Network(tenancy.AccountID(head))
	if !ok || n.Status() == network.Dissolved {
		return nil, fmt.Errorf("no network headed by %q: create it with create-network", head)
	}
	return n, nil
}

// actor returns who issues a command on acc: by=service is the service;
// by=USER is that user with the role they hold in acc (a person who is
// not a member claims none, and the rules refuse them); no by= is the
// account's owner.
func actor(by string, acc lifecycle.Account) tenancy.Actor {
	switch by {
	case "":
		return tenancy.Admin(acc.Owner)
	case "service":
		return tenancy.Service()
	}
	u := tenancy.UserID(by)
	if m, ok := acc.User(u); ok {
		return tenancy.Actor{User: u, Role: m.Role}
	}
	return tenancy.Actor{User: u}
}
