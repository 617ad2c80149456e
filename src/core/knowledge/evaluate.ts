import type { KnowledgeIndex } from './types.js';

/** One labelled query: the expected article's standard question, or null when no article answers it. */
export interface FaqQuery {
  query: string;
  expected: string | null;
}

export interface FaqReport {
  n: number;
  answerable: number;
  unanswerable: number;
  /** Over answerable queries: the first result is the expected article (whatever `answered` says). */
  hitAt1: number;
  hitAt3: number;
  /** Over answerable queries: the bot answers on its own, with the expected article. */
  answeredCorrect: number;
  /** Over answerable queries: the bot answers on its own with another article (the costly error). */
  answeredWrong: number;
  /** Over unanswerable queries: `answered` is false. */
  declined: number;
  misses: { query: string; expected: string; got: string | null; answered: boolean; score: number }[];
  falseAnswers: { query: string; got: string; score: number }[];
}

/** Runs labelled queries through an index (pure: the index is built by the caller). */
export function evaluateFaq(index: KnowledgeIndex, queries: FaqQuery[]): FaqReport {
  let answerable = 0, unanswerable = 0, h1 = 0, h3 = 0, ac = 0, aw = 0, declined = 0;
  const misses: FaqReport['misses'] = [];
  const falseAnswers: FaqReport['falseAnswers'] = [];
  for (const { query, expected } of queries) {
    const r = index.search(query, 3);
    const first = r.results[0];
    if (expected === null) {
      unanswerable++;
      if (!r.answered) declined++;
      else falseAnswers.push({ query, got: first?.question ?? '', score: first?.score ?? 0 });
      continue;
    }
    answerable++;
    const top1 = first?.question === expected;
    if (top1) h1++;
    if (r.results.slice(0, 3).some((h) => h.question === expected)) h3++;
    if (r.answered && top1) ac++;
    if (r.answered && !top1) aw++;
    if (!top1 || !r.answered) misses.push({ query, expected, got: first?.question ?? null, answered: r.answered, score: first?.score ?? 0 });
  }
  const rate = (x: number, n: number) => (n ? x / n : 0);
  return {
    n: queries.length,
    answerable,
    unanswerable,
    hitAt1: rate(h1, answerable),
    hitAt3: rate(h3, answerable),
    answeredCorrect: rate(ac, answerable),
    answeredWrong: rate(aw, answerable),
    declined: rate(declined, unanswerable),
    misses,
    falseAnswers,
  };
}
