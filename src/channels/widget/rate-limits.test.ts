import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_LIMITS, type TestApp } from '../../../test/helpers/app.js';
import { api } from '../../../test/helpers/api.js';
import { TEST_REDIS_URL } from '../../../test/helpers/env.js';
import { WsClient } from '../../../test/helpers/ws.js';
import type { RedisStore } from '../../ratelimit/redis-store.js';

/** Issue 12 item 1: the client API's limits per client IP and per contact (limits are not storage: PGlite is enough). */
describe('client API rate limits', () => {
  let t: TestApp;
  let a: ReturnType<typeof api>;
  beforeAll(async () => {
    t = await createTestApp('pglite', {
      config: {
        trustProxy: 1, // one proxy in front: its X-Forwarded-For entry is the client
        limits: {
          ...TEST_LIMITS,
          'ip.contacts': { max: 5, windowMs: 60_000 },
          'contact.conversations': { max: 3, windowMs: 3_600_000 },
          'contact.messages': { max: 4, windowMs: 60_000 },
          'contact.uploads': { max: 2, windowMs: 60_000 },
          'contact.pages': { max: 3, windowMs: 60_000 },
        },
      },
    });
    a = api(t);
    await t.listen();
  });
  afterAll(() => t.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const expectLimited = (r: { status: number; body: any; headers: Record<string, unknown> }, limit: string, windowSeconds: number) => {
    expect(r.status).toBe(429);
    expect(r.body.error).toMatchObject({ code: 'rate_limited', limit });
    expect(r.body.error.message).toContain(limit);
    const retryAfter = Number(r.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  };
  const created = async (ip: string) => {
    const r = await a.inject('POST', `${a.widgetBase}/contacts`, { headers: from(ip), payload: {} });
    expect(r.status).toBe(201);
    return r.body as { contactToken: string; contact: { id: number } };
  };
  const contactFrom = async (ip: string) => (await created(ip)).contactToken;

  it('per client IP: contacts beyond the limit get 429 with Retry-After and the limit’s name; ZHIKE_TRUST_PROXY decides the IP', async () => {
    for (let i = 0; i < 5; i++) await contactFrom('203.0.113.7');
    const before = await t.db.query('SELECT count(*)::int AS n FROM contacts');
    expectLimited(await a.inject('POST', `${a.widgetBase}/contacts`, { headers: from('203.0.113.7'), payload: {} }), 'ip.contacts', 60);
    // what the client wrote in front of the proxy's entry is not believed
    expectLimited(await a.inject('POST', `${a.widgetBase}/contacts`, { headers: from('198.51.100.99, 203.0.113.7'), payload: {} }), 'ip.contacts', 60);
    expect((await t.db.query('SELECT count(*)::int AS n FROM contacts'))[0].n).toBe(before[0].n);
    // another address is not affected
    await contactFrom('203.0.113.8');
  });

  it('per contact: messages over HTTP and the WebSocket count together; other contacts behind the same IP go on', async () => {
    const ip = '192.0.2.10';
    const contactToken = await contactFrom(ip);
    const conv = await a.newConversation(contactToken);
    const send = (content: string) =>
      a.inject('POST', `${a.widgetBase}/conversations/${conv.id}/messages`, { contactToken, headers: from(ip), payload: { content, clientMessageId: crypto.randomUUID() } });
    expect((await send('一')).status).toBe(201);
    expect((await send('二')).status).toBe(201);
    const ws = await WsClient.connect(t.url, from(ip));
    expect((await ws.hello({ inboxToken: t.inbox.token, contactToken })).type).toBe('ready');
    for (const [ref, content] of [['m3', '三'], ['m4', '四'], ['m5', '五']]) ws.send({ type: 'send', ref, conversationId: conv.id, content, clientMessageId: ref });
    expect((await ws.waitFor((f) => f.ref === 'm4')).type).toBe('ack');
    const refused = await ws.waitFor((f) => f.ref === 'm5');
    expect(refused).toMatchObject({ type: 'error', code: 'rate_limited', details: { limit: 'contact.messages' } });
    expect(refused.details.retryAfterMs).toBeGreaterThan(0);
    expect(refused.details.retryAfterMs).toBeLessThanOrEqual(60_000);
    expectLimited(await send('六'), 'contact.messages', 60);
    const stored = await t.db.query('SELECT content FROM messages WHERE conversation_id = $1 AND sender_type = $2 ORDER BY seq', [conv.id, 'customer']);
    expect(stored.map((m) => m.content)).toEqual(['一', '二', '三', '四']);
    expect(ws.closed).toBeNull(); // refused, not dropped
    await ws.close();

    const neighbour = await contactFrom(ip);
    const theirs = await a.newConversation(neighbour);
    expect((await a.customerSend(neighbour, theirs.id, '我也在这个网络里')).status).toBe(201);
  });

  it('per contact: conversations', async () => {
    const contactToken = await contactFrom('192.0.2.20');
    for (let i = 0; i < 3; i++) {
      const r = await a.inject('POST', `${a.widgetBase}/conversations`, { contactToken, headers: from('192.0.2.20') });
      expect([200, 201]).toContain(r.status);
    }
    expectLimited(await a.inject('POST', `${a.widgetBase}/conversations`, { contactToken, headers: from('192.0.2.20') }), 'contact.conversations', 3600);
  });

  it('per contact: uploads', async () => {
    const contactToken = await contactFrom('192.0.2.30');
    const upload = () =>
      a.inject('POST', `${a.widgetBase}/attachments?filename=note.txt`, { contactToken, headers: { ...from('192.0.2.30'), 'content-type': 'text/plain' }, payload: '你好' });
    expect((await upload()).status).toBe(201);
    expect((await upload()).status).toBe(201);
    expectLimited(await upload(), 'contact.uploads', 60);
  });

  it('per contact: page reports over the WebSocket', async () => {
    const { contactToken, contact } = await created('192.0.2.40');
    const ws = await WsClient.connect(t.url, from('192.0.2.40'));
    expect((await ws.hello({ inboxToken: t.inbox.token, contactToken })).type).toBe('ready');
    for (let i = 1; i <= 4; i++) ws.send({ type: 'page', page: { url: `https://shop.example/p/${i}`, visitKey: 'v1', pageKey: `p${i}` } });
    const refused = await ws.waitFor((f) => f.type === 'error');
    expect(refused).toMatchObject({ code: 'rate_limited', details: { limit: 'contact.pages' } });
    // the first three were taken, the fourth not
    expect(ws.frames.filter((f) => f.type === 'error')).toHaveLength(1);
    const views = await t.db.query(`SELECT url FROM page_views WHERE contact_id = $1 ORDER BY id`, [contact.id]);
    expect(views.map((v) => v.url)).toEqual(['https://shop.example/p/1', 'https://shop.example/p/2', 'https://shop.example/p/3']);
    await ws.close();
  });

  it('documents the 429 answer on the client API’s writes', async () => {
    const doc = (await t.app.inject('/api/v1/openapi.json')).json();
    const responses = doc.paths['/api/v1/widget/{inboxToken}/conversations/{id}/messages'].post.responses;
    expect(responses['429'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RateLimited' });
    expect(JSON.stringify(doc.components.schemas.RateLimited)).toContain('rate_limited');
  });
});

describe('client API rate limits shared through Redis', () => {
  let apps: TestApp[] = [];
  beforeAll(async () => {
    const config = { redisUrl: TEST_REDIS_URL, trustProxy: true, limits: { ...TEST_LIMITS, 'ip.contacts': { max: 4, windowMs: 60_000 } } };
    apps = await Promise.all([createTestApp('pglite', { config }), createTestApp('pglite', { config })]);
    for (const t of apps) expect(await (t.app.limiter.store as RedisStore).ready()).toBe(true);
  });
  afterAll(() => Promise.all(apps.map((t) => t.close())));

  it('two instances count against one limit', async () => {
    const ip = `198.18.${crypto.randomInt(256)}.${crypto.randomInt(256)}`; // a fresh counter in the shared Redis
    const create = (t: TestApp) => api(t).inject('POST', `${api(t).widgetBase}/contacts`, { headers: { 'x-forwarded-for': ip }, payload: {} });
    const statuses = [];
    for (const t of [apps[0], apps[1], apps[0], apps[1]]) statuses.push((await create(t)).status);
    expect(statuses).toEqual([201, 201, 201, 201]);
    const refusedA = await create(apps[0]);
    const refusedB = await create(apps[1]);
    expect([refusedA.status, refusedB.status]).toEqual([429, 429]);
    expect(refusedB.body.error.limit).toBe('ip.contacts');
  });
});
