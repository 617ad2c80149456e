#!/usr/bin/env node
// Builds what `npm start` serves, without type checking (that is `npm run typecheck`, run by `npm test`):
//   server  src/ → dist/app       transpiled file by file with esbuild, migrations copied
//   console web/ → dist/public    Vite
//   widget  widget/ → dist/public/widget.js   Vite
// then gzip and brotli copies of the console's and widget's text files (served by Accept-Encoding).
// `--if-stale` builds only the parts whose inputs changed since their last build (npm start and
// npm test use it); each part has its own stamp in dist/. `--parts=console,widget` builds only
// those; `--no-models` leaves the 禁语 models to the server; `--nice` builds at a lower CPU priority;
// `--quick` compresses at brotli 5 first and at 11 once the part is served (npm start builds the
// console beside the starting server: scripts/start.mjs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { promisify } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const publicDir = path.join(dist, 'public');
const common = ['package-lock.json', 'scripts/build.mjs'];

const parts = {
  server: { inputs: ['src', 'tsconfig.json', ...common], build: buildServer },
  console: { inputs: ['web', 'src/core', ...common], build: buildConsole },
  widget: { inputs: ['widget', 'src/core', ...common], build: buildWidget },
};

/** Newest modification time under p (tests do not change what is built, but are cheap to include). */
function newestMtime(p) {
  const full = path.join(root, p);
  if (!fs.existsSync(full)) return 0;
  const st = fs.statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(full)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

const stampOf = (name) => path.join(dist, `.build-stamp-${name}`);
function isStale(name) {
  const stamp = stampOf(name);
  if (!fs.existsSync(stamp)) return true;
  return Math.max(...parts[name].inputs.map(newestMtime)) > fs.statSync(stamp).mtimeMs;
}

const timed = async (label, fn) => {
  const t = Date.now();
  process.stdout.write(`build: ${label}…\n`);
  await fn();
  process.stdout.write(`build: ${label} done in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
};
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/** The child process running now (Vite): stopped with this build when it is interrupted. */
let running = null;
function run(command, args) {
  return new Promise((resolve, reject) => {
    running = spawn(command, args, { cwd: root, stdio: 'inherit' });
    running.on('error', reject);
    running.on('exit', (code, signal) => {
      running = null;
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(command)} ${args.join(' ')} ${signal ? `was stopped by ${signal}` : `exited with ${code}`}`));
    });
  });
}

/**
 * While the console or widget is built, dist/public.building holds this process's id: the server
 * answers the console's pages with "being built" (and reloads them) instead of "not built"
 * (src/server/plugins/static.ts). Removed when the build ends, however it ends.
 */
const buildingMarker = `${publicDir}.building`;
function markBuilding(on) {
  if (on) fs.writeFileSync(buildingMarker, String(process.pid));
  else fs.rmSync(buildingMarker, { force: true });
}

async function buildServer() {
  const { build } = await import('esbuild');
  const entryPoints = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) entryPoints.push(p);
    }
  };
  walk(path.join(root, 'src'));
  fs.rmSync(path.join(dist, 'app'), { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: path.join(dist, 'app'),
    outbase: path.join(root, 'src'),
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  fs.cpSync(path.join(root, 'src/storage/migrations'), path.join(dist, 'app/storage/migrations'), { recursive: true });
}

const consoleFiles = (rel) => rel !== 'widget.js' && !rel.startsWith('widget.js.');
const widgetFiles = (rel) => rel === 'widget.js';
/** Brotli quality: 11 for what is served for good; `--quick` (npm start) compresses at 5 first, then at 11 (finishCompression). */
const FINAL_BROTLI = 11;
const QUICK_BROTLI = 5;
let brotliQuality = FINAL_BROTLI;

async function buildConsole() {
  // Vite empties dist/public: the widget is built again after it (buildWidget, a second or two).
  await run(bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
  // Brotli quality 11: 10% smaller than 5 on the console's first load (issue 13's 350 KB budget), for about
  // 2.5 s more build on 1.5 MB; the files are cached immutable, so each browser fetches them once.
  await compressTree(publicDir, consoleFiles, brotliQuality);
}

async function buildWidget() {
  await run(bin('vite'), ['build', '--config', 'widget/vite.config.ts', '--logLevel', 'warn']);
  await compressTree(publicDir, widgetFiles, brotliQuality); // small, and fetched (revalidated) on every customer's page view
}

/**
 * A part built with `--quick` has brotli copies at quality 5; `.brotli-<part>` says its copies
 * are final (quality 11). Every build finishes what a quick one left (each file replaced
 * whole: a browser fetching it meanwhile gets the old copy or the new one).
 */
const finalStamp = (name) => path.join(dist, `.brotli-${name}`);
const compressionUnfinished = (name) =>
  fs.existsSync(stampOf(name)) && (!fs.existsSync(finalStamp(name)) || fs.statSync(finalStamp(name)).mtimeMs < fs.statSync(stampOf(name)).mtimeMs);
async function finishCompression(name) {
  await compressTree(publicDir, name === 'console' ? consoleFiles : widgetFiles, FINAL_BROTLI);
  fs.writeFileSync(finalStamp(name), new Date().toISOString());
}

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;

/**
 * Writes file.gz and file.br beside every compressible file worth it (what @fastify/static's
 * preCompressed serves). zlib's async calls run on libuv's thread pool: every core compresses
 * (brotli 11 one file after another took ~2.5 s of a first start).
 */
async function compressTree(dir, wanted, brotliQuality) {
  const files = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (COMPRESSIBLE.test(e.name) && wanted(r)) files.push(path.join(dir, r));
    }
  };
  walk('');
  // largest first: the long brotli jobs start at once and the small ones fill in around them
  files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  await Promise.all(files.map((f) => compressFile(f, brotliQuality)));
}

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

