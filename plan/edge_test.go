package plan_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// PLAN-13: cancelling during a trial ends the trial and still confirms to
// the owner, with the reason.
func TestPLAN13_TrialCancellationIsConfirmed(t *testing.T) {
	e := ctEngine(t)
	t0 := ctAt(2026, 5, 1)
	s := ctThen(t, e, ctFree(e, t0), t0, plan.StartTrial{By: ctAdmin})
	s, evs := ctDo(t, e, s, t0.AddDate(0, 0, 3), plan.Cancel{By: ctAdmin, Reason: "not for us"})
	if s.Status != plan.StatusFree {
		t.Fatalf("status %v after cancelling a trial, want free", s.Status)
	}
	got := ctFind(t, evs, plan.EventCancellationConfirmed)
	if got.Note != "not for us" || got.Rule != "PLAN-13" {
		t.Fatalf("confirmation %+v, want the reason under PLAN-13", got)
	}
	ended := ctFind(t, evs, plan.EventTrialEnded)
	if !ended.At.Equal(t0.AddDate(0, 0, 3)) {
		t.Fatalf("trial ended at %v, want the cancellation's time", ended.At)
	}
}

// PLAN-10: a trial's length is bounded, in the command and in the policy.
func TestPLAN10_TrialLengthBounded(t *testing.T) {
	e := ctEngine(t)
	t0 := ctAt(2026, 5, 1)
	s := ctFree(e, t0)
	_, evs, err := e.Apply(s, t0, plan.StartTrial{By: ctAdmin, Days: plan.MaxTrialDays + 1})
	ctWantRefusal(t, err, tenancy.ErrInvalid, "PLAN-10")
	if evs != nil {
		t.Fatalf("a refused trial returned events %v", evs)
	}
	s2, _ := ctDo(t, e, s, t0, plan.StartTrial{By: ctAdmin, Days: plan.MaxTrialDays})
	if want := t0.AddDate(0, 0, plan.MaxTrialDays); !s2.End.Equal(want) {
		t.Fatalf("trial ends %v, want %v", s2.End, want)
	}
	p := plan.DefaultPolicy()
	p.TrialDays = plan.MaxTrialDays + 1
	if err := p.Validate(); !errors.Is(err, plan.ErrPolicy) || tenancy.RuleOf(err) != "PLAN-10" {
		t.Fatalf("Validate with TrialDays %d: %v", p.TrialDays, err)
	}
}

// Decoding refuses anything after the JSON value, for subscriptions and
// catalogs (PLAN-01), even when UnmarshalJSON is called directly.
func TestDecodersRefuseTrailingData(t *testing.T) {
	e := ctEngine(t)
	b, err := json.Marshal(ctFree(e, ctAt(2026, 1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var s plan.Subscription
	if err := s.UnmarshalJSON(append(b, []byte(` {"v":1}`)...)); !errors.Is(err, plan.ErrCorrupt) {
		t.Fatalf("subscription with trailing data: %v", err)
	}
	if s.Plan != "" {
		t.Fatalf("a refused decode changed the receiver: %+v", s)
	}
	cb, err := json.Marshal(plan.DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	var c plan.Catalog
	if err := c.UnmarshalJSON(append(cb, []byte(`[]`)...)); !errors.Is(err, plan.ErrCatalog) || tenancy.RuleOf(err) != "PLAN-01" {
		t.Fatalf("catalog with trailing data: %v", err)
	}
}

// PLAN-07: extra storage is bounded so that quota arithmetic cannot
// overflow; a decoded state beyond the bound is corrupt.
func TestPLAN07_ExtraStorageBounded(t *testing.T) {
	e := ctEngine(t)
	t0 := ctAt(2026, 5, 1)
	s := ctActive(t, e, plan.Standard, plan.Monthly, t0)
	_, _, err := e.Apply(s, t0, plan.BuyExtraStorage{By: ctAdmin, Bytes: 1<<62 + 1})
	ctWantRefusal(t, err, tenancy.ErrInvalid, "PLAN-07")
	s.AddOns.ExtraStorageBytes = 1<<62 + 1
	if err := s.Validate(); !errors.Is(err, plan.ErrCorrupt) {
		t.Fatalf("Validate with %d extra bytes: %v", s.AddOns.ExtraStorageBytes, err)
	}
}

// Decoding refuses stray closing brackets after the value too.
func TestDecodersRefuseStrayBrackets(t *testing.T) {
	e := ctEngine(t)
	b, err := json.Marshal(ctFree(e, ctAt(2026, 1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := json.Marshal(plan.DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for _, tail := range []string{"]", "}", " ]", "\n}"} {
		var s plan.Subscription
		if err := s.UnmarshalJSON(append(append([]byte{}, b...), tail...)); !errors.Is(err, plan.ErrCorrupt) {
			t.Errorf("subscription followed by %q: %v", tail, err)
		}
		var c plan.Catalog
		if err := c.UnmarshalJSON(append(append([]byte{}, cb...), tail...)); !errors.Is(err, plan.ErrCatalog) {
			t.Errorf("catalog followed by %q: %v", tail, err)
		}
	}
}

// PLAN-02: Authorize is the check Apply makes first.
func TestPLAN02_Authorize(t *testing.T) {
	if err := plan.Authorize(plan.Cancel{By: tenancy.Employee("bo")}); !errors.Is(err, tenancy.ErrUnauthorized) || tenancy.RuleOf(err) != "PLAN-02" {
		t.Fatalf("an employee's cancellation: %v", err)
	}
	if err := plan.Authorize(plan.RecordPayment{By: tenancy.Service()}); err != nil {
		t.Fatalf("the service recording a payment: %v", err)
	}
	if err := plan.Authorize(nil); !errors.Is(err, tenancy.ErrInvalid) {
		t.Fatalf("no command: %v", err)
	}
}

// PLAN-01: Kind reads a plan's kind from the catalog.
func TestPLAN01_CatalogKind(t *testing.T) {
	c := plan.DefaultCatalog()
	for id, want := range map[plan.PlanID]plan.Kind{plan.Free: plan.KindFree, plan.Trial: plan.KindTrial, plan.Basic: plan.KindCommercial, plan.Enterprise: plan.KindEnterprise} {
		if got, ok := c.Kind(id); !ok || got != want {
			t.Errorf("Kind(%s) = %v, %v; want %v", id, got, ok, want)
		}
	}
	if _, ok := c.Kind("platinum"); ok {
		t.Error("Kind of an unknown plan reported one")
	}
}
