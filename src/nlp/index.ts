import { createNlp, wordTokenizer, type NlpEngine, type NlpPack } from '../core/nlp/index.js';
import { jiebaTokenizer } from './jieba.js';
import { traditionalToSimplified } from './opencc.js';
import { loadPack } from './packs.js';

export { jiebaTokenizer } from './jieba.js';
export { traditionalToSimplified } from './opencc.js';
export { loadPack, packsDir, availableLocales } from './packs.js';

const isChinese = (locale: string) => locale.toLowerCase().startsWith('zh');

/** The engine for a pack: jieba and OpenCC for Chinese packs, the word tokenizer otherwise. */
export function engineForPack(pack: NlpPack): NlpEngine {
  if (isChinese(pack.locale)) return createNlp({ pack, tokenizer: jiebaTokenizer(pack.words), convert: traditionalToSimplified() });
  return createNlp({ pack, tokenizer: wordTokenizer });
}

/** Loads the shipped pack of `locale` (zh-CN, en) from nlp/packs and builds its engine. */
export function createNlpEngine(locale = 'zh-CN', dir?: string): NlpEngine {
  return engineForPack(loadPack(locale, dir));
}
