/**
 * Text features for retrieval. Pure: the normaliser, tokenizer and pinyin come from outside.
 */

const HAN = /\p{Script=Han}/u;
/** Runs of letters/digits (Han characters included); everything else separates. */
const RUN = /[\p{L}\p{N}]+/gu;

/**
 * Rewrites synonyms to their canonical word in normalised text, longest match first, scanning left
 * to right (退钱 → 退款, 把钱退 → 退款), so every channel (words, n-grams, pinyin) sees one spelling.
 */
export class SynonymRewriter {
  private readonly map = new Map<string, string>();
  private readonly lengths: number[];
  private readonly firstChars = new Set<string>();

  constructor(groups: readonly (readonly string[])[]) {
    for (const [head, ...rest] of groups) {
      if (!head) continue;
      const canon = head.toLowerCase();
      for (const w of [head, ...rest]) {
        const key = w.toLowerCase();
        // The first group that names a word wins (a word in two groups keeps its first meaning).
        if (key && !this.map.has(key)) this.map.set(key, canon);
      }
    }
    this.lengths = [...new Set([...this.map.keys()].map((k) => k.length))].sort((a, b) => b - a);
    for (const k of this.map.keys()) this.firstChars.add(k[0]);
  }

  get size(): number {
    return this.map.size;
  }

  rewrite(text: string): string {
    if (this.map.size === 0) return text;
    let out = '';
    let i = 0;
    outer: while (i < text.length) {
      if (this.firstChars.has(text[i])) {
        for (const len of this.lengths) {
          if (i + len > text.length) continue;
          const canon = this.map.get(text.slice(i, i + len));
          if (canon !== undefined) {
            // Latin words only match whole (refund, not "refunded" cut in the middle of "prefund").
            if (!HAN.test(text[i]) && (isWordChar(text[i - 1]) || isWordChar(text[i + len]))) continue;
            out += canon;
            i += len;
            continue outer;
          }
        }
      }
      out += text[i];
      i++;
    }
    return out;
  }
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch) && !HAN.test(ch);
}

/**
 * Character n-grams of normalised text: inside runs of Han characters, bigrams and trigrams (a run
 * of one character is its own gram); Latin/digit words give their boundary-marked trigrams
 * ("#refund#" → "#re", "ref", …), so typos and unsegmented phrasings still share grams.
 */
export function charGrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(RUN) ?? []) {
    // Split a mixed run (“refund多久”) into Han and non-Han pieces.
    for (const piece of run.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) ?? []) {
      const chars = [...piece];
      if (HAN.test(chars[0])) {
        if (chars.length === 1) out.push(chars[0]);
        for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
        for (let i = 0; i + 2 < chars.length; i++) out.push(chars[i] + chars[i + 1] + chars[i + 2]);
      } else {
        const w = `#${piece}#`;
        if (piece.length <= 2) out.push(w);
        else for (let i = 0; i + 3 <= w.length; i++) out.push(w.slice(i, i + 3));
      }
    }
  }
  return out;
}

/** Pinyin of a run of Han characters: one toneless syllable per character, in order. */
export type PinyinFn = (hanRun: string) => string[];

/**
 * Pinyin syllable bigrams (and the single syllable of a one-character run) of the Han runs in
 * `text`: 发漂 and 发票 both give "fa piao", 退宽 and 退款 "tui kuan". `sources`, when given,
 * receives the characters each gram was read from.
 */
export function pinyinGrams(text: string, pinyin: PinyinFn, sources?: string[]): string[] {
  const out: string[] = [];
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const syl = pinyin(run);
    if (syl.length === 0) continue;
    const chars = sources ? [...run] : [];
    if (syl.length === 1) {
      out.push(syl[0]);
      sources?.push(run);
    }
    for (let i = 0; i + 1 < syl.length; i++) {
      out.push(`${syl[i]} ${syl[i + 1]}`);
      sources?.push(chars[i] + chars[i + 1]);
    }
  }
  return out;
}

/**
 * Homophone correction (发漂 → 发票, 退宽 → 退款, 物留 → 物流): a Han substring of 2-4 characters
 * that is not a word of the index but sounds exactly like one (toneless pinyin) is replaced by
 * that word before matching, so every channel sees it. When several words sound the same, the most
 * frequent in the index wins.
 */
