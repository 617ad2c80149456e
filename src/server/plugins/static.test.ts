import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP GET (fetch would decode the body and hide Content-Encoding). */
function get(url: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const decode = (r: Got) =>
  r.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(r.body) : r.body;

/** The built console and widget over HTTP: compressed by Accept-Encoding, cached by kind of file. */
describe('static files (the built console and widget)', () => {
  let t: TestApp;
  let url: string;
  const publicDir = () => t.config.staticDir;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    url = await t.listen();
    if (!fs.existsSync(path.join(publicDir(), 'widget.js'))) throw new Error(`${publicDir()} is not built: run \`npm run build\` (npm test does)`);
  });
  afterAll(() => t.close());

  it('serves widget.js as brotli or gzip, whichever the client accepts, and plain to others', async () => {
    const raw = fs.readFileSync(path.join(publicDir(), 'widget.js'));
    const br = await get(`${url}/widget.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^application\/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(raw.length / 2);
    expect(decode(br).equals(raw)).toBe(true);

    const gz = await get(`${url}/widget.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(raw.length / 2);
    expect(decode(gz).equals(raw)).toBe(true);

    const plain = await get(`${url}/widget.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(raw)).toBe(true);
  });

  it('revalidates widget.js and the console page with an ETag: unchanged → 304', async () => {
    for (const page of ['/widget.js', '/', '/inboxes']) {
      const first = await get(url + page, { 'accept-encoding': 'br' });
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('no-cache');
      expect(first.headers.etag).toMatch(/.+/);
      const again = await get(url + page, { 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    }
    const html = await get(`${url}/`, { 'accept-encoding': 'gzip' });
    expect(html.headers['content-encoding']).toBe('gzip');
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(decode(html).toString()).toContain('<div id="root">');
  });

  it('caches hashed assets for a year, immutable, compressed too', async () => {
    const assets = fs.readdirSync(path.join(publicDir(), 'assets'));
    const scripts = assets.filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    // every script worth compressing (1 KB or more) has its precompressed copies
    for (const f of scripts.filter((f) => fs.statSync(path.join(publicDir(), 'assets', f)).size >= 1024)) {
      expect(assets).toEqual(expect.arrayContaining([`${f}.gz`, `${f}.br`]));
    }
    const biggest = scripts.map((f) => ({ f, size: fs.statSync(path.join(publicDir(), 'assets', f)).size })).sort((a, b) => b.size - a.size)[0];
    const r = await get(`${url}/assets/${biggest.f}`, { 'accept-encoding': 'br, gzip' });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-encoding']).toBe('br');
    expect(r.headers['content-type']).toMatch(/^application\/javascript/);
    expect(decode(r).equals(fs.readFileSync(path.join(publicDir(), 'assets', biggest.f)))).toBe(true);
    const css = assets.find((f) => f.endsWith('.css'));
    if (css) expect((await get(`${url}/assets/${css}`, { 'accept-encoding': 'gzip' })).headers['content-type']).toMatch(/^text\/css/);
    expect((await get(`${url}/assets/nope-123.js`)).status).toBe(404);
  });
});

/**
 * `npm start` builds the console beside the starting server (scripts/start.mjs): until it is built,
 * its pages say so and reload themselves; without a build running, they say how to build it.
 */
describe('static files before the console is built', () => {
  let t: TestApp;
  let url: string;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-static-'));
    t = await createTestApp('pglite', { config: { staticDir: path.join(dir, 'public') } });
    url = await t.listen();
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 "being built" with a page that reloads while a build runs, and "not built" once none does', async () => {
    const marker = path.join(dir, 'public.building');
    fs.writeFileSync(marker, String(process.pid)); // a live process: a build running
    const page = await get(`${url}/inboxes`, { accept: 'text/html' });
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('2');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.toString()).toContain('控制台正在构建');
    expect(page.body.toString()).toContain('http-equiv="refresh"');
    const widget = await get(`${url}/widget.js`);
    expect(widget.status).toBe(503);
    expect(widget.headers['retry-after']).toBe('2');
    expect(widget.body.toString()).toMatch(/being built/);
    // the API does not wait for the console
    expect((await get(`${url}/healthz`)).status).toBe(200);

    // a build that was killed (its process is gone) is not "being built"
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    fs.writeFileSync(marker, gone.stdout.toString());
    const after = await get(`${url}/`, { accept: 'text/html' });
    expect(after.status).toBe(503);
    expect(after.headers['retry-after']).toBeUndefined();
    expect(after.body.toString()).toMatch(/not built yet: run `npm run build`/);

    fs.rmSync(marker);
    const none = await get(`${url}/widget.js`);
    expect(none.status).toBe(503);
    expect(none.body.toString()).toMatch(/not built yet/);
  });
});
