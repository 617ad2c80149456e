-- Full-text search (docs/search.md): each message's terms, cut by jieba's search mode in the
-- application (PostgreSQL's text search cannot segment Chinese), kept beside the message by
-- the `search.index` consumer. A query matches the messages holding all of its terms
-- (terms @> query, through the GIN index); private notes are marked for the permission check.
CREATE TABLE message_terms (
  message_id       bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  workspace_id     bigint NOT NULL REFERENCES workspaces(id),
  conversation_id  bigint NOT NULL,
  private          boolean NOT NULL,
  -- the message's time, here too: a date filter narrows the candidates before any join
  created_at       timestamptz NOT NULL,
  terms            text[] NOT NULL
);
CREATE INDEX message_terms_terms_idx ON message_terms USING gin (terms);
CREATE INDEX message_terms_conversation_idx ON message_terms (conversation_id);
