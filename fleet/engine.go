package fleet

import (
	"cmp"
	"slices"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// ErrMissing is matched by the error of a step that needs a state its
// States do not hold: the store loads the key the error names (see
// *MissingError) and runs the step again. It wraps tenancy.ErrInvalid.
var ErrMissing = tenancy.Kind("state not loaded", tenancy.ErrInvalid)

// MissingError names a state a step needs and was not given.
type MissingError struct{ Key Key }

// Error returns "no state KEY in the step".
func (e *MissingError) Error() string {
	return "no state " + e.Key.String() + " in the step: not loaded, or it does not exist"
}

// Is matches ErrMissing.
func (e *MissingError) Is(target error) bool { return target == ErrMissing }

// Engine is the driver: the one front door to the rules for a service
// with accounts, networks and identities. It holds the three engines of
// the lower level and no state; an *Engine is safe for concurrent use.
type Engine struct {
	plans *plan.Engine
	lives *lifecycle.Engine
	nets  *network.Engine
}

// New returns a driver over the network engine (and, through it, the
// lifecycle and plan engines with their catalog and policies).
func New(nets *network.Engine) (*Engine, error) {
	if nets == nil {
		return nil, tenancy.Refuse("", tenancy.ErrInvalid, "no network engine")
	}
	return &Engine{plans: nets.Lives().Plans(), lives: nets.Lives(), nets: nets}, nil
}

// Default returns a driver with the default catalog and every default
// policy.
func Default() *Engine {
	plans, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err) // the defaults are valid; a test proves it
	}
	lives, _ := lifecycle.NewEngine(plans, lifecycle.DefaultPolicy())
	nets, _ := network.NewEngine(lives, network.DefaultPolicy())
	e, _ := New(nets)
	return e
}

// Plans, Lives and Networks return the engines of the lower level.
func (e *Engine) Plans() *plan.Engine { return e.plans }

// Lives returns the lifecycle engine.
func (e *Engine) Lives() *lifecycle.Engine { return e.lives }

// Networks returns the network engine.
func (e *Engine) Networks() *network.Engine { return e.nets }

// States are the states one step reads and writes, as the store loaded
// them; Step changes them in place when it succeeds and leaves them as
// they were when it fails. A network absent from Networks is not part of
// the step: messages to it go out in Ready.Messages.
type States struct {
	Accounts   map[tenancy.AccountID]lifecycle.Account
	Networks   map[tenancy.AccountID]*network.Network
	Identities map[tenancy.UserID]Identity
}

// NewStates returns empty States.
func NewStates() *States {
	return &States{Accounts: map[tenancy.AccountID]lifecycle.Account{},
		Networks: map[tenancy.AccountID]*network.Network{}, Identities: map[tenancy.UserID]Identity{}}
}

// Has reports whether s holds the state k names.
func (s *States) Has(k Key) bool {
	var ok bool
	switch k.Kind {
	case KindAccount:
		_, ok = s.Accounts[tenancy.AccountID(k.ID)]
	case KindNetwork:
		_, ok = s.Networks[tenancy.AccountID(k.ID)]
	case KindIdentity:
		_, ok = s.Identities[tenancy.UserID(k.ID)]
	}
	return ok
}

// Deadline returns the next deadline of the state k names in s: an
// account's (lifecycle.Account.NextDeadline); networks and identities
// have none, they change only when a step runs on them.
func (s *States) Deadline(k Key) (time.Time, bool) {
	if k.Kind != KindAccount {
		return time.Time{}, false
	}
	a, ok := s.Accounts[tenancy.AccountID(k.ID)]
	if !ok || a.Stage == lifecycle.StageDeleted {
		return time.Time{}, false
	}
	return a.NextDeadline()
}

// Keys returns the states cmd reads and writes, sorted and without
// repeats in the order a store locks them (Key.Compare). networkOf tells
// the head of the network an account is in, "" for none, as the store's
// index says (nil: none known); a plan command on a head needs its
// network (NET-10). To deliver a member's messages in the same step
// rather than through the outbox, a store adds the member's network.
func (e *Engine) Keys(cmd Command, networkOf func(tenancy.AccountID) tenancy.AccountID) []Key {
	if cmd == nil {
		return nil
	}
	ks := cmd.keys(networkOf, nil)
	slices.SortFunc(ks, Key.Compare)
	return slices.Compact(ks)
}

