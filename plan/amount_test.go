package plan_test

// Amounts are whole minor units of the catalog's currency and lie below
// 10^MaxAmountDigits (PLAN-06: money is decimal in the currency's minor
// units), in commands, in catalog prices and in stored states; decimal text
// is bounded before it is parsed.

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// PLAN-06: the minor unit is the currency's own (ISO 4217), not a number a
// catalog may choose: USD in thousandths would accept 2390.401 USD.
func TestPLAN06_MinorUnitsOfISOCurrencies(t *testing.T) {
	for code, want := range map[string]int32{
		"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "JPY": 0, "KRW": 0, "CLP": 0, "VND": 0, "ISK": 0,
		"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3, "CLF": 4, "UYW": 4,
		"XYZ": 2, // not ISO's: two by default
	} {
		if got := plan.MinorUnits(code); got != want {
			t.Errorf("MinorUnits(%s) = %d, want %d", code, got, want)
		}
		c, err := plan.NewCurrency(code)
		if err != nil || c != (plan.Currency{Code: code, Minor: want}) {
			t.Errorf("NewCurrency(%s) = %+v, %v; want minor %d", code, c, err, want)
		}
		for _, other := range []int32{0, 2, 3} {
			err := plan.Currency{Code: code, Minor: other}.Validate()
			if (err == nil) != (other == want) {
				t.Errorf("%s with %d minor digits: Validate() = %v, want ok=%v", code, other, err, other == want)
			}
		}
	}
	if _, err := plan.NewCurrency("usd"); err == nil {
		t.Error("NewCurrency accepted a lower-case code")
	}
	_, err := plan.NewCatalog(plan.Currency{Code: "USD", Minor: 3}, plan.DefaultCatalog().Plans()...)
	if !errors.Is(err, plan.ErrCatalog) || !strings.Contains(err.Error(), "USD has 2 minor digits") {
		t.Errorf("a catalog in USD thousandths: %v", err)
	}
}

// ParseAmount reads plain decimal notation up to MaxDecimalChars characters
// and below 10^MaxAmountDigits, and nothing else.
func TestParseAmount(t *testing.T) {
	longest := "99999999999999999.9999999999999999999999" // 40 characters
	if len(longest) != plan.MaxDecimalChars {
		t.Fatalf("the test's longest decimal has %d characters", len(longest))
	}
	for _, s := range []string{"0", "-0", "1", "-1.5", "2390.40", "2390.401", "007", longest, "999999999999999999.9999"} {
		d, err := plan.ParseAmount(s)
		if err != nil || !d.Equal(decimal.RequireFromString(s)) {
			t.Errorf("ParseAmount(%q) = %s, %v", s, d, err)
		}
	}
	for _, s := range []string{
		"", "-", ".", "1.", ".5", "+1", "1e3", "1E3", "1e-999999999", " 1", "1 ", "0x10", "1_000", "1,5", "١", "NaN", "Inf",
		longest + "9", strings.Repeat("1", 1_000_000),
		"1000000000000000000", "-1000000000000000000", "1000000000000000000.0",
	} {
		if d, err := plan.ParseAmount(s); !errors.Is(err, tenancy.ErrInvalid) {
			t.Errorf("ParseAmount(%.50q) = %s, %v; want ErrInvalid", s, d, err)
		}
	}
}

// PLAN-06: a stored state's decimals are bounded and plain (refused by
// decoding), no finer than any currency (refused by Validate) and no finer
// than the catalog's (refused by Check).
func TestPLAN06_StoredAmounts(t *testing.T) {
	e := ctEngine(t)
	active := ctActive(t, e, plan.Standard, plan.Monthly, ctAt(2026, 1, 1))
	good, err := json.Marshal(active)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(good), `"paid":"124"`) {
		t.Fatalf("no paid amount in %s", good)
	}
	with := func(paid string) []byte {
		return []byte(strings.Replace(string(good), `"paid":"124"`, `"paid":`+paid, 1))
	}
	for _, c := range []struct {
		paid string
		// decodes, and then passes Check.
		decodes, checks bool
	}{
		{`"124"`, true, true},
		{`124`, true, true}, // decimal.MarshalJSONWithoutQuotes writes it bare
		{`"124.00"`, true, true},
		{`"124.0000000"`, true, true}, // trailing zeros are no finer amount
		{`"2390.401"`, true, false},
		{`"2390.4001"`, true, false},
		{`"2390.40001"`, false, false},
		{`"1.24e2"`, false, false},
		{`"1e-999999999"`, false, false},
		{`"` + strings.Repeat("1", plan.MaxDecimalChars+1) + `"`, false, false},
		{`"1000000000000000000"`, false, false},
		{`"999999999999999999.99"`, true, true},
	} {
		var s plan.Subscription
		err := json.Unmarshal(with(c.paid), &s)
		if c.decodes != (err == nil) {
			t.Errorf("paid %s: decoding gave %v, want ok=%v", c.paid, err, c.decodes)
			continue
		}
		if err != nil {
			if !errors.Is(err, plan.ErrCorrupt) {
				t.Errorf("paid %s: %v does not match ErrCorrupt", c.paid, err)
			}
			continue
		}
		err = e.Check(s)
		if c.checks != (err == nil) {
			t.Errorf("paid %s: Check gave %v, want ok=%v", c.paid, err, c.checks)
		}
		if err != nil && (!errors.Is(err, plan.ErrCorrupt) || tenancy.RuleOf(err) != "PLAN-06") {
			t.Errorf("paid %s: %v, want ErrCorrupt under PLAN-06", c.paid, err)
		}
	}
	// A state built in Go is held to the same bounds.
	for _, d := range []decimal.Decimal{decimal.New(1, 18), decimal.New(1, 999_999_999), decimal.New(1, -999_999_999), decimal.New(123, -5)} {
		s := active
		s.Credit = d
		if err := s.Validate(); !errors.Is(err, plan.ErrCorrupt) {
			t.Errorf("credit %v: Validate() = %v, want ErrCorrupt", d.Exponent(), err)
		}
	}
}

