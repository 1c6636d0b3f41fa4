package dev.assetgrid.coordinator.store;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A tenant's durable events ({@code events}; the triggers of migration V9 write them with the
 * changes they describe). Readers walk the {@link Cursor} {@code (tx, id)} and only see rows whose
 * transaction is older than every one still running, so a row they have not seen can never commit
 * behind their cursor: replay after a reconnect misses nothing and repeats nothing.
 *
 * <p>The JSON form of an event, in streams and webhook bodies alike: {@code {id: "evt_<n>", type,
 * subject, timestamp, data}}.
 */
public final class EventStore {
  /** Prefix of an event's id ({@code evt_123}), also its webhook-id. */
  public static final String ID_PREFIX = "evt_";

  /** An event type pattern: a type such as {@code job.failed}, a prefix {@code job.*}, or *. */
  public static final Pattern TYPE_PATTERN = Pattern.compile("\\*|[a-z]+(\\.[a-z]+)*(\\.\\*)?");

  /**
   * Where a reader stands: after the event {@code id} of transaction {@code tx}; {@link #START} is
   * before everything.
   */
  public record Cursor(long tx, long id) {
    public static final Cursor START = new Cursor(0, 0);

    /** {@code <tx>-<id>}, the SSE id of the event after which this cursor stands. */
    public String encode() {
      return tx + "-" + id;
    }

    /**
     * @throws AssetGridException INVALID_REQUEST for anything {@link #encode} does not make
     */
    public static Cursor decode(String text) {
      int dash = text == null ? -1 : text.indexOf('-');
      try {
        if (dash > 0) {
          long tx = Long.parseLong(text.substring(0, dash));
          long id = Long.parseLong(text.substring(dash + 1));
          if (tx >= 0 && id >= 0) {
            return new Cursor(tx, id);
          }
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          "Last-Event-ID (or after) must be the id of an event of this stream, such as 1234-56");
    }
  }

  /** One event: whose it is, where it stands, and its JSON form. */
  public record Event(UUID tenant, Cursor cursor, String type, JsonObject body) {}

  /** Events in cursor order, and the cursor after the last of them. */
  public record Batch(List<Event> events, Cursor next) {}

  private static final String VISIBLE = "e.tx < pg_snapshot_xmin(pg_current_snapshot())";
  private static final String COLUMNS =
      "e.id, e.tenant_id, e.type, e.subject, e.data, e.created_at, e.tx::text::bigint AS tx";

  private final Pool pool;

  public EventStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * The tenant's visible events after {@code after}, oldest first, at most {@code limit}; only
   * those of a type {@code types} matches (null: all).
   */
  public Future<Batch> after(UUID tenant, Cursor after, List<String> types, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + """
                 FROM events e
                WHERE e.tenant_id = $1 AND (e.tx, e.id) > ($2::text::xid8, $3)
                  AND ($4::text[] IS NULL OR event_type_matches($4, e.type))
                  AND """
                + " "
                + VISIBLE
                + " ORDER BY e.tx, e.id LIMIT $5")
        .execute(
            Tuple.of(
                tenant,
                String.valueOf(after.tx()),
                after.id(),
                types == null ? null : types.toArray(new String[0]),
                limit))
        .map(rs -> batch(rs, after));
  }

  /**
   * The visible events of any of {@code tenants} after {@code after}, oldest first (the live feed
   * of a coordinator's streams).
   */
  public Future<Batch> feed(Collection<UUID> tenants, Cursor after, int limit) {
    return pool.preparedQuery(
            "SELECT "
                + COLUMNS
                + """
                 FROM events e
                WHERE (e.tx, e.id) > ($1::text::xid8, $2) AND e.tenant_id = ANY($3) AND """
                + " "
                + VISIBLE
                + " ORDER BY e.tx, e.id LIMIT $4")
        .execute(
            Tuple.of(String.valueOf(after.tx()), after.id(), tenants.toArray(new UUID[0]), limit))
        .map(rs -> batch(rs, after));
  }

  /**
   * The cursor after the last visible event of all tenants: where a stream that asks for no replay
   * starts.
   */
  public Future<Cursor> head() {
    // every visible event is at or before (xmin - 1, max); every event seen later is after it
    return pool.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1 AS tx")
        .execute()
        .map(rs -> new Cursor(rs.iterator().next().getLong("tx"), Long.MAX_VALUE));
  }

  /**
   * Deletes events (and with them their deliveries) older than {@code retention}, in slices of
   * {@value #PURGE_SLICE} rows (short transactions); how many.
   */
  public Future<Integer> purgeOlderThan(Duration retention) {
    return purgeSlices(retention, 0);
  }

  static final int PURGE_SLICE = 10_000;

  private Future<Integer> purgeSlices(Duration retention, int done) {
    return pool.preparedQuery(
            """
            DELETE FROM events WHERE id = ANY(ARRAY(
              SELECT id FROM events WHERE created_at < now() - make_interval(secs => $1) LIMIT $2))""")
        .execute(Tuple.of((double) retention.toSeconds(), PURGE_SLICE))
        .compose(
            rs ->
                rs.rowCount() == PURGE_SLICE
                    ? purgeSlices(retention, done + rs.rowCount())
                    : Future.succeededFuture(done + rs.rowCount()));
  }

  /** Writes an event in the caller's transaction (its deliveries follow from the trigger). */
  static Future<Long> record(
      SqlClient conn, UUID tenant, String type, String subject, JsonObject data) {
    return conn.preparedQuery(
            "INSERT INTO events (tenant_id, type, subject, data) VALUES ($1, $2, $3, $4) RETURNING id")
        .execute(Tuple.of(tenant, type, subject, data))
        .map(rs -> rs.iterator().next().getLong("id"));
  }

  /** The JSON form of an event row selected with {@link #COLUMNS}-like names. */
  static JsonObject json(Row r, String prefix) {
    return new JsonObject()
        .put("id", ID_PREFIX + r.getLong(prefix + "id"))
        .put("type", r.getString(prefix + "type"))
        .put("subject", r.getString(prefix + "subject"))
        .put("timestamp", r.getOffsetDateTime(prefix + "created_at").toInstant().toString())
        .put("data", r.getJsonObject(prefix + "data"));
  }

  private static Batch batch(io.vertx.sqlclient.RowSet<Row> rs, Cursor after) {
    List<Event> out = new ArrayList<>(rs.size());
    Cursor next = after;
    for (Row r : rs) {
      next = new Cursor(r.getLong("tx"), r.getLong("id"));
      out.add(new Event(r.getUUID("tenant_id"), next, r.getString("type"), json(r, "")));
    }
    return new Batch(out, next);
  }

  /**
   * Whether {@code type} matches one of the patterns, as SQL's {@code event_type_matches} decides:
   * the type itself, a prefix ending in {@code .*}, or {@code *}.
   */
  public static boolean matches(List<String> patterns, String type) {
    for (String p : patterns) {
      if (p.equals("*")
          || p.equals(type)
          || (p.endsWith(".*") && type.startsWith(p.substring(0, p.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** Validates type patterns; null or empty stays null (every type). */
  public static List<String> patterns(JsonArray or, String pointer) {
    if (or == null || or.isEmpty()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < or.size(); i++) {
      Object v = or.getValue(i);
      if (!(v instanceof String s) || s.length() > 100 || !TYPE_PATTERN.matcher(s).matches()) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "event types are names such as job.failed, prefixes such as asset.*, or *",
            java.util.Map.of("pointer", pointer + "/" + i),
            null);
      }
      out.add(s);
    }
    return out;
  }
}
