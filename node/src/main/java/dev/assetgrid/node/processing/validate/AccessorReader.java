package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Model.*;

import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Buf;
import dev.assetgrid.node.processing.validate.Model.Sparse;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.HashMap;
import java.util.Map;

/**
 * Element access to accessor data with sparse substitution. Created only after the layout was
 * checked to fit its buffer view and buffer; every read is still bounds-checked and yields NaN
 * outside the data rather than throwing. Values are raw (not normalized) unless {@link #normalized}
 * is asked for.
 */
final class AccessorReader {
  final Acc a;
  final int comps;
  final int count;
  private final byte[] data;
  private final long base;
  private final long stride;
  private final int ct;
  private final int[] colOffsets;
  private Map<Integer, Integer> sparseRows;
  private byte[] sparseData;
  private long sparseBase;

  private AccessorReader(Acc a, byte[] data, long base, long stride) {
    this.a = a;
    this.comps = a.comps();
    this.count = a.count;
    this.data = data;
    this.base = base;
    this.stride = stride;
    this.ct = a.componentType;
    this.colOffsets = columnOffsets(a);
  }

  private static int[] columnOffsets(Acc a) {
    int comps = a.comps();
    int cs = componentSize(a.componentType);
    int[] off = new int[comps];
    if (a.type.startsWith("MAT")) {
      int n = a.type.charAt(3) - '0';
      int colStride = a.elementSize() / n;
      for (int c = 0; c < comps; c++) {
        off[c] = (c / n) * colStride + (c % n) * cs;
      }
    } else {
      for (int c = 0; c < comps; c++) {
        off[c] = c * cs;
      }
    }
    return off;
  }

  /** A reader, or null when the data is not available or does not fit. */
  static AccessorReader of(Acc a, View[] views, Buf[] buffers) {
    if (a == null || !a.layoutOk || !a.valid()) {
      return null;
    }
    AccessorReader r;
    if (a.bufferView < 0) {
      if (a.sparse == null) {
        return null; // all zeros: nothing worth checking, as Khronos
      }
      r = new AccessorReader(a, null, 0, 0);
    } else {
      byte[] d = viewData(a.bufferView, views, buffers);
      if (d == null) {
        return null;
      }
      View v = views[a.bufferView];
      long stride = v.byteStride > 0 ? v.byteStride : a.elementSize();
      r = new AccessorReader(a, d, v.byteOffset + a.byteOffset, stride);
    }
    if (a.sparse != null && !r.sparse(a.sparse, views, buffers)) {
      return null;
    }
    return r;
  }

  private static byte[] viewData(int vi, View[] views, Buf[] buffers) {
    if (vi < 0 || vi >= views.length) {
      return null;
    }
    View v = views[vi];
    if (!v.fits || v.buffer < 0 || v.buffer >= buffers.length) {
      return null;
    }
    byte[] d = buffers[v.buffer].data;
    if (d == null || v.byteOffset + v.byteLength > d.length) {
      return null;
    }
    return d;
  }

  private boolean sparse(Sparse s, View[] views, Buf[] buffers) {
    byte[] id = viewData(s.idxView, views, buffers);
    byte[] vd = viewData(s.valView, views, buffers);
    if (id == null || vd == null || s.idxType < 0) {
      return false;
    }
    View iv = views[s.idxView];
    View vv = views[s.valView];
    int ics = componentSize(s.idxType);
    if (s.idxOffset + (long) ics * s.count > iv.byteLength) {
      return false;
    }
    int es = a.elementSize();
    if (s.valOffset + (long) es * s.count > vv.byteLength) {
      return false;
    }
    sparseRows = new HashMap<>();
    long ib = iv.byteOffset + s.idxOffset;
    for (int i = 0; i < s.count; i++) {
      long idx = readRaw(id, ib + (long) i * ics, s.idxType);
      if (idx < 0 || idx >= count) {
        return false;
      }
      sparseRows.put((int) idx, i);
    }
    sparseData = vd;
    sparseBase = vv.byteOffset + s.valOffset;
    return true;
  }

  private static long readRaw(byte[] d, long off, int ct) {
    if (off < 0 || off + componentSize(ct) > d.length) {
      return -1;
    }
    int o = (int) off;
    return switch (ct) {
      case UBYTE -> d[o] & 0xFF;
      case USHORT -> (d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8;
      case UINT -> Integer.toUnsignedLong(GlbContainer.readInt(d, o));
      default -> -1;
    };
  }

  /** Raw component value (integers exact up to 2^32; floats as float). NaN when out of data. */
  double get(int i, int c) {
    byte[] d = data;
    long off;
    if (sparseRows != null) {
      Integer row = sparseRows.get(i);
      if (row != null) {
        d = sparseData;
        off = sparseBase + (long) row * a.elementSize() + colOffsets[c];
        return read(d, off);
      }
    }
    if (d == null) {
      return 0;
    }
    off = base + (long) i * stride + colOffsets[c];
    return read(d, off);
  }

  private double read(byte[] d, long off) {
    int cs = componentSize(ct);
    if (off < 0 || off + cs > d.length) {
      return Double.NaN;
    }
    int o = (int) off;
    return switch (ct) {
      case BYTE -> d[o];
      case UBYTE -> d[o] & 0xFF;
      case SHORT -> (short) ((d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8);
      case USHORT -> (d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8;
      case UINT -> Integer.toUnsignedLong(GlbContainer.readInt(d, o));
      case FLOAT -> Float.intBitsToFloat(GlbContainer.readInt(d, o));
      default -> Double.NaN;
    };
  }

  /** Component value with normalization applied for normalized integer accessors. */
  double normalized(int i, int c) {
    double v = get(i, c);
    if (!a.normalized) {
      return v;
    }
    return switch (ct) {
      case BYTE -> Math.max(v / 127.0, -1);
      case UBYTE -> v / 255.0;
      case SHORT -> Math.max(v / 32767.0, -1);
      case USHORT -> v / 65535.0;
      default -> v;
    };
  }
}
