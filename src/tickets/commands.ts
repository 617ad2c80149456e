import { DomainError, forbidden, notFound } from '../core/errors.js';
import { pendingEvent, type EventMap, type PendingEvent } from '../core/events.js';
import { assertSupervisor, canChangeStatus, isLead, servesCustomers, type Caller } from '../core/permissions.js';
import {
  approveCompensation,
  changeTicket,
  createTicket,
  DEFAULT_COMPENSATION_LIMITS,
  DEFAULT_SLA_POLICIES,
  keepPromise,
  makePromise,
  viewPromise,
  type PromiseView,
  promiseTally,
  promiseTimer,
  requestCompensation,
  suggestClassification,
  TICKET_TYPES,
  type ChangeContext,
  type ClassificationPatch,
  type Compensation,
  type ComplaintSource,
  type CustomFieldValue,
  type Handoff,
  type NewTicket,
  type ReplyPromise,
  type SlaActivity,
  type SlaPolicy,
  type StepInput,
  type SuggestionInput,
  type Ticket,
  type TicketChange,
  type TicketEvent,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from '../core/tickets/index.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { agentActor } from '../commands/conversations.js';
import { writeMessageIn } from '../commands/messages.js';
import { insightsOf } from '../assist/store.js';
import type { Sql } from '../storage/db.js';
import { findConversation } from '../storage/conversations.js';
import { codePointLength } from '../core/text.js';
import { cancelTimers, scheduleTimer } from '../timers/timers.js';
import { changeContext, logEntries } from './log.js';
import { syncTicketTimers, systemLogged, ticketTimerKeys } from './timers.js';
import {
  addSlaHistory,
  agentInWorkspace,
  calendarExists,
  contactInWorkspace,
  complaintContacts,
  findCompensation,
  replaceComplaintContacts,
  findPromise,
  listPromises,
  savePromiseKept,
  type PromiseFilter,
  findTicket,
  groupInWorkspace,
  insertComment,
  insertCompensation,
  insertPromise,
  insertSlaPolicy,
  insertTicket,
  nextCompensationId,
  nextTicketId,
  saveCompensation,
  saveTicket,
  setCommentMessage,
  shiftSlaPolicies,
  storedSlaPolicies,
  type StoredSlaPolicy,
  type TicketComment,
} from './store.js';

/**
 * 工单与投诉 as commands (the rules are src/core/tickets): each loads what it changes in the
 * caller's workspace, asks the core, stores the result and logs the core's events with it in
 * one transaction (runCommand), and adds the status changes and public replies to the
 * ticket's SLA history, from which its clocks are computed.
 */

/** The core's events, logged as the caller's. */
const logged = (caller: Caller, events: TicketEvent[], subject: Ticket | Compensation | ReplyPromise): PendingEvent[] =>
  logEntries(caller.workspaceId, agentActor(caller), events, subject);

/** The SLA history entries the core's events mean: status changes and public replies. */
function slaEntries(events: TicketEvent[], at: string): SlaActivity[] {
  return events.flatMap((e): SlaActivity[] => {
    if (e.type === 'ticket.status_changed') return [{ kind: 'status', at, to: e.data.to }];
    if (e.type === 'ticket.replied') return [{ kind: 'reply', at, from: e.data.from }];
    return [];
  });
}

/** The core's context for a change by the caller. */
const callerContext = (sql: Sql, caller: Caller, at: Date): Promise<ChangeContext> =>
  changeContext(sql, caller.workspaceId, { type: 'agent', agentId: caller.agentId, role: caller.role }, at);

async function lockedTicket(sql: Sql, caller: Caller, id: number): Promise<Ticket> {
  const ticket = await findTicket(sql, caller.workspaceId, id, { lock: true });
  if (!ticket) throw notFound('ticket');
  return ticket;
}

/** The assignee and group a request names must be of the caller's workspace: 400 otherwise (never someone else's). */
async function checkPeople(sql: Sql, caller: Caller, p: { assigneeId?: number | null; groupId?: number | null }): Promise<void> {
  if (p.assigneeId != null && !(await agentInWorkspace(sql, caller.workspaceId, p.assigneeId))) {
    throw new DomainError('unknown_agent', `there is no agent ${p.assigneeId} in this workspace`, 400, { assigneeId: p.assigneeId });
  }
  if (p.groupId != null && !(await groupInWorkspace(sql, caller.workspaceId, p.groupId))) {
    throw new DomainError('unknown_group', `there is no skill group ${p.groupId} in this workspace`, 400, { groupId: p.groupId });
  }
}

/** Applies one core change after the other; the first refusal refuses them all (the transaction rolls back). */
function applyAll(ticket: Ticket, changes: TicketChange[], ctx: ChangeContext): { ticket: Ticket; events: TicketEvent[] } {
  let current = ticket;
  const events: TicketEvent[] = [];
  for (const change of changes) {
    const r = changeTicket(current, change, ctx);
    if (!r.ok) throw r.error;
    current = r.ticket;
    events.push(...r.events);
  }
  return { ticket: current, events };
}

// ── creating ────────────────────────────────────────────────────────────────

/** What a caller gives for a new ticket: the core's input without what the command decides (id, workspace, contact, links). */
export type TicketInput = Omit<NewTicket, 'id' | 'workspaceId' | 'contactId' | 'conversationIds'>;

async function create(sql: Sql, caller: Caller, input: TicketInput & { contactId: number; conversationIds: number[] }): Promise<{ result: Ticket; events: PendingEvent[] }> {
  await checkPeople(sql, caller, input);
  const at = new Date();
  const ctx = await callerContext(sql, caller, at);
  const id = await nextTicketId(sql);
  const r = createTicket({ ...input, id, workspaceId: caller.workspaceId }, ctx);
  if (!r.ok) throw r.error;
  await insertTicket(sql, r.ticket);
  const stages = await syncTicketTimers(sql, r.ticket, at);
  return { result: r.ticket, events: [...logged(caller, r.events, r.ticket), ...systemLogged(caller.workspaceId, stages, r.ticket)] };
}

/** A ticket by API (or from a 留言): for a contact of the workspace. */
export async function createTicketFor(ctx: CommandContext, caller: Caller, input: TicketInput & { contactId: number }): Promise<Ticket> {
  return runCommand(ctx, async (sql) => {
    if (!(await contactInWorkspace(sql, caller.workspaceId, input.contactId))) {
      throw new DomainError('unknown_contact', `there is no contact ${input.contactId} in this workspace`, 400, { contactId: input.contactId });
    }
    return create(sql, caller, { ...input, conversationIds: [] });
  });
}

/** The longest subject taken from a conversation's first message. */
const SUBJECT_FROM_MESSAGE = 60;

/**
 * A ticket from a conversation (一键转工单): the conversation's contact, linked (its messages
 * stay linked), its subject by default the pre-chat topic or the customer's first words, its
 * type by default the conversation's intent when that is a ticket type.
 */
export async function createTicketFromConversation(ctx: CommandContext, caller: Caller, conversationId: number, input: Partial<TicketInput>): Promise<Ticket> {
  return runCommand(ctx, async (sql) => {
    const conv = await findConversation(sql, conversationId, { workspaceId: caller.workspaceId });
    if (!conv) throw notFound('conversation');
    let subject = input.subject?.trim();
    if (!subject) {
      const [first] = await sql.query(`SELECT content FROM messages WHERE conversation_id = $1 AND sender_type = 'customer' AND NOT private AND content <> '' ORDER BY seq LIMIT 1`, [conv.id]);
      const words = String(first?.content ?? '').replace(/\s+/g, ' ').trim();
      const cut = codePointLength(words) > SUBJECT_FROM_MESSAGE ? `${Array.from(words).slice(0, SUBJECT_FROM_MESSAGE).join('')}…` : words;
      subject = conv.topic?.trim() || cut || `会话 #${conv.id}`;
    }
    let type = input.type;
    if (!type) {
      const intent = (await insightsOf(sql, caller.workspaceId, [conv.id])).get(conv.id)?.intent?.label;
      type = (TICKET_TYPES as readonly string[]).includes(intent ?? '') ? (intent as TicketType) : 'consult';
    }
    return create(sql, caller, { ...input, subject, type, contactId: conv.contactId, conversationIds: [conv.id] });
  });
}

// ── changing ────────────────────────────────────────────────────────────────

export interface TicketPatch {
  subject?: string;
  description?: string;
  tags?: string[];
  category?: string[];
  customFields?: Record<string, CustomFieldValue>;
  type?: TicketType;
  source?: ComplaintSource;
  noticeDate?: string | null;
  classification?: Omit<ClassificationPatch, 'source' | 'noticeDate'>;
  abnormal?: boolean;
  priority?: TicketPriority;
  assigneeId?: number | null;
  groupId?: number | null;
  handoff?: Handoff | null;
  status?: TicketStatus;
  reason?: string | null;
}

const PLAIN_FIELDS = ['subject', 'description', 'tags', 'category', 'customFields'] as const;

/**
 * PATCH: the fields without rules of their own are written as given (who may change the
 * status may edit them); the rest go through the core in a fixed order: type (with the
 * complaint's source and notice date), classification, 非正常投诉, priority, assignment
 * (5W3H to another group), status last — so a ticket assigned and solved in one request
 * is solved by its new owner's rules.
 */
export async function updateTicket(ctx: CommandContext, caller: Caller, id: number, patch: TicketPatch): Promise<Ticket> {
  return runCommand(ctx, async (sql) => {
    const before = await lockedTicket(sql, caller, id);
    const at = new Date();
    const cctx = await callerContext(sql, caller, at);
    let ticket = before;
    const pending: PendingEvent[] = [];

    const fields = PLAIN_FIELDS.filter((f) => patch[f] !== undefined && JSON.stringify(patch[f]) !== JSON.stringify(before[f]));
    if (fields.length) {
      if (before.status === 'closed') throw new DomainError('ticket_closed', 'this ticket is closed (已关闭) and cannot change; open a new ticket', 409);
      if (!canChangeStatus(caller, before)) throw forbidden(servesCustomers(caller.role) ? 'this ticket belongs to another agent; ask them or a supervisor' : '质检 accounts read tickets; they do not change them');
      if (patch.subject !== undefined && !patch.subject.trim()) throw new DomainError('subject_required', 'a ticket needs a subject', 400);
      if ((patch.category?.length ?? 0) > 3) throw new DomainError('category_too_deep', 'categories have three levels at most', 400);
      ticket = {
        ...ticket,
        ...(patch.subject !== undefined ? { subject: patch.subject.trim() } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.tags !== undefined ? { tags: patch.tags } : {}),
        ...(patch.category !== undefined ? { category: patch.category } : {}),
        ...(patch.customFields !== undefined ? { customFields: patch.customFields } : {}),
        updatedAt: at.toISOString(),
      };
    }

    const changes: TicketChange[] = [];
    const typeChanges = patch.type !== undefined && patch.type !== ticket.type;
    if (typeChanges) changes.push({ kind: 'type', type: patch.type!, source: patch.source, noticeDate: patch.noticeDate });
    const classification: ClassificationPatch = { ...(patch.classification ?? {}) };
    if (!typeChanges && patch.source !== undefined) classification.source = patch.source;
    if (!typeChanges && patch.noticeDate !== undefined) classification.noticeDate = patch.noticeDate;
    if (Object.keys(classification).length) changes.push({ kind: 'classify', classification });
    if (patch.abnormal !== undefined) changes.push({ kind: 'abnormal', abnormal: patch.abnormal });
    if (patch.priority !== undefined) changes.push({ kind: 'priority', priority: patch.priority });
    if (patch.assigneeId !== undefined || patch.groupId !== undefined) {
      await checkPeople(sql, caller, patch);
      changes.push({
        kind: 'assign',
        assigneeId: patch.assigneeId !== undefined ? patch.assigneeId : ticket.assigneeId,
        groupId: patch.groupId !== undefined ? patch.groupId : ticket.groupId,
        handoff: patch.handoff ?? null,
      });
    }
    if (patch.status !== undefined) changes.push({ kind: 'status', to: patch.status, reason: patch.reason ?? null });

    const result = applyAll(ticket, changes, cctx);
    ticket = result.ticket;
    if (ticket === before) return { result: before, events: [] };
    await saveTicket(sql, ticket);
    await addSlaHistory(sql, ticket.id, slaEntries(result.events, at.toISOString()));
    if (fields.length) {
      pending.push(pendingEvent('ticket.updated', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { ticketId: ticket.id, fields: [...fields] }, subject: ticket }));
    }
    pending.push(...logged(caller, result.events, ticket));
    pending.push(...systemLogged(caller.workspaceId, await syncTicketTimers(sql, ticket, at), ticket));
    return { result: ticket, events: pending };
  });
}

