import { bootstrap } from '../../src/bootstrap.js';
import { MemoryBus } from '../../src/bus/bus.js';
import { loadConfig } from '../../src/config.js';
import type { ReceptionPatch } from '../../src/core/reception/settings.js';
import { buildApp } from '../../src/server/app.js';
import type { Db } from '../../src/storage/db.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type DbKind } from './env.js';
import { QUIET_RECEPTION, testDb, type TestApp } from './app.js';

/**
 * The real application whose pool-level statements are also noted, as sent (the
 * database is the real one; statements inside transactions are not counted): for
 * tests of how many statements a path costs.
 */
export async function countedTestApp(kind: DbKind, opts: { reception?: ReceptionPatch } = {}): Promise<{ t: TestApp; statements: string[] }> {
  const { db, drop } = await testDb(kind);
  const statements: string[] = [];
  const counted: Db = {
    dialect: db.dialect,
    query: (text, params) => (statements.push(text), db.query(text, params)),
    exec: (text) => db.exec(text),
    tx: (fn) => db.tx(fn),
    close: () => db.close(),
  };
  const boot = await bootstrap(db, { adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD });
  await db.query('UPDATE inboxes SET reception = $1::jsonb WHERE id = $2', [JSON.stringify(opts.reception ?? QUIET_RECEPTION), boot.inbox.id]);
  const config = loadConfig({}, { loginRateLimit: 1000 });
  const app = await buildApp({ config, db: counted, bus: new MemoryBus(), logger: false });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  const t: TestApp = {
    app,
    db: counted,
    kind,
    inbox: boot.inbox,
    adminToken: login.json().token,
    config,
    url: '',
    listen: () => Promise.reject(new Error('not needed')),
    async close() {
      await app.close();
      await drop();
    },
  };
  return { t, statements };
}
