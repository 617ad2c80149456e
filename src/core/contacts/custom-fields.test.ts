import { describe, expect, it } from 'vitest';
import { checkOptions, checkValue, isDate, mergeCustomFields, shownCustomFields, valueFromCell, type CustomFieldDef } from './custom-fields.js';
import { normaliseTags, vipLevelOf } from './profile.js';

const defs: CustomFieldDef[] = [
  { id: 1, key: 'city', label: '城市', type: 'text', options: [] },
  { id: 2, key: 'points', label: '积分', type: 'number', options: [] },
  { id: 3, key: 'birthday', label: '生日', type: 'date', options: [] },
  { id: 4, key: 'channel', label: '来源', type: 'option', options: ['门店', '线上'] },
];
const field = (key: string) => defs.find((d) => d.key === key)!;

describe('custom fields', () => {
  it('takes values of the right type and merges them; null removes one', () => {
    const merged = mergeCustomFields({ city: '北京', points: 10, old_field: 'kept' }, { city: '上海', points: 20.5, birthday: '1990-03-07', channel: '门店' }, defs);
    expect(merged).toEqual({ city: '上海', points: 20.5, birthday: '1990-03-07', channel: '门店', old_field: 'kept' });
    expect(mergeCustomFields(merged, { city: null, points: null }, defs)).toEqual({ birthday: '1990-03-07', channel: '门店', old_field: 'kept' });
  });

  it('refuses unknown fields and wrong types with a message naming the field', () => {
    const refused = (change: Record<string, unknown>) => {
      try {
        mergeCustomFields({}, change, defs);
        return null;
      } catch (err) {
        return (err as { code: string; message: string; status: number });
      }
    };
    expect(refused({ nope: 'x' })).toMatchObject({ code: 'unknown_custom_field', status: 400 });
    expect(refused({ points: '12' })).toMatchObject({ code: 'invalid_custom_field', message: expect.stringContaining('points') });
    expect(refused({ birthday: '1990-02-30' })).toMatchObject({ code: 'invalid_custom_field', message: expect.stringContaining('YYYY-MM-DD') });
    expect(refused({ channel: '电话' })).toMatchObject({ code: 'invalid_custom_field', message: expect.stringContaining('门店') });
    expect(refused({ city: 'x'.repeat(501) })).toMatchObject({ code: 'invalid_custom_field' });
    expect(refused({ points: Number.POSITIVE_INFINITY })).toMatchObject({ code: 'invalid_custom_field' });
  });

  it('reads CSV cells: numbers parsed, blank clears', () => {
    expect(valueFromCell(field('points'), ' 1,200 ')).toBe(1200);
    expect(valueFromCell(field('city'), '  ')).toBeNull();
    expect(() => valueFromCell(field('points'), 'abc')).toThrow(/number/);
    expect(checkValue(field('city'), '  杭州 ')).toBe('杭州');
  });

  it('checks dates, options and tags', () => {
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('2023-02-29')).toBe(false);
    expect(isDate('2024-1-5')).toBe(false);
    expect(checkOptions('option', [' 门店 ', '线上'])).toEqual(['门店', '线上']);
    expect(() => checkOptions('option', [])).toThrow(/at least one/);
    expect(() => checkOptions('option', ['a', 'a'])).toThrow(/differ/);
    expect(() => checkOptions('text', ['a'])).toThrow(/only an option/);
    expect(normaliseTags([' 老客户 ', '老客户', '', '投诉过'])).toEqual(['老客户', '投诉过']);
    expect(() => normaliseTags(['x'.repeat(21)])).toThrow(/20 characters/);
    expect(() => normaliseTags(Array.from({ length: 21 }, (_, i) => `t${i}`))).toThrow(/20 tags/);
    expect(shownCustomFields({ city: '北京', gone: 'x' }, defs)).toEqual({ city: '北京' });
  });

  it('derives the VIP level from vip or vipLevel', () => {
    expect(vipLevelOf({ vip: true }, 0)).toBe(1);
    expect(vipLevelOf({ vip: true }, 3)).toBe(3);
    expect(vipLevelOf({ vip: false }, 3)).toBe(0);
    expect(vipLevelOf({ vipLevel: 4, vip: false }, 0)).toBe(4);
    expect(vipLevelOf({}, 2)).toBeUndefined();
  });
});
