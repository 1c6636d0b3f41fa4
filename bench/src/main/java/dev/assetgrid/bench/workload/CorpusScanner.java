package dev.assetgrid.bench.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Picks the models of a corpus directory: every file with a model extension, in path order, with
 * the side files it references (glTF buffers/images by URI, OBJ material libraries and their maps).
 */
public final class CorpusScanner {
  /** Every extension the grid accepts as a model. */
  public static final Set<String> MODEL_EXTENSIONS =
      Set.of("glb", "gltf", "obj", "stl", "ply", "fbx", "dae");

  private static final ObjectMapper JSON = new ObjectMapper();

  private CorpusScanner() {}

  /**
   * @param formats extensions to keep (lower case), e.g. {@code glb, gltf}
   * @param excludes path substrings to skip (e.g. {@code validator-tests})
   * @param maxBytes files (with side files) larger than this are skipped
   */
  public static List<WorkItem> scan(
      Path root, Set<String> formats, List<String> excludes, long maxBytes) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    List<WorkItem> out = new ArrayList<>();
    for (Path f : files) {
      String rel = root.relativize(f).toString().replace('\\', '/');
      if (excludes.stream().anyMatch(x -> !x.isBlank() && rel.contains(x))) {
        continue;
      }
      String name = f.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
      if (!MODEL_EXTENSIONS.contains(ext) || !formats.contains(ext)) {
        continue;
      }
      List<WorkItem.SideFile> sides =
          switch (ext) {
            case "gltf" -> gltfSideFiles(f);
            case "obj" -> objSideFiles(f);
            default -> List.of();
          };
      long bytes = Files.size(f);
      for (WorkItem.SideFile sf : sides) {
        bytes += Files.size(sf.path());
      }
      if (bytes > maxBytes) {
        continue;
      }
      out.add(new WorkItem(rel, f, sides, bytes, -1));
    }
    return out;
  }

  /** External buffers and images of a .gltf that exist beside it (data: URIs are inline). */
  static List<WorkItem.SideFile> gltfSideFiles(Path gltf) {
    Map<String, WorkItem.SideFile> out = new LinkedHashMap<>();
    try {
      JsonNode root = JSON.readTree(gltf.toFile());
      for (String key : List.of("buffers", "images")) {
        for (JsonNode n : root.path(key)) {
          String uri = n.path("uri").asText(null);
          addRelative(gltf, uri, out);
        }
      }
    } catch (IOException | RuntimeException e) {
      // unreadable JSON: upload it alone, the grid reports what is wrong with it
    }
    return new ArrayList<>(out.values());
  }

  /** {@code mtllib} files of an OBJ and the texture maps they name. */
  static List<WorkItem.SideFile> objSideFiles(Path obj) {
    Map<String, WorkItem.SideFile> out = new LinkedHashMap<>();
    try (Stream<String> lines = Files.lines(obj, StandardCharsets.ISO_8859_1)) {
      List<String> libs =
          lines
              .map(String::trim)
              .filter(l -> l.startsWith("mtllib "))
              .map(l -> l.substring(7).trim())
              .toList();
      for (String lib : libs) {
        addRelative(obj, lib, out);
        Path mtl = obj.resolveSibling(lib.replace('\\', '/'));
        if (Files.isRegularFile(mtl)) {
          for (String l : Files.readAllLines(mtl, StandardCharsets.ISO_8859_1)) {
            String t = l.trim();
            if (t.startsWith("map_") || t.startsWith("bump ") || t.startsWith("norm ")) {
              String[] parts = t.split("\\s+");
              addRelative(obj, parts[parts.length - 1].replace('\\', '/'), out);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // send the OBJ alone
    }
    return new ArrayList<>(out.values());
  }

  private static void addRelative(Path model, String uri, Map<String, WorkItem.SideFile> out) {
    if (uri == null || uri.isBlank() || uri.startsWith("data:") || uri.contains("://")) {
      return;
    }
    String decoded = URLDecoder.decode(uri.replace("+", "%2B"), StandardCharsets.UTF_8);
    Path p = model.resolveSibling(decoded).normalize();
    if (Files.isRegularFile(p) && p.startsWith(model.getParent())) {
      out.putIfAbsent(decoded, new WorkItem.SideFile(decoded, p));
    }
  }
}
