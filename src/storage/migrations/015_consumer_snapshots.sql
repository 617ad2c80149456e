-- Consumers follow the log by snapshot instead of below the oldest running transaction
-- (docs/events.md, "Order and delivery"). Waiting for the oldest running writer held every
-- consumer behind any transaction that waited on a lock (routing under load: 100-400 ms).
-- Now a consumer's position is the snapshot it last read at (`cursor_snapshot`): every event
-- of a transaction visible in it is handled; the next read takes the events of transactions
-- that committed since (not visible in it, visible now), whatever order their ids are in.
-- While paging through one such step, `cursor_upto` is the snapshot the step ends at and
-- (cursor_tx, cursor_id) the last event handled in it; between steps they are NULL and (0, 0).
ALTER TABLE consumers ADD COLUMN cursor_snapshot pg_snapshot, ADD COLUMN cursor_upto pg_snapshot;
-- the old position (every event before (cursor_tx, cursor_id) handled, and no transaction
-- before cursor_tx still running) as a step from "everything before cursor_tx" to now
UPDATE consumers SET
  cursor_snapshot = (greatest(cursor_tx, '1'::xid8)::text || ':' || greatest(cursor_tx, '1'::xid8)::text || ':')::pg_snapshot,
  cursor_upto = pg_current_snapshot();
ALTER TABLE consumers ALTER COLUMN cursor_snapshot SET NOT NULL;
