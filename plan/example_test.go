package plan_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/plan"
)

// A trial, then a purchase during it (PLAN-10, PLAN-05). Apply returns the
// new subscription and the events for the service to act on; the
// subscription it was given is left as it was.
func ExampleEngine_Apply() {
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	admin := tenancy.Admin("ada")
	now := time.Date(2024, time.March, 1, 9, 0, 0, 0, time.UTC)
	s, err := eng.New("acme", time.UTC, now)
	if err != nil {
		panic(err)
	}

	s, events, err := eng.Apply(s, now, plan.StartTrial{By: admin})
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println(ev)
	}

	now = time.Date(2024, time.March, 5, 14, 30, 0, 0, time.UTC)
	s, events, err = eng.Apply(s, now, plan.Purchase{By: admin, Plan: plan.Professional, Period: plan.Annual})
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println(ev)
	}
	fmt.Println(s.Plan, s.Status, "until", s.End.Format(time.DateOnly), "auto-renew:", s.AutoRenew())

	// Only an administrator may buy (PLAN-02).
	_, _, err = eng.Apply(s, now, plan.ChangePlan{By: tenancy.Employee("bob"), Plan: plan.Enterprise, Period: plan.Annual})
	fmt.Println(errors.Is(err, tenancy.ErrUnauthorized), tenancy.RuleOf(err))
	// Output:
	// 2024-03-01 PLAN-10 trial-started plan=trial until=2024-03-16
	// 2024-03-05 PLAN-05 purchased plan=professional amount=2390.4 until=2025-03-05
	// professional active until 2025-03-05 auto-renew: true
	// true PLAN-02
}

// A cancellation waits for the period's end; Advance fires it then, and the
// add-ons go with the drop to free (PLAN-04, PLAN-07, PLAN-08).
func ExampleEngine_Advance() {
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	admin := tenancy.Admin("ada")
	bought := time.Date(2024, time.January, 15, 9, 0, 0, 0, time.UTC)
	s, err := eng.New("acme", time.UTC, bought)
	if err != nil {
		panic(err)
	}
	s, _, err = eng.Apply(s, bought, plan.Purchase{By: admin, Plan: plan.Standard, Period: plan.Monthly})
	if err != nil {
		panic(err)
	}
	s, _, err = eng.Apply(s, bought, plan.BuyTelephonyCredits{By: admin, Amount: decimal.NewFromInt(10)})
	if err != nil {
		panic(err)
	}
	s, _, err = eng.Apply(s, bought.AddDate(0, 0, 5), plan.Cancel{By: admin, Reason: "switching tools"})
	if err != nil {
		panic(err)
	}
	next, _ := s.NextDeadline()
	fmt.Println("auto-renew:", s.AutoRenew(), "next deadline:", next.Format(time.DateOnly))

	// A scheduler calls Advance at any time; nothing happens before the
	// deadline. The events slice is the caller's, reused between calls.
	var events []plan.Event
	s, events, err = eng.Advance(s, time.Date(2024, time.February, 14, 23, 0, 0, 0, time.UTC), events[:0])
	if err != nil {
		panic(err)
	}
	fmt.Println(len(events), "events on 14 February;", s.Plan, "still")

	s, events, err = eng.Advance(s, time.Date(2024, time.March, 1, 0, 0, 0, 0, time.UTC), events[:0])
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println(ev)
	}
	_, ok := s.NextDeadline()
	fmt.Println(s.Plan, s.Status, "deadline:", ok)
	// Output:
	// auto-renew: false next deadline: 2024-02-15
	// 0 events on 14 February; standard still
	// 2024-02-15 PLAN-04 rolled-back plan=free
	// 2024-02-15 PLAN-07 add-ons-deactivated plan=free amount=10
	// 2024-02-15 PLAN-08 limits-reduced plan=free
	// free free deadline: false
}

