-- 报表's unique visitors (docs/reports.md): when a contact was there, by the quarter hour
-- (UTC) and inbox, from their visits and the conversations they wrote in; kept by the
-- `reports.rollup` consumer (src/reports/presence.ts). Each row links to the contact's
-- previous presence — any inbox, the same channel, the same inbox — so counting the distinct
-- people of a day, a channel or a month is one pass over the rows in range: a row counts
-- where the contact's previous presence lies before the bucket or the range (or there is
-- none), with no distinct over every contact. Every time zone's offset is a whole number of
-- quarter hours, so a local day or hour starts on a quarter: the quarter loses nothing.
-- The rollup's own table: no foreign keys (merges and erasure keep contact ids).
CREATE TABLE report_presence (
  workspace_id     bigint NOT NULL,
  contact_id       bigint NOT NULL,
  inbox_id         bigint NOT NULL,
  channel          text NOT NULL,
  at               timestamptz NOT NULL,
  -- the contact's presence before this one: ordered by (at, inbox_id); by channel; by inbox
  prev_at          timestamptz,
  prev_channel_at  timestamptz,
  prev_inbox_at    timestamptz,
  PRIMARY KEY (contact_id, at, inbox_id)
);
CREATE INDEX report_presence_at_idx ON report_presence (workspace_id, at)
  INCLUDE (inbox_id, channel, prev_at, prev_channel_at, prev_inbox_at);

-- what is there already: every visit, and every conversation a customer wrote in, under its contact now
INSERT INTO report_presence (workspace_id, contact_id, inbox_id, channel, at, prev_at, prev_channel_at, prev_inbox_at)
SELECT workspace_id, contact_id, inbox_id, channel, at,
       lag(at) OVER (PARTITION BY contact_id ORDER BY at, inbox_id),
       lag(at) OVER (PARTITION BY contact_id, channel ORDER BY at, inbox_id),
       lag(at) OVER (PARTITION BY contact_id, inbox_id ORDER BY at)
FROM (
  SELECT DISTINCT workspace_id, contact_id, inbox_id, channel, date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00') AS at
  FROM (
    SELECT v.workspace_id, v.contact_id, v.inbox_id, i.channel_type AS channel, v.started_at
    FROM visits v JOIN inboxes i ON i.id = v.inbox_id
    UNION ALL
    SELECT f.workspace_id, c.contact_id, f.inbox_id, f.channel, f.started_at
    FROM report_conversations f JOIN conversations c ON c.id = f.conversation_id
    WHERE f.customer_messages > 0
  ) s
) d;

-- a merge moved conversations to another contact after their facts were folded: the facts follow
UPDATE report_conversations f SET contact_id = c.contact_id FROM conversations c
WHERE c.id = f.conversation_id AND f.contact_id <> c.contact_id;
