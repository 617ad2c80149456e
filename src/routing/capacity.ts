import { DomainError, notFound } from '../core/errors.js';
import { maybeOne, one, type Sql } from '../storage/db.js';

/**
 * 接待上限: the target agent must be active and below their limit. Their row is
 * locked first, so assignments racing for the same agent (from any instance)
 * take turns and each sees the others' results.
 */
export async function checkRoom(sql: Sql, workspaceId: number, agentId: number): Promise<void> {
  const a = await maybeOne(sql, 'SELECT name, active, max_concurrent FROM agents WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [agentId, workspaceId]);
  if (!a) throw notFound('agent');
  if (!a.active) throw new DomainError('agent_inactive', 'that agent is deactivated and cannot receive conversations', 409);
  const load = await one(sql, `SELECT count(*) AS n FROM conversations WHERE assignee_id = $1 AND status = 'open'`, [agentId]);
  if (Number(load.n) >= a.max_concurrent) {
    throw new DomainError('agent_full', `${a.name} is at their limit (接待上限 ${load.n}/${a.max_concurrent}); choose someone else or raise the limit`, 409, {
      load: Number(load.n),
      limit: a.max_concurrent,
    });
  }
}
