package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Batch imports ({@code imports}, {@code import_items}). A coordinator leases an import to list its
 * source ({@link #leaseListing}) and writes all its items in one transaction ({@link #listed}); any
 * coordinator then leases items in small numbers ({@link #leaseItems}, {@code SKIP LOCKED}); an
 * item is marked imported in the transaction that makes its asset ({@link #importedIn}), so a
 * coordinator that dies mid-import leaves leases that run out, and the rest is done once, by
 * another or after the restart.
 */
public final class ImportStore {
  /** What {@code POST /v1/imports} asks for (the source already checked). */
  public record NewImport(
      String kind,
      JsonObject source,
      byte[] sealedSecret,
      String pipeline,
      List<String> tags,
      boolean reprocess) {}

  /** An import leased for listing. */
  public record Listing(
      UUID id, UUID tenant, String kind, JsonObject source, byte[] sealedSecret) {}

  /**
   * One item to make into an asset, or to report without importing.
   *
   * @param files {@code [{name, ref, size?}]}, the model first: {@code ref} is where the bytes are
   *     in the source (an S3 key, a path under the import root, a URL)
   * @param state null: to import; {@code skipped} or {@code failed} when reported at listing
   * @param code the reported item's error code
   * @param message the reported item's sentence
   */
  public record Item(String name, JsonArray files, String state, String code, String message) {}

  /** An item leased for import, with what its import says. */
  public record DueItem(
      UUID importId,
      int n,
      Actor actor,
      String kind,
      JsonObject source,
      byte[] sealedSecret,
      String pipeline,
      List<String> tags,
      boolean reprocess,
      String name,
      JsonArray files) {}

  /** How an item ended. */
  public record Outcome(
      String state,
      UUID assetId,
      UUID jobId,
      String code,
      String message,
      Long size,
      String sha256) {
    public static Outcome failed(String code, String message) {
      return new Outcome("failed", null, null, code, message, null, null);
    }
  }

  private final Pool pool;

  public ImportStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(Actor actor, NewImport n) {
    UUID id = Ids.newId();
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        """
                        INSERT INTO imports (id, tenant_id, kind, source, secret_sealed, pipeline, tags, reprocess, created_by)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
                    .execute(
                        Tuple.from(
                            new Object[] {
                              id,
                              actor.tenant(),
                              n.kind(),
                              n.source(),
                              n.sealedSecret() == null ? null : Buffer.buffer(n.sealedSecret()),
                              n.pipeline(),
                              n.tags().toArray(new String[0]),
                              n.reprocess(),
                              actor.principal().keyId()
                            }))
                    .compose(
                        v ->
                            EventStore.record(
                                conn,
                                actor.tenant(),
                                "import.created",
                                id.toString(),
                                new JsonObject()
                                    .put("importId", id.toString())
                                    .put("kind", n.kind())
                                    .put("source", n.source())))
                    .compose(
                        v ->
                            AuditLog.record(
                                conn,
                                actor,
                                "import",
                                List.of(id.toString()),
                                new JsonObject().put("kind", n.kind()).put("source", n.source()))))
        .compose(v -> get(actor.tenant(), id))
        .map(Optional::orElseThrow);
  }

  /** The import with its counts: items by state, failures by code, its jobs by state. */
  public Future<Optional<JsonObject>> get(UUID tenant, UUID id) {
    return pool.preparedQuery("SELECT * FROM imports WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenant, id))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.succeededFuture(Optional.<JsonObject>empty());
              }
              JsonObject view = view(rs.iterator().next());
              return pool.preparedQuery(
                      """
                      SELECT 'items' AS what, i.state AS k, count(*) AS n FROM import_items i WHERE i.import_id = $1 GROUP BY i.state
                      UNION ALL
                      SELECT 'failed', i.code, count(*) FROM import_items i
                       WHERE i.import_id = $1 AND i.state = 'failed' GROUP BY i.code
                      UNION ALL
                      SELECT 'jobs', j.state, count(*) FROM import_items i JOIN jobs j ON j.id = i.job_id
                       WHERE i.import_id = $1 GROUP BY j.state""")
                  .execute(Tuple.of(id))
                  .map(
                      counts -> {
                        JsonObject items = new JsonObject();
                        JsonObject failed = new JsonObject();
                        JsonObject jobs = new JsonObject();
                        long found = 0;
                        for (Row r : counts) {
                          long n = r.getLong("n");
                          switch (r.getString("what")) {
                            case "items" -> {
                              items.put(r.getString("k"), n);
                              found += n;
                            }
                            case "failed" -> failed.put(String.valueOf(r.getString("k")), n);
                            default -> jobs.put(r.getString("k"), n);
                          }
                        }
                        return Optional.of(
                            view.put(
                                "counts",
                                counts(items, found)
                                    .put("failedByCode", failed)
                                    .put("jobs", jobs)));
                      });
            });
  }

  /** The tenant's imports, newest first: {items, next}. */
  public Future<JsonObject> list(UUID tenant, UUID after, int limit) {
    return pool.preparedQuery(
            """
            SELECT * FROM imports WHERE tenant_id = $1
               AND ($2::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM imports WHERE id = $2))
             ORDER BY created_at DESC, id DESC LIMIT $3""")
        .execute(Tuple.of(tenant, after, limit + 1))
        .map(rs -> Pages.page(rs, limit, ImportStore::view, r -> r.getUUID("id").toString()))
        .compose(this::withCounts);
  }

  /** The item counts of every import of a page, from one query. */
  private Future<JsonObject> withCounts(JsonObject page) {
    JsonArray items = page.getJsonArray("items");
    if (items.isEmpty()) {
      return Future.succeededFuture(page);
    }
    UUID[] ids =
        items.stream()
            .map(o -> UUID.fromString(((JsonObject) o).getString("id")))
            .toArray(UUID[]::new);
    return pool.preparedQuery(
            "SELECT import_id, state, count(*) AS n FROM import_items WHERE import_id = ANY($1)"
                + " GROUP BY import_id, state")
        .execute(Tuple.of(ids))
        .map(
            rs -> {
              java.util.Map<String, JsonObject> byImport = new java.util.HashMap<>();
              for (Row r : rs) {
                byImport
                    .computeIfAbsent(r.getUUID("import_id").toString(), k -> new JsonObject())
                    .put(r.getString("state"), r.getLong("n"));
              }
              for (Object o : items) {
                JsonObject i = (JsonObject) o;
                JsonObject states = byImport.getOrDefault(i.getString("id"), new JsonObject());
                long found = 0;
                for (String k : states.fieldNames()) {
                  found += states.getLong(k);
                }
                i.put("counts", counts(states, found));
              }
              return page;
            });
  }

  /** An import's item counts from its items by state. */
  private static JsonObject counts(JsonObject byState, long found) {
    return new JsonObject()
        .put("found", found)
        .put("imported", byState.getLong("imported", 0L))
        .put("duplicate", byState.getLong("duplicate", 0L))
        .put("failed", byState.getLong("failed", 0L))
        .put("skipped", byState.getLong("skipped", 0L))
        .put("pending", byState.getLong("pending", 0L) + byState.getLong("importing", 0L))
        .put("cancelled", byState.getLong("cancelled", 0L));
  }

  /** A page of the import's items in order, optionally of one state; empty: no such import. */
  public Future<Optional<JsonObject>> items(
      UUID tenant, UUID id, String state, Integer afterN, int limit) {
    return pool.preparedQuery(
            """
            SELECT i.* FROM import_items i JOIN imports m ON m.id = i.import_id
             WHERE m.tenant_id = $1 AND i.import_id = $2 AND ($3::text IS NULL OR i.state = $3)
               AND ($4::int IS NULL OR i.n > $4)
             ORDER BY i.n LIMIT $5""")
        .execute(Tuple.of(tenant, id, state, afterN, limit + 1))
        .compose(
            rs ->
                rs.size() > 0
                    ? Future.succeededFuture(
                        Optional.of(
                            Pages.page(
                                rs,
                                limit,
                                ImportStore::item,
                                r -> String.valueOf(r.getInteger("n")))))
                    : get(tenant, id)
                        .map(
                            o ->
                                o.map(
                                    x ->
                                        new JsonObject()
                                            .put("items", new JsonArray())
                                            .putNull("next"))));
  }

  /**
   * Cancels an import: nothing more is listed or imported (items in flight finish and are cancelled
   * when they would commit). Empty when there is no such import; false when it had already ended.
   */
  public Future<Optional<Boolean>> cancel(Actor actor, UUID id) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    """
                    UPDATE imports SET state = CASE WHEN state IN ('listing', 'running') THEN 'cancelled' ELSE state END,
                           finished_at = CASE WHEN state IN ('listing', 'running') THEN now() ELSE finished_at END,
                           secret_sealed = CASE WHEN state IN ('listing', 'running') THEN NULL ELSE secret_sealed END,
                           updated_at = now()
                     WHERE tenant_id = $1 AND id = $2
                    RETURNING state, (SELECT state FROM imports WHERE id = $2) AS was""")
                .execute(Tuple.of(actor.tenant(), id))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(Optional.<Boolean>empty());
                      }
                      Row r = rs.iterator().next();
                      boolean changed = !r.getString("was").equals(r.getString("state"));
                      if (!changed) {
                        return Future.succeededFuture(Optional.of(false));
                      }
                      return conn.preparedQuery(
                              "UPDATE import_items SET state = 'cancelled', updated_at = now()"
                                  + " WHERE import_id = $1 AND state = 'pending'")
                          .execute(Tuple.of(id))
                          .compose(
                              v ->
                                  EventStore.record(
                                      conn,
                                      actor.tenant(),
                                      "import.cancelled",
                                      id.toString(),
                                      new JsonObject().put("importId", id.toString())))
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn, actor, "import", List.of(id.toString()), null))
                          .map(Optional.of(true));
                    }));
  }

  /** Leases one import whose source is to be listed (new, or its lister's lease ran out). */
  public Future<Optional<Listing>> leaseListing(String owner, Duration leaseFor) {
    return pool.preparedQuery(
            """
            UPDATE imports SET lease_owner = $1, lease_until = now() + ($2::bigint * interval '1 millisecond'), updated_at = now()
             WHERE id = (SELECT id FROM imports WHERE state = 'listing' AND (lease_until IS NULL OR lease_until < now())
                          ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, tenant_id, kind, source, secret_sealed""")
        .execute(Tuple.of(owner, leaseFor.toMillis()))
        .map(
            rs -> {
              if (rs.size() == 0) {
                return Optional.empty();
              }
              Row r = rs.iterator().next();
              Buffer sealed = r.getBuffer("secret_sealed");
              return Optional.of(
                  new Listing(
                      r.getUUID("id"),
                      r.getUUID("tenant_id"),
                      r.getString("kind"),
                      r.getJsonObject("source"),
                      sealed == null ? null : sealed.getBytes()));
            });
  }

  /**
   * Writes the items of a listed import and starts importing them (those reported at listing, with
   * a state of their own, are only recorded); false when the lease was lost or the import was
   * cancelled meanwhile.
   */
  public Future<Boolean> listed(Listing l, String owner, List<Item> items) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    """
                    UPDATE imports SET state = 'running', lease_owner = NULL, lease_until = NULL, updated_at = now()
                     WHERE id = $1 AND state = 'listing' AND lease_owner = $2 RETURNING id""")
                .execute(Tuple.of(l.id(), owner))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(false);
                      }
                      List<Tuple> rows = new ArrayList<>();
                      int n = 0;
                      long toImport = 0;
                      for (Item i : items) {
                        rows.add(
                            Tuple.of(
                                l.id(),
                                ++n,
                                i.name(),
                                i.files(),
                                i.state() == null ? "pending" : i.state(),
                                i.code(),
                                i.message()));
                        toImport += i.state() == null ? 1 : 0;
                      }
                      long reported = items.size() - toImport;
                      long importing = toImport;
                      Future<?> insert =
                          rows.isEmpty()
                              ? Future.succeededFuture()
                              : conn.preparedQuery(
                                      "INSERT INTO import_items (import_id, n, name, files, state,"
                                          + " code, message) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                                  .executeBatch(rows);
                      return insert
                          .compose(
                              v ->
                                  EventStore.record(
                                      conn,
                                      l.tenant(),
                                      "import.listed",
                                      l.id().toString(),
                                      new JsonObject()
                                          .put("importId", l.id().toString())
                                          .put("items", importing)
                                          .put("reported", reported)))
                          .compose(v -> finishIfDone(conn, l.id()))
                          .map(true);
                    }));
  }

  /** Ends an import whose listing failed, with the reason. */
  public Future<Void> listingFailed(Listing l, String owner, String code, String message) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    """
                    UPDATE imports SET state = 'failed', error = $3, error_code = $4, secret_sealed = NULL, lease_owner = NULL,
                           lease_until = NULL, finished_at = now(), updated_at = now()
                     WHERE id = $1 AND state = 'listing' AND lease_owner = $2 RETURNING id""")
                .execute(Tuple.of(l.id(), owner, message, code))
                .compose(
                    rs ->
                        rs.size() == 0
                            ? Future.succeededFuture()
                            : EventStore.record(
                                    conn,
                                    l.tenant(),
                                    "import.failed",
                                    l.id().toString(),
                                    new JsonObject()
                                        .put("importId", l.id().toString())
                                        .put("code", code)
                                        .put("message", message))
                                .mapEmpty()));
  }

  /**
   * Leases up to {@code max} items to import (pending, or leased by someone whose lease ran out).
   */
  public Future<List<DueItem>> leaseItems(String owner, int max, Duration leaseFor) {
    if (max <= 0) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(
            """
            WITH l AS (
              UPDATE import_items i SET state = 'importing', lease_owner = $1,
                     lease_until = now() + ($3::bigint * interval '1 millisecond'), updated_at = now()
               WHERE (i.import_id, i.n) IN (
                     SELECT d.import_id, d.n FROM import_items d JOIN imports m ON m.id = d.import_id
                      WHERE m.state = 'running'
                        AND (d.state = 'pending' OR (d.state = 'importing' AND d.lease_until < now()))
                      ORDER BY m.created_at, d.n
                      LIMIT $2
                      FOR UPDATE OF d SKIP LOCKED)
              RETURNING i.import_id, i.n, i.name, i.files)
            SELECT l.*, m.tenant_id, t.name AS tenant_name, m.created_by, m.kind, m.source, m.secret_sealed,
                   m.pipeline, m.tags, m.reprocess
              FROM l JOIN imports m ON m.id = l.import_id JOIN tenants t ON t.id = m.tenant_id
             ORDER BY l.import_id, l.n""")
        .execute(Tuple.of(owner, max, leaseFor.toMillis()))
        .map(
            rs -> {
              List<DueItem> out = new ArrayList<>();
              for (Row r : rs) {
                Buffer sealed = r.getBuffer("secret_sealed");
                Principal creator =
                    new Principal(
                        r.getString("created_by"),
                        r.getUUID("tenant_id"),
                        r.getString("tenant_name"),
                        Role.WRITER);
                out.add(
                    new DueItem(
                        r.getUUID("import_id"),
                        r.getInteger("n"),
                        new Actor(creator, null, "import.item"),
                        r.getString("kind"),
                        r.getJsonObject("source"),
                        sealed == null ? null : sealed.getBytes(),
                        r.getString("pipeline"),
                        List.of(r.getArrayOfStrings("tags")),
                        r.getBoolean("reprocess"),
                        r.getString("name"),
                        r.getJsonArray("files")));
              }
              return out;
            });
  }

  /** Extends this owner's leases (items in flight, a listing in progress) by {@code leaseFor}. */
  public Future<Void> renew(String owner, Duration leaseFor) {
    return pool.preparedQuery(
            """
            WITH i AS (
              UPDATE import_items SET lease_until = now() + ($2::bigint * interval '1 millisecond')
               WHERE lease_owner = $1 AND state = 'importing' RETURNING 1)
            UPDATE imports SET lease_until = now() + ($2::bigint * interval '1 millisecond')
             WHERE lease_owner = $1 AND state = 'listing'""")
        .execute(Tuple.of(owner, leaseFor.toMillis()))
        .mapEmpty();
  }

  /** A tenant's asset holding exactly these bytes as its original, if any. */
  public Future<Optional<UUID>> assetBySha(UUID tenant, String sha256) {
    return pool.preparedQuery(
            "SELECT id FROM assets WHERE tenant_id = $1 AND sha256 = $2 ORDER BY created_at LIMIT 1")
        .execute(Tuple.of(tenant, sha256))
        .map(
            rs ->
                rs.size() == 0
                    ? Optional.empty()
                    : Optional.of(rs.iterator().next().getUUID("id")));
  }

  /** Thrown inside an asset's transaction when the item must not make it: it rolls back. */
  public static final class NotImported extends RuntimeException {
    /** The state to record instead: duplicate (with the asset that has the bytes) or cancelled. */
    public final String state;

    public final UUID existing;

    NotImported(String state, UUID existing) {
      super(state, null, false, false);
      this.state = state;
      this.existing = existing;
    }
  }

  /**
   * In the transaction that made the item's asset: marks the item imported with its asset and job
   * (and ends the import when it was the last), unless the lease was lost, the import was
   * cancelled, or another asset of the tenant got these bytes meanwhile (checked under a lock on
   * the tenant and digest, so two items with the same bytes make one asset) — then {@link
   * NotImported} rolls the transaction back.
   */
  public static Future<Void> importedIn(
      SqlConnection conn,
      DueItem item,
      String owner,
      UUID assetId,
      UUID jobId,
      String sha256,
      long size) {
    UUID tenant = item.actor().tenant();
    return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
        .execute(Tuple.of("assetgrid.import." + tenant + "." + sha256))
        .compose(
            v ->
                conn.preparedQuery(
                        """
                        SELECT (SELECT id FROM assets WHERE tenant_id = $1 AND sha256 = $2 AND id <> $3
                                 ORDER BY created_at LIMIT 1) AS other,
                               (SELECT state FROM imports WHERE id = $4) AS import_state""")
                    .execute(Tuple.of(tenant, sha256, assetId, item.importId())))
        .compose(
            rs -> {
              Row r = rs.iterator().next();
              if (!"running".equals(r.getString("import_state"))) {
                return Future.failedFuture(new NotImported("cancelled", null));
              }
              if (r.getUUID("other") != null && !item.reprocess()) {
                return Future.failedFuture(new NotImported("duplicate", r.getUUID("other")));
              }
              return conn.preparedQuery(
                      """
                      UPDATE import_items SET state = 'imported', asset_id = $4, job_id = $7, sha256 = $5,
                             size_bytes = $6, lease_owner = NULL, lease_until = NULL, updated_at = now()
                       WHERE import_id = $1 AND n = $2 AND state = 'importing' AND lease_owner = $3 RETURNING n""")
                  .execute(
                      Tuple.from(
                          new Object[] {
                            item.importId(), item.n(), owner, assetId, sha256, size, jobId
                          }))
                  .compose(
                      u ->
                          u.size() == 0
                              ? Future.failedFuture(new NotImported("lost", null))
                              : progress(conn, item.importId())
                                  .compose(v -> finishIfDone(conn, item.importId())));
            });
  }

  /**
   * Records how an item ended that made no asset (imported ones are recorded by {@link
   * #importedIn}); an item that failed after its import was cancelled is recorded cancelled. Ends
   * the import when it was the last.
   */
  public Future<Void> finish(DueItem item, String owner, Outcome o) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    """
                    UPDATE import_items SET state = CASE WHEN $4 = 'failed' AND (SELECT state FROM imports WHERE id = $1) = 'cancelled'
                                                       THEN 'cancelled' ELSE coalesce($4, state) END,
                           asset_id = coalesce($5, asset_id),
                           job_id = coalesce($6, job_id), code = $7, message = $8,
                           size_bytes = coalesce($9, size_bytes), sha256 = coalesce($10, sha256),
                           lease_owner = NULL, lease_until = NULL, updated_at = now()
                     WHERE import_id = $1 AND n = $2 AND (lease_owner = $3 OR state = 'imported')""")
                .execute(
                    Tuple.from(
                        new Object[] {
                          item.importId(),
                          item.n(),
                          owner,
                          o.state(),
                          o.assetId(),
                          o.jobId(),
                          o.code(),
                          o.message(),
                          o.size(),
                          o.sha256()
                        }))
                .compose(v -> progress(conn, item.importId()))
                .compose(v -> finishIfDone(conn, item.importId())));
  }

  /**
   * An {@code import.progress} event with the item counts, at most one a second per import (the
   * stream's progress bar; the last one is {@code import.completed}).
   */
  private static Future<Void> progress(SqlConnection conn, UUID id) {
    return conn.preparedQuery(
            """
            UPDATE imports SET progress_at = now()
             WHERE id = $1 AND state = 'running' AND (progress_at IS NULL OR progress_at < now() - interval '1 second')
            RETURNING tenant_id,
                      (SELECT count(*) FROM import_items WHERE import_id = $1) AS total,
                      (SELECT count(*) FROM import_items WHERE import_id = $1
                        AND state NOT IN ('pending', 'importing')) AS done""")
        .execute(Tuple.of(id))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.succeededFuture();
              }
              Row r = rs.iterator().next();
              return EventStore.record(
                      conn,
                      r.getUUID("tenant_id"),
                      "import.progress",
                      id.toString(),
                      new JsonObject()
                          .put("importId", id.toString())
                          .put("done", r.getLong("done"))
                          .put("total", r.getLong("total")))
                  .mapEmpty();
            });
  }

  /**
   * Ends a running import none of whose items is pending or importing: {@code succeeded} (some
   * items may have failed: see its counts), or {@code failed} when items failed and none was
   * imported or found a duplicate, with the commonest failure's code.
   */
  private static Future<Void> finishIfDone(SqlConnection conn, UUID id) {
    return conn.preparedQuery(
            """
            WITH c AS (SELECT state, count(*) AS n FROM import_items WHERE import_id = $1 GROUP BY state),
            f AS (SELECT code, message FROM import_items WHERE import_id = $1 AND state = 'failed'
                   GROUP BY code, message ORDER BY count(*) DESC, code LIMIT 1),
            bad AS (SELECT EXISTS (SELECT 1 FROM c WHERE state = 'failed')
                           AND NOT EXISTS (SELECT 1 FROM c WHERE state IN ('imported', 'duplicate')) AS all_failed)
            UPDATE imports SET state = CASE WHEN bad.all_failed THEN 'failed' ELSE 'succeeded' END,
                   error_code = CASE WHEN bad.all_failed THEN (SELECT code FROM f) END,
                   error = CASE WHEN bad.all_failed THEN 'no item could be imported; the commonest failure: '
                                || (SELECT message FROM f) END,
                   secret_sealed = NULL, finished_at = now(), updated_at = now()
              FROM bad
             WHERE id = $1 AND imports.state = 'running'
               AND NOT EXISTS (SELECT 1 FROM import_items WHERE import_id = $1 AND state IN ('pending', 'importing'))
            RETURNING tenant_id, imports.state, imports.error_code, imports.error,
                      (SELECT jsonb_object_agg(state, n) FROM c) AS counts""")
        .execute(Tuple.of(id))
        .compose(
            rs -> {
              if (rs.size() == 0) {
                return Future.succeededFuture();
              }
              Row r = rs.iterator().next();
              JsonObject counts = r.getJsonObject("counts");
              boolean failed = r.getString("state").equals("failed");
              JsonObject data =
                  new JsonObject()
                      .put("importId", id.toString())
                      .put("counts", counts == null ? new JsonObject() : counts);
              if (failed) {
                data.put("code", r.getString("error_code")).put("message", r.getString("error"));
              }
              return EventStore.record(
                      conn,
                      r.getUUID("tenant_id"),
                      failed ? "import.failed" : "import.completed",
                      id.toString(),
                      data)
                  .mapEmpty();
            });
  }

  private static JsonObject view(Row r) {
    OffsetDateTime finished = r.getOffsetDateTime("finished_at");
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("kind", r.getString("kind"))
        .put("source", r.getJsonObject("source"))
        .put("pipeline", r.getString("pipeline"))
        .put("tags", new JsonArray(List.of(r.getArrayOfStrings("tags"))))
        .put("reprocess", r.getBoolean("reprocess"))
        .put("state", r.getString("state"))
        .put("error", r.getString("error"))
        .put("errorCode", r.getString("error_code"))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("finishedAt", finished == null ? null : finished.toInstant().toString());
  }

  private static JsonObject item(Row r) {
    UUID asset = r.getUUID("asset_id");
    UUID job = r.getUUID("job_id");
    return new JsonObject()
        .put("n", r.getInteger("n"))
        .put("name", r.getString("name"))
        .put("files", r.getJsonArray("files"))
        .put("state", r.getString("state"))
        .put("assetId", asset == null ? null : asset.toString())
        .put("jobId", job == null ? null : job.toString())
        .put("code", r.getString("code"))
        .put("message", r.getString("message"))
        .put("size", r.getLong("size_bytes"))
        .put("sha256", r.getString("sha256"));
  }

  /** A failure for an item: the code of an {@link AssetGridException}, else INTERNAL_ERROR. */
  public static Outcome failure(Throwable e) {
    if (e instanceof AssetGridException a) {
      return Outcome.failed(a.code().name(), a.getMessage());
    }
    return Outcome.failed(
        ErrorCode.INTERNAL_ERROR.name(), "the item could not be imported; see the coordinator log");
  }
}
