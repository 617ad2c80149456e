import { DomainError, forbidden, notFound } from '../core/errors.js';
import { pendingEvent, type AssignReason, type PendingEvent } from '../core/events.js';
import type { Actor, Conversation, Handler } from '../core/model.js';
import type { Caller } from '../core/permissions.js';
import { isOpen, type BusinessCalendar } from '../core/calendar/business-hours.js';
import { handoff, receive, type ReceptionFacts } from '../core/reception/reception.js';
import type { ReceptionSettings } from '../core/reception/settings.js';
import { timerKeys } from '../core/reception/timeouts.js';
import { restartResponseDeadline } from '../reception/deadlines.js';
import { estimateWaitSeconds, pickAgent, type Candidate, type Strategy } from '../core/routing/routing.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { maybeOne, one, withRetry, type Sql } from '../storage/db.js';
import { findConversation, withContactName } from '../storage/conversations.js';
import { cancelTimers } from '../timers/timers.js';
import type { ReceptionSettingsCache } from '../reception/settings-cache.js';
import { createMessage } from '../commands/messages.js';
import { checkRoom } from './capacity.js';

/**
 * An agent can take new conversations: active, 在线 (not 小休), and with a console
 * connected somewhere (the gateway refreshes last_seen_at every 20 s).
 */
export const AGENT_AVAILABLE = `(a.active AND a.availability = 'online' AND a.last_seen_at > now() - interval '60 seconds')`;

export interface RouterContext extends CommandContext {
  reception: ReceptionSettingsCache;
}

export type TransferTarget = { type: 'agent'; agentId: number } | { type: 'group'; groupId: number } | { type: 'leader' };

export interface QueueEntry {
  conversationId: number;
  contactId: number;
  position: number;
  etaSeconds: number;
}

const lockConversation = (sql: Sql, id: number) => findConversation(sql, id, { lock: true });

/**
 * Routing (分配) with storage: gathers the facts inside a transaction that locks the
 * conversation, its skill group and the candidate agents — so two instances
 * routing at once never push an agent over their limit — and lets the domain
 * core decide. Every change is a logged domain event.
 */
export class Router {
  constructor(private readonly ctx: RouterContext) {}

  /** A new conversation: bot, people (assigned or queued), or 留言 — by the inbox's mode, hours and who is on duty. */
  async receive(conversationId: number): Promise<Handler | null> {
    const conv = await this.conversation(conversationId);
    if (!conv || conv.status === 'resolved') return null;
    if (conv.assigneeId !== null) return conv.handler; // opened by an agent (an accepted invitation): theirs already
    const settings = await this.ctx.reception.get(conv.inboxId);
    const handler = receive(await this.receptionFacts(conv.workspaceId, settings, conv.groupId));
    await this.setHandler(conv, handler);
    if (handler === 'human') await this.route(conversationId);
    return handler;
  }

  /** 转人工 from the bot: people when possible, else 留言. */
  async handoff(conversationId: number): Promise<Handler | null> {
    const conv = await this.conversation(conversationId);
    if (!conv || conv.status === 'resolved' || conv.handler === 'human') return conv?.handler ?? null;
    const settings = await this.ctx.reception.get(conv.inboxId);
    const handler = handoff(await this.receptionFacts(conv.workspaceId, settings, conv.groupId));
    await this.setHandler(conv, handler);
    if (handler === 'human') await this.route(conversationId);
    return handler;
  }

