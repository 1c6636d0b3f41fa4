package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the root object: its members, {@code extensionsUsed} and {@code extensionsRequired}
 * (names, duplicates, dependencies), {@code asset} (version against minVersion), and that each
 * top-level collection is a non-empty array of objects, which it publishes to the context.
 */
final class RootChecks {
  private static final Set<String> ROOT_MEMBERS =
      Set.of(
          "asset",
          "extensionsUsed",
          "extensionsRequired",
          "scene",
          "accessors",
          "animations",
          "buffers",
          "bufferViews",
          "cameras",
          "images",
          "materials",
          "meshes",
          "nodes",
          "samplers",
          "scenes",
          "skins",
          "textures");
  private static final Pattern VERSION = Pattern.compile("^([0-9]+)\\.([0-9]+)$");
  private static final Pattern EXT_NAME = Pattern.compile("^([A-Z0-9]+)_[A-Za-z0-9_]+$");

  private final ValidationContext ctx;
  private final Json j;
  private final ObjectNode root;

  RootChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
    this.root = ctx.root();
  }

  void check() {
    j.members(root, "", ROOT_MEMBERS);
    extensionLists();
    asset();
    for (String c : ValidationContext.COLLECTIONS) {
      collection(c);
    }
  }

  private void extensionLists() {
    Set<String> used = stringSet("extensionsUsed");
    Set<String> required = stringSet("extensionsRequired");
    if (root.has("extensionsRequired") && !root.has("extensionsUsed")) {
      j.add(
          IssueCode.UNSATISFIED_DEPENDENCY,
          "/extensionsRequired",
          "Dependency failed. 'extensionsUsed' must be defined.");
    }
    for (String e : used) {
      String p = "/extensionsUsed/" + indexIn(root.get("extensionsUsed"), e);
      if (!EXT_NAME.matcher(e).matches()) {
        j.add(IssueCode.INVALID_EXTENSION_NAME_FORMAT, p, "Extension name has invalid format.");
      }
      if (!Extensions.KNOWN.containsKey(e)) {
        j.add(
            IssueCode.UNSUPPORTED_EXTENSION,
            p,
            "Cannot validate an extension as it is not supported by the validator: '" + e + "'.");
      }
      if (e.equals("KHR_mesh_quantization") && !required.contains(e)) {
        j.add(IssueCode.NON_REQUIRED_EXTENSION, p, "Extension '" + e + "' cannot be optional.");
      }
    }
    for (String e : required) {
      if (!used.contains(e)) {
        j.add(
            IssueCode.UNUSED_EXTENSION_REQUIRED,
            "/extensionsRequired/" + indexIn(root.get("extensionsRequired"), e),
            "Unused extension '" + e + "' cannot be required.");
      }
    }
    ctx.declareExtensions(used, required);
  }

  /**
   * The distinct strings of root array {@code name}, in order; reports type errors and duplicates.
   */
  private Set<String> stringSet(String name) {
    Set<String> out = new LinkedHashSet<>();
    JsonNode v = root.get(name);
    if (v == null) {
      return out;
    }
    if (!v.isArray()) {
      j.typeMismatch("/" + name, v, "array");
      return out;
    }
    if (v.size() == 0) {
      j.add(IssueCode.EMPTY_ENTITY, "/" + name, "Entity cannot be empty.");
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isTextual()) {
        j.add(
            IssueCode.ARRAY_TYPE_MISMATCH,
            "/" + name + "/" + i,
            "Type mismatch. Array element " + Json.show(e) + " is not a 'string'.");
      } else if (!out.add(e.asText())) {
        j.add(IssueCode.DUPLICATE_ELEMENTS, "/" + name + "/" + i, "Duplicate element.");
      }
    }
    return out;
  }

  private static int indexIn(JsonNode arr, String s) {
    for (int i = 0; arr != null && i < arr.size(); i++) {
      if (s.equals(arr.get(i).asText(null))) {
        return i;
      }
    }
    return 0;
  }

  private void asset() {
    ObjectNode a = j.obj(root, "", "asset", true);
    if (a == null) {
      return;
    }
    j.members(a, "/asset", Set.of("copyright", "generator", "version", "minVersion"));
    String v = j.strPattern(a, "/asset", "version", true, VERSION);
    String mv = j.strPattern(a, "/asset", "minVersion", false, VERSION);
    j.str(a, "/asset", "copyright", false);
    j.str(a, "/asset", "generator", false);
    if (v != null) {
      versions(v, mv);
    }
    ctx.extensions().object(a, "/asset", "asset");
  }

  /** The asset's version must be 2.x and not below its minVersion. */
  private void versions(String v, String mv) {
    Matcher m = VERSION.matcher(v);
    m.find();
    long major = parse(m.group(1));
    long minor = parse(m.group(2));
    if (major != 2) {
      j.add(
          IssueCode.UNKNOWN_ASSET_MAJOR_VERSION,
          "/asset/version",
          "Unknown glTF major asset version: " + major + ".");
    } else if (minor > 0) {
      j.add(
          IssueCode.UNKNOWN_ASSET_MINOR_VERSION,
          "/asset/version",
          "Unknown glTF minor asset version: " + minor + ".");
    }
    if (mv != null) {
      Matcher mm = VERSION.matcher(mv);
      mm.find();
      long minMajor = parse(mm.group(1));
      long minMinor = parse(mm.group(2));
      if (minMajor > major || (minMajor == major && minMinor > minor)) {
        j.add(
            IssueCode.ASSET_MIN_VERSION_GREATER_THAN_VERSION,
            "/asset/minVersion",
            "Asset minVersion '" + mv + "' is greater than version '" + v + "'.");
      }
    }
  }

  private static long parse(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private void collection(String c) {
    JsonNode v = root.get(c);
    List<ObjectNode> list = new ArrayList<>();
    if (v != null) {
      if (!v.isArray()) {
        j.typeMismatch("/" + c, v, "array");
      } else if (v.size() == 0) {
        j.add(IssueCode.EMPTY_ENTITY, "/" + c, "Entity cannot be empty.");
      } else {
        for (int i = 0; i < v.size(); i++) {
          JsonNode e = v.get(i);
          if (e.isObject()) {
            list.add((ObjectNode) e);
          } else {
            j.typeMismatch("/" + c + "/" + i, e, "object");
            list.add(null);
          }
        }
      }
    }
    ctx.setCollection(c, list);
  }
}
