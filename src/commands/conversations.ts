import { transitionStatus } from '../core/conversation.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent, type DomainEvent, type PendingEvent } from '../core/events.js';
import { receive } from '../core/reception/reception.js';
import { messagesFor, type Locale } from '../core/reception/settings.js';
import { timerKeys } from '../core/reception/timeouts.js';
import { restartResponseDeadline } from './response-deadline.js';
import { cancelTimers } from '../timers/timers.js';
import type { Actor, Conversation, ConversationStatus, Handler } from '../core/model.js';
import { assertCanAssign, assertCanChangeStatus, isLead, type Caller } from '../core/permissions.js';
import { isUniqueViolation, maybeOne, one, withRetry, type Sql } from '../storage/db.js';
import { findConversation, withContactName } from '../storage/conversations.js';
import { CONVERSATION_COLUMNS, CONVERSATION_FROM, toConversation } from '../storage/rows.js';
import { appendEvents, StaleEventWriter } from '../storage/events.js';
import { receptionFacts } from '../storage/reception.js';
import { runCommand, type CommandContext } from './context.js';
import { writeMessageIn } from './messages.js';
import { reserveSeat } from './seats.js';

/**
 * A customer starts a conversation — or finds the one they have: a contact has at
 * most one conversation that has not ended (open or pending) per inbox, so opening
 * the widget eight times takes nothing more (a partial unique index holds it under
 * concurrency too). Reception decides at once who answers a new one — the bot,
 * people, or nobody right now (留言) — from the inbox's mode, business hours and who
 * is on duty, so every message already finds its handler; an agent's accepted
 * invitation is theirs from the start. The welcome line (欢迎语) is its first message,
 * ahead of anything the customer sends. It takes no seat and no queue place until
 * the customer writes: the routing consumer routes it on their first message.
 * `groupId` is the skill group its topic (or the inbox) routes to; a group deleted
 * meanwhile counts as none. VIP contacts are queued first.
 */
export async function createConversation(ctx: CommandContext, input: OpenConversationInput): Promise<{ conversation: Conversation; created: boolean }> {
  return runCommand(ctx, async (sql) => {
    const { conversation, events, created } = await openConversationIn(ctx, sql, input);
    return { result: { conversation, created }, events };
  });
}

export interface OpenConversationInput {
  workspaceId: number;
  inboxId: number;
  contactId: number;
  channel?: string;
  topic?: string | null;
  groupId?: number | null;
  /** Opened by an agent (the visitor accepted their invitation): theirs from the start. */
  assigneeId?: number | null;
  /** The customer's language (their widget's); default: the inbox's. */
  locale?: Locale | null;
}

/** The contact's conversation in this inbox that has not ended (there is at most one). */
async function findOpenConversation(sql: Sql, inboxId: number, contactId: number): Promise<Conversation | null> {
  const row = await maybeOne(
    sql,
    `SELECT ${CONVERSATION_COLUMNS} FROM ${CONVERSATION_FROM} WHERE c.inbox_id = $1 AND c.contact_id = $2 AND c.status <> 'resolved'`,
    [inboxId, contactId],
  );
  return row ? toConversation(row) : null;
}

/**
 * createConversation inside the caller's transaction (an accepted invitation opens
 * one); its events are logged. `created` is false when the contact's open
 * conversation in this inbox came back instead (no events then).
 */
