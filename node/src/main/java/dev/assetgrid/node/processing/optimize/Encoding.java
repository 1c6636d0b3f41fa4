package dev.assetgrid.node.processing.optimize;

import dev.assetgrid.node.processing.gltf.AccessorInfo;

/**
 * How a {@link Stream} is stored: {@code stored = clamp(round((value - offset[c]) / step[c]))} in
 * {@code componentType} (with the glTF {@code normalized} flag as given); FLOAT stores the value as
 * {@code (value - offset) / step} (plain values when both are null). The offsets and steps are
 * undone by whoever reads the data: the glTF normalization itself, a node transform (positions), a
 * texture transform (UVs) or nothing (indices, joints).
 *
 * @param componentType glTF component type to store
 * @param normalized the accessor's normalized flag
 * @param offset per-component offset (null = zeros)
 * @param step per-component quantization step (null = ones); ignored for FLOAT
 * @param weights renormalize each vertex so the stored integers sum to the type maximum (skin
 *     weights)
 */
public record Encoding(
    int componentType, boolean normalized, float[] offset, float[] step, boolean weights) {

  /** Floats stored as they are. */
  public static final Encoding FLOAT = new Encoding(AccessorInfo.FLOAT, false, null, null, false);

  /** The exact source encoding of a stream (integers restored by value or by normalization). */
  public static Encoding source(Stream s) {
    int ct = s.sourceComponentType();
    if (ct == AccessorInfo.FLOAT) {
      return FLOAT;
    }
    if (!s.sourceNormalized()) {
      return new Encoding(ct, false, null, null, false);
    }
    float st = 1f / maxValue(ct);
    return new Encoding(ct, true, null, uniform(s.components(), st), false);
  }

  /**
   * Normalized integers over the full range of {@code componentType} (value in [-1,1] or [0,1]).
   */
  public static Encoding normalized(int componentType, int components) {
    return new Encoding(
        componentType, true, null, uniform(components, 1f / maxValue(componentType)), false);
  }

  static float[] uniform(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** Largest value of an integer component type (for normalization). */
  public static long maxValue(int componentType) {
    return switch (componentType) {
      case AccessorInfo.BYTE -> 127;
      case AccessorInfo.UNSIGNED_BYTE -> 255;
      case AccessorInfo.SHORT -> 32767;
      case AccessorInfo.UNSIGNED_SHORT -> 65535;
      case AccessorInfo.UNSIGNED_INT -> 4294967295L;
      default -> 1;
    };
  }

  /** Smallest value of an integer component type. */
  public static long minValue(int componentType) {
    return switch (componentType) {
      case AccessorInfo.BYTE -> -128;
      case AccessorInfo.SHORT -> -32768;
      default -> 0;
    };
  }

  /** The integer stored for {@code value} in component {@code c}, clamped to the type range. */
  long quantize(float value, int c) {
    float o = offset == null ? 0f : offset[c];
    float s = step == null ? 1f : step[c];
    double q = Math.rint((value - o) / (double) s);
    long lo =
        normalized && (componentType == AccessorInfo.BYTE || componentType == AccessorInfo.SHORT)
            ? -maxValue(componentType)
            : minValue(componentType);
    long hi = maxValue(componentType);
    if (Double.isNaN(q)) {
      return 0;
    }
    return (long) Math.max(lo, Math.min(hi, q));
  }

  /** Whether the stored values need {@code KHR_mesh_quantization} for this attribute semantic. */
  boolean needsMeshQuantization(String semantic, boolean target) {
    if (componentType == AccessorInfo.FLOAT) {
      return false;
    }
    if (target) {
      return true;
    }
    if (semantic.startsWith("TEXCOORD_")) {
      return !(normalized
          && (componentType == AccessorInfo.UNSIGNED_BYTE
              || componentType == AccessorInfo.UNSIGNED_SHORT));
    }
    return switch (semantic) {
      case "POSITION", "NORMAL", "TANGENT" -> true;
      default -> false;
    };
  }
}
