package plan_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// PLAN-01: the default catalog is shaped as documented: Free (unlimited
// users, 5 GB), a trial, Basic (5 users, 24 GB), Standard (50, 100 GB),
// Professional (100, 1 TB), Enterprise (250, 3 TB), in USD, annual prices
// twelve months less 20%.
func TestDefaultCatalog_PLAN01_Shape(t *testing.T) {
	c := plan.DefaultCatalog()
	if c.Currency() != plan.USD {
		t.Errorf("currency %+v, want USD with 2 minor digits", c.Currency())
	}
	type shape struct {
		ID              plan.PlanID
		Kind            plan.Kind
		Rank            int
		Users, Storage  int64
		Monthly, Annual string
	}
	const gb = 1_000_000_000
	want := []shape{
		{plan.Free, plan.KindFree, 0, plan.Unlimited, 5 * gb, "0", "0"},
		{plan.Trial, plan.KindTrial, 0, 100, 1000 * gb, "0", "0"},
		// annual = monthly * 12 * 0.8: 61 -> 585.60, 124 -> 1190.40,
		// 249 -> 2390.40, 499 -> 4790.40
		{plan.Basic, plan.KindCommercial, 1, 5, 24 * gb, "61", "585.60"},
		{plan.Standard, plan.KindCommercial, 2, 50, 100 * gb, "124", "1190.40"},
		{plan.Professional, plan.KindCommercial, 3, 100, 1000 * gb, "249", "2390.40"},
		{plan.Enterprise, plan.KindEnterprise, 4, 250, 3000 * gb, "499", "4790.40"},
	}
	var got []shape
	for _, p := range c.Plans() {
		got = append(got, shape{p.ID, p.Kind, p.Rank, p.Limits.Users, p.Limits.StorageBytes, p.Prices.Monthly.String(), p.Prices.Annual.String()})
	}
	// Compare prices by value: normalise through decimal.
	norm := cmp.Transformer("price", func(s shape) shape {
		s.Monthly = tbDec(tbOrZero(s.Monthly)).StringFixed(2)
		s.Annual = tbDec(tbOrZero(s.Annual)).StringFixed(2)
		return s
	})
	if diff := cmp.Diff(want, got, norm); diff != "" {
		t.Errorf("DefaultCatalog plans (-want +got):\n%s", diff)
	}
	if p := c.Free(); p.ID != plan.Free {
		t.Errorf("Free() = %s", p.ID)
	}
	if p, ok := c.Trial(); !ok || p.ID != plan.Trial {
		t.Errorf("Trial() = %s, %v", p.ID, ok)
	}
	ent, _ := c.Plan(plan.Enterprise)
	if !ent.Has(plan.FeatureNetworkHead) {
		t.Errorf("Enterprise lacks %s", plan.FeatureNetworkHead)
	}
	for _, id := range []plan.PlanID{plan.Free, plan.Basic, plan.Standard, plan.Professional} {
		if p, _ := c.Plan(id); p.Has(plan.FeatureNetworkHead) {
			t.Errorf("%s may head a network; only Enterprise should", id)
		}
	}
	// Each call returns a new catalog, equal to the last.
	if c2 := plan.DefaultCatalog(); c2 == c {
		t.Error("DefaultCatalog returned the same pointer twice")
	}
	if _, err := plan.NewCatalog(c.Currency(), c.Plans()...); err != nil {
		t.Errorf("the default catalog's plans are refused: %v", err)
	}
}

func tbOrZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

