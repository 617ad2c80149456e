#!/usr/bin/env node
// `npm start`: builds what is stale, then serves.
//
// The server is built first (esbuild, under a second). Then it starts while the console and the
// widget are built beside it, at a lower CPU priority: on a first start, the embedded database's
// creation (PGlite's initdb, 5–7 s on one core) and the console's Vite build (3–4 s) each
// take a core instead of running one after the other. Until the console is built, its pages
// answer "being built" and reload themselves (src/server/plugins/static.ts); the API and the
// widget's endpoints serve at once. A second start builds nothing and only starts the server.
//
// Ctrl-C / SIGTERM go to the server (a graceful shutdown) and stop a build still running; the
// exit code is the server's.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { build } from './build.mjs';

const root = path.resolve(import.meta.dirname, '..');
const buildScript = path.join(root, 'scripts', 'build.mjs');
const node = process.execPath;

try {
  await build(['--if-stale', '--parts=server', '--no-models']); // here: one process start less
} catch (err) {
  process.stderr.write(`build: the server did not build: ${err?.stack ?? err}\n`);
  process.exit(1);
}

const main = spawn(node, [path.join(root, 'dist', 'app', 'server', 'main.js')], { cwd: root, stdio: 'inherit' });
const fronts = spawn(node, [buildScript, '--if-stale', '--parts=console,widget', '--no-models', '--nice', '--quick'], { cwd: root, stdio: 'inherit' });
let frontsDone = false;
let stopping = false;
fronts.on('exit', (code) => {
  frontsDone = true;
  if (code !== 0 && !stopping) {
    process.stderr.write('build: the console or the widget did not build (see above); the server serves on without them. Fix it and run `npm run build`.\n');
  }
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopping = true;
    if (main.exitCode === null) main.kill(signal);
    if (!frontsDone) fronts.kill('SIGTERM');
  });
}

main.on('exit', (code, signal) => {
  stopping = true;
  if (!frontsDone) fronts.kill('SIGTERM');
  process.exitCode = code ?? 128 + (os.constants.signals[signal] ?? 1);
});
