package dev.assetgrid.shared.state;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Life of a job (one pipeline run over one asset). QUEUED until its first task is leased, RUNNING
 * until every task is terminal; SUCCEEDED when all succeeded, FAILED when one failed or died,
 * CANCELLED on request. A failed or cancelled job can be retried (back to QUEUED). One transition
 * table ({@link #canBecome}); every change the store's SQL makes is in it (the coordinator's {@code
 * StateTransitionsTest} checks).
 */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  private static final Map<JobState, Set<JobState>> NEXT =
      Map.of(
          QUEUED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED),
          SUCCEEDED, EnumSet.noneOf(JobState.class),
          FAILED, EnumSet.of(QUEUED),
          CANCELLED, EnumSet.of(QUEUED));

  public boolean canBecome(JobState next) {
    return NEXT.get(this).contains(next);
  }

  /** Whether a job may be created in this state: QUEUED. */
  public boolean initial() {
    return this == QUEUED;
  }

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  public String wire() {
    return name().toLowerCase();
  }

  public static JobState fromWire(String s) {
    return valueOf(s.toUpperCase());
  }
}