// An annual Professional plan (2390.40) bought on 10 January and cancelled
// on 20 April, in its fourth month: the months from 10 May on have not begun,
// so 8 of 12 are refunded by default (PLAN-06). Telephony credits are never
// refunded (PLAN-07).
func ExampleEngine_QuoteRefund() {
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	usd := eng.Catalog().Currency()
	admin := tenancy.Admin("ada")
	bought := time.Date(2024, time.January, 10, 9, 0, 0, 0, time.UTC)
	s, err := eng.New("acme", time.UTC, bought)
	if err != nil {
		panic(err)
	}
	s, _, err = eng.Apply(s, bought, plan.Purchase{By: admin, Plan: plan.Professional, Period: plan.Annual})
	if err != nil {
		panic(err)
	}
	s, _, err = eng.Apply(s, bought, plan.BuyTelephonyCredits{By: admin, Amount: decimal.NewFromInt(15)})
	if err != nil {
		panic(err)
	}

	now := time.Date(2024, time.April, 20, 16, 0, 0, 0, time.UTC)
	q, err := eng.QuoteRefund(s, now)
	if err != nil {
		panic(err)
	}
	fmt.Println("method:", q.Method, q.Unused, "of", q.Of, "months unused")
	fmt.Println("paid:    ", usd.Format(q.Paid))
	fmt.Println("refund:  ", usd.Format(q.Refund))
	fmt.Println("retained:", usd.Format(q.Retained))
	fmt.Println("telephony credits forfeited:", usd.Format(q.TelephonyForfeited))
	fmt.Println("refund + retained = paid:", q.Refund.Add(q.Retained).Equal(q.Paid))

	// Cancelling now gives exactly what was quoted.
	_, events, err := eng.Apply(s, now, plan.Cancel{By: admin, Now: true, Reason: "budget cuts"})
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println(ev)
	}
	// Output:
	// method: whole-months 8 of 12 months unused
	// paid:     2390.40 USD
	// refund:   1593.60 USD
	// retained: 796.80 USD
	// telephony credits forfeited: 15.00 USD
	// refund + retained = paid: true
	// 2024-04-20 PLAN-06 cancelled-now plan=free amount=1593.6
	// 2024-04-20 PLAN-07 add-ons-deactivated plan=free amount=15
	// 2024-04-20 PLAN-08 limits-reduced plan=free
	// 2024-04-20 PLAN-06 refunded plan=free amount=1593.6 note="unused part of the annual period"
	// 2024-04-20 PLAN-13 cancellation-confirmed plan=free note="budget cuts"
}

// What cancelling a Professional plan would take away, before the
// administrator confirms (PLAN-09): the free plan has 5 GB and no add-ons,
// so 25 of the 30 GB in use are over; nothing is deleted (PLAN-08).
func ExampleEngine_Impact() {
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	usd := eng.Catalog().Currency()
	admin := tenancy.Admin("ada")
	bought := time.Date(2024, time.January, 10, 9, 0, 0, 0, time.UTC)
	s, err := eng.New("acme", time.UTC, bought)
	if err != nil {
		panic(err)
	}
	for _, cmd := range []plan.Command{
		plan.Purchase{By: admin, Plan: plan.Professional, Period: plan.Monthly},
		plan.BuyTelephonyCredits{By: admin, Amount: decimal.NewFromInt(25)},
		plan.BuyExtraStorage{By: admin, Bytes: 50 * plan.GB, Price: decimal.NewFromInt(20)},
	} {
		if s, _, err = eng.Apply(s, bought, cmd); err != nil {
			panic(err)
		}
	}
	usage := plan.Usage{Users: 40, StorageBytes: 30 * plan.GB, Features: []plan.Feature{plan.FeatureCRM, plan.FeatureAutomation}}

	im, err := eng.Impact(s, plan.Free, usage)
	if err != nil {
		panic(err)
	}
	fmt.Println(im.From, "->", im.To, "on", im.EffectiveAt.Format(time.DateOnly))
	fmt.Println("features lost:", im.LostFeatures)
	fmt.Println("users over:", im.Over.UsersOver, "storage over:", im.Over.StorageOverBytes, "bytes")
	fmt.Println("in use, not on free:", im.Over.FeaturesOff, "access:", im.Over.Access)
	fmt.Println("add-ons deactivated:", im.AddOnsDeactivated.ExtraStorageBytes, "bytes; credits forfeited:", usd.Format(im.CreditsForfeited))
	fmt.Println("specialist support lost:", im.SupportLost)
	for _, a := range im.Over.Actions {
		fmt.Println("to do:", a)
	}
	// Output:
	// professional -> free on 2024-02-10
	// features lost: [reports automation telephony workflows]
	// users over: 0 storage over: 25000000000 bytes
	// in use, not on free: [automation] access: read-and-delete
	// add-ons deactivated: 50000000000 bytes; credits forfeited: 25.00 USD
	// specialist support lost: true
	// to do: delete 25000000000 bytes (25.0 GB) of files; the quota is 5.0 GB
	// to do: turn off automation, which the Free plan does not include
}

