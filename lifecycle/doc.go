// Package lifecycle encodes the LIFE rules: one account's life from its
// creation to its deletion, on top of its subscription from package plan.
//
// An [Account] is a plain value: its users and their roles, its domain
// zone, its subscription, its last activity, its retention stage, its
// blocks and the history other rules need. An [Engine] applies the rules of
// one [Policy]; it never changes an account in place.
//
//	a, _ := eng.New("acme", "ada", "eu", berlin, now)
//	a, effects, err := eng.Apply(a, now, lifecycle.Login{User: "ada"})
//
// # What happens when
//
//   - A free account in which nobody logs in for InactivityDays calendar days
//     is suspended and scheduled for deletion; a login restarts the count
//     (LIFE-01). The count starts no earlier than the account's last drop to
//     the free plan, and a commercial account never counts down (LIFE-03).
//   - Before the suspension and before the deletion the owner is warned on
//     each of WarningDays, every warning carrying the absolute date it is
//     about. Warnings are deadlines of their own, so even when time jumps
//     past several at once they all come out, in order, before the action
//     (LIFE-02).
//   - A suspended account is deleted PurgeDays after its suspension unless
//     an administrator restores it or buys a plan; until then its data is
//     intact (LIFE-04). Deletion removes CRM entries, tasks, activity stream
//     posts, user accounts, documents and messages (LIFE-05), and is final:
//     every command on a deleted account is refused. Users' network
//     identities survive; only [ForgetIdentity], at the user's own request,
//     deletes one (LIFE-06).
//   - An administrator can delete an account at once with an explicit
//     confirmation, as the policy allows; the refusal without confirmation
//     reminds to export first (LIFE-07).
//   - Blocks are set and lifted by cause and never touch data; a blocked
//     account cannot be used (logins are refused) but keeps every deadline
//     (LIFE-08).
//
// # Time and effects
//
// Days are calendar days in the account's time zone: a deadline 30 days
// after a login at 10:00 in Berlin is at 10:00 Berlin time, across a
// daylight-saving change. [Account.NextDeadline] is the one timestamp a
// service indexes; [Engine.Advance] fires everything due and appends
// [Effect] values to a slice the caller owns; [Engine.Project] lists the
// whole future if nobody acts; [Engine.Apply] commits nothing, so it is also
// the preview of a command. [Engine.AdvanceTo] and [Engine.ApplyTo] do the
// same in place, on a *Account, for a sweeper that keeps its accounts in a
// slice: nothing is copied and, with a reused slice, nothing allocated.
// Effects carry a stable ID, so a service that executes them at least once
// drops repeats.
package lifecycle
