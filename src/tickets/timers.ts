import { runCommand, type CommandContext } from '../commands/context.js';
import type { PendingEvent } from '../core/events.js';
import {
  deadlineTimer,
  fireDeadlineTimer,
  firePromiseTimer,
  SLA_METRICS,
  slaTimerStep,
  type EscalationPeople,
  type ReplyPromise,
  type SlaTimerPayload,
  type Ticket,
  type TicketEvent,
} from '../core/tickets/index.js';
import type { Sql } from '../storage/db.js';
import { cancelTimers, scheduleTimer, type TimerRunner, type TimerSpec } from '../timers/timers.js';
import { logEntries, SYSTEM_ACTOR } from './log.js';
import { findPromise, findTicketAnyWorkspace } from './store.js';
import { viewTicket } from './view.js';

/**
 * The tickets' durable timers (src/timers): one per SLA clock (`sla:{ticket}:{metric}`: warning,
 * breach, escalation to the 组长 and then the supervisors), one per regulator deadline
 * (`deadline:{ticket}`: the reminders 7, 3 and 1 days before), one per promise
 * (`promise:{id}`: the reminder, then the miss). The core decides (slaTimerStep,
 * deadlineTimer, firePromiseTimer); this file keeps the rows in step with the tickets.
 *
 * Every change of a ticket calls `syncTicketTimers` in its own transaction, with the
 * ticket's row locked: the clocks are computed afresh from the stored history, each timer
 * set to the clock's next stage or removed, and stages reached since the timer last
 * looked are emitted then (so a pause or a reply that lands as a stage falls due loses
 * nothing). A timer that fires does the same under the same lock. A timer row is claimed
 * by one instance at a time (FOR UPDATE SKIP LOCKED plus a lease), and its payload
 * remembers up to when its stages were handled, so a stage is emitted once even when a
 * timer runs again after a crash.
 */

export const ticketTimerKeys = {
  sla: (ticketId: number, metric: string) => `sla:${ticketId}:${metric}`,
  deadline: (ticketId: number) => `deadline:${ticketId}`,
  promise: (promiseId: number) => `promise:${promiseId}`,
};

/** The core's events raised by a timer (or at a change), as log entries by the platform. */
export const systemLogged = (workspaceId: number, events: TicketEvent[], subject: Ticket | ReplyPromise): PendingEvent[] => logEntries(workspaceId, SYSTEM_ACTOR, events, subject);

/** The group's 组长 and the workspace's supervisors (admins when it has none): who escalations go to. */
export async function escalationPeople(sql: Sql, workspaceId: number, groupId: number | null): Promise<EscalationPeople> {
  const rows = await sql.query(
    `SELECT
       (SELECT leader_id FROM skill_groups WHERE id = $2 AND workspace_id = $1) AS leader_id,
       COALESCE(
         (SELECT array_agg(id ORDER BY id) FROM agents WHERE workspace_id = $1 AND active AND role = 'supervisor'),
         (SELECT array_agg(id ORDER BY id) FROM agents WHERE workspace_id = $1 AND active AND role = 'admin'),
         '{}') AS supervisor_ids`,
    [workspaceId, groupId],
  );
  const r = rows[0]!;
  return { leaderId: r.leader_id === null || r.leader_id === undefined ? null : Number(r.leader_id), supervisorIds: (r.supervisor_ids ?? []).map(Number) };
}

/** Whom a missed promise is escalated to: the 组长 when there is one, else the supervisors. */
const escalateTo = (p: EscalationPeople): number[] => (p.leaderId !== null ? [p.leaderId] : p.supervisorIds);

async function timerPayloads(sql: Sql, keys: string[]): Promise<Map<string, Record<string, any>>> {
  const rows = await sql.query('SELECT key, payload FROM timers WHERE key = ANY($1::text[]) FOR UPDATE', [keys]);
  return new Map(rows.map((r) => [String(r.key), r.payload as Record<string, any>]));
}

/**
 * Sets a ticket's SLA and deadline timers to what its state asks for now, and returns the
 * stages reached since they last looked (to be logged with the change). Call it with the
 * ticket's row locked, after the change is stored.
 */
export async function syncTicketTimers(sql: Sql, ticket: Ticket, now: Date): Promise<TicketEvent[]> {
  const view = await viewTicket(sql, ticket.workspaceId, ticket, now);
  const slaKeys = SLA_METRICS.map((m) => ticketTimerKeys.sla(ticket.id, m));
  const deadlineKey = ticketTimerKeys.deadline(ticket.id);
  const current = await timerPayloads(sql, [...slaKeys, deadlineKey]);
  const events: TicketEvent[] = [];
  let people: EscalationPeople | null = null;
  const cancel: string[] = [];

  for (const [i, metric] of SLA_METRICS.entries()) {
    const key = slaKeys[i]!;
    const clock = view.sla.find((c) => c.metric === metric);
    if (!clock) {
      if (current.has(key)) cancel.push(key);
      continue;
    }
    people ??= await escalationPeople(sql, ticket.workspaceId, ticket.groupId);
    const step = slaTimerStep(ticket.id, clock, (current.get(key) as SlaTimerPayload | undefined) ?? null, now, people);
    events.push(...step.events);
    if (step.timer) await scheduleTimer(sql, { ...step.timer, payload: { ...step.timer.payload }, workspaceId: ticket.workspaceId });
    else if (current.has(key)) cancel.push(key);
  }

  // the regulator's deadline: reminded while the complaint is being worked; a changed notice date moves it
  const deadline = ticket.complaint?.deadline ?? null;
  const working = ticket.status !== 'solved' && ticket.status !== 'closed';
  const next = deadline && working ? deadlineTimer(ticket.id, deadline, now) : null;
  const existing = current.get(deadlineKey);
  if (!next) {
    if (existing) cancel.push(deadlineKey);
  } else if (existing?.deadlineDueAt !== deadline!.dueAt) {
    await scheduleTimer(sql, { ...next, payload: { ...next.payload, deadlineDueAt: deadline!.dueAt }, workspaceId: ticket.workspaceId });
  }
  await cancelTimers(sql, cancel);
  return events;
}

