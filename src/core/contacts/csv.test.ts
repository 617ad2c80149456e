import { describe, expect, it } from 'vitest';
import type { CustomFieldDef } from './custom-fields.js';
import { contactsToCsv, parseContactImport, parseCsvLines, type ContactCsvRow } from './csv.js';

const defs: CustomFieldDef[] = [
  { id: 1, key: 'city', label: '城市', type: 'text', options: [] },
  { id: 2, key: 'points', label: '积分', type: 'number', options: [] },
];

const row = (over: Partial<ContactCsvRow>): ContactCsvRow => ({
  externalId: null,
  name: null,
  phone: null,
  email: null,
  company: null,
  tags: [],
  vipLevel: 0,
  customFields: {},
  ...over,
});

describe('contacts CSV', () => {
  it('round-trips quotes, commas, line breaks, Chinese and the BOM', () => {
    const rows = [
      row({ externalId: 'u-1', name: '张三, "老王"', phone: '13812348000', email: 'zhang@example.com', company: '知客\n科技', tags: ['老客户', '投诉过'], vipLevel: 2, customFields: { city: '上海', points: 120 } }),
      row({ externalId: 'u-2', name: 'Li Si', customFields: {} }),
    ];
    const csv = contactsToCsv(rows, ['city', 'points']);
    expect(csv.startsWith('\uFEFFexternalId,name,phone,email,company,tags,vipLevel,city,points\r\n')).toBe(true);
    expect(csv).toContain('"张三, ""老王"""');
    const back = parseContactImport(csv, defs);
    expect(back.errors).toEqual([]);
    expect(back.rows).toEqual([
      {
        line: 2,
        externalId: 'u-1',
        fields: { name: '张三, "老王"', phone: '13812348000', email: 'zhang@example.com', company: '知客\n科技', tags: ['老客户', '投诉过'], vipLevel: 2 },
        customFields: { city: '上海', points: 120 },
      },
      // the row after a cell with a line break starts on line 4
      { line: 4, externalId: 'u-2', fields: { name: 'Li Si', vipLevel: 0 }, customFields: {} },
    ]);
  });

  it('guards cells starting with = + - @ against formulas, and reads them back', () => {
    const csv = contactsToCsv([row({ name: '=HYPERLINK("http://evil")', phone: '+86 138 1234 8000', company: '@corp', email: null, customFields: { city: '-上海' } })], ['city']);
    const line = csv.split('\r\n')[1];
    expect(line).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(line).toContain(`"'+86 138 1234 8000"`);
    expect(line).toContain(`"'@corp"`);
    expect(line).toContain(`"'-上海"`);
    for (const cell of parseCsvLines(csv)[1].cells) expect(cell).not.toMatch(/^[=+\-@]/);
    const back = parseContactImport(csv, defs).rows[0];
    expect(back.fields).toMatchObject({ name: '=HYPERLINK("http://evil")', phone: '+86 138 1234 8000', company: '@corp' });
    expect(back.customFields).toEqual({ city: '-上海' });
  });

  it('reports bad rows by line and imports the others; tags split by ; or ；', () => {
    const csv = [
      'name,phone,email,tags,vipLevel,points',
      '王五,138 0013 8000,wang@example.com,老客户；VIP;老客户,1,10',
      '赵六,not a phone,,,,',
      ',,bad-email,,9,abc',
      '',
      '钱七,,,,,',
    ].join('\n');
    const { rows, errors } = parseContactImport(csv, defs);
    expect(rows.map((r) => [r.line, r.fields.name, r.fields.tags])).toEqual([
      [2, '王五', ['老客户', 'VIP']],
      [6, '钱七', undefined],
    ]);
    expect(errors.map((e) => e.line)).toEqual([3, 4]);
    expect(errors[0].message).toContain('phone');
    expect(errors[1].message).toMatch(/email[\s\S]*vipLevel[\s\S]*points/);
  });

  it('refuses an unknown column, an empty file and duplicate user ids', () => {
    expect(parseContactImport('name,shoe_size\n张三,42', defs).errors).toEqual([{ line: 1, message: expect.stringContaining('shoe_size') }]);
    expect(parseContactImport('', defs).errors[0].line).toBe(1);
    const dup = parseContactImport('externalId,name\nu-1,a\nu-1,b', defs);
    expect(dup.rows).toHaveLength(1);
    expect(dup.errors).toEqual([{ line: 3, message: expect.stringContaining('重复') }]);
  });

  it('refuses more than 10,000 rows', () => {
    const csv = 'name\n' + Array.from({ length: 10_001 }, (_, i) => `n${i}`).join('\n');
    expect(() => parseContactImport(csv, defs)).toThrow(/10000 rows/);
  });
});
