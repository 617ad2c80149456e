import crypto from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServerAndBrowser } from '../helpers/suite.js';

// the page's globals, for the functions run inside it (the tests' TypeScript has no DOM library)
declare const window: any, Element: any, MutationObserver: any, localStorage: any, history: any;
type ShadowRootInit = any;

/**
 * 客户画像 from the page (docs/identity.md), in Chromium against the real server: the site signs
 * its logged-in user's id and hands it to the widget, by snippet attributes (data-user-*) or by
 * ZhikeWidget.identify(). An anonymous visitor who logs in as a known customer sees that
 * customer's earlier conversation beside their own (one contact in the console) and goes on
 * chatting live; the snippet identifies at once, without the visitor doing anything, and the
 * same signature is sent once however often the page repeats it; a wrong signature warns once
 * and leaves the visitor anonymous with a working widget; a second user on the same browser
 * gets a contact of their own and never sees (not even for a moment) the first one's messages.
 */
describe('browser: the widget identifies the site’s logged-in user', () => {
  const { server, browser } = useServerAndBrowser('widget-identity');
  const contexts: BrowserContext[] = [];
  let admin = '';
  let inbox: { id: number; token: string; identitySecret: string };
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
  });

  const now = () => Math.floor(Date.now() / 1000);
  const signed = (userId: string, timestamp = now(), key = inbox.identitySecret) => ({
    userId,
    timestamp,
    signature: crypto.createHmac('sha256', key).update(`${userId}.${timestamp}`).digest('hex'),
  });
  const api = async (method: string, url: string, body?: unknown) => {
    const r = await server.json(method, url, { token: admin, body });
    if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const w = (rest: string) => `/api/v1/widget/${inbox.token}${rest}`;
  /** The contacts the console finds by a user id (merged-away duplicates are left out). */
  const contactsOf = async (userId: string) =>
    ((await api('GET', `/api/v1/contacts?q=${encodeURIComponent(userId)}`)).contacts as { id: number; externalId: string | null; name: string | null }[]).filter(
      (c) => c.externalId === userId,
    );
  /** The conversation holding a message with `text` (welcomes and auto-replies come after it: not the preview). */
  const conversationSaying = async (text: string) => {
    for (const c of (await api('GET', '/api/v1/conversations?status=all&limit=200')).conversations as { id: number; contactId: number }[]) {
      const { messages } = await api('GET', `/api/v1/conversations/${c.id}/messages`);
      if ((messages as { content: string }[]).some((m) => m.content.includes(text))) return c;
    }
    return undefined;
  };

  beforeAll(async () => {
    admin = await server.login();
    [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    expect(inbox.identitySecret).toMatch(/^[0-9a-f]{64}$/);
  });

  /**
   * A browser of its own (its own localStorage). `watch`: texts the widget must never show,
   * recorded by an observer on its shadow root from the first moment.
   */
  const newBrowser = async (watch: string[] = []) => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1000, height: 800 } });
    contexts.push(ctx);
    await ctx.addInitScript((words: string[]) => {
      const seen: string[] = ((window as unknown as { __zkSaw: string[] }).__zkSaw = []);
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (this: any, init: ShadowRootInit) {
        const root = attach.call(this, init);
        new MutationObserver(() => {
          for (const x of words) if (!seen.includes(x) && root.textContent?.includes(x)) seen.push(x);
        }).observe(root, { subtree: true, childList: true, characterData: true });
        return root;
      };
    }, watch);
    const page = await ctx.newPage();
    const warnings: string[] = [];
    const identifies: number[] = [];
    page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
    page.on('response', (r) => void (r.url().endsWith('/identify') && identifies.push(r.status())));
    return { page, warnings, identifies };
  };
  /**
   * The shop's page with the snippet, its data-user-* set from `user`. Written into a page the server
   * served (a page Playwright made up would be a public one, refused the loopback WebSocket by
   * Chromium's local network checks): each call is a fresh page load.
   */
  const visit = async (p: Page, user?: Record<string, string | number>) => {
    await p.goto(`${server.url}${w('/config')}`);
    const attrs = Object.entries(user ?? {})
      .map(([k, v]) => ` data-user-${k === 'userId' ? 'id' : k}="${String(v).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}"`)
      .join('');
    await p.setContent(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例商城</title></head><body><h1>示例商城</h1><script src="/widget.js" data-inbox="${inbox.token}"${attrs} async></script></body></html>`,
    );
    await zk(p, 'launcher').waitFor({ timeout: 15_000 });
  };
  const zk = (p: Page, hook: string) => p.locator(`[data-zk="${hook}"]`);
  const shown = (p: Page) => zk(p, 'messages').innerText();
  const saw = (p: Page) => p.evaluate(() => (window as unknown as { __zkSaw: string[] }).__zkSaw);
  const identify = (p: Page, who: object) =>
    p.evaluate(async (x) => {
      const g = window as unknown as { ZhikeWidget?: { identify(w: object): void } };
      for (let i = 0; i < 100 && !g.ZhikeWidget; i++) await new Promise((r) => setTimeout(r, 50));
      g.ZhikeWidget!.identify(x);
    }, who);
  /** The visitor opens the panel (when closed) and writes `text`; resolves once it is stored. */
  const say = async (p: Page, text: string) => {
    if (await zk(p, 'panel').isHidden()) await zk(p, 'launcher').click();
    await zk(p, 'input').fill(text);
    await zk(p, 'input').press('Enter');
    await zk(p, 'message').filter({ hasText: text }).and(p.locator('[data-state="sent"]')).waitFor({ timeout: 15_000 });
  };
  const storedContact = (p: Page) => p.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}').contact as string | undefined, `zhike:${inbox.token}`);

  it('an anonymous visitor logs in as a known customer: both conversations show, one contact, and the chat goes on live', { timeout: 120_000 }, async () => {
    // the customer, known from another device: identified there, with an ended conversation
    const other = (await server.json('POST', w('/contacts'), { body: {} })).body.contactToken as string;
    const earlier = (await server.json('POST', w('/conversations'), { contactToken: other, body: {} })).body.id as number;
    expect((await server.json('POST', w(`/conversations/${earlier}/messages`), { contactToken: other, body: { content: '上周买的耳机有杂音', clientMessageId: crypto.randomUUID() } })).status).toBe(201);
    const known = await server.json('POST', w('/identify'), { contactToken: other, body: signed('u-1001') });
    expect(known.status, JSON.stringify(known.body)).toBe(200);
    const customerId = known.body.contact.id as number;
    await api('POST', `/api/v1/conversations/${earlier}/status`, { status: 'resolved' });

    // on this device the visitor chats anonymously first
    const { page: v, warnings } = await newBrowser();
    await visit(v);
    await say(v, '我想换一副新的');
    const mine = (await conversationSaying('我想换一副新的'))!;
    expect(mine.contactId).not.toBe(customerId);
    expect(await shown(v)).not.toContain('上周买的耳机有杂音');

    // then logs in on the site, whose page identifies them
    await identify(v, signed('u-1001'));
    await expect.poll(() => shown(v), { timeout: 15_000 }).toContain('上周买的耳机有杂音');
    expect(await shown(v)).toContain('我想换一副新的');
    expect(warnings).toEqual([]);

    // the console: one customer, with both conversations
    expect((await contactsOf('u-1001')).map((c) => c.id)).toEqual([customerId]);
    const profile = await api('GET', `/api/v1/contacts/${customerId}`);
    expect((profile.conversations as { id: number }[]).map((c) => c.id).sort()).toEqual([earlier, mine.id].sort());

    // the reconnected socket is the customer's: an agent's answer arrives live, and the visitor writes on
    expect((await server.json('POST', `/api/v1/conversations/${mine.id}/messages`, { token: admin, body: { content: '可以的，请提供订单号' } })).status).toBe(201);
    await zk(v, 'message').filter({ hasText: '可以的，请提供订单号' }).waitFor({ timeout: 15_000 });
    await say(v, '订单号 20240501');
    expect((await conversationSaying('订单号 20240501'))!.id).toBe(mine.id);

    // the next page: the same customer, the same history, no new contact
    await visit(v);
    await zk(v, 'launcher').click();
    await expect.poll(() => shown(v), { timeout: 15_000 }).toContain('上周买的耳机有杂音');
    expect((await contactsOf('u-1001')).map((c) => c.id)).toEqual([customerId]);
  });

  it('the snippet’s data-user-* identify at once; the same signature is sent once however often the page repeats it', { timeout: 90_000 }, async () => {
    const { page: v, identifies, warnings } = await newBrowser();
    const user = { ...signed('u-2002'), name: '李四', email: 'lisi@example.com' };
    await visit(v, user);
    // known to agents without the visitor doing anything
    await expect.poll(() => contactsOf('u-2002'), { timeout: 15_000 }).toHaveLength(1);
    const [contact] = await contactsOf('u-2002');
    expect(contact).toMatchObject({ externalId: 'u-2002', name: '李四' });
    expect(identifies).toEqual([200]);

    // a single-page site calling identify on every route change
    await identify(v, user);
    await v.evaluate(() => history.pushState(null, '', '/cart'));
    await identify(v, user);
    await v.waitForTimeout(1_000);
    expect(identifies).toEqual([200]);
    // a fresh signature is sent
    await identify(v, { ...signed('u-2002', now() - 5), name: '李四' });
    await expect.poll(() => identifies, { timeout: 10_000 }).toEqual([200, 200]);
    expect(await contactsOf('u-2002')).toHaveLength(1);

    await say(v, '你好，我是李四');
    expect((await conversationSaying('你好，我是李四'))!.contactId).toBe(contact.id);
    expect(warnings).toEqual([]);
  });

  it('a wrong signature warns once; the visitor stays anonymous and the widget works', { timeout: 90_000 }, async () => {
    const { page: v, identifies, warnings } = await newBrowser();
    const first = now();
    await visit(v, { ...signed('u-3003', first), signature: 'ab'.repeat(32) });
    await expect.poll(() => identifies, { timeout: 15_000 }).toEqual([401]);
    await expect.poll(() => warnings.length, { timeout: 5_000 }).toBe(1);
    expect(warnings[0]).toContain('identity_invalid');
    // signed with another key (at the same second: another signature is sent), and expired: refused too, and not warned again
    await identify(v, signed('u-3003', first, 'not the inbox’s secret'));
    await identify(v, signed('u-3003', now() - 3_600));
    await expect.poll(() => identifies, { timeout: 10_000 }).toEqual([401, 401, 401]);
    await v.waitForTimeout(300);
    expect(warnings).toHaveLength(1);

    await say(v, '还在吗，我想咨询一下');
    const conv = (await conversationSaying('还在吗，我想咨询一下'))!;
    const profile = await api('GET', `/api/v1/contacts/${conv.contactId}`);
    expect(profile.contact.externalId).toBeNull();
    expect(await contactsOf('u-3003')).toEqual([]);
  });

  it('a second user on the same browser gets a contact of their own and never sees the first one’s messages', { timeout: 150_000 }, async () => {
    const A = 'A 的订单 8801 地址变更';
    const B = 'B 的发票问题';
    const { page: v, identifies, warnings } = await newBrowser([A, B]);
    // user A is logged in and writes
    await visit(v, signed('u-4001'));
    await say(v, A);
    await expect.poll(() => contactsOf('u-4001'), { timeout: 15_000 }).toHaveLength(1);
    const [a] = await contactsOf('u-4001');
    expect((await conversationSaying(A))!.contactId).toBe(a.id);
    const tokenA = await storedContact(v);

    // A logs out and B logs in without a page load: the page identifies B
    await identify(v, signed('u-4002'));
    await expect.poll(() => identifies, { timeout: 15_000 }).toEqual([200, 409, 200]);
    await expect.poll(() => shown(v), { timeout: 15_000 }).not.toContain(A);
    const [b] = await contactsOf('u-4002');
    expect(b.id).not.toBe(a.id);
    expect(await storedContact(v)).not.toBe(tokenA);
    await say(v, B);
    expect(await shown(v)).not.toContain(A);
    expect((await conversationSaying(B))!.contactId).toBe(b.id);
    // A's contact keeps its own conversation only
    const profileA = await api('GET', `/api/v1/contacts/${a.id}`);
    expect((profileA.conversations as { id: number }[]).map((c) => c.id)).toEqual([(await conversationSaying(A))!.id]);

    // B's next page: B's history, never A's
    await visit(v, signed('u-4002'));
    await zk(v, 'launcher').click();
    await expect.poll(() => shown(v), { timeout: 15_000 }).toContain(B);
    expect(await saw(v)).toEqual([B]);

    // A comes back on this browser (snippet at page load): a fresh contact that joins A; B's messages never show
    await visit(v, signed('u-4001', now() - 1));
    await zk(v, 'launcher').click();
    await expect.poll(() => shown(v), { timeout: 15_000 }).toContain(A);
    await v.waitForTimeout(500);
    expect(await saw(v)).toEqual([A]);
    expect((await contactsOf('u-4001')).map((c) => c.id)).toEqual([a.id]);
    expect((await contactsOf('u-4002')).map((c) => c.id)).toEqual([b.id]);
    expect(warnings).toEqual([]);
  });
});
