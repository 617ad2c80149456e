import { z } from 'zod';
import { AVAILABILITIES } from '../model.js';
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_CLIENT_MESSAGE_ID, MAX_ID, MAX_PAGE_TITLE_CHARS, MAX_SEQ, MAX_URL_CHARS } from '../limits.js';
import { text } from '../text-schema.js';

/**
 * WebSocket frames a client may send, one JSON object per frame. Endpoint: /api/v1/ws.
 * The first frame must be `hello`; agents authenticate with their session token (or the
 * console's cookie), customers with the inbox token and their contact token.
 * Strings are `text()`: NUL or a lone surrogate is answered with an `invalid_text` error
 * frame, and lengths count code points.
 */
const id = z.number().int().positive().max(MAX_ID);
/** A message position in a conversation (messages.seq is a PostgreSQL integer). */
const seq = z.number().int().min(0).max(MAX_SEQ);

export const helloFrame = z.object({
  type: z.literal('hello'),
  /** Agent session token (same as the API's bearer token). Optional when the session cookie is sent. */
  token: text({ max: 200 }).optional(),
  /** Customer: the inbox's public token (data-inbox). */
  inboxToken: text({ max: 100 }).optional(),
  /** Customer: the contact token from POST /widget/{inboxToken}/contacts. */
  contactToken: text({ max: 200 }).optional(),
  /** Resume after a reconnect: conversation id → the last seq the client holds. */
  resume: z.record(text().regex(/^\d{1,15}$/), seq).optional(),
  /** Customer: the page the widget is on (visitor tracking: 访客浏览痕迹). */
  page: z.lazy(() => pageReport).optional(),
});

const pageReport = z.object({
  url: text({ min: 1, max: MAX_URL_CHARS }),
  title: text({ max: MAX_PAGE_TITLE_CHARS }).optional(),
  referrer: text({ max: MAX_URL_CHARS }).optional(),
  /** A key the widget keeps for the visit; a new one after 30 minutes without activity. */
  visitKey: text({ min: 1, max: 64 }),
  /** One per page shown: reporting it again (after a reconnect) does not count another page view. */
  pageKey: text({ min: 1, max: 64 }).optional(),
});

export const clientFrame = z.discriminatedUnion('type', [
  helloFrame,
  /** Start (or restart) the live stream of one conversation after `afterSeq`; missed messages come first. */
  z.object({ type: z.literal('sync'), conversationId: id, afterSeq: seq }),
  /** Send a message; the server answers `ack` with the stored message once it is durable. */
  z.object({
    type: z.literal('send'),
    ref: text({ max: 100 }).optional(),
    conversationId: id,
    /** At most MAX_MESSAGE_CHARS characters; the core answers message_too_long beyond. */
    content: text().default(''),
    clientMessageId: text({ min: 1, max: MAX_CLIENT_MESSAGE_ID }),
    private: z.boolean().optional(),
    attachmentIds: z.array(id).max(MAX_ATTACHMENTS_PER_MESSAGE).optional(),
  }),
  z.object({ type: z.literal('typing'), conversationId: id, on: z.boolean() }),
  z.object({ type: z.literal('presence'), availability: z.enum(AVAILABILITIES) }),
  z.object({ type: z.literal('ping') }),
  /** Customer: the visitor navigated (single-page sites, or a new page in the same socket). */
  z.object({ type: z.literal('page'), page: pageReport }),
  /** Customer: the answer to an invitation (accept opens the conversation an agent invited to). */
  z.object({ type: z.literal('invite_reply'), ref: text({ max: 100 }).optional(), invitationId: id, accept: z.boolean() }),
]);

export type ClientFrame = z.infer<typeof clientFrame>;

/** The page a widget reports (at connect, and on every navigation). */
export type PageReport = z.infer<typeof pageReport>;
