-- assetgrid schema v7: direct, resumable uploads (POST /v1/uploads). The parts live in the blob
-- store (an S3 multipart upload, or files on the coordinator's disk) until the client completes the
-- upload; this row says what was promised and how it ended.
CREATE TABLE uploads (
  id             uuid        PRIMARY KEY,
  tenant_id      uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key_id         text,                                   -- the API key that began it
  name           text        NOT NULL,
  size_bytes     bigint      NOT NULL CHECK (size_bytes >= 0),
  sha256         text        CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  pipeline       text,                                   -- as given (null: the default)
  tags           text[]      NOT NULL DEFAULT '{}',
  part_size      bigint      NOT NULL CHECK (part_size > 0),
  part_count     int         NOT NULL CHECK (part_count BETWEEN 1 AND 10000),
  handle         text        NOT NULL,                   -- the store's name for it (S3 upload id)
  state          text        NOT NULL DEFAULT 'open'
                 CHECK (state IN ('open', 'completing', 'completed', 'aborted', 'expired')),
  error          jsonb,                                  -- why a complete failed (the last time)
  asset_id       uuid        REFERENCES assets (id) ON DELETE SET NULL,
  job_id         uuid,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  ended_at       timestamptz
);
CREATE INDEX uploads_open ON uploads (expires_at) WHERE state IN ('open', 'completing');
CREATE INDEX uploads_tenant ON uploads (tenant_id, created_at DESC);
