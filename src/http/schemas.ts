import { z } from 'zod';
import { AVAILABILITIES, CONVERSATION_STATUSES, ROLES } from '../core/model.js';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_ATTRIBUTE_CHARS, MAX_CLIENT_MESSAGE_ID, MAX_MESSAGE_CHARS, MAX_NAME_CHARS } from '../core/limits.js';
import { nameText, text } from '../core/text-schema.js';
import { LOST_REASONS, NEED_KEYS, TEMPERAMENTS } from '../core/contacts/profile.js';

/**
 * Shared API shapes. The comments (`describe`) are the API documentation: they
 * end up in /api/v1/openapi.json. Every string a client sends is a `text()` (400
 * invalid_text for NUL or a lone surrogate; lengths in code points) and every name a
 * `nameText()` (also cleaned of bidirectional controls and stray zero-width characters).
 */
export const idParam = z.object({ id: z.coerce.number().int().positive().describe('Record id') });

/** The largest value of a PostgreSQL integer (int4) column: seq numbers, counts. Larger is 400, not a database error. */
export const INT4_MAX = 2_147_483_647;

/**
 * A keyset cursor `<ISO time>_<id>` (what a list returned as nextCursor), parsed and
 * range-checked here: a time the database cannot hold is 400, not a 500.
 */
export const timeIdCursor = text({ max: 64 })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z_\d{1,15}$/, 'use the nextCursor of the previous page')
  .refine((c) => {
    const at = c.slice(0, c.lastIndexOf('_'));
    const t = Date.parse(at);
    // a real calendar time (no 13th month, no 30 February) from year 1 to 9999
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 19) === at.slice(0, 19) && !at.startsWith('0000');
  }, 'this cursor is not one the server gave: use the nextCursor of the previous page');

/**
 * A time a client sends (ISO 8601 with an offset), checked to be a real calendar time (no
 * 30 February, offsets within ±14:00) from year 1 to 9999, so the database never refuses it.
 * `utc` gives it as UTC for SQL.
 */
export const isoTime = z.iso
  .datetime({ offset: true })
  .refine((v) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})T.*?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(v);
    if (!m || m[1] === '0000') return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return false;
    if (m[5] !== undefined && Number(m[5]) * 60 + Number(m[6]) > 14 * 60) return false;
    const t = Date.parse(v);
    return Number.isFinite(t) && new Date(t).getUTCFullYear() <= 9999 && new Date(t).getUTCFullYear() >= 1;
  }, 'not a real time: an ISO 8601 date and time from year 1 to 9999, with Z or an offset within ±14:00');

export const utc = (v: string) => new Date(v).toISOString();

export function parseTimeIdCursor(c: string): { updatedAt: string; id: number } {
  const at = c.lastIndexOf('_');
  return { updatedAt: c.slice(0, at), id: Number(c.slice(at + 1)) };
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code, e.g. message_too_long'),
      message: z.string().describe('What was wrong and what to do'),
      details: z.record(z.string(), z.unknown()).optional().describe('e.g. { limit: 5000 }'),
    }),
  })
  // one named schema (components.schemas.Error): a generated client gets one error type
  .meta({ id: 'Error', description: 'Every 4xx/5xx answer has this shape' });

export const attachmentRefSchema = z.object({
  id: z.number(),
  url: z.string().describe('Capability URL: unguessable, loads without headers'),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
});

export const botMetaSchema = z
  .object({
    kind: z.enum(['answer', 'choices', 'none', 'smalltalk', 'ask_purpose', 'farewell', 'handoff', 'summary']).describe(
      'answer: from the 知识库 (rate it with …/bot/feedback); choices: "您是不是想问" (answer one with …/bot/choose); handoff: to a person; summary: the agents’ one-line note',
    ),
    articleId: z.number().optional(),
    rephrased: z.boolean().optional().describe('answer: worded by the optional model from the article only'),
    choices: z.array(z.object({ articleId: z.number(), question: z.string() })).optional(),
    reason: z.string().optional(),
  })
  .describe('What the bot did');

const csatRequestMetaSchema = z
  .object({
    kind: z.literal('request'),
    source: z.enum(['close', 'invite']),
    labels: z.array(z.string()).length(5).describe('labels[0] names score 1 … labels[4] score 5'),
    reasons: z.array(z.string()),
    thanks: z.string(),
    changeHours: z.number(),
  })
  .describe('满意度: the customer is asked to rate the conversation (render a rating card; POST …/rating)');

export const messageMetaSchema = z.object({ bot: botMetaSchema.optional(), csat: csatRequestMetaSchema.optional() }).nullable().describe('Structured data for clients to render (the bot’s answers and choices); null for ordinary messages');

