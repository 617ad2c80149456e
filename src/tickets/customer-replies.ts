import { runCommand, type CommandContext } from '../commands/context.js';
import type { StoredEventOf } from '../core/events.js';
import { changeTicket } from '../core/tickets/index.js';
import { defineConsumer } from '../events/consumers.js';
import type { Sql } from '../storage/db.js';
import { changeContext, logEntries } from './log.js';
import { addSlaHistory, findTicketAnyWorkspace, saveTicket } from './store.js';
import { syncTicketTimers, systemLogged } from './timers.js';

/**
 * The customer's side of a ticket: a customer's message in a conversation linked to a ticket
 * is their reply to it. It brings back a ticket waiting on them (等待客户) or solved
 * (重新打开), starts the 再次响应 clock, and moves the ticket's timers. A durable consumer
 * of `message.created`, off the message's acknowledgement: one indexed read per batch of
 * customer messages finds the few that belong to tickets.
 *
 * At least once: each reply is recorded in the ticket's SLA history with its message id,
 * unique per ticket, so a message delivered twice is a reply once.
 */
export function ticketCustomerRepliesConsumer(ctx: CommandContext) {
  const handleMany = async (events: StoredEventOf<'message.created'>[]) => {
    const conversations = [...new Set(events.map((e) => e.conversationId).filter((id): id is number => id !== null))];
    if (conversations.length === 0) return;
    const links = await ctx.db.query(
      `SELECT tc.conversation_id, tc.ticket_id FROM ticket_conversations tc JOIN tickets t ON t.id = tc.ticket_id
       WHERE tc.conversation_id = ANY($1::bigint[]) AND t.status <> 'closed' ORDER BY tc.ticket_id`,
      [conversations],
    );
    if (links.length === 0) return;
    const ticketsOf = new Map<number, number[]>();
    for (const l of links) ticketsOf.set(Number(l.conversation_id), [...(ticketsOf.get(Number(l.conversation_id)) ?? []), Number(l.ticket_id)]);
    for (const e of events) {
      for (const ticketId of ticketsOf.get(e.conversationId ?? -1) ?? []) await customerReplied(ctx, ticketId, e);
    }
  };
  return defineConsumer({
    name: 'tickets.customer_replies',
    events: ['message.created'],
    match: { 'message.created': { senderType: ['customer'], private: [false] } },
    handle: (e) => handleMany([e]),
    handleMany,
  });
}

async function customerReplied(ctx: CommandContext, ticketId: number, e: StoredEventOf<'message.created'>): Promise<void> {
  await runCommand(ctx, async (sql) => {
    const ticket = await findTicketAnyWorkspace(sql, ticketId, { lock: true });
    const at = new Date(e.createdAt);
    // a message written before the ticket existed (read late by this consumer) is not a reply to it
    if (!ticket || ticket.status === 'closed' || at.getTime() < Date.parse(ticket.createdAt) || !(await firstTime(sql, ticketId, e.data.messageId, at))) return { result: undefined, events: [] };
    const r = changeTicket(ticket, { kind: 'reply' }, await changeContext(sql, ticket.workspaceId, { type: 'customer' }, at));
    if (!r.ok) throw r.error;
    if (r.ticket !== ticket) await saveTicket(sql, r.ticket);
    const reopened = r.events.find((x) => x.type === 'ticket.status_changed');
    await addSlaHistory(sql, ticketId, reopened?.type === 'ticket.status_changed' ? [{ kind: 'status', at: at.toISOString(), to: reopened.data.to }] : []);
    const stages = await syncTicketTimers(sql, r.ticket, new Date());
    return { result: undefined, events: [...logEntries(ticket.workspaceId, { type: 'customer', id: ticket.contactId }, r.events, r.ticket), ...systemLogged(ticket.workspaceId, stages, r.ticket)] };
  });
}

/** Records the reply in the SLA history once per message: false when this message was a reply already. */
async function firstTime(sql: Sql, ticketId: number, messageId: number, at: Date): Promise<boolean> {
  const rows = await sql.query(
    `INSERT INTO ticket_sla_history (ticket_id, kind, reply_from, at, message_id) VALUES ($1, 'reply', 'customer', $3, $2)
     ON CONFLICT (ticket_id, message_id) WHERE message_id IS NOT NULL DO NOTHING RETURNING id`,
    [ticketId, messageId, at],
  );
  return rows.length === 1;
}
