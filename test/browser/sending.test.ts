import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/env.js';
import { ServerProcess } from '../helpers/server-process.js';

/**
 * Sending when things go wrong, in Chromium: a message the server refuses (a NUL, a
 * lone surrogate) fails with its reason and does not hold up the next one; a reply
 * typed while the console is offline goes out by itself, once, when it is back.
 */
describe('browser: refused and delayed messages', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-sending-'));
  let server: ServerProcess;
  let browser: Browser;
  let adminToken: string;

  const http = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url + url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const agentGet = (url: string) => http('GET', url, undefined, { authorization: `Bearer ${adminToken}` });
  /** What the agent side holds of a conversation, through the API. */
  const stored = async (conversationId: number) => (await agentGet(`/api/v1/conversations/${conversationId}/messages?limit=500`)).body.messages as any[];

  const login = async (page: Page) => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('conv-tab-all').click();
  };

  beforeAll(async () => {
    server = await ServerProcess.start({ ZHIKE_DATA_DIR: dataDir });
    browser = await launchBrowser();
    adminToken = (await http('POST', '/api/v1/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).body.token;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the widget marks a refused message failed with the reason and sends the next ones', { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const visitor = await ctx.newPage();
    await visitor.goto(`${server.url}/demo`);
    await visitor.locator('[data-zk="launcher"]').click();
    const input = visitor.locator('[data-zk="input"]');
    const customer = visitor.locator('[data-zk="message"][data-sender="customer"]');
    await input.fill('第一条正常消息');
    await input.press('Enter');
    await expect.poll(() => customer.and(visitor.locator('[data-state="sent"]')).count(), { timeout: 15_000 }).toBe(1);

    // text the server cannot store: a lone surrogate (a broken emoji), then a NUL (built in the page: CDP would repair them)
    for (const bad of ['surrogate', 'nul']) {
      await input.evaluate((el: { value: string; dispatchEvent(e: unknown): boolean }, kind) => {
        el.value = kind === 'nul' ? `空字符 ${String.fromCharCode(0)} 在这里` : `残缺的表情 ${String.fromCharCode(0xd83d)} 在这里`;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }, bad);
      await input.press('Enter');
    }
    await input.fill('后面的消息照常发送');
    await input.press('Enter');

    const failed = customer.and(visitor.locator('[data-state="failed"]'));
    await expect.poll(() => failed.count(), { timeout: 15_000 }).toBe(2);
    for (const text of await failed.allTextContents()) expect(text).toContain('发送失败：消息包含无法发送的字符');
    // refused for good: no retry button, and the later message was not held up behind it
    expect(await failed.locator('button').count()).toBe(0);
    const later = customer.filter({ hasText: '后面的消息照常发送' });
    await expect.poll(() => later.getAttribute('data-state'), { timeout: 15_000 }).toBe('sent');

    // the agent has the honest messages, and only those
    const convs = (await agentGet('/api/v1/conversations?status=all')).body.conversations as any[];
    const conv = convs.find((c) => c.lastMessagePreview === '后面的消息照常发送');
    expect(conv).toBeDefined();
    const texts = (await stored(conv.id)).filter((m) => m.senderType === 'customer').map((m) => m.content);
    expect(texts).toEqual(['第一条正常消息', '后面的消息照常发送']);
    await ctx.close();
  });

  it('the console sends a reply typed while offline once the connection is back, exactly once', { timeout: 120_000 }, async () => {
    // a customer writes (through the client API)
    const contact = await http('POST', `/api/v1/widget/${(await agentGet('/api/v1/inboxes')).body.inboxes[0].token}/contacts`, { name: '离线测试' });
    const token = contact.body.contactToken as string;
    const inboxToken = (await agentGet('/api/v1/inboxes')).body.inboxes[0].token as string;
    const conv = (await http('POST', `/api/v1/widget/${inboxToken}/conversations`, {}, { 'x-contact-token': token })).body;
    await http('POST', `/api/v1/widget/${inboxToken}/conversations/${conv.id}/messages`, { content: '客服在吗', clientMessageId: crypto.randomUUID() }, { 'x-contact-token': token });

    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const agent = await ctx.newPage();
    await login(agent);
    const item = agent.getByTestId('conv-item').filter({ hasText: '客服在吗' });
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
    await item.click();
    await expect.poll(() => agent.getByTestId('message-text').allTextContents(), { timeout: 15_000 }).toContain('客服在吗');

    // the connection drops; the agent replies anyway
    await ctx.setOffline(true);
    const reply = agent.getByTestId('reply-input');
    await reply.fill('断线时写的回复');
    await reply.press('Enter');
    const mine = agent.getByTestId('message').filter({ hasText: '断线时写的回复' });
    await expect.poll(() => mine.getAttribute('data-pending'), { timeout: 30_000 }).toBe('failed');
    expect(await mine.getByTestId('message-status').textContent()).toContain('自动重发');

    // back online: it goes out by itself, nobody presses 重试
    await ctx.setOffline(false);
    await expect.poll(() => mine.first().getAttribute('data-pending'), { timeout: 30_000 }).toBeNull();
    expect(await agent.getByTestId('message-status').filter({ hasText: '发送失败' }).count()).toBe(0);
    await expect.poll(() => mine.count(), { timeout: 15_000 }).toBe(1);
    const agentReplies = (await stored(conv.id)).filter((m) => m.senderType === 'agent' && m.content === '断线时写的回复');
    expect(agentReplies).toHaveLength(1);
    await ctx.close();
  });
});
