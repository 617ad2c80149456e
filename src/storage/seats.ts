import { SERVING_ROLES } from '../core/permissions.js';
import type { Candidate } from '../core/routing/routing.js';
import type { Sql } from './db.js';

/** Roles that serve customers (质检员 and 质检主管 never receive a conversation), as SQL over `agents a`. */
export const SERVING = `a.role IN (${SERVING_ROLES.map((r) => `'${r}'`).join(', ')})`;

/**
 * An agent can take new conversations: a role that serves customers, active, 在线 (not
 * 小休), and with a console connected somewhere (the gateway refreshes last_seen_at every 20 s).
 */
export const AGENT_AVAILABLE = `(a.active AND ${SERVING} AND a.availability = 'online' AND a.last_seen_at > now() - interval '60 seconds')`;

/** An agent's seats as routing and assignment see them: availability, load (open conversations) and 接待上限. */
export interface Seat extends Candidate {
  name: string;
  active: boolean;
  /** False for 质检 accounts: they are never given a conversation. */
  serving: boolean;
}

/**
 * Agents with their current load, their rows locked (FOR UPDATE) for the rest of
 * the transaction: assignments racing for the same agent, from any instance, take
 * turns and each sees the others' results. `groupId` selects a skill group's active
 * members (null: every active agent); `agentIds` selects those agents, active or not.
 */
export async function lockSeats(sql: Sql, workspaceId: number, who: { groupId: number | null } | { agentIds: number[] }): Promise<Seat[]> {
  const byIds = 'agentIds' in who;
  const agents = await sql.query(
    `SELECT a.id, a.name, a.active, ${SERVING} AS serving, ${AGENT_AVAILABLE} AS available, a.max_concurrent, a.last_assigned_at FROM agents a
     WHERE a.workspace_id = $1
       AND ${byIds ? 'a.id = ANY($2::bigint[])' : `a.active AND ${SERVING} AND ($2::bigint IS NULL OR a.id IN (SELECT agent_id FROM skill_group_members WHERE group_id = $2))`}
     ORDER BY a.id FOR UPDATE`,
    [workspaceId, byIds ? who.agentIds : who.groupId],
  );
  if (agents.length === 0) return [];
  const loads = await sql.query(
    `SELECT assignee_id, count(*) AS n FROM conversations WHERE assignee_id = ANY($1::bigint[]) AND status = 'open' GROUP BY assignee_id`,
    [agents.map((a) => a.id)],
  );
  const load = new Map(loads.map((l) => [l.assignee_id, Number(l.n)]));
  return agents.map((a) => ({
    id: a.id,
    name: a.name,
    active: a.active,
    serving: a.serving,
    available: a.available,
    load: load.get(a.id) ?? 0,
    max: a.max_concurrent,
    lastAssignedAt: a.last_assigned_at ? new Date(a.last_assigned_at).getTime() : 0,
  }));
}
