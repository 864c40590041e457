-- The sweeper claims due accounts in (next_deadline, id) order with LIMIT:
-- an index in that order lets it read the first due rows instead of
-- sorting every due row on each claim (quadratic when a whole cohort of
-- accounts falls due on one day).
CREATE INDEX IF NOT EXISTS accounts_claim ON accounts (next_deadline, id COLLATE "C") WHERE next_deadline IS NOT NULL;
DROP INDEX IF EXISTS accounts_next_deadline;
