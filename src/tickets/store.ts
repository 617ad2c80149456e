import { DEFAULT_CALENDAR, type BusinessCalendar } from '../core/calendar/business-hours.js';
import {
  DEFAULT_SLA_POLICIES,
  type Compensation,
  type Complaint,
  type ReplyPromise,
  type SlaActivity,
  type SlaPolicy,
  type Ticket,
  type TicketActivity,
  type TicketComment,
  type TicketPriority,
  type TicketStatus,
  type TicketType,
} from '../core/tickets/index.js';
import type { Row, Sql } from '../storage/db.js';
import { isoReq as iso } from '../storage/rows.js';

/** Storage of tickets, their comments, SLA history, compensations, promises and SLA policies (migration 017). */

const isoOrNull = (d: Date | string | null | undefined): string | null => (d === null || d === undefined ? null : iso(d));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** The ticket columns with the linked conversations, oldest link first. */
const TICKET_COLUMNS = `t.*, COALESCE((SELECT array_agg(tc.conversation_id ORDER BY tc.linked_at, tc.conversation_id) FROM ticket_conversations tc WHERE tc.ticket_id = t.id), '{}') AS conversation_ids`;

export function toTicket(r: Row): Ticket {
  return {
    id: Number(r.id),
    workspaceId: Number(r.workspace_id),
    contactId: Number(r.contact_id),
    conversationIds: (r.conversation_ids ?? []).map(Number),
    subject: r.subject,
    description: r.description,
    type: r.type,
    priority: r.priority,
    status: r.status,
    assigneeId: numOrNull(r.assignee_id),
    groupId: numOrNull(r.group_id),
    followerIds: (r.follower_ids ?? []).map(Number),
    tags: r.tags ?? [],
    category: r.category ?? [],
    customFields: r.custom_fields ?? {},
    complaint: (r.complaint as Complaint | null) ?? null,
    confirmedAt: isoOrNull(r.confirmed_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    solvedAt: isoOrNull(r.solved_at),
    closedAt: isoOrNull(r.closed_at),
  };
}

/** The id the next ticket gets: the core names the ticket in its events before it is stored. */
export async function nextTicketId(sql: Sql): Promise<number> {
  const [r] = await sql.query(`SELECT nextval(pg_get_serial_sequence('tickets', 'id')) AS id`);
  return Number(r!.id);
}

export async function nextCompensationId(sql: Sql): Promise<number> {
  const [r] = await sql.query(`SELECT nextval(pg_get_serial_sequence('ticket_compensations', 'id')) AS id`);
  return Number(r!.id);
}

/** One ticket of the workspace, its row locked for the rest of the transaction when `lock`. */
export async function findTicket(sql: Sql, workspaceId: number, id: number, opts: { lock?: boolean } = {}): Promise<Ticket | null> {
  const rows = await sql.query(`SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id = $1 AND t.workspace_id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [id, workspaceId]);
  return rows[0] ? toTicket(rows[0]) : null;
}

/** A ticket by id alone (timers and consumers, which act for the platform), locked when `lock`. */
export async function findTicketAnyWorkspace(sql: Sql, id: number, opts: { lock?: boolean } = {}): Promise<Ticket | null> {
  const rows = await sql.query(`SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toTicket(rows[0]) : null;
}

/** The columns a change may touch, in the order both statements below list them (type … confirmed_at). */
const changeable = (t: Ticket): unknown[] => [
  t.type,
  t.priority,
  t.status,
  t.subject,
  t.description,
  t.assigneeId,
  t.groupId,
  t.followerIds,
  t.tags,
  t.category,
  JSON.stringify(t.customFields),
  t.complaint ? JSON.stringify(t.complaint) : null,
  t.confirmedAt,
];

/** Stores a new ticket (its id from nextTicketId) with its links and the first entry of its SLA history. */
export async function insertTicket(sql: Sql, t: Ticket): Promise<void> {
  await sql.query(
    `INSERT INTO tickets (id, workspace_id, contact_id, type, priority, status, subject, description, assignee_id, group_id, follower_ids, tags, category,
       custom_fields, complaint, confirmed_at, created_at, updated_at, solved_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::bigint[], $12::text[], $13::text[], $14::jsonb, $15::jsonb, $16, $17, $18, $19, $20)`,
    [t.id, t.workspaceId, t.contactId, ...changeable(t), t.createdAt, t.updatedAt, t.solvedAt, t.closedAt],
  );
  if (t.conversationIds.length) {
    await sql.query(
      `INSERT INTO ticket_conversations (ticket_id, conversation_id, linked_at)
       SELECT $1, c, $3::timestamptz + (o - 1) * interval '1 microsecond' FROM unnest($2::bigint[]) WITH ORDINALITY AS u(c, o) ON CONFLICT DO NOTHING`,
      [t.id, t.conversationIds, t.createdAt],
    );
  }
  await addSlaHistory(sql, t.id, [{ kind: 'status', at: t.createdAt, to: t.status }]);
}

/** Writes what changed of a ticket (everything but its id, workspace, contact and links). */
export async function saveTicket(sql: Sql, t: Ticket): Promise<void> {
  await sql.query(
    `UPDATE tickets SET type = $2, priority = $3, status = $4, subject = $5, description = $6, assignee_id = $7, group_id = $8, follower_ids = $9::bigint[],
       tags = $10::text[], category = $11::text[], custom_fields = $12::jsonb, complaint = $13::jsonb, confirmed_at = $14, updated_at = $15, solved_at = $16, closed_at = $17
     WHERE id = $1`,
    [t.id, ...changeable(t), t.updatedAt, t.solvedAt, t.closedAt],
  );
}

export async function addSlaHistory(sql: Sql, ticketId: number, entries: SlaActivity[]): Promise<void> {
  for (const e of entries) {
    await sql.query('INSERT INTO ticket_sla_history (ticket_id, kind, to_status, reply_from, at) VALUES ($1, $2, $3, $4, $5)', [
      ticketId,
      e.kind,
      e.kind === 'status' ? e.to : null,
      e.kind === 'reply' ? e.from : null,
      e.at,
    ]);
  }
}

/** The SLA history of these tickets, in order, by ticket id. */
export async function slaHistories(sql: Sql, ticketIds: number[]): Promise<Map<number, SlaActivity[]>> {
  const out = new Map<number, SlaActivity[]>(ticketIds.map((id) => [id, []]));
  if (ticketIds.length === 0) return out;
  const rows = await sql.query('SELECT ticket_id, kind, to_status, reply_from, at FROM ticket_sla_history WHERE ticket_id = ANY($1::bigint[]) ORDER BY ticket_id, id', [ticketIds]);
  for (const r of rows) {
    const a: SlaActivity = r.kind === 'status' ? { kind: 'status', at: iso(r.at), to: r.to_status } : { kind: 'reply', at: iso(r.at), from: r.reply_from };
    out.get(Number(r.ticket_id))?.push(a);
  }
  return out;
}

export interface TicketFilter {
  status?: TicketStatus;
  type?: TicketType;
  priority?: TicketPriority;
  assigneeId?: number;
  groupId?: number;
  /** Tickets with a smaller id (the previous page's nextBefore). */
  before?: number;
  limit: number;
}

/**
 * A page of the workspace's tickets, newest first: keyset pagination on the id, so every
 * page is an index walk (migration 017's indexes) however deep it is.
 */
export async function listTickets(sql: Sql, workspaceId: number, f: TicketFilter): Promise<Ticket[]> {
  const rows = await sql.query(
    `SELECT ${TICKET_COLUMNS} FROM tickets t
     WHERE t.workspace_id = $1
       AND ($2::text IS NULL OR t.status = $2) AND ($3::text IS NULL OR t.type = $3) AND ($4::text IS NULL OR t.priority = $4)
       AND ($5::bigint IS NULL OR t.assignee_id = $5) AND ($6::bigint IS NULL OR t.group_id = $6) AND ($7::bigint IS NULL OR t.id < $7)
     ORDER BY t.id DESC LIMIT $8`,
    [workspaceId, f.status ?? null, f.type ?? null, f.priority ?? null, f.assigneeId ?? null, f.groupId ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toTicket);
}

// ── comments ────────────────────────────────────────────────────────────────

export type { TicketComment };

const toComment = (r: Row): TicketComment => ({
  id: Number(r.id),
  ticketId: Number(r.ticket_id),
  authorId: numOrNull(r.author_id),
  public: r.public,
  body: r.body,
  conversationId: numOrNull(r.conversation_id),
  messageId: numOrNull(r.message_id),
  createdAt: iso(r.created_at),
});

export async function insertComment(sql: Sql, c: Omit<TicketComment, 'id' | 'createdAt' | 'conversationId' | 'messageId'>, at: string): Promise<TicketComment> {
  const rows = await sql.query('INSERT INTO ticket_comments (ticket_id, author_id, public, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
    c.ticketId,
    c.authorId,
    c.public,
    c.body,
    at,
  ]);
  return toComment(rows[0]!);
}

export async function setCommentMessage(sql: Sql, id: number, conversationId: number, messageId: number): Promise<TicketComment> {
  const rows = await sql.query('UPDATE ticket_comments SET conversation_id = $2, message_id = $3 WHERE id = $1 RETURNING *', [id, conversationId, messageId]);
  return toComment(rows[0]!);
}

export async function commentsOf(sql: Sql, ticketId: number): Promise<TicketComment[]> {
  return (await sql.query('SELECT * FROM ticket_comments WHERE ticket_id = $1 ORDER BY id', [ticketId])).map(toComment);
}

/** What a customer sees of their tickets: status and the public replies, never internal comments. */
export interface CustomerTicket {
  id: number;
  subject: string;
  type: TicketType;
  status: TicketStatus;
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
  confirmedAt: string | null;
  replies: { id: number; body: string; createdAt: string; agent: { name: string; agentNo: string | null } | null }[];
}

/** A contact's tickets, newest first (`id`: just that one), with their public replies in order. */
export async function customerTickets(sql: Sql, workspaceId: number, contactId: number, id?: number): Promise<CustomerTicket[]> {
  const rows = await sql.query(
    `SELECT id, subject, type, status, created_at, updated_at, solved_at, confirmed_at FROM tickets
     WHERE contact_id = $1 AND workspace_id = $2 AND ($3::bigint IS NULL OR id = $3) ORDER BY id DESC LIMIT 50`,
    [contactId, workspaceId, id ?? null],
  );
  if (rows.length === 0) return [];
  const replies = await sql.query(
    `SELECT c.id, c.ticket_id, c.body, c.created_at, a.name, a.agent_no FROM ticket_comments c LEFT JOIN agents a ON a.id = c.author_id
     WHERE c.ticket_id = ANY($1::bigint[]) AND c.public ORDER BY c.id`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    subject: r.subject,
    type: r.type,
    status: r.status,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    solvedAt: isoOrNull(r.solved_at),
    confirmedAt: isoOrNull(r.confirmed_at),
    replies: replies
      .filter((c) => Number(c.ticket_id) === Number(r.id))
      .map((c) => ({ id: Number(c.id), body: c.body, createdAt: iso(c.created_at), agent: c.name ? { name: c.name, agentNo: c.agent_no ?? null } : null })),
  }));
}

