import { DEFAULT_SHEET, type Adjustments, type Appeal, type AppealStep, type Assignment, type Inspection, type QaFinding, type QaMessage, type SampleReason, type SamplingPlan, type ScoreSheet, type SystemKind } from '../core/qa/index.js';
import { maskText } from '../core/contacts/masking.js';
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
    sheet: (r.sheet as ScoreSheet | null) ?? DEFAULT_SHEET,
    score: Number(r.score),
    vetoed: r.vetoed,
    findings: r.findings as QaFinding[],
    dimensions: r.dimensions,
    messageCount: Number(r.message_count),
    inspectedAt: iso(r.inspected_at),
    adjustedScore: r.adjusted_score === null || r.adjusted_score === undefined ? null : Number(r.adjusted_score),
    adjustedVetoed: r.adjusted_vetoed ?? null,
    adjustments: (r.adjustments as Adjustments | null) ?? null,
    reviewedBy: r.reviewed_by === null || r.reviewed_by === undefined ? null : Number(r.reviewed_by),
    reviewedAt: r.reviewed_at ? iso(r.reviewed_at) : null,
  };
}

/**
 * Stores the inspection of one resolution; null when that resolution was inspected already
 * (a redelivered event). The version is the conversation's next.
 */
export async function insertInspection(
  sql: Sql,
  i: Omit<Inspection, 'id' | 'version' | 'inspectedAt' | 'adjustedScore' | 'adjustedVetoed' | 'adjustments' | 'reviewedBy' | 'reviewedAt'> & { workspaceId: number; sourceEventId: number },
): Promise<Inspection | null> {
  const rows = await sql.query(
    `INSERT INTO inspections (workspace_id, conversation_id, version, source_event_id, agent_id, group_id, pack_version, sheet, score, vetoed, findings, dimensions, message_count)
     SELECT $1, $2, COALESCE((SELECT max(version) FROM inspections WHERE conversation_id = $2), 0) + 1, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::jsonb, $11::jsonb, $12
     ON CONFLICT (source_event_id) DO NOTHING
     RETURNING *`,
    [i.workspaceId, i.conversationId, i.sourceEventId, i.agentId, i.groupId, i.packVersion, JSON.stringify(i.sheet), i.score, i.vetoed, JSON.stringify(i.findings), JSON.stringify(i.dimensions), i.messageCount],
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

// ── review (复核) and appeals (申诉), migration 012 ─────────────────────────

/** One inspection of the workspace, its row locked for the rest of the transaction when `lock`. */
export async function findInspection(sql: Sql, workspaceId: number, id: number, opts: { lock?: boolean } = {}): Promise<Inspection | null> {
  const rows = await sql.query(`SELECT * FROM inspections WHERE id = $1 AND workspace_id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [id, workspaceId]);
  return rows[0] ? toInspection(rows[0]) : null;
}

/** Stores what review and appeals changed, and the score it leaves; `reviewer` when a review did it. */
export async function saveAdjustments(
  sql: Sql,
  id: number,
  adj: Adjustments,
  score: { score: number; vetoed: boolean },
  reviewer: number | null,
): Promise<Inspection> {
  const rows = await sql.query(
    `UPDATE inspections SET adjustments = $2::jsonb, adjusted_score = $3, adjusted_vetoed = $4,
       reviewed_by = COALESCE($5, reviewed_by), reviewed_at = CASE WHEN $5::bigint IS NULL THEN reviewed_at ELSE now() END
     WHERE id = $1 RETURNING *`,
    [id, JSON.stringify(adj), score.score, score.vetoed, reviewer],
  );
  return toInspection(rows[0]!);
}

export function toAppeal(r: Row): Appeal {
  return {
    id: Number(r.id),
    inspectionId: Number(r.inspection_id),
    conversationId: Number(r.conversation_id),
    findingKey: r.finding_key,
    agentId: Number(r.agent_id),
    reason: r.reason,
    stage: r.stage,
    status: r.status,
    final: r.final,
    history: r.history as AppealStep[],
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export async function findAppeal(sql: Sql, workspaceId: number, id: number, opts: { lock?: boolean } = {}): Promise<Appeal | null> {
  const rows = await sql.query(`SELECT * FROM qa_appeals WHERE id = $1 AND workspace_id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [id, workspaceId]);
  return rows[0] ? toAppeal(rows[0]) : null;
}

export async function appealOfFinding(sql: Sql, inspectionId: number, findingKey: string): Promise<Appeal | null> {
  const rows = await sql.query('SELECT * FROM qa_appeals WHERE inspection_id = $1 AND finding_key = $2', [inspectionId, findingKey]);
  return rows[0] ? toAppeal(rows[0]) : null;
}

/** Files an appeal; null when the finding was appealed at the same moment by another request. */
export async function insertAppeal(sql: Sql, workspaceId: number, a: Omit<Appeal, 'id' | 'createdAt' | 'updatedAt'>): Promise<Appeal | null> {
  const rows = await sql.query(
    `INSERT INTO qa_appeals (workspace_id, inspection_id, conversation_id, finding_key, agent_id, reason, stage, status, final, history)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
     ON CONFLICT (inspection_id, finding_key) DO NOTHING RETURNING *`,
    [workspaceId, a.inspectionId, a.conversationId, a.findingKey, a.agentId, a.reason, a.stage, a.status, a.final, JSON.stringify(a.history)],
  );
  return rows[0] ? toAppeal(rows[0]) : null;
}

export async function saveAppeal(sql: Sql, a: Appeal): Promise<Appeal> {
  const rows = await sql.query(
    `UPDATE qa_appeals SET stage = $2, status = $3, final = $4, history = $5::jsonb, updated_at = $6 WHERE id = $1 RETURNING *`,
    [a.id, a.stage, a.status, a.final, JSON.stringify(a.history), a.updatedAt],
  );
  return toAppeal(rows[0]!);
}

export async function appealsOfInspections(sql: Sql, inspectionIds: number[]): Promise<Appeal[]> {
  if (inspectionIds.length === 0) return [];
  const rows = await sql.query('SELECT * FROM qa_appeals WHERE inspection_id = ANY($1::bigint[]) ORDER BY id', [inspectionIds]);
  return rows.map(toAppeal);
}

/**
 * Appeals of the workspace, the most recently changed first: all of them, or one agent's
 * (`agentId`), or those waiting at a stage (`status`, `stage`); `before` pages by id.
 */
export async function listAppeals(
  sql: Sql,
  workspaceId: number,
  f: { agentId?: number; status?: Appeal['status']; stage?: Appeal['stage']; limit: number; before?: number },
): Promise<Appeal[]> {
  const rows = await sql.query(
    `SELECT * FROM qa_appeals WHERE workspace_id = $1 AND ($2::bigint IS NULL OR agent_id = $2) AND ($3::text IS NULL OR status = $3)
       AND ($4::text IS NULL OR stage = $4) AND ($5::bigint IS NULL OR id < $5)
     ORDER BY id DESC LIMIT $6`,
    [workspaceId, f.agentId ?? null, f.status ?? null, f.stage ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toAppeal);
}

/** The leader (组长) of a skill group of the workspace, if it has one. */
export async function groupLeaderOf(sql: Sql, workspaceId: number, groupId: number | null): Promise<number | null> {
  if (groupId === null) return null;
  const rows = await sql.query('SELECT leader_id FROM skill_groups WHERE id = $1 AND workspace_id = $2', [groupId, workspaceId]);
  return rows[0]?.leader_id === null || rows[0]?.leader_id === undefined ? null : Number(rows[0].leader_id);
}

/** Who decides an appeal at a stage, and is told of it: the group's leader, supervisors and admins; or 质检主管 and admins. */
export async function appealDeciders(sql: Sql, workspaceId: number, stage: Appeal['stage'], groupId: number | null): Promise<number[]> {
  if (stage === 'supervisor') return alertRecipients(sql, workspaceId, groupId);
  const rows = await sql.query(`SELECT id FROM agents WHERE workspace_id = $1 AND active AND role IN ('qa_lead', 'admin') ORDER BY id`, [workspaceId]);
  return rows.map((r) => Number(r.id));
}

/** What the 质检工作台 filters by; scores filter the final score (adjusted when there is one). */
export interface InspectionFilter {
  agentId?: number;
  groupId?: number;
  rule?: string;
  from?: string;
  to?: string;
  minScore?: number;
  maxScore?: number;
  reviewed?: boolean;
  appealed?: boolean;
  /** Assigned for review to this agent (a sampling plan). */
  assignedTo?: number;
  /** Assigned and not reviewed yet (true), or reviewed (false). */
  todo?: boolean;
  before?: number;
  limit: number;
}


export type InspectionRow = Inspection & {
  agentName: string | null;
  contactName: string | null;
  groupName: string | null;
  appeals: { pending: number; total: number };
  assignment: Assignment | null;
};

/** Inspections of the workspace for the 质检工作台, newest first, with the names a list shows and their appeals counted. */
export async function listInspections(sql: Sql, workspaceId: number, f: InspectionFilter): Promise<InspectionRow[]> {
  const rows = await sql.query(
    `SELECT i.*, a.name AS agent_name, ct.name AS contact_name, g.name AS group_name,
            asg.reviewer_id AS asg_reviewer_id, rv.name AS asg_reviewer_name, asg.plan_id AS asg_plan_id, asg.reason AS asg_reason,
            asg.assigned_at AS asg_assigned_at, asg.done_at AS asg_done_at,
            (SELECT count(*) FROM qa_appeals p WHERE p.inspection_id = i.id AND p.status = 'pending') AS appeals_pending,
            (SELECT count(*) FROM qa_appeals p WHERE p.inspection_id = i.id) AS appeals_total
     FROM inspections i
     JOIN conversations c ON c.id = i.conversation_id
     LEFT JOIN contacts ct ON ct.id = c.contact_id
     LEFT JOIN agents a ON a.id = i.agent_id
     LEFT JOIN skill_groups g ON g.id = i.group_id
     LEFT JOIN qa_assignments asg ON asg.inspection_id = i.id
     LEFT JOIN agents rv ON rv.id = asg.reviewer_id
     WHERE i.workspace_id = $1
       AND ($2::bigint IS NULL OR i.agent_id = $2)
       AND ($3::bigint IS NULL OR i.group_id = $3)
       AND ($4::text IS NULL OR i.findings @> jsonb_build_array(jsonb_build_object('rule', $4::text)))
       AND ($5::timestamptz IS NULL OR i.inspected_at >= $5)
       AND ($6::timestamptz IS NULL OR i.inspected_at < $6)
       AND ($7::int IS NULL OR COALESCE(i.adjusted_score, i.score) >= $7)
       AND ($8::int IS NULL OR COALESCE(i.adjusted_score, i.score) <= $8)
       AND ($9::boolean IS NULL OR (i.reviewed_at IS NOT NULL) = $9)
       AND ($10::boolean IS NULL OR EXISTS (SELECT 1 FROM qa_appeals p WHERE p.inspection_id = i.id) = $10)
       AND ($11::bigint IS NULL OR i.id < $11)
       AND ($13::bigint IS NULL OR asg.reviewer_id = $13)
       AND ($14::boolean IS NULL OR (asg.inspection_id IS NOT NULL AND (asg.done_at IS NULL) = $14))
     ORDER BY i.id DESC LIMIT $12`,
    [
      workspaceId,
      f.agentId ?? null,
      f.groupId ?? null,
      f.rule ?? null,
      f.from ?? null,
      f.to ?? null,
      f.minScore ?? null,
      f.maxScore ?? null,
      f.reviewed ?? null,
      f.appealed ?? null,
      f.before ?? null,
      f.limit,
      f.assignedTo ?? null,
      f.todo ?? null,
    ],
  );
  return rows.map((r) => ({
    ...toInspection(r),
    agentName: r.agent_name ?? null,
    contactName: r.contact_name == null ? null : maskText(r.contact_name), // a name that holds a phone number, as everywhere agents read it
    groupName: r.group_name ?? null,
    appeals: { pending: Number(r.appeals_pending), total: Number(r.appeals_total) },
    assignment:
      r.asg_reviewer_id === null || r.asg_reviewer_id === undefined
        ? null
        : {
            reviewerId: Number(r.asg_reviewer_id),
            reviewerName: r.asg_reviewer_name ?? null,
            planId: r.asg_plan_id === null ? null : Number(r.asg_plan_id),
            reason: r.asg_reason,
            assignedAt: iso(r.asg_assigned_at),
            doneAt: r.asg_done_at ? iso(r.asg_done_at) : null,
          },
  }));
}

// ── dashboards (质检报表) ───────────────────────────────────────────────────

export interface QaStatsFilter {
  from: string;
  to: string;
  agentId?: number;
  groupId?: number;
  /** Minutes east of UTC the days of the trend are counted in (480: 北京时间). */
  tzOffset: number;
}

/** The inspections the figures count, as SQL over `inspections i` ($1 workspace, $2 from, $3 to, $4 agent, $5 group). */
const IN_RANGE = `i.workspace_id = $1 AND i.inspected_at >= $2 AND i.inspected_at < $3
  AND ($4::bigint IS NULL OR i.agent_id = $4) AND ($5::bigint IS NULL OR i.group_id = $5)`;
const FINAL = 'COALESCE(i.adjusted_score, i.score)';

/**
 * 质检 figures over a period: per agent and per group the number of inspections, the average
 * final score, vetoes and appeals with their outcome; the daily trend; the rules that failed
 * most (standing findings only, a reviewer's manual ones included: not marked wrong in review,
 * not removed by an appeal), each with a few examples.
 */
export async function qaStats(sql: Sql, workspaceId: number, f: QaStatsFilter) {
  const params = [workspaceId, f.from, f.to, f.agentId ?? null, f.groupId ?? null];
  const agents = await sql.query(
    `SELECT i.agent_id, a.name, count(*)::int AS inspections, round(avg(${FINAL})::numeric, 1)::float8 AS average,
            count(*) FILTER (WHERE COALESCE(i.adjusted_vetoed, i.vetoed))::int AS vetoed,
            count(*) FILTER (WHERE i.reviewed_at IS NOT NULL)::int AS reviewed,
            (SELECT count(*)::int FROM qa_appeals p JOIN inspections x ON x.id = p.inspection_id WHERE p.agent_id = i.agent_id AND x.workspace_id = $1 AND x.inspected_at >= $2 AND x.inspected_at < $3) AS appeals,
            (SELECT count(*)::int FROM qa_appeals p JOIN inspections x ON x.id = p.inspection_id WHERE p.agent_id = i.agent_id AND p.status = 'accepted' AND x.workspace_id = $1 AND x.inspected_at >= $2 AND x.inspected_at < $3) AS accepted,
            (SELECT count(*)::int FROM qa_appeals p JOIN inspections x ON x.id = p.inspection_id WHERE p.agent_id = i.agent_id AND p.status = 'rejected' AND x.workspace_id = $1 AND x.inspected_at >= $2 AND x.inspected_at < $3) AS rejected
     FROM inspections i LEFT JOIN agents a ON a.id = i.agent_id
     WHERE ${IN_RANGE} AND i.agent_id IS NOT NULL
     GROUP BY i.agent_id, a.name ORDER BY average ASC, i.agent_id`,
    params,
  );
  const groups = await sql.query(
    `SELECT i.group_id, g.name, count(*)::int AS inspections, round(avg(${FINAL})::numeric, 1)::float8 AS average,
            count(*) FILTER (WHERE COALESCE(i.adjusted_vetoed, i.vetoed))::int AS vetoed
     FROM inspections i LEFT JOIN skill_groups g ON g.id = i.group_id
     WHERE ${IN_RANGE}
     GROUP BY i.group_id, g.name ORDER BY average ASC, i.group_id NULLS LAST`,
    params,
  );
  const trend = await sql.query(
    `SELECT to_char(i.inspected_at + make_interval(mins => $6::int), 'YYYY-MM-DD') AS day, count(*)::int AS inspections,
            round(avg(${FINAL})::numeric, 1)::float8 AS average
     FROM inspections i WHERE ${IN_RANGE} GROUP BY day ORDER BY day`,
    [...params, f.tzOffset],
  );
  const rules = await sql.query(
    `WITH standing AS (
       SELECT i.id AS inspection_id, i.conversation_id, f.value AS finding
       FROM inspections i, jsonb_array_elements(i.findings) WITH ORDINALITY AS f(value, n)
       WHERE ${IN_RANGE}
         AND COALESCE(i.adjustments->'verdicts'->>('a' || (f.n - 1)), '') <> 'wrong'
         AND NOT COALESCE(i.adjustments->'removed', '[]'::jsonb) ? ('a' || (f.n - 1))
       UNION ALL
       SELECT i.id, i.conversation_id, jsonb_build_object('rule', 'manual.' || (m.value->>'category'), 'category', m.value->>'category', 'excerpt', m.value->>'note')
       FROM inspections i, jsonb_array_elements(COALESCE(i.adjustments->'manual', '[]'::jsonb)) AS m(value)
       WHERE ${IN_RANGE} AND NOT COALESCE(i.adjustments->'removed', '[]'::jsonb) ? (m.value->>'key')
     ), ranked AS (
       SELECT finding->>'rule' AS rule, finding->>'category' AS category, inspection_id, conversation_id, finding->>'excerpt' AS excerpt,
              count(*) OVER (PARTITION BY finding->>'rule') AS total,
              row_number() OVER (PARTITION BY finding->>'rule' ORDER BY inspection_id DESC) AS nth
       FROM standing
     )
     SELECT rule, category, total::int AS count,
            jsonb_agg(jsonb_build_object('inspectionId', inspection_id, 'conversationId', conversation_id, 'excerpt', excerpt) ORDER BY inspection_id DESC) FILTER (WHERE nth <= 3) AS examples
     FROM ranked GROUP BY rule, category, total ORDER BY total DESC, rule LIMIT 10`,
    params,
  );
  return {
    agents: agents.map((r) => ({
      agentId: Number(r.agent_id),
      name: r.name ?? null,
      inspections: r.inspections,
      averageScore: r.average,
      vetoed: r.vetoed,
      reviewed: r.reviewed,
      appeals: { filed: r.appeals, accepted: r.accepted, rejected: r.rejected, rate: r.inspections ? Math.round((r.appeals / r.inspections) * 1000) / 1000 : 0 },
    })),
    groups: groups.map((r) => ({ groupId: r.group_id === null ? null : Number(r.group_id), name: r.name ?? null, inspections: r.inspections, averageScore: r.average, vetoed: r.vetoed })),
    trend: trend.map((r) => ({ day: r.day as string, inspections: r.inspections, averageScore: r.average })),
    topRules: rules.map((r) => ({ rule: r.rule as string, category: r.category as string, count: r.count, examples: (r.examples ?? []) as { inspectionId: number; conversationId: number; excerpt: string }[] })),
  };
}

// ── sampling plans (抽检计划) and assignments, migration 013 ───────────────────

export function toSamplingPlan(r: Row): SamplingPlan {
  return {
    id: Number(r.id),
    name: r.name,
    enabled: r.enabled,
    percent: Number(r.percent),
    belowScore: r.below_score === null ? null : Number(r.below_score),
    vetoed: r.vetoed,
    reviewerIds: (r.reviewer_ids as (number | string)[]).map(Number),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export async function samplingPlans(sql: Sql, workspaceId: number): Promise<SamplingPlan[]> {
  return (await sql.query('SELECT * FROM qa_sampling_plans WHERE workspace_id = $1 ORDER BY id', [workspaceId])).map(toSamplingPlan);
}

/** Open (not yet reviewed) assignments per reviewer. */
export async function openAssignments(sql: Sql, reviewerIds: number[]): Promise<Map<number, number>> {
  const rows = await sql.query('SELECT reviewer_id, count(*)::int AS n FROM qa_assignments WHERE reviewer_id = ANY($1::bigint[]) AND done_at IS NULL GROUP BY reviewer_id', [reviewerIds]);
  return new Map(rows.map((r) => [Number(r.reviewer_id), r.n]));
}

/** Assigns an inspection for review; false when it was assigned already (by another plan, or a redelivery). */
export async function insertAssignment(sql: Sql, a: { workspaceId: number; inspectionId: number; planId: number; reviewerId: number; reason: SampleReason }): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO qa_assignments (inspection_id, workspace_id, plan_id, reviewer_id, reason) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (inspection_id) DO NOTHING RETURNING 1`,
    [a.inspectionId, a.workspaceId, a.planId, a.reviewerId, a.reason],
  );
  return rows.length === 1;
}

/** A review closes the inspection's assignment, whoever reviewed it. */
export async function completeAssignment(sql: Sql, inspectionId: number): Promise<void> {
  await sql.query('UPDATE qa_assignments SET done_at = now() WHERE inspection_id = $1 AND done_at IS NULL', [inspectionId]);
}
