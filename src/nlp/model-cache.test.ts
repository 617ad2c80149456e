import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../config.js';

/**
 * The trained 禁语 model is kept in ZHIKE_NLP_CACHE_DIR: a fresh process trains and stores it, the
 * next loads it and reads every line the same; a damaged file is trained again, never trusted.
 * Each run is its own process, as an instance, the analysis thread or a restart would be.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-model-cache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines = ['这个不归我们管,你去找快递吧', '您那是自己没保存好吧,丢了怪谁', '不好意思让您久等了,我马上帮您查', '您看您,又填错了', '好的,今天下午三点前给您回复'];
const script = `
  const { createNlpEngine } = await import(${JSON.stringify(path.join(projectRoot(), 'src/nlp/index.ts'))});
  const started = performance.now();
  const engine = createNlpEngine('zh-CN');
  const ms = performance.now() - started;
  const found = ${JSON.stringify(lines)}.map((t) => engine.analyze(t, 'agent').forbidden.map((f) => [f.category, f.text]));
  console.log(JSON.stringify({ ms, found }));
`;
const run = () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot(),
    env: { ...process.env, ZHIKE_NLP_CACHE_DIR: dir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; found: [string, string][][] };
};

describe('the 禁语 model cache', () => {
  it('trains once, stores the model, and the next process loads it and reads every line the same', () => {
    const first = run();
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('forbidden-') && f.endsWith('.bin'));
    expect(files).toHaveLength(1);
    expect(first.found[0].map(([c]) => c)).toContain('blame');
    expect(first.found[2]).toEqual([]);
    const second = run();
    expect(second.found).toEqual(first.found);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);

    // a damaged file (a crash mid-write by an older version, a full disk) is not trusted: trained again
    fs.writeFileSync(path.join(dir, files[0]), Buffer.from('not a model'));
    const third = run();
    expect(third.found).toEqual(first.found);
    expect(fs.statSync(path.join(dir, files[0])).size).toBeGreaterThan(1000);
  });
});
