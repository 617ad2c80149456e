import { describe, expect, it } from 'vitest';
import { checkText, cleanName, codePointLength, truncateText } from './text.js';

describe('text rules', () => {
  it('finds NUL and lone surrogates, and accepts paired ones', () => {
    expect(checkText('你好 👨‍💻 🏳️‍🌈')).toBeNull();
    expect(checkText('a\u0000b')).toMatch(/NUL character \(at character 2\)/);
    expect(checkText('😀\uD83D')).toMatch(/lone surrogate U\+D83D \(at character 2\)/);
    expect(checkText('\uDE00x')).toMatch(/lone surrogate U\+DE00/);
    expect(checkText('\uDE00\uD83D')).not.toBeNull(); // reversed pair
  });

  it('counts code points as PostgreSQL char_length does', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀'.repeat(2501))).toBe(2501);
    expect(codePointLength('客服')).toBe(2);
    expect(codePointLength('👨‍💻')).toBe(3); // man, ZWJ, laptop
    expect(codePointLength('\uD83D')).toBe(1);
    expect(codePointLength('a\uDE00\uD83D')).toBe(3);
    expect(codePointLength('😀\uD83D')).toBe(2);
  });

  it('truncates without cutting a surrogate pair', () => {
    expect(truncateText('ab😀c', 3)).toBe('ab😀');
    expect(truncateText('😀😀😀', 2)).toBe('😀😀');
    expect(truncateText('abc', 5)).toBe('abc');
    expect(checkText(truncateText('a'.repeat(199) + '😀😀', 200))).toBeNull();
  });

  it('strips bidirectional controls and stray zero-width characters from names', () => {
    expect(cleanName('\u202E\u200B管理员')).toBe('管理员');
    expect(cleanName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(cleanName('\u2066a\u2069\u200E\u200F\u061C\u202A\u202B\u202C\u202D')).toBe('a');
    expect(cleanName('\uFEFF小\u2060李\u200B')).toBe('小李');
    expect(cleanName('a\u200Db\u200Cc')).toBe('abc'); // joiners between Latin letters do nothing
    expect(cleanName('\u3164')).toBe(''); // Hangul filler: a "blank" name
    expect(cleanName('x\u{E0041}\u{E0042}')).toBe('x'); // tag characters smuggling text
    expect(cleanName('\uFE0Fa')).toBe('a');
  });

  it('keeps the joiners and selectors that belong to emoji and to words', () => {
    for (const kept of ['👨‍💻', '👩🏽‍💻', '🏳️‍🌈', '❤️‍🔥', '👨‍👩‍👧', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'می‌خواهم', 'क्‍ष', 'plain name', '李 明']) {
      expect(cleanName(kept)).toBe(kept);
    }
    expect(cleanName('\u202E👨‍💻\u200B')).toBe('👨‍💻');
    // a ZWJ after an emoji but not before one is stray
    expect(cleanName('😀\u200Dx')).toBe('😀x');
  });
});
