/**
 * The knowledge base's vocabulary (知识库). Pure: what an article is and what a search
 * answers. The retrieval itself (BM25 over segmented text with synonyms, fused with
 * character n-grams and pinyin) lives in this folder; the adapter in src/knowledge builds
 * it with jieba, OpenCC and pinyin-pro.
 */
export interface KnowledgeArticle {
  id: number;
  /** 标准问题 */
  question: string;
  /** 相似问法 */
  similarQuestions: string[];
  /** 答案: text; links and images as Markdown-style `[text](url)` / `![alt](url)`. */
  answer: string;
  category: string | null;
  enabled: boolean;
}

/** An article as the API returns it: with its feedback counts and times. */
export interface ArticleView extends KnowledgeArticle {
  /** 有帮助 / 没帮助 given to the bot's answers from this article. */
  helpful: number;
  unhelpful: number;
  createdAt: string;
  updatedAt: string;
}

/** A question the bot could not answer (未解决问题), counted per workspace. */
export interface UnansweredQuestion {
  id: number;
  question: string;
  count: number;
  lastConversationId: number | null;
  lastSeenAt: string;
  /** The article made from it (一键生成知识), once there is one. */
  articleId: number | null;
}

export interface KnowledgeHit {
  articleId: number;
  /** The article's standard question. */
  question: string;
  /** Higher is better, in [0, 1]; comparable within one index. */
  score: number;
}

export interface KnowledgeSearchResult {
  /** Whether the bot would answer on its own: the first result is above the confidence threshold. */
  answered: boolean;
  /** Ranked best first, whatever `answered` says. */
  results: KnowledgeHit[];
}

/** An index over one workspace's enabled articles. Built once, searched many times. */
export interface KnowledgeIndex {
  readonly size: number;
  search(query: string, limit?: number): KnowledgeSearchResult;
}

/** The per-workspace search the bot and the API use (src/knowledge/service.ts keeps the indexes fresh). */
export interface KnowledgeSearcher {
  search(workspaceId: number, query: string, opts?: { limit?: number; locale?: string | null }): Promise<KnowledgeSearchResult>;
  /** This instance changed the workspace's articles. */
  invalidate(workspaceId: number): void;
}
