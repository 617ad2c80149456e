import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/reports/types.js';
import { seriousAxe } from '../helpers/axe.js';
import { logIn } from '../helpers/browser.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { consolePages, useServerAndBrowser } from '../helpers/suite.js';
import { fillReportsWorkspace } from '../../bench/reports.js';
import { ROLLUP_CONSUMER } from '../../src/reports/rollup.js';
import { instantOf } from '../../src/core/calendar/business-hours.js';
import { openDb } from '../../src/storage/db.js';

const TZ = 'Asia/Shanghai';

/** What seedMonth made, for the test to compare the reports with. */
interface Seeded {
  conversations: number;
  /** Ratings given, by score (1–5). */
  ratings: Record<number, number>;
}

/**
 * The data the reports read, made through the public API as customers and agents would: per
 * conversation a widget contact writes, the admin answers, most are resolved (结束会话) and some
 * rated (scores cycling 5, 4, 5, 3, 1…). The API stamps them now: they fall in the last 30 days.
 * (Spreading them over the month needs a way to date them back, which the API does not offer;
 * the range checks below hold either way.)
 */
async function seedMonth(server: ServerProcess, admin: string, count = 24): Promise<Seeded> {
  const [inbox] = (await server.json('GET', '/api/v1/inboxes', { token: admin })).body.inboxes;
  const scores = [5, 4, 5, 3, 1, 5, 2, 4];
  const ratings: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  for (let i = 0; i < count; i++) {
    const { contactToken } = (await server.json('POST', `/api/v1/widget/${inbox.token}/contacts`, { body: { name: `报表客户${i + 1}` } })).body;
    const conv = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations`, { contactToken, body: {} })).body;
    const said = await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/messages`, {
      contactToken,
      body: { content: `你好，我的订单 ${1000 + i} 还没发货`, clientMessageId: crypto.randomUUID() },
    });
    expect(said.status).toBe(201);
    const answered = await server.json('POST', `/api/v1/conversations/${conv.id}/messages`, {
      token: admin,
      body: { content: '您好，已为您催促仓库，今天发出。', private: false, clientMessageId: crypto.randomUUID() },
    });
    expect(answered.status).toBe(201);
    if (i % 4 === 3) continue; // a quarter stay open
    expect((await server.json('POST', `/api/v1/conversations/${conv.id}/status`, { token: admin, body: { status: 'resolved' } })).status).toBe(200);
    if (i % 2 === 1) continue; // half of the resolved ones are rated
    const score = scores[i % scores.length]!;
    let status = 0;
    for (let attempt = 0; attempt < 60 && status !== 200 && status !== 201; attempt++) {
      // the rating request follows the end of the conversation a moment later
      if (attempt > 0) await new Promise((r) => setTimeout(r, 250));
      status = (await server.json('POST', `/api/v1/widget/${inbox.token}/conversations/${conv.id}/rating`, { contactToken, body: { score } })).status;
    }
    expect(status).toBeOneOf([200, 201]);
    ratings[score]!++;
  }
  return { conversations: count, ratings };
}

/**
 * A month of history in the server's own (embedded) database: the server is stopped, the month is
 * written (conversations whose starts spread from an hour into the range to an hour ago), and the
 * server started again. Returns what the reports should count.
 */
async function seedHistory(server: ServerProcess, range: { from: string }): Promise<Seeded> {
  await server.stop();
  const db = await openDb({ dataDir: server.dataDir! });
  try {
    const [{ ws, inbox }] = await db.query(`SELECT w.id AS ws, (SELECT min(id) FROM inboxes WHERE workspace_id = w.id) AS inbox FROM workspaces w ORDER BY w.id LIMIT 1`);
    const start = new Date(instantOf(range.from, 60, TZ));
    const seconds = (Date.now() - 3_600_000 - start.getTime()) / 1000;
    const [{ last }] = await db.query(`SELECT coalesce(max(id), 0) AS last FROM events`);
    const made = await fillReportsWorkspace(db, Number(ws), Number(inbox), 3000, { start, seconds });
    // the month was in the log before today's consumers began (transaction 1: older than any snapshot they
    // hold), so the bot, routing and 满意度 leave it alone; the reports' consumer starts again from the
    // beginning of the log, as a new version of the definitions would, and folds it
    await db.query(`UPDATE events SET tx = '1' WHERE id > $1`, [last]);
    await db.query(`DELETE FROM consumers WHERE name = $1`, [ROLLUP_CONSUMER]);
    const ratings: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
    for (const r of await db.query(`SELECT (data->>'score')::int AS score, count(*)::int AS n FROM events WHERE type = 'csat.rated' GROUP BY 1`)) ratings[r.score] = r.n;
    return { conversations: made.conversations, ratings };
  } finally {
    await db.close();
    await server.start();
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Today in TZ, and 29 days before: the console's default range (近30天). */
function last30Days(): { from: string; to: string } {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const from = new Date(Date.UTC(y, m - 1, d - 29));
  return { from: `${from.getUTCFullYear()}-${pad(from.getUTCMonth() + 1)}-${pad(from.getUTCDate())}`, to: today };
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF or LF); a leading BOM dropped. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => r.some((c) => c !== ''));
}

