import { DERIVED_EVENTS, type DomainEvent, type EventType, type PendingEvent, type StoredEvent } from '../core/events.js';
import type { Row, Sql } from './db.js';

/**
 * A writer got its transaction id, then waited for a conversation another
 * transaction (with a newer id) wrote events for and committed: logging its events
 * now would put them before those in the (tx, id) order consumers read. The
 * transaction is rolled back and run again (`runCommand` does), with a newer id.
 */
export class StaleEventWriter extends Error {
  readonly code = 'zhike_stale_event_writer';
  constructor(conversationIds: number[]) {
    super(`conversations ${conversationIds.join(', ')} got newer events while this transaction waited; run it again`);
  }
}

/**
 * Appends events to the log inside the caller's transaction and returns them with
 * ids. Conversations whose events are logged are stamped with this transaction
 * (their row is locked until commit): see StaleEventWriter and migration 005.
 * Derived events (DERIVED_EVENTS) stamp nothing.
 */
export async function appendEvents(sql: Sql, pending: PendingEvent[]): Promise<DomainEvent[]> {
  if (pending.length === 0) return [];
  const ordered = pending.filter((e) => !DERIVED_EVENTS.has(e.type));
  const conversations = [...new Set(ordered.map((e) => e.conversationId).filter((id): id is number => id !== null))];
  if (conversations.length > 0) {
    const stamped = await sql.query<{ id: number }>(
      `UPDATE conversations SET event_tx = pg_current_xact_id()
       WHERE id = ANY($1::bigint[]) AND event_tx <= pg_current_xact_id() RETURNING id`,
      [conversations],
    );
    if (stamped.length < conversations.length) {
      const late = conversations.filter((id) => !stamped.some((r) => r.id === id));
      // a conversation that does not exist is the caller's bug, not a race: say so
      const existing = await sql.query<{ id: number }>('SELECT id FROM conversations WHERE id = ANY($1::bigint[])', [late]);
      if (existing.length < late.length) throw new Error(`events for conversations that do not exist: ${late.join(', ')}`);
      throw new StaleEventWriter(late);
    }
  }
  const params: unknown[] = [];
  const values = pending.map((e, i) => {
    params.push(e.workspaceId, e.type, e.conversationId, e.actor.type, e.actor.id, JSON.stringify(e.data));
    const b = i * 6;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb)`;
  });
  const rows = await sql.query<{ id: number; created_at: Date }>(
    `INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data)
     VALUES ${values.join(', ')} RETURNING id, created_at`,
    params,
  );
  return pending.map((e, i) => ({ ...e, id: rows[i].id, createdAt: rows[i].created_at.toISOString() }) as DomainEvent);
}

/** A row of `events` as a stored event. */
export function toStoredEvent(r: Row): StoredEvent {
  return {
    id: r.id,
    type: r.type as EventType,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    actor: { type: r.actor_type, id: r.actor_id },
    data: r.data,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Reads a workspace's log in id order (the admin API; analytics and exports page through it this way). */
export async function readEvents(sql: Sql, workspaceId: number, afterId = 0, limit = 500): Promise<StoredEvent[]> {
  const rows = await sql.query('SELECT * FROM events WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3', [workspaceId, afterId, limit]);
  return rows.map(toStoredEvent);
}