/** What the tickets' timers do when they fire; each runs under the ticket's (or promise's) row lock. */
export function registerTicketTimers(runner: TimerRunner, ctx: CommandContext): void {
  /** An SLA clock reached a stage: the step emits it and sets the next (syncTicketTimers does both). */
  runner.on('sla', async (t) => {
    await runCommand(ctx, async (sql) => {
      const ticket = await findTicketAnyWorkspace(sql, Number(t.payload.ticketId), { lock: true });
      if (!ticket) {
        await cancelTimers(sql, [t.key]);
        return { result: undefined, events: [] };
      }
      const events = await syncTicketTimers(sql, ticket, new Date());
      return { result: undefined, events: systemLogged(ticket.workspaceId, events, ticket) };
    });
  });

  /** A regulator deadline's reminder (7, 3, 1 days before), while the complaint is open. */
  runner.on('complaint_deadline', async (t) => {
    await runCommand(ctx, async (sql) => {
      const ticket = await findTicketAnyWorkspace(sql, Number(t.payload.ticketId), { lock: true });
      const deadline = ticket?.complaint?.deadline ?? null;
      const now = new Date();
      const payload = await stillDue(sql, t.key, now);
      // gone, moved to another time meanwhile, or for a deadline that changed: nothing to say now
      if (!ticket || !deadline || !payload || payload.deadlineDueAt !== deadline.dueAt) {
        if (ticket) await syncTicketTimers(sql, ticket, now);
        return { result: undefined, events: [] };
      }
      if (ticket.status === 'solved' || ticket.status === 'closed') {
        await cancelTimers(sql, [t.key]);
        return { result: undefined, events: [] };
      }
      const fired = fireDeadlineTimer(ticket.id, deadline, Number(payload.daysBefore), now);
      await setOrCancel(sql, t.key, fired.next && { ...fired.next, payload: { ...fired.next.payload, deadlineDueAt: deadline.dueAt }, workspaceId: ticket.workspaceId });
      return { result: undefined, events: systemLogged(ticket.workspaceId, fired.events, ticket) };
    });
  });

  /** A promise's reminder, then (unkept) its miss, escalated to the 组长 or the supervisors. */
  runner.on('promise', async (t) => {
    await runCommand(ctx, async (sql) => {
      const promise = await findPromise(sql, Number(t.payload.promiseId), { lock: true });
      const payload = await stillDue(sql, t.key, new Date());
      if (!promise || !payload) return { result: undefined, events: [] };
      const groupId = await promiseGroup(sql, promise);
      const fired = firePromiseTimer(promise, payload.stage, escalateTo(await escalationPeople(sql, promise.workspaceId, groupId)));
      await setOrCancel(sql, t.key, fired.next && { ...fired.next, workspaceId: promise.workspaceId });
      return { result: undefined, events: systemLogged(promise.workspaceId, fired.events, promise) };
    });
  });
}

/**
 * The payload of a timer that fired, its row locked, when it is still there and still due:
 * null when a change meanwhile removed it or moved it later (then there is nothing to do now).
 */
async function stillDue(sql: Sql, key: string, now: Date): Promise<Record<string, any> | null> {
  const [row] = await sql.query('SELECT payload, due_at FROM timers WHERE key = $1 FOR UPDATE', [key]);
  return row && new Date(row.due_at).getTime() <= now.getTime() ? (row.payload as Record<string, any>) : null;
}

/** The next timer in place of this one, or none. */
async function setOrCancel(sql: Sql, key: string, next: TimerSpec | null): Promise<void> {
  if (next) await scheduleTimer(sql, next);
  else await cancelTimers(sql, [key]);
}

/** The skill group a promise's ticket or conversation belongs to (its 组长 hears of a miss). */
async function promiseGroup(sql: Sql, p: ReplyPromise & { workspaceId: number }): Promise<number | null> {
  const [r] = p.ticketId !== null
    ? await sql.query('SELECT group_id FROM tickets WHERE id = $1', [p.ticketId])
    : await sql.query('SELECT group_id FROM conversations WHERE id = $1', [p.conversationId]);
  return r?.group_id === null || r?.group_id === undefined ? null : Number(r.group_id);
}
