import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config.js';
import { formatLogLine } from '../src/observability/logging.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/env.js';
import { freePort, ServerProcess } from './helpers/server-process.js';

const MAIN = path.join(projectRoot(), 'dist', 'app', 'server', 'main.js');

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('readable log lines', () => {
  const time = new Date(2026, 10, 30, 9, 5, 7, 42).getTime();

  it('a request: time, level, method, url, status, milliseconds', () => {
    const line = JSON.stringify({ level: 30, time, pid: 1, hostname: 'h', reqId: 'req-1', method: 'GET', url: '/api/v1/inboxes', status: 200, ms: 3.1, msg: 'request' });
    expect(formatLogLine(line)).toBe('09:05:07.042 INFO  GET /api/v1/inboxes 200 3.1 ms\n');
  });

  it('a message with its fields, and an error with its stack indented below', () => {
    const ready = JSON.stringify({ level: 30, time, pid: 1, hostname: 'h', port: 3000, storage: 'pglite (./data)', msg: 'Zhike is ready' });
    expect(formatLogLine(ready)).toBe('09:05:07.042 INFO  Zhike is ready port=3000 storage="pglite (./data)"\n');
    const failed = JSON.stringify({ level: 50, time, err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x (a.js:1:1)' }, msg: 'request failed' });
    expect(formatLogLine(failed)).toBe('09:05:07.042 ERROR request failed\n    Error: boom\n        at x (a.js:1:1)\n');
  });

  it('colours the level and a failing status only when asked', () => {
    const line = JSON.stringify({ level: 40, time, method: 'POST', url: '/x', status: 429, ms: 1, msg: 'request' });
    expect(formatLogLine(line, { color: true })).toContain('\x1b[33mWARN \x1b[0m');
    expect(formatLogLine(line, { color: true })).toContain('\x1b[33m429\x1b[0m');
    expect(formatLogLine(line)).not.toContain('\x1b[');
  });
});

/** The built server as `npm start` runs it, with its stdout a pipe (JSON) or a terminal (readable). */
describe('server logs', () => {
  const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-logs-json-')), fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-logs-tty-'))];
  let json: ServerProcess;
  let tty: { proc: ChildProcess; url: string; output: () => string };

  /** `script` gives the server a pseudo-terminal for its stdout, as when started by hand. */
  async function startOnTerminal(dataDir: string): Promise<typeof tty> {
    const port = await freePort();
    const proc = spawn('script', ['-qfec', `exec "${process.execPath}" "${MAIN}"`, '/dev/null'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        NO_COLOR: '1',
        ZHIKE_DATA_DIR: dataDir,
        ZHIKE_ADMIN_EMAIL: ADMIN_EMAIL,
        ZHIKE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    const url = `http://127.0.0.1:${port}`;
    const output = () => out;
    await until(
      'a healthy server',
      async () => {
        if (proc.exitCode !== null) throw new Error(`server exited:\n${out}`);
        return fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      180_000,
      output,
    );
    return { proc, url, output };
  }

  beforeAll(async () => {
    json = new ServerProcess(await freePort(), { ZHIKE_DATA_DIR: dirs[0], LOG_LEVEL: 'info' });
    [tty] = await Promise.all([startOnTerminal(dirs[1]), json.start(180_000)]);
  }, 400_000);
  afterAll(async () => {
    await json?.stop();
    if (tty && tty.proc.exitCode === null) {
      const exited = new Promise((r) => tty.proc.once('exit', r));
      tty.proc.kill('SIGTERM'); // the terminal goes away: the server gets SIGHUP
      await exited;
    }
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('not on a terminal: JSON, one line per request with method, url, status and ms', { timeout: 60_000 }, async () => {
    const token = await json.login();
    expect((await json.json('GET', '/api/v1/inboxes', { token })).status).toBe(200);
    expect((await json.json('GET', '/api/v1/no-such-thing')).status).toBe(404);
    const requestLines = () =>
      json.output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
        .filter((o) => o.reqId !== undefined);
    await until('the last request logged', () => requestLines().some((o) => o.url === '/api/v1/no-such-thing'), 10_000, () => json.output);
    const lines = requestLines();
    expect(lines.map((o) => [o.msg, o.method, o.url, o.status])).toEqual([
      ['request', 'POST', '/api/v1/auth/login', 200],
      ['request', 'GET', '/api/v1/inboxes', 200],
      ['request', 'GET', '/api/v1/no-such-thing', 404],
    ]);
    for (const o of lines) expect(o.ms).toBeTypeOf('number');
    expect(json.output).toMatch(/^\{"level":30,.*"msg":"Zhike is ready"\}$/m);
  });

  it('on a terminal: readable lines, one per request', { timeout: 60_000 }, async () => {
    const r = await fetch(`${tty.url}/api/v1/inboxes`);
    expect(r.status).toBe(401);
    await until('the request logged', () => /GET \/api\/v1\/inboxes 401 [\d.]+ ms/.test(tty.output()), 10_000, tty.output);
    const text = tty.output();
    expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}GET \/api\/v1\/inboxes 401 [\d.]+ ms\r?$/m);
    expect(text.match(/\/api\/v1\/inboxes/g)).toHaveLength(1);
    expect(text).toMatch(/INFO {2}Zhike is ready port=\d+/);
    expect(text).not.toContain('{"level"');
  });
});
