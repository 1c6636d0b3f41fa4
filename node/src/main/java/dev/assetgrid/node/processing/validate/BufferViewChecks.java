package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Model.ARRAY_BUFFER;
import static dev.assetgrid.node.processing.validate.Model.ELEMENT_ARRAY_BUFFER;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.validate.Model.Buf;
import dev.assetgrid.node.processing.validate.Model.View;
import java.util.List;
import java.util.Set;

/**
 * Checks buffers (byteLength, which one is the GLB BIN chunk, URIs inside a GLB) and buffer views
 * (range inside their buffer, byteStride limits, target), and publishes both holders. Loading the
 * bytes is {@link Resources}' job; how each view is used is recorded as accessors and images
 * reference it ({@link ValidationContext#useBufferView}).
 */
final class BufferViewChecks {
  private final ValidationContext ctx;
  private final Json j;

  BufferViewChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  void check() {
    buffers();
    bufferViews();
  }

  private void buffers() {
    List<ObjectNode> l = ctx.objects("buffers");
    Buf[] buffers = new Buf[l.size()];
    ctx.setBuffers(buffers);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      Buf b = new Buf();
      buffers[i] = b;
      if (o == null) {
        continue;
      }
      String p = "/buffers/" + i;
      b.o = o;
      j.members(o, p, Set.of("uri", "byteLength", "name"));
      b.byteLength = j.uint(o, p, "byteLength", true, 1, Long.MAX_VALUE, -1);
      b.uri = j.str(o, p, "uri", false);
      if (b.uri == null && !o.has("uri")) {
        b.glb = ctx.glb() && i == 0;
      } else if (b.uri != null && ctx.glb()) {
        j.add(IssueCode.URI_GLB, p + "/uri", "URI is used in GLB container.");
      }
      ctx.extensions().object(o, p, "buffer");
    }
  }

  private void bufferViews() {
    List<ObjectNode> l = ctx.objects("bufferViews");
    View[] views = new View[l.size()];
    ctx.setViews(views);
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      View v = new View();
      views[i] = v;
      if (o == null) {
        continue;
      }
      String p = "/bufferViews/" + i;
      v.o = o;
      j.members(o, p, Set.of("buffer", "byteOffset", "byteLength", "byteStride", "target", "name"));
      v.buffer = j.index(o, p, "buffer", true);
      v.byteOffset = j.uint(o, p, "byteOffset", false, 0, Long.MAX_VALUE, 0);
      v.byteLength = j.uint(o, p, "byteLength", true, 1, Long.MAX_VALUE, -1);
      strideAndTarget(o, p, v);
      if (ctx.ref("buffers", v.buffer, p + "/buffer") && v.byteOffset >= 0 && v.byteLength > 0) {
        fitsBuffer(p, v);
      }
      if (v.byteStride > 0 && v.byteLength > 0 && v.byteStride > v.byteLength) {
        j.add(
            IssueCode.BUFFER_VIEW_TOO_BIG_BYTE_STRIDE,
            p + "/byteStride",
            "Buffer view's byteStride ("
                + v.byteStride
                + ") is greater than byteLength ("
                + v.byteLength
                + ").");
      }
      ctx.extensions().object(o, p, "bufferView");
    }
  }

  private void strideAndTarget(ObjectNode o, String p, View v) {
    long stride = j.uint(o, p, "byteStride", false, 4, 252, -1);
    if (stride > 0 && stride % 4 != 0) {
      j.add(
          IssueCode.VALUE_MULTIPLE_OF,
          p + "/byteStride",
          "Value " + stride + " is not a multiple of 4.");
    }
    v.byteStride = (int) stride;
    v.target = (int) j.uintEnum(o, p, "target", false, -1, ARRAY_BUFFER, ELEMENT_ARRAY_BUFFER);
    if (v.target == ARRAY_BUFFER) {
      v.usage = null;
    } else if (v.target == ELEMENT_ARRAY_BUFFER && v.byteStride > 0) {
      j.add(
          IssueCode.BUFFER_VIEW_INVALID_BYTE_STRIDE,
          p + "/byteStride",
          "Only buffer views with raw vertex data can have byteStride.");
    }
  }

  /** Marks the view as fitting when its range lies inside the declared buffer byteLength. */
  private void fitsBuffer(String p, View v) {
    Buf b = ctx.buffers()[v.buffer];
    if (b.byteLength <= 0) {
      return;
    }
    if (v.byteOffset >= b.byteLength) {
      j.add(
          IssueCode.BUFFER_VIEW_TOO_LONG,
          p + "/byteOffset",
          "BufferView does not fit buffer (" + v.buffer + ") byteLength (" + b.byteLength + ").");
    } else if (v.byteOffset + v.byteLength > b.byteLength) {
      j.add(
          IssueCode.BUFFER_VIEW_TOO_LONG,
          p + "/byteLength",
          "BufferView does not fit buffer (" + v.buffer + ") byteLength (" + b.byteLength + ").");
    } else {
      v.fits = true;
    }
  }
}
