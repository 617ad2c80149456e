import { DomainError, forbidden } from '../errors.js';
import type { Role } from '../model.js';
import { canAssign, canChangeStatus, canTransfer, isLead, servesCustomers } from '../permissions.js';
import { classify, complaintAlerts, newComplaint, recordStep, type ClassificationPatch, type StepInput } from './complaint.js';
import { ticketEvent, type TicketEvent, type TicketEventMap } from './events.js';
import type { Complaint, ComplaintSource, Handoff, Ticket, TicketPriority, TicketStatus, TicketType } from './model.js';

/**
 * The ticket state machine. Pure: it takes the ticket and one requested change and
 * returns the ticket after it with the events to write, or the DomainError that refuses
 * it. Storage applies the result in one transaction; nothing here reads a clock.
 */

/** Statuses an agent (or an automation) may move a ticket to from each one. `new` is only where tickets start. */
export const STATUS_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

export const canMoveTo = (from: TicketStatus, to: TicketStatus): boolean => STATUS_TRANSITIONS[from].includes(to);

/** Who asks: an agent (with their role), the customer (widget), or the platform (automations, timers). */
export type TicketActor = { type: 'agent'; agentId: number; role: Role } | { type: 'customer' } | { type: 'system' };

export interface ChangeContext {
  by: TicketActor;
  at: Date;
  /** The workspace's time zone: a regulator's deadline ends at midnight there. */
  timezone: string;
}

export type TicketChange =
  /** `reason`: why; required to solve a complaint the customer has not confirmed. */
  | { kind: 'status'; to: TicketStatus; reason?: string | null }
  /** 分配 / 转接; to another group it needs the 5W3H handoff. */
  | { kind: 'assign'; assigneeId: number | null; groupId: number | null; handoff?: Handoff | null }
  /** A public reply, by the actor: the customer's reopens, an agent's first takes a new ticket. */
  | { kind: 'reply' }
  /** The customer confirms the resolution (the widget's button). */
  | { kind: 'confirm' }
  | { kind: 'type'; type: TicketType; source?: ComplaintSource; noticeDate?: string | null }
  | { kind: 'priority'; priority: TicketPriority }
  | ({ kind: 'complaint_step' } & StepInput)
  | { kind: 'classify'; classification: ClassificationPatch }
  /** 非正常投诉, set by a supervisor. */
  | { kind: 'abnormal'; abnormal: boolean };

export type TicketResult = { ok: true; ticket: Ticket; events: TicketEvent[] } | { ok: false; error: DomainError };

const refuse = (error: DomainError): TicketResult => ({ ok: false, error });
const unchanged = (ticket: Ticket): TicketResult => ({ ok: true, ticket, events: [] });

export interface NewTicket {
  id: number;
  workspaceId: number;
  contactId: number;
  conversationIds?: number[];
  subject: string;
  description?: string;
  type: TicketType;
  priority?: TicketPriority;
  groupId?: number | null;
  assigneeId?: number | null;
  tags?: string[];
  category?: string[];
  customFields?: Ticket['customFields'];
  /** Complaints: who brought it (default consumer) and a regulator's notice date. */
  source?: ComplaintSource;
  noticeDate?: string | null;
}

/** A new ticket (待受理), from a conversation, a 留言 or the API. */
export function createTicket(input: NewTicket, ctx: ChangeContext): TicketResult {
  if (ctx.by.type === 'customer' || (ctx.by.type === 'agent' && !servesCustomers(ctx.by.role))) return refuse(forbidden('tickets are created by agents or through the API'));
  const subject = input.subject.trim();
  if (!subject) return refuse(new DomainError('subject_required', 'a ticket needs a subject', 400));
  if ((input.category?.length ?? 0) > 3) return refuse(new DomainError('category_too_deep', 'categories have three levels at most', 400));
  if (input.type !== 'complaint' && (input.source || input.noticeDate)) return refuse(notComplaint());
  const complaint = input.type === 'complaint' ? newComplaint(input.source ?? 'consumer', input.noticeDate, ctx.timezone) : null;
  if (complaint instanceof DomainError) return refuse(complaint);
  const at = ctx.at.toISOString();
  const ticket: Ticket = {
    id: input.id,
    workspaceId: input.workspaceId,
    contactId: input.contactId,
    conversationIds: input.conversationIds ?? [],
    subject,
    description: input.description ?? '',
    type: input.type,
    priority: input.priority ?? 'normal',
    status: 'new',
    assigneeId: input.assigneeId ?? null,
    groupId: input.groupId ?? null,
    followerIds: [],
    tags: input.tags ?? [],
    category: input.category ?? [],
    customFields: input.customFields ?? {},
    complaint,
    confirmedAt: null,
    createdAt: at,
    updatedAt: at,
    solvedAt: null,
    closedAt: null,
  };
  const { id: ticketId, contactId, type, priority, groupId, assigneeId, conversationIds } = ticket;
  const created = ticketEvent('ticket.created', { ticketId, contactId, type, priority, groupId, assigneeId, conversationIds });
  return { ok: true, ticket, events: [created, ...(complaint ? complaintAlerts(ticketId, null, complaint) : [])] };
}

