import { runCommand, type CommandContext } from '../commands/context.js';
import type { ContactOrder } from '../core/contacts/profile.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Actor } from '../core/model.js';
import { maybeOne } from '../storage/db.js';
import { ORDER_COLUMNS, toOrder } from './store.js';

export interface OrderInput {
  orderId: string;
  items: Array<{ name: string; quantity: number; price?: number }>;
  amount: number;
  currency: string;
  status: string;
  orderedAt: string;
}

/**
 * An order the site pushes for a contact: created, or updated when the workspace has that order
 * number already for the same contact. An order number belongs to one contact: another's → 409.
 */
export async function upsertOrder(ctx: CommandContext, actor: Actor, workspaceId: number, contactId: number, input: OrderInput): Promise<{ order: ContactOrder; created: boolean }> {
  return runCommand(ctx, async (sql) => {
    const contact = await maybeOne(sql, 'SELECT id, merged_into FROM contacts WHERE id = $1 AND workspace_id = $2', [contactId, workspaceId]);
    if (!contact) throw notFound('contact');
    const row = await maybeOne(
      sql,
      `INSERT INTO contact_orders AS o (workspace_id, contact_id, order_id, items, amount, currency, status, ordered_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::timestamptz)
       ON CONFLICT (workspace_id, order_id) DO UPDATE SET items = EXCLUDED.items, amount = EXCLUDED.amount, currency = EXCLUDED.currency,
         status = EXCLUDED.status, ordered_at = EXCLUDED.ordered_at, updated_at = now()
       WHERE o.contact_id = EXCLUDED.contact_id
       RETURNING ${ORDER_COLUMNS}, (xmax = 0) AS inserted`,
      [workspaceId, contactId, input.orderId, JSON.stringify(input.items), input.amount, input.currency, input.status, input.orderedAt],
    );
    if (!row) throw new DomainError('order_belongs_to_another_contact', `order ${input.orderId.slice(0, 64)} belongs to another contact of this workspace`, 409);
    const order = toOrder(row);
    const created = row.inserted === true;
    return { result: { order, created }, events: [pendingEvent('contact.order_saved', { workspaceId, actor, data: { contactId, orderId: order.orderId, created }, subject: order })] };
  });
}
