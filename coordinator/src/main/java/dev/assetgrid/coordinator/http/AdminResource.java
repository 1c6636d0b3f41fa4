package dev.assetgrid.coordinator.http;

import static dev.assetgrid.coordinator.http.Responses.json;

import dev.assetgrid.coordinator.access.Principal;
import dev.assetgrid.coordinator.access.Role;
import dev.assetgrid.coordinator.schedule.duty.ScrubReport;
import dev.assetgrid.coordinator.store.AuditLog;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on the whole grid, for admins of tenant {@code default}: {@code POST /v1/admin/scrub}
 * runs one full integrity scrub now and answers what it found ({@link ScrubReport}) when it ends;
 * {@code 503 STORAGE_UNAVAILABLE} when the object store became unavailable during the pass (nothing
 * was marked for the blobs it had not read).
 */
final class AdminResource implements HttpResource {
  private static final Logger LOG = LoggerFactory.getLogger(AdminResource.class);

  private final Access access;
  private final AuditLog audit;
  private final Supplier<Future<ScrubReport>> scrub;

  /**
   * @param scrub one full pass; null when this process has no scrub (the route answers 503)
   */
  AdminResource(Access access, AuditLog audit, Supplier<Future<ScrubReport>> scrub) {
    this.access = access;
    this.audit = audit;
    this.scrub = scrub;
  }

  @Override
  public void register(Router r) {
    access.write(r.post("/v1/admin/scrub"), "blob.scrub", Role.ADMIN).handler(this::scrub);
  }

  private void scrub(RoutingContext ctx) {
    if (!Access.principal(ctx).systemAdmin()) {
      Problems.send(
          ctx,
          ErrorCode.FORBIDDEN,
          "only an admin of tenant "
              + Principal.DEFAULT_TENANT_NAME
              + " runs the scrub, since it reads every tenant's blobs");
      return;
    }
    if (scrub == null) {
      Problems.send(ctx, ErrorCode.NOT_READY, "this coordinator runs no integrity scrub");
      return;
    }
    scrub
        .get()
        .onSuccess(
            report -> {
              if (report.unavailable() != null) {
                Problems.send(
                    ctx,
                    new AssetGridException(
                        ErrorCode.STORAGE_UNAVAILABLE,
                        "The scrub stopped after "
                            + report.scanned()
                            + " blob(s) because the object store is unavailable, and marked"
                            + " nothing for the rest; retry later.",
                        Map.of("report", report.toJson().getMap()),
                        null));
                return;
              }
              audit
                  .recordSuccess(Access.actor(ctx), "scrub", List.of(), report.toJson())
                  .onFailure(e -> LOG.warn("cannot audit blob.scrub: {}", e.toString()));
              json(ctx, 200, report.toJson());
            })
        .onFailure(e -> Problems.send(ctx, e));
  }
}
