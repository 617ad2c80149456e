import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { updateContact } from '../../commands/contacts.js';
import { agentActor } from '../../commands/conversations.js';
import { createField, deleteField, updateField } from '../../contacts/fields.js';
import { upsertOrder } from '../../contacts/orders.js';
import { contactTimeline, customFieldFilter, listContacts, listOrders, mergesOf, type ContactFilters } from '../../contacts/store.js';
import { CUSTOM_FIELD_TYPES, FIELD_KEY_PATTERN } from '../../core/contacts/custom-fields.js';
import { presentContact, type ContactView } from '../../core/contacts/present.js';
import { CONTACT_LIMITS, LOST_REASONS, NEED_KEYS, TEMPERAMENTS } from '../../core/contacts/profile.js';
import { localeOf } from '../../core/contacts/temperament.js';
import { DomainError, forbidden, notFound } from '../../core/errors.js';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS, PHONE_PATTERN } from '../../core/limits.js';
import type { Contact } from '../../core/model.js';
import { assertAdmin, assertSupervisor, servesCustomers, type Caller } from '../../core/permissions.js';
import { nameText, text } from '../../core/text-schema.js';
import { getContact, loadFieldDefs } from '../../storage/contacts.js';
import { listConversations } from '../../storage/conversations.js';
import type { Db } from '../../storage/db.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { contactSchema, conversationSchema, errorSchema, idParam, isoTime, parseTimeIdCursor, timeIdCursor } from '../../http/schemas.js';

// ---------------------------------------------------------------- shapes shared with the privacy routes

export const timelineItemSchema = z.object({
  kind: z.enum(['conversation', 'ticket', 'complaint', 'rating', 'visit', 'order']),
  at: z.string().describe('When it happened (ISO-8601)'),
  id: z.number().describe('The record’s id in its kind'),
  title: z.string(),
  detail: z.string().optional(),
  status: z.string().optional(),
  score: z.number().optional().describe('满意度 score 1–5 (rating)'),
  conversationId: z.number().optional(),
  ticketId: z.number().optional(),
  channel: z.string().optional(),
});

export const mergeSchema = z.object({
  id: z.number(),
  fromContactId: z.number(),
  intoContactId: z.number(),
  createdAt: z.string(),
  undoneAt: z.string().nullable(),
});

