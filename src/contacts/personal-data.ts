import { recordAudit } from '../audit/store.js';
import { notFound } from '../core/errors.js';
import type { Contact, Conversation, Message } from '../core/model.js';
import type { ContactOrder } from '../core/contacts/profile.js';
import type { Db, Row } from '../storage/db.js';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, isoReq, MESSAGE_COLUMNS, MESSAGE_FROM, toContact, toConversation, toMessage } from '../storage/rows.js';
import { listOrders } from './store.js';

/** Bounds of one personal-data export (a customer with more is rare; `truncated` says so). */
export const PERSONAL_DATA_LIMITS = { conversations: 1000, messagesPerConversation: 5000, rows: 5000 } as const;

export interface PersonalData {
  contact: Contact;
  orders: ContactOrder[];
  conversations: Array<Conversation & { messages: Message[] }>;
  tickets: Row[];
  ratings: Row[];
  visits: Row[];
  pageViews: Row[];
  truncated: boolean;
  exportedAt: string;
}

const plain = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v instanceof Date ? v.toISOString() : v]));

/**
 * Everything held on one contact (PIPL: the person's right to a copy), unmasked, for an admin;
 * the audit entry is written before the data leaves. Read-only otherwise.
 */
export async function personalData(db: Db, actorId: number, workspaceId: number, contactId: number): Promise<PersonalData> {
  const row = (await db.query('SELECT * FROM contacts WHERE id = $1 AND workspace_id = $2', [contactId, workspaceId]))[0];
  if (!row) throw notFound('contact');
  const L = PERSONAL_DATA_LIMITS;
  const convRows = await db.query(`SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.contact_id = $1 ORDER BY c.id LIMIT $2`, [contactId, L.conversations + 1]);
  let truncated = convRows.length > L.conversations;
  const conversations: PersonalData['conversations'] = [];
  for (const c of convRows.slice(0, L.conversations)) {
    // the customer's own copy: their messages and the agents' and bot's replies, never the private notes
    const messages = await db.query(`SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.conversation_id = $1 AND NOT m.private ORDER BY m.seq LIMIT $2`, [c.id, L.messagesPerConversation + 1]);
    if (messages.length > L.messagesPerConversation) truncated = true;
    // unmasked: the conversation's contact name as stored
    conversations.push({ ...toConversation(c), contactName: c.contact_name ?? null, messages: messages.slice(0, L.messagesPerConversation).map(toMessage) });
  }
  const list = async (sql: string) => {
    const rows = await db.query(sql, [contactId, L.rows + 1]);
    if (rows.length > L.rows) truncated = true;
    return rows.slice(0, L.rows).map(plain);
  };
  const out: PersonalData = {
    contact: toContact(row),
    orders: await listOrders(db, contactId, L.rows),
    conversations,
    tickets: await list('SELECT id, type, priority, status, subject, description, tags, category, custom_fields, created_at, updated_at, solved_at, closed_at FROM tickets WHERE contact_id = $1 ORDER BY id LIMIT $2'),
    ratings: await list('SELECT id, conversation_id, score, reasons, comment, source, created_at, updated_at FROM csat_ratings WHERE contact_id = $1 ORDER BY id LIMIT $2'),
    visits: await list('SELECT id, inbox_id, source_kind, source_name, search_keyword, referrer, landing_page, utm, page_views, started_at, last_seen_at FROM visits WHERE contact_id = $1 ORDER BY id LIMIT $2'),
    pageViews: await list('SELECT id, visit_id, url, title, started_at, ended_at FROM page_views WHERE contact_id = $1 ORDER BY id LIMIT $2'),
    truncated,
    exportedAt: isoReq(new Date()),
  };
  await recordAudit(db, { workspaceId, actorId, action: 'contact.exported', subjectType: 'contact', subjectId: contactId, detail: { conversations: conversations.length, truncated } });
  return out;
}
