import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from '../calendar/business-hours.js';
import { applyEvent, conversationFacts, finishFold, startFold, type FactBase, type FactEvent, type FoldState } from './facts.js';
import { percentile, serviceSummary } from './summary.js';
import { bucketsOf, reportRange } from './range.js';

/**
 * Every figure's definition on conversations worked out by hand (docs/reports.md): the times
 * are Monday 2 November 2026 in Shanghai unless a case says otherwise.
 */
const base = (id: number, calendar: FactBase['calendar'] = null): FactBase => ({ conversationId: id, workspaceId: 1, inboxId: 1, contactId: id, channel: 'web', groupId: null, calendar });
const at = (local: string) => new Date(`${local}+08:00`).toISOString();

/** Builds a conversation's log: each line is [local time, type, actor, data]. */
function log(lines: [string, string, 'customer' | 'agent' | 'bot' | 'system', number | null, Record<string, unknown>][]): FactEvent[] {
  return lines.map(([time, type, actorType, actorId, data], i) => ({ id: i + 1, type, at: at(time), actorType, actorId, data }));
}
const created = (time: string, handler = 'human', assigneeId: number | null = null) => [time, 'conversation.created', 'customer', 1, { inboxId: 1, contactId: 1, handler, assigneeId }] as const;
const customer = (time: string, handler = 'human') => [time, 'message.created', 'customer', 1, { senderType: 'customer', private: false, handler }] as const;
const agent = (time: string, id: number, extra: Record<string, unknown> = {}) => [time, 'message.created', 'agent', id, { senderType: 'agent', private: false, handler: 'human', ...extra }] as const;
const bot = (time: string) => [time, 'message.created', 'bot', null, { senderType: 'bot', private: false, handler: 'bot' }] as const;
const assigned = (time: string, from: number | null, to: number | null) => [time, 'conversation.assigned', 'system', null, { from, to }] as const;
const status = (time: string, from: string, to: string, reason?: string) => [time, 'conversation.status_changed', 'agent', 7, { from, to, ...(reason ? { reason } : {}) }] as const;
type Line = Parameters<typeof log>[0][number];

const plain = () =>
  conversationFacts(
    base(1),
    log([
      created('2026-11-02T09:00:00') as unknown as Line,
      customer('2026-11-02T09:00:10') as unknown as Line,
      assigned('2026-11-02T09:00:12', null, 7) as unknown as Line,
      agent('2026-11-02T09:00:40', 7) as unknown as Line,
      customer('2026-11-02T09:01:00') as unknown as Line,
      customer('2026-11-02T09:01:30') as unknown as Line, // a second line of the same turn: the turn waits from 09:01:00
      agent('2026-11-02T09:02:00', 7) as unknown as Line,
      agent('2026-11-02T09:02:05', 7, { private: true }) as unknown as Line, // a 内部备注 is no answer and no message of the customer's
      status('2026-11-02T09:05:10', 'open', 'resolved') as unknown as Line,
    ]),
  );

