package network_test

import (
	"testing"
	"time"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
	"github.com/tenancykit/tenancy/plan"
)

// LIFE-05 over PLAN-02 and NET-10, the regression of issue 12: a rapid run
// of TestNetworkMachine (-rapid.seed=8017216510947916132, on the design
// before standings) ran a plan command through ApplyPlan on a head that
// the service had not advanced for two months. The code cited PLAN-02,
// the model expected NET-10; the head had been deleted meanwhile, and
// that is the answer: a command on a deleted account is refused as
// deleted (LIFE-05), whoever issues it and whatever it asks, because the
// engine advances the account to the command's time before it judges the
// command.
//
// The head lapsed to free on 17 April 2026 at 09:00 with b1 still
// connected; it was last active on 2 March, so its inactivity count runs
// from 17 April: suspended on 17 May, deleted on 16 June at 09:00. The
// service never advanced it after 17 April.
func TestLIFE05_DeletedHeadRefusesPlanCommandsFirst(t *testing.T) {
	cmds := map[string]struct {
		cmd plan.Command
		// alive is how the command is refused the day after the lapse,
		// the head still there: what the old code or the old model said.
		alive tenancy.RuleID
	}{
		"an administrator changes the plan (NET-10 while b1 is connected)": {plan.ChangePlan{By: tenancy.Admin(nrAda), Plan: plan.Basic, Period: plan.Monthly}, "NET-10"},
		"an administrator cancels (NET-10)":                                {plan.Cancel{By: tenancy.Admin(nrAda)}, "NET-10"},
		"a stranger buys Enterprise (PLAN-02)":                             {plan.Purchase{By: tenancy.Admin("mallory"), Plan: plan.Enterprise, Period: plan.Monthly}, "PLAN-02"},
		"the head's owner buys Enterprise (allowed: NET-09)":               {plan.Purchase{By: tenancy.Admin(nrAda), Plan: plan.Enterprise, Period: plan.Monthly}, ""},
	}
	dayAfter := time.Date(2026, 4, 18, 9, 0, 0, 0, time.UTC)
	later := time.Date(2026, 6, 17, 10, 0, 0, 0, time.UTC)
	purge := time.Date(2026, 6, 16, 9, 0, 0, 0, time.UTC)
	for name, c := range cmds {
		t.Run(name, func(t *testing.T) {
			w, n, head, _ := nrDisabled(t)
			// The control: alive, the head is refused by NET-10 or
			// PLAN-02, or the command goes through.
			alive := n.Clone()
			_, _, _, err := w.net.ApplyPlan(alive, head, dayAfter, c.cmd)
			if got := tenancy.RuleOf(err); got != c.alive || (c.alive == "") != (err == nil) {
				t.Fatalf("the day after the lapse: %v, want rule %q", err, c.alive)
			}
			// Two months later, the head was deleted.
			gone, _, _, err := w.net.PreviewPlan(n, head, later, c.cmd)
			nrWantRefusal(t, err, lifecycle.ErrDeleted, "LIFE-05", "2026-06-16")
			if gone.Seq != head.Seq {
				t.Errorf("the refused preview returned a changed account")
			}
			nrRefuse(t, n, func() ([]network.Effect, error) {
				_, _, effs, err := w.net.ApplyPlan(n, head, later, c.cmd)
				return effs, err
			}, lifecycle.ErrDeleted, "LIFE-05", "2026-06-16")
			// What the account says happened.
			deleted, effs, err := w.lives.Advance(head, later, nil)
			if err != nil || deleted.Stage != lifecycle.StageDeleted || effs[len(effs)-1].Kind != lifecycle.EffectPurge || !effs[len(effs)-1].At.Equal(purge) {
				t.Fatalf("advancing the head: %v, stage %v, last effect %v; want the purge at %v", err, deleted.Stage, effs[len(effs)-1], purge)
			}
		})
	}
}
