import type { Db, Sql } from '../storage/db.js';

/**
 * The one durable timer facility. A timer is a row: kind, unique key, due time,
 * payload. Every instance polls for due timers and claims them with
 * FOR UPDATE SKIP LOCKED plus a lease, so each fires on one instance; a restart
 * loses nothing (the rows wait in the database). If an instance dies mid-run, the
 * lease expires and another instance runs the timer again: handlers must be
 * idempotent (check state first; write messages with a deterministic clientMessageId).
 */
export interface TimerSpec {
  kind: string;
  /** One pending timer per key, e.g. `idle:42`. */
  key: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
  workspaceId?: number | null;
}

/**
 * replace: an existing timer with this key moves to the new time and payload;
 * keep: an existing timer stays as it is (e.g. keep the earliest response deadline).
 */
export type ScheduleMode = 'replace' | 'keep';

export async function scheduleTimer(sql: Sql, spec: TimerSpec, mode: ScheduleMode = 'replace'): Promise<void> {
  await sql.query(
    `INSERT INTO timers (workspace_id, kind, key, due_at, payload) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (key) DO ${
       mode === 'keep'
         ? 'NOTHING'
         : `UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, workspace_id = EXCLUDED.workspace_id,
              version = timers.version + 1, attempts = 0, locked_until = NULL, failed_at = NULL, last_error = NULL`
     }`,
    [spec.workspaceId ?? null, spec.kind, spec.key, spec.dueAt, JSON.stringify(spec.payload ?? {})],
  );
}

export async function cancelTimers(sql: Sql, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await sql.query('DELETE FROM timers WHERE key = ANY($1::text[])', [keys]);
}

export interface FiredTimer {
  id: number;
  kind: string;
  key: string;
  dueAt: Date;
  payload: Record<string, any>;
  workspaceId: number | null;
  /** 1 on the first run, more after failures or an expired lease. */
  attempt: number;
}

export type TimerHandler = (timer: FiredTimer) => Promise<void>;

interface Log {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TimerRunnerOptions {
  pollMs?: number;
  batch?: number;
  /** How long a claim holds before another instance may run the timer again. */
  leaseMs?: number;
  /** Runs before giving up (the row stays, with failed_at and last_error). */
  maxAttempts?: number;
}

export class TimerRunner {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly pollMs: number;
  private readonly batch: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly log: Log,
    opts: TimerRunnerOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 500;
    this.batch = opts.batch ?? 50;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.maxAttempts = opts.maxAttempts ?? 10;
  }

  on(kind: string, handler: TimerHandler): void {
    this.handlers.set(kind, handler);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedulePoll(0);
  }

  /** Stops polling and waits for timers being run right now. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Poll soon (a timer was scheduled to fire before the next regular poll). */
  nudge(dueAt: Date): void {
    if (this.stopped) return;
    const wait = Math.max(0, dueAt.getTime() - Date.now());
    if (wait < this.pollMs) this.schedulePoll(wait);
  }

  private schedulePoll(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return this.schedulePoll(this.pollMs);
      this.running = this.pollOnce()
        .then((n) => (n === this.batch ? 0 : this.pollMs)) // a full batch: there may be more due
        .catch((err) => {
          this.log.error({ err }, 'timer poll failed');
          return this.pollMs;
        })
        .then((next) => {
          this.running = null;
          if (!this.stopped) this.schedulePoll(next);
        });
    }, ms);
    this.timer.unref();
  }

  /** Claims and runs the timers due now; returns how many were claimed. */
  async pollOnce(): Promise<number> {
    const due = await this.db.query(
      `UPDATE timers t SET locked_until = now() + make_interval(secs => $2::double precision / 1000), attempts = t.attempts + 1
       FROM (SELECT id FROM timers
             WHERE due_at <= now() AND failed_at IS NULL AND (locked_until IS NULL OR locked_until <= now())
             ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED) d
       WHERE t.id = d.id
       RETURNING t.*`,
      [this.batch, this.leaseMs],
    );
    await Promise.all(due.map((row) => this.run(row)));
    return due.length;
  }

  private async run(row: Record<string, any>): Promise<void> {
    const timer: FiredTimer = {
      id: row.id,
      kind: row.kind,
      key: row.key,
      dueAt: row.due_at,
      payload: row.payload,
      workspaceId: row.workspace_id,
      attempt: row.attempts,
    };
    const handler = this.handlers.get(timer.kind);
    try {
      if (!handler) throw new Error(`no handler registered for timer kind "${timer.kind}"`);
      await handler(timer);
      // done — unless it was rescheduled while running (then the new schedule stands)
      await this.db.query('DELETE FROM timers WHERE id = $1 AND version = $2', [row.id, row.version]);
    } catch (err) {
      const giveUp = row.attempts >= this.maxAttempts || !handler;
      const backoffMs = Math.min(10 * 60_000, 1000 * 2 ** Math.min(row.attempts, 10));
      this.log[giveUp ? 'error' : 'warn']({ err, timer: timer.key, kind: timer.kind, attempt: row.attempts }, giveUp ? 'timer failed for good' : 'timer failed; will retry');
      await this.db.query(
        `UPDATE timers SET last_error = $3, locked_until = now() + make_interval(secs => $4::double precision / 1000),
           failed_at = CASE WHEN $5 THEN now() END
         WHERE id = $1 AND version = $2`,
        [row.id, row.version, String((err as Error)?.message ?? err).slice(0, 1000), backoffMs, giveUp],
      );
    }
  }
}
