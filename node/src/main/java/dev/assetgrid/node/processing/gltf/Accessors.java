package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads accessors as plain {@code float[]} / {@code int[]} (element-major: element {@code e},
 * component {@code c} at {@code e * components + c}).
 *
 * <p>Everything is validated before a byte is read: componentType/type, the bufferView range in its
 * buffer, {@code byteOffset + stride * (count - 1) + elementSize <= view.byteLength}, stride at
 * least the element size and a multiple of the component size, sparse index/value ranges and sparse
 * indices below {@code count}. Interleaved views, matrices with padded columns, normalized integers
 * ({@code KHR_mesh_quantization}), accessors without a bufferView (zeros) and {@code
 * EXT_meshopt_compression} views (decoded through {@link BufferViews}) are handled.
 *
 * <p>Errors: GLTF_INVALID for declarations that contradict the data (ranges, strides, types),
 * DATA_ERROR for bad values (sparse or index values out of range, Draco geometry that is not
 * decoded), INPUT_LIMIT_EXCEEDED for accessors without data larger than {@link
 * #MAX_UNBACKED_ELEMENTS}.
 *
 * <p>One instance caches decoded meshopt views; not thread-safe.
 */
public final class Accessors {
  /**
   * Most components an accessor without a bufferView may declare (it allocates zeros, so the input
   * size does not bound it): 2^25 components = 128 MiB of floats.
   */
  public static final long MAX_UNBACKED_ELEMENTS = 1L << 25;

  private final GltfAsset asset;
  private final BufferViews views;
  private Set<Integer> dracoAccessors;

  private Accessors(GltfAsset asset) {
    this.asset = asset;
    this.views = new BufferViews(asset);
  }

  public static Accessors of(GltfAsset asset) {
    return new Accessors(asset);
  }

  public GltfAsset asset() {
    return asset;
  }

  public BufferViews views() {
    return views;
  }

  /** Convenience: {@code Accessors.of(asset).floats(index)}. */
  public static float[] readFloats(GltfAsset asset, int index) {
    return of(asset).floats(index);
  }

  /** Convenience: {@code Accessors.of(asset).ints(index)}. */
  public static int[] readInts(GltfAsset asset, int index) {
    return of(asset).ints(index);
  }

  /** The validated declaration of accessor {@code index} (no data is read). */
  public AccessorInfo info(int index) {
    String at = "accessors/" + index;
    JsonNode a = asset.element("accessors", index);
    if (index < 0 || !a.isObject()) {
      throw invalid("accessor " + index + " does not exist");
    }
    JsonNode ctNode = a.path("componentType");
    int componentType =
        ctNode.canConvertToExactIntegral() && ctNode.canConvertToInt() ? ctNode.asInt() : -1;
    if (AccessorInfo.componentSize(componentType) == 0) {
      throw invalid(at + "/componentType " + ctNode + " is not valid");
    }
    String type = a.path("type").asText("");
    int components = AccessorInfo.components(type);
    if (components == 0) {
      throw invalid(at + "/type '" + type + "' is not valid");
    }
    JsonNode countNode = a.path("count");
    if (!countNode.canConvertToExactIntegral()
        || !countNode.canConvertToLong()
        || countNode.asLong() < 0) {
      throw invalid(at + "/count must be an integer >= 0, is " + countNode);
    }
    long count = countNode.asLong();
    if (count > Integer.MAX_VALUE) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED, at + "/count " + count + " is too large");
    }
    boolean normalized = a.path("normalized").asBoolean(false);
    if (normalized
        && (componentType == AccessorInfo.FLOAT || componentType == AccessorInfo.UNSIGNED_INT)) {
      throw invalid(at + ": normalized is not allowed with componentType " + componentType);
    }
    int bufferView =
        a.has("bufferView") ? BufferViews.index(a.path("bufferView"), at + "/bufferView") : -1;
    long byteOffset = BufferViews.nonNegative(a.path("byteOffset"), 0, at + "/byteOffset");
    if (bufferView < 0 && a.has("byteOffset") && byteOffset != 0) {
      throw invalid(at + ": byteOffset without bufferView");
    }
    return new AccessorInfo(
        index,
        (int) count,
        componentType,
        type,
        components,
        normalized,
        bufferView,
        byteOffset,
        a.has("sparse"));
  }

  /**
   * Accessor values as floats; normalized integers are converted as the glTF spec says ({@code
   * max(c / 127, -1)}, {@code c / 255}, {@code max(c / 32767, -1)}, {@code c / 65535}), other
   * integers are converted by value.
   */
  public float[] floats(int index) {
    AccessorInfo info = info(index);
    float[] out;
    if (info.bufferView() >= 0) {
      Layout l = layout(info, info.bufferView(), info.byteOffset(), true, "accessors/" + index);
      out = new float[checkedLength(info)];
      readFloats(l, info, out, null);
    } else {
      refuseDraco(info);
      out = new float[checkedLength(info)];
    }
    if (info.sparse()) {
      applySparse(info, out, null);
    }
    return out;
  }

  /**
   * Accessor values as ints for integer component types (UNSIGNED_INT values above 2^31-1 come back
   * negative; read them with {@link Integer#toUnsignedLong}). Normalization is ignored: the raw
   * integers are returned.
   *
   * @throws AssetGridException GLTF_INVALID for FLOAT accessors
   */
  public int[] ints(int index) {
    AccessorInfo info = info(index);
    if (info.componentType() == AccessorInfo.FLOAT) {
      throw invalid("accessors/" + index + " has FLOAT components, integers were expected");
    }
    int[] out;
    if (info.bufferView() >= 0) {
      Layout l = layout(info, info.bufferView(), info.byteOffset(), true, "accessors/" + index);
      out = new int[checkedLength(info)];
      readInts(l, info, out, null);
    } else {
      refuseDraco(info);
      out = new int[checkedLength(info)];
    }
    if (info.sparse()) {
      applySparse(info, null, out);
    }
    return out;
  }

  /**
   * Index data: a SCALAR accessor of UNSIGNED_BYTE/SHORT/INT whose values are all below {@code
   * vertexCount}.
   *
   * @throws AssetGridException GLTF_INVALID for a wrong type, DATA_ERROR naming the first index out
   *     of range
   */
  public int[] indices(int index, long vertexCount) {
    AccessorInfo info = info(index);
    if (!info.type().equals("SCALAR")
        || info.componentType() == AccessorInfo.FLOAT
        || info.componentType() == AccessorInfo.BYTE
        || info.componentType() == AccessorInfo.SHORT) {
      throw invalid(
          "accessors/"
              + index
              + " is not an index accessor ("
              + info.type()
              + ", "
              + info.componentType()
              + ")");
    }
    int[] out = ints(index);
    for (int i = 0; i < out.length; i++) {
      if (Integer.toUnsignedLong(out[i]) >= vertexCount) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR,
            "accessors/"
                + index
                + ": index "
                + Integer.toUnsignedLong(out[i])
                + " at position "
                + i
                + " is not below the vertex count "
                + vertexCount);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ internals

  private record Layout(ByteBuffer data, long offset, int stride, int count) {}

  private static int checkedLength(AccessorInfo info) {
    long n = (long) info.count() * info.components();
    if (n > Integer.MAX_VALUE - 16) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "accessors/" + info.index() + " has " + n + " components, more than a Java array holds");
    }
    if (info.bufferView() < 0 && n > MAX_UNBACKED_ELEMENTS) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "accessors/"
              + info.index()
              + " has no bufferView and "
              + n
              + " components, limit "
              + MAX_UNBACKED_ELEMENTS);
    }
    return (int) n;
  }

  /** Validates that {@code count} elements starting at {@code offset} fit in the view. */
  private Layout layout(
      AccessorInfo info, int viewIndex, long offset, boolean allowStride, String at) {
    ByteBuffer data = views.data(viewIndex);
    int elementSize = info.elementSize();
    int stride = elementSize;
    int declared = views.byteStride(viewIndex);
    if (declared > 0) {
      if (!allowStride) {
        throw invalid(
            at + ": bufferView " + viewIndex + " of sparse data must not have a byteStride");
      }
      if (declared < elementSize) {
        throw invalid(
            at
                + ": bufferView "
                + viewIndex
                + " byteStride "
                + declared
                + " is smaller than the element size "
                + elementSize);
      }
      if (declared % info.componentSize() != 0) {
        throw invalid(
            at
                + ": byteStride "
                + declared
                + " is not a multiple of the component size "
                + info.componentSize());
      }
      stride = declared;
    }
    int count = info.count();
    if (count > 0) {
      long end = offset + (long) stride * (count - 1) + elementSize;
      if (end > data.limit()) {
        throw invalid(
            at
                + ": byteOffset "
                + offset
                + " + byteStride "
                + stride
                + " x (count "
                + count
                + " - 1) + element size "
                + elementSize
                + " = "
                + end
                + " exceeds bufferView "
                + viewIndex
                + " byteLength "
                + data.limit());
      }
    } else if (offset > data.limit()) {
      throw invalid(
          at
              + ": byteOffset "
              + offset
              + " exceeds bufferView "
              + viewIndex
              + " byteLength "
              + data.limit());
    }
    return new Layout(data, offset, stride, count);
  }

  /** Reads l.count elements into out (or into out at the positions given by targets). */
  private static void readFloats(Layout l, AccessorInfo info, float[] out, int[] targets) {
    int comps = info.components();
    int cs = info.componentSize();
    int rows = AccessorInfo.matrixRows(info.type());
    int column = rows == 0 ? 0 : (rows * cs + 3) & ~3;
    ByteBuffer b = l.data();
    int ct = info.componentType();
    boolean norm = info.normalized();
    for (int e = 0; e < l.count(); e++) {
      int base = (int) (l.offset() + (long) l.stride() * e);
      int dst = (targets == null ? e : targets[e]) * comps;
      for (int c = 0; c < comps; c++) {
        int off = rows == 0 ? base + c * cs : base + (c / rows) * column + (c % rows) * cs;
        out[dst + c] =
            switch (ct) {
              case AccessorInfo.FLOAT -> b.getFloat(off);
              case AccessorInfo.BYTE -> norm ? Math.max(b.get(off) / 127f, -1f) : b.get(off);
              case AccessorInfo.UNSIGNED_BYTE ->
                  norm ? (b.get(off) & 0xff) / 255f : (b.get(off) & 0xff);
              case AccessorInfo.SHORT ->
                  norm ? Math.max(b.getShort(off) / 32767f, -1f) : b.getShort(off);
              case AccessorInfo.UNSIGNED_SHORT ->
                  norm ? (b.getShort(off) & 0xffff) / 65535f : (b.getShort(off) & 0xffff);
              default -> (float) Integer.toUnsignedLong(b.getInt(off));
            };
      }
    }
  }

  private static void readInts(Layout l, AccessorInfo info, int[] out, int[] targets) {
    int comps = info.components();
    int cs = info.componentSize();
    int rows = AccessorInfo.matrixRows(info.type());
    int column = rows == 0 ? 0 : (rows * cs + 3) & ~3;
    ByteBuffer b = l.data();
    int ct = info.componentType();
    for (int e = 0; e < l.count(); e++) {
      int base = (int) (l.offset() + (long) l.stride() * e);
      int dst = (targets == null ? e : targets[e]) * comps;
      for (int c = 0; c < comps; c++) {
        int off = rows == 0 ? base + c * cs : base + (c / rows) * column + (c % rows) * cs;
        out[dst + c] =
            switch (ct) {
              case AccessorInfo.BYTE -> b.get(off);
              case AccessorInfo.UNSIGNED_BYTE -> b.get(off) & 0xff;
              case AccessorInfo.SHORT -> b.getShort(off);
              case AccessorInfo.UNSIGNED_SHORT -> b.getShort(off) & 0xffff;
              default -> b.getInt(off);
            };
      }
    }
  }

  private void applySparse(AccessorInfo info, float[] floatsOut, int[] intsOut) {
    String at = "accessors/" + info.index() + "/sparse";
    JsonNode sparse = asset.element("accessors", info.index()).path("sparse");
    JsonNode countNode = sparse.path("count");
    if (!countNode.canConvertToExactIntegral()
        || !countNode.canConvertToLong()
        || countNode.asLong() < 1
        || countNode.asLong() > info.count()) {
      throw invalid(at + "/count must be in 1.." + info.count() + ", is " + countNode);
    }
    int n = countNode.asInt();
    JsonNode idx = sparse.path("indices");
    int idxType = idx.path("componentType").asInt(-1);
    if (idxType != AccessorInfo.UNSIGNED_BYTE
        && idxType != AccessorInfo.UNSIGNED_SHORT
        && idxType != AccessorInfo.UNSIGNED_INT) {
      throw invalid(
          at
              + "/indices/componentType "
              + idx.path("componentType")
              + " is not an unsigned integer type");
    }
    AccessorInfo idxInfo =
        new AccessorInfo(info.index(), n, idxType, "SCALAR", 1, false, -1, 0, false);
    Layout il =
        layout(
            idxInfo,
            BufferViews.index(idx.path("bufferView"), at + "/indices/bufferView"),
            BufferViews.nonNegative(idx.path("byteOffset"), 0, at + "/indices/byteOffset"),
            false,
            at + "/indices");
    int[] targets = new int[n];
    readInts(il, idxInfo, targets, null);
    for (int i = 0; i < n; i++) {
      if (Integer.toUnsignedLong(targets[i]) >= info.count()) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR,
            at
                + "/indices: index "
                + Integer.toUnsignedLong(targets[i])
                + " at position "
                + i
                + " is not below the accessor count "
                + info.count());
      }
    }
    JsonNode vals = sparse.path("values");
    AccessorInfo valInfo =
        new AccessorInfo(
            info.index(),
            n,
            info.componentType(),
            info.type(),
            info.components(),
            info.normalized(),
            -1,
            0,
            false);
    Layout vl =
        layout(
            valInfo,
            BufferViews.index(vals.path("bufferView"), at + "/values/bufferView"),
            BufferViews.nonNegative(vals.path("byteOffset"), 0, at + "/values/byteOffset"),
            false,
            at + "/values");
    if (floatsOut != null) {
      readFloats(vl, valInfo, floatsOut, targets);
    } else {
      readInts(vl, valInfo, intsOut, targets);
    }
  }

  private void refuseDraco(AccessorInfo info) {
    if (!asset.hasDraco()) {
      return;
    }
    if (dracoAccessors == null) {
      dracoAccessors = new HashSet<>();
      for (JsonNode mesh : asset.json().path("meshes")) {
        for (JsonNode prim : mesh.path("primitives")) {
          if (prim.path("extensions").has("KHR_draco_mesh_compression")) {
            prim.path("attributes").forEach(a -> dracoAccessors.add(a.asInt(-1)));
            if (prim.has("indices")) {
              dracoAccessors.add(prim.path("indices").asInt(-1));
            }
          }
        }
      }
    }
    if (dracoAccessors.contains(info.index()) && !info.sparse()) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR,
          "accessors/"
              + info.index()
              + " is Draco-compressed (KHR_draco_mesh_compression), which is not decoded");
    }
  }

  private static AssetGridException invalid(String detail) {
    return new AssetGridException(ErrorCode.GLTF_INVALID, detail);
  }
}
