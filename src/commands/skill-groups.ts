import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { SkillGroup } from '../core/model.js';
import { assertAdmin, servesCustomers, type Caller } from '../core/permissions.js';
import type { Strategy } from '../core/routing/routing.js';
import { isUniqueViolation, maybeOne, one, type Sql } from '../storage/db.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

export interface SkillGroupInput {
  name: string;
  strategy: Strategy;
  sticky: boolean;
  leaderId: number | null;
  memberIds: number[];
}

const SELECT = `SELECT g.*, COALESCE((SELECT array_agg(m.agent_id ORDER BY m.agent_id) FROM skill_group_members m WHERE m.group_id = g.id), '{}') AS member_ids FROM skill_groups g`;

const toGroup = (r: Record<string, any>): SkillGroup => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  strategy: r.strategy,
  sticky: r.sticky,
  leaderId: r.leader_id,
  memberIds: (r.member_ids ?? []).map(Number),
  createdAt: new Date(r.created_at).toISOString(),
});

export async function listSkillGroups(sql: Sql, workspaceId: number): Promise<SkillGroup[]> {
  return (await sql.query(`${SELECT} WHERE g.workspace_id = $1 ORDER BY g.id`, [workspaceId])).map(toGroup);
}

export async function getSkillGroup(sql: Sql, workspaceId: number, id: number): Promise<SkillGroup | null> {
  const row = await maybeOne(sql, `${SELECT} WHERE g.workspace_id = $1 AND g.id = $2`, [workspaceId, id]);
  return row ? toGroup(row) : null;
}

/** Members and leader must be agents of the workspace who serve customers (not 质检 accounts). */
async function checkAgents(sql: Sql, workspaceId: number, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await sql.query('SELECT id, name, role FROM agents WHERE workspace_id = $1 AND id = ANY($2::bigint[])', [workspaceId, ids]);
  if (found.length !== new Set(ids).size) throw new DomainError('agent_not_found', 'a member or the leader is not an agent of this workspace', 400);
  const inspector = found.find((a) => !servesCustomers(a.role));
  if (inspector) throw new DomainError('agent_not_serving', `${inspector.name} has a 质检 role: skill groups are for agents who serve customers`, 400);
}

async function setMembers(sql: Sql, groupId: number, memberIds: number[]): Promise<void> {
  await sql.query('DELETE FROM skill_group_members WHERE group_id = $1 AND NOT (agent_id = ANY($2::bigint[]))', [groupId, memberIds]);
  await sql.query(
    'INSERT INTO skill_group_members (group_id, agent_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING',
    [groupId, [...new Set(memberIds)]],
  );
}

const nameTaken = (err: unknown) =>
  isUniqueViolation(err, 'skill_groups_name_key') ? new DomainError('name_taken', 'a skill group with this name already exists', 409) : err;

export async function createSkillGroup(ctx: CommandContext, caller: Caller, input: SkillGroupInput): Promise<SkillGroup> {
  assertAdmin(caller);
  return runCommand(ctx, async (sql) => {
    await checkAgents(sql, caller.workspaceId, [...input.memberIds, ...(input.leaderId ? [input.leaderId] : [])]);
    let row;
    try {
      row = await one(sql, 'INSERT INTO skill_groups (workspace_id, name, strategy, sticky, leader_id) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
        caller.workspaceId,
        input.name,
        input.strategy,
        input.sticky,
        input.leaderId,
      ]);
    } catch (err) {
      throw nameTaken(err);
    }
    await setMembers(sql, row.id, input.memberIds);
    const group = (await getSkillGroup(sql, caller.workspaceId, row.id))!;
    const event = pendingEvent('skill_group.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { groupId: group.id, action: 'created', fields: [] }, subject: group });
    return { result: group, events: [event] };
  });
}

export async function updateSkillGroup(ctx: CommandContext, caller: Caller, id: number, patch: Partial<SkillGroupInput>): Promise<SkillGroup> {
  assertAdmin(caller);
  return runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT id FROM skill_groups WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [id, caller.workspaceId]);
    if (!current) throw notFound('skill_group');
    await checkAgents(sql, caller.workspaceId, [...(patch.memberIds ?? []), ...(patch.leaderId ? [patch.leaderId] : [])]);
    try {
      await sql.query(
        `UPDATE skill_groups SET name = COALESCE($2, name), strategy = COALESCE($3, strategy), sticky = COALESCE($4, sticky),
           leader_id = CASE WHEN $5 THEN $6 ELSE leader_id END, updated_at = now() WHERE id = $1`,
        [id, patch.name ?? null, patch.strategy ?? null, patch.sticky ?? null, patch.leaderId !== undefined, patch.leaderId ?? null],
      );
    } catch (err) {
      throw nameTaken(err);
    }
    if (patch.memberIds) await setMembers(sql, id, patch.memberIds);
    const group = (await getSkillGroup(sql, caller.workspaceId, id))!;
    const fields = Object.keys(patch).filter((k) => patch[k as keyof SkillGroupInput] !== undefined);
    const event = pendingEvent('skill_group.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { groupId: group.id, action: 'updated', fields }, subject: group });
    return { result: group, events: [event] };
  });
}

/**
 * Deleting a group sends its conversations to the all-agents pool (they stay
 * where they are if assigned) and drops it from inbox settings that name it.
 */
export async function deleteSkillGroup(ctx: CommandContext, caller: Caller, id: number): Promise<void> {
  assertAdmin(caller);
  await runCommand(ctx, async (sql) => {
    const group = await getSkillGroup(sql, caller.workspaceId, id);
    if (!group) throw notFound('skill_group');
    await sql.query('UPDATE conversations SET group_id = NULL WHERE group_id = $1', [id]);
    await sql.query(
      `UPDATE inboxes SET reception = jsonb_set(
         CASE WHEN (reception->>'defaultGroupId')::bigint = $1 THEN reception - 'defaultGroupId' ELSE reception END,
         '{preChat,topics}',
         COALESCE((SELECT jsonb_agg(CASE WHEN (t->>'groupId')::bigint = $1 THEN t || '{"groupId": null}'::jsonb ELSE t END)
                   FROM jsonb_array_elements(reception->'preChat'->'topics') t), '[]'::jsonb), false)
       WHERE workspace_id = $2 AND (reception->>'defaultGroupId' IS NOT NULL OR reception->'preChat'->'topics' IS NOT NULL)`,
      [id, caller.workspaceId],
    );
    await sql.query('DELETE FROM skill_groups WHERE id = $1', [id]);
    const event = pendingEvent('skill_group.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { groupId: group.id, action: 'deleted', fields: [] }, subject: group });
    return { result: undefined, events: [event] };
  });
  ctx.reception?.invalidateAll();
}
