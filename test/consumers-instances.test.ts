import crypto from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../src/storage/db.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './helpers/env.js';
import { waitFor } from './helpers/reception.js';
import { ServerProcess } from './helpers/server-process.js';

const COUNTING_SERVER = path.join(import.meta.dirname, 'helpers', 'counting-server.ts');

/**
 * Durable consumers across two server processes on one PostgreSQL and one Redis:
 * each event is handled once per consumer (each consumer runs on one instance at
 * a time), and when the instance running a consumer is killed, the other takes it
 * over when the lease runs out, from where it was.
 */
describe('durable consumers on two instances (PostgreSQL + Redis)', () => {
  const schema = `ci_${crypto.randomBytes(5).toString('hex')}`;
  const servers = new Map<string, ServerProcess>();
  let db: Db;

  beforeAll(async () => {
    db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema });
    await db.query('CREATE TABLE test_consumed (event_id bigint NOT NULL, instance text NOT NULL, at timestamptz NOT NULL DEFAULT now())');
    const env = (id: string) => ({ DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema, REDIS_URL: TEST_REDIS_URL, ZHIKE_INSTANCE_ID: id, ZHIKE_CONSUMER_LEASE_MS: '3000' });
    const [a, b] = await Promise.all([ServerProcess.start(env('A'), [], COUNTING_SERVER), ServerProcess.start(env('B'), [], COUNTING_SERVER)]);
    servers.set('A', a).set('B', b);
  });
  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.kill()));
    await db?.query(`DROP SCHEMA ${schema} CASCADE`);
    await db?.close();
  });

  /** Customers send `n` messages, alternately through each live instance. */
  async function send(n: number, via: ServerProcess[]): Promise<void> {
    const token = await via[0].login();
    const inboxToken = (await via[0].json('GET', '/api/v1/inboxes', { token })).body.inboxes[0].token;
    const convs = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const s = via[i % via.length];
        const contactToken = (await s.json('POST', `/api/v1/widget/${inboxToken}/contacts`, { body: {} })).body.contactToken;
        const id = (await s.json('POST', `/api/v1/widget/${inboxToken}/conversations`, { contactToken })).body.id;
        return { contactToken, id };
      }),
    );
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const c = convs[i % convs.length];
        const r = await via[i % via.length].json('POST', `/api/v1/widget/${inboxToken}/conversations/${c.id}/messages`, {
          contactToken: c.contactToken,
          body: { content: `第 ${i} 条`, clientMessageId: crypto.randomUUID() },
        });
        expect(r.status).toBe(201);
      }),
    );
  }

  /**
   * 质检 (the `qa.inspection` consumer, a real feature): `n` conversations, each with a customer
   * message and an answer, resolved alternately through each live instance, are each inspected exactly
   * once (one version, one `conversation.inspected`), whichever instance runs the consumer.
   */
  async function inspectedOnce(n: number, via: ServerProcess[]): Promise<void> {
    const token = await via[0].login();
    const inboxToken = (await via[0].json('GET', '/api/v1/inboxes', { token })).body.inboxes[0].token;
    const ids = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const s = via[i % via.length];
        const contactToken = (await s.json('POST', `/api/v1/widget/${inboxToken}/contacts`, { body: {} })).body.contactToken;
        const id = (await s.json('POST', `/api/v1/widget/${inboxToken}/conversations`, { contactToken })).body.id as number;
        await s.json('POST', `/api/v1/widget/${inboxToken}/conversations/${id}/messages`, { contactToken, body: { content: '我的快递到哪了？', clientMessageId: crypto.randomUUID() } });
        // an agent answered (a conversation nobody served is not inspected), on the other instance
        const other = via[(i + 1) % via.length];
        expect((await other.json('POST', `/api/v1/conversations/${id}/messages`, { token, body: { content: '您好，我马上帮您查一下物流。' } })).status).toBe(201);
        const resolved = await other.json('POST', `/api/v1/conversations/${id}/status`, { token, body: { status: 'resolved' } });
        expect(resolved.status).toBe(200);
        return id;
      }),
    );
    const rows = await waitFor(
      () => db.query<{ conversation_id: number; versions: number[]; events: number }>(
        `SELECT i.conversation_id, array_agg(i.version) AS versions,
                (SELECT count(*)::int FROM events e WHERE e.type = 'conversation.inspected' AND e.conversation_id = i.conversation_id) AS events
         FROM inspections i WHERE i.conversation_id = ANY($1::bigint[]) GROUP BY i.conversation_id`,
        [ids],
      ),
      (r) => r.length === n,
      20_000,
    );
    expect(rows.filter((r) => r.versions.length !== 1 || r.versions[0] !== 1 || r.events !== 1)).toEqual([]);
  }

  const handled = () =>
    db.query<{ id: number; n: number }>(
      `SELECT e.id, count(c.event_id)::int AS n FROM events e LEFT JOIN test_consumed c ON c.event_id = e.id
       WHERE e.type = 'message.created' AND e.data->>'senderType' = 'customer' GROUP BY e.id ORDER BY e.id`,
    );

  it('handles each event once per consumer, whichever instance wrote it', async () => {
    await send(200, [servers.get('A')!, servers.get('B')!]);
    const counts = await waitFor(handled, (rows) => rows.length >= 200 && rows.every((r) => r.n > 0), 15_000);
    expect(counts.filter((r) => r.n !== 1)).toEqual([]);
    // every consumer runs somewhere, on exactly one instance
    const owners = await db.query(`SELECT name, owner FROM consumers ORDER BY name`);
    expect(owners.map((o) => o.name)).toEqual(expect.arrayContaining(['reception.bot', 'routing.route', 'test.counter']));
    for (const o of owners) expect(['A', 'B']).toContain(o.owner);
    await inspectedOnce(12, [servers.get('A')!, servers.get('B')!]);
  });

  it('takes over the consumers of an instance that was killed, from where it was', async () => {
    const [{ owner }] = await db.query(`SELECT owner FROM consumers WHERE name = 'test.counter'`);
    const survivorId = owner === 'A' ? 'B' : 'A';
    const before = (await handled()).map((r) => r.id);
    await servers.get(owner)!.kill();
    servers.delete(owner);
    const survivor = servers.get(survivorId)!;
    await send(100, [survivor]);
    const counts = await waitFor(handled, (rows) => rows.length >= before.length + 100 && rows.every((r) => r.n > 0), 15_000);
    const after = counts.filter((r) => !before.includes(r.id));
    expect(after).toHaveLength(100);
    expect(after.filter((r) => r.n !== 1)).toEqual([]); // once each, by the survivor
    const where = await db.query(`SELECT DISTINCT instance FROM test_consumed WHERE event_id = ANY($1::bigint[])`, [after.map((r) => r.id)]);
    expect(where.map((r) => r.instance)).toEqual([survivorId]);
    // and every other consumer the dead instance ran
    await waitFor(() => db.query(`SELECT DISTINCT owner FROM consumers`), (rows) => rows.length === 1 && rows[0].owner === survivorId, 10_000);
    await inspectedOnce(6, [survivor]);
  });
});
