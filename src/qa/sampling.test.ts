import { describe, expect, it } from 'vitest';
import { pickReviewer, sampleBucket, sampleReason, type SamplingPlan } from '../core/qa/index.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp, onlineAgent } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';

const plan = (p: Partial<SamplingPlan>): SamplingPlan => ({
  id: 1,
  name: 'p',
  enabled: true,
  percent: 5,
  belowScore: 80,
  vetoed: true,
  reviewerIds: [10, 11],
  createdAt: '',
  updatedAt: '',
  ...p,
});

describe('抽检计划: the choice', () => {
  it('samples about the share asked for, the same way every time; vetoed and low scores always', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const taken = ids.filter((id) => sampleReason(plan({ belowScore: null }), { id, score: 95, vetoed: false }) === 'sampled').length;
    expect(taken / ids.length).toBeGreaterThan(0.045);
    expect(taken / ids.length).toBeLessThan(0.055);
    expect(sampleBucket(3, 42)).toBe(sampleBucket(3, 42));
    expect(sampleReason(plan({}), { id: 1, score: 0, vetoed: true })).toBe('vetoed');
    expect(sampleReason(plan({}), { id: 1, score: 79, vetoed: false })).toBe('low_score');
    expect(sampleReason(plan({ percent: 0 }), { id: 1, score: 80, vetoed: false })).toBeNull();
    expect(sampleReason(plan({ enabled: false }), { id: 1, score: 0, vetoed: true })).toBeNull();
    expect(sampleReason(plan({ reviewerIds: [] }), { id: 1, score: 0, vetoed: true })).toBeNull();
  });

  it('gives it to the reviewer with the fewest open ones, never the agent under review', () => {
    expect(pickReviewer([10, 11], new Map([[10, 3], [11, 1]]), null)).toBe(11);
    expect(pickReviewer([10, 11], new Map(), null)).toBe(10);
    expect(pickReviewer([10, 11], new Map([[11, 0]]), 10)).toBe(11);
    expect(pickReviewer([10], new Map(), 10)).toBeNull();
  });
});

/** Plans on the real server, both databases: 质检主管 manage them; the consumer assigns each new inspection once; a review closes it. */
describe.each(DB_KINDS)('抽检计划 on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true });

  it('assigns every inspection a plan takes to the least busy reviewer; reviewing it closes the assignment', async () => {
    const qaLead = track(await onlineAgent(t, { email: `sp-lead-${kind}@example.com`, name: '质检主管', role: 'qa_lead' }));
    const qa1 = track(await onlineAgent(t, { email: `sp-qa1-${kind}@example.com`, name: '质检一', role: 'qa' }));
    const qa2 = track(await onlineAgent(t, { email: `sp-qa2-${kind}@example.com`, name: '质检二', role: 'qa' }));
    const agent = track(await onlineAgent(t, { email: `sp-agent-${kind}@example.com`, name: '被抽客服' }));
    const body = { name: '全量复核', percent: 100, reviewerIds: [qa1.id, qa2.id] };

    expect((await a.inject('POST', '/api/v1/qa/sampling-plans', { token: qa1.token, payload: body })).status).toBe(403);
    expect((await a.inject('POST', '/api/v1/qa/sampling-plans', { token: agent.token, payload: body })).status).toBe(403);
    const notReviewer = await a.inject('POST', '/api/v1/qa/sampling-plans', { token: qaLead.token, payload: { ...body, reviewerIds: [agent.id] } });
    expect(notReviewer.body.error.code).toBe('not_a_reviewer');
    const created = await a.inject('POST', '/api/v1/qa/sampling-plans', { token: qaLead.token, payload: body });
    expect(created.status).toBe(201);
    expect(created.body.plan).toMatchObject({ enabled: true, percent: 100, belowScore: null, vetoed: true });
    expect((await a.inject('POST', '/api/v1/qa/sampling-plans', { token: qaLead.token, payload: body })).status).toBe(409);
    expect((await a.inject('GET', '/api/v1/qa/sampling-plans', { token: qa1.token })).body.plans).toHaveLength(1);

    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { contactToken } = await a.newContact();
      const conv = await a.newConversation(contactToken);
      await a.customerSend(contactToken, conv.id, '请问退款多久到账？');
      await consumersCaughtUp(t, 30_000);
      expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: agent.id, force: true } })).status).toBe(200);
      await a.agentSend(agent.token, conv.id, '您好，退款一般3到5个工作日到账。');
      expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/status`, { token: agent.token, payload: { status: 'resolved' } })).status).toBe(200);
      ids.push(conv.id);
    }
    await consumersCaughtUp(t, 30_000);
    const todo = async (token: string) => (await a.inject('GET', '/api/v1/inspections?assignedTo=me&todo=true', { token })).body.inspections as any[];
    const [first, second] = [await todo(qa1.token), await todo(qa2.token)];
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(2);
    expect([...first, ...second].map((i) => i.conversationId).sort()).toEqual([...ids].sort());
    expect(first[0].assignment).toMatchObject({ reviewerId: qa1.id, reviewerName: '质检一', reason: 'sampled', doneAt: null });
    const logged = await t.db.query(`SELECT count(*)::int AS n FROM events WHERE type = 'qa.review_assigned' AND conversation_id = ANY($1::bigint[])`, [ids]);
    expect(logged[0].n).toBe(4);

    expect((await a.inject('PUT', `/api/v1/inspections/${first[0].id}/review`, { token: qa1.token, payload: { verdicts: {} } })).status).toBe(200);
    expect(await todo(qa1.token)).toHaveLength(1);
    const done = (await a.inject('GET', '/api/v1/inspections?assignedTo=me&todo=false', { token: qa1.token })).body.inspections;
    expect(done.map((i: { id: number }) => i.id)).toEqual([first[0].id]);
    expect(done[0].assignment.doneAt).not.toBeNull();

    // switched off, it takes nothing more; deleted, its assignments stay
    const planId = created.body.plan.id;
    expect((await a.inject('PATCH', `/api/v1/qa/sampling-plans/${planId}`, { token: qaLead.token, payload: { enabled: false } })).body.plan.enabled).toBe(false);
    expect((await a.inject('DELETE', `/api/v1/qa/sampling-plans/${planId}`, { token: t.adminToken })).status).toBe(204);
    expect(await todo(qa2.token)).toHaveLength(2);
  });
});
