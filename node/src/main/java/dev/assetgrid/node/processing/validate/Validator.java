package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Mesh;
import dev.assetgrid.node.processing.validate.Model.Prim;
import dev.assetgrid.shared.stage.ValidateOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The {@code validate} stage: checks a glTF 2.0 asset (.glb, or .gltf with external or data-URI
 * resources) and returns a {@link ValidationReport} shaped like the Khronos glTF-Validator report.
 *
 * <p><b>Design note.</b> The validator has its own lenient loader instead of the strict asset
 * reader: it must turn every defect of the container, the JSON and the binary data into an issue
 * with a stable code and a JSON pointer, and must never throw on hostile input. The phases are:
 *
 * <ol>
 *   <li>{@link GlbContainer}: header and chunks ({@code GLB_*}); then JSON parsing ({@code
 *       INVALID_JSON}).
 *   <li>{@link GltfChecker}: one checker per glTF property ({@link RootChecks}, {@link
 *       BufferViewChecks}, {@link AccessorChecks}, {@link TextureChecks}, {@link MaterialChecks},
 *       {@link CameraChecks}, {@link MeshChecks}, {@link SkinChecks}, {@link NodeChecks}, {@link
 *       AnimationChecks}) plus {@link Extensions}, sharing one {@link ValidationContext}: schema
 *       (types, required members, ranges, enums) and cross references, accessor layouts,
 *       mesh/skin/animation rules; records how each accessor is used.
 *   <li>{@link Resources}: loads buffers and images, checks URIs, lengths, image headers ({@link
 *       dev.assetgrid.node.processing.gltf.ImageHeader}).
 *   <li>{@link DataChecks}: accessor contents (min/max, NaN, index range, unit vectors,
 *       weights...).
 *   <li>{@link GeometryChecks} (optional): our own mesh-quality findings, infos and hints only.
 * </ol>
 *
 * Codes and severities are those of the Khronos validator (its test suite's expected reports are
 * our spec: ValidatorCorpusTest measures how often our verdict and our set of error codes agree
 * with them). Accessor data is read in place with bounds-checked little-endian reads; nothing is
 * decoded ahead. Any unexpected exception is caught and reported as {@code INTERNAL_ERROR} rather
 * than propagated.
 */
public final class Validator {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(512).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private Validator() {}