/** A ticket's customer, and whether a page of theirs with the widget is open now (a heartbeat within a minute). */
export async function contactPresence(sql: Sql, contactId: number): Promise<{ id: number; name: string | null; online: boolean }> {
  const [r] = await sql.query(
    `SELECT c.id, c.name, EXISTS (SELECT 1 FROM page_views pv WHERE pv.contact_id = c.id AND pv.ended_at IS NULL AND pv.heartbeat_at > now() - interval '60 seconds') AS online
     FROM contacts c WHERE c.id = $1`,
    [contactId],
  );
  return { id: contactId, name: r?.name ?? null, online: Boolean(r?.online) };
}


/**
 * A ticket's activity log, oldest first: every event that names it (created, status, replies,
 * assignment with the 5W3H, steps, classification, compensations, SLA stages, reminders), from
 * the event log itself, so it is exactly what happened. Migration 019 indexes them.
 */
export async function ticketActivity(sql: Sql, workspaceId: number, ticketId: number, opts: { after?: number; limit: number }): Promise<TicketActivity[]> {
  const rows = await sql.query(
    `SELECT e.id, e.type, e.created_at, e.actor_type, e.actor_id, e.data,
       CASE WHEN e.actor_type = 'agent' THEN (SELECT name FROM agents WHERE id = e.actor_id)
            WHEN e.actor_type = 'customer' THEN (SELECT name FROM contacts WHERE id = e.actor_id) END AS actor_name
     FROM events e
     WHERE (e.data->>'ticketId') IS NOT NULL AND (e.data->>'ticketId')::bigint = $1 AND e.workspace_id = $2 AND e.id > $3
     ORDER BY (e.data->>'ticketId')::bigint, e.id LIMIT $4`,
    [ticketId, workspaceId, opts.after ?? 0, opts.limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    type: r.type,
    at: iso(r.created_at),
    actor: { type: r.actor_type, id: numOrNull(r.actor_id), name: r.actor_name ?? null },
    data: r.data,
  }));
}

