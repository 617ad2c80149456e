/**
 * The worker thread's side of the analysis thread (analysis-worker.ts is the process's side):
 * it builds each language's engine on first use and answers batches of texts with their analyses.
 * Messages in: { id, items: [{ locale, text, role }] }, { id, read: [{ locale, text, role | null }] } or { id, warm: locale };
 * out: { id, results }, { id, readings } or { id, error }; and { alive: true } while it builds an engine
 * (jieba's dictionary, training a 禁语 model the cache did not have: seconds, far more on a loaded
 * machine, where this thread's low priority gives it what is left), so the process can tell a
 * thread at work from a stuck one.
 */
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { createNlpEngine } from './index.js';
import { packLocale } from './engines.js';
import type { AnalysisItem, AnalysisRequest, AnalysisResponse, ThreadAnalysis } from './analysis-worker.js';

const port = parentPort!;

/** A sign of life at most every BEAT_MS while an engine is built (each step is tens of ms; posting is cheap but not free). */
const BEAT_MS = 250;
let lastBeat = 0;
const beat = () => {
  const now = Date.now();
  if (now - lastBeat < BEAT_MS) return;
  lastBeat = now;
  port.postMessage({ alive: true } satisfies AnalysisResponse);
};

const engines = new Map<string, ReturnType<typeof createNlpEngine>>();
const engineFor = (locale: string | null) => {
  const key = packLocale(locale);
  let engine = engines.get(key);
  if (!engine) engines.set(key, (engine = createNlpEngine(key, undefined, beat)));
  return engine;
};

/**
 * Analysis is background work: under load it takes the CPU the acknowledgement and delivery path
 * leaves, never a share of it. On Linux a nice value is per thread, so this lowers only this one;
 * elsewhere it would lower the whole process, so it is left alone.
 */
export const ANALYSIS_THREAD_NICE = 10;
if (process.platform === 'linux') {
  try {
    os.setPriority(0, ANALYSIS_THREAD_NICE);
  } catch {
    // not permitted (a sandbox): the thread runs at the process's priority
  }
}

port.on('message', (req: AnalysisRequest) => {
  let res: AnalysisResponse;
  try {
    if ('warm' in req) {
      engineFor(req.warm);
      res = { id: req.id, results: [] };
    } else {
      // not the tokens: nobody across the thread needs them
      const analysis = (it: AnalysisItem): ThreadAnalysis => {
        const { intent, emotion, signals, forbidden } = engineFor(it.locale).analyze(it.text, it.role);
        return { intent, emotion, signals, forbidden };
      };
      res =
        'read' in req
          ? { id: req.id, readings: req.read.map((it) => ({ normalized: engineFor(it.locale).normalize(it.text).text, analysis: it.role ? analysis({ ...it, role: it.role }) : null })) }
          : { id: req.id, results: req.items.map(analysis) };
    }
  } catch (error) {
    res = { id: req.id, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) };
  }
  port.postMessage(res);
});
