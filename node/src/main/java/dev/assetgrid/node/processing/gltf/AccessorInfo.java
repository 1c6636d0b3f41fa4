package dev.assetgrid.node.processing.gltf;

/**
 * The validated declaration of one accessor.
 *
 * @param index accessor index
 * @param count number of elements (&gt;= 0)
 * @param componentType GL component type (5120 BYTE .. 5126 FLOAT)
 * @param type SCALAR, VEC2, VEC3, VEC4, MAT2, MAT3 or MAT4
 * @param components components per element (1..16)
 * @param normalized whether integer values map to [0,1] / [-1,1]
 * @param bufferView the bufferView index, or -1 when the accessor has none (zeros + sparse)
 * @param byteOffset offset inside the bufferView, in bytes
 * @param sparse whether the accessor has a {@code sparse} substitution
 */
public record AccessorInfo(
    int index,
    int count,
    int componentType,
    String type,
    int components,
    boolean normalized,
    int bufferView,
    long byteOffset,
    boolean sparse) {

  public static final int BYTE = 5120;
  public static final int UNSIGNED_BYTE = 5121;
  public static final int SHORT = 5122;
  public static final int UNSIGNED_SHORT = 5123;
  public static final int UNSIGNED_INT = 5125;
  public static final int FLOAT = 5126;

  /** Size in bytes of one component. */
  public int componentSize() {
    return componentSize(componentType);
  }

  /** Size in bytes of one element as laid out in a buffer (matrix columns padded to 4 bytes). */
  public int elementSize() {
    return elementSize(componentType, type);
  }

  /** Bytes of one component of {@code componentType}, or 0 when the type is unknown. */
  public static int componentSize(int componentType) {
    return switch (componentType) {
      case BYTE, UNSIGNED_BYTE -> 1;
      case SHORT, UNSIGNED_SHORT -> 2;
      case UNSIGNED_INT, FLOAT -> 4;
      default -> 0;
    };
  }

  /** Components per element of {@code type}, or 0 when the type is unknown. */
  public static int components(String type) {
    return switch (type) {
      case "SCALAR" -> 1;
      case "VEC2" -> 2;
      case "VEC3" -> 3;
      case "VEC4", "MAT2" -> 4;
      case "MAT3" -> 9;
      case "MAT4" -> 16;
      default -> 0;
    };
  }

  /** Rows of a matrix type (its column height), 0 for vectors and scalars. */
  static int matrixRows(String type) {
    return switch (type) {
      case "MAT2" -> 2;
      case "MAT3" -> 3;
      case "MAT4" -> 4;
      default -> 0;
    };
  }

  /** Element size in bytes, matrix columns aligned to 4 bytes as the spec requires. */
  public static int elementSize(int componentType, String type) {
    int cs = componentSize(componentType);
    int rows = matrixRows(type);
    if (rows == 0) {
      return components(type) * cs;
    }
    int column = (rows * cs + 3) & ~3;
    return column * rows;
  }
}
