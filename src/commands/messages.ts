import { applyMessage, validateMessage, type ConversationChanges } from '../core/conversation.js';
import { DomainError, notFound } from '../core/errors.js';
import type { DomainEvent, EventType } from '../core/events.js';
import type { Actor, AttachmentRef, ChannelType, ContentType, Conversation, Message, SenderType } from '../core/model.js';
import { isUniqueViolation, maybeOne, type Sql } from '../storage/db.js';
import { MESSAGE_COLUMNS, MESSAGE_FROM, toConversation, toMessage } from '../storage/rows.js';
import { DEFAULT_RECEPTION, type ReceptionSettings } from '../core/reception/settings.js';
import { timersAfterMessage } from '../core/reception/timeouts.js';
import type { CommandContext } from './context.js';

export interface CreateMessageInput {
  workspaceId: number;
  conversationId: number;
  /** When set, the conversation must belong to this contact (client API callers). */
  contactId?: number;
  senderType: SenderType;
  senderId: number | null;
  senderName: string | null;
  content: string;
  private?: boolean;
  attachmentIds?: number[];
  clientMessageId?: string | null;
  channel?: ChannelType;
}

export interface CreateMessageResult {
  message: Message;
  /** true when a message with this clientMessageId already existed and was returned instead. */
  duplicate: boolean;
}

/** What the message rules need to know about a conversation; cached between messages. */
export interface ConversationState {
  id: number;
  workspaceId: number;
  inboxId: number;
  contactId: number;
  handler: Conversation['handler'];
  channel: ChannelType;
  status: Conversation['status'];
  assigneeId: number | null;
  lastSeq: number;
  unreadCount: number;
}

/**
 * Recently used conversation states, so the hot path is one statement. A stale
 * entry is harmless: the write checks the state it assumed and, if the row has
 * moved on (another instance, a transfer), it reloads and tries again.
 */
export class ConversationStateCache {
  private readonly map = new Map<number, ConversationState>();
  constructor(private readonly max = 50_000) {}
  get(id: number): ConversationState | undefined {
    return this.map.get(id);
  }
  set(state: ConversationState): void {
    this.map.delete(state.id);
    this.map.set(state.id, state);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as number);
  }
  delete(id: number): void {
    this.map.delete(id);
  }
}

/** Optimistic attempts before taking the row lock (many writers on one conversation at once). */
const OPTIMISTIC_ATTEMPTS = 3;

/**
 * The one path every message takes, whatever the channel. The domain core
 * decides from the conversation's state what the message changes; a single
 * statement then bumps `seq`, stores the message, updates the conversation and
 * appends the events — only if the conversation is still in the state the
 * decision assumed. Usually that state is cached and the whole write is one
 * round trip; if the row moved on (another instance, a transfer) we reload and
 * decide again, and under heavy contention we take the row lock instead.
 * A resend with the same clientMessageId hits the unique constraint and returns
 * the original. The caller acknowledges only after this resolves, so an
 * acknowledged message is durable.
 */
export async function createMessage(ctx: CommandContext, input: CreateMessageInput): Promise<CreateMessageResult> {
  const isPrivate = input.private ?? false;
  const hasAttachments = (input.attachmentIds?.length ?? 0) > 0;
  // Refuse what can never pass before touching the database.
  validateMessage({ senderType: input.senderType, content: input.content, contentType: 'text', private: isPrivate, attachmentCount: hasAttachments ? 1 : 0 });

  for (let attempt = 0; ; attempt++) {
    const locked = attempt >= OPTIMISTIC_ATTEMPTS;
    const hit = locked ? undefined : ctx.conversationStates?.get(input.conversationId);
    const cached = !!hit && hit.workspaceId === input.workspaceId && (input.contactId === undefined || hit.contactId === input.contactId);
    let outcome: Written | CreateMessageResult | null;
    try {
      const run = async (sql: Sql) => {
        const state = cached ? hit! : await loadState(sql, input, locked);
        if ('duplicate' in state) return state;
        const timeouts = (ctx.reception ? await ctx.reception.get(state.inboxId, sql) : DEFAULT_RECEPTION).timeouts;
        const attachments = await claimAttachments(sql, input);
        const written = await writeMessage(sql, state, input, attachments, timeouts);
        if (written && attachments.length > 0) {
          await sql.query('UPDATE attachments SET message_id = $1 WHERE id = ANY($2::bigint[])', [written.message.id, attachments.map((a) => a.id)]);
        }
        return written;
      };
      outcome = locked || hasAttachments ? await ctx.db.tx(run) : await run(ctx.db);
    } catch (err) {
      // A resend raced us (the reload finds the original), or a rule refused the message on
      // cached state (say "resolved", though it was reopened elsewhere): decide again on fresh state.
      const retry = isUniqueViolation(err, 'messages_client_id_key') || (cached && err instanceof DomainError);
      if (!retry) throw err;
      ctx.conversationStates?.delete(input.conversationId);
      continue;
    }
    if (!outcome) {
      if (locked) throw new Error('message write failed under the row lock'); // cannot happen: we hold the row
      ctx.conversationStates?.delete(input.conversationId);
      continue; // the conversation moved on since we read it
    }
    if ('duplicate' in outcome) return outcome;
    ctx.conversationStates?.set(outcome.state);
    await ctx.events.dispatch(outcome.events);
    return { message: outcome.message, duplicate: false };
  }
}