  /**
   * Validates a file; external resources are looked up beside it (never outside its directory).
   *
   * @param file a .glb or .gltf file
   * @param options options; null means {@link ValidateOptions#DEFAULTS}
   * @return the report; an unreadable file yields a report with one {@code IO_ERROR}
   */
  public static ValidationReport validate(Path file, ValidateOptions options) {
    Path dir = file.toAbsolutePath().getParent();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException | RuntimeException e) {
      Issues issues =
          new Issues(options == null ? ValidateOptions.DEFAULT_MAX_ISSUES : options.maxIssues());
      issues.add(IssueCode.IO_ERROR, "", "Cannot read " + file + ": " + e.getMessage());
      return new ValidationReport(
          file.getFileName().toString(),
          mimeOf(file.toString(), new byte[0]),
          issues.kept,
          issues.counts,
          false,
          JsonNodeFactory.instance.objectNode(),
          0);
    }
    return validate(
        bytes,
        file.getFileName().toString(),
        dir == null ? ResourceResolver.none() : ResourceResolver.directory(dir),
        options);
  }

  /**
   * Validates bytes of a .glb or .gltf.
   *
   * @param input the asset bytes; a GLB is recognised by its magic or a {@code .glb} name
   * @param name file name used in the report and to tell GLB from JSON; may be null
   * @param resolver loads relative URIs; null means none can be loaded (each is an {@code
   *     IO_ERROR})
   * @param options options; null means {@link ValidateOptions#DEFAULTS}
   */
  public static ValidationReport validate(
      byte[] input, String name, ResourceResolver resolver, ValidateOptions options) {
    long t0 = System.nanoTime();
    ValidateOptions opts = options == null ? ValidateOptions.DEFAULTS : options;
    ResourceResolver res = resolver == null ? ResourceResolver.none() : resolver;
    Issues issues = new Issues(opts.maxIssues());
    ObjectNode info = JsonNodeFactory.instance.objectNode();
    String mime = mimeOf(name, input);
    try {
      run(
          input == null ? new byte[0] : input,
          mime.equals("model/gltf-binary"),
          res,
          opts,
          issues,
          info);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      issues.add(IssueCode.INTERNAL_ERROR, "", "Validation aborted by an internal error: " + e);
    }
    return new ValidationReport(
        name, mime, issues.kept, issues.counts, issues.truncated, info, System.nanoTime() - t0);
  }

  private static String mimeOf(String name, byte[] input) {
    boolean glb =
        (name != null && name.toLowerCase(Locale.ROOT).endsWith(".glb"))
            || (input != null && GlbContainer.looksLikeGlb(input));
    return glb ? "model/gltf-binary" : "model/gltf+json";
  }

  private static void run(
      byte[] input,
      boolean glb,
      ResourceResolver resolver,
      ValidateOptions opts,
      Issues issues,
      ObjectNode info) {
    byte[] json = input;
    byte[] bin = null;
    if (glb) {
      GlbContainer g = GlbContainer.read(input, issues);
      if (!g.usable || g.json == null || g.json.length == 0) {
        return;
      }
      json = g.json;
      bin = g.bin;
    }
    JsonNode tree = parse(json, issues);
    if (tree == null) {
      return;
    }
    if (!tree.isObject()) {
      issues.add(
          IssueCode.TYPE_MISMATCH,
          "",
          "Type mismatch. Property value " + Json.show(tree) + " is not a 'object'.");
      return;
    }
    ValidationContext ctx = new ValidationContext((ObjectNode) tree, issues, glb);
    GltfChecker.run(ctx);
    ArrayNode resources = JsonNodeFactory.instance.arrayNode();
    Resources r = new Resources(ctx, resolver, opts, resources);
    r.loadBuffers(bin);
    r.loadImages();
    DataChecks d = new DataChecks(ctx);
    d.run();
    ctx.reportUnusedObjects();
    if (opts.geometryChecks()) {
      new GeometryChecks(ctx, d).run();
    }
    info(ctx, resources, info);
  }

  private static JsonNode parse(byte[] json, Issues issues) {
    if (json.length >= 3
        && (json[0] & 0xFF) == 0xEF
        && (json[1] & 0xFF) == 0xBB
        && (json[2] & 0xFF) == 0xBF) {
      issues.add(
          IssueCode.INVALID_JSON,
          "",
          "Invalid JSON data. Parser output: BOM found at the beginning of UTF-8 stream.");
      return null;
    }
    try (JsonParser p = MAPPER.getFactory().createParser(json)) {
      JsonNode n = MAPPER.readTree(p);
      if (n == null || n.isMissingNode()) {
        issues.add(IssueCode.INVALID_JSON, "", "Invalid JSON data. Parser output: empty input.");
        return null;
      }
      return n;
    } catch (IOException | RuntimeException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      int nl = msg.indexOf('\n');
      issues.add(
          IssueCode.INVALID_JSON,
          "",
          "Invalid JSON data. Parser output: " + (nl > 0 ? msg.substring(0, nl) : msg));
      return null;
    }
  }

  private static void info(ValidationContext c, ArrayNode resources, ObjectNode info) {
    JsonNode asset = c.root().path("asset");
    if (asset.path("version").isTextual()) {
      info.put("version", asset.path("version").asText());
    }
    if (asset.path("minVersion").isTextual()) {
      info.put("minVersion", asset.path("minVersion").asText());
    }
    if (asset.path("generator").isTextual()) {
      info.put("generator", asset.path("generator").asText());
    }
    if (!c.extensionsUsed().isEmpty()) {
      ArrayNode a = info.putArray("extensionsUsed");
      c.extensionsUsed().forEach(a::add);
    }
    if (!c.extensionsRequired().isEmpty()) {
      ArrayNode a = info.putArray("extensionsRequired");
      c.extensionsRequired().forEach(a::add);
    }
    info.set("resources", resources);
    info.put("animationCount", c.size("animations"));
    info.put("materialCount", c.size("materials"));
    boolean morph = false;
    long drawCalls = 0, vertices = 0, triangles = 0;
    int maxUVs = 0, maxInfluences = 0, maxAttributes = 0;
    Acc[] accessors = c.accessors();
    for (Mesh m : c.meshes()) {
      for (Prim p : m.prims) {
        drawCalls++;
        morph |= p.targets != null && !p.targets.isEmpty();
        maxAttributes = Math.max(maxAttributes, p.attributes.size());
        int uvs = 0, joints = 0;
        for (String k : p.attributes.keySet()) {
          uvs += k.startsWith("TEXCOORD_") ? 1 : 0;
          joints += k.startsWith("JOINTS_") ? 1 : 0;
        }
        maxUVs = Math.max(maxUVs, uvs);
        maxInfluences = Math.max(maxInfluences, joints * 4);
        Integer pos = p.attributes.get("POSITION");
        int vc =
            pos != null && pos < accessors.length && accessors[pos].valid()
                ? accessors[pos].count
                : 0;
        vertices += vc;
        int n = vc;
        if (p.indices >= 0 && p.indices < accessors.length) {
          Acc ia = accessors[p.indices];
          n = ia.valid() ? ia.count : 0;
        }
        triangles +=
            switch (p.mode) {
              case 4 -> n / 3;
              case 5, 6 -> Math.max(0, n - 2);
              default -> 0;
            };
      }
    }
    info.put("hasMorphTargets", morph);
    info.put("hasSkins", c.size("skins") > 0);
    info.put("hasTextures", c.size("textures") > 0);
    info.put("hasDefaultScene", c.root().has("scene"));
    info.put("drawCallCount", drawCalls);
    info.put("totalVertexCount", vertices);
    info.put("totalTriangleCount", triangles);
    info.put("maxUVs", maxUVs);
    info.put("maxInfluences", maxInfluences);
    info.put("maxAttributes", maxAttributes);
  }
}