// Input is one step's input.
type Input struct {
	Now     time.Time
	Command Command
	// Request, if not empty, identifies the request for idempotency;
	// Prior is the Outcome the store kept for it, if it has one. A
	// replay returns Prior and changes nothing.
	Request string
	Prior   *Outcome
	// Inbox holds the messages waiting for the step's states, in any
	// order; the step delivers them before anything else.
	Inbox []Message
	// Effects, if not nil, is a buffer the step appends its effects to
	// from its start: Ready.Effects then shares it. A loop that passes
	// the last Ready.Effects[:0] allocates no new slice.
	Effects []Effect
}

// Change is a state a step changed, with its next deadline.
type Change struct {
	Key      Key
	Deadline time.Time // zero when it has none
}

// Ready is what a step hands the store, to write in one transaction.
type Ready struct {
	// Changed lists the states that changed, in key order, each with its
	// next deadline: write each from States and index the deadline.
	Changed []Change
	// Effects are the effects to execute, in the order they happened:
	// put them in the outbox, keyed by ID.
	Effects []Effect
	// Messages are for states that were not in the step: put each in its
	// recipient's inbox.
	Messages []Message
	// Outcome is what to keep under Input.Request, when it has one.
	Outcome Outcome
	// Replayed says the request had run before: nothing changed and
	// Effects is empty; Outcome is the first outcome.
	Replayed bool
}

// Step runs one command over s at in.Now: it delivers the inbox, advances
// every account the command names to now (a member's standing, when it
// changes, becomes a message to its network, delivered at once if the
// network is in s), runs the command, and returns what changed. A refusal
// returns the error, naming its rule, with s unchanged and a Ready that
// holds only the Outcome.
//
// A step without a command, or at a time the library does not keep
// (tenancy.CheckTime: before tenancy.MinTime, at or after
// tenancy.MaxTime), is refused with tenancy.ErrInvalid before anything
// else, with an empty Ready: there is no outcome to keep, since an
// outcome at such a time could not be stored.
func (e *Engine) Step(s *States, in Input) (Ready, error) {
	if in.Command == nil {
		return Ready{}, tenancy.Refuse("", tenancy.ErrInvalid, "no command")
	}
	if err := tenancy.CheckTime(in.Now, nil); err != nil {
		return Ready{}, err
	}
	print := ""
	if in.Request != "" || in.Prior != nil {
		// Only a request is remembered; formatting the command costs.
		print = fingerprint(in.Command)
	}
	if in.Prior != nil {
		if in.Prior.Command != print {
			return Ready{}, tenancy.Refuse("", tenancy.ErrInvalid, "request %q was %s, not %s", in.Request, in.Prior.Command, print)
		}
		return Ready{Outcome: *in.Prior, Replayed: true}, in.Prior.Err()
	}
	var stv step
	st := &stv
	st.e, st.s, st.now, st.effs = e, s, in.Now, in.Effects[:0]
	err := st.run(in)
	if err != nil {
		st.rollback()
		r := Ready{}
		if in.Request != "" {
			r.Outcome = outcome(in.Request, print, in.Now, nil, err)
		}
		return r, err
	}
	st.commit()
	r := Ready{Effects: st.effs, Messages: st.out}
	if in.Request != "" {
		r.Outcome = outcome(in.Request, print, in.Now, st.effs, nil)
	}
	r.Changed = st.changes()
	return r, nil
}

// Preview runs a step and undoes it: the effects a command would have,
// nothing committed, for the person to read before confirming.
func (e *Engine) Preview(s *States, in Input) (Ready, error) {
	if in.Command == nil {
		return Ready{}, tenancy.Refuse("", tenancy.ErrInvalid, "no command")
	}
	if err := tenancy.CheckTime(in.Now, nil); err != nil {
		return Ready{}, err
	}
	st := &step{e: e, s: s, now: in.Now}
	err := st.run(in)
	st.rollback()
	return Ready{Effects: st.effs, Messages: st.out}, err
}

// step is one Step's work: what it changed, to return or to undo.
type step struct {
	e    *Engine
	s    *States
	now  time.Time
	effs []Effect
	out  []Message
	// netChanged lists the heads of the networks the step changed.
	netChanged []tenancy.AccountID
	// acc0 and accs are the accounts' new values, written to s on
	// commit: the first in a field of its own, so that a step over one
	// account allocates none.
	acc0 lifecycle.Account
	accs []lifecycle.Account
	// lives is a buffer for the account effects of an advance or a
	// command, copied out at once.
	lives [8]lifecycle.Effect
	// ids holds each identity the step changed in s as it was (present
	// false when it did not exist), begun the networks under a unit of
	// work, netOld the networks that new ones replaced: what a rollback
	// puts back.
	ids    []savedIdentity
	begun  []*network.Network
	netOld []savedNetwork
}
type savedIdentity struct {
	i       Identity
	present bool
}
type savedNetwork struct {
	head tenancy.AccountID
	n    *network.Network
}

