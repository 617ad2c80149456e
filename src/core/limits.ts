import type { ContactAttributes } from './model.js';

/**
 * Limits on everything a user sends. They are part of the API contract (documented in OpenAPI).
 * The console and the widget import them too, to answer at once instead of after a refusal.
 */
export const MAX_MESSAGE_CHARS = 5000;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
export const MAX_CLIENT_MESSAGE_ID = 100;
export const MAX_NAME_CHARS = 100;
export const MAX_EMAIL_CHARS = 320;
export const MIN_PASSWORD_LENGTH = 8;
/** A phone number: 3–30 digits, spaces, + - ( ). */
export const PHONE_PATTERN = /^[0-9+\-() ]{3,30}$/;
export const MAX_PHONE_CHARS = 30;
/** 转接说明 the receiver of a transfer sees. */
export const MAX_TRANSFER_NOTE_CHARS = 1000;
/** The message of an agent's invitation (主动邀请). */
export const MAX_INVITATION_CHARS = 500;
/** Pages the widget reports, and the first page a contact came from. */
export const MAX_URL_CHARS = 2000;
export const MAX_PAGE_TITLE_CHARS = 500;
/** What the widget reports about the visitor's browser and first page. */
export const MAX_ATTRIBUTE_CHARS = {
  browser: 200,
  os: 200,
  userAgent: 500,
  language: 50,
  firstPageUrl: MAX_URL_CHARS,
  firstPageTitle: MAX_PAGE_TITLE_CHARS,
  referrer: MAX_URL_CHARS,
  timezone: 100,
  screen: 50,
} as const satisfies Record<keyof ContactAttributes, number>;
/** The highest message seq there can be (messages.seq is a PostgreSQL integer). */
export const MAX_SEQ = 2_147_483_647;
/** The highest id a client may name (ids are bigint; JavaScript numbers are exact up to here). */
export const MAX_ID = Number.MAX_SAFE_INTEGER;
export const MAX_WS_FRAME_BYTES = 64 * 1024;
/** WebSocket frames per second a connection may send, with a burst allowance. */
export const WS_FRAME_RATE = 20;
export const WS_FRAME_BURST = 60;

/**
 * Attachment types we accept, keyed by MIME type. Types are checked against the
 * file's first bytes too, so a renamed executable cannot pass as an image.
 */
export const ALLOWED_ATTACHMENT_TYPES: Record<string, { kind: 'image' | 'file'; ext: string }> = {
  'image/png': { kind: 'image', ext: 'png' },
  'image/jpeg': { kind: 'image', ext: 'jpg' },
  'image/gif': { kind: 'image', ext: 'gif' },
  'image/webp': { kind: 'image', ext: 'webp' },
  'application/pdf': { kind: 'file', ext: 'pdf' },
  'text/plain': { kind: 'file', ext: 'txt' },
};

/** Magic numbers for the binary types above; text/plain is checked for valid UTF-8 instead. */
export function sniffMatches(type: string, head: Uint8Array): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  switch (type) {
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'image/gif':
      return starts(0x47, 0x49, 0x46, 0x38);
    case 'image/webp':
      return starts(0x52, 0x49, 0x46, 0x46) && head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50;
    case 'application/pdf':
      return starts(0x25, 0x50, 0x44, 0x46);
    case 'text/plain':
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(head);
        return true;
      } catch {
        // the head may cut a multi-byte character; a few trailing bytes of slack
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 3)));
          return true;
        } catch {
          return false;
        }
      }
    default:
      return false;
  }
}
