import { runCommand, type CommandContext } from '../commands/context.js';
import { checkOptions, FIELD_KEY_PATTERN, type CustomFieldDef, type CustomFieldType } from '../core/contacts/custom-fields.js';
import { CONTACT_LIMITS } from '../core/contacts/profile.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent } from '../core/events.js';
import type { Actor } from '../core/model.js';
import { toFieldDef } from '../storage/contacts.js';
import { maybeOne, one } from '../storage/db.js';

/** 客户字段 (custom contact fields): admins define them; agents fill them on the profile. */
export async function createField(ctx: CommandContext, actor: Actor, workspaceId: number, input: { key: string; label: string; type: CustomFieldType; options?: string[] }): Promise<CustomFieldDef> {
  if (!FIELD_KEY_PATTERN.test(input.key)) throw new DomainError('invalid_field', 'a field key is a lower-case letter, then up to 31 letters, digits or _ (e.g. member_no)', 400);
  const options = checkOptions(input.type, input.options);
  return runCommand(ctx, async (sql) => {
    // one field at a time per workspace: the count and the key stay true under concurrent creates
    await sql.query('SELECT id FROM workspaces WHERE id = $1 FOR UPDATE', [workspaceId]);
    const [{ n }] = await sql.query('SELECT count(*)::int AS n FROM contact_fields WHERE workspace_id = $1', [workspaceId]);
    if (n >= CONTACT_LIMITS.fields) throw new DomainError('too_many_fields', `a workspace has at most ${CONTACT_LIMITS.fields} custom fields: delete one first`, 409);
    if (await maybeOne(sql, 'SELECT 1 FROM contact_fields WHERE workspace_id = $1 AND key = $2', [workspaceId, input.key])) {
      throw new DomainError('field_exists', `a field with the key "${input.key}" exists already`, 409);
    }
    const def = toFieldDef(
      await one(sql, `INSERT INTO contact_fields (workspace_id, key, label, type, options) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING *`, [
        workspaceId,
        input.key,
        input.label,
        input.type,
        JSON.stringify(options),
      ]),
    );
    return { result: def, events: [pendingEvent('contact.field_changed', { workspaceId, actor, data: { fieldId: def.id, key: def.key, action: 'created' }, subject: def })] };
  });
}

/** A new label or options (an option field); the key and the type stay (values were written for them). */
export async function updateField(ctx: CommandContext, actor: Actor, workspaceId: number, id: number, input: { label?: string; options?: string[] }): Promise<CustomFieldDef> {
  return runCommand(ctx, async (sql) => {
    const row = await maybeOne(sql, 'SELECT * FROM contact_fields WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [id, workspaceId]);
    if (!row) throw notFound('contact_field');
    const current = toFieldDef(row);
    const options = input.options === undefined ? current.options : checkOptions(current.type, input.options);
    const def = toFieldDef(await one(sql, 'UPDATE contact_fields SET label = $2, options = $3::jsonb WHERE id = $1 RETURNING *', [id, input.label ?? current.label, JSON.stringify(options)]));
    return { result: def, events: [pendingEvent('contact.field_changed', { workspaceId, actor, data: { fieldId: id, key: def.key, action: 'updated' }, subject: def })] };
  });
}

/** The definition goes; contacts keep their values, no longer shown or filtered. */
export async function deleteField(ctx: CommandContext, actor: Actor, workspaceId: number, id: number): Promise<void> {
  await runCommand(ctx, async (sql) => {
    const row = await maybeOne(sql, 'DELETE FROM contact_fields WHERE id = $1 AND workspace_id = $2 RETURNING *', [id, workspaceId]);
    if (!row) throw notFound('contact_field');
    const def = toFieldDef(row);
    return { result: undefined, events: [pendingEvent('contact.field_changed', { workspaceId, actor, data: { fieldId: id, key: def.key, action: 'deleted' }, subject: def })] };
  });
}