export const messageSchema = z
  .object({
    id: z.number(),
    conversationId: z.number(),
    seq: z.number().describe('Per-conversation sequence number, 1, 2, 3… in the order the server stored them'),
    senderType: z.enum(['customer', 'agent', 'bot', 'system']),
    senderId: z.number().nullable(),
    senderName: z.string().nullable(),
    content: z.string().describe('Plain text; clients must render it as text, never as HTML'),
    contentType: z.enum(['text', 'image', 'file']),
    private: z.boolean().describe('Private note (内部备注): agents only, never shown to the customer'),
    attachments: z.array(attachmentRefSchema),
    clientMessageId: z.string().nullable(),
    channel: z.string(),
    meta: messageMetaSchema,
    createdAt: z.string().describe('Server time, ISO-8601'),
  })
  .describe('A message');

export const customerMessageSchema = messageSchema.omit({ private: true });

export const conversationSchema = z.object({
  id: z.number(),
  workspaceId: z.number(),
  inboxId: z.number(),
  contactId: z.number(),
  contactName: z.string().nullable(),
  status: z.enum(CONVERSATION_STATUSES),
  assigneeId: z.number().nullable(),
  lastSeq: z.number().describe('seq of the newest message'),
  unreadCount: z.number(),
  lastMessageAt: z.string().nullable(),
  lastMessagePreview: z.string().nullable(),
  channel: z.string(),
  handler: z.enum(['bot', 'human', 'offline']).describe('bot (机器人), human (people: assigned or queued), offline (留言: nobody could answer)'),
  groupId: z.number().nullable().describe('技能组; null: all agents'),
  topic: z.string().nullable().describe('Pre-chat topic the customer chose'),
  locale: z.enum(['zh-CN', 'en']).describe('The customer’s language: automatic replies and the bot speak it'),
  priority: z.number().describe('Queue priority: VIP customers have 1'),
  queuedAt: z.string().nullable().describe('Waiting in the queue since'),
  abandonedAt: z.string().nullable().describe('The customer left the queue'),
  waitingSince: z.string().nullable().describe('Oldest unanswered customer message: apologise for the wait when it is old'),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});

export const contactAttributesSchema = z
  .object({
    browser: text({ max: MAX_ATTRIBUTE_CHARS.browser }).optional(),
    os: text({ max: MAX_ATTRIBUTE_CHARS.os }).optional(),
    userAgent: text({ max: MAX_ATTRIBUTE_CHARS.userAgent }).optional(),
    language: text({ max: MAX_ATTRIBUTE_CHARS.language }).optional(),
    firstPageUrl: text({ max: MAX_ATTRIBUTE_CHARS.firstPageUrl }).optional(),
    firstPageTitle: text({ max: MAX_ATTRIBUTE_CHARS.firstPageTitle }).optional(),
    referrer: text({ max: MAX_ATTRIBUTE_CHARS.referrer }).optional(),
    timezone: text({ max: MAX_ATTRIBUTE_CHARS.timezone }).optional(),
    screen: text({ max: MAX_ATTRIBUTE_CHARS.screen }).optional(),
  })
  .describe('What the widget knows about the visitor’s browser and first page');

