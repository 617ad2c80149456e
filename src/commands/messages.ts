import { applyMessage, assertText, validateMessage, type ConversationChanges } from '../core/conversation.js';
import { DomainError, notFound } from '../core/errors.js';
import type { DomainEvent, EventType } from '../core/events.js';
import type { Actor, AttachmentRef, ChannelType, ContentType, Conversation, Message, MessageMeta, SenderType } from '../core/model.js';
import { isUniqueViolation, maybeOne, type Sql } from '../storage/db.js';
import { StaleEventWriter } from '../storage/events.js';
import { findMessage } from '../storage/conversations.js';
import { toConversation, toMessage } from '../storage/rows.js';
import type { ReceptionSettings } from '../core/reception/settings.js';
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
  /** Structured data for clients (the bot's answers and choices). */
  meta?: MessageMeta | null;
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
  // Refuse what can never pass before touching the database: invalid input never joins a
  // batch (a failing statement would make the whole batch fall back to one-by-one writes).
  assertText('clientMessageId', input.clientMessageId);
  validateMessage({ senderType: input.senderType, content: input.content, contentType: 'text', private: isPrivate, attachmentCount: hasAttachments ? 1 : 0 });

  for (let attempt = 0; ; attempt++) {
    const locked = attempt >= OPTIMISTIC_ATTEMPTS;
    const hit = locked ? undefined : ctx.conversationStates?.get(input.conversationId);
    const cached = !!hit && hit.workspaceId === input.workspaceId && (input.contactId === undefined || hit.contactId === input.contactId);
    let outcome: Written | CreateMessageResult | null;
    try {
      outcome =
        locked || hasAttachments
          ? await ctx.db.tx((sql) => writeOnce(ctx, sql, input, { lock: true }))
          : await writeOnce(ctx, ctx.db, input, { state: cached ? hit : undefined, batched: true });
    } catch (err) {
      // A resend raced us (the reload finds the original), or a rule refused the message on
      // cached state (say "resolved", though it was reopened elsewhere): decide again on fresh state.
      const retry = isUniqueViolation(err, 'messages_client_id_key') || (cached && err instanceof DomainError);
      if (!retry) throw err;
      ctx.conversationStates?.delete(input.conversationId);
      continue;
    }
    if (!outcome) {
      // the conversation moved on since we read it (or got newer events while we waited for it)
      ctx.conversationStates?.delete(input.conversationId);
      continue;
    }
    if ('duplicate' in outcome) return outcome;
    ctx.conversationStates?.set(outcome.state);
    await ctx.events.dispatch(outcome.events);
    return { message: outcome.message, duplicate: false };
  }
}

/**
 * A message written inside the caller's transaction, by a command that changes
 * other things in the same transaction (a transfer's note, an accepted invitation's
 * first message, a new conversation's welcome). The conversation row is locked
 * until the caller commits; the events are logged and returned for the caller to
 * dispatch after commit (runCommand does).
 */
export async function writeMessageIn(ctx: CommandContext, sql: Sql, input: CreateMessageInput): Promise<CreateMessageResult & { events: DomainEvent[] }> {
  assertText('clientMessageId', input.clientMessageId);
  validateMessage({ senderType: input.senderType, content: input.content, contentType: 'text', private: input.private ?? false, attachmentCount: input.attachmentIds?.length ? 1 : 0 });
  const outcome = await writeOnce(ctx, sql, input, { lock: true });
  // we hold the row; only a transaction older than the conversation's latest events fails here: run it again
  if (!outcome) throw new StaleEventWriter([input.conversationId]);
  // the transaction may still roll back: the cache must not learn this state yet
  ctx.conversationStates?.delete(input.conversationId);
  if ('duplicate' in outcome) return { ...outcome, events: [] };
  return { message: outcome.message, duplicate: false, events: outcome.events };
}

