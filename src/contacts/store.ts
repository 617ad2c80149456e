import type { CustomFieldDef } from '../core/contacts/custom-fields.js';
import type { ContactOrder, LostReason, Temperament } from '../core/contacts/profile.js';
import { CONTACT_LIMITS } from '../core/contacts/profile.js';
import type { Contact } from '../core/model.js';
import type { Row, Sql } from '../storage/db.js';
import { isoReq, toContact } from '../storage/rows.js';

/** The list's filters (GET /contacts and its CSV export). */
export interface ContactFilters {
  workspaceId: number;
  /** name, company, e-mail, phone (its digits), externalId or an order number */
  q?: string;
  /** every one must match */
  tags?: string[];
  vipLevel?: number;
  temperament?: Temperament;
  /** 'any' lost, 'none' not lost, or one reason */
  lost?: 'any' | 'none' | LostReason;
  /** custom field equals, by key (values typed by their definition) */
  customFields?: Record<string, string | number>;
}

/** `<activity>_<id>` with microseconds, so the keyset never skips a row written in the same millisecond. */
const ACTIVITY = `COALESCE(ct.last_seen_at, ct.created_at)`;
const ACTIVITY_KEY = `to_char(${ACTIVITY} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '_' || ct.id`;

function where(f: ContactFilters, params: unknown[]): string {
  const add = (v: unknown) => `$${params.push(v)}`;
  const w = [`ct.workspace_id = ${add(f.workspaceId)}`, 'ct.merged_into IS NULL'];
  if (f.q) {
    const like = add(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const digits = f.q.replace(/\D/g, '');
    const parts = [`ct.name ILIKE ${like}`, `ct.company ILIKE ${like}`, `ct.email ILIKE ${like}`, `ct.external_id ILIKE ${like}`];
    if (digits.length >= 3) parts.push(`regexp_replace(coalesce(ct.phone, ''), '[^0-9]', '', 'g') LIKE '%' || ${add(digits)} || '%'`);
    parts.push(`EXISTS (SELECT 1 FROM contact_orders o WHERE o.contact_id = ct.id AND o.order_id ILIKE ${like})`);
    w.push(`(${parts.join(' OR ')})`);
  }
  if (f.tags?.length) w.push(`ct.tags @> ${add(f.tags)}::text[]`);
  if (f.vipLevel !== undefined) w.push(`ct.vip_level = ${add(f.vipLevel)}`);
  if (f.temperament) w.push(`ct.temperament = ${add(f.temperament)}`);
  if (f.lost === 'any') w.push('ct.lost_reason IS NOT NULL');
  else if (f.lost === 'none') w.push('ct.lost_reason IS NULL');
  else if (f.lost) w.push(`ct.lost_reason = ${add(f.lost)}`);
  if (f.customFields && Object.keys(f.customFields).length) w.push(`ct.custom_fields @> ${add(JSON.stringify(f.customFields))}::jsonb`);
  return w.join(' AND ');
}

/** Contacts newest activity first (last seen, else created), a page after `cursor`. */
export async function listContacts(sql: Sql, f: ContactFilters, page: { limit: number; cursor?: { at: string; id: number } }): Promise<{ contacts: Contact[]; nextCursor: string | null }> {
  const params: unknown[] = [];
  let w = where(f, params);
  if (page.cursor) {
    const at = `$${params.push(page.cursor.at)}::timestamptz`;
    const id = `$${params.push(page.cursor.id)}`;
    w += ` AND (${ACTIVITY} < ${at} OR (${ACTIVITY} = ${at} AND ct.id < ${id}))`;
  }
  const rows = await sql.query(`SELECT ct.*, ${ACTIVITY_KEY} AS activity_key FROM contacts ct WHERE ${w} ORDER BY ${ACTIVITY} DESC, ct.id DESC LIMIT $${params.push(page.limit + 1)}`, params);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  return { contacts: shown.map(toContact), nextCursor: more ? shown[shown.length - 1].activity_key : null };
}

/** Every contact the filters find, for the CSV export (at most `max`). */
export async function exportContacts(sql: Sql, f: ContactFilters, max: number): Promise<Contact[]> {
  const params: unknown[] = [];
  const w = where(f, params);
  const rows = await sql.query(`SELECT ct.* FROM contacts ct WHERE ${w} ORDER BY ${ACTIVITY} DESC, ct.id DESC LIMIT $${params.push(max)}`, params);
  return rows.map(toContact);
}

export interface TimelineItem {
  kind: 'conversation' | 'ticket' | 'complaint' | 'rating' | 'visit' | 'order';
  at: string;
  id: number;
  title: string;
  detail?: string;
  status?: string;
  score?: number;
  conversationId?: number;
  ticketId?: number;
  channel?: string;
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;

/**
 * Everything that happened with the customer, newest first (at most 200): conversations of any
 * inbox and channel, tickets and complaints, 满意度 answers, visits and orders.
 */
export async function contactTimeline(sql: Sql, contactId: number, limit: number = CONTACT_LIMITS.timeline): Promise<TimelineItem[]> {
  const [conversations, tickets, ratings, visits, orders] = await Promise.all([
    sql.query(`SELECT id, created_at, topic, last_message_preview, status, channel FROM conversations WHERE contact_id = $1 ORDER BY created_at DESC LIMIT $2`, [contactId, limit]),
    sql.query(`SELECT id, type, subject, status, created_at FROM tickets WHERE contact_id = $1 ORDER BY created_at DESC LIMIT $2`, [contactId, limit]),
    sql.query(`SELECT id, conversation_id, score, reasons, comment, created_at FROM csat_ratings WHERE contact_id = $1 ORDER BY created_at DESC LIMIT $2`, [contactId, limit]),
    sql.query(`SELECT id, started_at, landing_page, source_kind, source_name, search_keyword FROM visits WHERE contact_id = $1 ORDER BY started_at DESC LIMIT $2`, [contactId, limit]),
    sql.query(`SELECT id, order_id, amount::text AS amount, currency, status, ordered_at FROM contact_orders WHERE contact_id = $1 ORDER BY ordered_at DESC LIMIT $2`, [contactId, limit]),
  ]);
  const items: TimelineItem[] = [
    ...conversations.map((r) =>
      defined<TimelineItem>({ kind: 'conversation', at: isoReq(r.created_at), id: Number(r.id), title: r.topic ?? r.last_message_preview ?? '', detail: r.topic ? r.last_message_preview : undefined, status: r.status, conversationId: Number(r.id), channel: r.channel }),
    ),
    ...tickets.map((r) => defined<TimelineItem>({ kind: r.type === 'complaint' ? 'complaint' : 'ticket', at: isoReq(r.created_at), id: Number(r.id), title: r.subject, status: r.status, ticketId: Number(r.id) })),
    ...ratings.map((r) =>
      defined<TimelineItem>({ kind: 'rating', at: isoReq(r.created_at), id: Number(r.id), title: ((r.reasons as string[]) ?? []).join('、'), detail: r.comment ?? undefined, score: r.score, conversationId: Number(r.conversation_id) }),
    ),
    ...visits.map((r) =>
      defined<TimelineItem>({ kind: 'visit', at: isoReq(r.started_at), id: Number(r.id), title: r.landing_page ?? '', detail: [r.source_name ?? r.source_kind, r.search_keyword].filter(Boolean).join(' · ') || undefined }),
    ),
    ...orders.map((r) => defined<TimelineItem>({ kind: 'order', at: isoReq(r.ordered_at), id: Number(r.id), title: r.order_id, detail: `${Number(r.amount)} ${r.currency}`, status: r.status })),
  ];
  return items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id)).slice(0, limit);
}

