package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/internal/strict"
)

// PlanID identifies a plan in a catalog, for example "professional".
type PlanID string

// Kind says what sort of plan a plan is. The order matters only between
// commercial kinds: Enterprise is the highest commercial tier.
type Kind uint8

// The kinds of plan (PLAN-01).
const (
	// KindFree is the free plan every account falls back to. A catalog has
	// exactly one.
	KindFree Kind = iota + 1
	// KindTrial is the plan a trial ("test mode") runs on. A catalog has at
	// most one.
	KindTrial
	// KindCommercial is any paid plan below Enterprise.
	KindCommercial
	// KindEnterprise is the highest commercial tier; only it may head a
	// branch network.
	KindEnterprise
)

var kindNames = [...]string{"", "free", "trial", "commercial", "enterprise"}

// String returns the kind's name: "free", "trial", "commercial", "enterprise".
func (k Kind) String() string {
	if k >= KindFree && k <= KindEnterprise {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Paid reports whether plans of this kind are bought: commercial and
// Enterprise plans.
func (k Kind) Paid() bool { return k == KindCommercial || k == KindEnterprise }

// MarshalText encodes the kind as its name.
func (k Kind) MarshalText() ([]byte, error) {
	if k < KindFree || k > KindEnterprise {
		return nil, fmt.Errorf("plan: cannot encode %v", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText decodes a kind from its name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i := KindFree; i <= KindEnterprise; i++ {
		if kindNames[i] == string(b) {
			*k = i
			return nil
		}
	}
	return fmt.Errorf("plan: unknown plan kind %q", b)
}

// Unlimited is the value of a limit that has no bound.
const Unlimited int64 = -1

// GB is a gigabyte (10^9 bytes), for writing storage limits.
const GB int64 = 1_000_000_000

// Limits are what a plan allows: seats and storage. Each is a positive
// number or Unlimited; storage is at most MaxStorageBytes.
type Limits struct {
	Users        int64 `json:"users"`
	StorageBytes int64 `json:"storage_bytes"`
}

// Feature names a capability a plan may include, for example "automation".
// Feature names are the integrator's; the library only compares them.
type Feature string

// Prices are a plan's price per billing period. A zero price means the plan
// is not sold for that period.
type Prices struct {
	Monthly decimal.Decimal `json:"monthly"`
	Annual  decimal.Decimal `json:"annual"`
}

type pricesJSON struct {
	Monthly decimalJSON `json:"monthly"`
	Annual  decimalJSON `json:"annual"`
}

// UnmarshalJSON decodes prices strictly (no unknown, repeated or
// case-variant key) and reads each with ParseAmount, so that no decimal
// longer than MaxDecimalChars is parsed and none is in exponent notation.
// Whether the prices suit a plan is NewCatalog's to say.
func (pr *Prices) UnmarshalJSON(b []byte) error {
	var j pricesJSON
	if err := strict.Decode(b, &j); err != nil {
		return err
	}
	*pr = Prices{Monthly: decimal.Decimal(j.Monthly), Annual: decimal.Decimal(j.Annual)}
	return nil
}

// For returns the price for period p and whether the plan is sold for it.
func (pr Prices) For(p Period) (decimal.Decimal, bool) {
	var d decimal.Decimal
	switch p {
	case Monthly:
		d = pr.Monthly
	case Annual:
		d = pr.Annual
	default:
		return decimal.Zero, false
	}
	return d, d.IsPositive()
}

// Plan is one entry of a catalog (PLAN-01).
type Plan struct {
	ID   PlanID `json:"id"`
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Rank orders the paid plans: a higher rank is a bigger plan. Ranks are
	// unique among paid plans, and every Enterprise plan ranks above every
	// other commercial plan. Free and trial plans have rank 0.
	Rank     int       `json:"rank"`
	Limits   Limits    `json:"limits"`
	Features []Feature `json:"features"`
	Prices   Prices    `json:"prices"`
	// OnPremise marks a self-hosted licence, which is never cancelled or
	// downgraded self-service (PLAN-12).
	OnPremise bool `json:"on_premise,omitempty"`
}

// Has reports whether the plan includes feature f.
func (p Plan) Has(f Feature) bool { return slices.Contains(p.Features, f) }

// Catalog is a validated, immutable set of plans priced in one currency
// (PLAN-01). Build one with NewCatalog or by decoding JSON; both refuse a
// catalog that breaks a rule. A *Catalog is safe for concurrent use.
type Catalog struct {
	currency Currency
	plans    []Plan // ordered: free, trial, then paid plans by rank
	free     int
	trial    int // -1 when none
}

// ErrCatalog is matched by every error of NewCatalog and of
// Catalog.UnmarshalJSON. It wraps tenancy.ErrInvalid, and the error is a
// *tenancy.RuleError naming PLAN-01. (json.Unmarshal reports malformed JSON
// with its own syntax error before any catalog is decoded.)
var ErrCatalog = tenancy.Kind("plan catalog", tenancy.ErrInvalid)

func catalogError(problems []string) error {
	return tenancy.Invalid("PLAN-01", ErrCatalog, "%s", strings.Join(problems, "; "))
}

// NewCatalog validates plans and returns them as a catalog (PLAN-01). It
// reports every problem it finds at once, each naming the plan and the field:
// an empty or duplicate ID, an unknown kind, not exactly one free plan, more
// than one trial plan, no paid plan, a negative price or one finer than the
// currency's minor unit, a paid plan with no price, a free or trial plan with
// a price, a limit that is neither positive nor Unlimited, duplicate ranks,
// an Enterprise plan ranked below a commercial one, or limits that shrink as
// the rank rises. The plans are copied; the caller may reuse its slice.
func NewCatalog(cur Currency, plans ...Plan) (*Catalog, error) {
	var bad []string
	addf := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	curErr := cur.Validate()
	if curErr != nil {
		addf("%v", curErr)
	}
	seen := make(map[PlanID]bool, len(plans))
	var frees, trials, paid []int
	for i, p := range plans {
		name := string(p.ID)
		if p.ID == "" {
			name = fmt.Sprintf("#%d", i)
			addf("plan %s: empty ID", name)
		} else if seen[p.ID] {
			addf("plan %s: duplicate ID", name)
		}
		seen[p.ID] = true
		switch p.Kind {
		case KindFree:
			frees = append(frees, i)
		case KindTrial:
			trials = append(trials, i)
		case KindCommercial, KindEnterprise:
			paid = append(paid, i)
		default:
			addf("plan %s: unknown kind %v", name, p.Kind)
		}
		for _, lim := range []struct {
			what string
			v    int64
		}{{"users", p.Limits.Users}, {"storage_bytes", p.Limits.StorageBytes}} {
			if lim.v <= 0 && lim.v != Unlimited {
				addf("plan %s: limit %s is %d, want a positive number or Unlimited (-1)", name, lim.what, lim.v)
			}
		}
		if p.Limits.StorageBytes > MaxStorageBytes {
			addf("plan %s: limit storage_bytes is %d, more than %d", name, p.Limits.StorageBytes, int64(MaxStorageBytes))
		}
		fs := make(map[Feature]bool, len(p.Features))
		for _, f := range p.Features {
			if f == "" {
				addf("plan %s: empty feature name", name)
			} else if fs[f] {
				addf("plan %s: feature %q listed twice", name, f)
			}
			fs[f] = true
		}
		for _, per := range []Period{Monthly, Annual} {
			price, _ := p.Prices.For(per)
			raw := p.Prices.Monthly
			if per == Annual {
				raw = p.Prices.Annual
			}
			switch {
			case !inRange(raw):
				addf("plan %s: %s price %s is not less than 10^%d", name, per, amountString(raw), MaxAmountDigits)
			case raw.IsNegative():
				addf("plan %s: %s price %s is negative", name, per, raw)
			case curErr == nil && !cur.Whole(raw):
				addf("plan %s: %s price %s is finer than the %s minor unit", name, per, raw, cur.Code)
			case !p.Kind.Paid() && !price.IsZero():
				addf("plan %s: a %s plan has no %s price, got %s", name, p.Kind, per, raw)
			}
		}
		if p.Kind.Paid() {
			_, m := p.Prices.For(Monthly)
			_, a := p.Prices.For(Annual)
			if !m && !a {
				addf("plan %s: a paid plan needs a positive monthly or annual price", name)
			}
			if p.Rank <= 0 {
				addf("plan %s: a paid plan needs a positive rank, got %d", name, p.Rank)
			}
		} else {
			if p.Rank != 0 {
				addf("plan %s: a %s plan has rank 0, got %d", name, p.Kind, p.Rank)
			}
			if p.OnPremise {
				addf("plan %s: a %s plan cannot be an on-premise licence", name, p.Kind)
			}
		}
	}
	if len(frees) != 1 {
		addf("want exactly one free plan, found %d", len(frees))
	}
	if len(trials) > 1 {
		addf("want at most one trial plan, found %d", len(trials))
	}
	if len(paid) == 0 {
		addf("want at least one commercial plan, found none")
	}
	sort.SliceStable(paid, func(a, b int) bool { return plans[paid[a]].Rank < plans[paid[b]].Rank })
	for k := 1; k < len(paid); k++ {
		lo, hi := plans[paid[k-1]], plans[paid[k]]
		if lo.Rank == hi.Rank {
			addf("plans %s and %s share rank %d", lo.ID, hi.ID, hi.Rank)
		}
		if lo.Kind == KindEnterprise && hi.Kind == KindCommercial {
			addf("plan %s (enterprise) ranks below %s (commercial)", lo.ID, hi.ID)
		}
		if less(hi.Limits.Users, lo.Limits.Users) {
			addf("plan %s allows %s users, fewer than the lower-ranked %s (%s)", hi.ID, limitString(hi.Limits.Users), lo.ID, limitString(lo.Limits.Users))
		}
		if less(hi.Limits.StorageBytes, lo.Limits.StorageBytes) {
			addf("plan %s allows %s storage bytes, fewer than the lower-ranked %s (%s)", hi.ID, limitString(hi.Limits.StorageBytes), lo.ID, limitString(lo.Limits.StorageBytes))
		}
	}
	if len(bad) > 0 {
		return nil, catalogError(bad)
	}
	c := &Catalog{currency: cur, trial: -1}
	order := append(append(frees, trials...), paid...)
	for _, i := range order {
		p := plans[i]
		p.Features = slices.Clone(p.Features)
		c.plans = append(c.plans, p)
	}
	c.free = 0
	if len(trials) == 1 {
		c.trial = 1
	}
	return c, nil
}

// amountString writes d, or says that it is out of range without writing
// it: the String of 1e999999999 has a billion digits.
func amountString(d decimal.Decimal) string {
	if inRange(d) {
		return d.String()
	}
	return "(an amount out of range)"
}

// less reports whether limit a allows less than limit b.
func less(a, b int64) bool {
	if a == Unlimited {
		return false
	}
	return b == Unlimited || a < b
}

func limitString(v int64) string {
	if v == Unlimited {
		return "unlimited"
	}
	return fmt.Sprint(v)
}

// Currency returns the currency of the catalog's prices.
func (c *Catalog) Currency() Currency { return c.currency }

// Plans returns a copy of every plan: the free plan first, then the trial
// plan if any, then the paid plans by rising rank.
func (c *Catalog) Plans() []Plan {
	out := make([]Plan, len(c.plans))
	for i, p := range c.plans {
		p.Features = slices.Clone(p.Features)
		out[i] = p
	}
	return out
}

// Plan returns a copy of the plan with the given ID.
func (c *Catalog) Plan(id PlanID) (Plan, bool) {
	p := c.lookup(id)
	if p == nil {
		return Plan{}, false
	}
	cp := *p
	cp.Features = slices.Clone(p.Features)
	return cp, true
}

// Kind returns the kind of plan id, without copying the plan.
func (c *Catalog) Kind(id PlanID) (Kind, bool) {
	if p := c.lookup(id); p != nil {
		return p.Kind, true
	}
	return 0, false
}

// lookup returns the catalog's own plan, or nil. Catalogs are small (a
// handful of plans), so a scan beats a map and allocates nothing.
func (c *Catalog) lookup(id PlanID) *Plan {
	for i := range c.plans {
		if c.plans[i].ID == id {
			return &c.plans[i]
		}
	}
	return nil
}

// Free returns the catalog's free plan.
func (c *Catalog) Free() Plan { p, _ := c.Plan(c.plans[c.free].ID); return p }

// Trial returns the catalog's trial plan, if it has one.
func (c *Catalog) Trial() (Plan, bool) {
	if c.trial < 0 {
		return Plan{}, false
	}
	return c.Plan(c.plans[c.trial].ID)
}

type catalogJSON struct {
	Currency Currency `json:"currency"`
	Plans    []Plan   `json:"plans"`
}

// MarshalJSON encodes the catalog as {"currency": …, "plans": […]}.
func (c *Catalog) MarshalJSON() ([]byte, error) {
	return json.Marshal(catalogJSON{Currency: c.currency, Plans: c.plans})
}

// UnmarshalJSON decodes a catalog and validates it exactly as NewCatalog
// does; on error the receiver is left unchanged.
func (c *Catalog) UnmarshalJSON(b []byte) error {
	var raw catalogJSON
	if err := strict.Decode(b, &raw); err != nil {
		return catalogError([]string{err.Error()})
	}
	nc, err := NewCatalog(raw.Currency, raw.Plans...)
	if err != nil {
		return err
	}
	*c = *nc
	return nil
}