export class HomophoneCorrector {
  private readonly counts = new Map<string, number>();
  private readonly bySound = new Map<string, string>();
  private readonly sounds = new Map<string, string>();

  constructor(private readonly pinyin: PinyinFn) {}

  /** Adds an occurrence of a word of the index (words of 2-4 Han characters count). */
  add(word: string): void {
    const seen = this.counts.get(word);
    if (seen !== undefined) {
      this.counts.set(word, seen + 1);
      const key = this.sounds.get(word);
      if (key !== undefined && (this.counts.get(this.bySound.get(key)!) ?? 0) < seen + 1) this.bySound.set(key, word);
      return;
    }
    const chars = [...word];
    if (chars.length < 2 || chars.length > 4 || !chars.every((c) => HAN.test(c))) return;
    this.counts.set(word, 1);
    const syl = this.pinyin(word);
    if (syl.length !== chars.length) return;
    const key = syl.join(' ');
    this.sounds.set(word, key);
    if (!this.bySound.has(key)) this.bySound.set(key, word);
  }

  correct(text: string): string {
    if (this.bySound.size === 0) return text;
    return text.replace(/\p{Script=Han}{2,}/gu, (run) => {
      const chars = [...run];
      const syl = this.pinyin(run);
      if (syl.length !== chars.length) return run;
      let out = '';
      let i = 0;
      outer: while (i < chars.length) {
        for (let len = Math.min(4, chars.length - i); len >= 2; len--) {
          const piece = chars.slice(i, i + len).join('');
          if (this.counts.has(piece)) {
            out += piece;
            i += len;
            continue outer;
          }
          const hit = this.bySound.get(syl.slice(i, i + len).join(' '));
          if (hit) {
            out += hit;
            i += len;
            continue outer;
          }
        }
        out += chars[i];
        i++;
      }
      return out;
    });
  }
}

/** What comes between a verb and its object in a split verb-object phrase (开个发票, 退了钱, 办张卡). */
const INFIXES = ['一个', '一张', '一下', '一点', '个', '张', '下', '了', '过', '点'];
/** What comes between a fronted object and its verb (钱怎么退, 发票在哪开, 把钱退). */
const MIDDLES = ['怎么', '咋', '如何', '怎样', '在哪', '在哪里', '去哪', '去哪里', '哪里', '能', '可以', '能不能', '可不可以', '要', '要怎么', '该怎么', '还能', '啥时候', '什么时候', '都', '也', '就', '把', '给我'];
const HAN_CHAR = /^\p{Script=Han}$/u;

/**
 * The verb-object phrases hidden in split forms (离合词 and fronted objects): 开个发票 → 开发票,
 * 钱怎么退 → 退钱, 发票在哪开 → 开发票, 把钱退了 → 退钱. A candidate (verb + the 1-2 characters of
 * the object) is kept only when `accept` says the index knows it (after synonyms), so ordinary text
 * yields nothing. The caller matches the phrases in addition to the text.
 */
export function splitVerbObjects(text: string, accept: (phrase: string) => boolean): string[] {
  const chars = [...text];
  const out = new Set<string>();
  const han = (i: number) => i >= 0 && i < chars.length && HAN_CHAR.test(chars[i]);
  const at = (i: number, s: string) => {
    for (let k = 0; k < s.length; k++) if (chars[i + k] !== s[k]) return false;
    return true;
  };
  const tryPhrase = (p: string) => {
    if (accept(p)) {
      out.add(p);
      return true;
    }
    return false;
  };
  for (let i = 0; i < chars.length; i++) {
    if (!han(i)) continue;
    // Verb, infix, object: 开个发票, 退了钱.
    for (const inf of INFIXES) {
      if (!at(i + 1, inf)) continue;
      const o = i + 1 + inf.length;
      if (han(o) && han(o + 1) && tryPhrase(chars[i] + chars[o] + chars[o + 1])) break;
      if (han(o) && tryPhrase(chars[i] + chars[o])) break;
    }
    // Object, middle, verb: 钱怎么退, 发票在哪开.
    for (const mid of MIDDLES) {
      if (!at(i, mid)) continue;
      const v = i + mid.length;
      if (!han(v)) continue;
      if (han(i - 2) && han(i - 1) && tryPhrase(chars[v] + chars[i - 2] + chars[i - 1])) continue;
      if (han(i - 1)) tryPhrase(chars[v] + chars[i - 1]);
    }
  }
  return [...out];
}
