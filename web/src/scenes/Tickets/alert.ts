import type { UiLocale } from '../../i18n';
import { hhmm } from '../../i18n/format';
import type { TicketAlert } from '../../lib/ticketAlert';
import { labelIn, ticketText } from './strings';

/** 14:05 today, else 03-21 14:05. */
function when(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? hhmm(d) : `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${hhmm(d)}`;
}

/**
 * A ticket alert's title and text: 承诺回复提醒 / 承诺回复提醒：15:00 前回电（到期 14:58）, SLA 即将超时,
 * 已超时, 升级, 监管投诉还剩 3 天, 媒体投诉… (loaded with the first ticket alert, not in the first load).
 */
export function ticketAlertText(a: TicketAlert, locale: UiLocale): { title: string; body: string; about: string; action: string } {
  const tt = ticketText(locale);
  const due = when(a.dueAt);
  const metric = a.metric ? labelIn(locale, 'metric', a.metric) : '';
  const about = a.ticketId !== null ? tt('alert.ticket', { id: a.ticketId, subject: a.subject ?? '' }) : a.conversationId !== null ? tt('alert.conversation', { id: a.conversationId }) : '';
  const action = a.ticketId !== null ? tt('alert.open') : tt('alert.openConversation');
  const note = a.note?.trim() || about;
  switch (a.event) {
    case 'sla.warning':
      return { title: tt('alert.sla.warning'), body: tt('alert.slaWarningBody', { metric, due }), about, action };
    case 'sla.breached':
      return { title: tt('alert.sla.breached'), body: tt('alert.slaBreachedBody', { metric, due }), about, action };
    case 'sla.escalated':
      return { title: tt('alert.sla.escalated'), body: tt('alert.slaEscalatedBody', { metric, level: tt(a.level === 'leader' ? 'alert.level.leader' : 'alert.level.supervisor') }), about, action };
    case 'promise.reminder':
      return { title: tt('alert.promise.reminder'), body: tt('alert.promiseBody', { note, due }), about, action };
    case 'promise.missed':
      return { title: tt('alert.promise.missed'), body: tt('alert.promiseMissedBody', { note, due }), about, action };
    case 'complaint.deadline_reminder':
      return { title: tt('alert.complaint.deadline_reminder', { n: a.daysBefore ?? '' }), body: tt('alert.deadlineBody', { n: a.daysBefore ?? '', due }), about, action };
    case 'complaint.alert_raised':
      return a.reason === 'media'
        ? { title: tt('alert.complaint.alert_raised.media'), body: tt('alert.mediaBody'), about, action }
        : a.reason === 'abnormal'
          ? { title: tt('alert.complaint.alert_raised.abnormal'), body: tt('alert.abnormalBody'), about, action }
          : { title: tt('alert.complaint.alert_raised'), body: '', about, action };
    default:
      return { title: tt('list.title'), body: '', about, action };
  }
}
