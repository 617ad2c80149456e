-- Reception and routing: business hours, skill groups, queues, durable timers,
-- visitor tracking and invitations.

-- 接待上限: the most open conversations an agent takes at once.
ALTER TABLE agents ADD COLUMN max_concurrent integer NOT NULL DEFAULT 5 CHECK (max_concurrent BETWEEN 0 AND 200);
ALTER TABLE agents ADD COLUMN last_assigned_at timestamptz;

ALTER TABLE contacts ADD COLUMN vip boolean NOT NULL DEFAULT false;

-- 工作时间: one calendar serves routing, auto replies and (later) SLA clocks.
CREATE TABLE business_calendars (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  name          text NOT NULL,
  timezone      text NOT NULL,
  weekly        jsonb NOT NULL DEFAULT '{}',
  holidays      jsonb NOT NULL DEFAULT '[]',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- 技能组 / 客服分组
CREATE TABLE skill_groups (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id            bigint NOT NULL REFERENCES workspaces(id),
  name                    text NOT NULL,
  strategy                text NOT NULL DEFAULT 'load_balanced' CHECK (strategy IN ('load_balanced', 'round_robin', 'manual')),
  sticky                  boolean NOT NULL DEFAULT true,     -- returning customers go back to their last agent
  leader_id               bigint REFERENCES agents(id),      -- 组长: escalation target
  last_assigned_agent_id  bigint REFERENCES agents(id),      -- round-robin cursor
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX skill_groups_name_key ON skill_groups (workspace_id, name);

CREATE TABLE skill_group_members (
  group_id    bigint NOT NULL REFERENCES skill_groups(id) ON DELETE CASCADE,
  agent_id    bigint NOT NULL REFERENCES agents(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, agent_id)
);
CREATE INDEX skill_group_members_agent_idx ON skill_group_members (agent_id);

-- Reception settings per inbox: mode, calendar, default group, pre-chat topics,
-- automatic replies, timeouts, invitation rules (validated by the API's schema).
ALTER TABLE inboxes ADD COLUMN reception jsonb NOT NULL DEFAULT '{}';

ALTER TABLE conversations ADD COLUMN handler text NOT NULL DEFAULT 'human' CHECK (handler IN ('bot', 'human', 'offline'));
ALTER TABLE conversations ADD COLUMN group_id bigint REFERENCES skill_groups(id);
ALTER TABLE conversations ADD COLUMN topic text;
ALTER TABLE conversations ADD COLUMN priority integer NOT NULL DEFAULT 0;          -- VIP customers jump the queue
ALTER TABLE conversations ADD COLUMN queued_at timestamptz;                        -- waiting for an agent since
ALTER TABLE conversations ADD COLUMN abandoned_at timestamptz;                     -- the customer left the queue
ALTER TABLE conversations ADD COLUMN waiting_since timestamptz;                    -- oldest customer message not yet answered
ALTER TABLE conversations ADD COLUMN last_customer_message_at timestamptz;
ALTER TABLE conversations ADD COLUMN last_agent_message_at timestamptz;
CREATE INDEX conversations_queue_idx ON conversations (workspace_id, group_id, priority DESC, queued_at, id)
  WHERE queued_at IS NOT NULL;

-- The one durable timer facility: idle close, response timeouts, queue checks now;
-- SLA, promised replies and regulator deadlines later. One pending timer per key;
-- instances claim due timers with FOR UPDATE SKIP LOCKED and a lease.
CREATE TABLE timers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint,
  kind          text NOT NULL,
  key           text NOT NULL,
  due_at        timestamptz NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}',
  version       integer NOT NULL DEFAULT 1,    -- bumped when rescheduled, so a run never deletes a newer schedule
  attempts      integer NOT NULL DEFAULT 0,
  locked_until  timestamptz,
  last_error    text,
  failed_at     timestamptz,                   -- gave up after repeated errors; kept for inspection
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX timers_key_key ON timers (key);
CREATE INDEX timers_due_idx ON timers (due_at) WHERE failed_at IS NULL;

-- 访客: a visit is a browsing session of a contact; page views make the trail (浏览轨迹).
CREATE TABLE visits (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id    bigint NOT NULL REFERENCES workspaces(id),
  inbox_id        bigint NOT NULL REFERENCES inboxes(id),
  contact_id      bigint NOT NULL REFERENCES contacts(id),
  visit_key       text NOT NULL,                -- chosen by the widget; a new one after 30 minutes idle
  source_kind     text NOT NULL DEFAULT 'direct',
  source_name     text,
  search_keyword  text,
  referrer        text,
  landing_page    text,
  utm             jsonb NOT NULL DEFAULT '{}',
  page_views      integer NOT NULL DEFAULT 0,
  invited_at      timestamptz,                  -- an automatic invitation fires at most once per visit
  started_at      timestamptz NOT NULL DEFAULT now(),
  last_seen_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX visits_key_key ON visits (contact_id, visit_key);
CREATE INDEX visits_workspace_idx ON visits (workspace_id, last_seen_at DESC);

CREATE TABLE page_views (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint NOT NULL,
  visit_id      bigint NOT NULL REFERENCES visits(id),
  contact_id    bigint NOT NULL,
  url           text NOT NULL,
  title         text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  ended_at      timestamptz,
  heartbeat_at  timestamptz NOT NULL DEFAULT now()   -- refreshed while the page is open (any instance)
);
CREATE INDEX page_views_visit_idx ON page_views (visit_id, id);
CREATE INDEX page_views_contact_idx ON page_views (contact_id, id DESC);
CREATE INDEX page_views_live_idx ON page_views (workspace_id, heartbeat_at) WHERE ended_at IS NULL;

-- 邀请: automatic or by an agent, and how the visitor answered.
CREATE TABLE invitations (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL,
  contact_id       bigint NOT NULL REFERENCES contacts(id),
  visit_id         bigint REFERENCES visits(id),
  kind             text NOT NULL CHECK (kind IN ('auto', 'agent')),
  rule_id          text,
  agent_id         bigint REFERENCES agents(id),
  message          text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'dismissed', 'expired')),
  conversation_id  bigint REFERENCES conversations(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  answered_at      timestamptz
);
CREATE INDEX invitations_contact_idx ON invitations (contact_id, id DESC);
