package fleet

import (
	"errors"
	"slices"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// Memory is a store in memory: every state, the inboxes, the effects
// executed and the outcomes of requests, with the loop a store runs
// around Step (load the keys, deliver the inbox, step, write back, route
// the messages). It is the reference for a store of your own, and what
// tests, examples and single-process tools use. It does no I/O and is not
// safe for concurrent use.
type Memory struct {
	eng *Engine
	all *States
	// Deferred sends every message through the inbox of its recipient
	// instead of delivering it in the step of its sender, as a store does
	// for a network with many branches. The states and effects are the
	// same either way.
	Deferred bool
	inbox    map[Key][]Message
	requests map[string]Outcome
	// Log holds every effect of every step, in order.
	Log []Effect
}

// ErrLimit is matched by the error of Memory.AdvanceTo when more deadlines
// fall than its limit allows; it wraps tenancy.ErrRefused.
var ErrLimit = tenancy.Kind("too many deadlines", tenancy.ErrRefused)

// NewMemory returns an empty store over e.
func NewMemory(e *Engine) *Memory {
	return &Memory{eng: e, all: NewStates(), inbox: map[Key][]Message{}, requests: map[string]Outcome{}}
}

// Engine returns the driver.
func (m *Memory) Engine() *Engine { return m.eng }

// States returns every state the store holds. Change them only through
// Do.
func (m *Memory) States() *States { return m.all }

// Account returns account id.
func (m *Memory) Account(id tenancy.AccountID) (lifecycle.Account, bool) {
	a, ok := m.all.Accounts[id]
	return a, ok
}

// Network returns the network headed by head.
func (m *Memory) Network(head tenancy.AccountID) (*network.Network, bool) {
	n, ok := m.all.Networks[head]
	return n, ok
}

// Pending returns the messages waiting in inboxes.
func (m *Memory) Pending() []Message {
	var out []Message
	for _, k := range slices.SortedFunc(mapKeys(m.inbox), Key.Compare) {
		out = append(out, m.inbox[k]...)
	}
	return out
}

func mapKeys(m map[Key][]Message) func(func(Key) bool) {
	return func(yield func(Key) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Do runs cmd at now as a store does: it loads the states cmd names (and,
// unless Deferred, the network of every account among them), delivers
// their inboxes, steps, writes back what changed, puts the messages for
// other states in their inboxes and logs the effects. A request ID seen
// before returns its first outcome.
func (m *Memory) Do(now time.Time, cmd Command, request string) (Ready, error) {
	networkOf := func(id tenancy.AccountID) tenancy.AccountID { return m.all.Accounts[id].Network }
	keys := m.eng.Keys(cmd, networkOf)
	if !m.Deferred {
		for _, k := range keys {
			if k.Kind == KindAccount {
				if h := networkOf(tenancy.AccountID(k.ID)); h != "" {
					keys = append(keys, NetworkKey(h))
				}
			}
		}
		slices.SortFunc(keys, Key.Compare)
		keys = slices.Compact(keys)
	}
	for range 3 {
		r, err := m.do(now, cmd, request, keys)
		var miss *MissingError
		if !errors.As(err, &miss) {
			return r, err
		}
		if !m.all.Has(miss.Key) {
			// Not a state the store failed to load: one that does not exist.
			err = tenancy.Refuse("", tenancy.ErrNotFound, "there is no %s", miss.Key)
			if request != "" {
				r = Ready{Outcome: outcome(request, fingerprint(cmd), now, nil, err)}
				m.requests[request] = r.Outcome
			}
			return r, err
		}
		if slices.Contains(keys, miss.Key) {
			return r, err
		}
		keys = append(keys, miss.Key)
	}
	return m.do(now, cmd, request, keys)
}

func (m *Memory) do(now time.Time, cmd Command, request string, keys []Key) (Ready, error) {
	s := NewStates()
	var inbox []Message
	for _, k := range keys {
		switch k.Kind {
		case KindAccount:
			if a, ok := m.all.Accounts[tenancy.AccountID(k.ID)]; ok {
				s.Accounts[a.ID] = a
			}
		case KindNetwork:
			if n, ok := m.all.Networks[tenancy.AccountID(k.ID)]; ok {
				s.Networks[n.Head()] = n
			}
		case KindIdentity:
			if i, ok := m.all.Identities[tenancy.UserID(k.ID)]; ok {
				s.Identities[i.User] = i
			}
		}
		inbox = append(inbox, m.inbox[k]...)
	}
	in := Input{Now: now, Command: cmd, Request: request, Inbox: inbox}
	if o, ok := m.requests[request]; ok && request != "" {
		in.Prior = &o
	}
	r, err := m.eng.Step(s, in)
	if request != "" && !r.Replayed && r.Outcome.Request != "" && !errors.Is(err, ErrMissing) {
		// A step refused before it began (no command, a time the
		// library does not keep) has no outcome to keep.
		m.requests[request] = r.Outcome
	}
	if err != nil || r.Replayed {
		// A replay delivered nothing: the inboxes stay for the next step.
		return r, err
	}
	for _, k := range keys {
		delete(m.inbox, k)
	}
	for _, c := range r.Changed {
		switch c.Key.Kind {
		case KindAccount:
			m.all.Accounts[tenancy.AccountID(c.Key.ID)] = s.Accounts[tenancy.AccountID(c.Key.ID)]
		case KindNetwork:
			m.all.Networks[tenancy.AccountID(c.Key.ID)] = s.Networks[tenancy.AccountID(c.Key.ID)]
		case KindIdentity:
			m.all.Identities[tenancy.UserID(c.Key.ID)] = s.Identities[tenancy.UserID(c.Key.ID)]
		}
	}
	for _, msg := range r.Messages {
		m.inbox[msg.To] = append(m.inbox[msg.To], msg)
	}
	m.Log = append(m.Log, r.Effects...)
	return r, nil
}

// Next returns the earliest deadline of any state, and the key that has
// it (the first in key order among equals).
func (m *Memory) Next() (Key, time.Time, bool) {
	var key Key
	var next time.Time
	for id := range m.all.Accounts {
		k := AccountKey(id)
		d, ok := m.all.Deadline(k)
		if ok && (next.IsZero() || d.Before(next) || d.Equal(next) && k.Compare(key) < 0) {
			key, next = k, d
		}
	}
	return key, next, !next.IsZero()
}

// AdvanceTo fires every deadline up to t, earliest first (accounts in
// key order at one instant), then delivers every inbox at t. It returns
// the effects, in order, and stops at the first error, or with ErrLimit
// after limit steps (0: 1,000,000).
func (m *Memory) AdvanceTo(t time.Time, limit int) ([]Effect, error) {
	if limit <= 0 {
		limit = 1_000_000
	}
	var out []Effect
	for i := 0; ; i++ {
		k, d, ok := m.Next()
		if !ok || d.After(t) {
			break
		}
		if i == limit {
			return out, tenancy.Refuse("", ErrLimit, "more than %d deadlines fall before %v", limit, t)
		}
		r, err := m.Do(d, Advance{Key: k}, "")
		if err != nil {
			return out, err
		}
		out = append(out, r.Effects...)
	}
	effs, err := m.Flush(t)
	return append(out, effs...), err
}

// Flush delivers every message waiting in an inbox, at now.
func (m *Memory) Flush(now time.Time) ([]Effect, error) {
	var out []Effect
	for _, k := range slices.SortedFunc(mapKeys(m.inbox), Key.Compare) {
		r, err := m.Do(now, Advance{Key: k}, "")
		if err != nil {
			return out, err
		}
		out = append(out, r.Effects...)
	}
	return out, nil
}
