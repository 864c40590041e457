package fleet

import (
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// maxProjected bounds Project: a timeline needs far fewer deadlines
// unless account credit pays renewals for centuries.
const maxProjected = 2000

// Project returns every effect that will happen to account a if nobody
// acts (no login, no payment, no command), in the envelope and in the
// order Step would produce them: for a member of a network, the plan
// compatibility block a drop to free schedules, and its fall, are
// included (NET-07, NET-09). Only the account's own effects are listed;
// its network's notices follow from them. Customer-facing notices ("your
// account will be blocked on …") read their dates from it. It stops before
// a deadline at or after tenancy.MaxTime, which no step reaches.
func (e *Engine) Project(a lifecycle.Account) []Effect {
	var out []Effect
	var buf []lifecycle.Effect
	for range maxProjected {
		next, ok := a.NextDeadline()
		if !ok || a.Stage == lifecycle.StageDeleted {
			break
		}
		var err error
		if a, buf, err = e.lives.Advance(a, next, buf[:0]); err != nil {
			break
		}
		if a.Network != "" {
			var more []lifecycle.Effect
			if a, more, err = e.nets.Align(a, next); err != nil {
				break
			}
			buf = append(buf, more...)
		}
		for _, l := range buf {
			out = append(out, fromLife(l))
		}
	}
	return out
}

// ProjectNetwork returns the blocks the plan compatibility check will set
// on n's members if nobody acts, in time order, as the network's notices
// of them (network.Engine.Project): each falls as a deadline of the
// member's own account.
func (e *Engine) ProjectNetwork(n *network.Network) []Effect {
	effs := e.nets.Project(n)
	out := make([]Effect, len(effs))
	for i, ne := range effs {
		out[i] = fromNet(ne)
	}
	return out
}
