package scenario

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // scenario files name IANA zones; replay them the same on every machine

	"github.com/tenancykit/tenancy"
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

// world is the state of a replay: the engines, the clock, the accounts and
// the networks.
type world struct {
	zone    *time.Location
	now     time.Time
	catalog string // how the catalog was given, for the world's output
	plans   *plan.Engine
	lives   *lifecycle.Engine
	nets    *network.Engine
	accs    map[tenancy.AccountID]lifecycle.Account
	ids     []tenancy.AccountID // sorted
	nws     map[tenancy.AccountID]*network.Network
	heads   []tenancy.AccountID // sorted
	out     []string
}

// newWorld returns an empty world in UTC with the default catalog and
// policies.
func newWorld() (*world, error) {
	w := &world{zone: time.UTC, catalog: "default",
		accs: map[tenancy.AccountID]lifecycle.Account{}, nws: map[tenancy.AccountID]*network.Network{}}
	pl, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err == nil {
		err = w.setEngines(pl, lifecycle.DefaultPolicy(), network.DefaultPolicy())
	}
	return w, err
}

// setEngines builds the lifecycle and network engines on pl.
func (w *world) setEngines(pl *plan.Engine, lp lifecycle.Policy, np network.Policy) error {
	lives, err := lifecycle.NewEngine(pl, lp)
	if err != nil {
		return err
	}
	nets, err := network.NewEngine(lives, np)
	if err != nil {
		return err
	}
	w.plans, w.lives, w.nets = pl, lives, nets
	return nil
}

// handler runs one command. It reads its arguments, calls w.begin, and
// acts. A *tenancy.RuleError it returns is printed as a refusal; any other
// error stops the replay.
type handler func(w *world, a *args) error

