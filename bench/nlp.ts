/**
 * NLP benchmark (issue 14, part "nlp"): the analysis the bot, agent assist and quality
 * inspection run on every message, in-process. Builds the zh-CN engine (time and memory it
 * adds to the process), then analyses the eval sentences (customer lines as 'customer', agent
 * lines as 'agent', 禁语 included) and longer messages made of several of them, and reports
 * calls/s, p50, p99 and max per call next to jieba's segmentation of the same sentence alone
 * (the baseline: the least any Chinese analysis does). Target: p99 < 2 ms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/config.js';
import { jiebaTokenizer } from '../src/nlp/jieba.js';
import { createNlpEngine } from '../src/nlp/index.js';

const CALLS = Number(process.env.BENCH_NLP_CALLS ?? 20_000);

/** The eval sentences (customer lines; agent lines from the 禁语 sets) and 60 long messages made of them. */
export function nlpSentences(): { text: string; role: 'customer' | 'agent' }[] {
  const dir = path.join(projectRoot(), 'nlp/eval/zh-CN');
  const out: { text: string; role: 'customer' | 'agent' }[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.tsv'))) {
    const role = file.startsWith('forbidden') ? 'agent' : 'customer';
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const text = line.split('\t')[1]?.trim();
      if (text) out.push({ text, role });
    }
  }
  // a few long messages (a customer pasting a whole story): four to eight sentences joined
  const customers = out.filter((s) => s.role === 'customer');
  for (let i = 0; i < 60; i++) out.push({ role: 'customer', text: Array.from({ length: 4 + (i % 5) }, (_, k) => customers[(i * 7 + k * 13) % customers.length].text).join('，') });
  return out;
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

function time(calls: number, items: { text: string; role: 'customer' | 'agent' }[], fn: (s: { text: string; role: 'customer' | 'agent' }) => unknown) {
  for (let i = 0; i < 2000; i++) fn(items[i % items.length]); // warm-up
  const samples = new Float64Array(calls);
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    fn(items[i % items.length]);
    samples[i] = performance.now() - t0;
  }
  const total = performance.now() - started;
  const sorted = Array.from(samples).sort((a, b) => a - b);
  return { perSecond: calls / (total / 1000), p50: q(sorted, 0.5), p99: q(sorted, 0.99), max: sorted[sorted.length - 1] };
}

export async function benchNlp(log: (s: string) => void): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const items = nlpSentences();
  log(`\nNLP analysis (in-process, zh-CN): ${items.length} sentences from nlp/eval (agent lines with 禁语 detection, 60 long messages), ${CALLS} calls`);
  gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const engine = createNlpEngine('zh-CN');
  engine.analyze('预热一下');
  const buildMs = performance.now() - t0;
  gc?.();
  const after = process.memoryUsage();
  log(`  engine built in ${buildMs.toFixed(0)} ms (jieba dictionary, packs, classifiers); memory added: heap ${((after.heapUsed - before.heapUsed) / 2 ** 20).toFixed(1)} MB, rss ${((after.rss - before.rss) / 2 ** 20).toFixed(1)} MB${gc ? '' : ' (no --expose-gc: rough)'}`);
  const jieba = jiebaTokenizer();
  const base = time(CALLS, items, (s) => jieba.cut(s.text));
  const analyze = time(CALLS, items, (s) => engine.analyze(s.text, s.role));
  const row = (label: string, r: ReturnType<typeof time>) =>
    log(`  ${label.padEnd(34)} ${r.perSecond.toFixed(0).padStart(7)} calls/s   p50 ${us(r.p50).padStart(8)}   p99 ${us(r.p99).padStart(8)}   max ${us(r.max).padStart(8)}`);
  row('jieba cut alone (baseline)', base);
  row('analyze (normalise…禁语)', analyze);
  log(`  analyze p99 ${us(analyze.p99)} (target < 2 ms) → ${analyze.p99 < 2 ? 'MET' : 'NOT MET'}; ${(analyze.p50 / base.p50).toFixed(1)}× jieba's cut at p50`);
}
