import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../helpers/env.js';
import { freePort, ServerProcess } from '../helpers/server-process.js';

/** This machine's own address on a real interface (not loopback): what a colleague on the LAN would type. */
function lanAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no non-loopback IPv4 interface: the test needs one');
}

/**
 * The console over plain HTTP on an address other than localhost (Chromium treats
 * localhost as secure, any other http:// address not): it must render and log in.
 */
describe('browser: the console over plain HTTP on a LAN address', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-e2e-http-'));
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    server = new ServerProcess(await freePort(), { ZHIKE_DATA_DIR: dataDir, HOST: '0.0.0.0' });
    [, browser] = await Promise.all([server.start(180_000), launchBrowser()]); // a first start migrates: slow on a busy machine
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders the login form and logs in at http://<interface address>:<port>/', { timeout: 60_000 }, async () => {
    const url = `http://${lanAddress()}:${server.port}/`;
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    await page.goto(url);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL, { timeout: 15_000 });
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-workspace').waitFor({ timeout: 15_000 });
    expect(page.url().startsWith(`http://${lanAddress()}:${server.port}/`)).toBe(true);
    expect(failed.filter((f) => f.startsWith('https:'))).toEqual([]);
    await ctx.close();
  });
});
