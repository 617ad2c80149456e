import type { Contact, Inbox } from '../core/model.js';
import { hashToken } from '../lib/tokens.js';
import { maybeOne, type Sql } from './db.js';
import { toContact, toInbox } from './rows.js';

export async function findInboxByToken(sql: Sql, token: string): Promise<Inbox | null> {
  const row = await maybeOne(sql, 'SELECT * FROM inboxes WHERE token = $1', [token]);
  return row ? toInbox(row) : null;
}

/**
 * The contact behind a widget's visitor token, only within the inbox it was issued
 * for: a token authorises its own inbox and no other (the HTTP client API and the
 * WebSocket hello both ask here). A visitor merged into a known customer (docs/identity.md)
 * stands for that customer: the token of the old row opens the customer's contact.
 */
export async function findContactByToken(sql: Sql, inboxId: number, contactToken: string): Promise<Contact | null> {
  const row = await maybeOne(
    sql,
    `SELECT k.* FROM contacts t JOIN contacts k ON k.id = COALESCE(t.merged_into, t.id) WHERE t.token_hash = $1 AND t.inbox_id = $2`,
    [hashToken(contactToken), inboxId],
  );
  return row ? toContact(row) : null;
}

export async function getContact(sql: Sql, workspaceId: number, id: number): Promise<Contact | null> {
  const row = await maybeOne(sql, 'SELECT * FROM contacts WHERE id = $1 AND workspace_id = $2', [id, workspaceId]);
  return row ? toContact(row) : null;
}
