-- 快捷回复: canned replies, personal (owner_id = the agent) or the team's (owner_id NULL).
-- pinyin_full and pinyin_initials are computed on the server (pinyin-pro) from the title and
-- the shortcut, so the console filters by "tk" or "tuikuan" without bundling a pinyin library.
CREATE TABLE canned_replies (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL REFERENCES workspaces(id),
  owner_id         bigint REFERENCES agents(id) ON DELETE CASCADE,
  title            text NOT NULL,
  content          text NOT NULL,
  shortcut         text,
  category         text,
  pinyin_full      text NOT NULL DEFAULT '',
  pinyin_initials  text NOT NULL DEFAULT '',
  created_by       bigint REFERENCES agents(id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX canned_replies_workspace_idx ON canned_replies (workspace_id, owner_id);

-- 分析实验室: intent examples an admin adds ("this sentence is 投诉"), per workspace and pack
-- locale; the workspace's own intent classifier is the pack's examples plus these.
CREATE TABLE nlp_intent_examples (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  locale        text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
  label         text NOT NULL,
  text          text NOT NULL,
  created_by    bigint REFERENCES agents(id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX nlp_intent_examples_workspace_idx ON nlp_intent_examples (workspace_id, locale, id);
