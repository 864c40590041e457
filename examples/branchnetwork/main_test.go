package main

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/tenancykit/tenancy/fleet"
)

// The walk-through prints the NET rules with exact dates; this pins the
// lines that carry them, in order, and checks that every line names a rule.
func TestBranchNetworkTimeline(t *testing.T) {
	var b strings.Builder
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := []string{
		"2026-03-02  NET-01   ada creates a network headed by hq, on enterprise",
		"2026-03-02  NET-01   widget at hq: operating | no branches yet",
		// NET-02, NET-13: ada administers both accounts; every
		// administrator of the branch is told.
		"2026-03-02  NET-02   ada connects berlin (professional) to hq's network: ada administers both",
		"2026-03-02  NET-13   e-mail to bea, administrator of berlin: connected to hq's network",
		"2026-03-02  NET-13   e-mail to ada, administrator of berlin: connected to hq's network",
		"2026-03-02  NET-13   pia, administrator of porto but not of hq, connects porto: refused: connecting porto needs a user who administers both hq and porto; pia does not",
		// NET-06: the free account joins on a 15-day trial, 5 to 20 March.
		"2026-03-05  NET-06   lyon was free: it gets the 15-day branch trial, until 2026-03-20",
		"2026-03-05  NET-13   e-mail to cal, administrator of lyon: connected to hq's network",
		"2026-03-05  NET-02   ada connects madrid (enterprise) to hq's network: ada administers both",
		"2026-03-05  NET-05   madrid is on enterprise yet joins as a branch: hq stays the network's only head",
		"2026-03-05  NET-03   ada connects tokyo, in zone jp: refused: tokyo is in zone \"jp\", the network in \"eu\"",
		"2026-03-05  NET-04   ada connects oslo: refused: oslo is already in the network of nord: disconnect it first",
		"2026-03-05  NET-06   widget at hq: operating | berlin connected | lyon trial | madrid connected",
		"2026-03-06  NET-10   ada moves hq to professional: refused: the head's plan cannot change while 3 branches are connected: disconnect them first",
		"2026-03-06  NET-12   ada sees [berlin hq lyon madrid oslo tokyo]: exactly the accounts whose structure includes her",
		"2026-03-06  NET-12   acc (an employee of hq) sees [hq]: working at the head grants nothing at the branches",
		"2026-03-06  NET-12   bea (berlin's owner) sees [berlin]: her own account, never the others in the network",
		"2026-03-09  NET-13   bea, berlin's administrator, disconnects berlin: refused: only an administrator of the head hq disconnects branches; bea is not one",
		"2026-03-09  NET-13   madrid disconnected from hq's network, from the head's widget",
		"2026-03-09  NET-02   dan connects madrid (enterprise) to nord's network: dan administers both",
		"2026-03-09  NET-11   madrid moved from hq to nord by a disconnection and a new connection: there is no transfer",
		"2026-03-10  NET-14   under a policy of at most 2 branches, ada connects porto as a third: refused: the network already has 2 branches, the most the policy allows",
		"2026-03-10  NET-02   ada connects porto (basic) to hq's network: ada administers both",
		"2026-03-10  NET-14   hq lists 3 branches: the default policy sets no cap",
		// NET-07: the trial ends on 20 March; 15 days later, 4 April, the
		// compatibility check blocks lyon.
		"2026-03-20  PLAN-10  lyon's trial ended without a purchase: it is on free",
		"2026-03-20  NET-07   lyon is on free now: disconnected but listed, in red; blocked on 2026-04-04 unless it goes commercial",
		"2026-03-21  NET-07   widget at hq: operating | berlin connected | lyon incompatible in red, blocked on 2026-04-04 | porto connected",
		// PLAN-14: a month of Enterprise bought on 2 March ends unpaid on
		// 2 April; the plan is kept in grace until 17 April.
		"2026-04-02  PLAN-14  hq's period ended unpaid (499.00 USD due): enterprise kept in grace until 2026-04-17, so the network still operates",
		// The block is lyon's own, scheduled when it dropped to free: the
		// account's effect (LIFE-08) is the action, the network's a notice.
		"2026-04-04  LIFE-08  the plan compatibility check blocks lyon (the branch is not on a commercial plan)",
		"2026-04-04  NET-07   the network lists lyon as blocked, in red on the head's widget",
		"2026-04-06  LIFE-08  lyon is blocked: nobody can use it until the cause is removed; its data is intact",
		"2026-04-06  NET-07   widget at hq: operating | berlin connected | lyon blocked in red | porto connected",
		// NET-08: a commercial plan lifts the block and reconnects.
		"2026-04-07  PLAN-05  lyon buys basic: charged 585.60 USD, period until 2027-04-07",
		"2026-04-07  LIFE-08  lyon's block is lifted",
		"2026-04-07  NET-08   lyon is commercial again: back in the connected list",
		"2026-04-07  NET-08   widget at hq: operating | berlin connected | lyon connected | porto connected",
		// NET-09: the grace runs out on 17 April; 15 days later, 2 May,
		// the head is blocked.
		"2026-04-17  PLAN-14  hq's grace ran out unpaid: it is on free",
		"2026-04-17  NET-09   hq lapsed from enterprise: the network is disabled, the widget hidden at every branch; hq is blocked on 2026-05-02 unless it pays again",
		"2026-04-18  NET-09   widget at hq: disabled, head blocked on 2026-05-02 | berlin connected | lyon connected | porto connected",
		"2026-04-18  NET-09   widget at berlin: hidden (hq's network is disabled)",
		"2026-05-02  LIFE-08  the plan compatibility check blocks hq (the head account lapsed and did not pay)",
		"2026-05-02  NET-09   the network notes its head hq blocked; the widget at hq shows it",
		"2026-05-03  NET-09   widget at hq: disabled, head blocked | berlin connected | lyon connected | porto connected",
		// NET-10: with branches connected, a lapsed head may not buy a
		// plan other than Enterprise; Enterprise lifts the block and
		// resumes the network (NET-09). 12 × 499.00 × 0.8 = 4790.40.
		"2026-05-04  NET-10   ada buys professional for the lapsed hq: refused: the head's plan cannot change while 3 branches are connected: disconnect them first",
		"2026-05-06  PLAN-05  hq buys enterprise: charged 4790.40 USD, period until 2027-05-06",
		"2026-05-06  LIFE-08  hq's block is lifted",
		"2026-05-06  NET-09   hq is on enterprise again: the network operates, the widget shows at every branch",
		"2026-05-06  NET-09   widget at berlin: hq's network, operating; the branches are not listed to a branch",
	}
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w+"\n")
		if i < 0 {
			if strings.Contains(out, w) {
				t.Errorf("the timeline has %q, but out of order", w)
			} else {
				t.Errorf("the timeline lacks %q", w)
			}
			continue
		}
		rest = rest[i+len(w):]
	}
	// NET-06: lyon joins on a trial, so it is incompatible only once its
	// trial ends, never in the step that connects it.
	if n := strings.Count(out, "lyon is on free now"); n != 1 {
		t.Errorf("lyon is incompatible %d times, want once", n)
	}
	rule := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}  (NET|PLAN|LIFE)-\d{2} +\S`)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" || strings.HasPrefix(line, "== ") {
			continue
		}
		if !rule.MatchString(line) {
			t.Errorf("a line names no rule: %q", line)
		}
	}
	for i := 1; i <= 14; i++ {
		if id := fmt.Sprintf("NET-%02d", i); !strings.Contains(out, "  "+id+" ") {
			t.Errorf("no line names %s", id)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", out)
	}
}

// The story is deterministic: two runs print the same bytes.
func TestBranchNetworkDeterministic(t *testing.T) {
	var a, b strings.Builder
	if err := run(&a); err != nil {
		t.Fatal(err)
	}
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("two runs differ:\n%s\n---\n%s", a.String(), b.String())
	}
}

// Every effect of the story has its own ID, so a service that executes
// effects at least once and drops repeats by ID executes each once; the
// plan compatibility blocks are actions on the accounts (LIFE-08), their
// network's word of them a notice (NET-07, NET-09).
func TestBranchNetworkEffects(t *testing.T) {
	store, err := play(io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	blocks := map[string]fleet.Class{}
	for _, e := range store.Log {
		if seen[e.ID()] {
			t.Errorf("effect ID %s twice", e.ID())
		}
		seen[e.ID()] = true
		if e.Kind == "life.block" || e.Kind == "net.blocked" {
			blocks[e.Kind+" "+string(e.Account)] = e.Class
		}
	}
	want := map[string]fleet.Class{
		"life.block lyon": fleet.Action, "net.blocked lyon": fleet.Notice,
		"life.block hq": fleet.Action, "net.blocked hq": fleet.Notice,
	}
	if !maps.Equal(blocks, want) {
		t.Errorf("blocks %v, want %v", blocks, want)
	}
}
