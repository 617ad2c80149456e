import type { Conversation, ConversationStatus, Message } from '../core/model.js';
import { maybeOne, type Sql } from './db.js';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, MESSAGE_COLUMNS, MESSAGE_FROM, toConversation, toMessage } from './rows.js';

/** Read side for conversations and messages. Every query is scoped to a workspace. */

export type AssigneeFilter = 'all' | 'mine' | 'unassigned' | number;

export interface ConversationQuery {
  workspaceId: number;
  status?: ConversationStatus | 'all';
  assignee: AssigneeFilter;
  callerId: number;
  inboxId?: number;
  contactId?: number;
  /** bot, human, or offline (留言) */
  handler?: 'bot' | 'human' | 'offline';
  /** Only conversations waiting in a queue */
  queued?: boolean;
  /** Keyset cursor: return conversations updated before this point. */
  before?: { updatedAt: string; id: number };
  limit: number;
}

export async function listConversations(sql: Sql, q: ConversationQuery): Promise<Conversation[]> {
  const where = ['c.workspace_id = $1'];
  const params: unknown[] = [q.workspaceId];
  const add = (cond: string, value: unknown) => {
    params.push(value);
    where.push(cond.replace('?', `$${params.length}`));
  };
  if (q.status && q.status !== 'all') add('c.status = ?', q.status);
  if (q.assignee === 'mine') add('c.assignee_id = ?', q.callerId);
  else if (q.assignee === 'unassigned') where.push('c.assignee_id IS NULL');
  else if (typeof q.assignee === 'number') add('c.assignee_id = ?', q.assignee);
  if (q.inboxId) add('c.inbox_id = ?', q.inboxId);
  if (q.contactId) add('c.contact_id = ?', q.contactId);
  if (q.handler) add('c.handler = ?', q.handler);
  if (q.queued) where.push('c.queued_at IS NOT NULL AND c.assignee_id IS NULL');
  if (q.before) {
    params.push(q.before.updatedAt, q.before.id);
    where.push(`(c.updated_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(q.limit);
  const rows = await sql.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE ${where.join(' AND ')}
     ORDER BY c.updated_at DESC, c.id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toConversation);
}

/** Counts for the console's tabs (mine / unassigned / all) under one status filter. */
export async function countConversations(
  sql: Sql,
  workspaceId: number,
  callerId: number,
  status: ConversationStatus | 'all',
): Promise<{ mine: number; unassigned: number; all: number }> {
  const row = await maybeOne(
    sql,
    `SELECT count(*) FILTER (WHERE assignee_id = $2) AS mine,
            count(*) FILTER (WHERE assignee_id IS NULL) AS unassigned,
            count(*) AS all
     FROM conversations WHERE workspace_id = $1 AND ($3 = 'all' OR status = $3)`,
    [workspaceId, callerId, status],
  );
  return { mine: row!.mine, unassigned: row!.unassigned, all: row!.all };
}

/**
 * One conversation by id, optionally scoped to a workspace (callers acting for a
 * workspace) and a contact (the client API), optionally locked for the
 * surrounding transaction (commands that change it).
 */
export async function findConversation(
  sql: Sql,
  id: number,
  scope: { workspaceId?: number; contactId?: number; lock?: boolean } = {},
): Promise<Conversation | null> {
  const row = await maybeOne(
    sql,
    `SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM}
     WHERE c.id = $1 AND ($2::bigint IS NULL OR c.workspace_id = $2) AND ($3::bigint IS NULL OR c.contact_id = $3)
     ${scope.lock ? 'FOR NO KEY UPDATE OF c' : ''}`,
    [id, scope.workspaceId ?? null, scope.contactId ?? null],
  );
  return row ? toConversation(row) : null;
}

export function getConversation(sql: Sql, workspaceId: number, id: number, contactId?: number): Promise<Conversation | null> {
  return findConversation(sql, id, { workspaceId, contactId });
}

/** A conversation row just written (RETURNING *), with the contact name the row itself lacks. */
export function withContactName(row: Record<string, unknown>, conv: Pick<Conversation, 'contactName'>): Conversation {
  return toConversation({ ...row, contact_name: conv.contactName });
}

export interface MessageQuery {
  conversationId: number;
  /** Messages with seq greater than this, oldest first (resync after reconnect). */
  after?: number;
  /** Messages with seq up to this (inclusive); with `after`, a closed range. */
  upTo?: number;
  /** Older history: messages with seq less than this, returned oldest first. */
  before?: number;
  includePrivate: boolean;
  limit: number;
}

export async function listMessages(sql: Sql, q: MessageQuery): Promise<Message[]> {
  const where = ['m.conversation_id = $1'];
  const params: unknown[] = [q.conversationId];
  if (!q.includePrivate) where.push('m.private = false');
  if (q.after !== undefined) {
    params.push(q.after);
    where.push(`m.seq > $${params.length}`);
  }
  if (q.upTo !== undefined) {
    params.push(q.upTo);
    where.push(`m.seq <= $${params.length}`);
  }
  if (q.before !== undefined) {
    params.push(q.before);
    where.push(`m.seq < $${params.length}`);
  }
  params.push(q.limit);
  // Without `after`, the newest page is wanted: take it descending, then flip.
  const newestFirst = q.after === undefined;
  const rows = await sql.query(
    `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE ${where.join(' AND ')}
     ORDER BY m.seq ${newestFirst ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
    params,
  );
  const messages = rows.map(toMessage);
  return newestFirst ? messages.reverse() : messages;
}

export async function findMessage(sql: Sql, id: number): Promise<Message | null> {
  const row = await maybeOne(sql, `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.id = $1`, [id]);
  return row ? toMessage(row) : null;
}

/** The contact's newest conversation that has not ended, if any. */
export async function openConversationOf(sql: Sql, contactId: number): Promise<number | null> {
  const row = await maybeOne(sql, `SELECT id FROM conversations WHERE contact_id = $1 AND status <> 'resolved' ORDER BY id DESC LIMIT 1`, [contactId]);
  return row?.id ?? null;
}