export async function openConversationIn(
  ctx: CommandContext,
  sql: Sql,
  input: OpenConversationInput,
): Promise<{ conversation: Conversation; events: DomainEvent[]; created: boolean }> {
  const existing = await findOpenConversation(sql, input.inboxId, input.contactId);
  if (existing) return { conversation: existing, events: [], created: false };
  const settings = await ctx.reception.get(input.inboxId, sql);
  const found = await one(
    sql,
    `SELECT (SELECT id FROM skill_groups WHERE id = $2 AND workspace_id = $1) AS group_id,
       (SELECT id FROM agents WHERE id = $3 AND workspace_id = $1 AND active) AS assignee_id`,
    [input.workspaceId, input.groupId ?? null, input.assigneeId ?? null],
  );
  const handler: Handler = found.assignee_id !== null ? 'human' : receive(await receptionFacts(sql, input.workspaceId, settings, found.group_id));
  // Two requests at once: the second waits for the first's commit here, inserts nothing, and finds its conversation.
  const row = await maybeOne(
    sql,
    `WITH c AS (
       INSERT INTO conversations (workspace_id, inbox_id, contact_id, channel, topic, group_id, priority, assignee_id, handler, locale)
       VALUES ($1, $2, $3, $4, $5, $6, (SELECT CASE WHEN vip THEN 1 ELSE 0 END FROM contacts WHERE id = $3), $7, $8,
         COALESCE($9, (SELECT CASE WHEN settings->>'locale' = 'en' THEN 'en' END FROM inboxes WHERE id = $2), 'zh-CN'))
       ON CONFLICT (inbox_id, contact_id) WHERE status <> 'resolved' DO NOTHING
       RETURNING *)
     SELECT c.*, ct.name AS contact_name FROM c JOIN contacts ct ON ct.id = c.contact_id`,
    [input.workspaceId, input.inboxId, input.contactId, input.channel ?? 'web', input.topic ?? null, found.group_id, found.assignee_id, handler, input.locale ?? null],
  );
  if (!row) {
    const raced = await findOpenConversation(sql, input.inboxId, input.contactId);
    if (!raced) throw new StaleEventWriter([]); // it ended meanwhile: run the whole command again
    return { conversation: raced, events: [], created: false };
  }
  const conversation = toConversation(row);
  const created = await appendEvents(sql, [
    pendingEvent('conversation.created', {
      workspaceId: input.workspaceId,
      conversationId: conversation.id,
      actor: { type: 'customer', id: input.contactId },
      data: { inboxId: input.inboxId, contactId: input.contactId, handler, assigneeId: conversation.assigneeId },
      subject: conversation,
    }),
  ]);
  const welcome = messagesFor(settings, conversation.locale).welcome?.trim();
  if (!welcome) return { conversation, events: created, created: true };
  const greeted = await writeMessageIn(ctx, sql, {
    workspaceId: input.workspaceId,
    conversationId: conversation.id,
    senderType: 'system',
    senderId: null,
    senderName: null,
    content: welcome,
    clientMessageId: `auto:welcome:${conversation.id}`,
  });
  const after = greeted.events.find((e) => e.type === 'message.created') as DomainEvent<'message.created'> | undefined;
  return { conversation: after?.subject.conversation ?? conversation, events: [...created, ...greeted.events], created: true };
}

