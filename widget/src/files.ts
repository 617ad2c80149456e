import { ALLOWED_ATTACHMENT_TYPES } from '../../src/core/limits';

/**
 * Accepted uploads, as the server lists them (src/core/limits.ts; it checks again,
 * by content). Key: extension, for files the browser gives no type.
 */
const TYPES: Record<string, string> = { jpeg: 'image/jpeg' };
for (const [type, { ext }] of Object.entries(ALLOWED_ATTACHMENT_TYPES)) TYPES[ext] = type;

/** The file picker's `accept`: the types, and the extensions for files without one. */
export const ACCEPT = [...Object.keys(ALLOWED_ATTACHMENT_TYPES), ...Object.keys(TYPES).map((ext) => `.${ext}`)].join(',');

export function fileType(f: File): string | null {
  if (Object.values(TYPES).includes(f.type)) return f.type;
  const ext = (/\.(\w+)$/.exec(f.name)?.[1] ?? '').toLowerCase();
  return !f.type || f.type === 'application/octet-stream' ? (TYPES[ext] ?? null) : null;
}
