import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type Session } from '../commands/auth.js';
import type { CommandContext } from '../commands/context.js';
import type { Config } from '../config.js';
import type { RealtimeBus } from '../bus/bus.js';
import type { Metrics } from '../observability/metrics.js';
import type { ClientTokenCache } from '../storage/client-tokens.js';

/** Everything a route needs, decorated on the Fastify instance as `app.zhike`. */
export interface AppContext extends CommandContext {
  config: Config;
  bus: RealtimeBus;
  metrics: Metrics;
  /** The client API's inbox and contact tokens, resolved and cached for a few seconds. */
  clientTokens: ClientTokenCache;
}

declare module 'fastify' {
  interface FastifyInstance {
    zhike: AppContext;
  }
  interface FastifyRequest {
    session: Session | null;
  }
}

export const SESSION_COOKIE = 'zhike_session';

/** Bearer token first (API clients), then the console's session cookie. */
export function tokenOf(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  return req.cookies?.[SESSION_COOKIE] ?? null;
}

/** onRequest hook for agent routes: 401 without a live session. */
export async function requireAgent(this: { zhike: AppContext }, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = tokenOf(req);
  const session = token ? await authenticate(req.server.zhike.db, token) : null;
  if (!session) {
    await reply.code(401).send({
      error: { code: 'unauthorized', message: 'log in first: send Authorization: Bearer <token> from POST /api/v1/auth/login' },
    });
    return;
  }
  req.session = session;
}

/** The caller of an agent route (after requireAgent). */
export function callerOf(req: FastifyRequest) {
  if (!req.session) throw new Error('requireAgent must run before this route');
  return req.session.caller;
}