// tbGoodPlans returns a small valid catalog's plans, new on each call.
func tbGoodPlans() []plan.Plan {
	return []plan.Plan{
		{ID: "free", Name: "Free", Kind: plan.KindFree, Limits: plan.Limits{Users: plan.Unlimited, StorageBytes: 5 * plan.GB}, Features: []plan.Feature{"crm"}},
		{ID: "trial", Name: "Trial", Kind: plan.KindTrial, Limits: plan.Limits{Users: 10, StorageBytes: 50 * plan.GB}, Features: []plan.Feature{"crm", "auto"}},
		{ID: "small", Name: "Small", Kind: plan.KindCommercial, Rank: 1, Limits: plan.Limits{Users: 5, StorageBytes: 10 * plan.GB},
			Features: []plan.Feature{"crm"}, Prices: plan.Prices{Monthly: tbDec("10"), Annual: tbDec("96")}},
		{ID: "big", Name: "Big", Kind: plan.KindCommercial, Rank: 2, Limits: plan.Limits{Users: 50, StorageBytes: 100 * plan.GB},
			Features: []plan.Feature{"crm", "auto"}, Prices: plan.Prices{Monthly: tbDec("20.50")}},
		{ID: "ent", Name: "Ent", Kind: plan.KindEnterprise, Rank: 3, Limits: plan.Limits{Users: plan.Unlimited, StorageBytes: plan.Unlimited},
			Features: []plan.Feature{"crm", "auto", "net"}, Prices: plan.Prices{Annual: tbDec("1000")}},
	}
}

func tbIndex(ps []plan.Plan, id plan.PlanID) int {
	for i, p := range ps {
		if p.ID == id {
			return i
		}
	}
	panic("no plan " + id)
}

