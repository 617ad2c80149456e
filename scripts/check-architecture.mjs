#!/usr/bin/env node
// The structure the README draws, checked (npm run typecheck and npm test run it):
//  1. src/core is pure: it imports only itself and zod — no node: modules, no other
//     package, nothing from the adapters. Code that needs files or native modules
//     lives in an adapter and reaches the core as an interface.
//  2. The top-level folders of src/ do not import each other in a cycle.
//  3. The console (web/) and the widget (widget/) take server code from src/core only.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const CORE_PACKAGES = new Set(['zod']);

function files(dir, out = []) {
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') files(rel, out);
    } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Every module specifier a file imports or re-exports (static, side-effect and dynamic). */
function specifiers(file) {
  const text = fs.readFileSync(path.join(root, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (let m; (m = re.exec(text)); ) out.push(m[1]);
  return out;
}

/** A relative specifier → the repository path it points at (without extension games: .js ↔ .ts). */
function resolve(from, spec) {
  const abs = path.normalize(path.join(path.dirname(from), spec));
  return abs.replace(/\.js$/, '');
}

const problems = [];
const topFolder = (file) => {
  const parts = file.split(path.sep);
  return parts.length > 2 ? parts[1] : '(src root)';
};

// 1 and 2: src/
const edges = new Map(); // folder → Map(folder → example "file → spec")
for (const file of files('src')) {
  const isTest = /\.test\.ts$/.test(file);
  const folder = topFolder(file);
  for (const spec of specifiers(file)) {
    const relative = spec.startsWith('.');
    const target = relative ? resolve(file, spec) : null;
    if (folder === 'core' && !isTest) {
      if (!relative && !CORE_PACKAGES.has(spec)) problems.push(`${file}: src/core must stay pure, but it imports "${spec}" (move I/O to an adapter and hand the core an interface)`);
      if (relative && !target.startsWith(path.join('src', 'core') + path.sep)) problems.push(`${file}: src/core imports "${spec}" from outside the core`);
    }
    if (isTest || !relative || !target.startsWith('src' + path.sep)) continue;
    const to = topFolder(target + '.ts');
    if (to === folder) continue;
    if (!edges.has(folder)) edges.set(folder, new Map());
    if (!edges.get(folder).has(to)) edges.get(folder).set(to, `${file} → ${spec}`);
  }
}

// Tarjan's strongly connected components: any with more than one folder is a cycle.
let index = 0;
const stack = [];
const state = new Map();
function strong(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!state.has(w)) {
      strong(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) {
      state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
    }
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) {
      const inside = new Set(component);
      const why = component.flatMap((a) => [...(edges.get(a) ?? [])].filter(([b]) => inside.has(b)).map(([b, example]) => `    ${a} → ${b} (${example})`));
      problems.push(`folders import each other in a cycle: ${component.sort().join(', ')}\n${why.join('\n')}`);
    }
  }
}
for (const v of edges.keys()) if (!state.has(v)) strong(v);

// 3: the front ends
for (const dir of ['web', 'widget']) {
  for (const file of files(path.join(dir, 'src'))) {
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolve(file, spec);
      if (target.startsWith('src' + path.sep) && !target.startsWith(path.join('src', 'core') + path.sep)) {
        problems.push(`${file}: the ${dir === 'web' ? 'console' : 'widget'} imports "${spec}": take server code from src/core only`);
      }
    }
  }
}

if (problems.length) {
  process.stderr.write(`architecture check failed:\n- ${problems.join('\n- ')}\n`);
  process.exit(1);
}
process.stdout.write(`architecture: src/core is pure; no folder cycles among ${[...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])].length} folders; front ends import src/core only\n`);
