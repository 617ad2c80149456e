import type { EventMatch, EventType, StoredEvent } from '../core/events.js';
import { maybeOne, one, type Sql } from './db.js';
import { toStoredEvent } from './events.js';

/**
 * Storage of durable consumers (migration 005): their position in the event log,
 * their lease, and the events they parked. A position is (tx, id): every event
 * before it in (tx, id) order is handled.
 */
export interface Position {
  /** xid8 as text (it does not fit a JS number safely). */
  tx: string;
  id: number;
}

/** A position as text (`<tx>.<id>`), e.g. the event log API's cursor; null when malformed. */
export const positionKey = (p: Position) => `${p.tx}.${p.id}`;
export function parsePosition(text: string): Position | null {
  const m = /^(\d{1,20})\.(\d{1,15})$/.exec(text);
  return m ? { tx: m[1], id: Number(m[2]) } : null;
}

/** The oldest transaction still running: no event can appear before (horizon, 0) any more. */
const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())';

/** The events a consumer takes: its types, and what their data must match (core/events.ts eventMatches). */
export interface EventSelector {
  types: readonly EventType[];
  match?: EventMatch | null;
}

/**
 * SQL: the event `e` is selected — one of the types (param `types`, text[]; null: any)
 * whose data matches: for each field the selector names for its type, the event's
 * value is one of those accepted. The match becomes plain conditions (one per field,
 * its values as parameters from `$first` on), so a consumer's query text stays the
 * same from read to read and is prepared once.
 */
function selected(types: string, selector: EventSelector | null, first: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions: string[] = [`(${types}::text[] IS NULL OR e.type = ANY(${types}::text[]))`];
  for (const [type, fields] of Object.entries(selector?.match ?? {})) {
    const checks = Object.entries(fields as Record<string, readonly unknown[]>).map(([field, accepted]) => {
      params.push(field, JSON.stringify(accepted));
      const at = first + params.length;
      return `$${at}::jsonb @> coalesce(e.data -> $${at - 1}::text, 'null'::jsonb)`;
    });
    params.push(type);
    conditions.push(`(e.type <> $${first + params.length}::text OR (${checks.join(' AND ') || 'true'}))`);
  }
  return { sql: conditions.join(' AND '), params };
}

/** Makes sure the consumer has a row; a new one starts at the end of the log ('now') or at its beginning. */
export async function registerConsumer(sql: Sql, name: string, startFrom: 'now' | 'beginning'): Promise<void> {
  await sql.query(
    `INSERT INTO consumers (name, cursor_tx, cursor_id) VALUES ($1, ${startFrom === 'now' ? HORIZON : `'0'::xid8`}, 0) ON CONFLICT (name) DO NOTHING`,
    [name],
  );
}

/**
 * Takes (or renews) the consumer's lease for `owner`: only one instance runs a
 * consumer at a time; when its lease runs out (the instance died) another takes over.
 * Returns the position to go on from, or null when another instance holds it.
 */
export async function claimConsumer(sql: Sql, name: string, owner: string, leaseMs: number): Promise<Position | null> {
  const row = await maybeOne(
    sql,
    `UPDATE consumers SET owner = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000), updated_at = now()
     WHERE name = $1 AND (owner IS NULL OR owner = $2 OR lease_until IS NULL OR lease_until < now())
     RETURNING cursor_tx::text AS tx, cursor_id AS id`,
    [name, owner, leaseMs],
  );
  return row ? { tx: row.tx, id: Number(row.id) } : null;
}

export interface Batch {
  events: StoredEvent[];
  /** Every event before this position is now handled once `events` are (the end of what can be read). */
  next: Position;
  /** Committed events of these types wait behind a transaction still running: read again soon. */
  pending: boolean;
}

/**
 * The next selected events after `from` (all with a null selector), in (tx, id) order, only from
 * transactions older than the oldest one still running. Within one statement (one
 * snapshot) every such transaction has finished, so nothing before the horizon can
 * appear later: a consumer that moves its position there skips nothing.
 */
export async function readBatch(sql: Sql, from: Position, selector: EventSelector | null, limit: number, workspaceId: number | null = null): Promise<Batch> {
  const which = selected('$3', selector, 5);
  // one round trip: the batch's rows, each with the horizon and `pending` (one row of nulls when the batch is empty)
  const rows = await sql.query(
    `WITH h AS MATERIALIZED (
       -- (a scalar subquery in index order, not EXISTS: with no estimate for the horizon, a
       -- generic plan for EXISTS may scan the whole table looking for a first row)
       SELECT horizon, (SELECT e.id FROM events e WHERE e.tx >= horizon AND ${which.sql} ORDER BY e.tx, e.id LIMIT 1) IS NOT NULL AS pending
       FROM (SELECT ${HORIZON} AS horizon) x),
     batch AS MATERIALIZED (
       SELECT e.*, e.tx::text AS tx_text FROM events e, h
       WHERE (e.tx, e.id) > ($1::xid8, $2::bigint) AND e.tx < h.horizon
         AND ${which.sql} AND ($5::bigint IS NULL OR e.workspace_id = $5)
       ORDER BY e.tx, e.id LIMIT $4)
     SELECT h.horizon::text AS horizon, h.pending, b.*
     FROM h LEFT JOIN batch b ON true
     ORDER BY b.tx, b.id`,
    [from.tx, from.id, selector?.types ?? null, limit, workspaceId, ...which.params],
  );
  const found = rows.filter((r) => r.id !== null);
  const events = found.map(toStoredEvent);
  const last = found.at(-1);
  // a full page: go on after its last event; otherwise everything before the horizon is read
  const next = found.length === limit && last ? { tx: last.tx_text as string, id: Number(last.id) } : { tx: rows[0].horizon as string, id: 0 };
  return { events, next, pending: rows[0].pending };
}

