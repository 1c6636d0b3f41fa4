package dev.assetgrid.node.processing.validate;

import java.util.Objects;

/**
 * One finding of the validator.
 *
 * @param code stable code; never null
 * @param message human-readable text; never null, not meant for parsing
 * @param severity severity (normally {@code code.severity()}); never null
 * @param pointer JSON pointer into the glTF JSON ({@code ""} = root), or null for container-level
 *     issues (GLB header and chunks) that have no place in the JSON
 */
public record ValidationIssue(IssueCode code, String message, Severity severity, String pointer) {
  public ValidationIssue {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(severity, "severity");
  }
}
