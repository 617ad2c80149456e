import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../../src/bootstrap.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Inbox } from '../../src/core/model.js';
import type { ReceptionPatch } from '../../src/core/reception/settings.js';
import { MemoryBus, type RealtimeBus } from '../../src/bus/bus.js';
import type { Consumer } from '../../src/events/consumers.js';
import { buildApp, type ZhikeApp } from '../../src/server/app.js';
import { openDb, type Db } from '../../src/storage/db.js';
import { DEFAULT_LIMITS, type LimitRules } from '../../src/ratelimit/rules.js';
import { migrate } from '../../src/storage/migrate.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TEST_DATABASE_URL, type DbKind } from './env.js';

/** A fresh database: in-memory PGlite, or a private schema on the test PostgreSQL. */
export async function testDb(kind: DbKind): Promise<{ db: Db; schema?: string; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDb({});
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  let db: Db;
  try {
    db = await openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 10 });
  } catch (err) {
    throw new Error(`PostgreSQL is required for tests at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`);
  }
  await migrate(db);
  return {
    db,
    schema,
    drop: async () => {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

export interface TestApp {
  app: ZhikeApp;
  db: Db;
  kind: DbKind;
  inbox: Inbox;
  adminToken: string;
  config: Config;
  /** Base URL once `listen()` was called. */
  url: string;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Reception that stays out of the way: no automatic replies, no timeouts, no rating
 * request after the close. Suites about the message pipeline use it; reception suites
 * pass their own settings (the 满意度 suite switches ratings on).
 */
export const QUIET_RECEPTION: ReceptionPatch = {
  messages: { welcome: null, agentJoined: null, offline: null, idleCheckin: null, idleClose: null },
  timeouts: { agentResponseSeconds: null, reassignAfterSeconds: null, idleCheckinMinutes: null, idleCloseMinutes: null },
  csat: { enabled: false },
};

/** Suites send far more from one address and one contact than a visitor would: the client API's limits raised (a suite about limits passes its own). */
export const TEST_LIMITS: LimitRules = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((name) => [name, { max: 1_000_000, windowMs: 60_000 }]),
) as LimitRules;

/** The real application on a fresh database, bootstrapped with a known admin. */
export async function createTestApp(
  kind: DbKind,
  opts: {
    bus?: RealtimeBus;
    config?: Partial<Config>;
    reception?: ReceptionPatch;
    consumers?: Consumer[];
    /** What the app gets instead of the database itself (a test watching the app's queries). */
    wrapDb?: (db: Db) => Db;
  } = {},
): Promise<TestApp> {
  const { db, drop } = await testDb(kind);
  const boot = await bootstrap(db, { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });
  await db.query('UPDATE inboxes SET reception = $1::jsonb WHERE id = $2', [JSON.stringify(opts.reception ?? QUIET_RECEPTION), boot.inbox.id]);
  const config = loadConfig({}, { loginRateLimit: 1000, ...opts.config, limits: { ...TEST_LIMITS, ...opts.config?.limits } });
  const bus = opts.bus ?? new MemoryBus();
  const app = await buildApp({ config, db: opts.wrapDb?.(db) ?? db, bus, logger: false, consumers: opts.consumers && (() => opts.consumers!) });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  if (login.statusCode !== 200) throw new Error(`admin login failed: ${login.body}`);
  const t: TestApp = {
    app,
    db,
    kind,
    inbox: boot.inbox,
    adminToken: login.json().token,
    config,
    url: '',
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      t.url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      return t.url;
    },
    async close() {
      await app.close();
      await bus.close();
      await drop();
    },
  };
  return t;
}
