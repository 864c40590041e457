// Package store keeps the states of the fleet driver in PostgreSQL: one
// row per account, network and identity, holding the state as the library
// encodes it in JSON; an inbox of the messages between states; an outbox
// of effects keyed by effect ID; and the outcome of every request. It runs
// the service loop of package fleet (see its documentation) in one
// transaction per command, and a sweeper of W workers that claims due rows
// with FOR UPDATE SKIP LOCKED.
//
// Messages from members to their network always go through the inbox
// (the driver's deferred delivery): a step locks only the rows its command
// names, so a head with ten thousand branches is not one hot row. The
// sweeper delivers the inboxes.
package store

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tenancykit/tenancy"
	"github.com/tenancykit/tenancy/fleet"
	"github.com/tenancykit/tenancy/lifecycle"
	"github.com/tenancykit/tenancy/network"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies every embedded migration not yet applied to the
// schema of the pool's search path, in name order, each once: calling it
// again, or from several processes at once, changes nothing.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// One migrator at a time per schema.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('tenancy-migrate:' || current_schema(), 0))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		for _, name := range names {
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, name).Scan(&done); err != nil {
				return err
			}
			if done {
				continue
			}
			sql, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			// No arguments: pgx sends it with the simple protocol, which
			// runs several statements.
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeadlineColumn returns t as the next_deadline column keeps it: rounded
// up to the microsecond, the precision of timestamptz, so that a row is
// never claimed before the library would fire it; in UTC. The zero time
// (no deadline) stays zero and is written as NULL.
func DeadlineColumn(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	r := t.Truncate(time.Microsecond)
	if r.Before(t) {
		r = r.Add(time.Microsecond)
	}
	return r.UTC()
}

// NowColumn returns now as the sweeper compares it with next_deadline:
// rounded down to the microsecond. A row is due when DeadlineColumn(d) <=
// NowColumn(now), which implies d <= now; a deadline later in the same
// microsecond as now waits for the next sweep.
func NowColumn(now time.Time) time.Time { return now.Truncate(time.Microsecond).UTC() }

// Store runs the driver over the rows of one schema.
type Store struct {
	pool *pgxpool.Pool
	eng  *fleet.Engine
	// Batch is how many due rows a sweeper worker claims per
	// transaction (0: 16).
	Batch int
	// MaxSkew is how far a command's time may lag the last change of a
	// row it locks and still run (0: DefaultMaxSkew; negative: not at
	// all). Such a command runs at that last change instead: see Do.
	MaxSkew time.Duration
	// Outbox, when set, takes the effects of every successful step, in
	// the step's transaction, instead of the store's own outbox table
	// (which Consume reads).
	Outbox Outbox

	stats struct{ tx, retries, steps atomic.Uint64 }
}

// Stats counts what a Store did since it was made.
type Stats struct {
	// Transactions is the number of transactions committed by Do and
	// the sweeper.
	Transactions uint64
	// Retries is the number of transactions rolled back to run again
	// with more rows locked (fleet.ErrMissing, or a membership that
	// changed before the lock).
	Retries uint64
	// Steps is the number of driver steps written: commands accepted and
	// states advanced by the sweeper.
	Steps uint64
}

// Stats returns the counts so far. It is safe to call while the store
// is in use.
func (s *Store) Stats() Stats {
	return Stats{Transactions: s.stats.tx.Load(), Retries: s.stats.retries.Load(), Steps: s.stats.steps.Load()}
}

// Outbox receives the effects of a successful step inside the step's
// transaction, so that they commit or roll back with its states. An
// implementation must not commit or roll back tx; an error rolls the
// whole step back.
type Outbox interface {
	Put(ctx context.Context, tx pgx.Tx, effects []fleet.Effect) error
}

// New returns a store over pool, which must reach a migrated schema.
func New(pool *pgxpool.Pool, eng *fleet.Engine) *Store { return &Store{pool: pool, eng: eng} }

// Engine returns the driver.
func (s *Store) Engine() *fleet.Engine { return s.eng }

