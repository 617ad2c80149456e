import crypto from 'node:crypto';
import pg from 'pg';
import { assertNotInTransaction, guarded, inTransaction, type Db, type Row, type Sql } from './db.js';

/** PostgreSQL adapter: a connection pool; int8 parsed to number like the PGlite adapter. */
export async function openPostgres(url: string, opts: { schema?: string; poolSize?: number } = {}): Promise<Db> {
  const typeParsers = {
    getTypeParser: ((oid: number, format?: any) =>
      oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  if (opts.schema && !/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`invalid schema name ${opts.schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 20,
    types: typeParsers,
    options: opts.schema ? `-c search_path=${opts.schema}` : undefined,
  });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  if (opts.schema) {
    const c = await pool.connect();
    try {
      // Two instances starting together both pass IF NOT EXISTS and one insert loses the race
      // in the catalogue (unique_violation on pg_namespace): the schema is there, go on.
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`).catch((err: { code?: string }) => {
        if (err.code !== '23505' && err.code !== '42P06') throw err;
      });
    } finally {
      c.release();
    }
  }
  const wrap = (q: pg.Pool | pg.PoolClient): Sql => ({
    async query<T extends Row>(text: string, params?: unknown[]) {
      // Named (prepared) statements: each connection parses and plans a statement once,
      // and later executions send only the parameters.
      return (await q.query({ name: statementName(text), text, values: params as any[] })).rows as T[];
    },
    async exec(text: string) {
      await q.query(text);
    },
  });
  const base = wrap(pool);
  return {
    dialect: 'postgres',
    ...guarded(base),
    async tx(fn) {
      assertNotInTransaction();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await inTransaction.run(true, () => fn(wrap(client)));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = 'zk_' + crypto.createHash('sha1').update(text).digest('hex').slice(0, 20);
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}
