import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/env.js';
import { ServerProcess } from '../helpers/server-process.js';

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * 26, what a team saw in the console: the 访客 table keeps its columns readable and
 * 邀请 on screen whatever the URLs; 超时提醒 shows one alert per conversation, closes
 * when answered and covers neither the contact panel nor the composer; the 接待上限
 * refusal shows once; the composer has an emoji button.
 */
describe('browser: the console as a team sees it', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-e2e-console-ux-'));
  let server: ServerProcess;
  let browser: Browser;
  let admin: string;
  let inbox: { id: number; token: string };
  let me: { id: number };
  const contexts: BrowserContext[] = [];

  const api = async (method: string, url: string, body?: unknown, token = admin) => {
    const r = await server.json(method, url, { token, body });
    if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const customer = async () => {
    const c = await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: {} });
    return c.body.contactToken as string;
  };
  const say = async (contactToken: string, conv: number, content: string) => {
    const r = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv}/messages`, { contactToken, body: { content, clientMessageId: crypto.randomUUID() } });
    expect(r.status).toBe(201);
  };
  const conversationOf = async (contactToken: string, first: string) => {
    const r = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken, body: {} });
    expect(r.status).toBeLessThan(300);
    await say(contactToken, r.body.id, first);
    return r.body.id as number;
  };
  const box = async (l: Locator) => (await l.boundingBox())!;

  beforeAll(async () => {
    server = await ServerProcess.start({ ZHIKE_DATA_DIR: dataDir });
    browser = await launchBrowser();
    admin = await server.login();
    [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    me = await api('GET', '/api/v1/me').then((b) => b.agent ?? b);
    await api('PATCH', `/api/v1/inboxes/${inbox.id}/reception`, {
      messages: { welcome: null, agentJoined: null, offline: null, idleCheckin: null, idleClose: null },
      timeouts: { agentResponseSeconds: 10, reassignAfterSeconds: null, idleCheckinMinutes: null, idleCloseMinutes: null },
    });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('26: 访客 table, 超时提醒, the 接待上限 toast, emoji', { timeout: 240_000 }, async () => {
    onTestFailed(() => void process.stdout.write(`server output:\n${server.output}\n`));
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
    contexts.push(ctx);
    const agent = await ctx.newPage();
    await agent.goto(`${server.url}/`);
    await agent.getByTestId('login-email').fill(ADMIN_EMAIL);
    await agent.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await agent.getByTestId('login-submit').click();
    await agent.getByTestId('conv-list').waitFor();

    // ── 访客: a visitor who landed on a very long URL ──
    const vctx = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(vctx);
    const visitor = await vctx.newPage();
    await visitor.goto(`${server.url}/demo?utm_source=newsletter&utm_campaign=${'double-eleven-super-sale-'.repeat(12)}&ref=${'x'.repeat(80)}`);
    await agent.getByTestId('nav-visitors').click();
    const row = agent.getByTestId('visitor-row').first();
    await row.waitFor({ timeout: 20_000 });
    const invite = row.getByTestId('visitor-invite');
    const inviteBox = await box(invite);
    expect(inviteBox.x + inviteBox.width).toBeLessThanOrEqual(1280);
    // every header on one line ("停留" was over three)
    // the text of each header cell, and on how many lines it is laid out
    const headerLines = await agent.locator('.ant-table-thead th').evaluateAll((ths) =>
      ths.map((th): [string | null, number] => {
        const r = (globalThis as any).document.createRange();
        r.selectNodeContents(th);
        return [th.textContent, new Set(Array.from(r.getClientRects() as { top: number }[]).map((x) => Math.round(x.top))).size];
      }),
    );
    for (const [text, lines] of headerLines) if (text) expect({ text, lines }).toEqual({ text, lines: 1 });
    // the landing URL is cut with an ellipsis, and the whole URL is in its tooltip
    const landing = row.getByTestId('visitor-landing');
    expect(await landing.evaluate((el) => {
          const style = (globalThis as any).getComputedStyle(el);
          return [style.textOverflow, style.whiteSpace, el.scrollWidth > el.clientWidth];
        })).toEqual(['ellipsis', 'nowrap', true]);
    await landing.hover();
    await expect.poll(() => agent.locator('.ant-tooltip:visible').textContent(), { timeout: 10_000 }).toContain('double-eleven-super-sale-double-eleven');
    await agent.screenshot({ path: path.join(os.tmpdir(), 'zhike-console-visitors.png') });

    // ── the 接待上限 refusal shows once ──
    await api('PATCH', `/api/v1/agents/${me.id}`, { maxConcurrent: 0 });
    const b = await customer();
    const convB = await conversationOf(b, '我的订单还没发货');
    await agent.goto(`${server.url}/conversations/${convB}`);
    await agent.getByTestId('assign-me').click();
    const full = agent.getByTestId('agent-full-error');
    await expect.poll(() => full.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => agent.getByTestId('assign-me').getAttribute('class'), { timeout: 10_000 }).not.toMatch(/loading/);
    expect(await full.count()).toBe(1);

    // ── …and changing a 接待上限 in the agents table says so once (Enter, then the field loses focus) ──
    await agent.goto(`${server.url}/admin/agents`);
    const maxInput = agent.getByTestId('agent-max-input').first();
    await maxInput.fill('3');
    await maxInput.press('Enter');
    const changed = agent.locator('.ant-message-notice', { hasText: '接待上限改为' });
    await expect.poll(() => changed.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await agent.locator('h1').first().click();
    await expect.poll(async () => (await api('GET', '/api/v1/agents')).agents.find((x: { id: number }) => x.id === me.id).maxConcurrent, { timeout: 10_000 }).toBe(3);
    await expect.poll(() => agent.getByTestId('agent-max-input').first().isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await changed.count()).toBe(1);
    await agent.goto(`${server.url}/conversations/${convB}`);

    // ── 超时提醒: one alert per conversation, out of the way, closed once answered ──
    // room again: the queue hands the waiting conversation over
    await api('PATCH', `/api/v1/agents/${me.id}`, { maxConcurrent: 5 });
    await expect.poll(async () => (await api('GET', `/api/v1/conversations/${convB}`)).assigneeId, { timeout: 10_000 }).toBe(me.id);
    const c = await customer();
    const convC = await conversationOf(c, '请问能开发票吗');
    await api('POST', `/api/v1/conversations/${convC}/assign`, { assigneeId: me.id, force: true });
    await say(b, convB, '有人吗？');
    await say(c, convC, '在吗？');
    await say(c, convC, '急用，麻烦快点');
    const alerts = agent.getByTestId('alert-notification');
    await expect.poll(() => alerts.count(), { timeout: 40_000 }).toBeGreaterThan(0);
    // one per conversation, however many messages wait
    const ids = await alerts.evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id === String(convB) || id === String(convC))).toBe(true);
    // out of the way: neither over the contact panel nor over the composer
    const panel = await box(agent.getByTestId('contact-panel'));
    const composer = await box(agent.locator('.composer'));
    for (const a of await alerts.all()) {
      const ab = await box(a);
      expect(overlaps(ab, panel)).toBe(false);
      expect(overlaps(ab, composer)).toBe(false);
    }
    await agent.screenshot({ path: path.join(os.tmpdir(), 'zhike-console-alerts.png') });
    // answered (here from another tab, through the API): its alert closes
    const first = Number(ids[0]);
    await api('POST', `/api/v1/conversations/${first}/messages`, { content: '您好，久等了。' });
    await expect.poll(() => agent.locator(`[data-testid="alert-notification"][data-conversation-id="${first}"]`).count(), { timeout: 15_000 }).toBe(0);

    // ── the composer's emoji button: pick one, it goes in at the cursor, and is sent ──
    const input = agent.getByTestId('reply-input');
    await input.fill('马上为您处理');
    await agent.getByTestId('emoji-button').click();
    await agent.getByTestId('emoji-picker').waitFor();
    await agent.getByTestId('emoji-picker').getByRole('menuitem', { name: '👍' }).click();
    await expect.poll(() => input.inputValue()).toBe('马上为您处理👍');
    await input.press('Enter');
    await expect.poll(() => agent.getByTestId('message-text').allTextContents(), { timeout: 15_000 }).toContain('马上为您处理👍');
  });
});