describe('the facts of one conversation', () => {
  it('a plain conversation: first response, response times, resolution, the agent and their span', () => {
    const f = plain();
    expect(f).toMatchObject({
      firstCustomerAt: at('2026-11-02T09:00:10'),
      humanWaitAt: at('2026-11-02T09:00:10'),
      firstResponseSeconds: 30,
      firstResponseBusinessSeconds: 30,
      firstResponderId: 7,
      responses: 2,
      responseSeconds: 30 + 60,
      resolutionSeconds: 300,
      reopens: 0,
      transfers: 0,
      customerMessages: 3,
      agentMessages: 2,
      agentId: 7,
      botHandled: false,
      abandoned: false,
      lastEventId: 9,
    });
    expect(f.agentSpans).toEqual([{ agentId: 7, from: at('2026-11-02T09:00:12'), to: at('2026-11-02T09:05:10'), messages: 2 }]);
  });

  it('reopened: counted once, the resolution runs to the last end, a new span for the reopening', () => {
    const f = conversationFacts(
      base(2),
      log([
        created('2026-11-02T10:00:00', 'human', 7),
        customer('2026-11-02T10:00:00'),
        agent('2026-11-02T10:00:20', 7),
        status('2026-11-02T10:10:00', 'open', 'resolved'),
        status('2026-11-02T11:00:00', 'resolved', 'open'),
        customer('2026-11-02T11:00:00'),
        agent('2026-11-02T11:02:00', 7),
        status('2026-11-02T11:20:00', 'open', 'resolved'),
      ] as unknown as Line[]),
    );
    expect(f.reopens).toBe(1);
    expect(f.firstResponseSeconds).toBe(20);
    expect(f.responses).toBe(2);
    expect(f.responseSeconds).toBe(20 + 120);
    expect(f.resolutionSeconds).toBe(80 * 60);
    expect(f.agentSpans.map((s) => [s.from, s.to, s.messages])).toEqual([
      [at('2026-11-02T10:00:00'), at('2026-11-02T10:10:00'), 1],
      [at('2026-11-02T11:00:00'), at('2026-11-02T11:20:00'), 1],
    ]);
    // open again now: no resolution time until it ends
    const open = conversationFacts(base(2), log([created('2026-11-02T10:00:00'), customer('2026-11-02T10:00:00'), status('2026-11-02T10:10:00', 'open', 'resolved'), status('2026-11-02T11:00:00', 'resolved', 'open')] as unknown as Line[]));
    expect(open).toMatchObject({ resolvedAt: null, resolutionSeconds: null, reopens: 1 });
  });

  it('transferred: counted, the new group, the agent who answered, one span each', () => {
    const f = conversationFacts(
      base(3),
      log([
        created('2026-11-02T10:00:00'),
        customer('2026-11-02T10:00:05'),
        assigned('2026-11-02T10:00:06', null, 7),
        ['2026-11-02T10:01:00', 'conversation.transferred', 'agent', 7, { kind: 'group', fromAgentId: 7, toAgentId: null, fromGroupId: 1, toGroupId: 3, note: '售后' }],
        assigned('2026-11-02T10:01:00', 7, 8),
        agent('2026-11-02T10:01:35', 8),
        status('2026-11-02T10:03:05', 'open', 'resolved'),
      ] as unknown as Line[]),
    );
    expect(f).toMatchObject({ transfers: 1, groupId: 3, firstResponseSeconds: 90, firstResponderId: 8, agentId: 8, resolutionSeconds: 180 });
    expect(f.agentSpans.map((s) => [s.agentId, s.messages])).toEqual([
      [7, 0],
      [8, 1],
    ]);
  });

  it('abandoned: waited, never answered, no first response; ended but not resolved by anyone', () => {
    const f = conversationFacts(
      base(4),
      log([
        created('2026-11-02T12:00:00'),
        customer('2026-11-02T12:00:01'),
        ['2026-11-02T12:00:01', 'conversation.queued', 'system', null, { groupId: 2, priority: 0 }],
        ['2026-11-02T12:03:00', 'conversation.abandoned', 'customer', 1, { waitedSeconds: 179, reason: 'left' }],
        status('2026-11-02T12:03:00', 'open', 'resolved', 'abandoned'),
      ] as unknown as Line[]),
    );
    expect(f).toMatchObject({ abandoned: true, queued: true, groupId: 2, humanWaitAt: at('2026-11-02T12:00:01'), firstResponseSeconds: null, responses: 0, agentId: null });
  });

  it('bot-handled: resolved by the bot alone, or handed to people (the wait starts at the handoff)', () => {
    const alone = conversationFacts(
      base(5),
      log([created('2026-11-02T13:00:00', 'bot'), customer('2026-11-02T13:00:02', 'bot'), bot('2026-11-02T13:00:03'), status('2026-11-02T13:05:00', 'open', 'resolved', 'idle')] as unknown as Line[]),
    );
    expect(alone).toMatchObject({ botHandled: true, handedToHuman: false, botResolved: true, humanWaitAt: null, botMessages: 1, firstResponseSeconds: null });

    const handed = conversationFacts(
      base(6),
      log([
        created('2026-11-02T13:00:00', 'bot'),
        customer('2026-11-02T13:00:02', 'bot'),
        bot('2026-11-02T13:00:03'),
        customer('2026-11-02T13:00:30', 'bot'),
        ['2026-11-02T13:00:40', 'conversation.handler_changed', 'customer', 1, { from: 'bot', to: 'human' }],
        assigned('2026-11-02T13:00:40', null, 9),
        agent('2026-11-02T13:01:00', 9),
        status('2026-11-02T13:04:00', 'open', 'resolved'),
      ] as unknown as Line[]),
    );
    expect(handed).toMatchObject({ botHandled: true, handedToHuman: true, botResolved: false, humanWaitAt: at('2026-11-02T13:00:40'), firstResponseSeconds: 20, agentId: 9 });
    // resolution still runs from the customer's first message
    expect(handed.resolutionSeconds).toBe(4 * 60 - 2);
  });

  it('outside business hours and across the weekend: wall time and opening-hours time', () => {
    // Friday 6 November 17:59 → Monday 9 November 09:01, Mon–Fri 09:00–18:00: one minute each side
    const f = conversationFacts(
      base(7, DEFAULT_CALENDAR),
      log([
        created('2026-11-06T17:58:00', 'offline'),
        customer('2026-11-06T17:59:00', 'offline'),
        agent('2026-11-09T09:01:00', 7),
        status('2026-11-09T09:03:00', 'open', 'resolved'),
      ] as unknown as Line[]),
    );
    expect(f.firstResponseSeconds).toBe(63 * 3600 + 2 * 60);
    expect(f.firstResponseBusinessSeconds).toBe(120);
    expect(f.resolutionSeconds).toBe(63 * 3600 + 4 * 60);
    expect(f.resolutionBusinessSeconds).toBe(240);
  });

  it('across midnight: counted on the day it started in the report’s time zone', () => {
    const f = conversationFacts(base(8), log([created('2026-11-02T23:59:30'), customer('2026-11-02T23:59:40'), agent('2026-11-03T00:00:10', 7)] as unknown as Line[]));
    expect(f.firstResponseSeconds).toBe(30);
    expect(f.startedAt).toBe('2026-11-02T15:59:30.000Z');
    // the same instant is the 2nd in Shanghai and the 2nd in UTC, and the 3rd from Tokyo's point of view only after 00:00 there
    const shanghai = reportRange({ from: '2026-11-02', to: '2026-11-02', tz: 'Asia/Shanghai' }, new Date());
    expect(f.startedAt >= shanghai.start && f.startedAt < shanghai.end).toBe(true);
    const tokyo = reportRange({ from: '2026-11-03', to: '2026-11-03', tz: 'Asia/Tokyo' }, new Date());
    expect(f.startedAt >= tokyo.start && f.startedAt < tokyo.end).toBe(true);
  });

  it('hostile, 满意度 and the latest inspection (adjusted by 复核)', () => {
    const f = conversationFacts(
      base(9),
      log([
        created('2026-11-02T14:00:00'),
        customer('2026-11-02T14:00:01'),
        ['2026-11-02T14:00:02', 'message.analyzed', 'system', null, { messageId: 1, intent: 'complaint', emotion: 'anger', signals: [] }],
        agent('2026-11-02T14:00:30', 7),
        status('2026-11-02T14:10:00', 'open', 'resolved'),
        ['2026-11-02T14:10:05', 'conversation.inspected', 'system', null, { inspectionId: 11, version: 1, score: 60, vetoed: false, rules: ['forbidden.blame', 'opening.greeting', 'forbidden.blame'], agentId: 7 }],
        ['2026-11-02T14:11:00', 'csat.rated', 'customer', 1, { ratingId: 1, score: 2, previousScore: null, agentId: 7, reasons: [] }],
        ['2026-11-02T14:12:00', 'csat.rated', 'customer', 1, { ratingId: 1, score: 4, previousScore: 2, agentId: 7, reasons: [] }],
        ['2026-11-02T15:00:00', 'qa.inspection_adjusted', 'agent', 3, { inspectionId: 11, reason: 'review', score: 60, adjustedScore: 75, agentId: 7 }],
      ] as unknown as Line[]),
    );
    expect(f).toMatchObject({ hostile: true, csatScore: 4, qaScore: 75, forbiddenRules: ['forbidden.blame'] });
  });
});

