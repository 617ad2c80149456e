import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { api } from './api.js';
import { DIGEST_MARK } from './failure-digest-reporter.js';
import { createTestApp, type TestApp } from './app.js';
import { launchBrowser } from './browser.js';
import type { DbKind } from './env.js';
import { freePort, ServerProcess } from './server-process.js';
import type { WsClient } from './ws.js';

export type Api = ReturnType<typeof api>;

/**
 * A value made in beforeAll, usable by name from the start: the tests and hooks that read
 * it run after. Reading it while the suite is still being declared is a mistake, said as one.
 */
function late<T extends object>(what: string): { value: T; set(v: T): void } {
  let current: T | undefined;
  const need = (): T => {
    if (current === undefined) throw new Error(`${what} is made in beforeAll: use it inside a test or a hook, not while the suite is declared`);
    return current;
  };
  const value = new Proxy({} as T, {
    get: (_, prop) => {
      const target = need();
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v; // methods run on the real object (private fields and all)
    },
    set: (_, prop, v) => Reflect.set(need(), prop, v),
    has: (_, prop) => Reflect.has(need(), prop),
    ownKeys: () => Reflect.ownKeys(need()),
    getOwnPropertyDescriptor: (_, prop) => {
      const d = Reflect.getOwnPropertyDescriptor(need(), prop);
      return d && { ...d, configurable: true };
    },
  });
  return { value, set: (v) => void (current = v) };
}

/**
 * The setup most suites share: the real app on a fresh database of `kind` (createTestApp),
 * made once for the file (or for each database of a describe.each) in beforeAll, its API
 * helpers, optionally listening on a port (for WebSocket clients and fetch), and closed in
 * afterAll together with every socket put in `sockets` (or given to `track`). Call it inside
 * the describe; `t` and `a` are used as they were when each suite declared them itself.
 */
export function useTestApp(kind: DbKind, opts: NonNullable<Parameters<typeof createTestApp>[1]> & { listen?: boolean } = {}) {
  const { listen, ...appOpts } = opts;
  const t = late<TestApp>('the test app');
  const a = late<Api>('the test app’s api');
  let made: TestApp | undefined;
  const sockets: WsClient[] = [];
  beforeAll(async () => {
    made = await createTestApp(kind, appOpts);
    t.set(made);
    a.set(api(made));
    if (listen) await made.listen();
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await made?.close();
  });
  return {
    t: t.value,
    a: a.value,
    /** Closed before the app, after the suite. */
    sockets,
    /** Keeps `x.ws` for closing after the suite; returns `x`. */
    track: <T extends { ws: WsClient }>(x: T): T => (sockets.push(x.ws), x),
  };
}

/**
 * The browser suites' setup: the built server as its own process on a fresh PGlite data
 * directory (plus `env`), and Debian's Chromium; both made in beforeAll, stopped (and the
 * directory removed) in afterAll.
 */
export function useServerAndBrowser(name: string, env: Record<string, string> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `zhike-e2e-${name}-`));
  const server = late<ServerProcess>('the server');
  const browser = late<Browser>('the browser');
  let made: { server?: ServerProcess; browser?: Browser } = {};
  const trail: string[] = [];
  beforeAll(async () => {
    // kept before it starts: a start that times out still leaves a process for afterAll to stop
    made.server = new ServerProcess(await freePort(), { ZHIKE_DATA_DIR: dataDir, ...env });
    await made.server.start();
    server.set(made.server);
    made.browser = await launchBrowser();
    watchPages(made.browser, trail);
    browser.set(made.browser);
  });
  afterEach(async (ctx) => {
    // a failed browser test says what the pages saw: their errors, failed requests, what they showed
    if (ctx.task.result?.state === 'fail') {
      const pages = made.browser?.contexts().flatMap((c) => c.pages()) ?? [];
      const shown = await Promise.all(pages.map((p) => describePage(p)));
      const serverOutput = made.server?.output ?? '';
      console.error(
        [`[${name}] what the browser saw before "${ctx.task.name}" failed:`, ...trail.slice(-60), ...shown, '[server output, last 4000 chars]', serverOutput.slice(-4000)].join('\n'),
      );
      // the same, short, for the end of the log (test/helpers/failure-digest-reporter.ts)
      console.error(
        [
          `${DIGEST_MARK} [${name}] "${ctx.task.name}": what the browser saw`,
          ...trail.slice(-15),
          ...shown.map((s) => s.split('\n').slice(0, 12).join('\n')),
          '[server output, last lines]',
          ...serverOutput.trimEnd().split('\n').slice(-10),
        ].join('\n'),
      );
    }
    trail.length = 0;
  });
  afterAll(async () => {
    await made.browser?.close();
    await made.server?.stop();
    made = {};
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return { server: server.value, browser: browser.value, dataDir };
}

/** Records, for every page the browser opens, its uncaught errors, console errors and failed or 5xx requests. */
function watchPages(browser: Browser, trail: string[]): void {
  const at = () => new Date().toISOString().slice(11, 23);
  const watch = (page: Page) => {
    page.on('pageerror', (err) => trail.push(`${at()} pageerror ${err.message}`));
    page.on('console', (m) => void (m.type() === 'error' && trail.push(`${at()} console.error ${m.text()}`)));
    page.on('requestfailed', (r) => trail.push(`${at()} requestfailed ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => void (r.status() >= 500 && trail.push(`${at()} ${r.status()} ${r.request().method()} ${r.url()}`)));
    page.on('framenavigated', (f) => void (f === page.mainFrame() && trail.push(`${at()} navigated ${f.url()}`)));
  };
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>): Promise<BrowserContext> => {
    const context = await newContext(...args);
    context.on('page', watch);
    return context;
  };
}

/** What a page shows: toasts and open dialogs first, then the page's own content (not the menus), then the rest. */
async function describePage(page: Page): Promise<string> {
  try {
    const parts = await page.evaluate(() => {
      const document = (globalThis as any).document; // runs in the page (the tests are compiled without the DOM types)
      const texts = (selector: string): string[] => [...document.querySelectorAll(selector)].map((e: any) => String(e.innerText).trim()).filter(Boolean);
      return {
        toasts: texts('.ant-message-notice, .ant-notification-notice, [role="alert"]'),
        dialogs: texts('[role="dialog"]'),
        content: texts('.app-content, main').join('\n') || String(document.body.innerText),
      };
    });
    return [
      `[page ${page.url()}]`,
      ...parts.toasts.map((t) => `toast: ${t}`),
      ...parts.dialogs.map((d) => `dialog: ${d.slice(0, 300)}`),
      parts.content.slice(0, 1500),
    ].join('\n');
  } catch (err) {
    return `[page ${page.url()}] (unreadable: ${(err as Error).message})`;
  }
}

/**
 * Pages for a browser suite, each in a context of its own (its own cookies and storage): the
 * console's zh-CN at Shanghai time on a 1440×900 screen, the pages' CSP bypassed so axe can be
 * injected. The contexts close after the suite. Call inside the describe, after useServerAndBrowser.
 */
export function consolePages(browser: Browser, options: BrowserContextOptions = {}): () => Promise<Page> {
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
  });
  return async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 }, bypassCSP: true, ...options });
    contexts.push(ctx);
    return ctx.newPage();
  };
}
