package dev.assetgrid.coordinator.access;

import java.util.Locale;

/**
 * What a key may do, each role including the ones below it: {@code reader} reads (GET), {@code
 * writer} also uploads, starts, cancels and retries jobs, {@code admin} also manages keys, the
 * tenant and reads the audit log.
 */
public enum Role {
  READER,
  WRITER,
  ADMIN;

  /** Whether a key with this role may do what {@code needed} may. */
  public boolean covers(Role needed) {
    return compareTo(needed) >= 0;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code s} ({@code reader}, {@code writer}, {@code admin}), or null. */
  public static Role fromWire(String s) {
    if (s == null) {
      return null;
    }
    for (Role r : values()) {
      if (r.wire().equals(s)) {
        return r;
      }
    }
    return null;
  }
}
