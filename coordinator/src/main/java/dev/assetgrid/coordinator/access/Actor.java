package dev.assetgrid.coordinator.access;

import java.util.UUID;

/**
 * A request acting on the store: who ({@link Principal}), which request ({@code X-Request-Id}), and
 * the audited action its route declares (e.g. {@code job.cancel}); null for reads. Every write
 * leaves an audit row naming these, in the transaction of the write.
 */
public record Actor(Principal principal, String requestId, String action) {

  public UUID tenant() {
    return principal.tenantId();
  }

  /** The grid itself (duties, bootstrap): the default tenant, no key. */
  public static Actor system(String action) {
    return new Actor(
        new Principal(null, Principal.DEFAULT_TENANT, Principal.DEFAULT_TENANT_NAME, Role.ADMIN),
        null,
        action);
  }
}
