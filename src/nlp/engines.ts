import type { NlpEngine } from '../core/nlp/index.js';
import { createNlpEngine, createNlpEngineInSteps } from './index.js';

const engines = new Map<string, NlpEngine>();

/** The pack locale for an inbox or conversation locale: Chinese variants use zh-CN, anything else English. */
export function packLocale(locale: string | null | undefined): 'zh-CN' | 'en' {
  return !locale || locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * The process's NLP engine for `locale`, built on first use (jieba's dictionary and the
 * classifiers: a few hundred ms) and shared by every feature: the bot, the analysis
 * consumer, agent assist, the analysis endpoint.
 */
export function nlpFor(locale: string | null | undefined): NlpEngine {
  const key = packLocale(locale);
  let engine = engines.get(key);
  if (!engine) {
    engine = createNlpEngine(key);
    engines.set(key, engine);
  }
  return engine;
}

/**
 * Builds `locale`'s engine ahead of its first use, yielding to the event loop between steps:
 * a server warms it right after it starts listening, so its first customer message (and every
 * request and consumer running meanwhile) is not held up a second while it loads.
 */
export async function warmNlp(locale: string): Promise<void> {
  const key = packLocale(locale);
  if (engines.has(key)) return;
  const engine = await createNlpEngineInSteps(key, () => new Promise<void>((resolve) => setImmediate(resolve)));
  if (!engines.has(key)) engines.set(key, engine);
}
