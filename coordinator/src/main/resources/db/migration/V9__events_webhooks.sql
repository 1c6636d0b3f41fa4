-- assetgrid schema v9: a tenant's durable event stream, webhooks and their outbox.
--
-- events: what happened to a tenant's assets, jobs (and later imports), one row per event, written
--   in the transaction of the change it describes: asset events by the triggers below (so no code
--   path changes an asset without its event), job events by the statements that write job_events
--   (the job-level ones are copied in the same statement; a trigger on job_events would have to
--   capture every per-task row too, and costs the queue a third of its throughput), so no event
--   exists for a change that rolled back.
-- tx: the writing transaction. Ids are taken before commit, so ids do not commit in order; a reader
--   walks (tx, id) and reads only rows whose transaction is older than every transaction still
--   running (tx < pg_snapshot_xmin(pg_current_snapshot())): a row it has not seen yet can then never
--   appear behind its cursor.
-- webhook_deliveries: the outbox. The trigger on events writes one row per matching enabled webhook,
--   in the same transaction; coordinators lease due rows with SKIP LOCKED, send, and keep every
--   attempt in webhook_attempts.

CREATE TABLE events (
  id         bigserial PRIMARY KEY,
  tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  type       text        NOT NULL,
  subject    text        NOT NULL,
  data       jsonb       NOT NULL DEFAULT '{}',
  tx         xid8        NOT NULL DEFAULT pg_current_xact_id(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_tenant_tx ON events (tenant_id, tx, id);
-- retention deletes by age; rows are appended in time order, so a BRIN index is enough and costs
-- the writes almost nothing
CREATE INDEX events_created ON events USING brin (created_at);

CREATE TABLE webhooks (
  id              uuid PRIMARY KEY,
  tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url             text        NOT NULL,
  event_types     text[]      NOT NULL,
  description     text,
  enabled         boolean     NOT NULL DEFAULT true,
  -- the signing secret, sealed (AES-GCM) under a key derived from the cluster secret
  secret_sealed   bytea       NOT NULL,
  disabled_reason text,
  failing_since   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id, created_at, id);

CREATE TABLE webhook_deliveries (
  id              bigserial PRIMARY KEY,
  webhook_id      uuid        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id        bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  state           text        NOT NULL DEFAULT 'pending',   -- pending | succeeded | failed
  attempts        int         NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- retries stop once this is older than the retry window (a manual redelivery restarts it)
  window_start    timestamptz NOT NULL DEFAULT now(),
  lease_owner     text,
  lease_until     timestamptz,
  last_status     int,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
  delivery_id bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt     int         NOT NULL,
  started_at  timestamptz NOT NULL,
  latency_ms  int         NOT NULL,
  status      int,
  error       text,
  response    text,
  sent_by     text        NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

-- whether an event type matches one of the patterns: an exact type, a prefix ending in ".*"
-- ("job.*"), or "*"
CREATE FUNCTION event_type_matches(patterns text[], type text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT EXISTS (SELECT 1 FROM unnest(patterns) p
                  WHERE p = '*' OR p = type OR (right(p, 2) = '.*' AND starts_with(type, left(p, -1))))
$$;

-- events → deliveries, one row per enabled webhook whose patterns match the type. Test pings are
-- delivered to their own webhook only.
CREATE FUNCTION events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM webhooks WHERE enabled) THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_deliveries (webhook_id, event_id)
  SELECT w.id, n.id
    FROM new_events n JOIN webhooks w ON w.tenant_id = n.tenant_id AND w.enabled
   WHERE n.type <> 'webhook.test' AND event_type_matches(w.event_types, n.type)
   ORDER BY n.id, w.id;
  RETURN NULL;
END $$;

CREATE TRIGGER events_fan_out AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION events_fan_out();

-- assets → events: created, updated (name or tags), a status change (asset.ready, asset.failed,
-- asset.corrupt, asset.processing) and deleted
CREATE FUNCTION asset_event_data(a assets) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('assetId', a.id, 'name', a.name, 'format', a.format, 'sha256', a.sha256,
                            'size', a.size_bytes, 'tags', to_jsonb(a.tags), 'status', a.status)
$$;

CREATE FUNCTION assets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (tenant_id, type, subject, data)
  SELECT n.tenant_id, 'asset.created', n.id::text, asset_event_data(n)
    FROM new_assets n ORDER BY n.created_at, n.id;
  RETURN NULL;
END $$;

CREATE FUNCTION assets_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (tenant_id, type, subject, data)
  SELECT n.tenant_id, e.type, n.id::text, asset_event_data(n) || e.extra
    FROM new_assets n JOIN old_assets o ON o.id = n.id
   CROSS JOIN LATERAL (
         SELECT 'asset.' || n.status AS type, jsonb_build_object('was', o.status) AS extra, 0 AS k
          WHERE n.status IS DISTINCT FROM o.status
         UNION ALL
         SELECT 'asset.updated', '{}'::jsonb, 1
          WHERE n.name IS DISTINCT FROM o.name OR n.tags IS DISTINCT FROM o.tags) e
   ORDER BY n.id, e.k;
  RETURN NULL;
END $$;

CREATE FUNCTION assets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (tenant_id, type, subject, data)
  SELECT o.tenant_id, 'asset.deleted', o.id::text, asset_event_data(o)
    FROM old_assets o
   WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = o.tenant_id)
   ORDER BY o.id;
  RETURN NULL;
END $$;

CREATE TRIGGER assets_inserted AFTER INSERT ON assets
  REFERENCING NEW TABLE AS new_assets FOR EACH STATEMENT EXECUTE FUNCTION assets_inserted();
CREATE TRIGGER assets_updated AFTER UPDATE ON assets
  REFERENCING OLD TABLE AS old_assets NEW TABLE AS new_assets
  FOR EACH STATEMENT EXECUTE FUNCTION assets_updated();
CREATE TRIGGER assets_deleted AFTER DELETE ON assets
  REFERENCING OLD TABLE AS old_assets FOR EACH STATEMENT EXECUTE FUNCTION assets_deleted();