/** One attempt: decide on the conversation's state (cached, read, or read under its row lock) and write. */
async function writeOnce(
  ctx: CommandContext,
  sql: Sql,
  input: CreateMessageInput,
  how: { state?: ConversationState; lock?: boolean; batched?: boolean },
): Promise<Written | CreateMessageResult | null> {
  const state = how.state ?? (await loadState(sql, input, how.lock ?? false));
  if ('duplicate' in state) return state;
  const { timeouts } = await ctx.reception.get(state.inboxId, sql);
  const attachments = await claimAttachments(sql, input);
  const plan = planMessage(state, input, attachments, timeouts);
  // the common case joins other conversations' messages in one statement (group commit)
  const [written] = how.batched && ctx.messageWriter ? [await ctx.messageWriter.write(plan)] : await writeMessages(sql, [plan]);
  if (written && attachments.length > 0) {
    await sql.query('UPDATE attachments SET message_id = $1 WHERE id = ANY($2::bigint[])', [written.message.id, attachments.map((a) => a.id)]);
  }
  return written;
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
    return { message: (await findMessage(sql, row.existing_id))!, duplicate: true };
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

/** A message decided by the domain core, ready to be written. */
export interface MessagePlan {
  state: ConversationState;
  input: CreateMessageInput;
  row: Record<string, unknown>;
  cancel: string[];
  schedule: { kind: string; key: string; due: string; payload: object; mode: 'keep' | 'replace' } | null;
}

/** Applies the domain rules (may throw a DomainError) and lays out the row the write needs. */
function planMessage(state: ConversationState, input: CreateMessageInput, attachments: AttachmentRef[], timeouts: ReceptionSettings['timeouts']): MessagePlan {
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
  return {
    state,
    input,
    row: {
      conv: state.id,
      ws: state.workspaceId,
      expected_seq: state.lastSeq,
      expected_status: state.status,
      expected_assignee: state.assigneeId,
      preview: changes.lastMessagePreview ?? null,
      unread_inc: input.senderType === 'customer' ? 1 : 0,
      new_status: changes.status ?? null,
      new_assignee: changes.assigneeId ?? null,
      waiting: changes.waiting ?? null,
      sender_type: input.senderType,
      sender_id: input.senderId,
      content: input.content,
      content_type: contentType,
      is_private: isPrivate,
      attachments,
      client_id: input.clientMessageId ?? null,
      channel: input.channel ?? state.channel,
      meta: input.meta ?? null,
      events,
    },
    cancel: timers.cancel,
    schedule: timers.schedule
      ? { kind: timers.schedule.kind, key: timers.schedule.key, due: timers.schedule.dueAt.toISOString(), payload: timers.schedule.payload, mode: timers.schedule.mode }
      : null,
  };
}

/**
 * Writes messages of different conversations in one statement (one transaction):
 * per conversation, bump `seq`, store the message, update the conversation,
 * start/stop its timers and append the events — only where the conversation is
 * still in the state its plan assumed. Returns, aligned with `plans`, what was
 * written, or null where the conversation had moved on or another transaction held
 * it (decide again; createMessage then waits for the row in its own transaction).
 */
export async function writeMessages(sql: Sql, plans: MessagePlan[]): Promise<(Written | null)[]> {
  const rows = await sql.query(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         conv bigint, ws bigint, expected_seq int, expected_status text, expected_assignee bigint,
         preview text, unread_inc int, new_status text, new_assignee bigint, waiting text,
         sender_type text, sender_id bigint, content text, content_type text, is_private boolean,
         attachments jsonb, client_id text, channel text, meta jsonb, events jsonb)
     ), free AS (
       -- a conversation another transaction holds (routing its first message, a transfer) is
       -- left out and comes back null (decided again, then written under its own lock): the
       -- batch's other conversations are not held up behind it. NO KEY UPDATE: a row some
       -- transaction merely refers to (a foreign key's KEY SHARE lock, say an analysis of
       -- one of its messages being written) is not held
       SELECT c.id FROM conversations c WHERE c.id IN (SELECT conv FROM input) FOR NO KEY UPDATE SKIP LOCKED
     ), upd AS (
       UPDATE conversations c SET last_seq = c.last_seq + 1, event_tx = pg_current_xact_id(),
         -- the list's sort key moves at most once a second: in between, the update changes no
         -- indexed column and stays a HOT update (a chatty conversation would bloat its indexes)
         updated_at = CASE WHEN c.updated_at < now() - interval '1 second' THEN now() ELSE c.updated_at END,
         last_message_at = CASE WHEN i.preview IS NULL THEN c.last_message_at ELSE now() END,
         last_message_preview = COALESCE(i.preview, c.last_message_preview),
         unread_count = c.unread_count + i.unread_inc, status = COALESCE(i.new_status, c.status),
         assignee_id = COALESCE(i.new_assignee, c.assignee_id),
         handler = CASE WHEN i.new_assignee IS NOT NULL THEN 'human' ELSE c.handler END,
         queued_at = CASE WHEN i.new_assignee IS NOT NULL THEN NULL ELSE c.queued_at END,
         waiting_since = CASE i.waiting WHEN 'start' THEN COALESCE(c.waiting_since, now()) WHEN 'clear' THEN NULL ELSE c.waiting_since END,
         last_customer_message_at = CASE WHEN i.sender_type = 'customer' THEN now() ELSE c.last_customer_message_at END,
         last_agent_message_at = CASE WHEN i.sender_type IN ('agent', 'bot') AND NOT i.is_private THEN now() ELSE c.last_agent_message_at END
       FROM input i
       WHERE c.id = i.conv AND c.id IN (SELECT id FROM free) AND c.workspace_id = i.ws AND c.last_seq = i.expected_seq AND c.status = i.expected_status
         AND c.assignee_id IS NOT DISTINCT FROM i.expected_assignee
         -- this transaction is not older than the one that logged the conversation's latest
         -- events (it could be, having waited for this row): else decide again (migration 005)
         AND c.event_tx <= pg_current_xact_id()
         -- a resend is left out (and answered with the original), instead of failing the whole batch
         -- (a per-row lookup on the unique index: a NOT EXISTS could be planned as a scan of all messages)
         AND (i.client_id IS NULL OR (SELECT x.id FROM messages x WHERE x.conversation_id = i.conv AND x.client_message_id = i.client_id LIMIT 1) IS NULL)
       RETURNING c.*
     ), timers_off AS (
       DELETE FROM timers t USING jsonb_to_recordset($2::jsonb) AS k(conv bigint, key text), upd u
       WHERE u.id = k.conv AND t.key = k.key
     ), timers_keep AS (
       INSERT INTO timers (workspace_id, kind, key, due_at, payload)
       SELECT u.workspace_id, s.kind, s.key, s.due, s.payload
       FROM jsonb_to_recordset($3::jsonb) AS s(conv bigint, kind text, key text, due timestamptz, payload jsonb, mode text) JOIN upd u ON u.id = s.conv
       WHERE s.mode = 'keep'
       ON CONFLICT (key) DO NOTHING
     ), timers_replace AS (
       INSERT INTO timers (workspace_id, kind, key, due_at, payload)
       SELECT u.workspace_id, s.kind, s.key, s.due, s.payload
       FROM jsonb_to_recordset($3::jsonb) AS s(conv bigint, kind text, key text, due timestamptz, payload jsonb, mode text) JOIN upd u ON u.id = s.conv
       WHERE s.mode = 'replace'
       ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload,
         version = timers.version + 1, attempts = 0, locked_until = NULL, failed_at = NULL, last_error = NULL
     ), msg AS (
       INSERT INTO messages (workspace_id, conversation_id, seq, sender_type, sender_id, content, content_type,
         private, attachments, client_message_id, channel, meta)
       SELECT u.workspace_id, u.id, u.last_seq, i.sender_type, i.sender_id, i.content, i.content_type,
         i.is_private, i.attachments, i.client_id, i.channel, i.meta
       FROM upd u JOIN input i ON i.conv = u.id
       RETURNING *
     ), ev AS (
       INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data)
       SELECT m.workspace_id, e.value->>'type', m.conversation_id, i.sender_type, i.sender_id,
         CASE WHEN e.value->>'type' = 'message.created'
           THEN jsonb_build_object('messageId', m.id, 'seq', m.seq, 'senderType', m.sender_type, 'private', m.private, 'handler', u.handler, 'assigneeId', u.assignee_id, 'queued', u.queued_at IS NOT NULL)
           ELSE e.value->'data' END
       FROM msg m JOIN input i ON i.conv = m.conversation_id JOIN upd u ON u.id = m.conversation_id,
         jsonb_array_elements(i.events) WITH ORDINALITY AS e(value, ord)
       ORDER BY m.conversation_id, e.ord
       RETURNING id, type, data, created_at, conversation_id
     )
     -- one row of three lists, matched up by conversation here (joining the CTEs would be quadratic)
     SELECT (SELECT jsonb_agg(to_jsonb(m.*)) FROM msg m) AS messages,
       (SELECT jsonb_agg(to_jsonb(u.*) || jsonb_build_object('contact_name', ct.name)) FROM upd u JOIN contacts ct ON ct.id = u.contact_id) AS conversations,
       (SELECT jsonb_agg(to_jsonb(ev.*) ORDER BY ev.id) FROM ev) AS events`,
    [
      JSON.stringify(plans.map((p) => p.row)),
      JSON.stringify(plans.flatMap((p) => p.cancel.map((key) => ({ conv: p.state.id, key })))),
      JSON.stringify(plans.filter((p) => p.schedule).map((p) => ({ conv: p.state.id, ...p.schedule }))),
    ],
  );
  const [out] = rows;
  const messages = new Map<number, Record<string, any>>((out.messages ?? []).map((m: any) => [Number(m.conversation_id), m]));
  const conversations = new Map<number, Record<string, any>>((out.conversations ?? []).map((c: any) => [Number(c.id), c]));
  const events = new Map<number, Record<string, any>[]>();
  for (const e of out.events ?? []) {
    const id = Number(e.conversation_id);
    events.set(id, [...(events.get(id) ?? []), e]);
  }
  return plans.map((plan) => {
    const id = plan.state.id;
    const message = messages.get(id);
    return message ? toWritten(plan, message, conversations.get(id)!, events.get(id) ?? []) : null;
  });
}

function toWritten(plan: MessagePlan, messageRow: Record<string, any>, conversationRow: Record<string, any>, eventRows: Record<string, any>[]): Written {
  const { state, input } = plan;
  const conversation = toConversation(conversationRow);
  const message = toMessage({ ...messageRow, sender_name: input.senderName });
  const actor: Actor = { type: input.senderType, id: input.senderId };
  const events = (eventRows as { id: number; type: EventType; data: any; created_at: string }[]).map(
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
    events,
    state: { ...state, handler: conversation.handler, status: conversation.status, assigneeId: conversation.assigneeId, lastSeq: conversation.lastSeq, unreadCount: conversation.unreadCount },
  };
}

/**
 * Group commit for the message path: messages that arrive while the database is
 * busy are written together, one statement and one commit for many
 * conversations. At most `maxConcurrent` batches are in flight; what arrives
 * meanwhile waits here and leaves as one batch when a slot frees up, so batches
 * grow with the load instead of queueing up one by one (no waiting on purpose:
 * under light load a message is written at once). A conversation has at most one
 * message in flight (its row lock would serialise them anyway, and two batches
 * locking rows in different orders could deadlock).
 */
export class MessageWriter {
  private queue: { plan: MessagePlan; resolve: (w: Written | null) => void; reject: (err: unknown) => void }[] = [];
  private readonly inFlight = new Set<number>();
  private scheduled = false;
  private running = 0;

  constructor(
    private readonly db: Sql,
    private readonly maxConcurrent = 8,
    private readonly maxBatch = 200,
    /** A batch failed as a whole and was split (zhike_message_batch_splits_total). */
    private readonly onSplit: () => void = () => {},
  ) {}

  write(plan: MessagePlan): Promise<Written | null> {
    return new Promise((resolve, reject) => {
      this.queue.push({ plan, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.running >= this.maxConcurrent) return; // the next completion flushes
    const batch: typeof this.queue = [];
    const rest: typeof this.queue = [];
    for (const item of this.queue) {
      const id = item.plan.state.id;
      if (batch.length < this.maxBatch && !this.inFlight.has(id)) {
        this.inFlight.add(id);
        batch.push(item);
      } else {
        rest.push(item);
      }
    }
    this.queue = rest;
    if (batch.length) void this.run(batch);
  }

  private async run(batch: typeof this.queue): Promise<void> {
    this.running++;
    try {
      await this.writeBatch(batch);
    } finally {
      this.running--;
      for (const b of batch) this.inFlight.delete(b.plan.state.id);
      if (this.queue.length) this.schedule();
    }
  }

  /**
   * One statement for the batch. Input that can never be written is refused before it
   * gets here (createMessage validates first); should a statement still fail (a resend
   * racing its original), the batch is halved until the failing message is alone, so one
   * bad message costs about 2·log2(n) statements instead of n one-by-one writes.
   */
  private async writeBatch(batch: typeof this.queue): Promise<void> {
    try {
      const written = await writeMessages(this.db, batch.map((b) => b.plan));
      batch.forEach((b, i) => b.resolve(written[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      this.onSplit();
      const half = Math.ceil(batch.length / 2);
      await Promise.all([this.writeBatch(batch.slice(0, half)), this.writeBatch(batch.slice(half))]);
    }
  }
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
