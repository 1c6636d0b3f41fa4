package dev.assetgrid.coordinator.access;

/**
 * What one tenant may hold: bytes uploaded (originals and side files), assets, and jobs queued or
 * running at once. Null = unlimited. The coordinator's flags give the defaults; a tenant's own row
 * may set each one ({@code PATCH /v1/tenants/{name}}).
 */
public record Quotas(Long storedBytes, Long assets, Long activeJobs) {
  public static Quotas unlimited() {
    return new Quotas(null, null, null);
  }
}
