package lifecycle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/plan"
)

// TestApplyAppend_LIFE02: ApplyAppend gives the account and effects Apply
// gives, after what dst held: an Apply that catches up three warnings and
// a suspension (LIFE-02, LIFE-01) before a restore (LIFE-04). A refusal
// returns the account and dst as they were.
func TestApplyAppend_LIFE02(t *testing.T) {
	eng := lrExampleEngine()
	created := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	a, err := eng.New("acme", "ada", "eu", time.UTC, created)
	if err != nil {
		t.Fatal(err)
	}
	at := created.AddDate(0, 0, 30)
	cmd := lifecycle.Restore{By: tenancy.Admin("ada")}
	wantA, wantEffs, err := eng.Apply(a, at, cmd)
	if err != nil {
		t.Fatal(err)
	}
	if len(wantEffs) != 5 {
		t.Fatalf("%d effects, want 3 warnings, the suspension and the restore: %v", len(wantEffs), wantEffs)
	}
	prior := lifecycle.Effect{Kind: lifecycle.EffectWarnSuspension, Account: "other"}
	dst := make([]lifecycle.Effect, 1, 16)
	dst[0] = prior
	gotA, gotEffs, err := eng.ApplyAppend(a, at, cmd, dst)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantA, gotA); d != "" {
		t.Errorf("account (-Apply +ApplyAppend):\n%s", d)
	}
	if len(gotEffs) != 6 || gotEffs[0] != prior || &gotEffs[0] != &dst[0] {
		t.Fatalf("ApplyAppend did not append to dst: %v", gotEffs)
	}
	if d := cmp.Diff(wantEffs, gotEffs[1:]); d != "" {
		t.Errorf("effects (-Apply +ApplyAppend):\n%s", d)
	}
	// A refusal: a stranger cannot restore (PLAN-02).
	refA, refEffs, err := eng.ApplyAppend(a, at, lifecycle.Restore{By: tenancy.Admin("nobody")}, dst)
	if !errors.Is(err, tenancy.ErrUnauthorized) {
		t.Fatalf("a restore by a stranger: %v", err)
	}
	if len(refEffs) != 1 || refEffs[0] != prior {
		t.Errorf("a refusal returned %v, want dst as it was", refEffs)
	}
	if d := cmp.Diff(a, refA); d != "" {
		t.Errorf("a refusal changed the account:\n%s", d)
	}
}

// TestInPlace_LIFE01: AdvanceTo and ApplyTo change the account in place
// exactly as Advance and ApplyAppend return it, and leave it untouched on
// a refusal. Invariant, over random logins, restores, deletions and clock
// jumps, with and without a right to act: after every step the account
// kept in place equals the value the copying functions returned
// (LIFE-01, LIFE-02, LIFE-04, LIFE-05, LIFE-07), and every refusal leaves
// it as it was.
func TestInPlace_LIFE01(t *testing.T) {
	eng := lrExampleEngine()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(rt *rapid.T) {
		created := time.Date(2026, time.March, 2, 9, 0, 0, 0, berlin)
		val, err := eng.New("acme", "ada", "eu", berlin, created)
		if err != nil {
			rt.Fatal(err)
		}
		in := val
		now := created
		for range rapid.IntRange(1, 30).Draw(rt, "steps") {
			now = now.Add(time.Duration(rapid.IntRange(0, 40*24).Draw(rt, "hours")) * time.Hour)
			who := rapid.SampledFrom([]tenancy.UserID{"ada", "nobody"}).Draw(rt, "who")
			var cmd lifecycle.Command
			switch rapid.IntRange(0, 3).Draw(rt, "kind") {
			case 0:
				cmd = nil // advance only
			case 1:
				cmd = lifecycle.Login{User: who}
			case 2:
				cmd = lifecycle.Restore{By: tenancy.Admin(who)}
			case 3:
				cmd = lifecycle.Delete{By: tenancy.Admin(who), Confirm: "acme"}
			}
			before := in
			var wantErr, gotErr error
			var want, got []lifecycle.Effect
			var next lifecycle.Account
			if cmd == nil {
				next, want, wantErr = eng.Advance(val, now, nil)
				got, gotErr = eng.AdvanceTo(&in, now, nil)
			} else {
				next, want, wantErr = eng.ApplyAppend(val, now, cmd, nil)
				got, gotErr = eng.ApplyTo(&in, now, cmd, nil)
			}
			if (wantErr == nil) != (gotErr == nil) {
				rt.Fatalf("copying: %v; in place: %v", wantErr, gotErr)
			}
			if gotErr != nil {
				if d := cmp.Diff(before, in); d != "" {
					rt.Fatalf("a refusal (%v) changed the account in place:\n%s", gotErr, d)
				}
				if len(got) != 0 {
					rt.Fatalf("a refusal returned effects %v", got)
				}
				continue
			}
			val = next
			if d := cmp.Diff(val, in); d != "" {
				rt.Fatalf("account (-copying +in place):\n%s", d)
			}
			if d := cmp.Diff(want, got); d != "" {
				rt.Fatalf("effects (-copying +in place):\n%s", d)
			}
		}
	})
}

