package dev.assetgrid.node.processing.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.node.processing.gltf.AccessorInfo;
import dev.assetgrid.node.processing.gltf.Accessors;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.ImageHeader;
import dev.assetgrid.node.processing.gltf.Mat4;
import dev.assetgrid.node.processing.gltf.SceneRoots;
import dev.assetgrid.node.processing.inspect.InspectReport.Bounds;
import dev.assetgrid.node.processing.inspect.InspectReport.TextureInfo;
import dev.assetgrid.shared.stage.InspectOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inspect stage: counts, bounding box, extensions, textures and a GPU memory estimate of a
 * {@link GltfAsset}, without changing it. See {@link InspectReport} for the exact definitions.
 *
 * <p>The scene drawn is {@code scene}, else scene 0, else (no scenes) every root node. Counts use
 * accessor declarations; only POSITION data without usable min/max and instancing transforms are
 * read (through {@link Accessors}, so invalid data fails with its error code).
 */
public final class Inspect {
  private static final String[] TEXTURE_SOURCE_EXTENSIONS = {
    "KHR_texture_basisu", "EXT_texture_webp", "EXT_texture_avif", "MSFT_texture_dds"
  };
  private static final int MAX_DEPTH = 1024;

  private Inspect() {}

  public static InspectReport apply(GltfAsset asset) {
    return apply(asset, InspectOptions.DEFAULTS);
  }

  public static InspectReport apply(GltfAsset asset, InspectOptions options) {
    return new Run(asset, options).report();
  }

  /** Triangles of one primitive per its declaration: mode 4 n/3, modes 5 and 6 n-2, else 0. */
  public static long triangles(GltfAsset asset, JsonNode primitive) {
    int mode = primitive.path("mode").asInt(4);
    if (mode < 4 || mode > 6) {
      return 0;
    }
    long n;
    if (primitive.has("indices")) {
      n = declaredCount(asset, primitive.path("indices").asInt(-1));
    } else if (primitive.path("attributes").has("POSITION")) {
      n = declaredCount(asset, primitive.path("attributes").path("POSITION").asInt(-1));
    } else {
      return 0;
    }
    return mode == 4 ? n / 3 : Math.max(0, n - 2);
  }

  private static long declaredCount(GltfAsset asset, int accessor) {
    return Math.max(0, asset.element("accessors", accessor).path("count").asLong(0));
  }

  private static final class Run {
    final GltfAsset asset;
    final InspectOptions options;
    final Accessors accessors;
    final JsonNode json;
    final long[] meshTriangles;
    final Map<Integer, double[]> localBoxes = new HashMap<>(); // POSITION accessor -> {min3, max3}
    double[] box; // {minx,miny,minz,maxx,maxy,maxz}
    long rendered;
    long drawCalls;

    Run(GltfAsset asset, InspectOptions options) {
      this.asset = asset;
      this.options = options;
      this.accessors = Accessors.of(asset);
      this.json = asset.json();
      this.meshTriangles = new long[asset.count("meshes")];
    }

