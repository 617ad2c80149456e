import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rateLimitedSchema, sendRateLimited } from '../../http/rate-limited.js';
import { ipKey } from '../../ratelimit/limiter.js';
import type { LimitCategory } from '../../ratelimit/rules.js';

/** What each client API write counts as; reads are not limited here. */
const LIMITED: Record<string, { category: LimitCategory; perContact: boolean }> = {
  'POST /contacts': { category: 'contacts', perContact: false },
  'PATCH /contact': { category: 'contacts', perContact: false },
  'POST /conversations': { category: 'conversations', perContact: true },
  'POST /invitations/:id/reply': { category: 'conversations', perContact: true },
  'POST /conversations/:id/leave-queue': { category: 'conversations', perContact: false },
  'POST /conversations/:id/messages': { category: 'messages', perContact: true },
  'POST /attachments': { category: 'uploads', perContact: true },
  'POST /conversations/:id/bot/choose': { category: 'messages', perContact: true },
  'POST /conversations/:id/bot/feedback': { category: 'messages', perContact: true },
  'POST /conversations/:id/end': { category: 'conversations', perContact: true },
  'POST /identify': { category: 'contacts', perContact: false },
  'POST /conversations/:id/rating': { category: 'messages', perContact: true },
  'POST /tickets/:id/confirm': { category: 'messages', perContact: true },
};

function categoryOf(req: FastifyRequest) {
  const url = req.routeOptions.url ?? '';
  const at = url.indexOf('/widget/:inboxToken');
  return at < 0 ? undefined : LIMITED[`${req.method} ${url.slice(at + '/widget/:inboxToken'.length)}`];
}

/**
 * The client API's abuse limits (ZHIKE_LIMIT_*): per client IP before anything
 * else is done (body not read yet), per contact once the contact is known. Call
 * after the hook that resolves `req.contact`.
 */
export function limitClientApi(app: FastifyInstance): void {
  const limiter = app.limiter;
  app.addHook('onRoute', (route) => {
    const schema = route.schema as { response?: Record<number, unknown> } | undefined;
    if (schema?.response && typeof route.method === 'string' && route.method !== 'GET') schema.response[429] = rateLimitedSchema;
  });
  app.addHook('onRequest', async (req, reply) => {
    const limited = categoryOf(req);
    if (!limited) return;
    const refusal = await limiter.take(`ip.${limited.category}`, ipKey(req.ip));
    if (refusal) return sendRateLimited(reply, refusal);
  });
  app.addHook('preHandler', async (req, reply) => {
    const limited = categoryOf(req);
    if (!limited?.perContact || !req.contact || limited.category === 'contacts') return;
    const refusal = await limiter.take(`contact.${limited.category}`, req.contact.id);
    if (refusal) return sendRateLimited(reply, refusal);
  });
}
