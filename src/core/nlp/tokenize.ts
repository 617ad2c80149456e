import type { NlpPack } from './pack.js';
import type { Tokenizer } from './types.js';

/** Words for English and other space-separated languages: letters/digits runs, lower-cased upstream. */
export const wordTokenizer: Tokenizer = {
  cut: (text) => text.match(/[\p{L}\p{N}']+|\p{Extended_Pictographic}/gu) ?? [],
};

const PUNCTUATION_ONLY = /^[\s\p{P}\p{S}]*$/u;

/** Segments normalised text, drops punctuation and stop words, maps synonyms to their canonical word. */
export class Segmenter {
  private readonly stop: Set<string>;
  private readonly canonical = new Map<string, string>();

  constructor(
    private readonly tokenizer: Tokenizer,
    pack: Pick<NlpPack, 'stopWords' | 'synonyms'>,
  ) {
    this.stop = new Set(pack.stopWords);
    for (const [head, ...rest] of pack.synonyms) for (const word of rest) this.canonical.set(word, head);
  }

  tokens(normalisedText: string): string[] {
    return this.segment(normalisedText).tokens;
  }

  /**
   * The tokens and where the tokenizer put word boundaries (offsets into the text; 0 and the
   * length included), from one cut: the lexicon uses them to refuse a term that straddles two
   * words (单一 in 工单一周).
   */
  segment(normalisedText: string): { tokens: string[]; boundaries: Set<number> } {
    const out: string[] = [];
    const boundaries = new Set<number>([0, normalisedText.length]);
    let at = 0;
    for (const raw of this.tokenizer.cut(normalisedText)) {
      const found = raw ? normalisedText.indexOf(raw, at) : -1;
      if (found >= 0) {
        boundaries.add(found);
        at = found + raw.length;
        boundaries.add(at);
      }
      const word = raw.trim();
      if (!word || PUNCTUATION_ONLY.test(word) || this.stop.has(word)) continue;
      out.push(this.canonical.get(word) ?? word);
    }
    return { tokens: out, boundaries };
  }
}

const HAN = /\p{Script=Han}/u;

/** Classifier features: canonical words, and Chinese character bigrams (robust to segmentation and typos). */
export function features(tokens: string[], normalisedText: string): string[] {
  const out = new Set<string>();
  for (const t of tokens) out.add(`w:${t}`);
  const chars = [...normalisedText];
  for (let i = 0; i + 1 < chars.length; i++) {
    if (HAN.test(chars[i]) && HAN.test(chars[i + 1])) out.add(`b:${chars[i]}${chars[i + 1]}`);
  }
  return [...out];
}
