/**
 * Rules for text a user sends, shared by the server, the console and the widget.
 * Pure and dependency-free (the widget bundles it).
 *
 * - `checkText`: text we can store at all. PostgreSQL refuses NUL in text and a lone
 *   UTF-16 surrogate is not a character (it cannot be encoded as UTF-8): both are refused
 *   with `invalid_text` instead of failing deep in the database.
 * - `codePointLength`: lengths are counted in Unicode code points, as PostgreSQL's
 *   `char_length` counts them (an emoji is one character, not two UTF-16 units).
 * - `cleanName`: names and file names lose the invisible characters that make one text
 *   look like another (bidirectional overrides, stray zero-width characters).
 */

/** The error code for text holding NUL or a lone surrogate (HTTP 400, WebSocket error frame). */
export const INVALID_TEXT = 'invalid_text';

/** NUL, or a surrogate that is not half of a pair (with the u flag, paired surrogates are one code point). */
const UNSTORABLE = /[\0\p{Cs}]/u;

/** What is wrong with a text, or null when it can be stored: NUL or a lone surrogate. */
export function checkText(s: string): string | null {
  const m = UNSTORABLE.exec(s);
  if (!m) return null;
  const at = codePointLength(s.slice(0, m.index));
  if (m[0] === '\0') return `contains a NUL character (at character ${at + 1})`;
  return `contains a lone surrogate U+${m[0].charCodeAt(0).toString(16).toUpperCase()} (at character ${at + 1}), which is not valid Unicode`;
}

/** Unicode code points in `s` (what PostgreSQL's char_length counts): a surrogate pair counts once. */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * Invisible characters: Default_Ignorable_Code_Point (zero-width space, word joiner, BOM,
 * Hangul fillers, variation selectors, tags…) and Bidi_Control (the embeddings, overrides,
 * isolates and marks U+202A–202E, U+2066–2069, U+200E, U+200F, U+061C). Each match is kept
 * or dropped by `keepInvisible`.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/gu;
const HAS_INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
/** What may sit between a pictograph and the joiner that follows it (🏳️‍🌈, 👨🏽‍💻). */
const EMOJI_TRAILER = /[\p{Emoji_Modifier}\p{Variation_Selector}]/u;
/**
 * Scripts whose spelling uses ZWJ/ZWNJ (Persian می‌خواهم, Indic conjuncts, …): there a
 * joiner between two letters or marks is part of the word, not a stray character.
 */
const JOINING_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Thaana}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Tibetan}\p{Script=Myanmar}\p{Script=Khmer}]/u;
const LETTER = /[\p{L}\p{M}]/u;
const TAG_SEQUENCE_BASE = 0x1f3f4; // 🏴, the base of subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿)

/**
 * A name as people will see it: bidirectional controls and stray zero-width characters
 * removed (`\u202E\u200B管理员` → `管理员`, `invoice\u202Efdp.exe` → `invoicefdp.exe`), while
 * the joiners and selectors that are part of an emoji (👨‍💻, 🏳️‍🌈) or of a word in a
 * script that needs them (Persian, Indic) stay. Apply to every name and file name;
 * message text is left as typed.
 */
export function cleanName(s: string): string {
  if (!HAS_INVISIBLE.test(s)) return s;
  return s.replace(INVISIBLE, (c: string, at: number) => (keepInvisible(s, c, at) ? c : ''));
}

function keepInvisible(s: string, c: string, at: number): boolean {
  const cp = c.codePointAt(0)!;
  const before = codePointBefore(s, at);
  const after = s.codePointAt(at + c.length);
  const prev = before === undefined ? '' : String.fromCodePoint(before);
  const next = after === undefined ? '' : String.fromCodePoint(after);
  if (cp === 0x200d || cp === 0x200c) {
    // a joiner inside an emoji sequence: pictograph (+ skin tone / presentation selector) ZWJ pictograph
    if (cp === 0x200d && PICTOGRAPH.test(next) && PICTOGRAPH.test(emojiBaseBefore(s, at))) return true;
    // a joiner inside a word of a joining script
    return LETTER.test(next) && JOINING_SCRIPT.test(prev) && LETTER.test(prev);
  }
  if (/\p{Variation_Selector}/u.test(c)) {
    // selects a glyph for the character before it (❤️, Mongolian forms); alone it is stray
    return prev !== '' && !HAS_INVISIBLE.test(prev);
  }
  if (cp >= 0xe0020 && cp <= 0xe007f) {
    // tag characters spell a subdivision flag right after 🏴; anywhere else they hide text
    return inTagSequence(s, at);
  }
  return false;
}

function codePointBefore(s: string, at: number): number | undefined {
  if (at === 0) return undefined;
  const low = s.charCodeAt(at - 1);
  if (low >= 0xdc00 && low <= 0xdfff && at >= 2) {
    const high = s.charCodeAt(at - 2);
    if (high >= 0xd800 && high <= 0xdbff) return s.codePointAt(at - 2);
  }
  return low;
}

/** The character before `at`, skipping the skin tones and selectors that may follow an emoji. */
function emojiBaseBefore(s: string, at: number): string {
  let i = at;
  for (;;) {
    const cp = codePointBefore(s, i);
    if (cp === undefined) return '';
    const ch = String.fromCodePoint(cp);
    if (!EMOJI_TRAILER.test(ch)) return ch;
    i -= ch.length;
  }
}

/** Whether the tag character at `at` belongs to 🏴 followed by tag characters ending in CANCEL TAG. */
function inTagSequence(s: string, at: number): boolean {
  let i = at;
  for (;;) {
    const cp = codePointBefore(s, i);
    if (cp === TAG_SEQUENCE_BASE) break;
    if (cp === undefined || cp < 0xe0020 || cp > 0xe007e) return false;
    i -= 2;
  }
  for (let j = at; j < s.length; j += 2) {
    const cp = s.codePointAt(j)!;
    if (cp === 0xe007f) return true;
    if (cp < 0xe0020 || cp > 0xe007e) return false;
  }
  return false;
}

/** At most `max` code points of `s`, never cutting a surrogate pair in half (which would leave invalid text). */
export function truncateText(s: string, max: number): string {
  if (s.length <= max) return s;
  let units = 0;
  for (let n = 0; n < max && units < s.length; n++) {
    const c = s.charCodeAt(units);
    const pair = c >= 0xd800 && c <= 0xdbff && units + 1 < s.length && (s.charCodeAt(units + 1) & 0xfc00) === 0xdc00;
    units += pair ? 2 : 1;
  }
  return s.slice(0, units);
}
