import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createInbox, getInboxReception, listInboxes, updateInbox, updateInboxReception } from '../../commands/inboxes.js';
import { MAX_NAME_CHARS } from '../../core/limits.js';
import { nameText } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { identitySecret } from '../../contacts/identify.js';
import { errorSchema, idParam, inboxSchema, inboxSettingsSchema, receptionPatchSchema, receptionSchema } from '../../http/schemas.js';

/** Inboxes (接入渠道). A web inbox's token goes into the widget snippet. */
export const inboxesPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['inboxes'];

  r.get(
    '/inboxes',
    {
      schema: {
        tags,
        operationId: 'listInboxes',
        summary: 'The workspace’s inboxes with their public token (and, for admins, the identity secret)',
        response: {
          200: z.object({
            inboxes: z.array(
              inboxSchema.extend({
                identitySecret: z
                  .string()
                  .optional()
                  .describe('Admins only: the key the site signs its users’ identities with (docs/identity.md); keep it on the site’s server'),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const inboxes = await listInboxes(ctx.db, caller.workspaceId);
      if (caller.role !== 'admin') return { inboxes };
      return { inboxes: await Promise.all(inboxes.map(async (i) => ({ ...i, identitySecret: await identitySecret(ctx.db, i.id) }))) };
    },
  );

  r.post(
    '/inboxes',
    {
      schema: {
        tags,
        operationId: 'createInbox', summary: 'Create a web inbox (admin only)',
        body: z.object({ name: nameText({ min: 1, max: MAX_NAME_CHARS }), settings: inboxSettingsSchema.default({}) }),
        response: { 201: inboxSchema, 403: errorSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createInbox(ctx, callerOf(req), req.body)),
  );

  r.patch(
    '/inboxes/:id',
    {
      schema: {
        tags,
        operationId: 'updateInbox', summary: 'Rename an inbox or change its widget settings (admin only)',
        params: idParam,
        body: z.object({ name: nameText({ min: 1, max: MAX_NAME_CHARS }).optional(), settings: inboxSettingsSchema.optional() }).strict(),
        response: { 200: inboxSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => updateInbox(ctx, callerOf(req), req.params.id, req.body),
  );

  r.get(
    '/inboxes/:id/reception',
    { schema: { tags, operationId: 'getInboxReception', summary: 'How the inbox receives customers (defaults filled in)', params: idParam, response: { 200: receptionSchema, 404: errorSchema } } },
    async (req) => getInboxReception(ctx.db, callerOf(req).workspaceId, req.params.id),
  );

  r.patch(
    '/inboxes/:id/reception',
    {
      schema: {
        tags,
        operationId: 'updateInboxReception', summary: 'Change reception: mode, business hours, skill groups, pre-chat form, automatic replies, timeouts, invitations (admin)',
        description: 'Nested objects merge with what is stored; lists (topics, invitations) replace. Effective without a restart.',
        params: idParam,
        body: receptionPatchSchema,
        response: { 200: receptionSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => updateInboxReception(ctx, callerOf(req), req.params.id, req.body as never),
  );
};
