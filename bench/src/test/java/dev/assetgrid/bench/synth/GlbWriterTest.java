package dev.assetgrid.bench.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlbWriterTest {

  @ParameterizedTest
  @CsvSource({
    "SPHERE,1000",
    "TERRAIN,1000",
    "SPHERE,10000",
    "TERRAIN,100000",
    "SPHERE,6",
    "SPHERE,12",
    "TERRAIN,2",
    "SPHERE,131074"
  })
  void exactTriangleCounts(MeshGenerator.Shape shape, long triangles) {
    Mesh m = MeshGenerator.generate(shape, triangles, 7);
    assertThat(m.triangleCount()).isEqualTo(triangles);
    for (int i : m.indices()) {
      assertThat(i).isBetween(0, m.vertexCount() - 1);
    }
  }

  @Test
  void deterministicForASeed() {
    Mesh a = MeshGenerator.generate(MeshGenerator.Shape.TERRAIN, 1000, 3);
    Mesh b = MeshGenerator.generate(MeshGenerator.Shape.TERRAIN, 1000, 3);
    Mesh c = MeshGenerator.generate(MeshGenerator.Shape.TERRAIN, 1000, 4);
    assertThat(a.positions()).isEqualTo(b.positions());
    assertThat(a.positions()).isNotEqualTo(c.positions());
  }

  @Test
  void oddCountsAreRefused() {
    assertThatThrownBy(() -> MeshGenerator.generate(MeshGenerator.Shape.TERRAIN, 1001, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void smallGlbIsStructurallyValid() throws Exception {
    checkGlb(write(MeshGenerator.generate(MeshGenerator.Shape.SPHERE, 1000, 1), null), 1000, false);
  }

  @Test
  void texturedWideIndexGlbIsStructurallyValid() throws Exception {
    byte[] png = TextureGenerator.png(64, 5);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    // 140k triangles on a grid → > 65535 vertices → uint32 indices
    byte[] glb = write(MeshGenerator.generate(MeshGenerator.Shape.TERRAIN, 140_000, 1), png);
    JsonNode json = checkGlb(glb, 140_000, true);
    assertThat(json.path("accessors").get(3).path("componentType").asInt()).isEqualTo(5125);
  }

  @Test
  void tinyGlbForTheQueue() throws Exception {
    checkGlb(GlbWriter.tiny(), 12, false);
  }

  private static byte[] write(Mesh m, byte[] png) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = GlbWriter.write(m, png, "t", out);
    assertThat(out.size()).isEqualTo(n);
    return out.toByteArray();
  }

  /** Header, chunk lengths and types, alignment, buffer views inside the buffer, index count. */
  static JsonNode checkGlb(byte[] glb, long triangles, boolean textured) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(0)).isEqualTo(0x46546C67);
    assertThat(b.getInt(4)).isEqualTo(2);
    assertThat(b.getInt(8)).isEqualTo(glb.length);
    int jsonLen = b.getInt(12);
    assertThat(b.getInt(16)).isEqualTo(0x4E4F534A);
    assertThat(jsonLen % 4).isZero();
    int binHead = 20 + jsonLen;
    int binLen = b.getInt(binHead);
    assertThat(b.getInt(binHead + 4)).isEqualTo(0x004E4942);
    assertThat(binLen % 4).isZero();
    assertThat(binHead + 8 + binLen).isEqualTo(glb.length);
    JsonNode json =
        new ObjectMapper().readTree(new String(glb, 20, jsonLen, StandardCharsets.UTF_8));
    assertThat(json.path("asset").path("version").asText()).isEqualTo("2.0");
    assertThat(json.path("buffers").get(0).path("byteLength").asLong()).isEqualTo(binLen);
    for (JsonNode v : json.path("bufferViews")) {
      assertThat(v.path("byteOffset").asLong() + v.path("byteLength").asLong())
          .isLessThanOrEqualTo(binLen);
      assertThat(v.path("byteOffset").asLong() % 4).isZero();
    }
    JsonNode idx =
        json.path("accessors")
            .get(json.path("meshes").get(0).path("primitives").get(0).path("indices").asInt());
    assertThat(idx.path("count").asLong()).isEqualTo(triangles * 3);
    JsonNode pos = json.path("accessors").get(0);
    assertThat(pos.path("min")).hasSize(3);
    assertThat(pos.path("max")).hasSize(3);
    assertThat(json.has("images")).isEqualTo(textured);
    if (textured) {
      JsonNode view =
          json.path("bufferViews").get(json.path("images").get(0).path("bufferView").asInt());
      int at = binHead + 8 + view.path("byteOffset").asInt();
      assertThat(glb[at + 1]).isEqualTo((byte) 'P');
    }
    return json;
  }
}
