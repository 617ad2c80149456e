import type { Sql } from '../storage/db.js';
import { isoReq } from '../storage/rows.js';

/**
 * The audit log (docs/privacy.md): who looked at, exported, imported, merged or erased a
 * customer's personal data, and who exported reports. Written in the same transaction as
 * what it records (or, for a read, before the data leaves the server): no export goes
 * unrecorded.
 */
export const AUDIT_ACTIONS = [
  'contact.revealed',
  'contact.exported',
  'contacts.exported',
  'contacts.imported',
  'contact.erased',
  'contact.merged',
  'contact.merge_undone',
  'report.exported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  workspaceId: number;
  /** the agent who did it; null for the system */
  actorId: number | null;
  action: AuditAction;
  /** what it was done to: 'contact', 'contacts' (a list), 'contact_merge', 'report' */
  subjectType: string;
  subjectId?: number | null;
  /** small: the filters of an export, the counts of an import; never the personal data itself */
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'subjectId' | 'detail'>> {
  id: number;
  subjectId: number | null;
  detail: Record<string, unknown>;
  actorName: string | null;
  createdAt: string;
}

export async function recordAudit(sql: Sql, entry: AuditEntry): Promise<number> {
  const [row] = await sql.query(
    `INSERT INTO audit_log (workspace_id, actor_id, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id`,
    [entry.workspaceId, entry.actorId, entry.action, entry.subjectType, entry.subjectId ?? null, JSON.stringify(entry.detail ?? {})],
  );
  return Number(row.id);
}

/** The workspace's entries, newest first, a page before `before` (an id). */
export async function listAudit(sql: Sql, q: { workspaceId: number; action?: string; subjectType?: string; subjectId?: number; before?: number; limit: number }): Promise<AuditRecord[]> {
  const rows = await sql.query(
    `SELECT l.*, a.name AS actor_name FROM audit_log l LEFT JOIN agents a ON a.id = l.actor_id
     WHERE l.workspace_id = $1 AND ($2::text IS NULL OR l.action = $2) AND ($3::bigint IS NULL OR l.id < $3)
       AND ($5::text IS NULL OR l.subject_type = $5) AND ($6::bigint IS NULL OR l.subject_id = $6)
     ORDER BY l.id DESC LIMIT $4`,
    [q.workspaceId, q.action ?? null, q.before ?? null, q.limit, q.subjectType ?? null, q.subjectId ?? null],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    workspaceId: Number(r.workspace_id),
    actorId: r.actor_id === null ? null : Number(r.actor_id),
    actorName: r.actor_name ?? null,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id === null ? null : Number(r.subject_id),
    detail: r.detail ?? {},
    createdAt: isoReq(r.created_at),
  }));
}
