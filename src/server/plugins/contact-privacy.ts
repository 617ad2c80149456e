import type { FastifyPluginAsync } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../audit/store.js';
import { agentActor } from '../../commands/conversations.js';
import { eraseContact } from '../../contacts/erase.js';
import { importContacts } from '../../contacts/import.js';
import { mergeContacts, undoMerge } from '../../contacts/merges.js';
import { personalData } from '../../contacts/personal-data.js';
import { exportContacts } from '../../contacts/store.js';
import { contactsToCsv } from '../../core/contacts/csv.js';
import { shownCustomFields } from '../../core/contacts/custom-fields.js';
import { CONTACT_LIMITS } from '../../core/contacts/profile.js';
import { DomainError, notFound } from '../../core/errors.js';
import { assertAdmin, assertCanSeePersonalData, assertSupervisor } from '../../core/permissions.js';
import { getContact, loadFieldDefs } from '../../storage/contacts.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { contactSchema, conversationSchema, errorSchema, idParam, messageSchema } from '../../http/schemas.js';
import { contactFilterQuery, contactFilters, mergeSchema, orderSchema, viewContacts } from './contacts.js';

const recordId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const looseRows = z.array(z.record(z.string(), z.unknown()));

/** The import's OpenAPI entry: the CSV file itself as the body. */
const documentCsvBody: typeof jsonSchemaTransform = (doc) => {
  const out = jsonSchemaTransform(doc);
  return {
    ...out,
    schema: {
      ...out.schema,
      consumes: ['text/csv'],
      body: { type: 'string', description: `The CSV file (UTF-8, a BOM is fine), at most ${CONTACT_LIMITS.importBytes / 1024 / 1024} MB and ${CONTACT_LIMITS.importRows} rows` },
    },
  };
};

/**
 * Personal data (PIPL, docs/privacy.md) and the acts on whole contacts: reveal, CSV export and
 * import, the personal-data copy, erasure, manual merges and their undo. Every one is audited.
 */