/** Records the next of the six complaint steps, done or skipped (with the reason). */
export async function recordComplaintStep(ctx: CommandContext, caller: Caller, id: number, input: StepInput): Promise<Ticket> {
  return runCommand(ctx, async (sql) => {
    const before = await lockedTicket(sql, caller, id);
    const cctx = await callerContext(sql, caller, new Date());
    const { ticket, events } = applyAll(before, [{ kind: 'complaint_step', ...input }], cctx);
    if (ticket !== before) await saveTicket(sql, ticket);
    return { result: ticket, events: logged(caller, events, ticket) };
  });
}

/**
 * The customer confirms the resolution (the widget's button): a complaint can then be solved
 * without a reason. Only the ticket's own contact; a ticket confirmed already answers as it is.
 */
export async function confirmTicketAsCustomer(ctx: CommandContext, contact: { id: number; workspaceId: number }, id: number): Promise<Ticket> {
  return runCommand(ctx, async (sql) => {
    const before = await findTicket(sql, contact.workspaceId, id, { lock: true });
    if (!before || before.contactId !== contact.id) throw notFound('ticket');
    const r = changeTicket(before, { kind: 'confirm' }, await changeContext(sql, contact.workspaceId, { type: 'customer' }, new Date()));
    if (!r.ok) throw r.error;
    if (r.ticket === before) return { result: before, events: [] };
    await saveTicket(sql, r.ticket);
    return { result: r.ticket, events: logEntries(contact.workspaceId, { type: 'customer', id: contact.id }, r.events, r.ticket) };
  });
}

