import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_USER_ID_CHARS } from '../../core/contacts/identity.js';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS, PHONE_PATTERN } from '../../core/limits.js';
import type { Contact } from '../../core/model.js';
import { nameText, text } from '../../core/text-schema.js';
import { identifyContact } from '../../contacts/identify.js';
import { errorSchema } from '../../http/schemas.js';

/**
 * 客户画像, one customer everywhere: the site tells Zhike who its logged-in visitor is with a
 * signed identity (docs/identity.md). Registered inside the client API: the inbox and contact
 * token checks, CORS and rate limits are the client API's.
 */
const tags = ['client API (widget)'];
const params = z.object({ inboxToken: text({ min: 1, max: 100 }) });

export const widgetIdentity = (contactOf: (req: FastifyRequest) => Contact): FastifyPluginAsync => async (app) => {
  const ctx = app.zhike;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/widget/:inboxToken/identify',
    {
      schema: {
        tags,
        operationId: 'identifyWidgetContact',
        summary: 'The site says who its logged-in visitor is (signed identity)',
        description:
          'signature = hex HMAC-SHA256 of userId + "." + timestamp (Unix seconds) with the inbox’s identity secret (admins see it in GET /inboxes); ' +
          'computed on the site’s server, never in the browser. Older than 10 minutes or wrong: 401. A visitor already identified as another user: 409 identity_switch ' +
          '(start a new contact for the new user). When a customer already has this userId, the visitor’s conversations, visits, tickets and ratings move to that ' +
          'customer and this token stands for them from now on (merged: true): reconnect the WebSocket and reload the conversations. ' +
          'name, email and phone are stored as the site’s claims; only the signed userId ever joins two contacts.',
        params,
        body: z
          .object({
            userId: text({ trim: true, min: 1, max: MAX_USER_ID_CHARS }),
            timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('Unix seconds when the site signed it'),
            signature: text({ min: 1, max: 200 }).describe('hex HMAC-SHA256 of userId + "." + timestamp'),
            name: nameText({ max: MAX_NAME_CHARS }).optional(),
            email: text({ trim: true, max: MAX_EMAIL_CHARS }).optional(),
            phone: text({ trim: true }).regex(PHONE_PATTERN, 'a phone number has 3–30 digits, spaces, + - ( )').optional(),
          })
          .strict(),
        response: {
          200: z.object({
            contact: z.object({ id: z.number(), name: z.string().nullable() }),
            merged: z.boolean().describe('true: this visitor joined a known customer: reconnect and reload'),
          }),
          400: errorSchema,
          401: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req) => {
      const outcome = await identifyContact(ctx, req.inbox!, contactOf(req), req.body);
      return { contact: { id: outcome.contact.id, name: outcome.contact.name }, merged: outcome.action === 'merge' };
    },
  );
};