func (st *step) run(in Input) error {
	switch in.Command.(type) {
	case OnAccount, Advance:
		// They find out for themselves, without allocating the keys.
	default:
		states := st.s // not st: a closure over st would move it to the heap
		networkOf := func(id tenancy.AccountID) tenancy.AccountID { return states.Accounts[id].Network }
		for _, k := range in.Command.keys(networkOf, nil) {
			if !st.s.Has(k) && !creates(in.Command, k) {
				return &MissingError{Key: k}
			}
		}
	}
	inbox := in.Inbox
	if len(inbox) > 1 {
		inbox = slices.Clone(in.Inbox)
	}
	slices.SortFunc(inbox, func(a, b Message) int {
		return cmp.Or(a.Standing.At.Compare(b.Standing.At), cmp.Compare(a.Standing.Account, b.Standing.Account),
			cmp.Compare(a.Standing.Seq, b.Standing.Seq))
	})
	for _, m := range inbox {
		n := st.network(tenancy.AccountID(m.To.ID))
		if m.To.Kind != KindNetwork || n == nil {
			return tenancy.Refuse("", tenancy.ErrInvalid, "message %s is for a state not in the step", m.ID())
		}
		if err := st.deliver(n, m.Standing); err != nil {
			return err
		}
	}
	// A type switch rather than a method of the interface, so that the
	// step stays on the stack.
	switch c := in.Command.(type) {
	case OnAccount:
		return c.run(st)
	case Advance:
		return c.run(st)
	case NewAccount:
		return c.run(st)
	case CreateNetwork:
		return c.run(st)
	case Connect:
		return c.run(st)
	case Disconnect:
		return c.run(st)
	case Dissolve:
		return c.run(st)
	case ForgetIdentity:
		return c.run(st)
	}
	return tenancy.Refuse("", tenancy.ErrInvalid, "unknown command %T", in.Command)
}

// creates reports whether cmd may create the state k names.
func creates(cmd Command, k Key) bool {
	switch c := cmd.(type) {
	case NewAccount:
		return k == AccountKey(c.ID) || k.Kind == KindIdentity
	case CreateNetwork:
		return k == NetworkKey(c.Head)
	case OnAccount:
		return k.Kind == KindIdentity
	}
	return false
}

// get returns account id as the step has it.
func (st *step) get(id tenancy.AccountID) (lifecycle.Account, bool) {
	if st.acc0.ID == id && id != "" {
		return st.acc0, true
	}
	for i := range st.accs {
		if st.accs[i].ID == id {
			return st.accs[i], true
		}
	}
	a, ok := st.s.Accounts[id]
	return a, ok
}

// network returns the network headed by head in the step, beginning a
// unit of work on it the first time; nil when it is not in the step.
func (st *step) network(head tenancy.AccountID) *network.Network {
	n := st.s.Networks[head]
	if n != nil && !slices.Contains(st.begun, n) {
		n.Begin()
		st.begun = append(st.begun, n)
	}
	return n
}

// account returns account id, or the refusal that it does not exist.
func (st *step) account(id tenancy.AccountID) (lifecycle.Account, error) {
	a, ok := st.get(id)
	if !ok {
		return a, &MissingError{Key: AccountKey(id)}
	}
	return a, nil
}

// setAccount keeps a as the account's new value, written to the States
// when the step commits.
func (st *step) setAccount(a lifecycle.Account) {
	switch st.acc0.ID {
	case a.ID:
		st.acc0 = a
		return
	case "":
		st.acc0 = a
		return
	}
	for i := range st.accs {
		if st.accs[i].ID == a.ID {
			st.accs[i] = a
			return
		}
	}
	st.accs = append(st.accs, a)
}

