import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { logIn } from '../helpers/browser.js';
import { consolePages, useServerAndBrowser } from '../helpers/suite.js';

/**
 * 工单与投诉 as a team lives it, in Chromium (docs/tickets.md, METHOD.md §4 and §6): an angry
 * customer's conversation is turned into a complaint by the agent 小王, who walks the six steps,
 * offers a compensation within the limit and promises a call back; the promise's reminder comes
 * as a live alert; the customer confirms in the widget and 小王 solves it; the supervisor 老周
 * sees it on the 投诉看板. One server for the file; the steps run in order on shared state.
 */
describe('browser: 工单与投诉', () => {
  const { server, browser } = useServerAndBrowser('tickets');

  let admin = '';
  let inboxToken = '';
  let contactToken = '';
  let conversationId = 0;
  let ticketId = 0;
  let agentId = 0;
  let agentPage: Page;

  const api = async (method: string, url: string, body?: unknown, token = admin) => {
    const r = await server.json(method, url, { token, body });
    if (r.status >= 400) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const newPage = consolePages(browser);
  /** An antd Select: open it, pick the option carrying the test id. */
  const choose = async (page: Page, select: string, option: string) => {
    await page.getByTestId(select).click();
    await page.getByTestId(option).click();
  };
  const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

  it('小王 turns the angry conversation into a complaint (转投诉) and lands on the ticket', { timeout: 120_000 }, async () => {
    admin = await server.login();
    await api('POST', '/api/v1/agents', { email: 'laozhou@shop.test', name: '老周', password: 'agent-pass-123', role: 'supervisor' });
    const agent = await api('POST', '/api/v1/agents', { email: 'xiaowang@shop.test', name: '小王', password: 'agent-pass-123', agentNo: '1024' });
    agentId = agent.id;
    const [inbox] = (await api('GET', '/api/v1/inboxes')).inboxes;
    inboxToken = inbox.token;
    contactToken = (await server.json('POST', `/api/v1/widget/${inboxToken}/contacts`, { body: { name: '张先生' } })).body.contactToken as string;
    const conv = (await server.json('POST', `/api/v1/widget/${inboxToken}/conversations`, { contactToken, body: {} })).body;
    conversationId = conv.id;
    for (const content of ['你们这什么破服务！我要投诉！退款！', '快递丢了三天没人管，客服电话一直打不通！']) {
      const said = await server.json('POST', `/api/v1/widget/${inboxToken}/conversations/${conv.id}/messages`, { contactToken, body: { content, clientMessageId: crypto.randomUUID() } });
      expect(said.status).toBe(201);
    }
    await api('POST', `/api/v1/conversations/${conv.id}/assign`, { assigneeId: agentId, force: true });

    agentPage = await newPage();
    await logIn(agentPage, server.url, 'xiaowang@shop.test', 'agent-pass-123');
    await agentPage.getByTestId('conv-tab-all').click();
    await agentPage.getByTestId('conv-item').filter({ hasText: '张先生' }).first().click();
    await agentPage.getByTestId('message').filter({ hasText: '我要投诉' }).first().waitFor();
    expect(await text(agentPage, 'conv-to-ticket')).toBe('转工单');
    expect(await text(agentPage, 'conv-to-complaint')).toBe('转投诉');
    await agentPage.getByTestId('conv-to-complaint').click();

    await agentPage.waitForURL(/\/tickets\/\d+$/, { timeout: 15_000 });
    ticketId = Number(new URL(agentPage.url()).pathname.split('/').pop());
    const detail = agentPage.getByTestId('ticket-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-type')).toBe('complaint');
    expect(await text(agentPage, 'ticket-type')).toBe('投诉');
    expect(await text(agentPage, 'ticket-subject')).toContain('你们这什么破服务');
    expect(await text(agentPage, 'ticket-status-tag')).toBe('待受理');
    // the conversation it came from is linked, and the ticket is 小王's
    expect(await agentPage.getByTestId('ticket-conversation').getAttribute('data-conversation-id')).toBe(String(conversationId));
    const stored = await api('GET', `/api/v1/tickets/${ticketId}`);
    expect(stored.assigneeId).toBe(agentId);
    expect(stored.conversationIds).toEqual([conversationId]);
    // the SLA: the complaint's first reply clock is running
    expect(await text(agentPage, 'ticket-sla')).toMatch(/首次响应 .* 到期/);
  });

  it('records the six steps in order, with the checklist and coaching of each, one with a note', { timeout: 90_000 }, async () => {
    const panel = agentPage.getByTestId('complaint-panel');
    await panel.waitFor();
    const guide = agentPage.getByTestId('complaint-guide');
    expect(await guide.getAttribute('data-step')).toBe('accept');
    expect(await text(agentPage, 'complaint-checklist')).toContain('立即受理，不推诿、不拖延');
    expect(await text(agentPage, 'complaint-coaching')).toContain('非常抱歉给您带来了不好的体验');
    const steps: [string, string][] = [
      ['accept', '接受'],
      ['calm', '平息怒气'],
      ['clarify', '澄清问题'],
      ['explore', '探讨解决'],
      ['act', '采取行动'],
      ['thank', '感谢客户'],
    ];
    for (const [step, name] of steps) {
      await expect.poll(() => guide.getAttribute('data-step')).toBe(step);
      expect(await text(agentPage, 'complaint-next')).toBe(`下一步：${name}`);
      if (step === 'clarify') await agentPage.getByTestId('complaint-step-note').fill('客户的快递丢失三天，要求退款');
      await agentPage.getByTestId('complaint-step-done').click();
      const done = agentPage.locator(`[data-testid="complaint-step"][data-step="${step}"]`);
      await expect.poll(() => done.getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
      expect(await done.textContent()).toContain(name);
      expect(await done.getByTestId('complaint-step-by').textContent()).toContain('小王');
    }
    expect(await text(agentPage, 'complaint-next')).toBe('六步已全部完成');
    expect(await agentPage.locator('[data-testid="complaint-step"][data-step="clarify"]').textContent()).toContain('备注：客户的快递丢失三天，要求退款');
    expect(await agentPage.getByTestId('complaint-guide').count()).toBe(0);
    const stored = await api('GET', `/api/v1/tickets/${ticketId}`);
    expect(stored.complaint.steps.map((s: { step: string }) => s.step)).toEqual(steps.map(([s]) => s));
    expect(stored.complaint.nextStep).toBeNull();
  });

  it('classifies the complaint and offers a compensation within the limit (approved at once)', { timeout: 60_000 }, async () => {
    // the conversation's suggestion (建议), applied with one click, when it suggests anything
    const suggested = await server.json('GET', `/api/v1/tickets/${ticketId}/suggestion`, { token: admin });
    expect(suggested.status).toBe(200);
    const values = Object.entries(suggested.body.classification as Record<string, string | null>).filter(([k, v]) => k !== 'source' && v !== null);
    if (values.length) {
      const box = agentPage.getByTestId('complaint-suggestion');
      await box.waitFor();
      expect(await box.textContent()).toContain('建议');
      await agentPage.getByTestId('complaint-suggestion-apply').click();
      await expect.poll(async () => (await api('GET', `/api/v1/tickets/${ticketId}`)).complaint.classification).toMatchObject(Object.fromEntries(values));
    }
    await choose(agentPage, 'classification-reason', 'classification-reason-service');
    await expect.poll(async () => (await api('GET', `/api/v1/tickets/${ticketId}`)).complaint.classification.reason).toBe('service');
    await choose(agentPage, 'classification-topic', 'classification-topic-response_speed');
    await expect.poll(async () => (await api('GET', `/api/v1/tickets/${ticketId}`)).complaint.classification.topic).toBe('response_speed');
    await choose(agentPage, 'classification-behaviour', 'classification-behaviour-noisy');
    await expect.poll(async () => (await api('GET', `/api/v1/tickets/${ticketId}`)).complaint.classification.behaviour).toBe('noisy');
    expect(await text(agentPage, 'classification-reason')).toContain('服务不佳');

    await agentPage.getByTestId('comp-kind').fill('优惠券');
    await agentPage.getByTestId('comp-amount').fill('50');
    await agentPage.getByTestId('comp-submit').click();
    const row = agentPage.getByTestId('comp-row').first();
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('approved');
    const shown = (await row.textContent()) ?? '';
    expect(shown).toContain('优惠券 · 50 元');
    expect(shown).toContain('已批准');
    expect(shown).toContain('小王');
    // within the agent's limit: no 审批 button for anyone to press
    expect(await row.getByTestId('comp-approve').count()).toBe(0);
  });

  it('solving before the customer confirms is refused, and says why', { timeout: 60_000 }, async () => {
    await agentPage.getByTestId('ticket-solve').click();
    // the page knows the customer has not confirmed: it asks for the reason first
    const reason = agentPage.getByTestId('ticket-reason-input');
    await reason.waitFor();
    expect(await agentPage.getByRole('dialog').textContent()).toContain('客户尚未在咨询窗口确认问题已解决');
    await agentPage.getByTestId('ticket-reason-submit').click();
    expect(await agentPage.getByRole('dialog').textContent()).toContain('请填写原因');
    await agentPage.getByRole('dialog').getByRole('button', { name: /取\s*消/ }).click();
    await reason.waitFor({ state: 'hidden' });
    // the server refuses too
    const refused = await server.json('PATCH', `/api/v1/tickets/${ticketId}`, { token: admin, body: { status: 'solved' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('confirmation_required');
    expect(await text(agentPage, 'ticket-confirmation')).toBe('客户尚未确认解决');
    expect(await text(agentPage, 'ticket-status-tag')).toBe('待受理');
  });

  it('a promise made 20 s ahead is reminded as a live alert (承诺回复提醒) and marked kept (已兑现)', { timeout: 90_000 }, async () => {
    const due = await agentPage.evaluate(() => {
      const d = new Date(Date.now() + 20_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    });
    await agentPage.getByTestId('promise-due').fill(due);
    await agentPage.getByTestId('promise-note').fill('15:00 前回电');
    await agentPage.getByTestId('promise-submit').click();
    const promise = agentPage.getByTestId('promise-row').first();
    await promise.waitFor();
    expect(await promise.textContent()).toContain('15:00 前回电');
    expect(await promise.getAttribute('data-outcome')).toBe('open');
    expect(await promise.textContent()).toContain('待兑现');

    // reminded at half the time left (10 s) when less than 30 minutes ahead
    const alert = agentPage.getByTestId('ticket-alert').filter({ hasText: '承诺' });
    await alert.waitFor({ timeout: 18_000 });
    const said = (await alert.textContent()) ?? '';
    expect(said).toContain('承诺回复提醒');
    expect(said).toContain('15:00 前回电');
    expect(said).toContain(`工单 #${ticketId}`);
    expect(await alert.getAttribute('data-event')).toBe('promise.reminder');
    await alert.getByTestId('ticket-alert-open').click();
    await alert.waitFor({ state: 'hidden' });
    expect(new URL(agentPage.url()).pathname).toBe(`/tickets/${ticketId}`);

    // kept in time
    await agentPage.getByTestId('promise-keep').first().click();
    await expect.poll(() => agentPage.getByTestId('promise-row').first().getAttribute('data-outcome'), { timeout: 10_000 }).toBe('kept');
    expect(await agentPage.getByTestId('promise-row').first().textContent()).toContain('已兑现');
  });

  it('the reply composer says the customer is offline: a public reply waits in the widget conversation', { timeout: 60_000 }, async () => {
    await agentPage.getByTestId('comment-mode-public').click();
    const presence = agentPage.getByTestId('contact-presence');
    expect(await presence.textContent()).toContain('客户不在线');
    await agentPage.getByTestId('comment-input').fill('张先生您好，退款已为您办理，预计 1-3 个工作日到账。');
    await agentPage.getByTestId('comment-submit').click();
    const reply = agentPage.locator('[data-testid="ticket-comment"][data-public="true"]').first();
    await reply.waitFor();
    expect(await reply.textContent()).toContain('退款已为您办理');
    expect(await reply.textContent()).toContain('公开回复');
    // it reached the customer's conversation
    const history = (await server.json('GET', `/api/v1/widget/${inboxToken}/conversations/${conversationId}/messages`, { contactToken })).body;
    expect(JSON.stringify(history)).toContain('退款已为您办理');
  });

  it('the customer confirms in the widget, and 小王 solves the complaint (已解决)', { timeout: 60_000 }, async () => {
    // the customer comes back to the shop: the widget (their contact and conversation remembered, as it stores them) shows 我的工单
    const customer = await newPage();
    type WithStorage = { localStorage: { setItem(key: string, value: string): void } };
    await customer.addInitScript(([key, saved]) => (globalThis as unknown as WithStorage).localStorage.setItem(key, saved), [`zhike:${inboxToken}`, JSON.stringify({ contact: contactToken, conv: conversationId })] as const);
    await customer.goto(`${server.url}/demo`);
    await customer.locator('[data-zk="launcher"]').click();
    const mine = customer.locator('[data-zk="tickets"]');
    await mine.waitFor({ timeout: 15_000 });
    expect((await mine.textContent())?.trim()).toBe('我的工单');
    await mine.click();
    const card = customer.locator(`[data-zk="ticket"][data-ticket-id="${ticketId}"]`);
    await card.waitFor();
    const shown = (await card.textContent()) ?? '';
    expect(shown).toContain(`工单 #${ticketId}`);
    expect(shown).toContain('你们这什么破服务');
    expect(shown).toContain('退款已为您办理'); // the public reply
    expect(shown).not.toContain('客户的快递丢失三天'); // never a step note or an internal comment
    expect((await card.locator('[data-zk="ticket-status"]').textContent())?.trim()).toBe('处理中');
    await card.locator('[data-zk="ticket-confirm"]').click();
    await card.locator('[data-zk="ticket-confirmed"]').waitFor({ timeout: 10_000 });
    expect((await card.textContent()) ?? '').toContain('您已确认问题解决');
    expect(await card.locator('[data-zk="ticket-confirm"]').count()).toBe(0);
    // back to the chat, where the reply also waits as a message
    await customer.locator('[data-zk="tickets-back"]').click();
    await customer.locator('[data-zk="message"]').filter({ hasText: '退款已为您办理' }).first().waitFor({ timeout: 10_000 });

    await agentPage.getByTestId('ticket-refresh').click();
    await expect.poll(() => text(agentPage, 'ticket-confirmation'), { timeout: 10_000 }).toMatch(/^客户已于 .* 确认问题已解决$/);
    await agentPage.getByTestId('ticket-solve').click();
    await expect.poll(() => text(agentPage, 'ticket-status-tag'), { timeout: 10_000 }).toBe('已解决');
    expect(await agentPage.getByTestId('ticket-confirmation-required').count()).toBe(0);
    const stored = await api('GET', `/api/v1/tickets/${ticketId}`);
    expect(stored.status).toBe('solved');
    expect(stored.confirmedAt).not.toBeNull();
  });

  it('老周 sees it on the 投诉看板: steps done, classification, source, SLA, confirmation, and a regulator complaint’s deadline', { timeout: 90_000 }, async () => {
    // a 12315 notice came in 10 days ago: a regulator complaint with 5 of its 15 days left
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const noticeDate = new Date(Date.parse(`${local}T00:00:00Z`) - 10 * 86_400_000).toISOString().slice(0, 10);
    const { contactId } = await api('GET', `/api/v1/tickets/${ticketId}`);
    const regulator = await api('POST', '/api/v1/tickets', { contactId, subject: '12315 转办：快递丢失未赔付', type: 'complaint', source: 'regulator', noticeDate, assigneeId: agentId });

    const lead = await newPage();
    await logIn(lead, server.url, 'laozhou@shop.test', 'agent-pass-123');
    await lead.getByTestId('nav-tickets').click();
    await lead.waitForURL(`${server.url}/tickets`);
    const listed = lead.locator(`[data-testid="ticket-row"][data-ticket-id="${ticketId}"]`);
    await listed.waitFor();
    expect(await listed.getByTestId('ticket-row-type').textContent()).toBe('投诉');

    await lead.getByTestId('tickets-tab-board').click();
    await lead.waitForURL(`${server.url}/tickets/complaints`);
    await lead.getByTestId('board-scope-all').click();
    const row = lead.locator(`[data-testid="board-row"][data-ticket-id="${ticketId}"]`);
    await row.waitFor();
    expect((await row.getByTestId('board-subject').textContent())?.trim()).toContain('你们这什么破服务');
    expect(await row.getByTestId('board-step').getAttribute('data-step')).toBe('done');
    expect((await row.getByTestId('board-step').textContent())?.trim()).toBe('六步完成');
    const classification = (await row.getByTestId('board-classification').textContent()) ?? '';
    for (const label of ['服务不佳', '响应速度', '吵闹型']) expect(classification).toContain(label);
    expect((await row.getByTestId('board-source').textContent())?.trim()).toBe('消费者投诉');
    // no breach: the first reply was made in time, and solving stops every clock
    const sla = row.getByTestId('ticket-sla');
    expect(await sla.getAttribute('data-breached')).toBe('false');
    expect((await sla.textContent())?.trim()).toMatch(/^(已达成|解决时长 .* 到期)$/);
    expect(await row.getByTestId('board-abnormal').count()).toBe(0);
    // the customer's confirmation (the widget's button) and the solved status
    expect((await row.getByTestId('board-confirmed').textContent())?.trim()).toBe('已确认');
    expect((await row.getByTestId('ticket-status-tag').textContent())?.trim()).toBe('已解决');
    expect((await sla.textContent())?.trim()).toBe('已达成');

    // the regulator complaint: its source, and its deadline with the days left
    const notice = lead.locator(`[data-testid="board-row"][data-ticket-id="${regulator.id}"]`);
    await notice.waitFor();
    expect((await notice.getByTestId('board-source').textContent())?.trim()).toBe('监管投诉');
    const deadline = notice.getByTestId('complaint-deadline');
    expect(await deadline.getAttribute('data-days-left')).toBe('5');
    expect((await deadline.textContent()) ?? '').toContain('还剩 5 天');
    expect((await deadline.textContent()) ?? '').toContain('申诉期');
    expect((await notice.getByTestId('board-step').textContent())?.trim()).toContain('接受');

    // the row opens the ticket, read-only for the steps: all six shown with who did them
    await row.click();
    await lead.waitForURL(`${server.url}/tickets/${ticketId}`);
    await lead.getByTestId('complaint-panel').waitFor();
    expect(await lead.locator('[data-testid="complaint-step"][data-state="done"]').count()).toBe(6);
    // and its 动态, from the event log: who did what, the customer's confirmation included
    const log = lead.getByTestId('ticket-activity');
    await log.getByTestId('activity-entry').first().waitFor();
    const logged = (await log.textContent()) ?? '';
    for (const words of ['小王 创建了工单', '完成步骤：接受', '完成步骤：感谢客户', '申请服务补偿：优惠券 50 元', '状态：待受理 → 处理中', '张先生 确认问题已解决', '状态：处理中 → 已解决']) {
      expect(logged).toContain(words);
    }
  });
});