// DefaultMaxSkew is the skew a Store tolerates between the clocks of the
// services that share it when Store.MaxSkew is zero: ample for clocks
// kept by NTP, which agree within milliseconds, and small beside the
// calendar days the rules count in.
const DefaultMaxSkew = time.Second

// errRetry rolls a transaction back to run it again with more keys.
var errRetry = errors.New("store: retry with more keys")

// Do runs cmd at now in one transaction, as fleet's service loop says: it
// locks the rows the command names in key order, loads them and their
// inboxes, steps, and writes the changed states with their next
// deadlines, the messages into their recipients' inboxes, the effects
// into the outbox and the outcome under requestID ("" for none). A
// refusal writes nothing but its outcome; a request ID seen before
// returns the first outcome and writes nothing.
//
// Clock skew: the services sharing a store have clocks a few
// milliseconds apart, so a command may arrive with a now a little before
// the last change of a row another service just wrote, which the driver
// would refuse (tenancy.ErrTimeWentBack). The rows are locked, so the
// database has ordered the two commands; Do runs the later one at
// max(now, the latest last change of the rows it locked and of their
// mail), as a Lamport clock would, when that is at most MaxSkew after
// now. The effects and the outcome carry the time the command ran at. A
// now further behind is a broken clock, and is refused.
func (s *Store) Do(ctx context.Context, now time.Time, cmd fleet.Command, requestID string) (fleet.Ready, error) {
	var extra []fleet.Key
	for attempt := 0; ; attempt++ {
		var r fleet.Ready
		var stepErr error
		var more []fleet.Key
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			var err error
			r, stepErr, more, err = s.do(ctx, tx, now, cmd, requestID, extra)
			if err == nil && more != nil {
				return errRetry
			}
			return err
		})
		switch {
		case errors.Is(err, errRetry) && attempt < 5:
			s.stats.retries.Add(1)
			extra = more
			continue
		case err != nil:
			return fleet.Ready{}, err
		}
		s.stats.tx.Add(1)
		if stepErr == nil && !r.Replayed {
			s.stats.steps.Add(1)
		}
		return r, stepErr
	}
}

// loaded is what one transaction locked and read.
type loaded struct {
	states *fleet.States
	exists map[fleet.Key]bool
	inbox  []fleet.Message
	ids    []string // of the inbox messages
}

