import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../src/storage/db.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/env.js';
import { ServerProcess } from './helpers/server-process.js';
import { WsClient } from './helpers/ws.js';

/**
 * Two server processes on one PostgreSQL and one Redis: a customer connected to
 * instance A and an agent connected to instance B talk live.
 */
describe('two instances on PostgreSQL + Redis', () => {
  const schema = `mi_${crypto.randomBytes(5).toString('hex')}`;
  let A: ServerProcess;
  let B: ServerProcess;
  let db: Db;
  const clients: WsClient[] = [];

  beforeAll(async () => {
    const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL };
    // started together: migrations and first-start bootstrap must not race
    [A, B] = await Promise.all([ServerProcess.start(env), ServerProcess.start(env)]);
    db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([A?.stop(), B?.stop()]);
    await db?.query(`DROP SCHEMA ${schema} CASCADE`);
    await db?.close();
  });

  it('bootstraps exactly one workspace when both start at once', async () => {
    const ws = await db.query('SELECT count(*) AS n FROM workspaces');
    const inboxes = await db.query('SELECT count(*) AS n FROM inboxes');
    const migrations = await db.query('SELECT count(*) AS n FROM schema_migrations');
    expect(ws[0].n).toBe(1);
    expect(inboxes[0].n).toBe(1);
    expect(migrations[0].n).toBeGreaterThanOrEqual(1);
  });

  it('a customer on A and an agent on B exchange messages, typing and status live', async () => {
    const token = await B.login();
    const { body } = await B.json('GET', '/api/v1/inboxes', { token });
    const inboxToken = body.inboxes[0].token;
    const contact = await A.json('POST', `/api/v1/widget/${inboxToken}/contacts`, { body: {} });
    const contactToken = contact.body.contactToken;

    const customer = await WsClient.connect(A.url);
    const agent = await WsClient.connect(B.url);
    clients.push(customer, agent);
    expect((await customer.hello({ inboxToken, contactToken })).type).toBe('ready');
    expect((await agent.hello({ token })).type).toBe('ready');
    const conv = await A.json('POST', `/api/v1/widget/${inboxToken}/conversations`, { contactToken });
    const id = conv.body.id;

    customer.send({ type: 'send', ref: '1', conversationId: id, content: '你好, 我在 A', clientMessageId: 'a-1' });
    await customer.waitFor((f) => f.type === 'ack' && f.ref === '1');
    const onB = await agent.waitFor((f) => f.type === 'message' && f.message.content === '你好, 我在 A');
    expect(onB.message.senderType).toBe('customer');

    agent.send({ type: 'typing', conversationId: id, on: true });
    expect(await customer.waitFor((f) => f.type === 'typing')).toMatchObject({ from: 'agent', on: true });

    agent.send({ type: 'send', ref: '2', conversationId: id, content: '您好, 我在 B', clientMessageId: 'b-1' });
    const onA = await customer.waitFor((f) => f.type === 'message' && f.message.content === '您好, 我在 B');
    expect(onA.message.senderType).toBe('agent');
    // the instance-A customer learns (from instance B's routing) who serves them
    expect((await customer.waitFor((f) => f.type === 'conversation' && f.change === 'assigned')).conversation.assignee.name).toBe('管理员');

    // ten more each way, interleaved: each side holds every message once; what arrives as frames arrives in seq order
    for (let i = 0; i < 10; i++) {
      customer.send({ type: 'send', conversationId: id, content: `c${i}`, clientMessageId: `c${i}` });
      agent.send({ type: 'send', conversationId: id, content: `a${i}`, clientMessageId: `a${i}` });
    }
    const has = (content: string) => (f: any) => (f.type === 'message' || f.type === 'ack') && f.message.content === content;
    for (const side of [customer, agent]) {
      await side.waitFor(has('a9'), 10_000);
      await side.waitFor(has('c9'), 10_000);
    }
    await new Promise((r) => setTimeout(r, 200));
    const stored = (await B.json('GET', `/api/v1/conversations/${id}/messages?after=0&limit=500`, { token })).body.messages;
    expect(stored.filter((m: any) => m.senderType !== 'system')).toHaveLength(22);
    const visible = stored.filter((m: any) => !m.private).map((m: any) => m.seq);
    for (const [side, expected] of [[customer, visible], [agent, stored.map((m: any) => m.seq)]] as const) {
      const held = side.held(id).map((m) => m.seq);
      expect(held.slice().sort((x, y) => x - y)).toEqual(expected);
      const received = side.messages(id).map((m) => m.seq);
      expect(received).toEqual(received.slice().sort((x, y) => x - y));
    }

    await B.json('POST', `/api/v1/conversations/${id}/status`, { token, body: { status: 'resolved' } });
    const closed = await customer.waitFor((f) => f.type === 'conversation' && f.conversation.status === 'resolved');
    expect(closed.conversation.id).toBe(id);
  });

  it('shuts down gracefully on SIGTERM, telling clients to reconnect (1012)', async () => {
    const customer = clients[0];
    const code = await A.stop();
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(customer.closed?.code).toBe(1012);
  });
});
