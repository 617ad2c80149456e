-- Each conversation keeps its customer's language: automatic replies and the bot follow it.
ALTER TABLE conversations ADD COLUMN locale text NOT NULL DEFAULT 'zh-CN';

-- One 欢迎语: the inbox dialog's greeting (shown by the widget) and reception's welcome
-- (written into the conversation) reached customers as two greetings. Reception's
-- welcome is the one setting now; an inbox that had only the greeting keeps its words there.
UPDATE inboxes
SET reception = jsonb_set(reception, '{messages}', COALESCE(reception->'messages', '{}'::jsonb) || jsonb_build_object('welcome', settings->'greeting'))
WHERE settings ? 'greeting'
  AND jsonb_typeof(settings->'greeting') = 'string'
  AND btrim(settings->>'greeting') <> ''
  AND COALESCE(btrim(reception->'messages'->>'welcome'), '') = '';
UPDATE inboxes SET settings = settings - 'greeting' WHERE settings ? 'greeting';
