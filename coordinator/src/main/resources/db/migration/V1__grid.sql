-- assetgrid schema v1: assets, jobs, tasks (the durable queue), attempts, outputs, events.
-- PostgreSQL is the source of truth: every coordinator can answer every node.

CREATE TABLE assets (
  id           uuid PRIMARY KEY,
  name         text        NOT NULL,
  format       text        NOT NULL,
  sha256       char(64)    NOT NULL,
  size_bytes   bigint      NOT NULL,
  tags         text[]      NOT NULL DEFAULT '{}',
  status       text        NOT NULL DEFAULT 'processing',   -- processing | ready | failed
  metadata     jsonb       NOT NULL DEFAULT '{}',            -- inspect result
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assets_created ON assets (created_at DESC, id DESC);

-- every blob that belongs to an asset, by a stable name (original, side files, derivatives)
CREATE TABLE asset_files (
  asset_id     uuid        NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  name         text        NOT NULL,
  role         text        NOT NULL,                         -- original | side | derived
  sha256       char(64)    NOT NULL,
  size_bytes   bigint      NOT NULL,
  content_type text        NOT NULL,
  task_id      uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asset_id, name)
);

CREATE TABLE jobs (
  id            uuid PRIMARY KEY,
  asset_id      uuid        NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  pipeline      jsonb       NOT NULL,
  state         text        NOT NULL,                        -- JobState
  tasks_total   int         NOT NULL DEFAULT 0,
  tasks_done    int         NOT NULL DEFAULT 0,
  error_code    text,
  error_message text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_asset ON jobs (asset_id);
CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);

CREATE TABLE tasks (
  id               uuid PRIMARY KEY,
  job_id           uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  type             text        NOT NULL,
  name             text        NOT NULL,                     -- unique inside the job, e.g. inspect
  params           jsonb       NOT NULL DEFAULT '{}',
  state            text        NOT NULL,                     -- TaskState
  depends_on       uuid[]      NOT NULL DEFAULT '{}',
  pending_deps     int         NOT NULL DEFAULT 0,
  attempt          int         NOT NULL DEFAULT 0,           -- attempts started so far
  max_attempts     int         NOT NULL,
  run_at           timestamptz NOT NULL DEFAULT now(),       -- not before (retry backoff)
  lease_owner      text,
  lease_token      text,
  lease_expires_at timestamptz,
  leased_at        timestamptz,
  cancel_requested boolean     NOT NULL DEFAULT false,
  progress         double precision NOT NULL DEFAULT 0,
  result           jsonb,
  error_code       text,
  error_message    text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (job_id, name)
);
-- the queue: what is ready, oldest first
CREATE INDEX tasks_ready ON tasks (run_at, created_at) WHERE state = 'queued';
CREATE INDEX tasks_leased ON tasks (lease_expires_at) WHERE state = 'leased';
CREATE INDEX tasks_job ON tasks (job_id);

-- append-only: one row per attempt
CREATE TABLE task_attempts (
  task_id       uuid        NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt       int         NOT NULL,
  node_id       text        NOT NULL,
  lease_token   text        NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  outcome       text,                                        -- succeeded | failed | lease_expired | node_lost | timed_out | cancelled
  error_code    text,
  error_message text,
  PRIMARY KEY (task_id, attempt)
);

-- outputs of the attempt that won; the primary key makes a duplicate impossible
CREATE TABLE task_outputs (
  task_id      uuid        NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  name         text        NOT NULL,
  sha256       char(64)    NOT NULL,
  size_bytes   bigint      NOT NULL,
  content_type text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (task_id, name)
);

CREATE TABLE job_events (
  id         bigserial PRIMARY KEY,
  job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  type       text        NOT NULL,
  data       jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_events_job ON job_events (job_id, id);

-- Idempotency-Key on POSTs: the first answer is replayed
CREATE TABLE idempotency_keys (
  key         text PRIMARY KEY,
  method      text        NOT NULL,
  path        text        NOT NULL,
  status      int         NOT NULL,
  body        jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
