package dev.assetgrid.coordinator.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assetgrid.coordinator.ingest.ImportSource.Entry;
import dev.assetgrid.coordinator.store.ImportStore.Item;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a source's files into assets to make: a model file is one asset, together with the files it
 * references — a {@code .gltf} with its buffers and images (relative URIs), an {@code .obj} with
 * its {@code mtllib} files and their texture maps. A file no model references and that is no model
 * itself (a stray texture, a readme) is reported, not imported alone; a model that references a
 * file the source lacks is reported failed, naming it.
 */
public final class ImportGrouper {
  /** Formats the grid reads as a model by themselves. */
  static final Set<String> MODELS = Set.of("glb", "gltf", "obj", "fbx", "stl", "ply", "dae", "zip");

  /** Largest .gltf, .obj header or .mtl read to find references. */
  static final int MAX_READ = 64 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the first bytes of an entry (the source's {@link ImportSource#head}). */
  @FunctionalInterface
  public interface Reader {
    byte[] read(Entry e, int maxBytes) throws IOException;
  }

  /** The grouping: assets to make, and what is reported instead. */
  public record Groups(List<Item> items, List<Item> reported) {}

  private ImportGrouper() {}

  public static Groups group(List<Entry> entries, Reader reader) throws IOException {
    Map<String, Entry> byName = new LinkedHashMap<>();
    for (Entry e : entries) {
      byName.put(e.name(), e);
    }
    Set<String> claimed = new HashSet<>();
    List<Item> items = new ArrayList<>();
    List<Item> reported = new ArrayList<>();
    for (Entry e : entries) {
      String ext = extension(e.name());
      if (!MODELS.contains(ext)) {
        continue;
      }
      claimed.add(e.name());
      JsonArray files = new JsonArray().add(file(e.name(), e));
      List<String> missing = new ArrayList<>();
      List<String> refs =
          switch (ext) {
            case "gltf" -> gltfRefs(reader.read(e, MAX_READ));
            case "obj" -> objRefs(e, reader, byName);
            default -> List.of();
          };
      Set<String> seen = new HashSet<>();
      for (String ref : refs) {
        String resolved = resolve(e.name(), ref);
        if (resolved == null || !seen.add(resolved)) {
          continue;
        }
        Entry side = byName.get(resolved);
        if (side == null) {
          missing.add(ref);
        } else {
          claimed.add(resolved);
          files.add(file(sideName(e.name(), resolved, ref), side));
        }
      }
      Item item = new Item(e.name(), files, null, null, null);
      if (!missing.isEmpty()) {
        reported.add(
            new Item(
                e.name(),
                files,
                "failed",
                "GLTF_RESOURCE_MISSING",
                e.name() + " refers to " + String.join(", ", missing) + ", not in the source"));
      } else {
        items.add(item);
      }
    }
    for (Entry e : entries) {
      if (!claimed.contains(e.name())) {
        reported.add(
            new Item(
                e.name(),
                new JsonArray().add(file(e.name(), e)),
                "skipped",
                "UNSUPPORTED_FORMAT",
                e.name()
                    + " is not a model and no model of the source refers to it: not imported on"
                    + " its own"));
      }
    }
    return new Groups(items, reported);
  }

  private static JsonObject file(String name, Entry e) {
    JsonObject o = new JsonObject().put("name", name).put("ref", e.ref());
    if (e.size() >= 0) {
      o.put("size", e.size());
    }
    return o;
  }

  /**
   * A side file's name on the asset: its path relative to the model's folder ({@code .\\a.png} and
   * {@code ./a.png} are {@code a.png}), as a zip of the model would name it; a file above the
   * model's folder keeps the reference as written, with {@code /}.
   */
  static String sideName(String model, String resolved, String ref) {
    int slash = model.lastIndexOf('/');
    String base = slash < 0 ? "" : model.substring(0, slash + 1);
    return resolved.startsWith(base) ? resolved.substring(base.length()) : ref.replace('\\', '/');
  }

  /** The buffer and image URIs of a glTF document that point at other files. */
  static List<String> gltfRefs(byte[] json) {
    List<String> out = new ArrayList<>();
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      return out; // not JSON: the import of the model reports it
    }
    for (String member : List.of("buffers", "images")) {
      JsonNode list = root == null ? null : root.get(member);
      if (list != null && list.isArray()) {
        for (JsonNode b : list) {
          JsonNode uri = b.get("uri");
          if (uri != null && uri.isTextual() && external(uri.asText())) {
            out.add(decode(uri.asText()));
          }
        }
      }
    }
    return out;
  }

  /** An OBJ's material libraries and the maps they name. */
  private static List<String> objRefs(Entry obj, Reader reader, Map<String, Entry> byName)
      throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : lines(reader.read(obj, MAX_READ))) {
      if (line.startsWith("mtllib ")) {
        for (String lib : line.substring(7).trim().split("\\s+")) {
          out.add(lib);
          String at = resolve(obj.name(), lib);
          Entry mtl = at == null ? null : byName.get(at);
          if (mtl != null) {
            for (String l : lines(reader.read(mtl, MAX_READ))) {
              String lower = l.toLowerCase(Locale.ROOT);
              if (lower.startsWith("map_")
                  || lower.startsWith("bump ")
                  || lower.startsWith("norm ")
                  || lower.startsWith("disp ")
                  || lower.startsWith("refl ")) {
                String[] parts = l.trim().split("\\s+");
                if (parts.length > 1) {
                  // options (-bm 1, -s 1 1 1) come first: the file is the last word
                  out.add(relativeTo(lib, parts[parts.length - 1]));
                }
              }
            }
          }
        }
      }
    }
    return out;
  }

  /** A map named in {@code lib} (a path relative to the .obj), as a path relative to the .obj. */
  private static String relativeTo(String lib, String map) {
    int slash = lib.lastIndexOf('/');
    return slash < 0 ? map : lib.substring(0, slash + 1) + map;
  }

  private static List<String> lines(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8).lines().map(String::trim).toList();
  }

  private static boolean external(String uri) {
    String u = uri.toLowerCase(Locale.ROOT);
    return !u.startsWith("data:") && !u.contains("://") && !u.startsWith("/");
  }

  private static String decode(String uri) {
    try {
      return URLDecoder.decode(uri.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return uri;
    }
  }

  /** {@code ref} relative to the folder of {@code model}, normalised; null when it climbs out. */
  static String resolve(String model, String ref) {
    int slash = model.lastIndexOf('/');
    String base = slash < 0 ? "" : model.substring(0, slash + 1);
    List<String> parts = new ArrayList<>();
    for (String p : (base + ref.replace('\\', '/')).split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(p);
      }
    }
    return String.join("/", parts);
  }

  static String extension(String name) {
    int dot = name.lastIndexOf('.');
    int slash = name.lastIndexOf('/');
    return dot <= slash ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
