import { csvToArticles, type CsvRowError } from '../core/knowledge/csv.js';
import { DomainError, notFound } from '../core/errors.js';
import { pendingEvent, type PendingEvent } from '../core/events.js';
import { assertAdmin, type Caller } from '../core/permissions.js';
import { maybeOne, one, isUniqueViolation, type Sql } from '../storage/db.js';
import { bumpKnowledgeVersion, getArticle, toUnanswered, type ArticleView, type UnansweredQuestion } from '../storage/knowledge.js';
import { runCommand, type CommandContext } from './context.js';
import { agentActor } from './conversations.js';

export interface ArticleInput {
  question: string;
  similarQuestions: string[];
  answer: string;
  category?: string | null;
  enabled?: boolean;
}

/** Similar questions: trimmed, blanks, repeats and the standard question itself dropped. */
function cleanSimilar(question: string, similar: string[]): string[] {
  const out: string[] = [];
  for (const s of similar) {
    const q = s.trim();
    if (q && q !== question && !out.includes(q)) out.push(q);
  }
  return out;
}

const duplicateQuestion = () => new DomainError('duplicate_question', 'another article already has this standard question: edit that one, or word this one differently', 409);

/** A unique violation on the standard question is a 409 the caller can act on. */
async function refusingDuplicates<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err, 'knowledge_articles_question')) throw duplicateQuestion();
    throw err;
  }
}

function changed(caller: Caller, article: { id: number; question: string } | null, action: 'created' | 'updated' | 'deleted' | 'imported', fields: string[], count = 1): PendingEvent {
  return pendingEvent('knowledge.article_changed', {
    workspaceId: caller.workspaceId,
    actor: agentActor(caller),
    data: { articleId: article?.id ?? null, action, fields, count },
    subject: { id: article?.id ?? null, question: article?.question ?? null },
  });
}

async function insertArticle(sql: Sql, workspaceId: number, input: ArticleInput): Promise<ArticleView> {
  const question = input.question.trim();
  const row = await one(
    sql,
    `INSERT INTO knowledge_articles (workspace_id, question, similar_questions, answer, category, enabled)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING id`,
    [workspaceId, question, JSON.stringify(cleanSimilar(question, input.similarQuestions)), input.answer.trim(), input.category?.trim() || null, input.enabled ?? true],
  );
  return (await getArticle(sql, workspaceId, Number(row.id)))!;
}

export async function createArticle(ctx: CommandContext, caller: Caller, input: ArticleInput): Promise<ArticleView> {
  assertAdmin(caller);
  const article = await refusingDuplicates(() =>
    runCommand(ctx, async (sql) => {
      if (await maybeOne(sql, 'SELECT 1 FROM knowledge_articles WHERE workspace_id = $1 AND question = $2', [caller.workspaceId, input.question.trim()])) throw duplicateQuestion();
      const article = await insertArticle(sql, caller.workspaceId, input);
      await bumpKnowledgeVersion(sql, caller.workspaceId);
      return { result: article, events: [changed(caller, article, 'created', ['question', 'similarQuestions', 'answer', 'category', 'enabled'])] };
    }),
  );
  ctx.knowledge?.invalidate(caller.workspaceId);
  return article;
}

