-- The rows of the fleet driver: one per state (accounts, networks,
-- identities), each holding the state as the library encodes it in JSON,
-- byte for byte; the inboxes of messages between states; the outbox of
-- effects keyed by effect ID; and the outcomes of requests.

CREATE TABLE IF NOT EXISTS accounts (
	id            text PRIMARY KEY,
	state         json NOT NULL,
	-- The head of the network the account is in, "" for none: the
	-- membership index fleet.Engine.Keys asks of the store.
	network       text NOT NULL DEFAULT '',
	-- The account's next deadline rounded up to the microsecond; NULL
	-- when it has none.
	next_deadline timestamptz,
	updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS accounts_next_deadline ON accounts (next_deadline) WHERE next_deadline IS NOT NULL;
CREATE INDEX IF NOT EXISTS accounts_network ON accounts (network) WHERE network <> '';

CREATE TABLE IF NOT EXISTS networks (
	head       text PRIMARY KEY,
	state      json NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS identities (
	user_id    text PRIMARY KEY,
	state      json NOT NULL,
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- Messages waiting for their recipient's next step (fleet.Message).
CREATE TABLE IF NOT EXISTS inbox (
	message_id text PRIMARY KEY,
	recipient  text NOT NULL, -- a fleet.Key as Key.String writes it
	message    json NOT NULL
);
CREATE INDEX IF NOT EXISTS inbox_recipient ON inbox (recipient);

-- Effects to execute, at least once each (fleet.Effect).
CREATE TABLE IF NOT EXISTS outbox (
	effect_id    text PRIMARY KEY,
	seq          bigserial NOT NULL,
	kind         text NOT NULL,
	class        text NOT NULL,
	effect       json NOT NULL,
	delivered_at timestamptz
);
CREATE INDEX IF NOT EXISTS outbox_undelivered ON outbox (seq) WHERE delivered_at IS NULL;

-- What each request came to (fleet.Outcome), so that a replay returns it.
CREATE TABLE IF NOT EXISTS requests (
	request_id text PRIMARY KEY,
	outcome    json NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);
