import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';
import { evaluateFaq, type FaqQuery, type FaqReport } from '../core/knowledge/evaluate.js';
import type { KnowledgeArticle } from '../core/knowledge/types.js';
import { buildKnowledgeIndex } from '../knowledge/search.js';
import type { RetrievalOptions } from '../core/knowledge/retrieval.js';
import { evaluate, evaluateDetection, type DetectionReport, type EvalReport, type LabelledLine, type NlpEngine } from '../core/nlp/index.js';

export type Half = 'tune' | 'heldout' | 'blind' | 'blind2' | 'blind3' | 'blind4' | 'blind5';
export const HALVES: Half[] = ['tune', 'heldout', 'blind', 'blind2', 'blind3', 'blind4', 'blind5'];

export function evalDir(locale = 'zh-CN'): string {
  return path.join(projectRoot(), 'nlp', 'eval', locale);
}

/** Reads a labelled set: `label<TAB>text` per line; blank lines and # comments skipped. */
export function readLabelled(file: string): LabelledLine[] {
  const lines: LabelledLine[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (!line.trim() || line.startsWith('#')) return;
      const tab = line.indexOf('\t');
      if (tab < 1) throw new Error(`${file}:${i + 1}: expected "label<TAB>text"`);
      lines.push({ label: line.slice(0, tab).trim(), text: line.slice(tab + 1) });
    });
  return lines;
}

export interface HalfReport {
  half: Half;
  intent: EvalReport;
  emotion: EvalReport;
  forbidden: DetectionReport;
}

/** Runs the three tasks of one half through an engine (禁语 lines are analysed as agent text). */
export function evaluateHalf(engine: NlpEngine, half: Half, locale = 'zh-CN'): HalfReport {
  const dir = evalDir(locale);
  const intent = evaluate(readLabelled(path.join(dir, `intent.${half}.tsv`)), (t) => engine.analyze(t).intent.label);
  const emotion = evaluate(readLabelled(path.join(dir, `emotion.${half}.tsv`)), (t) => engine.analyze(t).emotion.label);
  const forbidden = evaluateDetection(readLabelled(path.join(dir, `forbidden.${half}.tsv`)), (t) => engine.analyze(t, 'agent').forbidden.map((f) => f.category));
  return { half, intent, emotion, forbidden };
}

/** The FAQ set's halves (nlp/eval/<locale>/faq.{tune,heldout}.tsv). */
export type FaqHalf = 'tune' | 'heldout';
export const FAQ_HALVES: FaqHalf[] = ['tune', 'heldout'];

/** The FAQ articles (nlp/eval/<locale>/faq.articles.json), ids by position from 1, all enabled. */
export function readFaqArticles(locale = 'zh-CN'): KnowledgeArticle[] {
  const raw = JSON.parse(fs.readFileSync(path.join(evalDir(locale), 'faq.articles.json'), 'utf8')) as { question: string; similarQuestions: string[]; answer: string; category?: string }[];
  return raw.map((a, i) => ({ id: i + 1, question: a.question, similarQuestions: a.similarQuestions, answer: a.answer, category: a.category ?? null, enabled: true }));
}

/** A FAQ half: `query<TAB>expected standard question or -`; checks every expected question exists. */
export function readFaqQueries(half: FaqHalf, articles: KnowledgeArticle[], locale = 'zh-CN'): FaqQuery[] {
  const file = path.join(evalDir(locale), `faq.${half}.tsv`);
  const known = new Set(articles.map((a) => a.question));
  const out: FaqQuery[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (!line.trim() || line.startsWith('#')) return;
      const tab = line.lastIndexOf('\t');
      if (tab < 1) throw new Error(`${file}:${i + 1}: expected "query<TAB>expected"`);
      const expected = line.slice(tab + 1).trim();
      if (expected !== '-' && !known.has(expected)) throw new Error(`${file}:${i + 1}: no article "${expected}"`);
      out.push({ query: line.slice(0, tab), expected: expected === '-' ? null : expected });
    });
  return out;
}

/** Builds the FAQ index through the real adapter and evaluates one half. */
export function evaluateFaqHalf(half: FaqHalf, locale = 'zh-CN', options?: Partial<RetrievalOptions>): FaqReport {
  const articles = readFaqArticles(locale);
  return evaluateFaq(buildKnowledgeIndex(articles, locale, options), readFaqQueries(half, articles, locale));
}
