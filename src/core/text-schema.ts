import { z } from 'zod';
import { checkText, cleanName, codePointLength, INVALID_TEXT } from './text.js';

/**
 * Zod schemas for strings a client sends (HTTP bodies, queries and WebSocket frames).
 * Every client string goes through `text()`: NUL or a lone surrogate is refused with
 * `invalid_text` (HTTP 400, WebSocket error frame), and lengths count Unicode code points
 * (JSON Schema's maxLength counts the same, so the OpenAPI document states the real limit).
 */

export interface TextOptions {
  /** At least this many code points (after trimming when `trim`). */
  min?: number;
  /** At most this many code points (after trimming when `trim`). */
  max?: number;
  /** Trim surrounding white space first. */
  trim?: boolean;
  /** What to say when the text is shorter than `min`. */
  minMessage?: string;
}

/** Issues of this shape make the edge answer `invalid_text` instead of `invalid_request`. */
export const INVALID_TEXT_PARAMS = { code: INVALID_TEXT } as const;

/** Whether a zod issue (or fastify's copy of it) is an invalid_text refusal. */
export function isInvalidTextIssue(issue: object): boolean {
  const p = (issue as { params?: { code?: unknown; params?: { code?: unknown } } }).params;
  return p?.code === INVALID_TEXT || p?.params?.code === INVALID_TEXT;
}

/** A client string: storable Unicode, lengths in code points. */
export function text(opts: TextOptions = {}): z.ZodString {
  let s = z.string().check((ctx) => {
    const problem = checkText(ctx.value);
    if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: `the text ${problem}`, params: INVALID_TEXT_PARAMS, continue: false });
  });
  if (opts.trim) s = s.trim();
  return withLength(s, opts);
}

/**
 * A name people read (contact, agent, skill group, inbox, calendar, file name): like
 * `text`, and cleaned of bidirectional controls and stray zero-width characters
 * (`cleanName`) before trimming and counting.
 */
export function nameText(opts: TextOptions = {}): z.ZodString {
  let s = text().overwrite(cleanName);
  if (opts.trim ?? true) s = s.trim();
  return withLength(s, opts);
}

function withLength(s: z.ZodString, { min, max, minMessage }: TextOptions): z.ZodString {
  if (min !== undefined) {
    s = s.meta({ minLength: min }).check((ctx) => {
      if (codePointLength(ctx.value) < min) {
        ctx.issues.push({ code: 'too_small', origin: 'string', minimum: min, inclusive: true, input: ctx.value, message: minMessage ?? `at least ${min} character${min === 1 ? '' : 's'}` });
      }
    });
  }
  if (max !== undefined) {
    s = s.meta({ maxLength: max }).check((ctx) => {
      const n = codePointLength(ctx.value);
      if (n > max) {
        ctx.issues.push({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: ctx.value, message: `${n} characters; at most ${max}` });
      }
    });
  }
  return s;
}
