package dev.assetgrid.node.processing.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Corrupt, truncated and hostile inputs: each must end in a converted asset or an {@link
 * AssetGridException} with a data-style code, never a JVM crash or another exception; side files
 * must never be read from outside the upload.
 */
class ConvertHostileInputTest {
  private static final Set<ErrorCode> DATA_CODES =
      Set.of(ErrorCode.DATA_ERROR, ErrorCode.UNSUPPORTED_FORMAT, ErrorCode.INPUT_LIMIT_EXCEEDED);

  @Test
  void truncatedAndCorruptedCorpusFilesFailCleanly() throws IOException {
    Path root = TestCorpus.root();
    List<String> files =
        List.of(
            "obj/assimp-spider/spider.obj",
            "fbx/spider.fbx",
            "fbx/box_embedded_ascii.FBX",
            "stl/Spider_binary.stl",
            "stl/Spider_ascii.stl",
            "ply/Wuson.ply",
            "ply/horse.ply",
            "dae/duck/duck.dae");
    Random random = new Random(42);
    int failures = 0;
    int runs = 0;
    for (String rel : files) {
      byte[] full = Files.readAllBytes(root.resolve(rel));
      String ext = rel.substring(rel.lastIndexOf('.') + 1);
      for (double cut : new double[] {0.001, 0.1, 0.5, 0.97}) {
        failures += attempt(Arrays.copyOf(full, Math.max(1, (int) (full.length * cut))), ext);
        runs++;
      }
      for (int i = 0; i < 3; i++) {
        byte[] flipped = full.clone();
        for (int k = 0; k < 64; k++) {
          flipped[random.nextInt(Math.min(flipped.length, 4096))] = (byte) random.nextInt(256);
        }
        failures += attempt(flipped, ext);
        runs++;
      }
    }
    assertThat(failures)
        .as("some corrupt inputs must be refused")
        .isPositive()
        .isLessThanOrEqualTo(runs);
  }

