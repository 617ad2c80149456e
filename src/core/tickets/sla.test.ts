import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../calendar/business-hours.js';
import type { Ticket, TicketStatus } from './model.js';
import { DEFAULT_SLA_POLICIES, matchSlaPolicy, slaClocks, slaTimerStep, type EscalationPeople, type SlaActivity, type SlaClock, type SlaPolicy } from './sla.js';

/** Mon–Fri 09:00–17:00 in Shanghai, with 国庆节 (Thu/Fri 2026-10-01/02) and a 调休 Saturday (2026-10-10). */
const calendar: BusinessCalendar = {
  timezone: 'Asia/Shanghai',
  weekly: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
  holidays: [
    { date: '2026-10-01', name: '国庆节' },
    { date: '2026-10-02', name: '国庆节' },
    { date: '2026-10-10', name: '调休上班', hours: [{ start: '09:00', end: '17:00' }] },
  ],
};

/** A Shanghai wall-clock time as an ISO instant: sh('2026-11-20 16:30'). */
const sh = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`).toISOString();
const status = (local: string, to: TicketStatus): SlaActivity => ({ kind: 'status', at: sh(local), to });
const reply = (local: string, from: 'agent' | 'customer'): SlaActivity => ({ kind: 'reply', at: sh(local), from });

const policy: SlaPolicy = {
  name: 'test',
  match: {},
  targets: { first_reply: { minutes: 60, business: true }, next_reply: { minutes: 30, business: true }, resolution: { minutes: 120, business: true } },
  calendarId: null,
  warnPercent: 50,
  escalation: { leaderAfterMinutes: 0, supervisorAfterMinutes: 60 },
};

const clocks = (history: SlaActivity[], now: string, p: SlaPolicy = policy) => slaClocks(p, history, calendar, new Date(sh(now)));
const clock = (history: SlaActivity[], now: string, metric: SlaClock['metric'], p?: SlaPolicy) => {
  const c = clocks(history, now, p).find((x) => x.metric === metric);
  if (!c) throw new Error(`no ${metric} clock`);
  return c;
};

describe('SLA clocks over business hours', () => {
  it('Friday 16:30 + 1 business hour is due Monday 09:30 (Chatwoot PR#13392)', () => {
    const created = [status('2026-11-20 16:30', 'new')];
    const c = clock(created, '2026-11-20 16:40', 'first_reply');
    expect(c).toMatchObject({
      startedAt: sh('2026-11-20 16:30'),
      runningSince: sh('2026-11-20 16:30'),
      elapsedMinutes: 10,
      warnAt: sh('2026-11-20 17:00'),
      dueAt: sh('2026-11-23 09:30'),
      escalateLeaderAt: sh('2026-11-23 09:30'),
      escalateSupervisorAt: sh('2026-11-23 10:30'),
      pausedAt: null,
      stoppedAt: null,
      breachedAt: null,
    });
    expect(clock(created, '2026-11-22 12:00', 'first_reply').elapsedMinutes).toBe(30); // the weekend does not count
    expect(clock(created, '2026-11-23 10:00', 'first_reply').breachedAt).toBe(sh('2026-11-23 09:30'));
  });

  it('skips public holidays and counts a 调休 Saturday', () => {
    // Wed 16:30 + 60: 30 min, then 国庆节 Thu/Fri and the weekend → Mon 09:30
    expect(clock([status('2026-09-30 16:30', 'new')], '2026-09-30 16:30', 'first_reply').dueAt).toBe(sh('2026-10-05 09:30'));
    // Fri 16:30 + 60: 30 min, then Saturday is a working day → Sat 09:30
    expect(clock([status('2026-10-09 16:30', 'new')], '2026-10-09 16:30', 'first_reply').dueAt).toBe(sh('2026-10-10 09:30'));
  });

  it('wall-clock targets ignore the calendar', () => {
    const wall: SlaPolicy = { ...policy, targets: { resolution: { minutes: 120, business: false } } };
    expect(clocks([status('2026-11-20 16:30', 'new')], '2026-11-20 16:30', wall)).toMatchObject([{ metric: 'resolution', dueAt: sh('2026-11-20 18:30') }]);
  });

  it('pauses while waiting on the customer, over a weekend, and resumes on their reply', () => {
    const history = [
      status('2026-11-20 10:00', 'new'),
      reply('2026-11-20 10:30', 'agent'),
      status('2026-11-20 10:30', 'open'),
      status('2026-11-20 11:00', 'pending'), // 60 of 120 resolution minutes used
    ];
    const paused = clock(history, '2026-11-21 12:00', 'resolution');
    expect(paused).toMatchObject({ pausedAt: sh('2026-11-20 11:00'), runningSince: null, dueAt: null, elapsedMinutes: 60, breachedAt: null });

    const resumed = [...history, reply('2026-11-23 14:00', 'customer'), status('2026-11-23 14:00', 'open')];
    expect(clock(resumed, '2026-11-23 14:00', 'resolution')).toMatchObject({ pausedAt: null, runningSince: sh('2026-11-23 14:00'), dueAt: sh('2026-11-23 15:00') });
    expect(clock(resumed, '2026-11-23 14:00', 'first_reply')).toMatchObject({ stoppedAt: sh('2026-11-20 10:30'), breachedAt: null, dueAt: null });
    expect(clock(resumed, '2026-11-23 14:00', 'next_reply')).toMatchObject({ startedAt: sh('2026-11-23 14:00'), dueAt: sh('2026-11-23 14:30') });
  });

  it('a pause that runs past the target does not breach; the target is reached on resumption', () => {
    const history = [status('2026-11-23 09:00', 'new'), status('2026-11-23 10:00', 'pending')];
    expect(clock(history, '2026-11-25 09:00', 'first_reply')).toMatchObject({ breachedAt: null, pausedAt: sh('2026-11-23 10:00') });
    const resumed = [...history, status('2026-11-25 09:00', 'open')];
    expect(clock(resumed, '2026-11-25 09:00', 'first_reply')).toMatchObject({ dueAt: sh('2026-11-25 09:00'), breachedAt: sh('2026-11-25 09:00') });
  });

  it('等待内部 (on hold) does not pause', () => {
    const history = [status('2026-11-23 09:00', 'new'), status('2026-11-23 09:30', 'on_hold')];
    expect(clock(history, '2026-11-23 10:00', 'resolution')).toMatchObject({ elapsedMinutes: 60, pausedAt: null, dueAt: sh('2026-11-23 11:00') });
  });

  it('a reply exactly at the target is in time; a minute later is a breach', () => {
    const created = status('2026-11-23 09:00', 'new');
    expect(clock([created, reply('2026-11-23 10:00', 'agent')], '2026-11-23 12:00', 'first_reply')).toMatchObject({ stoppedAt: sh('2026-11-23 10:00'), breachedAt: null });
    expect(clock([created, reply('2026-11-23 10:01', 'agent')], '2026-11-23 12:00', 'first_reply')).toMatchObject({ stoppedAt: sh('2026-11-23 10:01'), breachedAt: sh('2026-11-23 10:00') });
  });

  it('resolution stops when solved and goes on from where it stopped after a reopen', () => {
    const history = [status('2026-11-23 09:00', 'new'), status('2026-11-23 10:00', 'solved')];
    expect(clock(history, '2026-11-23 12:00', 'resolution')).toMatchObject({ stoppedAt: sh('2026-11-23 10:00'), dueAt: null, elapsedMinutes: 60 });
    const reopened = [...history, reply('2026-11-23 13:00', 'customer'), status('2026-11-23 13:00', 'open')];
    expect(clock(reopened, '2026-11-23 13:00', 'resolution')).toMatchObject({ stoppedAt: null, dueAt: sh('2026-11-23 14:00') });
  });

  it('solving stops the reply clocks too', () => {
    const history = [status('2026-11-23 09:00', 'new'), status('2026-11-23 09:20', 'solved')];
    expect(clock(history, '2026-11-23 12:00', 'first_reply')).toMatchObject({ stoppedAt: sh('2026-11-23 09:20'), breachedAt: null });
  });

  it('next_reply runs per question: from the customer’s reply after an agent’s, to the next agent reply', () => {
    const base = [status('2026-11-23 09:00', 'new'), reply('2026-11-23 09:05', 'customer')];
    expect(clocks(base, '2026-11-23 09:10').map((c) => c.metric)).toEqual(['first_reply', 'resolution']); // the first reply is still owed
    const talk = [...base, reply('2026-11-23 09:10', 'agent'), reply('2026-11-23 09:20', 'customer'), reply('2026-11-23 09:30', 'agent'), reply('2026-11-23 10:00', 'customer'), reply('2026-11-23 10:05', 'customer')];
    expect(clock(talk, '2026-11-23 10:10', 'next_reply')).toMatchObject({ startedAt: sh('2026-11-23 10:00'), dueAt: sh('2026-11-23 10:30'), elapsedMinutes: 10 });
    expect(clock([...talk, reply('2026-11-23 10:20', 'agent')], '2026-11-23 11:00', 'next_reply')).toMatchObject({ stoppedAt: sh('2026-11-23 10:20'), breachedAt: null });
  });

  it('no history, no clocks; a policy without a target has no clock for it', () => {
    expect(clocks([], '2026-11-23 10:00')).toEqual([]);
    expect(clocks([status('2026-11-23 09:00', 'new')], '2026-11-23 10:00', DEFAULT_SLA_POLICIES[1]).map((c) => c.metric)).toEqual(['first_reply', 'resolution']);
  });
});

describe('SLA policies', () => {
  const t: Pick<Ticket, 'type' | 'priority' | 'groupId' | 'tags'> = { type: 'query', priority: 'normal', groupId: null, tags: [] };

  it('the defaults: complaints 30 min / 2 business days, others 2 h / 3 business days', () => {
    expect(matchSlaPolicy(DEFAULT_SLA_POLICIES, { ...t, type: 'complaint' })?.targets).toEqual({
      first_reply: { minutes: 30, business: true },
      resolution: { minutes: 2 * 540, business: true },
    });
    expect(matchSlaPolicy(DEFAULT_SLA_POLICIES, t)?.targets).toEqual({ first_reply: { minutes: 120, business: true }, resolution: { minutes: 3 * 540, business: true } });
  });

  it('first match wins, by type, priority, group or tag; all given conditions must hold', () => {
    const p = (name: string, match: SlaPolicy['match']): SlaPolicy => ({ ...policy, name, match });
    const policies = [p('vip-urgent', { priorities: ['urgent'], tags: ['vip', 'svip'] }), p('group 4', { groupIds: [4] }), p('faults', { types: ['fault', 'help'] })];
    const name = (over: Partial<typeof t>) => matchSlaPolicy(policies, { ...t, ...over })?.name ?? null;
    expect(name({ priority: 'urgent', tags: ['svip'], groupId: 4 })).toBe('vip-urgent');
    expect(name({ priority: 'urgent', groupId: 4 })).toBe('group 4'); // no vip tag
    expect(name({ tags: ['vip'], type: 'help' })).toBe('faults'); // not urgent
    expect(name({})).toBeNull();
    expect(matchSlaPolicy([...policies, p('rest', {})], t)?.name).toBe('rest');
  });
});

describe('SLA timers', () => {
  const people: EscalationPeople = { leaderId: 5, supervisorIds: [2, 3] };
  const created = [status('2026-11-20 16:30', 'new')];
  const first = (history: SlaActivity[], now: string) => clock(history, now, 'first_reply');
  const step = (history: SlaActivity[], now: string, previous: Parameters<typeof slaTimerStep>[2], who = people) =>
    slaTimerStep(1, first(history, now), previous, new Date(sh(now)), who);

  it('one timer per clock, moved from stage to stage: warn, breach, then escalate', () => {
    const start = step(created, '2026-11-20 16:30', null);
    expect(start.events).toEqual([]);
    expect(start.timer).toEqual({
      kind: 'sla',
      key: 'sla:1:first_reply',
      dueAt: new Date(sh('2026-11-20 17:00')),
      payload: { ticketId: 1, metric: 'first_reply', startedAt: sh('2026-11-20 16:30'), handledUntil: sh('2026-11-20 16:30') },
    });
    const warned = step(created, '2026-11-20 17:00', start.timer!.payload);
    expect(warned.events).toEqual([{ type: 'sla.warning', data: { ticketId: 1, metric: 'first_reply', dueAt: sh('2026-11-23 09:30') } }]);
    expect(warned.timer?.dueAt).toEqual(new Date(sh('2026-11-23 09:30')));
    const breached = step(created, '2026-11-23 09:30', warned.timer!.payload);
    expect(breached.events.map((e) => e.data)).toEqual([
      { ticketId: 1, metric: 'first_reply', dueAt: sh('2026-11-23 09:30') },
      { ticketId: 1, metric: 'first_reply', level: 'leader', notify: [5] },
    ]);
    const escalated = step(created, '2026-11-23 10:30', breached.timer!.payload);
    expect(escalated.events).toEqual([{ type: 'sla.escalated', data: { ticketId: 1, metric: 'first_reply', level: 'supervisor', notify: [2, 3] } }]);
    expect(escalated.timer).toBeNull();
  });

  it('a timer that fires late emits every stage reached since, once', () => {
    const start = step(created, '2026-11-20 16:30', null);
    const late = step(created, '2026-11-23 11:00', start.timer!.payload);
    expect(late.events.map((e) => e.type)).toEqual(['sla.warning', 'sla.breached', 'sla.escalated', 'sla.escalated']);
    expect(late.timer).toBeNull();
  });

  it('pausing cancels the timer; resuming starts from the resumption without repeating the warning', () => {
    const warned = step(created, '2026-11-20 17:00', step(created, '2026-11-20 16:30', null).timer!.payload);
    const pending = [...created, status('2026-11-23 09:10', 'pending')]; // 40 of 60 minutes used
    expect(step(pending, '2026-11-23 09:10', warned.timer!.payload)).toEqual({ events: [], timer: null });
    const resumed = [...pending, reply('2026-11-23 10:00', 'customer'), status('2026-11-23 10:00', 'open')];
    const again = step(resumed, '2026-11-23 10:00', null);
    expect(again.events).toEqual([]);
    expect(again.timer).toMatchObject({ dueAt: new Date(sh('2026-11-23 10:20')) });
  });

  it('a stage reached before a pause is still emitted at the pause', () => {
    const start = step(created, '2026-11-20 16:30', null);
    const pending = [...created, status('2026-11-23 09:40', 'pending')]; // breached at 09:30, the timer has not fired
    const r = step(pending, '2026-11-23 09:40', start.timer!.payload);
    expect(r.events.map((e) => e.type)).toEqual(['sla.warning', 'sla.breached', 'sla.escalated']);
    expect(r.timer).toBeNull();
  });

  it('a group without a 组长 escalates to the supervisors', () => {
    const fired = step(created, '2026-11-23 09:30', null, { leaderId: null, supervisorIds: [2] });
    expect(fired.events.map((e) => e.type)).toEqual(['sla.warning', 'sla.breached', 'sla.escalated']); // a first step emits what the run reached so far
    expect(fired.events.at(-1)).toEqual({ type: 'sla.escalated', data: { ticketId: 1, metric: 'first_reply', level: 'leader', notify: [2] } });
  });

  it('a new next_reply question starts its stages again', () => {
    const talk = [...created, reply('2026-11-23 09:00', 'agent'), status('2026-11-23 09:00', 'open'), reply('2026-11-23 09:10', 'customer')];
    const q1 = clock(talk, '2026-11-23 09:10', 'next_reply');
    const t1 = slaTimerStep(1, q1, null, new Date(sh('2026-11-23 09:10')), people).timer!;
    const talk2 = [...talk, reply('2026-11-23 09:20', 'agent'), reply('2026-11-23 09:50', 'customer')];
    const q2 = clock(talk2, '2026-11-23 09:50', 'next_reply');
    const r = slaTimerStep(1, q2, t1.payload, new Date(sh('2026-11-23 09:50')), people);
    expect(r.events).toEqual([]);
    expect(r.timer).toMatchObject({ key: 'sla:1:next_reply', dueAt: new Date(sh('2026-11-23 10:05')), payload: { startedAt: sh('2026-11-23 09:50') } });
  });
});
