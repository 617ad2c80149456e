import type { IntentExample, NlpEngine } from '../core/nlp/index.js';
import type { Sql } from '../storage/db.js';
import { nlpFor, packLocale } from './engines.js';
import { createNlpEngine } from './index.js';

/**
 * A workspace's NLP engine. A workspace whose admins taught intent examples (分析实验室) gets its
 * own engine: the pack's examples plus theirs; every other workspace shares the process's
 * (nlpFor). Each call checks the examples' version (count and newest id, one indexed query), so
 * an example added on another instance is used here on the next call, without messages between
 * instances. Engines are kept per database (tests run two apps in one process).
 */
interface Entry {
  version: string;
  engine: Promise<NlpEngine>;
  trainedMs?: number;
}

const caches = new WeakMap<object, Map<string, Entry>>();
/** Workspace engines kept per process (a few MB each); the least recently used goes first. */
export const MAX_WORKSPACE_ENGINES = 32;

export interface WorkspaceEngine {
  engine: NlpEngine;
  /** Examples the workspace added (0: the shared engine). */
  examples: number;
  locale: 'zh-CN' | 'en';
}

export async function workspaceNlp(db: Sql, workspaceId: number, locale: string | null | undefined): Promise<WorkspaceEngine> {
  const pack = packLocale(locale);
  const v = (await db.query('SELECT count(*)::int AS n, COALESCE(max(id), 0)::bigint AS m FROM nlp_intent_examples WHERE workspace_id = $1 AND locale = $2', [workspaceId, pack]))[0];
  const n = Number(v?.n ?? 0);
  if (n === 0) return { engine: nlpFor(pack), examples: 0, locale: pack };
  const version = `${n}:${v.m}`;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const key = `${workspaceId}:${pack}`;
  let entry = cache.get(key);
  if (!entry || entry.version !== version) {
    const fresh: Entry = { version, engine: Promise.resolve(null as never) };
    fresh.engine = (async () => {
      const rows = await db.query('SELECT label, text FROM nlp_intent_examples WHERE workspace_id = $1 AND locale = $2 ORDER BY id', [workspaceId, pack]);
      const engine = createNlpEngine(pack);
      fresh.trainedMs = engine.retrain(rows.map((r): IntentExample => ({ label: r.label, text: r.text }))).ms;
      return engine;
    })();
    fresh.engine.catch(() => cache.get(key) === fresh && cache.delete(key)); // a failed load is tried again on the next call
    cache.set(key, fresh);
    entry = fresh;
    if (cache.size > MAX_WORKSPACE_ENGINES) cache.delete(cache.keys().next().value!);
  } else {
    cache.delete(key); // most recently used last
    cache.set(key, entry);
  }
  return { engine: await entry.engine, examples: n, locale: pack };
}
