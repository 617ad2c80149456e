import type { DomainEvent, PendingEvent } from '../core/events.js';
import type { EventDispatcher } from '../events/dispatcher.js';
import type { Db, Sql } from '../storage/db.js';
import { appendEvents, StaleEventWriter } from '../storage/events.js';
import type { ReceptionSettingsCache } from '../storage/reception-settings.js';
import type { KnowledgeSearcher } from '../core/knowledge/types.js';
import type { AnswerRephraser } from '../core/knowledge/rephrase.js';
import type { ConversationStateCache, MessageWriter } from './messages.js';

/** What a command needs: the database, the dispatcher for committed events, and the hot-path caches. */
export interface CommandContext {
  db: Db;
  events: EventDispatcher;
  /** Conversation states for the message path (optional: without it every message reads first). */
  conversationStates?: ConversationStateCache;
  /** Inbox reception settings (mode, timeouts, automatic replies), cached. */
  reception: ReceptionSettingsCache;
  /** Group commit for messages; without it each message is its own statement. */
  messageWriter?: MessageWriter;
  /** The 知识库 search indexes (the bot, search, suggestions); without it nothing is answered from the knowledge base. */
  knowledge?: KnowledgeSearcher;
  /** Optional (ZHIKE_LLM_URL): rewords the bot's knowledge-base answers; without it they go as written. */
  rephraser?: AnswerRephraser;
}

/**
 * Runs a multi-step write in one transaction. `fn` returns its result and the
 * events it caused: pending ones are logged at the end of the transaction; events
 * it logged itself on the way (a message written inside the transaction) are
 * passed along. All are dispatched only after commit, so no listener or consumer
 * ever sees a change that was rolled back. `fn` may run more than once: a
 * transaction that waited for a conversation newer events were logged for runs
 * again (StaleEventWriter), so it must only touch the database.
 */
export async function runCommand<T>(
  ctx: CommandContext,
  fn: (sql: Sql) => Promise<{ result: T; events: (PendingEvent | DomainEvent)[] }>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let committed: DomainEvent[] = [];
    try {
      const result = await ctx.db.tx(async (sql) => {
        const out = await fn(sql);
        const logged = out.events.filter((e): e is DomainEvent => 'id' in e);
        const appended = await appendEvents(sql, out.events.filter((e) => !('id' in e)));
        committed = [...logged, ...appended].sort((a, b) => a.id - b.id);
        return out.result;
      });
      await ctx.events.dispatch(committed);
      return result;
    } catch (err) {
      if (!(err instanceof StaleEventWriter) || attempt >= 5) throw err;
    }
  }
}
