package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.coordinator.access.ApiKey;
import dev.assetgrid.coordinator.access.KeySource;
import dev.assetgrid.coordinator.access.KeySpec;
import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.access.StoredKey;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.util.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Tenants and API keys in PostgreSQL ({@code tenants}, {@code api_keys}). */
public final class KeyStore implements KeySource {
  /** Tenant names: lower-case letters, digits and dashes, 1 to 63 characters. */
  public static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /** Most keys one tenant may hold (revoked ones included). */
  public static final int MAX_KEYS_PER_TENANT = 1_000;

  private static final String SELECT =
      "SELECT k.*, t.name AS tenant_name FROM api_keys k JOIN tenants t ON t.id = k.tenant_id";

  private final Pool pool;

  public KeyStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<StoredKey>> all() {
    return pool.query(SELECT).execute().map(KeyStore::keys);
  }

  @Override
  public Future<List<StoredKey>> changedWithin(Duration window) {
    return pool.preparedQuery(SELECT + " WHERE k.updated_at > now() - make_interval(secs => $1)")
        .execute(Tuple.of(window.toMillis() / 1000.0))
        .map(KeyStore::keys);
  }

  @Override
  public Future<Optional<StoredKey>> byId(String id) {
    return pool.preparedQuery(SELECT + " WHERE k.id = $1")
        .execute(Tuple.of(id))
        .map(rs -> keys(rs).stream().findFirst());
  }

  /**
   * On a database without any key: makes {@code key} an admin key of the default tenant and answers
   * true. Several coordinators starting at once on one empty database make one key between them (an
   * advisory lock orders them); the others answer false.
   */
  public Future<Boolean> bootstrap(ApiKey key) {
    return pool.withTransaction(
        conn ->
            conn.query("SELECT pg_advisory_xact_lock(hashtext('assetgrid.bootstrap-key'))")
                .execute()
                .compose(v -> conn.query("SELECT EXISTS (SELECT 1 FROM api_keys) AS any").execute())
                .compose(
                    rs -> {
                      if (rs.iterator().next().getBoolean("any")) {
                        return Future.succeededFuture(false);
                      }
                      Actor actor = Actor.system("key.create");
                      return insertKey(
                              conn,
                              key,
                              Principal.DEFAULT_TENANT,
                              new KeySpec(
                                  null, Role.ADMIN, "bootstrap admin key", null, null, null),
                              null)
                          .compose(
                              v ->
                                  AuditLog.record(
                                      conn,
                                      actor,
                                      "key",
                                      List.of(key.id()),
                                      new JsonObject().put("role", "admin").put("bootstrap", true)))
                          .map(true);
                    }));
  }

