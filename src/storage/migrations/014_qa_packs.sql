-- 质检 rule packs edited per workspace (docs/quality-inspection.md, "Editing the rules"): one
-- draft per workspace and language, tried with a what-if run, then published as a new version.
-- Published versions are kept; inspections name the version that made them (pack_version).
CREATE TABLE qa_packs (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id   bigint NOT NULL,
  locale         text NOT NULL,
  status         text NOT NULL CHECK (status IN ('draft', 'published')),
  version        text NOT NULL,
  pack           jsonb NOT NULL,
  edited_by      bigint REFERENCES agents(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX qa_packs_one_draft ON qa_packs (workspace_id, locale) WHERE status = 'draft';
CREATE UNIQUE INDEX qa_packs_versions ON qa_packs (workspace_id, locale, version) WHERE status = 'published';
CREATE INDEX qa_packs_latest ON qa_packs (workspace_id, locale, status, id DESC);
