package timeline

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

// Build returns the timeline of every account and network in s: the
// effects of history that concern each (what has happened, as the driver
// gave it), then what eng projects for each if nobody acts from today on
// (fleet.Engine.Project and ProjectNetwork). Accounts come in the order of
// their IDs, each network after them as "network HEAD"; identities'
// effects are left out. A deleted account's lane says when it was
// deleted.
func Build(title string, eng *fleet.Engine, s *fleet.States, history []fleet.Effect, today time.Time, zone *time.Location) Timeline {
	t := Timeline{Title: title, Today: today, Zone: zone}
	accounts := map[tenancy.AccountID][]fleet.Effect{}
	networks := map[tenancy.AccountID][]fleet.Effect{}
	for _, e := range history {
		switch e.Source {
		case fleet.KindAccount:
			accounts[e.Account] = append(accounts[e.Account], e)
		case fleet.KindNetwork:
			head := headOf(e.Network)
			networks[head] = append(networks[head], e)
		}
	}
	for id := range s.Accounts {
		if _, ok := accounts[id]; !ok {
			accounts[id] = nil
		}
	}
	for _, id := range slices.Sorted(maps.Keys(accounts)) {
		l := FromEffects(string(id), accounts[id], false)
		if a, ok := s.Accounts[id]; ok {
			if a.Stage == lifecycle.StageDeleted {
				l.Note = "deleted on " + a.Updated.In(zoneOr(zone)).Format(time.DateOnly)
			} else {
				l.Note = string(a.Sub.Plan) + ", " + a.Stage.String()
				l.Add(eng.Project(a), true)
			}
		}
		t.Lanes = append(t.Lanes, l)
	}
	for head := range s.Networks {
		if _, ok := networks[head]; !ok {
			networks[head] = nil
		}
	}
	for _, head := range slices.Sorted(maps.Keys(networks)) {
		l := FromEffects("network "+string(head), networks[head], false)
		if n, ok := s.Networks[head]; ok {
			l.Note = n.Status().String()
			if n.Status() != network.Dissolved {
				l.Add(eng.ProjectNetwork(n), true)
			}
		}
		t.Lanes = append(t.Lanes, l)
	}
	return t
}

// headOf returns the head of a network's ID ("hq@3" is hq's).
func headOf(id string) tenancy.AccountID {
	if i := strings.LastIndexByte(id, '@'); i >= 0 {
		id = id[:i]
	}
	return tenancy.AccountID(id)
}

func zoneOr(z *time.Location) *time.Location {
	if z == nil {
		return time.UTC
	}
	return z
}
