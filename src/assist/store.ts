import type { ConversationInsight, MessageAnalysis } from '../core/assist/insight.js';
import type { Row, Sql } from '../storage/db.js';
import { isoReq as iso } from '../storage/rows.js';

/** Storage of message analyses and conversation pictures (migration 009). */

export function toMessageAnalysis(r: Row): MessageAnalysis {
  return {
    messageId: Number(r.message_id),
    conversationId: Number(r.conversation_id),
    intent: { label: r.intent, confidence: Number(r.intent_confidence) },
    emotion: { label: r.emotion, intensity: Number(r.emotion_intensity) },
    signals: r.signals ?? [],
    analyzedAt: iso(r.analyzed_at),
  };
}

export function toInsight(r: Row): ConversationInsight {
  return {
    conversationId: Number(r.conversation_id),
    intent: r.intent === null ? null : { label: r.intent, confidence: Number(r.intent_confidence) },
    complaint: r.complaint,
    emotion: { label: r.emotion, intensity: Number(r.emotion_intensity) },
    signals: r.signals ?? [],
    maxAnger: Number(r.max_anger),
    analyzed: Number(r.analyzed),
    lastMessageId: Number(r.last_message_id),
    updatedAt: iso(r.updated_at),
  };
}

/** Customer text messages among these that have no analysis yet, with their conversation's language. */
export async function unanalysedMessages(sql: Sql, messageIds: number[]): Promise<{ id: number; conversationId: number; content: string; locale: string | null }[]> {
  if (messageIds.length === 0) return [];
  const rows = await sql.query(
    `SELECT m.id, m.conversation_id, m.content, c.locale
     FROM messages m JOIN conversations c ON c.id = m.conversation_id
     WHERE m.id = ANY($1::bigint[]) AND m.content_type = 'text'
       AND NOT EXISTS (SELECT 1 FROM message_analyses a WHERE a.message_id = m.id)`,
    [messageIds],
  );
  return rows.map((r) => ({ id: Number(r.id), conversationId: Number(r.conversation_id), content: String(r.content ?? ''), locale: r.locale }));
}

/**
 * Stores messages' analyses in one statement; returns those it wrote, by message id
 * (one stored already, by a redelivery, is left out).
 */
export async function insertAnalyses(sql: Sql, list: (Omit<MessageAnalysis, 'analyzedAt'> & { workspaceId: number })[]): Promise<Map<number, MessageAnalysis>> {
  const out = new Map<number, MessageAnalysis>();
  if (list.length === 0) return out;
  const rows = await sql.query(
    `INSERT INTO message_analyses (message_id, workspace_id, conversation_id, intent, intent_confidence, emotion, emotion_intensity, signals)
     SELECT x.message_id, x.workspace_id, x.conversation_id, x.intent, x.intent_confidence, x.emotion, x.emotion_intensity, x.signals
     FROM jsonb_to_recordset($1::jsonb) AS x(message_id bigint, workspace_id bigint, conversation_id bigint, intent text,
       intent_confidence double precision, emotion text, emotion_intensity double precision, signals jsonb)
     ON CONFLICT (message_id) DO NOTHING
     RETURNING *`,
    [
      JSON.stringify(
        list.map((a) => ({
          message_id: a.messageId,
          workspace_id: a.workspaceId,
          conversation_id: a.conversationId,
          intent: a.intent.label,
          intent_confidence: a.intent.confidence,
          emotion: a.emotion.label,
          emotion_intensity: a.emotion.intensity,
          signals: a.signals,
        })),
      ),
    ],
  );
  for (const r of rows) out.set(Number(r.message_id), toMessageAnalysis(r));
  return out;
}

/** These conversations' pictures, locked for the surrounding transaction (in id order: two writers never wait on each other in a circle). */
export async function lockInsights(sql: Sql, conversationIds: number[]): Promise<Map<number, ConversationInsight>> {
  const out = new Map<number, ConversationInsight>();
  if (conversationIds.length === 0) return out;
  const rows = await sql.query('SELECT * FROM conversation_insights WHERE conversation_id = ANY($1::bigint[]) ORDER BY conversation_id FOR UPDATE', [conversationIds]);
  for (const r of rows) out.set(Number(r.conversation_id), toInsight(r));
  return out;
}

/** Writes conversations' pictures in one statement. */
export async function saveInsights(sql: Sql, list: (ConversationInsight & { workspaceId: number })[]): Promise<void> {
  if (list.length === 0) return;
  await sql.query(
    `INSERT INTO conversation_insights (conversation_id, workspace_id, intent, intent_confidence, complaint, emotion, emotion_intensity, signals, max_anger, analyzed, last_message_id, updated_at)
     SELECT x.conversation_id, x.workspace_id, x.intent, x.intent_confidence, x.complaint, x.emotion, x.emotion_intensity, x.signals, x.max_anger, x.analyzed, x.last_message_id, x.updated_at
     FROM jsonb_to_recordset($1::jsonb) AS x(conversation_id bigint, workspace_id bigint, intent text, intent_confidence double precision, complaint boolean,
       emotion text, emotion_intensity double precision, signals jsonb, max_anger double precision, analyzed integer, last_message_id bigint, updated_at timestamptz)
     ORDER BY x.conversation_id
     ON CONFLICT (conversation_id) DO UPDATE SET
       intent = EXCLUDED.intent, intent_confidence = EXCLUDED.intent_confidence, complaint = EXCLUDED.complaint,
       emotion = EXCLUDED.emotion, emotion_intensity = EXCLUDED.emotion_intensity, signals = EXCLUDED.signals,
       max_anger = EXCLUDED.max_anger, analyzed = EXCLUDED.analyzed, last_message_id = EXCLUDED.last_message_id, updated_at = EXCLUDED.updated_at`,
    [
      JSON.stringify(
        list.map((i) => ({
          conversation_id: i.conversationId,
          workspace_id: i.workspaceId,
          intent: i.intent?.label ?? null,
          intent_confidence: i.intent?.confidence ?? null,
          complaint: i.complaint,
          emotion: i.emotion.label,
          emotion_intensity: i.emotion.intensity,
          signals: i.signals,
          max_anger: i.maxAnger,
          analyzed: i.analyzed,
          last_message_id: i.lastMessageId,
          updated_at: i.updatedAt,
        })),
      ),
    ],
  );
}

/** Pictures of these conversations of a workspace, by conversation id. */
export async function insightsOf(sql: Sql, workspaceId: number, conversationIds: number[]): Promise<Map<number, ConversationInsight>> {
  const out = new Map<number, ConversationInsight>();
  if (conversationIds.length === 0) return out;
  const rows = await sql.query('SELECT * FROM conversation_insights WHERE workspace_id = $1 AND conversation_id = ANY($2::bigint[])', [workspaceId, conversationIds]);
  for (const r of rows) out.set(Number(r.conversation_id), toInsight(r));
  return out;
}

/** Analyses of these messages of one conversation, by message id. */
export async function analysesOf(sql: Sql, conversationId: number, messageIds: number[]): Promise<Map<number, MessageAnalysis>> {
  const out = new Map<number, MessageAnalysis>();
  if (messageIds.length === 0) return out;
  const rows = await sql.query('SELECT * FROM message_analyses WHERE conversation_id = $1 AND message_id = ANY($2::bigint[])', [conversationId, messageIds]);
  for (const r of rows) out.set(Number(r.message_id), toMessageAnalysis(r));
  return out;
}
