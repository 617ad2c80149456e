import { DomainError, notFound } from '../core/errors.js';
import { validateCsatSettings } from '../core/csat/rating.js';
import { mergeReception, receptionSettings, type ReceptionPatch, type ReceptionSettings } from '../core/reception/settings.js';
import { pendingEvent } from '../core/events.js';
import type { Inbox, InboxSettings } from '../core/model.js';
import { assertAdmin, type Caller } from '../core/permissions.js';
import { newToken } from '../lib/tokens.js';
import { maybeOne, one, type Sql } from '../storage/db.js';
import { toInbox } from '../storage/rows.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

/**
 * One 欢迎语: an inbox's `greeting` is reception's messages.welcome (the widget shows
 * it before the conversation exists; it is then the conversation's first message).
 */
function splitGreeting(settings: InboxSettings): { settings: InboxSettings; welcome: string | null | undefined } {
  const { greeting, ...rest } = settings;
  return { settings: rest, welcome: greeting === undefined ? undefined : greeting.trim() || null };
}

export async function insertInbox(sql: Sql, workspaceId: number, name: string, input: InboxSettings): Promise<Inbox> {
  const { settings, welcome } = splitGreeting(input);
  const row = await one(
    sql,
    `INSERT INTO inboxes (workspace_id, name, channel_type, token, settings, reception) VALUES ($1, $2, 'web', $3, $4::jsonb, $5::jsonb) RETURNING *`,
    [workspaceId, name, newToken('ib_', 18), JSON.stringify(settings), JSON.stringify(welcome ? { messages: { welcome } } : {})],
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
  const split = patch.settings ? splitGreeting(patch.settings) : null;
  const inbox = await runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT * FROM inboxes WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [inboxId, caller.workspaceId]);
    if (!current) throw notFound('inbox');
    const reception = split?.welcome !== undefined ? mergeReception(current.reception, { messages: { welcome: split.welcome } }) : null;
    const row = await one(
      sql,
      `UPDATE inboxes SET name = COALESCE($2, name), settings = CASE WHEN $4::jsonb IS NULL THEN settings ELSE settings - 'greeting' END || COALESCE($3::jsonb, '{}'::jsonb),
         reception = COALESCE($4::jsonb, reception)
       WHERE id = $1 RETURNING *`,
      [inboxId, patch.name ?? null, split ? JSON.stringify(split.settings) : null, reception ? JSON.stringify(reception) : null],
    );
    const inbox = toInbox(row);
    const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    const event = pendingEvent('inbox.updated', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { inboxId: inbox.id, fields }, subject: inbox });
    return { result: inbox, events: [event] };
  });
  if (split?.welcome !== undefined) ctx.reception?.invalidate(inboxId);
  return inbox;
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
    // an older inbox's greeting (settings.greeting) is its 欢迎语: it moves into reception now
    const legacy = typeof current.settings?.greeting === 'string' ? current.settings.greeting.trim() : '';
    const stored = legacy && !current.reception?.messages?.welcome?.trim() ? mergeReception(current.reception, { messages: { welcome: legacy } }) : current.reception;
    const merged = mergeReception(stored, patch);
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
    validateCsatSettings(next.csat);
    const row = await one(sql, `UPDATE inboxes SET reception = $2::jsonb, settings = settings - 'greeting' WHERE id = $1 RETURNING *`, [inboxId, JSON.stringify(merged)]);
    const event = pendingEvent('inbox.updated', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { inboxId, fields: ['reception'] }, subject: toInbox(row) });
    return { result: next, events: [event] };
  });
  ctx.reception?.invalidate(inboxId);
  return settings;
}

export async function getInboxReception(sql: Sql, workspaceId: number, inboxId: number): Promise<ReceptionSettings> {
  const row = await maybeOne(sql, `SELECT reception, settings->>'greeting' AS greeting FROM inboxes WHERE id = $1 AND workspace_id = $2`, [inboxId, workspaceId]);
  if (!row) throw notFound('inbox');
  return receptionSettings(row.reception, row.greeting);
}