export function toOrder(r: Row): ContactOrder {
  return {
    id: Number(r.id),
    contactId: Number(r.contact_id),
    orderId: r.order_id,
    items: r.items ?? [],
    amount: Number(r.amount),
    currency: r.currency,
    status: r.status,
    orderedAt: isoReq(r.ordered_at),
    createdAt: isoReq(r.created_at),
    updatedAt: isoReq(r.updated_at),
  };
}

export const ORDER_COLUMNS = `id, contact_id, order_id, items, amount::text AS amount, currency, status, ordered_at, created_at, updated_at`;

export async function listOrders(sql: Sql, contactId: number, limit = 500): Promise<ContactOrder[]> {
  return (await sql.query(`SELECT ${ORDER_COLUMNS} FROM contact_orders WHERE contact_id = $1 ORDER BY ordered_at DESC, id DESC LIMIT $2`, [contactId, limit])).map(toOrder);
}

export interface MergeRecord {
  id: number;
  fromContactId: number;
  intoContactId: number;
  createdAt: string;
  undoneAt: string | null;
}

export const toMerge = (r: Row): MergeRecord => ({
  id: Number(r.id),
  fromContactId: Number(r.from_contact_id),
  intoContactId: Number(r.into_contact_id),
  createdAt: isoReq(r.created_at),
  undoneAt: r.undone_at ? isoReq(r.undone_at) : null,
});

/** Manual merges into and out of the contact, newest first (the profile's undo button). */
export async function mergesOf(sql: Sql, contactId: number): Promise<MergeRecord[]> {
  const rows = await sql.query(`SELECT * FROM contact_merges WHERE from_contact_id = $1 OR into_contact_id = $1 ORDER BY id DESC LIMIT 50`, [contactId]);
  return rows.map(toMerge);
}

/** A custom-field filter `key:value`, typed by the field's definition; null when the key is not defined. */
export function customFieldFilter(defs: readonly CustomFieldDef[], key: string, value: string): string | number | null {
  const def = defs.find((d) => d.key === key);
  if (!def) return null;
  if (def.type === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return value;
}
