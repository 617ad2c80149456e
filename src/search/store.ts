import { maskEmail, maskPhone, maskText } from '../core/contacts/masking.js';
import type { Sql } from '../storage/db.js';
import { isoReq } from '../storage/rows.js';

export interface SearchFilters {
  inboxId?: number;
  agentId?: number;
  groupId?: number;
  status?: 'open' | 'pending' | 'resolved';
  /** messages written at or after / before these instants */
  from?: Date;
  to?: Date;
  /** the conversation's 满意度 score */
  rating?: number;
  /** the conversation's intent (agent assist) */
  intent?: string;
  /** the customer's tags (客户画像), every one of them */
  tags?: string[];
}

export interface MessageHit {
  messageId: number;
  conversationId: number;
  seq: number;
  content: string;
  private: boolean;
  senderType: string;
  createdAt: string;
  status: string;
  contactName: string | null;
}

/** Newest messages looked at row by row before the index of terms is asked (see searchMessages). */
export const RECENT_WINDOW = 20_000;

/**
 * Messages of the workspace holding every term, newest first (a page before `before`),
 * with the conversation and date filters. Two steps, because neither plan is good alone:
 * - the newest RECENT_WINDOW messages (by id) are walked newest-first, each checked: a
 *   common word (订单, in a tenth of the messages) fills the page within a few hundred rows;
 * - only when the page is not full, the GIN index of terms finds the older candidates
 *   (materialised, so the planner cannot fall back to walking every message hoping to meet
 *   a rare word soon: 840 ms for an order number on a million messages).
 * Either step looks at a bounded number of rows: the window, or the (few) older matches.
 */
export async function searchMessages(
  sql: Sql,
  q: { workspaceId: number; terms: string[]; includePrivate: boolean; filters: SearchFilters; before?: number; limit: number; window?: number },
): Promise<MessageHit[]> {
  const [{ top }] = await sql.query('SELECT max(message_id) AS top FROM message_terms');
  if (top === null) return [];
  const upper = Math.min(q.before ?? Number(top) + 1, Number(top) + 1); // exclusive
  const lower = upper - (q.window ?? RECENT_WINDOW);
  const recent = await candidates(sql, q, { from: lower, to: upper, materialise: false, limit: q.limit });
  const older = recent.length < q.limit && lower > 0 ? await candidates(sql, q, { from: null, to: lower, materialise: true, limit: q.limit - recent.length }) : [];
  const ids = [...recent, ...older];
  if (ids.length === 0) return [];
  const rows = await sql.query(
    `SELECT m.id AS message_id, m.conversation_id, m.seq, m.content, m.private, m.sender_type, m.created_at, c.status, ct.name AS contact_name
     FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts ct ON ct.id = c.contact_id
     WHERE m.id = ANY($1::bigint[]) ORDER BY m.id DESC`,
    [ids],
  );
  return rows.map((r) => ({
    messageId: r.message_id,
    conversationId: r.conversation_id,
    seq: r.seq,
    content: r.content,
    private: r.private,
    senderType: r.sender_type,
    createdAt: isoReq(r.created_at),
    status: r.status,
    // a name holding a phone number is masked, as everywhere (docs/privacy.md)
    contactName: r.contact_name === null ? null : maskText(r.contact_name),
  }));
}

/** Ids of matching messages with from <= id < to, newest first, at most `limit`. */
async function candidates(
  sql: Sql,
  q: { workspaceId: number; terms: string[]; includePrivate: boolean; filters: SearchFilters },
  at: { from: number | null; to: number; materialise: boolean; limit: number },
): Promise<number[]> {
  const f = q.filters;
  const params: unknown[] = [q.workspaceId, q.terms, at.to];
  const add = (v: unknown) => `$${params.push(v)}`;
  const hit: string[] = ['t.workspace_id = $1', 't.terms @> $2::text[]', 't.message_id < $3'];
  if (at.from !== null) hit.push(`t.message_id >= ${add(at.from)}`);
  if (!q.includePrivate) hit.push('NOT t.private');
  if (f.from) hit.push(`t.created_at >= ${add(f.from.toISOString())}::timestamptz`);
  if (f.to) hit.push(`t.created_at < ${add(f.to.toISOString())}::timestamptz`);
  const conv: string[] = [];
  if (f.inboxId !== undefined) conv.push(`c.inbox_id = ${add(f.inboxId)}`);
  if (f.agentId !== undefined) conv.push(`c.assignee_id = ${add(f.agentId)}`);
  if (f.groupId !== undefined) conv.push(`c.group_id = ${add(f.groupId)}`);
  if (f.status !== undefined) conv.push(`c.status = ${add(f.status)}`);
  if (f.rating !== undefined) conv.push(`EXISTS (SELECT 1 FROM csat_ratings r WHERE r.conversation_id = c.id AND r.score = ${add(f.rating)})`);
  if (f.intent !== undefined) conv.push(`EXISTS (SELECT 1 FROM conversation_insights i WHERE i.conversation_id = c.id AND i.intent = ${add(f.intent)})`);
  if (f.tags?.length) conv.push(`EXISTS (SELECT 1 FROM contacts ct WHERE ct.id = c.contact_id AND ct.tags @> ${add(f.tags)}::text[])`);
  const limit = add(at.limit);
  const rows = at.materialise
    ? await sql.query(
        `WITH hits AS MATERIALIZED (SELECT t.message_id, t.conversation_id FROM message_terms t WHERE ${hit.join(' AND ')})
         SELECT h.message_id FROM hits h ${conv.length ? `JOIN conversations c ON c.id = h.conversation_id WHERE ${conv.join(' AND ')}` : ''}
         ORDER BY h.message_id DESC LIMIT ${limit}`,
        params,
      )
    : await sql.query(
        `SELECT t.message_id FROM message_terms t ${conv.length ? 'JOIN conversations c ON c.id = t.conversation_id' : ''}
         WHERE ${[...hit, ...conv].join(' AND ')} ORDER BY t.message_id DESC LIMIT ${limit}`,
        params,
      );
  return rows.map((r) => Number(r.message_id));
}

