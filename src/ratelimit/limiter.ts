import type { IncomingMessage } from 'node:http';
import { DomainError } from '../core/errors.js';
import { describeRule, type LimitName, type LimitRules, type Rule } from './rules.js';
import type { LimitStore } from './store.js';

/** A refused hit: which limit, and when to try again. */
export interface Refusal {
  limit: LimitName;
  rule: Rule;
  retryAfterMs: number;
  message: string;
}

/**
 * The client API's limits (per client IP and per contact), counted in a store
 * (this process, or Redis shared by every instance). A fixed window per key:
 * `<limit>:<key>` counts from its first hit for the rule's window.
 */
export class ClientLimiter {
  /** The client address of each WebSocket, taken at the upgrade (X-Forwarded-For only with a trusted proxy). */
  private readonly socketIps = new WeakMap<object, string>();

  constructor(
    readonly store: LimitStore,
    private readonly rules: LimitRules,
    private readonly trustProxy: boolean | number,
  ) {}

  /** A WebSocket was accepted: remember who it came from, for its frames' per-IP limits. */
  connected(ws: object, req: IncomingMessage): void {
    const ip = clientAddress(req, this.trustProxy);
    if (ip) this.socketIps.set(ws, ipKey(ip));
  }

  /** Counts one hit against `limit` for `key` (an IP key or a contact id); a refusal when over. */
  async take(limit: LimitName, key: string | number): Promise<Refusal | null> {
    const rule = this.rules[limit];
    if (!rule) return null;
    const { count, resetMs } = await this.store.hit(`${limit}:${key}`, rule.windowMs);
    if (count <= rule.max) return null;
    const retryAfterMs = Math.max(1, resetMs);
    const [who, what] = limit.split('.');
    const message = `too many ${what} from this ${who === 'ip' ? 'address' : 'contact'}: at most ${describeRule(rule)} (limit ${limit}); retry in ${Math.ceil(retryAfterMs / 1000)} s`;
    return { limit, rule, retryAfterMs, message };
  }

  /**
   * Customer frames on the WebSocket count against the same limits as the HTTP
   * client API: `send` as messages, `page` as page reports. Throws `rate_limited`
   * (details: limit, retryAfterMs) when one is over.
   */
  async checkFrame(frame: { type: string }, ws: object, contactId: number): Promise<void> {
    const category = frame.type === 'send' ? 'messages' : frame.type === 'page' ? 'pages' : null;
    if (!category) return;
    const ip = this.socketIps.get(ws);
    const refusal = (ip ? await this.take(`ip.${category}`, ip) : null) ?? (await this.take(`contact.${category}`, contactId));
    if (refusal) throw rateLimited(refusal);
  }
}

export const rateLimited = (r: Refusal) => new DomainError('rate_limited', r.message, 429, { limit: r.limit, retryAfterMs: r.retryAfterMs });

/**
 * The client's address as Fastify's `req.ip` has it for the same trust setting:
 * true → the first X-Forwarded-For entry, n → the address n proxies back.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean | number): string | undefined {
  const socket = req.socket.remoteAddress;
  if (!trustProxy) return socket;
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (trustProxy === true) return forwarded[0] ?? socket;
  const chain = [socket, ...forwarded.reverse()];
  return chain[Math.min(trustProxy, chain.length - 1)];
}

/**
 * The key a client address counts under: IPv4 as is, IPv6 by its /64 (one
 * subscriber gets a whole /64, so single addresses would be free to rotate).
 */
export function ipKey(ip: string): string {
  if (ip.startsWith('::ffff:') && ip.slice(7).includes('.')) return ip.slice(7);
  if (!ip.includes(':')) return ip;
  const addr = ip.split('%')[0].toLowerCase();
  const groups = (s: string) => (s ? s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  let all: string[];
  if (addr.includes('::')) {
    const [head, tail] = addr.split('::');
    const h = groups(head);
    const t = groups(tail);
    all = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  } else {
    all = groups(addr);
  }
  return all.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':') + '::/64';
}
