import { pendingEvent, type AssignReason, type PendingEvent } from '../core/events.js';
import type { Actor, Conversation } from '../core/model.js';
import { estimateWaitSeconds, pickAgent, type Strategy } from '../core/routing/routing.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { restartResponseDeadline } from '../commands/response-deadline.js';
import { maybeOne, one, withRetry, type Sql } from '../storage/db.js';
import { findConversation, withContactName } from '../storage/conversations.js';
import { AGENT_AVAILABLE, lockSeats } from '../storage/seats.js';

export interface QueueEntry {
  conversationId: number;
  contactId: number;
  position: number;
  etaSeconds: number;
}

const lockConversation = (sql: Sql, id: number) => findConversation(sql, id, { lock: true });
const customerHasWritten = async (sql: Sql, id: number) =>
  !!(await maybeOne(sql, 'SELECT 1 FROM conversations WHERE id = $1 AND last_customer_message_at IS NOT NULL', [id]));

/**
 * Routing (分配) with storage: gathers the facts inside a transaction that locks the
 * conversation, its skill group and the candidate agents — so two instances
 * routing at once never push an agent over their limit — and lets the domain
 * core decide. Every change is a logged domain event.
 */
export class Router {
  constructor(private readonly ctx: CommandContext) {}

  /**
   * Assigns a waiting, human-handled, unassigned conversation to the best agent of
   * its group, or queues it. Returns the agent's id, or null when it waits.
   */
  async route(conversationId: number, opts: { exclude?: number[]; reason?: AssignReason } = {}): Promise<number | null> {
    return withRetry(() =>
      runCommand(this.ctx, async (sql) => {
        const conv = await lockConversation(sql, conversationId);
        if (!conv || conv.status === 'resolved' || conv.assigneeId !== null || conv.handler !== 'human') return { result: conv?.assigneeId ?? null, events: [] };
        // nobody is needed until the customer writes: an empty conversation takes no seat and no queue place
        if (!(await customerHasWritten(sql, conv.id))) return { result: null, events: [] };
        return this.routeWithin(sql, conv, opts);
      }),
    );
  }

  /**
   * The customer wrote in a conversation that had nobody: route it, unless a look
   * without locks shows it was routed meanwhile (their earlier message did; the
   * usual case for every message after the first) — a read, not a transaction.
   */
  async routeOnCustomerMessage(conversationId: number): Promise<number | null> {
    const conv = await findConversation(this.ctx.db, conversationId);
    if (!conv || conv.status === 'resolved' || conv.assigneeId !== null || conv.queuedAt !== null || conv.handler !== 'human') return conv?.assigneeId ?? null;
    return this.route(conversationId);
  }

  /**
   * 超时转接: the customer waited too long for `agentId`. In one transaction the
   * conversation leaves them and goes to someone else of its group (or back to the
   * queue). Returns the new agent, null when it queues, undefined when the
   * conversation is no longer theirs (answered, transferred, ended meanwhile).
   */
  async reassignOverdue(conversationId: number, agentId: number, waitedSeconds: number): Promise<number | null | undefined> {
    return withRetry(() =>
      runCommand(this.ctx, async (sql) => {
        const conv = await lockConversation(sql, conversationId);
        if (!conv || conv.status === 'resolved' || conv.assigneeId !== agentId || !conv.waitingSince) return { result: undefined, events: [] };
        const row = await one(sql, 'UPDATE conversations SET assignee_id = NULL, updated_at = now() WHERE id = $1 RETURNING *', [conv.id]);
        const released = withContactName(row, conv);
        this.ctx.conversationStates?.delete(conv.id);
        const base = { workspaceId: conv.workspaceId, conversationId: conv.id, actor: SYSTEM };
        const overdue = pendingEvent('conversation.response_overdue', { ...base, data: { agentId, waitedSeconds, action: 'reassigned' }, subject: released });
        const routed = await this.routeWithin(sql, released, { exclude: [agentId], reason: 'reassign', from: agentId });
        return { result: routed.result, events: [overdue, ...routed.events] };
      }),
    );
  }