// changes lists every state the step changed, in key order, with its
// next deadline.
func (st *step) changes() []Change {
	n := len(st.accs) + len(st.ids) + len(st.netChanged)
	if st.acc0.ID != "" {
		n++
	}
	out := make([]Change, 0, n)
	add := func(k Key) {
		d, _ := st.s.Deadline(k)
		out = append(out, Change{Key: k, Deadline: d})
	}
	if st.acc0.ID != "" {
		add(AccountKey(st.acc0.ID))
	}
	for _, a := range st.accs {
		add(AccountKey(a.ID))
	}
	for _, h := range st.netChanged {
		add(NetworkKey(h))
	}
	for _, i := range st.ids {
		add(IdentityKey(i.i.User))
	}
	if len(out) > 1 {
		slices.SortFunc(out, func(a, b Change) int { return a.Key.Compare(b.Key) })
		out = slices.CompactFunc(out, func(a, b Change) bool { return a.Key == b.Key })
	}
	return out
}

// setIdentity stores i, keeping the identity as it was.
func (st *step) setIdentity(i Identity) {
	old, ok := st.s.Identities[i.User]
	if !ok {
		old.User = i.User
	}
	st.ids = append(st.ids, savedIdentity{i: old, present: ok})
	st.s.Identities[i.User] = i

}

// setNetwork stores a new network n, keeping the one it replaces.
func (st *step) setNetwork(n *network.Network) {
	st.netOld = append(st.netOld, savedNetwork{head: n.Head(), n: st.s.Networks[n.Head()]})
	st.s.Networks[n.Head()] = n
	st.netChanged = append(st.netChanged, n.Head())
}

func (st *step) rollback() {
	for _, n := range st.begun {
		n.Rollback()
	}
	for i := len(st.netOld) - 1; i >= 0; i-- {
		o := st.netOld[i]
		if o.n == nil {
			delete(st.s.Networks, o.head)
		} else {
			st.s.Networks[o.head] = o.n
		}
	}
	for i := len(st.ids) - 1; i >= 0; i-- {
		o := st.ids[i]
		if o.present {
			st.s.Identities[o.i.User] = o.i
		} else {
			delete(st.s.Identities, o.i.User)
		}
	}
}

func (st *step) commit() {
	if st.acc0.ID != "" {
		st.s.Accounts[st.acc0.ID] = st.acc0
	}
	for i := range st.accs {
		st.s.Accounts[st.accs[i].ID] = st.accs[i]
	}
	for _, n := range st.begun {
		n.Commit()
	}
}

// life appends an account's effects.
func (st *step) life(effs []lifecycle.Effect) {
	st.effs = slices.Grow(st.effs, len(effs))
	for _, l := range effs {
		st.effs = append(st.effs, fromLife(l))
	}
}

// deliver applies a standing to network n.
func (st *step) deliver(n *network.Network, s network.Standing) error {
	effs, err := st.e.nets.Deliver(n, s)
	if err != nil {
		return err
	}
	for _, ne := range effs {
		st.effs = append(st.effs, fromNet(ne))
	}
	st.netChanged = append(st.netChanged, n.Head())
	return nil
}

// send tells network head of a member's standing: at once when the
// network is in the step, through Ready.Messages otherwise.
func (st *step) send(head tenancy.AccountID, s network.Standing) error {
	s.Network = head
	if n := st.network(head); n != nil {
		return st.deliver(n, s)
	}
	st.out = append(st.out, Message{To: NetworkKey(head), Standing: s})
	return nil
}

// react follows a change of account a from its standing before: it aligns
// the plan compatibility block and, if the standing changed, tells the
// network (NET-07 to NET-09).
func (st *step) react(a lifecycle.Account, before network.Standing, at time.Time) (lifecycle.Account, error) {
	if a.Network == "" && before.Network == "" {
		return a, nil
	}
	a, effs, err := st.e.nets.Align(a, at)
	if err != nil {
		return a, err
	}
	st.life(effs)
	after := st.e.nets.StandingOf(a)
	head := after.Network
	if head == "" {
		head = before.Network
	}
	after.Network = head
	before.Network = head
	if after.Same(before) {
		return a, nil
	}
	return a, st.send(head, after)
}

