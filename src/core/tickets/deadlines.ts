import { addDays, instantOf } from '../calendar/business-hours.js';
import { DomainError } from '../errors.js';
import { ticketEvent, type TicketEvent } from './events.js';
import type { ComplaintDeadline } from './model.js';

/**
 * Dates the company must keep (METHOD.md §4, §6): a regulator's appeal window (申诉期)
 * and the reply times agents promise (承诺回复时间). Pure: each gives the instants a
 * durable timer needs and the events it emits when it fires.
 */

// ── the regulator's 15 days ─────────────────────────────────────────────────

export const REGULATOR_APPEAL_DAYS = 15;
/** Days before the due date on which the complaint's people are reminded. */
export const DEADLINE_REMINDER_DAYS = [7, 3, 1] as const;
/** Reminders go out at 09:00 local time, when people are at work to act on them (not at midnight). */
const REMINDER_MINUTE = 9 * 60;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The years a notice may carry (a typo like 0226 or 9999 is refused, not computed). */
const NOTICE_YEARS = [1970, 2999] as const;

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export const isDate = (s: string): boolean => DATE.test(s) && addDays(s, 0) === s;

/**
 * A regulator complaint's deadline: 15 calendar days from the notice date (the notice's
 * day does not count), due at the end of that day in the workspace's time zone.
 */
export function regulatorDeadline(noticeDate: string, timezone: string): ComplaintDeadline | DomainError {
  if (!isDate(noticeDate)) return new DomainError('invalid_notice_date', `noticeDate must be the notice's date as YYYY-MM-DD (got "${noticeDate}")`, 400);
  const year = Number(noticeDate.slice(0, 4));
  if (year < NOTICE_YEARS[0] || year > NOTICE_YEARS[1]) return new DomainError('invalid_notice_date', `noticeDate must be a date from ${NOTICE_YEARS[0]} to ${NOTICE_YEARS[1]} (got "${noticeDate}")`, 400);
  const dueDate = addDays(noticeDate, REGULATOR_APPEAL_DAYS);
  const dueAt = new Date(instantOf(addDays(dueDate, 1), 0, timezone).getTime() - 1);
  const reminders = DEADLINE_REMINDER_DAYS.map((daysBefore) => ({ daysBefore, at: instantOf(addDays(dueDate, -daysBefore), REMINDER_MINUTE, timezone).toISOString() }));
  return { kind: 'regulator_appeal', noticeDate, dueAt: dueAt.toISOString(), reminders };
}

export interface DeadlineTimer {
  kind: 'complaint_deadline';
  key: string;
  dueAt: Date;
  payload: { ticketId: number; daysBefore: number };
}

/** The next reminder after `now`, or null when none is left (a notice recorded late skips the passed ones). */
export function deadlineTimer(ticketId: number, deadline: ComplaintDeadline, now: Date): DeadlineTimer | null {
  const next = deadline.reminders.find((r) => Date.parse(r.at) > now.getTime());
  return next ? { kind: 'complaint_deadline', key: `deadline:${ticketId}`, dueAt: new Date(next.at), payload: { ticketId, daysBefore: next.daysBefore } } : null;
}

/** A reminder timer fired: the event to emit and the timer to set next. */
export function fireDeadlineTimer(ticketId: number, deadline: ComplaintDeadline, daysBefore: number, now: Date): { events: TicketEvent[]; next: DeadlineTimer | null } {
  return {
    events: [ticketEvent('complaint.deadline_reminder', { ticketId, dueAt: deadline.dueAt, daysBefore })],
    // the reminders after this one (a timer that fires early, on an instance whose clock runs behind, does not repeat it)
    next: deadlineTimer(ticketId, deadline, new Date(Math.max(now.getTime(), Date.parse(deadline.reminders.find((r) => r.daysBefore === daysBefore)?.at ?? '')  || 0))),
  };
}

// ── promises (承诺回复时间) ──────────────────────────────────────────────────

/** "I will call you back by 15:00", recorded on a conversation or a ticket. */
export interface ReplyPromise {
  id: number;
  agentId: number;
  ticketId: number | null;
  conversationId: number | null;
  dueAt: string;
  note: string;
  createdAt: string;
  /** When the agent marked it done; after `dueAt` it still counts as missed. */
  keptAt: string | null;
}

/** The agent is reminded this long before a promise is due… */
export const PROMISE_REMINDER_MINUTES = 15;

