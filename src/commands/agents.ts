import { hash } from '@node-rs/argon2';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent, type PendingEvent } from '../core/events.js';
import { MIN_PASSWORD_LENGTH } from '../core/limits.js';
import type { Agent, Availability, Role } from '../core/model.js';
import { assertAdmin, servesCustomers, type Caller } from '../core/permissions.js';
import { isUniqueViolation, maybeOne, one, type Sql } from '../storage/db.js';
import { toAgent, toConversation } from '../storage/rows.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

/** Argon2id (memory-hard) with the library's defaults: 19 MiB, 2 passes. */
export const hashPassword = (password: string) => hash(password);

export interface NewAgent {
  email: string;
  name: string;
  role: Role;
  password: string;
  agentNo?: string | null;
  maxConcurrent?: number;
}

export async function insertAgent(sql: Sql, workspaceId: number, a: NewAgent): Promise<Agent> {
  if (a.password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError('password_too_short', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, 400, {
      limit: MIN_PASSWORD_LENGTH,
    });
  }
  const passwordHash = await hashPassword(a.password);
  try {
    const agentNo = a.agentNo?.trim() ? a.agentNo.trim() : await nextAgentNo(sql, workspaceId);
    const row = await one(
      sql,
      `INSERT INTO agents (workspace_id, email, name, role, password_hash, agent_no, max_concurrent) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [workspaceId, a.email.trim().toLowerCase(), a.name, a.role, passwordHash, agentNo, a.maxConcurrent ?? 5],
    );
    return toAgent(row);
  } catch (err) {
    throw translateAgentConflict(err);
  }
}

/**
 * The next free 工号 of a workspace: one past its highest numeric 工号 (the first is
 * 1000). The workspace row is locked for the rest of the transaction, so two agents
 * created at once get different numbers.
 */
async function nextAgentNo(sql: Sql, workspaceId: number): Promise<string> {
  // NO KEY UPDATE: serialises agent creation without blocking rows that merely reference the workspace
  await sql.query('SELECT id FROM workspaces WHERE id = $1 FOR NO KEY UPDATE', [workspaceId]);
  const row = await one(
    sql,
    `SELECT COALESCE(max(agent_no::bigint) + 1, 1000)::text AS next FROM agents WHERE workspace_id = $1 AND agent_no ~ '^[0-9]{1,15}$'`,
    [workspaceId],
  );
  return row.next;
}

function translateAgentConflict(err: unknown): unknown {
  if (isUniqueViolation(err, 'agents_email_key')) return new DomainError('email_taken', 'an agent with this e-mail already exists', 409);
  if (isUniqueViolation(err, 'agents_agent_no_key')) return new DomainError('agent_no_taken', 'this 工号 (agent number) is already used in your workspace', 409);
  return err;
}

export async function createAgent(ctx: CommandContext, caller: Caller, input: NewAgent): Promise<Agent> {
  assertAdmin(caller);
  return runCommand(ctx, async (sql) => {
    const agent = await insertAgent(sql, caller.workspaceId, input);
    const event = pendingEvent('agent.created', {
      workspaceId: caller.workspaceId,
      actor: agentActor(caller),
      data: { agentId: agent.id, role: agent.role },
      subject: agent,
    });
    return { result: agent, events: [event] };
  });
}

export interface AgentPatch {
  name?: string;
  role?: Role;
  active?: boolean;
  agentNo?: string | null;
  password?: string;
  maxConcurrent?: number;
}

/**
 * Admin edits. Deactivating an agent ends their sessions and hands their open
 * conversations back to the unassigned list, so no customer is stranded.
 * The workspace always keeps at least one active admin.
 */
export async function updateAgent(ctx: CommandContext, caller: Caller, agentId: number, patch: AgentPatch): Promise<Agent> {
  assertAdmin(caller);
  const fields = (Object.keys(patch) as (keyof AgentPatch)[]).filter((k) => patch[k] !== undefined);
  const passwordHash = patch.password !== undefined ? await hashPasswordChecked(patch.password) : null;
  return runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT * FROM agents WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [agentId, caller.workspaceId]);
    if (!current) throw notFound('agent');
    const losesAdmin = current.role === 'admin' && current.active && (patch.active === false || (patch.role && patch.role !== 'admin'));
    if (losesAdmin) {
      const others = await one(
        sql,
        `SELECT count(*) AS n FROM agents WHERE workspace_id = $1 AND role = 'admin' AND active AND id <> $2`,
        [caller.workspaceId, agentId],
      );
      if (others.n === 0) throw new DomainError('last_admin', 'the workspace needs at least one active administrator', 409);
    }
    if (patch.role && !servesCustomers(patch.role) && servesCustomers(current.role)) {
      // a 质检 account never serves customers: nothing of theirs may be left waiting on them
      const ties = await one(
        sql,
        `SELECT (SELECT count(*) FROM conversations WHERE assignee_id = $1 AND status <> 'resolved') AS open,
                (SELECT count(*) FROM skill_group_members WHERE agent_id = $1) + (SELECT count(*) FROM skill_groups WHERE leader_id = $1) AS groups`,
        [agentId],
      );
      if (ties.open > 0 || ties.groups > 0) {
        throw new DomainError(
          'agent_still_serving',
          `${current.name} still has ${ties.open} open conversations and ${ties.groups} skill group places: transfer them and take them out of their groups first`,
          409,
          { openConversations: Number(ties.open), skillGroups: Number(ties.groups) },
        );
      }
    }
    let row;
    try {
      row = await one(
        sql,
        `UPDATE agents SET name = COALESCE($2, name), role = COALESCE($3, role), active = COALESCE($4, active),
           agent_no = CASE WHEN $5 THEN $6 ELSE agent_no END, password_hash = COALESCE($7, password_hash),
           max_concurrent = COALESCE($8, max_concurrent),
           availability = CASE WHEN $4 = false THEN 'offline' ELSE availability END, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [agentId, patch.name ?? null, patch.role ?? null, patch.active ?? null, patch.agentNo !== undefined, patch.agentNo ?? null, passwordHash, patch.maxConcurrent ?? null],
      );
    } catch (err) {
      throw translateAgentConflict(err);
    }
    const agent = toAgent(row);
    const actor = agentActor(caller);
    const events: PendingEvent[] = [
      pendingEvent('agent.updated', { workspaceId: caller.workspaceId, actor, data: { agentId: agent.id, fields }, subject: agent }),
    ];
    if (patch.active === false || passwordHash) {
      await sql.query('DELETE FROM sessions WHERE agent_id = $1', [agentId]);
    }
    if (patch.active === false && current.active) {
      const released = await sql.query(
        `WITH c AS (UPDATE conversations SET assignee_id = NULL, updated_at = now()
                    WHERE assignee_id = $1 AND status <> 'resolved' RETURNING *)
         SELECT c.*, ct.name AS contact_name FROM c JOIN contacts ct ON ct.id = c.contact_id`,
        [agentId],
      );
      for (const r of released) {
        const conversation = toConversation(r);
        events.push(
          pendingEvent('conversation.assigned', {
            workspaceId: caller.workspaceId,
            conversationId: conversation.id,
            actor,
            data: { from: agentId, to: null },
            subject: conversation,
          }),
        );
      }
    }
    return { result: agent, events };
  });
}

async function hashPasswordChecked(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError('password_too_short', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, 400, {
      limit: MIN_PASSWORD_LENGTH,
    });
  }
  return hashPassword(password);
}

/** 在线 / 小休 / 离线, chosen by the agent. */
export async function setAvailability(ctx: CommandContext, caller: Caller, to: Availability): Promise<Agent> {
  return runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT * FROM agents WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [caller.agentId, caller.workspaceId]);
    if (!current) throw notFound('agent');
    if (current.availability === to) return { result: toAgent(current), events: [] };
    const row = await one(sql, 'UPDATE agents SET availability = $2, updated_at = now() WHERE id = $1 RETURNING *', [caller.agentId, to]);
    const agent = toAgent(row);
    const event = pendingEvent('agent.presence_changed', {
      workspaceId: caller.workspaceId,
      actor: agentActor(caller),
      data: { agentId: agent.id, from: current.availability, to },
      subject: agent,
    });
    return { result: agent, events: [event] };
  });
}

export async function listAgents(sql: Sql, workspaceId: number): Promise<Agent[]> {
  return (await sql.query('SELECT * FROM agents WHERE workspace_id = $1 ORDER BY id', [workspaceId])).map(toAgent);
}
