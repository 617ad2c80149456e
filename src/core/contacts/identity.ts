import { DomainError } from '../errors.js';

/**
 * A signed identity (docs/identity.md): the site tells Zhike who its logged-in user is with
 * `{userId, timestamp, signature}`, the signature being hex HMAC-SHA256 with the inbox's
 * identity secret over `userId + "." + timestamp` (Unix seconds). The signature is checked
 * in the adapter (crypto); the rules of time and of who becomes whom are here.
 */

/** A signature older than this is refused (a page reload within it may reuse it). */
export const IDENTITY_MAX_AGE_SECONDS = 600;
/** A timestamp this far ahead of the server's clock is still taken (the site's clock may run fast). */
export const IDENTITY_CLOCK_SKEW_SECONDS = 60;
export const MAX_USER_ID_CHARS = 128;

/** The text the site signs. */
export const identityPayload = (userId: string, timestamp: number) => `${userId}.${timestamp}`;

/** Refuses a timestamp older than 10 minutes, or ahead of the clock by more than the skew. */
export function checkIdentityTime(timestamp: number, now: Date): void {
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (!Number.isSafeInteger(timestamp) || age > IDENTITY_MAX_AGE_SECONDS) {
    throw new DomainError('identity_expired', `the signed identity is older than ${IDENTITY_MAX_AGE_SECONDS / 60} minutes: sign it again when the page loads`, 401);
  }
  if (age < -IDENTITY_CLOCK_SKEW_SECONDS) throw new DomainError('identity_expired', 'the signed identity’s timestamp is in the future: check the site server’s clock (Unix seconds)', 401);
}

/** What identifying does, given the visitor's contact now and the contact that already has the user id. */
export type IdentifyAction =
  /** already this user: nothing to join (claims refreshed) */
  | { kind: 'same' }
  /** an anonymous visitor, a user id nobody has: the visitor becomes that customer */
  | { kind: 'claim' }
  /** an anonymous visitor, a known customer: the visitor's history joins the customer's */
  | { kind: 'merge'; into: number };

export function identifyAction(visitor: { id: number; externalId: string | null }, known: { id: number } | null, userId: string): IdentifyAction {
  if (visitor.externalId === userId) return { kind: 'same' };
  if (visitor.externalId !== null) {
    // never hand one user's history to another: the site starts a new visitor for them
    throw new DomainError('identity_switch', 'this visitor is already another user: create a new contact (POST …/contacts) for this one, then identify it', 409);
  }
  if (!known || known.id === visitor.id) return { kind: 'claim' };
  return { kind: 'merge', into: known.id };
}
