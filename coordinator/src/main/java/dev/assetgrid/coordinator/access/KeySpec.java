package dev.assetgrid.coordinator.access;

import java.time.Instant;

/**
 * What {@code POST /v1/keys} asks for.
 *
 * @param tenant the tenant's name; null = the caller's own
 * @param name a label for people; may be null
 * @param expiresAt null = never
 * @param requestsPerSecond this key's request rate limit; null = the coordinator's default
 * @param uploadBytesPerSecond this key's upload rate limit; null = the coordinator's default
 */
public record KeySpec(
    String tenant,
    Role role,
    String name,
    Instant expiresAt,
    Double requestsPerSecond,
    Double uploadBytesPerSecond) {}