/** The PR and legal lists of a workspace (agent ids, in order). */
export async function complaintContacts(sql: Sql, workspaceId: number): Promise<{ pr: number[]; legal: number[] }> {
  const rows = await sql.query('SELECT list, agent_id FROM complaint_contacts WHERE workspace_id = $1 ORDER BY agent_id', [workspaceId]);
  return { pr: rows.filter((r) => r.list === 'pr').map((r) => Number(r.agent_id)), legal: rows.filter((r) => r.list === 'legal').map((r) => Number(r.agent_id)) };
}

export async function replaceComplaintContacts(sql: Sql, workspaceId: number, list: 'pr' | 'legal', agentIds: number[]): Promise<void> {
  await sql.query('DELETE FROM complaint_contacts WHERE workspace_id = $1 AND list = $2', [workspaceId, list]);
  if (agentIds.length) {
    await sql.query('INSERT INTO complaint_contacts (workspace_id, list, agent_id) SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING', [workspaceId, list, agentIds]);
  }
}

// ── compensations ───────────────────────────────────────────────────────────

const toCompensation = (r: Row): Compensation => ({
  id: Number(r.id),
  ticketId: Number(r.ticket_id),
  kind: r.kind,
  amount: Number(r.amount),
  status: r.status,
  requestedBy: Number(r.requested_by),
  requestedAt: iso(r.requested_at),
  approvedBy: numOrNull(r.approved_by),
  approvedAt: isoOrNull(r.approved_at),
});