// do runs one attempt of Do in tx. It returns the step's result and
// refusal; or, when the step needs rows it did not lock, the keys to lock
// on the next attempt (the caller rolls tx back); or a database error.
func (s *Store) do(ctx context.Context, tx pgx.Tx, now time.Time, cmd fleet.Command, requestID string, extra []fleet.Key) (fleet.Ready, error, []fleet.Key, error) {
	if requestID != "" {
		// Two runs of one request wait for each other; the second sees
		// the first one's outcome.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('tenancy-request:' || $1, 0))`, requestID); err != nil {
			return fleet.Ready{}, nil, nil, err
		}
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT outcome FROM requests WHERE request_id = $1`, requestID).Scan(&raw)
		switch {
		case err == nil:
			var prior fleet.Outcome
			if err := json.Unmarshal(raw, &prior); err != nil {
				return fleet.Ready{}, nil, nil, err
			}
			r, stepErr := s.eng.Step(fleet.NewStates(), fleet.Input{Now: now, Command: cmd, Request: requestID, Prior: &prior})
			return r, stepErr, nil, nil
		case !errors.Is(err, pgx.ErrNoRows):
			return fleet.Ready{}, nil, nil, err
		}
	}
	// The membership index, read before locking, tells which network
	// rows the command needs; it is checked again once the accounts are
	// locked.
	index, err := s.membership(ctx, tx, s.eng.Keys(cmd, nil))
	if err != nil {
		return fleet.Ready{}, nil, nil, err
	}
	keys := union(s.eng.Keys(cmd, lookup(index)), extra)
	ld, err := s.lock(ctx, tx, keys)
	if err != nil {
		return fleet.Ready{}, nil, nil, err
	}
	locked := map[tenancy.AccountID]tenancy.AccountID{}
	for id, a := range ld.states.Accounts {
		locked[id] = a.Network
	}
	if want := s.eng.Keys(cmd, lookup(locked)); !subset(want, keys) {
		return fleet.Ready{}, nil, union(keys, want), nil // a membership changed meanwhile
	}
	now = s.at(now, ld)
	r, stepErr := s.eng.Step(ld.states, fleet.Input{Now: now, Command: cmd, Request: requestID, Inbox: ld.inbox})
	var miss *fleet.MissingError
	if errors.As(stepErr, &miss) {
		ok, err := s.exists(ctx, tx, miss.Key)
		switch {
		case err != nil:
			return fleet.Ready{}, nil, nil, err
		case ok && !slices.Contains(keys, miss.Key):
			return fleet.Ready{}, nil, union(keys, []fleet.Key{miss.Key}), nil
		case !ok:
			// Not a row the store failed to lock: one that does not exist.
			stepErr = tenancy.Refuse("", tenancy.ErrNotFound, "there is no %s", miss.Key)
			r = fleet.Ready{}
			if requestID != "" {
				r.Outcome = refusal(requestID, cmd, now, stepErr)
			}
		default:
			return r, stepErr, nil, nil
		}
	}
	if stepErr != nil {
		if requestID != "" && r.Outcome.Request != "" { // a step refused before it began (a time out of range) has no outcome to keep
			if err := saveOutcome(ctx, tx, r.Outcome); err != nil {
				return fleet.Ready{}, nil, nil, err
			}
		}
		return r, stepErr, nil, nil
	}
	if err := s.write(ctx, tx, ld, r); err != nil {
		return fleet.Ready{}, nil, nil, err
	}
	if requestID != "" {
		if err := saveOutcome(ctx, tx, r.Outcome); err != nil {
			return fleet.Ready{}, nil, nil, err
		}
	}
	return r, nil, nil, nil
}

// at returns the time a command given at now runs at over the rows of ld:
// now, or the latest last change among them (and among their mail) when
// that is later, but by no more than MaxSkew.
func (s *Store) at(now time.Time, ld *loaded) time.Time {
	skew := s.MaxSkew
	if skew == 0 {
		skew = DefaultMaxSkew
	}
	if skew < 0 {
		return now
	}
	latest := now
	later := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
	}
	for _, a := range ld.states.Accounts {
		later(a.Updated)
	}
	for _, n := range ld.states.Networks {
		later(n.Updated())
	}
	for _, i := range ld.states.Identities {
		later(i.Updated)
	}
	for _, m := range ld.inbox {
		later(m.Standing.At)
	}
	if latest.Sub(now) > skew {
		return now // the driver refuses it, naming the row
	}
	return latest
}

// refusal is the outcome of a request refused by the store rather than
// the driver, in the form the driver gives its own.
func refusal(requestID string, cmd fleet.Command, now time.Time, err error) fleet.Outcome {
	o := fleet.Outcome{Request: requestID, Command: fmt.Sprintf("%T%+v", cmd, cmd), At: now, Text: err.Error(), Kind: "not-found"}
	var re *tenancy.RuleError
	if errors.As(err, &re) {
		o.Rule, o.Reason, o.KindText = re.Rule, re.Reason, re.Err.Error()
	}
	return o
}

func saveOutcome(ctx context.Context, tx pgx.Tx, o fleet.Outcome) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO requests (request_id, outcome) VALUES ($1, $2)`, o.Request, b)
	return err
}

func lookup(m map[tenancy.AccountID]tenancy.AccountID) func(tenancy.AccountID) tenancy.AccountID {
	return func(id tenancy.AccountID) tenancy.AccountID { return m[id] }
}

// union returns the keys of a and b in lock order, without repeats.
func union(a, b []fleet.Key) []fleet.Key {
	out := append(slices.Clone(a), b...)
	slices.SortFunc(out, fleet.Key.Compare)
	return slices.Compact(out)
}

func subset(a, b []fleet.Key) bool {
	for _, k := range a {
		if !slices.Contains(b, k) {
			return false
		}
	}
	return true
}

