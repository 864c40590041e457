// Package tenancy encodes the lifecycle rules of a multi-account SaaS
// workspace, so that a Go service stops hand-writing them in scattered if
// statements, cron jobs and support runbooks.
//
// The library is a functional core. Every rule is a pure function of a state,
// a command and the current time: it returns a new state and the effects the
// service must carry out (send a warning, charge a card, block an account), or
// an error that names the rule which refused the command. The library never
// reads the wall clock, never performs I/O and never starts a goroutine inside
// a rule; the service owns all of that.
//
// Every state also answers the question "when must I look again?" with a
// single next deadline, so a service indexes one timestamp per account instead
// of polling every account.
//
// # Packages
//
// Most services use one package, the driver, and read the others' types:
//
//   - [github.com/tenancykit/tenancy/fleet]: the driver, the one front door.
//     A command on an account, a network or an identity goes in with the
//     time and the states it names; the changed states, their next
//     deadlines, one ordered stream of effects and the messages between
//     states come out. It keeps accounts and networks in step, and it is
//     pure: the service's store does the I/O (fleet's doc shows the loop).
//
// The lower level, for a service that drives the engines itself:
//
//   - [github.com/tenancykit/tenancy/plan]: the plan catalog, subscriptions,
//     trials, billing periods, upgrades with proration, downgrades and
//     cancellations at period end, grace after an unpaid period, refunds,
//     add-ons, limits and the impact of a downgrade (rules PLAN-01 to PLAN-14).
//   - [github.com/tenancykit/tenancy/lifecycle]: one account's life on top of
//     its subscription: users and roles, the inactivity countdown with the
//     owner's warnings, suspension, restore, deletion, blocks set and
//     scheduled (rules LIFE-01 to LIFE-08).
//   - [github.com/tenancykit/tenancy/network]: branch networks around one
//     Enterprise head, the members' standings, the plan compatibility
//     check, the widget and who may see which account (rules NET-01 to
//     NET-14).
//
// Beside them:
//
//   - [github.com/tenancykit/tenancy/export]: what to save before leaving, by
//     when, and a verifiable archive (rules EXP-01 to EXP-04).
//   - [github.com/tenancykit/tenancy/clock]: the injectable clock that only
//     the service's loop holds, a deadline queue and a runner; rule code
//     takes time as an argument.
//   - [github.com/tenancykit/tenancy/scenario]: plain-text scenario files,
//     replayed through the driver and compared.
//
// This package holds the small vocabulary the others share: account and user
// identifiers, roles and actors, and the [RuleError] type with its sentinel
// errors.
//
// # Errors
//
// A refused command returns an error for which errors.As finds a *[RuleError]
// carrying the ID of the rule that refused it (for example "PLAN-02"), and
// errors.Is matches one of the sentinels [ErrUnauthorized], [ErrInvalid],
// [ErrNotFound], [ErrRefused] or [ErrTimeWentBack]. A refused command never
// changes the state it was given. Its text says the rule and the reason once,
// "LIFE-08: account lyon is blocked ...": the kind is left to errors.Is. A
// package's own kinds ([Kind]) read as themselves and match their parent.
//
// Data the library cannot use (a stored state that fails to decode, a policy
// or catalog that breaks a rule) is not a refusal: it is an *[InvalidError],
// "account state: ...", matching [ErrInvalid] and the package's sentinel.
// [RuleOf] and [ReasonOf] read either.
//
// # Rules
//
// The rules the library encodes are listed, one line each, in docs/rules.md.
// Each is cited by the code that enforces it and by at least one test.
package tenancy
