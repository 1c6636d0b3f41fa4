package dev.assetgrid.shared.state;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Life of a task. One transition table ({@link #canBecome}); every change the store's SQL makes is
 * in it (the coordinator's {@code StateTransitionsTest} logs them with a trigger and checks).
 *
 * <pre>
 * created PENDING or QUEUED
 * PENDING ──deps done──▶ QUEUED ──lease──▶ LEASED ──ok──▶ SUCCEEDED
 *                          ▲                  │
 *                          └──retry/requeue───┤──non-retryable──▶ FAILED
 *                                             └──attempts spent─▶ DEAD
 * any non-terminal ──cancel──▶ CANCELLED;  FAILED/DEAD/CANCELLED ──re-drive──▶ QUEUED
 *                                            (or PENDING while a dependency has not succeeded)
 * </pre>
 *
 * The table also lets a PENDING task fail, which the queue's SQL never does (a task fails only once
 * leased).
 */
public enum TaskState {
  PENDING,
  QUEUED,
  LEASED,
  SUCCEEDED,
  FAILED,
  DEAD,
  CANCELLED;

  private static final Map<TaskState, Set<TaskState>> NEXT =
      Map.of(
          PENDING, EnumSet.of(QUEUED, CANCELLED, FAILED),
          QUEUED, EnumSet.of(LEASED, CANCELLED),
          LEASED, EnumSet.of(SUCCEEDED, QUEUED, FAILED, DEAD, CANCELLED),
          SUCCEEDED, EnumSet.noneOf(TaskState.class),
          FAILED, EnumSet.of(QUEUED, PENDING),
          DEAD, EnumSet.of(QUEUED, PENDING),
          CANCELLED, EnumSet.of(QUEUED, PENDING));

  public boolean canBecome(TaskState next) {
    return NEXT.get(this).contains(next);
  }

  /** Whether a task may be created in this state: PENDING (it waits for dependencies) or QUEUED. */
  public boolean initial() {
    return this == PENDING || this == QUEUED;
  }

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == DEAD || this == CANCELLED;
  }

  public String wire() {
    return name().toLowerCase();
  }

  public static TaskState fromWire(String s) {
    return valueOf(s.toUpperCase());
  }
}
