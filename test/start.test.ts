import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/env.js';
import { freePort } from './helpers/server-process.js';

/**
 * `npm start` (scripts/start.mjs): builds what is stale (nothing here: the test command built it),
 * starts the server with the console's build beside it, and hands Ctrl-C / SIGTERM to the server,
 * whose graceful shutdown decides the exit code.
 */
describe('npm start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-start-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('serves, and on SIGTERM the server shuts down gracefully and start exits 0', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, [path.join(projectRoot(), 'scripts', 'start.mjs')], {
      cwd: projectRoot(),
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ZHIKE_DATA_DIR: dataDir, ZHIKE_ADMIN_EMAIL: ADMIN_EMAIL, ZHIKE_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`start exited early:\n${out}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`not healthy after 180 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // the console is served (built by the test command; start found nothing stale)
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/shutting down/);
    expect(out).toMatch(/bye/);
    // nothing left listening
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
