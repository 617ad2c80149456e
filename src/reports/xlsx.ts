import writeXlsxFile, { type Sheet } from 'write-excel-file/node';
import { tableCells } from '../core/reports/export.js';
import type { Lang } from '../core/reports/labels.js';
import type { ReportTable } from '../core/reports/types.js';

/** Excel forbids these in sheet names and allows 31 characters. */
const sheetName = (title: string, used: Set<string>) => {
  const base = title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 28) || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base} ${i}`;
  used.add(name);
  return name;
};

/** The tables as an .xlsx workbook, one sheet each, the header row bold and kept in view. */
export async function reportXlsx(tables: ReportTable[], lang: Lang): Promise<Buffer> {
  const used = new Set<string>();
  const sheets: Sheet<Buffer>[] = tables.map((t) => {
    const [head, ...rows] = tableCells(t, lang);
    return {
      sheet: sheetName(t.title, used),
      stickyRowsCount: 1,
      columns: t.columns.map((c, i) => ({ width: i === 0 ? 24 : 16 })),
      data: [
        head.map((v) => ({ value: String(v), fontWeight: 'bold' as const })),
        ...rows.map((r) => r.map((v) => (v === null ? null : typeof v === 'number' ? { value: v, type: Number } : { value: v, type: String }))),
      ],
    };
  });
  return (await writeXlsxFile(sheets).toBuffer()) as Buffer;
}
