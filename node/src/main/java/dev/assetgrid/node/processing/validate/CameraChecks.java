package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * Checks cameras: exactly one projection matching {@code type}, and its parameters (non-zero,
 * non-negative magnifications, yfov below pi, zfar beyond znear). Nothing later depends on them.
 */
final class CameraChecks {
  private final ValidationContext ctx;
  private final Json j;

  CameraChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
  }

  void check() {
    List<ObjectNode> l = ctx.objects("cameras");
    for (int i = 0; i < l.size(); i++) {
      ObjectNode o = l.get(i);
      if (o != null) {
        camera(o, "/cameras/" + i);
      }
    }
  }

  private void camera(ObjectNode o, String p) {
    j.members(o, p, Set.of("orthographic", "perspective", "type", "name"));
    String type = j.strEnum(o, p, "type", true, null, "perspective", "orthographic");
    boolean hasO = o.has("orthographic");
    boolean hasP = o.has("perspective");
    if (hasO && hasP) {
      j.add(
          IssueCode.ONE_OF_MISMATCH,
          p,
          "Exactly one of ('orthographic', 'perspective') properties must be defined.");
    } else if ("perspective".equals(type) && !hasP) {
      j.undefined(p, "perspective");
    } else if ("orthographic".equals(type) && !hasO) {
      j.undefined(p, "orthographic");
    }
    if ("orthographic".equals(type) || (type == null && hasO)) {
      ObjectNode c = j.obj(o, p, "orthographic", false);
      if (c != null) {
        orthographic(c, p + "/orthographic");
      }
    }
    if ("perspective".equals(type) || (type == null && hasP)) {
      ObjectNode c = j.obj(o, p, "perspective", false);
      if (c != null) {
        perspective(c, p + "/perspective");
      }
    }
    ctx.extensions().object(o, p, "camera");
  }

  private void orthographic(ObjectNode c, String cp) {
    j.members(c, cp, Set.of("xmag", "ymag", "zfar", "znear"));
    double xmag = j.num(c, cp, "xmag", true, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    double ymag = j.num(c, cp, "ymag", true, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    double zfar = j.num(c, cp, "zfar", true, Double.NaN, 0, Double.NaN, Double.NaN);
    double znear = j.num(c, cp, "znear", true, 0, Double.NaN, Double.NaN, Double.NaN);
    if (xmag == 0 || ymag == 0) {
      j.add(
          IssueCode.CAMERA_XMAG_YMAG_ZERO,
          cp + (ymag == 0 ? "/ymag" : "/xmag"),
          "xmag and ymag must not be zero.");
    } else if (xmag < 0 || ymag < 0) {
      j.add(
          IssueCode.CAMERA_XMAG_YMAG_NEGATIVE,
          cp + (ymag < 0 ? "/ymag" : "/xmag"),
          "xmag and ymag should not be negative.");
    }
    if (!Double.isNaN(zfar) && !Double.isNaN(znear) && zfar <= znear) {
      j.add(IssueCode.CAMERA_ZFAR_LEQUAL_ZNEAR, cp, "zfar must be greater than znear.");
    }
    ctx.extensions().object(c, cp, "orthographic");
  }

  private void perspective(ObjectNode c, String cp) {
    j.members(c, cp, Set.of("aspectRatio", "yfov", "zfar", "znear"));
    j.num(c, cp, "aspectRatio", false, Double.NaN, 0, Double.NaN, Double.NaN);
    double yfov = j.num(c, cp, "yfov", true, Double.NaN, 0, Double.NaN, Double.NaN);
    double zfar = j.num(c, cp, "zfar", false, Double.NaN, 0, Double.NaN, Double.NaN);
    double znear = j.num(c, cp, "znear", true, Double.NaN, 0, Double.NaN, Double.NaN);
    if (yfov >= Math.PI) {
      j.add(IssueCode.CAMERA_YFOV_GEQUAL_PI, cp, "yfov should be less than Pi.");
    }
    if (!Double.isNaN(zfar) && !Double.isNaN(znear) && zfar <= znear) {
      j.add(IssueCode.CAMERA_ZFAR_LEQUAL_ZNEAR, cp, "zfar must be greater than znear.");
    }
    ctx.extensions().object(c, cp, "perspective");
  }
}
