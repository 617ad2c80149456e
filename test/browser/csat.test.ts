import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CSAT } from '../../src/core/csat/rating.js';
import { seriousAxe } from '../helpers/axe.js';
import { logIn } from '../helpers/browser.js';
import { consolePages, useServerAndBrowser } from '../helpers/suite.js';

/**
 * 满意度评价 (CSAT) as customers and agents live it, in Chromium: the agent answers and ends
 * the conversation in the console (结束会话), the widget shows the rating card under the
 * request, the customer gives 5 stars (非常满意) with a reason and a comment, sees the thanks,
 * and the agent's console shows the rating live, without a reload. Then a customer ends the
 * chat themselves in the widget (结束会话) and is asked too; and an agent's 邀请评价 asks
 * before the end. One server for the file; the steps run in order.
 */
describe('browser: 满意度评价', () => {
  const { server, browser } = useServerAndBrowser('csat');

  let agent: Page;

  const newPage = consolePages(browser);
  const zk = (page: Page, hook: string) => page.locator(`[data-zk="${hook}"]`);

  /** A new visitor on the shop's page writes `text`; resolves once it is stored. */
  const visitorSays = async (text: string) => {
    const visitor = await newPage();
    await visitor.goto(`${server.url}/demo`);
    await zk(visitor, 'launcher').click();
    await zk(visitor, 'input').fill(text);
    await zk(visitor, 'input').press('Enter');
    await expect.poll(() => visitor.locator('[data-zk="message"][data-sender="customer"][data-state="sent"]').count(), { timeout: 15_000 }).toBe(1);
    return visitor;
  };

  /** The agent opens the visitor's conversation (by its text) and answers; the visitor sees the answer. */
  const agentAnswers = async (visitor: Page, customerText: string, answer: string) => {
    await agent.getByTestId('conv-tab-all').click();
    const item = agent.getByTestId('conv-item').filter({ hasText: customerText }).first();
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await agent.getByTestId('message-text').filter({ hasText: customerText }).first().waitFor();
    await agent.getByTestId('reply-input').fill(answer);
    await agent.getByTestId('reply-input').press('Enter');
    await zk(visitor, 'message').filter({ hasText: answer }).first().waitFor({ timeout: 15_000 });
  };

  it('the agent ends the conversation; the customer rates 5 stars with a reason and a comment; the console shows it live', { timeout: 150_000 }, async () => {
    agent = await newPage();
    await logIn(agent, server.url);
    const visitor = await visitorSays('你好，我的快递三天没动了');
    await agentAnswers(visitor, '我的快递三天没动了', '您好，我帮您查一下物流，已经催促快递员今天派送。');

    // an open conversation nobody was asked about yet: 邀请评价 is offered (not pressed here)
    const invite = agent.getByTestId('csat-invite');
    await invite.waitFor({ timeout: 15_000 });
    expect((await invite.textContent())?.trim()).toBe('邀请评价');
    expect(await agent.getByTestId('csat-rating').count()).toBe(0);

    // 结束会话 in the console
    expect((await agent.getByTestId('resolve').textContent())?.trim()).toBe('结束会话');
    await agent.getByTestId('resolve').click();
    await invite.waitFor({ state: 'detached', timeout: 15_000 });

    // the widget: the request (the inbox's prompt) with its card
    const card = zk(visitor, 'csat-card');
    await card.waitFor({ timeout: 15_000 });
    const request = zk(visitor, 'message').filter({ has: card });
    expect(await request.getAttribute('data-sender')).toBe('system');
    expect(await request.locator('[data-zk="text"]').textContent()).toBe(DEFAULT_CSAT.prompt);
    expect(await zk(visitor, 'ended').isVisible()).toBe(true);
    // five scores, named by their labels; no reason or score chosen yet, nothing to submit
    for (let n = 1; n <= 5; n++) {
      expect(await card.locator(`[data-zk="csat-score-${n}"]`).getAttribute('aria-label')).toBe(`${n} 星：${DEFAULT_CSAT.labels[n - 1]}`);
    }
    expect(await card.locator('[data-zk="csat-reason"]').allTextContents()).toEqual(DEFAULT_CSAT.reasons);
    expect(await card.locator('[data-zk="csat-submit"]').isDisabled()).toBe(true);
    expect((await card.locator('[data-zk="csat-submit"]').textContent())?.trim()).toBe('提交评价');
    expect(await seriousAxe(visitor)).toEqual([]);

    // 5 stars (非常满意) by keyboard, a reason, a comment
    await card.locator('[data-zk="csat-score-5"]').focus();
    await visitor.keyboard.press('Enter');
    expect(await card.locator('[data-zk="csat-score-5"]').getAttribute('aria-pressed')).toBe('true');
    expect((await card.locator('[data-zk="csat-label"]').textContent())?.trim()).toBe('非常满意');
    const reason = card.locator('[data-zk="csat-reason"]').filter({ hasText: '问题已解决' });
    await reason.click();
    expect(await reason.getAttribute('aria-pressed')).toBe('true');
    await card.locator('[data-zk="csat-comment"]').fill('客服很耐心，<b>谢谢</b>！');
    await card.locator('[data-zk="csat-submit"]').click();

    // the thanks, the score given, and 修改评价 (24 hours)
    const thanks = card.locator('[data-zk="csat-thanks"]');
    await thanks.waitFor({ timeout: 15_000 });
    expect((await thanks.textContent())?.trim()).toBe(DEFAULT_CSAT.thanks);
    expect(await card.locator('[data-zk="csat-result"]').getAttribute('data-score')).toBe('5');
    expect(await card.locator('[data-zk="csat-result"]').textContent()).toContain('非常满意');
    expect(await card.locator('[data-zk="csat-change"]').isVisible()).toBe(true);
    expect(await card.locator('[data-zk="csat-error"]').isHidden()).toBe(true);

    // the console: the rating arrives live (stars, label, reason, comment as text)
    const shown = agent.getByTestId('csat-rating');
    await shown.waitFor({ timeout: 15_000 });
    expect(await shown.getAttribute('data-score')).toBe('5');
    expect(await agent.getByTestId('csat-stars').textContent()).toBe('★★★★★');
    expect(await agent.getByTestId('csat-stars').getAttribute('aria-label')).toBe('5 星（满分 5 星）');
    expect((await agent.getByTestId('csat-label').textContent())?.trim()).toBe('非常满意');
    expect(await agent.getByTestId('csat-reason-tag').allTextContents()).toEqual(['问题已解决']);
    expect(await agent.getByTestId('csat-comment').textContent()).toBe('客服很耐心，<b>谢谢</b>！');
    expect(await shown.locator('b').count()).toBe(0);
    expect(await seriousAxe(agent, '[data-testid="csat-rating"]')).toEqual([]);

    // the customer changes it (4, another reason): the console follows
    await card.locator('[data-zk="csat-change"]').click();
    expect(await card.locator('[data-zk="csat-score-5"]').getAttribute('aria-pressed')).toBe('true');
    expect(await card.locator('[data-zk="csat-comment"]').inputValue()).toBe('客服很耐心，<b>谢谢</b>！');
    await card.locator('[data-zk="csat-score-4"]').click();
    await card.locator('[data-zk="csat-submit"]').click();
    await expect.poll(() => card.locator('[data-zk="csat-result"]').getAttribute('data-score'), { timeout: 15_000 }).toBe('4');
    await expect.poll(() => shown.getAttribute('data-score'), { timeout: 15_000 }).toBe('4');
    expect((await agent.getByTestId('csat-label').textContent())?.trim()).toBe('满意');
    expect(await shown.textContent()).toContain('已修改');

    // a reload of the widget shows the rating given, not an empty form
    await visitor.reload();
    await zk(visitor, 'launcher').click();
    await expect.poll(() => visitor.locator('[data-zk="csat-card"] [data-zk="csat-result"]').getAttribute('data-score'), { timeout: 15_000 }).toBe('4');
    expect(await visitor.locator('[data-zk="csat-card"] [data-zk="csat-submit"]').count()).toBe(0);

    // the agent's profile view of the customer (from the contact panel's link, in a tab of its own so the
    // workbench stays for the next tests): the rating in their timeline, 4 stars as changed
    const profileUrl = await agent.getByTestId('contact-profile-link').getAttribute('href');
    expect(profileUrl).toMatch(/^\/contacts\/\d+$/);
    const lead = await newPage();
    await logIn(lead, server.url);
    await lead.goto(`${server.url}${profileUrl}`);
    const rated = lead.locator('[data-testid="timeline-item"][data-kind="rating"]');
    await rated.first().waitFor({ timeout: 15_000 });
    expect(await rated.first().getByTestId('timeline-stars').getAttribute('data-score')).toBe('4');

    // and the CSAT chart of 报表 · 质量 (the rollup follows the log a second behind)
    await expect
      .poll(
        async () => {
          await lead.goto(`${server.url}/reports?tab=quality`);
          const section = lead.locator('[data-table="csat_distribution"]');
          await section.getByTestId('reports-chart').locator('canvas').waitFor({ timeout: 15_000 });
          const row = section.locator('[data-testid="reports-data"] tbody tr').filter({ hasText: '满意' }).filter({ hasNotText: '非常' }).filter({ hasNotText: '不' });
          return (await row.locator('td').allTextContents()).at(-1)?.trim();
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe('1');
  });

  it('the customer ends the chat in the widget (结束会话, confirmed): the card appears and the rating reaches the console', { timeout: 120_000 }, async () => {
    const visitor = await visitorSays('请问保温杯有蓝色的吗');
    await agentAnswers(visitor, '保温杯有蓝色的吗', '有的，蓝色现货充足。');

    const end = zk(visitor, 'end-chat');
    await end.waitFor();
    expect(await end.getAttribute('aria-label')).toBe('结束会话');
    // a confirm step: cancelling keeps the conversation
    await end.click();
    const confirm = zk(visitor, 'end-chat-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('确定结束本次会话吗？');
    await zk(visitor, 'end-chat-cancel').click();
    await confirm.waitFor({ state: 'hidden' });
    expect(await zk(visitor, 'ended').isHidden()).toBe(true);
    await end.click();
    await zk(visitor, 'end-chat-ok').click();

    // ended for both; the widget shows the card and no longer offers 结束会话
    await zk(visitor, 'ended').waitFor({ timeout: 15_000 });
    await end.waitFor({ state: 'hidden' });
    await expect.poll(() => agent.getByTestId('reopen').count(), { timeout: 15_000 }).toBe(1);
    const card = zk(visitor, 'csat-card');
    await card.waitFor({ timeout: 15_000 });
    await card.locator('[data-zk="csat-score-2"]').click();
    expect((await card.locator('[data-zk="csat-label"]').textContent())?.trim()).toBe('不满意');
    await card.locator('[data-zk="csat-reason"]').filter({ hasText: '回复太慢' }).click();
    await card.locator('[data-zk="csat-submit"]').click();
    await card.locator('[data-zk="csat-thanks"]').waitFor({ timeout: 15_000 });

    const shown = agent.getByTestId('csat-rating');
    await expect.poll(() => shown.getAttribute('data-score'), { timeout: 15_000 }).toBe('2');
    expect((await agent.getByTestId('csat-label').textContent())?.trim()).toBe('不满意');
    expect(await agent.getByTestId('csat-reason-tag').allTextContents()).toEqual(['回复太慢']);
    expect(await agent.getByTestId('csat-comment').count()).toBe(0);

    // and the customer may start a new conversation as before
    await zk(visitor, 'input').fill('还有一个问题');
    await zk(visitor, 'input').press('Enter');
    await expect.poll(() => visitor.locator('[data-zk="message"][data-sender="customer"][data-state="sent"]').count(), { timeout: 15_000 }).toBe(2);
    await end.waitFor({ timeout: 15_000 });
  });

  it('邀请评价 before the end: the card shows in the open conversation, and the button stays disabled', { timeout: 120_000 }, async () => {
    const visitor = await visitorSays('发票怎么开');
    await agentAnswers(visitor, '发票怎么开', '您可以在订单详情页申请电子发票。');
    const invite = agent.getByTestId('csat-invite');
    await expect.poll(() => invite.getAttribute('data-requested'), { timeout: 15_000 }).toBe('false');
    await invite.click();
    await expect.poll(() => invite.getAttribute('data-requested'), { timeout: 15_000 }).toBe('true');
    expect(await invite.isDisabled()).toBe(true);
    expect((await invite.textContent())?.trim()).toBe('已邀请评价');

    const card = zk(visitor, 'csat-card');
    await card.waitFor({ timeout: 15_000 });
    // still open: no 会话已结束, and 结束会话 is still offered
    expect(await zk(visitor, 'ended').isHidden()).toBe(true);
    expect(await zk(visitor, 'end-chat').isVisible()).toBe(true);
    await card.locator('[data-zk="csat-score-5"]').click();
    await card.locator('[data-zk="csat-submit"]').click();
    await card.locator('[data-zk="csat-thanks"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => agent.getByTestId('csat-rating').getAttribute('data-score'), { timeout: 15_000 }).toBe('5');
    // rated: nothing left to invite to
    await invite.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('接待设置 · 满意度评价: the admin edits the texts and the reasons (with English) and saves them', { timeout: 90_000 }, async () => {
    await agent.getByTestId('nav-inboxes').click();
    await agent.getByTestId('inbox-reception').first().click();
    const section = agent.getByTestId('csat-settings');
    await section.waitFor({ timeout: 15_000 });
    expect(await section.locator('h2').textContent()).toBe('满意度评价');
    expect(await agent.getByTestId('csat-enabled').isChecked()).toBe(true);
    expect(await agent.getByTestId('csat-ask-on-close').isChecked()).toBe(true);
    expect(await agent.getByTestId('csat-prompt').inputValue()).toBe(DEFAULT_CSAT.prompt);
    for (let n = 1; n <= 5; n++) expect(await agent.getByTestId(`csat-label-${n}`).inputValue()).toBe(DEFAULT_CSAT.labels[n - 1]);

    await agent.getByTestId('csat-ask-on-close').uncheck();
    await agent.getByTestId('csat-label-3').fill('还行');
    await agent.getByTestId('csat-label-3-en').fill('OK');
    await agent.getByTestId('csat-thanks').fill('谢谢您的评价，祝您生活愉快！');
    // a new reason (tags input: type, Enter), and its English
    await agent.getByTestId('csat-reasons').click();
    await agent.keyboard.type('物流很快');
    await agent.keyboard.press('Enter');
    await agent.keyboard.press('Escape');
    const en = agent.locator('[data-testid="csat-reason-en"][data-reason="物流很快"]');
    await en.waitFor();
    await en.fill('Fast delivery');
    // a label cannot be empty
    await agent.getByTestId('csat-label-1').fill('');
    await agent.getByTestId('reception-save').click();
    await agent.getByTestId('reception-error').waitFor();
    await agent.getByTestId('csat-label-1').fill('很不满意');
    await agent.getByTestId('reception-save').click();
    await agent.getByTestId('reception-error').waitFor({ state: 'detached', timeout: 10_000 });

    const admin = await server.login();
    const [inbox] = (await server.json('GET', '/api/v1/inboxes', { token: admin })).body.inboxes;
    await expect
      .poll(async () => (await server.json('GET', `/api/v1/inboxes/${inbox.id}/reception`, { token: admin })).body.csat, { timeout: 10_000 })
      .toEqual({
        enabled: true,
        askWhenCustomerCloses: false,
        prompt: DEFAULT_CSAT.prompt,
        labels: ['很不满意', '不满意', '还行', '满意', '非常满意'],
        reasons: [...DEFAULT_CSAT.reasons, '物流很快'],
        thanks: '谢谢您的评价，祝您生活愉快！',
      });
    const tr = (await server.json('GET', `/api/v1/inboxes/${inbox.id}/reception`, { token: admin })).body.translations.en.csat;
    expect(tr.labels).toEqual([null, null, 'OK', null, null]);
    expect(tr.reasons).toEqual({ 物流很快: 'Fast delivery' });
  });
});