/**
 * Moves the position on and renews the lease, only while `owner` holds it (an
 * instance that lost its lease stops). Asynchronous commit: losing this write in
 * a crash only means handling those events again, which consumers must tolerate.
 */
export async function advanceConsumer(sql: Sql, name: string, owner: string, to: Position, leaseMs: number): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE consumers SET cursor_tx = $3::xid8, cursor_id = $4, lease_until = now() + make_interval(secs => $5::double precision / 1000), updated_at = now()
     FROM (SELECT set_config('synchronous_commit', 'off', true)) async_commit
     WHERE name = $1 AND owner = $2 RETURNING 1`,
    [name, owner, to.tx, to.id, leaseMs],
  );
  return rows.length === 1;
}

/** Lets another instance take over at once (graceful shutdown). */
export async function releaseConsumer(sql: Sql, name: string, owner: string): Promise<void> {
  await sql.query('UPDATE consumers SET owner = NULL, lease_until = NULL WHERE name = $1 AND owner = $2', [name, owner]);
}

export async function parkEvent(sql: Sql, consumer: string, event: StoredEvent, attempts: number, error: string): Promise<void> {
  await sql.query(
    `INSERT INTO consumer_parked (consumer, event_id, workspace_id, conversation_id, event_type, attempts, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = consumer_parked.attempts + EXCLUDED.attempts, error = EXCLUDED.error, parked_at = now()`,
    [consumer, event.id, event.workspaceId, event.conversationId, event.type, attempts, error.slice(0, 2000)],
  );
}

/** A workspace's parked events of a consumer, oldest first, with the events themselves. */
export async function parkedEvents(sql: Sql, consumer: string, workspaceId: number, limit: number): Promise<{ event: StoredEvent; attempts: number }[]> {
  const rows = await sql.query(
    `SELECT e.*, p.attempts AS parked_attempts FROM consumer_parked p JOIN events e ON e.id = p.event_id
     WHERE p.consumer = $1 AND p.workspace_id = $2 ORDER BY p.event_id LIMIT $3`,
    [consumer, workspaceId, limit],
  );
  return rows.map((r) => ({ event: toStoredEvent(r), attempts: r.parked_attempts }));
}

export async function unparkEvent(sql: Sql, consumer: string, eventId: number): Promise<void> {
  await sql.query('DELETE FROM consumer_parked WHERE consumer = $1 AND event_id = $2', [consumer, eventId]);
}

export interface ConsumerStatus {
  name: string;
  lag: { events: number; seconds: number };
  /** Parked events (of the workspace asked about, or of all). */
  parked: number;
  lastError: { eventId: number; eventType: string; conversationId: number | null; message: string; at: string } | null;
}

/** Lag counts at most this many events (a consumer far behind says so without counting the whole log). */
export const LAG_COUNT_CAP = 100_000;

/**
 * How far a consumer is behind (its events after its position, and the
 * age of the oldest) — instance-wide numbers — and its parked events: of one
 * workspace when `workspaceId` is given (an admin sees no other workspace's errors).
 */
export async function consumerStatus(sql: Sql, name: string, selector: EventSelector, workspaceId: number | null): Promise<ConsumerStatus> {
  const which = selected('$2', selector, 3);
  const row = await one(
    sql,
    `WITH c AS (SELECT cursor_tx, cursor_id FROM consumers WHERE name = $1),
     behind AS (
       SELECT e.created_at FROM events e, c WHERE (e.tx, e.id) > (c.cursor_tx, c.cursor_id) AND ${which.sql}
       ORDER BY e.tx, e.id LIMIT ${LAG_COUNT_CAP})
     SELECT (SELECT count(*) FROM behind) AS lag_events,
       (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM behind) AS lag_seconds,
       (SELECT count(*) FROM consumer_parked p WHERE p.consumer = $1 AND ($3::bigint IS NULL OR p.workspace_id = $3)) AS parked,
       (SELECT to_jsonb(p.*) FROM consumer_parked p WHERE p.consumer = $1 AND ($3::bigint IS NULL OR p.workspace_id = $3)
        ORDER BY p.parked_at DESC, p.event_id DESC LIMIT 1) AS last`,
    [name, selector.types, workspaceId, ...which.params],
  );
  const last = row.last as Record<string, any> | null;
  return {
    name,
    lag: { events: Number(row.lag_events), seconds: Math.max(0, Number(row.lag_seconds)) },
    parked: Number(row.parked),
    lastError: last
      ? { eventId: Number(last.event_id), eventType: last.event_type, conversationId: last.conversation_id === null ? null : Number(last.conversation_id), message: last.error, at: new Date(last.parked_at).toISOString() }
      : null,
  };
}
