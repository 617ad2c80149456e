#!/usr/bin/env node
// Builds the server (tsc → dist/app), the agent console and the widget (Vite → dist/public).
// `--if-stale` skips the build when nothing under src/, web/, widget/ or the lockfile
// changed since the last successful build (npm start and npm test use it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'web', 'widget', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];

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

if (process.argv.includes('--if-stale') && fs.existsSync(stamp)) {
  const built = fs.statSync(stamp).mtimeMs;
  if (Math.max(...inputs.map(newestMtime)) <= built) process.exit(0);
}

const run = (label, cmd, args) => {
  const t = Date.now();
  process.stdout.write(`build: ${label}…\n`);
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
  process.stdout.write(`build: ${label} done in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
};
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run('server (tsc)', bin('tsc'), ['-p', 'tsconfig.json']);
fs.cpSync(path.join(root, 'src/storage/migrations'), path.join(root, 'dist/app/storage/migrations'), { recursive: true });
run('console types', bin('tsc'), ['--noEmit', '-p', 'web/tsconfig.json']);
run('console (vite)', bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
run('widget types', bin('tsc'), ['--noEmit', '-p', 'widget/tsconfig.json']);
run('widget (vite)', bin('vite'), ['build', '--config', 'widget/vite.config.ts', '--logLevel', 'warn']);
fs.writeFileSync(stamp, new Date().toISOString());
