import type { CsatRating, CsatScore, CsatSettings } from '../core/csat/rating.js';
import { maybeOne, type Row, type Sql } from '../storage/db.js';
import { isoReq } from '../storage/rows.js';

/** The clientMessageId of a conversation's rating request: at most one per conversation, whoever asked. */
export const requestMessageId = (conversationId: number) => `csat:request:${conversationId}`;

export function toRating(r: Row, labels: CsatSettings['labels']): CsatRating {
  const score = Number(r.score) as CsatScore;
  return {
    id: r.id,
    conversationId: r.conversation_id,
    contactId: r.contact_id,
    agentId: r.agent_id,
    score,
    label: labels[score - 1],
    reasons: r.reasons ?? [],
    comment: r.comment,
    source: r.source,
    createdAt: isoReq(r.created_at),
    updatedAt: isoReq(r.updated_at),
  };
}

export async function findRatingRow(sql: Sql, conversationId: number, opts: { lock?: boolean } = {}): Promise<Row | null> {
  return maybeOne(sql, `SELECT * FROM csat_ratings WHERE conversation_id = $1 ${opts.lock ? 'FOR UPDATE' : ''}`, [conversationId]);
}

/** The conversation's rating request, if one was sent: its message id and how it came (close, invite). */
export async function findRequest(sql: Sql, conversationId: number): Promise<{ messageId: number; source: 'close' | 'invite' } | null> {
  const row = await maybeOne(sql, `SELECT id, meta->'csat'->>'source' AS source FROM messages WHERE conversation_id = $1 AND client_message_id = $2`, [
    conversationId,
    requestMessageId(conversationId),
  ]);
  return row ? { messageId: row.id, source: row.source === 'invite' ? 'invite' : 'close' } : null;
}
