package lifecycle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/lifecycle"
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
