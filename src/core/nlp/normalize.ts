import type { TextConverter } from './types.js';

export interface Normalized {
  original: string;
  /**
   * The text every matcher reads: full-width ASCII and the ideographic space made half-width,
   * Chinese quotes made ASCII, ASCII lower-cased, traditional characters simplified. It has the
   * same length as the original, position for position, so a match at [s, e) here is the span
   * [s, e) of the original: findings point at what the person actually wrote.
   */
  text: string;
  /** Emoji kept as signals (the normaliser never drops them). */
  emoji: string[];
  exclamations: number;
  questions: number;
  /** Longest run of ! and ? together (！！？ counts 3). */
  longestPunctuationRun: number;
}

const QUOTES: Record<string, string> = { '“': '"', '”': '"', '‘': "'", '’': "'", '「': '"', '」': '"', '『': '"', '』': '"', '。': '.', '、': ',', '～': '~' };

function widthAndCase(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) ch = String.fromCharCode(code - 0xfee0);
  else if (code === 0x3000) ch = ' ';
  else if (QUOTES[ch]) ch = QUOTES[ch];
  const c = ch.charCodeAt(0);
  return c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : ch;
}

/**
 * Simplified characters the traditional→simplified converter must leave alone: OpenCC reads a
 * final 么 ("写在首页了么", "是么") as the traditional form of 幺, which breaks every 吗/么 pattern.
 */
const KEEP = new Set(['么']);

/** Converts keeping the length: whole text when the converter keeps it, else character by character. */
function convertKeepingLength(text: string, convert: TextConverter): string {
  const whole = convert(text);
  let out = '';
  if (whole.length === text.length) {
    for (let i = 0; i < text.length; i++) out += KEEP.has(text[i]) ? text[i] : whole[i];
    return out;
  }
  for (const ch of text) {
    const converted = KEEP.has(ch) ? ch : convert(ch);
    out += converted.length === ch.length ? converted : ch;
  }
  return out;
}

const EMOJI = /\p{Extended_Pictographic}/gu;

export function normalize(original: string, convert?: TextConverter): Normalized {
  let text = '';
  for (let i = 0; i < original.length; i++) text += widthAndCase(original[i]);
  if (convert) text = convertKeepingLength(text, convert);
  let exclamations = 0;
  let questions = 0;
  let run = 0;
  let longestPunctuationRun = 0;
  for (const ch of text) {
    if (ch === '!') exclamations++;
    if (ch === '?') questions++;
    run = ch === '!' || ch === '?' ? run + 1 : 0;
    if (run > longestPunctuationRun) longestPunctuationRun = run;
  }
  return { original, text, emoji: text.match(EMOJI) ?? [], exclamations, questions, longestPunctuationRun };
}
