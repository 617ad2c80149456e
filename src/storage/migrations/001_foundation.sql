-- Foundation schema: workspaces, agents, inboxes, contacts, conversations, messages,
-- attachments and the append-only domain event log. Runs on PGlite and PostgreSQL alike.

CREATE TABLE workspaces (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  locale      text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id   bigint NOT NULL REFERENCES workspaces(id),
  email          text NOT NULL,
  name           text NOT NULL,
  agent_no       text,                       -- 工号
  role           text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
  password_hash  text NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  availability   text NOT NULL DEFAULT 'offline' CHECK (availability IN ('online', 'away', 'offline')),
  last_seen_at   timestamptz,                -- heartbeat while a console connection is open (any instance)
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Login is by e-mail alone, so an address belongs to one agent across workspaces.
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));
CREATE UNIQUE INDEX agents_agent_no_key ON agents (workspace_id, agent_no) WHERE agent_no IS NOT NULL;

CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,             -- sha256 of the bearer token; the token itself is never stored
  agent_id    bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  user_agent  text
);
CREATE INDEX sessions_agent_idx ON sessions (agent_id);

CREATE TABLE inboxes (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  name          text NOT NULL,
  channel_type  text NOT NULL DEFAULT 'web' CHECK (channel_type IN ('web', 'api')),
  token         text NOT NULL UNIQUE,
  settings      jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id   bigint NOT NULL REFERENCES workspaces(id),
  inbox_id       bigint REFERENCES inboxes(id),
  name           text,
  email          text,
  phone          text,
  token_hash     text UNIQUE,               -- sha256 of the visitor token kept in the widget's localStorage
  attributes     jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz
);
CREATE INDEX contacts_workspace_idx ON contacts (workspace_id, id);

CREATE TABLE conversations (
  id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id          bigint NOT NULL REFERENCES workspaces(id),
  inbox_id              bigint NOT NULL REFERENCES inboxes(id),
  contact_id            bigint NOT NULL REFERENCES contacts(id),
  status                text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved')),
  assignee_id           bigint REFERENCES agents(id),
  channel               text NOT NULL DEFAULT 'web',
  last_seq              integer NOT NULL DEFAULT 0,   -- seq of the newest message; the row lock orders messages
  unread_count          integer NOT NULL DEFAULT 0,
  last_message_at       timestamptz,
  last_message_preview  text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  resolved_at           timestamptz
);
CREATE INDEX conversations_list_idx ON conversations (workspace_id, status, updated_at DESC, id DESC);
CREATE INDEX conversations_assignee_idx ON conversations (assignee_id, status);
CREATE INDEX conversations_contact_idx ON conversations (contact_id, id DESC);

CREATE TABLE messages (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id       bigint NOT NULL,
  conversation_id    bigint NOT NULL REFERENCES conversations(id),
  seq                integer NOT NULL,
  sender_type        text NOT NULL CHECK (sender_type IN ('customer', 'agent', 'bot', 'system')),
  sender_id          bigint,
  content            text NOT NULL DEFAULT '',
  content_type       text NOT NULL DEFAULT 'text' CHECK (content_type IN ('text', 'image', 'file')),
  private            boolean NOT NULL DEFAULT false,
  attachments        jsonb NOT NULL DEFAULT '[]',
  client_message_id  text,
  channel            text NOT NULL DEFAULT 'web',
  created_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_seq_key UNIQUE (conversation_id, seq),
  -- a resend with the same client id finds the original instead of making a copy
  CONSTRAINT messages_client_id_key UNIQUE (conversation_id, client_message_id)
);

-- Blob store: attachments live in the database by default so every instance sees them.
CREATE TABLE attachments (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspaces(id),
  key              text NOT NULL UNIQUE,      -- unguessable part of the capability URL
  uploader_type    text NOT NULL CHECK (uploader_type IN ('customer', 'agent', 'bot', 'system')),
  uploader_id      bigint,
  message_id       bigint REFERENCES messages(id),
  filename         text NOT NULL,
  content_type     text NOT NULL,
  size             integer NOT NULL,
  data             bytea NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Append-only domain event log, written in the same transaction as the change it records.
CREATE TABLE events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL,
  type             text NOT NULL,
  conversation_id  bigint,
  actor_type       text NOT NULL,
  actor_id         bigint,
  data             jsonb NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_workspace_idx ON events (workspace_id, id);
CREATE INDEX events_conversation_idx ON events (conversation_id, id) WHERE conversation_id IS NOT NULL;
