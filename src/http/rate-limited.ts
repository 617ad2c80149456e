import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/** The 429 answer of every rate limit (client API limits and login backoff) and of the daily upload quota. */
export const rateLimitedSchema = z
  .object({
    error: z.object({
      code: z.enum(['rate_limited', 'upload_quota_exceeded']),
      message: z.string().describe('Which limit, how much it allows, when to retry'),
      limit: z.string().optional().describe('rate_limited: the limit that was hit: contact.messages, ip.contacts, … or login'),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('{ retryAfterSeconds } (as the Retry-After header, which a cross-origin page may not read); upload_quota_exceeded also { quota: upload.daily_files | upload.daily_bytes, limit }'),
    }),
  })
  .meta({ id: 'RateLimited', description: 'Too many requests: wait Retry-After seconds (the header) and send again' });

export function sendRateLimited(reply: FastifyReply, r: { limit: string; message: string; retryAfterMs: number }) {
  const retryAfterSeconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
  return reply
    .code(429)
    .header('Retry-After', String(retryAfterSeconds))
    .send({ error: { code: 'rate_limited', message: r.message, limit: r.limit, details: { retryAfterSeconds } } });
}
