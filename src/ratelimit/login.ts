import crypto from 'node:crypto';
import { backoffMs, type LimitStore } from './store.js';

/** The first lock, after the threshold's failed attempt; each further failure doubles it up to the cap. */
export const LOGIN_FIRST_LOCK_MS = 30_000;
export const LOGIN_MAX_LOCK_MS = 15 * 60_000;
/** Failures are remembered this long after the last one. */
export const LOGIN_FAILURES_KEPT_MS = 24 * 3_600_000;

/** How long a pair is locked after its `failures`-th failure (0 below the threshold). */
export function loginLockMs(failures: number, threshold: number): number {
  return backoffMs(failures, { threshold, firstMs: LOGIN_FIRST_LOCK_MS, maxMs: LOGIN_MAX_LOCK_MS });
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

  /**
   * Before checking a password: the milliseconds this pair must still wait (refuse
   * with 429), or 0 to go ahead. Going ahead counts as a failure at once, so that
   * a burst of parallel guesses cannot all slip in before the first one failed;
   * `succeeded` takes it back. The attempt that reaches the threshold locks the
   * pair before its password is even checked.
   */
  async attempt(email: string, ip: string): Promise<number> {
    const pair = pairOf(email, ip);
    return this.store.hitUnlessLocked(`login.lock:${pair}`, `login.failures:${pair}`, LOGIN_FAILURES_KEPT_MS, {
      threshold: this.threshold,
      firstMs: LOGIN_FIRST_LOCK_MS,
      maxMs: LOGIN_MAX_LOCK_MS,
    });
  }

  /** The password was right: the pair starts over, the attempt did not count. */
  async succeeded(email: string, ip: string): Promise<void> {
    const pair = pairOf(email, ip);
    await this.store.del(`login.failures:${pair}`, `login.lock:${pair}`);
  }
}

/** No e-mail addresses in Redis keys. */
const pairOf = (email: string, ip: string) => crypto.createHash('sha256').update(`${email.trim().toLowerCase()}\n${ip}`).digest('base64url').slice(0, 22);
