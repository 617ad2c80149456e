/**
 * Personal data masking (PIPL, docs/privacy.md): what agents see of a customer's phone,
 * e-mail and ID numbers unless someone allowed to reveals them (an audited act). Pure.
 *
 * - phone 13812348000 → 138****8000 (the first 3 and last 4 digits kept);
 * - e-mail zhang.san@example.com → z***@example.com;
 * - 身份证 110101199003071234 → 110***********1234;
 * - free text (a name, a note, a custom field): those three found inside it and masked.
 *
 * Every mask is idempotent (a masked value masks to itself): a value may pass through twice.
 */

const STAR = '*';

/** Digits masked keeping the first `head` and last `tail`. */
function maskDigits(digits: string): string {
  const n = digits.length;
  if (n === 0) return '***';
  const [head, tail] = n >= 11 ? [3, 4] : n >= 7 ? [0, 4] : [0, Math.min(2, n - 1)];
  return digits.slice(0, head) + STAR.repeat(n - head - tail) + digits.slice(n - tail);
}

/** A phone number, whatever its spacing: 13812348000 → 138****8000; +86 138… keeps +86. */
export function maskPhone(phone: string): string {
  if (phone.includes(STAR)) return phone;
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86') && phone.trim().startsWith('+')) return `+86 ${maskDigits(digits.slice(2))}`;
  return maskDigits(digits);
}

/** zhang.san@example.com → z***@example.com (the domain stays: it says which company or mail service). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return email.includes(STAR) ? email : '***';
  const local = email.slice(0, at);
  if (/^.\*+$/u.test(local)) return email;
  return `${[...local][0]}***${email.slice(at)}`;
}

/** An 18-character 身份证 number: 110101199003071234 → 110***********1234. */
export function maskIdNumber(id: string): string {
  if (id.includes(STAR) || id.length < 8) return id.includes(STAR) ? id : STAR.repeat(id.length);
  return id.slice(0, 3) + STAR.repeat(id.length - 7) + id.slice(-4);
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** 6 digits of region, a birth date 19xx/20xx, 3 digits, a check digit or X. */
const ID_IN_TEXT = /(?<![0-9A-Za-z*])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z*])/g;
/** A mainland mobile (1[3-9] and 9 more digits, spaced 3-4-4 or not), +86 or 86 before it or not. */
const MOBILE_IN_TEXT = /(?<![\d*])((?:\+?86[\s-]?)?)(1[3-9]\d(?:[\s-]?\d{4}){2})(?![\d*])/g;
/** A landline with its area code: 010-12345678, 0755 8888 1234. */
const LANDLINE_IN_TEXT = /(?<![\d*])(0\d{2,3})([\s-]?)(\d{7,8})(?![\d*])/g;

/** Phone numbers, e-mail addresses and ID numbers inside free text, masked; the rest as it was. */
export function maskText(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m))
    .replace(ID_IN_TEXT, (m) => maskIdNumber(m))
    .replace(MOBILE_IN_TEXT, (_m, prefix: string, mobile: string) => prefix + maskDigits(mobile.replace(/\D/g, '')))
    .replace(LANDLINE_IN_TEXT, (_m, area: string, sep: string, number: string) => area + sep + maskDigits(number));
}

/** Whether a text holds personal data maskText would hide. */
export const holdsPersonalData = (text: string) => maskText(text) !== text;

/** The fields of a contact that may hold personal data, as masking reads them. */
export interface MaskableContact {
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  externalId: string | null;
  customFields: Record<string, string | number>;
  needs: Partial<Record<string, string>>;
  lost: { note: string | null } | null;
}

const orNull = <T>(v: T | null, f: (v: T) => T): T | null => (v === null ? null : f(v));

/**
 * A contact as agents see it: phone, e-mail and ID numbers (in the name, the company, custom
 * fields, notes) masked. `masked` says whether anything was hidden (the console then offers
 * 显示, which the server audits).
 */
export function maskContact<C extends MaskableContact>(contact: C): { contact: C; masked: boolean } {
  const out: C = {
    ...contact,
    name: orNull(contact.name, maskText),
    email: orNull(contact.email, maskEmail),
    phone: orNull(contact.phone, maskPhone),
    company: orNull(contact.company, maskText),
    externalId: orNull(contact.externalId, maskText),
    customFields: Object.fromEntries(Object.entries(contact.customFields).map(([k, v]) => [k, typeof v === 'string' ? maskText(v) : v])),
    needs: Object.fromEntries(Object.entries(contact.needs).map(([k, v]) => [k, typeof v === 'string' ? maskText(v) : v])),
    lost: contact.lost && { ...contact.lost, note: orNull(contact.lost.note, maskText) },
  };
  const masked =
    out.name !== contact.name ||
    out.email !== contact.email ||
    out.phone !== contact.phone ||
    out.company !== contact.company ||
    out.externalId !== contact.externalId ||
    Object.entries(out.customFields).some(([k, v]) => v !== contact.customFields[k]) ||
    Object.entries(out.needs).some(([k, v]) => v !== contact.needs[k]) ||
    out.lost?.note !== contact.lost?.note;
  return { contact: out, masked };
}

/**
 * An edit that sends back a value as the console showed it (masked) leaves the stored value:
 * a form saved whole does not overwrite 13812348000 with 138****8000. Any other value is the edit.
 */
export function unlessMaskedEcho<T extends string | number | null>(incoming: T, current: T, mask: (v: string) => string): T {
  if (typeof incoming !== 'string' || typeof current !== 'string' || incoming === current) return incoming;
  return incoming.includes(STAR) && mask(current) === incoming ? current : incoming;
}
