/**
 * A bench's own database and app: PGlite in memory or a fresh PostgreSQL schema, migrated and
 * bootstrapped (admin password bench-pass-1), the app built on it with its timers asleep; `fn`
 * fills and measures it. The app, the database and the schema are gone afterwards, whatever
 * happens. The routing and the 工单 benchmarks use it.
 */
import crypto from 'node:crypto';
import { bootstrap } from '../src/bootstrap.js';
import { MemoryBus } from '../src/bus/bus.js';
import { loadConfig } from '../src/config.js';
import { buildApp, type ZhikeApp } from '../src/server/app.js';
import { openDb, type Db } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';

export interface BenchWorkspace {
  db: Db;
  workspaceId: number;
  inboxId: number;
  /** Built once `fn` asks for it (after filling the database, so caches start from the data). */
  app(): Promise<ZhikeApp>;
}

export async function withBenchWorkspace<T>(kind: 'pglite' | 'postgres', databaseUrl: string, prefix: string, fn: (w: BenchWorkspace) => Promise<T>): Promise<T> {
  const schema = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  const db = kind === 'pglite' ? await openDb({}) : await openDb({ databaseUrl, schema });
  let app = null as ZhikeApp | null; // set inside fn (TypeScript cannot see that)
  try {
    await migrate(db);
    const boot = await bootstrap(db, { adminPassword: 'bench-pass-1' });
    return await fn({
      db,
      workspaceId: boot.workspace.id,
      inboxId: boot.inbox.id,
      async app() {
        app ??= await buildApp({ config: loadConfig({}, { timerPollMs: 3_600_000 }), db, bus: new MemoryBus(), logger: false });
        await app.ready();
        return app;
      },
    });
  } finally {
    await app?.close();
    if (kind === 'postgres') await db.query(`DROP SCHEMA ${schema} CASCADE`);
    await db.close();
  }
}
