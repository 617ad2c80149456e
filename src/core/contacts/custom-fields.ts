import { DomainError } from '../errors.js';
import { CONTACT_LIMITS, type CustomFieldValue } from './profile.js';

/**
 * 自定义字段: the workspace's own fields on a contact (会员卡号, 生日, 所在城市…), defined by
 * admins, filled by agents and imports. Pure: the rules of definitions and values.
 */
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'option'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomFieldDef {
  id: number;
  key: string;
  label: string;
  type: CustomFieldType;
  /** an option field's choices; empty for the others */
  options: string[];
}

export const FIELD_KEY_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD (no 30 February). */
export function isDate(v: string): boolean {
  const m = DATE.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** An option field's choices, trimmed; refused when empty, repeated or too many. */
export function checkOptions(type: CustomFieldType, options: readonly string[] | undefined): string[] {
  if (type !== 'option') {
    if (options && options.length > 0) throw new DomainError('invalid_field', 'only an option field has options', 400);
    return [];
  }
  const out = (options ?? []).map((o) => o.trim()).filter(Boolean);
  if (out.length === 0) throw new DomainError('invalid_field', 'an option field needs at least one option', 400);
  if (new Set(out).size !== out.length) throw new DomainError('invalid_field', 'the options of a field must differ from each other', 400);
  if (out.length > CONTACT_LIMITS.fieldOptions) throw new DomainError('invalid_field', `a field has at most ${CONTACT_LIMITS.fieldOptions} options`, 400);
  if (out.some((o) => [...o].length > CONTACT_LIMITS.fieldOptionChars)) throw new DomainError('invalid_field', `an option has at most ${CONTACT_LIMITS.fieldOptionChars} characters`, 400);
  return out;
}

const invalid = (def: CustomFieldDef, what: string) =>
  new DomainError('invalid_custom_field', `custom field "${def.key}" (${def.label}) ${what}`, 400, { field: def.key });

/** One value for a field, as sent in JSON: checked against its type; null clears it. */
export function checkValue(def: CustomFieldDef, value: unknown): CustomFieldValue | null {
  if (value === null) return null;
  switch (def.type) {
    case 'text':
      if (typeof value !== 'string') throw invalid(def, 'takes text');
      if ([...value].length > CONTACT_LIMITS.fieldTextChars) throw invalid(def, `takes at most ${CONTACT_LIMITS.fieldTextChars} characters`);
      return value.trim() === '' ? null : value.trim();
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 1e15) throw invalid(def, 'takes a number');
      return value;
    case 'date':
      if (typeof value !== 'string' || !isDate(value)) throw invalid(def, 'takes a date written YYYY-MM-DD');
      return value;
    case 'option':
      if (typeof value !== 'string' || !def.options.includes(value)) throw invalid(def, `takes one of: ${def.options.join(', ')}`);
      return value;
  }
}

/**
 * An edit of custom fields merged into the current values: unknown keys and wrong types
 * are refused (400, naming the field); null removes a value. Values of deleted definitions
 * a contact still holds are kept as they are.
 */
export function mergeCustomFields(
  current: Record<string, CustomFieldValue>,
  change: Record<string, unknown>,
  defs: readonly CustomFieldDef[],
): Record<string, CustomFieldValue> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out = { ...current };
  for (const [key, value] of Object.entries(change)) {
    const def = byKey.get(key);
    if (!def) throw new DomainError('unknown_custom_field', `there is no custom field "${key.slice(0, 40)}": an admin defines fields under 客户字段 (GET /api/v1/contact-fields lists them)`, 400, { field: key.slice(0, 40) });
    const v = checkValue(def, value);
    if (v === null) delete out[key];
    else out[key] = v;
  }
  return out;
}

/** A CSV cell for a field (always text): a number parsed, an empty cell clears. */
export function valueFromCell(def: CustomFieldDef, cell: string): CustomFieldValue | null {
  const v = cell.trim();
  if (v === '') return null;
  if (def.type === 'number') {
    const n = Number(v.replace(/,/g, ''));
    if (!Number.isFinite(n)) throw invalid(def, 'takes a number');
    return checkValue(def, n);
  }
  return checkValue(def, v);
}

/** Only the values of fields still defined (a deleted definition's values are kept, not shown). */
export function shownCustomFields(values: Record<string, CustomFieldValue>, defs: readonly Pick<CustomFieldDef, 'key'>[]): Record<string, CustomFieldValue> {
  const keys = new Set(defs.map((d) => d.key));
  return Object.fromEntries(Object.entries(values).filter(([k]) => keys.has(k)));
}
