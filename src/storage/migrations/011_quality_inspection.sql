-- 智能质检 (docs/quality-inspection.md). Every conversation is inspected each time it is
-- resolved: one row per resolution (`source_event_id`, the status change it inspects: a
-- redelivered event writes nothing), numbered per conversation (`version`: a reopened and
-- closed-again conversation gets version 2, and every version's score is kept).
CREATE TABLE inspections (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL,
  conversation_id  bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  version          integer NOT NULL,
  source_event_id  bigint NOT NULL UNIQUE,
  agent_id         bigint REFERENCES agents(id),
  group_id         bigint,
  pack_version     text NOT NULL,
  score            integer NOT NULL,
  vetoed           boolean NOT NULL,
  findings         jsonb NOT NULL,
  dimensions       jsonb NOT NULL,
  message_count    integer NOT NULL,
  inspected_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, version)
);
CREATE INDEX inspections_workspace_idx ON inspections (workspace_id, inspected_at DESC);
CREATE INDEX inspections_agent_idx ON inspections (agent_id, inspected_at DESC);

-- Live: an agent message with a 禁语 or a critical finding alerts the group's supervisor once
-- (a redelivered message finds its row and alerts nobody again).
CREATE TABLE qa_live_alerts (
  message_id       bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  workspace_id     bigint NOT NULL,
  conversation_id  bigint NOT NULL,
  findings         jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);
