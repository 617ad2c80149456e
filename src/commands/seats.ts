import { DomainError, notFound } from '../core/errors.js';
import { isFull } from '../core/routing/routing.js';
import type { Sql } from '../storage/db.js';
import { lockSeats } from '../storage/seats.js';

/**
 * 接待上限 for an assignment by a person (分配, 转接): the target must be an active
 * agent of the workspace below their limit; a supervisor may `force` past the limit
 * (the agent need not be 在线: they may be given a conversation while on a break).
 * Their row stays locked until the transaction ends.
 */
export async function reserveSeat(sql: Sql, workspaceId: number, agentId: number, opts: { force?: boolean } = {}): Promise<void> {
  const [seat] = await lockSeats(sql, workspaceId, { agentIds: [agentId] });
  if (!seat) throw notFound('agent');
  if (!seat.active) throw new DomainError('agent_inactive', 'that agent is deactivated and cannot receive conversations', 409);
  if (!seat.serving) throw new DomainError('agent_not_serving', `${seat.name} has a 质检 role and does not serve customers`, 409);
  if (!opts.force && isFull(seat)) {
    throw new DomainError('agent_full', `${seat.name} is at their limit (接待上限 ${seat.load}/${seat.max}); choose someone else or raise the limit`, 409, {
      load: seat.load,
      limit: seat.max,
    });
  }
}
