import type {
  AbnormalSign,
  Classification,
  Compensation,
  ComplaintSource,
  ComplaintStepId,
  Handoff,
  PromiseView,
  SlaClock,
  Ticket,
  TicketActivity,
  TicketComment,
  TicketPriority,
  TicketStatus,
  TicketType,
} from '../../../src/core/tickets/index';
import { request } from './client';

export type {
  AbnormalSign,
  Classification,
  ClassificationKind,
  Compensation,
  ComplaintSource,
  ComplaintStepId,
  Handoff,
  PromiseOutcome,
  SlaClock,
  Ticket,
  TicketActivity,
  TicketComment,
  TicketPriority,
  TicketStatus,
  TicketType,
} from '../../../src/core/tickets/index';

/**
 * 工单与投诉 (docs/tickets.md): the shapes the API sends (src/tickets/view.ts,
 * src/server/plugins/tickets.ts) and one function per route the console uses.
 * Types only from the core here: this module is imported by 工作台 (转工单), whose
 * first load is at its budget; the labels and coaching come with the lazy pages.
 */

/** A ticket as the API shows it: its SLA clocks now, and for a complaint the step to do next. */
export interface TicketView extends Omit<Ticket, 'complaint' | 'customFields'> {
  customFields: Record<string, string | number | string[]>;
  complaint: (NonNullable<Ticket['complaint']> & { nextStep: ComplaintStepId | null }) | null;
  slaPolicy: string | null;
  sla: SlaClock[];
}


/** A promise as `GET /tickets/{id}` and `POST /promises/{id}/keep` send it: with its outcome now. */
export type TicketPromise = PromiseView;

/** The ticket's customer as the detail shows it: whether a public reply reaches them now (the server adds it). */
export interface TicketContact {
  id: number;
  name: string | null;
  online: boolean;
}

export interface TicketDetail extends TicketView {
  comments: TicketComment[];
  compensations: Compensation[];
  promises: TicketPromise[];
  contact?: TicketContact | null;
}

/** Who besides the supervisors a media complaint (pr) and a 非正常投诉 (legal) alert: agent ids. */
export interface ComplaintContacts {
  pr: number[];
  legal: number[];
}


/** `GET /tickets/{id}/suggestion`: what the conversation suggests, for the agent to confirm. */
export interface TicketSuggestion {
  classification: Classification;
  abnormal: AbnormalSign[];
}

export interface TicketFilter {
  status?: TicketStatus;
  type?: TicketType;
  priority?: TicketPriority;
  assigneeId?: number;
  groupId?: number;
  before?: number | null;
  limit?: number;
}

export interface TicketPatch {
  subject?: string;
  description?: string;
  tags?: string[];
  source?: ComplaintSource;
  noticeDate?: string | null;
  classification?: Partial<Omit<Classification, 'source'>>;
  abnormal?: boolean;
  priority?: TicketPriority;
  assigneeId?: number | null;
  groupId?: number | null;
  handoff?: Handoff;
  status?: TicketStatus;
  reason?: string | null;
}

export const ticketsApi = {
  list: (f: TicketFilter, signal?: AbortSignal) => request<{ tickets: TicketView[]; nextBefore: number | null }>('/tickets', { query: { ...f }, signal }),
  get: (id: number) => request<TicketDetail>(`/tickets/${id}`),
  update: (id: number, patch: TicketPatch) => request<TicketView>(`/tickets/${id}`, { method: 'PATCH', body: patch }),
  /** 一键转工单 / 转投诉 */
  fromConversation: (conversationId: number, body: { type?: TicketType; assigneeId?: number | null }) =>
    request<TicketView>(`/conversations/${conversationId}/tickets`, { body }),
  comment: (id: number, body: string, isPublic: boolean) =>
    request<{ comment: TicketComment; ticket: TicketView }>(`/tickets/${id}/comments`, { body: { body, public: isPublic } }),
  recordStep: (id: number, body: { step: ComplaintStepId; note?: string | null; skippedReason?: string | null }) =>
    request<TicketView>(`/tickets/${id}/complaint/steps`, { body }),
  suggestion: (id: number) => request<TicketSuggestion>(`/tickets/${id}/suggestion`),
  complaintContacts: () => request<ComplaintContacts>('/complaint-contacts'),
  setComplaintContacts: (lists: Partial<ComplaintContacts>) => request<ComplaintContacts>('/complaint-contacts', { method: 'PUT', body: lists }),
  activity: (id: number, after?: number) => request<{ activity: TicketActivity[] }>(`/tickets/${id}/activity`, { query: { after } }),
  compensate: (id: number, kind: string, amount: number) => request<Compensation>(`/tickets/${id}/compensations`, { body: { kind, amount } }),
  approve: (compensationId: number) => request<Compensation>(`/compensations/${compensationId}/approve`, { method: 'POST' }),
  promise: (ticketId: number, dueAt: string, note: string) => request<TicketPromise>('/promises', { body: { ticketId, dueAt, note } }),
  keepPromise: (promiseId: number) => request<TicketPromise>(`/promises/${promiseId}/keep`, { method: 'POST' }),
};
