import { recordAudit } from '../audit/store.js';
import { runCommand, type CommandContext } from '../commands/context.js';
import { parseContactImport, type CsvLineError, type ImportRow } from '../core/contacts/csv.js';
import { pendingEvent } from '../core/events.js';
import type { Actor } from '../core/model.js';
import { loadFieldDefs } from '../storage/contacts.js';
import { maybeOne, type Sql } from '../storage/db.js';

export interface ImportOutcome {
  created: number;
  updated: number;
  errors: CsvLineError[];
}

/**
 * A CSV of contacts (docs/contacts.md): a row with an externalId updates the contact the site
 * knows by it (or creates it), a row without one creates a contact. A blank cell leaves the
 * field as it is; good rows import even when others are refused (`errors`, by line). One
 * transaction, one `contacts.imported` event, audited.
 */
export async function importContacts(ctx: CommandContext, actor: Actor, workspaceId: number, csv: string): Promise<ImportOutcome> {
  const defs = await loadFieldDefs(ctx.db, workspaceId);
  const { rows, errors } = parseContactImport(csv, defs);
  return runCommand(ctx, async (sql) => {
    let created = 0;
    let updated = 0;
    for (const row of rows) {
      if (await saveRow(sql, workspaceId, row)) created++;
      else updated++;
    }
    await recordAudit(sql, { workspaceId, actorId: actor.id, action: 'contacts.imported', subjectType: 'contacts', detail: { created, updated, refused: errors.length } });
    const counts = { created, updated };
    return { result: { created, updated, errors }, events: created + updated > 0 ? [pendingEvent('contacts.imported', { workspaceId, actor, data: counts, subject: counts })] : [] };
  });
}

/** One row: true when it made a new contact. */
async function saveRow(sql: Sql, workspaceId: number, row: ImportRow): Promise<boolean> {
  const f = row.fields;
  const existing = row.externalId === null ? null : await maybeOne(sql, 'SELECT id FROM contacts WHERE workspace_id = $1 AND external_id = $2 FOR UPDATE', [workspaceId, row.externalId]);
  const values = [
    f.name ?? null,
    f.phone ?? null,
    f.email ?? null,
    f.company ?? null,
    f.tags ?? null,
    f.vipLevel ?? null,
    JSON.stringify(row.customFields),
  ];
  if (existing) {
    await sql.query(
      `UPDATE contacts SET name = COALESCE($2, name), phone = COALESCE($3, phone), email = COALESCE($4, email), company = COALESCE($5, company),
         tags = COALESCE($6::text[], tags), vip_level = COALESCE($7, vip_level), vip = COALESCE($7 > 0, vip), custom_fields = custom_fields || $8::jsonb
       WHERE id = $1`,
      [existing.id, ...values],
    );
    return false;
  }
  await sql.query(
    `INSERT INTO contacts (workspace_id, external_id, name, phone, email, company, tags, vip_level, vip, custom_fields)
     VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::text[], '{}'), COALESCE($8, 0), COALESCE($8 > 0, false), $9::jsonb)`,
    [workspaceId, row.externalId, ...values],
  );
  return true;
}
