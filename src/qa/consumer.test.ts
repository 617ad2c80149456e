import { describe, expect, it } from 'vitest';
import type { StoredEventOf } from '../core/events.js';
import { toStoredEvent } from '../storage/events.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp, onlineAgent, waitFor } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { inspectionConsumer } from './consumer.js';

/**
 * 智能质检 as a durable consumer on both databases: every resolution inspected exactly once
 * (a redelivered event writes nothing; reopened and closed again is version 2, both kept),
 * and a 禁语 alerts the supervisors over the WebSocket as the agent sends it, once.
 */
describe.each(DB_KINDS)('quality inspection (质检) on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true });
  const setStatus = (token: string, id: number, status: string) => a.inject('POST', `/api/v1/conversations/${id}/status`, { token, payload: { status } });

  it('inspects a conversation when it is resolved, once per resolution; every version is kept', async () => {
    const agent = track(await onlineAgent(t, { email: `qa-agent-${kind}@example.com`, name: '小质', agentNo: '3301' }));
    const { contactToken } = await a.newContact({ name: '王 13812348000' }); // a name that holds a phone number
    const conv = await a.newConversation(contactToken);
    expect((await a.customerSend(contactToken, conv.id, '我的快递三天了还没到，怎么回事？')).status).toBe(201);
    await consumersCaughtUp(t, 30_000);
    await a.agentSend(agent.token, conv.id, '这个不归我们管，你去问快递公司吧');
    expect((await setStatus(agent.token, conv.id, 'resolved')).status).toBe(200);
    await consumersCaughtUp(t, 30_000);

    const [first] = await t.db.query('SELECT * FROM inspections WHERE conversation_id = $1', [conv.id]);
    expect(first).toMatchObject({ version: 1, vetoed: false });
    const rules = (first.findings as { rule: string }[]).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['forbidden.blame', 'closing.anything_else', 'closing.farewell']));
    expect(first.score).toBeLessThan(100);
    const logged = await t.db.query(`SELECT data FROM events WHERE type = 'conversation.inspected' AND conversation_id = $1`, [conv.id]);
    expect(logged).toHaveLength(1);
    expect(logged[0].data).toMatchObject({ version: 1, score: first.score, vetoed: false });
    expect(logged[0].data.rules).toContain('forbidden.blame');

    // a redelivery of the resolution (after a crash or a lost lease) writes nothing more
    const [resolved] = await t.db.query(`SELECT * FROM events WHERE type = 'conversation.status_changed' AND conversation_id = $1 AND data->>'to' = 'resolved'`, [conv.id]);
    const consumer = inspectionConsumer(t.app.zhike);
    await consumer.handle(toStoredEvent(resolved) as StoredEventOf<'conversation.status_changed'>);
    await consumer.handle(toStoredEvent(resolved) as StoredEventOf<'conversation.status_changed'>);
    expect(await t.db.query('SELECT 1 FROM inspections WHERE conversation_id = $1', [conv.id])).toHaveLength(1);

    // reopened, handled properly, closed again: version 2, and version 1 stays
    expect((await setStatus(agent.token, conv.id, 'open')).status).toBe(200);
    await a.agentSend(agent.token, conv.id, '非常抱歉，我马上帮您联系快递核实，今天下午5点前回复您。请问还有其他可以帮您的吗？');
    await a.agentSend(agent.token, conv.id, '感谢您的耐心，祝您生活愉快，再见！');
    expect((await setStatus(agent.token, conv.id, 'resolved')).status).toBe(200);
    await consumersCaughtUp(t, 30_000);
    const versions = await a.inject('GET', `/api/v1/conversations/${conv.id}/inspections`, { token: t.adminToken });
    expect(versions.status).toBe(200);
    expect(versions.body.inspections.map((i: { version: number }) => i.version)).toEqual([2, 1]);
    const [v2, v1] = versions.body.inspections;
    expect(v1.score).toBe(first.score);
    expect(v2.findings.map((f: { rule: string }) => f.rule)).not.toContain('closing.farewell');
    expect(v2).toMatchObject({ agentId: agent.id, packVersion: expect.any(String), sheet: { id: 'chat', name: '在线会话评分表' } });
    // the 质检工作台's list shows the customer's name masked, as the conversation list and search do
    const listed = await a.inject('GET', `/api/v1/inspections?agentId=${agent.id}`, { token: t.adminToken });
    expect(listed.status).toBe(200);
    expect(listed.body.inspections.map((i: { contactName: string }) => i.contactName)).toEqual(['王 138****8000', '王 138****8000']);

    // the agent who served it reads them; another agent may not
    expect((await a.inject('GET', `/api/v1/conversations/${conv.id}/inspections`, { token: agent.token })).status).toBe(200);
    const other = await a.createAgent(t.adminToken, { email: `qa-other-${kind}@example.com`, name: '别人' });
    expect((await a.inject('GET', `/api/v1/conversations/${conv.id}/inspections`, { token: await a.login(other.email) })).status).toBe(403);
    expect((await a.inject('GET', '/api/v1/conversations/999999999/inspections', { token: t.adminToken })).status).toBe(404);
  });

  it('a 禁语 alerts the supervisors live, once; a polite agent alerts nobody', async () => {
    const agent = track(await onlineAgent(t, { email: `qa-rude-${kind}@example.com`, name: '小冲' }));
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, '怎么还没发货');
    await consumersCaughtUp(t, 30_000);
    // the conversation is the agent's (an admin assigns it, whoever routing picked); then the supervisor comes online
    expect((await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: agent.id, force: true } })).status).toBe(200);
    const lead = track(await onlineAgent(t, { email: `qa-lead-${kind}@example.com`, name: '主管老周', role: 'supervisor' }));
    const polite = await a.agentSend(agent.token, conv.id, '您好，我马上帮您查一下');
    const rude = await a.agentSend(agent.token, conv.id, '这么简单的事都不会看吗，烦不烦');
    const frame = await lead.ws.waitFor((f) => f.type === 'alert' && f.kind === 'qa_finding' && f.messageId === rude.body.id, 30_000);
    expect(frame).toMatchObject({ conversationId: conv.id, agentId: agent.id, agentName: '小冲' });
    expect(frame.findings.map((f: { rule: string }) => f.rule)).toEqual(expect.arrayContaining(['forbidden.condescension']));
    expect(frame.findings[0].suggestion).toBeTruthy();
    await consumersCaughtUp(t, 30_000);
    const alerts = await t.db.query('SELECT message_id FROM qa_live_alerts WHERE conversation_id = $1', [conv.id]);
    expect(alerts.map((r) => Number(r.message_id))).toEqual([rude.body.id]);
    expect(lead.ws.frames.some((f: any) => f.type === 'alert' && f.messageId === polite.body.id)).toBe(false);
    // the agent is not a recipient
    expect(agent.ws.frames.some((f: any) => f.type === 'alert' && f.kind === 'qa_finding')).toBe(false);

    // a redelivery raises nothing again
    const [created] = await t.db.query(`SELECT * FROM events WHERE type = 'message.created' AND (data->>'messageId')::bigint = $1`, [rude.body.id]);
    await inspectionConsumer(t.app.zhike).handle(toStoredEvent(created) as StoredEventOf<'message.created'>);
    await waitFor(async () => t.db.query(`SELECT 1 FROM events WHERE type = 'qa.alert_raised' AND conversation_id = $1`, [conv.id]), (rows) => rows.length === 1);
  });
});
