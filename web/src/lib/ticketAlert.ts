import type { ServerFrame } from '../realtime/frames';

/** Live ticket alerts (SLA, promises, the regulator's deadline, complaint alerts): src/core/realtime/frames.ts TicketAlert. */
export type TicketAlert = Extract<ServerFrame, { type: 'alert'; kind: 'ticket' }>;

/** Where the alert's button goes: the ticket, or the conversation of a promise made on one. */
export const ticketAlertPath = (a: TicketAlert) => (a.ticketId !== null ? `/tickets/${a.ticketId}` : a.conversationId !== null ? `/conversations/${a.conversationId}` : '/tickets');

/** One notification per alert (a reminder and the miss of the same promise are two). */
export const ticketAlertKey = (a: TicketAlert) =>
  `zhike-ticket-${a.event}-${a.ticketId ?? ''}-${a.conversationId ?? ''}-${a.promiseId ?? ''}-${a.metric ?? ''}-${a.level ?? ''}-${a.daysBefore ?? ''}`;