// advance moves account id to now, one instant at a time for a member so
// that each change of its standing is seen at the instant it happened.
func (st *step) advance(id tenancy.AccountID) (lifecycle.Account, error) {
	a, err := st.account(id)
	if err != nil {
		return a, err
	}
	if next, ok := a.NextDeadline(); !ok || next.After(st.now) || a.Stage == lifecycle.StageDeleted {
		if st.now.Before(a.Updated) {
			return a, tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before account %s's last change at %v", st.now, a.ID, a.Updated)
		}
		return a, nil
	}
	effs := st.lives[:0]
	if a.Network == "" {
		if effs, err = st.e.lives.AdvanceTo(&a, st.now, st.lives[:0]); err != nil {
			return a, err
		}
		st.life(effs)
		st.setAccount(a)
		return a, nil
	}
	for {
		next, ok := a.NextDeadline()
		if !ok || next.After(st.now) || a.Stage == lifecycle.StageDeleted {
			break
		}
		before := st.e.nets.StandingOf(a)
		if effs, err = st.e.lives.AdvanceTo(&a, next, effs[:0]); err != nil {
			return a, err
		}
		st.life(effs)
		if a, err = st.react(a, before, next); err != nil {
			return a, err
		}
	}
	st.setAccount(a)
	return a, nil
}

// apply runs a lifecycle command on account a, already advanced, and
// follows it with react.
func (st *step) apply(a lifecycle.Account, cmd lifecycle.Command) (lifecycle.Account, error) {
	var before network.Standing
	if a.Network != "" {
		before = st.e.nets.StandingOf(a)
	}
	effs, err := st.e.lives.ApplyTo(&a, st.now, cmd, st.lives[:0])
	if err != nil {
		return a, err
	}
	st.life(effs)
	if a, err = st.react(a, before, st.now); err != nil {
		return a, err
	}
	st.setAccount(a)
	return a, nil
}

// carry carries network effects out on the accounts of the step they are
// addressed to, then appends them. Each account tells its network of its
// new standing once all its effects are carried (the branch trial comes
// after the joining), so that no passing state is reported.
func (st *step) carry(n *network.Network, effs []network.Effect) error {
	type touched struct {
		id     tenancy.AccountID
		before network.Standing
		at     time.Time
	}
	var seen []touched
	for _, ne := range effs {
		st.effs = append(st.effs, fromNet(ne))
		a, ok := st.get(ne.Account)
		if !ok || a.Stage == lifecycle.StageDeleted {
			continue
		}
		if !slices.ContainsFunc(seen, func(t touched) bool { return t.id == a.ID }) {
			seen = append(seen, touched{id: a.ID, before: st.e.nets.StandingOf(a), at: ne.At})
		}
		a2, leffs, err := st.e.nets.Carry(a, ne, ne.At)
		if err != nil {
			return err
		}
		st.life(leffs)
		st.setAccount(a2)
	}
	for _, t := range seen {
		a, _ := st.get(t.id)
		a, err := st.react(a, t.before, t.at)
		if err != nil {
			return err
		}
		st.setAccount(a)
	}
	st.netChanged = append(st.netChanged, n.Head())
	return nil
}

// identity makes sure user has a live identity.
func (st *step) identity(user tenancy.UserID) {
	i, ok := st.s.Identities[user]
	if ok && i.Live() {
		return
	}
	// A forgotten user's new identity numbers its effects on from the old
	// one's, so that their IDs stay unique.
	now := st.now.UTC()
	st.setIdentity(Identity{User: user, Since: now, Updated: now, Seq: i.Seq})
}

func (c NewAccount) run(st *step) error {
	if _, ok := st.get(c.ID); ok {
		return tenancy.Refuse("", tenancy.ErrRefused, "account %s already exists", c.ID)
	}
	a, err := st.e.lives.New(c.ID, c.Owner, c.DomainZone, c.Location, st.now)
	if err != nil {
		return err
	}
	st.setAccount(a)
	st.identity(c.Owner)
	return nil
}

func (c OnAccount) run(st *step) error {
	if c.Cmd == nil {
		return tenancy.Refuse("", tenancy.ErrInvalid, "no command")
	}
	switch c.Cmd.(type) {
	case lifecycle.JoinNetwork, lifecycle.LeaveNetwork, lifecycle.HeadPlan:
		return tenancy.Refuse("NET-04", tenancy.ErrInvalid, "network membership is the driver's: use Connect, Disconnect or Dissolve")
	}
	a, err := st.advance(c.Account)
	if err != nil {
		return err
	}
	cmd := c.Cmd
	if p, ok := cmd.(lifecycle.Plan); ok && a.Network == a.ID {
		n := st.network(a.ID)
		if n == nil {
			return &MissingError{Key: NetworkKey(a.ID)}
		}
		cmd = st.e.nets.PlanCommand(n, a, p.Cmd)
	}
	if _, err := st.apply(a, cmd); err != nil {
		return err
	}
	if u, ok := c.Cmd.(lifecycle.AddUser); ok {
		st.identity(u.User)
	}
	return nil
}

