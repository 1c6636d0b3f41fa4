package dev.assetgrid.bench.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A minimal, self-contained GLB 2.0 writer for one mesh with POSITION (with min/max), NORMAL and
 * TEXCOORD_0, uint16 or uint32 indices, and optionally one embedded PNG as the base colour texture.
 * Layout: 12-byte header, JSON chunk padded with spaces to 4 bytes, BIN chunk padded with zeros.
 */
public final class GlbWriter {
  static final int MAGIC = 0x46546C67; // "glTF"
  static final int CHUNK_JSON = 0x4E4F534A;
  static final int CHUNK_BIN = 0x004E4942;
  private static final ObjectMapper JSON = new ObjectMapper();

  private GlbWriter() {}

  /**
   * Writes {@code mesh} (and {@code png}, may be null) as a GLB file; returns its size in bytes.
   */
  public static long write(Mesh mesh, byte[] png, String name, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      return write(mesh, png, name, out);
    }
  }

  /** Writes the GLB to {@code out}; returns the number of bytes written. */
  public static long write(Mesh mesh, byte[] png, String name, OutputStream out)
      throws IOException {
    int n = mesh.vertexCount();
    boolean wide = n > 65535;
    long posBytes = 12L * n;
    long norBytes = 12L * n;
    long uvBytes = 8L * n;
    long idxBytes = (long) mesh.indices().length * (wide ? 4 : 2);
    long idxPadded = align4(idxBytes);
    long pngOffset = posBytes + norBytes + uvBytes + idxPadded;
    long binLength = align4(pngOffset + (png == null ? 0 : png.length));
    if (binLength > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("mesh too large for one GLB buffer");
    }

    ObjectNode root = JSON.createObjectNode();
    root.putObject("asset").put("version", "2.0").put("generator", "assetgrid-bench synthetic");
    root.put("scene", 0);
    root.putArray("scenes").addObject().putArray("nodes").add(0);
    root.putArray("nodes").addObject().put("mesh", 0).put("name", name);
    ObjectNode prim =
        root.putArray("meshes").addObject().put("name", name).putArray("primitives").addObject();
    prim.putObject("attributes").put("POSITION", 0).put("NORMAL", 1).put("TEXCOORD_0", 2);
    prim.put("indices", 3).put("mode", 4).put("material", 0);
    ObjectNode pbr =
        root.putArray("materials").addObject().put("name", name).putObject("pbrMetallicRoughness");
    pbr.put("metallicFactor", 0.0).put("roughnessFactor", 0.8);
    ArrayNode views = root.putArray("bufferViews");
    view(views, 0, posBytes, 34962);
    view(views, posBytes, norBytes, 34962);
    view(views, posBytes + norBytes, uvBytes, 34962);
    view(views, posBytes + norBytes + uvBytes, idxBytes, 34963);
    ArrayNode acc = root.putArray("accessors");
    float[] min = {Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE};
    float[] max = {-Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE};
    float[] p = mesh.positions();
    for (int i = 0; i < p.length; i++) {
      min[i % 3] = Math.min(min[i % 3], p[i]);
      max[i % 3] = Math.max(max[i % 3], p[i]);
    }
    ObjectNode a0 = accessor(acc, 0, 5126, n, "VEC3");
    ArrayNode mn = a0.putArray("min");
    ArrayNode mx = a0.putArray("max");
    for (int i = 0; i < 3; i++) {
      mn.add(min[i]);
      mx.add(max[i]);
    }
    accessor(acc, 1, 5126, n, "VEC3");
    accessor(acc, 2, 5126, n, "VEC2");
    accessor(acc, 3, wide ? 5125 : 5123, mesh.indices().length, "SCALAR");
    if (png != null) {
      view(views, pngOffset, png.length, 0);
      root.putArray("images").addObject().put("bufferView", 4).put("mimeType", "image/png");
      root.putArray("samplers").addObject().put("magFilter", 9729).put("minFilter", 9987);
      root.putArray("textures").addObject().put("source", 0).put("sampler", 0);
      pbr.putObject("baseColorTexture").put("index", 0);
    }
    root.putArray("buffers").addObject().put("byteLength", binLength);

    byte[] json = JSON.writeValueAsBytes(root);
    int jsonPadded = (int) align4(json.length);
    long total = 12 + 8 + jsonPadded + 8 + binLength;
    ByteBuffer head = le(12 + 8);
    head.putInt(MAGIC).putInt(2).putInt((int) total).putInt(jsonPadded).putInt(CHUNK_JSON);
    out.write(head.array());
    out.write(json);
    for (int i = json.length; i < jsonPadded; i++) {
      out.write(' ');
    }
    ByteBuffer binHead = le(8).putInt((int) binLength).putInt(CHUNK_BIN);
    out.write(binHead.array());
    writeFloats(out, mesh.positions());
    writeFloats(out, mesh.normals());
    writeFloats(out, mesh.uvs());
    writeIndices(out, mesh.indices(), wide);
    out.write(new byte[(int) (idxPadded - idxBytes)]);
    if (png != null) {
      out.write(png);
    }
    out.write(new byte[(int) (binLength - pngOffset - (png == null ? 0 : png.length))]);
    return total;
  }

  private static void view(ArrayNode views, long offset, long length, int target) {
    ObjectNode v =
        views.addObject().put("buffer", 0).put("byteOffset", offset).put("byteLength", length);
    if (target != 0) {
      v.put("target", target);
    }
  }

  private static ObjectNode accessor(
      ArrayNode acc, int view, int componentType, long count, String type) {
    return acc.addObject()
        .put("bufferView", view)
        .put("componentType", componentType)
        .put("count", count)
        .put("type", type);
  }

  static long align4(long n) {
    return (n + 3) & ~3L;
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void writeFloats(OutputStream out, float[] values) throws IOException {
    ByteBuffer b = le(64 * 1024);
    for (float v : values) {
      if (!b.hasRemaining()) {
        out.write(b.array(), 0, b.position());
        b.clear();
      }
      b.putFloat(v);
    }
    out.write(b.array(), 0, b.position());
  }

  private static void writeIndices(OutputStream out, int[] values, boolean wide)
      throws IOException {
    ByteBuffer b = le(64 * 1024);
    for (int v : values) {
      if (b.remaining() < 4) {
        out.write(b.array(), 0, b.position());
        b.clear();
      }
      if (wide) {
        b.putInt(v);
      } else {
        b.putShort((short) v);
      }
    }
    out.write(b.array(), 0, b.position());
  }

  /** Bytes of a small valid GLB (a 12-triangle grid, no texture): the queue benchmark's payload. */
  public static byte[] tiny() {
    try {
      java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
      write(MeshGenerator.terrain(3, 2, 1), null, "tiny", bos);
      return bos.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String jsonOf(byte[] glb) {
    ByteBuffer b = ByteBuffer.wrap(glb).order(ByteOrder.LITTLE_ENDIAN);
    int len = b.getInt(12);
    return new String(glb, 20, len, StandardCharsets.UTF_8);
  }
}
