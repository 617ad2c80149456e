import { describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp, onlineAgent, waitFor } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';

type Finding = { rule: string };

/**
 * 质检 roles, 复核 and 申诉 over the real server on both databases: 质检员 and 质检主管
 * read but never serve customers; a review keeps the automatic score beside the adjusted
 * one; an appeal goes agent → supervisor → 质检主管 (终审) with every side told live and
 * every role check in place.
 */
describe.each(DB_KINDS)('质检 review and appeals on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true });
  const setStatus = (token: string, id: number, status: string) => a.inject('POST', `/api/v1/conversations/${id}/status`, { token, payload: { status } });

  it('质检员 and 质检主管 log in, read and inspect, but never receive, take or answer a conversation', async () => {
    const qa = track(await onlineAgent(t, { email: `qa-only-${kind}@example.com`, name: '质检小林', role: 'qa' }));
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    expect((await a.customerSend(contactToken, conv.id, '你好，我的订单怎么还没发货？')).status).toBe(201);
    await consumersCaughtUp(t, 30_000);
    // the only one 在线 is the 质检员: routing does not give it to them, and the widget counts nobody on duty
    const [row] = await t.db.query('SELECT assignee_id FROM conversations WHERE id = $1', [conv.id]);
    expect(row.assignee_id).toBeNull();
    expect((await a.inject('GET', `${a.widgetBase}/config`)).body.agentsOnline).toBe(0);

    const assign = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: qa.id, force: true } });
    expect(assign.status).toBe(409);
    expect(assign.body.error.code).toBe('agent_not_serving');
    expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: qa.token, payload: { assigneeId: qa.id } })).status).toBe(403);
    const reply = await a.agentSend(qa.token, conv.id, '您好');
    expect(reply.status).toBe(403);
    expect(reply.body.error.message).toMatch(/质检/);
    expect((await a.agentSend(qa.token, conv.id, '这段的开场白可以更好', { private: true })).status).toBe(201);
    expect((await setStatus(qa.token, conv.id, 'resolved')).status).toBe(403);
    expect((await a.inject('GET', `/api/v1/conversations/${conv.id}/messages`, { token: qa.token })).status).toBe(200);

    // the 规则实验室 and inspections are theirs; an agent's preview is refused
    const preview = { messages: [{ role: 'customer', content: '在吗' }, { role: 'agent', content: '不归我管' }] };
    expect((await a.inject('POST', '/api/v1/inspections/preview', { token: qa.token, payload: preview })).status).toBe(200);
    expect((await a.inject('GET', `/api/v1/conversations/${conv.id}/inspections`, { token: qa.token })).status).toBe(200);
    const agent = await a.createAgent(t.adminToken, { email: `qa-plain-${kind}@example.com`, name: '普通客服' });
    expect((await a.inject('POST', '/api/v1/inspections/preview', { token: await a.login(agent.email), payload: preview })).status).toBe(403);
    // the monitor's seats are the people who serve: the agent is there, the 质检员 is not
    const seats = JSON.stringify((await a.inject('GET', '/api/v1/queues', { token: t.adminToken })).body);
    expect(seats).toContain('普通客服');
    expect(seats).not.toContain('质检小林');

    // skill groups are for people who serve customers
    const group = await a.inject('POST', '/api/v1/skill-groups', { token: t.adminToken, payload: { name: `质检组-${kind}`, memberIds: [qa.id] } });
    expect(group.status).toBe(400);
    expect(group.body.error.code).toBe('agent_not_serving');

    // an agent with open conversations does not become a 质检员 until they are handed over
    expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: agent.id, force: true } })).status).toBe(200);
    const change = await a.inject('PATCH', `/api/v1/agents/${agent.id}`, { token: t.adminToken, payload: { role: 'qa' } });
    expect(change.status).toBe(409);
    expect(change.body.error).toMatchObject({ code: 'agent_still_serving', details: { openConversations: 1 } });
    expect((await setStatus(t.adminToken, conv.id, 'resolved')).status).toBe(200);
    expect((await a.inject('PATCH', `/api/v1/agents/${agent.id}`, { token: t.adminToken, payload: { role: 'qa_lead' } })).status).toBe(200);
  });

  it('复核 keeps the automatic score; 申诉 goes agent → supervisor → 质检主管 (终审), everyone told, every role checked', async () => {
    const agent = track(await onlineAgent(t, { email: `qa-served-${kind}@example.com`, name: '小申', agentNo: '4401' }));
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, '我的快递三天了还没到，怎么回事？');
    await consumersCaughtUp(t, 30_000);
    expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: agent.id, force: true } })).status).toBe(200);
    await a.agentSend(agent.token, conv.id, '这个不归我们管，你去问快递公司吧');
    expect((await setStatus(agent.token, conv.id, 'resolved')).status).toBe(200);
    await consumersCaughtUp(t, 30_000);
    const listed = await a.inject('GET', `/api/v1/conversations/${conv.id}/inspections`, { token: agent.token });
    const inspection = listed.body.inspections[0];
    const keyOf = (rule: string) => `a${(inspection.findings as Finding[]).findIndex((f) => f.rule === rule)}`;
    const blame = keyOf('forbidden.blame');
    const farewell = keyOf('closing.farewell');
    expect(blame).not.toBe('a-1');
    expect(farewell).not.toBe('a-1');
    expect(inspection).toMatchObject({ adjustedScore: null, finalScore: inspection.score, reviewedBy: null });
    expect(inspection.standing).toContain(blame);
    expect(Date.parse(inspection.appealableUntil) - Date.parse(inspection.inspectedAt)).toBe(7 * 86_400_000);

    const qa = track(await onlineAgent(t, { email: `qa-reviewer-${kind}@example.com`, name: '质检小许', role: 'qa' }));
    const qaLead = track(await onlineAgent(t, { email: `qa-head-${kind}@example.com`, name: '质检主管老陈', role: 'qa_lead' }));
    const supervisor = track(await onlineAgent(t, { email: `qa-sup-${kind}@example.com`, name: '主管老周', role: 'supervisor' }));
    const review = (token: string, body: object) => a.inject('PUT', `/api/v1/inspections/${inspection.id}/review`, { token, payload: body });

    // 复核: agents may not; a 质检员 marks the farewell finding wrong and adds one by hand
    expect((await review(agent.token, { verdicts: { [farewell]: 'wrong' } })).status).toBe(403);
    expect((await review(qa.token, { verdicts: { a99: 'wrong' } })).body.error.code).toBe('unknown_finding');
    const reviewed = await review(qa.token, {
      verdicts: { [blame]: 'correct', [farewell]: 'wrong' },
      manual: [{ category: 'service', severity: 'minor', messageIndex: null, note: '没有主动提出帮客户联系快递' }],
    });
    expect(reviewed.status).toBe(200);
    const afterReview = reviewed.body.inspection;
    expect(afterReview).toMatchObject({ score: inspection.score, reviewedBy: qa.id, packVersion: inspection.packVersion });
    expect(afterReview.adjustments.manual).toEqual([expect.objectContaining({ key: 'm0', category: 'service' })]);
    expect(afterReview.standing).not.toContain(farewell);
    expect(afterReview.standing).toContain('m0');
    expect(afterReview.finalScore).toBe(afterReview.adjustedScore);
    expect(afterReview.adjustedScore).not.toBeNull();
    const [adjustedEvent] = await t.db.query(`SELECT data FROM events WHERE type = 'qa.inspection_adjusted' AND data->>'inspectionId' = $1`, [String(inspection.id)]);
    expect(adjustedEvent.data).toMatchObject({ reason: 'review', score: inspection.score, adjustedScore: afterReview.adjustedScore });

    // the 质检工作台's list: filters, and an agent sees only their own
    const list = async (token: string, query: string) => (await a.inject('GET', `/api/v1/inspections?${query}`, { token })).body.inspections.map((i: { id: number }) => i.id);
    expect(await list(qa.token, `rule=forbidden.blame&reviewed=true&agentId=${agent.id}`)).toEqual([inspection.id]);
    expect(await list(qa.token, `reviewed=false&agentId=${agent.id}`)).toEqual([]);
    expect(await list(qa.token, `minScore=${afterReview.finalScore + 1}&agentId=${agent.id}`)).toEqual([]);
    expect(await list(qa.token, `maxScore=${afterReview.finalScore}&appealed=false&agentId=${agent.id}`)).toEqual([inspection.id]);
    const rows = (await a.inject('GET', '/api/v1/inspections?limit=1', { token: agent.token })).body;
    expect(rows.inspections).toEqual([expect.objectContaining({ id: inspection.id, agentName: '小申', finalScore: afterReview.finalScore, appeals: { pending: 0, total: 0 } })]);
    const bystander = await a.createAgent(t.adminToken, { email: `qa-bystander-${kind}@example.com`, name: '路人' });
    expect(await list(await a.login(bystander.email), `agentId=${agent.id}`)).toEqual([]);
    // the transcript it was inspected on: the finding's messageIndex and span point at the words
    const detail = (await a.inject('GET', `/api/v1/inspections/${inspection.id}`, { token: qa.token })).body;
    const blamed = inspection.findings[Number(blame.slice(1))];
    const line = detail.transcript[blamed.messageIndex];
    expect(line).toMatchObject({ role: 'agent', content: '这个不归我们管，你去问快递公司吧' });
    expect(line.content.slice(blamed.span[0], blamed.span[1])).toBe(blamed.excerpt);
    expect(detail.transcript).toHaveLength(inspection.messageCount);

    // 申诉: only the agent who served it, on a finding that stands
    const appeal = (token: string, body: object) => a.inject('POST', `/api/v1/inspections/${inspection.id}/appeals`, { token, payload: body });
    expect((await appeal(qa.token, { finding: blame, reason: '替客服申诉' })).status).toBe(403);
    expect((await appeal(supervisor.token, { finding: blame, reason: '替客服申诉' })).status).toBe(403);
    expect((await appeal(agent.token, { finding: farewell, reason: '已被复核判为误报' })).body.error.code).toBe('unknown_finding');
    const filed = await appeal(agent.token, { finding: blame, reason: '我是在解释快递归快递公司处理，之后帮客户查了单号' });
    expect(filed.status).toBe(201);
    const appealId = filed.body.appeal.id;
    expect(filed.body.appeal).toMatchObject({ stage: 'supervisor', status: 'pending', final: false, agentId: agent.id, findingKey: blame });
    const toSupervisor = await supervisor.ws.waitFor((f) => f.type === 'alert' && f.kind === 'qa_appeal' && f.appealId === appealId, 30_000);
    expect(toSupervisor).toMatchObject({ action: 'filed', stage: 'supervisor', conversationId: conv.id });
    expect((await appeal(agent.token, { finding: blame, reason: '再申诉一次' })).status).toBe(409);

    // the first stage: not the appellant, not a 质检员; the supervisor rejects and the agent is told
    const decide = (token: string, body: object) => a.inject('POST', `/api/v1/appeals/${appealId}/decision`, { token, payload: body });
    expect((await decide(agent.token, { accept: true })).status).toBe(403);
    expect((await decide(qa.token, { accept: true })).status).toBe(403);
    const rejected = await decide(supervisor.token, { accept: false, note: '这句话本身就是推诿' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.appeal).toMatchObject({ status: 'rejected', stage: 'supervisor', final: false });
    expect(rejected.body.inspection.finalScore).toBe(afterReview.finalScore);
    await agent.ws.waitFor((f) => f.type === 'alert' && f.kind === 'qa_appeal' && f.appealId === appealId && f.status === 'rejected', 30_000);
    expect((await decide(supervisor.token, { accept: true })).body.error.code).toBe('appeal_decided');

    // once more, to the 质检主管, by the appellant only; the supervisor cannot decide it now
    const escalate = (token: string) => a.inject('POST', `/api/v1/appeals/${appealId}/escalation`, { token, payload: { note: '请质检主管复核' } });
    expect((await escalate(supervisor.token)).status).toBe(403);
    expect((await escalate(agent.token)).status).toBe(200);
    await qaLead.ws.waitFor((f) => f.type === 'alert' && f.kind === 'qa_appeal' && f.appealId === appealId && f.action === 'escalated', 30_000);
    expect((await decide(supervisor.token, { accept: true })).status).toBe(403);
    const accepted = await decide(qaLead.token, { accept: true, note: '结合上下文，客服随后给出了处理方案' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.appeal).toMatchObject({ status: 'accepted', stage: 'lead', final: true });
    expect(accepted.body.appeal.history.map((h: { action: string }) => h.action)).toEqual(['filed', 'rejected', 'escalated', 'accepted']);
    const final = accepted.body.inspection;
    expect(final.standing).not.toContain(blame);
    expect(final.finalScore).toBeGreaterThan(afterReview.finalScore);
    expect(final.score).toBe(inspection.score);
    await agent.ws.waitFor((f) => f.type === 'alert' && f.kind === 'qa_appeal' && f.appealId === appealId && f.final === true, 30_000);
    expect((await escalate(agent.token)).body.error.code).toBe('appeal_not_escalable');

    // what everyone sees: the agent their own appeals, 质检 all; the history is kept
    const mine = await a.inject('GET', '/api/v1/appeals', { token: agent.token });
    expect(mine.body.appeals.map((x: { id: number }) => x.id)).toEqual([appealId]);
    expect((await a.inject('GET', '/api/v1/appeals?status=accepted', { token: qaLead.token })).body.appeals.map((x: { id: number }) => x.id)).toContain(appealId);
    const one = await a.inject('GET', `/api/v1/inspections/${inspection.id}`, { token: agent.token });
    expect(one.body).toMatchObject({ inspection: { id: inspection.id, finalScore: final.finalScore }, appeals: [expect.objectContaining({ id: appealId, final: true })] });
    const stranger = await a.createAgent(t.adminToken, { email: `qa-stranger-${kind}@example.com`, name: '旁人' });
    expect((await a.inject('GET', `/api/v1/inspections/${inspection.id}`, { token: await a.login(stranger.email) })).status).toBe(403);

    // 质检报表: the agent's average is the final score; the accepted appeal counted; the blame finding no longer among the failed rules
    const stats = (await a.inject('GET', `/api/v1/inspections/stats?agentId=${agent.id}`, { token: qaLead.token })).body;
    expect(stats.agents).toEqual([expect.objectContaining({ agentId: agent.id, name: '小申', inspections: 1, averageScore: final.finalScore, reviewed: 1, appeals: { filed: 1, accepted: 1, rejected: 0, rate: 1 } })]);
    expect(stats.trend).toEqual([expect.objectContaining({ inspections: 1, averageScore: final.finalScore })]);
    const ruleIds = stats.topRules.map((r: { rule: string }) => r.rule);
    expect(ruleIds).not.toContain('forbidden.blame');
    expect(ruleIds).not.toContain('closing.farewell'); // marked wrong in review
    expect(stats.topRules.find((r: { rule: string }) => r.rule === 'manual.service')).toMatchObject({ count: 1, examples: [expect.objectContaining({ excerpt: '没有主动提出帮客户联系快递' })] });
    expect(stats.topRules[0].examples[0]).toMatchObject({ inspectionId: inspection.id, conversationId: conv.id });
    const own = (await a.inject('GET', '/api/v1/inspections/stats', { token: agent.token })).body;
    expect(own.agents.map((x: { agentId: number }) => x.agentId)).toEqual([agent.id]);

    // appeals are taken within the window (ZHIKE_QA_APPEAL_DAYS, 7 by default)
    await t.db.query(`UPDATE inspections SET inspected_at = now() - interval '8 days', reviewed_at = now() - interval '8 days' WHERE id = $1`, [inspection.id]);
    const late = await appeal(agent.token, { finding: 'm0', reason: '我其实主动提出了' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'appeal_too_late', details: { days: 7 } });
    const logged = await waitFor(
      async () => await t.db.query(`SELECT data->>'action' AS action FROM events WHERE type = 'qa.appeal_changed' AND data->>'appealId' = $1 ORDER BY id`, [String(appealId)]),
      (rows) => rows.length === 4,
      10_000,
    );
    expect(logged.map((r) => r.action)).toEqual(['filed', 'rejected', 'escalated', 'accepted']);
  });
});
