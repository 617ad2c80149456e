import { describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/env.js';
import { useServerAndBrowser } from '../helpers/suite.js';

/** The admin pages as an administrator uses them: create an agent, create a web inbox and read its embed snippet, switch language. */
describe('browser: administration', () => {
  const { server, browser } = useServerAndBrowser('admin');

  it('creates an agent who can then log in, and a web inbox with its snippet', { timeout: 120_000 }, async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();

    // 客服管理: a new agent
    await page.getByTestId('nav-agents').click();
    await page.getByTestId('agent-create').click();
    await page.getByTestId('agent-form-email').fill('xiaozhou@shop.test');
    await page.getByTestId('agent-form-name').fill('小周');
    await page.getByTestId('agent-form-agent-no').fill('2048');
    await page.getByTestId('agent-form-password').fill('agent-pass-123');
    await page.getByTestId('agent-form-submit').click();
    // the toast opens below the header: over the navigation it took the next click (and, hovered, never closed)
    const toast = page.locator('.ant-message-notice', { hasText: '小周' });
    await toast.waitFor();
    const header = (await page.locator('.app-header').boundingBox())!;
    await expect.poll(async () => (await toast.boundingBox())?.y, { timeout: 5_000 }).toBeGreaterThanOrEqual(header.y + header.height);
    await expect.poll(() => page.getByTestId('agent-row').filter({ hasText: '小周' }).count(), { timeout: 15_000 }).toBe(1);
    const login = await server.json('POST', '/api/v1/auth/login', { body: { email: 'xiaozhou@shop.test', password: 'agent-pass-123' } });
    expect(login.status).toBe(200);
    expect(login.body.agent).toMatchObject({ name: '小周', agentNo: '2048', role: 'agent' });

    // 渠道管理: a new web inbox and its embed snippet
    await page.getByTestId('nav-inboxes').click();
    await page.getByTestId('inbox-create').click();
    await page.getByTestId('inbox-form-name').fill('售后咨询');
    await page.getByTestId('inbox-form-title').fill('售后服务');
    await page.getByTestId('inbox-form-submit').click();
    await page.getByTestId('inbox-item').filter({ hasText: '售后咨询' }).click();
    const snippet = await page.getByTestId('embed-snippet').textContent();
    const admin = await server.login();
    const inboxes = (await server.json('GET', '/api/v1/inboxes', { token: admin })).body.inboxes;
    const created = inboxes.find((i: any) => i.name === '售后咨询');
    expect(created.settings.title).toBe('售后服务');
    expect(snippet).toBe(`<script src="${server.url}/widget.js" data-inbox="${created.token}" async></script>`);

    // English on request, kept across a reload
    await page.getByTestId('lang-switch').click(); // 中文 ⇄ English
    await page.reload();
    await expect.poll(async () => (await page.getByTestId('nav-inboxes').textContent())?.trim(), { timeout: 10_000 }).toMatch(/Inbox|Channel/i);
    await ctx.close();
  });
});
