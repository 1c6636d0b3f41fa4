package dev.assetgrid.coordinator.http;

import dev.assetgrid.coordinator.store.AssetStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.ext.web.RoutingContext;

/**
 * Query parameters of the list endpoints: filters, times, the keyset cursor ({@code after}) and the
 * page size ({@code limit}). A bad value throws {@code INVALID_REQUEST}.
 */
final class Paging {
  private Paging() {}

  /** Largest page of a list endpoint. */
  static final int MAX_PAGE = 500;

  /** The query parameter, or null when absent or blank. */
  static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isBlank() ? null : v;
  }

  static java.time.OffsetDateTime time(RoutingContext ctx, String name) {
    String v = param(ctx, name);
    try {
      return v == null ? null : java.time.OffsetDateTime.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, name + " must be an ISO-8601 time with offset");
    }
  }

  static AssetStore.Cursor cursor(RoutingContext ctx) {
    String v = param(ctx, "after");
    return v == null ? null : AssetStore.Cursor.decode(v);
  }

  /**
   * The {@code after} cursor of a list keyed by ids, or null; INVALID_REQUEST naming {@code what}.
   */
  static java.util.UUID afterId(RoutingContext ctx, String what) {
    String after = param(ctx, "after");
    java.util.UUID id = after == null ? null : dev.assetgrid.shared.util.Ids.parse(after);
    if (after != null && id == null) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "after is not " + what + " id");
    }
    return id;
  }

  static int limit(RoutingContext ctx) {
    String v = param(ctx, "limit");
    try {
      int n = v == null ? 50 : Integer.parseInt(v);
      if (n < 1 || n > MAX_PAGE) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "limit must be 1.." + MAX_PAGE);
    }
  }
}
