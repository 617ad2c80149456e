import crypto from 'node:crypto';
import { DomainError } from '../core/errors.js';
import { cleanName } from '../core/text.js';
import { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, sniffMatches } from '../core/limits.js';
import type { AttachmentRef, SenderType } from '../core/model.js';
import { maybeOne, one, type Db, type Sql } from '../storage/db.js';
import { scheduleTimer, type TimerRunner } from '../timers/timers.js';
import { attachmentUrl } from './messages.js';

/**
 * What bounds uploads (README: Uploads). An upload nothing refers to is deleted
 * `expiryMinutes` after it arrived; a contact (an anonymous visitor) uploads at most
 * `dailyFiles` files and `dailyBytes` bytes per day (UTC); 0 turns a quota off.
 * Agents' uploads expire too but have no quota.
 */
export interface UploadPolicy {
  expiryMinutes: number;
  dailyFiles: number;
  dailyBytes: number;
}

/** The durable timer that deletes an upload if nothing refers to it by then (one per upload). */
export const UPLOAD_EXPIRY_TIMER = 'upload_expiry';

/**
 * SQL, on `attachments a`: something keeps this attachment. Today a message; when an
 * article or a ticket can hold one, its reference joins this condition, and the
 * expiry timer keeps what it refers to.
 */
export const ATTACHMENT_REFERENCED = 'a.message_id IS NOT NULL';

/**
 * The blob store. Attachments live in the database by default so every instance
 * sees them; an S3-compatible store can implement the same two functions later.
 * An upload is stored with its expiry timer, and a customer's counts against their
 * daily quota, in one transaction: a refused upload counts for nothing.
 */
export async function storeAttachment(
  db: Db,
  input: { workspaceId: number; uploaderType: SenderType; uploaderId: number | null; filename: string; contentType: string; data: Buffer },
  policy: UploadPolicy,
): Promise<AttachmentRef> {
  const type = input.contentType.split(';')[0].trim().toLowerCase();
  if (!ALLOWED_ATTACHMENT_TYPES[type]) throw unsupportedType(type);
  if (input.data.length === 0) throw new DomainError('attachment_empty', 'the uploaded file is empty', 400);
  if (input.data.length > MAX_ATTACHMENT_BYTES) throw tooLarge();
  if (!sniffMatches(type, input.data.subarray(0, 64))) {
    throw new DomainError('attachment_type_mismatch', `the file's content is not ${type}; send it with its real type`, 415);
  }
  const filename = safeFilename(input.filename, ALLOWED_ATTACHMENT_TYPES[type].ext);
  const key = crypto.randomBytes(24).toString('base64url');
  const row = await db.tx(async (sql) => {
    if (input.uploaderType === 'customer' && input.uploaderId !== null) await countUpload(sql, input.uploaderId, input.data.length, policy);
    const stored = await one(
      sql,
      `INSERT INTO attachments (workspace_id, key, uploader_type, uploader_id, filename, content_type, size, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at`,
      [input.workspaceId, key, input.uploaderType, input.uploaderId, filename, type, input.data.length, input.data],
    );
    await scheduleTimer(sql, {
      kind: UPLOAD_EXPIRY_TIMER,
      key: `upload:${stored.id}`,
      dueAt: new Date(new Date(stored.created_at).getTime() + policy.expiryMinutes * 60_000),
      payload: { attachmentId: stored.id },
      workspaceId: input.workspaceId,
    });
    return stored;
  });
  return { id: row.id, url: attachmentUrl(key, filename), name: filename, contentType: type, size: input.data.length };
}

/**
 * Counts one upload against the contact's quota for today (UTC), or refuses it
 * (429 upload_quota_exceeded, naming the quota). One statement, so concurrent
 * uploads cannot pass the limit together; yesterday's count is dropped on the way.
 */
