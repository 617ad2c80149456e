import crypto from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';

/** Health and metrics for operators and load balancers. */
export const opsPlugin: FastifyPluginAsync = async (app) => {
  const ctx = app.zhike;

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await ctx.db.query('SELECT 1');
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'database not reachable' });
    }
  });

  // ZHIKE_METRICS_TOKEN: Prometheus scrapes with `authorization: { credentials: <token> }`.
  const expected = ctx.config.metricsToken ? crypto.createHash('sha256').update(`Bearer ${ctx.config.metricsToken}`).digest() : null;
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (expected) {
      const given = crypto.createHash('sha256').update(req.headers.authorization ?? '').digest();
      if (!crypto.timingSafeEqual(given, expected)) {
        reply.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'send Authorization: Bearer <ZHIKE_METRICS_TOKEN>' } });
      }
    }
    reply.header('Content-Type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};
