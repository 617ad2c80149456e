import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/helpers/app.js';
import { DB_KINDS, TEST_DATABASE_URL } from '../../test/helpers/env.js';
import { ServerProcess } from '../../test/helpers/server-process.js';
import { openDb } from './db.js';
import { migrate } from './migrate.js';

describe.each(DB_KINDS)('storage on %s', (kind) => {
  it('applies each migration once; a second run applies nothing', async () => {
    const { db, drop } = await testDb(kind);
    try {
      expect(await migrate(db)).toEqual([]);
      const rows = await db.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toContain('001_foundation');
    } finally {
      await drop();
    }
  });

  it('returns int8 ids as numbers and timestamps as dates on both adapters', async () => {
    const { db, drop } = await testDb(kind);
    try {
      const [row] = await db.query(`INSERT INTO workspaces (name) VALUES ('x') RETURNING id, created_at`);
      expect(typeof row.id).toBe('number');
      expect(row.created_at).toBeInstanceOf(Date);
      await expect(db.tx(async (sql) => {
        await sql.query(`INSERT INTO workspaces (name) VALUES ('rolled back')`);
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await db.query(`SELECT 1 FROM workspaces WHERE name = 'rolled back'`)).toEqual([]);
      // using the pool inside a transaction is refused at once (on PGlite it would wait forever)
      await expect(db.tx(async () => db.query('SELECT 1'))).rejects.toThrow(/inside a transaction/);
      expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await drop();
    }
  });
});

describe('PostgreSQL schema', () => {
  it('several instances opening one new schema at once all start (CREATE SCHEMA IF NOT EXISTS races in the catalogue)', async () => {
    const schema = `t_race_${crypto.randomBytes(4).toString('hex')}`;
    const dbs = await Promise.all(Array.from({ length: 8 }, () => openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 1 })));
    try {
      expect((await dbs[0].query('SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1', [schema]))[0].n).toBe(1);
    } finally {
      await dbs[0].query(`DROP SCHEMA ${schema} CASCADE`);
      await Promise.all(dbs.map((d) => d.close()));
    }
  });
});

describe('the embedded database directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-lock-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is locked to one process: a second server on it refuses to start and says why', { timeout: 120_000 }, async () => {
    const first = await ServerProcess.start({ ZHIKE_DATA_DIR: dir });
    try {
      const second = new ServerProcess(first.port + 1, { ZHIKE_DATA_DIR: dir });
      await expect(second.start(30_000)).rejects.toThrow(/in use by process \d+.*DATABASE_URL/s);
      // and within one process too
      await expect(openDb({ dataDir: dir })).rejects.toThrow(/in use/);
    } finally {
      await first.stop();
    }
    // after a clean stop the directory opens again, data intact
    const db = await openDb({ dataDir: dir });
    const ws = await db.query('SELECT count(*) AS n FROM workspaces');
    expect(ws[0].n).toBe(1);
    await db.close();
  });

  it('takes over the lock of a killed process, whatever pid files say', { timeout: 60_000 }, async () => {
    const crashed = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-stale-'));
    // the lock socket of a process killed with SIGKILL: still on disk, nobody listening
    const sock = path.join(crashed, 'zhike.lock.sock');
    const killed = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.statSync(sock).isSocket()).toBe(true);
    // a pid file of an older Zhike naming a live, unrelated process (a reused pid)
    fs.writeFileSync(path.join(crashed, 'zhike.lock'), String(process.ppid));
    const db = await openDb({ dataDir: crashed });
    await migrate(db);
    await expect(openDb({ dataDir: crashed })).rejects.toThrow(new RegExp(`in use by process ${process.pid}\\b`));
    await db.close();
    expect(fs.existsSync(sock)).toBe(false);
    expect(fs.existsSync(path.join(crashed, 'zhike.lock'))).toBe(false);
    fs.rmSync(crashed, { recursive: true, force: true });
  });
});