// A period anchored on the 31st ends on the last day of a shorter month and
// returns to the 31st when the month has one (PLAN-05).
func ExamplePeriodEnd() {
	start := time.Date(2024, time.January, 31, 9, 0, 0, 0, time.UTC)
	for range 5 {
		end := plan.PeriodEnd(start, 1, 31)
		fmt.Println(start.Format(time.DateOnly), "->", end.Format(time.DateOnly))
		start = end
	}
	// Not a leap year; and an annual period from a leap day.
	fmt.Println(plan.PeriodEnd(time.Date(2023, time.January, 31, 9, 0, 0, 0, time.UTC), 1, 31).Format(time.DateOnly))
	fmt.Println(plan.PeriodEnd(time.Date(2024, time.February, 29, 9, 0, 0, 0, time.UTC), 12, 29).Format(time.DateOnly))
	// Output:
	// 2024-01-31 -> 2024-02-29
	// 2024-02-29 -> 2024-03-31
	// 2024-03-31 -> 2024-04-30
	// 2024-04-30 -> 2024-05-31
	// 2024-05-31 -> 2024-06-30
	// 2023-02-28
	// 2025-02-28
}

// A catalog that breaks PLAN-01 is refused with every problem named.
func ExampleNewCatalog() {
	_, err := plan.NewCatalog(plan.USD,
		plan.Plan{ID: "free", Name: "Free", Kind: plan.KindFree,
			Limits: plan.Limits{Users: plan.Unlimited, StorageBytes: 5 * plan.GB}},
		plan.Plan{ID: "team", Name: "Team", Kind: plan.KindCommercial, Rank: 1,
			Limits: plan.Limits{Users: 10, StorageBytes: 0},
			Prices: plan.Prices{Monthly: decimal.RequireFromString("9.999")}},
	)
	fmt.Println(err)
	fmt.Println(errors.Is(err, plan.ErrCatalog), errors.Is(err, tenancy.ErrInvalid), tenancy.RuleOf(err))
	// Output:
	// plan catalog: PLAN-01: plan team: limit storage_bytes is 0, want a positive number or Unlimited (-1); plan team: monthly price 9.999 is finer than the USD minor unit
	// true true PLAN-01
}

// Project lists what will happen if nobody acts: a renewal bought early pays
// the next period; the one after ends unpaid in grace, then the account drops
// to free (PLAN-03, PLAN-05, PLAN-14).
func ExampleEngine_Project() {
	eng, err := plan.NewEngine(plan.DefaultCatalog(), plan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	admin := tenancy.Admin("ada")
	bought := time.Date(2024, time.January, 31, 9, 0, 0, 0, time.UTC)
	s, err := eng.New("acme", time.UTC, bought)
	if err != nil {
		panic(err)
	}
	s, _, err = eng.Apply(s, bought, plan.Purchase{By: admin, Plan: plan.Basic, Period: plan.Monthly})
	if err != nil {
		panic(err)
	}
	s, _, err = eng.Apply(s, time.Date(2024, time.February, 10, 9, 0, 0, 0, time.UTC), plan.Renew{By: tenancy.Service()})
	if err != nil {
		panic(err)
	}
	for _, ev := range eng.Project(s) {
		fmt.Println(ev)
	}
	// Output:
	// 2024-02-29 PLAN-05 renewed plan=basic until=2024-03-31
	// 2024-03-31 PLAN-14 grace-started plan=basic amount=61 until=2024-04-15
	// 2024-04-15 PLAN-14 grace-ended plan=free
	// 2024-04-15 PLAN-08 limits-reduced plan=free
}
