import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  deadlineTimer,
  fireDeadlineTimer,
  firePromiseTimer,
  isDate,
  keepPromise,
  makePromise,
  promiseOutcome,
  promiseReminderAt,
  promiseTally,
  promiseTimer,
  regulatorDeadline,
  type ReplyPromise,
} from './deadlines.js';
import type { ComplaintDeadline } from './model.js';

const must = <T>(r: T | DomainError): T => {
  if (r instanceof DomainError) throw new Error(`refused: ${r.code}`);
  return r;
};

describe('the regulator’s 15 days (申诉期)', () => {
  it('ends at the end of the 15th calendar day after the notice, across a month end, in Shanghai', () => {
    const d = must(regulatorDeadline('2026-01-20', 'Asia/Shanghai'));
    expect(d).toEqual({
      kind: 'regulator_appeal',
      noticeDate: '2026-01-20',
      dueAt: '2026-02-04T15:59:59.999Z', // 2026-02-04 23:59:59.999 in Shanghai (UTC+8)
      reminders: [
        { daysBefore: 7, at: '2026-01-28T01:00:00.000Z' }, // 09:00 Shanghai
        { daysBefore: 3, at: '2026-02-01T01:00:00.000Z' },
        { daysBefore: 1, at: '2026-02-03T01:00:00.000Z' },
      ],
    });
  });

  it('the time zone decides the instant; leap years and year ends count right', () => {
    expect(must(regulatorDeadline('2026-01-20', 'UTC')).dueAt).toBe('2026-02-04T23:59:59.999Z');
    expect(must(regulatorDeadline('2028-02-20', 'Asia/Shanghai')).dueAt).toBe('2028-03-06T15:59:59.999Z');
    expect(must(regulatorDeadline('2026-12-25', 'Asia/Shanghai')).dueAt).toBe('2027-01-09T15:59:59.999Z');
    // New York: the due day is in daylight time (UTC−4) though the notice was in winter
    expect(must(regulatorDeadline('2026-03-01', 'America/New_York')).dueAt).toBe('2026-03-17T03:59:59.999Z');
  });

  it('refuses a date that is not one', () => {
    for (const bad of ['2026-02-30', '2026/01/20', '20260120', '']) expect((regulatorDeadline(bad, 'UTC') as DomainError).code).toBe('invalid_notice_date');
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('2026-02-29')).toBe(false);
  });

  it('refuses notice dates outside 1970–2999 instead of computing them', () => {
    for (const d of ['9999-12-31', '0226-03-01', '1969-12-31']) expect((regulatorDeadline(d, 'Asia/Shanghai') as DomainError).code).toBe('invalid_notice_date');
    expect(regulatorDeadline('2999-12-31', 'Asia/Shanghai')).not.toBeInstanceOf(DomainError);
  });

  it('one timer: the next reminder; a late notice skips the passed ones; none after the last', () => {
    const d = must(regulatorDeadline('2026-01-20', 'Asia/Shanghai'));
    expect(deadlineTimer(5, d, new Date('2026-01-21T00:00:00Z'))).toEqual({
      kind: 'complaint_deadline',
      key: 'deadline:5',
      dueAt: new Date('2026-01-28T01:00:00Z'),
      payload: { ticketId: 5, daysBefore: 7 },
    });
    expect(deadlineTimer(5, d, new Date('2026-01-30T00:00:00Z'))?.payload.daysBefore).toBe(3);
    expect(deadlineTimer(5, d, new Date('2026-02-03T01:00:00Z'))).toBeNull();
  });

  it('a fired reminder emits its event and sets the next one', () => {
    const d: ComplaintDeadline = must(regulatorDeadline('2026-01-20', 'Asia/Shanghai'));
    const fired = fireDeadlineTimer(5, d, 7, new Date('2026-01-28T01:00:00Z'));
    expect(fired.events).toEqual([{ type: 'complaint.deadline_reminder', data: { ticketId: 5, dueAt: d.dueAt, daysBefore: 7 } }]);
    expect(fired.next?.payload.daysBefore).toBe(3);
  });
});

