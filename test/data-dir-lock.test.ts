import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../src/config.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './helpers/env.js';
import { freePort, ServerProcess } from './helpers/server-process.js';

const MAIN = path.join(projectRoot(), 'dist', 'app', 'server', 'main.js');
const RESTARTS = 20;

/** A process's state letter from /proc (R, S, Z…), or null once it is gone. */
function procState(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
  } catch {
    return null;
  }
}

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The built server started under a parent that never reaps it (`sh -c 'node … & exec sleep'`),
 * as a careless supervisor would: once killed it stays a zombie, so its pid still "exists".
 */
async function startUnreaped(dataDir: string, parents: ChildProcess[]): Promise<{ pid: number; url: string; output: () => string }> {
  const port = await freePort();
  const parent = spawn('/bin/sh', ['-c', `"${process.execPath}" "${MAIN}" & echo "pid=$!"; exec sleep 600`], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ZHIKE_DATA_DIR: dataDir,
      ZHIKE_ADMIN_EMAIL: ADMIN_EMAIL,
      ZHIKE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  parents.push(parent);
  let out = '';
  parent.stdout!.on('data', (d) => (out += d));
  parent.stderr!.on('data', (d) => (out += d));
  const output = () => out;
  await until('the server pid', () => /pid=\d+/.test(out), 10_000, output);
  const pid = Number(/pid=(\d+)/.exec(out)![1]);
  const url = `http://127.0.0.1:${port}`;
  await until(
    'a healthy server',
    async () => {
      const state = procState(pid);
      if (state === null || state === 'Z') throw new Error(`the server exited:\n${out}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    180_000, // a first start migrates; on a busy shared machine that takes a while
    output,
  );
  return { pid, url, output };
}

describe('the embedded database directory after a crash', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-relock-'));
  const parents: ChildProcess[] = [];
  afterAll(() => {
    for (const p of parents) p.kill('SIGKILL'); // their zombies go to init, which reaps them
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`restarts at once after SIGKILL, ${RESTARTS} times in a row, even while the killed process is a zombie`, { timeout: 1_800_000 }, async () => {
    for (let i = 0; i < RESTARTS; i++) {
      const server = await startUnreaped(dataDir, parents);
      process.kill(server.pid, 'SIGKILL');
      await until('the killed server to be a zombie', () => procState(server.pid) === 'Z', 10_000, server.output);
    }
    // the data survived: the administrator created on the first start logs in
    const server = new ServerProcess(await freePort(), { ZHIKE_DATA_DIR: dataDir });
    await server.start(180_000);
    try {
      expect(await server.login()).toMatch(/.+/);
    } finally {
      await server.stop();
    }
  });
});

describe('a data directory too deep for a socket file beside it', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-deep-'));
  const dataDir = path.join(base, 'a-rather-long-folder-name-for-the-data'.repeat(3));
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('is still one process at a time, and taken over after SIGKILL', { timeout: 600_000 }, async () => {
    expect(Buffer.byteLength(path.join(dataDir, 'zhike.lock.sock'))).toBeGreaterThan(107);
    const first = new ServerProcess(await freePort(), { ZHIKE_DATA_DIR: dataDir });
    await first.start(180_000);
    const second = new ServerProcess(await freePort(), { ZHIKE_DATA_DIR: dataDir });
    await expect(second.start(180_000)).rejects.toThrow(new RegExp(`in use by process ${first.proc!.pid}\\b.*DATABASE_URL`, 's'));
    await first.kill();
    await second.start(180_000);
    expect(await second.login()).toMatch(/.+/);
    await second.stop();
  });
});