/**
 * 报表 in Chromium against the real server: a month of conversations is seeded through the API;
 * the admin opens /reports (概览, the last 30 days in the browser's time zone), the charts draw
 * (the page says when, and how long it took since navigation began), the conversations figure
 * equals what was seeded; the CSV of by_time sums to the API's; 质量 shows the CSAT
 * distribution; a refused report says so; a 质检员 sees 质量 only, without exports.
 */
describe('browser: 报表', () => {
  const { server, browser } = useServerAndBrowser('reports');

  const newPage = consolePages(browser, { acceptDownloads: true });

  let admin: string;
  let seeded: Seeded;
  let page: Page;
  const range = last30Days();
  const report = async (kind: string, token = admin): Promise<{ status: number; body: Report }> =>
    server.json('GET', `/api/v1/reports/${kind}?from=${range.from}&to=${range.to}&tz=${encodeURIComponent(TZ)}&lang=zh-CN`, { token });

  it('seeds a month of conversations; the overview counts them', { timeout: 180_000 }, async () => {
    // the month behind: 300 conversations spread over the 30 days, written into the stopped server's database
    // with their events as the app writes them (bench/reports.ts), which the rollup consumer reads after the restart
    const history = await seedHistory(server, range);
    admin = await server.login();
    seeded = await seedMonth(server, admin);
    seeded.conversations += history.conversations;
    for (const [score, n] of Object.entries(history.ratings)) seeded.ratings[Number(score)]! += n;
    // the rollups follow the event log a moment behind
    await expect
      .poll(async () => (await report('overview')).body?.totals?.find((f) => f.key === 'conversations')?.value, { timeout: 30_000, interval: 250 })
      .toBe(seeded.conversations);
  });

  it('opens 报表: the overview’s charts draw, its conversations equal the seeded ones; the paint time', { timeout: 90_000 }, async () => {
    page = await newPage();
    await logIn(page, server.url);
    expect(await page.getByTestId('nav-reports').textContent()).toBe('报表');
    // a navigation of its own: performance.now() counts from it
    await page.goto(`${server.url}/reports`);
    await page.locator('[data-zk="reports-ready"]').waitFor({ timeout: 30_000 });
    const paintMs = await page.evaluate(() => (globalThis as unknown as { __zhikeReportsPaintMs?: number }).__zhikeReportsPaintMs);
    expect(typeof paintMs).toBe('number');
    console.log(`reports paint: ${paintMs} ms`);

    // the default: 近30天 in the browser's zone, shown
    expect(await page.getByTestId('reports-from').inputValue()).toBe(range.from);
    expect(await page.getByTestId('reports-to').inputValue()).toBe(range.to);
    expect(await page.getByTestId('reports-preset-30').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('reports-page').textContent()).toContain(`时区：${TZ}`);
    expect(await page.getByRole('tab').allTextContents()).toEqual(['概览', '服务', '质量', '投诉', '访客', '坐席']);

    // the figure
    const figure = page.locator('[data-testid="reports-figure"][data-key="conversations"]');
    expect(await figure.getAttribute('data-value')).toBe(String(seeded.conversations));
    expect(await figure.locator('dd').textContent()).toBe(String(seeded.conversations));

    // a chart drew on its canvas (pixels), and says what it shows
    const chart = page.locator('[data-table="by_time"] [data-testid="reports-chart"]');
    const drawn = await chart.locator('canvas').evaluate((c) => {
      const canvas = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return { width: canvas.width, height: canvas.height, painted };
    });
    expect(drawn.width).toBeGreaterThan(100);
    expect(drawn.painted).toBeGreaterThan(500);
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toContain(`合计 ${seeded.conversations}`);
    expect(await page.locator('[data-table="by_channel"] [data-testid="reports-chart"] canvas').count()).toBe(1);
    expect(await seriousAxe(page, '[data-testid="reports-page"]')).toEqual([]);
  });

  it('exports by_time as CSV: its conversations sum to the API’s', { timeout: 60_000 }, async () => {
    const api = (await report('overview')).body;
    const byTime = api.tables.find((t) => t.id === 'by_time')!;
    const apiSum = byTime.rows.reduce((n, r) => n + Number(r.conversations ?? 0), 0);
    expect(apiSum).toBe(seeded.conversations);
    // a month, not a day: conversations on (nearly) every day of the range
    expect(byTime.rows.filter((r) => Number(r.conversations) > 0).length).toBeGreaterThanOrEqual(28);

    const [request, download] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/api/v1/reports/overview?') && r.url().includes('format=csv')),
      page.waitForEvent('download'),
      page.locator('[data-table="by_time"] [data-testid="reports-export-csv"]').click(),
    ]);
    const url = new URL(request.url());
    expect(url.searchParams.get('chart')).toBe('by_time');
    expect(url.searchParams.get('from')).toBe(range.from);
    expect(url.searchParams.get('tz')).toBe(TZ);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const rows = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    const label = byTime.columns.find((c) => c.key === 'conversations')!.label;
    const col = rows[0]!.findIndex((h) => h.trim() === label || h.trim() === 'conversations');
    expect(col, `a column ${label} in ${rows[0]!.join(',')}`).toBeGreaterThan(-1);
    // bucket rows only (a total row, if any, would count twice)
    const csvSum = rows
      .slice(1)
      .filter((r) => /^\d{4}-\d{2}-\d{2}/.test(r[0]!.trim()))
      .reduce((n, r) => n + Number(r[col]), 0);
    expect(csvSum).toBe(apiSum);
  });

  it('质量 shows the CSAT distribution: five scores, the ratings given', { timeout: 60_000 }, async () => {
    await page.getByTestId('reports-tab-quality').click();
    await page.locator('[data-testid="reports-report"][data-kind="quality"]').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('tab')).toBe('quality');
    const api = (await report('quality')).body;
    const dist = api.tables.find((t) => t.id === 'csat_distribution')!;
    expect(dist.rows).toHaveLength(5);
    expect(dist.rows.map((r) => Number(r.ratings))).toEqual([5, 4, 3, 2, 1].map((s) => seeded.ratings[s]));

    const section = page.locator('[data-table="csat_distribution"]');
    await section.getByTestId('reports-chart').locator('canvas').waitFor();
    const described = await section.getByTestId('reports-chart').getAttribute('aria-label');
    const given = Object.values(seeded.ratings).reduce((a, b) => a + b, 0);
    expect(described).toContain(`合计 ${given}`);
    // the figures, as a table for screen readers
    const rows = section.locator('[data-testid="reports-data"] tbody tr');
    expect(await rows.count()).toBe(5);
    const texts = await rows.allTextContents();
    dist.rows.forEach((r, i) => {
      expect(texts[i]).toContain(String(r.label));
      expect(texts[i]).toContain(String(r.ratings));
    });
    const ratings = page.locator('[data-testid="reports-figure"][data-key="ratings"]');
    expect(await ratings.getAttribute('data-value')).toBe(String(given));
    expect(await seriousAxe(page, '[data-testid="reports-page"]')).toEqual([]);
  });

  it('服务 formats durations; a report the server refuses says there is no permission', { timeout: 60_000 }, async () => {
    await page.getByTestId('reports-tab-service').click();
    await page.locator('[data-testid="reports-report"][data-kind="service"]').waitFor({ timeout: 30_000 });
    await page.locator('#rpt-sl').waitFor();
    // the agent answered within seconds: a median like 3秒 or 1分05秒, never a bare number
    const median = await page.locator('[data-testid="reports-figure"][data-key="first_response_median"] dd').textContent();
    expect(median).toMatch(/^(—|\d+秒|\d+分\d{2}秒|\d+小时\d{2}分)$/);
    await page.locator('[data-table="by_agent"] [data-testid="reports-entity-table"]').waitFor();
    expect(await seriousAxe(page, '[data-testid="reports-page"]')).toEqual([]);

    await page.route('**/api/v1/reports/complaints?**', (route) =>
      route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error: { code: 'forbidden', message: 'forbidden' } }) }),
    );
    await page.getByTestId('reports-tab-complaints').click();
    const refused = page.getByTestId('reports-forbidden');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('您没有查看此报表的权限。');
    await page.unroute('**/api/v1/reports/complaints?**');
  });

  it('a 质检员 sees 质量 only, without exports', { timeout: 60_000 }, async () => {
    const qa = { email: 'qa@shop.test', name: '质检员小周', password: 'qa-pass-12345', role: 'qa' };
    expect((await server.json('POST', '/api/v1/agents', { token: admin, body: qa })).status).toBe(201);
    const qaPage = await newPage();
    await logIn(qaPage, server.url, qa.email, qa.password);
    await qaPage.getByTestId('nav-reports').click();
    await qaPage.locator('[data-testid="reports-report"][data-kind="quality"]').waitFor({ timeout: 30_000 });
    expect(await qaPage.getByRole('tab').allTextContents()).toEqual(['质量']);
    expect(await qaPage.getByTestId('reports-export-csv').count()).toBe(0);
    expect(await qaPage.getByTestId('reports-export-all-csv').count()).toBe(0);
  });
});
