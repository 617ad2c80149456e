import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createAgent, listAgents, updateAgent } from '../../commands/agents.js';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS, MIN_PASSWORD_LENGTH } from '../../core/limits.js';
import { ROLES } from '../../core/model.js';
import { nameText, text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { agentSchema, errorSchema, idParam } from '../../http/schemas.js';

const password = text({ min: MIN_PASSWORD_LENGTH, max: 200, minMessage: `a password needs at least ${MIN_PASSWORD_LENGTH} characters` });
const agentNo = text({ trim: true }).regex(/^[0-9A-Za-z-]{1,20}$/, '工号 is 1–20 letters, digits or -').nullable();

/** Agents (客服): everyone may list them (to transfer); only admins manage them. */
export const agentsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['agents'];

  r.get(
    '/agents',
    { schema: { tags, operationId: 'listAgents', summary: 'Agents of the workspace with their status', response: { 200: z.object({ agents: z.array(agentSchema) }) } } },
    async (req) => ({ agents: await listAgents(ctx.db, callerOf(req).workspaceId) }),
  );

  r.post(
    '/agents',
    {
      schema: {
        tags,
        operationId: 'createAgent', summary: 'Create an agent (admin only)',
        body: z.object({
          email: z.email().max(MAX_EMAIL_CHARS),
          name: nameText({ min: 1, max: MAX_NAME_CHARS }),
          role: z.enum(ROLES).default('agent'),
          password,
          agentNo: agentNo.optional(),
          maxConcurrent: z.number().int().min(0).max(200).optional().describe('接待上限 (default 5)'),
        }),
        response: { 201: agentSchema, 400: errorSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createAgent(ctx, callerOf(req), req.body)),
  );

  r.patch(
    '/agents/:id',
    {
      schema: {
        tags,
        operationId: 'updateAgent', summary: 'Change an agent’s name, role, 工号 or password, or deactivate them (admin only)',
        description: 'Deactivating ends their sessions and returns their open conversations to the unassigned list.',
        params: idParam,
        body: z
          .object({
            name: nameText({ min: 1, max: MAX_NAME_CHARS }).optional(),
            role: z.enum(ROLES).optional(),
            active: z.boolean().optional(),
            agentNo: agentNo.optional(),
            password: password.optional(),
            maxConcurrent: z.number().int().min(0).max(200).optional().describe('接待上限: most open conversations at once'),
          })
          .strict(),
        response: { 200: agentSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => updateAgent(ctx, callerOf(req), req.params.id, req.body),
  );
};
