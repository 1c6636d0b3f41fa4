package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Paging.limit;
import static dev.assetgrid.coordinator.http.Paging.param;
import static dev.assetgrid.coordinator.http.Paging.time;
import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.store.AuditLog;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/audit} (admin): the tenant's audit rows, newest first, filtered by {@code action},
 * {@code keyId}, {@code outcome}, {@code targetId}, {@code from}/{@code before}; keyset paging with
 * {@code cursor}.
 */
final class AuditResource implements HttpResource {
  private final Access access;
  private final AuditLog audit;

  AuditResource(Access access, AuditLog audit) {
    this.access = access;
    this.audit = audit;
  }

  @Override
  public void register(Router r) {
    r.get("/v1/audit").handler(access.require(Role.ADMIN)).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    try {
      String cursor = param(ctx, "cursor");
      Long after;
      try {
        after = cursor == null ? null : Long.parseLong(cursor);
      } catch (NumberFormatException e) {
        throw new AssetGridException(ErrorCode.INVALID_REQUEST, "bad cursor");
      }
      AuditLog.Query q =
          new AuditLog.Query(
              param(ctx, "action"),
              param(ctx, "keyId"),
              param(ctx, "outcome"),
              param(ctx, "targetId"),
              time(ctx, "from"),
              time(ctx, "before"));
      audit
          .list(Access.tenant(ctx), q, after, limit(ctx))
          .onSuccess(page -> json(ctx, 200, page))
          .onFailure(e -> Problems.send(ctx, e));
    } catch (AssetGridException e) {
      Problems.send(ctx, e);
    }
  }
}
