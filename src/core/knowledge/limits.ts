/** Limits on 知识库 articles (characters are code points). The API, CSV import and the console share them. */
export const KNOWLEDGE_LIMITS = {
  question: 200,
  answer: 5000,
  category: 50,
  similarCount: 50,
  /** CSV import: the file (bytes of UTF-8) and its rows. */
  importBytes: 2 * 1024 * 1024,
  importRows: 5000,
  query: 500,
} as const;