// ── comments ────────────────────────────────────────────────────────────────

export interface CommentOutcome {
  ticket: Ticket;
  comment: TicketComment;
}

/**
 * An internal comment (内部备注), or a public reply to the customer. A public reply is the
 * core's `reply` (an agent's first takes a new ticket, and it answers the SLA's reply
 * clocks) and, when the ticket has a linked conversation that has not ended, also that
 * conversation's agent message (the newest such link), written in the same transaction
 * through the message command, so it reaches the customer's widget like any reply.
 * Internal comments are for anyone of the workspace who serves customers; public replies
 * for those who may work the ticket.
 */
export async function addComment(ctx: CommandContext, caller: Caller, author: { id: number; name: string }, id: number, input: { body: string; public: boolean }): Promise<CommentOutcome> {
  return runCommand(ctx, async (sql) => {
    const before = await lockedTicket(sql, caller, id);
    if (before.status === 'closed') throw new DomainError('ticket_closed', 'this ticket is closed (已关闭) and cannot change; open a new ticket', 409);
    if (!servesCustomers(caller.role)) throw forbidden('质检 accounts read tickets; they do not comment on them');
    const body = input.body.trim();
    if (!body) throw new DomainError('comment_empty', 'write something in the comment', 400);
    const at = new Date();
    let ticket = before;
    let coreEvents: TicketEvent[] = [];
    if (input.public) {
      const result = applyAll(before, [{ kind: 'reply' }], await callerContext(sql, caller, at));
      ticket = result.ticket;
      coreEvents = result.events;
    }
    let comment = await insertComment(sql, { ticketId: before.id, authorId: caller.agentId, public: input.public, body }, at.toISOString());
    const events: (PendingEvent | Awaited<ReturnType<typeof writeMessageIn>>['events'][number])[] = [];
    if (input.public && ticket.conversationIds.length) {
      const [conv] = await sql.query(
        `SELECT c.id FROM ticket_conversations tc JOIN conversations c ON c.id = tc.conversation_id
         WHERE tc.ticket_id = $1 AND c.workspace_id = $2 AND c.status <> 'resolved' ORDER BY tc.linked_at DESC, c.id DESC LIMIT 1`,
        [ticket.id, caller.workspaceId],
      );
      if (conv) {
        const written = await writeMessageIn(ctx, sql, {
          workspaceId: caller.workspaceId,
          conversationId: Number(conv.id),
          senderType: 'agent',
          senderId: author.id,
          senderName: author.name,
          content: body,
          clientMessageId: `ticket-comment:${comment.id}`,
        });
        comment = await setCommentMessage(sql, comment.id, Number(conv.id), written.message.id);
        events.push(...written.events);
      }
    }
    if (ticket !== before) await saveTicket(sql, ticket);
    await addSlaHistory(sql, ticket.id, slaEntries(coreEvents, at.toISOString()));
    events.push(...logged(caller, coreEvents, ticket));
    if (coreEvents.length) events.push(...systemLogged(caller.workspaceId, await syncTicketTimers(sql, ticket, at), ticket));
    const commented: EventMap['ticket.commented']['data'] = { ticketId: ticket.id, commentId: comment.id, public: comment.public, authorId: caller.agentId, messageId: comment.messageId };
    events.push(pendingEvent('ticket.commented', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: commented, subject: ticket }));
    return { result: { ticket, comment }, events };
  });
}