  /** Serves a group's queue (VIP first, then oldest) while its agents have room. Returns how many were assigned. */
  async drain(workspaceId: number, groupId: number | null): Promise<number> {
    if (groupId !== null) {
      const g = await maybeOne(this.ctx.db, 'SELECT strategy FROM skill_groups WHERE id = $1 AND workspace_id = $2', [groupId, workspaceId]);
      if (!g || g.strategy === 'manual') return 0; // manual groups: agents pick from the queue
    }
    let assigned = 0;
    const tried = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const head = await maybeOne(
        this.ctx.db,
        `SELECT id FROM conversations
         WHERE workspace_id = $1 AND group_id IS NOT DISTINCT FROM $2 AND queued_at IS NOT NULL AND assignee_id IS NULL
           AND status <> 'resolved' AND handler = 'human' AND NOT (id = ANY($3::bigint[]))
         ORDER BY priority DESC, queued_at, id LIMIT 1`,
        [workspaceId, groupId, [...tried]],
      );
      if (!head) break;
      tried.add(head.id);
      const agent = await this.route(head.id);
      if (agent === null) {
        // still waiting: nobody has room (it may also have been taken meanwhile)
        const still = await maybeOne(this.ctx.db, 'SELECT assignee_id FROM conversations WHERE id = $1', [head.id]);
        if (still?.assignee_id === null) break;
      } else {
        assigned++;
      }
    }
    return assigned;
  }

  /** A slot may have freed up for this agent: serve the queues they belong to (and the all-agents queue). */
  async drainForAgent(workspaceId: number, agentId: number): Promise<number> {
    const groups = await this.ctx.db.query<{ group_id: number }>('SELECT group_id FROM skill_group_members WHERE agent_id = $1', [agentId]);
    let n = 0;
    for (const g of [...groups.map((x) => x.group_id), null]) n += await this.drain(workspaceId, g);
    return n;
  }

  /** Every queue of the workspace (the periodic sweep that catches anything an event missed). */
  async drainAll(workspaceId: number): Promise<number> {
    const groups = await this.ctx.db.query(
      `SELECT DISTINCT group_id FROM conversations WHERE workspace_id = $1 AND queued_at IS NOT NULL AND assignee_id IS NULL AND status <> 'resolved'`,
      [workspaceId],
    );
    let n = 0;
    for (const g of groups) n += await this.drain(workspaceId, g.group_id);
    return n;
  }

  /** Positions and estimated waits of a group's queue, VIP first then oldest. */
  async queue(workspaceId: number, groupId: number | null): Promise<QueueEntry[]> {
    const rows = await this.ctx.db.query(
      `SELECT id, contact_id FROM conversations
       WHERE workspace_id = $1 AND group_id IS NOT DISTINCT FROM $2 AND queued_at IS NOT NULL AND assignee_id IS NULL AND status <> 'resolved'
       ORDER BY priority DESC, queued_at, id LIMIT 5000`,
      [workspaceId, groupId],
    );
    if (rows.length === 0) return [];
    const stats = await this.queueStats(workspaceId, groupId);
    return rows.map((r, i) => ({
      conversationId: r.id,
      contactId: r.contact_id,
      position: i + 1,
      etaSeconds: estimateWaitSeconds(i + 1, stats.serving, stats.handleSeconds),
    }));
  }

  /** The queue positions of one contact's waiting conversations. */
  async positionsOf(workspaceId: number, contactId: number): Promise<{ conversationId: number; position: number; etaSeconds: number }[]> {
    const groups = await this.ctx.db.query(
      `SELECT DISTINCT group_id FROM conversations WHERE contact_id = $1 AND workspace_id = $2 AND queued_at IS NOT NULL AND assignee_id IS NULL AND status <> 'resolved'`,
      [contactId, workspaceId],
    );
    const out: { conversationId: number; position: number; etaSeconds: number }[] = [];
    for (const g of groups) {
      for (const e of await this.queue(workspaceId, g.group_id)) {
        if (e.contactId === contactId) out.push({ conversationId: e.conversationId, position: e.position, etaSeconds: e.etaSeconds });
      }
    }
    return out;
  }

  private readonly stats = new Map<string, { at: number; serving: number; handleSeconds: number }>();

  /** Agents serving a group and how long a conversation takes there: refreshed at most every 15 s. */
  private async queueStats(workspaceId: number, groupId: number | null): Promise<{ serving: number; handleSeconds: number }> {
    const key = `${workspaceId}:${groupId}`;
    const hit = this.stats.get(key);
    if (hit && Date.now() - hit.at < 15_000) return hit;
    const stats = await one(
      this.ctx.db,
      `SELECT
         (SELECT count(*) FROM agents a WHERE a.workspace_id = $1 AND ${AGENT_AVAILABLE}
            AND ($2::bigint IS NULL OR a.id IN (SELECT agent_id FROM skill_group_members WHERE group_id = $2))) AS serving,
         (SELECT coalesce(avg(extract(epoch FROM resolved_at - created_at)), 180) FROM (
            SELECT resolved_at, created_at FROM conversations
            WHERE workspace_id = $1 AND group_id IS NOT DISTINCT FROM $2 AND resolved_at IS NOT NULL AND abandoned_at IS NULL
            ORDER BY resolved_at DESC LIMIT 50) recent) AS handle_seconds`,
      [workspaceId, groupId],
    );
    const fresh = { at: Date.now(), serving: Number(stats.serving), handleSeconds: Math.min(3600, Number(stats.handle_seconds)) };
    if (this.stats.size > 1000) this.stats.clear();
    this.stats.set(key, fresh);
    return fresh;
  }

  // ── inside transactions ─────────────────────────────────────────────────

  /**
   * Picks the best agent of `conv`'s group (its candidates' rows locked) and assigns
   * it, or queues the conversation when nobody has room. `from`: the agent it leaves
   * (a reassignment), for the event.
   */
  private async routeWithin(
    sql: Sql,
    conv: Conversation,
    opts: { exclude?: number[]; reason?: AssignReason; from?: number },
  ): Promise<{ result: number | null; events: PendingEvent[] }> {
    const group = conv.groupId
      ? await maybeOne(sql, 'SELECT id, strategy, sticky, last_assigned_agent_id FROM skill_groups WHERE id = $1 FOR UPDATE', [conv.groupId])
      : null;
    const strategy: Strategy = group?.strategy ?? 'load_balanced';
    const candidates = (await lockSeats(sql, conv.workspaceId, { groupId: conv.groupId })).filter((c) => !opts.exclude?.includes(c.id));
    const sticky = group ? group.sticky : true;
    const preferred = sticky
      ? ((
          await maybeOne(
            sql,
            `SELECT assignee_id FROM conversations WHERE contact_id = $1 AND id <> $2 AND assignee_id IS NOT NULL ORDER BY id DESC LIMIT 1`,
            [conv.contactId, conv.id],
          )
        )?.assignee_id ?? null)
      : null;
    const pick = pickAgent({ strategy, candidates, preferredAgentId: preferred, lastAssignedId: group?.last_assigned_agent_id ?? null });
    const base = { workspaceId: conv.workspaceId, conversationId: conv.id, actor: SYSTEM };
    if (pick.agentId === null) {
      // (a reassigned conversation that queues says so with its response_overdue event: no
      // `assigned` to nobody, which would drain the queue straight back to the agent it left)
      if (conv.queuedAt) return { result: null, events: [] };
      const row = await one(sql, 'UPDATE conversations SET queued_at = now(), updated_at = now() WHERE id = $1 RETURNING *', [conv.id]);
      const queued = withContactName(row, conv);
      return { result: null, events: [pendingEvent('conversation.queued', { ...base, data: { groupId: conv.groupId, priority: conv.priority }, subject: queued })] };
    }
    // one statement: the conversation, the agent's fairness clock, the group's round-robin cursor
    const row = await one(
      sql,
      `WITH a AS (UPDATE agents SET last_assigned_at = now() WHERE id = $2),
            g AS (UPDATE skill_groups SET last_assigned_agent_id = $2 WHERE id = $3)
       UPDATE conversations SET assignee_id = $2, queued_at = NULL, updated_at = now() WHERE id = $1 RETURNING *`,
      [conv.id, pick.agentId, conv.groupId],
    );
    const assigned = withContactName(row, conv);
    await restartResponseDeadline(this.ctx, sql, assigned);
    this.ctx.conversationStates?.delete(conv.id);
    const reason = opts.reason ?? (pick.reason as AssignReason);
    return {
      result: pick.agentId,
      events: [pendingEvent('conversation.assigned', { ...base, data: { from: opts.from ?? null, to: pick.agentId, reason }, subject: assigned })],
    };
  }
}

const SYSTEM: Actor = { type: 'system', id: null };
