import type { KnowledgeIndex, KnowledgeSearcher, KnowledgeSearchResult } from '../core/knowledge/types.js';
import { packLocale } from '../nlp/engines.js';
import type { Sql } from '../storage/db.js';
import { enabledArticles, knowledgeVersion } from '../storage/knowledge.js';
import { buildKnowledgeIndex } from './search.js';

interface Entry {
  version: number;
  index: KnowledgeIndex;
  checkedAt: number;
  /** A rebuild in flight (single flight: every search that needs it waits on the same one). */
  building: Promise<KnowledgeIndex> | null;
}

/**
 * Per workspace (and pack locale), the search index over its enabled articles, kept in
 * this process. Fresh across instances: every change to a workspace's articles bumps
 * `knowledge_versions` in its transaction, and a search looks at that number (one indexed
 * read) at most every `checkMs`; this instance's own changes are seen at once
 * (`invalidate`). When the version moved the index is rebuilt once, whoever asks; a
 * small workspace's searches wait for it (a few ms) so an admin's edit answers at once,
 * a big one's (over `staleOverArticles` articles) keep using the previous index meanwhile.
 */
export class KnowledgeService implements KnowledgeSearcher {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly db: Sql,
    private readonly opts: { checkMs?: number; staleOverArticles?: number; onBuilt?: (workspaceId: number, articles: number, ms: number) => void } = {},
  ) {}

  async search(workspaceId: number, query: string, opts: { limit?: number; locale?: string | null } = {}): Promise<KnowledgeSearchResult> {
    const index = await this.index(workspaceId, opts.locale);
    if (index.size === 0) return { answered: false, results: [] };
    return index.search(query, opts.limit ?? 5);
  }

  async index(workspaceId: number, locale?: string | null): Promise<KnowledgeIndex> {
    const lang = packLocale(locale);
    const key = `${workspaceId}:${lang}`;
    const entry = this.entries.get(key);
    const checkMs = this.opts.checkMs ?? 1000;
    if (entry && !entry.building && Date.now() - entry.checkedAt < checkMs) return entry.index;
    if (entry?.building) return entry.index.size > (this.opts.staleOverArticles ?? 1000) ? entry.index : entry.building;
    const version = await knowledgeVersion(this.db, workspaceId);
    const current = this.entries.get(key);
    if (current && current.version === version) {
      current.checkedAt = Date.now();
      return current.index;
    }
    if (current?.building) return current.index.size > (this.opts.staleOverArticles ?? 1000) ? current.index : current.building;
    const building = this.build(workspaceId, lang, version);
    if (current) {
      current.building = building;
      if (current.index.size > (this.opts.staleOverArticles ?? 1000)) return current.index;
    } else {
      this.entries.set(key, { version: -1, index: buildKnowledgeIndex([], lang), checkedAt: 0, building });
    }
    return building;
  }

  private async build(workspaceId: number, lang: 'zh-CN' | 'en', version: number): Promise<KnowledgeIndex> {
    const key = `${workspaceId}:${lang}`;
    try {
      const started = Date.now();
      const articles = await enabledArticles(this.db, workspaceId);
      const index = buildKnowledgeIndex(articles, lang);
      this.opts.onBuilt?.(workspaceId, articles.length, Date.now() - started);
      this.entries.set(key, { version, index, checkedAt: Date.now(), building: null });
      return index;
    } catch (err) {
      const e = this.entries.get(key);
      if (e) e.building = null;
      throw err;
    }
  }

  /** This instance changed the workspace's articles: the next search looks at the version at once. */
  invalidate(workspaceId: number): void {
    for (const [key, e] of this.entries) if (key.startsWith(`${workspaceId}:`)) e.checkedAt = 0;
  }
}
