import { Worker } from 'node:worker_threads';
import type { Analysis, Role } from '../core/nlp/index.js';

/** An analysis as it comes back from the thread: everything but the tokens. */
export type ThreadAnalysis = Omit<Analysis, 'tokens'>;
export interface AnalysisItem {
  /** The conversation's locale: its pack's engine reads the text (zh-CN for Chinese variants, else en). */
  locale: string | null;
  text: string;
  role: Role;
}
/** A line to read for 质检: its normalised text, and its analysis when it is a customer's or an agent's. */
export interface ReadItem {
  locale: string | null;
  text: string;
  role: Role | null;
}
export interface ThreadReading {
  normalized: string;
  analysis: ThreadAnalysis | null;
}
export type AnalysisRequest = { id: number; items: AnalysisItem[] } | { id: number; read: ReadItem[] } | { id: number; warm: string };
export type AnalysisResponse =
  | { id: number; results: ThreadAnalysis[] }
  | { id: number; readings: ThreadReading[] }
  | { id: number; error: string }
  /** Building an engine, still at it. */
  | { alive: true };

/**
 * A thread that has work and gives no sign of life (an answer, or a beat while it builds an engine)
 * for this long is stuck: it is restarted and its requests fail (their consumers retry). A slow
 * start is not stuck: training a model on a loaded machine beats all along.
 */
export const ANALYSIS_TIMEOUT_MS = 60_000;

interface Pending<T> {
  resolve: (answer: T) => void;
  reject: (error: Error) => void;
}

/**
 * The analysis thread: a worker thread with its own language engines that reads batches of
 * messages (about 1.5 ms each), so the NLP of every customer message never runs on the thread
 * that acknowledges customers and delivers their messages. One per process, started on first
 * use (or by warm), restarted after it stops; it never keeps the process alive while idle.
 */
export class AnalysisThread {
  constructor(private readonly timeoutMs = ANALYSIS_TIMEOUT_MS) {}

  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending<unknown>>();
  private nextId = 1;
  /** When the thread last answered or beat, or was given work while it had none. */
  private heard = 0;
  private watchdog: NodeJS.Timeout | null = null;

  private spawn(): Worker {
    const here = import.meta.url;
    // from the sources (tests, the benchmark, npm run dev) the thread loads them through tsx too
    const worker = new Worker(new URL(here.endsWith('.ts') ? './analysis-thread.dev.mjs' : './analysis-thread.js', here));
    worker.unref();
    worker.on('message', (res: AnalysisResponse) => {
      this.heard = Date.now();
      if ('alive' in res) {
        this.beatCount++;
        return;
      }
      const p = this.pending.get(res.id);
      if (!p) return;
      this.settle(res.id);
      if ('error' in res) p.reject(new Error(`analysis thread: ${res.error}`));
      else p.resolve('readings' in res ? res.readings : res.results);
    });
    worker.on('error', (err) => this.stopped(worker, new Error(`analysis thread failed: ${err.message}`)));
    worker.on('exit', (code) => this.stopped(worker, new Error(`analysis thread stopped (exit code ${code})`)));
    return worker;
  }

  /** `worker` is gone: the requests it had fail (their consumers retry them), and the next request starts a new thread. */
  private stopped(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(error);
    }
  }

  private settle(id: number): void {
    if (!this.pending.delete(id) || this.pending.size > 0) return;
    this.worker?.unref();
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  /** While requests are pending: silence for timeoutMs restarts the thread, and they fail. */
  private watch(worker: Worker): void {
    const silent = Date.now() - this.heard;
    if (silent < this.timeoutMs) {
      this.watchdog = setTimeout(() => this.watch(worker), this.timeoutMs - silent);
      this.watchdog.unref();
      return;
    }
    this.watchdog = null;
    if (this.worker !== worker) return;
    this.stopped(worker, new Error(`analysis thread gave no sign of life in ${this.timeoutMs / 1000} s; restarting it`));
    void worker.terminate();
  }

  private request<T>(make: (id: number) => AnalysisRequest): Promise<T> {
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) {
        this.heard = Date.now(); // the silence is counted from when it has work
        worker.ref(); // a request in flight keeps the process alive until it is answered
      }
      this.pending.set(id, { resolve: resolve as (answer: unknown) => void, reject });
      if (!this.watchdog) this.watch(worker);
      worker.postMessage(make(id));
    });
  }

  /** The analyses of `items`, in their order. */
  analyze(items: AnalysisItem[]): Promise<ThreadAnalysis[]> {
    if (items.length === 0) return Promise.resolve([]);
    return this.request<ThreadAnalysis[]>((id) => ({ id, items }));
  }

  /** Each line's normalised text, and the analysis of customer and agent lines, in their order (质检 reads a transcript so). */
  read(lines: ReadItem[]): Promise<ThreadReading[]> {
    if (lines.length === 0) return Promise.resolve([]);
    return this.request<ThreadReading[]>((id) => ({ id, read: lines }));
  }

  /** Starts the thread and builds `locale`'s engine there, ahead of the first message. */
  async warm(locale: string): Promise<void> {
    await this.request<ThreadAnalysis[]>((id) => ({ id, warm: locale }));
  }

  /** How many times a thread said it was still building an engine (tests). */
  get beats(): number {
    return this.beatCount;
  }
  private beatCount = 0;

  /** The thread's id while it runs (tests). */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /** Stops the thread (requests in flight fail); the next request starts a new one. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopped(worker, new Error('analysis thread stopped'));
    await worker.terminate();
  }
}

export const analysisThread = new AnalysisThread();
