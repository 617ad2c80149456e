-- Every message updates its conversation row. Leave room on each page so those
-- updates stay on the page (HOT updates: no new index entries, no bloat), and
-- vacuum this small, hot table early rather than after 20% of it is dead.
ALTER TABLE conversations SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 500);
