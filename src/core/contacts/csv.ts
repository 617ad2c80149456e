import { DomainError } from '../errors.js';
import { csvField } from '../knowledge/csv.js';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS, PHONE_PATTERN } from '../limits.js';
import { checkText } from '../text.js';
import { MAX_USER_ID_CHARS } from './identity.js';
import { valueFromCell, type CustomFieldDef } from './custom-fields.js';
import { CONTACT_LIMITS, normaliseTags, type CustomFieldValue } from './profile.js';

/**
 * Contacts as CSV, for Excel and back (docs/contacts.md): UTF-8 with a BOM (Excel then reads
 * Chinese right), CRLF, quoted fields where needed, and a cell starting with = + - @ written
 * with a ' before it, so a spreadsheet never runs a customer's "name" as a formula (the '
 * is dropped again on import). Pure.
 *
 * Columns: externalId, name, phone, email, company, tags (separated by ; or ；), vipLevel,
 * then the custom fields' keys.
 */
export const CONTACT_CSV_COLUMNS = ['externalId', 'name', 'phone', 'email', 'company', 'tags', 'vipLevel'] as const;
type Column = (typeof CONTACT_CSV_COLUMNS)[number];

export interface ContactCsvRow {
  externalId: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  company: string | null;
  tags: string[];
  vipLevel: number;
  customFields: Record<string, CustomFieldValue>;
}

/** A row to import: only the columns the file has, and only cells that are not blank (a blank cell leaves the field). */
export interface ImportRow {
  line: number;
  externalId: string | null;
  fields: Partial<Omit<ContactCsvRow, 'externalId' | 'customFields'>>;
  customFields: Record<string, CustomFieldValue>;
}

export interface CsvLineError {
  /** the line of the file the row starts on (the header is line 1) */
  line: number;
  message: string;
}

