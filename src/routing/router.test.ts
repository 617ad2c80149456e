import { describe, expect, it } from 'vitest';
import { api } from '../../test/helpers/api.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { receptionCaughtUp, conversation, onlineAgent, setReception, startConversation, visitor, waitFor } from '../../test/helpers/reception.js';
import { WsClient } from '../../test/helpers/ws.js';
import { useTestApp } from '../../test/helpers/suite.js';

/**
 * Routing through the real app: skill groups, strategies, 接待上限, queues,
 * stickiness, VIP, transfers and escalation, on PGlite and PostgreSQL.
 */
describe.each(DB_KINDS)('routing on %s', (kind) => {
  const { t, a, sockets } = useTestApp(kind, { listen: true });
  const admin = () => t.adminToken;
  const group = async (body: object) => {
    const r = await a.inject('POST', '/api/v1/skill-groups', { token: admin(), payload: body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: number };
  };
  const agent = async (opts: Parameters<typeof onlineAgent>[1]) => {
    const ag = await onlineAgent(t, opts);
    sockets.push(ag.ws);
    return ag;
  };
  const customer = async (opts: Parameters<typeof visitor>[1] = {}) => {
    const v = await visitor(t, opts);
    sockets.push(v.ws);
    return v;
  };
  const resolve = (token: string, id: number) => a.inject('POST', `/api/v1/conversations/${id}/status`, { token, payload: { status: 'resolved' } });

  it('a pre-chat topic routes to its skill group; nobody goes above their limit; a freed slot pulls the oldest waiting customer', async () => {
    const sales = await agent({ email: 'sales@x.test', name: '销售小张', max: 2 });
    const after1 = await agent({ email: 'after1@x.test', name: '售后小王', max: 1, agentNo: '1024' });
    const after2 = await agent({ email: 'after2@x.test', name: '售后小李', max: 1 });
    const orders = await group({ name: '订单问题', memberIds: [sales.id] });
    const afterSales = await group({ name: '售后', memberIds: [after1.id, after2.id], leaderId: after1.id });
    await setReception(t, { preChat: { enabled: true, topics: [{ label: '订单问题', groupId: orders.id }, { label: '售后', groupId: afterSales.id }] } });

    const v1 = await customer();
    const c1 = await startConversation(t, v1.contactToken, { topic: '售后', name: '王先生' });
    expect(c1.assignee).not.toBeNull();
    expect([after1.id, after2.id]).toContain(c1.assignee!.id);
    const first = await conversation(t, c1.id);
    expect(first).toMatchObject({ groupId: afterSales.id, topic: '售后', handler: 'human', contactName: '王先生' });

    const v2 = await customer();
    const c2 = await startConversation(t, v2.contactToken, { topic: '售后' });
    expect(c2.assignee?.id).not.toBe(c1.assignee!.id); // load balanced: the other one

    // both after-sales agents are full now: the third customer queues and is told so
    const v3 = await customer();
    const c3 = await startConversation(t, v3.contactToken, { topic: '售后' });
    expect(c3.assignee).toBeNull();
    expect((await conversation(t, c3.id)).queuedAt).toBeTruthy();
    const pos = await v3.ws.waitFor((f) => f.type === 'queue' && f.conversationId === c3.id);
    expect(pos).toMatchObject({ position: 1 });
    expect(pos.etaSeconds).toBeGreaterThan(0);
    const v4 = await customer();
    const c4 = await startConversation(t, v4.contactToken, { topic: '售后' });
    expect((await v4.ws.waitFor((f) => f.type === 'queue' && f.conversationId === c4.id)).position).toBe(2);

    // a reconnecting customer learns their place at once (no need to wait for the queue to move)
    const again = await WsClient.connect(t.url);
    sockets.push(again);
    await again.hello({ inboxToken: t.inbox.token, contactToken: v4.contactToken });
    expect(await again.waitFor((f) => f.type === 'queue' && f.conversationId === c4.id)).toMatchObject({ position: 2 });
    await again.close();

    // the sales agent (other group) is never used for 售后
    expect((await conversation(t, c4.id)).assigneeId).toBeNull();

    // an agent finishes: the oldest waiting customer gets them at once, and the next one moves up
    const serving = [after1, after2].find((x) => x.id === c1.assignee!.id)!;
    await resolve(serving.token, c1.id);
    expect((await waitFor(() => conversation(t, c3.id), (x) => x.assigneeId !== null)).assigneeId).toBe(serving.id);
    expect((await v4.ws.next((f) => f.type === 'queue' && f.conversationId === c4.id)).position).toBe(1);
    const assigned = await v3.ws.waitFor((f) => f.type === 'conversation' && f.change === 'assigned' && f.conversation.id === c3.id);
    expect(assigned.conversation.assignee).toMatchObject({ id: serving.id });

    const loads = await t.db.query(`SELECT assignee_id, count(*) AS n FROM conversations WHERE status = 'open' AND assignee_id IS NOT NULL GROUP BY assignee_id`);
    for (const l of loads) expect(Number(l.n)).toBeLessThanOrEqual(l.assignee_id === sales.id ? 2 : 1);

    // 放弃排队: the last customer gives up
    const left = await a.inject('POST', `${a.widgetBase}/conversations/${c4.id}/leave-queue`, { contactToken: v4.contactToken });
    expect(left.body).toEqual({ abandoned: true });
    const gone = await conversation(t, c4.id);
    expect(gone).toMatchObject({ status: 'resolved', queuedAt: null });
    expect(gone.abandonedAt).toBeTruthy();
    const [ev] = await t.db.query(`SELECT data FROM events WHERE type = 'conversation.abandoned' AND conversation_id = $1`, [c4.id]);
    expect(ev.data.reason).toBe('left');

    // clean up for the next tests
    for (const c of [c2.id, c3.id]) await a.inject('POST', `/api/v1/conversations/${c}/status`, { token: admin(), payload: { status: 'resolved' } });
    await setReception(t, { preChat: { enabled: false, topics: [] } });
  });

  it('capacity holds under a burst of concurrent customers', async () => {
    const g = await group({ name: 'burst', memberIds: [] });
    const x = await agent({ email: 'bx@x.test', name: 'BX', max: 3 });
    const y = await agent({ email: 'by@x.test', name: 'BY', max: 3 });
    await a.inject('PATCH', `/api/v1/skill-groups/${g.id}`, { token: admin(), payload: { memberIds: [x.id, y.id] } });
    await setReception(t, { defaultGroupId: g.id });
    const visitors = await Promise.all(Array.from({ length: 14 }, () => customer()));
    const convs = await Promise.all(visitors.map((v) => startConversation(t, v.contactToken)));
    const rows = await t.db.query(`SELECT assignee_id, count(*) AS n FROM conversations WHERE id = ANY($1::bigint[]) GROUP BY assignee_id`, [convs.map((c) => c.id)]);
    const by = new Map(rows.map((r) => [r.assignee_id, Number(r.n)]));
    expect(by.get(x.id)).toBe(3);
    expect(by.get(y.id)).toBe(3);
    expect(by.get(null)).toBe(8);
    // and concurrent manual grabs from the queue cannot push an agent over either
    const queued = (await t.db.query(`SELECT id FROM conversations WHERE id = ANY($1::bigint[]) AND assignee_id IS NULL`, [convs.map((c) => c.id)])).map((r) => r.id);
    await a.inject('PATCH', `/api/v1/agents/${x.id}`, { token: admin(), payload: { maxConcurrent: 4 } });
    const grabs = await Promise.all(queued.map((id) => a.inject('POST', `/api/v1/conversations/${id}/assign`, { token: x.token, payload: { assigneeId: x.id } })));
    const ok = grabs.filter((g2) => g2.status === 200).length;
    const [load] = await t.db.query(`SELECT count(*) AS n FROM conversations WHERE assignee_id = $1 AND status = 'open'`, [x.id]);
    expect(Number(load.n)).toBe(4);
    expect(ok).toBeLessThanOrEqual(1);
    const full = grabs.find((g2) => g2.status === 409);
    expect(full?.body.error).toMatchObject({ code: 'agent_full', details: { limit: 4 } });
    await t.db.query(`UPDATE conversations SET status = 'resolved', queued_at = NULL WHERE id = ANY($1::bigint[])`, [convs.map((c) => c.id)]);
    await setReception(t, { defaultGroupId: null });
  });

  it('round robin takes turns; manual groups wait to be picked', async () => {
    const p = await agent({ email: 'rr1@x.test', name: 'RR1', max: 10 });
    const q = await agent({ email: 'rr2@x.test', name: 'RR2', max: 10 });
    const rr = await group({ name: '轮流', strategy: 'round_robin', memberIds: [p.id, q.id], sticky: false });
    await setReception(t, { defaultGroupId: rr.id });
    const got: number[] = [];
    for (let i = 0; i < 4; i++) got.push((await startConversation(t, (await customer()).contactToken)).assignee!.id);
    expect(got[0]).not.toBe(got[1]);
    expect(got[2]).toBe(got[0]);
    expect(got[3]).toBe(got[1]);

    const manual = await group({ name: '手动', strategy: 'manual', memberIds: [p.id] });
    await setReception(t, { defaultGroupId: manual.id });
    const c = await startConversation(t, (await customer()).contactToken);
    expect(c.assignee).toBeNull();
    const take = await a.inject('POST', `/api/v1/conversations/${c.id}/assign`, { token: p.token, payload: { assigneeId: p.id } });
    expect(take.body).toMatchObject({ assigneeId: p.id, queuedAt: null, handler: 'human' });
    await t.db.query(`UPDATE conversations SET status = 'resolved' WHERE assignee_id = ANY($1::bigint[])`, [[p.id, q.id]]);
    await setReception(t, { defaultGroupId: null });
  });

  it('returning customers go back to their last agent; VIP customers jump the queue; away agents keep chats but get no new ones', async () => {
    const m = await agent({ email: 's1@x.test', name: 'S1', max: 1 });
    const n = await agent({ email: 's2@x.test', name: 'S2', max: 5 });
    const g = await group({ name: '回头客', memberIds: [m.id, n.id], sticky: true });
    await setReception(t, { defaultGroupId: g.id });
    const back = await customer();
    const first = await startConversation(t, back.contactToken);
    const servedBy = first.assignee!.id;
    await resolve(servedBy === m.id ? m.token : n.token, first.id);
    const again = await startConversation(t, back.contactToken);
    expect(again.assignee!.id).toBe(servedBy);
    await resolve(servedBy === m.id ? m.token : n.token, again.id);

    // fill everyone, then queue a regular and a VIP customer: the VIP is served first
    await a.inject('PATCH', `/api/v1/agents/${n.id}`, { token: admin(), payload: { maxConcurrent: 1 } });
    const busy = await Promise.all([customer(), customer()]);
    const held = await Promise.all(busy.map((v) => startConversation(t, v.contactToken)));
    expect(held.every((c) => c.assignee)).toBe(true);
    const regular = await customer();
    const vip = await customer();
    await a.inject('PATCH', `/api/v1/contacts/${vip.contactId}`, { token: admin(), payload: { vip: true } });
    const cr = await startConversation(t, regular.contactToken);
    const cv = await startConversation(t, vip.contactToken);
    expect((await conversation(t, cv.id)).priority).toBe(1);
    expect((await vip.ws.waitFor((f) => f.type === 'queue' && f.conversationId === cv.id)).position).toBe(1);
    // marking a waiting customer VIP moves them up at once, and both waiting customers hear their new place
    const late = await customer();
    const cl = await startConversation(t, late.contactToken);
    expect((await late.ws.waitFor((f) => f.type === 'queue' && f.conversationId === cl.id)).position).toBe(3);
    await a.inject('PATCH', `/api/v1/contacts/${late.contactId}`, { token: admin(), payload: { vip: true } });
    await late.ws.waitFor((f) => f.type === 'queue' && f.conversationId === cl.id && f.position === 2);
    await regular.ws.waitFor((f) => f.type === 'queue' && f.conversationId === cr.id && f.position === 3);
    await a.inject('PATCH', `/api/v1/contacts/${late.contactId}`, { token: admin(), payload: { vip: false } });
    await a.inject('POST', `${a.widgetBase}/conversations/${cl.id}/leave-queue`, { contactToken: late.contactToken });
    const freed = held[0].assignee!.id;
    await resolve(freed === m.id ? m.token : n.token, held[0].id);
    expect((await waitFor(() => conversation(t, cv.id), (x) => x.assigneeId !== null)).assigneeId).toBe(freed);
    expect((await conversation(t, cr.id)).assigneeId).toBeNull();

    // 小休: the other agent goes away and finishes: keeps nothing new
    const other = freed === m.id ? n : m;
    other.ws.send({ type: 'presence', availability: 'away' });
    await waitFor(() => t.db.query('SELECT availability FROM agents WHERE id = $1', [other.id]), (r) => r[0].availability === 'away');
    await resolve(other.token, held[1].id);
    await receptionCaughtUp(t);
    expect((await conversation(t, cr.id)).assigneeId).toBeNull();
    // back online: the waiting customer is served at once
    other.ws.send({ type: 'presence', availability: 'online' });
    await waitFor(() => conversation(t, cr.id), (c) => c.assigneeId === other.id);
    await t.db.query(`UPDATE conversations SET status = 'resolved' WHERE assignee_id = ANY($1::bigint[])`, [[m.id, n.id]]);
    await setReception(t, { defaultGroupId: null });
  });

  it('transfers to an agent or a group with a note the receiver sees, and escalates to the group leader', async () => {
    const lead = await agent({ email: 'lead@x.test', name: '组长老陈', max: 1, role: 'supervisor' });
    const u = await agent({ email: 'u@x.test', name: 'U', max: 5 });
    const w = await agent({ email: 'w@x.test', name: 'W', max: 1 });
    const g1 = await group({ name: '一组', memberIds: [u.id], leaderId: lead.id, sticky: false });
    const g2 = await group({ name: '二组', memberIds: [w.id], sticky: false });
    await setReception(t, { defaultGroupId: g1.id });
    const v = await customer();
    const c = await startConversation(t, v.contactToken);
    expect(c.assignee!.id).toBe(u.id);

    // to a group: routed there (W has room)
    const toGroup = await a.inject('POST', `/api/v1/conversations/${c.id}/transfer`, { token: u.token, payload: { target: { type: 'group', groupId: g2.id }, note: '客户要退货, 请二组处理' } });
    expect(toGroup.status).toBe(200);
    expect(toGroup.body).toMatchObject({ groupId: g2.id });
    expect(await waitFor(() => conversation(t, c.id), (x) => x.assigneeId !== null)).toMatchObject({ groupId: g2.id, assigneeId: w.id });
    const notes = await a.inject('GET', `/api/v1/conversations/${c.id}/messages`, { token: w.token });
    expect(notes.body.messages.find((m: any) => m.private && m.content.includes('请二组处理'))).toBeTruthy();
    const customerView = await a.inject('GET', `${a.widgetBase}/conversations/${c.id}/messages`, { contactToken: v.contactToken });
    expect(JSON.stringify(customerView.body)).not.toContain('请二组处理');

    // to an agent who is full: refused, naming the limit
    const v2 = await customer();
    await setReception(t, { defaultGroupId: g2.id });
    const c2 = await startConversation(t, v2.contactToken); // W is full: queued
    expect(c2.assignee).toBeNull();
    const full = await a.inject('POST', `/api/v1/conversations/${c.id}/transfer`, { token: w.token, payload: { target: { type: 'agent', agentId: w.id } } });
    expect(full.body.error.code).toBe('same_agent');
    await a.inject('POST', `/api/v1/conversations/${c2.id}/assign`, { token: admin(), payload: { assigneeId: u.id } });
    const toW = await a.inject('POST', `/api/v1/conversations/${c2.id}/transfer`, { token: u.token, payload: { target: { type: 'agent', agentId: w.id } } });
    expect(toW.status).toBe(409);
    expect(toW.body.error).toMatchObject({ code: 'agent_full', details: { load: 1, limit: 1 } });
    // an agent cannot force it; a supervisor can (the note still reaches the receiver)
    const notForced = await a.inject('POST', `/api/v1/conversations/${c2.id}/transfer`, { token: u.token, payload: { target: { type: 'agent', agentId: w.id }, force: true } });
    expect(notForced.status).toBe(409);
    const forced = await a.inject('POST', `/api/v1/conversations/${c2.id}/transfer`, { token: lead.token, payload: { target: { type: 'agent', agentId: w.id }, force: true, note: '组长安排' } });
    expect(forced.body).toMatchObject({ assigneeId: w.id });
    await a.inject('POST', `/api/v1/conversations/${c2.id}/assign`, { token: admin(), payload: { assigneeId: u.id } });

    // escalation to the 组长 of the conversation's group
    const noLeader = await a.inject('POST', `/api/v1/conversations/${c.id}/transfer`, { token: w.token, payload: { target: { type: 'leader' } } });
    expect(noLeader.body.error.code).toBe('no_leader'); // 二组 has none
    await a.inject('POST', `/api/v1/conversations/${c2.id}/transfer`, { token: u.token, payload: { target: { type: 'group', groupId: g1.id } } });
    await waitFor(() => conversation(t, c2.id), (x) => x.assigneeId === u.id);
    const up = await a.inject('POST', `/api/v1/conversations/${c2.id}/transfer`, { token: u.token, payload: { target: { type: 'leader' }, note: '客户情绪激动' } });
    expect(up.body).toMatchObject({ assigneeId: lead.id });
    const [tr] = await t.db.query(`SELECT data FROM events WHERE type = 'conversation.transferred' AND conversation_id = $1 ORDER BY id DESC LIMIT 1`, [c2.id]);
    expect(tr.data).toMatchObject({ kind: 'leader', toAgentId: lead.id, note: '客户情绪激动' });

    // an agent cannot transfer someone else's conversation
    const steal = await a.inject('POST', `/api/v1/conversations/${c2.id}/transfer`, { token: w.token, payload: { target: { type: 'agent', agentId: w.id } } });
    expect(steal.status).toBe(403);
    await t.db.query(`UPDATE conversations SET status = 'resolved' WHERE id = ANY($1::bigint[])`, [[c.id, c2.id]]);
    await setReception(t, { defaultGroupId: null });
  });

  it('an agent who closes their last console is off duty at once', async () => {
    const solo = await group({ name: '单人组', memberIds: [] });
    const z = await onlineAgent(t, { email: 'leaver@x.test', name: 'Leaver', max: 5 });
    await a.inject('PATCH', `/api/v1/skill-groups/${solo.id}`, { token: admin(), payload: { memberIds: [z.id] } });
    await setReception(t, { defaultGroupId: solo.id });
    await z.ws.close();
    await waitFor(() => t.db.query(`SELECT last_seen_at < now() - interval '1 minute' AS stale FROM agents WHERE id = $1`, [z.id]), (r) => r[0].stale);
    const c = await startConversation(t, (await customer()).contactToken);
    expect(c.assignee).toBeNull();
    expect((await conversation(t, c.id)).handler).toBe('offline');
    await setReception(t, { defaultGroupId: null });
  });

  it('supervisors see every queue with agent load; agents see their own groups', async () => {
    const r = await a.inject('GET', '/api/v1/queues', { token: admin() });
    expect(r.status).toBe(200);
    const names = r.body.queues.map((q: any) => q.group?.name ?? '全部客服');
    expect(names).toEqual(expect.arrayContaining(['全部客服', '售后', '订单问题']));
    const after = r.body.queues.find((q: any) => q.group?.name === '售后');
    expect(after.agents.map((x: any) => x.name).sort()).toEqual(['售后小李', '售后小王']);
    for (const x of after.agents) expect(x).toMatchObject({ connected: true, max: 1 });
    const agentToken = await a.login('u@x.test');
    const mine = await a.inject('GET', '/api/v1/queues', { token: agentToken });
    expect(mine.body.queues.map((q: any) => q.group?.name ?? null)).toEqual([null, '一组']);
  });
});
