import type { ReactNode } from 'react';

/**
 * An excerpt with its matches marked: plain text pieces and <mark> elements, built from the
 * server's [start, end) offsets (never as HTML, whatever the excerpt holds). Offsets that
 * overlap, run backwards or past the end are merged or clamped rather than trusted.
 */
export function highlighted(text: string, ranges: readonly (readonly [number, number])[]): ReactNode[] {
  const spans = ranges
    .map(([a, b]) => [Math.max(0, Math.min(a, text.length)), Math.max(0, Math.min(b, text.length))] as const)
    .filter(([a, b]) => Number.isInteger(a) && Number.isInteger(b) && a < b)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: ReactNode[] = [];
  let at = 0;
  for (const [a0, b] of spans) {
    const a = Math.max(a0, at);
    if (b <= a) continue;
    if (a > at) out.push(text.slice(at, a));
    out.push(
      <mark key={a} className="search-mark" data-testid="search-highlight">
        {text.slice(a, b)}
      </mark>,
    );
    at = b;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
