import { runCommand, type CommandContext } from '../commands/context.js';
import { systemChangeStatus } from '../commands/conversations.js';
import { pendingEvent } from '../core/events.js';
import { timerKeys } from '../core/reception/timeouts.js';
import { messagesFor } from '../core/reception/settings.js';
import type { Router } from '../routing/router.js';
import { abandonQueue } from '../commands/queue.js';
import { one } from '../storage/db.js';
import { findConversation } from '../storage/conversations.js';
import { scheduleTimer, type TimerRunner } from '../timers/timers.js';
import { say } from './say.js';

export const QUEUE_SWEEP_SECONDS = 15;

/**
 * What the reception timers do when they fire. Every handler checks the current
 * state first and writes with deterministic ids, so a retry (after a crash, on
 * another instance) changes nothing twice.
 */
export function registerReceptionTimers(runner: TimerRunner, deps: { ctx: CommandContext; router: Router }): void {
  const { ctx, router } = deps;
  const load = (id: number) => findConversation(ctx.db, id);

  /** 超时提醒: remind the agent; then, if configured, hand the conversation to someone else. */
  runner.on('response_timeout', async (t) => {
    const conv = await load(t.payload.conversationId);
    if (!conv || conv.status === 'resolved' || conv.assigneeId === null || !conv.waitingSince) return;
    const settings = await ctx.reception.get(conv.inboxId);
    const waitedSeconds = Math.round((Date.now() - new Date(conv.waitingSince).getTime()) / 1000);
    const agentId = conv.assigneeId;
    if (t.payload.stage === 'reassign') {
      if (t.payload.agentId !== agentId) return; // someone else has it now
      const to = await router.reassignOverdue(conv.id, agentId, waitedSeconds);
      if (to === undefined) return; // answered or moved meanwhile
      await say(ctx, conv, `客户等待 ${waitedSeconds} 秒未获回复，已自动${to ? '转接' : '退回排队'}。请先向客户致歉。`, `timer:${t.key}:reassign:${t.dueAt.getTime()}`, { private: true });
      return;
    }
    // the alert on the agent's console follows the event (listeners/realtime.ts)
    const after = settings.timeouts.reassignAfterSeconds;
    await runCommand(ctx, async (sql) => {
      if (after) {
        await scheduleTimer(sql, {
          kind: 'response_timeout',
          key: timerKeys.response(conv.id),
          dueAt: new Date(Date.now() + after * 1000),
          payload: { conversationId: conv.id, stage: 'reassign', agentId },
          workspaceId: conv.workspaceId,
        });
      }
      return {
        result: undefined,
        events: [pendingEvent('conversation.response_overdue', { workspaceId: conv.workspaceId, conversationId: conv.id, actor: SYSTEM, data: { agentId, waitedSeconds, action: 'reminded' }, subject: conv })],
      };
    });
  });

  /** 超时自动结束会话: check in after a quiet spell, then close with the closing words. */
  runner.on('idle', async (t) => {
    const conv = await load(t.payload.conversationId);
    if (!conv || conv.status === 'resolved') return;
    const row = await one(ctx.db, 'SELECT last_customer_message_at, last_agent_message_at FROM conversations WHERE id = $1', [conv.id]);
    const customerSpokeAfter = (since: Date | null) => row.last_customer_message_at && (!since || row.last_customer_message_at > since);
    const settings = await ctx.reception.get(conv.inboxId);
    if (t.payload.stage === 'checkin') {
      if (customerSpokeAfter(row.last_agent_message_at)) return; // answered meanwhile
      await say(ctx, conv, messagesFor(settings, conv.locale).idleCheckin, `timer:${t.key}:checkin:${t.dueAt.getTime()}`);
      if (settings.timeouts.idleCloseMinutes) {
        await scheduleTimer(ctx.db, {
          kind: 'idle',
          key: timerKeys.idle(conv.id),
          dueAt: new Date(Date.now() + settings.timeouts.idleCloseMinutes * 60_000),
          payload: { conversationId: conv.id, stage: 'close', checkinAt: new Date().toISOString() },
          workspaceId: conv.workspaceId,
        });
      }
      return;
    }
    if (customerSpokeAfter(new Date(t.payload.checkinAt))) return;
    await say(ctx, conv, messagesFor(settings, conv.locale).idleClose, `timer:${t.key}:close:${t.dueAt.getTime()}`);
    await systemChangeStatus(ctx, conv.workspaceId, conv.id, 'resolved', 'idle');
  });

  /** A queued customer closed the widget: after a grace period with no widget open, they abandoned the queue. */
  runner.on('abandon', async (t) => {
    const conv = await load(t.payload.conversationId);
    if (!conv || conv.status === 'resolved' || conv.assigneeId !== null || !conv.queuedAt) return;
    const seen = await one(ctx.db, `SELECT last_seen_at > now() - interval '45 seconds' AS recent FROM contacts WHERE id = $1`, [conv.contactId]);
    if (seen.recent) return; // came back
    await abandonQueue(ctx, conv.id, 'gone');
  });

  /**
   * Safety net: serve every queue regularly. The drain consumer serves queues on
   * every event that frees a seat, but seats also free up with time alone: an agent
   * whose console reconnects is available again with its next heartbeat, no event.
   */
  runner.on('queue_sweep', async () => {
    const workspaces = await ctx.db.query(`SELECT DISTINCT workspace_id FROM conversations WHERE queued_at IS NOT NULL AND assignee_id IS NULL AND status <> 'resolved'`);
    for (const w of workspaces) await router.drainAll(w.workspace_id);
    await scheduleTimer(ctx.db, { kind: 'queue_sweep', key: 'queue_sweep', dueAt: new Date(Date.now() + QUEUE_SWEEP_SECONDS * 1000) });
  });
}

/** Starts the sweep if no instance has it scheduled. */
export async function ensureQueueSweep(ctx: CommandContext): Promise<void> {
  await scheduleTimer(ctx.db, { kind: 'queue_sweep', key: 'queue_sweep', dueAt: new Date(Date.now() + QUEUE_SWEEP_SECONDS * 1000) }, 'keep');
}

/** The customer's last widget closed: queued conversations get a grace period before counting as abandoned. */
export async function customerGone(ctx: CommandContext, contactId: number): Promise<void> {
  const rows = await ctx.db.query(
    `SELECT c.id, c.workspace_id, c.inbox_id FROM conversations c
     WHERE c.contact_id = $1 AND c.queued_at IS NOT NULL AND c.assignee_id IS NULL AND c.status <> 'resolved'`,
    [contactId],
  );
  for (const r of rows) {
    const seconds = (await ctx.reception.get(r.inbox_id)).timeouts.queueAbandonSeconds;
    await scheduleTimer(ctx.db, { kind: 'abandon', key: timerKeys.abandon(r.id), dueAt: new Date(Date.now() + seconds * 1000), payload: { conversationId: r.id }, workspaceId: r.workspace_id });
  }
}

const SYSTEM = { type: 'system' as const, id: null };