// run replays one block and returns its output.
func (w *world) run(b Block) ([]string, error) {
	w.out = nil
	a := &args{verb: b.verb, toks: b.args, input: b.Input, used: make([]bool, len(b.args))}
	err := commands[b.verb].run(w, a)
	var re *tenancy.RuleError
	switch {
	case errors.As(err, &re):
		w.printf("refused %v", re)
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

// rest removes the date and rule an effect's String starts with, which the
// output line gives in its own columns.
func rest(s string, at time.Time, rule tenancy.RuleID) string {
	prefix := at.Format(time.DateOnly) + " " + string(rule) + " "
	return strings.TrimPrefix(s, prefix)
}

func ruleCol(r tenancy.RuleID) string {
	if r == "" {
		return "-"
	}
	return string(r)
}

// life prints account effects: "DATE TIME RULE account: what".
func (w *world) life(effs []lifecycle.Effect) {
	for _, e := range effs {
		subject := string(e.Account)
		if subject == "" {
			subject = "user " + string(e.To)
		}
		w.printf("%s %s %s: %s", w.stamp(e.At), ruleCol(e.Rule), subject, rest(e.String(), e.At, e.Rule))
	}
}

// netLine prints one network effect: "DATE TIME RULE network HEAD: what".
func (w *world) netLine(e network.Effect) {
	w.printf("%s %s network %s: %s", w.stamp(e.At), ruleCol(e.Rule), e.Network, rest(e.String(), e.At, e.Rule))
}

// maxSteps bounds the deadlines one advance fires, so that no scenario
// runs for ever.
const maxSteps = 100_000

// advance moves the clock to t, firing every deadline of every account and
// network at or before t in time order; at one instant networks go first,
// then accounts, each in ID order. After an account's deadline its network
// observes it (NET-07 to NET-09), as a service would in the same step.
func (w *world) advance(t time.Time) error {
	if !w.now.IsZero() && t.Before(w.now) {
		return fmt.Errorf("%s is before the scenario's clock, %s: time never runs backwards", w.stamp(t), w.stamp(w.now))
	}
	for range maxSteps {
		next, ok := w.nextDeadline()
		if !ok || next.After(t) {
			w.now = t
			return nil
		}
		for _, h := range w.heads {
			if err := w.syncNetwork(w.nws[h], next); err != nil {
				return err
			}
		}
		for _, id := range w.ids {
			a := w.accs[id]
			if d, ok := a.NextDeadline(); !ok || d.After(next) {
				continue
			}
			a, effs, err := w.lives.Advance(a, next, nil)
			if err != nil {
				return err
			}
			w.accs[id] = a
			w.life(effs)
			if err := w.touch(id, next); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("more than %d deadlines before %s", maxSteps, w.stamp(t))
}

// nextDeadline returns the earliest deadline of any account or network.
func (w *world) nextDeadline() (time.Time, bool) {
	var next time.Time
	consider := func(d time.Time, ok bool) {
		if ok && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	for _, id := range w.ids {
		consider(w.accs[id].NextDeadline())
	}
	for _, h := range w.heads {
		consider(w.nws[h].NextDeadline())
	}
	return next, !next.IsZero()
}

// syncNetwork fires n's deadlines up to t and carries their effects out.
func (w *world) syncNetwork(n *network.Network, t time.Time) error {
	if d, ok := n.NextDeadline(); !ok || d.After(t) {
		return nil
	}
	effs, err := w.nets.Advance(n, t, nil)
	if err != nil {
		return err
	}
	return w.emit(effs)
}

// networkOf returns the live network account id is the head or a listed
// branch of, if any.
func (w *world) networkOf(id tenancy.AccountID) *network.Network {
	for _, h := range w.heads {
		n := w.nws[h]
		if n.Status() == network.Dissolved {
			continue
		}
		if _, ok := n.Branch(id); ok || n.Head() == id {
			return n
		}
	}
	return nil
}

// touch brings the network of account id up to date with it at t, as a
// service does after any change of a member account (NET-07 to NET-09).
func (w *world) touch(id tenancy.AccountID, t time.Time) error {
	n := w.networkOf(id)
	if n == nil {
		return nil
	}
	if err := w.syncNetwork(n, t); err != nil {
		return err
	}
	effs, err := w.nets.Observe(n, w.accs[id], t)
	if err != nil {
		return err
	}
	return w.emit(effs)
}

// emit prints network effects and carries each out on the account it is
// addressed to; then the network observes the accounts carried to, whose
// own deadlines may have fired on the way.
func (w *world) emit(effs []network.Effect) error {
	var touched []tenancy.AccountID
	for _, e := range effs {
		w.netLine(e)
		acc, ok := w.accs[e.Account]
		if !ok {
			continue
		}
		acc, leffs, err := w.nets.Carry(acc, e, e.At)
		if errors.Is(err, lifecycle.ErrDeleted) {
			continue // a deleted account has nothing left to carry out
		}
		if err != nil {
			return err
		}
		w.accs[e.Account] = acc
		w.life(leffs)
		if !slices.Contains(touched, e.Account) {
			touched = append(touched, e.Account)
		}
	}
	for _, id := range touched {
		if err := w.touch(id, w.accs[id].Updated); err != nil {
			return err
		}
	}
	return nil
}

// addAccount stores a new account.
func (w *world) addAccount(a lifecycle.Account) {
	w.accs[a.ID] = a
	w.ids = append(w.ids, a.ID)
	slices.Sort(w.ids)
}

// addNetwork stores a new network.
func (w *world) addNetwork(n *network.Network) {
	w.nws[n.Head()] = n
	if !slices.Contains(w.heads, n.Head()) {
		w.heads = append(w.heads, n.Head())
		slices.Sort(w.heads)
	}
}

// dropNetwork forgets a dissolved network.
func (w *world) dropNetwork(head tenancy.AccountID) {
	delete(w.nws, head)
	w.heads = slices.DeleteFunc(w.heads, func(h tenancy.AccountID) bool { return h == head })
}

// account returns the account named id.
func (w *world) account(id string) (lifecycle.Account, error) {
	a, ok := w.accs[tenancy.AccountID(id)]
	if !ok {
		return a, fmt.Errorf("no account %q: create it with the account command", id)
	}
	return a, nil
}

// network returns the live network headed by head.
func (w *world) network(head string) (*network.Network, error) {
	n, ok := w.nws[tenancy.AccountID(head)]
	if !ok {
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

// applyLife runs a lifecycle command on account id at the clock's time,
// prints its effects, and lets its network observe it.
func (w *world) applyLife(id tenancy.AccountID, cmd lifecycle.Command) error {
	a, effs, err := w.lives.Apply(w.accs[id], w.now, cmd)
	if err != nil {
		return err
	}
	w.accs[id] = a
	w.life(effs)
	return w.touch(id, w.now)
}

// applyPlan runs a plan command on account id: through its network when it
// is in one (NET-10, then the network observes it), directly otherwise.
func (w *world) applyPlan(id tenancy.AccountID, cmd plan.Command) error {
	n := w.networkOf(id)
	if n == nil {
		return w.applyLife(id, lifecycle.Plan{Cmd: cmd})
	}
	a, effs, neffs, err := w.nets.ApplyPlan(n, w.accs[id], w.now, cmd)
	if err != nil {
		return err
	}
	w.accs[id] = a
	w.life(effs)
	return w.emit(neffs)
}
