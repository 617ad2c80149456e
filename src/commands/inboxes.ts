import { DomainError, notFound } from '../core/errors.js';
import { mergeReception, receptionSettings, type ReceptionPatch, type ReceptionSettings } from '../core/reception/settings.js';
import { pendingEvent } from '../core/events.js';
import type { Inbox, InboxSettings } from '../core/model.js';
import { assertAdmin, type Caller } from '../core/permissions.js';
import { newToken } from '../lib/tokens.js';
import { maybeOne, one, type Sql } from '../storage/db.js';
import { toInbox } from '../storage/rows.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

export async function insertInbox(sql: Sql, workspaceId: number, name: string, settings: InboxSettings): Promise<Inbox> {
  const row = await one(
    sql,
    `INSERT INTO inboxes (workspace_id, name, channel_type, token, settings) VALUES ($1, $2, 'web', $3, $4::jsonb) RETURNING *`,
    [workspaceId, name, newToken('ib_', 18), JSON.stringify(settings)],
  );
  return toInbox(row);
}

export async function createInbox(ctx: CommandContext, caller: Caller, input: { name: string; settings: InboxSettings }): Promise<Inbox> {
  assertAdmin(caller);
  return runCommand(ctx, async (sql) => {
    const inbox = await insertInbox(sql, caller.workspaceId, input.name, input.settings);
    const event = pendingEvent('inbox.created', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { inboxId: inbox.id }, subject: inbox });
    return { result: inbox, events: [event] };
  });
}

export async function updateInbox(
  ctx: CommandContext,
  caller: Caller,
  inboxId: number,
  patch: { name?: string; settings?: InboxSettings },
): Promise<Inbox> {
  assertAdmin(caller);
  return runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT * FROM inboxes WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [inboxId, caller.workspaceId]);
    if (!current) throw notFound('inbox');
    const row = await one(
      sql,
      `UPDATE inboxes SET name = COALESCE($2, name), settings = settings || COALESCE($3::jsonb, '{}'::jsonb) WHERE id = $1 RETURNING *`,
      [inboxId, patch.name ?? null, patch.settings ? JSON.stringify(patch.settings) : null],
    );
    const inbox = toInbox(row);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    const event = pendingEvent('inbox.updated', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { inboxId: inbox.id, fields }, subject: inbox });
    return { result: inbox, events: [event] };
  });
}

export async function listInboxes(sql: Sql, workspaceId: number): Promise<Inbox[]> {
  return (await sql.query('SELECT * FROM inboxes WHERE workspace_id = $1 ORDER BY id', [workspaceId])).map(toInbox);
}

/**
 * Edits how an inbox receives customers (mode, hours, groups, automatic replies,
 * timeouts, pre-chat form, invitations). Effective at once on this instance and
 * within seconds on the others.
 */
export async function updateInboxReception(ctx: CommandContext, caller: Caller, inboxId: number, patch: ReceptionPatch): Promise<ReceptionSettings> {
  assertAdmin(caller);
  const settings = await runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT * FROM inboxes WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [inboxId, caller.workspaceId]);
    if (!current) throw notFound('inbox');
    const merged = mergeReception(current.reception, patch);
    const next = receptionSettings(merged);
    if (next.calendarId !== null && !(await maybeOne(sql, 'SELECT 1 FROM business_calendars WHERE id = $1 AND workspace_id = $2', [next.calendarId, caller.workspaceId]))) {
      throw new DomainError('calendar_not_found', 'that business-hours calendar does not exist in your workspace', 400);
    }
    const groupIds = [next.defaultGroupId, ...next.preChat.topics.map((t) => t.groupId)].filter((g): g is number => g !== null);
    if (groupIds.length) {
      const found = await sql.query('SELECT id FROM skill_groups WHERE workspace_id = $1 AND id = ANY($2::bigint[])', [caller.workspaceId, groupIds]);
      if (found.length !== new Set(groupIds).size) throw new DomainError('skill_group_not_found', 'a skill group named in these settings does not exist in your workspace', 400);
    }
    const labels = next.preChat.topics.map((t) => t.label);
    if (new Set(labels).size !== labels.length) throw new DomainError('duplicate_topic', 'two pre-chat topics have the same label', 400);
    const row = await one(sql, 'UPDATE inboxes SET reception = $2::jsonb WHERE id = $1 RETURNING *', [inboxId, JSON.stringify(merged)]);
    const event = pendingEvent('inbox.updated', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { inboxId, fields: ['reception'] }, subject: toInbox(row) });
    return { result: next, events: [event] };
  });
  ctx.reception?.invalidate(inboxId);
  return settings;
}

export async function getInboxReception(sql: Sql, workspaceId: number, inboxId: number): Promise<ReceptionSettings> {
  const row = await maybeOne(sql, 'SELECT reception FROM inboxes WHERE id = $1 AND workspace_id = $2', [inboxId, workspaceId]);
  if (!row) throw notFound('inbox');
  return receptionSettings(row.reception);
}
