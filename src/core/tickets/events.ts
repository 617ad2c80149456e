import type { Classification, ComplaintStepId, Handoff, SlaMetric, TicketPriority, TicketStatus, TicketType } from './model.js';

/**
 * The domain events tickets, complaints, SLA clocks, deadlines and promises produce, as
 * plain data: storage writes them to the event log with the change that caused them.
 * Each carries the ids and values a consumer needs to decide without a read.
 */
export interface TicketEventMap {
  'ticket.created': { ticketId: number; contactId: number; type: TicketType; priority: TicketPriority; groupId: number | null; assigneeId: number | null; conversationIds: number[] };
  /** `cause`: who moved it; a customer reply reopens, an agent's first reply takes a new ticket. */
  'ticket.status_changed': { ticketId: number; from: TicketStatus; to: TicketStatus; cause: 'agent' | 'agent_reply' | 'customer_reply' | 'system'; reason: string | null };
  /** 分配 / 转接: to another group it carries the 5W3H handoff. */
  'ticket.assigned': { ticketId: number; fromAssigneeId: number | null; toAssigneeId: number | null; fromGroupId: number | null; toGroupId: number | null; handoff: Handoff | null };
  /** A public reply (internal comments change no state and emit no event here). */
  'ticket.replied': { ticketId: number; from: 'agent' | 'customer' };
  'ticket.confirmed': { ticketId: number };
  'ticket.type_changed': { ticketId: number; from: TicketType; to: TicketType };
  'ticket.priority_changed': { ticketId: number; from: TicketPriority; to: TicketPriority };
  'complaint.step_recorded': { ticketId: number; step: ComplaintStepId; by: number; skipped: boolean };
  'complaint.classified': { ticketId: number; classification: Classification };
  'complaint.abnormal_changed': { ticketId: number; abnormal: boolean; by: number };
  /** Alert at once: media → supervisors and the PR list; 非正常投诉 → supervisors and the legal list. */
  'complaint.alert_raised': { ticketId: number; reason: 'media' | 'abnormal'; audiences: ('supervisors' | 'pr' | 'legal')[] };
  'complaint.deadline_reminder': { ticketId: number; dueAt: string; daysBefore: number };
  /** `status`: approved at once (within the requester's limit) or waiting for a supervisor. */
  'compensation.requested': { ticketId: number; compensationId: number; kind: string; amount: number; requestedBy: number; status: 'approved' | 'pending_approval' };
  'compensation.approved': { ticketId: number; compensationId: number; approvedBy: number };
  /** `dueAt`: null when the clock paused before the warning was sent. */
  'sla.warning': { ticketId: number; metric: SlaMetric; dueAt: string | null };
  'sla.breached': { ticketId: number; metric: SlaMetric; dueAt: string };
  /** After the breach: first the group's 组长, then the supervisors; `notify` are the people told. */
  'sla.escalated': { ticketId: number; metric: SlaMetric; level: 'leader' | 'supervisor'; notify: number[] };
  'promise.reminder': { promiseId: number; agentId: number; dueAt: string };
  'promise.kept': { promiseId: number; agentId: number; dueAt: string };
  /** Passed without being kept: the agent and the escalation list are told. */
  'promise.missed': { promiseId: number; agentId: number; dueAt: string; notify: number[] };
}

export type TicketEventType = keyof TicketEventMap;

/** One event, as a union that `switch (e.type)` narrows. */
export type TicketEvent = { [K in TicketEventType]: { type: K; data: TicketEventMap[K] } }[TicketEventType];

export const TICKET_EVENT_TYPES = [
  'ticket.created',
  'ticket.status_changed',
  'ticket.assigned',
  'ticket.replied',
  'ticket.confirmed',
  'ticket.type_changed',
  'ticket.priority_changed',
  'complaint.step_recorded',
  'complaint.classified',
  'complaint.abnormal_changed',
  'complaint.alert_raised',
  'complaint.deadline_reminder',
  'compensation.requested',
  'compensation.approved',
  'sla.warning',
  'sla.breached',
  'sla.escalated',
  'promise.reminder',
  'promise.kept',
  'promise.missed',
] as const satisfies readonly TicketEventType[];

/** One event, typed by its name. */
export const ticketEvent = <K extends TicketEventType>(type: K, data: TicketEventMap[K]): TicketEvent => ({ type, data }) as TicketEvent;
