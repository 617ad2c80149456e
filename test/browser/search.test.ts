import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousAxe } from '../helpers/axe.js';
import { logIn } from '../helpers/browser.js';
import { consolePages, useServerAndBrowser } from '../helpers/suite.js';

const REFUND = '我想申请退款，订单号 A2026-1130-0042';
/** Replies after the refund request: enough that it is not on the conversation's newest page of 50. */
const FOLLOW_UPS = 60;

/**
 * 搜索 as an agent lives it, in Chromium against the real server: a visitor writes in the widget
 * (/demo), among others 我想申请退款，订单号 A2026-1130-0042; a long exchange follows. The agent
 * opens 搜索 in the console's top bar, types 退款 and sees the message with 退款 marked (and the
 * colleague's 内部备注 about it, tagged), opens it by keyboard, and the conversation shows at that
 * message, far back, brought into view and highlighted. The order number typed as digits finds it
 * too, the customer is found as a contact by phone, a filter or words nothing holds show
 * 没有找到相关内容, and axe finds nothing serious. The server indexes messages in the background:
 * the test waits for the index (polling the API) rather than sleeping.
 */
describe('browser: 搜索', () => {
  const { server, browser } = useServerAndBrowser('search');

  const newPage = consolePages(browser);
  const zk = (page: Page, hook: string) => page.locator(`[data-zk="${hook}"]`);

  it('finds the refund request by 退款 and by the order number, opens the conversation at it; contacts, filters, no hits, axe', { timeout: 180_000 }, async () => {
    const admin = await server.login();

    // the visitor writes three messages in the widget
    const visitor = await newPage();
    await visitor.goto(`${server.url}/demo`);
    await zk(visitor, 'launcher').click();
    const said = ['你好，在吗？', REFUND, '收到的杯子有裂痕，包装也破了'];
    for (const [i, text] of said.entries()) {
      await zk(visitor, 'input').fill(text);
      await zk(visitor, 'input').press('Enter');
      await expect.poll(() => visitor.locator('[data-zk="message"][data-sender="customer"][data-state="sent"]').count(), { timeout: 15_000 }).toBe(i + 1);
    }

    // the index has it (a background consumer): its conversation, message and seq
    let hit: { conversationId: number; messageId: number; seq: number } | undefined;
    await expect
      .poll(
        async () => {
          const r = await server.json('GET', `/api/v1/search?q=${encodeURIComponent('退款')}`, { token: admin });
          hit = r.body?.results?.find((x: { kind: string; excerpt: string }) => x.kind === 'message' && x.excerpt.includes('A2026-1130-0042'));
          return !!hit;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    const { conversationId, messageId, seq } = hit!;

    // a long exchange follows (the refund request is no longer on the newest page), a colleague's note
    // about it, and the customer's name and phone
    for (let n = 1; n <= FOLLOW_UPS; n++) {
      const r = await server.json('POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: admin,
        body: { content: `已收到，正在为您核实（${n}）`, private: false, clientMessageId: crypto.randomUUID() },
      });
      expect(r.status).toBe(201);
    }
    const note = await server.json('POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: admin,
      body: { content: '客户要求退款到原支付账户，已报财务', private: true, clientMessageId: crypto.randomUUID() },
    });
    expect(note.status).toBe(201);
    const conv = await server.json('GET', `/api/v1/conversations/${conversationId}`, { token: admin });
    const patched = await server.json('PATCH', `/api/v1/contacts/${conv.body.contactId}`, { token: admin, body: { name: '王晓明', phone: '138 0013 8000' } });
    expect(patched.status).toBe(200);
    await expect
      .poll(async () => (await server.json('GET', `/api/v1/search?q=${encodeURIComponent('退款 财务')}`, { token: admin })).body?.results?.length ?? 0, { timeout: 30_000, interval: 250 })
      .toBe(1);

    // the agent: 工作台, then 搜索 from the top bar (named 搜索; "/" is its shortcut)
    const agent = await newPage();
    const scripts: string[] = [];
    agent.on('request', (r) => void (r.url().includes('/assets/') && scripts.push(new URL(r.url()).pathname)));
    await logIn(agent, server.url);
    expect(scripts.some((u) => u.includes('/SearchPage-')), 'search comes when opened, not with the first load').toBe(false);
    const open = agent.getByRole('button', { name: '搜索' });
    expect(await open.getAttribute('data-testid')).toBe('search-open');
    await agent.keyboard.press('/'); // no text field has the keyboard
    const panel = agent.getByTestId('search-panel');
    await panel.waitFor();
    expect(agent.url()).toBe(`${server.url}/search`);
    const input = agent.getByTestId('search-input');
    await expect.poll(() => input.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true);
    expect(await agent.getByRole('searchbox', { name: '搜索消息、内部备注和联系人' }).count()).toBe(1);
    expect(await panel.textContent()).toContain('输入关键词开始搜索。');

    // 退款: the customer's message with 退款 marked, and the note, tagged 内部备注
    await input.fill('退款');
    const result = agent.locator(`[data-testid="search-result"][data-message-id="${messageId}"]`);
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-conversation-id')).toBe(String(conversationId));
    expect(await result.getByTestId('search-excerpt').textContent()).toBe(REFUND);
    expect(await result.getByTestId('search-highlight').allTextContents()).toEqual(['退款']);
    expect(await result.locator('mark').count()).toBe(1);
    expect(await result.getByTestId('search-result-name').textContent()).toBe('王晓明');
    expect(await result.getByTestId('search-result-status').textContent()).toBe('进行中');
    expect(await result.getByTestId('search-private').count()).toBe(0);
    const noteResult = agent.locator('[data-testid="search-result"][data-private="true"]');
    await noteResult.waitFor();
    expect(await noteResult.getByTestId('search-private').textContent()).toBe('内部备注');
    expect(await noteResult.getByTestId('search-highlight').allTextContents()).toEqual(['退款']);
    expect(await agent.getByTestId('search-summary').textContent()).toBe('找到 2 条结果');
    expect(await seriousAxe(agent, '[data-testid="search-panel"]')).toEqual([]);

    // by keyboard: ↓ from the box to the results (newest first: the note, then the request), Enter opens it
    await input.focus();
    await agent.keyboard.press('ArrowDown');
    expect(await agent.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-private'))).toBe('true');
    await agent.keyboard.press('ArrowDown');
    expect(await agent.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-message-id'))).toBe(String(messageId));
    await agent.keyboard.press('Enter');
    await agent.waitForURL(`${server.url}/conversations/${conversationId}?at=${seq}`);

    // the conversation, at the message: older pages loaded until it is there, in view, highlighted and focused
    const target = agent.locator(`[data-testid="message"][data-seq="${seq}"]`);
    await expect.poll(() => target.getAttribute('data-highlighted'), { timeout: 15_000 }).toBe('true');
    expect(await agent.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-seq'))).toBe(String(seq));
    expect(await target.getByTestId('message-text').textContent()).toBe(REFUND);
    expect(await target.getAttribute('data-message-id')).toBe(String(messageId));
    expect(await agent.getByTestId('message').count()).toBeGreaterThan(50);
    const inView = () =>
      target.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const list = el.closest('[data-testid="message-list"]')!.getBoundingClientRect();
        return r.top >= list.top && r.bottom <= list.bottom;
      });
    await expect.poll(inView).toBe(true);
    // briefly: the highlight goes by itself
    await expect.poll(() => target.getAttribute('data-highlighted'), { timeout: 15_000 }).toBe(null);
    expect(await inView()).toBe(true);

    // back: the same search
    await agent.goBack();
    await panel.waitFor();
    expect(await input.inputValue()).toBe('退款');
    await result.waitFor();

    // the order number as digits finds the message, the number marked where it is written
    await input.fill('202611300042');
    const byNumber = agent.locator(`[data-testid="search-result"][data-message-id="${messageId}"]`);
    await expect.poll(() => agent.getByTestId('search-result').count(), { timeout: 15_000 }).toBe(1);
    await byNumber.waitFor();
    expect(await byNumber.getByTestId('search-highlight').allTextContents()).toEqual(['2026-1130-0042']);

    // the customer by phone, written without its spaces: a contact (联系人) that opens their conversation
    await input.fill('13800138000');
    const contact = agent.locator('[data-testid="search-result"][data-kind="contact"]');
    await contact.waitFor({ timeout: 15_000 });
    expect(await contact.getByTestId('search-contact-tag').textContent()).toBe('联系人');
    expect(await contact.getByTestId('search-result-name').textContent()).toBe('王晓明');
    expect(await contact.getAttribute('data-conversation-id')).toBe(String(conversationId));
    expect(await agent.getByTestId('search-result').count()).toBe(1);

    // 加载更多: the 60 replies, 20 at a time (the page's `next`); the keyboard goes on with the first new one
    await input.fill('核实');
    await expect.poll(() => agent.getByTestId('search-result').count(), { timeout: 15_000 }).toBe(20);
    await expect.poll(() => agent.getByTestId('search-summary').textContent()).toBe('已显示 20 条结果，还有更多');
    await agent.getByTestId('search-more').click();
    await expect.poll(() => agent.getByTestId('search-result').count(), { timeout: 15_000 }).toBe(40);
    await expect.poll(() => agent.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toContain('（40）');
    await agent.getByTestId('search-more').press('Enter');
    await expect.poll(() => agent.getByTestId('search-result').count(), { timeout: 15_000 }).toBe(FOLLOW_UPS);
    expect(await agent.getByTestId('search-more').count()).toBe(0);
    expect(await agent.getByTestId('search-summary').textContent()).toBe(`找到 ${FOLLOW_UPS} 条结果`);

    // a filter nothing passes: 没有找到相关内容; cleared, the result is back
    await input.fill('退款');
    await result.waitFor({ timeout: 15_000 });
    await agent.getByTestId('search-status').selectOption('resolved');
    const empty = agent.getByTestId('search-empty');
    await empty.waitFor({ timeout: 15_000 });
    expect(await empty.textContent()).toContain('没有找到相关内容');
    expect(await agent.getByTestId('search-result').count()).toBe(0);
    expect(agent.url()).toContain('status=resolved');
    await agent.getByTestId('search-clear').click();
    await result.waitFor({ timeout: 15_000 });

    // words nothing holds
    await input.fill('火星快递');
    await empty.waitFor({ timeout: 15_000 });
    expect(await empty.textContent()).toContain('没有找到相关内容');
    expect(await seriousAxe(agent, '[data-testid="search-panel"]')).toEqual([]);

    // a contact result opens its conversation (by mouse)
    await input.fill('王晓明');
    await contact.waitFor({ timeout: 15_000 });
    await contact.click();
    await agent.waitForURL(`${server.url}/conversations/${conversationId}`);
    await agent.getByTestId('message-list').waitFor();

    // in English
    await agent.getByTestId('lang-switch').click();
    await expect.poll(() => agent.getByTestId('search-open').textContent()).toContain('Search');
    await agent.getByTestId('search-open').click();
    await panel.waitFor();
    expect(await agent.getByRole('heading', { level: 1 }).textContent()).toBe('Search');
    await input.fill('火星快递');
    await expect.poll(() => agent.getByTestId('search-empty').textContent(), { timeout: 15_000 }).toContain('Nothing found');
  });
});
