-- assetgrid schema v6: the integrity scrub (BlobScrub, BlobIntegrity).
--
-- The scrub re-reads every blob, re-hashes it and records when it last did (blobs.verified_at) and
-- what it found (blobs.integrity: ok, missing, corrupt). A blob that is missing or corrupt makes
-- every asset whose files reference it 'corrupt'. Several coordinators scrub at once: each claims a
-- few blobs for as long as reading them should take (scrub_claimed_until, taken under SKIP LOCKED
-- in a short transaction) and reads them with no lock held, so uploads and the purge never wait
-- for a scrub's read.

ALTER TABLE blobs ADD COLUMN scrub_claimed_until timestamptz;
-- what the last scrub read when the blob was not ok: {"sizeBytes": n, "sha256": "..."}, or {} when missing
ALTER TABLE blobs ADD COLUMN integrity_detail jsonb;

-- the assets whose files reference one blob
CREATE INDEX asset_files_blob ON asset_files (tenant_id, kind, sha256);
CREATE INDEX assets_corrupt ON assets (tenant_id) WHERE status = 'corrupt';

-- Asset status is now processing | ready | failed | corrupt. 'corrupt' outranks what jobs say: a
-- job that starts, succeeds or fails on a corrupt asset changes status_before_corrupt instead (so
-- the writers in QueueStore and AssetStore need not know about it). Only the scrub, finding every
-- blob of the asset readable again, takes it back to status_before_corrupt, and says so first
-- (SET LOCAL assetgrid.integrity = 'restore' in its transaction).
ALTER TABLE assets ADD COLUMN status_before_corrupt text;

CREATE FUNCTION assets_keep_corrupt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('assetgrid.integrity', true) = 'restore' THEN
    RETURN NEW;
  END IF;
  NEW.status_before_corrupt := NEW.status;
  NEW.status := 'corrupt';
  RETURN NEW;
END $$;

CREATE TRIGGER assets_corrupt_sticks BEFORE UPDATE OF status ON assets
  FOR EACH ROW WHEN (OLD.status = 'corrupt' AND NEW.status IS DISTINCT FROM 'corrupt')
  EXECUTE FUNCTION assets_keep_corrupt();
