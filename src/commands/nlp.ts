import type { Intent } from '../core/nlp/index.js';
import { pendingEvent } from '../core/events.js';
import { DomainError, notFound } from '../core/errors.js';
import { assertAdmin, type Caller } from '../core/permissions.js';
import { maybeOne, one, type Sql } from '../storage/db.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

/** Examples a workspace may add per language: enough to teach its own words, not a corpus. */
export const MAX_INTENT_EXAMPLES = 2000;

export interface IntentExampleRecord {
  id: number;
  locale: 'zh-CN' | 'en';
  label: Intent;
  text: string;
  createdAt: string;
}

/** The workspace's language (zh-CN or en): the default for analysis and intent examples. */
export async function workspaceLocale(sql: Sql, workspaceId: number): Promise<'zh-CN' | 'en'> {
  const row = await maybeOne(sql, 'SELECT locale FROM workspaces WHERE id = $1', [workspaceId]);
  if (!row) throw notFound('workspace');
  return String(row.locale).toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export async function listIntentExamples(sql: Sql, workspaceId: number, locale: 'zh-CN' | 'en'): Promise<IntentExampleRecord[]> {
  const rows = await sql.query('SELECT * FROM nlp_intent_examples WHERE workspace_id = $1 AND locale = $2 ORDER BY id DESC LIMIT 200', [workspaceId, locale]);
  return rows.map((r) => ({ id: Number(r.id), locale: r.locale, label: r.label, text: r.text, createdAt: new Date(r.created_at).toISOString() }));
}

/** An admin teaches the workspace's intent classifier "this sentence is 投诉" (分析实验室). */
export async function addIntentExample(ctx: CommandContext, caller: Caller, input: { text: string; label: Intent; locale: 'zh-CN' | 'en' }): Promise<IntentExampleRecord> {
  assertAdmin(caller);
  return runCommand(ctx, async (sql) => {
    const count = await one(sql, 'SELECT count(*)::int AS n FROM nlp_intent_examples WHERE workspace_id = $1 AND locale = $2', [caller.workspaceId, input.locale]);
    if (count.n >= MAX_INTENT_EXAMPLES) throw new DomainError('too_many_examples', `at most ${MAX_INTENT_EXAMPLES} intent examples per language`, 409);
    const row = await one(sql, 'INSERT INTO nlp_intent_examples (workspace_id, locale, label, text, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
      caller.workspaceId,
      input.locale,
      input.label,
      input.text,
      caller.agentId,
    ]);
    const record: IntentExampleRecord = { id: Number(row.id), locale: row.locale, label: row.label, text: row.text, createdAt: new Date(row.created_at).toISOString() };
    const event = pendingEvent('nlp.intent_example_added', {
      workspaceId: caller.workspaceId,
      actor: agentActor(caller),
      data: { exampleId: record.id, locale: record.locale, label: record.label },
      subject: { id: record.id, locale: record.locale, label: record.label, text: record.text },
    });
    return { result: record, events: [event] };
  });
}
