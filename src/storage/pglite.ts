import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { assertNotInTransaction, guarded, inTransaction, type Db, type Row, type Sql } from './db.js';
import { StatementQueue } from './statement-queue.js';

/**
 * PGlite adapter. PGlite is one process per data directory: two processes on one
 * directory corrupt its WAL (pglite#327), so we hold a lock file beside it.
 * On Node PGlite does not fsync (pglite#1107): data survives a crashed process,
 * not a power cut. Production runs on PostgreSQL.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  let release = () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    release = lockDirectory(dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      dataDir: dataDir ? path.join(dataDir, 'pglite') : undefined,
      parsers: { [types.INT8]: (v: string) => Number(v) },
    });
  } catch (err) {
    release();
    throw err;
  }
  const wrap = (q: { query: PGlite['query']; exec: PGlite['exec'] }): Sql => ({
    async query<T extends Row>(text: string, params?: unknown[]) {
      return (await q.query<T>(text, params as any[])).rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
  });
  // Statements and whole transactions take turns that leave the event loop room (statement-queue.ts).
  const turns = new StatementQueue();
  const direct = wrap(pg);
  const base: Sql = {
    query: (text, params) => turns.run(() => direct.query(text, params)),
    exec: (text) => turns.run(() => direct.exec(text)),
  };
  return {
    dialect: 'pglite',
    ...guarded(base),
    tx: (fn) => {
      assertNotInTransaction();
      return turns.run(() => pg.transaction((t) => inTransaction.run(true, () => fn(wrap(t)))));
    },
    async close() {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}

/** Lock files this process holds (a second open in the same process is refused too). */
const held = new Set<string>();

/**
 * Takes `<dataDir>/zhike.lock`; a lock left by a dead process (crash, SIGKILL) is
 * taken over. A lock carrying our own pid that we do not hold is stale too: a
 * restarted container often gets the same pid as the process that crashed.
 */
function lockDirectory(dataDir: string): () => void {
  const lockPath = path.resolve(dataDir, 'zhike.lock');
  const inUse = (pid: number) =>
    new Error(
      `data directory ${dataDir} is in use by process ${pid}. The embedded database (PGlite) allows one ` +
        `process per data directory: stop that process, or set DATABASE_URL to run several instances on PostgreSQL.`,
    );
  if (held.has(lockPath)) throw inUse(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      held.add(lockPath);
      return () => {
        held.delete(lockPath);
        fs.rmSync(lockPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw inUse(pid);
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
