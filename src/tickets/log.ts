import { pendingEvent, type PendingEvent } from '../core/events.js';
import type { Actor } from '../core/model.js';
import type { ChangeContext, Compensation, ReplyPromise, Ticket, TicketActor, TicketEvent } from '../core/tickets/index.js';
import type { Sql } from '../storage/db.js';
import { workspaceCalendars } from './store.js';

/**
 * What every ticket change needs around the core, whoever makes it (an agent's command, the
 * customer's reply or confirmation, a timer): the context the core decides in, and its events
 * as log entries.
 */

/** The platform, as the actor of what timers do. */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };

/** Who, when, and the workspace's time zone (its default calendar's: a regulator's deadline ends at midnight there). */
export async function changeContext(sql: Sql, workspaceId: number, by: TicketActor, at: Date): Promise<ChangeContext> {
  const { fallback } = await workspaceCalendars(sql, workspaceId);
  return { by, at, timezone: fallback.timezone };
}

/** The core's events as log entries by `actor` (ticket events belong to no conversation: they lock none). */
export function logEntries(workspaceId: number, actor: Actor, events: TicketEvent[], subject: Ticket | Compensation | ReplyPromise): PendingEvent[] {
  return events.map((e) => pendingEvent(e.type, { workspaceId, actor, data: e.data as never, subject: subject as never }) as PendingEvent);
}
