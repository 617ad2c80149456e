-- One open conversation per contact and inbox (issue 12, item 2).
--
-- A visitor opening the widget again must find the conversation they have, not
-- start another that takes a seat. An install that ran before this may hold
-- several conversations of one contact in one inbox that have not ended: keep one
-- — the one the customer wrote in most recently, else the newest — and end the
-- others as the system would (resolved, out of the queue, their timers gone), each
-- with a status_changed event (reason 'duplicate') in the log, so the durable
-- consumers see it: routing.drain frees the seats they took.
WITH ranked AS (
  SELECT id, status,
    row_number() OVER (
      PARTITION BY inbox_id, contact_id
      ORDER BY last_customer_message_at DESC NULLS LAST, id DESC) AS rank
  FROM conversations
  WHERE status <> 'resolved'
), ended AS (
  UPDATE conversations c
  SET status = 'resolved', resolved_at = now(), queued_at = NULL, updated_at = now(), event_tx = pg_current_xact_id()
  FROM ranked r
  WHERE c.id = r.id AND r.rank > 1
  RETURNING c.id, c.workspace_id, r.status AS was
), timers_gone AS (
  DELETE FROM timers t USING ended e
  WHERE t.key IN ('response:' || e.id, 'idle:' || e.id, 'abandon:' || e.id)
)
INSERT INTO events (workspace_id, type, conversation_id, actor_type, actor_id, data)
SELECT workspace_id, 'conversation.status_changed', id, 'system', NULL, jsonb_build_object('from', was, 'to', 'resolved', 'reason', 'duplicate')
FROM ended ORDER BY id;

-- Creating one while it exists answers the existing one (INSERT … ON CONFLICT DO NOTHING):
-- two requests at once make one conversation.
CREATE UNIQUE INDEX conversations_one_open_key ON conversations (inbox_id, contact_id) WHERE status <> 'resolved';

-- Uploads are bounded (issue 12, item 3).
--
-- An upload nothing refers to (no message now; an article or a ticket later) is
-- deleted by a durable timer (kind 'upload_expiry', key 'upload:<id>') after
-- ZHIKE_UPLOAD_EXPIRY_MINUTES. Uploads an install already holds unreferenced get
-- the default hour from now: one being attached right now still makes it.
INSERT INTO timers (workspace_id, kind, key, due_at, payload)
SELECT workspace_id, 'upload_expiry', 'upload:' || id, now() + interval '60 minutes', jsonb_build_object('attachmentId', id)
FROM attachments WHERE message_id IS NULL
ON CONFLICT (key) DO NOTHING;

-- A visitor's uploads per UTC day, against ZHIKE_UPLOAD_DAILY_FILES / _BYTES. Counted
-- here rather than from the attachments table, which forgets expired uploads.
CREATE TABLE upload_usage (
  contact_id  bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  day         date NOT NULL,
  files       integer NOT NULL DEFAULT 0,
  bytes       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (contact_id, day)
);
