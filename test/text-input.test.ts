import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS, MAX_NAME_CHARS } from '../src/core/limits.js';
import { api } from './helpers/api.js';
import { DB_KINDS } from './helpers/env.js';
import { WsClient } from './helpers/ws.js';
import { useTestApp } from './helpers/suite.js';

const NUL = 'hello\u0000world';
const LONE_HIGH = 'broken \uD83D here';
const LONE_LOW = '\uDE00';
const EMOJI = '😀';

/**
 * Odd text from clients: NUL and lone surrogates are refused with invalid_text (never
 * a 500), lengths count code points, names lose bidirectional and stray zero-width
 * characters, and a refused message never slows the honest ones (group commit).
 */
describe.each(DB_KINDS)('text from clients on %s', (kind) => {
  const { t, a, sockets: open } = useTestApp(kind, { listen: true });
  const customerWs = async (contactToken: string) => {
    const ws = await WsClient.connect(t.url);
    open.push(ws);
    expect((await ws.hello({ inboxToken: t.inbox.token, contactToken })).type).toBe('ready');
    return ws;
  };
  /** Group-commit batches split because their statement failed (zhike_message_batch_splits_total). */
  const splits = async () => {
    const metric = t.app.zhike.metrics.registry.getSingleMetric('zhike_message_batch_splits_total');
    return metric ? (await metric.get()).values.reduce((n, v) => n + v.value, 0) : 0;
  };

  it('refuses NUL and lone surrogates in messages and clientMessageIds with 400 invalid_text, on the client and agent APIs', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    for (const content of [NUL, LONE_HIGH, LONE_LOW]) {
      const r = await a.customerSend(contactToken, conv.id, content);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.code).toBe('invalid_text');
      const agent = await a.agentSend(t.adminToken, conv.id, content, { clientMessageId: crypto.randomUUID() });
      expect(agent.status).toBe(400);
      expect(agent.body.error.code).toBe('invalid_text');
    }
    const badId = await a.customerSend(contactToken, conv.id, 'fine text', 'id-\u0000');
    expect(badId.status).toBe(400);
    expect(badId.body.error).toMatchObject({ code: 'invalid_text' });
    expect(badId.body.error.message).toMatch(/clientMessageId/);
    const loneId = await a.customerSend(contactToken, conv.id, 'fine text', 'id-\uDC00');
    expect(loneId.body.error.code).toBe('invalid_text');
    // nothing was stored, and the conversation takes honest messages as before
    const ok = await a.customerSend(contactToken, conv.id, 'after the refusals');
    expect(ok.status).toBe(201);
    const stored = await a.inject('GET', `${a.widgetBase}/conversations/${conv.id}/messages`, { contactToken });
    expect(stored.body.messages.filter((m: any) => m.senderType === 'customer').map((m: any) => m.content)).toEqual(['after the refusals']);
  });

  it('refuses NUL and lone surrogates in names and other fields with 400 invalid_text', async () => {
    const nul = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { name: 'Bob\u0000' } });
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('invalid_text');
    const lone = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { attributes: { browser: 'Chrome \uD800' } } });
    expect(lone.body.error.code).toBe('invalid_text');
    const { contactToken } = await a.newContact();
    const patch = await a.inject('PATCH', `${a.widgetBase}/contact`, { contactToken, payload: { name: '\uDBFF' } });
    expect(patch.body.error.code).toBe('invalid_text');
    const agent = await a.inject('POST', '/api/v1/agents', { token: t.adminToken, payload: { email: 'nul@zhike.test', name: 'x\u0000', password: 'agent-pass-123' } });
    expect(agent.status).toBe(400);
    expect(agent.body.error.code).toBe('invalid_text');
    // other refusals keep their own code
    const long = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { name: 'x'.repeat(MAX_NAME_CHARS + 1) } });
    expect(long.body.error.code).toBe('invalid_request');
  });

  it('answers invalid_text on the WebSocket for the refused message and keeps the connection for the next', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const ws = await customerWs(contactToken);
    ws.send({ type: 'send', ref: 'bad1', conversationId: conv.id, content: NUL, clientMessageId: crypto.randomUUID() });
    ws.send({ type: 'send', ref: 'bad2', conversationId: conv.id, content: LONE_HIGH, clientMessageId: crypto.randomUUID() });
    ws.send({ type: 'send', ref: 'bad3', conversationId: conv.id, content: 'fine', clientMessageId: 'x\uD800' });
    ws.send({ type: 'send', ref: 'good', conversationId: conv.id, content: 'next one', clientMessageId: crypto.randomUUID() });
    for (const ref of ['bad1', 'bad2', 'bad3']) {
      const err = await ws.waitFor((f) => f.ref === ref);
      expect(err).toMatchObject({ type: 'error', code: 'invalid_text' });
    }
    const ack = await ws.waitFor((f) => f.ref === 'good');
    expect(ack).toMatchObject({ type: 'ack', message: { content: 'next one' } });
    expect(ws.closed).toBeNull();
  });

  it('counts message length in code points: MAX_MESSAGE_CHARS emoji pass, one more is refused naming the count (HTTP)', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const full = EMOJI.repeat(MAX_MESSAGE_CHARS);
    const ok = await a.customerSend(contactToken, conv.id, full);
    expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).toBe(201);
    expect(ok.body.content).toBe(full);
    const over = await a.customerSend(contactToken, conv.id, full + EMOJI);
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('message_too_long');
    expect(over.body.error.message).toBe(`message content is ${MAX_MESSAGE_CHARS + 1} characters; the limit is ${MAX_MESSAGE_CHARS}`);
    const agent = await a.agentSend(t.adminToken, conv.id, full, { clientMessageId: crypto.randomUUID() });
    expect(agent.status).toBe(201);
    // PostgreSQL counts the same
    const [row] = await t.db.query('SELECT char_length(content) AS n FROM messages WHERE id = $1', [ok.body.id]);
    expect(Number(row.n)).toBe(MAX_MESSAGE_CHARS);
  });

  it('counts message length in code points on the WebSocket too', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const ws = await customerWs(contactToken);
    const full = EMOJI.repeat(MAX_MESSAGE_CHARS);
    ws.send({ type: 'send', ref: 'full', conversationId: conv.id, content: full, clientMessageId: crypto.randomUUID() });
    expect(await ws.waitFor((f) => f.ref === 'full')).toMatchObject({ type: 'ack', message: { content: full } });
    ws.send({ type: 'send', ref: 'over', conversationId: conv.id, content: full + EMOJI, clientMessageId: crypto.randomUUID() });
    const err = await ws.waitFor((f) => f.ref === 'over');
    expect(err).toMatchObject({ type: 'error', code: 'message_too_long' });
    expect(err.message).toContain(`${MAX_MESSAGE_CHARS + 1} characters`);
  });

  it('counts name limits in code points', async () => {
    const name = EMOJI.repeat(MAX_NAME_CHARS);
    const ok = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { name } });
    expect(ok.status).toBe(201);
    expect(ok.body.contact.name).toBe(name);
    const over = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { name: name + EMOJI } });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toContain(`${MAX_NAME_CHARS + 1} characters; at most ${MAX_NAME_CHARS}`);
  });

  it('stores a message whose preview ends inside an emoji', async () => {
    const { contactToken } = await a.newContact();
    const conv = await a.newConversation(contactToken);
    const r = await a.customerSend(contactToken, conv.id, 'a'.repeat(119) + EMOJI.repeat(3));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const list = await a.inject('GET', `/api/v1/conversations/${conv.id}`, { token: t.adminToken });
    expect(list.body.lastMessagePreview).toBe('a'.repeat(119) + EMOJI + '…');
  });

  it('cleans names: bidirectional controls and stray zero-width characters go, emoji joiners stay', async () => {
    const spoof = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { name: '\u202E\u200B管理员' } });
    expect(spoof.status).toBe(201);
    expect(spoof.body.contact.name).toBe('管理员');
    const coder = await a.inject('PATCH', `${a.widgetBase}/contact`, { contactToken: spoof.body.contactToken, payload: { name: '\u2066小李👨‍💻\u2069\uFEFF' } });
    expect(coder.body.name).toBe('小李👨‍💻');
    // only invisible characters: no name at all
    const empty = await a.inject('POST', `${a.widgetBase}/contacts`, { payload: { name: '\u200B\u202E' } });
    expect(empty.status).toBe(400);
    // what agents name: agents, skill groups, inboxes
    const agent = await a.inject('POST', '/api/v1/agents', { token: t.adminToken, payload: { email: 'bidi@zhike.test', name: '王\u202E五', password: 'agent-pass-123' } });
    expect(agent.status).toBe(201);
    expect(agent.body.name).toBe('王五');
    const group = await a.inject('POST', '/api/v1/skill-groups', { token: t.adminToken, payload: { name: '售后\u200B组', memberIds: [] } });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    expect(group.body.name).toBe('售后组');
    const inbox = await a.inject('POST', '/api/v1/inboxes', { token: t.adminToken, payload: { name: '\u202D官网\u2060' } });
    expect(inbox.status, JSON.stringify(inbox.body)).toBe(201);
    expect(inbox.body.name).toBe('官网');
  });

  it('cleans uploaded file names', async () => {
    const { contactToken } = await a.newContact();
    const r = await t.app.inject({
      method: 'POST',
      url: `${a.widgetBase}/attachments?filename=${encodeURIComponent('invoice\u202Efdp.exe')}`,
      headers: { 'x-contact-token': contactToken, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().name).toBe('invoicefdp.exe');
    expect(decodeURIComponent(r.json().url)).toMatch(/\/invoicefdp\.exe$/);
  });

  it('refuses invalid messages before group commit: honest ones are all stored and no batch is split', async () => {
    const senders = await Promise.all(
      Array.from({ length: 24 }, async () => {
        const { contactToken } = await a.newContact();
        return { contactToken, conv: await a.newConversation(contactToken) };
      }),
    );
    const before = await splits();
    // every third sender sends NUL, all at once, so honest and invalid messages arrive together
    const results = await Promise.all(
      senders.map(async (s, i) => {
        const invalid = i % 3 === 0;
        const r = await a.customerSend(s.contactToken, s.conv.id, invalid ? `nul ${i}\u0000` : `honest ${i}`);
        return { i, invalid, r };
      }),
    );
    for (const { invalid, r } of results) {
      if (invalid) {
        expect(r.status).toBe(400);
        expect(r.body.error.code).toBe('invalid_text');
      } else {
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      }
    }
    const rows = await t.db.query(`SELECT content FROM messages WHERE conversation_id = ANY($1::bigint[]) AND sender_type = 'customer' ORDER BY content`, [
      senders.map((s) => s.conv.id),
    ]);
    expect(rows.map((r) => r.content).sort()).toEqual(results.filter((x) => !x.invalid).map((x) => `honest ${x.i}`).sort());
    expect(await splits()).toBe(before);
  });
});
