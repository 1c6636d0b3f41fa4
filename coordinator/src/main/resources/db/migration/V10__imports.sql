-- assetgrid schema v10: batch imports from an S3 prefix, a server folder or a list of URLs.
--
-- imports: one request. state: listing (a coordinator is reading the source; lease_* say which,
--   and a lease that ran out lets another start the listing again) -> running (items known) ->
--   succeeded | failed (the listing failed) | cancelled. S3 credentials, when given, are kept
--   sealed under the cluster secret and dropped once the import ends.
-- import_items: one asset to make (a model with the side files it references). state: pending ->
--   importing (leased by a coordinator) -> imported | duplicate | failed | skipped | cancelled.
--   An item is marked imported in the transaction that creates its asset, so an import resumed
--   after a crash never makes an asset twice.

CREATE TABLE imports (
  id             uuid PRIMARY KEY,
  tenant_id      uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind           text        NOT NULL,                 -- s3 | directory | urls
  source         jsonb       NOT NULL,
  secret_sealed  bytea,
  pipeline       text        NOT NULL,
  tags           text[]      NOT NULL DEFAULT '{}',
  reprocess      boolean     NOT NULL DEFAULT false,
  state          text        NOT NULL DEFAULT 'listing',
  error          text,
  error_code     text,
  lease_owner    text,
  lease_until    timestamptz,
  -- when the last import.progress event was written (at most one a second per import)
  progress_at    timestamptz,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE INDEX imports_tenant ON imports (tenant_id, created_at DESC, id DESC);
CREATE INDEX imports_active ON imports (state) WHERE state IN ('listing', 'running');

CREATE TABLE import_items (
  import_id    uuid        NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  n            int         NOT NULL,
  name         text        NOT NULL,
  files        jsonb       NOT NULL,                   -- [{name, ref, size?}]: the model first
  state        text        NOT NULL DEFAULT 'pending',
  asset_id     uuid,
  job_id       uuid,
  code         text,
  message      text,
  size_bytes   bigint,
  sha256       char(64),
  lease_owner  text,
  lease_until  timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (import_id, n)
);
CREATE INDEX import_items_due ON import_items (import_id, n) WHERE state IN ('pending', 'importing');

-- finding a tenant's asset by content (duplicates)
CREATE INDEX assets_tenant_sha ON assets (tenant_id, sha256);
