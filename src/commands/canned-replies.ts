import { pinyinKeys } from '../lib/pinyin.js';
import { MAX_CANNED_REPLIES, type CannedReply, type CannedScope } from '../core/assist/canned.js';
import { DomainError, forbidden, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Caller } from '../core/permissions.js';
import { maybeOne, one, type Row, type Sql } from '../storage/db.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

/**
 * 快捷回复: personal replies belong to their agent (only they see and manage them), the team's
 * to the workspace (everyone sees them, administrators manage them).
 */
export interface CannedReplyInput {
  scope: CannedScope;
  title: string;
  content: string;
  shortcut?: string | null;
  category?: string | null;
}

const toReply = (r: Row): CannedReply => ({
  id: Number(r.id),
  scope: r.owner_id === null ? 'team' : 'personal',
  ownerId: r.owner_id === null ? null : Number(r.owner_id),
  title: r.title,
  content: r.content,
  shortcut: r.shortcut,
  category: r.category,
  pinyin: r.pinyin_full,
  initials: r.pinyin_initials,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** The replies the caller sees: the team's and their own, team first, by category then title. */
export async function listCannedReplies(sql: Sql, caller: Caller): Promise<CannedReply[]> {
  const rows = await sql.query(
    `SELECT * FROM canned_replies WHERE workspace_id = $1 AND (owner_id IS NULL OR owner_id = $2)
     ORDER BY owner_id NULLS FIRST, category NULLS LAST, title, id LIMIT ${MAX_CANNED_REPLIES}`,
    [caller.workspaceId, caller.agentId],
  );
  return rows.map(toReply);
}

function assertMayManage(caller: Caller, ownerId: number | null): void {
  if (ownerId === null && caller.role !== 'admin') throw forbidden('only an administrator (管理员) manages the team’s quick replies; add a personal one instead');
}

/** A reply the caller may see (team or own), locked for the change; 404 otherwise. */
async function visible(sql: Sql, caller: Caller, id: number): Promise<Row> {
  const row = await maybeOne(sql, 'SELECT * FROM canned_replies WHERE id = $1 AND workspace_id = $2 AND (owner_id IS NULL OR owner_id = $3) FOR UPDATE', [
    id,
    caller.workspaceId,
    caller.agentId,
  ]);
  if (!row) throw notFound('canned_reply');
  return row;
}

export async function createCannedReply(ctx: CommandContext, caller: Caller, input: CannedReplyInput): Promise<CannedReply> {
  const ownerId = input.scope === 'team' ? null : caller.agentId;
  assertMayManage(caller, ownerId);
  return runCommand(ctx, async (sql) => {
    const count = await one(sql, 'SELECT count(*)::int AS n FROM canned_replies WHERE workspace_id = $1 AND (owner_id IS NULL OR owner_id = $2)', [caller.workspaceId, caller.agentId]);
    if (count.n >= MAX_CANNED_REPLIES) throw new DomainError('too_many_canned_replies', `at most ${MAX_CANNED_REPLIES} quick replies (team and personal together): delete some first`, 409);
    const keys = pinyinKeys(input.title, input.category);
    const row = await one(
      sql,
      `INSERT INTO canned_replies (workspace_id, owner_id, title, content, shortcut, category, pinyin_full, pinyin_initials, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [caller.workspaceId, ownerId, input.title, input.content, input.shortcut ?? null, input.category ?? null, keys.pinyin, keys.initials, caller.agentId],
    );
    const reply = toReply(row);
    const event = pendingEvent('canned_reply.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { replyId: reply.id, ownerId, action: 'created', fields: [] }, subject: reply });
    return { result: reply, events: [event] };
  });
}

export async function updateCannedReply(ctx: CommandContext, caller: Caller, id: number, patch: Partial<Omit<CannedReplyInput, 'scope'>>): Promise<CannedReply> {
  return runCommand(ctx, async (sql) => {
    const current = await visible(sql, caller, id);
    const ownerId = current.owner_id === null ? null : Number(current.owner_id);
    assertMayManage(caller, ownerId);
    const next = {
      title: patch.title ?? current.title,
      content: patch.content ?? current.content,
      shortcut: patch.shortcut !== undefined ? patch.shortcut : current.shortcut,
      category: patch.category !== undefined ? patch.category : current.category,
    };
    const keys = pinyinKeys(next.title, next.category);
    const row = await one(
      sql,
      `UPDATE canned_replies SET title = $2, content = $3, shortcut = $4, category = $5, pinyin_full = $6, pinyin_initials = $7, updated_at = now()
       WHERE id = $1 RETURNING *`,
      [id, next.title, next.content, next.shortcut, next.category, keys.pinyin, keys.initials],
    );
    const reply = toReply(row);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    const event = pendingEvent('canned_reply.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { replyId: id, ownerId, action: 'updated', fields }, subject: reply });
    return { result: reply, events: [event] };
  });
}

export async function deleteCannedReply(ctx: CommandContext, caller: Caller, id: number): Promise<void> {
  await runCommand(ctx, async (sql) => {
    const current = await visible(sql, caller, id);
    const reply = toReply(current);
    assertMayManage(caller, reply.ownerId);
    await sql.query('DELETE FROM canned_replies WHERE id = $1', [id]);
    const event = pendingEvent('canned_reply.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { replyId: id, ownerId: reply.ownerId, action: 'deleted', fields: [] }, subject: reply });
    return { result: undefined, events: [event] };
  });
}
