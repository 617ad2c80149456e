import type { EventMatch, EventType, StoredEvent } from '../core/events.js';
import { maybeOne, one, type Sql } from './db.js';
import { toStoredEvent } from './events.js';

/**
 * Storage of durable consumers (migrations 005, 015): their position in the event log,
 * their lease, and the events they parked.
 *
 * A position is the snapshot a consumer last read at (`seen`, pg_snapshot text): every event
 * of a transaction visible in it is handled. The next read takes the events of transactions
 * not visible in it that are visible now — those that committed since, in whatever order
 * their ids were taken — and moves on to the snapshot it read at. Nothing waits for a
 * transaction still running (it is in the new snapshot's running list, and its events come
 * with the read after it commits), and nothing is skipped. When one step holds more events
 * than a batch, `page` pages through it: the snapshot the step ends at, and the last event
 * handled, in (tx, id) order.
 */
export interface Position {
  seen: string;
  page: { upto: string; tx: string; id: number } | null;
}

/** The beginning of the log: no transaction seen yet (normal transaction ids start at 3). */
export const LOG_START: Position = { seen: '1:1:', page: null };

const XID8_MAX = 18_446_744_073_709_551_615n;
/** Numbers without leading zeros (PGlite reads 0-prefixed transaction ids as octal), at most xid8's maximum. */
const xid = (s: string) => /^(0|[1-9]\d{0,19})$/.test(s) && BigInt(s) <= XID8_MAX;

/** Is this a snapshot PostgreSQL reads (xmin:xmax:xip,… with xmin ≥ 1, xmin ≤ xip ascending < xmax)? */
function validSnapshot(text: string): boolean {
  const parts = text.split(':');
  if (parts.length !== 3 || !xid(parts[0]) || !xid(parts[1])) return false;
  const xmin = BigInt(parts[0]);
  const xmax = BigInt(parts[1]);
  if (xmin < 1n || xmin > xmax) return false;
  if (parts[2] === '') return true;
  let last = xmin;
  for (const one of parts[2].split(',')) {
    if (!xid(one)) return false;
    const x = BigInt(one);
    if (x < last || x >= xmax) return false;
    last = x;
  }
  return true;
}

/** A position as text (`<seen>` or `<seen>~<upto>~<tx>.<id>`), e.g. the event log API's cursor; null when malformed. */
export const positionKey = (p: Position) => (p.page ? `${p.seen}~${p.page.upto}~${p.page.tx}.${p.page.id}` : p.seen);
export function parsePosition(text: string): Position | null {
  const parts = text.split('~');
  if (!validSnapshot(parts[0])) return null;
  if (parts.length === 1) return { seen: parts[0], page: null };
  const last = parts.length === 3 ? /^(0|[1-9]\d{0,19})\.(0|[1-9]\d{0,14})$/.exec(parts[2]) : null;
  if (!last || !validSnapshot(parts[1]) || !xid(last[1])) return null;
  return { seen: parts[0], page: { upto: parts[1], tx: last[1], id: Number(last[2]) } };
}

export const positionEquals = (a: Position, b: Position) => positionKey(a) === positionKey(b);

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
    `INSERT INTO consumers (name, cursor_snapshot, cursor_tx, cursor_id)
     VALUES ($1, ${startFrom === 'now' ? 'pg_current_snapshot()' : `'${LOG_START.seen}'::pg_snapshot`}, '0', 0) ON CONFLICT (name) DO NOTHING`,
    [name],
  );
}