describe('a fold stored and resumed', () => {
  it('equals the whole fold, wherever the log is cut and however the state was stored', () => {
    const events = log([
      created('2026-11-02T13:00:00', 'bot'),
      customer('2026-11-02T13:00:02', 'bot'),
      bot('2026-11-02T13:00:03'),
      ['2026-11-02T13:00:40', 'conversation.handler_changed', 'customer', 1, { from: 'bot', to: 'human' }],
      assigned('2026-11-02T13:00:40', null, 9),
      ['2026-11-02T13:00:41', 'conversation.transferred', 'agent', 9, { kind: 'group', fromAgentId: 9, toAgentId: null, fromGroupId: null, toGroupId: 4, note: null }],
      assigned('2026-11-02T13:00:41', 9, 7),
      agent('2026-11-02T13:01:00', 7),
      customer('2026-11-02T13:02:00'),
      agent('2026-11-02T13:02:30', 7),
      status('2026-11-02T13:04:00', 'open', 'resolved'),
      status('2026-11-02T14:00:00', 'resolved', 'open'),
      customer('2026-11-02T14:00:00'),
      agent('2026-11-02T14:01:00', 7),
      status('2026-11-02T14:05:00', 'open', 'resolved'),
      ['2026-11-02T14:05:05', 'conversation.inspected', 'system', null, { inspectionId: 3, version: 1, score: 90, vetoed: false, rules: [], agentId: 7 }],
    ] as unknown as Line[]);
    const b = base(10, DEFAULT_CALENDAR);
    const whole = conversationFacts(b, events);
    expect(whole).toMatchObject({ transfers: 1, groupId: 4, reopens: 1, responses: 3, agentId: 7, qaScore: 90 });
    for (let cut = 0; cut <= events.length; cut++) {
      const st = startFold(b);
      for (const e of events.slice(0, cut)) applyEvent(st, b, e);
      const stored = JSON.parse(JSON.stringify(st)) as FoldState;
      for (const e of events.slice(cut)) applyEvent(stored, b, e);
      expect(finishFold(stored, b), `cut at ${cut}`).toEqual(whole);
    }
  });
});

