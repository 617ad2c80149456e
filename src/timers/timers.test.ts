import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testDb } from '../../test/helpers/app.js';
import { DB_KINDS, TEST_DATABASE_URL } from '../../test/helpers/env.js';
import { openDb } from '../storage/db.js';
import { migrate } from '../storage/migrate.js';
import { cancelTimers, scheduleTimer, TimerRunner, type FiredTimer } from './timers.js';

const quiet = { warn: () => {}, error: () => {} };
const soon = (ms = 0) => new Date(Date.now() + ms);
const waitUntil = async (cond: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(DB_KINDS)('durable timers on %s', (kind) => {
  it('fires a due timer once, with its payload, and removes it', async () => {
    const { db, drop } = await testDb(kind);
    const fired: FiredTimer[] = [];
    const runner = new TimerRunner(db, quiet, { pollMs: 20 });
    runner.on('hello', async (t) => void fired.push(t));
    runner.start();
    try {
      await scheduleTimer(db, { kind: 'hello', key: 'hello:1', dueAt: soon(100), payload: { conversationId: 42 } });
      await waitUntil(() => fired.length === 1);
      await new Promise((r) => setTimeout(r, 150));
      expect(fired).toHaveLength(1);
      expect(fired[0]).toMatchObject({ kind: 'hello', key: 'hello:1', payload: { conversationId: 42 }, attempt: 1 });
      expect(Date.now()).toBeGreaterThanOrEqual(fired[0].dueAt.getTime());
      expect(await db.query('SELECT * FROM timers')).toEqual([]);
    } finally {
      await runner.stop();
      await drop();
    }
  });

  it('replace moves a timer, keep leaves the earlier one, cancel removes it', async () => {
    const { db, drop } = await testDb(kind);
    try {
      await scheduleTimer(db, { kind: 'k', key: 'a', dueAt: new Date('2030-01-01T00:00:00Z') });
      await scheduleTimer(db, { kind: 'k', key: 'a', dueAt: new Date('2031-01-01T00:00:00Z') });
      await scheduleTimer(db, { kind: 'k', key: 'b', dueAt: new Date('2030-01-01T00:00:00Z') });
      await scheduleTimer(db, { kind: 'k', key: 'b', dueAt: new Date('2031-01-01T00:00:00Z') }, 'keep');
      const rows = await db.query('SELECT key, due_at, version FROM timers ORDER BY key');
      expect(rows.map((r) => [r.key, r.due_at.toISOString().slice(0, 4), r.version])).toEqual([
        ['a', '2031', 2],
        ['b', '2030', 1],
      ]);
      await cancelTimers(db, ['a', 'b']);
      expect(await db.query('SELECT * FROM timers')).toEqual([]);
    } finally {
      await drop();
    }
  });

  it('retries a failing handler with backoff and gives up after the attempts limit, keeping the row', async () => {
    const { db, drop } = await testDb(kind);
    let calls = 0;
    const runner = new TimerRunner(db, quiet, { pollMs: 20, maxAttempts: 2 });
    runner.on('flaky', async () => {
      calls++;
      throw new Error('downstream unavailable');
    });
    try {
      await scheduleTimer(db, { kind: 'flaky', key: 'f', dueAt: soon() });
      expect(await runner.pollOnce()).toBe(1);
      const [afterOne] = await db.query('SELECT attempts, last_error, failed_at, locked_until FROM timers');
      expect(afterOne).toMatchObject({ attempts: 1, last_error: 'downstream unavailable', failed_at: null });
      expect(afterOne.locked_until.getTime()).toBeGreaterThan(Date.now()); // backing off
      expect(await runner.pollOnce()).toBe(0);
      await db.query('UPDATE timers SET locked_until = now()');
      await runner.pollOnce();
      const [gaveUp] = await db.query('SELECT attempts, failed_at FROM timers');
      expect(gaveUp.attempts).toBe(2);
      expect(gaveUp.failed_at).toBeInstanceOf(Date);
      await db.query('UPDATE timers SET locked_until = now()');
      expect(await runner.pollOnce()).toBe(0);
      expect(calls).toBe(2);
    } finally {
      await drop();
    }
  });

  it('a timer rescheduled while it runs keeps its new schedule', async () => {
    const { db, drop } = await testDb(kind);
    const runner = new TimerRunner(db, quiet);
    runner.on('idle', async () => {
      await scheduleTimer(db, { kind: 'idle', key: 'idle:1', dueAt: new Date('2030-01-01T00:00:00Z') });
    });
    try {
      await scheduleTimer(db, { kind: 'idle', key: 'idle:1', dueAt: soon() });
      await runner.pollOnce();
      const rows = await db.query('SELECT due_at FROM timers');
      expect(rows).toHaveLength(1);
      expect(rows[0].due_at.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    } finally {
      await drop();
    }
  });
});

describe('timers across restarts and instances', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-timers-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a timer scheduled before a restart fires after it (PGlite data directory)', async () => {
    const first = await openDb({ dataDir: dir });
    await migrate(first);
    await scheduleTimer(first, { kind: 'checkin', key: 'checkin:7', dueAt: soon(300), payload: { n: 7 } });
    await first.close(); // the process "stops" before the timer is due
    await new Promise((r) => setTimeout(r, 400));
    const second = await openDb({ dataDir: dir });
    const fired: FiredTimer[] = [];
    const runner = new TimerRunner(second, quiet, { pollMs: 20 });
    runner.on('checkin', async (t) => void fired.push(t));
    runner.start();
    try {
      await waitUntil(() => fired.length === 1);
      expect(fired[0].payload).toEqual({ n: 7 });
    } finally {
      await runner.stop();
      await second.close();
    }
  });

  it('two instances on PostgreSQL fire each of 300 timers exactly once', async () => {
    const schema = `timers_${crypto.randomBytes(4).toString('hex')}`;
    const a = await openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 5 });
    const b = await openDb({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 5 });
    await migrate(a);
    await a.exec('CREATE TABLE fired (key text NOT NULL, instance text NOT NULL)');
    const runners = [new TimerRunner(a, quiet, { pollMs: 10, batch: 20 }), new TimerRunner(b, quiet, { pollMs: 10, batch: 20 })];
    runners.forEach((r, i) =>
      r.on('tick', async (t) => {
        await (i === 0 ? a : b).query('INSERT INTO fired (key, instance) VALUES ($1, $2)', [t.key, String(i)]);
      }),
    );
    try {
      runners.forEach((r) => r.start());
      await Promise.all(Array.from({ length: 300 }, (_, i) => scheduleTimer(a, { kind: 'tick', key: `tick:${i}`, dueAt: soon(50 + (i % 50)) })));
      await waitUntil(async () => (await a.query('SELECT count(*) AS n FROM fired'))[0].n >= 300, 20_000);
      await new Promise((r) => setTimeout(r, 200));
      const [stats] = await a.query('SELECT count(*) AS n, count(DISTINCT key) AS d FROM fired');
      expect(stats).toEqual({ n: 300, d: 300 });
      const perInstance = await a.query('SELECT instance, count(*) AS n FROM fired GROUP BY instance ORDER BY instance');
      expect(perInstance.length).toBe(2); // both instances took part
      expect(await a.query('SELECT * FROM timers')).toEqual([]);
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
      await a.query(`DROP SCHEMA ${schema} CASCADE`);
      await a.close();
      await b.close();
    }
  });

  it('an instance that dies mid-run loses nothing: the lease expires and another instance runs the timer', async () => {
    const { db, drop } = await testDb('postgres');
    const hung = new TimerRunner(db, quiet, { leaseMs: 300 });
    hung.on('job', () => new Promise(() => {})); // never finishes: as good as a killed process
    const healthy = new TimerRunner(db, quiet, { leaseMs: 300 });
    const fired: FiredTimer[] = [];
    healthy.on('job', async (t) => void fired.push(t));
    try {
      await scheduleTimer(db, { kind: 'job', key: 'job:1', dueAt: soon() });
      void hung.pollOnce();
      await new Promise((r) => setTimeout(r, 100));
      expect(await healthy.pollOnce()).toBe(0); // still leased
      await new Promise((r) => setTimeout(r, 300));
      expect(await healthy.pollOnce()).toBe(1);
      expect(fired[0]).toMatchObject({ key: 'job:1', attempt: 2 });
    } finally {
      await drop();
    }
  });
});
