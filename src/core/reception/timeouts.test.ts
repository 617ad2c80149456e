import { describe, expect, it } from 'vitest';
import { DEFAULT_RECEPTION, groupForTopic, mergeReception, receptionSettings } from './settings.js';
import { timersAfterMessage } from './timeouts.js';

const now = new Date('2026-11-23T02:00:00Z');
const base = { conversationId: 9, handler: 'human' as const, assigneeId: 3, private: false, now, timeouts: DEFAULT_RECEPTION.timeouts };

describe('timers after a message', () => {
  it('a customer message starts the agent’s response deadline and stops the idle check-in', () => {
    const t = timersAfterMessage({ ...base, senderType: 'customer' });
    expect(t.cancel).toEqual(['idle:9']);
    expect(t.schedule).toMatchObject({ kind: 'response_timeout', key: 'response:9', mode: 'keep', payload: { stage: 'remind' } });
    expect(t.schedule!.dueAt.toISOString()).toBe('2026-11-23T02:01:00.000Z');
  });

  it('no deadline while nobody serves (queued, bot, 留言)', () => {
    expect(timersAfterMessage({ ...base, senderType: 'customer', assigneeId: null }).schedule).toBeNull();
    expect(timersAfterMessage({ ...base, senderType: 'customer', handler: 'bot' }).schedule).toBeNull();
  });

  it('an answer stops the deadline and starts the idle check-in; notes and system lines change nothing', () => {
    const t = timersAfterMessage({ ...base, senderType: 'agent' });
    expect(t.cancel).toEqual(['response:9']);
    expect(t.schedule).toMatchObject({ kind: 'idle', key: 'idle:9', mode: 'replace', payload: { stage: 'checkin' } });
    expect(t.schedule!.dueAt.toISOString()).toBe('2026-11-23T02:05:00.000Z');
    expect(timersAfterMessage({ ...base, senderType: 'agent', private: true })).toEqual({ cancel: [], schedule: null });
    expect(timersAfterMessage({ ...base, senderType: 'system' })).toEqual({ cancel: [], schedule: null });
  });

  it('switched-off timeouts schedule nothing', () => {
    const off = { ...DEFAULT_RECEPTION.timeouts, agentResponseSeconds: null, idleCheckinMinutes: null };
    expect(timersAfterMessage({ ...base, senderType: 'customer', timeouts: off }).schedule).toBeNull();
    expect(timersAfterMessage({ ...base, senderType: 'agent', timeouts: off }).schedule).toBeNull();
  });
});

describe('reception settings', () => {
  it('fills defaults and merges edits (nested objects merge, arrays replace)', () => {
    const stored = mergeReception({ mode: 'bot_first', timeouts: { agentResponseSeconds: 30 } }, { timeouts: { idleCloseMinutes: 10 }, preChat: { enabled: true } });
    const s = receptionSettings(stored);
    expect(s.mode).toBe('bot_first');
    expect(s.timeouts).toMatchObject({ agentResponseSeconds: 30, idleCloseMinutes: 10, idleCheckinMinutes: 5 });
    expect(s.preChat).toMatchObject({ enabled: true, askName: true });
    expect(s.messages.agentJoined).toContain('{agentNo}');
  });

  it('the pre-chat topic picks the group, else the inbox default', () => {
    const s = receptionSettings({ defaultGroupId: 1, preChat: { topics: [{ label: '售后', groupId: 2 }, { label: '投诉', groupId: null }] } });
    expect(groupForTopic(s, '售后')).toBe(2);
    expect(groupForTopic(s, '投诉')).toBeNull();
    expect(groupForTopic(s, '其他')).toBe(1);
    expect(groupForTopic(s, null)).toBe(1);
  });
});
