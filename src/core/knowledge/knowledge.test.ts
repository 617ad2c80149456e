import { describe, expect, it } from 'vitest';
import { buildKnowledgeIndex } from '../../knowledge/search.js';
import { buildRetrievalIndex, charGrams, HomophoneCorrector, pinyinGrams, resplit, splitVerbObjects, SynonymRewriter, type KnowledgeArticle, type TextAnalyzer } from './index.js';

let nextId = 1;
const article = (question: string, similarQuestions: string[], answer: string, enabled = true): KnowledgeArticle => ({
  id: nextId++,
  question,
  similarQuestions,
  answer,
  category: null,
  enabled,
});

const ARTICLES: KnowledgeArticle[] = [
  article('怎么申请退款', ['在哪里申请退款', '我要退款怎么操作'], '在「我的订单」点击「申请退款」。'),
  article('退款多久到账', ['退款什么时候到', '退款一般几天到账'], '原路退回,1-3个工作日到账。'),
  article('怎么开发票', ['可以开发票吗', '怎么申请发票'], '订单完成后在订单详情点击「申请发票」。'),
  article('我的快递到哪了', ['怎么查物流', '包裹到哪里了'], '在订单详情点击「查看物流」。'),
  article('忘记密码怎么办', ['密码忘了怎么找回', '怎么重置密码'], '在登录页点击「忘记密码」。'),
  article('支持哪些支付方式', ['能用微信支付吗', '支持信用卡吗'], '支持微信、支付宝、银联卡。'),
  article('你们的营业时间是几点', ['门店几点开门', '几点关门'], '每天10:00-22:00。'),
  article('会员有什么权益', ['开会员有什么好处'], '全场95折。'),
  article('怎么注销账号', ['我要销户'], '设置 → 账户安全 → 注销账号。', false),
];
const byQuestion = new Map(ARTICLES.map((a) => [a.question, a.id]));
const zh = buildKnowledgeIndex(ARTICLES, 'zh-CN');
const top = (query: string) => zh.search(query).results[0]?.articleId;

