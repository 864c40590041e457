// Package riverbox hands the effects of the PostgreSQL store to River
// (github.com/riverqueue/river) instead of the store's own outbox table.
//
// Set store.Store.Outbox to New(client): each step's effects are then
// inserted as River jobs, one per effect, with InsertManyTx on the
// step's own transaction. They commit with the states that produced them
// or roll back with them, which is the guarantee the outbox table gives:
// no effect of a refused or failed step, none lost after a commit. The
// service registers Worker(fn) with the client's workers, where fn is the
// function it would have passed to store.Store.Consume, and runs the
// client (Start, Stop). Migrate creates River's tables next to the
// store's:
//
//	if err := store.Migrate(ctx, pool); err != nil { ... }
//	if err := riverbox.Migrate(ctx, pool); err != nil { ... }
//	workers := river.NewWorkers()
//	river.AddWorker(workers, riverbox.Worker(send)) // send(ctx, fleet.Effect) error
//	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
//		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
//		Workers: workers,
//	})
//	st := store.New(pool, fleet.Default())
//	st.Outbox = riverbox.New(client)
//	err = client.Start(ctx) // and client.Stop(ctx) on shutdown
//
// With Config.Schema empty River, like the store, works in the schema of
// the pool's search path. A process that only runs commands can insert
// with a client that has no pool and no queues (riverpgxv5.New(nil)).
//
// # Why
//
// store.Store.Consume is simple and keeps the order of the outbox, but
// it stops at the first effect whose function fails: one poisoned effect
// (a mail server that refuses an address, a card that is declined)
// holds back every effect behind it until it is fixed, and nothing
// records how often or why it failed. With River:
//
//   - each effect is retried on its own, with exponential backoff (or
//     the client's RetryPolicy), and is discarded after MaxAttempts;
//   - a failing effect does not block the others;
//   - every job keeps its attempts and the error of each (JobRow.Errors);
//   - retries are scheduled, and many workers in many processes share
//     the queue;
//   - riverui shows, retries and cancels jobs in a browser.
//
// # Why not
//
//   - No order between effects. Consume hands them over in outbox
//     order; River runs jobs concurrently, and a retry runs after jobs
//     inserted later. A service that needs "suspended" to reach it
//     before "purged" must use Consume, or order by Effect.At itself.
//   - Another set of tables to migrate (Migrate), and a River client to
//     configure and run in every process that works effects.
//   - Completed and discarded jobs are deleted after a retention period
//     (Config.CompletedJobRetentionPeriod, a day by default;
//     DiscardedJobRetentionPeriod, a week; -1 keeps them). Uniqueness by
//     effect ID holds only while the job row is kept, in whatever state
//     (this package adds discarded and cancelled to River's default
//     unique states). The store inserts an effect once anyway, since a
//     step commits once; uniqueness matters for a caller that puts
//     effects again by hand.
//   - One more dependency, with its own release cadence (this package
//     is written against River v0.51.2), which also raises the module's
//     minimum Go version to River's.
//
// Delivery stays at least once: a worker that dies after fn succeeded but
// before River recorded the completion runs the effect again (River's
// rescuer), so fn drops repeats by Effect.ID, as with Consume.
package riverbox
