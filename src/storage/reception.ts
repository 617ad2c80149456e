import { isOpen, type BusinessCalendar } from '../core/calendar/business-hours.js';
import type { ReceptionFacts } from '../core/reception/reception.js';
import type { ReceptionSettings } from '../core/reception/settings.js';
import { maybeOne, one, type Sql } from './db.js';
import { AGENT_AVAILABLE } from './seats.js';

/**
 * What reception decides on (core/reception): the inbox's mode, whether it is
 * within its business hours now, and whether someone who could serve the group
 * is on duty (saturated agents count: the customer queues).
 */
export async function receptionFacts(sql: Sql, workspaceId: number, settings: ReceptionSettings, groupId: number | null): Promise<ReceptionFacts> {
  return { mode: settings.mode, withinHours: await withinHours(sql, workspaceId, settings), agentsOnDuty: await onDuty(sql, workspaceId, groupId) };
}

async function withinHours(sql: Sql, workspaceId: number, settings: ReceptionSettings): Promise<boolean> {
  if (settings.calendarId === null) return true;
  const cal = await maybeOne(sql, 'SELECT timezone, weekly, holidays FROM business_calendars WHERE id = $1 AND workspace_id = $2', [settings.calendarId, workspaceId]);
  if (!cal) return true; // a deleted calendar must not silently close the inbox
  const calendar: BusinessCalendar = { timezone: cal.timezone, weekly: cal.weekly, holidays: cal.holidays };
  return isOpen(calendar, new Date());
}

async function onDuty(sql: Sql, workspaceId: number, groupId: number | null): Promise<boolean> {
  const row = await one(
    sql,
    `SELECT EXISTS (SELECT 1 FROM agents a WHERE a.workspace_id = $1 AND ${AGENT_AVAILABLE}
       AND ($2::bigint IS NULL OR a.id IN (SELECT agent_id FROM skill_group_members WHERE group_id = $2))) AS yes`,
    [workspaceId, groupId],
  );
  return row.yes;
}
