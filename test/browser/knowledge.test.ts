import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/env.js';
import { seriousAxe } from '../helpers/axe.js';
import { useServerAndBrowser } from '../helpers/suite.js';


/**
 * 知识库 and its bot as people use them, in Chromium: in a 机器人优先 inbox a visitor asks a
 * paraphrase and gets the answer, rates it; asks something vague, gets "您是不是想问" chips
 * and picks one from the keyboard. An admin manages articles on the 知识库 page (create with
 * similar questions, search, CSV import with per-row errors, 一键生成知识 from the visitor's
 * unanswered question); an agent sees the page read-only. axe finds nothing serious.
 */
describe('browser: the knowledge base and its bot', () => {
  const { server, browser } = useServerAndBrowser('knowledge');
  let admin: string;
  const api = async (method: string, url: string, body?: unknown, token = admin) => {
    const r = await server.json(method, url, { token, body });
    if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const dialogs: string[] = [];
  const newPage = async (opts: { bypassCSP?: boolean } = {}) => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, ...opts });
    const p = await ctx.newPage();
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return p;
  };
  const login = async (page: Page, email: string, password: string) => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-knowledge').waitFor();
  };

  beforeAll(async () => {
    admin = await server.login();
    const [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    await api('PATCH', `/api/v1/inboxes/${inbox.id}/reception`, { mode: 'bot_first', preChat: { enabled: false, topics: [] } });
    await api('POST', '/api/v1/knowledge/articles', { question: '怎么申请退款', similarQuestions: ['我想退钱', '如何退款'], answer: '在订单页点击“申请退款”即可。', category: '售后' });
    await api('POST', '/api/v1/knowledge/articles', { question: '退款多久到账', similarQuestions: ['退款什么时候到'], answer: '退款审核通过后 1-3 个工作日到账。', category: '售后' });
    await api('POST', '/api/v1/agents', { email: 'reader@shop.test', name: '只读小李', password: 'agent-pass-123', role: 'agent' });
  });

  it('the widget: an answer to rate, then chips picked from the keyboard', { timeout: 120_000 }, async () => {
    const v = await newPage({ bypassCSP: true });
    await v.goto(`${server.url}/demo`);
    await v.locator('[data-zk="launcher"]').click();
    const input = v.locator('[data-zk="input"]');
    await input.fill('我想退钱');
    await input.press('Enter');
    const bot = v.locator('[data-zk="message"][data-sender="bot"]');
    await expect.poll(() => bot.last().locator('[data-zk="text"]').textContent(), { timeout: 20_000 }).toBe('在订单页点击“申请退款”即可。');
    const helpful = bot.last().locator('[data-zk="helpful"]');
    await helpful.click();
    await expect.poll(() => helpful.getAttribute('aria-pressed')).toBe('true');
    const articles = (await api('GET', '/api/v1/knowledge/articles?q=' + encodeURIComponent('怎么申请退款'))).articles;
    expect(articles[0]).toMatchObject({ helpful: 1, unhelpful: 0 });
    // changeable
    await bot.last().locator('[data-zk="not-helpful"]').click();
    await expect.poll(async () => (await api('GET', `/api/v1/knowledge/articles/${articles[0].id}`)).unhelpful).toBe(1);

    await input.fill('退款的问题');
    await input.press('Enter');
    const chips = v.locator('[data-zk="choices"] [data-zk="choice"]');
    await expect.poll(() => chips.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(await chips.allTextContents()).toEqual(expect.arrayContaining(['怎么申请退款', '退款多久到账']));
    expect(await v.locator('[data-zk="choices"]').getAttribute('aria-label')).toBe('您是不是想问');
    // keyboard: focus the chip and press Enter
    const wanted = chips.filter({ hasText: '退款多久到账' });
    await wanted.focus();
    await v.keyboard.press('Enter');
    await expect.poll(() => bot.last().locator('[data-zk="text"]').textContent(), { timeout: 20_000 }).toBe('退款审核通过后 1-3 个工作日到账。');
    expect(await seriousAxe(v)).toEqual([]);
    // a chip's text is shown as text, never markup
    expect(dialogs).toEqual([]);
  });

  it('the 知识库 page: create, search, import with row errors, 一键生成知识; agents read only', { timeout: 150_000 }, async () => {
    const p = await newPage({ bypassCSP: true });
    await login(p, ADMIN_EMAIL, ADMIN_PASSWORD);
    await p.getByTestId('nav-knowledge').click();
    await expect.poll(() => p.getByTestId('kb-row').count(), { timeout: 15_000 }).toBe(2);
    expect(await p.locator('h1').count()).toBe(1);
    expect(await seriousAxe(p)).toEqual([]);

    // create, with two similar questions as a list
    await p.getByTestId('kb-create').click();
    await p.getByTestId('kb-form-question').fill('发票怎么开');
    await p.getByTestId('kb-form-similar').first().fill('开发票');
    await p.getByTestId('kb-form-similar-add').click();
    await p.getByTestId('kb-form-similar').nth(1).fill('如何开具发票');
    await p.getByTestId('kb-form-answer').fill('在“我的订单”里申请电子发票。');
    expect(await seriousAxe(p, '.ant-modal')).toEqual([]);
    await p.getByTestId('kb-save').click();
    await expect.poll(() => p.getByTestId('kb-row').count(), { timeout: 15_000 }).toBe(3);
    const made = (await api('GET', '/api/v1/knowledge/articles?q=' + encodeURIComponent('发票怎么开'))).articles[0];
    expect(made).toMatchObject({ similarQuestions: ['开发票', '如何开具发票'], answer: '在“我的订单”里申请电子发票。', enabled: true });

    // search
    await p.getByTestId('kb-search').locator('input').fill('到账');
    await p.getByTestId('kb-search').locator('input').press('Enter');
    await expect.poll(() => p.getByTestId('kb-question').allTextContents()).toEqual(['退款多久到账']);
    await p.getByTestId('kb-search').locator('input').fill('');
    await p.getByTestId('kb-search').locator('input').press('Enter');
    await expect.poll(() => p.getByTestId('kb-row').count()).toBe(3);

    // disable from the list
    const row = p.locator(`[data-testid="kb-row"][data-article-id="${made.id}"]`);
    await row.getByTestId('kb-enabled').click();
    await expect.poll(async () => (await api('GET', `/api/v1/knowledge/articles/${made.id}`)).enabled).toBe(false);

    // CSV import: one good row, one bad; the report names the bad row
    const csv = '\uFEFF标准问题,相似问法,答案,分类,启用\r\n营业时间,"几点开门|几点关门",每天 9:00-21:00。,门店,是\r\n,没有标准问题,答案,,\r\n';
    await p.getByTestId('kb-import-file').setInputFiles({ name: 'kb.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await p.getByTestId('kb-import-report').waitFor();
    expect(await p.getByTestId('kb-import-report').textContent()).toContain('新增 1 条');
    expect(await p.getByTestId('kb-import-error').allTextContents()).toEqual([expect.stringMatching(/^3.*缺少标准问题/)]);
    await p.keyboard.press('Escape');
    await expect.poll(() => p.getByTestId('kb-row').count()).toBe(4);

    // delete with confirm
    await row.getByTestId('kb-delete').click();
    await p.getByTestId('confirm-ok').click();
    await expect.poll(() => p.getByTestId('kb-row').count()).toBe(3);

    // 未解决问题 → 一键生成知识 opens the editor prefilled
    await p.getByTestId('kb-tab-unanswered').click();
    await expect.poll(() => p.getByTestId('kb-unanswered-question').allTextContents(), { timeout: 15_000 }).toContain('退款的问题');
    await p.getByTestId('kb-unanswered-row').filter({ hasText: '退款的问题' }).getByTestId('kb-make-article').click();
    expect(await p.getByTestId('kb-form-question').inputValue()).toBe('退款的问题');
    await p.getByTestId('kb-form-answer').fill('退款相关：申请见订单页，到账需 1-3 个工作日。');
    await p.getByTestId('kb-save').click();
    await expect.poll(() => p.getByTestId('kb-form-question').count(), { message: 'the editor closes once the article is saved' }).toBe(0);
    await expect.poll(() => p.getByTestId('kb-unanswered-question').allTextContents(), { timeout: 15_000 }).not.toContain('退款的问题');
    const fromUnanswered = (await api('GET', '/api/v1/knowledge/articles?q=' + encodeURIComponent('退款相关'))).articles;
    expect(fromUnanswered.map((a: any) => a.question)).toEqual(['退款的问题']);

    // the visitor's conversation in 工作台: the bot's messages say what it did
    const [botConv] = (await api('GET', '/api/v1/conversations?status=all&handler=bot')).conversations;
    await p.goto(`${server.url}/conversations/${botConv.id}`);
    await expect.poll(() => p.locator('[data-testid="bot-meta"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))), { timeout: 15_000 }).toEqual([
      'answer',
      'choices',
      'answer',
    ]);
    expect(await p.locator('[data-testid="bot-meta"][data-kind="choices"]').textContent()).toMatch(/^推荐 [23] 条$/);

    // an agent: the page, read-only
    const reader = await newPage();
    await login(reader, 'reader@shop.test', 'agent-pass-123');
    await reader.getByTestId('nav-knowledge').click();
    await expect.poll(() => reader.getByTestId('kb-row').count(), { timeout: 15_000 }).toBe(4);
    expect(await reader.getByTestId('kb-create').count()).toBe(0);
    expect(await reader.getByTestId('kb-edit').count()).toBe(0);
    expect(await reader.locator('.ant-alert').textContent()).toContain('只有管理员可以修改');
  });
});
