-- 报表 (docs/reports.md): the rollups the `reports.rollup` consumer keeps from the event log.
-- One row per conversation, its facts folded from its events (src/core/reports/facts.ts), and
-- each agent's spans on it; the agents' online time from their presence changes. Reports
-- aggregate these by the conversation's start in the asked time zone.
CREATE TABLE report_conversations (
  conversation_id                bigint PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  workspace_id                   bigint NOT NULL REFERENCES workspaces(id),
  inbox_id                       bigint NOT NULL,
  contact_id                     bigint NOT NULL,
  channel                        text NOT NULL,
  group_id                       bigint,
  agent_id                       bigint,
  first_responder_id             bigint,
  started_at                     timestamptz NOT NULL,
  first_customer_at              timestamptz,
  human_wait_at                  timestamptz,
  first_response_seconds         double precision,
  first_response_business_seconds double precision,
  responses                      integer NOT NULL,
  response_seconds               double precision NOT NULL,
  resolved_at                    timestamptz,
  resolution_seconds             double precision,
  resolution_business_seconds    double precision,
  reopens                        integer NOT NULL,
  transfers                      integer NOT NULL,
  abandoned                      boolean NOT NULL,
  queued                         boolean NOT NULL,
  bot_handled                    boolean NOT NULL,
  handed_to_human                boolean NOT NULL,
  bot_resolved                   boolean NOT NULL,
  customer_messages              integer NOT NULL,
  agent_messages                 integer NOT NULL,
  bot_messages                   integer NOT NULL,
  hostile                        boolean NOT NULL,
  csat_score                     smallint,
  qa_score                       integer,
  forbidden_rules                text[] NOT NULL,
  -- the newest event folded in: a slower, older fold never overwrites a newer one
  last_event_id                  bigint NOT NULL,
  -- when it was last folded (the benchmark's measure of the consumer's lag)
  rolled_at                      timestamptz NOT NULL DEFAULT now()
);
-- only conversations the customer wrote in count: the index holds only them, with what the
-- overview counts (an index-only scan: a month of a busy workspace without reading the rows)
CREATE INDEX report_conversations_started_idx ON report_conversations (workspace_id, started_at)
  INCLUDE (channel, contact_id, inbox_id, group_id, agent_id, bot_handled, bot_resolved) WHERE customer_messages > 0;

-- the fold in progress (core/reports/facts.ts FoldState), so the next events go on from it; a
-- table of its own, so the reports' scans of report_conversations stay narrow. This table and the
-- spans are the rollup's own, rewritten with their conversation's row in one transaction: no
-- foreign keys (a check per row on every batch, for nothing)
CREATE TABLE report_folds (
  conversation_id  bigint PRIMARY KEY,
  state            jsonb NOT NULL
);

CREATE TABLE report_agent_spans (
  conversation_id  bigint NOT NULL,
  workspace_id     bigint NOT NULL,
  agent_id         bigint NOT NULL,
  started_at       timestamptz NOT NULL,
  ended_at         timestamptz,
  messages         integer NOT NULL,
  PRIMARY KEY (conversation_id, agent_id, started_at)
);
CREATE INDEX report_agent_spans_started_idx ON report_agent_spans (workspace_id, started_at);

-- an agent's time online or away (not offline): from one presence change to the next
CREATE TABLE report_agent_presence (
  workspace_id     bigint NOT NULL,
  agent_id         bigint NOT NULL,
  started_at       timestamptz NOT NULL,
  ended_at         timestamptz,
  source_event_id  bigint NOT NULL UNIQUE
);
CREATE INDEX report_agent_presence_agent_idx ON report_agent_presence (workspace_id, agent_id, started_at);

-- the complaints, visitors and quality reports read their records by time
CREATE INDEX tickets_workspace_created_idx ON tickets (workspace_id, created_at);
CREATE INDEX visits_workspace_started_idx ON visits (workspace_id, started_at) INCLUDE (contact_id, inbox_id);
