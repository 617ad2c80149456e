import type { Inspection, QaFinding, QaMessage, SystemKind } from '../core/qa/index.js';
import type { Row, Sql } from '../storage/db.js';
import { isoReq as iso } from '../storage/rows.js';

/** Storage of inspections and live alerts (migration 011). */

/** What the platform's lines are, by the clientMessageId reception gives them (src/reception). */
function systemKind(clientMessageId: string | null): SystemKind {
  if (clientMessageId?.startsWith('auto:joined:')) return 'joined';
  if (clientMessageId?.startsWith('auto:welcome:')) return 'welcome';
  return 'other';
}

/**
 * A conversation's transcript as the customer and agents saw it (private notes left out),
 * up to message `untilSeq` or to what was written by `until` (only the `last` ones, if given),
 * with the message ids alongside.
 */
export async function loadTranscript(
  sql: Sql,
  conversationId: number,
  upTo: { untilSeq?: number; until?: string; last?: number } = {},
): Promise<{ messages: QaMessage[]; ids: number[] }> {
  const rows = await sql.query(
    `SELECT * FROM (
       SELECT id, seq, sender_type, content, client_message_id, created_at FROM messages
       WHERE conversation_id = $1 AND NOT private AND ($2::int IS NULL OR seq <= $2) AND ($3::timestamptz IS NULL OR created_at <= $3)
       ORDER BY seq DESC LIMIT $4) m
     ORDER BY seq`,
    [conversationId, upTo.untilSeq ?? null, upTo.until ?? null, upTo.last ?? 100_000],
  );
  return {
    messages: rows.map((r) => ({
      role: r.sender_type,
      content: String(r.content ?? ''),
      at: iso(r.created_at),
      ...(r.sender_type === 'system' ? { kind: systemKind(r.client_message_id) } : {}),
    })),
    ids: rows.map((r) => Number(r.id)),
  };
}

export function toInspection(r: Row): Inspection {
  return {
    id: Number(r.id),
    conversationId: Number(r.conversation_id),
    version: Number(r.version),
    agentId: r.agent_id === null ? null : Number(r.agent_id),
    groupId: r.group_id === null ? null : Number(r.group_id),
    packVersion: r.pack_version,
    score: Number(r.score),
    vetoed: r.vetoed,
    findings: r.findings as QaFinding[],
    dimensions: r.dimensions,
    messageCount: Number(r.message_count),
    inspectedAt: iso(r.inspected_at),
  };
}

/**
 * Stores the inspection of one resolution; null when that resolution was inspected already
 * (a redelivered event). The version is the conversation's next.
 */
export async function insertInspection(
  sql: Sql,
  i: Omit<Inspection, 'id' | 'version' | 'inspectedAt'> & { workspaceId: number; sourceEventId: number },
): Promise<Inspection | null> {
  const rows = await sql.query(
    `INSERT INTO inspections (workspace_id, conversation_id, version, source_event_id, agent_id, group_id, pack_version, score, vetoed, findings, dimensions, message_count)
     SELECT $1, $2, COALESCE((SELECT max(version) FROM inspections WHERE conversation_id = $2), 0) + 1, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11
     ON CONFLICT (source_event_id) DO NOTHING
     RETURNING *`,
    [i.workspaceId, i.conversationId, i.sourceEventId, i.agentId, i.groupId, i.packVersion, i.score, i.vetoed, JSON.stringify(i.findings), JSON.stringify(i.dimensions), i.messageCount],
  );
  return rows[0] ? toInspection(rows[0]) : null;
}

/** Every version of a conversation's inspection, the newest first. */
export async function inspectionsOf(sql: Sql, workspaceId: number, conversationId: number): Promise<Inspection[]> {
  const rows = await sql.query('SELECT * FROM inspections WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY version DESC', [workspaceId, conversationId]);
  return rows.map(toInspection);
}

/** Records a live alert for an agent message; false when it was raised already (a redelivery). */
export async function insertLiveAlert(sql: Sql, a: { workspaceId: number; conversationId: number; messageId: number; findings: unknown }): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO qa_live_alerts (message_id, workspace_id, conversation_id, findings) VALUES ($1, $2, $3, $4::jsonb)
     ON CONFLICT (message_id) DO NOTHING RETURNING 1`,
    [a.messageId, a.workspaceId, a.conversationId, JSON.stringify(a.findings)],
  );
  return rows.length === 1;
}

/**
 * Who a live alert goes to: the conversation's group leader (组长), and the workspace's
 * supervisors and admins (主管 watch every group).
 */
export async function alertRecipients(sql: Sql, workspaceId: number, groupId: number | null): Promise<number[]> {
  const rows = await sql.query(
    `SELECT id FROM agents WHERE workspace_id = $1 AND active AND (role IN ('supervisor', 'admin')
       OR id = (SELECT leader_id FROM skill_groups WHERE id = $2 AND workspace_id = $1))
     ORDER BY id`,
    [workspaceId, groupId],
  );
  return rows.map((r) => Number(r.id));
}
