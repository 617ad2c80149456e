import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { logIn } from './browser.js';

/** The budget of issue 13: what the console's first load after login transfers, compressed. */
export const CONSOLE_FIRST_LOAD_BUDGET = 350 * 1024;

export type Transfer = {
  url: string;
  kind: 'static' | 'api';
  status: number;
  encoding: string | null;
  cacheControl: string | null;
  /** Encoded body and headers, as Chromium counted them. */
  bytes: number;
  bodyBytes: number;
};

export type ConsoleWeight = {
  /** Every HTTP response of the load (the WebSocket is not one: its frames are live traffic, not weight). */
  transfers: Transfer[];
  /** HTML, JS, CSS, fonts, images: the console itself. Headers included. */
  staticBytes: number;
  staticRequests: number;
  /** /api/ calls (the session check, login, the conversation list…). Headers included. */
  apiBytes: number;
  apiRequests: number;
};

/**
 * A first visit in a real Chromium with an empty cache: open the console, log in as the
 * admin, land on 工作台 (the conversation list shown and the network quiet), and add up
 * what went over the wire: each response's encoded body (what `Accept-Encoding: br, gzip`
 * brought, i.e. after compression) plus its headers, from Chromium's own accounting
 * (playwright `request.sizes()`, CDP's encodedDataLength).
 * `reopen`: the same, then the console opened again by the logged-in agent in a browser
 * with an empty cache (the session cookie kept): no login page, straight to 工作台.
 */
export async function measureConsoleFirstLoad(browser: Browser, baseUrl: string, opts: { email?: string; password?: string } = {}): Promise<{ login: ConsoleWeight; reopen: ConsoleWeight }> {
  let cookies: Awaited<ReturnType<BrowserContext['cookies']>> = [];
  const login = await measure(browser, baseUrl, [], async (page) => {
    await logIn(page, baseUrl, opts.email, opts.password);
    cookies = await page.context().cookies();
  });
  const reopen = await measure(browser, baseUrl, cookies, async (page) => {
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('conv-list').waitFor();
  });
  return { login, reopen };
}

async function measure(browser: Browser, baseUrl: string, cookies: Parameters<BrowserContext['addCookies']>[0], steps: (page: Page) => Promise<void>): Promise<ConsoleWeight> {
  // Chromium advertises br only to secure origins; http://127.0.0.1 is what tests have, so ask as a browser on https would.
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 }, extraHTTPHeaders: { 'Accept-Encoding': 'br, gzip' } });
  try {
    await ctx.addCookies(cookies);
    const page = await ctx.newPage();
    const finished: Promise<Transfer | null>[] = [];
    let done = false;
    let inFlight = 0;
    let lastActivity = performance.now();
    const settle = () => {
      inFlight--;
      lastActivity = performance.now();
    };
    page.on('request', () => void (inFlight++, (lastActivity = performance.now())));
    page.on('requestfailed', settle);
    page.on('requestfinished', (req) => {
      settle();
      if (!done) finished.push(transferOf(req, baseUrl));
    });
    await steps(page);
    // landed: now until the network has been quiet for 700 ms (what 工作台 fetches once it shows: the lists,
    // the agents…); playwright's 'networkidle' would not wait, having been reached before the login
    const deadline = performance.now() + 15_000;
    while ((inFlight > 0 || performance.now() - lastActivity < 700) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    done = true;
    const transfers = (await Promise.all(finished)).filter((t): t is Transfer => t !== null);
    const of = (kind: Transfer['kind']) => transfers.filter((t) => t.kind === kind);
    const sum = (ts: Transfer[]) => ts.reduce((n, t) => n + t.bytes, 0);
    return { transfers, staticBytes: sum(of('static')), staticRequests: of('static').length, apiBytes: sum(of('api')), apiRequests: of('api').length };
  } finally {
    await ctx.close();
  }
}

async function transferOf(req: Request, baseUrl: string): Promise<Transfer | null> {
  const res = await req.response();
  if (!res || !req.url().startsWith(baseUrl)) return null;
  const sizes = await req.sizes();
  const path = req.url().slice(baseUrl.length);
  return {
    url: path,
    kind: path.startsWith('/api/') ? 'api' : 'static',
    status: res.status(),
    encoding: (await res.headerValue('content-encoding')) ?? null,
    cacheControl: (await res.headerValue('cache-control')) ?? null,
    bytes: sizes.responseBodySize + sizes.responseHeadersSize,
    bodyBytes: sizes.responseBodySize,
  };
}

export const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

/** "329.5 KB in 17 requests + 7.2 KB in 8 API calls = 336.7 KB" */
export const summary = (w: ConsoleWeight) =>
  `${kb(w.staticBytes)} in ${w.staticRequests} requests + ${kb(w.apiBytes)} in ${w.apiRequests} API calls = ${kb(w.staticBytes + w.apiBytes)}`;

/** One line per response, largest first: what a failing budget is made of. */
export function describeWeight(w: ConsoleWeight): string {
  return [...w.transfers]
    .sort((a, b) => b.bytes - a.bytes)
    .map((t) => `  ${kb(t.bytes).padStart(10)}  ${String(t.status)} ${(t.encoding ?? 'identity').padEnd(8)} ${t.url}`)
    .join('\n');
}
