import { recordAudit } from '../audit/store.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Actor, Contact } from '../core/model.js';
import { maybeOne, one } from '../storage/db.js';
import { toContact } from '../storage/rows.js';
import { moveContactRows, moveRowsBack, type MovedRows } from './merge-rows.js';
import { toMerge, type MergeRecord } from './store.js';

/**
 * A supervisor merges a duplicate contact into the customer (docs/contacts.md): the same move as
 * a signed identity's (merge-rows.ts), with every moved row recorded so that an undo moves
 * exactly those back. Audited.
 */
export async function mergeContacts(ctx: CommandContext, actor: Actor, workspaceId: number, fromId: number, intoId: number): Promise<{ merge: MergeRecord; contact: Contact; ended: number[]; conversationIds: number[] }> {
  if (fromId === intoId) throw new DomainError('invalid_request', 'a contact cannot be merged into itself', 400);
  const out = await runCommand(ctx, async (sql) => {
    // both rows locked in id order (two merges of the same pair never deadlock)
    const rows = await sql.query('SELECT * FROM contacts WHERE id = ANY($1::bigint[]) AND workspace_id = $2 ORDER BY id FOR UPDATE', [[fromId, intoId], workspaceId]);
    const from = rows.find((r) => Number(r.id) === fromId);
    const into = rows.find((r) => Number(r.id) === intoId);
    if (!from || !into) throw notFound('contact');
    if (from.merged_into !== null) throw new DomainError('contact_merged', `contact ${fromId} was merged into contact ${from.merged_into} already`, 409);
    if (into.merged_into !== null) throw new DomainError('contact_merged', `contact ${intoId} was merged into contact ${into.merged_into}: merge into that one`, 409);
    if (from.erased_at || into.erased_at) throw new DomainError('contact_erased', 'an erased contact is not merged', 409);
    if (from.external_id !== null) {
      // the site's user id stays with its contact: one user's history is never handed to another
      throw new DomainError('identity_conflict', `contact ${fromId} is the site’s user ${from.external_id}: merge the other contact into it instead`, 409);
    }
    const { moved, ended, events } = await moveContactRows(sql, fromId, intoId, actor);
    const merge = toMerge(
      await one(sql, `INSERT INTO contact_merges (workspace_id, from_contact_id, into_contact_id, moved, ended, actor_id) VALUES ($1, $2, $3, $4::jsonb, $5::bigint[], $6) RETURNING *`, [
        workspaceId,
        fromId,
        intoId,
        JSON.stringify(moved),
        ended,
        actor.id,
      ]),
    );
    const contact = toContact(await one(sql, 'SELECT * FROM contacts WHERE id = $1', [intoId]));
    await recordAudit(sql, { workspaceId, actorId: actor.id, action: 'contact.merged', subjectType: 'contact', subjectId: fromId, detail: { into: intoId, mergeId: merge.id } });
    events.push(pendingEvent('contact.merged', { workspaceId, actor, data: { contactId: fromId, into: intoId, conversationIds: moved.conversations, ended, mergeId: merge.id }, subject: contact }));
    return { result: { merge, contact, ended, conversationIds: moved.conversations }, events };
  });
  for (const id of [...out.ended, ...out.conversationIds]) ctx.conversationStates?.delete(id);
  return out;
}

/**
 * Undoes a manual merge: exactly the rows it moved go back, and the contact is its own again. A
 * conversation the merge ended stays ended (`ended` says which). A second undo → 409.
 */
export async function undoMerge(ctx: CommandContext, actor: Actor, workspaceId: number, mergeId: number): Promise<{ merge: MergeRecord; contact: Contact; ended: number[]; conversationIds: number[] }> {
  const out = await runCommand(ctx, async (sql) => {
    const row = await maybeOne(sql, 'SELECT * FROM contact_merges WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [mergeId, workspaceId]);
    if (!row) throw notFound('contact_merge');
    if (row.undone_at) throw new DomainError('merge_undone', 'this merge was undone already', 409);
    const fromId = Number(row.from_contact_id);
    const intoId = Number(row.into_contact_id);
    const contacts = await sql.query('SELECT id, merged_into, erased_at FROM contacts WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [[fromId, intoId]]);
    const into = contacts.find((c) => Number(c.id) === intoId);
    if (into?.merged_into != null) throw new DomainError('merge_superseded', `contact ${intoId} was merged into contact ${into.merged_into} since: undo that merge first`, 409);
    if (into?.erased_at) throw new DomainError('contact_erased', 'the contact was erased since: its merge is not undone', 409);
    const moved = row.moved as MovedRows;
    await moveRowsBack(sql, fromId, moved);
    const merge = toMerge(await one(sql, 'UPDATE contact_merges SET undone_at = now(), undone_by = $2 WHERE id = $1 RETURNING *', [mergeId, actor.id]));
    const contact = toContact(await one(sql, 'SELECT * FROM contacts WHERE id = $1', [fromId]));
    const intoContact = toContact(await one(sql, 'SELECT * FROM contacts WHERE id = $1', [intoId]));
    await recordAudit(sql, { workspaceId, actorId: actor.id, action: 'contact.merge_undone', subjectType: 'contact', subjectId: fromId, detail: { into: intoId, mergeId } });
    const ended = ((row.ended as Array<number | string>) ?? []).map(Number);
    return {
      result: { merge, contact, ended, conversationIds: moved.conversations ?? [] },
      events: [
        pendingEvent('contact.merge_undone', { workspaceId, actor, data: { mergeId, contactId: fromId, into: intoId, conversationIds: moved.conversations ?? [] }, subject: contact }),
        // the customer's console view loses the rows: refreshed like any edit
        pendingEvent('contact.updated', { workspaceId, actor, data: { contactId: intoId, fields: ['merge_undone'] }, subject: intoContact }),
      ],
    };
  });
  for (const id of out.conversationIds) ctx.conversationStates?.delete(id);
  return out;
}
