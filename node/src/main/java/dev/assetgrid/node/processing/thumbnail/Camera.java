package dev.assetgrid.node.processing.thumbnail;

import java.util.List;

/**
 * A perspective camera: an orthonormal view basis, an eye, and a projection {@code ndc = scale *
 * (x, y) / depth + offset} where depth is the distance along the view direction. The offset (a lens
 * shift) lets {@link #fit} centre the model's projected extent exactly, not just its bounding box
 * centre.
 */
final class Camera {
  /** Vertical (and horizontal) field of view of the fitted camera, in degrees. */
  static final double FOV_DEGREES = 30;

  /** Fraction of the half-image left free around the fitted model on each side. */
  static final double MARGIN = 0.06;

  // view basis in world space: right, up, back (toward the eye)
  final double[] right;
  final double[] up;
  final double[] back;
  final double[] eye;
  final double scale;
  final double offsetX;
  final double offsetY;

  /** Points closer than this along the view direction are clipped. */
  final double near;

  Camera(
      double[] right,
      double[] up,
      double[] back,
      double[] eye,
      double scale,
      double offsetX,
      double offsetY,
      double near) {
    this.right = right;
    this.up = up;
    this.back = back;
    this.eye = eye;
    this.scale = scale;
    this.offsetX = offsetX;
    this.offsetY = offsetY;
    this.near = near;
  }

  /** The unit vector from the target toward an eye at {@code yaw}/{@code pitch} (degrees). */
  static double[] direction(double yawDeg, double pitchDeg) {
    double yaw = Math.toRadians(yawDeg);
    double pitch = Math.toRadians(pitchDeg);
    return new double[] {
      Math.sin(yaw) * Math.cos(pitch), Math.sin(pitch), Math.cos(yaw) * Math.cos(pitch)
    };
  }

  /** A camera at {@code eye} looking at {@code target} with world +Y up (pitch within ±89°). */
  static Camera lookAt(double[] eye, double[] target, double fovDeg, double near) {
    double[] back =
        normalize(new double[] {eye[0] - target[0], eye[1] - target[1], eye[2] - target[2]});
    double[] right = normalize(new double[] {back[2], 0, -back[0]});
    if (Double.isNaN(right[0])) {
      right = new double[] {1, 0, 0};
    }
    double[] up = cross(back, right);
    return new Camera(right, up, back, eye, 1 / Math.tan(Math.toRadians(fovDeg) / 2), 0, 0, near);
  }

  /**
   * Fits a camera looking from {@code yaw}/{@code pitch} at the model: the eye is as close as the
   * field of view allows, then scale and lens shift make the projected extent of every vertex span
   * the image (minus {@link #MARGIN}) and centre it. With {@code centred} false (turntables) the
   * bounding box centre stays at the image centre and no shift is applied.
   *
   * @param points world-space vertex positions (xyz triples)
   * @param box {minx, miny, minz, maxx, maxy, maxz}
   */
  static Camera fit(List<float[]> points, double[] box, double yaw, double pitch, boolean centred) {
    return fit(points, box, yaw, pitch, centred, distance(points, box, yaw, pitch));
  }

  /**
   * As {@link #fit(List, double[], double, double, boolean)} with the eye at {@code distance} from
   * the box centre.
   */
  static Camera fit(
      List<float[]> points,
      double[] box,
      double yaw,
      double pitch,
      boolean centred,
      double distance) {
    double[] c = centre(box);
    double[] dir = direction(yaw, pitch);
    Camera base =
        lookAt(new double[] {c[0] + dir[0], c[1] + dir[1], c[2] + dir[2]}, c, FOV_DEGREES, 0);
    double[] eye = {c[0] + dir[0] * distance, c[1] + dir[1] * distance, c[2] + dir[2] * distance};
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (float[] p : points) {
      for (int i = 0; i + 2 < p.length; i += 3) {
        double rx = p[i] - eye[0];
        double ry = p[i + 1] - eye[1];
        double rz = p[i + 2] - eye[2];
        double depth = -(rx * base.back[0] + ry * base.back[1] + rz * base.back[2]);
        double x = (rx * base.right[0] + ry * base.right[1] + rz * base.right[2]) / depth;
        double y = (rx * base.up[0] + ry * base.up[1] + rz * base.up[2]) / depth;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
    double scale;
    double ox = 0;
    double oy = 0;
    if (minX > maxX) {
      scale = 1 / Math.tan(Math.toRadians(FOV_DEGREES) / 2);
    } else if (centred) {
      double extent = Math.max(Math.max(maxX - minX, maxY - minY), 1e-12);
      scale = 2 * (1 - MARGIN) / extent;
      ox = -scale * (minX + maxX) / 2;
      oy = -scale * (minY + maxY) / 2;
    } else {
      double extent = Math.max(Math.max(Math.max(-minX, maxX), Math.max(-minY, maxY)), 1e-12);
      scale = (1 - MARGIN) / extent;
    }
    return new Camera(base.right, base.up, base.back, eye, scale, ox, oy, radius(box) * 0.01);
  }

  /**
   * Smallest distance from the box centre, along the view from yaw/pitch, that keeps every point in
   * view.
   */
  static double distance(List<float[]> points, double[] box, double yaw, double pitch) {
    double[] c = centre(box);
    double radius = radius(box);
    double[] dir = direction(yaw, pitch);
    Camera base =
        lookAt(new double[] {c[0] + dir[0], c[1] + dir[1], c[2] + dir[2]}, c, FOV_DEGREES, 0);
    double t = Math.tan(Math.toRadians(FOV_DEGREES) / 2);
    double distance = radius * 0.05;
    for (float[] p : points) {
      for (int i = 0; i + 2 < p.length; i += 3) {
        double rx = p[i] - c[0];
        double ry = p[i + 1] - c[1];
        double rz = p[i + 2] - c[2];
        double x = rx * base.right[0] + ry * base.right[1] + rz * base.right[2];
        double y = rx * base.up[0] + ry * base.up[1] + rz * base.up[2];
        double z = rx * base.back[0] + ry * base.back[1] + rz * base.back[2];
        // the eye stays at least 5% of the radius in front of every point (nothing at the eye)
        distance =
            Math.max(distance, z + Math.max(Math.max(Math.abs(x), Math.abs(y)) / t, radius * 0.05));
      }
    }
    return distance;
  }

  private static double[] centre(double[] box) {
    return new double[] {(box[0] + box[3]) / 2, (box[1] + box[4]) / 2, (box[2] + box[5]) / 2};
  }

  private static double radius(double[] box) {
    double radius =
        0.5 * Math.sqrt(sq(box[3] - box[0]) + sq(box[4] - box[1]) + sq(box[5] - box[2]));
    return radius > 0 && Double.isFinite(radius) ? radius : 1;
  }

  /** The same camera framed with another scale and no lens shift (turntables share one framing). */
  Camera withScale(double newScale) {
    return new Camera(right, up, back, eye, newScale, 0, 0, near);
  }

  private static double sq(double v) {
    return v * v;
  }

  private static double[] normalize(double[] v) {
    double l = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    return new double[] {v[0] / l, v[1] / l, v[2] / l};
  }

  private static double[] cross(double[] a, double[] b) {
    return new double[] {
      a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]
    };
  }
}
