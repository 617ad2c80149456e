import { describe, expect, it } from 'vitest';
import { searchTermTools } from '../../nlp/index.js';
import { documentTerms, excerptOf, MAX_DOCUMENT_TERMS, normaliseForSearch, queryTerms } from './terms.js';

// the adapter's jieba (search mode) and OpenCC: the terms are what production stores
const tools = searchTermTools();
const finds = (message: string, query: string) => {
  const doc = new Set(documentTerms(message, tools));
  const q = queryTerms(query, tools);
  return q.length > 0 && q.every((t) => doc.has(t));
};

describe('search terms', () => {
  it('cut Chinese into words, so a query finds a message holding its words', () => {
    expect(finds('我想申请退款', '退款')).toBe(true);
    expect(finds('我想申请退款', '申请退款')).toBe(true);
    expect(finds('您好，我的订单一直没有发货', '订单 发货')).toBe(true);
    expect(finds('中华人民共和国消费者权益保护法', '共和国')).toBe(true);
    expect(finds('我想申请退款', '退货')).toBe(false);
    expect(finds('我想申请退款', '申请换货')).toBe(false);
  });

  it('treat traditional characters, full-width forms and letter case as the same', () => {
    expect(finds('我想申請退款', '申请')).toBe(true);
    expect(finds('我想申请退款', '申請退款')).toBe(true);
    expect(finds('ＶＩＰ会员的Ｐｌｕｓ套餐', 'vip plus')).toBe(true);
    expect(normaliseForSearch('ＡＢＣ１２３')).toBe('abc123');
  });

  it('find phone and order numbers whatever their spacing', () => {
    expect(finds('我的电话是 138 0013 8000，麻烦回电', '13800138000')).toBe(true);
    expect(finds('我的电话是13800138000', '138-0013-8000')).toBe(true);
    expect(finds('订单号 A2026-1130-0042 还没到', 'A2026-1130-0042')).toBe(true);
    expect(finds('订单号 A2026-1130-0042 还没到', '202611300042')).toBe(true);
    // whole words and numbers, not their beginnings
    expect(finds('订单号 A2026-1130-0042 还没到', 'a2026')).toBe(false);
  });

  it('leave out particles and lone Latin letters, and bound what a message and a query keep', () => {
    const terms = documentTerms('好的呢，a 的 了 吧', tools);
    expect(terms).toEqual(['好']);
    expect(queryTerms('的 了', tools)).toEqual([]);
    const long = Array.from({ length: 3000 }, (_, i) => `词${i}`).join(' ');
    expect(documentTerms(long, tools).length).toBe(MAX_DOCUMENT_TERMS);
    expect(queryTerms(long, tools).length).toBe(12);
  });
});

describe('an excerpt', () => {
  it('shows the match with its highlights, in the text as written', () => {
    const e = excerptOf('我想申请退款，谢谢', queryTerms('申请退款', tools));
    expect(e.text).toBe('我想申请退款，谢谢');
    expect(e.highlights.map(([a, b]) => e.text.slice(a, b))).toEqual(['申请退款']);
    const trad = excerptOf('我想申請退款', queryTerms('申请', tools), { toSimplified: tools.toSimplified });
    expect(trad.highlights.map(([a, b]) => trad.text.slice(a, b))).toEqual(['申請']);
    const phone = excerptOf('电话 138 0013 8000 找王先生', ['13800138000']);
    expect(phone.highlights.map(([a, b]) => phone.text.slice(a, b))).toEqual(['138 0013 8000']);
  });

  it('cuts a long message around the first match, without splitting an emoji', () => {
    const text = '😀'.repeat(100) + '我要退款' + '好'.repeat(100);
    const e = excerptOf(text, ['退款'], { chars: 40 });
    expect(e.text.startsWith('…') && e.text.endsWith('…')).toBe(true);
    expect(Array.from(e.text).length).toBe(42);
    expect(e.highlights.map(([a, b]) => e.text.slice(a, b))).toEqual(['退款']);
    expect(e.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(excerptOf('没有匹配', ['退款']).highlights).toEqual([]);
  });
});
