import { beforeAll, describe, expect, it } from 'vitest';
import { insertAgent } from '../../commands/agents.js';
import { insertInbox } from '../../commands/inboxes.js';
import { api } from '../../../test/helpers/api.js';
import { DB_KINDS } from '../../../test/helpers/env.js';
import { useTestApp } from '../../../test/helpers/suite.js';

describe.each(DB_KINDS)('conversations API on %s', (kind) => {
  const { t, a } = useTestApp(kind);
  let agentToken: string;
  let agentId: number;
  beforeAll(async () => {
    const agent = await a.createAgent(t.adminToken, { email: 'xiaowang@zhike.test', name: '小王', agentNo: '1024' });
    agentId = agent.id;
    agentToken = await a.login('xiaowang@zhike.test');
  });

  it('a customer message arrives in the unassigned list with seq 1 and an unread count', async () => {
    const { contactToken } = await a.newContact({ name: '张三' });
    const conv = await a.newConversation(contactToken);
    const sent = await a.customerSend(contactToken, conv.id, '我的订单还没到');
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ seq: 1, senderType: 'customer', senderName: '张三', content: '我的订单还没到' });
    expect(sent.body).not.toHaveProperty('private');

    const list = await a.inject('GET', '/api/v1/conversations?assignee=unassigned&status=open', { token: agentToken });
    expect(list.status).toBe(200);
    const item = list.body.conversations.find((c: any) => c.id === conv.id);
    expect(item).toMatchObject({ contactName: '张三', unreadCount: 1, lastSeq: 1, lastMessagePreview: '我的订单还没到', assigneeId: null });
    expect(list.body.counts.unassigned).toBeGreaterThanOrEqual(1);
  });

  it('a resend with the same clientMessageId returns the original, never a copy', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const first = await a.customerSend(contactToken, conv.id, 'hello', 'cid-1');
    const again = await a.customerSend(contactToken, conv.id, 'hello (resent)', 'cid-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // concurrent resends: still exactly one message
    const burst = await Promise.all(Array.from({ length: 10 }, () => a.customerSend(contactToken, conv.id, 'same', 'cid-2')));
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
    const rows = await t.db.query('SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq', [conv.id]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('a burst across many conversations, resends mixed in, is written together and each message stored once', async () => {
    const convs = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const { contactToken } = await a.newContact();
        return { contactToken, id: (await a.newConversation(contactToken)).id };
      }),
    );
    const sends = convs.flatMap((c, i) => [
      a.customerSend(c.contactToken, c.id, `first ${i}`, `burst-${i}-a`),
      a.customerSend(c.contactToken, c.id, `first ${i} (resent)`, `burst-${i}-a`),
      a.customerSend(c.contactToken, c.id, `second ${i}`, `burst-${i}-b`),
    ]);
    const results = await Promise.all(sends);
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    for (const [i, c] of convs.entries()) {
      const rows = await t.db.query('SELECT seq, client_message_id FROM messages WHERE conversation_id = $1 ORDER BY seq', [c.id]);
      expect(rows.map((r) => r.seq)).toEqual([1, 2]);
      expect(rows.map((r) => r.client_message_id).sort()).toEqual([`burst-${i}-a`, `burst-${i}-b`]);
      const resent = results[i * 3 + 1];
      expect(resent.body.id).toBe(results[i * 3].body.id); // the resend answered with the original
    }
    const events = await t.db.query(
      `SELECT conversation_id, count(*) AS n FROM events WHERE type = 'message.created' AND conversation_id = ANY($1::bigint[]) GROUP BY conversation_id`,
      [convs.map((c) => c.id)],
    );
    expect(events.map((e) => Number(e.n))).toEqual(Array(30).fill(2));
  });

  it('concurrent senders get distinct, gapless seqs', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await Promise.all(Array.from({ length: 20 }, (_, i) => a.customerSend(contactToken, conv.id, `m${i}`)));
    const rows = await t.db.query('SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq', [conv.id]);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('agents reply, add private notes the customer never sees, and resync with ?after=', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, '在吗');
    const reply = await a.agentSend(agentToken, conv.id, '您好, 我是小王', { clientMessageId: 'r1' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ seq: 2, senderType: 'agent', senderName: '小王', private: false });
    const note = await a.agentSend(agentToken, conv.id, '客户情绪激动, 注意安抚', { private: true });
    expect(note.body).toMatchObject({ seq: 3, private: true });

    // replying to an unassigned conversation takes it (接入)
    const c = await a.inject('GET', `/api/v1/conversations/${conv.id}`, { token: agentToken });
    expect(c.body.assigneeId).toBe(agentId);

    const agentView = await a.inject('GET', `/api/v1/conversations/${conv.id}/messages?after=1`, { token: agentToken });
    expect(agentView.body.messages.map((m: any) => m.seq)).toEqual([2, 3]);
    const customerView = await a.inject('GET', `${a.widgetBase}/conversations/${conv.id}/messages?after=0`, { contactToken });
    expect(customerView.body.messages.map((m: any) => m.content)).toEqual(['在吗', '您好, 我是小王']);
    expect(JSON.stringify(customerView.body)).not.toContain('注意安抚');
    expect(customerView.body.conversation.assignee).toEqual({ id: agentId, name: '小王', agentNo: '1024' });
  });

  it('limits message size with an error naming the limit', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const long = await a.customerSend(contactToken, conv.id, 'x'.repeat(5001));
    expect(long.status).toBe(400);
    expect(long.body.error).toMatchObject({ code: 'message_too_long', details: { limit: 5000 } });
    expect(long.body.error.message).toMatch(/5000/);
    const ok = await a.customerSend(contactToken, conv.id, '好'.repeat(5000));
    expect(ok.status).toBe(201);
    const empty = await a.customerSend(contactToken, conv.id, '   ');
    expect(empty.body.error.code).toBe('message_empty');
    const garbage = await a.inject('POST', `${a.widgetBase}/conversations/${conv.id}/messages`, { contactToken, payload: { content: 5 } });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('invalid_request');
  });

  it('assign, transfer, resolve and reopen follow roles', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const other = await a.createAgent(t.adminToken, { email: 'xiaoli@zhike.test', name: '小李' });
    const otherToken = await a.login('xiaoli@zhike.test');

    // an agent cannot hand an unassigned conversation to someone else
    const push = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: agentToken, payload: { assigneeId: other.id } });
    expect(push.status).toBe(403);
    // but can take it, then transfer it
    const take = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: agentToken, payload: { assigneeId: agentId } });
    expect(take.body.assigneeId).toBe(agentId);
    const steal = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: otherToken, payload: { assigneeId: other.id } });
    expect(steal.status).toBe(403);
    const notYours = await a.inject('POST', `/api/v1/conversations/${conv.id}/status`, { token: otherToken, payload: { status: 'resolved' } });
    expect(notYours.status).toBe(403);
    const blocked = await a.agentSend(otherToken, conv.id, 'hi');
    expect(blocked.status).toBe(403);
    expect((await a.agentSend(otherToken, conv.id, 'note', { private: true })).status).toBe(201);
    const transfer = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: agentToken, payload: { assigneeId: other.id } });
    expect(transfer.body.assigneeId).toBe(other.id);
    // a supervisor (here the admin) assigns anything
    const back = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: agentId } });
    expect(back.body.assigneeId).toBe(agentId);

    const resolved = await a.inject('POST', `/api/v1/conversations/${conv.id}/status`, { token: agentToken, payload: { status: 'resolved' } });
    expect(resolved.body).toMatchObject({ status: 'resolved' });
    expect(resolved.body.resolvedAt).toBeTruthy();
    const late = await a.customerSend(contactToken, conv.id, 'one more thing');
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('conversation_resolved');
    expect((await a.agentSend(agentToken, conv.id, 'hi')).body.error.code).toBe('conversation_resolved');
    const bad = await a.inject('POST', `/api/v1/conversations/${conv.id}/status`, { token: agentToken, payload: { status: 'pending' } });
    expect(bad.status).toBe(409);
    const reopened = await a.inject('POST', `/api/v1/conversations/${conv.id}/status`, { token: agentToken, payload: { status: 'open' } });
    expect(reopened.body).toMatchObject({ status: 'open', resolvedAt: null });

    const events = await t.db.query(
      `SELECT type, data FROM events WHERE conversation_id = $1 AND type IN ('conversation.created', 'conversation.assigned', 'message.created', 'conversation.status_changed') ORDER BY id`,
      [conv.id],
    );
    expect(events.map((e) => e.type)).toEqual([
      'conversation.created',
      'conversation.assigned',
      'message.created',
      'conversation.assigned',
      'conversation.assigned',
      'conversation.status_changed',
      'conversation.status_changed',
    ]);
    expect(events[5].data).toEqual({ from: 'open', to: 'resolved' });
  });

  it('filters by tab and status, and pages with a cursor', async () => {
    const mine = await a.inject('GET', '/api/v1/conversations?assignee=mine&status=all', { token: agentToken });
    expect(mine.body.conversations.every((c: any) => c.assigneeId === agentId)).toBe(true);
    const resolved = await a.inject('GET', '/api/v1/conversations?status=resolved', { token: agentToken });
    expect(resolved.body.conversations.every((c: any) => c.status === 'resolved')).toBe(true);
    const page1 = await a.inject('GET', '/api/v1/conversations?status=all&limit=2', { token: agentToken });
    expect(page1.body.conversations).toHaveLength(2);
    const page2 = await a.inject('GET', `/api/v1/conversations?status=all&limit=2&before=${encodeURIComponent(page1.body.nextCursor)}`, { token: agentToken });
    const ids1 = page1.body.conversations.map((c: any) => c.id);
    for (const c of page2.body.conversations) expect(ids1).not.toContain(c.id);
  });

  it('keeps workspaces apart: another workspace sees nothing and reaches nothing', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, 'private business');
    const [ws] = await t.db.query(`INSERT INTO workspaces (name) VALUES ('别家') RETURNING id`);
    await insertAgent(t.db, ws.id, { email: 'boss@other.test', name: 'Other', role: 'admin', password: 'other-pass-1' });
    const otherInbox = await insertInbox(t.db, ws.id, 'other', {});
    const token = await a.login('boss@other.test', 'other-pass-1');

    const list = await a.inject('GET', '/api/v1/conversations?status=all', { token });
    expect(list.body.conversations).toEqual([]);
    for (const [method, url, payload] of [
      ['GET', `/api/v1/conversations/${conv.id}`],
      ['GET', `/api/v1/conversations/${conv.id}/messages`],
      ['POST', `/api/v1/conversations/${conv.id}/messages`, { content: 'x' }],
      ['POST', `/api/v1/conversations/${conv.id}/assign`, { assigneeId: null }],
      ['POST', `/api/v1/conversations/${conv.id}/status`, { status: 'resolved' }],
      ['GET', `/api/v1/contacts/1`],
    ] as const) {
      const r = await a.inject(method, url, { token, payload });
      expect(r.status, `${method} ${url}`).toBe(404);
    }
    // a contact token of one inbox's workspace is useless on another workspace's inbox
    const cross = await a.inject('GET', `/api/v1/widget/${otherInbox.token}/conversations`, { contactToken });
    expect(cross.status).toBe(401);
    // and an agent cannot assign to an agent of another workspace
    const [foreign] = await t.db.query(`SELECT id FROM agents WHERE email = 'boss@other.test'`);
    const r = await a.inject('POST', `/api/v1/conversations/${conv.id}/assign`, { token: t.adminToken, payload: { assigneeId: foreign.id } });
    expect(r.status).toBe(404);
  });

  it('marks read and clears the unread count', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    await a.customerSend(contactToken, conv.id, 'a');
    await a.customerSend(contactToken, conv.id, 'b');
    expect((await a.inject('GET', `/api/v1/conversations/${conv.id}`, { token: agentToken })).body.unreadCount).toBe(2);
    const read = await a.inject('POST', `/api/v1/conversations/${conv.id}/read`, { token: agentToken });
    expect(read.body.unreadCount).toBe(0);
  });
});
