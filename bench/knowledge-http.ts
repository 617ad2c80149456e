/**
 * 知识库 search and the analysis through HTTP (issue 14, part "knowledge-http"): the agent API's
 * POST /api/v1/knowledge/search over a 5,000-article workspace (imported through the CSV
 * import endpoint), the app in this process on PGlite, one keep-alive client: latency p50/p99
 * of one search at a time, then req/s with BENCH_KB_HTTP_CONCURRENCY (4) in flight; then
 * POST /api/v1/nlp/analyze over the eval sentences, one at a time; both next to GET
 * /api/v1/me (an authenticated request that does almost nothing: the HTTP baseline).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { bootstrap } from '../src/bootstrap.js';
import { MemoryBus } from '../src/bus/bus.js';
import { loadConfig } from '../src/config.js';
import { articlesToCsv } from '../src/core/knowledge/csv.js';
import { readFaqArticles, readFaqQueries } from '../src/evaluation/evaluation.js';
import { buildApp } from '../src/server/app.js';
import { openDb } from '../src/storage/db.js';
import { migrate } from '../src/storage/migrate.js';
import { generateArticles } from './knowledge.js';
import { nlpSentences } from './nlp.js';
import { quantile } from './load.js';

export async function benchKnowledgeHttp(log: (s: string) => void): Promise<void> {
  const db = await openDb({});
  await migrate(db);
  await bootstrap(db, { adminEmail: 'bench@zhike.test', adminPassword: 'bench-pass-1' });
  const app = await buildApp({ config: loadConfig({}, { loginRateLimit: 1e6 }), db, bus: new MemoryBus(), logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const call = (method: string, path: string, body: unknown, token?: string) =>
    new Promise<{ status: number; json: any }>((resolve, reject) => {
      const data = body === undefined ? '' : JSON.stringify(body);
      const req = http.request(
        { agent, host: '127.0.0.1', port, method, path, headers: { ...(data ? { 'content-type': 'application/json' } : {}), 'content-length': Buffer.byteLength(data), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  try {
    const token = (await call('POST', '/api/v1/auth/login', { email: 'bench@zhike.test', password: 'bench-pass-1' })).json.token as string;
    const articles = generateArticles();
    const importStarted = performance.now();
    const imported = await call('POST', '/api/v1/knowledge/import', { csv: articlesToCsv(articles) }, token);
    if (imported.status !== 200 || imported.json.errors.length) throw new Error(`import: ${imported.status} ${JSON.stringify(imported.json).slice(0, 300)}`);
    const importMs = performance.now() - importStarted;
    const faq = readFaqArticles();
    const queries = [...readFaqQueries('tune', faq), ...readFaqQueries('heldout', faq)].map((q) => q.query);
    const firstStarted = performance.now();
    await call('POST', '/api/v1/knowledge/search', { query: queries[0] }, token); // builds the index
    const firstMs = performance.now() - firstStarted;
    for (let i = 0; i < 2 * queries.length; i++) await call('POST', '/api/v1/knowledge/search', { query: queries[i % queries.length] }, token);
    const rounds = Number(process.env.BENCH_KB_ROUNDS ?? 5);
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const q of queries) {
        const t = performance.now();
        const res = await call('POST', '/api/v1/knowledge/search', { query: q, limit: 5 }, token);
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`search: ${res.status}`);
      }
    }
    times.sort((a, b) => a - b);
    const concurrency = Number(process.env.BENCH_KB_HTTP_CONCURRENCY ?? 4);
    let next = 0;
    const total = rounds * queries.length;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const q = queries[next++ % queries.length];
          await call('POST', '/api/v1/knowledge/search', { query: q }, token);
        }
      }),
    );
    const perSecond = total / ((performance.now() - started) / 1000);
    log(`\nknowledge search and analysis through HTTP: POST /api/v1/knowledge/search, ${articles.length} articles imported by CSV in ${importMs.toFixed(0)} ms; ${queries.length} FAQ queries × ${rounds}, PGlite, one keep-alive client`);
    log(`  first search (builds the workspace's index): ${firstMs.toFixed(0)} ms`);
    log(`  one at a time: p50 ${quantile(times, 0.5).toFixed(2)} ms, p99 ${quantile(times, 0.99).toFixed(2)} ms (target p99 < 10 ms) → ${quantile(times, 0.99) < 10 ? 'MET' : 'NOT MET'}`);
    log(`  ${concurrency} in flight: ${perSecond.toFixed(0)} searches/s`);
    // the HTTP baseline: an authenticated request that reads one row
    const timed = async (n: number, fn: (i: number) => Promise<{ status: number }>) => {
      const t: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const res = await fn(i);
        t.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
      }
      return t.sort((a, b) => a - b);
    };
    const sentences = nlpSentences();
    const n = Math.max(1000, sentences.length);
    await timed(300, () => call('GET', '/api/v1/me', undefined, token));
    const base = await timed(n, () => call('GET', '/api/v1/me', undefined, token));
    await timed(300, (i) => call('POST', '/api/v1/nlp/analyze', { text: sentences[i % sentences.length].text, role: sentences[i % sentences.length].role }, token));
    const analyze = await timed(n, (i) => call('POST', '/api/v1/nlp/analyze', { text: sentences[i % sentences.length].text, role: sentences[i % sentences.length].role }, token));
    log(`  GET /api/v1/me (HTTP baseline): p50 ${quantile(base, 0.5).toFixed(2)} ms, p99 ${quantile(base, 0.99).toFixed(2)} ms`);
    log(
      `  POST /api/v1/nlp/analyze, ${n} eval sentences one at a time: p50 ${quantile(analyze, 0.5).toFixed(2)} ms, p99 ${quantile(analyze, 0.99).toFixed(2)} ms (${(quantile(analyze, 0.5) / quantile(base, 0.5)).toFixed(2)}× the baseline at p50); search p50 ${(quantile(times, 0.5) / quantile(base, 0.5)).toFixed(2)}× the baseline`,
    );
    log(`  load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores (figures are noisy on a shared machine)`);
  } finally {
    agent.destroy();
    await app.close();
    await db.close();
  }
}
