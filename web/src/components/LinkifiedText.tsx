import { Fragment } from 'react';

const URL_RE = /\bhttps?:\/\/[^\s<>"'，。！？、）)】]+/gi;

/**
 * Plain text with http(s) links made clickable. Everything is a React text node
 * or an <a> whose href is a matched http(s) URL: user content is never parsed as HTML.
 */
export function LinkifiedText({ text }: { text: string }) {
  const parts: (string | { url: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ url: m[0] });
    last = start + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          <Fragment key={i}>{p}</Fragment>
        ) : (
          <a key={i} href={p.url} target="_blank" rel="noopener noreferrer nofollow">
            {p.url}
          </a>
        ),
      )}
    </>
  );
}
