import { createNlp, wordTokenizer, type NlpEngine, type NlpPack } from '../core/nlp/index.js';
import type { TermTools } from '../core/search/terms.js';
import { jiebaSearchTokenizer, jiebaTokenizer } from './jieba.js';
import { traditionalToSimplified } from './opencc.js';
import { prepareForbiddenModel, prepareForbiddenModelInSteps } from './model-cache.js';
import { loadPack } from './packs.js';

export { jiebaTokenizer } from './jieba.js';
export { traditionalToSimplified } from './opencc.js';
export { loadPack, packsDir, availableLocales } from './packs.js';

const isChinese = (locale: string) => locale.toLowerCase().startsWith('zh');

/** The engine for a pack: jieba and OpenCC for Chinese packs, the word tokenizer otherwise. */
export function engineForPack(pack: NlpPack): NlpEngine {
  if (isChinese(pack.locale)) {
    const tokenizer = jiebaTokenizer(pack.words);
    prepareForbiddenModel(pack, tokenizer);
    return createNlp({ pack, tokenizer, convert: traditionalToSimplified() });
  }
  prepareForbiddenModel(pack, wordTokenizer);
  return createNlp({ pack, tokenizer: wordTokenizer });
}

/** Loads the shipped pack of `locale` (zh-CN, en) from nlp/packs and builds its engine. */
export function createNlpEngine(locale = 'zh-CN', dir?: string): NlpEngine {
  return engineForPack(loadPack(locale, dir));
}

/**
 * The same engine as createNlpEngine, built in steps with `pause()` between them (each is a
 * few hundred ms of synchronous work: the pack, jieba's dictionary, OpenCC, the classifiers),
 * so a server that warms it in the background is never held up for all of it at once.
 */
export async function createNlpEngineInSteps(locale: string, pause: () => Promise<void>): Promise<NlpEngine> {
  const pack = loadPack(locale);
  await pause();
  if (!isChinese(pack.locale)) {
    await prepareForbiddenModelInSteps(pack, wordTokenizer, pause);
    return createNlp({ pack, tokenizer: wordTokenizer });
  }
  const tokenizer = jiebaTokenizer(pack.words);
  await pause();
  const convert = traditionalToSimplified();
  await pause();
  await prepareForbiddenModelInSteps(pack, tokenizer, pause);
  return createNlp({ pack, tokenizer, convert });
}

let termTools: TermTools | undefined;

/**
 * Full-text search's segmentation (core/search/terms.ts): jieba's search mode with the zh-CN
 * pack's domain words (七天无理由 stays one word) and OpenCC, the same on the thread that
 * indexes messages and on the one that reads queries, so both cut a text alike.
 */
export function searchTermTools(): TermTools {
  if (!termTools) {
    jiebaTokenizer(loadPack('zh-CN').words);
    termTools = { tokenizer: jiebaSearchTokenizer(), toSimplified: traditionalToSimplified() };
  }
  return termTools;
}
