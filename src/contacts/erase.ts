import { recordAudit } from '../audit/store.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Actor, Contact } from '../core/model.js';
import { maybeOne, one } from '../storage/db.js';
import { toContact } from '../storage/rows.js';

/**
 * PIPL erasure (docs/privacy.md), in place so that every count and time stays true for the
 * reports: the contact's name, e-mail, phone, company, user id, custom fields, needs and 流失
 * note go; their orders keep amount and status but lose their items; the customer's messages
 * keep their rows and times with empty contents (and leave the search index); uploads lose their
 * bytes and names; page views and visits lose URLs, titles, referrers and keywords; 满意度
 * comments go; the widget's token stops working. Contacts merged into it go the same way.
 * Erasing twice → 409.
 */
export async function eraseContact(ctx: CommandContext, actor: Actor, workspaceId: number, contactId: number): Promise<Contact> {
  return runCommand(ctx, async (sql) => {
    const row = await maybeOne(sql, 'SELECT * FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [contactId, workspaceId]);
    if (!row) throw notFound('contact');
    if (row.erased_at) throw new DomainError('contact_erased', 'this contact was erased already', 409);
    const ids = [contactId, ...(await sql.query('SELECT id FROM contacts WHERE merged_into = $1 FOR UPDATE', [contactId])).map((r) => Number(r.id))];
    await sql.query(
      `UPDATE contacts SET name = NULL, email = NULL, phone = NULL, company = NULL, external_id = NULL, custom_fields = '{}', needs = '{}',
         lost_note = NULL, attributes = '{}', token_hash = NULL, erased_at = now()
       WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    await sql.query(`UPDATE contact_orders SET items = '[]', updated_at = now() WHERE contact_id = ANY($1::bigint[])`, [ids]);
    // the customer's words: rows, times and counts stay; contents and file names go
    const messages = await sql.query(
      `UPDATE messages m SET content = '',
         attachments = CASE WHEN jsonb_typeof(m.attachments) = 'array' AND jsonb_array_length(m.attachments) > 0
           THEN (SELECT jsonb_agg(e || '{"name": "erased"}'::jsonb) FROM jsonb_array_elements(m.attachments) e) ELSE m.attachments END
       FROM conversations c WHERE c.id = m.conversation_id AND c.contact_id = ANY($1::bigint[]) AND m.sender_type = 'customer'
       RETURNING m.id`,
      [ids],
    );
    const messageIds = messages.map((r) => Number(r.id));
    if (messageIds.length) await sql.query('DELETE FROM message_terms WHERE message_id = ANY($1::bigint[])', [messageIds]);
    await sql.query('UPDATE conversations SET last_message_preview = NULL WHERE contact_id = ANY($1::bigint[])', [ids]);
    await sql.query(`UPDATE attachments SET data = decode('', 'hex'), filename = 'erased' WHERE uploader_type = 'customer' AND uploader_id = ANY($1::bigint[])`, [ids]);
    await sql.query(`UPDATE page_views SET url = '', title = NULL WHERE contact_id = ANY($1::bigint[])`, [ids]);
    await sql.query(`UPDATE visits SET referrer = NULL, search_keyword = NULL, landing_page = NULL, utm = '{}' WHERE contact_id = ANY($1::bigint[])`, [ids]);
    await sql.query('UPDATE csat_ratings SET comment = NULL WHERE contact_id = ANY($1::bigint[])', [ids]);
    const contact = toContact(await one(sql, 'SELECT * FROM contacts WHERE id = $1', [contactId]));
    await recordAudit(sql, {
      workspaceId,
      actorId: actor.id,
      action: 'contact.erased',
      subjectType: 'contact',
      subjectId: contactId,
      detail: { contacts: ids, messages: messageIds.length },
    });
    return { result: contact, events: [pendingEvent('contact.erased', { workspaceId, actor, data: { contactId }, subject: contact })] };
  });
}
