import { pendingEvent, type PendingEvent } from '../core/events.js';
import type { Actor } from '../core/model.js';
import { timerKeys } from '../core/reception/timeouts.js';
import { one, type Row, type Sql } from '../storage/db.js';
import { toConversation } from '../storage/rows.js';
import { cancelTimers } from '../timers/timers.js';

/** The ids of every row a merge moved, by table: what an undo moves back. */
export interface MovedRows {
  conversations: number[];
  visits: number[];
  pageViews: number[];
  invitations: number[];
  tickets: number[];
  ratings: number[];
  attachments: number[];
  orders: number[];
  /** contacts merged into `from` before: they followed it */
  contacts: number[];
}

export const MOVED_TABLES: Record<keyof MovedRows, { table: string; column: string; where?: string }> = {
  conversations: { table: 'conversations', column: 'contact_id' },
  visits: { table: 'visits', column: 'contact_id' },
  pageViews: { table: 'page_views', column: 'contact_id' },
  invitations: { table: 'invitations', column: 'contact_id' },
  tickets: { table: 'tickets', column: 'contact_id' },
  ratings: { table: 'csat_ratings', column: 'contact_id' },
  attachments: { table: 'attachments', column: 'uploader_id', where: `uploader_type = 'customer'` },
  orders: { table: 'contact_orders', column: 'contact_id' },
  contacts: { table: 'contacts', column: 'merged_into' },
};

const ids = (rows: Row[]) => rows.map((r) => Number(r.id));

/**
 * Moves everything of contact `from` to contact `into` inside the caller's transaction, the
 * way a signed identity joins a visitor to a customer (docs/identity.md) and a supervisor
 * merges a duplicate: conversations, visits and page views, invitations, tickets, ratings,
 * uploads and orders. Of two open conversations in one inbox the older (by last activity)
 * ends ('merged'). `from` is then marked merged_into, so its token stands for `into`.
 * Returns the ids moved and ended, and the status events of the ended conversations.
 */
export async function moveContactRows(sql: Sql, from: number, into: number, actor: Actor): Promise<{ moved: MovedRows; ended: number[]; events: PendingEvent[] }> {
  const events: PendingEvent[] = [];
  // one open conversation per contact and inbox: of two, the older (by last activity) ends
  const pairs = await sql.query(
    `SELECT a.id AS a_id, k.id AS k_id, a.status AS a_status, k.status AS k_status,
       COALESCE(a.last_message_at, a.created_at) >= COALESCE(k.last_message_at, k.created_at) AS a_newer
     FROM conversations a JOIN conversations k ON k.inbox_id = a.inbox_id AND k.contact_id = $2 AND k.status <> 'resolved'
     WHERE a.contact_id = $1 AND a.status <> 'resolved'
     ORDER BY a.id FOR NO KEY UPDATE OF a, k`,
    [from, into],
  );
  const ended: number[] = [];
  for (const p of pairs) {
    const older = p.a_newer ? p.k_id : p.a_id;
    const row = await one(
      sql,
      `UPDATE conversations c SET status = 'resolved', resolved_at = now(), queued_at = NULL, updated_at = now()
       FROM contacts ct WHERE c.id = $1 AND ct.id = c.contact_id RETURNING c.*, ct.name AS contact_name`,
      [older],
    );
    await cancelTimers(sql, timerKeys.all(older));
    ended.push(Number(older));
    events.push(
      pendingEvent('conversation.status_changed', {
        workspaceId: row.workspace_id,
        conversationId: older,
        actor,
        data: { from: p.a_newer ? p.k_status : p.a_status, to: 'resolved', reason: 'merged' },
        subject: toConversation(row),
      }),
    );
  }
  const move = (t: string, extra = '') => sql.query(`UPDATE ${t} SET contact_id = $2 WHERE contact_id = $1 ${extra} RETURNING id`, [from, into]);
  const moved: MovedRows = {
    conversations: ids(await move('conversations')),
    // a visit of the same browser session under both (the same visit key) stays with the old contact
    visits: ids(await move('visits v', 'AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.contact_id = $2 AND w.visit_key = v.visit_key)')),
    pageViews: ids(await move('page_views')),
    invitations: ids(await move('invitations')),
    tickets: ids(await move('tickets')),
    ratings: ids(await move('csat_ratings')),
    attachments: ids(await sql.query(`UPDATE attachments SET uploader_id = $2 WHERE uploader_type = 'customer' AND uploader_id = $1 RETURNING id`, [from, into])),
    orders: ids(await move('contact_orders')),
    // the visitor's token (and any merged into it before) now stands for the customer
    contacts: ids(await sql.query('UPDATE contacts SET merged_into = $2 WHERE merged_into = $1 RETURNING id', [from, into])),
  };
  await sql.query('UPDATE contacts SET merged_into = $2 WHERE id = $1', [from, into]);
  return { moved, ended, events };
}

/** Moves exactly the rows a merge moved back to `from` (an undo); `from` is its own contact again. */
export async function moveRowsBack(sql: Sql, from: number, moved: MovedRows): Promise<void> {
  for (const [key, { table, column, where }] of Object.entries(MOVED_TABLES) as Array<[keyof MovedRows, (typeof MOVED_TABLES)[keyof MovedRows]]>) {
    const list = moved[key] ?? [];
    if (list.length === 0) continue;
    await sql.query(`UPDATE ${table} SET ${column} = $1 WHERE id = ANY($2::bigint[])${where ? ` AND ${where}` : ''}`, [from, list]);
  }
  await sql.query('UPDATE contacts SET merged_into = NULL WHERE id = $1', [from]);
}
