/**
 * The server with one more durable consumer, for `npm run bench` (part "consumers"):
 * `bench.sleeper` waits BENCH_CONSUMER_MS (5) ms — asynchronously, as an I/O-bound
 * feature would — per message.created, conversations in parallel, and notes how long
 * after the event was written it saw it. On SIGUSR2 it writes its notes to
 * $BENCH_LAG_FILE. With BENCH_CONSUMER_MS=0 it runs no extra consumer: the same entry
 * point (and loader) is the baseline.
 */
import fs from 'node:fs';
import { defineConsumer } from '../src/events/consumers.js';
import { startServer } from '../src/server/start.js';

const file = process.env.BENCH_LAG_FILE;
const waitMs = Number(process.env.BENCH_CONSUMER_MS ?? 5);
// notes in flat typed arrays: a small array per event would grow the heap and bring GC pauses of our own
const notes = { at: new Float64Array(1 << 20), lag: new Float64Array(1 << 20), n: 0 };
process.on('SIGUSR2', () => {
  const out: [number, number][] = [];
  for (let i = 0; i < notes.n; i++) out.push([notes.at[i], notes.lag[i]]);
  if (file) fs.writeFileSync(file, JSON.stringify(out));
});

startServer({ consumers: () => (waitMs > 0 ? [sleeper()] : []) }).catch((err) => {
  process.stderr.write(`bench server failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});

function sleeper() {
  return defineConsumer({
    name: 'bench.sleeper',
    events: ['message.created'],
    concurrency: 64,
    async handle(e) {
      const now = Date.now();
      if (notes.n < notes.at.length) {
        notes.at[notes.n] = now;
        notes.lag[notes.n++] = now - Date.parse(e.createdAt);
      }
      await new Promise((r) => setTimeout(r, waitMs));
    },
  });
}
