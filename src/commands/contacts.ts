import { notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Actor, Contact, ContactAttributes } from '../core/model.js';
import { newToken, hashToken } from '../lib/tokens.js';
import { maybeOne, one } from '../storage/db.js';
import { toContact } from '../storage/rows.js';
import { runCommand, type CommandContext } from './context.js';

export interface ContactFields {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** VIP 客户: their waiting conversations move up the queue at once. */
  vip?: boolean;
}

/** A visitor opens the widget for the first time: a contact and the token its browser keeps. */
export async function createContact(
  ctx: CommandContext,
  input: { workspaceId: number; inboxId: number; fields: ContactFields; attributes: ContactAttributes },
): Promise<{ contact: Contact; contactToken: string }> {
  const contactToken = newToken('ct_');
  return runCommand(ctx, async (sql) => {
    const row = await one(
      sql,
      `INSERT INTO contacts (workspace_id, inbox_id, name, email, phone, token_hash, attributes, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, now()) RETURNING *`,
      [
        input.workspaceId,
        input.inboxId,
        input.fields.name ?? null,
        input.fields.email ?? null,
        input.fields.phone ?? null,
        hashToken(contactToken),
        JSON.stringify(input.attributes),
      ],
    );
    const contact = toContact(row);
    const event = pendingEvent('contact.created', {
      workspaceId: input.workspaceId,
      actor: { type: 'customer', id: contact.id },
      data: { contactId: contact.id, inboxId: input.inboxId },
      subject: contact,
    });
    return { result: { contact, contactToken }, events: [event] };
  });
}

/** Edits name / e-mail / phone. Fields left out are unchanged; null clears. */
export async function updateContact(
  ctx: CommandContext,
  actor: Actor,
  workspaceId: number,
  contactId: number,
  fields: ContactFields,
): Promise<Contact> {
  const names = (Object.keys(fields) as (keyof ContactFields)[]).filter((k) => fields[k] !== undefined);
  return runCommand(ctx, async (sql) => {
    const current = await maybeOne(sql, 'SELECT * FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [contactId, workspaceId]);
    if (!current) throw notFound('contact');
    if (names.length === 0) return { result: toContact(current), events: [] };
    const row = await one(
      sql,
      `UPDATE contacts SET
         name = CASE WHEN $2 THEN $3 ELSE name END,
         email = CASE WHEN $4 THEN $5 ELSE email END,
         phone = CASE WHEN $6 THEN $7 ELSE phone END,
         vip = COALESCE($8, vip)
       WHERE id = $1 RETURNING *`,
      [
        contactId,
        fields.name !== undefined,
        fields.name ?? null,
        fields.email !== undefined,
        fields.email ?? null,
        fields.phone !== undefined,
        fields.phone ?? null,
        fields.vip ?? null,
      ],
    );
    if (fields.vip !== undefined) {
      await sql.query(`UPDATE conversations SET priority = $2 WHERE contact_id = $1 AND status <> 'resolved'`, [contactId, fields.vip ? 1 : 0]);
    }
    const contact = toContact(row);
    const event = pendingEvent('contact.updated', { workspaceId, actor, data: { contactId: contact.id, fields: names }, subject: contact });
    return { result: contact, events: [event] };
  });
}
