import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './env.js';

/**
 * Tests and the benchmark send far more from one address (and one contact) than a
 * visitor would: they raise the client API's limits through the environment.
 */
export const RAISED_LIMITS_ENV: Record<string, string> = Object.fromEntries(
  ['IP', 'CONTACT'].flatMap((who) => ['CONTACTS', 'CONVERSATIONS', 'MESSAGES', 'UPLOADS', 'PAGES'].map((what) => [`ZHIKE_LIMIT_${who}_${what}`, '1000000/1m'])),
);

const MAIN = path.join(projectRoot(), 'dist', 'app', 'server', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The built server (`npm run build`) as a separate OS process, as `npm start` runs it. */
export class ServerProcess {
  proc: ChildProcess | null = null;
  output = '';
  readonly url: string;

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly nodeArgs: string[] = [],
    /** The entry point: the built server, or a TypeScript entry (run with tsx) that adds consumers. */
    private readonly main = MAIN,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** The embedded database's directory (PGlite), when it has one: a test may fill it while the server is stopped. */
  get dataDir(): string | undefined {
    return this.env.ZHIKE_DATA_DIR;
  }

  static async start(env: Record<string, string>, nodeArgs: string[] = [], main = MAIN): Promise<ServerProcess> {
    const s = new ServerProcess(await freePort(), env, main.endsWith('.ts') ? ['--import', 'tsx', ...nodeArgs] : nodeArgs, main);
    await s.start();
    return s;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    if (!fs.existsSync(this.main)) throw new Error(`${this.main} is missing: run \`npm run build\` first (npm test does)`);
    this.proc = spawn(process.execPath, [...this.nodeArgs, this.main], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        ZHIKE_ADMIN_EMAIL: ADMIN_EMAIL,
        ZHIKE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...RAISED_LIMITS_ENV,
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = this.proc;
    proc.stdout!.on('data', (d) => (this.output += d));
    proc.stderr!.on('data', (d) => (this.output += d));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${this.output}`);
      try {
        const r = await fetch(`${this.url}/healthz`);
        if (r.ok) return;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server did not become healthy in ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGKILL: no cleanup at all, like a crash or an OOM kill. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: graceful shutdown; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return p?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
    p.kill('SIGTERM');
    return exited;
  }

  async login(): Promise<string> {
    const r = await fetch(`${this.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { token: string }).token;
  }

  async json(method: string, urlPath: string, opts: { token?: string; contactToken?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.contactToken) headers['x-contact-token'] = opts.contactToken;
    const r = await fetch(this.url + urlPath, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  }
}
