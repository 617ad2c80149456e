import { DomainError, forbidden } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import { canReview, type Caller } from '../core/permissions.js';
import { compileQaPack, DEFAULT_SHEET, type CompiledQaPack, type QaPack } from '../core/qa/index.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { agentActor } from '../commands/conversations.js';
import { packLocale } from '../nlp/engines.js';
import type { Db } from '../storage/db.js';
import { isoReq as iso } from '../storage/rows.js';
import { inspectOffThread, qaPackFor, safePattern } from './inspector.js';
import { loadTranscript } from './store.js';

/**
 * 质检 rule packs per workspace (docs/quality-inspection.md, "Editing the rules"): the shipped
 * pack until a workspace publishes its own; one draft per language, tried on past
 * conversations (what-if) before it is published as a new version. Every pack, shipped or
 * edited, is compiled with the ReDoS check: its patterns run on every line.
 */

export type PackLocale = 'zh-CN' | 'en';

/** Compiles a pack with every pattern checked; a broken one is a 400 that says where. */
export function compileChecked(data: unknown): CompiledQaPack {
  try {
    return compileQaPack(data, { safe: safePattern });
  } catch (err) {
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    const message = issues?.length ? issues.slice(0, 5).map((i) => `${i.path.join('.') || 'pack'}: ${i.message}`).join('; ') : (err as Error).message;
    throw new DomainError('invalid_pack', `the rule pack is not valid: ${message}`, 400);
  }
}

interface Cached {
  version: string | null;
  compiled: CompiledQaPack;
  checkedAt: number;
}
/** Per database (tests and tools open several in one process), per workspace and language. */
const caches = new WeakMap<Db, Map<string, Cached>>();
const cacheOf = (db: Db) => {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
};
/** How long a workspace's pack is used before the database is asked whether a newer one was published (on any instance). */
const FRESH_MS = 2_000;

