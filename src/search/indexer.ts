import type { CommandContext } from '../commands/context.js';
import type { StoredEventOf } from '../core/events.js';
import { defineConsumer } from '../events/consumers.js';
import { documentTerms } from '../core/search/terms.js';
import { searchTermTools } from '../nlp/index.js';

/** Longer messages are indexed on their first this many characters. */
const MAX_INDEXED_CHARS = 5000;

/**
 * Full-text search's index (docs/search.md) as a durable consumer: every message people
 * wrote (customers, agents, the bot; private notes marked as such, the platform's own lines
 * left out) gets its terms (core/search/terms.ts), written in one statement per batch. It
 * starts from the beginning of the log, so an existing installation's messages are indexed
 * too; a redelivered message is already there and is skipped.
 */
export function searchIndexConsumer(ctx: Pick<CommandContext, 'db'>) {
  const index = async (events: StoredEventOf<'message.created'>[]): Promise<void> => {
    const ids = events.map((e) => e.data.messageId);
    // One transaction that holds the messages it read (FOR SHARE) until its terms are in: an
    // erasure running at the same time (which empties the content, then deletes the terms) either
    // goes first, and this reads the emptied content, or waits and deletes what this wrote.
    await ctx.db.tx(async (sql) => {
      const rows = await sql.query<{ id: number; workspace_id: number; conversation_id: number; private: boolean; content: string; created_at: Date }>(
        `SELECT m.id, m.workspace_id, m.conversation_id, m.private, m.content, m.created_at FROM messages m
         WHERE m.id = ANY($1::bigint[]) AND m.sender_type <> 'system'
           AND NOT EXISTS (SELECT 1 FROM message_terms t WHERE t.message_id = m.id)
         FOR SHARE OF m`,
        [ids],
      );
      const texts = rows.filter((r) => r.content.trim());
      if (texts.length === 0) return;
      // about 11 µs a message (jieba's search mode): cheaper here than a trip to the analysis thread,
      // which would also queue the customers' analyses behind it
      const tools = searchTermTools();
      const terms = texts.map((r) => documentTerms(r.content.slice(0, MAX_INDEXED_CHARS), tools));
      await sql.query(
        `INSERT INTO message_terms (message_id, workspace_id, conversation_id, private, created_at, terms)
         SELECT x.id, x.ws, x.conv, x.private, x.at, ARRAY(SELECT jsonb_array_elements_text(x.terms))
         FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, ws bigint, conv bigint, private boolean, at timestamptz, terms jsonb)
         ON CONFLICT (message_id) DO NOTHING`,
        [JSON.stringify(texts.map((r, i) => ({ id: r.id, ws: r.workspace_id, conv: r.conversation_id, private: r.private, at: r.created_at, terms: terms[i] })))],
      );
    });
  };
  return defineConsumer({
    name: 'search.index',
    events: ['message.created'],
    match: { 'message.created': { senderType: ['customer', 'agent', 'bot'] } },
    startFrom: 'beginning',
    // findable within a second is soon enough: four reads a second, in bigger batches
    readEveryMs: 250,
    handle: (e) => index([e]),
    handleMany: index,
    manyMax: 200,
  });
}
