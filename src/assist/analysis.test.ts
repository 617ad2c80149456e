import { describe, expect, it } from 'vitest';
import type { StoredEventOf } from '../core/events.js';
import { toStoredEvent } from '../storage/events.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp, onlineAgent, waitFor } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { messageAnalysisConsumer } from './analysis.js';

describe.each(DB_KINDS)('message analysis (agent assist) on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { listen: true });

  it('analyses a customer message once: the analysis, the conversation picture and message.analyzed, live to consoles', async () => {
    const agent = track(await onlineAgent(t, { email: `ana-${kind}@example.com`, name: '小安' }));
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const sent = await a.customerSend(contactToken, conv.id, '我要投诉，太差了，再不解决我就去12315');
    expect(sent.status).toBe(201);
    const messageId = sent.body.id as number;

    const frame = await agent.ws.waitFor((f) => f.type === 'analysis' && f.analysis.messageId === messageId, 30_000);
    expect(frame.analysis).toMatchObject({ conversationId: conv.id, intent: { label: 'complaint' }, emotion: { label: 'anger' }, signals: ['regulator'] });
    expect(frame.insight).toMatchObject({ conversationId: conv.id, complaint: true, emotion: { label: 'anger' }, signals: ['regulator'], analyzed: 1, lastMessageId: messageId });
    expect(frame.insight.maxAnger).toBeGreaterThanOrEqual(0.6);

    const rows = await t.db.query('SELECT * FROM message_analyses WHERE conversation_id = $1', [conv.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].intent).toBe('complaint');
    const events = await t.db.query(`SELECT * FROM events WHERE type = 'message.analyzed' AND conversation_id = $1`, [conv.id]);
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({ messageId, intent: 'complaint', emotion: 'anger', signals: ['regulator'] });

    // a redelivery (after a crash or a lost lease) of the same message.created writes nothing more
    const [created] = await t.db.query(`SELECT * FROM events WHERE type = 'message.created' AND conversation_id = $1 AND (data->>'messageId')::bigint = $2`, [conv.id, messageId]);
    const consumer = messageAnalysisConsumer(t.app.zhike);
    await consumer.handle(toStoredEvent(created) as StoredEventOf<'message.created'>);
    await consumer.handle(toStoredEvent(created) as StoredEventOf<'message.created'>);
    expect(await t.db.query('SELECT 1 FROM message_analyses WHERE conversation_id = $1', [conv.id])).toHaveLength(1);
    expect(await t.db.query(`SELECT 1 FROM events WHERE type = 'message.analyzed' AND conversation_id = $1`, [conv.id])).toHaveLength(1);
    const [insight] = await t.db.query('SELECT analyzed FROM conversation_insights WHERE conversation_id = $1', [conv.id]);
    expect(insight.analyzed).toBe(1);
  });

  it('keeps the picture as the customer calms down; agents’ messages and notes are not analysed', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, '你们太过分了！！再不处理我就去市场监管局投诉你们');
    await a.agentSend(t.adminToken, conv.id, '非常抱歉，请问您的订单号是多少？');
    await a.agentSend(t.adminToken, conv.id, '客户很急', { private: true });
    await a.customerSend(contactToken, conv.id, '订单号是20261130001');
    await consumersCaughtUp(t, 30_000);
    const analysed = await t.db.query('SELECT m.sender_type FROM message_analyses x JOIN messages m ON m.id = x.message_id WHERE x.conversation_id = $1', [conv.id]);
    expect(analysed.map((r) => r.sender_type)).toEqual(['customer', 'customer']);
    const [i] = await t.db.query('SELECT * FROM conversation_insights WHERE conversation_id = $1', [conv.id]);
    expect(i).toMatchObject({ intent: 'query', complaint: true, emotion: 'neutral', signals: ['regulator'], analyzed: 2 });
    expect(i.max_anger).toBeGreaterThanOrEqual(0.6); // the strongest anger stays
  });

  it('the API carries it: list and conversation with the picture, customer messages with their analysis', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const angry = await a.customerSend(contactToken, conv.id, '再不退款我就找记者曝光你们，还要起诉！！');
    await a.agentSend(t.adminToken, conv.id, '非常抱歉给您带来不便');
    const quiet = await a.newConversation((await a.newContact()).contactToken);
    await consumersCaughtUp(t, 30_000);

    const list = await a.inject('GET', '/api/v1/conversations?status=all&limit=200', { token: t.adminToken });
    expect(list.status).toBe(200);
    const mine = list.body.conversations.find((c: { id: number }) => c.id === conv.id);
    expect(mine.insight).toMatchObject({ conversationId: conv.id, emotion: { label: 'anger' }, analyzed: 1 });
    expect([...mine.insight.signals].sort()).toEqual(['lawyer', 'media']);
    expect(list.body.conversations.find((c: { id: number }) => c.id === quiet.id).insight).toBeNull();

    const one = await a.inject('GET', `/api/v1/conversations/${conv.id}`, { token: t.adminToken });
    expect(one.status).toBe(200);
    expect(one.body.insight).toEqual(mine.insight);

    const msgs = await a.inject('GET', `/api/v1/conversations/${conv.id}/messages`, { token: t.adminToken });
    expect(msgs.status).toBe(200);
    const byId = new Map(msgs.body.messages.map((m: { id: number }) => [m.id, m]));
    expect((byId.get(angry.body.id) as any).analysis).toMatchObject({ messageId: angry.body.id, emotion: { label: 'anger' } });
    for (const m of msgs.body.messages) if (m.senderType !== 'customer') expect(m.analysis).toBeNull();

    // documented in the OpenAPI contract
    const doc = (await a.inject('GET', '/api/v1/openapi.json')).body;
    const schemaText = JSON.stringify(doc.paths['/api/v1/conversations/{id}'].get.responses['200']);
    expect(schemaText).toContain('maxAnger');
    expect(JSON.stringify(doc.paths['/api/v1/conversations/{id}/messages'].get.responses['200'])).toContain('analyzedAt');
  });
});
