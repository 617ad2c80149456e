import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUIET_RECEPTION } from '../../test/helpers/app.js';
import { DB_KINDS } from '../../test/helpers/env.js';
import { consumersCaughtUp } from '../../test/helpers/reception.js';
import { useTestApp } from '../../test/helpers/suite.js';
import { WsClient } from '../../test/helpers/ws.js';
import { insertInbox } from '../commands/inboxes.js';

/**
 * 客户画像, one customer everywhere (docs/identity.md), over the real server on both databases:
 * the site signs its user's id with the inbox's identity secret; a wrong, expired or future
 * signature is refused; an anonymous visitor who identifies as a known customer is merged
 * into them, history kept, their token standing for the customer (HTTP and WebSocket); only
 * the signed user id joins contacts; a visitor identified as one user cannot become another.
 */
describe.each(DB_KINDS)('signed identity on %s', (kind) => {
  // ratings on, so a conversation a merge ends could (wrongly) ask for one
  const { t, a, sockets } = useTestApp(kind, { listen: true, reception: { ...QUIET_RECEPTION, csat: { enabled: true } } });
  const w = (rest: string) => `${a.widgetBase}${rest}`;
  const now = () => Math.floor(Date.now() / 1000);
  let secret = '';
  const sign = (userId: string, timestamp = now(), key = secret) => crypto.createHmac('sha256', key).update(`${userId}.${timestamp}`).digest('hex');
  const identify = async (contactToken: string, userId: string, extra: object = {}, timestamp = now()) =>
    a.inject('POST', w('/identify'), { contactToken, payload: { userId, timestamp, signature: sign(userId, timestamp), ...extra } });
  /** A visitor of the widget with an open conversation holding `text`. */
  const visitorSaying = async (text: string) => {
    const { contactToken, contact } = await a.newContact({});
    const conv = await a.newConversation(contactToken);
    expect((await a.customerSend(contactToken, conv.id, text)).status).toBe(201);
    return { contactToken, contactId: contact.id, conversationId: conv.id };
  };
  const contactRow = async (id: number) => (await t.db.query('SELECT * FROM contacts WHERE id = $1', [id]))[0];
  beforeAll(async () => {
    secret = (await a.inject('GET', '/api/v1/inboxes', { token: t.adminToken })).body.inboxes[0].identitySecret;
  });

  it('shows admins the inbox’s identity secret, and nobody else', async () => {
    const r = await a.inject('GET', '/api/v1/inboxes', { token: t.adminToken });
    expect(r.body.inboxes[0].identitySecret).toMatch(/^[0-9a-f]{64}$/);
    expect(r.body.inboxes[0].identitySecret).toBe(secret);
    // the same on every read
    expect((await a.inject('GET', '/api/v1/inboxes', { token: t.adminToken })).body.inboxes[0].identitySecret).toBe(secret);
    const agent = await a.createAgent(t.adminToken, { email: `agent-${kind}@identity.test`, name: '小王' });
    const seen = await a.inject('GET', '/api/v1/inboxes', { token: await a.login(agent.email) });
    expect(seen.status).toBe(200);
    expect(seen.body.inboxes[0].identitySecret).toBeUndefined();
  });

  it('accepts a signed identity, and refuses it wrong, expired, from the future or unsigned', async () => {
    const v = await visitorSaying('你好');
    for (const [payload, code] of [
      [{ userId: 'u-1', timestamp: now(), signature: sign('u-2') }, 'identity_invalid'],
      [{ userId: 'u-1', timestamp: now(), signature: sign('u-1', now(), 'another secret') }, 'identity_invalid'],
      [{ userId: 'u-1', timestamp: now(), signature: 'not hex' }, 'identity_invalid'],
      [{ userId: 'u-1', timestamp: now() - 601, signature: sign('u-1', now() - 601) }, 'identity_expired'],
      [{ userId: 'u-1', timestamp: now() + 3600, signature: sign('u-1', now() + 3600) }, 'identity_expired'],
    ] as const) {
      const r = await a.inject('POST', w('/identify'), { contactToken: v.contactToken, payload });
      expect(r.status, JSON.stringify(payload)).toBe(401);
      expect(r.body.error.code).toBe(code);
    }
    expect((await a.inject('POST', w('/identify'), { contactToken: v.contactToken, payload: { userId: 'u-1', timestamp: now() } })).status).toBe(400);
    expect((await a.inject('POST', w('/identify'), { payload: { userId: 'u-1', timestamp: now(), signature: sign('u-1') } })).status).toBe(401);
    expect((await contactRow(v.contactId)).external_id).toBeNull();

    const ts = now() - 300; // signed five minutes ago, when the page loaded: still good
    const ok = await identify(v.contactToken, 'u-1', { name: '张三', email: 'zhang@example.com', phone: '138 0013 8000' }, ts);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toEqual({ contact: { id: v.contactId, name: '张三' }, merged: false });
    const row = await contactRow(v.contactId);
    expect(row.external_id).toBe('u-1');
    // e-mail and phone are the site's claims, kept as such (not the contact's own fields)
    expect(row.attributes.identity).toMatchObject({ userId: 'u-1', claims: { name: '张三', email: 'zhang@example.com', phone: '138 0013 8000' } });
    expect(row.email).toBeNull();
    // a page reload within the ten minutes may send it again
    expect((await identify(v.contactToken, 'u-1', {}, ts)).body).toEqual({ contact: { id: v.contactId, name: '张三' }, merged: false });
  });

  it('merges an anonymous visitor into the known customer: history kept, the token now theirs', async () => {
    // the customer, known from another device, with an ended conversation
    const known = await visitorSaying('上周买的耳机有杂音');
    await identify(known.contactToken, 'u-merge');
    await a.inject('POST', `/api/v1/conversations/${known.conversationId}/status`, { token: t.adminToken, payload: { status: 'resolved' } });
    // an anonymous visitor on this device writes, then logs in on the site
    const visitor = await visitorSaying('我想换一副新的');
    const r = await identify(visitor.contactToken, 'u-merge');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ contact: { id: known.contactId, name: null }, merged: true });

    // the visitor's token now opens the customer's contact, with both conversations
    const list = await a.inject('GET', w('/conversations'), { contactToken: visitor.contactToken });
    expect(list.body.conversations.map((c: any) => c.id).sort()).toEqual([known.conversationId, visitor.conversationId].sort());
    const history = await a.inject('GET', w(`/conversations/${visitor.conversationId}/messages`), { contactToken: visitor.contactToken });
    expect(history.body.messages.map((m: any) => m.content)).toContain('我想换一副新的');
    // and goes on writing in its conversation
    expect((await a.customerSend(visitor.contactToken, visitor.conversationId, '型号是 X1')).status).toBe(201);
    const [conv] = await t.db.query('SELECT contact_id FROM conversations WHERE id = $1', [visitor.conversationId]);
    expect(conv.contact_id).toBe(known.contactId);
    expect((await contactRow(visitor.contactId)).merged_into).toBe(known.contactId);
    const [event] = await t.db.query(`SELECT data FROM events WHERE type = 'contact.merged' ORDER BY id DESC LIMIT 1`);
    expect(event.data).toEqual({ contactId: visitor.contactId, into: known.contactId, conversationIds: [visitor.conversationId], ended: [] });

    // the WebSocket too: the old token says hello as the customer
    const ws = await WsClient.connect(t.url);
    sockets.push(ws);
    const ready = await ws.hello({ inboxToken: t.inbox.token, contactToken: visitor.contactToken });
    expect(ready).toMatchObject({ type: 'ready', role: 'customer', contact: { id: known.contactId } });
    // agents see one customer with both conversations
    const agentList = await a.inject('GET', `/api/v1/conversations?status=all&contactId=${known.contactId}`, { token: t.adminToken });
    expect(agentList.status).toBe(200);
  });

  it('of two open conversations in one inbox the older ends (and asks for no rating); the other goes on', async () => {
    const known = await visitorSaying('发票还没收到');
    await identify(known.contactToken, 'u-two-open');
    // an agent served it: ended the usual way, it would be asked for a rating
    expect((await a.agentSend(t.adminToken, known.conversationId, '我帮您查一下')).status).toBe(201);
    const visitor = await visitorSaying('发票能开电子的吗');
    // the visitor's conversation is the newer one
    const r = await identify(visitor.contactToken, 'u-two-open');
    expect(r.body.merged).toBe(true);
    const rows = await t.db.query('SELECT id, status, contact_id FROM conversations WHERE id = ANY($1::bigint[]) ORDER BY id', [[known.conversationId, visitor.conversationId]]);
    expect(rows).toEqual([
      { id: known.conversationId, status: 'resolved', contact_id: known.contactId },
      { id: visitor.conversationId, status: 'open', contact_id: known.contactId },
    ]);
    const [ended] = await t.db.query(`SELECT data, actor_type FROM events WHERE type = 'conversation.status_changed' AND conversation_id = $1`, [known.conversationId]);
    expect(ended).toMatchObject({ actor_type: 'customer', data: { from: 'open', to: 'resolved', reason: 'merged' } });
    await consumersCaughtUp(t, 10_000, ['csat.request']);
    const requests = await t.db.query(`SELECT 1 FROM messages WHERE conversation_id = $1 AND meta ? 'csat'`, [known.conversationId]);
    expect(requests).toHaveLength(0);
    // both tokens write to the one open conversation now
    expect((await a.customerSend(known.contactToken, visitor.conversationId, '好的')).status).toBe(201);
  });

  it('joins contacts by the signed user id only, never by e-mail or phone, and never turns one user into another', async () => {
    const first = await visitorSaying('你好');
    await identify(first.contactToken, 'u-a', { email: 'same@example.com', phone: '13800138000' });
    const second = await visitorSaying('你好');
    const r = await identify(second.contactToken, 'u-b', { email: 'same@example.com', phone: '13800138000' });
    expect(r.body).toEqual({ contact: { id: second.contactId, name: null }, merged: false });
    // identified as u-b, this visitor cannot become u-a
    const switched = await identify(second.contactToken, 'u-a');
    expect(switched.status).toBe(409);
    expect(switched.body.error.code).toBe('identity_switch');
    expect((await contactRow(second.contactId)).merged_into).toBeNull();
  });

  it('keeps a token to its own inbox and the secret to its own inbox', async () => {
    const other = await insertInbox(t.db, (await t.db.query('SELECT workspace_id FROM inboxes WHERE id = $1', [t.inbox.id]))[0].workspace_id, '另一个渠道', {});
    const v = await visitorSaying('你好');
    // inbox 2's widget: the token is not valid there
    const r = await a.inject('POST', `/api/v1/widget/${other.token}/identify`, { contactToken: v.contactToken, payload: { userId: 'u-x', timestamp: now(), signature: sign('u-x') } });
    expect(r.status).toBe(401);
    // a contact of inbox 2 signs with inbox 2's secret, not inbox 1's
    const c2 = await a.inject('POST', `/api/v1/widget/${other.token}/contacts`, { payload: {} });
    const wrongKey = await a.inject('POST', `/api/v1/widget/${other.token}/identify`, { contactToken: c2.body.contactToken, payload: { userId: 'u-x', timestamp: now(), signature: sign('u-x') } });
    expect(wrongKey.body.error.code).toBe('identity_invalid');
    const secret2 = (await a.inject('GET', '/api/v1/inboxes', { token: t.adminToken })).body.inboxes.find((i: any) => i.id === other.id).identitySecret;
    expect(secret2).not.toBe(secret);
    const ts = now();
    const ok = await a.inject('POST', `/api/v1/widget/${other.token}/identify`, { contactToken: c2.body.contactToken, payload: { userId: 'u-x', timestamp: ts, signature: sign('u-x', ts, secret2) } });
    expect(ok.status).toBe(200);
  });
});
