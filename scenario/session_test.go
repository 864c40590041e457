package scenario_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
	"github.com/tenancykit/tenancy/scenario"
)

// TestSession: a session runs commands one at a time, exactly as a file
// replays them: its transcript replays with Run to the same output, and
// the world line Setup.Block writes sets up the setup it was written
// from (LIFE-02's warning days, PLAN-06's refund method and fee).
func TestSession(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	set := scenario.DefaultSetup()
	set.Zone = berlin
	set.Lives = lifecycle.Policy{InactivityDays: 20, WarningDays: []int{10, 5, 2}, PurgeDays: 14, Deletion: lifecycle.DeleteSupportOnly}
	set.Plans.Refund = plan.RefundPolicy{Method: plan.RefundDays, Fee: decimal.NewFromInt(5)}
	line, input, err := set.Block()
	if err != nil {
		t.Fatal(err)
	}
	s, err := scenario.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{line, "account bistro owner=bo at=2026-03-02T09:00", "advance 2026-03-22T09:00", "login bistro by=nobody"} {
		var in []string
		if l == line {
			in = input
		}
		if _, err := s.Do(l, in...); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	// The advance fired three warnings and the suspension, and Effects
	// has them as the driver gave them.
	effs := s.Effects()
	if len(effs) != 0 {
		t.Errorf("the refused login left effects %v", effs)
	}
	if _, err := s.Do("advance 2026-04-05T09:00"); err != nil {
		t.Fatal(err)
	}
	if kinds := kindsOf(s); kinds != "life.warn-deletion life.warn-deletion life.warn-deletion life.purge" {
		t.Errorf("effects of the advance: %s", kinds)
	}
	got := s.Store().Engine().Lives().Policy()
	if got.InactivityDays != 20 || got.PurgeDays != 14 || len(got.WarningDays) != 3 || got.Deletion != lifecycle.DeleteSupportOnly ||
		!s.Store().Engine().Plans().Policy().Refund.Fee.Equal(decimal.NewFromInt(5)) || s.Zone().String() != berlin.String() {
		t.Errorf("the world line %q set up %+v", line, got)
	}
	tr := s.Transcript("a header", "of two lines")
	if !strings.HasPrefix(tr, "# a header\n# of two lines\n\nworld zone=Europe/Berlin ") {
		t.Errorf("transcript starts %q", tr[:80])
	}
	res, err := scenario.Run(strings.NewReader(tr), "session.txt")
	if err != nil {
		t.Fatal(err)
	}
	if m := res.Mismatches(); len(m) > 0 || res.Transcript() != tr {
		t.Errorf("the transcript replays differently at %v:\n%s", m, res.Transcript())
	}
	// A line the replay cannot run is an error, and is not kept.
	if _, err := s.Do("login nobody"); err == nil {
		t.Error("a login to an unknown account ran")
	}
	if s.Transcript() != strings.TrimPrefix(tr, "# a header\n# of two lines\n\n") {
		t.Error("the failed line went into the transcript")
	}
}

func kindsOf(s *scenario.Session) string {
	var k []string
	for _, e := range s.Effects() {
		k = append(k, e.Kind)
	}
	return strings.Join(k, " ")
}
