package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.stage.ValidateOptions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Result of {@link Validator#validate}. {@link #toJson()} has the shape of the Khronos
 * glTF-Validator report ({@code uri, mimeType, validatorVersion, issues{numErrors, numWarnings,
 * numInfos, numHints, messages[{code, message, severity, pointer}], truncated}, info{...}}) so
 * tools that read one read ours. Counts cover every issue found, also those whose message was
 * dropped by the cap.
 */
public final class ValidationReport {

  /** Version string written into reports. */
  public static final String VALIDATOR_VERSION = "assetgrid-validate-1.0";

  private final String uri;
  private final String mimeType;
  private final List<ValidationIssue> messages;
  private final int[] counts;
  private final boolean truncated;
  private final ObjectNode info;
  private final long elapsedNanos;

  ValidationReport(
      String uri,
      String mimeType,
      List<ValidationIssue> messages,
      int[] counts,
      boolean truncated,
      ObjectNode info,
      long elapsedNanos) {
    this.uri = uri;
    this.mimeType = mimeType;
    this.messages = List.copyOf(messages);
    this.counts = counts.clone();
    this.truncated = truncated;
    this.info = info;
    this.elapsedNanos = elapsedNanos;
  }

  /** The name the input was validated under (file name or caller-given); may be null. */
  public String uri() {
    return uri;
  }

  /** {@code model/gltf-binary} or {@code model/gltf+json}. */
  public String mimeType() {
    return mimeType;
  }

  /** Kept messages, at most {@link ValidateOptions#maxIssues()}. */
  public List<ValidationIssue> messages() {
    return messages;
  }

  public int numErrors() {
    return counts[0];
  }

  public int numWarnings() {
    return counts[1];
  }

  public int numInfos() {
    return counts[2];
  }

  public int numHints() {
    return counts[3];
  }

  /** True when at least one error was found (also when its message was dropped by the cap). */
  public boolean hasErrors() {
    return counts[0] > 0;
  }

  /** True when messages were dropped because of the cap. */
  public boolean truncated() {
    return truncated;
  }

  /** Wall time spent in validate(), nanoseconds. */
  public long elapsedNanos() {
    return elapsedNanos;
  }

  /** Distinct codes among the kept messages with the given severities. */
  public Set<IssueCode> codes(Severity... severities) {
    Set<Severity> wanted =
        severities.length == 0
            ? EnumSet.allOf(Severity.class)
            : EnumSet.of(severities[0], severities);
    Set<IssueCode> out = EnumSet.noneOf(IssueCode.class);
    for (ValidationIssue i : messages) {
      if (wanted.contains(i.severity())) {
        out.add(i.code());
      }
    }
    return out;
  }

  /** Summary of the asset (counts, resources); a deep copy. */
  public ObjectNode info() {
    return info.deepCopy();
  }

  /** The report as Khronos-shaped JSON; a fresh tree on every call. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    if (uri != null) {
      root.put("uri", uri);
    }
    root.put("mimeType", mimeType);
    root.put("validatorVersion", VALIDATOR_VERSION);
    ObjectNode issues = root.putObject("issues");
    issues.put("numErrors", counts[0]);
    issues.put("numWarnings", counts[1]);
    issues.put("numInfos", counts[2]);
    issues.put("numHints", counts[3]);
    ArrayNode arr = issues.putArray("messages");
    for (ValidationIssue i : messages) {
      ObjectNode m = arr.addObject();
      m.put("code", i.code().name());
      m.put("message", i.message());
      m.put("severity", i.severity().level());
      if (i.pointer() != null) {
        m.put("pointer", i.pointer());
      }
    }
    issues.put("truncated", truncated);
    root.set("info", info.deepCopy());
    return root;
  }

  @Override
  public String toString() {
    return "ValidationReport["
        + uri
        + ": "
        + counts[0]
        + " errors, "
        + counts[1]
        + " warnings, "
        + counts[2]
        + " infos, "
        + counts[3]
        + " hints]";
  }
}
