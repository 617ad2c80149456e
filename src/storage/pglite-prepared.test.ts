import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { isUniqueViolation, openDb, type Db } from './db.js';
import { PreparedStatements } from './pglite-prepared.js';

/**
 * The PGlite adapter prepares each statement once (pglite-prepared.ts): what comes
 * back must be what PGlite.query gave — the same types, the same errors — and a
 * table changed under a prepared statement must not break it.
 */
describe('PGlite prepared statements', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({});
    await db.exec(`CREATE TABLE things (id bigserial PRIMARY KEY, name text UNIQUE, tags text[], ids bigint[], data jsonb, at timestamptz DEFAULT now(), ok boolean, score double precision)`);
  });
  afterAll(async () => {
    await db.close();
  });

  it('round-trips every type the app uses, and NULL, through parameters and results', async () => {
    const at = new Date('2026-11-30T12:34:56.789Z');
    const insert = `INSERT INTO things (name, tags, ids, data, at, ok, score) VALUES ($1, $2, $3::bigint[], $4::jsonb, $5, $6, $7) RETURNING *`;
    const [row] = await db.query(insert, ['甲', ['a', 'b,c', '"q"'], [1, 2, 9_007_199_254_740_991], JSON.stringify({ 中: [1, null] }), at, true, 0.25]);
    expect(row).toEqual({ id: 1, name: '甲', tags: ['a', 'b,c', '"q"'], ids: [1, 2, 9_007_199_254_740_991], data: { 中: [1, null] }, at, ok: true, score: 0.25 });
    const [empty] = await db.query(insert, ['乙', null, null, null, null, null, null]);
    expect(empty).toMatchObject({ name: '乙', tags: null, ids: null, data: null, at: null, ok: null, score: null });
    // the same text again: the prepared statement, with other values
    const found = await db.query('SELECT id, name FROM things WHERE id = ANY($1::bigint[]) ORDER BY id', [[1, 2, 3]]);
    expect(found).toEqual([
      { id: 1, name: '甲' },
      { id: 2, name: '乙' },
    ]);
    expect(await db.query('SELECT id FROM things WHERE id = ANY($1::bigint[])', [[]])).toEqual([]);
    // a statement that returns no rows at all
    expect(await db.query('UPDATE things SET ok = $2 WHERE id = $1', [1, false])).toEqual([]);
    expect((await db.query('SELECT ok FROM things WHERE id = $1', [1]))[0].ok).toBe(false);
  });

  it('raises the database’s errors with their code and constraint, and goes on', async () => {
    const err = await db.query('INSERT INTO things (name) VALUES ($1)', ['甲']).catch((e) => e);
    expect(isUniqueViolation(err, 'things_name_key')).toBe(true);
    await expect(db.query('SELECT nope FROM things WHERE id = $1', [1])).rejects.toMatchObject({ code: '42703' });
    // inside a transaction: the error rolls it back, and the next statements work
    await expect(
      db.tx(async (sql) => {
        await sql.query('INSERT INTO things (name) VALUES ($1)', ['丙']);
        await sql.query('INSERT INTO things (name) VALUES ($1)', ['甲']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT count(*)::int AS n FROM things WHERE name = $1', ['丙'])).toEqual([{ n: 0 }]);
    await db.tx(async (sql) => {
      await sql.query('INSERT INTO things (name) VALUES ($1)', ['丁']);
    });
    expect(await db.query('SELECT count(*)::int AS n FROM things WHERE name = $1', ['丁'])).toEqual([{ n: 1 }]);
  });

  it('prepares again a statement whose table changed shape', async () => {
    const text = 'SELECT * FROM things WHERE id = $1';
    expect(Object.keys((await db.query(text, [1]))[0])).not.toContain('extra');
    await db.exec('ALTER TABLE things ADD COLUMN extra text');
    expect((await db.query(text, [1]))[0]).toMatchObject({ id: 1, extra: null });
  });

  it('past its bound it closes the oldest statement, inside a transaction as well as outside', async () => {
    const pg = await PGlite.create();
    try {
      const prepared = new PreparedStatements(pg, 3);
      const texts = Array.from({ length: 6 }, (_, i) => `SELECT $1::int + ${i} AS n`);
      for (const [i, text] of texts.entries()) expect(await prepared.query(text, [i], false)).toEqual([{ n: 2 * i }]);
      await pg.transaction(async () => {
        for (const [i, text] of texts.entries()) expect(await prepared.query(text, [10], true)).toEqual([{ n: 10 + i }]);
      });
      const open = await prepared.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements', [], false);
      expect(open[0].n).toBeLessThanOrEqual(3);
    } finally {
      await pg.close();
    }
  });
});
