-- 投诉: who besides the supervisors hears of a media complaint (PR, 公关) and of a
-- 非正常投诉 (legal, 法务) at once: lists of people of the workspace, not new roles.
CREATE TABLE complaint_contacts (
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  list          text NOT NULL CHECK (list IN ('pr', 'legal')),
  agent_id      bigint NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  PRIMARY KEY (workspace_id, list, agent_id)
);
