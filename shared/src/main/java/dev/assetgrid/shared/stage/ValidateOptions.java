package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Options of the {@code validate} stage.
 *
 * @param maxIssues most messages kept in the report (1..1,000,000; default {@value
 *     #DEFAULT_MAX_ISSUES}); further issues are still counted in numErrors/... but their messages
 *     are dropped and {@code truncated} is set
 * @param geometryChecks run our own mesh checks (degenerate/duplicate triangles, non-manifold
 *     edges, open boundaries, winding, non-finite values, UV range, unused vertices) that the
 *     Khronos validator does not have; they report only infos and hints (default {@value
 *     #DEFAULT_GEOMETRY_CHECKS})
 * @param maxImageBytes images larger than this are not sniffed (bytes; default 64 MiB)
 */
public record ValidateOptions(int maxIssues, boolean geometryChecks, long maxImageBytes)
    implements StageParams {

  public static final int DEFAULT_MAX_ISSUES = 200;
  public static final boolean DEFAULT_GEOMETRY_CHECKS = true;
  public static final long DEFAULT_MAX_IMAGE_BYTES = 64L << 20;

  /** Defaults for our pipeline. */
  public static final ValidateOptions DEFAULTS =
      new ValidateOptions(DEFAULT_MAX_ISSUES, DEFAULT_GEOMETRY_CHECKS, DEFAULT_MAX_IMAGE_BYTES);

  public ValidateOptions {
    if (maxIssues < 1 || maxIssues > 1_000_000) {
      OptionReader.require(false, "maxIssues", "must be in 1..1000000", maxIssues);
    }
    if (maxImageBytes < 0) {
      OptionReader.require(false, "maxImageBytes", "must be >= 0", maxImageBytes);
    }
  }

  /** Settings that reproduce the Khronos validator's findings only (geometry checks off). */
  public static ValidateOptions khronosCompatible() {
    return DEFAULTS.withGeometryChecks(false);
  }

  public ValidateOptions withGeometryChecks(boolean on) {
    return new ValidateOptions(maxIssues, on, maxImageBytes);
  }

  public ValidateOptions withMaxIssues(int max) {
    return new ValidateOptions(max, geometryChecks, maxImageBytes);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static ValidateOptions read(OptionReader r) {
    int maxIssues = r.integer("maxIssues", DEFAULT_MAX_ISSUES);
    boolean geometryChecks = r.bool("geometryChecks", DEFAULT_GEOMETRY_CHECKS);
    long maxImageBytes = r.longInteger("maxImageBytes", DEFAULT_MAX_IMAGE_BYTES);
    return r.build(() -> new ValidateOptions(maxIssues, geometryChecks, maxImageBytes));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static ValidateOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    ValidateOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("maxIssues", maxIssues);
    o.put("geometryChecks", geometryChecks);
    o.put("maxImageBytes", maxImageBytes);
    return o;
  }
}
