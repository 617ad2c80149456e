import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { demoPage } from './demo-page.js';

/** Shown for the console's pages while `npm start` builds it; reloads itself. */
const BUILDING_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>知客 Zhike</title>
<style>body{font:16px/1.6 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;color:#333;max-width:32em;margin:20vh auto;padding:0 1em}</style></head>
<body><p>控制台正在构建，几秒钟后自动打开。</p><p lang="en">The console is being built; this page opens it by itself in a few seconds.</p></body></html>`;

/**
 * Whether a build of the console or widget is running: scripts/build.mjs writes its process id
 * to `<static dir>.building` while it builds them (and removes it when it ends, however it ends;
 * a process no longer alive — a build killed with SIGKILL — does not count).
 */
export function building(staticDir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(`${staticDir}.building`, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The built front ends: the agent console (SPA at /), the widget (/widget.js)
 * and the demo shop page (/demo). Built into dist/public by `npm run build`,
 * with gzip and brotli copies beside each text file (file.gz, file.br), served by
 * the request's Accept-Encoding. Hashed assets are cached for good; widget.js and
 * the console's index.html are revalidated on every use (ETag → 304 when unchanged).
 */
export const staticPlugin: FastifyPluginAsync<{ defaultInboxToken: () => Promise<string | null> }> = async (app, opts) => {
  const root = app.zhike.config.staticDir;
  // Checked per request: a build that finishes after start-up is served without a restart.
  const built = () => fs.existsSync(path.join(root, 'index.html'));
  const notBuilt = (reply: import('fastify').FastifyReply, page = false) => {
    reply.code(503).header('Cache-Control', 'no-store');
    if (!building(root)) return reply.type('text/plain; charset=utf-8').send('The console is not built yet: run `npm run build` (npm start does it for you).');
    // npm start builds the console beside the starting server (scripts/start.mjs): a few seconds
    reply.header('Retry-After', '2');
    return page ? reply.type('text/html; charset=utf-8').send(BUILDING_PAGE) : reply.type('text/plain; charset=utf-8').send('The console is being built; try again in a few seconds.');
  };

  // Only the sendFile decorator: routes below decide what is served.
  await app.register(fastifyStatic, { root, serve: false, preCompressed: true });
  const REVALIDATE = 'no-cache'; // may be stored, but asked about each time: an unchanged file costs a 304

  app.get('/assets/*', { schema: { hide: true } }, (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    if (!fs.existsSync(root)) return notBuilt(reply);
    // file names carry a hash of their content: a new build has new names
    return reply.header('Cache-Control', 'public, max-age=31536000, immutable').sendFile(path.join('assets', rel), root, { cacheControl: false });
  });

  app.get('/widget.js', { schema: { hide: true } }, (_req, reply) => {
    if (!fs.existsSync(path.join(root, 'widget.js'))) return notBuilt(reply);
    // Embedded on customers' sites: cross-origin by design; revalidated so an update rolls out at once.
    return reply
      .header('Cross-Origin-Resource-Policy', 'cross-origin')
      .header('Access-Control-Allow-Origin', '*')
      .header('Cache-Control', REVALIDATE)
      .type('application/javascript; charset=utf-8')
      .sendFile('widget.js', root, { cacheControl: false });
  });

  app.get('/demo', { schema: { hide: true } }, async (req, reply) => {
    const token = await opts.defaultInboxToken();
    return reply.type('text/html; charset=utf-8').send(demoPage(token, (req.query as { locale?: unknown }).locale === 'en' ? 'en' : null));
  });

  /** Console routes are client-side: any other GET that wants HTML gets the SPA shell. */
  app.setNotFoundHandler((req, reply) => {
    // a page of the console (/, /inboxes, /monitor…): anything outside the API without a file extension
    const path = req.url.split('?')[0];
    const wantsHtml = (req.method === 'GET' || req.method === 'HEAD') && !path.startsWith('/api/') && !/\.[a-z0-9]+$/i.test(path);
    if (wantsHtml) {
      if (!built()) return notBuilt(reply, true);
      return reply.header('Cache-Control', REVALIDATE).sendFile('index.html', root, { cacheControl: false });
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
};