// embedded is a command of another package that embeds one of
// lifecycle's: it satisfies Command but is not one of its types.
type embedded struct{ lifecycle.Login }

// TestApplyTo_RefusesEmbedded: a type that only embeds a command is
// refused with ErrInvalid, and the account is left as it was (LIFE-01).
func TestApplyTo_RefusesEmbedded(t *testing.T) {
	eng := lrExampleEngine()
	created := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	a, err := eng.New("acme", "ada", "eu", time.UTC, created)
	if err != nil {
		t.Fatal(err)
	}
	before := a
	effs, err := eng.ApplyTo(&a, created.Add(time.Hour), embedded{lifecycle.Login{User: "ada"}}, nil)
	if !errors.Is(err, tenancy.ErrInvalid) || len(effs) != 0 {
		t.Fatalf("an embedded command: %v, %v", effs, err)
	}
	if d := cmp.Diff(before, a); d != "" {
		t.Errorf("the refusal changed the account:\n%s", d)
	}
}

// TestAdvanceTo_FailureRestores_LIFE08: when a deadline cannot fire (here
// the trial's end, on a subscription changed after the account, which
// Validate refuses), AdvanceTo puts the account back as it was, the
// scheduled block that fell before it included (LIFE-08), and returns dst
// as it was.
func TestAdvanceTo_FailureRestores_LIFE08(t *testing.T) {
	eng := lrExampleEngine()
	t0 := time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)
	a, err := eng.New("acme", "ada", "eu", time.UTC, t0)
	if err != nil {
		t.Fatal(err)
	}
	if a, _, err = eng.Apply(a, t0, lifecycle.Plan{Cmd: plan.StartTrial{By: tenancy.Admin("ada")}}); err != nil {
		t.Fatal(err)
	}
	if a, _, err = eng.Apply(a, t0, lifecycle.SetBlock{By: tenancy.Service(), Cause: "x", At: t0.AddDate(0, 0, 2)}); err != nil {
		t.Fatal(err)
	}
	end, ok := a.Sub.NextDeadline()
	if !ok {
		t.Fatal("no trial end")
	}
	a.Sub.Updated = end.Add(time.Hour) // corrupt: changed after the account
	before := a
	dst := make([]lifecycle.Effect, 1, 8)
	effs, err := eng.AdvanceTo(&a, end.Add(2*time.Hour), dst)
	if err == nil {
		t.Fatal("the trial's end fired on a subscription changed after it")
	}
	if len(effs) != 1 {
		t.Errorf("a failed advance returned %d effects, want dst's 1", len(effs))
	}
	if d := cmp.Diff(before, a); d != "" {
		t.Errorf("a failed advance changed the account:\n%s", d)
	}
}
