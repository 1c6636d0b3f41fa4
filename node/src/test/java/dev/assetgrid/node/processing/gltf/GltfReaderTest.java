package dev.assetgrid.node.processing.gltf;

import static dev.assetgrid.node.processing.gltf.TestAssets.TRIANGLE_JSON;
import static dev.assetgrid.node.processing.gltf.TestAssets.glb;
import static dev.assetgrid.node.processing.gltf.TestAssets.triangleBin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.node.natives.TestNatives;
import dev.assetgrid.node.processing.inspect.Inspect;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GltfReaderTest {
  private final GltfReader reader = TestNatives.reader();

  private static void assertCode(ThrowingCallable call, ErrorCode code) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            AssetGridException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
  }

  private static byte[] validGlb() {
    return glb(TRIANGLE_JSON, triangleBin());
  }

  @Test
  void readsGlbWithBinChunk() {
    GltfAsset a = reader.read(validGlb(), ResourceResolver.none());
    assertThat(a.buffers()).hasSize(1);
    assertThat(a.buffer(0).remaining()).isEqualTo(44);
    assertThat(a.sourceBytes()).isEqualTo(validGlb().length);
    assertThat(Accessors.of(a).floats(0)).containsExactly(0, 0, 0, 1, 0, 0, 0, 1, 0);
    assertThat(Accessors.of(a).indices(1, 3)).containsExactly(0, 1, 2);
  }

  @Test
  void truncatedGlb() {
    byte[] full = validGlb();
    assertCode(
        () -> reader.read(Arrays.copyOf(full, full.length - 10), ResourceResolver.none()),
        ErrorCode.GLB_TRUNCATED);
    assertCode(
        () -> reader.readGlb(Arrays.copyOf(full, 8), ResourceResolver.none()),
        ErrorCode.GLB_TRUNCATED);
  }

  @Test
  void badHeader() {
    byte[] b = validGlb();
    b[0] = 'x';
    assertCode(() -> reader.readGlb(b, ResourceResolver.none()), ErrorCode.GLB_INVALID_HEADER);
    byte[] v1 = validGlb();
    v1[4] = 1;
    assertCode(() -> reader.read(v1, ResourceResolver.none()), ErrorCode.GLB_INVALID_HEADER);
    byte[] binFirst = validGlb();
    ByteBuffer.wrap(binFirst).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x004E4942);
    assertCode(() -> reader.read(binFirst, ResourceResolver.none()), ErrorCode.GLB_INVALID_HEADER);
  }

  @Test
  void lyingChunkLengths() {
    byte[] b = validGlb();
    ByteBuffer.wrap(b)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(12, b.length); // JSON chunk longer than the file
    assertCode(() -> reader.read(b, ResourceResolver.none()), ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    byte[] overflow = validGlb();
    ByteBuffer.wrap(overflow)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(12, 0xFFFFFFF0); // > Integer.MAX_VALUE
    assertCode(
        () -> reader.read(overflow, ResourceResolver.none()), ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    byte[] unaligned = validGlb();
    ByteBuffer.wrap(unaligned).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 3);
    assertCode(
        () -> reader.read(unaligned, ResourceResolver.none()), ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
    byte[] binTooLong = validGlb();
    int binHeader = 20 + ByteBuffer.wrap(binTooLong).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    ByteBuffer.wrap(binTooLong).order(ByteOrder.LITTLE_ENDIAN).putInt(binHeader, 0x7FFFFFFC);
    assertCode(
        () -> reader.read(binTooLong, ResourceResolver.none()),
        ErrorCode.GLB_CHUNK_LENGTH_MISMATCH);
  }

  @Test
  void binBufferLongerThanChunk() {
    byte[] b = glb(TRIANGLE_JSON.replace("'byteLength':44", "'byteLength':4400"), triangleBin());
    assertCode(() -> reader.read(b, ResourceResolver.none()), ErrorCode.GLTF_INVALID);
  }

  @Test
  void jsonErrors() {
    assertCode(
        () -> reader.read("{\"asset\":".getBytes(StandardCharsets.UTF_8), ResourceResolver.none()),
        ErrorCode.GLTF_INVALID_JSON);
    assertCode(
        () ->
            reader.read(
                "{'asset':{'version':'2.0'},'asset':{}}"
                    .replace('\'', '"')
                    .getBytes(StandardCharsets.UTF_8),
                ResourceResolver.none()),
        ErrorCode.GLTF_INVALID_JSON);
    assertCode(
        () -> reader.read("[1,2]".getBytes(StandardCharsets.UTF_8), ResourceResolver.none()),
        ErrorCode.GLTF_NOT_GLTF);
    assertCode(
        () ->
            reader.read(
                "{\"asset\":{\"version\":\"1.0\"}}".getBytes(StandardCharsets.UTF_8),
                ResourceResolver.none()),
        ErrorCode.GLTF_NOT_GLTF);
    assertCode(
        () ->
            reader.read(
                "{\"meshes\":[]}".getBytes(StandardCharsets.UTF_8), ResourceResolver.none()),
        ErrorCode.GLTF_NOT_GLTF);
  }

  private static byte[] gltfWithUri(String uri) {
    return TRIANGLE_JSON
        .replace("{'byteLength':44}", "{'byteLength':44,'uri':'" + uri + "'}")
        .replace('\'', '"')
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void resolvesPercentEncodedAndNonAsciiUris() {
    Map<String, byte[]> files = Map.of("my dir/Bïn ❤.bin", triangleBin());
    GltfAsset a =
        reader.read(
            gltfWithUri("my%20dir/B%C3%AFn%20%E2%9D%A4.bin"), ResourceResolver.ofMap(files));
    assertThat(Accessors.of(a).floats(0)).hasSize(9);
    GltfAsset raw = reader.read(gltfWithUri("my dir/Bïn ❤.bin"), ResourceResolver.ofMap(files));
    assertThat(raw.buffer(0).remaining()).isEqualTo(44);
  }

  @Test
  void readsSideFilesFromDirectory(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("tri angle.bin"), triangleBin());
    Files.write(dir.resolve("t.gltf"), gltfWithUri("tri%20angle.bin"));
    GltfAsset a = reader.read(dir.resolve("t.gltf"));
    assertThat(Accessors.of(a).floats(0)).containsExactly(0, 0, 0, 1, 0, 0, 0, 1, 0);
    assertThat(a.sourceBytes()).isEqualTo(Files.size(dir.resolve("t.gltf")) + 44);
  }

  @Test
  void missingAndEscapingResources(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("t.gltf"), gltfWithUri("nothere.bin"));
    assertCode(() -> reader.read(dir.resolve("t.gltf")), ErrorCode.GLTF_RESOURCE_MISSING);
    Files.write(dir.resolve("t.gltf"), gltfWithUri("../secret.bin"));
    assertCode(() -> reader.read(dir.resolve("t.gltf")), ErrorCode.GLTF_RESOURCE_MISSING);
    Files.write(dir.resolve("t.gltf"), gltfWithUri("/etc/passwd"));
    assertCode(() -> reader.read(dir.resolve("t.gltf")), ErrorCode.GLTF_RESOURCE_MISSING);
    Files.write(dir.resolve("t.gltf"), gltfWithUri("http://example.com/x.bin"));
    assertCode(() -> reader.read(dir.resolve("t.gltf")), ErrorCode.GLTF_RESOURCE_MISSING);
    assertCode(() -> reader.read(dir.resolve("absent.gltf")), ErrorCode.GLTF_RESOURCE_MISSING);
  }

  @Test
  void dataUris() {
    String ok =
        "data:application/octet-stream;base64," + Base64.getEncoder().encodeToString(triangleBin());
    assertThat(Accessors.of(reader.read(gltfWithUri(ok), ResourceResolver.none())).indices(1, 3))
        .containsExactly(0, 1, 2);
    assertCode(
        () ->
            reader.read(
                gltfWithUri("data:application/octet-stream;base64,@@@notbase64"),
                ResourceResolver.none()),
        ErrorCode.GLTF_INVALID);
    assertCode(
        () ->
            reader.read(
                gltfWithUri("data:application/octet-stream;base64"), ResourceResolver.none()),
        ErrorCode.GLTF_INVALID);
    String tooShort =
        "data:application/octet-stream;base64," + Base64.getEncoder().encodeToString(new byte[8]);
    assertCode(
        () -> reader.read(gltfWithUri(tooShort), ResourceResolver.none()), ErrorCode.GLTF_INVALID);
  }

  @Test
  void limits() {
    assertCode(
        () ->
            new GltfReader(
                    GltfReadOptions.DEFAULTS.withMaxTotalBytes(100), TestNatives.MESHOPT_DECODER)
                .read(validGlb(), ResourceResolver.none()),
        ErrorCode.INPUT_LIMIT_EXCEEDED);
    assertCode(
        () ->
            new GltfReader(GltfReadOptions.DEFAULTS.withMaxBuffers(0), TestNatives.MESHOPT_DECODER)
                .read(validGlb(), ResourceResolver.none()),
        ErrorCode.INPUT_LIMIT_EXCEEDED);
    byte[] huge =
        glb(TRIANGLE_JSON.replace("'byteLength':44", "'byteLength':1000000000000"), triangleBin());
    assertCode(() -> reader.read(huge, ResourceResolver.none()), ErrorCode.INPUT_LIMIT_EXCEEDED);
    String big =
        "data:application/octet-stream;base64,"
            + Base64.getEncoder().encodeToString(new byte[3000]);
    assertCode(
        () ->
            new GltfReader(
                    GltfReadOptions.DEFAULTS.withMaxTotalBytes(2000), TestNatives.MESHOPT_DECODER)
                .read(gltfWithUri(big), ResourceResolver.none()),
        ErrorCode.INPUT_LIMIT_EXCEEDED);
  }

  @Test
  void optionsJsonRoundTrip() {
    GltfReadOptions o = new GltfReadOptions(1234, 5, 6, 789);
    assertThat(GltfReadOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThat(GltfReadOptions.fromJson(TestAssets.json("{}"))).isEqualTo(GltfReadOptions.DEFAULTS);
  }

  /** Random byte corruption of a valid GLB: only AssetGridExceptions, never a crash or an OOM. */
  @Test
  void corruptedGlbsFailCleanly() {
    byte[] valid = GlbWriter.write(reader.read(validGlb(), ResourceResolver.none()));
    Random random = new Random(42);
    int failures = 0;
    for (int round = 0; round < 3000; round++) {
      byte[] b = valid.clone();
      int edits = 1 + random.nextInt(4);
      for (int i = 0; i < edits; i++) {
        int pos = random.nextInt(b.length);
        b[pos] =
            random.nextInt(3) == 0
                ? (byte) random.nextInt(256)
                : (byte) (b[pos] ^ (1 << random.nextInt(8)));
      }
      try {
        GltfAsset a = reader.read(b, ResourceResolver.none());
        Inspect.apply(a);
        Accessors acc = Accessors.of(a);
        for (int i = 0; i < a.count("accessors"); i++) {
          acc.floats(i);
        }
        GlbWriter.write(a);
      } catch (AssetGridException e) {
        failures++;
        assertThat(e.code()).isNotEqualTo(ErrorCode.INTERNAL_ERROR);
      }
    }
    assertThat(failures).isPositive();
  }
}
