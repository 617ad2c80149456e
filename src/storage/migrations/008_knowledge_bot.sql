-- 知识库 (knowledge base) and the bot that answers from it (issue 14).

-- Articles: a standard question, its similar questions, the answer. Per workspace;
-- one article per standard question (CSV import upserts by it).
CREATE TABLE knowledge_articles (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id       bigint NOT NULL REFERENCES workspaces(id),
  question           text NOT NULL,
  similar_questions  jsonb NOT NULL DEFAULT '[]'::jsonb,
  answer             text NOT NULL,
  category           text,
  enabled            boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX knowledge_articles_question ON knowledge_articles (workspace_id, question);
CREATE INDEX knowledge_articles_category ON knowledge_articles (workspace_id, category, id);

-- Bumped in the transaction of every change to a workspace's articles: each instance's
-- search index compares it (one indexed read) and rebuilds when it moved.
CREATE TABLE knowledge_versions (
  workspace_id  bigint PRIMARY KEY REFERENCES workspaces(id),
  version       bigint NOT NULL DEFAULT 0
);

-- 有帮助 / 没帮助 on a bot answer: one per message, changeable.
CREATE TABLE knowledge_feedback (
  message_id    bigint PRIMARY KEY REFERENCES messages(id),
  workspace_id  bigint NOT NULL,
  article_id    bigint NOT NULL REFERENCES knowledge_articles(id) ON DELETE CASCADE,
  helpful       boolean NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_feedback_article ON knowledge_feedback (article_id);

-- 未解决问题: what customers asked that no article answered, counted by normalised text.
CREATE TABLE knowledge_unanswered (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id          bigint NOT NULL REFERENCES workspaces(id),
  normalized            text NOT NULL,
  question              text NOT NULL,
  count                 integer NOT NULL DEFAULT 1,
  last_conversation_id  bigint,
  -- the customer message last counted: a redelivered message counts once
  last_message_id       bigint,
  last_seen_at          timestamptz NOT NULL DEFAULT now(),
  article_id            bigint REFERENCES knowledge_articles(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX knowledge_unanswered_text ON knowledge_unanswered (workspace_id, normalized);
CREATE INDEX knowledge_unanswered_open ON knowledge_unanswered (workspace_id, last_seen_at DESC) WHERE article_id IS NULL;

-- Structured data a client renders with a message: the bot's answer, its "您是不是想问" choices.
ALTER TABLE messages ADD COLUMN meta jsonb;