  /**
   * A new key for {@code tenantName} (null: the actor's own tenant). Only the system admin (an
   * admin of the default tenant) names another tenant; a tenant that does not exist yet is created.
   */
  public Future<StoredKey> create(Actor actor, KeySpec spec, ApiKey key) {
    Principal by = actor.principal();
    String tenant = spec.tenant() == null ? by.tenantName() : spec.tenant();
    if (!tenant.equals(by.tenantName()) && !by.systemAdmin()) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.FORBIDDEN,
              "only an admin of tenant "
                  + Principal.DEFAULT_TENANT_NAME
                  + " creates keys for other tenants"));
    }
    return pool.withTransaction(
            conn ->
                tenantId(conn, tenant)
                    .compose(
                        id ->
                            conn.preparedQuery(
                                    "SELECT count(*) AS n FROM api_keys WHERE tenant_id = $1")
                                .execute(Tuple.of(id))
                                .compose(
                                    rs -> {
                                      if (rs.iterator().next().getLong("n")
                                          >= MAX_KEYS_PER_TENANT) {
                                        return Future.failedFuture(
                                            new AssetGridException(
                                                ErrorCode.QUOTA_EXCEEDED,
                                                "tenant "
                                                    + tenant
                                                    + " holds "
                                                    + MAX_KEYS_PER_TENANT
                                                    + " keys, the most it may; revoke unused ones"
                                                    + " (revoked keys count until deleted)",
                                                Map.of(
                                                    "quota", "keys", "limit", MAX_KEYS_PER_TENANT),
                                                null));
                                      }
                                      return insertKey(conn, key, id, spec, by.keyId());
                                    })
                                .compose(
                                    v ->
                                        AuditLog.record(
                                            conn,
                                            actor,
                                            "key",
                                            List.of(key.id()),
                                            new JsonObject()
                                                .put("tenant", tenant)
                                                .put("role", spec.role().wire())))))
        .compose(v -> byId(key.id()))
        .map(Optional::orElseThrow);
  }

  /** The id of tenant {@code name}, created when new. */
  private static Future<UUID> tenantId(SqlConnection conn, String name) {
    if (!TENANT_NAME.matcher(name).matches()) {
      return Future.failedFuture(
          new AssetGridException(
              ErrorCode.INVALID_REQUEST,
              "tenant names are 1 to 63 lower-case letters, digits and dashes, starting with a"
                  + " letter or digit: "
                  + name,
              Map.of("pointer", "/tenant"),
              null));
    }
    return conn.preparedQuery(
            """
            WITH made AS (INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM made UNION ALL SELECT id FROM tenants WHERE name = $2""")
        .execute(Tuple.of(Ids.newId(), name))
        .map(rs -> rs.iterator().next().getUUID("id"));
  }

  private static Future<Void> insertKey(
      SqlConnection conn, ApiKey key, UUID tenant, KeySpec spec, String createdBy) {
    return conn.preparedQuery(
            """
            INSERT INTO api_keys (id, tenant_id, role, name, secret_hash, created_by, expires_at,
                                  rate_requests_per_s, rate_upload_bytes_per_s)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
        .execute(
            Tuple.from(
                new Object[] {
                  key.id(),
                  tenant,
                  spec.role().wire(),
                  spec.name(),
                  io.vertx.core.buffer.Buffer.buffer(key.hash()),
                  createdBy,
                  spec.expiresAt() == null ? null : spec.expiresAt().atOffset(ZoneOffset.UTC),
                  spec.requestsPerSecond(),
                  spec.uploadBytesPerSecond()
                }))
        .mapEmpty();
  }

  /** The keys of a tenant, oldest first. */
  public Future<List<StoredKey>> list(UUID tenant) {
    return pool.preparedQuery(SELECT + " WHERE k.tenant_id = $1 ORDER BY k.created_at, k.id")
        .execute(Tuple.of(tenant))
        .map(KeyStore::keys);
  }

  /**
   * Revokes a key of the actor's tenant; empty when the tenant has no such key. Revoking a revoked
   * key changes nothing and answers it as it is.
   */
  public Future<Optional<StoredKey>> revoke(Actor actor, String id) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        """
                        UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), updated_at = now()
                         WHERE id = $1 AND tenant_id = $2 RETURNING id""")
                    .execute(Tuple.of(id, actor.tenant()))
                    .compose(
                        rs ->
                            rs.rowCount() == 0
                                ? Future.succeededFuture(false)
                                : AuditLog.record(conn, actor, "key", List.of(id), null).map(true)))
        .compose(found -> found ? byId(id) : Future.succeededFuture(Optional.empty()));
  }

  /** A tenant's quotas and usage: {name, quotas:{...}, usage:{...}}, or empty. */
  public Future<Optional<JsonObject>> tenant(String name) {
    return pool.preparedQuery("SELECT * FROM tenants WHERE name = $1")
        .execute(Tuple.of(name))
        .map(
            rs ->
                rs.size() == 0 ? Optional.empty() : Optional.of(tenantJson(rs.iterator().next())));
  }

  /**
   * Sets a tenant's quotas: a member of {@code quotas} that is present sets that quota ({@code
   * null} = the coordinator's default); empty when there is no such tenant.
   */
  public Future<Optional<JsonObject>> setQuotas(Actor actor, String name, JsonObject quotas) {
    List<String> sets = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    args.add(name);
    for (Map.Entry<String, String> q : QUOTA_COLUMNS.entrySet()) {
      if (quotas.containsKey(q.getKey())) {
        args.add(quotas.getValue(q.getKey()) == null ? null : quotas.getLong(q.getKey()));
        sets.add(q.getValue() + " = $" + args.size());
      }
    }
    if (sets.isEmpty()) {
      return tenant(name);
    }
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "UPDATE tenants SET "
                            + String.join(", ", sets)
                            + ", updated_at = now() WHERE name = $1 RETURNING id")
                    .execute(Tuple.from(args))
                    .compose(
                        rs ->
                            rs.rowCount() == 0
                                ? Future.succeededFuture(false)
                                : AuditLog.record(conn, actor, "tenant", List.of(name), quotas)
                                    .map(true)))
        .compose(found -> found ? tenant(name) : Future.succeededFuture(Optional.empty()));
  }

  /** JSON member of each quota → its column. */
  public static final Map<String, String> QUOTA_COLUMNS =
      new java.util.LinkedHashMap<>(
          Map.of(
              "storedBytes", "max_stored_bytes",
              "assets", "max_assets",
              "activeJobs", "max_active_jobs"));

  private static JsonObject tenantJson(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("name", r.getString("name"))
        .put(
            "quotas",
            new JsonObject()
                .put("storedBytes", r.getLong("max_stored_bytes"))
                .put("assets", r.getLong("max_assets"))
                .put("activeJobs", r.getLong("max_active_jobs")))
        .put(
            "usage",
            new JsonObject()
                .put("storedBytes", r.getLong("stored_bytes"))
                .put("assets", r.getLong("asset_count")))
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString());
  }

  private static List<StoredKey> keys(RowSet<Row> rs) {
    List<StoredKey> out = new ArrayList<>();
    for (Row r : rs) {
      out.add(
          new StoredKey(
              r.getString("id"),
              r.getUUID("tenant_id"),
              r.getString("tenant_name"),
              Role.fromWire(r.getString("role")),
              r.getString("name"),
              r.getBuffer("secret_hash").getBytes(),
              r.getString("created_by"),
              instant(r.getOffsetDateTime("created_at")),
              instant(r.getOffsetDateTime("expires_at")),
              instant(r.getOffsetDateTime("revoked_at")),
              r.getDouble("rate_requests_per_s"),
              r.getDouble("rate_upload_bytes_per_s")));
    }
    return out;
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