/** Applies one change: the ticket after it and its events, or why it is refused. No events when nothing changes. */
export function changeTicket(ticket: Ticket, change: TicketChange, ctx: ChangeContext): TicketResult {
  if (ticket.status === 'closed') return refuse(new DomainError('ticket_closed', 'this ticket is closed (已关闭) and cannot change; open a new ticket', 409));
  const denied = deniedFor(ticket, change, ctx.by);
  if (denied) return refuse(denied);
  const result = apply(ticket, change, ctx);
  if (!result.ok || result.events.length === 0) return result;
  return { ...result, ticket: { ...result.ticket, updatedAt: ctx.at.toISOString() } };
}

function apply(ticket: Ticket, change: TicketChange, ctx: ChangeContext): TicketResult {
  switch (change.kind) {
    case 'status':
      return changeStatus(ticket, change.to, change.reason?.trim() || null, ctx);
    case 'assign':
      return assign(ticket, change);
    case 'reply':
      return reply(ticket, ctx);
    case 'confirm':
      return confirm(ticket, ctx);
    case 'type':
      return changeType(ticket, change, ctx);
    case 'priority':
      return changePriority(ticket, change.priority);
    case 'complaint_step':
    case 'classify':
    case 'abnormal':
      return changeComplaint(ticket, change, ctx);
  }
}

/**
 * Who may ask for what: customers reply and confirm; agents work the tickets they may
 * work (as with conversations); 非正常投诉 is a supervisor's call; automations do the rest.
 */
function deniedFor(ticket: Ticket, change: TicketChange, by: TicketActor): DomainError | null {
  if (by.type === 'customer') return change.kind === 'reply' || change.kind === 'confirm' ? null : forbidden('customers reply to and confirm their tickets; agents change them');
  if (change.kind === 'confirm') return forbidden('only the customer confirms the resolution; solve with a reason instead');
  if (by.type === 'system') return null;
  if (change.kind === 'abnormal') return isLead(by.role) ? null : forbidden('非正常投诉 is set by a supervisor (主管) or administrator');
  if (change.kind === 'assign') {
    const ok = change.assigneeId !== ticket.assigneeId ? canAssign(by, ticket, change.assigneeId) : canTransfer(by, ticket);
    return ok ? null : forbidden('agents take unassigned tickets for themselves and hand over their own; a supervisor assigns the rest');
  }
  return canChangeStatus(by, ticket) ? null : forbidden('this ticket belongs to another agent; ask them or a supervisor');
}

const statusChanged = (ticket: Ticket, to: TicketStatus, cause: TicketEventMap['ticket.status_changed']['cause'], reason: string | null) =>
  ticketEvent('ticket.status_changed', { ticketId: ticket.id, from: ticket.status, to, cause, reason });

/**
 * A requested status. Closing follows solving (the final confirmation to the customer);
 * a complaint is solved once the customer confirmed, or with the reason they did not.
 * Reopening clears the confirmation: the customer was not satisfied after all.
 */
function changeStatus(ticket: Ticket, to: TicketStatus, reason: string | null, ctx: ChangeContext): TicketResult {
  if (to === ticket.status) return unchanged(ticket);
  if (!canMoveTo(ticket.status, to)) {
    return refuse(new DomainError('invalid_status_change', `a ticket cannot go from ${ticket.status} to ${to}${to === 'closed' ? ' (solve it first)' : ''}`, 409, { from: ticket.status, to }));
  }
  let complaint = ticket.complaint;
  if (to === 'solved' && complaint && !ticket.confirmedAt) {
    if (!reason) return refuse(new DomainError('confirmation_required', 'a complaint is solved after the customer confirms, or with the reason they did not (a phone call, no answer…)', 409));
    complaint = { ...complaint, unconfirmedReason: reason };
  }
  const at = ctx.at.toISOString();
  const next: Ticket = { ...ticket, status: to, complaint, solvedAt: to === 'solved' ? at : ticket.solvedAt, closedAt: to === 'closed' ? at : null };
  const events = [statusChanged(ticket, to, ctx.by.type === 'system' ? 'system' : 'agent', reason)];
  return { ok: true, ticket: ticket.status === 'solved' && to === 'open' ? reopen(next) : next, events };
}

const reopen = (t: Ticket): Ticket => ({ ...t, status: 'open', solvedAt: null, confirmedAt: null, complaint: t.complaint && { ...t.complaint, unconfirmedReason: null } });

/**
 * A public reply. The customer's brings back a ticket waiting on them or solved (重新打开);
 * one waiting on another team stays on hold. An agent's first reply takes a new ticket.
 */
function reply(ticket: Ticket, ctx: ChangeContext): TicketResult {
  const from = ctx.by.type === 'customer' ? 'customer' : 'agent';
  const replied = ticketEvent('ticket.replied', { ticketId: ticket.id, from });
  const moves = from === 'customer' ? ticket.status === 'pending' || ticket.status === 'solved' : ticket.status === 'new';
  if (!moves) return { ok: true, ticket, events: [replied] };
  const opened = ticket.status === 'solved' ? reopen(ticket) : { ...ticket, status: 'open' as const };
  return { ok: true, ticket: opened, events: [replied, statusChanged(ticket, 'open', from === 'customer' ? 'customer_reply' : 'agent_reply', null)] };
}

