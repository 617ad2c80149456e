import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INBOX_SETTINGS } from '../src/bootstrap.js';
import { builtInReply } from '../src/core/reception/reception.js';
import { DEFAULT_RECEPTION } from '../src/core/reception/settings.js';

/**
 * Every zh-CN default text uses full-width punctuation (，。！？：), never
 * "您好,欢迎咨询!": the server's automatic replies and defaults, the widget's words
 * and the console's zh-CN dictionary.
 */
const HALF_WIDTH_AFTER_CJK = /[\p{Script=Han}“”）]\s*[,!?:;]/u;

const ROOT = path.resolve(import.meta.dirname, '..');

/** Every string reachable in a value; functions are called with sample arguments. */
function strings(value: unknown, where: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string') out.push([where, value]);
  else if (typeof value === 'function') strings((value as (...a: unknown[]) => unknown)('小王', '1024', 3), `${where}()`, out);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${where}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, `${where}.${k}`, out);
  return out;
}

const offenders = (texts: [string, string][]) => texts.filter(([, s]) => HALF_WIDTH_AFTER_CJK.test(s)).map(([w, s]) => `${w}: ${s}`);

/** Modules of the widget and the console, loaded by the test runner (not part of the server's type program). */
const load = (rel: string): Promise<Record<string, unknown>> => import(/* @vite-ignore */ path.join(ROOT, rel));

describe('zh-CN default texts use full-width punctuation', () => {
  it('the check itself catches half-width punctuation after Chinese', () => {
    expect(offenders([['x', '您好,欢迎咨询!']])).toHaveLength(1);
    expect(offenders([['x', '请问您还在吗? 好']])).toHaveLength(1);
    expect(offenders([['x', '您好，欢迎咨询！Agent no. 1: ok']])).toHaveLength(0);
  });

  it('server defaults: reception replies, the bot, the first inbox', () => {
    const texts = [
      ...strings(DEFAULT_RECEPTION, 'DEFAULT_RECEPTION'),
      ...strings(DEFAULT_INBOX_SETTINGS, 'DEFAULT_INBOX_SETTINGS'),
      ...['你好', '谢谢', '怎么退货'].flatMap((q) => [true, false].map((h): [string, string] => [`builtInReply(${q})`, builtInReply(q, 'zh-CN', h)])),
    ];
    expect(texts.length).toBeGreaterThan(5);
    expect(offenders(texts)).toEqual([]);
  });

  it('server sources: every Chinese string literal the server can send', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) files.push(p);
      }
    };
    walk(path.join(ROOT, 'src'));
    const found: [string, string][] = [];
    for (const f of files) {
      fs.readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.trim();
          // comments and API documentation (English prose naming Chinese terms) are not texts anyone reads in zh-CN
          if (/^(\/\/|\*|\/\*)/.test(code) || /\.describe\(|summary:|description:|DomainError\(/.test(code)) return;
          for (const m of code.matchAll(/'([^'\\]|\\.)*'|`([^`\\]|\\.)*`|"([^"\\]|\\.)*"/g)) {
            if (/\p{Script=Han}/u.test(m[0])) found.push([`${path.relative(ROOT, f)}:${i + 1}`, m[0]]);
          }
        });
    }
    expect(found.length).toBeGreaterThan(10);
    expect(offenders(found)).toEqual([]);
  });

  it('the zh-CN NLP pack’s rewrites the console offers for 禁语', () => {
    const pack = JSON.parse(fs.readFileSync(path.join(ROOT, 'nlp/packs/zh-CN/forbidden.json'), 'utf8'));
    const texts = strings(pack.forbidden.suggestions, 'forbidden.suggestions');
    expect(texts.length).toBeGreaterThanOrEqual(6);
    // "{agentNo},很高兴": a placeholder before the comma counts as Chinese text too
    expect(offenders(texts.map(([w, t]) => [w, t.replace(/\{\w+\}/g, '号')]))).toEqual([]);
  });

  it('the zh-CN 质检 pack’s suggestions and descriptions the console shows with each finding', () => {
    const pack = JSON.parse(fs.readFileSync(path.join(ROOT, 'qa/packs/zh-CN.json'), 'utf8'));
    const texts = (pack.rules as { id: string; suggestion?: string; description?: string }[]).flatMap((r) => [
      ...(r.suggestion ? [[`${r.id}.suggestion`, r.suggestion] as [string, string]] : []),
      ...(r.description ? [[`${r.id}.description`, r.description] as [string, string]] : []),
    ]);
    expect(texts.length).toBeGreaterThanOrEqual(30);
    expect(offenders(texts)).toEqual([]);
  });

  it('the widget’s and the console’s zh-CN words', async () => {
    const widget = await load('widget/src/i18n.ts');
    const console = await load('web/src/i18n/zh-CN.ts');
    const texts = [...strings((widget.textsFor as (l: string) => unknown)('zh-CN'), 'widget'), ...strings(console.zhCN, 'console')];
    expect(texts.length).toBeGreaterThan(100);
    expect(offenders(texts)).toEqual([]);
  });
});
