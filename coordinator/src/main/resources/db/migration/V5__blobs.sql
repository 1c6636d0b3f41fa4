-- assetgrid schema v5: blobs per tenant and kind with reference counts.
--
-- A blob's key in the store is <tenant>/<kind folder>/<ab>/<cd>/<sha256>: identical bytes are stored
-- once per tenant and kind. Each row of asset_files and task_outputs is one reference; the counts
-- below are kept by statement-level triggers, so every writer (uploads, the completion batch, the
-- purge of deleted assets) keeps them right without knowing about them. A blob whose count drops to
-- zero is purged after a grace period by the purge duty, which deletes the object while it holds
-- the row's lock; a writer that adds a reference waits for that lock (see BlobRefs).

ALTER TABLE asset_files ADD COLUMN kind text NOT NULL DEFAULT 'original';
UPDATE asset_files f SET kind = CASE
    WHEN f.role IN ('original', 'side') THEN 'original'
    WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.id = f.task_id AND t.type = 'thumbnail') THEN 'thumbnail'
    ELSE 'derivative' END;
ALTER TABLE asset_files ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE asset_files ADD CONSTRAINT asset_files_kind CHECK (kind IN ('original', 'derivative', 'thumbnail'));

ALTER TABLE task_outputs ADD COLUMN kind text NOT NULL DEFAULT 'derivative';
UPDATE task_outputs o SET kind = 'thumbnail'
  FROM tasks t WHERE t.id = o.task_id AND t.type = 'thumbnail';
ALTER TABLE task_outputs ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE task_outputs ADD CONSTRAINT task_outputs_kind CHECK (kind IN ('derivative', 'thumbnail'));

-- the tenant of an output, without a join per row in the triggers below
ALTER TABLE task_outputs ADD COLUMN tenant_id uuid;
UPDATE task_outputs o SET tenant_id = j.tenant_id FROM tasks t JOIN jobs j ON j.id = t.job_id WHERE t.id = o.task_id;
ALTER TABLE task_outputs ALTER COLUMN tenant_id SET NOT NULL;

CREATE TABLE blobs (
  tenant_id          uuid        NOT NULL REFERENCES tenants (id),
  kind               text        NOT NULL CHECK (kind IN ('original', 'derivative', 'thumbnail')),
  sha256             char(64)    NOT NULL,
  size_bytes         bigint      NOT NULL,
  refs               int         NOT NULL DEFAULT 0 CHECK (refs >= 0),
  unreferenced_since timestamptz,                      -- set when refs drops to 0
  created_at         timestamptz NOT NULL DEFAULT now(),
  verified_at        timestamptz,                      -- last scrub that re-hashed it
  integrity          text        NOT NULL DEFAULT 'unverified' CHECK (integrity IN ('unverified', 'ok', 'missing', 'corrupt')),
  PRIMARY KEY (tenant_id, kind, sha256)
);
CREATE INDEX blobs_purgeable ON blobs (unreferenced_since) WHERE refs = 0;
CREATE INDEX blobs_verify ON blobs (verified_at NULLS FIRST);

-- every existing reference, counted once
INSERT INTO blobs (tenant_id, kind, sha256, size_bytes, refs)
SELECT tenant_id, kind, sha256, max(size_bytes), count(*) FROM (
  SELECT a.tenant_id, f.kind, f.sha256, f.size_bytes FROM asset_files f JOIN assets a ON a.id = f.asset_id
  UNION ALL
  SELECT o.tenant_id, o.kind, o.sha256, o.size_bytes FROM task_outputs o) r
GROUP BY tenant_id, kind, sha256;

-- asset_files carries the tenant too, for the same reason
ALTER TABLE asset_files ADD COLUMN tenant_id uuid;
UPDATE asset_files f SET tenant_id = a.tenant_id FROM assets a WHERE a.id = f.asset_id;
ALTER TABLE asset_files ALTER COLUMN tenant_id SET NOT NULL;

-- +1 / -1 per referencing row, in key order (concurrent statements lock rows in one order)
CREATE FUNCTION blob_refs_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO blobs AS b (tenant_id, kind, sha256, size_bytes, refs)
  SELECT tenant_id, kind, sha256, max(size_bytes), count(*) FROM new_rows
   GROUP BY tenant_id, kind, sha256 ORDER BY tenant_id, kind, sha256
  ON CONFLICT (tenant_id, kind, sha256) DO UPDATE
     SET refs = b.refs + excluded.refs, unreferenced_since = NULL;
  RETURN NULL;
END $$;

CREATE FUNCTION blob_refs_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE blobs b SET refs = b.refs - r.n,
         unreferenced_since = CASE WHEN b.refs - r.n = 0 THEN now() ELSE b.unreferenced_since END
    FROM (SELECT tenant_id, kind, sha256, count(*) AS n FROM old_rows
           GROUP BY tenant_id, kind, sha256 ORDER BY tenant_id, kind, sha256) r
   WHERE b.tenant_id = r.tenant_id AND b.kind = r.kind AND b.sha256 = r.sha256;
  RETURN NULL;
END $$;

CREATE FUNCTION blob_refs_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- an upsert that replaced a file: the old bytes lose a reference, the new gain one
  INSERT INTO blobs AS b (tenant_id, kind, sha256, size_bytes, refs)
  SELECT n.tenant_id, n.kind, n.sha256, max(n.size_bytes), count(*)
    FROM new_rows n GROUP BY n.tenant_id, n.kind, n.sha256 ORDER BY 1, 2, 3
  ON CONFLICT (tenant_id, kind, sha256) DO UPDATE
     SET refs = b.refs + excluded.refs, unreferenced_since = NULL;
  UPDATE blobs b SET refs = b.refs - r.n,
         unreferenced_since = CASE WHEN b.refs - r.n = 0 THEN now() ELSE b.unreferenced_since END
    FROM (SELECT tenant_id, kind, sha256, count(*) AS n FROM old_rows
           GROUP BY tenant_id, kind, sha256 ORDER BY tenant_id, kind, sha256) r
   WHERE b.tenant_id = r.tenant_id AND b.kind = r.kind AND b.sha256 = r.sha256;
  RETURN NULL;
END $$;

CREATE TRIGGER asset_files_ref_add AFTER INSERT ON asset_files
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION blob_refs_add();
CREATE TRIGGER asset_files_ref_remove AFTER DELETE ON asset_files
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION blob_refs_remove();
CREATE TRIGGER asset_files_ref_move AFTER UPDATE ON asset_files
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION blob_refs_move();
CREATE TRIGGER task_outputs_ref_add AFTER INSERT ON task_outputs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION blob_refs_add();
CREATE TRIGGER task_outputs_ref_remove AFTER DELETE ON task_outputs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION blob_refs_remove();

-- PATCH /v1/assets/{id}: descriptive metadata the owner sets (description, usage rights, ...),
-- apart from the computed `metadata` (the inspect result)
ALTER TABLE assets ADD COLUMN info jsonb NOT NULL DEFAULT '{}';