export async function insertCompensation(sql: Sql, workspaceId: number, c: Compensation): Promise<Compensation> {
  const rows = await sql.query(
    `INSERT INTO ticket_compensations (id, workspace_id, ticket_id, kind, amount, status, requested_by, requested_at, approved_by, approved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [c.id, workspaceId, c.ticketId, c.kind, c.amount, c.status, c.requestedBy, c.requestedAt, c.approvedBy, c.approvedAt],
  );
  return toCompensation(rows[0]!);
}

export async function findCompensation(sql: Sql, workspaceId: number, id: number, opts: { lock?: boolean } = {}): Promise<Compensation | null> {
  const rows = await sql.query(`SELECT * FROM ticket_compensations WHERE id = $1 AND workspace_id = $2${opts.lock ? ' FOR UPDATE' : ''}`, [id, workspaceId]);
  return rows[0] ? toCompensation(rows[0]) : null;
}

export async function saveCompensation(sql: Sql, c: Compensation): Promise<Compensation> {
  const rows = await sql.query('UPDATE ticket_compensations SET status = $2, approved_by = $3, approved_at = $4 WHERE id = $1 RETURNING *', [c.id, c.status, c.approvedBy, c.approvedAt]);
  return toCompensation(rows[0]!);
}

export async function compensationsOf(sql: Sql, ticketId: number): Promise<Compensation[]> {
  return (await sql.query('SELECT * FROM ticket_compensations WHERE ticket_id = $1 ORDER BY id', [ticketId])).map(toCompensation);
}

// ── promises ────────────────────────────────────────────────────────────────

const toPromise = (r: Row): ReplyPromise => ({
  id: Number(r.id),
  agentId: Number(r.agent_id),
  ticketId: numOrNull(r.ticket_id),
  conversationId: numOrNull(r.conversation_id),
  dueAt: iso(r.due_at),
  note: r.note,
  createdAt: iso(r.created_at),
  keptAt: isoOrNull(r.kept_at),
});

export async function insertPromise(sql: Sql, workspaceId: number, p: Omit<ReplyPromise, 'id'>): Promise<ReplyPromise> {
  const rows = await sql.query(
    'INSERT INTO ticket_promises (workspace_id, agent_id, ticket_id, conversation_id, due_at, note, created_at, kept_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *',
    [workspaceId, p.agentId, p.ticketId, p.conversationId, p.dueAt, p.note, p.createdAt, p.keptAt],
  );
  return toPromise(rows[0]!);
}

/** A promise by id with its workspace; `workspaceId` limits it to one workspace (callers' requests). */
export async function findPromise(sql: Sql, id: number, opts: { lock?: boolean; workspaceId?: number } = {}): Promise<(ReplyPromise & { workspaceId: number }) | null> {
  const rows = await sql.query(
    `SELECT * FROM ticket_promises WHERE id = $1${opts.workspaceId !== undefined ? ' AND workspace_id = $2' : ''}${opts.lock ? ' FOR UPDATE' : ''}`,
    opts.workspaceId !== undefined ? [id, opts.workspaceId] : [id],
  );
  return rows[0] ? { ...toPromise(rows[0]), workspaceId: Number(rows[0].workspace_id) } : null;
}

export async function savePromiseKept(sql: Sql, id: number, keptAt: string): Promise<void> {
  await sql.query('UPDATE ticket_promises SET kept_at = $2 WHERE id = $1', [id, keptAt]);
}

export interface PromiseFilter {
  agentId?: number;
  ticketId?: number;
  conversationId?: number;
  /** Not kept yet (open or missed). */
  unkept?: boolean;
  limit: number;
}

/** A workspace's promises, soonest due first. */
export async function listPromises(sql: Sql, workspaceId: number, f: PromiseFilter): Promise<ReplyPromise[]> {
  const rows = await sql.query(
    `SELECT * FROM ticket_promises WHERE workspace_id = $1
       AND ($2::bigint IS NULL OR agent_id = $2) AND ($3::bigint IS NULL OR ticket_id = $3) AND ($4::bigint IS NULL OR conversation_id = $4)
       AND (NOT $5::boolean OR kept_at IS NULL)
     ORDER BY due_at, id LIMIT $6`,
    [workspaceId, f.agentId ?? null, f.ticketId ?? null, f.conversationId ?? null, f.unkept ?? false, f.limit],
  );
  return rows.map(toPromise);
}

export async function promisesOfTicket(sql: Sql, ticketId: number): Promise<ReplyPromise[]> {
  return (await sql.query('SELECT * FROM ticket_promises WHERE ticket_id = $1 ORDER BY id', [ticketId])).map(toPromise);
}

// ── SLA policies and the calendar ───────────────────────────────────────────

/** A stored policy: the core's, with its id and place in the workspace's order. */
export interface StoredSlaPolicy extends SlaPolicy {
  id: number;
  position: number;
}

const toPolicy = (r: Row): StoredSlaPolicy => ({
  id: Number(r.id),
  position: Number(r.position),
  name: r.name,
  match: r.match,
  targets: r.targets,
  calendarId: numOrNull(r.calendar_id),
  warnPercent: Number(r.warn_percent),
  escalation: r.escalation,
});

/** The workspace's own policies in order; empty when it uses the shipped defaults. */
export async function storedSlaPolicies(sql: Sql, workspaceId: number): Promise<StoredSlaPolicy[]> {
  return (await sql.query('SELECT * FROM sla_policies WHERE workspace_id = $1 ORDER BY position, id', [workspaceId])).map(toPolicy);
}

/** The policies in force: the workspace's own, or the defaults while it has none. */
export async function slaPolicies(sql: Sql, workspaceId: number): Promise<SlaPolicy[]> {
  const own = await storedSlaPolicies(sql, workspaceId);
  return own.length ? own : DEFAULT_SLA_POLICIES;
}

export async function insertSlaPolicy(sql: Sql, workspaceId: number, position: number, p: SlaPolicy): Promise<StoredSlaPolicy> {
  const rows = await sql.query(
    `INSERT INTO sla_policies (workspace_id, position, name, match, targets, calendar_id, warn_percent, escalation)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8::jsonb) RETURNING *`,
    [workspaceId, position, p.name, JSON.stringify(p.match), JSON.stringify(p.targets), p.calendarId, p.warnPercent, JSON.stringify(p.escalation)],
  );
  return toPolicy(rows[0]!);
}

/** Makes room at `position`: the policies from there on move one down. */
export async function shiftSlaPolicies(sql: Sql, workspaceId: number, from: number): Promise<void> {
  await sql.query('UPDATE sla_policies SET position = position + 1 WHERE workspace_id = $1 AND position >= $2', [workspaceId, from]);
}

const toCalendar = (r: Row): BusinessCalendar => ({ timezone: r.timezone, weekly: r.weekly, holidays: r.holidays });

/**
 * The workspace's business calendars by id, and its default: the first it created (the
 * lowest id), or Mon–Fri 09:00–18:00 in Asia/Shanghai when it has none. The default's time
 * zone is the workspace's: a regulator's deadline ends at midnight there.
 */
export async function workspaceCalendars(sql: Sql, workspaceId: number): Promise<{ byId: Map<number, BusinessCalendar>; fallback: BusinessCalendar }> {
  const rows = await sql.query('SELECT id, timezone, weekly, holidays FROM business_calendars WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
  const byId = new Map(rows.map((r) => [Number(r.id), toCalendar(r)]));
  return { byId, fallback: rows[0] ? toCalendar(rows[0]) : DEFAULT_CALENDAR };
}

export async function calendarExists(sql: Sql, workspaceId: number, id: number): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM business_calendars WHERE id = $1 AND workspace_id = $2', [id, workspaceId])).length === 1;
}

// ── who and what, checked in the caller's workspace ────────────────────────

export async function agentInWorkspace(sql: Sql, workspaceId: number, id: number): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM agents WHERE id = $1 AND workspace_id = $2', [id, workspaceId])).length === 1;
}

export async function groupInWorkspace(sql: Sql, workspaceId: number, id: number): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM skill_groups WHERE id = $1 AND workspace_id = $2', [id, workspaceId])).length === 1;
}

export async function contactInWorkspace(sql: Sql, workspaceId: number, id: number): Promise<boolean> {
  return (await sql.query('SELECT 1 FROM contacts WHERE id = $1 AND workspace_id = $2', [id, workspaceId])).length === 1;
}
