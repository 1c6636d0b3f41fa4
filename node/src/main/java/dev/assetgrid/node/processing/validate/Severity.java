package dev.assetgrid.node.processing.validate;

/**
 * Issue severity, numbered as in the Khronos glTF-Validator report: 0 error, 1 warning, 2 info, 3
 * hint.
 */
public enum Severity {
  ERROR,
  WARNING,
  INFO,
  HINT;

  /** The number used in report JSON ({@code 0..3}). */
  public int level() {
    return ordinal();
  }
}
