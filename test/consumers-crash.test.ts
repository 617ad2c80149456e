import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/storage/db.js';
import { TEST_DATABASE_URL, type DbKind } from './helpers/env.js';
import { waitFor } from './helpers/reception.js';
import { ServerProcess } from './helpers/server-process.js';

/**
 * A committed event survives a SIGKILL that comes before its consumer ran: after
 * the restart the consumer handles it, once. The consumers here are real features:
 * the offline reply (离线自动回复) to a customer's first message in a 留言, and 质检.
 */
describe.each<DbKind>(['pglite', 'postgres'])('a durable consumer across a SIGKILL on %s', (kind) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-consumer-crash-'));
  const schema = `cc_${crypto.randomBytes(5).toString('hex')}`;
  const env: Record<string, string> = {
    ...(kind === 'pglite' ? { ZHIKE_DATA_DIR: dataDir } : { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema }),
    ZHIKE_CONSUMER_LEASE_MS: '1000',
  };
  let server: ServerProcess | null = null;
  /** The database itself, between server runs (PGlite allows one process at a time). */
  const withDb = async <T>(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>): Promise<T> => {
    const db = kind === 'pglite' ? await openDb({ dataDir }) : await openDb({ databaseUrl: TEST_DATABASE_URL, schema });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  /** Another instance holds a consumer's lease (the offline reply's unless named): it does not run here. */
  const leaseElsewhere = (until: string, consumer = 'reception.offline_reply') =>
    withDb((db) => db.query(`UPDATE consumers SET owner = 'an-instance-elsewhere', lease_until = now() + $1::interval WHERE name = $2`, [until, consumer]));

  afterAll(async () => {
    await server?.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') await withDb((db) => db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  });

  it('an event committed just before a SIGKILL is handled once after the restart', { timeout: 120_000 }, async () => {
    server = await ServerProcess.start(env);
    const token = await server.login();
    const inbox = (await server.json('GET', '/api/v1/inboxes', { token })).body.inboxes[0];
    const offline = '现在无人值班, 请留言, 我们上班后第一时间回复您。';
    const set = await server.json('PATCH', `/api/v1/inboxes/${inbox.id}/reception`, { token, body: { mode: 'human_only', messages: { welcome: null, offline } } });
    expect(set.status).toBe(200);
    await server.stop();

    await leaseElsewhere('1 hour');
    server = await ServerProcess.start(env);
    const contactToken = (await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: {} })).body.contactToken;
    const conv = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken })).body;
    expect(conv.handler).toBe('offline'); // nobody on duty: a 留言
    const sent = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, {
      contactToken,
      body: { content: '我的快递三天没动了', clientMessageId: 'before-the-kill' },
    });
    expect(sent.status).toBe(201); // committed
    await new Promise((r) => setTimeout(r, 1000));
    const replies = async (s: ServerProcess) =>
      ((await s.json('GET', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, { contactToken })).body.messages as any[]).filter(
        (m) => m.content === offline,
      );
    expect(await replies(server)).toHaveLength(0); // its consumer has not run
    await server.kill();

    // the instance holding the lease is gone too: after a restart the consumer runs here
    await leaseElsewhere('-1 second');
    server = await ServerProcess.start(env);
    const s = server;
    await waitFor(() => replies(s), (r) => r.length > 0, 10_000);
    await new Promise((r) => setTimeout(r, 1500)); // no second reply comes later either
    expect(await replies(s)).toHaveLength(1);
  });

  it('a conversation resolved just before a SIGKILL is inspected (质检) once after the restart', { timeout: 120_000 }, async () => {
    await server?.stop();
    await leaseElsewhere('1 hour', 'qa.inspection');
    server = await ServerProcess.start(env);
    const token = await server.login();
    const inbox = (await server.json('GET', '/api/v1/inboxes', { token })).body.inboxes[0];
    const contactToken = (await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: {} })).body.contactToken;
    const conv = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken })).body;
    await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, { contactToken, body: { content: '发票什么时候开？', clientMessageId: 'qa-before-kill' } });
    expect((await server.json('POST', `/api/v1/conversations/${conv.id}/messages`, { token, body: { content: '这个不归我管，你问财务吧' } })).status).toBe(201);
    expect((await server.json('POST', `/api/v1/conversations/${conv.id}/status`, { token, body: { status: 'resolved' } })).status).toBe(200); // committed
    const inspections = async (s: ServerProcess) => (await s.json('GET', `/api/v1/conversations/${conv.id}/inspections`, { token: await s.login() })).body.inspections as any[];
    await new Promise((r) => setTimeout(r, 1000));
    expect(await inspections(server)).toHaveLength(0); // its consumer has not run
    await server.kill();

    await leaseElsewhere('-1 second', 'qa.inspection');
    server = await ServerProcess.start(env);
    const s = server;
    const [inspection] = await waitFor(() => inspections(s), (r) => r.length > 0, 15_000);
    expect(inspection).toMatchObject({ version: 1, conversationId: conv.id });
    expect(inspection.findings.map((f: { rule: string }) => f.rule)).toContain('forbidden.blame');
    await new Promise((r) => setTimeout(r, 1500)); // and no second version comes later
    expect(await inspections(s)).toHaveLength(1);
  });
});