/** The file: BOM, header, one row per contact, CRLF. */
export function contactsToCsv(rows: readonly ContactCsvRow[], customKeys: readonly string[]): string {
  const lines = [[...CONTACT_CSV_COLUMNS, ...customKeys].map(csvField).join(',')];
  for (const r of rows) {
    const cells = [r.externalId ?? '', r.name ?? '', r.phone ?? '', r.email ?? '', r.company ?? '', r.tags.join(';'), String(r.vipLevel)];
    for (const k of customKeys) cells.push(r.customFields[k] === undefined ? '' : String(r.customFields[k]));
    lines.push(cells.map(csvField).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** RFC 4180 as Excel writes it, each row with the line it starts on. A BOM is dropped. */
export function parseCsvLines(text: string): Array<{ line: number; cells: string[] }> {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      cells.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      cells.push(field);
      rows.push({ line: rowLine, cells });
      cells = [];
      field = '';
      line++;
      rowLine = line;
    } else field += c;
  }
  if (field !== '' || cells.length > 0) {
    cells.push(field);
    rows.push({ line: rowLine, cells });
  }
  return rows;
}

/** A cell as written by contactsToCsv: the ' guarding a formula dropped. */
const unguard = (v: string) => (/^'[=+\-@]/.test(v) ? v.slice(1) : v);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads an import file: the rows to import, and the lines refused with why (the others
 * still import). The header names the columns, in any order; a custom field's column is its key.
 */
export function parseContactImport(text: string, defs: readonly CustomFieldDef[]): { rows: ImportRow[]; errors: CsvLineError[] } {
  const all = parseCsvLines(text);
  const header = all[0]?.cells.map((h) => unguard(h.trim()));
  if (!header || header.every((h) => h === '')) return { rows: [], errors: [{ line: 1, message: `文件为空：第一行应为表头（${CONTACT_CSV_COLUMNS.join('，')}，再加自定义字段）` }] };
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const unknown = header.filter((h) => h !== '' && !(CONTACT_CSV_COLUMNS as readonly string[]).includes(h) && !byKey.has(h));
  if (unknown.length > 0) {
    return { rows: [], errors: [{ line: 1, message: `表头有未知的列：${unknown.slice(0, 5).join('，')}（可用：${[...CONTACT_CSV_COLUMNS, ...byKey.keys()].join('，')}）` }] };
  }
  const dup = header.find((h, i) => h !== '' && header.indexOf(h) !== i);
  if (dup) return { rows: [], errors: [{ line: 1, message: `表头的“${dup}”列出现了两次` }] };
  const data = all.slice(1).filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (data.length > CONTACT_LIMITS.importRows) {
    throw new DomainError('too_many_rows', `an import has at most ${CONTACT_LIMITS.importRows} rows (this file has ${data.length}): split it`, 400, { limit: CONTACT_LIMITS.importRows });
  }
  const rows: ImportRow[] = [];
  const errors: CsvLineError[] = [];
  const seen = new Set<string>();
  for (const { line, cells } of data) {
    const problems: string[] = [];
    const cell = (col: string): string | undefined => {
      const i = header.indexOf(col);
      if (i < 0) return undefined;
      const v = unguard((cells[i] ?? '').trim());
      return v === '' ? undefined : v;
    };
    for (const c of cells) {
      const bad = checkText(c);
      if (bad) problems.push(`the text ${bad}`);
    }
    const row: ImportRow = { line, externalId: cell('externalId') ?? null, fields: {}, customFields: {} };
    if (row.externalId !== null && [...row.externalId].length > MAX_USER_ID_CHARS) problems.push(`externalId 超过 ${MAX_USER_ID_CHARS} 个字符`);
    if (row.externalId !== null && seen.has(row.externalId)) problems.push('externalId 与文件中前面的一行重复');
    const take = (col: Column, check: (v: string) => string | null, set: (v: string) => void) => {
      const v = cell(col);
      if (v === undefined) return;
      const problem = check(v);
      if (problem) problems.push(problem);
      else set(v);
    };
    take('name', (v) => ([...v].length > MAX_NAME_CHARS ? `name 超过 ${MAX_NAME_CHARS} 个字符` : null), (v) => (row.fields.name = v));
    take('phone', (v) => (PHONE_PATTERN.test(v) ? null : `phone“${v.slice(0, 30)}”不是电话号码（3–30 位数字、空格、+ - ( )）`), (v) => (row.fields.phone = v));
    take('email', (v) => (EMAIL.test(v) && v.length <= MAX_EMAIL_CHARS ? null : `email“${v.slice(0, 40)}”不是邮箱地址`), (v) => (row.fields.email = v));
    take('company', (v) => ([...v].length > CONTACT_LIMITS.companyChars ? `company 超过 ${CONTACT_LIMITS.companyChars} 个字符` : null), (v) => (row.fields.company = v));
    take(
      'tags',
      (v) => {
        try {
          normaliseTags(v.split(/[;；]/));
          return null;
        } catch (err) {
          return `tags：${(err as Error).message}`;
        }
      },
      (v) => (row.fields.tags = normaliseTags(v.split(/[;；]/))),
    );
    take('vipLevel', (v) => (/^[0-5]$/.test(v) ? null : `vipLevel 应为 0–5 的整数，而不是“${v.slice(0, 10)}”`), (v) => (row.fields.vipLevel = Number(v)));
    for (const def of defs) {
      const v = cell(def.key);
      if (v === undefined) continue;
      try {
        const value = valueFromCell(def, v);
        if (value !== null) row.customFields[def.key] = value;
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (row.externalId === null && Object.keys(row.fields).length === 0 && Object.keys(row.customFields).length === 0 && problems.length === 0) continue;
    if (problems.length > 0) {
      errors.push({ line, message: problems.join('；') });
      continue;
    }
    if (row.externalId !== null) seen.add(row.externalId);
    rows.push(row);
  }
  return { rows, errors };
}