    InspectReport report() {
      Set<Integer> positions = new LinkedHashSet<>();
      Set<Integer> vertexAccessors = new HashSet<>();
      Set<Integer> indexAccessors = new HashSet<>();
      long triangles = 0;
      int primitives = 0;
      int morphTargets = 0;
      JsonNode meshes = json.path("meshes");
      for (int m = 0; m < meshes.size(); m++) {
        for (JsonNode prim : meshes.get(m).path("primitives")) {
          primitives++;
          long t = triangles(asset, prim);
          meshTriangles[m] += t;
          triangles += t;
          JsonNode pos = prim.path("attributes").path("POSITION");
          if (pos.canConvertToInt()) {
            positions.add(pos.asInt());
          }
          prim.path("attributes").forEach(a -> vertexAccessors.add(a.asInt(-1)));
          JsonNode targets = prim.path("targets");
          morphTargets = Math.max(morphTargets, targets.size());
          for (JsonNode target : targets) {
            target.forEach(a -> vertexAccessors.add(a.asInt(-1)));
          }
          if (prim.has("indices")) {
            indexAccessors.add(prim.path("indices").asInt(-1));
          }
        }
      }
      long vertices = 0;
      for (int p : positions) {
        vertices += declaredCount(asset, p);
      }
      traverseScene();

      long gpu = 0;
      for (int a : vertexAccessors) {
        gpu += accessorBytes(a, false);
      }
      for (int a : indexAccessors) {
        gpu += accessorBytes(a, true);
      }
      List<TextureInfo> textures = new ArrayList<>();
      Map<Integer, Optional<ImageHeader>> headers = new HashMap<>();
      JsonNode textureNodes = json.path("textures");
      for (int t = 0; t < textureNodes.size(); t++) {
        int image = textureImage(textureNodes.get(t));
        Optional<ImageHeader> header = Optional.empty();
        String mime = null;
        if (image >= 0 && image < asset.count("images")) {
          mime = asset.element("images", image).path("mimeType").asText(null);
          if (options.textureHeaders()) {
            header = headers.computeIfAbsent(image, this::header);
          }
        }
        if (header.isPresent()) {
          mime = header.get().mimeType();
        } else if (mime == null && asset.images().containsKey(image)) {
          mime = asset.images().get(image).mimeType();
        }
        if (textures.size() < options.maxTextureEntries()) {
          textures.add(
              new TextureInfo(
                  t,
                  image,
                  mime,
                  header.map(ImageHeader::width).orElse(-1),
                  header.map(ImageHeader::height).orElse(-1)));
        }
      }
      for (Optional<ImageHeader> h : headers.values()) {
        if (h.isPresent()) {
          gpu += (long) h.get().width() * h.get().height() * 4L * 4 / 3;
        }
      }
      Bounds bounds =
          box == null
              ? null
              : new Bounds(
                  new double[] {box[0], box[1], box[2]}, new double[] {box[3], box[4], box[5]});
      return new InspectReport(
          vertices,
          triangles,
          rendered,
          drawCalls,
          asset.count("nodes"),
          asset.count("meshes"),
          primitives,
          asset.count("materials"),
          textures,
          asset.count("images"),
          asset.count("animations"),
          asset.count("skins"),
          morphTargets,
          bounds,
          strings(json.path("extensionsUsed")),
          strings(json.path("extensionsRequired")),
          gpu,
          asset.hasDraco(),
          asset.sourceBytes());
    }

    private Optional<ImageHeader> header(int image) {
      ImageData data = asset.imageBytes(image);
      return ImageHeader.parse(data.bytes());
    }

    private int textureImage(JsonNode texture) {
      for (String ext : TEXTURE_SOURCE_EXTENSIONS) {
        JsonNode s = texture.path("extensions").path(ext).path("source");
        if (s.canConvertToInt()) {
          return s.asInt();
        }
      }
      return texture.path("source").asInt(-1);
    }

    private long accessorBytes(int index, boolean indices) {
      JsonNode a = asset.element("accessors", index);
      if (!a.isObject()) {
        return 0;
      }
      int ct = a.path("componentType").asInt();
      long count = Math.max(0, a.path("count").asLong());
      return indices
          ? count * AccessorInfo.componentSize(ct)
          : count * AccessorInfo.elementSize(ct, a.path("type").asText(""));
    }

    // ------------------------------------------------------------ scene traversal

    private void traverseScene() {
      List<Integer> roots = SceneRoots.of(json, asset.count("nodes"));
      Set<Integer> visited = new HashSet<>();
      for (int r : roots) {
        visit(r, Mat4.identity(), visited, 0);
      }
    }

    private void visit(int nodeIndex, double[] parent, Set<Integer> visited, int depth) {
      JsonNode node = asset.element("nodes", nodeIndex);
      if (!node.isObject() || depth > MAX_DEPTH || !visited.add(nodeIndex)) {
        return; // invalid hierarchies (cycles, shared children) are the validator's business
      }
      double[] world = Mat4.multiply(parent, Mat4.local(node));
      JsonNode meshRef = node.path("mesh");
      if (meshRef.canConvertToInt()
          && meshRef.asInt() >= 0
          && meshRef.asInt() < meshTriangles.length) {
        int mesh = meshRef.asInt();
        List<double[]> instances = instances(node);
        long n = instances == null ? 1 : instances.size();
        rendered += meshTriangles[mesh] * n;
        drawCalls += asset.element("meshes", mesh).path("primitives").size();
        if (instances == null) {
          addMeshBounds(mesh, world);
        } else {
          for (double[] inst : instances) {
            addMeshBounds(mesh, Mat4.multiply(world, inst));
          }
        }
      }
      for (JsonNode c : node.path("children")) {
        visit(c.asInt(-1), world, visited, depth + 1);
      }
    }

