import { describe, expect, it } from 'vitest';
import type { KnowledgeArticle } from '../core/knowledge/types.js';
import { buildKnowledgeIndex } from './search.js';
import { SMALL_KBS } from './small-kb.fixture.js';

/**
 * A new workspace has a handful of articles: the bot must still answer the colloquial phrasings of
 * them (issue 14, kbtune) and decline what they do not answer. Through the real adapter (jieba,
 * OpenCC, pinyin-pro, jieba's idf table as background).
 */
const toArticles = (kb: (typeof SMALL_KBS)[number]): KnowledgeArticle[] =>
  kb.articles.map((a, i) => ({ id: i + 1, question: a.question, similarQuestions: a.similarQuestions, answer: '', category: null, enabled: true }));

describe('knowledge bot on small knowledge bases (4-5 articles)', () => {
  it('answers the phrasings the four-article base used to miss, and still declines the weather', () => {
    const kb = SMALL_KBS[0];
    const index = buildKnowledgeIndex(toArticles(kb), 'zh-CN');
    const cases: [string, string][] = [
      ['我想开个发票', '怎么开发票'], // jieba: 我/想开/个/发票
      ['请问发票在哪开呀', '怎么开发票'], // fronted object: 发票…开
      ['我买的东西不想要了，钱怎么退给我', '怎么申请退款'], // 钱怎么退 → 退款
      ['周末门店开到几点', '门店营业时间'],
      ['钱怎么退回来', '退款多久到账'],
    ];
    for (const [q, want] of cases) {
      const r = index.search(q);
      expect(r.results[0]?.question, q).toBe(want);
      expect(r.answered, q).toBe(true);
    }
    expect(index.search('今天天气怎么样').answered).toBe(false);
    // close to both refund articles (margin 0.06): the customer picks from the chips, the right one first
    const close = index.search('我想把钱退了，在哪弄');
    expect(close.results[0]?.question).toBe('怎么申请退款');
    // a question about what two articles share is not guessed at: 您是不是想问 with both
    for (const q of ['退款的问题', '关于退款我有问题', '退款咨询']) {
      const r = index.search(q);
      expect(r.answered, q).toBe(false);
      expect(r.results.slice(0, 2).map((h) => h.question).sort(), q).toEqual(['怎么申请退款', '退款多久到账']);
    }
  });

  it('answers most paraphrases correctly, almost never wrongly, and declines unrelated and near-miss questions', () => {
    let answerable = 0, correct = 0, wrong = 0, unanswerable = 0, declined = 0;
    const log: string[] = [];
    for (const kb of SMALL_KBS) {
      const index = buildKnowledgeIndex(toArticles(kb), 'zh-CN');
      for (const a of kb.articles) {
        for (const q of a.answers) {
          answerable++;
          const r = index.search(q, 3);
          const right = r.results[0]?.question === a.question;
          if (r.answered && right) correct++;
          else if (r.answered) {
            wrong++;
            log.push(`wrong: ${q} → ${r.results[0]?.question}`);
          }
        }
      }
      for (const q of kb.decline) {
        unanswerable++;
        const r = index.search(q, 3);
        if (!r.answered) declined++;
        else log.push(`answered: ${q} → ${r.results[0]?.question}`);
      }
    }
    expect(answerable).toBeGreaterThanOrEqual(90);
    expect(unanswerable).toBeGreaterThanOrEqual(30);
    // Measured when committed: 86.8% answered and correct, 0% wrong, 90% declined (was 47%, 0%, 97%).
    expect(correct / answerable, log.join('\n')).toBeGreaterThanOrEqual(0.82);
    expect(wrong / answerable, log.join('\n')).toBeLessThanOrEqual(0.02);
    expect(declined / unanswerable, log.join('\n')).toBeGreaterThanOrEqual(0.85);
  });

  it('a question the base answers exactly is answered in every small base', () => {
    for (const kb of SMALL_KBS) {
      const index = buildKnowledgeIndex(toArticles(kb), 'zh-CN');
      for (const a of kb.articles) {
        for (const q of [a.question, ...a.similarQuestions]) {
          const r = index.search(q);
          expect(r.results[0]?.question, q).toBe(a.question);
          expect(r.answered, q).toBe(true);
        }
      }
    }
  });
});
