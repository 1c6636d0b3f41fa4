package dev.assetgrid.coordinator.access;

import java.util.UUID;

/**
 * Who is calling: the key that authenticated the request, its tenant and role. Every store call
 * that reads or writes tenant data takes {@link #tenantId()}.
 *
 * @param keyId the key's public id ({@link #ANONYMOUS} with {@code --auth off})
 */
public record Principal(String keyId, UUID tenantId, String tenantName, Role role) {

  /** The tenant every grid starts with (created by the schema migration). */
  public static final UUID DEFAULT_TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");

  public static final String DEFAULT_TENANT_NAME = "default";

  /** The key id recorded for requests when authentication is off. */
  public static final String ANONYMOUS = "anonymous";

  /** With {@code --auth off} every request acts as the default tenant's admin. */
  public static Principal unauthenticated() {
    return new Principal(ANONYMOUS, DEFAULT_TENANT, DEFAULT_TENANT_NAME, Role.ADMIN);
  }

  /**
   * An admin of the default tenant administers the grid: makes tenants, and keys for any tenant.
   */
  public boolean systemAdmin() {
    return role == Role.ADMIN && DEFAULT_TENANT.equals(tenantId);
  }
}
