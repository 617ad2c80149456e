-- 质检 sampling plans (抽检计划, docs/quality-inspection.md): which inspected conversations go
-- to a person for 复核. A plan samples a share of each agent's inspections (chosen by a hash
-- of the inspection, so every instance and every redelivery picks the same), and takes every
-- one below a score or vetoed; each goes to the plan's reviewer with the fewest open ones.
CREATE TABLE qa_sampling_plans (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workspace_id   bigint NOT NULL,
  name           text NOT NULL,
  enabled        boolean NOT NULL DEFAULT true,
  percent        numeric(5, 2) NOT NULL CHECK (percent >= 0 AND percent <= 100),
  below_score    integer CHECK (below_score >= 0 AND below_score <= 100),
  vetoed         boolean NOT NULL DEFAULT true,
  reviewer_ids   bigint[] NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

CREATE TABLE qa_assignments (
  inspection_id  bigint PRIMARY KEY REFERENCES inspections(id) ON DELETE CASCADE,
  workspace_id   bigint NOT NULL,
  plan_id        bigint REFERENCES qa_sampling_plans(id) ON DELETE SET NULL,
  reviewer_id    bigint NOT NULL REFERENCES agents(id),
  reason         text NOT NULL CHECK (reason IN ('sampled', 'low_score', 'vetoed')),
  assigned_at    timestamptz NOT NULL DEFAULT now(),
  done_at        timestamptz
);
CREATE INDEX qa_assignments_reviewer_idx ON qa_assignments (reviewer_id, done_at);
