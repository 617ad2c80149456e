/**
 * 知识库 CSV, as Excel reads and writes it: UTF-8 with a BOM (so Excel picks UTF-8 for
 * Chinese), CRLF line ends, fields quoted when they hold a comma, a quote or a line break
 * (quotes doubled). Pure: no I/O.
 *
 * Columns: 标准问题, 相似问法 (one cell: separated by line breaks or `|`), 答案, 分类, 启用 (是/否).
 * English headers (question, similarQuestions, answer, category, enabled) are read too.
 */
import { KNOWLEDGE_LIMITS } from './limits.js';

export const CSV_HEADERS = ['标准问题', '相似问法', '答案', '分类', '启用'] as const;

const HEADER_ALIASES: Record<string, 'question' | 'similarQuestions' | 'answer' | 'category' | 'enabled'> = {
  标准问题: 'question',
  问题: 'question',
  question: 'question',
  相似问法: 'similarQuestions',
  相似问题: 'similarQuestions',
  similarquestions: 'similarQuestions',
  similar: 'similarQuestions',
  答案: 'answer',
  answer: 'answer',
  分类: 'category',
  category: 'category',
  启用: 'enabled',
  enabled: 'enabled',
};

export interface CsvArticle {
  question: string;
  similarQuestions: string[];
  answer: string;
  category: string | null;
  enabled: boolean;
}

export interface CsvRowError {
  /** 1-based line of the row in the file as a spreadsheet numbers it (the header is row 1). */
  row: number;
  message: string;
}

/** Splits CSV text into rows of fields (RFC 4180, as Excel writes it). A BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const needsQuotes = /[",\r\n]|^\s|\s$/;
/** A field for CSV: quoted when it must be; a leading = + - @ is kept as text for Excel (no formula injection). */
export function csvField(value: string): string {
  const v = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return needsQuotes.test(v) || v !== value ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The file: BOM, header, one row per article, CRLF. Similar questions one per line in their cell. */
export function articlesToCsv(articles: CsvArticle[]): string {
  const lines = [CSV_HEADERS.join(',')];
  for (const a of articles) {
    lines.push([a.question, a.similarQuestions.join('\n'), a.answer, a.category ?? '', a.enabled ? '是' : '否'].map(csvField).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** A cell of similar questions: line breaks or `|` separate them; blanks and repeats dropped. */
export function splitSimilar(cell: string): string[] {
  const out: string[] = [];
  for (const part of cell.split(/\r\n|\r|\n|\|/)) {
    const q = part.trim();
    if (q && !out.includes(q)) out.push(q);
  }
  return out;
}

const unescapeFormula = (v: string) => (/^'[=+\-@]/.test(v) ? v.slice(1) : v);

/**
 * Reads an import file into articles, and the rows that cannot be imported with why.
 * A row is refused on its own (the others still import): missing question or answer,
 * a field over its limit, an unknown 启用 value, a question repeated in the file.
 */
export function csvToArticles(text: string): { articles: Array<CsvArticle & { row: number }>; errors: CsvRowError[] } {
  const rows = parseCsv(text);
  const errors: CsvRowError[] = [];
  if (rows.length === 0) return { articles: [], errors: [{ row: 1, message: '文件为空：第一行应为表头（标准问题，相似问法，答案，分类，启用）' }] };
  const header = rows[0].map((h) => HEADER_ALIASES[h.trim().toLowerCase()] ?? HEADER_ALIASES[h.trim()] ?? null);
  if (!header.includes('question') || !header.includes('answer')) {
    return { articles: [], errors: [{ row: 1, message: '表头缺少“标准问题”或“答案”列（可用：标准问题，相似问法，答案，分类，启用）' }] };
  }
  const col = (name: string, cells: string[]) => {
    const i = header.indexOf(name as never);
    return i < 0 ? '' : unescapeFormula(cells[i] ?? '');
  };
  const seen = new Set<string>();
  const articles: Array<CsvArticle & { row: number }> = [];
  const L = KNOWLEDGE_LIMITS;
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r];
    const row = r + 1;
    if (cells.every((c) => c.trim() === '')) continue; // blank lines
    const question = col('question', cells).trim();
    const answer = col('answer', cells).trim();
    const category = col('category', cells).trim() || null;
    const similarQuestions = splitSimilar(col('similarQuestions', cells)).filter((q) => q !== question);
    const enabledCell = col('enabled', cells).trim().toLowerCase();
    const problems: string[] = [];
    if (!question) problems.push('缺少标准问题');
    if (!answer) problems.push('缺少答案');
    if ([...question].length > L.question) problems.push(`标准问题超过 ${L.question} 字`);
    if ([...answer].length > L.answer) problems.push(`答案超过 ${L.answer} 字`);
    if (category && [...category].length > L.category) problems.push(`分类超过 ${L.category} 字`);
    if (similarQuestions.length > L.similarCount) problems.push(`相似问法超过 ${L.similarCount} 条`);
    if (similarQuestions.some((q) => [...q].length > L.question)) problems.push(`相似问法单条超过 ${L.question} 字`);
    let enabled = true;
    if (['否', 'no', 'false', '0', '停用', 'n'].includes(enabledCell)) enabled = false;
    else if (!['', '是', 'yes', 'true', '1', '启用', 'y'].includes(enabledCell)) problems.push(`“启用”应为 是 或 否，而不是“${enabledCell.slice(0, 20)}”`);
    if (question && seen.has(question)) problems.push('与文件中前面的一行标准问题重复');
    if (problems.length > 0) {
      errors.push({ row, message: problems.join('；') });
      continue;
    }
    seen.add(question);
    articles.push({ row, question, similarQuestions, answer, category, enabled });
  }
  return { articles, errors };
}