// PLAN-01, PLAN-06: a catalog's prices are bounded and plain, in JSON and in
// Go.
func TestPLAN06_CatalogPrices(t *testing.T) {
	good, err := json.Marshal(plan.DefaultCatalog())
	if err != nil {
		t.Fatal(err)
	}
	for price, ok := range map[string]bool{
		`"61"`: true, `"61.5"`: true, `"61.001"`: false, `"6.1e1"`: false,
		`"` + strings.Repeat("6", plan.MaxDecimalChars+1) + `"`: false,
		`"1000000000000000000"`:                                 false,
	} {
		b := strings.Replace(string(good), `"monthly":"61"`, `"monthly":`+price, 1)
		var c plan.Catalog
		err := json.Unmarshal([]byte(b), &c)
		if ok != (err == nil) {
			t.Errorf("price %.50s: %v, want ok=%v", price, err, ok)
		}
		if err != nil && (!errors.Is(err, plan.ErrCatalog) || tenancy.RuleOf(err) != "PLAN-01") {
			t.Errorf("price %.50s: %v, want ErrCatalog under PLAN-01", price, err)
		}
	}
	// Prices keep their keys strict inside the catalog.
	b := strings.Replace(string(good), `"monthly":"61"`, `"monthly":"61","Monthly":"1"`, 1)
	if err := json.Unmarshal([]byte(b), new(plan.Catalog)); !errors.Is(err, plan.ErrCatalog) {
		t.Errorf("a case-variant price key: %v", err)
	}
	for _, d := range []decimal.Decimal{decimal.New(1, 18), decimal.New(1, 999_999_999), decimal.New(1, -999_999_999)} {
		ps := plan.DefaultCatalog().Plans()
		ps[2].Prices.Monthly = d
		start := time.Now()
		_, err := plan.NewCatalog(plan.USD, ps...)
		if !errors.Is(err, plan.ErrCatalog) || !strings.Contains(err.Error(), "not less than 10^18") {
			t.Errorf("price 1e%d: %v", d.Exponent(), err)
		}
		if time.Since(start) > time.Second {
			t.Errorf("refusing price 1e%d took %v", d.Exponent(), time.Since(start))
		}
	}
}

// PLAN-06, PLAN-07, PLAN-14: every amount a command carries is whole minor
// units and bounded, refused before any arithmetic on it; a balance may not
// grow past the bound.
func TestPLAN06_CommandAmounts(t *testing.T) {
	e := ctEngine(t)
	t0 := ctAt(2026, 1, 1)
	grace := ctGrace(t, e, plan.Basic, t0)
	active := ctActive(t, e, plan.Standard, plan.Monthly, t0)
	hostile := []decimal.Decimal{ctD("2390.401"), ctD("61.001"), decimal.New(1, 18), decimal.New(1, 999_999_999), decimal.New(1, -999_999_999), decimal.New(-1, 999_999_999)}
	for _, d := range hostile {
		for _, c := range []struct {
			s    plan.Subscription
			cmd  plan.Command
			rule tenancy.RuleID
		}{
			{grace, plan.RecordPayment{By: ctService, Amount: d}, "PLAN-14"},
			{active, plan.BuyTelephonyCredits{By: ctAdmin, Amount: d}, "PLAN-07"},
			{active, plan.UseTelephonyCredits{By: ctService, Amount: d}, "PLAN-07"},
			{active, plan.BuyExtraStorage{By: ctAdmin, Bytes: plan.GB, Price: d}, "PLAN-07"},
		} {
			start := time.Now()
			got, evs, err := e.Apply(c.s, c.s.Updated, c.cmd)
			ctWantRefusal(t, err, tenancy.ErrInvalid, c.rule)
			if evs != nil || ctJSON(t, got) != ctJSON(t, c.s) {
				t.Errorf("%T of 1e%d: refused but changed the state", c.cmd, d.Exponent())
			}
			if time.Since(start) > time.Second {
				t.Errorf("%T of 1e%d: refusing took %v", c.cmd, d.Exponent(), time.Since(start))
			}
		}
	}
	// The balance stops below 10^18.
	most := ctD("999999999999999999.99")
	full, _ := ctDo(t, e, active, t0, plan.BuyTelephonyCredits{By: ctAdmin, Amount: most})
	got, evs, err := e.Apply(full, t0, plan.BuyTelephonyCredits{By: ctAdmin, Amount: ctD("0.01")})
	ctWantRefusal(t, err, tenancy.ErrInvalid, "")
	if evs != nil || ctJSON(t, got) != ctJSON(t, full) {
		t.Errorf("a refused purchase of credits changed the state")
	}
	tRoundTrip(t, e, full)
	// A fee out of range is the policy's error.
	p := plan.DefaultPolicy()
	p.Refund.Fee = decimal.New(1, -999_999_999)
	if err := p.Validate(); !errors.Is(err, plan.ErrPolicy) || tenancy.RuleOf(err) != "PLAN-06" {
		t.Errorf("a fee of 1e-999999999: %v", err)
	}
}
