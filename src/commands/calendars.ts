import { calendarProblems, type BusinessCalendar } from '../core/calendar/business-hours.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Calendar } from '../core/model.js';
import { assertAdmin, type Caller } from '../core/permissions.js';
import { maybeOne, one, type Sql } from '../storage/db.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

const toCalendar = (r: Record<string, any>): Calendar => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  timezone: r.timezone,
  weekly: r.weekly,
  holidays: r.holidays,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function listCalendars(sql: Sql, workspaceId: number): Promise<Calendar[]> {
  return (await sql.query('SELECT * FROM business_calendars WHERE workspace_id = $1 ORDER BY id', [workspaceId])).map(toCalendar);
}

export async function getCalendar(sql: Sql, workspaceId: number, id: number): Promise<Calendar | null> {
  const row = await maybeOne(sql, 'SELECT * FROM business_calendars WHERE id = $1 AND workspace_id = $2', [id, workspaceId]);
  return row ? toCalendar(row) : null;
}

function validate(cal: BusinessCalendar): void {
  const problems = calendarProblems(cal);
  if (problems.length) throw new DomainError('invalid_calendar', problems.join('; '), 400, { problems });
}

export type CalendarInput = { name: string } & BusinessCalendar;

export async function createCalendar(ctx: CommandContext, caller: Caller, input: CalendarInput): Promise<Calendar> {
  assertAdmin(caller);
  validate(input);
  return runCommand(ctx, async (sql) => {
    const row = await one(
      sql,
      'INSERT INTO business_calendars (workspace_id, name, timezone, weekly, holidays) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING *',
      [caller.workspaceId, input.name, input.timezone, JSON.stringify(input.weekly), JSON.stringify(input.holidays)],
    );
    const cal = toCalendar(row);
    return { result: cal, events: [pendingEvent('calendar.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { calendarId: cal.id, action: 'created' }, subject: { id: cal.id, name: cal.name } })] };
  });
}

export async function updateCalendar(ctx: CommandContext, caller: Caller, id: number, patch: Partial<CalendarInput>): Promise<Calendar> {
  assertAdmin(caller);
  return runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT * FROM business_calendars WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [id, caller.workspaceId]);
    if (!current) throw notFound('calendar');
    const next: CalendarInput = {
      name: patch.name ?? current.name,
      timezone: patch.timezone ?? current.timezone,
      weekly: patch.weekly ?? current.weekly,
      holidays: patch.holidays ?? current.holidays,
    };
    validate(next);
    const row = await one(
      sql,
      'UPDATE business_calendars SET name = $2, timezone = $3, weekly = $4::jsonb, holidays = $5::jsonb, updated_at = now() WHERE id = $1 RETURNING *',
      [id, next.name, next.timezone, JSON.stringify(next.weekly), JSON.stringify(next.holidays)],
    );
    const cal = toCalendar(row);
    return { result: cal, events: [pendingEvent('calendar.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { calendarId: cal.id, action: 'updated' }, subject: { id: cal.id, name: cal.name } })] };
  });
}

/** A calendar still used by an inbox cannot go: the inbox would silently become always open. */
export async function deleteCalendar(ctx: CommandContext, caller: Caller, id: number): Promise<void> {
  assertAdmin(caller);
  await runCommand(ctx, async (sql) => {
    const cal = await getCalendar(sql, caller.workspaceId, id);
    if (!cal) throw notFound('calendar');
    const users = await sql.query(`SELECT name FROM inboxes WHERE workspace_id = $1 AND (reception->>'calendarId')::bigint = $2`, [caller.workspaceId, id]);
    if (users.length) {
      throw new DomainError('calendar_in_use', `inboxes use this calendar: ${users.map((u) => u.name).join(', ')}; choose another calendar for them first`, 409);
    }
    await sql.query('DELETE FROM business_calendars WHERE id = $1', [id]);
    return { result: undefined, events: [pendingEvent('calendar.changed', { workspaceId: caller.workspaceId, actor: agentActor(caller), data: { calendarId: cal.id, action: 'deleted' }, subject: { id: cal.id, name: cal.name } })] };
  });
}
