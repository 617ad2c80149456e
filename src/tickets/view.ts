import { matchSlaPolicy, nextStep, slaClocks, type ComplaintStepId, type CustomFieldValue, type SlaClock, type Ticket } from '../core/tickets/index.js';
import type { Sql } from '../storage/db.js';
import { slaHistories, slaPolicies, workspaceCalendars } from './store.js';

/** A ticket as the API shows it: with its SLA clocks now, and for a complaint the step to do next. */
export interface TicketView extends Omit<Ticket, 'complaint' | 'customFields'> {
  /** Set fields only (the API stores no empty ones). */
  customFields: Record<string, NonNullable<CustomFieldValue>>;
  complaint: (NonNullable<Ticket['complaint']> & { nextStep: ComplaintStepId | null }) | null;
  /** The name of the SLA policy that matched (first match wins); null when none did. */
  slaPolicy: string | null;
  sla: SlaClock[];
}

/**
 * The tickets' views: each one's clocks computed by the core (slaClocks) from its stored
 * history under the first matching policy, in business time of the policy's calendar or
 * the workspace's default one. Nothing about the clocks is stored, so every instance and
 * every restart computes the same ones.
 */
export async function viewTickets(sql: Sql, workspaceId: number, tickets: Ticket[], now = new Date()): Promise<TicketView[]> {
  if (tickets.length === 0) return [];
  // one after the other: `sql` may be a transaction's single connection
  const policies = await slaPolicies(sql, workspaceId);
  const calendars = await workspaceCalendars(sql, workspaceId);
  const histories = await slaHistories(sql, tickets.map((t) => t.id));
  return tickets.map((t) => {
    const policy = matchSlaPolicy(policies, t);
    const calendar = (policy?.calendarId != null ? calendars.byId.get(policy.calendarId) : undefined) ?? calendars.fallback;
    const sla = policy ? slaClocks(policy, histories.get(t.id) ?? [], calendar, now) : [];
    const customFields = Object.fromEntries(Object.entries(t.customFields).filter((e): e is [string, NonNullable<CustomFieldValue>] => e[1] !== null));
    return { ...t, customFields, complaint: t.complaint && { ...t.complaint, nextStep: nextStep(t.complaint) }, slaPolicy: policy?.name ?? null, sla };
  });
}

export async function viewTicket(sql: Sql, workspaceId: number, ticket: Ticket, now = new Date()): Promise<TicketView> {
  return (await viewTickets(sql, workspaceId, [ticket], now))[0]!;
}