describe('promises (承诺回复时间)', () => {
  const now = new Date('2026-11-23T06:00:00Z');
  const promise = (over: Partial<ReplyPromise> = {}): ReplyPromise => ({
    id: 4,
    ...must(makePromise({ agentId: 7, ticketId: 1, conversationId: null, note: '15:00 前回电', dueAt: new Date('2026-11-23T07:00:00Z') }, now)),
    ...over,
  });

  it('is made on one ticket or conversation, for a later time', () => {
    expect(promise()).toMatchObject({ dueAt: '2026-11-23T07:00:00.000Z', createdAt: now.toISOString(), keptAt: null });
    const at = new Date('2026-11-23T07:00:00Z');
    expect((makePromise({ agentId: 7, ticketId: 1, conversationId: 2, note: '', dueAt: at }, now) as DomainError).code).toBe('invalid_promise_target');
    expect((makePromise({ agentId: 7, ticketId: null, conversationId: null, note: '', dueAt: at }, now) as DomainError).code).toBe('invalid_promise_target');
    expect((makePromise({ agentId: 7, ticketId: 1, conversationId: null, note: '', dueAt: now }, now) as DomainError).code).toBe('promise_in_past');
  });

  it('reminds 15 minutes before it is due, or halfway when made less than 30 minutes ahead', () => {
    expect(promiseReminderAt(promise()).toISOString()).toBe('2026-11-23T06:45:00.000Z');
    expect(promiseReminderAt(promise({ createdAt: '2026-11-23T06:30:00.000Z' })).toISOString()).toBe('2026-11-23T06:45:00.000Z');
    expect(promiseReminderAt(promise({ createdAt: '2026-11-23T06:50:00.000Z' })).toISOString()).toBe('2026-11-23T06:55:00.000Z');
    expect(promiseReminderAt(promise({ createdAt: '2026-11-23T06:59:40.000Z' })).toISOString()).toBe('2026-11-23T06:59:50.000Z');
    expect(promiseTimer(promise())).toEqual({ kind: 'promise', key: 'promise:4', dueAt: new Date('2026-11-23T06:45:00Z'), payload: { promiseId: 4, stage: 'remind' } });
    expect(promiseTimer(promise({ createdAt: '2026-11-23T06:50:00.000Z' }))).toMatchObject({ dueAt: new Date('2026-11-23T06:55:00Z'), payload: { stage: 'remind' } });
  });

  it('the reminder tells the agent; at the due time an unkept promise is missed and escalated', () => {
    const reminded = firePromiseTimer(promise(), 'remind', [2]);
    expect(reminded.events).toEqual([{ type: 'promise.reminder', data: { promiseId: 4, agentId: 7, dueAt: '2026-11-23T07:00:00.000Z' } }]);
    expect(reminded.next).toMatchObject({ dueAt: new Date('2026-11-23T07:00:00Z'), payload: { stage: 'due' } });
    const missed = firePromiseTimer(promise(), 'due', [2]);
    expect(missed).toEqual({ events: [{ type: 'promise.missed', data: { promiseId: 4, agentId: 7, dueAt: '2026-11-23T07:00:00.000Z', notify: [2] } }], next: null });
    expect(firePromiseTimer(promise({ keptAt: '2026-11-23T06:30:00.000Z' }), 'remind', [2])).toEqual({ events: [], next: null });
  });

  it('kept in time, kept late (still missed), or open; once', () => {
    const kept = must(keepPromise(promise(), new Date('2026-11-23T06:59:00Z')));
    expect(kept.events).toEqual([{ type: 'promise.kept', data: { promiseId: 4, agentId: 7, dueAt: '2026-11-23T07:00:00.000Z' } }]);
    expect(promiseOutcome(kept.promise, now)).toBe('kept');
    const late = must(keepPromise(promise(), new Date('2026-11-23T07:10:00Z')));
    expect(late.events).toEqual([]);
    expect(promiseOutcome(late.promise, now)).toBe('missed');
    expect((keepPromise(kept.promise, now) as DomainError).code).toBe('promise_kept');
    expect(promiseOutcome(promise(), new Date('2026-11-23T07:00:00Z'))).toBe('open');
    expect(promiseOutcome(promise(), new Date('2026-11-23T07:00:01Z'))).toBe('missed');
  });

  it('tallies kept / missed / open per agent', () => {
    const later = new Date('2026-11-23T08:00:00Z');
    const tally = promiseTally(
      [promise({ keptAt: '2026-11-23T06:59:00.000Z' }), promise(), promise({ agentId: 8, dueAt: '2026-11-24T07:00:00.000Z' })],
      later,
    );
    expect(Object.fromEntries(tally)).toEqual({ 7: { open: 0, kept: 1, missed: 1 }, 8: { open: 1, kept: 0, missed: 0 } });
  });
});
