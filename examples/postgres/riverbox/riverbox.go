package riverbox

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/tenancykit/tenancy/examples/postgres/store"
	"github.com/tenancykit/tenancy/fleet"
)

// Kind is the River job kind of an effect, as EffectArgs.Kind returns it.
const Kind = "tenancy_effect"

// EffectArgs is the River job args of one effect: its ID, which makes
// the job unique, and the effect in the library's JSON form.
type EffectArgs struct {
	// ID is Effect.ID(). It is the only field River hashes, with the
	// kind, into the job's unique key.
	ID string `json:"id" river:"unique"`
	// Effect is the effect to carry out.
	Effect fleet.Effect `json:"effect"`
}

// Args returns the job args of e.
func Args(e fleet.Effect) EffectArgs { return EffectArgs{ID: e.ID(), Effect: e} }

// Kind returns Kind, the job kind River stores and routes by.
func (EffectArgs) Kind() string { return Kind }

// InsertOpts returns the options every effect job is inserted with,
// however it is inserted: unique by ID in every job state, so that an
// effect put again while its job row is kept (even a discarded or
// cancelled one) adds no job.
func (EffectArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{UniqueOpts: uniqueOpts()} }

// uniqueOpts makes a job unique by its args' unique fields (the ID) and
// kind, across all states. River's default states leave out discarded and
// cancelled, which would let a second insert run an effect again after
// its job gave up.
func uniqueOpts() river.UniqueOpts {
	return river.UniqueOpts{ByArgs: true, ByState: rivertype.JobStates()}
}

// Outbox is a store.Outbox that inserts each effect as a River job in the
// step's transaction.
type Outbox struct {
	client *river.Client[pgx.Tx]
	// InsertOpts, when set, returns the options to insert an effect's
	// job with (queue, priority, max attempts, tags, metadata, a
	// scheduled time), or nil for the defaults. Their UniqueOpts are
	// replaced by those of EffectArgs.InsertOpts.
	InsertOpts func(fleet.Effect) *river.InsertOpts
}

var _ store.Outbox = (*Outbox)(nil)

// New returns an Outbox that inserts jobs with client. The client needs
// no pool and no queues to insert (riverpgxv5.New(nil) will do), but if
// it has Workers they must include Worker's kind.
func New(client *river.Client[pgx.Tx]) *Outbox { return &Outbox{client: client} }

// Put inserts one job per effect in tx, with InsertManyTx. An effect
// given twice in one call is inserted once; one whose job exists already
// adds nothing (River skips it as a duplicate). Put neither commits nor
// rolls back tx.
func (o *Outbox) Put(ctx context.Context, tx pgx.Tx, effects []fleet.Effect) error {
	params := make([]river.InsertManyParams, 0, len(effects))
	seen := make(map[string]bool, len(effects))
	for _, e := range effects {
		args := Args(e)
		// River inserts a batch with one INSERT ... ON CONFLICT DO
		// UPDATE, which fails when two of its rows have the same unique
		// key.
		if seen[args.ID] {
			continue
		}
		seen[args.ID] = true
		var opts *river.InsertOpts
		if o.InsertOpts != nil {
			if given := o.InsertOpts(e); given != nil {
				c := *given
				c.UniqueOpts = uniqueOpts()
				opts = &c
			}
		}
		params = append(params, river.InsertManyParams{Args: args, InsertOpts: opts})
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := o.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("riverbox: insert %d effects: %w", len(params), err)
	}
	return nil
}

// worker is a River worker of effect jobs that calls fn.
type worker struct {
	river.WorkerDefaults[EffectArgs]
	fn func(context.Context, fleet.Effect) error
}

// Worker returns a River worker of effect jobs that carries each out with
// fn, for river.AddWorker. When fn returns an error River records it with
// the attempt and retries the job later (Config.RetryPolicy, by default
// exponential backoff), until MaxAttempts, when it discards the job. fn's
// context ends after Config.JobTimeout (a minute by default). Like the
// function given to store.Store.Consume, fn may see an effect more than
// once and drops repeats by Effect.ID. A job whose ID is not its effect's
// is cancelled without calling fn.
func Worker(fn func(context.Context, fleet.Effect) error) river.Worker[EffectArgs] {
	return &worker{fn: fn}
}

// Work calls fn with the job's effect.
func (w *worker) Work(ctx context.Context, job *river.Job[EffectArgs]) error {
	if id := job.Args.Effect.ID(); id != job.Args.ID {
		return river.JobCancel(fmt.Errorf("riverbox: job %d has ID %q, but its effect's is %q", job.ID, job.Args.ID, id))
	}
	return w.fn(ctx, job.Args.Effect)
}

// Migrate runs River's migrations up in the schema of the pool's search
// path, as store.Migrate does for the store's tables: calling it again
// changes nothing, and callers in several processes at once wait for each
// other (an advisory lock per schema, held in a transaction on a
// connection of its own, so the pool needs at least two).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('riverbox-migrate:' || coalesce(current_schema(), ''), 0))`); err != nil {
			return err
		}
		if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
			return fmt.Errorf("riverbox: migrate: %w", err)
		}
		return nil
	})
}
