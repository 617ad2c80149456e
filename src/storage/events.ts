import type { DomainEvent, PendingEvent } from '../core/events.js';
import type { Sql } from './db.js';

/** Appends events to the log inside the caller's transaction and returns them with ids. */
export async function appendEvents(sql: Sql, pending: PendingEvent[]): Promise<DomainEvent[]> {
  if (pending.length === 0) return [];
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

export interface LoggedEvent {
  id: number;
  type: string;
  workspaceId: number;
  conversationId: number | null;
  actorType: string;
  actorId: number | null;
  data: Record<string, unknown>;
  createdAt: string;
}

/** Reads the log in order (analytics, QA and replays read it this way). */
export async function readEvents(sql: Sql, workspaceId: number, afterId = 0, limit = 500): Promise<LoggedEvent[]> {
  const rows = await sql.query(
    'SELECT * FROM events WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3',
    [workspaceId, afterId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    actorType: r.actor_type,
    actorId: r.actor_id,
    data: r.data,
    createdAt: r.created_at.toISOString(),
  }));
}
