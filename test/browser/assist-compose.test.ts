import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { logIn } from '../helpers/browser.js';
import { axeViolations, isSerious } from '../helpers/axe.js';
import { useServerAndBrowser } from '../helpers/suite.js';

/**
 * Agent assist in Chromium: the 禁语 warning while typing and its one-click rewrite, the `/` quick
 * replies filtered by pinyin initials and inserted with their variables filled, and the admin's
 * 分析实验室 page.
 */

/** axe-core's critical and serious findings on the page (or in `within`), readable. */
async function axeFindings(page: Page, within?: string): Promise<string[]> {
  return (await axeViolations(page, within))
    .filter(isSerious)
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n.html.slice(0, 160)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200)}`));
}

describe('browser: 禁语 warning, 快捷回复, 分析实验室', () => {
  const { server, browser } = useServerAndBrowser('assist');

  it('warns on 这不归我管 and applies the rewrite; / opens quick replies, tk filters, Enter inserts with variables', { timeout: 180_000 }, async () => {
    onTestFailed(() => void process.stdout.write(`server output:\n${server.output}\n`));
    const admin = await server.login();
    const api = async (method: string, url: string, body?: unknown) => {
      const r = await server.json(method, url, { token: admin, body });
      if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const me = (await api('GET', '/api/v1/me')).agent;
    await api('POST', '/api/v1/canned-replies', { scope: 'team', title: '退款流程', category: '售后', content: '{customerName}您好，工号 {agentNo} {name} 为您处理退款，1-3 个工作日原路退回。' });
    await api('POST', '/api/v1/canned-replies', { scope: 'personal', title: '问候语', shortcut: 'hi', content: '您好，请问有什么可以帮您？' });
    const [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    const contact = await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: { name: '张先生' } });
    const contactToken = contact.body.contactToken as string;
    const conv = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken, body: {} });
    const said = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.body.id}/messages`, { contactToken, body: { content: '我的快递一直没到', clientMessageId: crypto.randomUUID() } });
    expect(said.status).toBe(201);

    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 }, bypassCSP: true }); // bypassCSP: for the injected axe script
    const page = await ctx.newPage();
    await logIn(page, server.url);
    await page.getByTestId('conv-tab-all').click();
    await page.getByTestId('conv-item').filter({ hasText: '张先生' }).first().click();
    const input = page.getByTestId('reply-input');
    const warning = page.getByTestId('forbidden-warning');

    // 禁语: the warning names the category and the words, in a polite live region
    await input.fill('这不归我管');
    await warning.waitFor({ timeout: 10_000 });
    expect(await warning.textContent()).toContain('「不归我管」属于推诿用语');
    expect(await page.getByTestId('forbidden-region').getAttribute('aria-live')).toBe('polite');
    expect(await axeFindings(page, '.composer')).toEqual([]);
    await page.getByTestId('forbidden-apply').first().click();
    const rewritten = await input.inputValue();
    expect(rewritten).not.toContain('不归我管');
    expect(rewritten).toMatch(/^(我会|我理解|您可以|您能)/);
    await warning.waitFor({ state: 'detached', timeout: 10_000 });

    // by meaning: quoting the phrase is not using it; sending elsewhere without checking is
    await input.fill('我不会说这不归我管');
    await page.waitForTimeout(1500); // the debounce and the check, had there been a finding
    expect(await warning.count()).toBe(0);
    await input.fill('这事找物流去，跟我们没关系');
    await warning.waitFor({ timeout: 10_000 });
    expect(await warning.textContent()).toContain('推诿');

    // 快捷回复: / opens the list, pinyin initials filter it, Enter inserts with variables filled
    await input.fill('');
    await input.pressSequentially('/');
    const list = page.getByTestId('quick-replies');
    await list.waitFor();
    await expect.poll(() => page.getByTestId('quick-reply').count(), { timeout: 10_000 }).toBe(2);
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    await input.fill('');
    await input.pressSequentially('/tk');
    await expect.poll(() => page.getByTestId('quick-reply').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining('退款流程')]);
    expect(await input.getAttribute('aria-activedescendant')).toMatch(/^quick-reply-\d+$/);
    expect(await axeFindings(page, '.composer')).toEqual([]);
    await page.keyboard.press('Enter');
    await list.waitFor({ state: 'detached' });
    expect(await input.inputValue()).toBe(`张先生您好，工号 ${me.agentNo} ${me.name} 为您处理退款，1-3 个工作日原路退回。`);
    // Enter picked the reply and did not send it
    const messages = (await api('GET', `/api/v1/conversations/${conv.body.id}/messages`)).messages as Array<{ content: string }>;
    expect(messages.map((m) => m.content)).not.toContain(await input.inputValue());

    // the management drawer: add a personal reply with a category; it is in the / list at once
    await page.getByTestId('canned-manage').click();
    await page.getByTestId('canned-add').click();
    await page.getByTestId('canned-title').fill('物流查询');
    await page.getByTestId('canned-content').fill('{customerName}，我马上为您查询物流。');
    await page.getByTestId('canned-category').fill('物流');
    await page.getByTestId('canned-save').click();
    await expect.poll(() => page.getByTestId('canned-item').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('物流查询'));
    expect(await axeFindings(page, '.ant-drawer')).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('canned-drawer').waitFor({ state: 'hidden' });
    await input.fill('');
    await input.pressSequentially('/wlcx');
    await expect.poll(() => page.getByTestId('quick-reply').allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining('物流查询')]);
    await page.getByTestId('quick-reply').click();
    expect(await input.inputValue()).toBe('张先生，我马上为您查询物流。');
    const saved = (await api('GET', '/api/v1/canned-replies')).replies.find((r: { title: string }) => r.title === '物流查询');
    expect(saved).toMatchObject({ scope: 'personal', category: '物流', initials: 'wlcxwl' });
    await ctx.close();
  });

  it('分析实验室 analyses a sentence: tokens, intent, emotion, signals, 禁语 spans with rewrites', { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    await logIn(page, server.url);
    await page.getByTestId('nav-nlp-lab').click();
    await page.getByTestId('lab-text').fill('我要投诉，太差了，再不解决我就去12315');
    await page.getByTestId('lab-analyze').click();
    await page.getByTestId('lab-result').waitFor();
    expect(await page.getByTestId('lab-intent').getAttribute('data-label')).toBe('complaint');
    expect(await page.getByTestId('lab-intent').textContent()).toContain('投诉');
    expect(await page.getByTestId('lab-emotion').getAttribute('data-label')).toBe('anger');
    expect(await page.getByTestId('lab-signals').textContent()).toContain('监管投诉');
    expect(await page.getByTestId('lab-tokens').textContent()).toContain('投诉');

    await page.getByTestId('lab-text').fill('这事找物流去，跟我们没关系');
    await page.getByTestId('lab-role-agent').click();
    await page.getByTestId('lab-analyze').click();
    await expect.poll(() => page.getByTestId('lab-span').allTextContents(), { timeout: 10_000 }).toContain('跟我们没关系');
    expect(await page.getByTestId('lab-forbidden').textContent()).toContain('我会');
    expect(await axeFindings(page)).toEqual([]);
    await ctx.close();
  });
});
