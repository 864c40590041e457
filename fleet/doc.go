// Package fleet is the driver: the one front door a service uses to run
// the rules over all its accounts, branch networks and users' identities.
// It is pure, in the manner of go.etcd.io/raft's RawNode: no I/O, no
// clock, no goroutines. A command goes in with the time and the states it
// names; one Ready comes out with the changed states and their next
// deadlines, one ordered stream of effects in one envelope, and the
// messages for states that were not in the step.
//
// Use fleet unless you drive one engine on its own (package plan for
// subscriptions alone, lifecycle for accounts without networks) or
// write a driver of your own: the engines are the lower level, and every
// duty below that the driver takes on (advance first, tell the network of
// every change of a member, on any path, carry network effects onto
// accounts, route a head's plan commands through NET-10, lock rows in one
// order) is then yours.
//
// # States, keys and messages
//
// Three kinds of state, each a row of the service's store, named by a
// [Key]: an account ([lifecycle.Account]), a network
// ([*network.Network], named by its head) and a user's network
// [Identity] (LIFE-06). A command says which states it reads and writes
// ([Engine.Keys]) before it runs, so that a store loads and locks exactly
// those rows, in one order ([Key.Compare]).
//
// States affect each other only through messages. When a member's
// standing changes (a purchase, a trial or a grace ending inside an
// advance, a block falling, a deletion), the account emits a [Message] to
// its network. The network applies it as of the instant it carries, and a
// message delivered twice changes nothing, so a store may deliver it in
// the same step (put the network in the step's States) or later through
// its outbox (leave it out: a head with ten thousand branches is then not
// one hot row), with the same states and the same effect IDs. The
// deadlines of the plan compatibility check are the members' own
// (lifecycle.Account.Scheduled): a branch that dropped to free at 02-04
// 10:00 is blocked at 02-19 10:00 however late its network hears of it.
// Network effects addressed to accounts (joining, leaving, the branch
// trial) happen within the step of the network command, which names those
// accounts.
//
// # The service loop
//
// A service writes this loop once, around its store:
//
//	keys := eng.Keys(cmd, networkOf)          // from the store's membership index
//	tx := store.Begin()
//	states, inbox := tx.LockAndLoad(keys)     // in key order; each key's inbox too
//	prior := tx.Outcome(requestID)            // nil unless the request ran before
//	rd, err := eng.Step(states, fleet.Input{Now: now, Command: cmd,
//		Request: requestID, Prior: prior, Inbox: inbox})
//	if errors.Is(err, fleet.ErrMissing) { ... load the key it names, step again }
//	tx.SaveOutcome(requestID, rd.Outcome)     // refusals too
//	if err != nil { tx.Commit(); return err } // a refusal writes nothing else
//	for _, c := range rd.Changed { tx.Write(c.Key, states, c.Deadline) }
//	tx.DeleteInbox(keys)
//	for _, m := range rd.Messages { tx.AddToInbox(m.To, m) }
//	for _, e := range rd.Effects { tx.AddToOutbox(e.ID, e) }
//	tx.Commit()
//
// The integrator's duties, in order:
//
//  1. Lock and load the states the command names, with their inboxes,
//     in key order. A sweeper runs the same loop with [Advance] for each
//     key whose indexed deadline has come, and for each key with mail.
//  2. Persist, in one transaction: the changed states with their next
//     deadlines, the outcome under the request ID, the messages into
//     their recipients' inboxes, the effects into an outbox keyed by ID.
//     A refusal persists nothing but its outcome.
//  3. Execute the outbox: each [Effect] of class [Action] at least once
//     (send, charge, purge, block, hide the widget), dropping repeats by
//     ID; record the [Notice]s.
//  4. Deliver every inbox before the recipient's next step: the store
//     does so by passing it in [Input.Inbox].
//
// [Memory] is that store in memory, the reference for one of your own.
//
// # Checks
//
// [Engine.Check] reports every contradiction between a network and its
// members once every message is delivered: a connected branch on free, a
// branch that heads another network, an account that records another
// network, a member the network does not list.
package fleet
