import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { updateContact } from '../../commands/contacts.js';
import { agentActor } from '../../commands/conversations.js';
import { notFound } from '../../core/errors.js';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS, PHONE_PATTERN } from '../../core/limits.js';
import { assertSupervisor } from '../../core/permissions.js';
import { nameText, text } from '../../core/text-schema.js';
import { getContact } from '../../storage/contacts.js';
import { listConversations } from '../../storage/conversations.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { contactSchema, conversationSchema, errorSchema, idParam } from '../../http/schemas.js';

/** The contact side panel: who the customer is and their past conversations. */
export const contactsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['contacts'];

  r.get(
    '/contacts/:id',
    {
      schema: {
        tags,
        operationId: 'getContact', summary: 'A contact with their conversations (newest first)',
        params: idParam,
        response: { 200: z.object({ contact: contactSchema, conversations: z.array(conversationSchema) }), 404: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const contact = await getContact(ctx.db, caller.workspaceId, req.params.id);
      if (!contact) throw notFound('contact');
      const conversations = await listConversations(ctx.db, {
        workspaceId: caller.workspaceId,
        callerId: caller.agentId,
        contactId: contact.id,
        status: 'all',
        assignee: 'all',
        limit: 50,
      });
      return { contact, conversations };
    },
  );

  r.patch(
    '/contacts/:id',
    {
      schema: {
        tags,
        operationId: 'updateContact', summary: 'Edit a contact’s name, e-mail or phone (null clears a field)',
        params: idParam,
        body: z
          .object({
            name: nameText({ min: 1, max: MAX_NAME_CHARS }).nullable().optional(),
            email: z.email().max(MAX_EMAIL_CHARS).nullable().optional(),
            phone: text({ trim: true }).regex(PHONE_PATTERN, 'a phone number has 3–30 digits, spaces, + - ( )').nullable().optional(),
            vip: z.boolean().optional().describe('VIP 客户 (supervisors and admins): queued first'),
          })
          .strict(),
        response: { 200: contactSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      if (req.body.vip !== undefined) assertSupervisor(caller);
      return updateContact(ctx, agentActor(caller), caller.workspaceId, req.params.id, req.body);
    },
  );
};
