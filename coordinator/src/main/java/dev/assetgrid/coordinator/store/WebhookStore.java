package dev.assetgrid.coordinator.store;

import dev.assetgrid.coordinator.access.Actor;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A tenant's webhooks ({@code webhooks}) and their outbox ({@code webhook_deliveries}, {@code
 * webhook_attempts}). The outbox rows are written by the trigger on {@code events}, in the
 * transaction of the change; coordinators {@link #lease} due rows with {@code SKIP LOCKED} (each
 * sent by one of them at a time, at least once) and {@link #finish} each attempt fenced by its
 * lease.
 */
public final class WebhookStore {
  /** Most webhooks one tenant may register. */
  public static final int MAX_PER_TENANT = 100;

  /** Longest response snippet kept per attempt, characters. */
  public static final int MAX_SNIPPET = 1024;

  /**
   * What a create or update asks for; a null member of an update is left as it is.
   *
   * @param events type patterns ({@link EventStore#TYPE_PATTERN})
   */
  public record Spec(String url, List<String> events, String description, Boolean enabled) {}

  /** A delivery leased for one attempt. */
  public record Due(
      long deliveryId,
      int attempt,
      UUID webhookId,
      UUID tenant,
      String url,
      byte[] sealedSecret,
      String eventId,
      JsonObject event) {}

  /**
   * What one attempt did.
   *
   * @param status the receiver's HTTP status; null when no answer came
   * @param error why it failed, a sentence; null on success
   * @param response the first characters of the answer's body
   */
  public record Attempt(
      OffsetDateTime startedAt,
      int latencyMs,
      Integer status,
      String error,
      String response,
      String sentBy) {
    public boolean succeeded() {
      return error == null && status != null && status >= 200 && status < 300;
    }
  }

  /** What {@link #finish} decided: the delivery's state, and whether the webhook was disabled. */
  public record Finished(String state, boolean disabled) {}

  private static final String VIEW =
      "id, url, event_types, description, enabled, disabled_reason, failing_since, created_at,"
          + " updated_at";

  private final Pool pool;

  public WebhookStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(Actor actor, Spec spec, byte[] sealedSecret) {
    UUID id = UUID.randomUUID();
    UUID tenant = actor.tenant();
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "SELECT pg_advisory_xact_lock(hashtext('assetgrid.webhooks.' || $1))")
                .execute(Tuple.of(tenant.toString()))
                .compose(
                    v ->
                        conn.preparedQuery(
                                "SELECT count(*) AS n FROM webhooks WHERE tenant_id = $1")
                            .execute(Tuple.of(tenant)))
                .compose(
                    rs -> {
                      if (rs.iterator().next().getLong("n") >= MAX_PER_TENANT) {
                        return Future.failedFuture(
                            new AssetGridException(
                                ErrorCode.QUOTA_EXCEEDED,
                                "a tenant may register "
                                    + MAX_PER_TENANT
                                    + " webhooks; delete ones nobody uses",
                                Map.of("quota", "webhooks", "limit", MAX_PER_TENANT),
                                null));
                      }
                      return conn.preparedQuery(
                              "INSERT INTO webhooks (id, tenant_id, url, event_types, description,"
                                  + " enabled, secret_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                                  + " RETURNING "
                                  + VIEW)
                          .execute(
                              Tuple.from(
                                  new Object[] {
                                    id,
                                    tenant,
                                    spec.url(),
                                    spec.events().toArray(new String[0]),
                                    spec.description(),
                                    spec.enabled() == null || spec.enabled(),
                                    Buffer.buffer(sealedSecret)
                                  }));
                    })
                .compose(
                    rs ->
                        AuditLog.record(
                                conn,
                                actor,
                                "webhook",
                                List.of(id.toString()),
                                new JsonObject()
                                    .put("url", spec.url())
                                    .put("events", new JsonArray(spec.events())))
                            .map(view(rs.iterator().next()))));
  }

  /** The tenant's webhooks, oldest first: {items, next}. */
  public Future<JsonObject> list(UUID tenant, UUID after, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + VIEW
                + " FROM webhooks WHERE tenant_id = $1 AND ($2::uuid IS NULL OR (created_at, id) >"
                + " (SELECT created_at, id FROM webhooks WHERE id = $2)) ORDER BY created_at, id"
                + " LIMIT $3")
        .execute(Tuple.of(tenant, after, limit + 1))
        .map(rs -> Pages.page(rs, limit, WebhookStore::view, r -> r.getUUID("id").toString()));
  }

  public Future<Optional<JsonObject>> get(UUID tenant, UUID id) {
    return pool.preparedQuery("SELECT " + VIEW + " FROM webhooks WHERE tenant_id = $1 AND id = $2")
        .execute(Tuple.of(tenant, id))
        .map(rs -> first(rs).map(WebhookStore::view));
  }

  /**
   * Changes the members {@code patch} sets. Enabling clears the failure streak and the reason a
   * webhook was disabled.
   */
  public Future<Optional<JsonObject>> update(Actor actor, UUID id, Spec patch) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    """
                    UPDATE webhooks SET url = coalesce($3, url), event_types = coalesce($4, event_types),
                           description = CASE WHEN $5::boolean THEN $6 ELSE description END,
                           enabled = coalesce($7, enabled),
                           failing_since = CASE WHEN $7 THEN NULL ELSE failing_since END,
                           disabled_reason = CASE WHEN $7 THEN NULL WHEN NOT $7 THEN 'disabled by a user'
                                                  ELSE disabled_reason END,
                           updated_at = now()
                     WHERE tenant_id = $1 AND id = $2
                    RETURNING """
                        + " "
                        + VIEW)
                .execute(
                    Tuple.from(
                        new Object[] {
                          actor.tenant(),
                          id,
                          patch.url(),
                          patch.events() == null ? null : patch.events().toArray(new String[0]),
                          patch.description() != null,
                          patch.description() == null || patch.description().isEmpty()
                              ? null
                              : patch.description(),
                          patch.enabled()
                        }))
                .compose(rs -> audited(conn, actor, id, rs)));
  }

  /** A new signing secret (sealed); the old one stops signing at once. */
  public Future<Optional<JsonObject>> rotate(Actor actor, UUID id, byte[] sealedSecret) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "UPDATE webhooks SET secret_sealed = $3, updated_at = now() WHERE tenant_id ="
                        + " $1 AND id = $2 RETURNING "
                        + " "
                        + VIEW)
                .execute(Tuple.of(actor.tenant(), id, Buffer.buffer(sealedSecret)))
                .compose(rs -> audited(conn, actor, id, rs)));
  }

  /** Deletes the webhook with its delivery log; false when there is none. */
  public Future<Boolean> delete(Actor actor, UUID id) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery("DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2 RETURNING id")
                .execute(Tuple.of(actor.tenant(), id))
                .compose(rs -> audited(conn, actor, id, rs))
                .map(Optional::isPresent));
  }

  /**
   * The webhook's deliveries, newest first, optionally of one state: {items, next}; empty when the
   * tenant has no such webhook.
   */
  public Future<Optional<JsonObject>> deliveries(
      UUID tenant, UUID webhookId, String state, Long afterId, int limit) {
    return get(tenant, webhookId)
        .compose(
            hook -> {
              if (hook.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
              }
              return pool.preparedQuery(
                      """
                      SELECT d.*, e.type AS event_type FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
                       WHERE d.webhook_id = $1 AND ($2::text IS NULL OR d.state = $2)
                         AND ($3::bigint IS NULL OR d.id < $3)
                       ORDER BY d.id DESC LIMIT $4""")
                  .execute(Tuple.of(webhookId, state, afterId, limit + 1))
                  .map(
                      rs ->
                          Optional.of(
                              Pages.page(
                                  rs,
                                  limit,
                                  WebhookStore::delivery,
                                  r -> String.valueOf(r.getLong("id")))));
            });
  }

  /** One delivery with every attempt and the event it carries. */
  public Future<Optional<JsonObject>> delivery(UUID tenant, UUID webhookId, long deliveryId) {
    return pool.preparedQuery(
            """
            SELECT d.*, e.type AS event_type, e.id AS e_id, e.type AS e_type, e.subject AS e_subject,
                   e.data AS e_data, e.created_at AS e_created_at
              FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.id = d.event_id
             WHERE w.tenant_id = $1 AND d.webhook_id = $2 AND d.id = $3""")
        .execute(Tuple.of(tenant, webhookId, deliveryId))
        .compose(
            rs -> {
              Optional<Row> row = first(rs);
              if (row.isEmpty()) {
                return Future.succeededFuture(Optional.<JsonObject>empty());
              }
              JsonObject out = delivery(row.get()).put("event", EventStore.json(row.get(), "e_"));
              return pool.preparedQuery(
                      "SELECT * FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt")
                  .execute(Tuple.of(deliveryId))
                  .map(
                      as -> {
                        JsonArray attempts = new JsonArray();
                        for (Row a : as) {
                          attempts.add(
                              new JsonObject()
                                  .put("attempt", a.getInteger("attempt"))
                                  .put(
                                      "at",
                                      a.getOffsetDateTime("started_at").toInstant().toString())
                                  .put("latencyMs", a.getInteger("latency_ms"))
                                  .put("status", a.getInteger("status"))
                                  .put("error", a.getString("error"))
                                  .put("response", a.getString("response"))
                                  .put("sentBy", a.getString("sent_by")));
                        }
                        return Optional.of(out.put("attemptLog", attempts));
                      });
            });
  }

  /**
   * Sends the delivery again, now (whatever its state), with a new retry window; false when the
   * tenant has no such delivery.
   */
  public Future<Boolean> redeliver(Actor actor, UUID webhookId, long deliveryId) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    """
                    UPDATE webhook_deliveries d SET state = 'pending', next_attempt_at = now(), window_start = now(),
                           finished_at = NULL, lease_owner = NULL, lease_until = NULL
                      FROM webhooks w
                     WHERE w.id = d.webhook_id AND w.tenant_id = $1 AND d.webhook_id = $2 AND d.id = $3
                    RETURNING d.id""")
                .execute(Tuple.of(actor.tenant(), webhookId, deliveryId))
                .compose(rs -> audited(conn, actor, webhookId, rs))
                .map(Optional::isPresent));
  }

  /**
   * A {@code webhook.test} event delivered to this webhook only (even when disabled patterns would
   * not match); the delivery's id, or empty when the tenant has no such webhook.
   */
  public Future<Optional<Long>> ping(Actor actor, UUID webhookId) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery("SELECT id FROM webhooks WHERE tenant_id = $1 AND id = $2")
                .execute(Tuple.of(actor.tenant(), webhookId))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(Optional.<Long>empty());
                      }
                      return EventStore.record(
                              conn,
                              actor.tenant(),
                              "webhook.test",
                              webhookId.toString(),
                              new JsonObject().put("webhookId", webhookId.toString()))
                          .compose(
                              eventId ->
                                  conn.preparedQuery(
                                          "INSERT INTO webhook_deliveries (webhook_id, event_id)"
                                              + " VALUES ($1, $2) RETURNING id")
                                      .execute(Tuple.of(webhookId, eventId)))
                          .map(d -> Optional.of(d.iterator().next().getLong("id")));
                    }));
  }

  /**
   * Leases up to {@code max} due deliveries of enabled webhooks for {@code leaseFor}: each is sent
   * by one lessee; a lease that runs out (its coordinator died) makes the row due again.
   */
  public Future<List<Due>> lease(String owner, int max, Duration leaseFor) {
    return pool.preparedQuery(
            """
            WITH l AS (
              UPDATE webhook_deliveries d
                 SET attempts = d.attempts + 1, lease_owner = $1,
                     lease_until = now() + ($3::bigint * interval '1 millisecond')
               WHERE d.id = ANY(ARRAY(
                     SELECT d2.id FROM webhook_deliveries d2
                      WHERE d2.state = 'pending' AND d2.next_attempt_at <= now()
                        AND (d2.lease_until IS NULL OR d2.lease_until < now())
                        AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d2.webhook_id AND w.enabled)
                      ORDER BY d2.next_attempt_at
                      LIMIT $2
                      FOR UPDATE OF d2 SKIP LOCKED))
              RETURNING d.id, d.attempts, d.webhook_id, d.event_id)
            SELECT l.id AS delivery_id, l.attempts, l.webhook_id, w.tenant_id, w.url, w.secret_sealed,
                   e.id AS e_id, e.type AS e_type, e.subject AS e_subject, e.data AS e_data,
                   e.created_at AS e_created_at
              FROM l JOIN webhooks w ON w.id = l.webhook_id JOIN events e ON e.id = l.event_id
             ORDER BY l.id""")
        .execute(Tuple.of(owner, max, leaseFor.toMillis()))
        .map(
            rs -> {
              List<Due> out = new ArrayList<>(rs.size());
              for (Row r : rs) {
                JsonObject event = EventStore.json(r, "e_");
                out.add(
                    new Due(
                        r.getLong("delivery_id"),
                        r.getInteger("attempts"),
                        r.getUUID("webhook_id"),
                        r.getUUID("tenant_id"),
                        r.getString("url"),
                        r.getBuffer("secret_sealed").getBytes(),
                        event.getString("id"),
                        event));
              }
              return out;
            });
  }

  /**
   * Records an attempt of a leased delivery and decides what comes next: {@code succeeded}; {@code
   * pending} again in {@code retryIn} while the retry window ({@code retryFor} from the first
   * attempt) lasts; {@code failed} after. A failure starts or extends the webhook's failure streak,
   * and a streak of {@code disableAfter} disables it (a {@code webhook.disabled} event says so); a
   * success ends the streak. Nothing changes when the lease was lost (another coordinator took the
   * row): the answer is then empty.
   */
  public Future<Optional<Finished>> finish(
      Due due, Attempt attempt, Duration retryIn, Duration retryFor, Duration disableAfter) {
    boolean ok = attempt.succeeded();
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    """
                    WITH d AS (
                      UPDATE webhook_deliveries
                         SET state = CASE WHEN $4 THEN 'succeeded'
                                          WHEN window_start + ($6::bigint * interval '1 millisecond')
                                               >= now() + ($5::bigint * interval '1 millisecond') THEN 'pending'
                                          ELSE 'failed' END,
                             next_attempt_at = now() + ($5::bigint * interval '1 millisecond'),
                             lease_owner = NULL, lease_until = NULL, last_status = $7, last_error = $8,
                             finished_at = CASE WHEN $4 OR window_start + ($6::bigint * interval '1 millisecond')
                                                < now() + ($5::bigint * interval '1 millisecond') THEN now() END
                       WHERE id = $1 AND lease_owner = $2 AND attempts = $3
                      RETURNING id, state),
                    a AS (
                      INSERT INTO webhook_attempts (delivery_id, attempt, started_at, latency_ms, status, error, response, sent_by)
                      SELECT d.id, $3, $9, $10, $7, $8, $11, $2 FROM d)
                    SELECT state FROM d""")
                .execute(
                    Tuple.from(
                        new Object[] {
                          due.deliveryId(),
                          attempt.sentBy(),
                          due.attempt(),
                          ok,
                          retryIn.toMillis(),
                          retryFor.toMillis(),
                          attempt.status(),
                          attempt.error(),
                          attempt.startedAt(),
                          attempt.latencyMs(),
                          attempt.response()
                        }))
                .compose(
                    rs -> {
                      if (rs.size() == 0) {
                        return Future.succeededFuture(Optional.<Finished>empty());
                      }
                      String state = rs.iterator().next().getString("state");
                      return health(conn, due, ok, disableAfter)
                          .map(disabled -> Optional.of(new Finished(state, disabled)));
                    }));
  }

  /** The webhook's failure streak after one attempt; true when this attempt disabled it. */
  private static Future<Boolean> health(
      SqlConnection conn, Due due, boolean ok, Duration disableAfter) {
    if (ok) {
      return conn.preparedQuery(
              "UPDATE webhooks SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL")
          .execute(Tuple.of(due.webhookId()))
          .map(false);
    }
    return conn.preparedQuery(
            """
            WITH o AS (SELECT id, enabled, coalesce(failing_since, now()) AS since FROM webhooks WHERE id = $1 FOR UPDATE),
            u AS (
              UPDATE webhooks w SET failing_since = o.since,
                     enabled = w.enabled AND o.since > now() - ($2::bigint * interval '1 millisecond'),
                     disabled_reason = CASE WHEN w.enabled AND o.since <= now() - ($2::bigint * interval '1 millisecond')
                                            THEN 'every delivery failed since ' || to_char(o.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                            ELSE w.disabled_reason END,
                     updated_at = now()
                FROM o WHERE w.id = o.id
              RETURNING w.enabled, w.disabled_reason, w.url)
            SELECT o.enabled AS was, u.enabled, u.disabled_reason, u.url FROM o JOIN u ON true""")
        .execute(Tuple.of(due.webhookId(), disableAfter.toMillis()))
        .compose(
            rs -> {
              Optional<Row> r = first(rs);
              if (r.isEmpty() || !(r.get().getBoolean("was") && !r.get().getBoolean("enabled"))) {
                return Future.succeededFuture(false);
              }
              return EventStore.record(
                      conn,
                      due.tenant(),
                      "webhook.disabled",
                      due.webhookId().toString(),
                      new JsonObject()
                          .put("webhookId", due.webhookId().toString())
                          .put("url", r.get().getString("url"))
                          .put("reason", r.get().getString("disabled_reason")))
                  .map(true);
            });
  }

  private static Future<Optional<JsonObject>> audited(
      SqlConnection conn, Actor actor, UUID id, RowSet<Row> rs) {
    Optional<Row> row = first(rs);
    if (row.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    JsonObject view = row.get().size() > 1 ? view(row.get()) : new JsonObject();
    return AuditLog.record(conn, actor, "webhook", List.of(id.toString()), null)
        .map(Optional.of(view));
  }

  private static Optional<Row> first(RowSet<Row> rs) {
    return rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next());
  }

  private static JsonObject view(Row r) {
    OffsetDateTime failing = r.getOffsetDateTime("failing_since");
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("url", r.getString("url"))
        .put("events", new JsonArray(List.of(r.getArrayOfStrings("event_types"))))
        .put("description", r.getString("description"))
        .put("enabled", r.getBoolean("enabled"))
        .put("disabledReason", r.getString("disabled_reason"))
        .put("failingSince", failing == null ? null : failing.toInstant().toString())
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString());
  }

  private static JsonObject delivery(Row r) {
    OffsetDateTime finished = r.getOffsetDateTime("finished_at");
    String state = r.getString("state");
    return new JsonObject()
        .put("id", String.valueOf(r.getLong("id")))
        .put("eventId", EventStore.ID_PREFIX + r.getLong("event_id"))
        .put("eventType", r.getString("event_type"))
        .put("state", state)
        .put("attempts", r.getInteger("attempts"))
        .put("lastStatus", r.getInteger("last_status"))
        .put("lastError", r.getString("last_error"))
        .put(
            "nextAttemptAt",
            state.equals("pending")
                ? r.getOffsetDateTime("next_attempt_at").toInstant().toString()
                : null)
        .put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("finishedAt", finished == null ? null : finished.toInstant().toString());
  }
}