export type NewPromise = Pick<ReplyPromise, 'agentId' | 'ticketId' | 'conversationId' | 'note'> & { dueAt: Date };

/** A promise is made on one conversation or one ticket, for a time still ahead. */
export function makePromise(input: NewPromise, now: Date): Omit<ReplyPromise, 'id'> | DomainError {
  if ((input.ticketId === null) === (input.conversationId === null)) {
    return new DomainError('invalid_promise_target', 'a promise belongs to one ticket or one conversation', 400);
  }
  if (input.dueAt.getTime() <= now.getTime()) return new DomainError('promise_in_past', 'a promised reply time must be later than now', 400);
  return { ...input, dueAt: input.dueAt.toISOString(), createdAt: now.toISOString(), keptAt: null };
}

/**
 * When to remind the agent: 15 minutes before it is due, or halfway when it was made less
 * than 30 minutes ahead ("I'll call you back in 10 minutes" is reminded after 5).
 */
export function promiseReminderAt(p: Pick<ReplyPromise, 'dueAt' | 'createdAt'>): Date {
  const due = Date.parse(p.dueAt);
  const lead = Math.min(PROMISE_REMINDER_MINUTES * 60_000, (due - Date.parse(p.createdAt)) / 2);
  return new Date(Math.ceil(due - Math.max(0, lead)));
}

export type PromiseOutcome = 'open' | 'kept' | 'missed';

/** Kept in time, missed (passed, or kept late), or still open. */
export function promiseOutcome(p: Pick<ReplyPromise, 'dueAt' | 'keptAt'>, now: Date): PromiseOutcome {
  const due = Date.parse(p.dueAt);
  if (p.keptAt) return Date.parse(p.keptAt) <= due ? 'kept' : 'missed';
  return now.getTime() > due ? 'missed' : 'open';
}

/** A promise with where it stands at `now`, as the API shows it. */
export type PromiseView = ReplyPromise & { outcome: PromiseOutcome };
export const viewPromise = (p: ReplyPromise, now: Date): PromiseView => ({ ...p, outcome: promiseOutcome(p, now) });

/** The agent marks the promise done (a late one is recorded, and stays missed). */
export function keepPromise(p: ReplyPromise, at: Date): { promise: ReplyPromise; events: TicketEvent[] } | DomainError {
  if (p.keptAt) return new DomainError('promise_kept', `this promise was kept already at ${p.keptAt}`, 409);
  const promise = { ...p, keptAt: at.toISOString() };
  const events = promiseOutcome(promise, at) === 'kept' ? [ticketEvent('promise.kept', { promiseId: p.id, agentId: p.agentId, dueAt: p.dueAt })] : [];
  return { promise, events };
}

export interface PromiseTimer {
  kind: 'promise';
  key: string;
  dueAt: Date;
  payload: { promiseId: number; stage: 'remind' | 'due' };
}

/** The promise's first timer: the reminder. */
export const promiseTimer = (p: ReplyPromise): PromiseTimer => timer(p, 'remind', promiseReminderAt(p));

const timer = (p: ReplyPromise, stage: 'remind' | 'due', dueAt: Date): PromiseTimer => ({ kind: 'promise', key: `promise:${p.id}`, dueAt, payload: { promiseId: p.id, stage } });

/**
 * A promise timer fired: remind the agent, then at the due time escalate if it was not
 * kept (`notify`: the group's 组长 or the supervisors). A kept promise needs nothing more.
 */
export function firePromiseTimer(p: ReplyPromise, stage: 'remind' | 'due', notify: number[]): { events: TicketEvent[]; next: PromiseTimer | null } {
  if (p.keptAt) return { events: [], next: null };
  const data = { promiseId: p.id, agentId: p.agentId, dueAt: p.dueAt };
  if (stage === 'remind') return { events: [ticketEvent('promise.reminder', data)], next: timer(p, 'due', new Date(p.dueAt)) };
  return { events: [ticketEvent('promise.missed', { ...data, notify })], next: null };
}

/** Kept / missed / open per agent (the 承诺兑现 figures). */
export function promiseTally(promises: readonly ReplyPromise[], now: Date): Map<number, Record<PromiseOutcome, number>> {
  const tally = new Map<number, Record<PromiseOutcome, number>>();
  for (const p of promises) {
    const row = tally.get(p.agentId) ?? { open: 0, kept: 0, missed: 0 };
    row[promiseOutcome(p, now)]++;
    tally.set(p.agentId, row);
  }
  return tally;
}