/** The pack a workspace's conversations are inspected with now: its latest published version, else the shipped one. */
export async function workspacePack(db: Db, workspaceId: number, locale: string | null | undefined): Promise<CompiledQaPack> {
  const cache = cacheOf(db);
  const key = `${workspaceId}:${packLocale(locale)}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.checkedAt < FRESH_MS) return hit.compiled;
  const [latest] = await db.query(
    `SELECT version FROM qa_packs WHERE workspace_id = $1 AND locale = $2 AND status = 'published' ORDER BY id DESC LIMIT 1`,
    [workspaceId, packLocale(locale)],
  );
  const version: string | null = latest?.version ?? null;
  if (hit && hit.version === version) {
    hit.checkedAt = Date.now();
    return hit.compiled;
  }
  let compiled: CompiledQaPack;
  if (version === null) compiled = qaPackFor(locale);
  else {
    const [row] = await db.query(`SELECT pack FROM qa_packs WHERE workspace_id = $1 AND locale = $2 AND status = 'published' AND version = $3`, [workspaceId, packLocale(locale), version]);
    compiled = compileChecked(row.pack);
  }
  cache.set(key, { version, compiled, checkedAt: Date.now() });
  return compiled;
}

export interface PackState {
  locale: PackLocale;
  /** The version inspections use now, and where it comes from. */
  current: { version: string; source: 'shipped' | 'workspace'; pack: QaPack };
  draft: { pack: unknown; updatedAt: string; editedBy: number | null } | null;
  versions: { version: string; publishedAt: string; publishedBy: number | null }[];
}

export async function packState(db: Db, workspaceId: number, locale: PackLocale): Promise<PackState> {
  const current = await workspacePack(db, workspaceId, locale);
  const rows = await db.query(`SELECT status, version, pack, edited_by, updated_at FROM qa_packs WHERE workspace_id = $1 AND locale = $2 ORDER BY id DESC LIMIT 51`, [workspaceId, locale]);
  const draft = rows.find((r) => r.status === 'draft');
  const published = rows.filter((r) => r.status === 'published');
  return {
    locale,
    current: { version: current.pack.version, source: published.length ? 'workspace' : 'shipped', pack: current.pack },
    draft: draft ? { pack: draft.pack, updatedAt: iso(draft.updated_at), editedBy: draft.edited_by === null ? null : Number(draft.edited_by) } : null,
    versions: published.slice(0, 50).map((r) => ({ version: r.version, publishedAt: iso(r.updated_at), publishedBy: r.edited_by === null ? null : Number(r.edited_by) })),
  };
}

function assertCanEdit(caller: Caller): void {
  if (caller.role !== 'qa_lead' && caller.role !== 'admin') throw forbidden('only a 质检主管 or an administrator edits the 质检 rules');
}

/** Saves the draft (checked: a pack that would not compile is refused, so a draft can always be tried and published). */
export async function saveDraft(ctx: CommandContext, caller: Caller, locale: PackLocale, pack: unknown): Promise<void> {
  assertCanEdit(caller);
  compileChecked(pack);
  await runCommand(ctx, async (sql) => {
    const version = `draft`;
    await sql.query(
      `INSERT INTO qa_packs (workspace_id, locale, status, version, pack, edited_by) VALUES ($1, $2, 'draft', $3, $4::jsonb, $5)
       ON CONFLICT (workspace_id, locale) WHERE status = 'draft' DO UPDATE SET pack = EXCLUDED.pack, edited_by = EXCLUDED.edited_by, updated_at = now()`,
      [caller.workspaceId, locale, version, JSON.stringify(pack), caller.agentId],
    );
    return { result: undefined, events: [packChanged(caller, locale, 'draft_saved', null)] };
  });
}

export async function discardDraft(ctx: CommandContext, caller: Caller, locale: PackLocale): Promise<void> {
  assertCanEdit(caller);
  await runCommand(ctx, async (sql) => {
    const gone = await sql.query(`DELETE FROM qa_packs WHERE workspace_id = $1 AND locale = $2 AND status = 'draft' RETURNING id`, [caller.workspaceId, locale]);
    return { result: undefined, events: gone.length ? [packChanged(caller, locale, 'draft_discarded', null)] : [] };
  });
}

const packChanged = (caller: Caller, locale: PackLocale, action: 'draft_saved' | 'draft_discarded' | 'published', version: string | null) =>
  pendingEvent('qa.pack_changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { locale, action, version }, subject: { locale, action, version } });

/**
 * Publishes the draft as the next version (`<date>.w<n>`, n counting the workspace's
 * versions): conversations resolved from now on are inspected with it; earlier inspections
 * keep the version that made them. Logs `qa.pack_changed`.
 */
export async function publishDraft(ctx: CommandContext, caller: Caller, locale: PackLocale): Promise<{ version: string }> {
  assertCanEdit(caller);
  const result = await runCommand(ctx, async (sql) => {
    const [draft] = await sql.query(`SELECT id, pack FROM qa_packs WHERE workspace_id = $1 AND locale = $2 AND status = 'draft' FOR UPDATE`, [caller.workspaceId, locale]);
    if (!draft) throw new DomainError('no_draft', 'there is no draft to publish: save one first', 409);
    const [{ n }] = await sql.query(`SELECT count(*)::int AS n FROM qa_packs WHERE workspace_id = $1 AND locale = $2 AND status = 'published'`, [caller.workspaceId, locale]);
    const version = `${new Date().toISOString().slice(0, 10).replace(/-/g, '.')}.w${n + 1}`;
    const pack = { ...(draft.pack as object), version };
    compileChecked(pack);
    await sql.query(`UPDATE qa_packs SET status = 'published', version = $2, pack = $3::jsonb, edited_by = $4, updated_at = now() WHERE id = $1`, [
      draft.id,
      version,
      JSON.stringify(pack),
      caller.agentId,
    ]);
    return { result: { version }, events: [packChanged(caller, locale, 'published', version)] };
  });
  cacheOf(ctx.db).delete(`${caller.workspaceId}:${locale}`);
  return result;
}

export interface WhatIfRow {
  inspectionId: number;
  conversationId: number;
  agentId: number | null;
  inspectedAt: string;
  /** `sheet`: the id of the scoring sheet each score is on. */
  before: { score: number; vetoed: boolean; packVersion: string; sheet: string; rules: string[] };
  after: { score: number; vetoed: boolean; sheet: string; rules: string[] };
}

/** The most inspections one what-if run reads again. */
export const MAX_WHAT_IF = 500;

/**
 * What-if (试运行): the conversations inspected in [from, to) (the newest `limit`), inspected
 * again with the candidate pack, nothing written. Each with its automatic score then and now,
 * and the rules that fired; the summary says how many changed and the averages.
 */
export async function whatIf(db: Db, caller: Caller, locale: PackLocale, candidate: unknown, range: { from: string; to: string; limit: number }) {
  if (!canReview(caller.role)) throw forbidden('only QA reviewers and leads (质检), supervisors and administrators try rule packs');
  const compiled = compileChecked(candidate);
  const inspections = await db.query(
    `SELECT i.id, i.conversation_id, i.agent_id, i.score, i.vetoed, i.pack_version, i.sheet, i.findings, i.message_count, i.inspected_at, c.locale, c.inbox_id, c.channel
     FROM inspections i JOIN conversations c ON c.id = i.conversation_id
     WHERE i.workspace_id = $1 AND i.inspected_at >= $2 AND i.inspected_at < $3
     ORDER BY i.id DESC LIMIT $4`,
    [caller.workspaceId, range.from, range.to, Math.min(range.limit, MAX_WHAT_IF)],
  );
  const rows: WhatIfRow[] = [];
  for (const i of inspections) {
    if (packLocale(i.locale) !== locale) continue;
    const { messages } = await loadTranscript(db, Number(i.conversation_id));
    // scored on the sheet the draft picks for it (an edited sheet or choice shows in the scores)
    const again = await inspectOffThread(messages.slice(0, Number(i.message_count)), { locale: i.locale, closed: true, pack: compiled, facts: { inboxId: Number(i.inbox_id), channel: i.channel } });
    rows.push({
      inspectionId: Number(i.id),
      conversationId: Number(i.conversation_id),
      agentId: i.agent_id === null ? null : Number(i.agent_id),
      inspectedAt: iso(i.inspected_at),
      before: { score: Number(i.score), vetoed: i.vetoed, packVersion: i.pack_version, sheet: (i.sheet as { id: string } | null)?.id ?? DEFAULT_SHEET.id, rules: [...new Set((i.findings as { rule: string }[]).map((f) => f.rule))].sort() },
      after: { score: again.score.score, vetoed: again.score.vetoed, sheet: again.sheet.id, rules: [...new Set(again.findings.map((f) => f.rule))].sort() },
    });
  }
  const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);
  const changed = rows.filter((r) => r.before.score !== r.after.score || r.before.rules.join() !== r.after.rules.join());
  return {
    version: compiled.pack.version,
    summary: { inspections: rows.length, changed: changed.length, averageBefore: avg(rows.map((r) => r.before.score)), averageAfter: avg(rows.map((r) => r.after.score)) },
    rows,
  };
}
