package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.access.Quotas;
import java.time.Duration;

/**
 * How the API admits callers.
 *
 * @param auth whether requests need an API key ({@code --auth on}, the default); off = every
 *     request acts as the default tenant's admin (local experiments only; logged at start)
 * @param quotas each tenant's quotas unless its own row sets them ({@code --quota-*})
 * @param requestsPerSecond each key's request rate limit ({@code --rate-limit}); null = none
 * @param uploadBytesPerSecond each key's upload rate limit ({@code --upload-rate-limit}); null =
 *     none
 * @param auditRetention how long audit rows are kept ({@code --audit-retention-days})
 */
public record AccessOptions(
    boolean auth,
    Quotas quotas,
    Double requestsPerSecond,
    Double uploadBytesPerSecond,
    Duration auditRetention) {

  public static final double DEFAULT_REQUESTS_PER_SECOND = 500;
  public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(365);

  public AccessOptions {
    quotas = quotas == null ? Quotas.unlimited() : quotas;
    auditRetention = auditRetention == null ? DEFAULT_AUDIT_RETENTION : auditRetention;
    if (requestsPerSecond != null && !(requestsPerSecond > 0)) {
      throw new IllegalArgumentException("the request rate limit must be positive");
    }
    if (uploadBytesPerSecond != null && !(uploadBytesPerSecond > 0)) {
      throw new IllegalArgumentException("the upload rate limit must be positive");
    }
    if (auditRetention.toHours() < 1) {
      throw new IllegalArgumentException("audit rows must be kept at least an hour");
    }
  }

  /** Keys required, no quotas, {@value #DEFAULT_REQUESTS_PER_SECOND} requests/s per key. */
  public static AccessOptions defaults() {
    return new AccessOptions(
        true, Quotas.unlimited(), DEFAULT_REQUESTS_PER_SECOND, null, DEFAULT_AUDIT_RETENTION);
  }

  public AccessOptions withAuth(boolean on) {
    return new AccessOptions(on, quotas, requestsPerSecond, uploadBytesPerSecond, auditRetention);
  }

  public AccessOptions withQuotas(Quotas q) {
    return new AccessOptions(auth, q, requestsPerSecond, uploadBytesPerSecond, auditRetention);
  }

  public AccessOptions withRateLimits(Double requests, Double uploadBytes) {
    return new AccessOptions(auth, quotas, requests, uploadBytes, auditRetention);
  }
}