export const orderSchema = z.object({
  id: z.number(),
  contactId: z.number(),
  orderId: z.string(),
  items: z.array(z.object({ name: z.string(), quantity: z.number(), price: z.number().optional() })),
  amount: z.number(),
  currency: z.string(),
  status: z.string(),
  orderedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const fieldSchema = z.object({
  id: z.number(),
  key: z.string(),
  label: z.string(),
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.string()),
});

const tagText = text({ trim: true, min: 1, max: CONTACT_LIMITS.tagChars });
const cfText = text({ max: 240 }).regex(/^[a-z][a-z0-9_]{0,31}:/, 'cf is key:value, e.g. city:上海');
/** One or several: a repeated query parameter arrives as an array. */
const oneOrMany = <T extends z.ZodType>(s: T, max: number) => z.union([s, z.array(s).max(max)]);
const many = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The list's filters, shared by GET /contacts and its CSV export. */
export const contactFilterQuery = z.object({
  q: text({ trim: true, max: 100 }).optional().describe('Name, company, e-mail, phone (digits, any spacing), externalId or an order number'),
  tag: oneOrMany(tagText, CONTACT_LIMITS.tags).optional().describe('Repeatable: every tag must match'),
  vipLevel: z.coerce.number().int().min(0).max(CONTACT_LIMITS.maxVipLevel).optional(),
  temperament: z.enum(TEMPERAMENTS).optional(),
  lost: z.enum(['any', 'none', 'true', 'false', ...LOST_REASONS]).optional().describe('any (true) lost for any reason, none (false) not lost, or one reason'),
  cf: oneOrMany(cfText, 20).optional().describe('Repeatable key:value, a custom field equals the value'),
});

/** The filters as the store takes them: custom fields typed by their definitions (an unknown key is 400). */
export async function contactFilters(db: Db, workspaceId: number, q: z.infer<typeof contactFilterQuery>): Promise<ContactFilters> {
  const cf = many(q.cf);
  const customFields: Record<string, string | number> = {};
  if (cf.length) {
    const defs = await loadFieldDefs(db, workspaceId);
    for (const pair of cf) {
      const at = pair.indexOf(':');
      const key = pair.slice(0, at);
      const value = customFieldFilter(defs, key, pair.slice(at + 1));
      if (value === null) throw new DomainError('unknown_custom_field', `there is no custom field "${key}" to filter by (or "${pair.slice(at + 1).slice(0, 20)}" is not a number)`, 400, { field: key });
      customFields[key] = value;
    }
  }
  const lost = q.lost === 'true' ? 'any' : q.lost === 'false' ? 'none' : q.lost;
  return { workspaceId, q: q.q || undefined, tags: many(q.tag), vipLevel: q.vipLevel, temperament: q.temperament, lost, customFields };
}

/** Contacts as this request may see them: masked unless `reveal`, the hint in the caller's language. */
export async function viewContacts(db: Db, req: FastifyRequest, contacts: Contact[], reveal = false): Promise<ContactView[]> {
  const fields = await loadFieldDefs(db, callerOf(req).workspaceId);
  const locale = localeOf(req.headers['accept-language']);
  return contacts.map((c) => presentContact(c, { reveal, locale, fields }));
}

const QA_READ_ONLY = '质检 accounts read customers; they do not edit them';
function assertServes(caller: Caller): void {
  if (!servesCustomers(caller.role)) throw forbidden(QA_READ_ONLY);
}

// any JSON value here: each is checked against its field's definition (400 invalid_custom_field naming it)
const fieldValue = z.unknown().describe('Per the field’s type: text (≤ 500 characters), a number, a date YYYY-MM-DD or one of its options; null removes the value');
const needText = text({ trim: true, max: CONTACT_LIMITS.needChars }).nullable().optional();
const MASKED_PHONE = /^[0-9+\-() *]{3,30}$/;
const EMAIL_OK = z.email();

/** 客户画像: the list, one customer's profile and timeline, edits, custom fields, orders. */
export const contactsPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;
  const tags = ['contacts'];

  r.get(
    '/contacts',
    {
      schema: {
        tags,
        operationId: 'listContacts',
        summary: 'Contacts, newest activity first, by words, tags, VIP level, temperament, 流失 or custom field',
        description: 'Phone, e-mail and ID numbers are masked for everyone here (POST /contacts/{id}/reveal shows one contact, audited). Merged-away duplicates are left out.',
        querystring: contactFilterQuery.extend({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: timeIdCursor.optional().describe('The nextCursor of the previous page'),
        }),
        response: { 200: z.object({ contacts: z.array(contactSchema), nextCursor: z.string().nullable().describe('null: no more') }) },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const filters = await contactFilters(ctx.db, caller.workspaceId, req.query);
      const cursor = req.query.cursor ? parseTimeIdCursor(req.query.cursor) : undefined;
      const page = await listContacts(ctx.db, filters, { limit: req.query.limit, cursor: cursor && { at: cursor.updatedAt, id: cursor.id } });
      return { contacts: await viewContacts(ctx.db, req, page.contacts), nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/contacts/:id',
    {
      schema: {
        tags,
        operationId: 'getContact',
        summary: 'A contact’s profile: details, conversations, the timeline of everything (newest first) and merges',
        params: idParam,
        response: {
          200: z.object({
            contact: contactSchema,
            conversations: z.array(conversationSchema),
            timeline: z.array(timelineItemSchema).describe('Conversations (any inbox), tickets, complaints, 满意度 answers, visits and orders, newest first, at most 200'),
            merges: z.array(mergeSchema).describe('Manual merges into and out of this contact, newest first (undo: POST /contact-merges/{id}/undo)'),
          }),
          404: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const contact = await getContact(ctx.db, caller.workspaceId, req.params.id);
      if (!contact) throw notFound('contact');
      const conversations = await listConversations(ctx.db, {
        workspaceId: caller.workspaceId,
        callerId: caller.agentId,
        contactId: contact.id,
        status: 'all',
        assignee: 'all',
        limit: 50,
      });
      const [view] = await viewContacts(ctx.db, req, [contact]);
      return { contact: view, conversations, timeline: await contactTimeline(ctx.db, contact.id), merges: await mergesOf(ctx.db, contact.id) };
    },
  );

  r.patch(
    '/contacts/:id',
    {
      schema: {
        tags,
        operationId: 'updateContact',
        summary: 'Edit a contact’s profile (null clears a field; custom fields and needs merge)',
        description:
          'A value sent back exactly as shown masked (138****8000) leaves the stored one. vip / vipLevel: supervisors and admins (vip true alone means level 1). ' +
          'customFields: by key, per the workspace’s definitions (400 unknown_custom_field or invalid_custom_field otherwise); null removes one.',
        params: idParam,
        body: z
          .object({
            name: nameText({ min: 1, max: MAX_NAME_CHARS }).nullable().optional(),
            email: text({ trim: true, max: MAX_EMAIL_CHARS })
              .refine((v) => EMAIL_OK.safeParse(v).success || (v.includes('*') && v.includes('@')), 'not an e-mail address')
              .nullable()
              .optional(),
            phone: text({ trim: true })
              .refine((v) => PHONE_PATTERN.test(v) || MASKED_PHONE.test(v), 'a phone number has 3–30 digits, spaces, + - ( )')
              .nullable()
              .optional(),
            company: text({ trim: true, max: CONTACT_LIMITS.companyChars }).nullable().optional(),
            tags: z.array(text({ max: 100 })).max(100).optional().describe('标签: at most 20 after trimming and dropping repeats, each 1–20 characters'),
            vip: z.boolean().optional().describe('VIP 客户 (supervisors and admins): queued first'),
            vipLevel: z.number().int().min(0).max(CONTACT_LIMITS.maxVipLevel).optional().describe('0–5, 0 = not VIP (supervisors and admins)'),
            customFields: z
              .record(text({ max: 32 }), fieldValue)
              .refine((o) => Object.keys(o).length <= CONTACT_LIMITS.fields, `at most ${CONTACT_LIMITS.fields} fields at once`)
              .optional(),
            temperament: z.enum(TEMPERAMENTS).nullable().optional(),
            needs: z
              .object(Object.fromEntries(NEED_KEYS.map((k) => [k, needText])) as Record<(typeof NEED_KEYS)[number], typeof needText>)
              .strict()
              .optional()
              .describe('The five needs (METHOD.md §5), each at most 500 characters; null or blank removes one'),
            lost: z
              .object({ reason: z.enum(LOST_REASONS), note: text({ trim: true, max: CONTACT_LIMITS.lostNoteChars }).nullable().optional() })
              .strict()
              .nullable()
              .optional()
              .describe('流失: the customer left, and why; null: not lost'),
          })
          .strict(),
        response: { 200: contactSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertServes(caller);
      if (req.body.vip !== undefined || req.body.vipLevel !== undefined) assertSupervisor(caller);
      const contact = await updateContact(ctx, agentActor(caller), caller.workspaceId, req.params.id, req.body);
      return (await viewContacts(ctx.db, req, [contact]))[0];
    },
  );

  // ------------------------------------------------------------ custom fields (客户字段)

  r.get(
    '/contact-fields',
    {
      schema: {
        tags,
        operationId: 'listContactFields',
        summary: 'The workspace’s custom contact fields (客户字段)',
        response: { 200: z.object({ fields: z.array(fieldSchema) }) },
      },
    },
    async (req) => ({ fields: await loadFieldDefs(ctx.db, callerOf(req).workspaceId) }),
  );

  r.post(
    '/contact-fields',
    {
      schema: {
        tags,
        operationId: 'createContactField',
        summary: 'Define a custom contact field (admin)',
        description: `key: ^[a-z][a-z0-9_]{0,31}$, unique; at most ${CONTACT_LIMITS.fields} fields. An option field lists its options.`,
        body: z
          .object({
            key: text().regex(FIELD_KEY_PATTERN, 'a key is a lower-case letter, then up to 31 letters, digits or _'),
            label: nameText({ min: 1, max: CONTACT_LIMITS.fieldLabelChars }),
            type: z.enum(CUSTOM_FIELD_TYPES),
            options: z.array(text({ max: CONTACT_LIMITS.fieldOptionChars })).max(CONTACT_LIMITS.fieldOptions).optional(),
          })
          .strict(),
        response: { 201: fieldSchema, 403: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      return reply.code(201).send(await createField(ctx, agentActor(caller), caller.workspaceId, req.body));
    },
  );

  r.patch(
    '/contact-fields/:id',
    {
      schema: {
        tags,
        operationId: 'updateContactField',
        summary: 'Rename a custom field or change its options (admin); key and type stay',
        params: idParam,
        body: z
          .object({
            label: nameText({ min: 1, max: CONTACT_LIMITS.fieldLabelChars }).optional(),
            options: z.array(text({ max: CONTACT_LIMITS.fieldOptionChars })).max(CONTACT_LIMITS.fieldOptions).optional(),
          })
          .strict(),
        response: { 200: fieldSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      return updateField(ctx, agentActor(caller), caller.workspaceId, req.params.id, req.body);
    },
  );

  r.delete(
    '/contact-fields/:id',
    {
      schema: {
        tags,
        operationId: 'deleteContactField',
        summary: 'Delete a custom field (admin): contacts keep their values, no longer shown or filtered',
        params: idParam,
        response: { 204: z.null().describe('Deleted'), 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      assertAdmin(caller);
      await deleteField(ctx, agentActor(caller), caller.workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  // ------------------------------------------------------------ orders

  r.post(
    '/contacts/:id/orders',
    {
      schema: {
        tags,
        operationId: 'saveContactOrder',
        summary: 'Push an order of the contact (created 201, or updated 200 by orderId)',
        description: 'An order number belongs to one contact of the workspace: another contact’s is 409. Order numbers are found by the list’s q and by search.',
        params: idParam,
        body: z
          .object({
            orderId: text({ trim: true, min: 1, max: 64 }).describe('The site’s order number'),
            items: z
              .array(
                z
                  .object({
                    name: text({ trim: true, min: 1, max: 200 }),
                    quantity: z.number().int().min(1).max(1_000_000),
                    price: z.number().min(0).max(1e12).optional(),
                  })
                  .strict(),
              )
              .max(CONTACT_LIMITS.orderItems),
            amount: z.number().min(0).max(1e12),
            currency: text().regex(/^[A-Z]{3}$/, 'a currency is three capital letters, e.g. CNY').default('CNY'),
            status: text({ trim: true, min: 1, max: 40 }).describe('The site’s own status, e.g. 已发货'),
            orderedAt: isoTime,
          })
          .strict(),
        response: { 200: orderSchema, 201: orderSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      assertServes(caller);
      const { order, created } = await upsertOrder(ctx, agentActor(caller), caller.workspaceId, req.params.id, req.body);
      return reply.code(created ? 201 : 200).send(order);
    },
  );

  r.get(
    '/contacts/:id/orders',
    {
      schema: {
        tags,
        operationId: 'listContactOrders',
        summary: 'The contact’s orders, newest first',
        params: idParam,
        response: { 200: z.object({ orders: z.array(orderSchema) }), 404: errorSchema },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const contact = await getContact(ctx.db, caller.workspaceId, req.params.id);
      if (!contact) throw notFound('contact');
      return { orders: await listOrders(ctx.db, contact.id) };
    },
  );
};
