package dev.assetgrid.node.processing.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.stage.ValidateOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Procedural assets built inline: exact findings, report shape, and robustness on hostile bytes.
 */
class ValidatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A GLB with one indexed triangle primitive (float positions, ushort indices). */
  static byte[] glb(float[] positions, int[] indices) throws Exception {
    ByteBuffer bin =
        ByteBuffer.allocate(positions.length * 4 + ((indices.length * 2 + 3) & ~3))
            .order(ByteOrder.LITTLE_ENDIAN);
    float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
    float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
    for (int i = 0; i < positions.length; i++) {
      bin.putFloat(positions[i]);
      min[i % 3] = Math.min(min[i % 3], positions[i]);
      max[i % 3] = Math.max(max[i % 3], positions[i]);
    }
    for (int i : indices) {
      bin.putShort((short) i);
    }
    int vc = positions.length / 3;
    String json =
        "{\"asset\":{\"version\":\"2.0\"},\"scene\":0,\"scenes\":[{\"nodes\":[0]}],\"nodes\":[{\"mesh\":0}],"
            + "\"meshes\":[{\"primitives\":[{\"attributes\":{\"POSITION\":0},\"indices\":1}]}],"
            + "\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":"
            + vc
            + ",\"type\":\"VEC3\","
            + "\"min\":["
            + min[0]
            + ","
            + min[1]
            + ","
            + min[2]
            + "],\"max\":["
            + max[0]
            + ","
            + max[1]
            + ","
            + max[2]
            + "]},"
            + "{\"bufferView\":1,\"componentType\":5123,\"count\":"
            + indices.length
            + ",\"type\":\"SCALAR\"}],"
            + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":"
            + positions.length * 4
            + ",\"target\":34962},"
            + "{\"buffer\":0,\"byteOffset\":"
            + positions.length * 4
            + ",\"byteLength\":"
            + indices.length * 2
            + ",\"target\":34963}],"
            + "\"buffers\":[{\"byteLength\":"
            + bin.capacity()
            + "}]}";
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    int jl = (j.length + 3) & ~3;
    ByteBuffer out =
        ByteBuffer.allocate(12 + 8 + jl + 8 + bin.capacity()).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(0x46546C67).putInt(2).putInt(out.capacity());
    out.putInt(jl).putInt(0x4E4F534A).put(j);
    for (int i = j.length; i < jl; i++) {
      out.put((byte) ' ');
    }
    out.putInt(bin.capacity()).putInt(0x004E4942).put(bin.array());
    return out.array();
  }

  static final float[] TETRA = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  static final int[] TETRA_TRIS = {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3};

  @Test
  void closedTetrahedronIsClean() throws Exception {
    ValidationReport r =
        Validator.validate(glb(TETRA, TETRA_TRIS), "tetra.glb", null, ValidateOptions.DEFAULTS);
    assertEquals(0, r.numErrors() + r.numWarnings() + r.numInfos(), r.messages().toString());
    assertEquals("model/gltf-binary", r.mimeType());
    assertEquals(4, r.info().path("totalTriangleCount").asInt());
  }

  @Test
  void geometryChecksCountDefects() throws Exception {
    // tetrahedron minus one face, plus a duplicate face, a degenerate face and a flipped
    // duplicate-edge face
    int[] tris = {0, 2, 1, 0, 1, 3, 0, 3, 2, 0, 2, 1, 1, 1, 2};
    ValidationReport r =
        Validator.validate(glb(TETRA, tris), "t.glb", null, ValidateOptions.DEFAULTS);
    assertFalse(r.hasErrors(), r.messages().toString());
    assertTrue(r.codes().contains(IssueCode.MESH_DUPLICATE_TRIANGLES));
    assertTrue(r.codes().contains(IssueCode.MESH_DEGENERATE_TRIANGLES));
    assertTrue(r.codes().contains(IssueCode.MESH_OPEN_BOUNDARY));
    ValidationIssue open =
        r.messages().stream()
            .filter(i -> i.code() == IssueCode.MESH_OPEN_BOUNDARY)
            .findFirst()
            .orElseThrow();
    assertTrue(open.message().startsWith("3 boundary edges"), open.message());
    assertEquals("/meshes/0/primitives/0/indices", open.pointer());
    // Khronos-compatible mode drops our own findings but keeps its degenerate-triangle info
    ValidationReport k =
        Validator.validate(glb(TETRA, tris), "t.glb", null, ValidateOptions.khronosCompatible());
    assertFalse(k.codes().contains(IssueCode.MESH_OPEN_BOUNDARY));
    assertTrue(k.codes().contains(IssueCode.ACCESSOR_INDEX_TRIANGLE_DEGENERATE));
  }

  @Test
  void inconsistentWindingIsFound() throws Exception {
    int[] tris = {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 3, 2}; // last face flipped
    ValidationReport r =
        Validator.validate(glb(TETRA, tris), "t.glb", null, ValidateOptions.DEFAULTS);
    assertTrue(r.codes().contains(IssueCode.MESH_INCONSISTENT_WINDING), r.messages().toString());
  }

  @Test
  void indexOutOfRangeIsAnError() throws Exception {
    int[] tris = {0, 2, 1, 0, 1, 9};
    ValidationReport r =
        Validator.validate(glb(TETRA, tris), "t.glb", null, ValidateOptions.DEFAULTS);
    assertTrue(r.hasErrors());
    assertEquals(java.util.Set.of(IssueCode.ACCESSOR_INDEX_OOB), r.codes(Severity.ERROR));
  }

  @Test
  void reportJsonHasKhronosShapeAndCapTruncates() throws Exception {
    int[] tris = {0, 2, 9, 0, 9, 3, 9, 3, 2};
    ValidationReport r =
        Validator.validate(
            glb(TETRA, tris), "t.glb", null, ValidateOptions.DEFAULTS.withMaxIssues(1));
    ObjectNode j = r.toJson();
    JsonNode issues = j.path("issues");
    assertEquals("t.glb", j.path("uri").asText());
    assertEquals(ValidationReport.VALIDATOR_VERSION, j.path("validatorVersion").asText());
    assertEquals(3, issues.path("numErrors").asInt());
    assertEquals(1, issues.path("messages").size());
    assertTrue(issues.path("truncated").asBoolean());
    JsonNode m = issues.path("messages").get(0);
    assertEquals("ACCESSOR_INDEX_OOB", m.path("code").asText());
    assertEquals(0, m.path("severity").asInt());
    assertEquals("/meshes/0/primitives/0/indices", m.path("pointer").asText());
    assertTrue(j.path("info").has("resources"));
    assertEquals(
        JSON.writeValueAsString(j),
        JSON.writeValueAsString(JSON.readTree(JSON.writeValueAsString(j))));
  }

  @Test
  void optionsRoundTripThroughJson() {
    ValidateOptions o = new ValidateOptions(7, false, 1234);
    assertEquals(o, ValidateOptions.fromJson(o.toJson()));
    assertEquals(ValidateOptions.DEFAULTS, ValidateOptions.fromJson(null));
  }

  @Test
  void gltfWithExternalAndMissingResources() {
    String json =
        "{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"uri\":\"a.bin\",\"byteLength\":8},{\"uri\":\"missing.bin\",\"byteLength\":4}],"
            + "\"bufferViews\":[{\"buffer\":0,\"byteLength\":8},{\"buffer\":1,\"byteLength\":4}]}";
    ResourceResolver res = p -> p.equals("a.bin") ? new byte[8] : null;
    ValidationReport r =
        Validator.validate(json.getBytes(StandardCharsets.UTF_8), "x.gltf", res, null);
    assertEquals(java.util.Set.of(IssueCode.IO_ERROR), r.codes(Severity.ERROR));
    assertEquals(
        "/buffers/1/uri",
        r.messages().stream()
            .filter(i -> i.code() == IssueCode.IO_ERROR)
            .findFirst()
            .orElseThrow()
            .pointer());
  }

  @Test
  void hostileBytesNeverThrow() throws Exception {
    byte[] good = glb(TETRA, TETRA_TRIS);
    Random rnd = new Random(42);
    int reports = 0;
    for (int len = 0; len <= good.length; len++) {
      assertNotNull(Validator.validate(java.util.Arrays.copyOf(good, len), "t.glb", null, null));
      reports++;
    }
    for (int iter = 0; iter < 3000; iter++) {
      byte[] b = good.clone();
      int flips = 1 + rnd.nextInt(8);
      for (int f = 0; f < flips; f++) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
      }
      ValidationReport r = Validator.validate(b, "t.glb", null, null);
      assertFalse(r.codes().contains(IssueCode.INTERNAL_ERROR), r.messages().toString());
      reports++;
    }
    // JSON-level lies: huge counts and offsets, negative and non-integer values, deep nesting
    String[] lies = {
      "{\"asset\":{\"version\":\"2.0\"},\"accessors\":[{\"bufferView\":0,\"componentType\":5126,\"count\":2147483647,\"type\":\"MAT4\"}],"
          + "\"bufferViews\":[{\"buffer\":0,\"byteOffset\":9007199254740991,\"byteLength\":4,\"byteStride\":252}],\"buffers\":[{\"byteLength\":4,\"uri\":\"data:application/octet-stream;base64,AAAAAA==\"}]}",
      "{\"asset\":{\"version\":\"2.0\"},\"nodes\":[{\"children\":[0,1,-1,1.5,\"x\"]},{\"children\":[0]}],\"scenes\":[{\"nodes\":[0,1,5]}]}",
      "[".repeat(5000),
      "{\"asset\":{\"version\":\"99999999999999999999.0\"}}",
    };
    for (String s : lies) {
      ValidationReport r =
          Validator.validate(s.getBytes(StandardCharsets.UTF_8), "x.gltf", null, null);
      assertTrue(r.hasErrors(), s);
      assertFalse(r.codes().contains(IssueCode.INTERNAL_ERROR), r.messages().toString());
    }
    assertTrue(reports > 3000);
  }

  @Test
  void brokenImageHeadersAreReportedAtTheImage() {
    byte[] png = {
      (byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0, 5
    };
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8, 0, 64, 0, 0, 3};
    String json =
        "{\"asset\":{\"version\":\"2.0\"},\"images\":["
            + "{\"uri\":\"data:image/png;base64,"
            + java.util.Base64.getEncoder().encodeToString(png)
            + "\"},"
            + "{\"uri\":\"data:image/jpeg;base64,"
            + java.util.Base64.getEncoder().encodeToString(jpeg)
            + "\"}]}";
    ValidationReport r =
        Validator.validate(json.getBytes(StandardCharsets.UTF_8), "i.gltf", null, null);
    ValidationIssue eos =
        r.messages().stream()
            .filter(i -> i.code() == IssueCode.IMAGE_UNEXPECTED_EOS)
            .findFirst()
            .orElseThrow();
    assertEquals("/images/0", eos.pointer());
    assertEquals("Unexpected end of image stream.", eos.message());
    ValidationIssue invalid =
        r.messages().stream()
            .filter(i -> i.code() == IssueCode.IMAGE_DATA_INVALID)
            .findFirst()
            .orElseThrow();
    assertEquals("/images/1", invalid.pointer());
    assertEquals("Image data is invalid. Invalid image dimensions.", invalid.message());
  }

  @Test
  void validationIsDeterministic() throws Exception {
    int[] tris = {0, 2, 9, 0, 1, 3, 0, 3, 3};
    ValidationReport a = Validator.validate(glb(TETRA, tris), "a.glb", null, null);
    ValidationReport b = Validator.validate(glb(TETRA, tris), "a.glb", null, null);
    assertEquals(a.toJson().path("issues"), b.toJson().path("issues"));
  }
}
