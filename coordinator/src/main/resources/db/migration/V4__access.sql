-- Access control: tenants own assets and jobs (and through them files, tasks and events); API keys
-- belong to a tenant and carry a role; every write leaves an audit row in its own transaction.

CREATE TABLE tenants (
  id                uuid PRIMARY KEY,
  name              text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  -- quotas; NULL = the coordinator's default (--quota-* flags), which may itself be unlimited
  max_stored_bytes  bigint CHECK (max_stored_bytes >= 0),
  max_assets        bigint CHECK (max_assets >= 0),
  max_active_jobs   bigint CHECK (max_active_jobs >= 0),
  -- usage, kept in the transaction of each upload (the row lock makes quotas hold under concurrency)
  stored_bytes      bigint      NOT NULL DEFAULT 0,
  asset_count       bigint      NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- the tenant every grid starts with; its admins are the grid's administrators
INSERT INTO tenants (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'default');

CREATE TABLE api_keys (
  id           text PRIMARY KEY,                               -- the public part of the key
  tenant_id    uuid        NOT NULL REFERENCES tenants (id),
  role         text        NOT NULL CHECK (role IN ('reader', 'writer', 'admin')),
  name         text,
  secret_hash  bytea       NOT NULL,                           -- SHA-256 of the 256-bit secret
  created_by   text,                                           -- key id, NULL for the bootstrap key
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  -- per-key rate limits; NULL = the coordinator's defaults
  rate_requests_per_s double precision CHECK (rate_requests_per_s > 0),
  rate_upload_bytes_per_s double precision CHECK (rate_upload_bytes_per_s > 0)
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at, id);
-- coordinators poll what changed recently (and hear it pushed over the event bus)
CREATE INDEX api_keys_updated ON api_keys (updated_at);

ALTER TABLE assets ADD COLUMN tenant_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001'
  REFERENCES tenants (id);
ALTER TABLE assets ALTER COLUMN tenant_id DROP DEFAULT;
DROP INDEX assets_created;
CREATE INDEX assets_tenant_created ON assets (tenant_id, created_at DESC, id DESC);

ALTER TABLE jobs ADD COLUMN tenant_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001'
  REFERENCES tenants (id);
ALTER TABLE jobs ALTER COLUMN tenant_id DROP DEFAULT;
DROP INDEX jobs_created;
CREATE INDEX jobs_tenant_created ON jobs (tenant_id, created_at DESC, id DESC);
-- the active-jobs quota counts these
CREATE INDEX jobs_tenant_active ON jobs (tenant_id) WHERE state IN ('queued', 'running');

UPDATE tenants t SET stored_bytes = coalesce((SELECT sum(f.size_bytes) FROM asset_files f JOIN assets a ON a.id = f.asset_id
                                               WHERE a.tenant_id = t.id AND f.role IN ('original', 'side')), 0),
                     asset_count  = (SELECT count(*) FROM assets a WHERE a.tenant_id = t.id);

-- an Idempotency-Key belongs to the tenant that sent it
ALTER TABLE idempotency_keys ADD COLUMN tenant_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000001';
ALTER TABLE idempotency_keys ALTER COLUMN tenant_id DROP DEFAULT;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (tenant_id, key);

-- append-only: who did what to which target, when, with what outcome
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  tenant_id   uuid        NOT NULL,
  key_id      text,
  action      text        NOT NULL,                           -- e.g. asset.create, job.cancel, key.revoke
  target_type text,
  target_ids  text[]      NOT NULL DEFAULT '{}',
  request_id  text,
  outcome     text        NOT NULL,                           -- succeeded | failed | denied
  status      int,
  detail      jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_tenant ON audit_log (tenant_id, id DESC);
CREATE INDEX audit_at ON audit_log (at);

-- Rows are never changed; only the retention duty deletes old ones, and it says so first
-- (SET LOCAL assetgrid.audit_purge = 'on' in its transaction).
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('assetgrid.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
