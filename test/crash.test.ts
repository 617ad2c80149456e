import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/storage/db.js';
import { TEST_DATABASE_URL, type DbKind } from './helpers/env.js';
import { ServerProcess } from './helpers/server-process.js';

const TOTAL = 1000;
const KILLS = 4;

/**
 * Nothing lost, nothing doubled: a client sends 1,000 messages, retrying each
 * with the same clientMessageId until acknowledged, while the server is killed
 * with SIGKILL and restarted. Every acknowledged message must exist exactly once,
 * in the order it was sent.
 */
describe.each<DbKind>(['pglite', 'postgres'])('crash test on %s', (kind) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-crash-'));
  const schema = `crash_${crypto.randomBytes(5).toString('hex')}`;
  const env: Record<string, string> =
    kind === 'pglite' ? { ZHIKE_DATA_DIR: dataDir } : { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
  let server: ServerProcess;

  afterAll(async () => {
    await server?.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const db = await openDb({ databaseUrl: TEST_DATABASE_URL });
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    }
  });

  it(`every acknowledged message of ${TOTAL} survives ${KILLS} SIGKILLs exactly once, in order`, { timeout: 240_000 }, async () => {
    server = await ServerProcess.start(env);
    const token = await server.login();
    const inboxToken = (await server.json('GET', '/api/v1/inboxes', { token })).body.inboxes[0].token;
    const contactToken = (await server.json('POST', `/api/v1/widget/${inboxToken}/contacts`, { body: {} })).body.contactToken;
    const convId = (await server.json('POST', `/api/v1/widget/${inboxToken}/conversations`, { contactToken })).body.id;

    const acked = new Map<string, number>(); // clientMessageId → message id
    let retries = 0;
    let sending = true;
    const sender = (async () => {
      for (let i = 0; i < TOTAL; i++) {
        const clientMessageId = `crash-${i}`;
        for (;;) {
          try {
            const r = await server.json('POST', `/api/v1/widget/${inboxToken}/conversations/${convId}/messages`, {
              contactToken,
              body: { content: `消息 ${i}`, clientMessageId },
            });
            if (r.status === 200 || r.status === 201) {
              acked.set(clientMessageId, r.body.id);
              break;
            }
            throw new Error(`unexpected ${r.status} ${JSON.stringify(r.body)}`);
          } catch (err) {
            if (String(err).includes('unexpected 4')) throw err;
            retries++;
            await new Promise((res) => setTimeout(res, 20));
          }
        }
      }
      sending = false;
    })();

    let kills = 0;
    while (sending && kills < KILLS) {
      const before = acked.size;
      // let some messages through, then kill mid-stream
      while (sending && acked.size < before + 60 + Math.floor(Math.random() * 120)) await new Promise((r) => setTimeout(r, 5));
      if (!sending) break;
      await server.kill();
      kills++;
      await new Promise((r) => setTimeout(r, 50));
      await server.start();
    }
    await sender;
    expect(kills).toBe(KILLS);
    expect(retries).toBeGreaterThan(0);
    expect(acked.size).toBe(TOTAL);

    // read everything back through the agent API
    const agentToken = await server.login();
    const stored: { seq: number; content: string; clientMessageId: string; id: number; senderType: string }[] = [];
    let after = 0;
    for (;;) {
      const page = (await server.json('GET', `/api/v1/conversations/${convId}/messages?after=${after}&limit=500`, { token: agentToken })).body.messages;
      stored.push(...page);
      if (page.length < 500) break;
      after = page.at(-1).seq;
    }
    // the customer's messages (automatic replies of the inbox may sit between them)
    const mine = stored.filter((m: any) => m.senderType === 'customer');
    expect(mine).toHaveLength(TOTAL);
    expect(mine.map((m) => m.clientMessageId)).toEqual(Array.from({ length: TOTAL }, (_, i) => `crash-${i}`));
    expect(mine.map((m) => m.content)).toEqual(Array.from({ length: TOTAL }, (_, i) => `消息 ${i}`));
    for (let i = 1; i < mine.length; i++) expect(mine[i].seq).toBeGreaterThan(mine[i - 1].seq);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1)); // no gaps, no doubles
    for (const m of mine) expect(acked.get(m.clientMessageId)).toBe(m.id);
    await server.stop();
  });
});
