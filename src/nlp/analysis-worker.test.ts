import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalysisThread, type AnalysisItem } from './analysis-worker.js';
import { createNlpEngine } from './index.js';

/** The nice values of this process's threads (Linux: /proc/self/task/<tid>/stat, field 19). */
function threadNices(): number[] {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('the analysis thread', () => {
  const thread = new AnalysisThread();
  afterAll(() => thread.stop());

  it('answers as the in-process engine does, in order, for Chinese and English conversations', async () => {
    const items: AnalysisItem[] = [
      { locale: 'zh-CN', text: '我要投诉，太差了，再不解决我就去12315', role: 'customer' },
      { locale: 'zh-TW', text: '你們的東西壞了，我很生氣！', role: 'customer' },
      { locale: 'zh-CN', text: '这不归我管，你自己去看说明书', role: 'agent' },
      { locale: 'en', text: 'I am very furious, my lawyer will call you', role: 'customer' },
      { locale: null, text: '请问运费怎么算？', role: 'customer' },
      { locale: 'en', text: 'How much does the app cost?', role: 'customer' },
    ];
    const got = await thread.analyze(items);
    const zh = createNlpEngine('zh-CN');
    const en = createNlpEngine('en');
    expect(got).toHaveLength(items.length);
    items.forEach((item, i) => {
      const { tokens: _tokens, ...want } = (item.locale === 'en' ? en : zh).analyze(item.text, item.role);
      expect(got[i]).toEqual(want);
    });
    expect(got[0].signals).toContain('regulator');
    expect(got[2].forbidden.length).toBeGreaterThan(0);
    expect(await thread.analyze([])).toEqual([]);
  });

  it('reads a transcript for 质检: every line’s normalised text, an analysis for customers’ and agents’ lines only', async () => {
    const lines = [
      { locale: 'zh-CN', text: '工號 1024 小王 為您服務！', role: null },
      { locale: 'zh-CN', text: '你們的東西壞了，我很生氣！', role: 'customer' as const },
      { locale: 'zh-CN', text: '这不归我管', role: 'agent' as const },
    ];
    const got = await thread.read(lines);
    const zh = createNlpEngine('zh-CN');
    expect(got.map((r) => r.normalized)).toEqual(lines.map((l) => zh.normalize(l.text).text));
    expect(got[0].normalized).toContain('工号'); // simplified, as the rules read it
    expect(got[0].analysis).toBeNull();
    expect(got[1].analysis?.emotion.label).toBe(zh.analyze(lines[1].text, 'customer').emotion.label);
    expect(got[2].analysis?.forbidden.map((f) => f.category)).toEqual(zh.analyze(lines[2].text, 'agent').forbidden.map((f) => f.category));
  });

  it.runIf(process.platform === 'linux')('runs below the process’s priority (nice 10), so under load it takes only the CPU the request path leaves', async () => {
    await thread.warm('zh-CN');
    expect(process.platform === 'linux' && threadNices()).toContain(10);
    expect(threadNices().filter((n) => n === 10)).toHaveLength(1); // that one thread only: the process keeps its own
  });

  it('a request in flight when the thread stops fails with a clear error; the next request starts a new thread', async () => {
    await thread.warm('zh-CN');
    const before = thread.threadId;
    expect(before).not.toBeNull();
    const inFlight = thread.analyze([{ locale: 'zh-CN', text: '我的快递到哪里了', role: 'customer' }]).then(
      () => null,
      (error: Error) => error,
    );
    await thread.stop();
    expect((await inFlight)?.message).toMatch(/analysis thread stopped/);
    expect(thread.threadId).toBeNull();
    const [again] = await thread.analyze([{ locale: 'zh-CN', text: '我的快递到哪里了', role: 'customer' }]);
    expect(again.intent.label).toBeTruthy();
    expect(thread.threadId).not.toBeNull();
    expect(thread.threadId).not.toBe(before);
  });

  it('a thread silent for its whole timeout is stopped and its request fails (its consumer retries)', async () => {
    const slow = new AnalysisThread(20); // loading the thread's modules alone takes far longer than 20 ms
    await expect(slow.warm('zh-CN')).rejects.toThrow(/no sign of life in 0\.02 s/);
    expect(slow.threadId).toBeNull();
  });

  it('a thread training a 禁语 model the cache lacks beats all along, so a slow start on a loaded machine is not taken for a stuck thread', { timeout: 180_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhike-nlp-cache-'));
    const before = process.env.ZHIKE_NLP_CACHE_DIR;
    process.env.ZHIKE_NLP_CACHE_DIR = dir; // a worker thread takes a copy of the environment when it starts
    const cold = new AnalysisThread();
    try {
      await cold.warm('zh-CN');
      // training is a few seconds (far more when the machine is busy): a beat every quarter of a second or so
      expect(cold.beats).toBeGreaterThanOrEqual(2);
      expect(fs.readdirSync(dir).filter((f) => f.endsWith('.bin'))).toHaveLength(1); // and the next process loads it
      const [line] = await cold.analyze([{ locale: 'zh-CN', text: '这不归我管，你自己去看说明书', role: 'agent' }]);
      expect(line.forbidden.length).toBeGreaterThan(0);
      const beats = cold.beats;
      await cold.analyze([{ locale: 'zh-CN', text: '我的快递到哪里了', role: 'customer' }]);
      expect(cold.beats).toBe(beats); // a built engine only answers
    } finally {
      if (before === undefined) delete process.env.ZHIKE_NLP_CACHE_DIR;
      else process.env.ZHIKE_NLP_CACHE_DIR = before;
      await cold.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
