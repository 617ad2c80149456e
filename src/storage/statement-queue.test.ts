import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../test/helpers/app.js';

describe('PGlite statements take turns with the event loop', () => {
  it('accepts a new connection while a backlog of statements is worked through, and keeps their order', { timeout: 120_000 }, async () => {
    const { db, drop } = await testDb('pglite');
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const N = 1000;
      const finished: number[] = [];
      const backlog = Array.from({ length: N }, (_, i) => db.query('SELECT count(*) AS n FROM pg_class').then(() => finished.push(i)));
      // A visitor connects while the database is busy (say, consumers catching up).
      const acceptedAfter = new Promise<number>((resolve) => server.once('connection', () => resolve(finished.length)));
      const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      client.on('error', () => {});
      const doneWhenAccepted = await acceptedAfter;
      await Promise.all(backlog);
      // Before: the whole backlog ran as one chain of microtasks, and the connection was
      // accepted only after all of it (under load, HTTP requests waited 7–50 s this way).
      expect(doneWhenAccepted).toBeLessThan(N);
      // first come, first served
      expect(finished).toEqual(Array.from({ length: N }, (_, i) => i));
      client.destroy();
    } finally {
      server.close();
      await drop();
    }
  });
});