export async function updateArticle(ctx: CommandContext, caller: Caller, id: number, patch: Partial<ArticleInput>): Promise<ArticleView> {
  assertAdmin(caller);
  const article = await refusingDuplicates(() =>
    runCommand(ctx, async (sql) => {
      const current = await maybeOne(sql, 'SELECT * FROM knowledge_articles WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [id, caller.workspaceId]);
      if (!current) throw notFound('article');
      const question = patch.question?.trim() ?? current.question;
      if (question !== current.question && (await maybeOne(sql, 'SELECT 1 FROM knowledge_articles WHERE workspace_id = $1 AND question = $2', [caller.workspaceId, question]))) {
        throw duplicateQuestion();
      }
      const similar = cleanSimilar(question, patch.similarQuestions ?? current.similar_questions);
      const category = patch.category === undefined ? current.category : patch.category?.trim() || null;
      await sql.query(
        `UPDATE knowledge_articles SET question = $2, similar_questions = $3::jsonb, answer = $4, category = $5, enabled = $6, updated_at = now() WHERE id = $1`,
        [id, question, JSON.stringify(similar), patch.answer?.trim() ?? current.answer, category, patch.enabled ?? current.enabled],
      );
      await bumpKnowledgeVersion(sql, caller.workspaceId);
      const article = (await getArticle(sql, caller.workspaceId, id))!;
      const fields = Object.keys(patch).filter((k) => patch[k as keyof ArticleInput] !== undefined);
      return { result: article, events: [changed(caller, article, 'updated', fields)] };
    }),
  );
  ctx.knowledge?.invalidate(caller.workspaceId);
  return article;
}

export async function deleteArticle(ctx: CommandContext, caller: Caller, id: number): Promise<void> {
  assertAdmin(caller);
  await runCommand(ctx, async (sql) => {
    const row = await maybeOne(sql, 'DELETE FROM knowledge_articles WHERE id = $1 AND workspace_id = $2 RETURNING id, question', [id, caller.workspaceId]);
    if (!row) throw notFound('article');
    await bumpKnowledgeVersion(sql, caller.workspaceId);
    return { result: undefined, events: [changed(caller, { id: Number(row.id), question: row.question }, 'deleted', [])] };
  });
  ctx.knowledge?.invalidate(caller.workspaceId);
}

export interface ImportReport {
  /** Data rows read (blank lines not counted). */
  rows: number;
  created: number;
  updated: number;
  /** Rows not imported, with why; the others were imported. */
  errors: CsvRowError[];
}

/**
 * CSV import: every good row is upserted by its standard question (an existing article
 * gets the row's similar questions, answer, category and 启用), in one transaction with
 * one event; bad rows are reported by row number and skipped.
 */
export async function importArticles(ctx: CommandContext, caller: Caller, csv: string, maxRows: number): Promise<ImportReport> {
  assertAdmin(caller);
  const { articles, errors } = csvToArticles(csv);
  if (articles.length + errors.length > maxRows) {
    throw new DomainError('too_many_rows', `the file has ${articles.length + errors.length} rows; import at most ${maxRows} at a time`, 400, { limit: maxRows });
  }
  if (articles.length === 0) return { rows: errors.length, created: 0, updated: 0, errors };
  const report = await runCommand(ctx, async (sql) => {
    const rows = await sql.query(
      `INSERT INTO knowledge_articles (workspace_id, question, similar_questions, answer, category, enabled)
       SELECT $1, x.question, x.similars, x.answer, x.category, x.enabled
       FROM jsonb_to_recordset($2::jsonb) AS x(question text, similars jsonb, answer text, category text, enabled boolean)
       ON CONFLICT (workspace_id, question) DO UPDATE SET similar_questions = EXCLUDED.similar_questions, answer = EXCLUDED.answer,
         category = EXCLUDED.category, enabled = EXCLUDED.enabled, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [caller.workspaceId, JSON.stringify(articles.map((a) => ({ question: a.question, similars: a.similarQuestions, answer: a.answer, category: a.category, enabled: a.enabled })))],
    );
    const created = rows.filter((r) => r.inserted).length;
    await bumpKnowledgeVersion(sql, caller.workspaceId);
    return {
      result: { rows: articles.length + errors.length, created, updated: rows.length - created, errors },
      events: [changed(caller, null, 'imported', ['question', 'similarQuestions', 'answer', 'category', 'enabled'], rows.length)],
    };
  });
  ctx.knowledge?.invalidate(caller.workspaceId);
  return report;
}

/** The normalised form unanswered questions are counted by: no spaces or punctuation, lower case. */
export function unansweredKey(normalized: string): string {
  return normalized.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '').slice(0, 200);
}

/**
 * The bot could not answer `question`: counted under its normalised form, with the
 * conversation. The same customer message counted twice (a redelivery) counts once.
 */
export async function recordUnanswered(
  ctx: CommandContext,
  at: { workspaceId: number; conversationId: number; messageId: number },
  question: string,
  key: string,
): Promise<UnansweredQuestion | null> {
  if (!key) return null;
  const { workspaceId, conversationId, messageId } = at;
  return runCommand(ctx, async (sql) => {
    const seen = await maybeOne(sql, 'SELECT last_message_id FROM knowledge_unanswered WHERE workspace_id = $1 AND normalized = $2 FOR UPDATE', [workspaceId, key]);
    if (seen && Number(seen.last_message_id) === messageId) return { result: null, events: [] };
    const row = await one(
      sql,
      `INSERT INTO knowledge_unanswered (workspace_id, normalized, question, last_conversation_id, last_message_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, normalized) DO UPDATE SET count = knowledge_unanswered.count + 1, question = EXCLUDED.question,
         last_conversation_id = EXCLUDED.last_conversation_id, last_message_id = EXCLUDED.last_message_id, last_seen_at = now(), article_id = NULL
       RETURNING *`,
      [workspaceId, key, question.trim().slice(0, 500), conversationId, messageId],
    );
    const q = toUnanswered(row);
    const event = pendingEvent('knowledge.unanswered_recorded', {
      workspaceId,
      conversationId,
      actor: { type: 'bot', id: null },
      data: { unansweredId: q.id, count: q.count, articleId: null },
      subject: { id: q.id, question: q.question, count: q.count },
    });
    return { result: q, events: [event] };
  });
}

/** 一键生成知识: an article from an unanswered question (the admin's edits in `input`); the question leaves the list. */
export async function articleFromUnanswered(ctx: CommandContext, caller: Caller, id: number, input: Partial<ArticleInput> & { answer: string }): Promise<ArticleView> {
  assertAdmin(caller);
  const article = await refusingDuplicates(() =>
    runCommand(ctx, async (sql) => {
      const q = await maybeOne(sql, 'SELECT * FROM knowledge_unanswered WHERE id = $1 AND workspace_id = $2 FOR UPDATE', [id, caller.workspaceId]);
      if (!q) throw notFound('unanswered_question');
      if (q.article_id !== null) throw new DomainError('already_answered', 'this question was already turned into an article', 409, { articleId: Number(q.article_id) });
      const question = (input.question ?? q.question).trim();
      if (await maybeOne(sql, 'SELECT 1 FROM knowledge_articles WHERE workspace_id = $1 AND question = $2', [caller.workspaceId, question])) throw duplicateQuestion();
      const similar = input.similarQuestions ?? (question === q.question.trim() ? [] : [q.question]);
      const article = await insertArticle(sql, caller.workspaceId, { question, similarQuestions: similar, answer: input.answer, category: input.category, enabled: input.enabled });
      await sql.query('UPDATE knowledge_unanswered SET article_id = $2 WHERE id = $1', [id, article.id]);
      await bumpKnowledgeVersion(sql, caller.workspaceId);
      return {
        result: article,
        events: [
          changed(caller, article, 'created', ['question', 'similarQuestions', 'answer', 'category', 'enabled']),
          pendingEvent('knowledge.unanswered_recorded', {
            workspaceId: caller.workspaceId,
            actor: agentActor(caller),
            data: { unansweredId: id, count: Number(q.count), articleId: article.id },
            subject: { id, question: q.question, count: Number(q.count) },
          }),
        ],
      };
    }),
  );
  ctx.knowledge?.invalidate(caller.workspaceId);
  return article;
}

/**
 * 有帮助 / 没帮助 on one of the bot's answers in the contact's own conversation: once per
 * message, a second rating replaces the first.
 */
export async function giveFeedback(
  ctx: CommandContext,
  who: { workspaceId: number; contactId: number; conversationId: number },
  messageId: number,
  helpful: boolean,
): Promise<{ messageId: number; articleId: number; helpful: boolean }> {
  return runCommand(ctx, async (sql) => {
    const m = await maybeOne(
      sql,
      `SELECT m.id, m.sender_type, m.meta FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.id = $1 AND m.conversation_id = $2 AND c.contact_id = $3 AND c.workspace_id = $4`,
      [messageId, who.conversationId, who.contactId, who.workspaceId],
    );
    if (!m) throw notFound('message');
    const articleId = m.sender_type === 'bot' && m.meta?.bot?.kind === 'answer' ? Number(m.meta.bot.articleId) : null;
    if (!articleId) throw new DomainError('not_an_answer', 'only the bot’s answers from the knowledge base can be rated', 400);
    const article = await maybeOne(sql, 'SELECT id FROM knowledge_articles WHERE id = $1 AND workspace_id = $2', [articleId, who.workspaceId]);
    if (!article) throw notFound('article');
    await sql.query(
      `INSERT INTO knowledge_feedback (message_id, workspace_id, article_id, helpful) VALUES ($1, $2, $3, $4)
       ON CONFLICT (message_id) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = now()`,
      [messageId, who.workspaceId, articleId, helpful],
    );
    const data = { messageId, articleId, helpful };
    return {
      result: data,
      events: [pendingEvent('knowledge.feedback_given', { workspaceId: who.workspaceId, conversationId: who.conversationId, actor: { type: 'customer', id: who.contactId }, data, subject: data })],
    };
  });
}

