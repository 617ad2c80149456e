import { createNlp, wordTokenizer, type NlpEngine, type NlpPack } from '../core/nlp/index.js';
import type { TermTools } from '../core/search/terms.js';
import { jiebaSearchTokenizer, jiebaTokenizer } from './jieba.js';
import { traditionalToSimplified } from './opencc.js';
import { forbiddenModelCached, forbiddenModelSteps } from './model-cache.js';
import { availableLocales, loadPack } from './packs.js';

export { jiebaTokenizer } from './jieba.js';
export { traditionalToSimplified } from './opencc.js';
export { loadPack, packsDir, availableLocales } from './packs.js';

const isChinese = (locale: string) => locale.toLowerCase().startsWith('zh');

/**
 * Building a pack's engine, a step at a time: jieba and OpenCC for Chinese packs, the word
 * tokenizer otherwise, and the 禁语 model (from the cache, or trained an epoch a step). Each step
 * is at most a few hundred ms of synchronous work.
 */
function* engineSteps(pack: NlpPack): Generator<void, NlpEngine> {
  if (!isChinese(pack.locale)) {
    yield* forbiddenModelSteps(pack, wordTokenizer);
    return createNlp({ pack, tokenizer: wordTokenizer });
  }
  const tokenizer = jiebaTokenizer(pack.words);
  yield;
  yield* forbiddenModelSteps(pack, tokenizer);
  yield;
  const convert = traditionalToSimplified();
  yield;
  return createNlp({ pack, tokenizer, convert });
}

/**
 * The engine for a pack, built now. `onStep` runs between the steps: a sign of life for whoever
 * waits on it (the analysis thread's beat).
 */
export function engineForPack(pack: NlpPack, onStep?: () => void): NlpEngine {
  const steps = engineSteps(pack);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    onStep?.();
  }
}

/** Loads the shipped pack of `locale` (zh-CN, en) from nlp/packs and builds its engine. */
export function createNlpEngine(locale = 'zh-CN', dir?: string, onStep?: () => void): NlpEngine {
  return engineForPack(loadPack(locale, dir), onStep);
}

/**
 * The same engine as createNlpEngine, with `pause()` between the steps, so a server that warms
 * it in the background is never held up for all of it at once.
 */
export async function createNlpEngineInSteps(locale: string, pause: () => Promise<void>): Promise<NlpEngine> {
  const pack = loadPack(locale);
  await pause();
  const steps = engineSteps(pack);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
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
    for (const _ of forbiddenModelSteps(pack, isChinese(pack.locale) ? jiebaTokenizer(pack.words) : wordTokenizer));
    trained.push(locale);
  }
  return trained;
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
