package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Model.BYTE;
import static dev.assetgrid.node.processing.validate.Model.FLOAT;
import static dev.assetgrid.node.processing.validate.Model.SHORT;
import static dev.assetgrid.node.processing.validate.Model.UBYTE;
import static dev.assetgrid.node.processing.validate.Model.UINT;
import static dev.assetgrid.node.processing.validate.Model.USHORT;
import static dev.assetgrid.node.processing.validate.Model.componentSize;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Acc;
import dev.assetgrid.node.processing.validate.Model.Sparse;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.List;
import java.util.Set;

/**
 * Checks accessors: schema (component type, count, type, min/max lengths, normalized), offset
 * alignment, the layout inside the referenced buffer view (stride, total alignment, length) and
 * sparse substructures, and publishes the holders. {@link Acc#layoutOk} tells {@link
 * AccessorReader} whether the data can be read.
 */
final class AccessorChecks {
  private final ValidationContext ctx;
  private final Json j;

  AccessorChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  void check() {
    List<ObjectNode> l = ctx.objects("accessors");
    Acc[] accessors = new Acc[l.size()];
    ctx.setAccessors(accessors);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      Acc a = new Acc();
      accessors[i] = a;
      if (o != null) {
        accessor(o, "/accessors/" + i, a);
      }
    }
  }

  private void accessor(ObjectNode o, String p, Acc a) {
    a.o = o;
    j.members(
        o,
        p,
        Set.of(
            "bufferView",
            "byteOffset",
            "componentType",
            "normalized",
            "count",
            "type",
            "max",
            "min",
            "sparse",
            "name"));
    a.bufferView = j.index(o, p, "bufferView", false);
    a.byteOffset = j.uint(o, p, "byteOffset", false, 0, Long.MAX_VALUE, 0);
    a.componentType =
        (int) j.uintEnum(o, p, "componentType", true, -1, BYTE, UBYTE, SHORT, USHORT, UINT, FLOAT);
    a.count = (int) Math.min(Integer.MAX_VALUE, j.uint(o, p, "count", true, 1, Long.MAX_VALUE, -1));
    a.type =
        j.strEnum(
            o, p, "type", true, null, "SCALAR", "VEC2", "VEC3", "VEC4", "MAT2", "MAT3", "MAT4");
    a.normalized = j.bool(o, p, "normalized", false);
    int comps = a.comps();
    int[] len = comps > 0 ? new int[] {comps} : new int[0];
    a.min = j.floats(o, p, "min", false, Double.NaN, Double.NaN, null, len);
    a.max = j.floats(o, p, "max", false, Double.NaN, Double.NaN, null, len);
    if (a.normalized && (a.componentType == FLOAT || a.componentType == UINT)) {
      j.add(
          IssueCode.ACCESSOR_NORMALIZED_INVALID,
          p + "/normalized",
          "Only (u)byte and (u)short accessors can be normalized.");
    }
    if (a.bufferView == -1 && o.has("byteOffset")) {
      j.add(
          IssueCode.UNSATISFIED_DEPENDENCY,
          p + "/byteOffset",
          "Dependency failed. 'bufferView' must be defined.");
    }
    offsetAlignment(p, a);
    ObjectNode s = j.obj(o, p, "sparse", false);
    if (s != null) {
      sparse(a, s, p + "/sparse");
    }
    a.layoutOk = a.valid();
    if (a.bufferView >= 0) {
      if (ctx.ref("bufferViews", a.bufferView, p + "/bufferView")) {
        layout(a, p);
      } else {
        a.layoutOk = false;
      }
    } else if (a.bufferView == -2) {
      a.layoutOk = false;
    }
    ctx.extensions().object(o, p, "accessor");
  }

  private void offsetAlignment(String p, Acc a) {
    int cs = componentSize(a.componentType);
    if (cs <= 0 || a.byteOffset <= 0) {
      return;
    }
    if (a.type != null && a.type.startsWith("MAT") && a.byteOffset % 4 != 0) {
      j.add(
          IssueCode.ACCESSOR_MATRIX_ALIGNMENT,
          p + "/byteOffset",
          "Matrix accessors must be aligned to 4-byte boundaries.");
    } else if (a.byteOffset % cs != 0) {
      j.add(
          IssueCode.ACCESSOR_OFFSET_ALIGNMENT,
          p + "/byteOffset",
          "Offset " + a.byteOffset + " is not a multiple of componentType length " + cs + ".");
    }
  }

  /**
   * Checks the accessor's placement inside its buffer view; clears {@code layoutOk} when
   * unreadable.
   */
  private void layout(Acc a, String p) {
    View v = ctx.views()[a.bufferView];
    if (!a.valid()) {
      a.layoutOk = false;
      return;
    }
    int es = a.elementSize();
    int cs = componentSize(a.componentType);
    if (v.byteStride > 0 && v.byteStride < es) {
      j.add(
          IssueCode.ACCESSOR_SMALL_BYTESTRIDE,
          p,
          "Referenced bufferView's byteStride value "
              + v.byteStride
              + " is less than accessor element's length "
              + es
              + ".");
      a.layoutOk = false;
    }
    if ((v.byteOffset + a.byteOffset) % cs != 0) {
      j.add(
          IssueCode.ACCESSOR_TOTAL_OFFSET_ALIGNMENT,
          p,
          "Accessor's total byteOffset "
              + (v.byteOffset + a.byteOffset)
              + " isn't a multiple of componentType length "
              + cs
              + ".");
      a.layoutOk = false;
    }
    if (v.byteLength <= 0) {
      a.layoutOk = false;
      return;
    }
    long stride = v.byteStride > 0 ? v.byteStride : es;
    long length = stride * (a.count - 1L) + a.lastElementSize();
    if (a.byteOffset > v.byteLength) {
      j.add(
          IssueCode.ACCESSOR_TOO_LONG,
          p + "/byteOffset",
          "Accessor (offset: "
              + a.byteOffset
              + ", length: "
              + length
              + ") does not fit referenced bufferView ["
              + a.bufferView
              + "] length "
              + v.byteLength
              + ".");
      a.layoutOk = false;
    } else if (a.byteOffset + length > v.byteLength) {
      j.add(
          IssueCode.ACCESSOR_TOO_LONG,
          p,
          "Accessor (offset: "
              + a.byteOffset
              + ", length: "
              + length
              + ") does not fit referenced bufferView ["
              + a.bufferView
              + "] length "
              + v.byteLength
              + ".");
      a.layoutOk = false;
    }
    if (!v.fits) {
      a.layoutOk = false;
    }
  }

  /** Checks {@code accessor.sparse}; keeps it on the accessor only when both parts resolve. */
  private void sparse(Acc a, ObjectNode s, String p) {
    Sparse sp = new Sparse();
    j.members(s, p, Set.of("count", "indices", "values"));
    sp.count =
        (int) Math.min(Integer.MAX_VALUE, j.uint(s, p, "count", true, 1, Long.MAX_VALUE, -1));
    ObjectNode ind = j.obj(s, p, "indices", true);
    ObjectNode val = j.obj(s, p, "values", true);
    boolean ok = sp.count > 0;
    ok &= ind != null && sparseIndices(ind, p + "/indices", sp);
    ok &= val != null && sparseValues(val, p + "/values", sp);
    if (sp.count > 0 && a.count > 0 && sp.count > a.count) {
      j.add(
          IssueCode.ACCESSOR_SPARSE_COUNT_OUT_OF_RANGE,
          p + "/count",
          "Sparse accessor overrides more elements ("
              + sp.count
              + ") than the base accessor contains ("
              + a.count
              + ").");
      ok = false;
    }
    ctx.extensions().object(s, p, "sparse");
    a.sparse = ok ? sp : null;
    if (!ok) {
      a.layoutOk = false;
    }
  }

  /**
   * @return whether the indices' buffer view resolves
   */
  private boolean sparseIndices(ObjectNode ind, String ip, Sparse sp) {
    j.members(ind, ip, Set.of("bufferView", "byteOffset", "componentType"));
    sp.idxView = j.index(ind, ip, "bufferView", true);
    sp.idxOffset = j.uint(ind, ip, "byteOffset", false, 0, Long.MAX_VALUE, 0);
    sp.idxType = (int) j.uintEnum(ind, ip, "componentType", true, -1, UBYTE, USHORT, UINT);
    boolean ok = sparseView(sp.idxView, ip + "/bufferView");
    ctx.extensions().object(ind, ip, "sparseIndices");
    return ok;
  }

  /**
   * @return whether the values' buffer view resolves
   */
  private boolean sparseValues(ObjectNode val, String vp, Sparse sp) {
    j.members(val, vp, Set.of("bufferView", "byteOffset"));
    sp.valView = j.index(val, vp, "bufferView", true);
    sp.valOffset = j.uint(val, vp, "byteOffset", false, 0, Long.MAX_VALUE, 0);
    boolean ok = sparseView(sp.valView, vp + "/bufferView");
    ctx.extensions().object(val, vp, "sparseValues");
    return ok;
  }

  private boolean sparseView(int view, String pointer) {
    if (!ctx.ref("bufferViews", view, pointer)) {
      return false;
    }
    if (ctx.views()[view].byteStride > 0) {
      j.add(
          IssueCode.BUFFER_VIEW_INVALID_BYTE_STRIDE,
          pointer,
          "Only buffer views with raw vertex data can have byteStride.");
    }
    ctx.useBufferView(view, "Other", pointer);
    return true;
  }
}
