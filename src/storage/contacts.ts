import type { CustomFieldDef } from '../core/contacts/custom-fields.js';
import type { Contact, Inbox } from '../core/model.js';
import { hashToken } from '../lib/tokens.js';
import { maybeOne, type Row, type Sql } from './db.js';
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

/** The workspace's custom contact fields (客户字段), in the order they were made. */
export async function loadFieldDefs(sql: Sql, workspaceId: number): Promise<CustomFieldDef[]> {
  const rows = await sql.query('SELECT id, key, label, type, options FROM contact_fields WHERE workspace_id = $1 ORDER BY id', [workspaceId]);
  return rows.map(toFieldDef);
}

export function toFieldDef(r: Row): CustomFieldDef {
  return { id: Number(r.id), key: r.key, label: r.label, type: r.type, options: (r.options as string[]) ?? [] };
}
