package dev.assetgrid.client.submit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.client.http.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The files a model references by relative path, which must travel with it: a .gltf's {@code
 * buffers[].uri} and {@code images[].uri} (data: URIs and absolute URLs excepted; percent-escapes
 * decoded, as the glTF spec says URIs are), an OBJ's {@code mtllib} files and the texture maps
 * those name ({@code map_Kd}, {@code bump}, ...; backslashes read as separators, as exporters on
 * Windows write them). A reference that points at no file is reported for a .gltf (the model cannot
 * load without it) and skipped for an OBJ (a missing texture only loses its look).
 */
final class SideFiles {
  private static final Set<String> MTL_MAPS =
      Set.of(
          "map_ka",
          "map_kd",
          "map_ks",
          "map_ke",
          "map_ns",
          "map_d",
          "map_bump",
          "bump",
          "disp",
          "decal",
          "refl",
          "norm",
          "map_pr",
          "map_pm",
          "map_ps");

  private SideFiles() {}

  /** Side files found, and references that point at nothing. */
  record Found(List<Path> files, List<String> missing) {
    static final Found NONE = new Found(List.of(), List.of());
  }

  static Found ofGltf(Path gltf) {
    JsonNode root;
    try {
      root = Json.parseOrNull(Files.readString(gltf, StandardCharsets.UTF_8));
    } catch (IOException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return Found.NONE; // not JSON: the server says what is wrong with it
    }
    Set<Path> files = new LinkedHashSet<>();
    List<String> missing = new ArrayList<>();
    for (String array : List.of("buffers", "images")) {
      JsonNode items = root.get(array);
      if (items == null || !items.isArray()) {
        continue;
      }
      for (JsonNode item : items) {
        String uri = Json.text(item, "uri");
        if (uri == null || uri.startsWith("data:") || uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue;
        }
        String relative = URLDecoder.decode(uri.replace("+", "%2B"), StandardCharsets.UTF_8);
        Path f = gltf.toAbsolutePath().getParent().resolve(relative).normalize();
        if (Files.isRegularFile(f)) {
          files.add(f);
        } else {
          missing.add(uri);
        }
      }
    }
    return new Found(List.copyOf(files), missing);
  }

  static Found ofObj(Path obj) {
    Path dir = obj.toAbsolutePath().getParent();
    Set<Path> files = new LinkedHashSet<>();
    for (String line : lines(obj)) {
      String l = line.strip();
      if (!l.toLowerCase(Locale.ROOT).startsWith("mtllib ")) {
        continue;
      }
      for (Path mtl : referenced(dir, l.substring(7).strip(), true)) {
        files.add(mtl);
        for (String m : lines(mtl)) {
          String[] tokens = m.strip().split("\\s+");
          if (tokens.length >= 2 && MTL_MAPS.contains(tokens[0].toLowerCase(Locale.ROOT))) {
            // options (-bm 0.5, -s 1 1 1) come first: the file is the last token
            files.addAll(referenced(mtl.getParent(), tokens[tokens.length - 1], false));
          }
        }
      }
    }
    return new Found(List.copyOf(files), List.of());
  }

  /**
   * Files a reference names that exist: the whole text as one name (names with spaces), else, when
   * {@code several}, each space-separated name.
   */
  private static List<Path> referenced(Path dir, String text, boolean several) {
    Path whole = dir.resolve(text.replace('\\', '/')).normalize();
    if (Files.isRegularFile(whole)) {
      return List.of(whole);
    }
    List<Path> out = new ArrayList<>();
    if (several) {
      for (String name : text.split("\\s+")) {
        Path p = dir.resolve(name.replace('\\', '/')).normalize();
        if (Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    }
    return out;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return List.of();
    }
  }
}
