import { mergeCustomFields } from '../core/contacts/custom-fields.js';
import { maskEmail, maskPhone, maskText, unlessMaskedEcho } from '../core/contacts/masking.js';
import { normaliseTags, vipLevelOf, type LostReason, type NeedKey, type Temperament } from '../core/contacts/profile.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Actor, Contact, ContactAttributes } from '../core/model.js';
import { newToken, hashToken } from '../lib/tokens.js';
import { loadFieldDefs } from '../storage/contacts.js';
import { maybeOne, one } from '../storage/db.js';
import { toContact } from '../storage/rows.js';
import { runCommand, type CommandContext } from './context.js';

export interface ContactFields {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** VIP 客户: their waiting conversations move up the queue at once. `vip: true` alone means level 1. */
  vip?: boolean;
}

/** What agents edit on the profile (客户画像) besides the basics; see docs/contacts.md. */
export interface ProfileFields extends ContactFields {
  company?: string | null;
  tags?: string[];
  vipLevel?: number;
  /** merged into the current values; null removes one */
  customFields?: Record<string, unknown>;
  temperament?: Temperament | null;
  /** merged into the current notes; null or blank removes one */
  needs?: Partial<Record<NeedKey, string | null>>;
  lost?: { reason: LostReason; note?: string | null } | null;
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

/**
 * Edits the profile: fields left out are unchanged; null clears. A value sent back exactly as
 * the console showed it masked (138****8000) leaves the stored one. An erased contact is not
 * edited again (409).
 */
export async function updateContact(
  ctx: CommandContext,
  actor: Actor,
  workspaceId: number,
  contactId: number,
  fields: ProfileFields,
): Promise<Contact> {
  const names = (Object.keys(fields) as (keyof ProfileFields)[]).filter((k) => fields[k] !== undefined);
  return runCommand(ctx, async (sql) => {
    const row = await maybeOne(sql, 'SELECT * FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [contactId, workspaceId]);
    if (!row) throw notFound('contact');
    const current = toContact(row);
    if (names.length === 0) return { result: current, events: [] };
    if (current.erasedAt) throw new DomainError('contact_erased', 'this contact’s personal data was erased: it is not edited again', 409);
    const params: unknown[] = [contactId];
    const sets: string[] = [];
    const set = (column: string, value: unknown, cast = '') => sets.push(`${column} = $${params.push(value)}${cast}`);
    if (fields.name !== undefined) set('name', unlessMaskedEcho(fields.name, current.name, maskText));
    if (fields.email !== undefined) set('email', checkedEmail(unlessMaskedEcho(fields.email, current.email, maskEmail)));
    if (fields.phone !== undefined) set('phone', checkedPhone(unlessMaskedEcho(fields.phone, current.phone, maskPhone)));
    if (fields.company !== undefined) set('company', unlessMaskedEcho(fields.company, current.company, maskText));
    if (fields.tags !== undefined) set('tags', normaliseTags(fields.tags), '::text[]');
    const level = vipLevelOf(fields, current.vipLevel);
    if (level !== undefined) {
      set('vip_level', level);
      set('vip', level > 0);
    }
    if (fields.customFields !== undefined) {
      const defs = await loadFieldDefs(sql, workspaceId);
      // a text value sent back masked keeps the stored one
      const change = Object.fromEntries(
        Object.entries(fields.customFields).map(([k, v]) => [k, unlessMaskedEcho(v as string | number | null, current.customFields[k] ?? null, maskText)]),
      );
      set('custom_fields', JSON.stringify(mergeCustomFields(current.customFields, change, defs)), '::jsonb');
    }
    if (fields.temperament !== undefined) set('temperament', fields.temperament);
    if (fields.needs !== undefined) {
      const needs: Record<string, string> = { ...current.needs };
      for (const [k, v] of Object.entries(fields.needs)) {
        const kept = unlessMaskedEcho(v ?? null, needs[k] ?? null, maskText);
        if (kept === null || kept.trim() === '') delete needs[k];
        else needs[k] = kept.trim();
      }
      set('needs', JSON.stringify(needs), '::jsonb');
    }
    if (fields.lost !== undefined) {
      const lost = fields.lost;
      set('lost_reason', lost?.reason ?? null);
      set('lost_note', lost ? (unlessMaskedEcho(lost.note ?? null, current.lost?.note ?? null, maskText) ?? null) : null);
      // the moment they were lost: kept while the reason stays, new when it changes
      set('lost_at', lost ? (current.lost && current.lost.reason === lost.reason ? current.lost.at : new Date().toISOString()) : null, '::timestamptz');
    }
    const updated = toContact(await one(sql, `UPDATE contacts SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, params));
    if (updated.vip !== current.vip) {
      await sql.query(`UPDATE conversations SET priority = $2 WHERE contact_id = $1 AND status <> 'resolved'`, [contactId, updated.vip ? 1 : 0]);
    }
    const event = pendingEvent('contact.updated', { workspaceId, actor, data: { contactId, fields: names }, subject: updated });
    return { result: updated, events: [event] };
  });
}

/** A masked value that is not the stored one's mask: the console's copy of someone else's data, or a typo. */
function checkedEmail(v: string | null): string | null {
  if (v !== null && v.includes('*')) throw new DomainError('invalid_request', 'this e-mail address is masked: reveal the contact (显示) to edit it', 400);
  return v;
}
function checkedPhone(v: string | null): string | null {
  if (v !== null && v.includes('*')) throw new DomainError('invalid_request', 'this phone number is masked: reveal the contact (显示) to edit it', 400);
  return v;
}