// membership reads, without locking, the network of each account keys
// names.
func (s *Store) membership(ctx context.Context, tx pgx.Tx, keys []fleet.Key) (map[tenancy.AccountID]tenancy.AccountID, error) {
	ids := idsOf(keys, fleet.KindAccount)
	out := map[tenancy.AccountID]tenancy.AccountID{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT id, network FROM accounts WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	var id, head string
	_, err = pgx.ForEachRow(rows, []any{&id, &head}, func() error {
		out[tenancy.AccountID(id)] = tenancy.AccountID(head)
		return nil
	})
	return out, err
}

func idsOf(keys []fleet.Key, k fleet.Kind) []string {
	var ids []string
	for _, key := range keys {
		if key.Kind == k {
			ids = append(ids, key.ID)
		}
	}
	return ids
}

// tables names the table and key column of each kind of state.
var tables = map[fleet.Kind][2]string{
	fleet.KindAccount:  {"accounts", "id"},
	fleet.KindNetwork:  {"networks", "head"},
	fleet.KindIdentity: {"identities", "user_id"},
}

func (s *Store) exists(ctx context.Context, tx pgx.Tx, k fleet.Key) (bool, error) {
	t := tables[k.Kind]
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t[0]+` WHERE `+t[1]+` = $1)`, k.ID).Scan(&ok)
	return ok, err
}

// lock locks the rows of keys with FOR UPDATE in key order (accounts,
// networks, identities, each by ID in byte order, as fleet.Key.Compare
// orders them), and loads their states and inboxes.
func (s *Store) lock(ctx context.Context, tx pgx.Tx, keys []fleet.Key) (*loaded, error) {
	ld := &loaded{states: fleet.NewStates(), exists: map[fleet.Key]bool{}}
	for _, kind := range []fleet.Kind{fleet.KindAccount, fleet.KindNetwork, fleet.KindIdentity} {
		ids := idsOf(keys, kind)
		if len(ids) == 0 {
			continue
		}
		t := tables[kind]
		rows, err := tx.Query(ctx, `SELECT `+t[1]+`, state FROM `+t[0]+` WHERE `+t[1]+` = ANY($1) ORDER BY `+t[1]+` COLLATE "C" FOR UPDATE`, ids)
		if err != nil {
			return nil, err
		}
		var id string
		var raw []byte
		_, err = pgx.ForEachRow(rows, []any{&id, &raw}, func() error {
			ld.exists[fleet.Key{Kind: kind, ID: id}] = true
			return decodeState(ld.states, kind, raw)
		})
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", kind, id, err)
		}
	}
	recipients := make([]string, len(keys))
	for i, k := range keys {
		recipients[i] = k.String()
	}
	rows, err := tx.Query(ctx, `SELECT message_id, message FROM inbox WHERE recipient = ANY($1) ORDER BY message_id`, recipients)
	if err != nil {
		return nil, err
	}
	var id string
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &raw}, func() error {
		var m fleet.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("inbox %s: %w", id, err)
		}
		ld.inbox, ld.ids = append(ld.inbox, m), append(ld.ids, id)
		return nil
	})
	return ld, err
}

func decodeState(s *fleet.States, kind fleet.Kind, raw []byte) error {
	switch kind {
	case fleet.KindAccount:
		var a lifecycle.Account
		if err := json.Unmarshal(raw, &a); err != nil {
			return err
		}
		s.Accounts[a.ID] = a
	case fleet.KindNetwork:
		n := new(network.Network)
		if err := json.Unmarshal(raw, n); err != nil {
			return err
		}
		s.Networks[n.Head()] = n
	case fleet.KindIdentity:
		var i fleet.Identity
		if err := json.Unmarshal(raw, &i); err != nil {
			return err
		}
		s.Identities[i.User] = i
	}
	return nil
}

// write persists a successful step: the changed states with their next
// deadlines, the inbox it consumed, its messages and its effects.
func (s *Store) write(ctx context.Context, tx pgx.Tx, ld *loaded, r fleet.Ready) error {
	b := &pgx.Batch{}
	if err := s.queue(b, ld, r); err != nil {
		return err
	}
	return s.send(ctx, tx, b, r.Effects)
}

