// Package bench measures tenancy against the state-machine libraries a Go
// engineer would use instead, qmuntal/stateless and looplab/fsm, on the
// same work: the retention lap of a free account (LIFE-01, LIFE-02,
// LIFE-04). Each side is a Lap: one value that runs the lap once per call
// and reports what it computed, so that a benchmark cannot measure
// nothing. README.md says exactly what each side does.
package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/looplab/fsm"
	"github.com/qmuntal/stateless"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
)

// Result is what one lap computed: the three warning dates, the
// suspension and the deadline after the restore.
type Result struct {
	Warnings   [3]time.Time
	Suspension time.Time
	Next       time.Time
}

// Lap runs the retention lap once and returns what it computed.
type Lap interface {
	Run() (Result, error)
}

// The lap's account: a free account created in Europe/Berlin on 2 March
// 2026 at 09:00, so that its 30-day countdown crosses the change to summer
// time on 29 March; warned 7, 3 and 1 days before its suspension on 1
// April, then restored by its administrator at the suspension.
var (
	berlin  = mustZone("Europe/Berlin")
	created = time.Date(2026, time.March, 2, 9, 0, 0, 0, berlin)
	// Inactivity and the warning offsets, as lifecycle's default policy
	// has them.
	inactivityDays = 30
	warningDays    = [3]int{7, 3, 1}
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Tenancy is the lap through lifecycle.Engine, in place: copy the
// account, AdvanceTo the suspension (which fires the three warnings and
// the suspension, each computed by the engine), then ApplyTo a Restore at
// that instant, both appending to one reused slice.
type Tenancy struct {
	eng  *lifecycle.Engine
	a0   lifecycle.Account
	at   time.Time
	effs []lifecycle.Effect
}

// NewTenancy returns the tenancy side.
func NewTenancy() (*Tenancy, error) {
	eng := fleet.Default().Lives()
	a, err := eng.New("acme", "ada", "eu", berlin, created)
	if err != nil {
		return nil, err
	}
	return &Tenancy{eng: eng, a0: a, at: created.AddDate(0, 0, inactivityDays), effs: make([]lifecycle.Effect, 0, 8)}, nil
}

// Run runs one lap from the same account.
func (l *Tenancy) Run() (Result, error) {
	var r Result
	a := l.a0
	effs, err := l.eng.AdvanceTo(&a, l.at, l.effs[:0])
	if err != nil {
		return r, err
	}
	if len(effs) != 4 {
		return r, fmt.Errorf("%d effects to the suspension, want 3 warnings and it", len(effs))
	}
	for i := range 3 {
		r.Warnings[i] = effs[i].At
	}
	r.Suspension = effs[3].At
	if l.effs, err = l.eng.ApplyTo(&a, l.at, lifecycle.Restore{By: tenancy.Admin("ada")}, effs[:0]); err != nil {
		return r, err
	}
	r.Next = a.Deadline
	return r, nil
}

// The states and triggers the peers model.
const (
	active    = "active"
	warned1   = "warned-1"
	warned2   = "warned-2"
	warned3   = "warned-3"
	suspended = "suspended"
	warn      = "warn"
	suspend   = "suspend"
	restore   = "restore"
)

// dates computes what the peers must compute by hand, as the rules say: the
// suspension InactivityDays calendar days after the last activity, each
// warning its offset in days before it, all in the account's zone.
func dates(last time.Time) (w [3]time.Time, s time.Time) {
	s = last.AddDate(0, 0, inactivityDays)
	for i, d := range warningDays {
		w[i] = s.AddDate(0, 0, -d)
	}
	return w, s
}

// Dates is the date arithmetic of the lap alone: no state machine.
type Dates struct{}

// Run computes the lap's dates.
func (Dates) Run() (Result, error) {
	var r Result
	r.Warnings, r.Suspension = dates(created)
	r.Next = r.Suspension.AddDate(0, 0, inactivityDays)
	return r, nil
}

// Stateless is the lap through a qmuntal/stateless machine (external
// state storage, configured once): active, warned 1 to 3, suspended, and
// back, each transition fired at the date computed by hand.
type Stateless struct {
	state string
	sm    *stateless.StateMachine
	dated bool
}

// NewStateless returns the stateless side; bare leaves the dates out.
func NewStateless(bare bool) *Stateless {
	l := &Stateless{state: active, dated: !bare}
	l.sm = stateless.NewStateMachineWithExternalStorage(
		func(context.Context) (stateless.State, error) { return l.state, nil },
		func(_ context.Context, s stateless.State) error { l.state = s.(string); return nil },
		stateless.FiringImmediate)
	l.sm.Configure(active).Permit(warn, warned1)
	l.sm.Configure(warned1).Permit(warn, warned2)
	l.sm.Configure(warned2).Permit(warn, warned3)
	l.sm.Configure(warned3).Permit(suspend, suspended)
	l.sm.Configure(suspended).Permit(restore, active)
	return l
}

// Run runs one lap.
func (l *Stateless) Run() (Result, error) {
	var r Result
	if l.dated {
		r.Warnings, r.Suspension = dates(created)
	}
	for range 3 {
		if err := l.sm.Fire(warn); err != nil {
			return r, err
		}
	}
	if err := l.sm.Fire(suspend); err != nil {
		return r, err
	}
	if err := l.sm.Fire(restore); err != nil {
		return r, err
	}
	if l.dated {
		r.Next = r.Suspension.AddDate(0, 0, inactivityDays)
	}
	if l.state != active {
		return r, fmt.Errorf("lap ended %s", l.state)
	}
	return r, nil
}

// FSM is the lap through a looplab/fsm machine, configured once and its
// events fired at the dates computed by hand.
type FSM struct {
	m *fsm.FSM
}

// NewFSM returns the looplab/fsm side.
func NewFSM() *FSM {
	return &FSM{m: fsm.NewFSM(active, fsm.Events{
		{Name: warn, Src: []string{active}, Dst: warned1},
		{Name: warn, Src: []string{warned1}, Dst: warned2},
		{Name: warn, Src: []string{warned2}, Dst: warned3},
		{Name: suspend, Src: []string{warned3}, Dst: suspended},
		{Name: restore, Src: []string{suspended}, Dst: active},
	}, fsm.Callbacks{})}
}

// Run runs one lap.
func (l *FSM) Run() (Result, error) {
	var r Result
	ctx := context.Background()
	r.Warnings, r.Suspension = dates(created)
	for _, ev := range [...]string{warn, warn, warn, suspend, restore} {
		if err := l.m.Event(ctx, ev); err != nil {
			return r, err
		}
	}
	r.Next = r.Suspension.AddDate(0, 0, inactivityDays)
	if l.m.Current() != active {
		return r, fmt.Errorf("lap ended %s", l.m.Current())
	}
	return r, nil
}

// Sides returns every side by name, in the order the tables list them.
func Sides() ([]string, map[string]Lap, error) {
	t, err := NewTenancy()
	if err != nil {
		return nil, nil, err
	}
	return []string{"tenancy", "stateless", "stateless-bare", "fsm", "dates"}, map[string]Lap{
		"tenancy": t, "stateless": NewStateless(false), "stateless-bare": NewStateless(true), "fsm": NewFSM(), "dates": Dates{},
	}, nil
}