async function countUpload(sql: Sql, contactId: number, bytes: number, policy: UploadPolicy): Promise<void> {
  const files = policy.dailyFiles;
  const limit = policy.dailyBytes;
  if (!files && !limit) return;
  await sql.query(`DELETE FROM upload_usage WHERE contact_id = $1 AND day < (now() AT TIME ZONE 'UTC')::date`, [contactId]);
  const counted = await maybeOne(
    sql,
    `INSERT INTO upload_usage AS u (contact_id, day, files, bytes)
     SELECT $1, (now() AT TIME ZONE 'UTC')::date, 1, $2::bigint WHERE ($3::int = 0 OR 1 <= $3::int) AND ($4::bigint = 0 OR $2::bigint <= $4::bigint)
     ON CONFLICT (contact_id, day) DO UPDATE SET files = u.files + 1, bytes = u.bytes + EXCLUDED.bytes
       WHERE ($3::int = 0 OR u.files + 1 <= $3::int) AND ($4::bigint = 0 OR u.bytes + EXCLUDED.bytes <= $4::bigint)
     RETURNING files`,
    [contactId, bytes, files, limit],
  );
  if (counted) return;
  const used = await maybeOne(sql, `SELECT files, bytes FROM upload_usage WHERE contact_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date`, [contactId]);
  throw quotaExceeded(files && (used?.files ?? 0) + 1 > files ? { quota: 'files', limit: files } : { quota: 'bytes', limit });
}

/** Seconds until the quota's day ends (midnight UTC), for Retry-After. */
export function secondsUntilQuotaResets(now = new Date()): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}

const quotaExceeded = (q: { quota: 'files' | 'bytes'; limit: number }) =>
  new DomainError(
    'upload_quota_exceeded',
    q.quota === 'files'
      ? `daily upload quota reached: a visitor may upload at most ${q.limit} files a day; try again after 00:00 UTC`
      : `daily upload quota reached: a visitor may upload at most ${formatBytes(q.limit)} a day, and this file would pass it; try again after 00:00 UTC`,
    429,
    { quota: q.quota === 'files' ? 'upload.daily_files' : 'upload.daily_bytes', limit: q.limit, retryAfterSeconds: secondsUntilQuotaResets() },
  );

const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KB` : `${n} bytes`);

/**
 * The expiry timer fired: the upload goes unless something refers to it by now.
 * A message claiming it at this moment holds its row (FOR UPDATE) and wins: the
 * delete then finds it referenced. Firing twice deletes nothing more.
 */
export async function expireUpload(db: Db, attachmentId: number): Promise<boolean> {
  const gone = await db.query(`DELETE FROM attachments a WHERE a.id = $1 AND NOT (${ATTACHMENT_REFERENCED}) RETURNING a.id`, [attachmentId]);
  return gone.length > 0;
}

/** Registers what the upload timers do (app.ts). */
export function registerUploadTimers(runner: TimerRunner, db: Db): void {
  runner.on(UPLOAD_EXPIRY_TIMER, async (t) => {
    await expireUpload(db, Number(t.payload.attachmentId));
  });
}

export async function readAttachment(db: Db, key: string): Promise<{ filename: string; contentType: string; data: Buffer } | null> {
  const row = await maybeOne(db, 'SELECT filename, content_type, data FROM attachments WHERE key = $1', [key]);
  return row ? { filename: row.filename, contentType: row.content_type, data: Buffer.from(row.data) } : null;
}

export const unsupportedType = (type: string) =>
  new DomainError(
    'attachment_type_not_allowed',
    `files of type ${type || '(none)'} are not accepted; allowed: ${Object.keys(ALLOWED_ATTACHMENT_TYPES).join(', ')}`,
    415,
    { allowed: Object.keys(ALLOWED_ATTACHMENT_TYPES) },
  );

export const tooLarge = () =>
  new DomainError('attachment_too_large', `an attachment may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`, 413, {
    limit: MAX_ATTACHMENT_BYTES,
  });

/** Keeps a display name: no paths, no control characters, bounded, with a sane extension. */
export function safeFilename(name: string, ext: string): string {
  const cleaned = cleanName(name || '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .trim();
  // by code points: cutting a surrogate pair in half would leave an invalid character
  const base = Array.from(cleaned).slice(0, 120).join('');
  if (!base || base === '.' || base === '..') return `file.${ext}`;
  return base;
}