/** Reads the conversation (scoped to the workspace and, for customers, their contact) and any original with this clientMessageId. */
async function loadState(sql: Sql, input: CreateMessageInput, lock: boolean): Promise<ConversationState | CreateMessageResult> {
  const row = await maybeOne(
    sql,
    `SELECT c.id, c.workspace_id, c.inbox_id, c.contact_id, c.handler, c.channel, c.status, c.assignee_id, c.last_seq, c.unread_count,
       (SELECT m.id FROM messages m WHERE m.conversation_id = c.id AND m.client_message_id = $4) AS existing_id
     FROM conversations c WHERE c.id = $1 AND c.workspace_id = $2 AND ($3::bigint IS NULL OR c.contact_id = $3)
     ${lock ? 'FOR UPDATE' : ''}`,
    [input.conversationId, input.workspaceId, input.contactId ?? null, input.clientMessageId ?? null],
  );
  if (!row) throw notFound('conversation');
  if (row.existing_id) {
    const existing = await maybeOne(sql, `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.id = $1`, [row.existing_id]);
    return { message: toMessage(existing!), duplicate: true };
  }
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    inboxId: row.inbox_id,
    contactId: row.contact_id,
    handler: row.handler,
    channel: row.channel,
    status: row.status,
    assigneeId: row.assignee_id,
    lastSeq: row.last_seq,
    unreadCount: row.unread_count,
  };
}

interface Written {
  message: Message;
  state: ConversationState;
  events: DomainEvent[];
}

