/**
 * The server with one more durable consumer, for `npm run bench` (part "consumers"):
 * `bench.sleeper` waits BENCH_CONSUMER_MS (5) ms — asynchronously, as an I/O-bound
 * feature would — per message.created, conversations in parallel, and notes how long
 * after the event was written (its transaction began) and after it was committed (a live
 * listener, which runs right after the commit, notes when) it saw it. On SIGUSR2 it writes its notes to
 * $BENCH_LAG_FILE. With BENCH_CONSUMER_MS=0 it runs no extra consumer: the same entry
 * point (and loader) is the baseline.
 */
import fs from 'node:fs';
import { defineConsumer } from '../src/events/consumers.js';
import type { Listener } from '../src/events/dispatcher.js';
import { startServer } from '../src/server/start.js';

const file = process.env.BENCH_LAG_FILE;
const waitMs = Number(process.env.BENCH_CONSUMER_MS ?? 5);
// notes in flat typed arrays: a small array per event would grow the heap and bring GC pauses of our own
const notes = { at: new Float64Array(1 << 20), lag: new Float64Array(1 << 20), sinceCommit: new Float64Array(1 << 20), n: 0 };
/** Event id → when its commit was reported here (ms, performance.now()), until the consumer sees it. */
const committed = new Map<number, number>();
process.on('SIGUSR2', () => {
  const out: [number, number, number][] = [];
  for (let i = 0; i < notes.n; i++) out.push([notes.at[i], notes.lag[i], notes.sinceCommit[i]]);
  if (file) fs.writeFileSync(file, JSON.stringify(out));
});

const commitNotes: Listener = {
  name: 'bench.commits',
  events: ['message.created'],
  handle(e) {
    if (committed.size < 1 << 20) committed.set(e.id, performance.now());
  },
};

startServer({ consumers: () => (waitMs > 0 ? [sleeper()] : []), listeners: waitMs > 0 ? [commitNotes] : [] }).catch((err) => {
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
      const at = committed.get(e.id);
      committed.delete(e.id);
      if (notes.n < notes.at.length) {
        notes.at[notes.n] = now;
        notes.sinceCommit[notes.n] = at === undefined ? -1 : performance.now() - at;
        notes.lag[notes.n++] = now - Date.parse(e.createdAt);
      }
      await new Promise((r) => setTimeout(r, waitMs));
    },
  });
}