const alreadyOpen = (otherId: number | null) =>
  new DomainError(
    'conversation_already_open',
    `this customer already has an open conversation in this inbox${otherId ? ` (#${otherId})` : ''}: continue there, or end it before reopening this one`,
    409,
    otherId ? { conversationId: otherId } : undefined,
  );

async function lockConversation(sql: Sql, workspaceId: number, id: number): Promise<Conversation> {
  const conv = await findConversation(sql, id, { workspaceId, lock: true });
  if (!conv) throw notFound('conversation');
  return conv;
}

/**
 * 分配 / 接入: sets or clears the assignee. The target must be an active agent of
 * the workspace below their 接待上限; a supervisor may `force` past the limit.
 * Taking a conversation from the queue, the bot or the 留言 list makes people its handler.
 */
export async function assignConversation(
  ctx: CommandContext,
  caller: Caller,
  conversationId: number,
  assigneeId: number | null,
  opts: { force?: boolean } = {},
): Promise<Conversation> {
  return withRetry(() =>
    runCommand(ctx, async (sql) => {
      const conv = await lockConversation(sql, caller.workspaceId, conversationId);
      assertCanAssign(caller, conv, assigneeId);
      if (conv.assigneeId === assigneeId) return { result: conv, events: [] };
      if (assigneeId !== null) {
        await reserveSeat(sql, caller.workspaceId, assigneeId, { force: opts.force && isLead(caller.role) });
        await sql.query('UPDATE agents SET last_assigned_at = now() WHERE id = $1', [assigneeId]);
      }
      const row = await one(
        sql,
        `UPDATE conversations SET assignee_id = $2, updated_at = now(),
           queued_at = CASE WHEN $2::bigint IS NULL THEN queued_at ELSE NULL END,
           handler = CASE WHEN $2::bigint IS NULL THEN handler ELSE 'human' END
         WHERE id = $1 RETURNING *`,
        [conv.id, assigneeId],
      );
      const conversation = withContactName(row, conv);
      ctx.conversationStates?.delete(conv.id);
      await restartResponseDeadline(ctx, sql, conversation);
      const events: PendingEvent[] = [];
      if (conv.handler !== conversation.handler) {
        events.push(pendingEvent('conversation.handler_changed', { workspaceId: caller.workspaceId, conversationId: conv.id, actor: agentActor(caller), data: { from: conv.handler, to: conversation.handler }, subject: conversation }));
      }
      events.push(
        pendingEvent('conversation.assigned', {
          workspaceId: caller.workspaceId,
          conversationId: conv.id,
          actor: agentActor(caller),
          data: { from: conv.assigneeId, to: assigneeId, reason: 'manual' },
          subject: conversation,
        }),
      );
      return { result: conversation, events };
    }),
  );
}

/** 结束会话 / 重新打开 / 待处理, by an agent. */
export async function changeConversationStatus(
  ctx: CommandContext,
  caller: Caller,
  conversationId: number,
  status: ConversationStatus,
): Promise<Conversation> {
  return setStatus(ctx, caller.workspaceId, conversationId, status, agentActor(caller), (conv) => assertCanChangeStatus(caller, conv));
}

/** The system ends or parks a conversation (idle close): same rules, no caller. */
export async function systemChangeStatus(
  ctx: CommandContext,
  workspaceId: number,
  conversationId: number,
  status: ConversationStatus,
  reason?: 'idle',
): Promise<Conversation> {
  return setStatus(ctx, workspaceId, conversationId, status, { type: 'system', id: null }, undefined, reason);
}

/**
 * 结束会话 by the customer (the widget's button): the conversation is resolved as when an
 * agent ends it; another contact's conversation is not found. Ending an ended one is a no-op.
 */
export async function customerEndConversation(ctx: CommandContext, contact: { id: number; workspaceId: number }, conversationId: number): Promise<Conversation> {
  return setStatus(ctx, contact.workspaceId, conversationId, 'resolved', { type: 'customer', id: contact.id }, (conv) => {
    if (conv.contactId !== contact.id) throw notFound('conversation');
  });
}

async function setStatus(
  ctx: CommandContext,
  workspaceId: number,
  conversationId: number,
  status: ConversationStatus,
  actor: Actor,
  check?: (conv: Conversation) => void,
  reason?: 'idle',
): Promise<Conversation> {
  return runCommand(ctx, async (sql) => {
    const conv = await lockConversation(sql, workspaceId, conversationId);
    check?.(conv);
    const to = transitionStatus(conv.status, status);
    if (!to) return { result: conv, events: [] };
    if (conv.status === 'resolved') {
      // reopening: the contact may have started another conversation in this inbox since
      const other = await findOpenConversation(sql, conv.inboxId, conv.contactId);
      if (other) throw alreadyOpen(other.id);
    }
    const row = await one(
      sql,
      `UPDATE conversations SET status = $2, updated_at = now(),
         resolved_at = CASE WHEN $2 = 'resolved' THEN now() ELSE NULL END,
         queued_at = CASE WHEN $2 = 'resolved' THEN NULL ELSE queued_at END
       WHERE id = $1 RETURNING *`,
      [conv.id, to],
    ).catch((err) => {
      // (the other one was started at this very moment)
      if (isUniqueViolation(err, 'conversations_one_open_key')) throw alreadyOpen(null);
      throw err;
    });
    const conversation = withContactName(row, conv);
    ctx.conversationStates?.delete(conv.id);
    if (to === 'resolved') await cancelTimers(sql, timerKeys.all(conv.id));
    const event = pendingEvent('conversation.status_changed', {
      workspaceId,
      conversationId: conv.id,
      actor,
      data: { from: conv.status, to, ...(reason ? { reason } : {}) },
      subject: conversation,
    });
    return { result: conversation, events: [event] };
  });
}

/**
 * An agent has read the conversation up to `seq`: clears the unread count.
 * Not a domain event (no business state changes); the caller broadcasts the new count.
 */
export async function markConversationRead(ctx: CommandContext, caller: Caller, conversationId: number): Promise<Conversation> {
  const row = await maybeOne(
    ctx.db,
    `WITH c AS (UPDATE conversations SET unread_count = 0 WHERE id = $1 AND workspace_id = $2 RETURNING *)
     SELECT c.*, ct.name AS contact_name FROM c JOIN contacts ct ON ct.id = c.contact_id`,
    [conversationId, caller.workspaceId],
  );
  if (!row) throw notFound('conversation');
  return toConversation(row);
}

export const agentActor = (caller: Caller): Actor => ({ type: 'agent', id: caller.agentId });
