/**
 * Colour contrast as WCAG 2 defines it, for the inbox colour an administrator picks:
 * the widget paints its header, launcher and the visitor's bubbles with it, the
 * console previews it. Text on it must reach AA (4.5:1) whatever colour was picked.
 */
export const AA = 4.5;
export const DARK_TEXT = '#1f2329';

const channels = (hex: string): [number, number, number] => {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};
const toHex = (c: number[]) => '#' + c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('');

/** Relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio of two #rrggbb colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colour to paint with and the text on it, reaching AA: dark text on a light
 * colour; white text on a darker one, darkened just enough when white falls short
 * (the default #1677ff gives white only 4.1:1). `tint` is the hover wash on it.
 */
export function readableOn(hex: string): { bg: string; fg: string; tint: string } {
  const dark = { fg: DARK_TEXT, tint: 'rgba(0,0,0,.08)' };
  const light = { fg: '#ffffff', tint: 'rgba(255,255,255,.2)' };
  if (contrast(hex, '#ffffff') >= AA) return { bg: hex, ...light };
  if (contrast(hex, DARK_TEXT) >= AA) return { bg: hex, ...dark };
  const rgb = channels(hex);
  for (let f = 0.98; f > 0; f -= 0.02) {
    const bg = toHex(rgb.map((c) => c * f));
    if (contrast(bg, '#ffffff') >= AA) return { bg, ...light };
  }
  return { bg: '#000000', ...light };
}
