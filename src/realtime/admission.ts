import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { clientAddress, ipKey } from '../ratelimit/limiter.js';

/**
 * Who may open a WebSocket, decided at the upgrade and at hello: how many sockets
 * one client IP holds, and from which pages a console's session cookie is accepted.
 */

/**
 * The key a client's sockets count under: its address as the client API's limits see it
 * (X-Forwarded-For only with a trusted proxy, as Fastify's `req.ip`), IPv6 by its /64.
 */
export function clientIp(req: http.IncomingMessage, trustProxy: boolean | number): string {
  return ipKey(clientAddress(req, trustProxy) ?? 'unknown');
}

/** Open sockets per client IP on this instance, with a cap (0: none). */
export class ConnectionsPerIp {
  private readonly open = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** Takes a place for `ip`; false when it holds `max` sockets already. */
  tryAdd(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  remove(ip: string): void {
    const n = (this.open.get(ip) ?? 0) - 1;
    if (n > 0) this.open.set(ip, n);
    else this.open.delete(ip);
  }
}

/**
 * The origin the console is served from, as the browser sees it: the Host the request
 * came to, over https when the connection is TLS (or, behind a trusted proxy,
 * X-Forwarded-Proto / X-Forwarded-Host say so).
 */
export function ownOrigin(req: http.IncomingMessage, trustProxy: boolean | number): string | null {
  let proto = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
  let host = req.headers.host;
  if (trustProxy) {
    const fwdProto = firstHeader(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase();
    if (fwdProto === 'https' || fwdProto === 'http') proto = fwdProto;
    const fwdHost = firstHeader(req.headers['x-forwarded-host'])?.split(',')[0]?.trim();
    if (fwdHost) host = fwdHost;
  }
  if (!host) return null;
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    return null;
  }
}

/**
 * May a session cookie sent with this upgrade authenticate the socket? Browsers send
 * the console's cookie with a WebSocket opened from any page, so a foreign page could
 * act as the agent (cross-site WebSocket hijacking): the cookie counts only from the
 * console's own origin or one listed in ZHIKE_ALLOWED_ORIGINS. Without an Origin header
 * the client is not a browser page, and nothing rides on a visitor's browser.
 */
export function cookieOriginAllowed(req: http.IncomingMessage, trustProxy: boolean | number, allowed: readonly string[]): { ok: boolean; origin: string } {
  const origin = firstHeader(req.headers.origin);
  if (origin === undefined) return { ok: true, origin: '' };
  let normalized: string;
  try {
    normalized = new URL(origin).origin;
  } catch {
    return { ok: false, origin };
  }
  return { ok: normalized === ownOrigin(req, trustProxy) || allowed.includes(normalized), origin };
}

function firstHeader(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}
