-- The reaper's index of running leases used to be partial on state = 'leased'. Every statement
-- that names tasks by id and fences on state = 'leased' (completion, heartbeat) could then be
-- planned as a walk of that whole index filtered by id, and the planner chose so when the
-- statistics said few tasks were leased (at the end of a big drain). Finished leases leave dead
-- entries in it until vacuum, so that walk grew to thousands of entries per statement and the
-- queue fell from ~2,000 to ~250 tasks/s. Keyed on lease_expires_at (set while leased, NULL once
-- the attempt ends), the reaper's "lease_expires_at < now()" still uses it, and statements that
-- don't test lease_expires_at can't.
DROP INDEX tasks_leased;
CREATE INDEX tasks_leased ON tasks (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