  @Test
  void garbageAndEmptyInputsAreRefusedWithClearCodes() {
    byte[] garbage = new byte[4096];
    new Random(7).nextBytes(garbage);
    for (String ext : new String[] {"obj", "fbx", "stl", "ply", "dae", "3ds", null}) {
      Throwable t = catchThrowable(() -> convert(garbage, ext, ResourceResolver.none()));
      if (t != null) {
        assertThat(t).as(String.valueOf(ext)).isInstanceOf(AssetGridException.class);
        assertThat(((AssetGridException) t).code()).isIn(DATA_CODES);
      }
    }
    assertThatThrownBy(() -> convert(new byte[0], "obj", ResourceResolver.none()))
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_ERROR));
    assertThatThrownBy(
            () ->
                convert(
                    "hello, I am not a model\n".getBytes(StandardCharsets.UTF_8),
                    null,
                    ResourceResolver.none()))
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).isIn(DATA_CODES));
  }

  @Test
  void binaryPlyDeclaringHugeCountsDoesNotAllocateOrCrash() {
    String header =
        "ply\nformat binary_little_endian 1.0\nelement vertex 2000000000\nproperty float x\n"
            + "property float y\nproperty float z\nelement face 2000000000\nproperty list uchar int vertex_indices\nend_header\n";
    byte[] bytes = Arrays.copyOf(header.getBytes(StandardCharsets.US_ASCII), header.length() + 64);
    assertThatThrownBy(() -> convert(bytes, "ply", ResourceResolver.none()))
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).isIn(DATA_CODES));
  }

  @Test
  void binaryStlWithMoreTrianglesThanBytesIsRefused() {
    byte[] stl = new byte[84 + 50];
    stl[80] = (byte) 0xFF;
    stl[81] = (byte) 0xFF;
    stl[82] = (byte) 0xFF;
    stl[83] = (byte) 0x7F;
    assertThatThrownBy(() -> convert(stl, "stl", ResourceResolver.none()))
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).isIn(DATA_CODES));
  }

  @Test
  void mtlAndTexturePathsOutsideTheUploadAreNeverRead() {
    String obj =
        "mtllib ../../../../etc/passwd\nmtllib /etc/hostname\nmtllib side.mtl\nusemtl m\n"
            + "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\nf 1/1 2/2 3/3\n";
    String mtl = "newmtl m\nKd 1 0 0\nmap_Kd ../../../etc/shadow\nmap_Bump /etc/passwd\n";
    Map<String, byte[]> asked = new HashMap<>();
    ResourceResolver files =
        ResourceResolver.ofMap(Map.of("side.mtl", mtl.getBytes(StandardCharsets.UTF_8)));
    ResourceResolver spy =
        (path, max) -> {
          asked.put(path, new byte[0]);
          return files.read(path, max);
        };
    ConvertResult r = convert(obj.getBytes(StandardCharsets.UTF_8), "obj", spy);
    assertThat(r.report().triangles()).isEqualTo(1);
    assertThat(asked.keySet())
        .allSatisfy(p -> assertThat(p).doesNotContain("..").doesNotStartWith("/"));
    assertThat(r.report().warnings())
        .anySatisfy(w -> assertThat(w).contains("shadow").contains("not found"));
    assertThat(
            r.asset()
                .json()
                .path("materials")
                .get(0)
                .path("pbrMetallicRoughness")
                .path("baseColorFactor")
                .toString())
        .isEqualTo("[1.0,0.0,0.0,1.0]");
  }

  @Test
  void vertexLimitIsEnforcedBeforeCopying() throws IOException {
    byte[] bunny = Files.readAllBytes(TestCorpus.root().resolve("stl/Spider_binary.stl"));
    ConvertOptions tight =
        new ConvertOptions(
            true,
            80,
            true,
            true,
            ConvertOptions.DEFAULT_MAX_INPUT_BYTES,
            ConvertOptions.DEFAULT_MAX_SIDE_FILE_BYTES,
            100,
            ConvertOptions.DEFAULT_MAX_TEXTURE_PIXELS,
            null);
    assertThatThrownBy(
            () -> TestNatives.convert().apply(bunny, "stl", ResourceResolver.none(), tight))
        .isInstanceOfSatisfying(
            AssetGridException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INPUT_LIMIT_EXCEEDED));
  }

  @Test
  void concurrentConversionsDoNotShareFileSystemsOrState() throws Exception {
    Path dir = TestCorpus.root().resolve("obj/assimp-spider");
    byte[] obj = Files.readAllBytes(dir.resolve("spider.obj"));
    byte[] ply = Files.readAllBytes(TestCorpus.root().resolve("ply/Wuson.ply"));
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<ConvertResult>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 12; i++) {
        boolean odd = i % 2 == 1;
        runs.add(
            pool.submit(
                () ->
                    odd
                        ? convert(ply, "ply", ResourceResolver.none())
                        : convert(obj, "obj", ResourceResolver.directory(dir))));
      }
      for (int i = 0; i < runs.size(); i++) {
        ConvertResult r = runs.get(i).get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.report().triangles()).isEqualTo(i % 2 == 1 ? 3732 : 1368);
        assertThat(r.report().textures()).isEqualTo(i % 2 == 1 ? 0 : 4);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static ConvertResult convert(byte[] bytes, String ext, ResourceResolver side) {
    return TestNatives.convert().apply(bytes, ext, side, ConvertOptions.DEFAULTS);
  }

  /** 1 when the input was refused with a data code, 0 when it converted (to a writable GLB). */
  private static int attempt(byte[] bytes, String ext) {
    try {
      ConvertResult r = convert(bytes, ext, ResourceResolver.none());
      assertThat(GlbWriter.write(r.asset())).isNotEmpty();
      return 0;
    } catch (AssetGridException e) {
      assertThat(e.code()).as(e.getMessage()).isIn(DATA_CODES);
      return 1;
    }
  }
}
