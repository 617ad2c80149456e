-- The event log is the outbox that durable consumers read (docs/events.md).
--
-- Identity ids are taken before commit, so a transaction holding id 41 can commit
-- after one holding id 42: a reader of `id > cursor` would skip 41 for ever. Every
-- event therefore records the transaction that wrote it, and consumers read in
-- (tx, id) order only below the oldest transaction still running (015 replaced this with snapshots): no transaction
-- older than that can write an event any more, so nothing is skipped.
ALTER TABLE events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX events_tx_idx ON events (tx, id);

-- Per conversation, the transaction that wrote its latest events. A writer whose
-- transaction is older than that (it got its id, then waited for the row) starts
-- again, so a conversation's events are in (tx, id) order exactly as they happened.
ALTER TABLE conversations ADD COLUMN event_tx xid8 NOT NULL DEFAULT '0';
ALTER TABLE conversations ALTER COLUMN event_tx SET DEFAULT pg_current_xact_id();

-- One row per durable consumer: where it is in the log, and which instance runs it (a lease).
CREATE TABLE consumers (
  name         text PRIMARY KEY,
  cursor_tx    xid8 NOT NULL,                 -- every event before (cursor_tx, cursor_id) is handled
  cursor_id    bigint NOT NULL DEFAULT 0,
  owner        text,                          -- the instance running it now
  lease_until  timestamptz,                   -- another instance takes over after this
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Events a consumer gave up on after its attempts, with the error; an operator re-runs them.
CREATE TABLE consumer_parked (
  consumer         text NOT NULL,
  event_id         bigint NOT NULL,
  workspace_id     bigint NOT NULL,
  conversation_id  bigint,
  event_type       text NOT NULL,
  attempts         integer NOT NULL,
  error            text NOT NULL,
  parked_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX consumer_parked_workspace_idx ON consumer_parked (workspace_id, consumer, parked_at DESC);
