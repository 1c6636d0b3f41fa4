package dev.assetgrid.coordinator.blob;

import java.util.Locale;

/** What the last scrub found of a stored blob ({@code blobs.integrity}). */
public enum Integrity {
  /** Not re-read since it was stored. */
  UNVERIFIED,
  /** Read back whole: its size and SHA-256 are the ones recorded. */
  OK,
  /** The store has no such object. */
  MISSING,
  /** The store has it, but its size or SHA-256 differ from the recorded ones. */
  CORRUPT;

  /** The value kept in PostgreSQL and shown in {@code /v1/stats}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Integrity ofWire(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }

  /** Missing or corrupt: the assets referencing it are corrupt. */
  public boolean damaged() {
    return this == MISSING || this == CORRUPT;
  }
}
