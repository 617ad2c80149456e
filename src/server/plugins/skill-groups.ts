import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSkillGroup, deleteSkillGroup, listSkillGroups, updateSkillGroup } from '../../commands/skill-groups.js';
import { MAX_NAME_CHARS } from '../../core/limits.js';
import { nameText } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema, idParam, skillGroupSchema } from '../../http/schemas.js';

const groupInput = z.object({
  name: nameText({ min: 1, max: MAX_NAME_CHARS }),
  strategy: z.enum(['load_balanced', 'round_robin', 'manual']).default('load_balanced'),
  sticky: z.boolean().default(true),
  leaderId: z.number().int().positive().nullable().default(null),
  memberIds: z.array(z.number().int().positive()).max(1000).default([]),
});

/** 技能组: everyone may list them (to transfer); only admins manage them. Effective at once. */
export const skillGroupsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['skill groups'];

  r.get('/skill-groups', { schema: { tags, operationId: 'listSkillGroups', summary: 'Skill groups with their members', response: { 200: z.object({ groups: z.array(skillGroupSchema) }) } } }, async (req) => ({
    groups: await listSkillGroups(ctx.db, callerOf(req).workspaceId),
  }));

  r.post(
    '/skill-groups',
    { schema: { tags, operationId: 'createSkillGroup', summary: 'Create a skill group (admin)', body: groupInput, response: { 201: skillGroupSchema, 400: errorSchema, 403: errorSchema, 409: errorSchema } } },
    async (req, reply) => reply.code(201).send(await createSkillGroup(ctx, callerOf(req), req.body)),
  );

  r.patch(
    '/skill-groups/:id',
    {
      schema: {
        tags,
        operationId: 'updateSkillGroup', summary: 'Change a skill group: name, strategy, stickiness, leader, members (admin)',
        params: idParam,
        body: z.object({
          name: nameText({ min: 1, max: MAX_NAME_CHARS }).optional(),
          strategy: z.enum(['load_balanced', 'round_robin', 'manual']).optional(),
          sticky: z.boolean().optional(),
          leaderId: z.number().int().positive().nullable().optional(),
          memberIds: z.array(z.number().int().positive()).max(1000).optional(),
        }).strict(),
        response: { 200: skillGroupSchema, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    // new members or a new strategy may serve waiting customers now: the drain consumer sees to it
    async (req) => updateSkillGroup(ctx, callerOf(req), req.params.id, req.body),
  );

  r.delete(
    '/skill-groups/:id',
    { schema: { tags, operationId: 'deleteSkillGroup', summary: 'Delete a skill group; its conversations go to the all-agents pool (admin)', params: idParam, response: { 204: z.null(), 404: errorSchema } } },
    async (req, reply) => {
      await deleteSkillGroup(ctx, callerOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
};
