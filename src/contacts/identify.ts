import crypto from 'node:crypto';
import { runCommand, type CommandContext } from '../commands/context.js';
import { checkIdentityTime, identifyAction, identityPayload, type IdentifyAction } from '../core/contacts/identity.js';
import { DomainError } from '../core/errors.js';
import { pendingEvent, type PendingEvent } from '../core/events.js';
import type { Contact, Inbox } from '../core/model.js';
import { maybeOne, one, type Sql } from '../storage/db.js';
import { toContact } from '../storage/rows.js';
import { moveContactRows } from './merge-rows.js';

export interface IdentityInput {
  userId: string;
  timestamp: number;
  signature: string;
  /** the site's claims about its user: stored as such, never used to join two contacts */
  name?: string;
  email?: string;
  phone?: string;
}

export interface IdentifyOutcome {
  contact: Contact;
  action: IdentifyAction['kind'];
  /** conversations that came over from the visitor (a merge) */
  movedConversations: number[];
  /** open conversations ended because the customer had one open in the same inbox already */
  endedConversations: number[];
}

/** The inbox's identity secret, made on first use (32 random bytes, hex). Admins read it in GET /inboxes. */
export async function identitySecret(sql: Sql, inboxId: number): Promise<string> {
  const row = await maybeOne(sql, 'SELECT identity_secret FROM inboxes WHERE id = $1', [inboxId]);
  if (row?.identity_secret) return row.identity_secret;
  const made = crypto.randomBytes(32).toString('hex');
  // two first uses at once: the first one written wins, both read it back
  await sql.query('UPDATE inboxes SET identity_secret = $2 WHERE id = $1 AND identity_secret IS NULL', [inboxId, made]);
  return (await one(sql, 'SELECT identity_secret FROM inboxes WHERE id = $1', [inboxId])).identity_secret;
}

/** Constant-time check of the site's signature (hex HMAC-SHA256 of userId.timestamp with the secret). */
export function signatureValid(secret: string, userId: string, timestamp: number, signature: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = crypto.createHmac('sha256', secret).update(identityPayload(userId, timestamp)).digest();
  return crypto.timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

/**
 * The site says who its logged-in visitor is (docs/identity.md). A wrong signature or one
 * older than 10 minutes is refused. An anonymous visitor takes the user id when nobody has
 * it; when a customer already has it, the visitor is merged into that customer: conversations,
 * visits, tickets and ratings move over, the visitor's token now stands for the customer, and
 * of two open conversations in one inbox the older ends (the customer keeps one). Only the
 * signed user id ever joins two contacts: e-mail and phone are claims.
 */
export async function identifyContact(ctx: CommandContext, inbox: Inbox, visitor: Contact, input: IdentityInput, now = new Date()): Promise<IdentifyOutcome> {
  const secret = await identitySecret(ctx.db, inbox.id);
  if (!signatureValid(secret, input.userId, input.timestamp, input.signature)) {
    throw new DomainError('identity_invalid', 'the signature does not match: sign userId + "." + timestamp with the inbox’s identity secret (hex HMAC-SHA256)', 401);
  }
  checkIdentityTime(input.timestamp, now);
  const claims = Object.fromEntries(Object.entries({ name: input.name, email: input.email, phone: input.phone }).filter(([, v]) => v !== undefined && v !== ''));
  const outcome = await runCommand(ctx, async (sql) => {
    const current = await one(sql, 'SELECT * FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [visitor.id, visitor.workspaceId]);
    const known = await maybeOne(sql, 'SELECT * FROM contacts WHERE workspace_id = $1 AND external_id = $2 FOR UPDATE', [visitor.workspaceId, input.userId]);
    const action = identifyAction({ id: current.id, externalId: current.external_id }, known && { id: known.id }, input.userId);
    const identity = JSON.stringify({ identity: { userId: input.userId, claims, at: now.toISOString() } });
    const actor = { type: 'customer' as const, id: current.id };
    if (action.kind !== 'merge') {
      const row = await one(
        sql,
        `UPDATE contacts SET external_id = $2, attributes = attributes || $3::jsonb, name = COALESCE(name, $4) WHERE id = $1 RETURNING *`,
        [current.id, input.userId, identity, input.name ?? null],
      );
      const contact = toContact(row);
      const event = pendingEvent('contact.updated', { workspaceId: contact.workspaceId, actor, data: { contactId: contact.id, fields: action.kind === 'claim' ? ['externalId', 'identity'] : ['identity'] }, subject: contact });
      return { result: { contact, action: action.kind, movedConversations: [], endedConversations: [] }, events: [event] };
    }
    return mergeInto(sql, current.id, action.into, identity, input.name ?? null, actor);
  });
  for (const id of [...outcome.movedConversations, ...outcome.endedConversations]) ctx.conversationStates?.delete(id);
  return outcome;
}

/** Moves everything of contact `from` to contact `into`, inside the caller's transaction. */
async function mergeInto(
  sql: Sql,
  from: number,
  into: number,
  identity: string,
  name: string | null,
  actor: { type: 'customer'; id: number },
): Promise<{ result: IdentifyOutcome; events: PendingEvent[] }> {
  const { moved, ended, events } = await moveContactRows(sql, from, into, actor);
  const merged = toContact(
    await one(sql, `UPDATE contacts SET attributes = attributes || $2::jsonb, name = COALESCE(name, $3, (SELECT name FROM contacts WHERE id = $4)) WHERE id = $1 RETURNING *`, [
      into,
      identity,
      name,
      from,
    ]),
  );
  events.push(
    pendingEvent('contact.merged', {
      workspaceId: merged.workspaceId,
      actor,
      data: { contactId: from, into, conversationIds: moved.conversations, ended },
      subject: merged,
    }),
  );
  return { result: { contact: merged, action: 'merge', movedConversations: moved.conversations, endedConversations: ended }, events };
}
