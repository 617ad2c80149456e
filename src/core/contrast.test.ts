import { describe, expect, it } from 'vitest';
import { AA, contrast, readableOn } from './contrast.js';

describe('readableOn: text on the inbox colour reaches WCAG AA', () => {
  it('matches the WCAG figures', () => {
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrast('#1677ff', '#ffffff')).toBeCloseTo(4.1, 1);
    expect(contrast('#8c8c8c', '#ffffff')).toBeCloseTo(3.36, 2);
  });

  it('darkens the default blue just enough for white text, keeps dark colours, puts dark text on light ones', () => {
    const blue = readableOn('#1677ff');
    expect(blue.fg).toBe('#ffffff');
    expect(blue.bg).not.toBe('#1677ff');
    expect(contrast(blue.bg, blue.fg)).toBeGreaterThanOrEqual(AA);
    expect(contrast(blue.bg, blue.fg)).toBeLessThan(5.2); // just enough: still the brand blue
    expect(readableOn('#262626')).toMatchObject({ bg: '#262626', fg: '#ffffff' });
    expect(readableOn('#fadb14')).toMatchObject({ bg: '#fadb14', fg: '#1f2329' });
  });

  it('every colour gets AA (a sweep of the colour cube)', () => {
    for (let r = 0; r < 256; r += 17) {
      for (let g = 0; g < 256; g += 17) {
        for (let b = 0; b < 256; b += 17) {
          const hex = '#' + [r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('');
          const { bg, fg } = readableOn(hex);
          expect({ hex, ok: contrast(bg, fg) >= AA }).toEqual({ hex, ok: true });
        }
      }
    }
  });
});
