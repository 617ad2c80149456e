/**
 * The storage port. One schema and one SQL dialect (PostgreSQL's) serve both
 * adapters: PGlite (embedded default, real Postgres in WASM) and PostgreSQL.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Row = Record<string, any>;

/**
 * Set while a transaction callback runs. A query on the pool (instead of the
 * transaction's own `sql`) from inside it is a bug: on PGlite (one connection)
 * it waits for the transaction forever; on PostgreSQL it runs outside it.
 *
 * A check for development and tests (NODE_ENV=test, as under vitest, or
 * ZHIKE_TX_GUARD=1): on Node 20 an AsyncLocalStorage turns on promise hooks for the
 * whole process, which cost about a tenth of the server's CPU on the message path.
 */
export const inTransaction: Pick<AsyncLocalStorage<true>, 'getStore'> & { run<R>(store: true, fn: () => R): R } =
  process.env.ZHIKE_TX_GUARD === '1' || (process.env.NODE_ENV === 'test' && process.env.ZHIKE_TX_GUARD !== '0')
    ? new AsyncLocalStorage<true>()
    : { run: (_store, fn) => fn(), getStore: () => undefined };

export function assertNotInTransaction(): void {
  if (inTransaction.getStore()) {
    throw new Error('a query on the database pool inside a transaction: pass the transaction’s `sql` down instead');
  }
}

/** The adapters' pool-level executor: refuses to run inside a transaction's callback. */
export function guarded(base: Sql): Sql {
  return {
    query: (text, params) => {
      assertNotInTransaction();
      return base.query(text, params);
    },
    exec: (text) => {
      assertNotInTransaction();
      return base.exec(text);
    },
  };
}

export interface Sql {
  /** Runs one parameterised statement and returns its rows. */
  query<T extends Row = Row>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Sql {
  readonly dialect: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function one<T extends Row>(sql: Sql, text: string, params?: unknown[]): Promise<T> {
  const rows = await sql.query<T>(text, params);
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${text.slice(0, 80)}`);
  return rows[0];
}

export async function maybeOne<T extends Row>(sql: Sql, text: string, params?: unknown[]): Promise<T | null> {
  const rows = await sql.query<T>(text, params);
  return rows[0] ?? null;
}

/** PostgreSQL's unique_violation, raised the same way by both adapters. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

export async function openDb(opts: { databaseUrl?: string; dataDir?: string; schema?: string; poolSize?: number }): Promise<Db> {
  if (opts.databaseUrl) {
    const { openPostgres } = await import('./postgres.js');
    return openPostgres(opts.databaseUrl, { schema: opts.schema, poolSize: opts.poolSize });
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite(opts.dataDir);
}

/** Deadlock or serialization failure: the transaction may simply be run again. */
export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '40P01' || code === '40001';
}

/** Runs `fn` (a whole transaction) again on deadlock or serialization failure, a few times. */
export async function withRetry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 * i + Math.random() * 20));
    }
  }
}
