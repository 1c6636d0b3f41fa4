package dev.assetgrid.node.processing.validate;

import java.util.ArrayList;
import java.util.List;

/** Collects issues with the cap; counts every issue, keeps at most {@code max} messages. */
final class Issues {
  private final int max;
  final List<ValidationIssue> kept = new ArrayList<>();
  final int[] counts = new int[4];
  boolean truncated;

  Issues(int max) {
    this.max = max;
  }

  void add(IssueCode code, String pointer, String message) {
    add(code, code.severity(), pointer, message);
  }

  void add(IssueCode code, Severity severity, String pointer, String message) {
    counts[severity.level()]++;
    if (kept.size() < max) {
      kept.add(new ValidationIssue(code, message, severity, pointer));
    } else {
      truncated = true;
    }
  }

  int errors() {
    return counts[0];
  }
}
