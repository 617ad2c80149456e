/**
 * The server with one more durable consumer, for `npm run bench` (part "consumers"):
 * `bench.sleeper` waits 5 ms (asynchronously, as an I/O-bound feature would) per
 * message.created, conversations in parallel, and notes how long after the event
 * was written it saw it. On SIGUSR2 it writes its notes to $BENCH_LAG_FILE.
 */
import fs from 'node:fs';
import { defineConsumer } from '../src/events/consumers.js';
import { startServer } from '../src/server/start.js';

const file = process.env.BENCH_LAG_FILE;
const waitMs = Number(process.env.BENCH_CONSUMER_MS ?? 5);
const notes: [at: number, lagMs: number][] = [];
process.on('SIGUSR2', () => {
  if (file) fs.writeFileSync(file, JSON.stringify(notes));
});

startServer({
  consumers: () => [
    defineConsumer({
      name: 'bench.sleeper',
      events: ['message.created'],
      concurrency: 64,
      async handle(e) {
        const now = Date.now();
        notes.push([now, now - Date.parse(e.createdAt)]);
        await new Promise((r) => setTimeout(r, waitMs));
      },
    }),
  ],
}).catch((err) => {
  process.stderr.write(`bench server failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
