import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { Tokenizer } from '../core/nlp/index.js';

let shared: Jieba | undefined;
const loadedWords = new Set<string>();

/**
 * jieba with its bundled dictionary (~0.2-0.4 s to load, once per process) plus the pack's domain
 * words. Stop words are NOT set here: jieba's setConfig({stopWords}) throws and setConfig without
 * them drops its default list, so the core's Segmenter filters them.
 */
export function jiebaTokenizer(words: string[] = []): Tokenizer {
  shared ??= Jieba.withDict(dict);
  const fresh = words.filter((w) => !loadedWords.has(w) && !/\s/.test(w));
  if (fresh.length) {
    // A high frequency makes jieba keep the word whole against its general dictionary.
    shared.loadDict(Buffer.from(fresh.map((w) => `${w} 100000 n`).join('\n') + '\n'));
    for (const w of fresh) loadedWords.add(w);
  }
  const jieba = shared;
  return { cut: (text) => jieba.cut(text, true) };
}

/**
 * jieba's search mode (cutForSearch): a long word also yields the shorter words in it
 * (中华人民共和国 → 中华, 华人, 人民, 共和, 共和国, 中华人民共和国), so a query for a part
 * finds the whole. Full-text search cuts messages and queries with it (core/search/terms.ts).
 */
export function jiebaSearchTokenizer(): Tokenizer {
  shared ??= Jieba.withDict(dict);
  const jieba = shared;
  return { cut: (text) => jieba.cutForSearch(text, true) };
}
