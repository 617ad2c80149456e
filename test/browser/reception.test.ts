import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { ServerProcess } from '../helpers/server-process.js';

/**
 * Reception and routing as people see them: three agents in two skill groups, a
 * visitor choosing 售后 reaches the after-sales agent with room; with everyone
 * full the visitor sees a queue position that counts down as chats close; an
 * automatic invitation fires on the configured page; an agent invites a browsing
 * visitor, who accepts.
 */
describe('browser: reception and routing', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-e2e-routing-'));
  let server: ServerProcess;
  let browser: Browser;
  let admin: string;
  const contexts: BrowserContext[] = [];

  const api = async (method: string, url: string, body?: unknown) => {
    const r = await server.json(method, url, { token: admin, body });
    if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const page = async (): Promise<Page> => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(ctx);
    const p = await ctx.newPage();
    p.on('dialog', (d) => void d.dismiss());
    return p;
  };
  const agentConsole = async (email: string) => {
    const p = await page();
    await p.goto(`${server.url}/`);
    await p.getByTestId('login-email').fill(email);
    await p.getByTestId('login-password').fill('agent-pass-123');
    await p.getByTestId('login-submit').click();
    await p.getByTestId('conv-list').waitFor();
    return p;
  };
  /** A visitor on the demo shop opens the widget and asks about 售后 through the pre-chat form. */
  const afterSalesCustomer = async (question: string) => {
    const v = await page();
    await v.goto(`${server.url}/demo`);
    await v.locator('[data-zk="launcher"]').click();
    await v.locator('[data-zk="input"]').fill(question);
    await v.locator('[data-zk="send"]').click();
    await v.locator('[data-zk="prechat"]').waitFor();
    await v.locator('[data-zk="prechat-topic"][data-topic="售后"]').click();
    await v.locator('[data-zk="prechat-submit"]').click();
    return v;
  };
  const servedBy = (v: Page) => v.locator('[data-zk="agent"]').textContent();

  beforeAll(async () => {
    server = await ServerProcess.start({ ZHIKE_DATA_DIR: dataDir });
    browser = await launchBrowser();
    admin = await server.login();
    const mk = (email: string, name: string, agentNo: string, maxConcurrent: number) =>
      api('POST', '/api/v1/agents', { email, name, agentNo, maxConcurrent, password: 'agent-pass-123' });
    const zhang = await mk('zhang@shop.test', '订单小张', '1001', 3);
    const wang = await mk('wang@shop.test', '售后小王', '1024', 1);
    const li = await mk('li@shop.test', '售后小李', '1025', 1);
    const orders = await api('POST', '/api/v1/skill-groups', { name: '订单问题', memberIds: [zhang.id] });
    const afterSales = await api('POST', '/api/v1/skill-groups', { name: '售后', memberIds: [wang.id, li.id], leaderId: wang.id });
    const [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    await api('PATCH', `/api/v1/inboxes/${inbox.id}/reception`, {
      preChat: { enabled: true, askName: false, askPhone: false, topics: [{ label: '订单问题', groupId: orders.id }, { label: '售后', groupId: afterSales.id }] },
      invitations: [{ id: 'search', name: '搜索来客', enabled: true, pathPattern: '/demo', fromSearchEngine: true, minSecondsOnPage: 1, greeting: '您好, 在找保温杯吗? 有问题可以随时问我。' }],
    });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('routes, queues, invites', { timeout: 240_000 }, async () => {
    // a failure is easier to read with what the server logged (warnings and errors)
    onTestFailed(() => void process.stdout.write(`server output:\n${server.output}\n`));
    const zhang = await agentConsole('zhang@shop.test');
    const wang = await agentConsole('wang@shop.test');
    const li = await agentConsole('li@shop.test');

    // ── two 售后 customers: one to each after-sales agent (load balanced), never to 订单小张 ──
    const v1 = await afterSalesCustomer('我买的杯子漏水了');
    await expect.poll(() => servedBy(v1), { timeout: 20_000 }).toMatch(/售后小[王李]/);
    const v2 = await afterSalesCustomer('想换个颜色');
    await expect.poll(() => servedBy(v2), { timeout: 20_000 }).toMatch(/售后小[王李]/);
    expect(await servedBy(v1)).not.toBe(await servedBy(v2));
    const firstAgent = (await servedBy(v1))!.includes('小王') ? wang : li;
    await firstAgent.getByTestId('conv-tab-mine').click();
    await expect.poll(() => firstAgent.getByTestId('conv-item').count(), { timeout: 15_000 }).toBe(1);
    await zhang.getByTestId('conv-tab-mine').click();
    expect(await zhang.getByTestId('conv-item').count()).toBe(0);

    // ── both full: the next customers queue and see their place ──
    const v3 = await afterSalesCustomer('退货流程是什么?');
    const q3 = v3.locator('[data-zk="queue"]');
    await expect.poll(() => q3.getAttribute('data-position'), { timeout: 20_000 }).toBe('1');
    const v4 = await afterSalesCustomer('发票怎么开?');
    const q4 = v4.locator('[data-zk="queue"]');
    await expect.poll(() => q4.getAttribute('data-position'), { timeout: 20_000 }).toBe('2');
    expect(await q4.textContent()).toMatch(/前面还有\s*1\s*位/);

    // ── an agent ends a chat: the first in line is served, the second moves up ──
    await firstAgent.getByTestId('conv-item').first().click();
    await firstAgent.getByTestId('resolve').click();
    await expect.poll(async () => (await q3.count()) === 0 || !(await q3.isVisible()), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => servedBy(v3), { timeout: 20_000 }).toMatch(/售后小[王李]/);
    await expect.poll(() => q4.getAttribute('data-position'), { timeout: 20_000 }).toBe('1');

    // ── an automatic invitation on the configured page, for a visitor from a search engine ──
    const v5 = await page();
    await v5.goto(`${server.url}/demo`, { referer: 'https://www.baidu.com/s?wd=%E4%BF%9D%E6%B8%A9%E6%9D%AF' });
    const auto = v5.locator('[data-zk="invite"]');
    await auto.waitFor({ timeout: 20_000 });
    expect(await v5.locator('[data-zk="invite-message"]').textContent()).toContain('在找保温杯吗');
    await v5.locator('[data-zk="invite-accept"]').click();
    await v5.locator('[data-zk="panel"]').waitFor();

    // ── an agent invites a browsing visitor, who accepts ──
    const v6 = await page();
    await v6.goto(`${server.url}/demo?who=browsing`);
    const visitors = async () => (await api('GET', '/api/v1/visitors')).visitors as { contactId: number; currentPage: { url: string } }[];
    const browsing = await (async () => {
      for (let i = 0; i < 100; i++) {
        const found = (await visitors()).find((x) => x.currentPage.url.includes('who=browsing'));
        if (found) return found;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the browsing visitor never showed up in /visitors');
    })();
    await zhang.getByTestId('nav-visitors').click();
    const row = zhang.locator(`[data-testid="visitor-row"][data-contact-id="${browsing.contactId}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('visitor-invite').click();
    await zhang.getByTestId('invite-message-input').fill('您好, 这款保温杯今天有优惠, 需要我介绍一下吗?');
    const [sent] = await Promise.all([
      zhang.waitForResponse((r) => r.url().endsWith(`/visitors/${browsing.contactId}/invite`) && r.request().method() === 'POST'),
      zhang.getByTestId('invite-send').click(),
    ]);
    expect(sent.status(), await sent.text()).toBe(201);
    const card = v6.locator('[data-zk="invite"]');
    await card.waitFor({ timeout: 20_000 });
    expect(await card.textContent()).toContain('订单小张');
    await v6.locator('[data-zk="invite-accept"]').click();
    await expect
      .poll(() => v6.locator('[data-zk="message"][data-sender="agent"] [data-zk="text"]').allTextContents(), { timeout: 20_000 })
      .toContain('您好, 这款保温杯今天有优惠, 需要我介绍一下吗?');
    await zhang.getByTestId('nav-workspace').click();
    await zhang.getByTestId('conv-tab-mine').click();
    await expect.poll(() => zhang.getByTestId('conv-item').count(), { timeout: 20_000 }).toBe(1);
  });
});
