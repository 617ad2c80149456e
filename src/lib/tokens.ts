import crypto from 'node:crypto';

/** Random, URL-safe token with a readable prefix (zk_ session, ct_ contact, ib_ inbox). */
export function newToken(prefix: string, bytes = 32): string {
  return prefix + crypto.randomBytes(bytes).toString('base64url');
}

/** Tokens are stored as SHA-256 hashes: a leaked database does not leak sessions. */
export function hashToken(token: string): string {
  // the one-shot form: no Hash object per call (every client API request hashes two tokens)
  return crypto.hash('sha256', token, 'hex');
}