export const contactSchema = z.object({
  id: z.number(),
  workspaceId: z.number(),
  inboxId: z.number().nullable(),
  name: z.string().nullable(),
  vip: z.boolean(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  attributes: contactAttributesSchema,
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  company: z.string().nullable(),
  tags: z.array(z.string()).describe('标签: at most 20, each 1–20 characters'),
  vipLevel: z.number().int().min(0).max(5).describe('VIP level, 0 = not VIP (vip is vipLevel > 0)'),
  externalId: z.string().nullable().describe('The site’s signed user id (docs/identity.md); read-only'),
  customFields: z.record(z.string(), z.union([z.string(), z.number()])).describe('Values of the workspace’s custom fields (GET /contact-fields), by key; a date is YYYY-MM-DD'),
  temperament: z.enum(TEMPERAMENTS).nullable().describe('活泼 lively, 力量 forceful, 完美 perfectionist, 和平 peaceful'),
  temperamentHint: z.string().nullable().describe('One line of coaching for the temperament, in the caller’s language (Accept-Language: en…, else Chinese)'),
  needs: z.object(Object.fromEntries(NEED_KEYS.map((k) => [k, z.string().optional()])) as Record<(typeof NEED_KEYS)[number], z.ZodOptional<z.ZodString>>).describe('The five needs, agents’ notes: stated, real, unstated, delight, secret'),
  lost: z
    .object({ reason: z.enum(LOST_REASONS), note: z.string().nullable(), at: z.string() })
    .nullable()
    .describe('流失: poor_service 服务差, nobody_cared 无人关心, price 价格, better_product 更好的产品, other 搬迁等其他'),
  masked: z.boolean().describe('Phone, e-mail or ID numbers in this answer are masked (POST /contacts/{id}/reveal shows them to supervisors and admins, audited)'),
  erasedAt: z.string().nullable().describe('When the contact’s personal data was erased (PIPL)'),
});

export const agentSchema = z.object({
  id: z.number(),
  workspaceId: z.number(),
  email: z.string(),
  name: z.string(),
  agentNo: z.string().nullable().describe('工号'),
  role: z.enum(ROLES),
  active: z.boolean(),
  availability: z.enum(AVAILABILITIES),
  maxConcurrent: z.number().describe('接待上限: most open conversations at once'),
  createdAt: z.string(),
});

export const inboxSettingsSchema = z
  .object({
    title: nameText({ max: MAX_NAME_CHARS }).optional().describe('Widget header, e.g. 在线客服'),
    greeting: text({ max: 500 }).optional().describe('The 欢迎语: the same setting as reception messages.welcome (shown by the widget, then the conversation’s first message)'),
    color: text().regex(/^#[0-9a-fA-F]{6}$/, 'colour must look like #1677ff').optional(),
    locale: z.enum(['zh-CN', 'en']).optional(),
  })
  .strict();

export const inboxSchema = z.object({
  id: z.number(),
  workspaceId: z.number(),
  name: z.string(),
  channelType: z.enum(['web', 'api']),
  token: z.string().describe('Public inbox token for the widget snippet (data-inbox)'),
  settings: inboxSettingsSchema,
  createdAt: z.string(),
});

/** The length limit is enforced by the domain core, which answers 400 message_too_long with details.limit. */
export const messageContent = text().describe(`Plain text, at most ${MAX_MESSAGE_CHARS} characters (400 message_too_long beyond)`);

export const clientMessageId = text({ min: 1, max: MAX_CLIENT_MESSAGE_ID }).describe('Client-generated id (a UUID): a resend with the same id returns the original message, never a copy');

export const attachmentIds = z
  .array(z.number().int().positive())
  .max(MAX_ATTACHMENTS_PER_MESSAGE)
  .describe('Ids returned by the attachment upload');

export const messagesQuery = z.object({
  after: z.coerce.number().int().min(0).max(INT4_MAX).optional().describe('Only messages with seq greater than this, oldest first (resync)'),
  before: z.coerce.number().int().min(1).max(INT4_MAX).optional().describe('Older history: messages with seq less than this'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const hhmm = text().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'times look like 09:00');
const timeRange = z.object({ start: hhmm, end: hhmm });
export const calendarInputSchema = z.object({
  name: nameText({ min: 1, max: MAX_NAME_CHARS }),
  timezone: text({ min: 1, max: 64 }).describe('IANA time zone, e.g. Asia/Shanghai'),
  weekly: z
    .partialRecord(z.enum(['0', '1', '2', '3', '4', '5', '6']), z.array(timeRange).max(6))
    .describe('Weekday (0 = Sunday … 6 = Saturday) → opening hours; a missing day is closed'),
  holidays: z
    .array(z.object({ date: text().regex(/^\d{4}-\d{2}-\d{2}$/), name: nameText({ max: 50 }).optional(), hours: z.array(timeRange).max(6).optional() }))
    .max(400)
    .describe('Dated exceptions: closed (no hours) or special hours such as 调休 working days'),
});
export const calendarSchema = calendarInputSchema.extend({ id: z.number(), workspaceId: z.number(), createdAt: z.string() });

export const skillGroupSchema = z.object({
  id: z.number(),
  workspaceId: z.number(),
  name: z.string(),
  strategy: z.enum(['load_balanced', 'round_robin', 'manual']).describe('load_balanced (fewest open conversations), round_robin, or manual (agents pick from the queue)'),
  sticky: z.boolean().describe('Returning customers go to the agent who served them last, if available with room'),
  leaderId: z.number().nullable().describe('组长: escalation target'),
  memberIds: z.array(z.number()),
  createdAt: z.string(),
});

const invitationRuleSchema = z.object({
  id: text({ min: 1, max: 40 }),
  name: nameText({ min: 1, max: MAX_NAME_CHARS }),
  enabled: z.boolean().default(true),
  pathPattern: text({ max: 300 }).optional().describe('Path glob: /pricing, /products/*'),
  minSecondsOnPage: z.number().int().min(0).max(3600).optional(),
  minPageViews: z.number().int().min(1).max(100).optional(),
  fromSearchEngine: z.boolean().optional(),
  greeting: text({ trim: true, min: 1, max: 500 }),
});

const optionalText = text({ max: 1000 }).nullable();
export const receptionPatchSchema = z
  .object({
    mode: z.enum(['human_only', 'bot_only', 'bot_first', 'human_first']).describe('仅人工, 仅机器人, 机器人优先, 人工优先'),
    calendarId: z.number().int().positive().nullable().describe('工作时间 calendar; null: always open'),
    defaultGroupId: z.number().int().positive().nullable().describe('技能组 for conversations without a topic; null: all agents'),
    preChat: z
      .object({
        enabled: z.boolean(),
        askName: z.boolean(),
        askPhone: z.boolean(),
        topics: z.array(z.object({ label: nameText({ min: 1, max: 30 }), groupId: z.number().int().positive().nullable() })).max(20),
      })
      .partial(),
    messages: z
      .object({ welcome: optionalText, agentJoined: optionalText, offline: optionalText, idleCheckin: optionalText, idleClose: optionalText })
      .partial()
      .describe('Automatic replies; {agentNo} and {name} are filled in agentJoined'),
    timeouts: z
      .object({
        agentResponseSeconds: z.number().int().min(10).max(86_400).nullable(),
        reassignAfterSeconds: z.number().int().min(10).max(86_400).nullable(),
        idleCheckinMinutes: z.number().int().min(1).max(1440).nullable(),
        idleCloseMinutes: z.number().int().min(1).max(1440).nullable(),
        queueAbandonSeconds: z.number().int().min(10).max(3600),
      })
      .partial(),
    invitations: z.array(invitationRuleSchema).max(20),
    csat: z
      .object({
        enabled: z.boolean().describe('Ask for a rating when a conversation ends, and accept ratings'),
        askWhenCustomerCloses: z.boolean().describe('Also ask when the customer ends the chat (结束会话)'),
        prompt: text({ trim: true, min: 1, max: 200 }),
        labels: z.array(nameText({ min: 1, max: 20 })).length(5).describe('labels[0] names score 1 (非常不满意) … labels[4] score 5 (非常满意)'),
        reasons: z.array(nameText({ min: 1, max: 20 })).max(10).describe('Chips the customer may tick'),
        thanks: text({ trim: true, min: 1, max: 200 }),
      })
      .partial()
      .strict()
      .describe('满意度评价 (docs/csat.md)'),
    translations: z
      .object({
        en: z
          .object({
            title: nameText({ max: MAX_NAME_CHARS }).nullable(),
            messages: z
              .object({ welcome: optionalText, agentJoined: optionalText, offline: optionalText, idleCheckin: optionalText, idleClose: optionalText })
              .partial(),
            topics: z.record(text({ max: 30 }), nameText({ max: 30 })).describe('zh-CN topic label → English label'),
            csat: z
              .object({
                prompt: text({ max: 200 }).nullable(),
                thanks: text({ max: 200 }).nullable(),
                labels: z.array(nameText({ max: 20 }).nullable()).length(5),
                reasons: z.record(text({ max: 20 }), nameText({ max: 20 })).describe('zh-CN reason → English wording'),
              })
              .partial()
              .strict(),
          })
          .partial()
          .strict(),
      })
      .partial()
      .strict()
      .describe('English texts (data-locale="en" widgets); empty or null: the zh-CN text'),
  })
  .partial()
  .strict();

export const receptionSchema = z.object({
  mode: z.enum(['human_only', 'bot_only', 'bot_first', 'human_first']),
  calendarId: z.number().nullable(),
  defaultGroupId: z.number().nullable(),
  preChat: z.object({ enabled: z.boolean(), askName: z.boolean(), askPhone: z.boolean(), topics: z.array(z.object({ label: z.string(), groupId: z.number().nullable() })) }),
  messages: z.object({ welcome: z.string().nullable(), agentJoined: z.string().nullable(), offline: z.string().nullable(), idleCheckin: z.string().nullable(), idleClose: z.string().nullable() }),
  timeouts: z.object({
    agentResponseSeconds: z.number().nullable(),
    reassignAfterSeconds: z.number().nullable(),
    idleCheckinMinutes: z.number().nullable(),
    idleCloseMinutes: z.number().nullable(),
    queueAbandonSeconds: z.number(),
  }),
  invitations: z.array(invitationRuleSchema),
  csat: z.object({ enabled: z.boolean(), askWhenCustomerCloses: z.boolean(), prompt: z.string(), labels: z.array(z.string()), reasons: z.array(z.string()), thanks: z.string() }),
  translations: z.object({
    en: z.object({
      title: z.string().nullable(),
      messages: z.object({ welcome: z.string().nullable(), agentJoined: z.string().nullable(), offline: z.string().nullable(), idleCheckin: z.string().nullable(), idleClose: z.string().nullable() }),
      topics: z.record(z.string(), z.string()),
      csat: z.object({ prompt: z.string().nullable(), thanks: z.string().nullable(), labels: z.array(z.string().nullable()), reasons: z.record(z.string(), z.string()) }),
    }),
  }),
});
