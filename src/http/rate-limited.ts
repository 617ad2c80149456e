import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/** The 429 answer of every rate limit (client API limits and login backoff). */
export const rateLimitedSchema = z
  .object({
    error: z.object({
      code: z.literal('rate_limited'),
      message: z.string().describe('Which limit, how much it allows, when to retry'),
      limit: z.string().describe('The limit that was hit: contact.messages, ip.contacts, … or login'),
    }),
  })
  .describe('Too many requests: wait Retry-After seconds (the header) and send again');

export function sendRateLimited(reply: FastifyReply, r: { limit: string; message: string; retryAfterMs: number }) {
  return reply
    .code(429)
    .header('Retry-After', String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))))
    .send({ error: { code: 'rate_limited', message: r.message, limit: r.limit } });
}
