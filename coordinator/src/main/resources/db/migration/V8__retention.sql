-- assetgrid schema v8: retention of derivatives (--drop-derivatives-after).
--
-- V6 and V7 belong to other changes; Flyway applies this one whether or not they exist yet
-- (out-of-order migrations are allowed), so it touches only what it adds.
--
-- last_read_at: when a file of the asset was last downloaded (GET /v1/assets/{id}/files/{name}),
--   written at most once an hour per asset so downloads do not write a row each.
-- dropped_derivatives: the derived files the retention duty removed, [{name, size, contentType,
--   kind, job, droppedAt}]; a GET of one of them starts regen_job_id, which makes it again.
-- regen_job_id: the job re-running the pipeline that made the dropped files (at most one at a time).

ALTER TABLE assets ADD COLUMN last_read_at timestamptz;
ALTER TABLE assets ADD COLUMN dropped_derivatives jsonb NOT NULL DEFAULT '[]';
ALTER TABLE assets ADD COLUMN regen_job_id uuid REFERENCES jobs (id) ON DELETE SET NULL;

-- the retention duty's scan: ready assets, oldest activity first
CREATE INDEX assets_retention ON assets (coalesce(last_read_at, created_at)) WHERE status = 'ready';
