import { Redis } from 'ioredis';
import { MemoryStore, type Backoff, type Count, type LimitStore } from './store.js';

/** The Redis-backed limit store: its own module, so that a server without Redis never loads ioredis (start-up). */

// One round trip per hit: count, start the window on the first hit (or on every hit when sliding).
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ARGV[2] == '1' or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

const HIT_UNLESS_LOCKED = `
local wait = redis.call('PTTL', KEYS[1])
if wait > 0 then return wait end
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
local threshold, first, max = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if n >= threshold then
  redis.call('SET', KEYS[1], '1', 'PX', math.min(max, first * 2 ^ math.min(n - threshold, 30)))
end
return 0`;

type HitUnlessLockedCommand = (lockKey: string, countKey: string, windowMs: number, threshold: number, firstMs: number, maxMs: number) => Promise<number>;
type HitCommand = (key: string, windowMs: number, slide: string) => Promise<[number, number]>;

/**
 * Counters in Redis, shared by every instance. A Redis that errors or is not
 * reachable never fails a request: this instance counts in memory meanwhile
 * (each instance then enforces the limit on its own) and logs it.
 */
export class RedisStore implements LimitStore {
  private readonly redis: Redis;
  private readonly fallback: MemoryStore;
  private lastWarning = 0;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly warn: (err: unknown) => void,
    now: () => number = Date.now,
  ) {
    this.fallback = new MemoryStore(now);
    // Fail fast instead of queueing: a limit check must not wait for a reconnect.
    this.redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500 });
    this.redis.defineCommand('zhikeLimitHit', { numberOfKeys: 1, lua: HIT });
    this.redis.defineCommand('zhikeHitUnlessLocked', { numberOfKeys: 2, lua: HIT_UNLESS_LOCKED });
    this.redis.on('error', (err) => this.failed(err));
    this.redis.connect().catch((err) => this.failed(err));
  }

  /** Connected (or not) once the first attempt settled: for tests that need the shared store. */
  async ready(): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        this.redis.off('ready', onReady);
        this.redis.off('error', onError);
        resolve(ok);
      };
      const onReady = () => done(true);
      const onError = () => done(false);
      this.redis.once('ready', onReady);
      this.redis.once('error', onError);
    });
  }

  async hit(key: string, windowMs: number, slide = false): Promise<Count> {
    try {
      const hit = (this.redis as unknown as { zhikeLimitHit: HitCommand }).zhikeLimitHit;
      const [count, ttl] = await hit.call(this.redis, this.prefix + key, windowMs, slide ? '1' : '0');
      return { count: Number(count), resetMs: Number(ttl) };
    } catch (err) {
      this.failed(err);
      return this.fallback.hit(key, windowMs, slide);
    }
  }

  async hitUnlessLocked(lockKey: string, countKey: string, windowMs: number, backoff: Backoff): Promise<number> {
    try {
      const cmd = (this.redis as unknown as { zhikeHitUnlessLocked: HitUnlessLockedCommand }).zhikeHitUnlessLocked;
      return Number(await cmd.call(this.redis, this.prefix + lockKey, this.prefix + countKey, windowMs, backoff.threshold, backoff.firstMs, backoff.maxMs));
    } catch (err) {
      this.failed(err);
      return this.fallback.hitUnlessLocked(lockKey, countKey, windowMs, backoff);
    }
  }

  async ttl(key: string): Promise<number> {
    try {
      return Math.max(0, Number(await this.redis.pttl(this.prefix + key)));
    } catch (err) {
      this.failed(err);
      return this.fallback.ttl(key);
    }
  }

  async set(key: string, ms: number): Promise<void> {
    try {
      await this.redis.set(this.prefix + key, '1', 'PX', ms);
    } catch (err) {
      this.failed(err);
      await this.fallback.set(key, ms);
    }
  }

  async del(...keys: string[]): Promise<void> {
    await this.fallback.del(...keys);
    try {
      await this.redis.del(...keys.map((k) => this.prefix + k));
    } catch (err) {
      this.failed(err);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
    this.redis.disconnect();
  }

  private failed(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return; // once per 10 s, not once per request
    this.lastWarning = now;
    this.warn(err);
  }
}
