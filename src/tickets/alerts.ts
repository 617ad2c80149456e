import type { RealtimeBus } from '../bus/bus.js';
import { isEvent, type DomainEvent } from '../core/events.js';
import type { TicketAlert } from '../core/realtime/frames.js';
import type { Ticket } from '../core/tickets/index.js';
import type { Listener } from '../events/dispatcher.js';
import type { Db } from '../storage/db.js';
import { complaintContacts } from './store.js';
import { escalationPeople } from './timers.js';

/**
 * 工单 alerts on the consoles of the people each event concerns, live (best effort: the
 * events stay in the log, the tickets show their clocks, deadlines and promises anyway):
 * - an SLA warning or breach: the ticket's assignee, or with nobody assigned the group's
 *   组长 and the supervisors; an escalation: the people it names;
 * - a promise's reminder: its agent; its miss: the agent and the people it names;
 * - a regulator deadline's reminder: the assignee and the supervisors;
 * - a media or 非正常 complaint: the supervisors (admins when there are none) and the
 *   workspace's PR list (media) or legal list (非正常), `PUT /complaint-contacts`.
 */
export function ticketAlertsListener(bus: RealtimeBus, db: Db): Listener {
  const send = async (workspaceId: number, to: Iterable<number | null>, alert: TicketAlert) => {
    for (const agentId of new Set(to)) if (agentId !== null) await bus.publish({ t: 'alert', workspaceId, agentId, alert });
  };
  const lead = async (t: Ticket) => {
    const p = await escalationPeople(db, t.workspaceId, t.groupId);
    return [p.leaderId, ...p.supervisorIds];
  };
  const owners = async (t: Ticket) => (t.assigneeId !== null ? [t.assigneeId] : lead(t));
  const ofTicket = (t: Ticket, event: TicketAlert['event'], dueAt: string | null): TicketAlert => ({
    kind: 'ticket',
    event,
    ticketId: t.id,
    conversationId: t.conversationIds.at(-1) ?? null,
    subject: t.subject,
    dueAt,
  });

  return {
    name: 'ticket-alerts',
    events: ['sla.warning', 'sla.breached', 'sla.escalated', 'promise.reminder', 'promise.missed', 'complaint.deadline_reminder', 'complaint.alert_raised'],
    async handle(e: DomainEvent) {
      if (isEvent(e, 'sla.warning') || isEvent(e, 'sla.breached')) {
        await send(e.workspaceId, await owners(e.subject), { ...ofTicket(e.subject, e.type, e.data.dueAt), metric: e.data.metric });
      } else if (isEvent(e, 'sla.escalated')) {
        await send(e.workspaceId, e.data.notify, { ...ofTicket(e.subject, e.type, null), metric: e.data.metric, level: e.data.level });
      } else if (isEvent(e, 'promise.reminder') || isEvent(e, 'promise.missed')) {
        const p = e.subject;
        const [t] = p.ticketId !== null ? await db.query('SELECT subject FROM tickets WHERE id = $1', [p.ticketId]) : [];
        const alert: TicketAlert = { kind: 'ticket', event: e.type, ticketId: p.ticketId, conversationId: p.conversationId, subject: t?.subject ?? null, dueAt: p.dueAt, promiseId: p.id, note: p.note };
        await send(e.workspaceId, isEvent(e, 'promise.missed') ? [p.agentId, ...e.data.notify] : [p.agentId], alert);
      } else if (isEvent(e, 'complaint.deadline_reminder')) {
        const p = await escalationPeople(db, e.workspaceId, e.subject.groupId);
        await send(e.workspaceId, [e.subject.assigneeId, ...p.supervisorIds], { ...ofTicket(e.subject, e.type, e.data.dueAt), daysBefore: e.data.daysBefore });
      } else if (isEvent(e, 'complaint.alert_raised')) {
        const p = await escalationPeople(db, e.workspaceId, e.subject.groupId);
        const lists = await complaintContacts(db, e.workspaceId);
        const extra = e.data.audiences.flatMap((a) => (a === 'pr' ? lists.pr : a === 'legal' ? lists.legal : []));
        await send(e.workspaceId, [...p.supervisorIds, ...extra], { ...ofTicket(e.subject, e.type, e.subject.complaint?.deadline?.dueAt ?? null), reason: e.data.reason });
      }
    },
  };
}
