package plan

import "github.com/shopspring/decimal"

// The features of the default catalog. They are examples: an integrator's
// catalog names its own.
const (
	FeatureCRM         Feature = "crm"
	FeatureTasks       Feature = "tasks"
	FeatureDrive       Feature = "drive"
	FeatureCalendar    Feature = "calendar"
	FeatureAutomation  Feature = "automation"
	FeatureTelephony   Feature = "telephony"
	FeatureWorkflows   Feature = "workflows"
	FeatureReports     Feature = "reports"
	FeatureNetworkHead Feature = "branch-network"
)

// The plan IDs of the default catalog.
const (
	Free         PlanID = "free"
	Trial        PlanID = "trial"
	Basic        PlanID = "basic"
	Standard     PlanID = "standard"
	Professional PlanID = "professional"
	Enterprise   PlanID = "enterprise"
)

// DefaultCatalog returns a catalog shaped like Bitrix24's cloud plans, priced
// in USD, for examples and tests (PLAN-01): Free (unlimited users, 5 GB),
// a 15-day trial with Professional's features, Basic (5 users, 24 GB),
// Standard (50 users, 100 GB), Professional (100 users, 1 TB) and Enterprise
// (250 users, 3 TB). Annual prices are twelve months at a 20% discount.
// Each call returns a new catalog.
func DefaultCatalog() *Catalog {
	base := []Feature{FeatureCRM, FeatureTasks, FeatureDrive, FeatureCalendar}
	with := func(extra ...Feature) []Feature { return append(append([]Feature{}, base...), extra...) }
	price := func(monthly int64) Prices {
		m := decimal.NewFromInt(monthly)
		return Prices{Monthly: m, Annual: m.Mul(decimal.NewFromInt(12)).Mul(decimal.RequireFromString("0.8"))}
	}
	c, err := NewCatalog(USD,
		Plan{ID: Free, Name: "Free", Kind: KindFree,
			Limits: Limits{Users: Unlimited, StorageBytes: 5 * GB}, Features: with()},
		Plan{ID: Trial, Name: "Trial", Kind: KindTrial,
			Limits:   Limits{Users: 100, StorageBytes: 1000 * GB},
			Features: with(FeatureAutomation, FeatureTelephony, FeatureReports, FeatureWorkflows)},
		Plan{ID: Basic, Name: "Basic", Kind: KindCommercial, Rank: 1,
			Limits: Limits{Users: 5, StorageBytes: 24 * GB}, Features: with(FeatureReports), Prices: price(61)},
		Plan{ID: Standard, Name: "Standard", Kind: KindCommercial, Rank: 2,
			Limits:   Limits{Users: 50, StorageBytes: 100 * GB},
			Features: with(FeatureReports, FeatureAutomation, FeatureTelephony), Prices: price(124)},
		Plan{ID: Professional, Name: "Professional", Kind: KindCommercial, Rank: 3,
			Limits:   Limits{Users: 100, StorageBytes: 1000 * GB},
			Features: with(FeatureReports, FeatureAutomation, FeatureTelephony, FeatureWorkflows), Prices: price(249)},
		Plan{ID: Enterprise, Name: "Enterprise", Kind: KindEnterprise, Rank: 4,
			Limits:   Limits{Users: 250, StorageBytes: 3000 * GB},
			Features: with(FeatureReports, FeatureAutomation, FeatureTelephony, FeatureWorkflows, FeatureNetworkHead), Prices: price(499)},
	)
	if err != nil {
		panic("plan: the default catalog is invalid: " + err.Error()) // a bug in this file, caught by its tests
	}
	return c
}
