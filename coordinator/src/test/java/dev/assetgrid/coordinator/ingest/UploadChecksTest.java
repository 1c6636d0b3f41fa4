package dev.assetgrid.coordinator.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.ModelFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadChecksTest {
  @TempDir Path dir;

  private ErrorCode check(ModelFormat format, byte[] content) throws Exception {
    Path f = Files.write(dir.resolve("f" + System.nanoTime()), content);
    Throwable t = catchThrowable(() -> UploadChecks.check(format, f, content.length));
    if (t == null) {
      return null;
    }
    assertThat(t).isInstanceOf(AssetGridException.class);
    return ((AssetGridException) t).code();
  }

  private static byte[] withInt(byte[] b, int offset, int value) {
    byte[] c = b.clone();
    ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
    return c;
  }

  @Test
  void wellFormedGlbPasses() throws Exception {
    assertThat(check(ModelFormat.GLB, Samples.glb())).isNull();
    assertThat(check(ModelFormat.GLB, Samples.glb(Samples.GLTF_JSON, null))).isNull();
  }

  @Test
  void glbHeaderProblems() throws Exception {
    byte[] glb = Samples.glb();
    assertThat(check(ModelFormat.GLB, Arrays.copyOf(glb, 8))).isEqualTo(ErrorCode.GLB_TRUNCATED);
    assertThat(check(ModelFormat.GLB, withInt(glb, 0, 0x12345678)))
        .isEqualTo(ErrorCode.GLB_INVALID_HEADER);
    assertThat(check(ModelFormat.GLB, withInt(glb, 4, 1))).isEqualTo(ErrorCode.GLB_INVALID_HEADER);
  }

  @Test
  void truncatedGlbIsTruncated() throws Exception {
    byte[] glb = Samples.glb();
    assertThat(check(ModelFormat.GLB, Arrays.copyOf(glb, glb.length - 4)))
        .isEqualTo(ErrorCode.GLB_TRUNCATED);
    assertThat(check(ModelFormat.GLB, Arrays.copyOf(glb, 30))).isEqualTo(ErrorCode.GLB_TRUNCATED);
  }

  @Test
  void chunkLengthsThatLieAreMismatches() throws Exception {
    byte[] glb = Samples.glb();
    int jsonLength = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    assertThat(check(ModelFormat.GLB, withInt(glb, 12, jsonLength + 400)))
        .as("JSON chunk past the end")
        .isEqualTo(ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    assertThat(check(ModelFormat.GLB, withInt(glb, 12, -4)))
        .as("4 GiB chunk")
        .isEqualTo(ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    int binHeader = 20 + jsonLength;
    assertThat(check(ModelFormat.GLB, withInt(glb, binHeader, 16)))
        .as("BIN chunk past the end")
        .isEqualTo(ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    assertThat(check(ModelFormat.GLB, withInt(glb, binHeader, 4)))
        .as("BIN chunk shorter than its data")
        .isEqualTo(ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    assertThat(check(ModelFormat.GLB, withInt(glb, 12, jsonLength - 1)))
        .as("misaligned")
        .isEqualTo(ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    byte[] longer = Arrays.copyOf(glb, glb.length + 8);
    assertThat(check(ModelFormat.GLB, longer))
        .as("trailing bytes")
        .isEqualTo(ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
  }

  @Test
  void firstChunkMustBeJson() throws Exception {
    assertThat(check(ModelFormat.GLB, withInt(Samples.glb(), 16, 0x004E4942)))
        .isEqualTo(ErrorCode.GLB_INVALID_HEADER);
  }

  @Test
  void glbJsonMustParseAndBeGltf2() throws Exception {
    assertThat(check(ModelFormat.GLB, Samples.glb("{\"asset\":{\"version\":\"2.0\"", null)))
        .isEqualTo(ErrorCode.GLTF_INVALID_JSON);
    assertThat(check(ModelFormat.GLB, Samples.glb("{\"asset\":{\"version\":\"1.0\"}}", null)))
        .isEqualTo(ErrorCode.GLTF_NOT_GLTF);
    assertThat(check(ModelFormat.GLB, Samples.glb("{\"hello\":\"world\"}", null)))
        .isEqualTo(ErrorCode.GLTF_NOT_GLTF);
  }

  @Test
  void gltfJson() throws Exception {
    assertThat(check(ModelFormat.GLTF, Samples.text(Samples.GLTF_JSON))).isNull();
    assertThat(
            check(
                ModelFormat.GLTF,
                Samples.text("{\"name\":\"package.json\",\"version\":\"2.0.0\"}")))
        .isEqualTo(ErrorCode.GLTF_NOT_GLTF);
    assertThat(check(ModelFormat.GLTF, Samples.text("{\"asset\":{\"version\":2.0}}")))
        .isEqualTo(ErrorCode.GLTF_NOT_GLTF);
    assertThat(check(ModelFormat.GLTF, Samples.text("[1,2,3]"))).isEqualTo(ErrorCode.GLTF_NOT_GLTF);
    assertThat(check(ModelFormat.GLTF, Samples.text("{\"asset\":{\"version\":\"2.0\"}, oops}")))
        .isEqualTo(ErrorCode.GLTF_INVALID_JSON);
    assertThat(check(ModelFormat.GLTF, Samples.text("{\"asset\":{\"version\":\"2.0\"}} {}")))
        .isEqualTo(ErrorCode.GLTF_INVALID_JSON);
    assertThat(
            check(ModelFormat.GLTF, Samples.text("{\"asset\":{\"version\":\"2.0\"}, \"x\": [1, 2")))
        .isEqualTo(ErrorCode.GLTF_INVALID_JSON);
  }

  @Test
  void jsonOverTheCapIsALimit() throws Exception {
    Path f = Files.write(dir.resolve("big.gltf"), Samples.text(Samples.GLTF_JSON));
    Throwable t =
        catchThrowable(
            () -> UploadChecks.check(ModelFormat.GLTF, f, UploadChecks.MAX_JSON_BYTES + 1));
    assertThat(AssetGridException.codeOf(t)).isEqualTo(ErrorCode.INPUT_LIMIT_EXCEEDED);
  }

  @Test
  void otherFormatsHaveNoChecksYet() throws Exception {
    assertThat(check(ModelFormat.OBJ, Samples.OBJ)).isNull();
    assertThat(check(ModelFormat.STL, Samples.stlBinary(2))).isNull();
  }

  /**
   * Every real glTF of the corpus passes; every validator test case fails, if at all, with a code.
   */
  @Test
  void corpus() throws Exception {
    Path corpus = TestCorpus.root();
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files =
          s.filter(p -> p.toString().endsWith(".glb") || p.toString().endsWith(".gltf")).toList();
    }
    int valid = 0;
    for (Path f : files) {
      ModelFormat format = f.toString().endsWith(".glb") ? ModelFormat.GLB : ModelFormat.GLTF;
      if (f.toString().contains("validator-tests")) {
        Throwable t = catchThrowable(() -> UploadChecks.check(format, f, Files.size(f)));
        assertThat(t == null || t instanceof AssetGridException).as(f + ": " + t).isTrue();
      } else {
        assertThatCode(() -> UploadChecks.check(format, f, Files.size(f)))
            .as(f.toString())
            .doesNotThrowAnyException();
        valid++;
      }
    }
    assertThat(valid).isGreaterThan(30);
  }
}
