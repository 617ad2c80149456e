import { describe, expect, it } from 'vitest';
import { TEMPERAMENTS } from './profile.js';
import { localeOf, temperamentHint } from './temperament.js';

describe('temperament hints', () => {
  it('gives one line per temperament in Chinese and English, none without one', () => {
    for (const t of TEMPERAMENTS) {
      const zh = temperamentHint(t, 'zh-CN')!;
      const en = temperamentHint(t, 'en')!;
      expect(zh).toMatch(/\p{Script=Han}/u);
      expect(en).toMatch(/^[A-Z][\x20-\x7e]+$/);
      expect(zh.includes('\n') || en.includes('\n')).toBe(false);
    }
    expect(temperamentHint('forceful', 'zh-CN')).toContain('结果');
    expect(temperamentHint('perfectionist', 'en')).toContain('details');
    expect(temperamentHint(null, 'zh-CN')).toBeNull();
  });

  it('reads the caller’s language from Accept-Language, Chinese by default', () => {
    expect(localeOf('en-US,en;q=0.9')).toBe('en');
    expect(localeOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(localeOf(undefined)).toBe('zh-CN');
    expect(localeOf('fr')).toBe('zh-CN');
  });
});
