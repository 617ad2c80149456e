-- Scoring sheets (评分表, docs/quality-inspection.md): a pack carries several (online chat,
-- complaints, phone transcripts) and picks one per conversation. Each inspection keeps the
-- sheet it was scored on, points and all, so a review or an appeal months later scores on the
-- same sheet even after the pack changed. Inspections from before have none: the default
-- chat sheet (2 points a minor finding, 5 a major one) is what scored them.
ALTER TABLE inspections ADD COLUMN sheet jsonb;
