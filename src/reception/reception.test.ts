import { describe, expect, it } from 'vitest';
import { api } from '../../test/helpers/api.js';
import { QUIET_RECEPTION, type TestApp } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { receptionCaughtUp, conversation, onlineAgent, setReception, startConversation, visitor, waitFor } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';

const messagesOf = async (t: TestApp, id: number) =>
  (await api(t).inject('GET', `/api/v1/conversations/${id}/messages?after=0`, { token: t.adminToken })).body.messages as any[];

/** Writes reception settings straight into the inbox (the API refuses sub-minute timeouts; tests need them). */
const rawReception = (t: TestApp, reception: object) => t.db.query('UPDATE inboxes SET reception = $1::jsonb WHERE id = $2', [JSON.stringify(reception), t.inbox.id]).then(() => t.app.zhike.reception!.invalidateAll());

describe.each(DB_KINDS)('reception on %s', (kind) => {
  const { t, a, track } = useTestApp(kind, { config: { timerPollMs: 50 }, listen: true });

  it('仅人工 with nobody on duty: the offline reply, and the conversation is a 留言', async () => {
    await setReception(t, { mode: 'human_only', messages: { offline: '现在是非工作时间, 请留言。', welcome: '欢迎光临!' } });
    const v = track(await visitor(t));
    const c = await startConversation(t, v.contactToken);
    const conv = await conversation(t, c.id);
    expect(conv.handler).toBe('offline');
    // the offline reply answers the customer's first message, once
    await a.customerSend(v.contactToken, c.id, '我想退货');
    await waitFor(() => messagesOf(t, c.id), (m) => m.length === 3); // the reply follows the message (a consumer)
    await a.customerSend(v.contactToken, c.id, '地址是哪里?');
    await receptionCaughtUp(t);
    const msgs = await messagesOf(t, c.id);
    expect(msgs.map((m) => [m.senderType, m.content])).toEqual([
      ['system', '欢迎光临!'],
      ['customer', '我想退货'],
      ['system', '现在是非工作时间, 请留言。'],
      ['customer', '地址是哪里?'],
    ]);
    const list = await a.inject('GET', '/api/v1/conversations?handler=offline', { token: t.adminToken });
    expect(list.body.conversations.map((x: any) => x.id)).toContain(c.id);
    // an agent answering a 留言 takes it: people handle it now
    await a.agentSend(t.adminToken, c.id, '您好, 看到您的留言了');
    expect(await conversation(t, c.id)).toMatchObject({ handler: 'human', assigneeId: expect.any(Number) });
  });

  it('outside business hours people are not offered even when online', async () => {
    const cal = await a.inject('POST', '/api/v1/business-calendars', {
      token: t.adminToken,
      payload: { name: '从不营业', timezone: 'Asia/Shanghai', weekly: {}, holidays: [] },
    });
    expect(cal.status).toBe(201);
    const bad = await a.inject('POST', '/api/v1/business-calendars', {
      token: t.adminToken,
      payload: { name: 'bad', timezone: 'Mars/Base', weekly: { '1': [{ start: '18:00', end: '09:00' }] }, holidays: [] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems.length).toBe(2);
    const ag = track(await onlineAgent(t, { email: 'night@x.test', name: '夜班' }));
    await setReception(t, { calendarId: cal.body.id });
    const c = await startConversation(t, track(await visitor(t)).contactToken);
    expect((await conversation(t, c.id)).handler).toBe('offline');
    const status = await a.inject('GET', `/api/v1/business-calendars/${cal.body.id}/status`, { token: t.adminToken });
    expect(status.body).toEqual({ open: false, nextOpening: null, nextClosing: null });
    // in use: cannot be deleted
    expect((await a.inject('DELETE', `/api/v1/business-calendars/${cal.body.id}`, { token: t.adminToken })).status).toBe(409);
    await setReception(t, { calendarId: null });
    const open = await startConversation(t, track(await visitor(t)).contactToken);
    expect(await conversation(t, open.id)).toMatchObject({ handler: 'human', assigneeId: ag.id });
    await t.db.query(`UPDATE conversations SET status = 'resolved'`);
  });

  it('机器人优先: the bot answers; 转人工 hands over to an agent who joins with their 工号', async () => {
    const ag = track(await onlineAgent(t, { email: 'bot-handoff@x.test', name: '小王', agentNo: '1024' }));
    await setReception(t, { mode: 'bot_first', messages: { welcome: null, agentJoined: '工号 {agentNo} {name} 为您服务' } });
    const v = track(await visitor(t));
    const c = await startConversation(t, v.contactToken);
    expect((await conversation(t, c.id)).handler).toBe('bot');
    await a.customerSend(v.contactToken, c.id, '你好');
    await waitFor(() => messagesOf(t, c.id), (m) => m.some((x) => x.senderType === 'bot'));
    const bot = (await messagesOf(t, c.id)).find((x) => x.senderType === 'bot');
    expect(bot).toMatchObject({ senderName: '智能助手' });
    expect(bot.content).toMatch(/转人工/);
    await a.customerSend(v.contactToken, c.id, '转人工');
    const after = await waitFor(() => conversation(t, c.id), (x) => x.assigneeId !== null);
    expect(after).toMatchObject({ handler: 'human', assigneeId: ag.id });
    const joined = (await waitFor(() => messagesOf(t, c.id), (m) => m.some((x) => x.senderType === 'system'))).filter((x) => x.senderType === 'system').map((x) => x.content);
    expect(joined).toContain('工号 1024 小王 为您服务');
    // the customer sees the agent's name and the join line live
    await v.ws.waitFor((f) => f.type === 'message' && f.message.content === '工号 1024 小王 为您服务');
    await t.db.query(`UPDATE conversations SET status = 'resolved'`);
  });

  it('人工优先: people when someone is on duty, the bot when nobody is', async () => {
    await setReception(t, { mode: 'human_first' });
    const onDuty = await startConversation(t, track(await visitor(t)).contactToken);
    expect((await conversation(t, onDuty.id)).handler).toBe('human');
    await t.db.query(`UPDATE agents SET availability = 'away'`);
    const nobody = await startConversation(t, track(await visitor(t)).contactToken);
    expect((await conversation(t, nobody.id)).handler).toBe('bot');
    await t.db.query(`UPDATE agents SET availability = 'online' WHERE email <> 'admin@zhike.test'`);
    await t.db.query(`UPDATE conversations SET status = 'resolved'`);
  });

  it('超时提醒: a waiting customer raises an alert on the agent’s console, then the conversation is reassigned', async () => {
    await t.db.query(`UPDATE agents SET max_concurrent = 0`); // start from a clean floor
    const slow = track(await onlineAgent(t, { email: 'slow@x.test', name: '慢', max: 5 }));
    const quick = track(await onlineAgent(t, { email: 'quick@x.test', name: '快', max: 5 }));
    await t.db.query(`UPDATE agents SET max_concurrent = 0 WHERE id = $1`, [quick.id]);
    await rawReception(t, { ...QUIET_RECEPTION, timeouts: { ...QUIET_RECEPTION.timeouts, agentResponseSeconds: 0.4, reassignAfterSeconds: 0.4 } });
    const v = track(await visitor(t));
    const c = await startConversation(t, v.contactToken);
    expect(c.assignee!.id).toBe(slow.id);
    await t.db.query(`UPDATE agents SET max_concurrent = 5 WHERE id = $1`, [quick.id]);
    await a.customerSend(v.contactToken, c.id, '有人吗?');
    const alert = await slow.ws.waitFor((f) => f.type === 'alert', 5000);
    expect(alert).toMatchObject({ kind: 'response_timeout', conversationId: c.id });
    expect(alert.waitedSeconds).toBeGreaterThanOrEqual(0);
    const moved = await waitFor(() => conversation(t, c.id), (x) => x.assigneeId === quick.id, 5000);
    expect(moved.waitingSince).toBeTruthy(); // the new agent sees the customer has been waiting
    const notes = await waitFor(() => messagesOf(t, c.id), (m) => m.some((x) => x.private && /致歉/.test(x.content)));
    expect(notes.find((m) => m.private)).toMatchObject({ senderType: 'system' });
    const overdue = await t.db.query(`SELECT data->>'action' AS action FROM events WHERE type = 'conversation.response_overdue' AND conversation_id = $1 ORDER BY id`, [c.id]);
    expect(overdue.map((r) => r.action)).toEqual(['reminded', 'reassigned']);
    // answering stops the clock
    await a.agentSend(quick.token, c.id, '抱歉让您久等了');
    expect((await conversation(t, c.id)).waitingSince).toBeNull();
    expect(await t.db.query(`SELECT 1 FROM timers WHERE key = $1`, [`response:${c.id}`])).toEqual([]);
    await t.db.query(`UPDATE conversations SET status = 'resolved'`);
  });

  it('超时自动结束会话: after the agent’s answer, silence brings a check-in, then the closing words and the end', async () => {
    await t.db.query(`UPDATE agents SET max_concurrent = 5`);
    await rawReception(t, {
      ...QUIET_RECEPTION,
      messages: { ...QUIET_RECEPTION.messages, idleCheckin: '请问您还在吗?', idleClose: '会话已结束, 感谢咨询。' },
      timeouts: { ...QUIET_RECEPTION.timeouts, idleCheckinMinutes: 0.01, idleCloseMinutes: 0.01 },
    });
    const v = track(await visitor(t));
    const c = await startConversation(t, v.contactToken);
    const assignee = (await conversation(t, c.id)).assigneeId;
    const token = await a.login((await t.db.query('SELECT email FROM agents WHERE id = $1', [assignee]))[0].email);
    await a.customerSend(v.contactToken, c.id, '运费怎么算?');
    await a.agentSend(token, c.id, '满 99 包邮');
    const ended = await waitFor(() => conversation(t, c.id), (x) => x.status === 'resolved', 8000);
    expect(ended.resolvedAt).toBeTruthy();
    const tail = (await messagesOf(t, c.id)).map((m) => [m.senderType, m.content]);
    expect(tail.slice(-3)).toEqual([
      ['agent', '满 99 包邮'],
      ['system', '请问您还在吗?'],
      ['system', '会话已结束, 感谢咨询。'],
    ]);
    const [ev] = await t.db.query(`SELECT data FROM events WHERE type = 'conversation.status_changed' AND conversation_id = $1 ORDER BY id DESC LIMIT 1`, [c.id]);
    expect(ev.data).toMatchObject({ to: 'resolved', reason: 'idle' });

    // a customer who answers the check-in keeps the conversation open
    const v2 = track(await visitor(t));
    const c2 = await startConversation(t, v2.contactToken);
    await a.customerSend(v2.contactToken, c2.id, '在吗');
    await a.agentSend(token, c2.id, '在的').catch(() => {});
    const assignee2 = (await conversation(t, c2.id)).assigneeId;
    const token2 = await a.login((await t.db.query('SELECT email FROM agents WHERE id = $1', [assignee2]))[0].email);
    await a.agentSend(token2, c2.id, '您好');
    await waitFor(() => messagesOf(t, c2.id), (m) => m.some((x) => x.content === '请问您还在吗?'), 5000);
    await a.customerSend(v2.contactToken, c2.id, '还在, 稍等');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await conversation(t, c2.id)).status).toBe('open');
    await t.db.query(`UPDATE conversations SET status = 'resolved'`);
  });

  it('a queued customer who closes the widget is recorded as abandoned after the grace period', async () => {
    await t.db.query(`UPDATE agents SET max_concurrent = 0`);
    await rawReception(t, { ...QUIET_RECEPTION, timeouts: { ...QUIET_RECEPTION.timeouts, queueAbandonSeconds: 0.3 } });
    const v = await visitor(t);
    const c = await startConversation(t, v.contactToken);
    expect((await conversation(t, c.id)).queuedAt).toBeTruthy();
    await v.ws.close();
    // the grace period checks the contact's presence heartbeat: pretend it is old
    await t.db.query(`UPDATE contacts SET last_seen_at = now() - interval '5 minutes' WHERE id = $1`, [v.contactId]);
    const gone = await waitFor(() => conversation(t, c.id), (x) => x.status === 'resolved', 5000);
    expect(gone.abandonedAt).toBeTruthy();
    const [ev] = await t.db.query(`SELECT data FROM events WHERE type = 'conversation.abandoned' AND conversation_id = $1`, [c.id]);
    expect(ev.data.reason).toBe('gone');
  });
});
