import crypto from 'node:crypto';
import { DomainError } from '../core/errors.js';
import { cleanName } from '../core/text.js';
import { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, sniffMatches } from '../core/limits.js';
import type { AttachmentRef, SenderType } from '../core/model.js';
import { maybeOne, one, type Db } from '../storage/db.js';
import { attachmentUrl } from './messages.js';

/**
 * The blob store. Attachments live in the database by default so every instance
 * sees them; an S3-compatible store can implement the same two functions later.
 */
export async function storeAttachment(
  db: Db,
  input: { workspaceId: number; uploaderType: SenderType; uploaderId: number | null; filename: string; contentType: string; data: Buffer },
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
  const row = await one(
    db,
    `INSERT INTO attachments (workspace_id, key, uploader_type, uploader_id, filename, content_type, size, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [input.workspaceId, key, input.uploaderType, input.uploaderId, filename, type, input.data.length, input.data],
  );
  return { id: row.id, url: attachmentUrl(key, filename), name: filename, contentType: type, size: input.data.length };
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
