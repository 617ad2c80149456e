-- Agent assist (docs/agent-assist.md): what the NLP core read in each customer message,
-- written once per message by the message-analysis consumer (a redelivery finds the row).
CREATE TABLE message_analyses (
  message_id         bigint PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  workspace_id       bigint NOT NULL,
  conversation_id    bigint NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  intent             text NOT NULL,
  intent_confidence  double precision NOT NULL,
  emotion            text NOT NULL,
  emotion_intensity  double precision NOT NULL,
  signals            jsonb NOT NULL DEFAULT '[]',
  analyzed_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_analyses_conversation_idx ON message_analyses (conversation_id, message_id);

-- Each conversation's current picture, kept apart from the hot conversations row:
-- latest intent that matters, current emotion, signals seen, the strongest anger.
CREATE TABLE conversation_insights (
  conversation_id    bigint PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
  workspace_id       bigint NOT NULL,
  intent             text,
  intent_confidence  double precision,
  complaint          boolean NOT NULL DEFAULT false,
  emotion            text NOT NULL,
  emotion_intensity  double precision NOT NULL,
  signals            jsonb NOT NULL DEFAULT '[]',
  max_anger          double precision NOT NULL DEFAULT 0,
  analyzed           integer NOT NULL DEFAULT 0,
  last_message_id    bigint NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
