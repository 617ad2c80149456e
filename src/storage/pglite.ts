import fs from 'node:fs';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { lockDirectory } from './directory-lock.js';
import { PreparedStatements } from './pglite-prepared.js';
import { assertNotInTransaction, guarded, inTransaction, type Db, type Row, type Sql } from './db.js';
import { StatementQueue } from './statement-queue.js';

/**
 * PGlite adapter. PGlite is one process per data directory: two processes on one
 * directory corrupt its WAL (pglite#327), so we hold a lock beside it (directory-lock.ts).
 * On Node PGlite does not fsync (pglite#1107): data survives a crashed process,
 * not a power cut. Production runs on PostgreSQL.
 */
export async function openPglite(dataDir?: string): Promise<Db> {
  let release = async () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    release = await lockDirectory(dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      dataDir: dataDir ? path.join(dataDir, 'pglite') : undefined,
      parsers: { [types.INT8]: (v: string) => Number(v) },
    });
  } catch (err) {
    await release();
    throw err;
  }
  // Statements are prepared once per text (pglite-prepared.ts); `exec` runs scripts as they are.
  const prepared = new PreparedStatements(pg);
  const wrap = (q: { exec: PGlite['exec'] }, inTransaction: boolean): Sql => ({
    query: <T extends Row>(text: string, params?: unknown[]) => prepared.query<T>(text, params, inTransaction),
    async exec(text: string) {
      await q.exec(text);
    },
  });
  // Statements and whole transactions take turns that leave the event loop room (statement-queue.ts).
  const turns = new StatementQueue();
  const direct = wrap(pg, false);
  const base: Sql = {
    query: (text, params) => turns.run(() => direct.query(text, params)),
    exec: (text) => turns.run(() => direct.exec(text)),
  };
  return {
    dialect: 'pglite',
    ...guarded(base),
    tx: (fn) => {
      assertNotInTransaction();
      return turns.run(() => pg.transaction((t) => inTransaction.run(true, () => fn(wrap(t, true)))));
    },
    async close() {
      try {
        await pg.close();
      } finally {
        await release();
      }
    },
  };
}