export const contactPrivacyPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['contacts'];

  r.post(
    '/contacts/:id/reveal',
    {
      schema: {
        tags,
        operationId: 'revealContact',
        summary: 'The contact with phone, e-mail and ID numbers unmasked (supervisors and admins; audited)',
        params: idParam,
        response: { 200: z.object({ contact: contactSchema }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertCanSeePersonalData(caller);
      const contact = await getContact(ctx.db, caller.workspaceId, req.params.id);
      if (!contact) throw notFound('contact');
      await recordAudit(ctx.db, { workspaceId: caller.workspaceId, actorId: caller.agentId, action: 'contact.revealed', subjectType: 'contact', subjectId: contact.id });
      return { contact: (await viewContacts(ctx.db, req, [contact], true))[0] };
    },
  );

  r.get(
    '/contacts/export',
    {
      schema: {
        tags,
        operationId: 'exportContacts',
        summary: 'The filtered contact list as CSV for Excel (supervisors and admins; unmasked, audited)',
        description: `UTF-8 with BOM, CRLF. Columns externalId, name, phone, email, company, tags (separated by ;), vipLevel, then the custom fields’ keys; imports back unchanged. At most ${CONTACT_LIMITS.exportRows} rows.`,
        querystring: contactFilterQuery.extend({ format: z.enum(['csv']).default('csv') }),
        response: { 200: { description: 'The CSV file', content: { 'text/csv': { schema: z.string() } } }, 403: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      assertCanSeePersonalData(caller);
      const { format: _format, ...query } = req.query;
      const filters = await contactFilters(ctx.db, caller.workspaceId, query);
      const defs = await loadFieldDefs(ctx.db, caller.workspaceId);
      const contacts = await exportContacts(ctx.db, filters, CONTACT_LIMITS.exportRows);
      const csv = contactsToCsv(
        contacts.map((c) => ({ ...c, customFields: shownCustomFields(c.customFields, defs) })),
        defs.map((d) => d.key),
      );
      const { workspaceId: _w, ...shownFilters } = filters;
      await recordAudit(ctx.db, { workspaceId: caller.workspaceId, actorId: caller.agentId, action: 'contacts.exported', subjectType: 'contacts', detail: { filters: shownFilters, rows: contacts.length } });
      const name = `contacts-${new Date().toISOString().slice(0, 10)}.csv`;
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
    },
  );

  await app.register(async (scope) => {
    // the file itself is the body: text/csv up to the limit, anything else 415
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CONTACT_LIMITS.importBytes }, (_req, body, done) => done(null, body));
    scope.addContentTypeParser('*', (req, _payload, done) =>
      done(new DomainError('unsupported_media_type', `send the CSV file itself as text/csv, not ${String(req.headers['content-type'] ?? '(no type)').slice(0, 60)}`, 415), undefined),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/contacts/import',
      {
        bodyLimit: CONTACT_LIMITS.importBytes,
        config: { swaggerTransform: documentCsvBody },
        schema: {
          tags,
          operationId: 'importContacts',
          summary: 'Import contacts from CSV (supervisors and admins; audited): by externalId, else new',
          description:
            'Header: externalId, name, phone, email, company, tags (separated by ; or ；), vipLevel, then custom field keys, in any order. ' +
            'A row with an externalId updates the contact with it (or creates it); without, it creates one. A blank cell leaves the field. ' +
            'Good rows import even when others are refused: errors lists those by line (the header is line 1).',
          response: {
            200: z.object({ created: z.number(), updated: z.number(), errors: z.array(z.object({ line: z.number(), message: z.string() })) }),
            403: errorSchema,
          },
        },
      },
      async (req) => {
        const caller = callerOf(req);
        assertCanSeePersonalData(caller);
        if (typeof req.body !== 'string' || req.body.trim() === '') throw new DomainError('invalid_request', 'send the CSV file as the body (Content-Type: text/csv)', 400);
        return importContacts(ctx, agentActor(caller), caller.workspaceId, req.body);
      },
    );
  });

  r.get(
    '/contacts/:id/personal-data',
    {
      schema: {
        tags,
        operationId: 'exportContactPersonalData',
        summary: 'Everything held on one contact, unmasked (admin; audited): PIPL’s copy for the person',
        params: idParam,
        response: {
          200: z.object({
            contact: contactSchema,
            orders: z.array(orderSchema),
            conversations: z.array(conversationSchema.extend({ messages: z.array(messageSchema) })).describe('With their messages (not private notes)'),
            tickets: looseRows,
            ratings: looseRows,
            visits: looseRows,
            pageViews: looseRows,
            truncated: z.boolean().describe('Some lists were cut at their bounds'),
            exportedAt: z.string(),
          }),
          403: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const data = await personalData(ctx.db, caller.agentId, caller.workspaceId, req.params.id);
      return { ...data, contact: (await viewContacts(ctx.db, req, [data.contact], true))[0] };
    },
  );

  r.post(
    '/contacts/:id/erase',
    {
      schema: {
        tags,
        operationId: 'eraseContact',
        summary: 'Erase a contact’s personal data in place (admin; audited): counts and times stay',
        description: 'Name, e-mail, phone, company, externalId, custom fields, needs and orders’ items are cleared; the customer’s messages keep their rows with empty contents; uploads lose their bytes; the widget token stops working. Twice → 409.',
        params: idParam,
        body: z.object({ confirm: z.literal(true).describe('Must be true: erasure cannot be undone') }).strict(),
        response: { 200: z.object({ contact: contactSchema }), 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      const contact = await eraseContact(ctx, agentActor(caller), caller.workspaceId, req.params.id);
      return { contact: (await viewContacts(ctx.db, req, [contact]))[0] };
    },
  );

  r.post(
    '/contacts/:id/merge',
    {
      schema: {
        tags,
        operationId: 'mergeContact',
        summary: 'Merge this contact into another (supervisors and admins; undoable, audited)',
        description:
          'Conversations, visits and page views, invitations, tickets, ratings, uploads and orders move to `into`; of two open conversations in one inbox the older ends. ' +
          'This contact’s widget token then stands for `into`. A contact the site identified (externalId) is merged into, not from.',
        params: idParam,
        body: z.object({ into: recordId.describe('The contact that stays') }).strict(),
        response: {
          200: z.object({ merge: mergeSchema, endedConversations: z.array(z.number()).describe('Open conversations the merge ended (the older of two in an inbox)') }),
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertSupervisor(caller);
      const out = await mergeContacts(ctx, agentActor(caller), caller.workspaceId, req.params.id, req.body.into);
      return { merge: out.merge, endedConversations: out.ended };
    },
  );

  r.post(
    '/contact-merges/:id/undo',
    {
      schema: {
        tags,
        operationId: 'undoContactMerge',
        summary: 'Undo a manual merge (supervisors and admins): exactly the rows it moved go back',
        description: 'A conversation the merge ended stays ended (stillEnded lists them; reopen one if needed). Undoing twice → 409.',
        params: idParam,
        body: z.object({}).strict().optional(),
        response: {
          200: z.object({
            merge: mergeSchema,
            stillEnded: z.array(z.number()).describe('Conversations the merge ended: they stay ended'),
            note: z.string().nullable().describe('What the undo could not restore, in words'),
          }),
          403: errorSchema,
          404: errorSchema,
          409: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertSupervisor(caller);
      const out = await undoMerge(ctx, agentActor(caller), caller.workspaceId, req.params.id);
      return {
        merge: out.merge,
        stillEnded: out.ended,
        note: out.ended.length ? `${out.ended.length} conversation(s) the merge ended stay ended: ${out.ended.join(', ')}` : null,
      };
    },
  );
};