async function writeMessage(
  sql: Sql,
  state: ConversationState,
  input: CreateMessageInput,
  attachments: AttachmentRef[],
  timeouts: ReceptionSettings['timeouts'],
): Promise<Written | null> {
  const isPrivate = input.private ?? false;
  const contentType: ContentType =
    attachments.length === 0 ? 'text' : attachments.every((a) => a.contentType.startsWith('image/')) ? 'image' : 'file';
  const changes: ConversationChanges = applyMessage(state, {
    senderType: input.senderType,
    senderId: input.senderId,
    content: input.content,
    contentType,
    private: isPrivate,
    attachmentCount: attachments.length,
  });
  const timers = timersAfterMessage({
    conversationId: state.id,
    handler: state.handler,
    assigneeId: changes.assigneeId ?? state.assigneeId,
    senderType: input.senderType,
    private: isPrivate,
    now: new Date(),
    timeouts,
  });
  const events: { type: EventType; data: object }[] = [{ type: 'message.created', data: {} }];
  if (changes.status) events.push({ type: 'conversation.status_changed', data: { from: state.status, to: changes.status } });
  if (changes.assigneeId !== undefined) {
    events.push({ type: 'conversation.assigned', data: { from: null, to: changes.assigneeId, reason: 'reply' } });
    if (state.handler !== 'human') events.push({ type: 'conversation.handler_changed', data: { from: state.handler, to: 'human' } });
  }

  const row = await maybeOne(
    sql,
    `WITH upd AS (
       UPDATE conversations SET last_seq = last_seq + 1, updated_at = now(),
         last_message_at = CASE WHEN $6::text IS NULL THEN last_message_at ELSE now() END,
         last_message_preview = COALESCE($6, last_message_preview),
         unread_count = unread_count + $7, status = COALESCE($8, status), assignee_id = COALESCE($9, assignee_id),
         handler = CASE WHEN $9::bigint IS NOT NULL THEN 'human' ELSE handler END,
         queued_at = CASE WHEN $9::bigint IS NOT NULL THEN NULL ELSE queued_at END,
         waiting_since = CASE $19::text WHEN 'start' THEN COALESCE(waiting_since, now()) WHEN 'clear' THEN NULL ELSE waiting_since END,
         last_customer_message_at = CASE WHEN $10 = 'customer' THEN now() ELSE last_customer_message_at END,
         last_agent_message_at = CASE WHEN $10 IN ('agent', 'bot') AND NOT $14 THEN now() ELSE last_agent_message_at END
       WHERE id = $1 AND workspace_id = $2 AND last_seq = $3 AND status = $4 AND assignee_id IS NOT DISTINCT FROM $5
       RETURNING *
     ), timers_off AS (
       DELETE FROM timers WHERE key = ANY($20::text[]) AND EXISTS (SELECT 1 FROM upd)
     ), timers_on AS (
       INSERT INTO timers (workspace_id, kind, key, due_at, payload)
       SELECT upd.workspace_id, $21, $22, $23, $24::jsonb FROM upd WHERE $22::text IS NOT NULL
       ON CONFLICT (key) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, version = timers.version + 1,
         attempts = 0, locked_until = NULL, failed_at = NULL, last_error = NULL
       WHERE $25 = 'replace'
     ), msg AS (
       INSERT INTO messages (workspace_id, conversation_id, seq, sender_type, sender_id, content, content_type,
         private, attachments, client_message_id, channel)
       SELECT upd.workspace_id, upd.id, upd.last_seq, $10, $11, $12, $13, $14, $15::jsonb, $16, $17 FROM upd
       RETURNING *
     ), ev AS (
       INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data)
       SELECT msg.workspace_id, e.value->>'type', msg.conversation_id, $10, $11,
         CASE WHEN e.value->>'type' = 'message.created'
           THEN jsonb_build_object('messageId', msg.id, 'seq', msg.seq, 'senderType', msg.sender_type, 'private', msg.private)
           ELSE e.value->'data' END
       FROM msg, jsonb_array_elements($18::jsonb) WITH ORDINALITY AS e(value, ord)
       ORDER BY e.ord
       RETURNING id, type, data, created_at
     )
     SELECT to_jsonb(msg.*) AS message, to_jsonb(upd.*) AS conversation, ct.name AS contact_name,
       (SELECT jsonb_agg(to_jsonb(ev.*) ORDER BY ev.id) FROM ev) AS events
     FROM msg, upd JOIN contacts ct ON ct.id = upd.contact_id`,
    [
      state.id,
      state.workspaceId,
      state.lastSeq,
      state.status,
      state.assigneeId,
      changes.lastMessagePreview ?? null,
      input.senderType === 'customer' ? 1 : 0,
      changes.status ?? null,
      changes.assigneeId ?? null,
      input.senderType,
      input.senderId,
      input.content,
      contentType,
      isPrivate,
      JSON.stringify(attachments),
      input.clientMessageId ?? null,
      input.channel ?? state.channel,
      JSON.stringify(events),
      changes.waiting ?? null,
      timers.cancel,
      timers.schedule?.kind ?? null,
      timers.schedule?.key ?? null,
      timers.schedule?.dueAt ?? null,
      JSON.stringify(timers.schedule?.payload ?? {}),
      timers.schedule?.mode ?? 'keep',
    ],
  );
  if (!row) return null;
  const conversation = toConversation({ ...row.conversation, contact_name: row.contact_name });
  const message = toMessage({ ...row.message, sender_name: input.senderName });
  const actor: Actor = { type: input.senderType, id: input.senderId };
  const domainEvents = (row.events as { id: number; type: EventType; data: any; created_at: string }[]).map(
    (e) =>
      ({
        id: e.id,
        type: e.type,
        workspaceId: state.workspaceId,
        conversationId: state.id,
        actor,
        data: e.data,
        subject: e.type === 'message.created' ? { message, conversation } : conversation,
        createdAt: new Date(e.created_at).toISOString(),
      }) as DomainEvent,
  );
  return {
    message,
    events: domainEvents,
    state: {
      ...state,
      handler: conversation.handler,
      status: conversation.status,
      assigneeId: conversation.assigneeId,
      lastSeq: conversation.lastSeq,
      unreadCount: conversation.unreadCount,
    },
  };
}

/** Attachments are uploaded first, then claimed by exactly one message of the same uploader. */
async function claimAttachments(sql: Sql, input: CreateMessageInput): Promise<AttachmentRef[]> {
  const ids = [...new Set(input.attachmentIds ?? [])];
  if (ids.length === 0) return [];
  const rows = await sql.query(
    `SELECT id, key, filename, content_type, size FROM attachments
     WHERE id = ANY($1::bigint[]) AND workspace_id = $2 AND uploader_type = $3
       AND uploader_id IS NOT DISTINCT FROM $4 AND message_id IS NULL
     FOR UPDATE`,
    [ids, input.workspaceId, input.senderType, input.senderId],
  );
  if (rows.length !== ids.length) {
    throw new DomainError(
      'attachment_unavailable',
      'an attachment was not found, belongs to someone else, or is already used by another message; upload it again',
      400,
    );
  }
  return ids.map((id) => {
    const r = rows.find((x) => x.id === id)!;
    return { id: r.id, url: attachmentUrl(r.key, r.filename), name: r.filename, contentType: r.content_type, size: r.size };
  });
}

export function attachmentUrl(key: string, filename: string): string {
  return `/api/v1/attachments/${key}/${encodeURIComponent(filename)}`;
}