// send sends the statements queued in b, then hands effects to the
// custom Outbox, if there is one.
func (s *Store) send(ctx context.Context, tx pgx.Tx, b *pgx.Batch, effects []fleet.Effect) error {
	if b.Len() > 0 {
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
	}
	if s.Outbox != nil && len(effects) > 0 {
		return s.Outbox.Put(ctx, tx, effects)
	}
	return nil
}

// queue queues in b the statements that persist a successful step over
// the rows of ld: the changed states with their next deadlines, the inbox
// it consumed, its messages, and its effects unless a custom Outbox takes
// them.
func (s *Store) queue(b *pgx.Batch, ld *loaded, r fleet.Ready) error {
	for _, c := range r.Changed {
		var state any
		switch c.Key.Kind {
		case fleet.KindAccount:
			state = ld.states.Accounts[tenancy.AccountID(c.Key.ID)]
		case fleet.KindNetwork:
			state = ld.states.Networks[tenancy.AccountID(c.Key.ID)]
		case fleet.KindIdentity:
			state = ld.states.Identities[tenancy.UserID(c.Key.ID)]
		}
		raw, err := json.Marshal(state)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Key, err)
		}
		t := tables[c.Key.Kind]
		switch {
		case c.Key.Kind == fleet.KindAccount:
			var deadline *time.Time
			if !c.Deadline.IsZero() {
				d := DeadlineColumn(c.Deadline)
				deadline = &d
			}
			head := string(ld.states.Accounts[tenancy.AccountID(c.Key.ID)].Network)
			if ld.exists[c.Key] {
				b.Queue(`UPDATE accounts SET state = $2, network = $3, next_deadline = $4, updated_at = now() WHERE id = $1`, c.Key.ID, raw, head, deadline)
			} else {
				// A plain insert: two creations of one account cannot
				// both succeed.
				b.Queue(`INSERT INTO accounts (id, state, network, next_deadline) VALUES ($1, $2, $3, $4)`, c.Key.ID, raw, head, deadline)
			}
		case ld.exists[c.Key]:
			b.Queue(`UPDATE `+t[0]+` SET state = $2, updated_at = now() WHERE `+t[1]+` = $1`, c.Key.ID, raw)
		default:
			b.Queue(`INSERT INTO `+t[0]+` (`+t[1]+`, state) VALUES ($1, $2)`, c.Key.ID, raw)
		}
	}
	if len(ld.ids) > 0 {
		b.Queue(`DELETE FROM inbox WHERE message_id = ANY($1)`, ld.ids)
	}
	for _, m := range r.Messages {
		raw, err := json.Marshal(m)
		if err != nil {
			return err
		}
		b.Queue(`INSERT INTO inbox (message_id, recipient, message) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, m.ID(), m.To.String(), raw)
	}
	if s.Outbox == nil {
		for _, e := range r.Effects {
			raw, err := json.Marshal(e)
			if err != nil {
				return err
			}
			b.Queue(`INSERT INTO outbox (effect_id, kind, class, effect) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, e.ID(), e.Kind, e.Class.String(), raw)
		}
	}
	return nil
}

