import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';
import { buildRetrievalIndex, type RetrievalIndex, type RetrievalOptions, type TextAnalyzer } from '../core/knowledge/retrieval.js';
import type { KnowledgeArticle, KnowledgeIndex } from '../core/knowledge/types.js';
import { Segmenter, wordTokenizer } from '../core/nlp/index.js';
import { nlpFor, packLocale } from '../nlp/engines.js';
import { jiebaTokenizer } from '../nlp/jieba.js';
import { loadPack } from '../nlp/packs.js';

const analyzers = new Map<string, TextAnalyzer>();

/** Words rarer than this (general idf) are not kept: the retrieval treats an unknown Han word as rare. */
const BACKGROUND_KEEP_BELOW = 10;
let backgroundTable: Map<string, number> | undefined;

/**
 * jieba's idf table (`idf.txt` bundled with @node-rs/jieba: idf of ~270,000 words over a large
 * general Chinese corpus), the common part only (~45,000 words and single characters, ~0.1 s to read
 * once per process): the background informativeness of a word (我 2.7, 怎么 4.4, 发票 9.2).
 */
function background(): Map<string, number> {
  if (!backgroundTable) {
    const table = new Map<string, number>();
    for (const line of Buffer.from(jiebaIdf).toString('utf8').split('\n')) {
      const space = line.indexOf(' ');
      if (space < 1) continue;
      const value = Number(line.slice(space + 1));
      if (Number.isFinite(value) && value < BACKGROUND_KEEP_BELOW) table.set(line.slice(0, space), value);
    }
    backgroundTable = table;
  }
  return backgroundTable;
}

/** Toneless pinyin, one syllable per character of a Han run (pinyin-pro picks polyphones by context). */
function hanPinyin(run: string): string[] {
  const out = pinyin(run, { toneType: 'none', type: 'array', v: true });
  return out.length === [...run].length ? out : [];
}

/**
 * The text analysis retrieval uses for `locale`: the process's shared NLP engine (normaliser with
 * OpenCC, jieba, stop words), the pack's synonyms, and pinyin for Chinese. English: word tokens and
 * n-grams, no pinyin.
 */
export function knowledgeAnalyzer(locale = 'zh-CN'): TextAnalyzer {
  const key = packLocale(locale);
  let analyzer = analyzers.get(key);
  if (!analyzer) {
    const engine = nlpFor(key);
    const pack = loadPack(key);
    // The engine's segmentation (same shared jieba, pack words, stop words and synonyms) applied to
    // text already normalised: engine.tokens would run OpenCC a second time (a third of build time).
    const segmenter = new Segmenter(key === 'zh-CN' ? jiebaTokenizer(pack.words) : wordTokenizer, pack);
    analyzer = {
      normalize: (text) => engine.normalize(text).text,
      tokens: (text) => segmenter.tokens(text),
      pinyin: key === 'zh-CN' ? hanPinyin : undefined,
      synonyms: pack.synonyms,
      backgroundIdf: key === 'zh-CN' ? bgLookup(background()) : undefined,
    };
    analyzers.set(key, analyzer);
  }
  return analyzer;
}

function bgLookup(table: Map<string, number>): (word: string) => number | undefined {
  return (word) => table.get(word);
}

/**
 * Builds the search index of a workspace's enabled articles for `locale` (BM25 over words with
 * synonyms, fused with character n-grams and pinyin: src/core/knowledge/retrieval.ts).
 * `options` overrides the calibrated weights and thresholds (evaluation and tuning).
 */
export function buildKnowledgeIndex(articles: KnowledgeArticle[], locale = 'zh-CN', options?: Partial<RetrievalOptions>): KnowledgeIndex & Pick<RetrievalIndex, 'options'> {
  return buildRetrievalIndex(articles, knowledgeAnalyzer(locale), options);
}