describe('the figures over many conversations', () => {
  it('percentiles interpolate as PostgreSQL’s percentile_cont does', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
  });

  it('service level, abandonment, reopen and bot resolution on a hand-counted set', () => {
    const facts = [
      plain(), // waited, answered in 30 s
      { ...plain(), conversationId: 2, firstResponseSeconds: 45, reopens: 1 }, // answered in 45 s, reopened
      { ...plain(), conversationId: 3, firstResponseSeconds: null, firstResponseBusinessSeconds: null, responses: 0, responseSeconds: 0, abandoned: true, resolvedAt: null, resolutionSeconds: null, resolutionBusinessSeconds: null },
      { ...plain(), conversationId: 4, humanWaitAt: null, firstResponseSeconds: null, firstResponseBusinessSeconds: null, responses: 0, responseSeconds: 0, botHandled: true, botResolved: true },
      { ...plain(), conversationId: 5, customerMessages: 0 }, // an empty widget open: not counted at all
    ];
    const s = serviceSummary(facts, 30);
    expect(s.conversations).toBe(4);
    expect(s.waited).toBe(3);
    expect(s.serviceLevel).toBeCloseTo(1 / 3, 10); // 30 s within, 45 s not, abandoned not
    expect(s.abandonmentRate).toBeCloseTo(1 / 3, 10);
    expect(s.firstResponseMedian).toBe(37.5);
    expect(s.averageResponse).toBe((90 + 90) / 4); // two answered conversations of two turns each; 90 s per conversation
    expect(s.reopenRate).toBeCloseTo(1 / 3, 10); // ended: 1, 2 and 4 (3 was abandoned and is still open here)
    expect(s.botConversations).toBe(1);
    expect(s.botResolutionRate).toBe(1);
    expect(s.resolutionMedian).toBe(300);
  });

  it('a range is whole local days; up to two days by the hour', () => {
    const r = reportRange({ from: '2026-11-01', to: '2026-11-30', tz: 'Asia/Shanghai' }, new Date());
    expect(r).toMatchObject({ start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z', bucket: 'day' });
    expect(bucketsOf(r)).toHaveLength(30);
    const d = reportRange({ from: '2026-11-02', to: '2026-11-03', tz: 'UTC' }, new Date());
    expect(bucketsOf(d)).toHaveLength(48);
    expect(bucketsOf(d)[25]).toBe('2026-11-03 01:00');
    expect(reportRange({ tz: 'Asia/Shanghai' }, new Date('2026-12-01T20:00:00Z'))).toMatchObject({ from: '2026-11-03', to: '2026-12-02' });
    expect(() => reportRange({ tz: 'Mars/Olympus' }, new Date())).toThrow(/time zone/);
    expect(() => reportRange({ from: '2026-02-30', tz: 'UTC' }, new Date())).toThrow(/YYYY-MM-DD/);
    expect(() => reportRange({ from: '3230-62-38', tz: 'UTC' }, new Date())).toThrow(/YYYY-MM-DD/);
    expect(() => reportRange({ from: '2025-01-01', to: '2026-11-30', tz: 'UTC' }, new Date())).toThrow(/at most 366/);
    expect(() => reportRange({ from: '2026-11-30', to: '2026-11-01', tz: 'UTC' }, new Date())).toThrow(/after/);
  });
});
