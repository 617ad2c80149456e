-- 质检 roles, review (复核) and appeals (申诉) (docs/quality-inspection.md, "Review and appeals").

-- 质检员 (qa) and 质检主管 (qa_lead) read and judge conversations; they never serve customers.
ALTER TABLE agents DROP CONSTRAINT agents_role_check;
ALTER TABLE agents ADD CONSTRAINT agents_role_check CHECK (role IN ('admin', 'supervisor', 'agent', 'qa', 'qa_lead'));

-- The automatic score and findings stay as the inspector wrote them. A review's verdicts
-- and manual findings, and the findings accepted appeals removed, sit beside them, with
-- the score they leave (`adjusted_score`; null until someone reviews or an appeal is accepted).
ALTER TABLE inspections
  ADD COLUMN adjustments     jsonb,
  ADD COLUMN adjusted_score  integer,
  ADD COLUMN adjusted_vetoed boolean,
  ADD COLUMN reviewed_by     bigint REFERENCES agents(id),
  ADD COLUMN reviewed_at     timestamptz;

-- One appeal per finding of an inspection version: the agent's reason, the supervisor's
-- decision, and at most one more step to a 质检主管 (终审); every step in `history`.
CREATE TABLE qa_appeals (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id     bigint NOT NULL,
  inspection_id    bigint NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
  conversation_id  bigint NOT NULL,
  finding_key      text NOT NULL,
  agent_id         bigint NOT NULL REFERENCES agents(id),
  reason           text NOT NULL,
  stage            text NOT NULL CHECK (stage IN ('supervisor', 'lead')),
  status           text NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  final            boolean NOT NULL DEFAULT false,
  history          jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (inspection_id, finding_key)
);
CREATE INDEX qa_appeals_workspace_idx ON qa_appeals (workspace_id, status, updated_at DESC);
CREATE INDEX qa_appeals_agent_idx ON qa_appeals (agent_id, updated_at DESC);
CREATE INDEX inspections_workspace_id_idx ON inspections (workspace_id, id DESC);
