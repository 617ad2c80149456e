export * from './types.js';
export { SynonymRewriter, HomophoneCorrector, charGrams, pinyinGrams, splitVerbObjects, type PinyinFn } from './text.js';
export { buildRetrievalIndex, resplit, DEFAULT_RETRIEVAL_OPTIONS, type RetrievalIndex, type RetrievalOptions, type TextAnalyzer } from './retrieval.js';
export { evaluateFaq, type FaqQuery, type FaqReport } from './evaluate.js';