// Import writes states that are not in the store yet (accounts moved
// from another system, or made in memory with fleet.Memory) in one
// transaction, with COPY: each account with its network and its next
// deadline. It writes no effects and no messages; states that fail
// fleet.Engine.Check, or a row that exists already, fail the whole import
// and write nothing.
func (s *Store) Import(ctx context.Context, states *fleet.States) error {
	for head, n := range states.Networks {
		var members []lifecycle.Account
		for _, a := range states.Accounts {
			if a.Network == head {
				members = append(members, a)
			}
		}
		if p := s.eng.Check(n, members); len(p) > 0 {
			return fmt.Errorf("import: network %s: %v", head, p[0])
		}
	}
	var accounts, networks, identities [][]any
	for _, id := range slices.Sorted(maps.Keys(states.Accounts)) {
		a := states.Accounts[id]
		raw, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("import: account %s: %w", id, err)
		}
		var deadline *time.Time
		if d, ok := states.Deadline(fleet.AccountKey(id)); ok {
			d = DeadlineColumn(d)
			deadline = &d
		}
		accounts = append(accounts, []any{string(id), raw, string(a.Network), deadline})
	}
	for _, head := range slices.Sorted(maps.Keys(states.Networks)) {
		raw, err := json.Marshal(states.Networks[head])
		if err != nil {
			return fmt.Errorf("import: network %s: %w", head, err)
		}
		networks = append(networks, []any{string(head), raw})
	}
	for _, user := range slices.Sorted(maps.Keys(states.Identities)) {
		raw, err := json.Marshal(states.Identities[user])
		if err != nil {
			return fmt.Errorf("import: identity %s: %w", user, err)
		}
		identities = append(identities, []any{string(user), raw})
	}
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, c := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{
			{"accounts", []string{"id", "state", "network", "next_deadline"}, accounts},
			{"networks", []string{"head", "state"}, networks},
			{"identities", []string{"user_id", "state"}, identities},
		} {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
				return fmt.Errorf("import: %s: %w", c.table, err)
			}
		}
		return nil
	})
}

// Consume hands each undelivered effect of the outbox to fn, oldest
// first, and marks it delivered once fn returns nil; it returns how many
// it delivered. Each batch of up to batch effects (0: 100) is claimed
// with FOR UPDATE SKIP LOCKED, so several consumers share the outbox. An
// effect whose fn fails, or whose batch is not committed (a crash), is
// handed over again by a later Consume: at least once; fn drops repeats
// by Effect.ID. Consume stops at fn's first error, returning it.
func (s *Store) Consume(ctx context.Context, fn func(fleet.Effect) error, batch int) (int, error) {
	if batch <= 0 {
		batch = 100
	}
	total := 0
	for {
		var n int
		var fnErr error
		err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `SELECT effect_id, effect FROM outbox WHERE delivered_at IS NULL
				ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`, batch)
			if err != nil {
				return err
			}
			type item struct {
				id  string
				raw []byte
			}
			items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (item, error) {
				var it item
				return it, r.Scan(&it.id, &it.raw)
			})
			if err != nil {
				return err
			}
			n = len(items)
			var done []string
			for _, it := range items {
				var e fleet.Effect
				if err := json.Unmarshal(it.raw, &e); err != nil {
					return fmt.Errorf("outbox %s: %w", it.id, err)
				}
				if fnErr = fn(e); fnErr != nil {
					break
				}
				done = append(done, it.id)
			}
			total += len(done)
			_, err = tx.Exec(ctx, `UPDATE outbox SET delivered_at = now() WHERE effect_id = ANY($1)`, done)
			return err
		})
		switch {
		case err != nil:
			return total, err
		case fnErr != nil:
			return total, fnErr
		case n < batch:
			return total, nil
		}
	}
}

// Prune deletes the effects delivered before before, and the outcomes of
// requests made before keepRequests (a zero time keeps them all: a
// request replayed after its outcome is pruned runs again). It returns
// how many rows it deleted. Effects not yet delivered are never pruned.
func (s *Store) Prune(ctx context.Context, before, keepRequests time.Time) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		t, err := tx.Exec(ctx, `DELETE FROM outbox WHERE delivered_at < $1`, before)
		if err != nil {
			return err
		}
		n = t.RowsAffected()
		if keepRequests.IsZero() {
			return nil
		}
		t, err = tx.Exec(ctx, `DELETE FROM requests WHERE created_at < $1`, keepRequests)
		n += t.RowsAffected()
		return err
	})
	return n, err
}

