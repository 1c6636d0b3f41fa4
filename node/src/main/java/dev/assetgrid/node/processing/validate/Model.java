package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the checker extracted from the JSON: plain holders, -1 = absent or invalid. */
final class Model {
  static final int BYTE = 5120,
      UBYTE = 5121,
      SHORT = 5122,
      USHORT = 5123,
      UINT = 5125,
      FLOAT = 5126;
  static final int ARRAY_BUFFER = 34962, ELEMENT_ARRAY_BUFFER = 34963;

  static int componentSize(int ct) {
    return switch (ct) {
      case BYTE, UBYTE -> 1;
      case SHORT, USHORT -> 2;
      case UINT, FLOAT -> 4;
      default -> 0;
    };
  }

  static String componentName(int ct) {
    return switch (ct) {
      case BYTE -> "BYTE";
      case UBYTE -> "UNSIGNED_BYTE";
      case SHORT -> "SHORT";
      case USHORT -> "UNSIGNED_SHORT";
      case UINT -> "UNSIGNED_INT";
      case FLOAT -> "FLOAT";
      default -> String.valueOf(ct);
    };
  }

  static int components(String type) {
    return type == null ? 0 : dev.assetgrid.node.processing.gltf.AccessorInfo.components(type);
  }

  static final class Buf {
    ObjectNode o;
    long byteLength = -1;
    String uri;
    byte[] data;
    boolean glb;
  }

  static final class View {
    ObjectNode o;
    int buffer = -1;
    long byteOffset;
    long byteLength = -1;
    int byteStride = -1;
    int target = -1;
    boolean fits;

    /** "VertexBuffer", "IndexBuffer", "Other" once an accessor use fixed it. */
    String usage;

    int vertexAccessorUsers;
  }

  static final class Sparse {
    int count = -1;
    int idxView = -1;
    long idxOffset;
    int idxType = -1;
    int valView = -1;
    long valOffset;
  }

  static final class Acc {
    ObjectNode o;
    int bufferView = -1;
    long byteOffset;
    int componentType = -1;
    int count = -1;
    String type;
    boolean normalized;
    double[] min;
    double[] max;
    Sparse sparse;
    boolean layoutOk;

    /** usage-level data checks already done (for shared accessors). */
    final java.util.Set<String> checkedAs = new java.util.HashSet<>();

    int comps() {
      return components(type);
    }

    boolean valid() {
      return componentType > 0 && count > 0 && comps() > 0;
    }

    String format() {
      return "{"
          + type
          + ", "
          + componentName(componentType)
          + (normalized ? " normalized" : "")
          + "}";
    }

    /**
     * Size of one element in bytes, matrix columns padded to 4 bytes; 0 when type or component type
     * is unknown.
     */
    int elementSize() {
      return type == null
          ? 0
          : dev.assetgrid.node.processing.gltf.AccessorInfo.elementSize(componentType, type);
    }

    /** Bytes of the last element, which need not carry the padding of its last column. */
    int lastElementSize() {
      if (type != null && type.startsWith("MAT")) {
        int n = type.charAt(3) - '0';
        int colStride = elementSize() / n;
        return colStride * (n - 1) + n * componentSize(componentType);
      }
      return elementSize();
    }

    /** Whether the accessor has one of the formats "TYPE:componentType[:n]" (n = normalized). */
    boolean hasFormat(String... formats) {
      String key = type + ":" + componentType + (normalized ? ":n" : "");
      for (String f : formats) {
        if (f.equals(key)) {
          return true;
        }
      }
      return false;
    }
  }

  static final class TexRef {
    final String pointer;
    final int texCoord;

    TexRef(String pointer, int texCoord) {
      this.pointer = pointer;
      this.texCoord = texCoord;
    }
  }

  static final class Material {
    final List<TexRef> textures = new ArrayList<>();
    boolean needsTangentSpace;
    boolean hasNormalTexture;
  }

  static final class Prim {
    String p;
    Map<String, Integer> attributes = new LinkedHashMap<>();
    int indices = -1;
    int material = -1;
    int mode = 4;
    List<Map<String, Integer>> targets;
    boolean draco;
  }

  static final class Mesh {
    final List<Prim> prims = new ArrayList<>();
    double[] weights;
    int targetCount = -1;
    boolean skinned;
  }

  static final class Node {
    ObjectNode o;
    int camera = -1;
    int mesh = -1;
    int skin = -1;
    int[] children;
    double[] matrix;
    boolean hasTrs;
    double[] weights;
    int parent = -1;
    int light = -1;
  }

  static final class Skin {
    int ibm = -1;
    int skeleton = -1;
    int[] joints;
  }

  static final class Channel {
    int sampler = -1;
    int node = -1;
    String path;
    String p;
  }

  static final class Sampler {
    int input = -1;
    int output = -1;
    String interpolation = "LINEAR";
  }

  static final class Image {
    ObjectNode o;
    String uri;
    int bufferView = -1;
    String mimeType;
    byte[] data;
    boolean dataUri;
  }
}