  /**
   * Assigns a waiting, human-handled, unassigned conversation to the best agent of
   * its group, or queues it. Returns the agent's id, or null when it waits.
   */
  async route(conversationId: number, opts: { exclude?: number[]; reason?: AssignReason } = {}): Promise<number | null> {
    return withRetry(() =>
      runCommand(this.ctx, async (sql) => {
        const conv = await lockConversation(sql, conversationId);
        if (!conv || conv.status === 'resolved' || conv.assigneeId !== null || conv.handler !== 'human') return { result: conv?.assigneeId ?? null, events: [] };
        const group = conv.groupId
          ? await maybeOne(sql, 'SELECT id, strategy, sticky, last_assigned_agent_id FROM skill_groups WHERE id = $1 FOR UPDATE', [conv.groupId])
          : null;
        const strategy: Strategy = group?.strategy ?? 'load_balanced';
        const candidates = (await this.candidates(sql, conv.workspaceId, conv.groupId)).filter((c) => !opts.exclude?.includes(c.id));
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
        if (pick.agentId === null) {
          if (conv.queuedAt) return { result: null, events: [] };
          const row = await one(sql, 'UPDATE conversations SET queued_at = now(), updated_at = now() WHERE id = $1 RETURNING *', [conv.id]);
          const queued = withContactName(row, conv);
          const event = pendingEvent('conversation.queued', {
            workspaceId: conv.workspaceId,
            conversationId: conv.id,
            actor: SYSTEM,
            data: { groupId: conv.groupId, priority: conv.priority },
            subject: queued,
          });
          return { result: null, events: [event] };
        }
        const events = await this.assignWithin(sql, conv, pick.agentId, opts.reason ?? (pick.reason as AssignReason), SYSTEM);
        return { result: pick.agentId, events };
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

  /**
   * 转接 / 升级: to an agent (who must have room), to a skill group (routed there,
   * maybe queued), or to the group's leader (组长; escalation may exceed their limit:
   * the leader decides). The note reaches the receiver as a private note.
   */
  async transfer(
    caller: Caller,
    conversationId: number,
    target: TransferTarget,
    note: string | null,
    callerName: string | null = null,
    opts: { force?: boolean } = {},
  ): Promise<Conversation> {
    const actor: Actor = { type: 'agent', id: caller.agentId };
    const lead = caller.role === 'admin' || caller.role === 'supervisor';
    const result = await withRetry(() =>
      runCommand(this.ctx, async (sql) => {
        const conv = await lockConversation(sql, conversationId);
        if (!conv || conv.workspaceId !== caller.workspaceId) throw notFound('conversation');
        if (conv.status === 'resolved') throw new DomainError('conversation_resolved', 'reopen the conversation before transferring it', 409);
        if (!lead && conv.assigneeId !== caller.agentId) {
          throw forbidden(conv.assigneeId === null ? 'take the conversation (接入) before transferring it' : 'only the serving agent or a supervisor can transfer this conversation');
        }
        const events: PendingEvent[] = [];
        let toAgent: number | null = null;
        let toGroup = conv.groupId;
        if (target.type === 'agent') {
          if (target.agentId === conv.assigneeId) throw new DomainError('same_agent', 'the conversation is already with this agent', 409);
          toAgent = target.agentId;
          if (opts.force && lead) {
            const t = await maybeOne(sql, 'SELECT active FROM agents WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [toAgent, caller.workspaceId]);
            if (!t) throw notFound('agent');
            if (!t.active) throw new DomainError('agent_inactive', 'that agent is deactivated and cannot receive conversations', 409);
          } else {
            await checkRoom(sql, caller.workspaceId, toAgent);
          }
        } else if (target.type === 'leader') {
          if (!conv.groupId) throw new DomainError('no_leader', 'this conversation has no skill group, so no 组长 to escalate to: transfer it to an agent or a group', 409);
          const g = await one(sql, 'SELECT leader_id, name FROM skill_groups WHERE id = $1', [conv.groupId]);
          if (!g.leader_id) throw new DomainError('no_leader', `skill group ${g.name} has no 组长 (leader): set one in 技能组 settings`, 409);
          if (g.leader_id === conv.assigneeId) throw new DomainError('same_agent', 'the conversation is already with the group leader', 409);
          toAgent = g.leader_id;
          const leader = await maybeOne(sql, 'SELECT active FROM agents WHERE id = $1 FOR UPDATE', [toAgent]);
          if (!leader?.active) throw new DomainError('agent_inactive', 'the group leader is deactivated', 409);
        } else {
          const g = await maybeOne(sql, 'SELECT id FROM skill_groups WHERE id = $1 AND workspace_id = $2', [target.groupId, caller.workspaceId]);
          if (!g) throw notFound('skill_group');
          toGroup = target.groupId;
        }
        const row = await one(
          sql,
          `UPDATE conversations SET assignee_id = $2, group_id = $3, handler = 'human', queued_at = NULL, updated_at = now() WHERE id = $1 RETURNING *`,
          [conv.id, toAgent, toGroup],
        );
        const moved = withContactName(row, conv);
        if (toAgent !== null) await sql.query('UPDATE agents SET last_assigned_at = now() WHERE id = $1', [toAgent]);
        const base = { workspaceId: conv.workspaceId, conversationId: conv.id, actor };
        events.push(
          pendingEvent('conversation.transferred', {
            ...base,
            data: { kind: target.type, fromAgentId: conv.assigneeId, toAgentId: toAgent, fromGroupId: conv.groupId, toGroupId: toGroup, note },
            subject: moved,
          }),
        );
        if (conv.assigneeId !== toAgent) {
          events.push(pendingEvent('conversation.assigned', { ...base, data: { from: conv.assigneeId, to: toAgent, reason: target.type === 'leader' ? 'escalation' : 'transfer' }, subject: moved }));
        }
        await restartResponseDeadline(this.ctx, sql, moved);
        this.ctx.conversationStates?.delete(conv.id);
        return { result: moved, events };
      }),
    );
    if (note) {
      await createMessage(this.ctx, {
        workspaceId: caller.workspaceId,
        conversationId,
        senderType: 'agent',
        senderId: caller.agentId,
        senderName: callerName,
        content: `【${target.type === 'leader' ? '升级' : '转接'}说明】${note}`,
        private: true,
      });
    }
    if (target.type === 'group') await this.route(conversationId, { reason: 'transfer' });
    return (await this.conversation(conversationId)) ?? result;
  }

  /** The customer left the queue (放弃排队): recorded, and the conversation ends. */
  async abandon(conversationId: number, reason: 'left' | 'gone', contactId?: number): Promise<boolean> {
    return runCommand(this.ctx, async (sql) => {
      const conv = await lockConversation(sql, conversationId);
      if (!conv || (contactId !== undefined && conv.contactId !== contactId)) throw notFound('conversation');
      if (conv.status === 'resolved' || conv.assigneeId !== null || !conv.queuedAt) return { result: false, events: [] };
      const row = await one(
        sql,
        `UPDATE conversations SET abandoned_at = now(), queued_at = NULL, status = 'resolved', resolved_at = now(), updated_at = now() WHERE id = $1 RETURNING *`,
        [conv.id],
      );
      const ended = withContactName(row, conv);
      await cancelTimers(sql, timerKeys.all(conv.id));
      const base = { workspaceId: conv.workspaceId, conversationId: conv.id, actor: reason === 'left' ? ({ type: 'customer', id: conv.contactId } as Actor) : SYSTEM };
      const waitedSeconds = Math.round((Date.now() - new Date(conv.queuedAt).getTime()) / 1000);
      return {
        result: true,
        events: [
          pendingEvent('conversation.abandoned', { ...base, data: { waitedSeconds, reason }, subject: ended }),
          pendingEvent('conversation.status_changed', { ...base, data: { from: conv.status, to: 'resolved', reason: 'abandoned' }, subject: ended }),
        ],
      };
    });
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

  /** Assigns `conv` (locked) to `agentId`; returns the events. Starts the response deadline if the customer is waiting. */
  private async assignWithin(sql: Sql, conv: Conversation, agentId: number, reason: AssignReason, actor: Actor): Promise<PendingEvent[]> {
    // one statement: the conversation, the agent's fairness clock, the group's round-robin cursor
    const row = await one(
      sql,
      `WITH a AS (UPDATE agents SET last_assigned_at = now() WHERE id = $2),
            g AS (UPDATE skill_groups SET last_assigned_agent_id = $2 WHERE id = $3)
       UPDATE conversations SET assignee_id = $2, queued_at = NULL, updated_at = now() WHERE id = $1 RETURNING *`,
      [conv.id, agentId, conv.groupId],
    );
    const assigned = withContactName(row, conv);
    await restartResponseDeadline(this.ctx, sql, assigned);
    this.ctx.conversationStates?.delete(conv.id);
    return [pendingEvent('conversation.assigned', { workspaceId: conv.workspaceId, conversationId: conv.id, actor, data: { from: null, to: agentId, reason }, subject: assigned })];
  }

  /** Candidates of a group (or all agents), their rows locked, with their current load. */
  private async candidates(sql: Sql, workspaceId: number, groupId: number | null): Promise<Candidate[]> {
    const agents = await sql.query(
      `SELECT a.id, ${AGENT_AVAILABLE} AS available, a.max_concurrent, a.last_assigned_at FROM agents a
       WHERE a.workspace_id = $1 AND a.active
         AND ($2::bigint IS NULL OR a.id IN (SELECT agent_id FROM skill_group_members WHERE group_id = $2))
       ORDER BY a.id FOR UPDATE`,
      [workspaceId, groupId],
    );
    if (agents.length === 0) return [];
    const loads = await sql.query(
      `SELECT assignee_id, count(*) AS n FROM conversations WHERE assignee_id = ANY($1::bigint[]) AND status = 'open' GROUP BY assignee_id`,
      [agents.map((a) => a.id)],
    );
    const load = new Map(loads.map((l) => [l.assignee_id, Number(l.n)]));
    return agents.map((a) => ({
      id: a.id,
      available: a.available,
      load: load.get(a.id) ?? 0,
      max: a.max_concurrent,
      lastAssignedAt: a.last_assigned_at ? new Date(a.last_assigned_at).getTime() : 0,
    }));
  }

  // ── facts ───────────────────────────────────────────────────────────────

  private conversation(id: number): Promise<Conversation | null> {
    return findConversation(this.ctx.db, id);
  }

  /** What reception decides on: the inbox's mode, its business hours now, and whether the group has someone on duty. */
  async receptionFacts(workspaceId: number, settings: ReceptionSettings, groupId: number | null): Promise<ReceptionFacts> {
    return { mode: settings.mode, withinHours: await this.withinHours(workspaceId, settings), agentsOnDuty: await this.onDuty(workspaceId, groupId) };
  }

  private async withinHours(workspaceId: number, settings: ReceptionSettings): Promise<boolean> {
    if (settings.calendarId === null) return true;
    const cal = await maybeOne(this.ctx.db, 'SELECT timezone, weekly, holidays FROM business_calendars WHERE id = $1 AND workspace_id = $2', [settings.calendarId, workspaceId]);
    if (!cal) return true; // a deleted calendar must not silently close the inbox
    const calendar: BusinessCalendar = { timezone: cal.timezone, weekly: cal.weekly, holidays: cal.holidays };
    return isOpen(calendar, new Date());
  }

  /** Someone who could serve this group is online (saturated agents count: the customer queues). */
  private async onDuty(workspaceId: number, groupId: number | null): Promise<boolean> {
    const row = await one(
      this.ctx.db,
      `SELECT EXISTS (SELECT 1 FROM agents a WHERE a.workspace_id = $1 AND ${AGENT_AVAILABLE}
         AND ($2::bigint IS NULL OR a.id IN (SELECT agent_id FROM skill_group_members WHERE group_id = $2))) AS yes`,
      [workspaceId, groupId],
    );
    return row.yes;
  }

  private async setHandler(conv: Conversation, handler: Handler): Promise<void> {
    if (conv.handler === handler) return;
    await runCommand(this.ctx, async (sql) => {
      const row = await one(sql, 'UPDATE conversations SET handler = $2, updated_at = now() WHERE id = $1 RETURNING *', [conv.id, handler]);
      const updated = withContactName(row, conv);
      this.ctx.conversationStates?.delete(conv.id);
      return {
        result: undefined,
        events: [pendingEvent('conversation.handler_changed', { workspaceId: conv.workspaceId, conversationId: conv.id, actor: SYSTEM, data: { from: conv.handler, to: handler }, subject: updated })],
      };
    });
  }
}

const SYSTEM: Actor = { type: 'system', id: null };