describe('knowledge retrieval (zh-CN, through the real adapter: jieba, OpenCC, pinyin-pro)', () => {
  it('ranks the article of a paraphrase first and answers it', () => {
    const r = zh.search('退款一般要几天才能到账啊');
    expect(r.results[0].articleId).toBe(byQuestion.get('退款多久到账'));
    expect(r.answered).toBe(true);
    // Scores are in [0, 1], ranked best first.
    for (let i = 1; i < r.results.length; i++) expect(r.results[i - 1].score).toBeGreaterThanOrEqual(r.results[i].score);
    for (const h of [...r.results, ...zh.search('怎么申请退款').results]) expect(h.score >= 0 && h.score <= 1).toBe(true);
  });

  it('expands the pack synonyms: 退钱/返款 find the 退款 article, 包裹 the 快递 one', () => {
    expect(top('我想退钱,在哪申请')).toBe(byQuestion.get('怎么申请退款'));
    expect(top('返款几天能到')).toBe(byQuestion.get('退款多久到账'));
    expect(top('我的包裹到哪里了')).toBe(byQuestion.get('我的快递到哪了'));
  });

  it('survives typos through character n-grams (快地 for 快递, 忘紀 mixed)', () => {
    expect(top('我的快地到哪了')).toBe(byQuestion.get('我的快递到哪了'));
    expect(top('密码忘记了咋整')).toBe(byQuestion.get('忘记密码怎么办'));
  });

  it('matches homophones through pinyin: 发漂 → 发票, 退宽 → 退款', () => {
    expect(top('怎么开发漂')).toBe(byQuestion.get('怎么开发票'));
    expect(top('退宽多久到')).toBe(byQuestion.get('退款多久到账'));
  });

  it('reads traditional characters as simplified', () => {
    expect(top('退款幾天到賬')).toBe(byQuestion.get('退款多久到账'));
    expect(top('能開發票嗎')).toBe(byQuestion.get('怎么开发票'));
    expect(zh.search('能開發票嗎').answered).toBe(true);
  });

  it('handles English words mixed in', () => {
    expect(top('refund 多久到账')).toBe(byQuestion.get('退款多久到账'));
  });

  it('declines an unrelated question, and a near-miss that only shares a word', () => {
    expect(zh.search('今天天气怎么样').answered).toBe(false);
    expect(zh.search('你们公司招人吗').answered).toBe(false);
    expect(zh.search('支付宝的花呗额度怎么提升').answered).toBe(false);
  });

  it('an empty or punctuation-only query returns nothing and does not answer', () => {
    for (const q of ['', '   ', '？？？！！', '。,,;…', '😀']) {
      const r = zh.search(q);
      expect(r.answered, JSON.stringify(q)).toBe(false);
      expect(r.results.length).toBeLessThanOrEqual(0);
    }
  });

  it('a very long rambling query is cut, stays fast and still finds the article', () => {
    const ramble = '你好,我上个月在你们这买了一件衣服,后来不想要了就申请了,客服说已经通过了,' + '我等了很久很久,'.repeat(10) + '想问一下退款一般几天到账?';
    const started = performance.now();
    const r = zh.search(ramble);
    expect(performance.now() - started).toBeLessThan(1000); // a pathological (quadratic) path would take seconds
    expect(r.results.map((h) => h.articleId)).toContain(byQuestion.get('退款多久到账'));
    const huge = zh.search('退款'.repeat(50_000));
    expect(huge.results[0].articleId === byQuestion.get('怎么申请退款') || huge.results[0].articleId === byQuestion.get('退款多久到账')).toBe(true);
  });

  it('ignores disabled articles', () => {
    expect(zh.size).toBe(ARTICLES.length - 1);
    const disabledId = ARTICLES.find((a) => !a.enabled)!.id;
    for (const q of ['怎么注销账号', '我要销户']) expect(zh.search(q, 10).results.map((h) => h.articleId)).not.toContain(disabledId);
  });

  it('respects the limit and an empty index', () => {
    expect(zh.search('怎么', 2).results.length).toBeLessThanOrEqual(2);
    expect(zh.search('退款', 0).results).toEqual([]);
    const empty = buildKnowledgeIndex([], 'zh-CN');
    expect(empty.size).toBe(0);
    expect(empty.search('退款多久到账')).toEqual({ answered: false, results: [] });
  });

  it('English: word tokens and n-grams, no pinyin', () => {
    const en = buildKnowledgeIndex(
      [
        article('How do I get a refund?', ['I want my money back', 'refund request'], 'Open your order and click Refund.'),
        article('Where is my parcel?', ['track my order', 'delivery status'], 'Open the order and click Track.'),
        article('How do I reset my password?', ['forgot password'], 'Click "Forgot password" on the login page.'),
      ],
      'en',
    );
    expect(en.search('how can I get a refund').results[0].question).toBe('How do I get a refund?');
    expect(en.search('wher is my pacel').results[0].question).toBe('Where is my parcel?');
    expect(en.search('I forgot my pasword').results[0].question).toBe('How do I reset my password?');
    expect(en.search('what is the weather like today').answered).toBe(false);
  });
});