const POSITION_COLUMNS = 'cursor_snapshot::text AS seen, cursor_upto::text AS upto, cursor_tx::text AS tx, cursor_id AS id';
const toPosition = (row: Record<string, any>): Position => ({ seen: row.seen, page: row.upto === null ? null : { upto: row.upto, tx: row.tx, id: Number(row.id) } });

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
     RETURNING ${POSITION_COLUMNS}`,
    [name, owner, leaseMs],
  );
  return row ? toPosition(row) : null;
}

export interface Batch {
  events: StoredEvent[];
  /** Every event before this position is handled once `events` are. */
  next: Position;
  /** The step has more events than the batch: read again at once. */
  more: boolean;
}

/**
 * SQL: the events of transactions not visible in the snapshot `$1` — after its xmax, or in its
 * running list — and, while paging, after (`$3`, `$4`). Two index scans joined, not one OR
 * (a generic plan for the OR may walk the whole log in (tx, id) order); each is in (tx, id)
 * order and stops at `limit` (null: no stop), so the rows after them are read as needed.
 */
function notSeen(columns: string, where: string, limit: string): string {
  // one row comparison, so the index scan starts there: after the snapshot's xmax, or after ($3, $4) when that is later
  const start = `(greatest(pg_snapshot_xmax($1::pg_snapshot), $3::xid8), CASE WHEN $3::xid8 >= pg_snapshot_xmax($1::pg_snapshot) THEN $4::bigint ELSE -1 END)`;
  return `(SELECT ${columns} FROM events e
       WHERE (e.tx, e.id) > ${start} AND ${where}
       ORDER BY e.tx, e.id LIMIT ${limit})
     UNION ALL
     (SELECT ${columns} FROM events e
       WHERE e.tx = ANY(ARRAY(SELECT pg_snapshot_xip($1::pg_snapshot))) AND (e.tx, e.id) > ($3::xid8, $4::bigint) AND ${where}
       ORDER BY e.tx, e.id LIMIT ${limit})`;
}

/** The snapshot a step ends at: the page's, or the statement's own (the rows it sees are exactly those committed in it). */
const UPTO = 'coalesce($2::pg_snapshot, pg_current_snapshot())';

/**
 * The next selected events after `from` (all with a null selector; of one workspace when
 * `workspaceId` is given), in (tx, id) order within the step: those of transactions that
 * committed since `from`'s snapshot. Per conversation that is the order things happened:
 * a writer older than its conversation's latest events starts again (`StaleEventWriter`),
 * so a conversation's transactions commit in transaction-id order.
 */
export async function readBatch(sql: Sql, from: Position, selector: EventSelector | null, limit: number, workspaceId: number | null = null): Promise<Batch> {
  const which = selected('$5', selector, 7);
  const where = `e.tx < pg_snapshot_xmax(${UPTO}) AND pg_visible_in_snapshot(e.tx, ${UPTO})
         AND ${which.sql} AND ($7::bigint IS NULL OR e.workspace_id = $7)`;
  // one round trip: the batch's rows, each with the step's end (one row of nulls when the batch is empty)
  const rows = await sql.query(
    `WITH batch AS MATERIALIZED (
       SELECT * FROM (${notSeen('e.*, e.tx::text AS tx_text', where, '$6')}) u
       ORDER BY u.tx, u.id LIMIT $6)
     SELECT ${UPTO}::text AS upto, b.*
     FROM (SELECT 1) one LEFT JOIN batch b ON true
     ORDER BY b.tx, b.id`,
    [from.seen, from.page?.upto ?? null, from.page?.tx ?? '0', from.page?.id ?? 0, selector?.types ?? null, limit, workspaceId, ...which.params],
  );
  const found = rows.filter((r) => r.id !== null);
  const events = found.map(toStoredEvent);
  const last = found.at(-1);
  const upto = rows[0].upto as string;
  // a full page: go on after its last event, in the same step; otherwise the step is done
  const more = found.length === limit && !!last;
  const next: Position = more ? { seen: from.seen, page: { upto, tx: last.tx_text as string, id: Number(last.id) } } : { seen: upto, page: null };
  return { events, next, more };
}

/**
 * Moves the position on and renews the lease, only while `owner` holds it (an
 * instance that lost its lease stops). Asynchronous commit: losing this write in
 * a crash only means handling those events again, which consumers must tolerate.
 */
export async function advanceConsumer(sql: Sql, name: string, owner: string, to: Position, leaseMs: number): Promise<boolean> {
  const rows = await sql.query(
    `UPDATE consumers SET cursor_snapshot = $3::pg_snapshot, cursor_upto = $4::pg_snapshot, cursor_tx = $5::xid8, cursor_id = $6,
       lease_until = now() + make_interval(secs => $7::double precision / 1000), updated_at = now()
     FROM (SELECT set_config('synchronous_commit', 'off', true)) async_commit
     WHERE name = $1 AND owner = $2 RETURNING 1`,
    [name, owner, to.seen, to.page?.upto ?? null, to.page?.tx ?? '0', to.page?.id ?? 0, leaseMs],
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
  const at = await maybeOne(sql, `SELECT ${POSITION_COLUMNS} FROM consumers WHERE name = $1`, [name]);
  const position = at ? toPosition(at) : LOG_START;
  const which = selected('$9', selector, 9);
  // not handled: not seen, and not on the current step's pages already handled (up to ($5, $6))
  const where = `${which.sql} AND NOT ($2::pg_snapshot IS NOT NULL AND (e.tx, e.id) <= ($5::xid8, $6::bigint) AND pg_visible_in_snapshot(e.tx, $2::pg_snapshot))`;
  const row = await one(
    sql,
    `WITH behind AS (
       SELECT u.created_at FROM (${notSeen('e.tx, e.id, e.created_at', where, String(LAG_COUNT_CAP))}) u
       ORDER BY u.tx, u.id LIMIT ${LAG_COUNT_CAP})
     SELECT (SELECT count(*) FROM behind) AS lag_events,
       (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM behind) AS lag_seconds,
       (SELECT count(*) FROM consumer_parked p WHERE p.consumer = $8 AND ($7::bigint IS NULL OR p.workspace_id = $7)) AS parked,
       (SELECT to_jsonb(p.*) FROM consumer_parked p WHERE p.consumer = $8 AND ($7::bigint IS NULL OR p.workspace_id = $7)
        ORDER BY p.parked_at DESC, p.event_id DESC LIMIT 1) AS last`,
    [position.seen, position.page?.upto ?? null, '0', 0, position.page?.tx ?? '0', position.page?.id ?? 0, workspaceId, name, selector.types, ...which.params],
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