// ── 服务补偿 ────────────────────────────────────────────────────────────────

/** A compensation on a ticket: approved at once within the caller's limit, else waiting for a supervisor. */
export async function requestTicketCompensation(ctx: CommandContext, caller: Caller, ticketId: number, input: { kind: string; amount: number }): Promise<Compensation> {
  return runCommand(ctx, async (sql) => {
    const ticket = await lockedTicket(sql, caller, ticketId);
    const id = await nextCompensationId(sql);
    const out = requestCompensation(ticket, { id, ...input }, caller, DEFAULT_COMPENSATION_LIMITS, new Date());
    if (out instanceof DomainError) throw out;
    const saved = await insertCompensation(sql, caller.workspaceId, out.compensation);
    return { result: saved, events: logged(caller, out.events, saved) };
  });
}

/** A supervisor (or admin) approves a compensation above its requester's limit. */
export async function approveTicketCompensation(ctx: CommandContext, caller: Caller, id: number): Promise<Compensation> {
  return runCommand(ctx, async (sql) => {
    const current = await findCompensation(sql, caller.workspaceId, id, { lock: true });
    if (!current) throw notFound('compensation');
    const out = approveCompensation(current, caller, new Date());
    if (out instanceof DomainError) throw out;
    const saved = await saveCompensation(sql, out.compensation);
    return { result: saved, events: logged(caller, out.events, saved) };
  });
}

