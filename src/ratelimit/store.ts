/** A counter's value after a hit, and how long until its window ends. */
export interface Count {
  count: number;
  resetMs: number;
}

/**
 * Where limit counters live: in this process, or in Redis so that every instance
 * counts against the same limit. Keys expire on their own.
 */
export interface LimitStore {
  /**
   * Adds one to `key` and returns the count within its window. The window starts
   * with the first hit and lasts `windowMs` (a fixed window); with `slide`, every
   * hit starts it again (a counter that lives as long as hits keep coming).
   */
  hit(key: string, windowMs: number, slide?: boolean): Promise<Count>;
  /**
   * In one step: when `lockKey` is set, its milliseconds left (nothing counted);
   * else one hit on `countKey` (a sliding window of `windowMs`), and once its
   * count reaches `backoff.threshold`, `lockKey` set for firstMs doubled per count
   * beyond (up to maxMs); then 0. One step, so parallel callers cannot all pass
   * before the lock is set.
   */
  hitUnlessLocked(lockKey: string, countKey: string, windowMs: number, backoff: Backoff): Promise<number>;
  /** Milliseconds until `key` expires; 0 when it is not set. */
  ttl(key: string): Promise<number>;
  /** Sets `key` for `ms` milliseconds. */
  set(key: string, ms: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface Backoff {
  threshold: number;
  firstMs: number;
  maxMs: number;
}

export function backoffMs(count: number, b: Backoff): number {
  if (count < b.threshold) return 0;
  return Math.min(b.maxMs, b.firstMs * 2 ** Math.min(count - b.threshold, 30));
}

/** Counters in this process (one instance, or the fallback while Redis is unreachable). */
export class MemoryStore implements LimitStore {
  private readonly entries = new Map<string, { count: number; expiresAt: number }>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweep = now();
  }

  async hit(key: string, windowMs: number, slide = false): Promise<Count> {
    const now = this.now();
    this.sweep(now);
    let e = this.entries.get(key);
    if (!e || e.expiresAt <= now) {
      e = { count: 0, expiresAt: now + windowMs };
      this.entries.set(key, e);
    }
    e.count++;
    if (slide) e.expiresAt = now + windowMs;
    return { count: e.count, resetMs: e.expiresAt - now };
  }

  async hitUnlessLocked(lockKey: string, countKey: string, windowMs: number, backoff: Backoff): Promise<number> {
    const now = this.now();
    const lock = this.entries.get(lockKey);
    if (lock && lock.expiresAt > now) return lock.expiresAt - now;
    const e = this.entries.get(countKey);
    const count = e && e.expiresAt > now ? e.count + 1 : 1;
    this.entries.set(countKey, { count, expiresAt: now + windowMs });
    const ms = backoffMs(count, backoff);
    if (ms) this.entries.set(lockKey, { count: 1, expiresAt: now + ms });
    return 0;
  }

  async ttl(key: string): Promise<number> {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.expiresAt - this.now()) : 0;
  }

  async set(key: string, ms: number): Promise<void> {
    this.entries.set(key, { count: 1, expiresAt: this.now() + ms });
  }

  async del(...keys: string[]): Promise<void> {
    for (const k of keys) this.entries.delete(k);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets expired counters now and then, so memory follows the live keys only. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}
