import { createNlp, wordTokenizer, type NlpEngine, type NlpPack } from '../core/nlp/index.js';
import type { TermTools } from '../core/search/terms.js';
import { jiebaSearchTokenizer, jiebaTokenizer } from './jieba.js';
import { traditionalToSimplified } from './opencc.js';
import { forbiddenModelCached, prepareForbiddenModel, prepareForbiddenModelInSteps } from './model-cache.js';
import { availableLocales, loadPack } from './packs.js';

export { jiebaTokenizer } from './jieba.js';
export { traditionalToSimplified } from './opencc.js';
export { loadPack, packsDir, availableLocales } from './packs.js';

const isChinese = (locale: string) => locale.toLowerCase().startsWith('zh');

/**
 * The engine for a pack: jieba and OpenCC for Chinese packs, the word tokenizer otherwise.
 * `onStep` runs between the parts of the work (loading jieba's dictionary, each step of training
 * the 禁语 model when it is not in the cache): a sign of life for whoever waits on it.
 */
export function engineForPack(pack: NlpPack, onStep?: () => void): NlpEngine {
  if (isChinese(pack.locale)) {
    const tokenizer = jiebaTokenizer(pack.words);
    onStep?.();
    prepareForbiddenModel(pack, tokenizer, onStep);
    onStep?.();
    const convert = traditionalToSimplified();
    onStep?.();
    return createNlp({ pack, tokenizer, convert });
  }
  prepareForbiddenModel(pack, wordTokenizer, onStep);
  return createNlp({ pack, tokenizer: wordTokenizer });
}

/** Loads the shipped pack of `locale` (zh-CN, en) from nlp/packs and builds its engine. */
export function createNlpEngine(locale = 'zh-CN', dir?: string, onStep?: () => void): NlpEngine {
  return engineForPack(loadPack(locale, dir), onStep);
}

/**
 * Trains the shipped packs' 禁语 models that are not in the cache yet (model-cache.ts), so the
 * processes that start afterwards (a server and its analysis thread, every test file) load them
 * in milliseconds instead of each training its own copy at once. The build runs it. Returns the
 * locales it trained.
 */
export function prepareShippedModels(dir?: string): string[] {
  const trained: string[] = [];
  for (const locale of availableLocales(dir)) {
    const pack = loadPack(locale, dir);
    if (forbiddenModelCached(pack)) continue;
    prepareForbiddenModel(pack, isChinese(pack.locale) ? jiebaTokenizer(pack.words) : wordTokenizer);
    trained.push(locale);
  }
  return trained;
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
