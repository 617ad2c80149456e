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

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('Content-Type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};
