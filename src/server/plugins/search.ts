import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addDays, instantOf, isTimeZone } from '../../core/calendar/business-hours.js';
import { DomainError } from '../../core/errors.js';
import { CONVERSATION_STATUSES } from '../../core/model.js';
import { canSeePrivateNotes } from '../../core/permissions.js';
import { excerptOf, normaliseForSearch, queryTerms } from '../../core/search/terms.js';
import { text } from '../../core/text-schema.js';
import { callerOf, requireAgent } from '../../http/context.js';
import { errorSchema } from '../../http/schemas.js';
import { searchTermTools } from '../../nlp/index.js';
import { searchContacts, searchMessages, type SearchFilters } from '../../search/store.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const resultSchema = z.object({
  kind: z.enum(['message', 'contact']).describe('A message holding every word, or a contact whose name, e-mail, phone or order number matches (personal data masked)'),
  conversationId: z.number().nullable().describe('Open this conversation (for a contact: its newest one; null when it has none the filters let through)'),
  messageId: z.number().nullable().describe('The matching message: open the conversation at it'),
  seq: z.number().nullable(),
  excerpt: z.string().describe('The message around the match, or the contact’s name · phone · e-mail'),
  highlights: z.array(z.array(z.number().int()).length(2)).describe('[start, end) offsets in excerpt to highlight'),
  private: z.boolean().describe('A private note (内部备注)'),
  senderType: z.string().nullable(),
  createdAt: z.string().nullable(),
  status: z.string().nullable().describe('The conversation’s status'),
  contactId: z.number().nullable(),
  contactName: z.string().nullable(),
});

/** Full-text search over conversations, messages and contacts (docs/search.md). */
export const searchPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', requireAgent);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const ctx = app.zhike;

  r.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        operationId: 'search',
        summary: 'Search conversations and messages by words (Chinese segmented with jieba), contacts by name, phone, e-mail or order number',
        description:
          'A message matches when it holds every word of q (the query 申请退款 finds the message 我想申请退款 too). Traditional characters and full-width forms count as simplified and ASCII. ' +
          'Newest first, a page at a time (next → before). Contacts come on the first page only. Private notes only to roles that may see them.',
        querystring: z
          .object({
            q: text({ trim: true, min: 1, max: 200 }),
            inboxId: id.optional(),
            agentId: id.optional().describe('The conversation’s agent'),
            groupId: id.optional(),
            status: z.enum(CONVERSATION_STATUSES).optional(),
            from: z.string().regex(DATE, 'a date YYYY-MM-DD').optional().describe('First day (YYYY-MM-DD in tz), inclusive'),
            to: z.string().regex(DATE, 'a date YYYY-MM-DD').optional().describe('Last day (YYYY-MM-DD in tz), inclusive'),
            tz: text({ min: 1, max: 64 }).default('Asia/Shanghai').describe('IANA time zone of from and to'),
            rating: z.coerce.number().int().min(1).max(5).optional().describe('The conversation’s 满意度 score'),
            intent: text({ min: 1, max: 40 }).optional().describe('The conversation’s intent (agent assist)'),
            tag: z
              .union([text({ trim: true, min: 1, max: 20 }), z.array(text({ trim: true, min: 1, max: 20 })).max(10)])
              .optional()
              .describe('The customer’s tag (客户画像); repeat it for several, all of which the customer has'),
            before: id.optional().describe('The next field of the previous page'),
            limit: z.coerce.number().int().min(1).max(50).default(20),
          })
          .strict(),
        response: {
          200: z.object({
            results: z.array(resultSchema),
            terms: z.array(z.string()).describe('The words searched for, as cut'),
            next: z.number().nullable().describe('Pass as before for the next page; null: no more'),
          }),
          400: errorSchema,
          401: errorSchema,
        },
      },
    },
    async (req) => {
      const caller = callerOf(req);
      const qs = req.query;
      const tools = searchTermTools();
      if (!isTimeZone(qs.tz)) throw new DomainError('invalid_time_zone', `"${qs.tz}" is not an IANA time zone such as Asia/Shanghai`, 400);
      const filters: SearchFilters = {
        inboxId: qs.inboxId,
        agentId: qs.agentId,
        groupId: qs.groupId,
        status: qs.status,
        from: qs.from ? dayStart(qs.from, qs.tz) : undefined,
        to: qs.to ? dayStart(addDays(qs.to, 1), qs.tz) : undefined,
        rating: qs.rating,
        intent: qs.intent,
        tags: qs.tag === undefined ? undefined : Array.isArray(qs.tag) ? qs.tag : [qs.tag],
      };
      const terms = queryTerms(qs.q, tools);
      const messages = terms.length
        ? await searchMessages(ctx.db, { workspaceId: caller.workspaceId, terms, includePrivate: canSeePrivateNotes(caller.role), filters, before: qs.before, limit: qs.limit + 1 })
        : [];
      const more = messages.length > qs.limit;
      const page = messages.slice(0, qs.limit);
      const results: z.infer<typeof resultSchema>[] = [];
      // contacts on the first page, where a message-only filter does not rule them out
      if (qs.before === undefined && !filters.from && !filters.to && filters.rating === undefined && filters.intent === undefined) {
        const needle = normaliseForSearch(qs.q, tools.toSimplified).trim();
        const digits = qs.q.replace(/\D/g, '');
        for (const c of await searchContacts(ctx.db, { workspaceId: caller.workspaceId, text: qs.q.trim(), digits: digits.length >= 4 ? digits : null, filters, limit: 5 })) {
          // masked as everywhere (docs/privacy.md); an order number that matched is shown too
          const shown = [c.contactName, c.phone, c.email, c.orderId].filter(Boolean).join(' · ');
          // marked in the text as shown: the name as typed, the order number, or the phone's digits in its own spacing (when not masked away)
          let { highlights } = excerptOf(shown, [needle, ...(digits.length >= 4 ? [digits] : [])].filter(Boolean), { chars: 400, toSimplified: tools.toSimplified });
          // found by the phone's digits, which its mask hides: the masked phone is marked
          if (highlights.length === 0 && c.phone && digits.length >= 4) {
            const at = shown.indexOf(c.phone);
            if (at >= 0) highlights = [[at, at + c.phone.length]];
          }
          results.push({
            kind: 'contact',
            conversationId: c.conversationId,
            messageId: null,
            seq: null,
            excerpt: shown,
            highlights,
            private: false,
            senderType: null,
            createdAt: null,
            status: c.status,
            contactId: c.contactId,
            contactName: c.contactName,
          });
        }
      }
      for (const m of page) {
        const { text: excerpt, highlights } = excerptOf(m.content, terms, { toSimplified: tools.toSimplified });
        results.push({
          kind: 'message',
          conversationId: m.conversationId,
          messageId: m.messageId,
          seq: m.seq,
          excerpt,
          highlights,
          private: m.private,
          senderType: m.senderType,
          createdAt: m.createdAt,
          status: m.status,
          contactId: null,
          contactName: m.contactName,
        });
      }
      return { results, terms, next: more ? page[page.length - 1].messageId : null };
    },
  );
};

/** The instant a local date begins in `tz`. */
const dayStart = (date: string, tz: string) => instantOf(date, 0, tz);
