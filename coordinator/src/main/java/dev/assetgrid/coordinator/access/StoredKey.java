package dev.assetgrid.coordinator.access;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as the database keeps it: never its secret, only the secret's SHA-256.
 *
 * @param expiresAt null = never
 * @param revokedAt null = not revoked
 * @param requestsPerSecond the key's request rate limit; null = the coordinator's default
 * @param uploadBytesPerSecond the key's upload rate limit; null = the coordinator's default
 */
public record StoredKey(
    String id,
    UUID tenantId,
    String tenantName,
    Role role,
    String name,
    byte[] secretHash,
    String createdBy,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt,
    Double requestsPerSecond,
    Double uploadBytesPerSecond) {

  public Principal principal() {
    return new Principal(id, tenantId, tenantName, role);
  }
}