// ── promises ────────────────────────────────────────────────────────────────

/** 承诺回复时间: the caller promises a reply by `dueAt` on a ticket or a conversation of the workspace. */
export async function makeReplyPromise(ctx: CommandContext, caller: Caller, input: { ticketId: number | null; conversationId: number | null; dueAt: Date; note: string }): Promise<ReplyPromise> {
  if (!servesCustomers(caller.role)) throw forbidden('质检 accounts do not serve customers: they make no promises to them');
  return runCommand(ctx, async (sql) => {
    const draft = makePromise({ agentId: caller.agentId, ticketId: input.ticketId, conversationId: input.conversationId, note: input.note.trim(), dueAt: input.dueAt }, new Date());
    if (draft instanceof DomainError) throw draft;
    if (input.ticketId !== null && !(await findTicket(sql, caller.workspaceId, input.ticketId))) throw notFound('ticket');
    if (input.conversationId !== null && !(await findConversation(sql, input.conversationId, { workspaceId: caller.workspaceId }))) throw notFound('conversation');
    const promise = await insertPromise(sql, caller.workspaceId, draft);
    await scheduleTimer(sql, { ...promiseTimer(promise), workspaceId: caller.workspaceId });
    const { id: promiseId, agentId, ticketId, conversationId, dueAt } = promise;
    const made = pendingEvent('promise.made', { workspaceId: caller.workspaceId, conversationId, actor: agentActor(caller), data: { promiseId, agentId, ticketId, conversationId, dueAt }, subject: promise });
    return { result: promise, events: [made] };
  });
}

