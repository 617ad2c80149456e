import type { ArticleView, KnowledgeArticle, UnansweredQuestion } from '../core/knowledge/types.js';

export type { ArticleView, UnansweredQuestion };
import { maybeOne, one, type Row, type Sql } from './db.js';

/** 知识库 read side. Every query is scoped to a workspace. */


const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

export const ARTICLE_COLUMNS = `k.id, k.question, k.similar_questions, k.answer, k.category, k.enabled, k.created_at, k.updated_at,
  (SELECT count(*) FROM knowledge_feedback f WHERE f.article_id = k.id AND f.helpful) AS helpful,
  (SELECT count(*) FROM knowledge_feedback f WHERE f.article_id = k.id AND NOT f.helpful) AS unhelpful`;

export function toArticle(r: Row): ArticleView {
  return {
    id: Number(r.id),
    question: r.question,
    similarQuestions: (r.similar_questions ?? []) as string[],
    answer: r.answer,
    category: r.category ?? null,
    enabled: r.enabled,
    helpful: Number(r.helpful ?? 0),
    unhelpful: Number(r.unhelpful ?? 0),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** `%`, `_` and `\` in a user's search text match themselves. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export async function listArticles(
  sql: Sql,
  workspaceId: number,
  q: { category?: string; text?: string; enabled?: boolean; limit: number; offset: number },
): Promise<{ articles: ArticleView[]; total: number }> {
  const where = ['k.workspace_id = $1'];
  const params: unknown[] = [workspaceId];
  if (q.category !== undefined) {
    params.push(q.category);
    where.push(`k.category = $${params.length}`);
  }
  if (q.enabled !== undefined) {
    params.push(q.enabled);
    where.push(`k.enabled = $${params.length}`);
  }
  if (q.text) {
    params.push(likePattern(q.text));
    const p = `$${params.length}`;
    where.push(`(k.question ILIKE ${p} ESCAPE '\\' OR k.answer ILIKE ${p} ESCAPE '\\' OR k.similar_questions::text ILIKE ${p} ESCAPE '\\')`);
  }
  const total = await one(sql, `SELECT count(*) AS n FROM knowledge_articles k WHERE ${where.join(' AND ')}`, params);
  params.push(q.limit, q.offset);
  const rows = await sql.query(
    `SELECT ${ARTICLE_COLUMNS} FROM knowledge_articles k WHERE ${where.join(' AND ')} ORDER BY k.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { articles: rows.map(toArticle), total: Number(total.n) };
}

export async function getArticle(sql: Sql, workspaceId: number, id: number): Promise<ArticleView | null> {
  const row = await maybeOne(sql, `SELECT ${ARTICLE_COLUMNS} FROM knowledge_articles k WHERE k.id = $1 AND k.workspace_id = $2`, [id, workspaceId]);
  return row ? toArticle(row) : null;
}

export async function allArticles(sql: Sql, workspaceId: number): Promise<ArticleView[]> {
  return (await sql.query(`SELECT ${ARTICLE_COLUMNS} FROM knowledge_articles k WHERE k.workspace_id = $1 ORDER BY k.id`, [workspaceId])).map(toArticle);
}

/** What the search index is built from: the enabled articles. */
export async function enabledArticles(sql: Sql, workspaceId: number): Promise<KnowledgeArticle[]> {
  const rows = await sql.query(
    'SELECT id, question, similar_questions, answer, category, enabled FROM knowledge_articles WHERE workspace_id = $1 AND enabled ORDER BY id',
    [workspaceId],
  );
  return rows.map((r) => ({ id: Number(r.id), question: r.question, similarQuestions: r.similar_questions ?? [], answer: r.answer, category: r.category ?? null, enabled: true }));
}

export async function listCategories(sql: Sql, workspaceId: number): Promise<{ name: string; count: number }[]> {
  const rows = await sql.query('SELECT category, count(*) AS n FROM knowledge_articles WHERE workspace_id = $1 AND category IS NOT NULL GROUP BY category ORDER BY category', [workspaceId]);
  return rows.map((r) => ({ name: r.category, count: Number(r.n) }));
}

/** The workspace's 知识库 version: moves with every change to its articles (0 before the first). */
export async function knowledgeVersion(sql: Sql, workspaceId: number): Promise<number> {
  const row = await maybeOne(sql, 'SELECT version FROM knowledge_versions WHERE workspace_id = $1', [workspaceId]);
  return row ? Number(row.version) : 0;
}

/** Inside the transaction of a change: the other instances' indexes see the version move and rebuild. */
export async function bumpKnowledgeVersion(sql: Sql, workspaceId: number): Promise<void> {
  await sql.query(
    `INSERT INTO knowledge_versions (workspace_id, version) VALUES ($1, 1)
     ON CONFLICT (workspace_id) DO UPDATE SET version = knowledge_versions.version + 1`,
    [workspaceId],
  );
}

export function toUnanswered(r: Row): UnansweredQuestion {
  return {
    id: Number(r.id),
    question: r.question,
    count: Number(r.count),
    lastConversationId: r.last_conversation_id === null ? null : Number(r.last_conversation_id),
    lastSeenAt: iso(r.last_seen_at),
    articleId: r.article_id === null ? null : Number(r.article_id),
  };
}

/** 未解决问题 not yet turned into an article: the most asked first, then the most recent. */
export async function listUnanswered(sql: Sql, workspaceId: number, q: { limit: number; offset: number }): Promise<{ questions: UnansweredQuestion[]; total: number }> {
  const total = await one(sql, 'SELECT count(*) AS n FROM knowledge_unanswered WHERE workspace_id = $1 AND article_id IS NULL', [workspaceId]);
  const rows = await sql.query(
    `SELECT * FROM knowledge_unanswered WHERE workspace_id = $1 AND article_id IS NULL ORDER BY count DESC, last_seen_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [workspaceId, q.limit, q.offset],
  );
  return { questions: rows.map(toUnanswered), total: Number(total.n) };
}