    /** Instance matrices of EXT_mesh_gpu_instancing, or null when the node is not instanced. */
    private List<double[]> instances(JsonNode node) {
      JsonNode attrs = node.path("extensions").path("EXT_mesh_gpu_instancing").path("attributes");
      if (!attrs.isObject() || attrs.isEmpty()) {
        return null;
      }
      float[] t =
          attrs.has("TRANSLATION") ? accessors.floats(attrs.path("TRANSLATION").asInt(-1)) : null;
      float[] r = attrs.has("ROTATION") ? accessors.floats(attrs.path("ROTATION").asInt(-1)) : null;
      float[] s = attrs.has("SCALE") ? accessors.floats(attrs.path("SCALE").asInt(-1)) : null;
      int count = Integer.MAX_VALUE;
      if (t != null) {
        count = Math.min(count, t.length / 3);
      }
      if (r != null) {
        count = Math.min(count, r.length / 4);
      }
      if (s != null) {
        count = Math.min(count, s.length / 3);
      }
      if (count == Integer.MAX_VALUE) {
        return null; // only custom attributes: count unknown here, treat as one
      }
      List<double[]> out = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        double[] tt =
            t == null
                ? new double[] {0, 0, 0}
                : new double[] {t[3 * i], t[3 * i + 1], t[3 * i + 2]};
        double[] rr =
            r == null
                ? new double[] {0, 0, 0, 1}
                : new double[] {r[4 * i], r[4 * i + 1], r[4 * i + 2], r[4 * i + 3]};
        double[] ss =
            s == null
                ? new double[] {1, 1, 1}
                : new double[] {s[3 * i], s[3 * i + 1], s[3 * i + 2]};
        out.add(Mat4.trs(tt, rr, ss));
      }
      return out;
    }

    private void addMeshBounds(int mesh, double[] world) {
      for (JsonNode prim : asset.element("meshes", mesh).path("primitives")) {
        JsonNode pos = prim.path("attributes").path("POSITION");
        if (!pos.canConvertToInt()) {
          continue;
        }
        double[] local = localBoxes.computeIfAbsent(pos.asInt(), this::positionBox);
        if (local == null) {
          continue;
        }
        for (int corner = 0; corner < 8; corner++) {
          double x = (corner & 1) == 0 ? local[0] : local[3];
          double y = (corner & 2) == 0 ? local[1] : local[4];
          double z = (corner & 4) == 0 ? local[2] : local[5];
          double wx = world[0] * x + world[4] * y + world[8] * z + world[12];
          double wy = world[1] * x + world[5] * y + world[9] * z + world[13];
          double wz = world[2] * x + world[6] * y + world[10] * z + world[14];
          if (box == null) {
            box = new double[] {wx, wy, wz, wx, wy, wz};
          } else {
            box[0] = Math.min(box[0], wx);
            box[1] = Math.min(box[1], wy);
            box[2] = Math.min(box[2], wz);
            box[3] = Math.max(box[3], wx);
            box[4] = Math.max(box[4], wy);
            box[5] = Math.max(box[5], wz);
          }
        }
      }
    }

    /** {min3, max3} of a POSITION accessor from min/max, else from its data; null when empty. */
    private double[] positionBox(int accessor) {
      JsonNode a = asset.element("accessors", accessor);
      JsonNode min = a.path("min");
      JsonNode max = a.path("max");
      boolean normalized = a.path("normalized").asBoolean(false);
      if (min.size() == 3 && max.size() == 3 && !normalized) {
        return new double[] {
          min.get(0).asDouble(),
          min.get(1).asDouble(),
          min.get(2).asDouble(),
          max.get(0).asDouble(),
          max.get(1).asDouble(),
          max.get(2).asDouble()
        };
      }
      if (!options.boundsFromData() || (asset.hasDraco() && !a.has("bufferView"))) {
        return null;
      }
      float[] p = accessors.floats(accessor);
      if (p.length < 3) {
        return null;
      }
      double[] b = {p[0], p[1], p[2], p[0], p[1], p[2]};
      for (int i = 0; i + 2 < p.length; i += 3) {
        for (int c = 0; c < 3; c++) {
          b[c] = Math.min(b[c], p[i + c]);
          b[c + 3] = Math.max(b[c + 3], p[i + c]);
        }
      }
      return b;
    }
  }

  // ------------------------------------------------------------ column-major 4x4 matrices

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }
}
