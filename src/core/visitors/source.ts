import { truncateText } from '../text.js';

/**
 * Where a visitor came from (来源): the channel, the referring site, the search
 * keyword (搜索词) from the search engine's referrer or from UTM tags, and the
 * landing page (着陆页). Pure parsing of URLs the widget reports.
 */
export interface VisitSource {
  /** search, social, referral, campaign (UTM), or direct */
  kind: 'search' | 'social' | 'referral' | 'campaign' | 'direct';
  /** e.g. 百度, Google, 微信 — or the referring host */
  name: string | null;
  keyword: string | null;
  referrer: string | null;
  landingPage: string | null;
  utm: Partial<Record<'source' | 'medium' | 'campaign' | 'term' | 'content', string>>;
}

/** Search engines: host pattern → name and the query parameters holding the keyword. */
const SEARCH_ENGINES: { host: RegExp; name: string; params: string[] }[] = [
  { host: /(^|\.)baidu\.com$/, name: '百度', params: ['wd', 'word', 'kw'] },
  { host: /(^|\.)google\.[a-z.]+$/, name: 'Google', params: ['q'] },
  { host: /(^|\.)bing\.com$/, name: 'Bing', params: ['q'] },
  { host: /(^|\.)sogou\.com$/, name: '搜狗', params: ['query', 'keyword'] },
  { host: /(^|\.)so\.com$/, name: '360搜索', params: ['q'] },
  { host: /(^|\.)sm\.cn$/, name: '神马', params: ['q'] },
  { host: /(^|\.)yahoo\.[a-z.]+$/, name: 'Yahoo', params: ['p', 'q'] },
  { host: /(^|\.)duckduckgo\.com$/, name: 'DuckDuckGo', params: ['q'] },
  { host: /(^|\.)yandex\.[a-z.]+$/, name: 'Yandex', params: ['text'] },
];

const SOCIAL: { host: RegExp; name: string }[] = [
  { host: /(^|\.)(weixin\.qq\.com|wx\.qq\.com)$/, name: '微信' },
  { host: /(^|\.)weibo\.(com|cn)$/, name: '微博' },
  { host: /(^|\.)(douyin\.com|iesdouyin\.com)$/, name: '抖音' },
  { host: /(^|\.)xiaohongshu\.com$/, name: '小红书' },
  { host: /(^|\.)zhihu\.com$/, name: '知乎' },
  { host: /(^|\.)(facebook\.com|t\.co|twitter\.com|x\.com|linkedin\.com)$/, name: 'social' },
];

function parse(url: string | null | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function parseSource(landingUrl: string | null | undefined, referrer: string | null | undefined): VisitSource {
  const landing = parse(landingUrl);
  const ref = parse(referrer);
  const utm: VisitSource['utm'] = {};
  for (const k of ['source', 'medium', 'campaign', 'term', 'content'] as const) {
    const v = landing?.searchParams.get(`utm_${k}`);
    if (v) utm[k] = clip(v, 200);
  }
  const base = { referrer: referrer ? clip(referrer, 2000) : null, landingPage: landingUrl ? clip(landingUrl, 2000) : null, utm };
  // A referrer from the site itself is navigation, not a source.
  const external = ref && (!landing || ref.host !== landing.host) ? ref : null;
  if (external) {
    const host = external.hostname.toLowerCase();
    const engine = SEARCH_ENGINES.find((e) => e.host.test(host));
    if (engine) {
      const keyword = engine.params.map((p) => external.searchParams.get(p)).find((v) => v) ?? utm.term ?? null;
      return { kind: 'search', name: engine.name, keyword: keyword ? clip(keyword, 200) : null, ...base };
    }
    const social = SOCIAL.find((s) => s.host.test(host));
    if (social) return { kind: 'social', name: social.name, keyword: utm.term ?? null, ...base };
    if (!utm.source) return { kind: 'referral', name: host, keyword: utm.term ?? null, ...base };
  }
  if (utm.source || utm.campaign) return { kind: 'campaign', name: utm.source ?? utm.campaign ?? null, keyword: utm.term ?? null, ...base };
  return { kind: 'direct', name: null, keyword: null, ...base };
}

/** Decoded query values may hold anything (`%00` is NUL, which PostgreSQL cannot store): stored clipped, without NUL. */
function clip(s: string, max: number): string {
  return truncateText(s.replace(/\0/g, ''), max);
}
