import { MAX_ATTRIBUTE_CHARS, MAX_PAGE_TITLE_CHARS, MAX_URL_CHARS } from '../../src/core/limits';
import type { Store } from './store';
import type { ContactAttributes, Locale, PageReport, SignedIdentity } from './types';

export interface Env {
  /** Where widget.js came from: every API call and the socket go there. */
  origin: string;
  inbox: string;
  /** data-locale, when the snippet sets one. */
  locale: Locale | null;
  /** data-user-id with its data-user-timestamp and data-user-signature: the site's logged-in user. */
  user: SignedIdentity | null;
}

/**
 * Reads the snippet. Must run synchronously while the script executes:
 * document.currentScript is null afterwards (and for some loaders), hence the fallback.
 */
export function readEnv(): Env | null {
  const cur = document.currentScript as HTMLScriptElement | null;
  const el = cur?.dataset.inbox ? cur : document.querySelector<HTMLScriptElement>('script[data-inbox]');
  const inbox = el?.dataset.inbox;
  if (!el || !inbox) return null;
  const d = el.dataset;
  const l = (d.locale ?? '').toLowerCase();
  let user: SignedIdentity | null = null;
  if (d.userId) {
    // Unset or empty claims are left out: the server's schema refuses an empty e-mail.
    user = { userId: d.userId, timestamp: Number(d.userTimestamp), signature: d.userSignature ?? '' };
    for (const k of ['name', 'email', 'phone'] as const) {
      const v = d[`user${k[0].toUpperCase()}${k.slice(1)}`];
      if (v) user[k] = v;
    }
  }
  return {
    origin: new URL(el.src || location.href, location.href).origin,
    inbox,
    locale: l.startsWith('en') ? 'en' : l.startsWith('zh') ? 'zh-CN' : null,
    user,
  };
}

/** A clientMessageId. randomUUID needs a secure context; http pages get the getRandomValues version. */
export function uuid(): string {
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0;
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Browser and OS from the user agent: a rough, readable guess for the agent's sidebar, not analytics. */
function browserOf(ua: string): string {
  const known: [string, RegExp][] = [
    ['WeChat', /MicroMessenger\/(\d+)/],
    ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
    ['Opera', /OPR\/(\d+)/],
    ['QQ Browser', /QQBrowser\/(\d+)/],
    ['UC Browser', /UCBrowser\/(\d+)/],
    ['Samsung Internet', /SamsungBrowser\/(\d+)/],
    ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
    ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
    ['Safari', /Version\/(\d+).*Safari/],
  ];
  for (const [name, re] of known) {
    const m = re.exec(ua);
    if (m) return `${name} ${m[1]}`;
  }
  return 'Other';
}

function osOf(ua: string): string {
  let m: RegExpExecArray | null;
  if (/HarmonyOS/.test(ua)) return 'HarmonyOS';
  if ((m = /Android (\d+(?:\.\d+)?)/.exec(ua))) return `Android ${m[1]}`;
  if ((m = /(?:iPhone|iPad|iPod).*? OS (\d+)_?(\d+)?/.exec(ua))) return `iOS ${m[1]}${m[2] ? `.${m[2]}` : ''}`;
  if (/Windows/.test(ua)) return 'Windows';
  // iPadOS 13+ claims to be a Mac; a touch screen gives it away
  if (/Mac OS X/.test(ua)) return navigator.maxTouchPoints > 1 ? 'iPadOS' : 'macOS';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Linux/.test(ua)) return 'Linux';
  return 'Other';
}

export interface Landing {
  url: string;
  title: string;
  referrer: string;
}

/**
 * The page this visit started on. The contact is created only when the visitor
 * first writes, often pages later; agents want to know where they came in.
 * Call on every page load: the first call of the browser session wins.
 */
export function landing(): Landing {
  const here: Landing = { url: location.href, title: document.title, referrer: document.referrer };
  try {
    const saved = sessionStorage.getItem('zhike:landing');
    if (saved) return JSON.parse(saved) as Landing;
    sessionStorage.setItem('zhike:landing', JSON.stringify(here));
  } catch {
    /* storage blocked: this page it is */
  }
  return here;
}

export function visitorAttributes(first: Landing): ContactAttributes {
  const ua = navigator.userAgent;
  let timezone: string | undefined;
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    /* old engines */
  }
  // Lengths follow the server's contactAttributesSchema, so a long URL cannot make the request fail.
  return {
    browser: browserOf(ua),
    os: osOf(ua),
    language: navigator.language?.slice(0, MAX_ATTRIBUTE_CHARS.language),
    firstPageUrl: first.url.slice(0, MAX_ATTRIBUTE_CHARS.firstPageUrl),
    firstPageTitle: first.title.slice(0, MAX_ATTRIBUTE_CHARS.firstPageTitle),
    referrer: first.referrer.slice(0, MAX_ATTRIBUTE_CHARS.referrer),
    timezone: timezone?.slice(0, MAX_ATTRIBUTE_CHARS.timezone),
    screen: `${screen.width}x${screen.height}`,
  };
}

const VISIT_IDLE_MS = 30 * 60_000;

/**
 * The visit key: reused while the visitor is active (pages, messages) within 30
 * minutes, else a new one. Calling it counts as activity. Shared by the tabs of a site.
 */
export function visitKey(store: Store): string {
  let key = '';
  store.update((s) => {
    const v = s.visit;
    const now = Date.now();
    key = v && now - v.at < VISIT_IDLE_MS ? v.key : `v-${uuid()}`;
    s.visit = { key, at: now };
  });
  return key;
}

/** This page, cut to the server's limits (a long URL must not get the hello refused). */
export const pageReport = (visitKey: string, pageKey: string): PageReport => ({
  url: location.href.slice(0, MAX_URL_CHARS),
  title: document.title.slice(0, MAX_PAGE_TITLE_CHARS),
  referrer: document.referrer.slice(0, MAX_URL_CHARS),
  visitKey,
  pageKey,
});

/** Single-page sites: calls `fn` after every history navigation (pushState / replaceState / back / hash). */
export function onNavigate(fn: () => void): void {
  for (const k of ['pushState', 'replaceState'] as const) {
    const orig = history[k];
    try {
      history[k] = function (this: History, ...a: Parameters<History['pushState']>) {
        const r = orig.apply(this, a);
        fn();
        return r;
      };
    } catch {
      /* frozen by the page: popstate and hashchange still tell us */
    }
  }
  addEventListener('popstate', fn);
  addEventListener('hashchange', fn);
}