/** The agent marks their promise done (a supervisor may for them); kept late it stays missed. Its timer stops. */
export async function keepReplyPromise(ctx: CommandContext, caller: Caller, id: number): Promise<PromiseView> {
  return runCommand(ctx, async (sql) => {
    const p = await findPromise(sql, id, { lock: true, workspaceId: caller.workspaceId });
    if (!p) throw notFound('promise');
    if (p.agentId !== caller.agentId && !isLead(caller.role)) throw forbidden('a promise is marked kept by the agent who made it, or a supervisor');
    const { workspaceId: _w, ...promise } = p;
    const out = keepPromise(promise, new Date());
    if (out instanceof DomainError) throw out;
    await savePromiseKept(sql, id, out.promise.keptAt!);
    await cancelTimers(sql, [ticketTimerKeys.promise(id)]);
    return { result: viewPromise(out.promise, new Date()), events: logged(caller, out.events, out.promise) };
  });
}

/** Promises of the workspace: an agent sees their own unless they lead; with the kept / missed / open tally per agent. */
export async function promisesFor(ctx: CommandContext, caller: Caller, f: PromiseFilter): Promise<{ promises: PromiseView[]; tally: { agentId: number; open: number; kept: number; missed: number }[] }> {
  const filter = isLead(caller.role) || !servesCustomers(caller.role) ? f : { ...f, agentId: caller.agentId };
  const now = new Date();
  const promises = await listPromises(ctx.db, caller.workspaceId, filter);
  const tally = [...promiseTally(promises, now)].map(([agentId, t]) => ({ agentId, ...t })).sort((a, b) => a.agentId - b.agentId);
  return { promises: promises.map((p) => viewPromise(p, now)), tally };
}

/**
 * The classification a complaint's conversation suggests (建议): the core's
 * suggestClassification from the newest linked conversation's picture (intent, emotion,
 * signals) and the contact's earlier complaints. Money demanded is not read from the
 * messages yet, so excessive demands are not suggested.
 */