export interface ContactHit {
  contactId: number;
  /** name, phone and e-mail as agents may see them: masked (docs/privacy.md) */
  contactName: string | null;
  phone: string | null;
  email: string | null;
  /** the order number that matched, when the query is one of the contact's orders */
  orderId: string | null;
  /** the contact's newest conversation (filters applied), null when none matches */
  conversationId: number | null;
  status: string | null;
}

/**
 * Contacts whose name, e-mail or phone (digits compared without spaces or dashes) contains
 * the query, or who have an order with this number, each with its newest conversation that
 * passes the filters. Merged-away duplicates are left out. Personal data comes back masked.
 */
export async function searchContacts(sql: Sql, q: { workspaceId: number; text: string; digits: string | null; filters: SearchFilters; limit: number }): Promise<ContactHit[]> {
  const f = q.filters;
  const like = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // the matching contacts first (by their own fields, or an order number through its index), then
  // their newest conversation: a condition on the order found per contact would look up every contact's
  const rows = await sql.query(
    `WITH matched AS (
       SELECT ct.id FROM contacts ct
       WHERE ct.workspace_id = $1 AND ct.merged_into IS NULL AND ($10::text[] IS NULL OR ct.tags @> $10::text[])
         AND (ct.name ILIKE $2 OR ct.email ILIKE $2 OR ($3::text IS NOT NULL AND regexp_replace(coalesce(ct.phone, ''), '[^0-9]', '', 'g') LIKE '%' || $3 || '%'))
       UNION
       SELECT ct.id FROM contact_orders co JOIN contacts ct ON ct.id = co.contact_id
       WHERE co.workspace_id = $1 AND lower(co.order_id) = lower($9) AND ct.merged_into IS NULL AND ($10::text[] IS NULL OR ct.tags @> $10::text[])
     )
     SELECT ct.id, ct.name, ct.phone, ct.email, o.order_id, cv.id AS conversation_id, cv.status
     FROM matched m JOIN contacts ct ON ct.id = m.id
     JOIN LATERAL (
       SELECT c.id, c.status FROM conversations c
       WHERE c.contact_id = ct.id AND ($5::bigint IS NULL OR c.inbox_id = $5) AND ($6::bigint IS NULL OR c.assignee_id = $6)
         AND ($7::bigint IS NULL OR c.group_id = $7) AND ($8::text IS NULL OR c.status = $8)
       ORDER BY c.id DESC LIMIT 1
     ) cv ON true
     LEFT JOIN LATERAL (
       SELECT co.order_id FROM contact_orders co WHERE co.contact_id = ct.id AND lower(co.order_id) = lower($9) LIMIT 1
     ) o ON true
     ORDER BY cv.id DESC LIMIT $4`,
    [q.workspaceId, like, q.digits, q.limit, f.inboxId ?? null, f.agentId ?? null, f.groupId ?? null, f.status ?? null, q.text, f.tags?.length ? f.tags : null],
  );
  return rows.map((r) => ({
    contactId: r.id,
    contactName: r.name === null ? null : maskText(r.name),
    phone: r.phone === null ? null : maskPhone(r.phone),
    email: r.email === null ? null : maskEmail(r.email),
    orderId: r.order_id ?? null,
    conversationId: r.conversation_id,
    status: r.status,
  }));
}
