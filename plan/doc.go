// Package plan encodes the PLAN rules: the plan catalog, subscriptions,
// trials, billing periods, upgrades and downgrades, cancellation, grace after
// an unpaid period, refunds, add-ons, limits and entitlements.
//
// # The pieces
//
// A [Catalog] is validated data: the plans an integrator sells, with tiers,
// limits, features and prices (PLAN-01). [DefaultCatalog] is shaped like
// Bitrix24's cloud plans. A [Policy] holds every number the rules use (trial
// and grace lengths, the renewal window, the refund method); [DefaultPolicy]
// has the documented defaults.
//
// An [Engine] applies the rules of one catalog and policy. A [Subscription]
// is a plain value; the engine never changes one in place:
//
//	s, err := eng.New("acme", berlin, now)
//	s, events, err := eng.Apply(s, now, plan.Purchase{By: admin, Plan: plan.Professional, Period: plan.Annual})
//
// Time moves only through [Engine.Advance]: it fires every deadline up to now
// (trial end, period end, grace end) and appends what happened to a slice the
// caller owns. [Subscription.NextDeadline] says when to call it next, so a
// service keeps one indexed timestamp per account. [Engine.Project] lists
// every event that will happen if nobody acts, and since Apply commits
// nothing, calling it is also the preview of a command.
//
// # What happens when
//
//   - A trial lasts TrialDays calendar days, once per account, and ends on
//     the free plan with no grace (PLAN-10).
//   - A purchase starts a period anchored on today's date; periods keep the
//     anchor day across short months (PLAN-05, [PeriodEnd]).
//   - An upgrade applies at once: the unused part of the paid period, by
//     default in calendar days, is credited against the new price, and a
//     new period starts (PLAN-03). Credit the new price does not use stays
//     on the account and pays later charges first. The event carries the
//     whole credit, the part applied and what is left (Event.Credited,
//     Credit, Balance).
//   - How an upgrade is prorated and rounded, whether it keeps the billing
//     anchor, and when in the day periods end are Policy choices
//     (Proration, Rounding, Upgrade, Bounds), so that amounts match the
//     billing system an adopter already uses: docs/billing.md says what to
//     set to bill like Stripe, Kill Bill or Lago.
//   - A downgrade or a cancellation waits for the period's end; only one
//     change may be pending (PLAN-03). Cancelling is turning auto-renewal
//     off; at period end the account rolls back to free (PLAN-04).
//   - A renewal may be bought from RenewalWindowDays before the period's end
//     (PLAN-03). At period end with auto-renewal on and nothing prepaid, the
//     next period starts unpaid in grace: the plan is kept for GraceDays,
//     and the service should charge the amount due at once (PLAN-14).
//   - Cancelling with Now ends the period at once with the refund the policy
//     allows: nothing for a monthly period, by unused whole months or days
//     for an annual one, less a fee; refund + retained = paid, exactly
//     (PLAN-06). Telephony credits are never refunded, and add-ons end with
//     the drop to free (PLAN-07).
//   - A smaller plan never deletes data; [Engine.Restrictions] says what is
//     over the limits and what to turn off (PLAN-08), and [Engine.Impact]
//     previews a downgrade or cancellation (PLAN-09).
//   - Specialist support comes with commercial plans only (PLAN-11);
//     on-premise licences are not cancelled here (PLAN-12); a cancellation
//     records its reason, may yield a retention offer and confirms to the
//     owner (PLAN-13). Only administrators change plans (PLAN-02).
//
// # Money
//
// Money is [github.com/shopspring/decimal] in the catalog's [Currency].
// Proportional amounts are rounded toward zero to the minor unit by
// [Currency.Part], the one place that rounds; the package never reads or sets
// the decimal package's global precision.
package plan