// PLAN-01: invalid catalogs are rejected at load, with an error that names
// the rule, matches ErrCatalog and tenancy.ErrInvalid, and names the plan and
// the field at fault.
func TestNewCatalog_PLAN01_Refusals(t *testing.T) {
	if _, err := plan.NewCatalog(plan.USD, tbGoodPlans()...); err != nil {
		t.Fatalf("the base catalog is refused: %v", err)
	}
	tests := []struct {
		name string
		cur  plan.Currency
		mod  func(ps []plan.Plan) []plan.Plan
		// want are fragments the message must contain.
		want []string
	}{
		{"duplicate ID", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].ID = "small"
			return ps
		}, []string{"plan small", "duplicate ID"}},
		{"empty ID", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].ID = ""
			return ps
		}, []string{"plan #3", "empty ID"}},
		{"negative price", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "small")].Prices.Annual = tbDec("-96")
			return ps
		}, []string{"plan small", "annual price -96 is negative"}},
		{"price finer than the minor unit", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Prices.Monthly = tbDec("20.505")
			return ps
		}, []string{"plan big", "monthly price 20.505", "finer than the USD minor unit"}},
		{"price finer than a yen", plan.Currency{Code: "JPY", Minor: 0}, func(ps []plan.Plan) []plan.Plan {
			return ps // 20.50 is fine in USD, not in JPY
		}, []string{"plan big", "monthly price 20.5", "JPY minor unit"}},
		{"no free plan", plan.USD, func(ps []plan.Plan) []plan.Plan {
			return ps[1:]
		}, []string{"exactly one free plan, found 0"}},
		{"two free plans", plan.USD, func(ps []plan.Plan) []plan.Plan {
			f := ps[0]
			f.ID = "free2"
			return append(ps, f)
		}, []string{"exactly one free plan, found 2"}},
		{"two trial plans", plan.USD, func(ps []plan.Plan) []plan.Plan {
			tr := ps[1]
			tr.ID = "trial2"
			return append(ps, tr)
		}, []string{"at most one trial plan, found 2"}},
		{"no paid plan", plan.USD, func(ps []plan.Plan) []plan.Plan {
			return ps[:2]
		}, []string{"at least one commercial plan"}},
		{"paid plan with no price", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Prices = plan.Prices{}
			return ps
		}, []string{"plan big", "paid plan needs a positive monthly or annual price"}},
		{"free plan with a price", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "free")].Prices.Monthly = tbDec("5")
			return ps
		}, []string{"plan free", "free plan has no monthly price"}},
		{"trial plan with a price", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "trial")].Prices.Annual = tbDec("1")
			return ps
		}, []string{"plan trial", "trial plan has no annual price"}},
		{"users shrink as rank rises", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Limits.Users = 4
			return ps
		}, []string{"plan big allows 4 users, fewer than the lower-ranked small (5)"}},
		{"storage shrinks as rank rises", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "ent")].Limits.StorageBytes = 99 * plan.GB
			return ps
		}, []string{"plan ent allows 99000000000 storage bytes, fewer than the lower-ranked big (100000000000)"}},
		{"limited above unlimited", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Limits.Users = plan.Unlimited
			ps[tbIndex(ps, "ent")].Limits.Users = 1000
			return ps
		}, []string{"plan ent allows 1000 users, fewer than the lower-ranked big (unlimited)"}},
		{"duplicate ranks", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Rank = 1
			return ps
		}, []string{"share rank 1", "small", "big"}},
		{"Enterprise ranked below a commercial plan", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "ent")].Rank = 10
			ps[tbIndex(ps, "small")].Rank = 20
			ps[tbIndex(ps, "small")].Limits = plan.Limits{Users: plan.Unlimited, StorageBytes: plan.Unlimited}
			return ps
		}, []string{"plan ent (enterprise) ranks below small (commercial)"}},
		{"paid plan without a rank", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "small")].Rank = 0
			return ps
		}, []string{"plan small", "positive rank"}},
		{"free plan with a rank", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "free")].Rank = 1
			return ps
		}, []string{"plan free", "rank 0, got 1"}},
		{"zero users", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "small")].Limits.Users = 0
			return ps
		}, []string{"plan small", "limit users is 0"}},
		{"zero storage", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "free")].Limits.StorageBytes = 0
			return ps
		}, []string{"plan free", "limit storage_bytes is 0"}},
		{"negative limit other than Unlimited", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "small")].Limits.Users = -2
			return ps
		}, []string{"plan small", "limit users is -2"}},
		{"unknown kind", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Kind = 9
			return ps
		}, []string{"plan big", "unknown kind"}},
		{"empty feature", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Features = append(ps[tbIndex(ps, "big")].Features, "")
			return ps
		}, []string{"plan big", "empty feature name"}},
		{"feature twice", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "big")].Features = append(ps[tbIndex(ps, "big")].Features, "crm")
			return ps
		}, []string{"plan big", `feature "crm" listed twice`}},
		{"on-premise free plan", plan.USD, func(ps []plan.Plan) []plan.Plan {
			ps[tbIndex(ps, "free")].OnPremise = true
			return ps
		}, []string{"plan free", "on-premise"}},
		{"bad currency code", plan.Currency{Code: "usd", Minor: 2}, func(ps []plan.Plan) []plan.Plan { return ps },
			[]string{`currency code "usd"`}},
		{"bad currency minor digits", plan.Currency{Code: "USD", Minor: 7}, func(ps []plan.Plan) []plan.Plan { return ps },
			[]string{"7 minor digits"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := plan.NewCatalog(tt.cur, tt.mod(tbGoodPlans())...)
			if c != nil {
				t.Errorf("NewCatalog returned a catalog with the error %v", err)
			}
			tbWantRefusal(t, "NewCatalog", err, plan.ErrCatalog, "PLAN-01")
			if !errors.Is(err, tenancy.ErrInvalid) {
				t.Errorf("error %v does not match tenancy.ErrInvalid", err)
			}
			if err == nil {
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// PLAN-01: every problem is reported at once.
func TestNewCatalog_PLAN01_AllProblems(t *testing.T) {
	ps := tbGoodPlans()
	ps[tbIndex(ps, "small")].Prices.Monthly = tbDec("-1")
	ps[tbIndex(ps, "big")].Limits.Users = 0
	_, err := plan.NewCatalog(plan.Currency{Code: "XX", Minor: 2}, ps...)
	tbWantRefusal(t, "NewCatalog", err, plan.ErrCatalog, "PLAN-01")
	for _, w := range []string{`"XX"`, "plan small: monthly price -1 is negative", "plan big: limit users is 0"} {
		if err != nil && !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

// PLAN-01: the catalog orders plans free, trial, then paid by rank, and
// copies what it is given.
func TestNewCatalog_PLAN01_OrderAndCopies(t *testing.T) {
	ps := tbGoodPlans()
	// Reverse the input order.
	in := []plan.Plan{ps[4], ps[3], ps[2], ps[1], ps[0]}
	c, err := plan.NewCatalog(plan.USD, in...)
	if err != nil {
		t.Fatal(err)
	}
	var ids []plan.PlanID
	for _, p := range c.Plans() {
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff([]plan.PlanID{"free", "trial", "small", "big", "ent"}, ids); diff != "" {
		t.Errorf("Plans() order (-want +got):\n%s", diff)
	}
	// Changing the caller's slices afterwards changes nothing.
	in[0].Features[0] = "changed"
	in[0].ID = "changed"
	p, ok := c.Plan("ent")
	if !ok || p.Features[0] != "crm" {
		t.Errorf("the catalog shares the caller's features: %v", p.Features)
	}

	// Plans() and Plan() return copies.
	all := c.Plans()
	all[0].Features[0] = "x"
	all[0].Features = append(all[0].Features, "y")
	all[0].Limits.Users = 1
	got, _ := c.Plan("free")
	got.Features[0] = "z"
	again, _ := c.Plan("free")
	if diff := cmp.Diff([]plan.Feature{"crm"}, again.Features); diff != "" {
		t.Errorf("mutating a returned plan changed the catalog (-want +got):\n%s", diff)
	}
	if again.Limits.Users != plan.Unlimited {
		t.Errorf("mutating Plans() changed the free plan's users to %d", again.Limits.Users)
	}
	fr := c.Free()
	fr.Features[0] = "w"
	if c.Free().Features[0] != "crm" {
		t.Error("mutating Free() changed the catalog")
	}
	if _, ok := c.Plan("nope"); ok {
		t.Error(`Plan("nope") found a plan`)
	}
}

// PLAN-01: a catalog survives a JSON round trip, and decoding validates
// exactly as NewCatalog does.
func TestCatalogJSON_PLAN01(t *testing.T) {
	for _, c := range []*plan.Catalog{plan.DefaultCatalog(), tbMustCatalog(t, plan.Currency{Code: "JPY", Minor: 0})} {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var back plan.Catalog
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		if back.Currency() != c.Currency() {
			t.Errorf("currency %+v, want %+v", back.Currency(), c.Currency())
		}
		// decimal.Decimal has an Equal method, which cmp uses.
		if diff := cmp.Diff(c.Plans(), back.Plans()); diff != "" {
			t.Errorf("round trip (-before +after):\n%s", diff)
		}
	}

	bad := map[string]string{
		"two free plans": `{"currency":{"code":"USD","minor":2},"plans":[
			{"id":"a","kind":"free","limits":{"users":-1,"storage_bytes":1}},
			{"id":"b","kind":"free","limits":{"users":-1,"storage_bytes":1}},
			{"id":"c","kind":"commercial","rank":1,"limits":{"users":1,"storage_bytes":1},"prices":{"monthly":"1","annual":"0"}}]}`,
		"finer price": `{"currency":{"code":"USD","minor":2},"plans":[
			{"id":"a","kind":"free","limits":{"users":-1,"storage_bytes":1}},
			{"id":"c","kind":"commercial","rank":1,"limits":{"users":1,"storage_bytes":1},"prices":{"monthly":"1.001","annual":"0"}}]}`,
		"unknown kind":  `{"currency":{"code":"USD","minor":2},"plans":[{"id":"a","kind":"gold"}]}`,
		"unknown field": `{"currency":{"code":"USD","minor":2},"plans":[],"extra":1}`,
		"empty":         `{}`,
	}
	// Syntax errors are json.Unmarshal's own; UnmarshalJSON, called
	// directly, reports them as a catalog error too.
	var c plan.Catalog
	tbWantRefusal(t, "UnmarshalJSON of broken JSON", c.UnmarshalJSON([]byte(`{"currency":`)), plan.ErrCatalog, "PLAN-01")
	if err := json.Unmarshal([]byte(`{"currency":`), &c); err == nil {
		t.Error("json.Unmarshal of broken JSON succeeded")
	}
	for name, src := range bad {
		t.Run(name, func(t *testing.T) {
			c := plan.DefaultCatalog()
			before := c.Plans()
			err := json.Unmarshal([]byte(src), c)
			tbWantRefusal(t, "Unmarshal", err, plan.ErrCatalog, "PLAN-01")
			if diff := cmp.Diff(before, c.Plans()); diff != "" {
				t.Errorf("a failed decode changed the catalog:\n%s", diff)
			}
		})
	}
}

func tbMustCatalog(t *testing.T, cur plan.Currency) *plan.Catalog {
	t.Helper()
	ps := tbGoodPlans()
	ps[tbIndex(ps, "big")].Prices.Monthly = decimal.NewFromInt(2050)
	c, err := plan.NewCatalog(cur, ps...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// NewEngine refuses a missing catalog (PLAN-01) and an invalid policy.
func TestNewEngine_PLAN01_NoCatalog(t *testing.T) {
	_, err := plan.NewEngine(nil, plan.DefaultPolicy())
	tbWantRefusal(t, "NewEngine(nil)", err, plan.ErrCatalog, "PLAN-01")
	_, err = plan.NewEngine(&plan.Catalog{}, plan.DefaultPolicy())
	tbWantRefusal(t, "NewEngine(empty)", err, plan.ErrCatalog, "PLAN-01")
}

// Policy.Validate names the field and the rule it serves.
func TestPolicyValidate_Rules(t *testing.T) {
	if err := plan.DefaultPolicy().Validate(); err != nil {
		t.Fatalf("DefaultPolicy is invalid: %v", err)
	}
	d := plan.DefaultPolicy()
	if d.TrialDays != 15 || d.GraceDays != 15 || d.RenewalWindowDays != 30 ||
		d.Refund.Method != plan.RefundWholeMonths || !d.Refund.Fee.IsZero() || d.OverLimit != plan.AccessReadDelete || d.Offer != nil {
		t.Errorf("DefaultPolicy = %+v, not the documented defaults", d)
	}
	tests := []struct {
		name  string
		mod   func(*plan.Policy)
		rule  tenancy.RuleID
		field string
	}{
		{"no trial days", func(p *plan.Policy) { p.TrialDays = 0 }, "PLAN-10", "TrialDays"},
		{"negative grace", func(p *plan.Policy) { p.GraceDays = -1 }, "PLAN-14", "GraceDays"},
		{"grace beyond 28", func(p *plan.Policy) { p.GraceDays = 29 }, "PLAN-14", "GraceDays"},
		{"negative window", func(p *plan.Policy) { p.RenewalWindowDays = -1 }, "PLAN-03", "RenewalWindowDays"},
		{"no refund method", func(p *plan.Policy) { p.Refund.Method = 0 }, "PLAN-06", "Refund.Method"},
		{"unknown refund method", func(p *plan.Policy) { p.Refund.Method = 9 }, "PLAN-06", "Refund.Method"},
		{"negative fee", func(p *plan.Policy) { p.Refund.Fee = tbDec("-0.01") }, "PLAN-06", "Refund.Fee"},
		{"no over-limit access", func(p *plan.Policy) { p.OverLimit = 0 }, "PLAN-08", "OverLimit"},
		{"unknown over-limit access", func(p *plan.Policy) { p.OverLimit = 9 }, "PLAN-08", "OverLimit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan.DefaultPolicy()
			tt.mod(&p)
			err := p.Validate()
			tbWantRefusal(t, "Validate", err, plan.ErrPolicy, tt.rule)
			if !errors.Is(err, tenancy.ErrInvalid) {
				t.Errorf("%v does not match tenancy.ErrInvalid", err)
			}
			if err != nil && !strings.Contains(err.Error(), tt.field) {
				t.Errorf("%q does not name %s", err, tt.field)
			}
			_, err = plan.NewEngine(plan.DefaultCatalog(), p)
			tbWantRefusal(t, "NewEngine", err, plan.ErrPolicy, tt.rule)
		})
	}
	// The edges that are allowed.
	for _, mod := range []func(*plan.Policy){
		func(p *plan.Policy) { p.TrialDays = 1 },
		func(p *plan.Policy) { p.GraceDays = 0 },
		func(p *plan.Policy) { p.GraceDays = 28 },
		func(p *plan.Policy) { p.RenewalWindowDays = 0 },
		func(p *plan.Policy) { p.Refund.Method = plan.RefundNone },
		func(p *plan.Policy) { p.Refund.Method = plan.RefundDays },
		func(p *plan.Policy) { p.OverLimit = plan.AccessNone },
	} {
		p := plan.DefaultPolicy()
		mod(&p)
		if err := p.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want ok", p, err)
		}
	}
}
