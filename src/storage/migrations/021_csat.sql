-- 满意度 (CSAT): one rating per conversation, changeable by the customer for 24 hours.
-- agent_id: who the conversation was with when it was rated (reports per agent);
-- reasons keep the inbox's zh-CN wording, whatever language the customer rated in.
CREATE TABLE csat_ratings (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspaces(id),
  conversation_id  bigint NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE,
  inbox_id         bigint NOT NULL REFERENCES inboxes(id),
  contact_id       bigint NOT NULL REFERENCES contacts(id),
  agent_id         bigint REFERENCES agents(id) ON DELETE SET NULL,
  score            smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  reasons          jsonb NOT NULL DEFAULT '[]',
  comment          text,
  source           text NOT NULL CHECK (source IN ('close', 'invite')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX csat_ratings_agent_idx ON csat_ratings (workspace_id, agent_id, created_at);
CREATE INDEX csat_ratings_workspace_idx ON csat_ratings (workspace_id, created_at);
