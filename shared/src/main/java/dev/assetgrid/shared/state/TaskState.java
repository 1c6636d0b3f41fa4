package dev.assetgrid.shared.state;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Life of a task. One transition table; the store refuses anything else.
 *
 * <pre>
 * PENDING ──deps done──▶ QUEUED ──lease──▶ LEASED ──ok──▶ SUCCEEDED
 *                          ▲                  │
 *                          └──retry/requeue───┤──non-retryable──▶ FAILED
 *                                             └──attempts spent─▶ DEAD
 * any non-terminal ──cancel──▶ CANCELLED;  FAILED/DEAD/CANCELLED ──re-drive──▶ QUEUED
 * </pre>
 */
public enum TaskState {
  PENDING, QUEUED, LEASED, SUCCEEDED, FAILED, DEAD, CANCELLED;

  private static final Map<TaskState, Set<TaskState>> NEXT = Map.of(
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
