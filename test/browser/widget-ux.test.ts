import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { ServerProcess } from '../helpers/server-process.js';
import { WsClient } from '../helpers/ws.js';

/**
 * What a visitor sees in the widget, in Chromium: one 欢迎语 (19), the list keeps
 * following new messages after images and offers "新消息 ↓" when scrolled up (22),
 * the header says the real state (24), and an English page gets English (25).
 */
describe('browser: the widget as a visitor sees it', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-e2e-widget-ux-'));
  let server: ServerProcess;
  let browser: Browser;
  let admin: string;
  let inbox: { id: number; token: string };
  const contexts: BrowserContext[] = [];
  const sockets: WsClient[] = [];

  const api = async (method: string, url: string, body?: unknown) => {
    const r = await server.json(method, url, { token: admin, body });
    if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const page = async (locale = 'zh-CN'): Promise<Page> => {
    const ctx = await browser.newContext({ locale, viewport: { width: 1000, height: 800 } });
    contexts.push(ctx);
    const p = await ctx.newPage();
    p.on('dialog', (d) => void d.dismiss());
    return p;
  };
  /** The conversation the visitor's widget started (the newest). */
  const latestConversation = async () =>
    ((await api('GET', '/api/v1/conversations?status=all&limit=200')).conversations as { id: number; locale: string }[]).reduce((a, b) => (b.id > a.id ? b : a));
  const scroller = (v: Page) => v.locator('[data-zk="messages"]').locator('xpath=..');
  const gap = (v: Page) => scroller(v).evaluate((s) => s.scrollHeight - s.scrollTop - s.clientHeight);
  const state = (v: Page) => v.locator('[data-zk="state"]').getAttribute('data-state');

  beforeAll(async () => {
    server = await ServerProcess.start({ ZHIKE_DATA_DIR: dataDir });
    browser = await launchBrowser();
    admin = await server.login();
    [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
  });
  afterAll(async () => {
    for (const s of sockets) await s.close().catch(() => {});
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('19, 22, 24: one welcome, following after images, 新消息 ↓, and the header’s real state', { timeout: 180_000 }, async () => {
    onTestFailed(() => void process.stdout.write(`server output:\n${server.output}\n`));
    // the first inbox greets out of the box: that one 欢迎语, in full-width punctuation
    const welcome = (await api('GET', `/api/v1/inboxes/${inbox.id}/reception`)).messages.welcome as string;
    expect(welcome).toBe('您好，欢迎咨询！请问有什么可以帮您？');
    // an agent on duty with no room: the visitor queues
    const agent = await api('POST', '/api/v1/agents', { email: 'full@shop.test', name: '满员小赵', password: 'agent-pass-123', maxConcurrent: 0 });
    const login = await server.json('POST', '/api/v1/auth/login', { body: { email: 'full@shop.test', password: 'agent-pass-123' } });
    const ws = await WsClient.connect(server.url);
    sockets.push(ws);
    expect((await ws.hello({ token: login.body.token })).type).toBe('ready');

    const v = await page();
    await v.goto(`${server.url}/demo`);
    await v.locator('[data-zk="launcher"]').click();
    // before the conversation exists, the widget shows the welcome (once)
    const greeting = v.locator('[data-zk="greeting"]');
    await expect.poll(() => greeting.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await greeting.textContent()).toContain(welcome);
    await expect.poll(() => state(v), { timeout: 15_000 }).toBe('online');

    await v.locator('[data-zk="input"]').fill('你好，我想问一下发货时间');
    await v.locator('[data-zk="input"]').press('Enter');
    // queued: the header says so, with the place, not "客服在线"
    await expect.poll(() => state(v), { timeout: 20_000 }).toBe('queued');
    const header = v.locator('[data-zk="state"]');
    expect(await header.textContent()).toMatch(/排队中/);
    expect(await header.textContent()).not.toMatch(/客服在线/);
    // what the customer saw: the welcome, once, as the conversation's first message
    const texts = () => v.locator('[data-zk="message"] [data-zk="text"]').allTextContents();
    await expect.poll(texts, { timeout: 15_000 }).toEqual([welcome, '你好，我想问一下发货时间']);
    expect(await greeting.isVisible()).toBe(false);
    const conv = await latestConversation();
    const transcript = (await api('GET', `/api/v1/conversations/${conv.id}/messages?after=0`)).messages as { senderType: string; content: string }[];
    expect(transcript.map((m) => [m.senderType, m.content])).toEqual([
      ['system', welcome],
      ['customer', '你好，我想问一下发货时间'],
    ]);

    // an agent takes it: the header names them
    await api('POST', `/api/v1/conversations/${conv.id}/assign`, { assigneeId: agent.id, force: true });
    await expect.poll(() => state(v), { timeout: 15_000 }).toBe('agent');
    expect(await v.locator('[data-zk="agent"]').textContent()).toMatch(/满员小赵 为您服务/);

    // ── 22: images, then text: the list keeps following ──
    const image = await v.screenshot({ clip: { x: 0, y: 0, width: 320, height: 420 } });
    for (let i = 1; i <= 3; i++) {
      const up = await fetch(`${server.url}/api/v1/attachments?filename=photo-${i}.png`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'image/png' },
        body: image,
      });
      expect(up.status).toBe(201);
      const ref = (await up.json()) as { id: number };
      await api('POST', `/api/v1/conversations/${conv.id}/messages`, { content: '', attachmentIds: [ref.id] });
      await api('POST', `/api/v1/conversations/${conv.id}/messages`, { content: `第 ${i} 张图片的说明` });
      await expect.poll(() => v.locator('[data-zk="message"][data-sender="agent"]').count(), { timeout: 15_000 }).toBe(2 * i);
      await expect.poll(() => v.locator('[data-zk="image"]').evaluateAll((imgs) => imgs.every((x) => (x as unknown as { complete: boolean }).complete)), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => gap(v), { timeout: 5_000 }).toBeLessThan(2);
    }
    expect(await v.locator('[data-zk="new-messages"]').isVisible()).toBe(false);
    // a reload shows the history, images loading after the jump to the end: it still ends at the newest message
    for (let round = 0; round < 1; round++) {
      await v.reload();
      await v.locator('[data-zk="launcher"]').click();
      await expect.poll(() => v.locator('[data-zk="image"]').count(), { timeout: 15_000 }).toBe(3);
      await expect.poll(() => v.locator('[data-zk="image"]').evaluateAll((imgs) => imgs.every((x) => (x as unknown as { complete: boolean }).complete)), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => gap(v), { timeout: 5_000 }).toBeLessThan(2);
    }

    // scrolled up to read: a new message does not pull the list down, a hint says it is there
    await scroller(v).hover();
    await v.mouse.wheel(0, -2000);
    await expect.poll(() => scroller(v).evaluate((s) => s.scrollTop), { timeout: 5_000 }).toBe(0);
    await api('POST', `/api/v1/conversations/${conv.id}/messages`, { content: '您往上翻的时候我又发了一条' });
    const hint = v.locator('[data-zk="new-messages"]');
    await expect.poll(() => hint.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await hint.textContent()).toBe('新消息 ↓');
    expect(await scroller(v).evaluate((s) => s.scrollTop)).toBe(0);
    await v.screenshot({ path: path.join(os.tmpdir(), 'zhike-widget-new-hint.png') });
    await hint.click();
    await expect.poll(() => gap(v), { timeout: 5_000 }).toBeLessThan(2);
    expect(await hint.isVisible()).toBe(false);

    // ── 24: the connection drops: the header says so (no green dot) ──
    await v.context().setOffline(true);
    await expect.poll(() => state(v), { timeout: 15_000 }).toBe('disconnected');
    expect(await header.textContent()).toMatch(/连接已断开/);
    expect(await v.locator('[data-zk="state"] .dot').evaluate((d) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(d).backgroundColor)).not.toBe('rgb(82, 196, 26)');
    await v.context().setOffline(false);
    await expect.poll(() => state(v), { timeout: 30_000 }).toBe('agent');
  });

  it('25: an English page gets the English title, welcome, topics and automatic replies', { timeout: 120_000 }, async () => {
    await api('PATCH', `/api/v1/inboxes/${inbox.id}/reception`, {
      preChat: { enabled: true, askName: false, askPhone: false, topics: [{ label: '售后', groupId: null }] },
      messages: { offline: '您好，现在无人在线，请留言。' },
      translations: {
        en: { title: 'Shop support', messages: { welcome: 'Hello! How can we help?', offline: 'Nobody is online right now, please leave a message.' }, topics: { 售后: 'After-sales' } },
      },
    });
    // nobody on duty: the conversation is a 留言 and gets the offline reply
    for (const s of sockets.splice(0)) await s.close();
    const v = await page('en-US');
    const log: string[] = [];
    v.on('console', (m) => log.push(m.text()));
    v.on('response', (r) => r.url().includes('/api/') && log.push(`${r.status()} ${r.request().method()} ${r.url()}`));
    onTestFailed(async () => void process.stdout.write(`page:\n${log.join('\n')}\n${await v.locator('[data-zk="panel"]').innerHTML()}\n`));
    // the shop's English page: its snippet says data-locale="en"
    await v.goto(`${server.url}/demo?locale=en`);
    await v.locator('[data-zk="launcher"]').click();
    await expect.poll(() => v.locator('[data-zk="panel"] .ti').textContent(), { timeout: 15_000 }).toBe('Shop support');
    expect(await v.locator('[data-zk="greeting"]').textContent()).toContain('Hello! How can we help?');
    await v.locator('[data-zk="input"]').fill('Where is my order?');
    await v.locator('[data-zk="send"]').click();
    await v.locator('[data-zk="prechat"]').waitFor();
    await v.locator('[data-zk="prechat-topic"][data-topic="After-sales"]').click();
    await v.locator('[data-zk="prechat-submit"]').click();
    const texts = () => v.locator('[data-zk="message"] [data-zk="text"]').allTextContents();
    await expect
      .poll(texts, { timeout: 20_000 })
      .toEqual(['Hello! How can we help?', 'Where is my order?', 'Nobody is online right now, please leave a message.']);
    const conv = await latestConversation();
    expect(conv.locale).toBe('en');
    expect((await api('GET', `/api/v1/conversations/${conv.id}`)).topic).toBe('售后');
    await v.screenshot({ path: path.join(os.tmpdir(), 'zhike-widget-en.png') });
  });
});
