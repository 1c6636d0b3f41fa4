package dev.assetgrid.bench.workload;

import dev.assetgrid.bench.synth.GlbWriter;
import dev.assetgrid.bench.synth.Mesh;
import dev.assetgrid.bench.synth.MeshGenerator;
import dev.assetgrid.bench.synth.TextureGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic synthetic corpus: for each triangle count, a sphere or terrain GLB (alternating),
 * without and/or with an embedded PNG texture. Files are named by their parameters and reused when
 * already present in the directory (same seed = same bytes).
 */
public final class SyntheticCorpus {
  /** Triangle counts used when none are given: small to big-model territory. */
  public static final String DEFAULT_SIZES = "1k,10k,100k,500k,2m";

  /** Which variants to write per size. */
  public enum Textures {
    NONE,
    ONLY,
    BOTH
  }

  private SyntheticCorpus() {}

  /** Parses {@code 1k,10k,2m,1500} into triangle counts (rounded up to even). */
  public static List<Long> parseSizes(String text) {
    List<Long> out = new ArrayList<>();
    for (String s : text.split(",")) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.isEmpty()) {
        continue;
      }
      long mult = 1;
      if (t.endsWith("k")) {
        mult = 1_000;
      } else if (t.endsWith("m")) {
        mult = 1_000_000;
      }
      if (mult != 1) {
        t = t.substring(0, t.length() - 1);
      }
      long n = Math.round(Double.parseDouble(t) * mult);
      if (n < 6) {
        throw new IllegalArgumentException("synthetic size below 6 triangles: " + s);
      }
      out.add(n + (n % 2));
    }
    return out;
  }

  public static List<WorkItem> generate(
      Path dir, List<Long> sizes, Textures textures, int textureSize, long seed)
      throws IOException {
    Files.createDirectories(dir);
    List<WorkItem> items = new ArrayList<>();
    int i = 0;
    for (long tris : sizes) {
      MeshGenerator.Shape shape =
          i++ % 2 == 0 ? MeshGenerator.Shape.SPHERE : MeshGenerator.Shape.TERRAIN;
      List<Boolean> variants =
          switch (textures) {
            case NONE -> List.of(false);
            case ONLY -> List.of(true);
            case BOTH -> List.of(false, true);
          };
      Mesh mesh = null;
      for (boolean tex : variants) {
        String name =
            String.format(
                Locale.ROOT,
                "%s-%d%s-s%d.glb",
                shape.name().toLowerCase(Locale.ROOT),
                tris,
                tex ? "-tex" + textureSize : "",
                seed);
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file) || Files.size(file) < 12) {
          if (mesh == null) {
            mesh = MeshGenerator.generate(shape, tris, seed + tris);
          }
          byte[] png = tex ? TextureGenerator.png(textureSize, seed + tris) : null;
          Path tmp = dir.resolve(name + ".tmp");
          GlbWriter.write(mesh, png, name, tmp);
          Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        items.add(new WorkItem(name, file, List.of(), Files.size(file), tris));
      }
    }
    return items;
  }
}
