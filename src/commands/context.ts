import type { DomainEvent, PendingEvent } from '../core/events.js';
import type { EventDispatcher } from '../events/dispatcher.js';
import type { Db, Sql } from '../storage/db.js';
import { appendEvents } from '../storage/events.js';
import type { ReceptionSettingsCache } from '../reception/settings-cache.js';
import type { ConversationStateCache, MessageWriter } from './messages.js';

/** What a command needs: the database, the dispatcher for committed events, and the hot-path cache. */
export interface CommandContext {
  db: Db;
  events: EventDispatcher;
  /** Conversation states for the message path (optional: without it every message reads first). */
  conversationStates?: ConversationStateCache;
  /** Inbox reception settings (timeouts, automatic replies); without it, the defaults apply. */
  reception?: ReceptionSettingsCache;
  /** Group commit for messages; without it each message is its own statement. */
  messageWriter?: MessageWriter;
}

/**
 * Runs a multi-step write in one transaction. `fn` returns its result and the
 * events it caused; the events are logged in the same transaction and dispatched
 * only after commit, so listeners never see a change that was rolled back.
 */
export async function runCommand<T>(
  ctx: CommandContext,
  fn: (sql: Sql) => Promise<{ result: T; events: PendingEvent[] }>,
): Promise<T> {
  let committed: DomainEvent[] = [];
  const result = await ctx.db.tx(async (sql) => {
    const out = await fn(sql);
    committed = await appendEvents(sql, out.events);
    return out.result;
  });
  await ctx.events.dispatch(committed);
  return result;
}