describe('knowledge retrieval core (pure, with a small analyzer)', () => {
  // Characters as words, a toy pinyin table: the core needs nothing else.
  const PY: Record<string, string> = { 发: 'fa', 票: 'piao', 漂: 'piao', 退: 'tui', 款: 'kuan', 宽: 'kuan' };
  const small: TextAnalyzer = {
    normalize: (t) => t.toLowerCase(),
    tokens: (t) => [...t].filter((c) => /\p{L}/u.test(c)),
    pinyin: (run) => [...run].map((c) => PY[c] ?? c),
    synonyms: [['退款', '退钱', '返款']],
  };

  it('rewrites synonyms longest first, whole Latin words only', () => {
    const r = new SynonymRewriter([['退款', '退钱', '把钱退'], ['refund', 'money back']]);
    expect(r.rewrite('我想退钱')).toBe('我想退款');
    expect(r.rewrite('把钱退给我')).toBe('退款给我');
    expect(r.rewrite('i want money back')).toBe('i want refund');
    expect(r.rewrite('moneyback')).toBe('moneyback');
  });

  it('n-grams and pinyin grams', () => {
    expect(charGrams('退款多久')).toEqual(['退款', '款多', '多久', '退款多', '款多久']);
    expect(charGrams('refund!')).toEqual(['#re', 'ref', 'efu', 'fun', 'und', 'nd#']);
    expect(pinyinGrams('发漂', (r) => [...r].map((c) => PY[c] ?? c))).toEqual(pinyinGrams('发票', (r) => [...r].map((c) => PY[c] ?? c)));
  });

  it('corrects a homophone of an index word, keeps words the index knows and unknown sounds', () => {
    const c = new HomophoneCorrector((run) => [...run].map((ch) => PY[ch] ?? ch));
    c.add('发票');
    c.add('退款');
    expect(c.correct('怎么开发漂')).toBe('怎么开发票');
    expect(c.correct('退宽多久')).toBe('退款多久');
    expect(c.correct('发票和退款')).toBe('发票和退款');
    expect(c.correct('天气不错')).toBe('天气不错');
  });

  it('fuses the channels: a homophone ranks the right article first; without pinyin it scores lower', () => {
    const arts = [article('怎么开发票', [], '申请发票'), article('退款多久到账', [], '1-3天')];
    const withPinyin = buildRetrievalIndex(arts, small);
    const without = buildRetrievalIndex(arts, { ...small, pinyin: undefined });
    const a = withPinyin.search('开发漂');
    const b = without.search('开发漂');
    expect(a.results[0].question).toBe('怎么开发票');
    expect(a.results[0].score).toBeGreaterThan(b.results[0].score);
    expect(withPinyin.search('退钱多久到账').results[0].question).toBe('退款多久到账');
  });

  it('re-splits a query word the index does not know into index words, only when it is rare in general', () => {
    const known = new Set(['开', '发票', '退款']);
    expect(resplit(['我', '想开', '个', '发票'], (w) => known.has(w))).toEqual(['我', '想', '开', '个', '发票']);
    expect(resplit(['哪开'], (w) => known.has(w))).toEqual(['哪', '开']);
    // No index word inside, a known word, Latin: unchanged; a common word (开发) is not a mis-cut.
    expect(resplit(['天气', '发票', 'app'], (w) => known.has(w))).toEqual(['天气', '发票', 'app']);
    expect(resplit(['开发'], (w) => known.has(w), (w) => w !== '开发')).toEqual(['开发']);
  });

  it('finds the verb-object phrase of split and fronted forms, only when the index knows it', () => {
    const known = (p: string) => ['开发', '退钱', '开票', '办会'].some((k) => p.startsWith(k));
    expect(splitVerbObjects('我想开个发票', known)).toEqual(['开发票']);
    expect(splitVerbObjects('我要开张票', known)).toEqual(['开票']);
    expect(splitVerbObjects('请问发票在哪开呀', known)).toEqual(['开发票']);
    expect(splitVerbObjects('不想要了，钱怎么退给我', known)).toEqual(['退钱']);
    expect(splitVerbObjects('我想办张会员卡', known)).toEqual(['办会员']);
    // Ordinary text, or a phrase the index does not know, gives nothing.
    expect(splitVerbObjects('今天天气怎么样', known)).toEqual([]);
    expect(splitVerbObjects('我想换个颜色', known)).toEqual([]);
  });

  it('a background idf keeps filler words from diluting a chatty query in a tiny index', () => {
    // Characters as words; the background says 我/想/请/问/个/呀 are common, 天/气 rarer.
    const BG: Record<string, number> = { 我: 2.7, 想: 4.1, 个: 3.5, 请: 5, 问: 5, 呀: 5.3, 怎: 7.5, 么: 5.9, 开: 5.6, 天: 5, 气: 6 };
    const withBg: TextAnalyzer = { ...small, backgroundIdf: (w) => BG[w] };
    const arts = [article('怎么开发票', [], ''), article('退款多久到账', [], ''), article('门店几点关门', [], ''), article('忘记密码怎么办', [], '')];
    const plain = buildRetrievalIndex(arts, small).search('我想请问一个开发票呀');
    const bg = buildRetrievalIndex(arts, withBg).search('我想请问一个开发票呀');
    expect(bg.results[0].question).toBe('怎么开发票');
    expect(bg.results[0].score).toBeGreaterThan(plain.results[0].score + 0.1);
    expect(bg.answered).toBe(true);
    expect(plain.answered).toBe(false);
    // An unrelated question made of rarer words stays far below the threshold.
    expect(buildRetrievalIndex(arts, withBg).search('今天天气好').answered).toBe(false);
  });

  it('the threshold and margin decide `answered`', () => {
    const arts = [article('怎么开发票', [], ''), article('退款多久到账', [], '')];
    // An exact question scores 1 (no answer share here).
    expect(buildRetrievalIndex(arts, small, { answerWeight: 0 }).search('怎么开发票').results[0].score).toBe(1);
    expect(buildRetrievalIndex(arts, small, { answerWeight: 0, threshold: 1 }).search('怎么开发票').answered).toBe(true);
    expect(buildRetrievalIndex(arts, small, { answerWeight: 0, threshold: 1.01 }).search('怎么开发票').answered).toBe(false);
    const twins = [article('怎么开发票', [], ''), article('怎么开发票呢', [], '')];
    expect(buildRetrievalIndex(twins, small, { threshold: 0, margin: 0.5 }).search('怎么开发票').answered).toBe(false);
  });
});