export async function suggestFor(sql: Sql, caller: Caller, id: number) {
  const ticket = await findTicket(sql, caller.workspaceId, id);
  if (!ticket) throw notFound('ticket');
  if (!ticket.complaint) throw new DomainError('not_a_complaint', 'only a complaint ticket has a classification to suggest', 400);
  const conversationId = ticket.conversationIds.at(-1) ?? null;
  const insight = conversationId !== null ? (await insightsOf(sql, caller.workspaceId, [conversationId])).get(conversationId) : undefined;
  const [r] = await sql.query(`SELECT count(*)::int AS n FROM tickets WHERE contact_id = $1 AND workspace_id = $2 AND type = 'complaint' AND id < $3`, [ticket.contactId, caller.workspaceId, ticket.id]);
  const earlierComplaints = Number(r?.n ?? 0);
  const picture: SuggestionInput['insight'] = insight ?? { intent: null, emotion: { label: 'neutral', intensity: 0 }, signals: [], maxAnger: 0 };
  const s = suggestClassification({ insight: picture, earlierComplaints, demand: null });
  return { ...s, basedOn: { conversationId, earlierComplaints } };
}

/**
 * Sets who, besides the supervisors, a media complaint (PR) and a 非正常投诉 (legal) alert at
 * once (主管 or 管理员). Each list given replaces the one stored; an agent of another workspace is 400.
 */
export async function setComplaintContacts(ctx: CommandContext, caller: Caller, input: { pr?: number[]; legal?: number[] }): Promise<{ pr: number[]; legal: number[] }> {
  assertSupervisor(caller);
  return runCommand(ctx, async (sql) => {
    for (const id of [...(input.pr ?? []), ...(input.legal ?? [])]) await checkPeople(sql, caller, { assigneeId: id });
    if (input.pr) await replaceComplaintContacts(sql, caller.workspaceId, 'pr', [...new Set(input.pr)]);
    if (input.legal) await replaceComplaintContacts(sql, caller.workspaceId, 'legal', [...new Set(input.legal)]);
    const now = await complaintContacts(sql, caller.workspaceId);
    return { result: now, events: [pendingEvent('complaint.contacts_changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: now, subject: now })] };
  });
}

// ── SLA policies ────────────────────────────────────────────────────────────

/**
 * A new SLA policy (主管 or 管理员), at `position` in the order (default: last). The
 * workspace's first own policy stores the shipped defaults before it, so they stay in force
 * until edited: put a narrower policy before the catch-all (position 0 is first).
 */
export async function createSlaPolicy(ctx: CommandContext, caller: Caller, input: SlaPolicy & { position?: number }): Promise<StoredSlaPolicy[]> {
  assertSupervisor(caller);
  return runCommand(ctx, async (sql) => {
    await sql.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [caller.workspaceId]); // one writer of the order at a time
    if (input.calendarId !== null && !(await calendarExists(sql, caller.workspaceId, input.calendarId))) {
      throw new DomainError('unknown_calendar', `there is no business calendar ${input.calendarId} in this workspace`, 400, { calendarId: input.calendarId });
    }
    if (input.escalation.supervisorAfterMinutes < input.escalation.leaderAfterMinutes) {
      throw new DomainError('invalid_escalation', 'the supervisors are told after the group leader (组长), not before: supervisorAfterMinutes ≥ leaderAfterMinutes', 400);
    }
    let own = await storedSlaPolicies(sql, caller.workspaceId);
    if (own.length === 0) {
      for (const [i, p] of DEFAULT_SLA_POLICIES.entries()) await insertSlaPolicy(sql, caller.workspaceId, i, p);
      own = await storedSlaPolicies(sql, caller.workspaceId);
    }
    const end = own.length ? own[own.length - 1]!.position + 1 : 0;
    const position = input.position === undefined ? end : Math.min(own[input.position]?.position ?? end, end);
    await shiftSlaPolicies(sql, caller.workspaceId, position);
    const { position: _ignored, ...policy } = input;
    const created = await insertSlaPolicy(sql, caller.workspaceId, position, policy);
    const event = pendingEvent('sla_policy.changed', {
      workspaceId: caller.workspaceId,
      actor: agentActor(caller),
      data: { policyId: created.id, action: 'created', position },
      subject: { id: created.id, name: created.name },
    });
    return { result: await storedSlaPolicies(sql, caller.workspaceId), events: [event] };
  });
}
