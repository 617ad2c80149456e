import type { TextConverter, Tokenizer } from '../nlp/types.js';

/**
 * The words of a message or a query for full-text search (docs/search.md). PostgreSQL's
 * text search cannot segment Chinese, so Zhike stores each message's terms itself: jieba's
 * search-mode words (我想申请退款 → 我, 想, 申请, 退款; 中华人民共和国 → 中华, 华人, 人民,
 * 共和, 共和国, 中华人民共和国), Latin words and digit runs, after the same normalisation on
 * both sides: full-width forms to ASCII (NFKC), lower case, traditional to simplified
 * Chinese, digits joined across the spaces and dashes of phone and order numbers. A query
 * matches a message holding all of its terms.
 */
export interface TermTools {
  /** search-mode segmentation (jieba's cutForSearch in the adapter) */
  tokenizer: Tokenizer;
  /** traditional → simplified (OpenCC in the adapter); identity when absent */
  toSimplified?: TextConverter;
}

/** At most this many distinct terms per message (a 5,000-character message keeps its first ones). */
export const MAX_DOCUMENT_TERMS = 400;
/** At most this many terms in a query. */
export const MAX_QUERY_TERMS = 12;
const MAX_TERM_CHARS = 40;

/** Words too common to narrow a search: left out of messages and queries alike. */
const STOP = new Set(['的', '了', '吗', '呢', '啊', '吧', '呀', '嘛', '哦', '么', '着', '和', '与', '及', '或', 'the', 'a', 'an', 'of', 'to', 'is', 'and', 'or']);

const CJK = /\p{Script=Han}/u;
const WORD = /^[\p{L}\p{N}]+$/u;

/** The normalised form both sides are cut from. */
export function normaliseForSearch(text: string, toSimplified?: TextConverter): string {
  let s = text.normalize('NFKC').toLowerCase();
  if (toSimplified && CJK.test(s)) s = toSimplified(s);
  // 138 0013 8000, 138-0013-8000, order 2026-1130-0042: one digit run each
  return s.replace(/(\d)[\s\-–—]+(?=\d)/g, '$1');
}

function termsOf(text: string, tools: TermTools, max: number): string[] {
  const out = new Set<string>();
  for (const piece of normaliseForSearch(text, tools.toSimplified).split(/[^\p{L}\p{N}]+/u)) {
    if (!piece) continue;
    // a Latin piece is a word; one mixing letters and digits (an order id A2026…) is also found by its parts
    const words = CJK.test(piece) ? tools.tokenizer.cut(piece) : [piece, ...(/\d/.test(piece) && /\p{L}/u.test(piece) ? piece.match(/\p{L}+|\d+/gu)! : [])];
    for (const raw of words) {
      const w = raw.trim();
      if (!w || !WORD.test(w) || STOP.has(w) || w.length > MAX_TERM_CHARS) continue;
      // a lone Latin letter says nothing; a lone digit may (楼层 3): keep digits
      if (w.length === 1 && !CJK.test(w) && !/\d/.test(w)) continue;
      out.add(w);
      if (out.size >= max) return [...out];
    }
  }
  return [...out];
}

/** What a message is found by. */
export function documentTerms(text: string, tools: TermTools): string[] {
  return termsOf(text, tools, MAX_DOCUMENT_TERMS);
}

/**
 * What a query asks for: every term must be in the message. The query is cut like a
 * message, so 申请退款 finds 我想申请退款 (both hold 申请 and 退款).
 */
export function queryTerms(text: string, tools: TermTools): string[] {
  return termsOf(text, tools, MAX_QUERY_TERMS);
}

export interface Excerpt {
  /** a window of the message around the first match (… where cut) */
  text: string;
  /** [start, end) code-unit offsets in `text` of each term found, for highlighting */
  highlights: [number, number][];
}

/**
 * The part of a message to show in a result, with the query's terms marked. Matching is
 * on the normalised text, so 申请 is marked in 申请 and in its traditional form 申請, and a
 * phone number in any spacing; offsets are into the text shown.
 */
export function excerptOf(content: string, terms: readonly string[], opts: { chars?: number; toSimplified?: TextConverter } = {}): Excerpt {
  const chars = opts.chars ?? 80;
  // normalise character by character so offsets map back to the original
  const units = Array.from(content);
  const norm = units.map((u) => normaliseForSearch(u, opts.toSimplified));
  const flat = norm.join('');
  const starts: number[] = [];
  let pos = 0;
  for (const n of norm) {
    starts.push(pos);
    pos += n.length;
  }
  const charAt = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // matches in characters of the original (digits joined across separators are found by a digit-only scan)
  const spans: [number, number][] = [];
  const digitsOnly = /^\d+$/;
  for (const term of terms) {
    if (digitsOnly.test(term)) {
      const digitIdx: number[] = [];
      norm.forEach((n, i) => /\d/.test(n) && digitIdx.push(i));
      const digits = digitIdx.map((i) => norm[i]).join('');
      for (let at = digits.indexOf(term); at >= 0; at = digits.indexOf(term, at + 1)) {
        const from = digitIdx[at];
        const to = digitIdx[at + term.length - 1] + 1;
        // only where the digits between are joined by separators, not by letters
        if (units.slice(from, to).every((u) => /[\d\s\-–—]/.test(u))) spans.push([from, to]);
      }
      continue;
    }
    for (let at = flat.indexOf(term); at >= 0; at = flat.indexOf(term, at + term.length)) {
      spans.push([charAt(at), charAt(at + term.length - 1) + 1]);
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  // a window of `chars` characters starting a little before the first match
  const first = merged[0]?.[0] ?? 0;
  const start = units.length <= chars ? 0 : Math.max(0, Math.min(first - Math.floor(chars / 4), units.length - chars));
  const end = Math.min(units.length, start + chars);
  const lead = start > 0 ? '…' : '';
  const text = lead + units.slice(start, end).join('') + (end < units.length ? '…' : '');
  const offset = (charIndex: number) => lead.length + units.slice(start, charIndex).join('').length;
  const highlights = merged
    .filter(([a, b]) => a >= start && b <= end)
    .map(([a, b]) => [offset(a), offset(b)] as [number, number]);
  return { text, highlights };
}