// Sweep runs the sweeper at now with workers goroutines (at least one)
// until nothing is due: each worker claims, in one transaction, a batch
// of accounts whose next deadline has come, or else a batch of networks
// with mail, with FOR UPDATE SKIP LOCKED, and runs fleet.Advance on each
// through the path of Do, in that transaction. It returns how many steps
// it ran. Several processes may sweep one schema at once.
func (s *Store) Sweep(ctx context.Context, now time.Time, workers int) (int, error) {
	workers = max(workers, 1)
	total := 0
	for {
		steps := make([]int, workers)
		errs := make([]error, workers)
		done := make(chan struct{})
		for w := range workers {
			go func() {
				defer func() { done <- struct{}{} }()
				for {
					n, err := s.sweepBatch(ctx, now)
					steps[w] += n
					if err != nil || n == 0 {
						errs[w] = err
						return
					}
				}
			}()
		}
		for range workers {
			<-done
		}
		for _, n := range steps {
			total += n
		}
		if err := errors.Join(errs...); err != nil {
			return total, err
		}
		// A worker stops when it finds nothing to claim, while another
		// may still be writing mail: look once more.
		var due bool
		err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE next_deadline <= $1)
			OR EXISTS (SELECT 1 FROM inbox i JOIN networks n ON i.recipient = 'network:' || n.head)`, NowColumn(now)).Scan(&due)
		if err != nil || !due {
			return total, err
		}
	}
}

// sweepBatch claims and advances one batch of due rows, returning how
// many: accounts first, loaded with their claim and written in one round
// trip (an account has no mail, and advancing it names no other row);
// else networks with mail, each through the path of Do.
func (s *Store) sweepBatch(ctx context.Context, now time.Time) (int, error) {
	batch := s.Batch
	if batch <= 0 {
		batch = 16
	}
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if n, err = s.sweepAccounts(ctx, tx, now, batch); err != nil || n > 0 {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT n.head FROM networks n
			WHERE EXISTS (SELECT 1 FROM inbox i WHERE i.recipient = 'network:' || n.head)
			ORDER BY n.head LIMIT $1 FOR UPDATE OF n SKIP LOCKED`, batch)
		if err != nil {
			return err
		}
		heads, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		slices.SortFunc(heads, strings.Compare)
		for _, head := range heads {
			_, stepErr, more, err := s.do(ctx, tx, now, fleet.Advance{Key: fleet.NetworkKey(tenancy.AccountID(head))}, "", nil)
			switch {
			case err != nil:
				return err
			case stepErr != nil:
				return fmt.Errorf("advance network:%s: %w", head, stepErr)
			case more != nil:
				return fmt.Errorf("advance network:%s needs %v", head, more)
			}
		}
		n = len(heads)
		return nil
	})
	if err == nil {
		s.stats.tx.Add(1)
		s.stats.steps.Add(uint64(n))
	}
	return n, err
}

// claimAccounts claims the first due accounts ($1: now, $2: how many) in
// the order of the index accounts_claim, skipping those another worker
// holds.
const claimAccounts = `SELECT id, state FROM accounts WHERE next_deadline <= $1
	ORDER BY next_deadline, id COLLATE "C" LIMIT $2 FOR UPDATE SKIP LOCKED`

// sweepAccounts claims up to batch due accounts in tx with their states,
// advances each, and writes them all in one batch.
func (s *Store) sweepAccounts(ctx context.Context, tx pgx.Tx, now time.Time, batch int) (int, error) {
	rows, err := tx.Query(ctx, claimAccounts, NowColumn(now), batch)
	if err != nil {
		return 0, err
	}
	type claimed struct {
		id  string
		raw []byte
	}
	due, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (claimed, error) {
		var c claimed
		return c, r.Scan(&c.id, &c.raw)
	})
	if err != nil || len(due) == 0 {
		return 0, err
	}
	b := &pgx.Batch{}
	var effects []fleet.Effect
	for _, c := range due {
		key := fleet.AccountKey(tenancy.AccountID(c.id))
		ld := &loaded{states: fleet.NewStates(), exists: map[fleet.Key]bool{key: true}}
		if err := decodeState(ld.states, fleet.KindAccount, c.raw); err != nil {
			return 0, fmt.Errorf("%s: %w", key, err)
		}
		r, err := s.eng.Step(ld.states, fleet.Input{Now: s.at(now, ld), Command: fleet.Advance{Key: key}})
		if err != nil {
			return 0, fmt.Errorf("advance %s: %w", key, err)
		}
		if err := s.queue(b, ld, r); err != nil {
			return 0, err
		}
		effects = append(effects, r.Effects...)
	}
	return len(due), s.send(ctx, tx, b, effects)
}
