import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { openBus } from '../../src/bus/bus.js';
import { buildApp, type ZhikeApp } from '../../src/server/app.js';
import { openDb, type Db } from '../../src/storage/db.js';
import { migrate } from '../../src/storage/migrate.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_DATABASE_URL, TEST_REDIS_URL } from './env.js';

/**
 * One running instance of the server on a database it opens (migrated and bootstrapped; a
 * second instance on the same database finds it so), listening on a free port, with the
 * in-memory bus or Redis shared with the other instances. Timers poll every 40 ms. The suites
 * about restarts and several instances build theirs with this.
 */
export interface Instance {
  app: ZhikeApp;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function instance(open: () => Promise<Db>, redis: boolean): Promise<Instance> {
  const db = await open();
  await migrate(db);
  await bootstrap(db, { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });
  const config = loadConfig({}, { loginRateLimit: 1000, timerPollMs: 40 });
  const bus = await openBus(redis ? TEST_REDIS_URL : undefined, crypto.randomUUID(), () => {});
  const app = await buildApp({ config, db, bus, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    db,
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    async close() {
      await app.close();
      await bus.close();
      await db.close();
    },
  };
}

/**
 * A database that outlives the instances opened on it (a restart, several instances): a PGlite
 * data directory or a private PostgreSQL schema. `open` opens it (again); `drop` removes it.
 */
export function lastingDb(kind: 'pglite' | 'postgres', prefix: string): { open: () => Promise<Db>; drop: () => Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `zhike-${prefix}-`));
  const schema = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  return {
    open: () => (kind === 'pglite' ? openDb({ dataDir: dir }) : openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 5 })),
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
      if (kind === 'postgres') {
        const db = await openDb({ databaseUrl: TEST_DATABASE_URL });
        await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await db.close();
      }
    },
  };
}

/** Waits until `cond` holds, looking every 50 ms; throws after `ms`. */
export async function until(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
