import crypto from 'node:crypto';
import type { LimitStore } from './store.js';

/** The first lock, after the threshold's failed attempt; each further failure doubles it up to the cap. */
export const LOGIN_FIRST_LOCK_MS = 30_000;
export const LOGIN_MAX_LOCK_MS = 15 * 60_000;
/** Failures are remembered this long after the last one. */
export const LOGIN_FAILURES_KEPT_MS = 24 * 3_600_000;

/** How long a pair is locked after its `failures`-th failure (0 below the threshold). */
export function loginLockMs(failures: number, threshold: number): number {
  if (failures < threshold) return 0;
  return Math.min(LOGIN_MAX_LOCK_MS, LOGIN_FIRST_LOCK_MS * 2 ** Math.min(failures - threshold, 20));
}

/**
 * Failed logins count per account and client IP: after `threshold` failures that
 * pair is locked for a growing time (30 s, 1 min, 2 min, … 15 min). A success
 * clears the pair and never counts; other accounts from the same IP and the same
 * account from elsewhere are not affected, so nobody can lock an agent out from
 * their own address, nor everybody behind one proxy.
 */
export class LoginGuard {
  constructor(
    private readonly store: LimitStore,
    private readonly threshold: number,
  ) {}

  /** Milliseconds this pair must still wait; 0 when it may try. */
  async lockedFor(email: string, ip: string): Promise<number> {
    return this.store.ttl(`login.lock:${pairOf(email, ip)}`);
  }

  /** A failed attempt; returns the lock it causes (0: none yet). */
  async failed(email: string, ip: string): Promise<number> {
    const pair = pairOf(email, ip);
    const { count } = await this.store.hit(`login.failures:${pair}`, LOGIN_FAILURES_KEPT_MS, true);
    const lock = loginLockMs(count, this.threshold);
    if (lock) await this.store.set(`login.lock:${pair}`, lock);
    return lock;
  }

  async succeeded(email: string, ip: string): Promise<void> {
    const pair = pairOf(email, ip);
    await this.store.del(`login.failures:${pair}`, `login.lock:${pair}`);
  }
}

/** No e-mail addresses in Redis keys. */
const pairOf = (email: string, ip: string) => crypto.createHash('sha256').update(`${email.trim().toLowerCase()}\n${ip}`).digest('base64url').slice(0, 22);
