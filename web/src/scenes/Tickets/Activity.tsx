import { useEffect, useState } from 'react';
import { ticketsApi, type TicketActivity, type TicketDetail } from '../../api/tickets';
import { fullTime } from '../../i18n/format';
import { useLabel, useTicketT, type TicketKey } from './strings';

type Data = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * 动态: what happened to the ticket and who did it, oldest first, read from the event log
 * (`GET /tickets/{id}/activity`), so it is exactly what the log holds. Read again whenever the
 * ticket changes (`ticket.updatedAt`), and when the clocks fire (the page re-reads itself).
 */
export function Activity({ ticket }: { ticket: TicketDetail }) {
  const tt = useTicketT();
  const label = useLabel();
  const [entries, setEntries] = useState<TicketActivity[] | null>(null);
  useEffect(() => {
    let live = true;
    ticketsApi.activity(ticket.id).then(
      (r) => live && setEntries(r.activity),
      () => live && setEntries([]),
    );
    return () => {
      live = false;
    };
  }, [ticket.id, ticket.updatedAt, ticket.comments.length, ticket.sla]);

  const says = (e: TicketActivity): string => {
    const d: Data = e.data;
    const key = `ev.${e.type}` as TicketKey;
    switch (e.type) {
      case 'ticket.status_changed':
        return tt(key, { from: label('status', str(d.from)), to: label('status', str(d.to)) });
      case 'ticket.type_changed':
        return tt(key, { from: label('type', str(d.from)), to: label('type', str(d.to)) });
      case 'ticket.priority_changed':
        return tt(key, { from: label('priority', str(d.from)), to: label('priority', str(d.to)) });
      case 'ticket.assigned':
        return d.handoff ? tt('ev.ticket.handoff') : tt(key, { to: d.toAssigneeId ? `#${str(d.toAssigneeId)}` : tt('unassigned') });
      case 'ticket.commented':
        return d.public ? tt('ev.ticket.replied') : tt(key);
      case 'complaint.step_recorded':
        return tt(d.skipped ? 'ev.complaint.step_skipped' : key, { step: label('step', str(d.step)) });
      case 'complaint.abnormal_changed':
        return tt(key, { value: tt(d.abnormal ? 'ev.yes' : 'ev.no') });
      case 'complaint.alert_raised':
        return tt(key, { reason: tt(`ev.reason.${str(d.reason)}` as TicketKey) });
      case 'complaint.deadline_reminder':
        return tt(key, { n: str(d.daysBefore) });
      case 'compensation.requested':
        return tt(key, { kind: str(d.kind), amount: str(d.amount) });
      case 'sla.warning':
      case 'sla.breached':
        return tt(key, { metric: label('metric', str(d.metric)) });
      case 'sla.escalated':
        return tt(key, { metric: label('metric', str(d.metric)), level: tt(`ev.level.${str(d.level)}` as TicketKey) });
      case 'promise.made':
        return tt(key, { time: fullTime(str(d.dueAt)) });
      case 'ticket.replied':
        return tt('ev.ticket.customerReplied');
      case 'ticket.created':
      case 'ticket.confirmed':
      case 'ticket.updated':
      case 'complaint.classified':
      case 'compensation.approved':
        return tt(key);
      default:
        return e.type;
    }
  };
  // a public reply is logged twice (ticket.replied with ticket.commented): show it once
  const shown = (entries ?? []).filter((e) => e.type !== 'ticket.replied' || e.actor.type === 'customer');
  const who = (e: TicketActivity) => e.actor.name ?? (e.actor.type === 'customer' ? tt('activity.customer') : e.actor.type === 'system' ? tt('activity.system') : `#${str(e.actor.id)}`);
  return (
    <section className="admin-card ticket-card" aria-label={tt('activity.title')} data-testid="ticket-activity">
      <h2>{tt('activity.title')}</h2>
      {entries !== null && shown.length === 0 ? <div className="muted">{tt('activity.empty')}</div> : null}
      <ol className="ticket-activity">
        {shown.map((e) => (
          <li key={e.id} data-testid="activity-entry" data-type={e.type}>
            <span className="muted">{fullTime(e.at)}</span> <strong>{who(e)}</strong> {says(e)}
          </li>
        ))}
      </ol>
    </section>
  );
}