async function compressFile(file, brotliQuality) {
  const raw = fs.readFileSync(file);
  if (raw.length < 1024) {
    for (const ext of ['.gz', '.br']) fs.rmSync(file + ext, { force: true });
    return; // not worth a second request header's worth of bytes
  }
  const [gz, br] = await Promise.all([
    gzip(raw, { level: 9 }),
    brotli(raw, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: brotliQuality,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      },
    }),
  ]);
  for (const [ext, data] of [['.gz', gz], ['.br', br]]) {
    if (data.length >= raw.length) fs.rmSync(file + ext, { force: true });
    else {
      // whole files only: the server may be sending the previous copy (a quick build's) right now
      fs.writeFileSync(`${file}${ext}.tmp`, data);
      fs.renameSync(`${file}${ext}.tmp`, file + ext);
    }
  }
}

/** Builds what `argv` asks for (the flags above). scripts/start.mjs calls it for the server's part, without a process of its own. */
export async function build(argv) {
  const ifStale = argv.includes('--if-stale');
  const only = argv.find((a) => a.startsWith('--parts='))?.slice('--parts='.length).split(',');
  for (const name of only ?? []) if (!(name in parts)) throw new Error(`build: no part "${name}" (${Object.keys(parts).join(', ')})`);
  // lower priority, for this process and the ones it starts (Vite, esbuild): the server starting beside it comes first
  if (argv.includes('--nice')) os.setPriority(0, 19);
  brotliQuality = argv.includes('--quick') ? QUICK_BROTLI : FINAL_BROTLI;
  const todo = Object.keys(parts).filter((name) => (!only || only.includes(name)) && (!ifStale || isStale(name)));
  if (todo.includes('console') && !todo.includes('widget')) todo.push('widget'); // see buildConsole
  fs.mkdirSync(dist, { recursive: true });
  if (fs.existsSync(path.join(dist, '.build-stamp'))) fs.rmSync(path.join(dist, '.build-stamp')); // the single stamp of older builds
  for (const name of todo) {
    const started = new Date();
    fs.rmSync(stampOf(name), { force: true });
    const front = name === 'console' || name === 'widget';
    if (front) fs.rmSync(finalStamp(name), { force: true });
    if (front) markBuilding(true);
    try {
      await timed(name, parts[name].build);
    } finally {
      if (front) markBuilding(false);
    }
    // The stamp carries the time the build started: an input saved during the build makes it stale again.
    fs.writeFileSync(stampOf(name), started.toISOString());
    fs.utimesSync(stampOf(name), started, started);
    if (front && brotliQuality === FINAL_BROTLI) fs.writeFileSync(finalStamp(name), new Date().toISOString());
  }
  // what a quick build (npm start) left at brotli 5, now or from a start stopped before it was done;
  // the console is served meanwhile
  for (const name of ['console', 'widget']) {
    if ((!only || only.includes(name)) && compressionUnfinished(name)) await timed(`${name}: brotli ${FINAL_BROTLI}`, () => finishCompression(name));
  }

  // The 禁语 models of the shipped packs, trained into ZHIKE_NLP_CACHE_DIR when not there yet (a few
  // seconds, once per pack version): otherwise every process started afterwards (the server and its
  // analysis thread, each test file's server) would train its own copy at the same moment. Checking
  // costs a pack load; a cache emptied later only means the server trains in the background again.
  // npm start leaves it to the server, whose analysis thread trains it once it serves (--no-models).
  if (!argv.includes('--no-models')) {
    const { prepareShippedModels } = await import(pathToFileURL(path.join(dist, 'app/nlp/index.js')).href);
    const started = Date.now();
    const trained = prepareShippedModels();
    if (trained.length) process.stdout.write(`build: 禁语 model trained for ${trained.join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      running?.kill('SIGTERM');
      markBuilding(false);
      process.exit(128 + os.constants.signals[signal]);
    });
  }
  await build(process.argv.slice(2));
}