func (c Advance) run(st *step) error {
	switch c.Key.Kind {
	case KindAccount:
		_, err := st.advance(tenancy.AccountID(c.Key.ID))
		return err
	case KindNetwork, KindIdentity:
		return nil // the inbox is delivered; nothing else is due
	}
	return tenancy.Refuse("", tenancy.ErrInvalid, "no state %s", c.Key)
}

// admin refuses by when it is the service, or claims a role it does not
// hold in a: the network verbs are a person's (NET-13). Whether that
// person administers the accounts is the network engine's to say.
func admin(a lifecycle.Account, by tenancy.Actor) error {
	if by.Role == tenancy.RoleService {
		return tenancy.Refuse("NET-13", tenancy.ErrUnauthorized, "the network verbs are a person's, not the service's")
	}
	if u, ok := a.User(by.User); ok && !u.Dismissed && by.Role != 0 && u.Role != by.Role {
		return tenancy.Refuse("NET-13", tenancy.ErrUnauthorized, "%s is %s of account %s, not %s", by.User, u.Role, a.ID, by.Role)
	}
	return nil
}

func (c CreateNetwork) run(st *step) error {
	head, err := st.advance(c.Head)
	if err != nil {
		return err
	}
	if err := admin(head, c.By); err != nil {
		return err
	}
	if old := st.s.Networks[c.Head]; old != nil && old.Status() != network.Dissolved {
		return tenancy.Refuse("NET-04", network.ErrInNetwork, "%s already heads a network", c.Head)
	}
	n, effs, err := st.e.nets.Create(head, c.By.User, st.now)
	if err != nil {
		return err
	}
	st.setNetwork(n)
	return st.carry(n, effs)
}

// members returns the network of head and its head's account, advanced.
func (st *step) members(head tenancy.AccountID, by tenancy.Actor) (*network.Network, lifecycle.Account, error) {
	h, err := st.advance(head)
	if err != nil {
		return nil, h, err
	}
	n := st.network(head)
	if n == nil {
		return nil, h, tenancy.Refuse("NET-01", tenancy.ErrNotFound, "%s heads no network", head)
	}
	return n, h, admin(h, by)
}

func (c Connect) run(st *step) error {
	n, head, err := st.members(c.Head, c.By)
	if err != nil {
		return err
	}
	branch, err := st.advance(c.Branch)
	if err != nil {
		return err
	}
	if err := admin(branch, c.By); err != nil {
		return err
	}
	effs, err := st.e.nets.Connect(n, head, branch, c.By.User, st.now)
	if err != nil {
		return err
	}
	return st.carry(n, effs)
}

func (c Disconnect) run(st *step) error {
	n, head, err := st.members(c.Head, c.By)
	if err != nil {
		return err
	}
	if _, err := st.advance(c.Branch); err != nil {
		return err
	}
	effs, err := st.e.nets.Disconnect(n, head, c.Branch, c.By.User, st.now)
	if err != nil {
		return err
	}
	return st.carry(n, effs)
}

func (c Dissolve) run(st *step) error {
	n, head, err := st.members(c.Head, c.By)
	if err != nil {
		return err
	}
	effs, err := st.e.nets.Dissolve(n, head, c.By.User, st.now)
	if err != nil {
		return err
	}
	return st.carry(n, effs)
}

func (c ForgetIdentity) run(st *step) error {
	i, ok := st.s.Identities[c.User]
	if !ok || !i.Live() {
		return tenancy.Refuse("LIFE-06", tenancy.ErrNotFound, "%s has no network identity", c.User)
	}
	if st.now.Before(i.Updated) {
		return tenancy.Refuse("", tenancy.ErrTimeWentBack, "%v is before identity %s's last change at %v", st.now, c.User, i.Updated)
	}
	l, err := lifecycle.ForgetIdentity(c.By, c.User, st.now)
	if err != nil {
		return err
	}
	i.Seq++
	i.Forgotten, i.Updated = st.now, st.now
	st.setIdentity(i)
	st.effs = append(st.effs, Effect{Source: KindIdentity, Seq: i.Seq,
		Kind: "life." + l.Kind.String(), Class: Action, Rule: l.Rule, User: c.User, At: st.now})
	return nil
}