function confirm(ticket: Ticket, ctx: ChangeContext): TicketResult {
  if (ticket.confirmedAt) return unchanged(ticket);
  return { ok: true, ticket: { ...ticket, confirmedAt: ctx.at.toISOString() }, events: [ticketEvent('ticket.confirmed', { ticketId: ticket.id })] };
}

/** The 5W and `how` every handoff between groups must say. */
const HANDOFF_REQUIRED = ['when', 'where', 'who', 'what', 'why', 'how'] as const;

function assign(ticket: Ticket, change: Extract<TicketChange, { kind: 'assign' }>): TicketResult {
  const { assigneeId, groupId } = change;
  if (assigneeId === ticket.assigneeId && groupId === ticket.groupId) return unchanged(ticket);
  const toAnotherGroup = ticket.groupId !== null && groupId !== null && groupId !== ticket.groupId;
  const handoff = toAnotherGroup ? (change.handoff ?? null) : null;
  if (toAnotherGroup) {
    const missing = HANDOFF_REQUIRED.filter((f) => !handoff?.[f]?.trim());
    if (missing.length) return refuse(new DomainError('handoff_required', `a ticket handed to another group needs its 5W3H: fill in ${missing.join(', ')}`, 400, { missing }));
  }
  const data = { ticketId: ticket.id, fromAssigneeId: ticket.assigneeId, toAssigneeId: assigneeId, fromGroupId: ticket.groupId, toGroupId: groupId, handoff };
  return { ok: true, ticket: { ...ticket, assigneeId, groupId }, events: [ticketEvent('ticket.assigned', data)] };
}

function changePriority(ticket: Ticket, priority: TicketPriority): TicketResult {
  if (priority === ticket.priority) return unchanged(ticket);
  return { ok: true, ticket: { ...ticket, priority }, events: [ticketEvent('ticket.priority_changed', { ticketId: ticket.id, from: ticket.priority, to: priority })] };
}

/** Becoming a complaint starts its record; a complaint stays one, so the archive (留档分析) keeps every complaint. */
function changeType(ticket: Ticket, change: Extract<TicketChange, { kind: 'type' }>, ctx: ChangeContext): TicketResult {
  if (change.type === ticket.type) return unchanged(ticket);
  if (ticket.type === 'complaint') return refuse(new DomainError('complaint_type_fixed', 'a complaint stays a complaint (it is archived for analysis)', 409));
  if (change.type !== 'complaint' && (change.source || change.noticeDate)) return refuse(notComplaint());
  const complaint = change.type === 'complaint' ? newComplaint(change.source ?? 'consumer', change.noticeDate, ctx.timezone) : null;
  if (complaint instanceof DomainError) return refuse(complaint);
  const events = [ticketEvent('ticket.type_changed', { ticketId: ticket.id, from: ticket.type, to: change.type }), ...(complaint ? complaintAlerts(ticket.id, null, complaint) : [])];
  return { ok: true, ticket: { ...ticket, type: change.type, complaint }, events };
}

const notComplaint = () => new DomainError('not_a_complaint', 'only a complaint ticket has complaint steps, a classification, a source and a notice date', 400);

function changeComplaint(ticket: Ticket, change: ComplaintChange, ctx: ChangeContext): TicketResult {
  const before = ticket.complaint;
  if (!before) return refuse(notComplaint());
  if (ctx.by.type !== 'agent') return refuse(forbidden('complaint steps, classification and 非正常投诉 are recorded by people'));
  const by = ctx.by.agentId;
  const after = changedComplaint(before, change, by, ctx);
  if (after instanceof DomainError) return refuse(after);
  if (after === before) return unchanged(ticket);
  const ticketId = ticket.id;
  const done =
    change.kind === 'complaint_step'
      ? ticketEvent('complaint.step_recorded', { ticketId, step: change.step, by, skipped: after.steps.at(-1)!.skippedReason !== null })
      : change.kind === 'classify'
        ? ticketEvent('complaint.classified', { ticketId, classification: after.classification })
        : ticketEvent('complaint.abnormal_changed', { ticketId, abnormal: after.abnormal, by });
  return { ok: true, ticket: { ...ticket, complaint: after }, events: [done, ...complaintAlerts(ticketId, before, after)] };
}

type ComplaintChange = Extract<TicketChange, { kind: 'complaint_step' | 'classify' | 'abnormal' }>;

function changedComplaint(before: Complaint, change: ComplaintChange, by: number, ctx: ChangeContext): Complaint | DomainError {
  switch (change.kind) {
    case 'complaint_step':
      return recordStep(before, change, by, ctx.at);
    case 'classify':
      return classify(before, change.classification, ctx.timezone);
    case 'abnormal':
      return change.abnormal === before.abnormal ? before : { ...before, abnormal: change.abnormal };
  }
}
