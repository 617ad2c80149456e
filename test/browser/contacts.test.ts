import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousAxe } from '../helpers/axe.js';
import { logIn } from '../helpers/browser.js';
import { consolePages, useServerAndBrowser } from '../helpers/suite.js';

const PHONE = '13812348000';
const MASKED_PHONE = '138****8000';
const AGENT = { email: 'xiaoli@shop.test', name: '客服小李', password: 'agent-pass-123', role: 'agent' };

/**
 * 客户 and 客户画像 as a supervisor and an agent live them, in Chromium against the real server:
 * a customer chatted in the widget, was answered, rated the conversation 4 stars and left a phone
 * number. The admin defines a 客户字段 (城市), opens 客户 from the top bar, finds the customer by the
 * phone's digits, opens the profile, adds a tag, fills 城市, picks 性格 力量 (the coaching hint shows),
 * sees the conversation and the rating (4 stars) in the timeline, marks 流失 (价格) with a note; the
 * conversation's contact panel links to the profile. An agent sees the phone masked and no 查看; the
 * admin reveals it. axe finds nothing serious on the pages.
 */
describe('browser: 客户画像', () => {
  const { server, browser } = useServerAndBrowser('contacts');

  const newPage = consolePages(browser);

  let admin: string;
  let contactId: number;
  let conversationId: number;
  let adminPage: Page;

  it('seeds a customer who chatted, was answered, rated 4 stars and gave a phone number', { timeout: 60_000 }, async () => {
    admin = await server.login();
    expect((await server.json('POST', '/api/v1/agents', { token: admin, body: AGENT })).status).toBe(201);
    const [inbox] = (await server.json('GET', '/api/v1/inboxes', { token: admin })).body.inboxes;
    const created = await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: { name: '李雷' } });
    const { contactToken } = created.body;
    const conv = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken, body: {} })).body;
    conversationId = conv.id;
    const said = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, {
      contactToken,
      body: { content: '我买的保温杯漏水，想换一个', clientMessageId: crypto.randomUUID() },
    });
    expect(said.status).toBe(201);
    const answered = await server.json('POST', `/api/v1/conversations/${conv.id}/messages`, {
      token: admin,
      body: { content: '非常抱歉，马上为您安排换货。', private: false, clientMessageId: crypto.randomUUID() },
    });
    expect(answered.status).toBe(201);
    const full = await server.json('GET', `/api/v1/conversations/${conv.id}`, { token: admin });
    contactId = full.body.contactId;
    const patched = await server.json('PATCH', `/api/v1/contacts/${contactId}`, { token: admin, body: { phone: PHONE, email: 'li.lei@example.com' } });
    expect(patched.status).toBe(200);
    expect((await server.json('POST', `/api/v1/conversations/${conv.id}/status`, { token: admin, body: { status: 'resolved' } })).status).toBe(200);
    // the customer rates once the conversation has ended (the request may take a moment)
    await expect
      .poll(async () => (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/rating`, { contactToken, body: { score: 4, comment: '换货很快' } })).status, {
        timeout: 15_000,
        interval: 250,
      })
      .toBeOneOf([200, 201]);
    // and an order from the shop's back office
    const order = await server.json('POST', `/api/v1/contacts/${contactId}/orders`, {
      token: admin,
      body: { orderId: 'SO-20260101-88', items: [{ name: '保温杯', quantity: 1, price: 99 }], amount: 99, status: '已完成', orderedAt: '2026-01-01T08:00:00.000Z' },
    });
    expect(order.status).toBe(201);
  });

  it('an admin defines 城市 in 客户字段', { timeout: 60_000 }, async () => {
    adminPage = await newPage();
    await logIn(adminPage, server.url);
    await adminPage.getByTestId('nav-contacts').click();
    await adminPage.getByTestId('contacts-page').waitFor();
    await adminPage.getByTestId('contacts-tab-fields').click();
    await adminPage.getByTestId('contact-fields-page').waitFor();
    await adminPage.getByTestId('field-key').fill('city');
    await adminPage.getByTestId('field-label-input').fill('城市');
    await adminPage.getByTestId('field-add').click();
    await adminPage.locator('[data-testid="field-row"][data-key="city"]').waitFor();
    expect(await seriousAxe(adminPage)).toEqual([]);
    const fields = await server.json('GET', '/api/v1/contact-fields', { token: admin });
    expect(fields.body.fields).toEqual([expect.objectContaining({ key: 'city', label: '城市', type: 'text' })]);
  });

  it('finds the customer by the phone’s digits and opens the profile', { timeout: 60_000 }, async () => {
    const page = adminPage;
    await page.getByTestId('contacts-tab-list').click();
    await page.getByTestId('contacts-search').fill('12348000');
    const row = page.locator(`[data-testid="contact-row"][data-contact-id="${contactId}"]`);
    await row.waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('contact-row').count()).toBe(1);
    expect(await row.textContent()).toContain('李雷');
    // the list shows what the server sends: masked, for everyone
    expect(await row.getByTestId('contact-row-phone').textContent()).toBe(MASKED_PHONE);
    expect(await seriousAxe(page)).toEqual([]);
    await row.getByTestId('contact-link').click();
    await page.waitForURL(`${server.url}/contacts/${contactId}`);
    await page.getByTestId('contact-profile').waitFor();
    expect((await page.getByTestId('profile-name').textContent())?.trim()).toContain('李雷');
  });

  it('edits tags, a custom field and 性格 (the hint shows); the timeline has the conversation and the rating', { timeout: 90_000 }, async () => {
    const page = adminPage;
    // a tag
    await page.getByTestId('profile-tag-input').fill('老客户');
    await page.getByTestId('profile-tag-input').press('Enter');
    await page.getByTestId('profile-tag').filter({ hasText: '老客户' }).waitFor();
    // 城市
    const city = page.getByTestId('cf-city');
    await city.fill('杭州');
    await city.press('Enter');
    await expect.poll(async () => (await server.json('GET', `/api/v1/contacts/${contactId}`, { token: admin })).body.contact.customFields?.city, { timeout: 10_000 }).toBe('杭州');
    // 性格: 力量, and its one-line hint
    await page.getByTestId('temperament-choice').getByText('力量', { exact: true }).click();
    await expect.poll(() => page.getByTestId('temperament-forceful').isChecked(), { timeout: 10_000 }).toBe(true);
    const hint = page.getByTestId('temperament-hint');
    await hint.waitFor({ timeout: 10_000 });
    expect((await hint.textContent())?.length).toBeGreaterThan(6);
    const saved = (await server.json('GET', `/api/v1/contacts/${contactId}`, { token: admin })).body.contact;
    expect(saved).toMatchObject({ tags: ['老客户'], temperament: 'forceful', customFields: { city: '杭州' } });

    // the timeline: the conversation (opens it) and the rating with its stars
    const conversation = page.locator('[data-testid="timeline-item"][data-kind="conversation"]').first();
    await conversation.waitFor();
    expect(await conversation.getByTestId('timeline-link').getAttribute('href')).toBe(`/conversations/${conversationId}`);
    const rating = page.locator('[data-testid="timeline-item"][data-kind="rating"]').first();
    await rating.waitFor();
    expect(await rating.getByTestId('timeline-stars').getAttribute('data-score')).toBe('4');
    expect(await rating.getByTestId('timeline-stars').getAttribute('aria-label')).toBe('4 星（满分 5 星）');
    // newest first
    const times = await page.locator('[data-testid="timeline-item"] time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
    expect([...times].sort().reverse()).toEqual(times);
    // the order
    await page.getByTestId('order-row').filter({ hasText: 'SO-20260101-88' }).waitFor();
    expect(await seriousAxe(page)).toEqual([]);
  });

  it('marks 流失 with a reason and a note', { timeout: 60_000 }, async () => {
    const page = adminPage;
    await page.getByTestId('lost-mark').click();
    await page.getByTestId('lost-reason').selectOption('price');
    await page.getByTestId('lost-note').fill('竞品便宜 20 元');
    await page.getByTestId('lost-confirm').click();
    const state = page.getByTestId('profile-lost-state');
    await state.waitFor({ timeout: 10_000 });
    expect(await state.getAttribute('data-reason')).toBe('price');
    expect(await state.textContent()).toContain('竞品便宜 20 元');
    const saved = (await server.json('GET', `/api/v1/contacts/${contactId}`, { token: admin })).body.contact;
    expect(saved.lost).toMatchObject({ reason: 'price', note: '竞品便宜 20 元' });
    // and the list finds them among the lost
    await page.goto(`${server.url}/contacts?lost=true`);
    await page.locator(`[data-testid="contact-row"][data-contact-id="${contactId}"]`).waitFor({ timeout: 15_000 });
    expect(await page.locator(`[data-testid="contact-row"][data-contact-id="${contactId}"] [data-testid="contact-row-lost"]`).textContent()).toBe('价格');
  });

  it('the conversation’s contact panel links to the profile', { timeout: 60_000 }, async () => {
    const page = adminPage;
    await page.goto(`${server.url}/conversations/${conversationId}`);
    const link = page.getByTestId('contact-profile-link');
    await link.waitFor({ timeout: 15_000 });
    expect((await link.textContent())?.trim()).toBe('客户画像');
    await link.click();
    await page.waitForURL(`${server.url}/contacts/${contactId}`);
    await page.getByTestId('contact-profile').waitFor();
  });

  it('an agent sees the phone masked and no 查看; the admin reveals it', { timeout: 90_000 }, async () => {
    const agent = await newPage();
    await logIn(agent, server.url, AGENT.email, AGENT.password);
    await agent.getByTestId('nav-contacts').click();
    await agent.getByTestId('contacts-page').waitFor();
    expect(await agent.getByTestId('contacts-import').count()).toBe(0);
    expect(await agent.getByTestId('contacts-export').count()).toBe(0);
    await agent.goto(`${server.url}/contacts/${contactId}`);
    await agent.getByTestId('contact-profile').waitFor();
    expect((await agent.getByTestId('profile-phone').textContent())?.trim()).toBe(MASKED_PHONE);
    expect(await agent.getByTestId('profile-reveal').count()).toBe(0);
    expect(await agent.getByTestId('privacy-erase').count()).toBe(0);
    expect(await agent.getByTestId('merge-open').count()).toBe(0);
    expect(await agent.content()).not.toContain(PHONE);
    expect(await seriousAxe(agent)).toEqual([]);

    const page = adminPage;
    await page.reload();
    await page.getByTestId('contact-profile').waitFor();
    // masked for the admin too until 查看, which says it is logged
    expect((await page.getByTestId('profile-phone').textContent())?.trim()).toBe(MASKED_PHONE);
    const reveal = page.getByTestId('profile-reveal');
    expect((await reveal.textContent())?.trim()).toBe('查看');
    expect(await page.locator('#profile-reveal-hint').textContent()).toContain('审计日志');
    await reveal.click();
    await expect.poll(async () => (await page.getByTestId('profile-phone').textContent())?.trim(), { timeout: 10_000 }).toBe(PHONE);
    // the reveal was audited
    const audit = await server.json('GET', '/api/v1/audit?action=contact.revealed', { token: admin });
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('contact.revealed');
  });

  it('imports a CSV (created, updated, errors by line), merges a contact into another and undoes it, erases one after a warning', { timeout: 120_000 }, async () => {
    const page = adminPage;
    await page.goto(`${server.url}/contacts`);
    await page.getByTestId('contacts-page').waitFor();
    const csv = ['externalId,name,phone,email,company,tags,vipLevel,city', 'u-1001,韩梅梅,13900001111,han@example.com,示例公司,VIP；老客户,2,上海', 'u-1002,坏数据,,,,,9,'].join('\n');
    await page.getByTestId('contacts-import-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`, 'utf8') });
    const report = page.getByTestId('contacts-import-report');
    await report.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('contacts-import-summary').textContent()).toMatch(/^导入完成：新建 1 位，更新 0 位，1 行有错误。$/);
    expect(await page.getByTestId('contacts-import-error').getAttribute('data-line')).toBe('3');
    const han = page.getByTestId('contact-row').filter({ hasText: '韩梅梅' });
    await han.waitFor({ timeout: 15_000 });
    const hanId = Number(await han.getAttribute('data-contact-id'));
    expect(await han.textContent()).toContain('示例公司');
    expect(await seriousAxe(page)).toEqual([]);

    // 合并到…: 韩梅梅 is the site's signed-in user u-1001, so 李雷 cannot take her in (the reason is said) —
    // 李雷 is merged into her instead, and 撤销合并 on her profile puts everything back
    await page.goto(`${server.url}/contacts/${hanId}`);
    await page.getByTestId('contact-profile').waitFor();
    expect(await page.getByTestId('cf-city').inputValue()).toBe('上海');
    expect(await page.getByTestId('profile-external-id').textContent()).toBe('u-1001');
    await page.getByTestId('merge-open').click();
    await page.getByTestId('merge-target').fill(String(contactId));
    expect(await seriousAxe(page, '[data-testid="merge-dialog"]')).toEqual([]);
    await page.getByTestId('merge-confirm').click();
    const refused = page.getByTestId('ck-notice');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('请把另一位客户合并到此客户');
    await page.getByTestId('merge-dialog').press('Escape');
    await page.goto(`${server.url}/contacts/${contactId}`);
    await page.getByTestId('contact-profile').waitFor();
    await page.getByTestId('merge-open').click();
    await page.getByTestId('merge-target').fill(String(hanId));
    await page.getByTestId('merge-confirm').click();
    await page.waitForURL(`${server.url}/contacts/${hanId}`);
    const merged = page.locator('[data-testid="merge-item"]');
    await merged.first().waitFor({ timeout: 15_000 });
    expect(await merged.first().textContent()).toContain(`#${contactId}`);
    // the conversation and the rating came along
    await page.locator('[data-testid="timeline-item"][data-kind="rating"]').first().waitFor();
    await merged.first().getByTestId('merge-undo').click();
    await expect.poll(async () => (await page.getByTestId('merge-item').first().textContent()) ?? '', { timeout: 15_000 }).toContain('已撤销');
    expect(await page.getByTestId('merge-undo').count()).toBe(0);
    expect(await page.locator('[data-testid="timeline-item"][data-kind="rating"]').count()).toBe(0);

    // 删除个人信息: a dialog says it cannot be undone
    await page.goto(`${server.url}/contacts/${hanId}`);
    await page.getByTestId('contact-profile').waitFor();
    await page.getByTestId('privacy-erase').click();
    const dialog = page.getByTestId('erase-dialog');
    await dialog.getByTestId('erase-confirm').waitFor();
    expect(await dialog.textContent()).toContain('此操作无法撤销');
    await dialog.getByTestId('erase-confirm').click();
    await page.getByTestId('profile-erased').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('privacy-erase').isDisabled()).toBe(true);
    const erased = (await server.json('GET', `/api/v1/contacts/${hanId}`, { token: admin })).body.contact;
    expect(erased).toMatchObject({ name: null, phone: null, email: null, company: null });
    expect(erased.erasedAt).toBeTruthy();
  });
});
