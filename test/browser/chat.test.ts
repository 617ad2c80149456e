import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/env.js';
import { useServerAndBrowser } from '../helpers/suite.js';

const XSS = '<img src=x onerror=alert(1)>';

/**
 * The foundation end to end, as people use it: a visitor on /demo writes through
 * the widget; an agent logs into the console, sees it arrive live and replies; the
 * visitor sees the reply; a reload keeps the history; markup shows as typed.
 */
describe('browser: a visitor and an agent chat', () => {
  const { server, browser } = useServerAndBrowser('chat');
  const dialogs: string[] = [];

  const watch = (page: Page) => {
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  };

  it('end to end, in Chromium', { timeout: 120_000 }, async () => {
    // ── the visitor opens the shop and writes ──
    const visitorCtx = await browser.newContext({ locale: 'zh-CN' });
    const visitor = await visitorCtx.newPage();
    watch(visitor);
    await visitor.goto(`${server.url}/demo`);
    await visitor.locator('[data-zk="launcher"]').click();
    const input = visitor.locator('[data-zk="input"]');
    await input.fill('你好, 我想咨询保温杯');
    await input.press('Enter');
    await expect.poll(() => visitor.locator('[data-zk="message"][data-sender="customer"][data-state="sent"]').count(), { timeout: 15_000 }).toBe(1);

    // ── the agent logs in and finds the conversation ──
    const agentCtx = await browser.newContext({ locale: 'zh-CN' });
    const agent = await agentCtx.newPage();
    watch(agent);
    await agent.goto(`${server.url}/`);
    await agent.getByTestId('login-email').fill(ADMIN_EMAIL);
    await agent.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await agent.getByTestId('login-submit').click();
    await agent.getByTestId('conv-tab-all').click();
    const item = agent.getByTestId('conv-item').first();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('保温杯');

    // ── the visitor writes again: the list updates live, without a reload ──
    await input.fill(XSS);
    await input.press('Enter');
    await expect.poll(() => item.getByTestId('conv-item-preview').textContent(), { timeout: 15_000 }).toBe(XSS);
    await item.click();
    const agentMessages = agent.getByTestId('message');
    await expect
      .poll(async () => agent.getByTestId('message-text').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['你好, 我想咨询保温杯', XSS]));

    // ── and a further message appears live in the open conversation ──
    await input.fill('在吗?');
    await input.press('Enter');
    await expect.poll(() => agent.getByTestId('message-text').allTextContents(), { timeout: 15_000 }).toContain('在吗?');

    // ── the agent replies (Enter sends) and the visitor sees it ──
    const reply = agent.getByTestId('reply-input');
    await reply.fill('您好, 我是客服, 请问想了解哪一款?');
    await reply.press('Enter');
    await expect.poll(() => agentMessages.filter({ hasText: '请问想了解哪一款' }).getAttribute('data-pending'), { timeout: 15_000 }).toBeNull();
    const agentReply = visitor.locator('[data-zk="message"][data-sender="agent"]').filter({ hasText: '请问想了解哪一款' });
    await expect.poll(() => agentReply.count(), { timeout: 15_000 }).toBe(1);

    // ── markup is text on both sides: shown as typed, no element, no script ──
    const visitorTexts = await visitor.locator('[data-zk="message"][data-sender="customer"] [data-zk="text"]').allTextContents();
    expect(visitorTexts).toContain(XSS);
    expect(await visitor.locator('[data-zk="messages"] img[src="x"]').count()).toBe(0);
    expect(await agent.locator('[data-testid="message-list"] img[src="x"]').count()).toBe(0);

    // ── a reload keeps the history ──
    await visitor.reload();
    await visitor.locator('[data-zk="launcher"]').click();
    await expect
      .poll(async () => visitor.locator('[data-zk="message"] [data-zk="text"]').allTextContents(), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['你好, 我想咨询保温杯', XSS, '您好, 我是客服, 请问想了解哪一款?']));
    expect(await visitor.locator('[data-zk="messages"] img[src="x"]').count()).toBe(0);

    expect(dialogs).toEqual([]);
    await visitorCtx.close();
    await agentCtx.close();
  });
});
