import type { Sql } from '../storage/db.js';

/**
 * 报表's unique visitors (docs/reports.md): when each contact was there — their visits and the
 * conversations they wrote in — by the quarter hour and inbox, in report_presence (migration
 * 026). Every row links to the contact's previous presence (any inbox; the same channel; the
 * same inbox), so the overview counts distinct people per day, channel and range in one pass
 * (queries.ts): a row is a new person in its bucket when the previous presence lies before it.
 * The rollup consumer keeps it: new visits (visit.started) and conversations add rows and link
 * them; a merge or its undo rebuilds both contacts from their visits and conversations now.
 */

/** The quarter hour (UTC) a time falls in: every time zone's days and hours start on one. */
const quarter = (col: string) => `date_bin('15 minutes', ${col}, timestamptz '2000-01-01 00:00:00+00')`;

/** The presence rows of some visits and conversations (only those a customer wrote in), under their contact now. */
const sources = (visits: string, conversations: string) => `
  SELECT DISTINCT s.workspace_id, s.contact_id, s.inbox_id, s.channel, ${quarter('s.started_at')} AS at FROM (
    SELECT v.workspace_id, v.contact_id, v.inbox_id, i.channel_type AS channel, v.started_at
    FROM visits v JOIN inboxes i ON i.id = v.inbox_id WHERE ${visits}
    UNION ALL
    SELECT f.workspace_id, c.contact_id, f.inbox_id, f.channel, f.started_at
    FROM report_conversations f JOIN conversations c ON c.id = f.conversation_id WHERE f.customer_messages > 0 AND ${conversations}
  ) s`;

/** Links these contacts' rows to their previous presence; only rows whose links change are written. */
async function relink(sql: Sql, contactIds: number[]): Promise<void> {
  if (contactIds.length === 0) return;
  await sql.query(
    `UPDATE report_presence p SET prev_at = w.prev_at, prev_channel_at = w.prev_channel_at, prev_inbox_at = w.prev_inbox_at
     FROM (
       SELECT contact_id, at, inbox_id,
              lag(at) OVER (PARTITION BY contact_id ORDER BY at, inbox_id) AS prev_at,
              lag(at) OVER (PARTITION BY contact_id, channel ORDER BY at, inbox_id) AS prev_channel_at,
              lag(at) OVER (PARTITION BY contact_id, inbox_id ORDER BY at) AS prev_inbox_at
       FROM report_presence WHERE contact_id = ANY($1::bigint[])
     ) w
     WHERE p.contact_id = w.contact_id AND p.at = w.at AND p.inbox_id = w.inbox_id
       AND (p.prev_at IS DISTINCT FROM w.prev_at OR p.prev_channel_at IS DISTINCT FROM w.prev_channel_at OR p.prev_inbox_at IS DISTINCT FROM w.prev_inbox_at)`,
    [contactIds],
  );
}

/**
 * Adds the presence of these visits and conversations (a conversation counts once its customer
 * wrote). Idempotent: a quarter hour already known adds nothing; a new one is linked in, also
 * when it arrives after later ones.
 */
export async function notePresence(sql: Sql, ids: { visits?: number[]; conversations?: number[] }): Promise<void> {
  const visits = ids.visits ?? [];
  const conversations = ids.conversations ?? [];
  if (visits.length === 0 && conversations.length === 0) return;
  const added = await sql.query<{ contact_id: number }>(
    `INSERT INTO report_presence (workspace_id, contact_id, inbox_id, channel, at)
     ${sources('v.id = ANY($1::bigint[])', 'f.conversation_id = ANY($2::bigint[])')}
     ON CONFLICT DO NOTHING RETURNING contact_id`,
    [visits, conversations],
  );
  await relink(sql, [...new Set(added.map((r) => Number(r.contact_id)))]);
}

/**
 * Rebuilds these contacts' presence from their visits and conversations now (after a merge or
 * its undo moved them), and points the conversations' facts at their contact now.
 */
export async function rebuildPresence(sql: Sql, contactIds: number[]): Promise<void> {
  if (contactIds.length === 0) return;
  await sql.query(
    `UPDATE report_conversations f SET contact_id = c.contact_id FROM conversations c
     WHERE c.id = f.conversation_id AND c.contact_id = ANY($1::bigint[]) AND f.contact_id <> c.contact_id`,
    [contactIds],
  );
  await sql.query(`DELETE FROM report_presence WHERE contact_id = ANY($1::bigint[])`, [contactIds]);
  await sql.query(
    `INSERT INTO report_presence (workspace_id, contact_id, inbox_id, channel, at)
     ${sources('v.contact_id = ANY($1::bigint[])', 'c.contact_id = ANY($1::bigint[])')}`,
    [contactIds],
  );
  await relink(sql, contactIds);
}
