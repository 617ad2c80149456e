import { describe, expect, it } from 'vitest';
import { compareQueued, estimateWaitSeconds, hasRoom, pickAgent, QueueHeap, saturation, type Candidate, type Queued } from './routing.js';

const agent = (id: number, load: number, over: Partial<Candidate> = {}): Candidate => ({ id, available: true, load, max: 3, lastAssignedAt: 0, ...over });

describe('load-balanced assignment', () => {
  it('gives the conversation to the agent with the fewest open conversations', () => {
    expect(pickAgent({ strategy: 'load_balanced', candidates: [agent(1, 2), agent(2, 0), agent(3, 1)] })).toEqual({ agentId: 2, reason: 'load_balanced' });
  });

  it('breaks ties by saturation, then by who waited longest since their last conversation', () => {
    expect(pickAgent({ strategy: 'load_balanced', candidates: [agent(1, 1, { max: 2 }), agent(2, 1, { max: 5 })] }).agentId).toBe(2);
    expect(pickAgent({ strategy: 'load_balanced', candidates: [agent(1, 1, { lastAssignedAt: 500 }), agent(2, 1, { lastAssignedAt: 100 })] }).agentId).toBe(2);
  });

  it('never assigns above the limit (饱和度) and never to an unavailable agent', () => {
    const full = [agent(1, 3), agent(2, 5, { max: 5 }), agent(3, 0, { available: false })];
    expect(pickAgent({ strategy: 'load_balanced', candidates: full })).toEqual({ agentId: null, reason: 'no_room' });
    expect(hasRoom(agent(1, 2))).toBe(true);
    expect(saturation(agent(1, 3))).toBe(1);
  });
});

describe('round robin', () => {
  it('takes turns in membership order, skipping agents without room', () => {
    const members = [agent(10, 0), agent(20, 3), agent(30, 0)];
    expect(pickAgent({ strategy: 'round_robin', candidates: members, lastAssignedId: null }).agentId).toBe(10);
    expect(pickAgent({ strategy: 'round_robin', candidates: members, lastAssignedId: 10 }).agentId).toBe(30); // 20 is full
    expect(pickAgent({ strategy: 'round_robin', candidates: members, lastAssignedId: 30 }).agentId).toBe(10); // wraps
    expect(pickAgent({ strategy: 'round_robin', candidates: members, lastAssignedId: 99 }).agentId).toBe(10); // unknown cursor
    expect(pickAgent({ strategy: 'round_robin', candidates: [agent(1, 3)], lastAssignedId: 1 }).reason).toBe('no_room');
  });
});

describe('manual and sticky', () => {
  it('manual groups leave every conversation in the queue for agents to pick', () => {
    expect(pickAgent({ strategy: 'manual', candidates: [agent(1, 0)], preferredAgentId: 1 })).toEqual({ agentId: null, reason: 'manual' });
  });

  it('a returning customer goes back to their last agent when that agent is available with room', () => {
    const members = [agent(1, 0), agent(2, 2)];
    expect(pickAgent({ strategy: 'load_balanced', candidates: members, preferredAgentId: 2 })).toEqual({ agentId: 2, reason: 'sticky' });
    expect(pickAgent({ strategy: 'load_balanced', candidates: [agent(1, 0), agent(2, 3)], preferredAgentId: 2 }).agentId).toBe(1);
    expect(pickAgent({ strategy: 'load_balanced', candidates: [agent(1, 0), agent(2, 0, { available: false })], preferredAgentId: 2 }).agentId).toBe(1);
    expect(pickAgent({ strategy: 'load_balanced', candidates: [agent(1, 0)], preferredAgentId: 7 }).agentId).toBe(1); // not in this group
  });
});

describe('queue order', () => {
  const q = (id: number, priority: number, queuedAt: number): Queued => ({ id, priority, queuedAt });

  it('serves VIPs first, then first come first served', () => {
    const sorted = [q(1, 0, 100), q(2, 0, 50), q(3, 1, 300), q(4, 1, 200), q(5, 0, 50)].sort(compareQueued);
    expect(sorted.map((x) => x.id)).toEqual([4, 3, 2, 5, 1]);
  });

  it('the heap pops in the same order as sorting', () => {
    const items = Array.from({ length: 500 }, (_, i) => q(i + 1, i % 7 === 0 ? 1 : 0, Math.floor(Math.random() * 1000)));
    const heap = new QueueHeap();
    items.forEach((i) => heap.push(i));
    const popped: number[] = [];
    while (heap.size) popped.push(heap.pop()!.id);
    expect(popped).toEqual([...items].sort(compareQueued).map((x) => x.id));
  });

  it('estimates the wait from position, serving agents and handle time', () => {
    expect(estimateWaitSeconds(1, 2, 180)).toBe(180);
    expect(estimateWaitSeconds(3, 2, 180)).toBe(360);
    expect(estimateWaitSeconds(3, 0, 10)).toBe(90); // at least 30 s a conversation, at least one agent
  });
});
