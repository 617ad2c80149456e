import { describe, expect, it } from 'vitest';
import { firstInvitation, invitationDelay, pathMatches, type InvitationRule } from './invitation.js';
import { parseSource } from './source.js';

describe('visit source', () => {
  it('takes the search keyword from Baidu, Google, Sogou and friends', () => {
    expect(parseSource('https://shop.example/', 'https://www.baidu.com/s?wd=%E4%BF%9D%E6%B8%A9%E6%9D%AF')).toMatchObject({ kind: 'search', name: '百度', keyword: '保温杯' });
    expect(parseSource('https://shop.example/', 'https://www.google.com.hk/search?q=thermos')).toMatchObject({ kind: 'search', name: 'Google', keyword: 'thermos' });
    expect(parseSource('https://shop.example/', 'https://www.sogou.com/web?query=耳机')).toMatchObject({ name: '搜狗', keyword: '耳机' });
    // engines that hide the query: the UTM term fills in
    expect(parseSource('https://shop.example/?utm_term=帆布包', 'https://www.google.com/')).toMatchObject({ kind: 'search', keyword: '帆布包' });
  });

  it('recognises social sites, referrals, campaigns and direct visits', () => {
    expect(parseSource('https://shop.example/', 'https://mp.weixin.qq.com/s/abc')).toMatchObject({ kind: 'social', name: '微信' });
    expect(parseSource('https://shop.example/', 'https://blog.example.org/review')).toMatchObject({ kind: 'referral', name: 'blog.example.org' });
    expect(parseSource('https://shop.example/?utm_source=newsletter&utm_campaign=双11', '')).toMatchObject({
      kind: 'campaign',
      name: 'newsletter',
      utm: { source: 'newsletter', campaign: '双11' },
    });
    expect(parseSource('https://shop.example/a', 'https://shop.example/b')).toMatchObject({ kind: 'direct' });
    expect(parseSource('not a url', 'also not')).toMatchObject({ kind: 'direct', landingPage: 'not a url' });
  });
});

describe('automatic invitations', () => {
  const rule = (over: Partial<InvitationRule>): InvitationRule => ({ id: 'r', name: 'r', enabled: true, greeting: '需要帮忙吗?', ...over });

  it('matches path globs', () => {
    expect(pathMatches('/pricing', '/pricing')).toBe(true);
    expect(pathMatches('/pricing', '/pricing/')).toBe(true);
    expect(pathMatches('/products/*', '/products/42')).toBe(true);
    expect(pathMatches('/products/*', '/pricing')).toBe(false);
    expect(pathMatches(undefined, '/anything')).toBe(true);
  });

  it('"on /pricing for 30 s" fires after 30 s on that page only', () => {
    const r = rule({ pathPattern: '/pricing', minSecondsOnPage: 30 });
    expect(invitationDelay(r, { path: '/pricing', pageViews: 1, fromSearch: false })).toBe(30_000);
    expect(invitationDelay(r, { path: '/', pageViews: 1, fromSearch: false })).toBeNull();
  });

  it('"third page view" and "came from a search engine"', () => {
    expect(invitationDelay(rule({ minPageViews: 3 }), { path: '/', pageViews: 2, fromSearch: false })).toBeNull();
    expect(invitationDelay(rule({ minPageViews: 3 }), { path: '/', pageViews: 3, fromSearch: false })).toBe(0);
    expect(invitationDelay(rule({ fromSearchEngine: true }), { path: '/', pageViews: 1, fromSearch: false })).toBeNull();
    expect(invitationDelay(rule({ enabled: false }), { path: '/', pageViews: 9, fromSearch: true })).toBeNull();
  });

  it('the soonest matching rule wins', () => {
    const rules = [rule({ id: 'slow', minSecondsOnPage: 60 }), rule({ id: 'search', fromSearchEngine: true, minSecondsOnPage: 5 })];
    expect(firstInvitation(rules, { path: '/', pageViews: 1, fromSearch: true })).toMatchObject({ rule: { id: 'search' }, delayMs: 5000 });
    expect(firstInvitation(rules, { path: '/', pageViews: 1, fromSearch: false })).toMatchObject({ rule: { id: 'slow' } });
  });
});
