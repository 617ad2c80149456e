import { describe, expect, it, onTestFailed } from 'vitest';
import { CONSOLE_FIRST_LOAD_BUDGET, describeWeight, kb, measureConsoleFirstLoad, summary } from '../helpers/console-weight.js';
import { logIn } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/suite.js';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The pages behind React.lazy, each with something only it shows once its code has arrived. */
const LAZY_PAGES = [
  { nav: 'nav-visitors', path: '/visitors', shows: 'visitor-count' },
  { nav: 'nav-monitor', path: '/monitor', shows: 'monitor-refresh' },
  { nav: 'nav-agents', path: '/admin/agents', shows: 'agent-row' },
  { nav: 'nav-groups', path: '/admin/groups', shows: 'group-create' },
  { nav: 'nav-hours', path: '/admin/hours', shows: 'calendar-create' },
  { nav: 'nav-inboxes', path: '/admin/inboxes', shows: 'inbox-create' },
];

/**
 * Issue 13, item 5: the console's first load — open it, log in, land on 工作台 — transfers at
 * most 350 KB compressed in a real Chromium (every response counted: HTML, scripts, CSS and the
 * API calls, headers included), with hashed files cached for a year; the pages an agent does not
 * open first come later, on their own, and still work.
 */
describe('browser: the console’s first load', () => {
  const { server, browser } = useServerAndBrowser('weight');

  it('log in and land on 工作台 within 350 KB compressed; hashed files immutable for a year', { timeout: 120_000 }, async () => {
    onTestFailed(() => void process.stdout.write(`server output:\n${server.output}\n`));
    const { login: w, reopen } = await measureConsoleFirstLoad(browser, server.url);
    const total = w.staticBytes + w.apiBytes;
    process.stdout.write(`console first load, logging in: ${summary(w)} (budget ${kb(CONSOLE_FIRST_LOAD_BUDGET)})\n${describeWeight(w)}\n`);
    process.stdout.write(`console reopened, logged in, empty cache: ${summary(reopen)}\n`);
    expect(total, describeWeight(w)).toBeLessThanOrEqual(CONSOLE_FIRST_LOAD_BUDGET);
    // reopened with the session: no login form to fetch
    expect(reopen.staticBytes).toBeLessThan(w.staticBytes);
    expect(reopen.transfers.map((t) => t.url).join('\n')).not.toContain('/LoginPage-');

    const assets = w.transfers.filter((t) => t.url.startsWith('/assets/'));
    expect(assets.filter((t) => t.url.endsWith('.js')).length).toBeGreaterThan(2);
    expect(assets.some((t) => t.url.endsWith('.css'))).toBe(true);
    for (const t of assets) {
      expect(t.status, t.url).toBe(200);
      expect(t.cacheControl, t.url).toBe('public, max-age=31536000, immutable');
      // everything worth compressing came compressed (the build skips files under 1 KB)
      if (t.bodyBytes >= 1024) expect(t.encoding, t.url).toBe('br');
    }
    const html = w.transfers.find((t) => t.url === '/');
    expect(html?.cacheControl).toBe('no-cache');
    // none of the lazy pages (nor the antd parts only they use: Table, Form…) came with the first load,
    // nor the parts of 工作台 its first screen does not show
    for (const page of ['VisitorsPage', 'MonitorPage', 'AgentsPage', 'SkillGroupsPage', 'CalendarsPage', 'InboxesPage', 'QaLabPage', 'VisitTrail', 'Attachments']) {
      expect(assets.map((t) => t.url).join('\n')).not.toContain(`/${page}-`);
    }
  });

  it('the lazy pages still load: each fetches its own code when first opened, and shows', { timeout: 120_000 }, async () => {
    onTestFailed(() => void process.stdout.write(`server output:\n${server.output}\n`));
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    try {
      const page = await ctx.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => void (r.url().includes('/assets/') && r.url().endsWith('.js') && scripts.push(new URL(r.url()).pathname)));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await logIn(page, server.url);
      for (const p of LAZY_PAGES) {
        const before = scripts.length;
        await page.getByTestId(p.nav).click();
        await page.waitForURL(`${server.url}${p.path}`);
        await page.getByTestId(p.shows).first().waitFor({ timeout: 20_000 });
        expect(scripts.slice(before).length, `${p.path} brought its own code`).toBeGreaterThan(0);
        expect(await page.getByTestId('loading').count(), `${p.path} left its spinner`).toBe(0);
      }
      // and back to 工作台: already loaded, nothing more to fetch
      const before = scripts.length;
      await page.getByTestId('nav-workspace').click();
      await page.getByTestId('conv-list').waitFor();
      expect(scripts.slice(before)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('an open conversation brings the parts 工作台 loads when shown: the visit trail and an image', { timeout: 90_000 }, async () => {
    const admin = await server.login();
    const [inbox] = (await server.json('GET', '/api/v1/inboxes', { token: admin })).body.inboxes;
    const { contactToken } = (await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: { name: '带图的客户' } })).body;
    const conv = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken, body: {} })).body;
    const said = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, { contactToken, body: { content: '看这张图', clientMessageId: crypto.randomUUID() } });
    expect(said.status).toBe(201);
    const up = await fetch(`${server.url}/api/v1/attachments?filename=dot.png`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'image/png' }, body: PNG });
    expect(up.status).toBe(201);
    const sent = await server.json('POST', `/api/v1/conversations/${conv.id}/messages`, { token: admin, body: { content: '', attachmentIds: [((await up.json()) as { id: number }).id] } });
    expect(sent.status).toBe(201);

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    try {
      const page = await ctx.newPage();
      const scripts: string[] = [];
      page.on('request', (r) => void (r.url().includes('/assets/') && scripts.push(new URL(r.url()).pathname)));
      await logIn(page, server.url);
      await page.goto(`${server.url}/conversations/${conv.id}`);
      await page.getByTestId('attachment-image').first().waitFor({ timeout: 20_000 });
      await page.getByTestId('contact-trail').waitFor({ timeout: 20_000 });
      await page.getByRole('img', { name: 'dot.png' }).first().waitFor();
      expect(scripts.some((u) => u.includes('/VisitTrail-'))).toBe(true);
      expect(scripts.some((u) => u.includes('/Attachments-'))).toBe(true);
    } finally {
      await ctx.close();
    }
  });

  it('while a page’s code is on its way, a spinner named 加载中… stands in for it', { timeout: 60_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    try {
      const page = await ctx.newPage();
      await logIn(page, server.url);
      // hold the 监控 page's code until the spinner has been seen
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await page.route(/\/assets\/MonitorPage-[^/]+\.js$/, async (route) => {
        await held;
        await route.continue();
      });
      await page.getByTestId('nav-monitor').click();
      const status = page.getByRole('status').filter({ hasText: '加载中…' });
      await status.waitFor();
      expect(await status.count()).toBe(1);
      release();
      await page.getByTestId('monitor-refresh').waitFor();
      expect(await page.getByTestId('loading').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
  it('a page whose code cannot be loaded says so and offers a reload, which brings it', { timeout: 60_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    try {
      const page = await ctx.newPage();
      await logIn(page, server.url);
      // the connection drops while 客服管理's code is on its way (or an upgrade removed the file)
      await page.route(/\/assets\/AgentsPage-[^/]+\.js$/, (route) => route.abort('connectionreset'));
      await page.getByTestId('nav-agents').click();
      const failed = page.getByTestId('page-failed');
      await failed.waitFor();
      expect(await failed.textContent()).toContain('页面没能加载');
      // the header stays: the agent can go elsewhere, and 工作台 still works
      await page.getByTestId('nav-workspace').click();
      await page.getByTestId('conv-list').waitFor();
      await page.goBack();
      await page.unroute(/\/assets\/AgentsPage-[^/]+\.js$/);
      await page.getByRole('button', { name: '重新加载' }).click();
      await page.getByTestId('agent-create').waitFor();
      expect(await page.getByTestId('page-failed').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
