package dev.assetgrid.coordinator.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Tiny inline model files of every format, and a GLB builder for the broken-GLB cases. */
final class Samples {
  private Samples() {}

  static final String GLTF_JSON =
      "{\"asset\":{\"version\":\"2.0\",\"generator\":\"test\"},\"scenes\":[{\"nodes\":[]}]}";

  static final byte[] OBJ =
      text(
          """
      # a triangle
      mtllib tri.mtl
      o tri
      v 0 0 0
      v 1 0 0
      v 0 1 0
      vn 0 0 1
      usemtl red
      f 1//1 2//1 3//1
      """);

  static final byte[] MTL =
      text(
          """
      # material
      newmtl red
      Kd 1 0 0
      map_Kd red.png
      """);

  static final byte[] STL_ASCII =
      text(
          """
      solid tri
        facet normal 0 0 1
          outer loop
            vertex 0 0 0
            vertex 1 0 0
            vertex 0 1 0
          endloop
        endfacet
      endsolid tri
      """);

  static final byte[] PLY =
      text(
          """
      ply
      format ascii 1.0
      element vertex 3
      property float x
      property float y
      property float z
      element face 1
      property list uchar int vertex_indices
      end_header
      0 0 0
      1 0 0
      0 1 0
      3 0 1 2
      """);

  static final byte[] DAE =
      text(
          """
      <?xml version="1.0" encoding="utf-8"?>
      <COLLADA xmlns="http://www.collada.org/2005/11/COLLADASchema" version="1.4.1">
        <asset><up_axis>Y_UP</up_axis></asset>
      </COLLADA>
      """);

  static final byte[] FBX_ASCII =
      text(
          """
      ; FBX 7.4.0 project file
      ; ----------------------------------------------------

      FBXHeaderExtension:  {
      	FBXHeaderVersion: 1003
      }
      """);

  static final byte[] PNG = {
    (byte) 0x89,
    'P',
    'N',
    'G',
    '\r',
    '\n',
    0x1A,
    '\n',
    0,
    0,
    0,
    13,
    'I',
    'H',
    'D',
    'R',
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    1,
    8,
    6,
    0,
    0,
    0,
    0x1F,
    0x15,
    (byte) 0xC4,
    (byte) 0x89
  };

  /** Binary STL with one triangle, a header that starts with "solid" as many exporters write. */
  static byte[] stlBinary(int triangles) {
    ByteBuffer b = ByteBuffer.allocate(84 + 50 * triangles).order(ByteOrder.LITTLE_ENDIAN);
    b.put("solid written by a binary exporter".getBytes(StandardCharsets.US_ASCII));
    b.position(80);
    b.putInt(triangles);
    for (int i = 0; i < triangles; i++) {
      b.putFloat(0).putFloat(0).putFloat(1);
      b.putFloat(0).putFloat(0).putFloat(0);
      b.putFloat(1).putFloat(0).putFloat(0);
      b.putFloat(0).putFloat(1).putFloat(0);
      b.putShort((short) 0);
    }
    return b.array();
  }

  /** The start of a binary FBX: magic, 0x1A 0x00, version 7400, then an (empty) node list. */
  static byte[] fbxBinary() {
    ByteBuffer b = ByteBuffer.allocate(27 + 13).order(ByteOrder.LITTLE_ENDIAN);
    b.put("Kaydara FBX Binary  \0".getBytes(StandardCharsets.ISO_8859_1));
    b.put((byte) 0x1A).put((byte) 0);
    b.putInt(7400);
    return b.array();
  }

  static byte[] zip() {
    return new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0};
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * A well-formed GLB: JSON chunk (space-padded) and, when {@code bin} is not null, a BIN chunk.
   */
  static byte[] glb(String json, byte[] bin) {
    byte[] j = pad(json.getBytes(StandardCharsets.UTF_8), (byte) ' ');
    byte[] bb = bin == null ? null : pad(bin, (byte) 0);
    int length = 12 + 8 + j.length + (bb == null ? 0 : 8 + bb.length);
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46546C67).putInt(2).putInt(length);
    b.putInt(j.length).putInt(0x4E4F534A).put(j);
    if (bb != null) {
      b.putInt(bb.length).putInt(0x004E4942).put(bb);
    }
    return b.array();
  }

  static byte[] glb() {
    return glb("{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"byteLength\":8}]}", new byte[8]);
  }

  static byte[] pad(byte[] b, byte with) {
    int n = (b.length + 3) & ~3;
    ByteArrayOutputStream out = new ByteArrayOutputStream(n);
    out.writeBytes(b);
    for (int i = b.length; i < n; i++) {
      out.write(with);
    }
    return out.toByteArray();
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
