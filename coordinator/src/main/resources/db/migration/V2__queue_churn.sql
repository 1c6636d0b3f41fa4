-- The queue rewrites its rows constantly: every task is updated when leased and when it ends, and
-- so is its job. Leave room in each page so updates that touch no indexed column stay on the page
-- (HOT: no index insert), and let autovacuum visit these tables long before the default 20% churn,
-- so dead versions at the head of the ready index are cleared and statistics follow bulk loads.
ALTER TABLE jobs          SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE task_attempts SET (fillfactor = 80, autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05);
ALTER TABLE assets        SET (fillfactor = 80);
ALTER TABLE tasks         SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02,
                               autovacuum_vacuum_insert_scale_factor = 0.05);
