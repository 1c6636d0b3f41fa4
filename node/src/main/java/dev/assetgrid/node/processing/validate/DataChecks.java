package dev.assetgrid.node.processing.validate;

import static dev.assetgrid.node.processing.validate.Model.*;

import dev.assetgrid.node.processing.validate.Model.Acc;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks of accessor contents, as the Khronos validator does them: non-finite floats, declared
 * min/max against the data, and the usage-specific rules (index range and restart values, unit
 * normals and tangents, clamped colors, joints and weights, animation inputs and quaternions,
 * inverse bind matrices). Runs only on accessors whose layout was verified to fit in loaded data.
 */
final class DataChecks {
  static final double UNIT_VEC3 = 0.00674;
  static final double UNIT_VEC4 = 0.00769;
  static final double SUM_STEP = 0.0039216;

  /** Cap on messages of one kind for one accessor, so a broken buffer cannot flood the report. */
  private static final int PER_ACCESSOR = 16;

  enum Kind {
    INDICES,
    NORMAL,
    TANGENT,
    COLOR,
    WEIGHTS,
    JOINTS,
    ANIM_INPUT,
    ANIM_ROTATION,
    IBM
  }

  /** One usage of an accessor found while linking; {@code extra} depends on the kind. */
  record Use(int accessor, Kind kind, String pointer, int... extra) {
    int x(int i) {
      return i < extra.length ? extra[i] : -1;
    }
  }

  private final ValidationContext ctx;
  private final Json j;
  private final AccessorReader[] readers;

  /**
   * Builds a reader for each accessor whose data is loaded; call after {@link
   * Resources#loadBuffers}.
   */
  DataChecks(ValidationContext ctx) {
    this.ctx = ctx;
    this.j = ctx.json();
    Acc[] accessors = ctx.accessors();
    this.readers = new AccessorReader[accessors.length];
    for (int i = 0; i < readers.length; i++) {
      readers[i] = AccessorReader.of(accessors[i], ctx.views(), ctx.buffers());
    }
  }

  AccessorReader reader(int i) {
    return i >= 0 && i < readers.length ? readers[i] : null;
  }

  void run() {
    for (int i = 0; i < readers.length; i++) {
      if (readers[i] != null) {
        generic(readers[i], "/accessors/" + i);
      }
    }
    Set<String> done = new HashSet<>();
    for (Use u : ctx.accessorUses()) {
      AccessorReader r = reader(u.accessor());
      if (r == null || !done.add(u.accessor() + "|" + u.kind() + "|" + u.pointer())) {
        continue;
      }
      switch (u.kind()) {
        case INDICES -> indices(r, u);
        case NORMAL -> unit(r, u, false);
        case TANGENT -> unit(r, u, true);
        case COLOR -> color(r, u);
        case WEIGHTS -> weights(r, u);
        case JOINTS -> joints(r, u);
        case ANIM_INPUT -> animInput(r, u);
        case ANIM_ROTATION -> rotation(r, u);
        case IBM -> ibm(r, u);
      }
    }
  }

  private static String num(double d) {
    return Double.toString(d);
  }

  private void generic(AccessorReader r, String p) {
    Acc a = r.a;
    int comps = r.comps;
    double[] mn = new double[comps];
    double[] mx = new double[comps];
    java.util.Arrays.fill(mn, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(mx, Double.NEGATIVE_INFINITY);
    boolean isFloat = a.componentType == FLOAT;
    int bad = 0;
    int[] below = new int[comps];
    int[] above = new int[comps];
    for (int i = 0; i < r.count; i++) {
      for (int k = 0; k < comps; k++) {
        double v = r.get(i, k);
        if (isFloat && (Double.isNaN(v) || Double.isInfinite(v))) {
          if (bad++ < PER_ACCESSOR) {
            j.add(
                IssueCode.ACCESSOR_INVALID_FLOAT,
                p,
                "Accessor element at index " + ((long) i * comps + k) + " is " + num(v) + ".");
          }
          continue;
        }
        if (Double.isNaN(v)) {
          continue;
        }
        if (v < mn[k]) {
          mn[k] = v;
        }
        if (v > mx[k]) {
          mx[k] = v;
        }
        if (a.min != null && v < declared(a.min[k], isFloat)) {
          below[k]++;
        }
        if (a.max != null && v > declared(a.max[k], isFloat)) {
          above[k]++;
        }
      }
    }
    if (bad > 0) {
      return;
    }
    for (int k = 0; k < comps; k++) {
      if (a.min != null && mn[k] != Double.POSITIVE_INFINITY) {
        double d = declared(a.min[k], isFloat);
        if (d != mn[k]) {
          j.add(
              IssueCode.ACCESSOR_MIN_MISMATCH,
              p + "/min/" + k,
              "Declared minimum value for this component ("
                  + num(a.min[k])
                  + ") does not match actual minimum ("
                  + num(mn[k])
                  + ").");
        }
        if (below[k] > 0) {
          j.add(
              IssueCode.ACCESSOR_ELEMENT_OUT_OF_MIN_BOUND,
              p + "/min/" + k,
              "Accessor contains "
                  + below[k]
                  + " element(s) less than declared minimum value "
                  + num(a.min[k])
                  + ".");
        }
      }
      if (a.max != null && mx[k] != Double.NEGATIVE_INFINITY) {
        double d = declared(a.max[k], isFloat);
        if (d != mx[k]) {
          j.add(
              IssueCode.ACCESSOR_MAX_MISMATCH,
              p + "/max/" + k,
              "Declared maximum value for this component ("
                  + num(a.max[k])
                  + ") does not match actual maximum ("
                  + num(mx[k])
                  + ").");
        }
        if (above[k] > 0) {
          j.add(
              IssueCode.ACCESSOR_ELEMENT_OUT_OF_MAX_BOUND,
              p + "/max/" + k,
              "Accessor contains "
                  + above[k]
                  + " element(s) greater than declared maximum value "
                  + num(a.max[k])
                  + ".");
        }
      }
    }
  }

  /** Declared bounds of float accessors are compared at single precision, as the data is stored. */
  private static double declared(double v, boolean isFloat) {
    return isFloat ? (double) (float) v : v;
  }

  private void indices(AccessorReader r, Use u) {
    int vertexCount = u.x(0);
    int mode = u.x(1);
    long restart =
        switch (r.a.componentType) {
          case UBYTE -> 255L;
          case USHORT -> 65535L;
          default -> 4294967295L;
        };
    int oob = 0;
    int restarts = 0;
    int degenerate = 0;
    long[] tri = new long[3];
    for (int i = 0; i < r.count; i++) {
      long v = (long) r.get(i, 0);
      if (v == restart) {
        if (restarts++ < PER_ACCESSOR) {
          j.add(
              IssueCode.ACCESSOR_INDEX_PRIMITIVE_RESTART,
              u.pointer(),
              "Indices accessor contains primitive restart value (" + v + ") at index " + i + ".");
        }
      } else if (vertexCount >= 0 && v >= vertexCount) {
        if (oob++ < PER_ACCESSOR) {
          j.add(
              IssueCode.ACCESSOR_INDEX_OOB,
              u.pointer(),
              "Indices accessor element at index "
                  + i
                  + " has value "
                  + v
                  + " that is greater than the maximum vertex index available ("
                  + (vertexCount - 1)
                  + ").");
        }
      }
      if (mode == 4) {
        tri[i % 3] = v;
        if (i % 3 == 2 && (tri[0] == tri[1] || tri[1] == tri[2] || tri[0] == tri[2])) {
          degenerate++;
        }
      }
    }
    if (degenerate > 0) {
      j.add(
          IssueCode.ACCESSOR_INDEX_TRIANGLE_DEGENERATE,
          u.pointer(),
          "Indices accessor contains "
              + degenerate
              + " degenerate triangles (out of "
              + (r.count / 3)
              + ").");
    }
  }

  private void unit(AccessorReader r, Use u, boolean tangent) {
    int comps = r.comps;
    if (comps < 3) {
      return;
    }
    int reported = 0;
    for (int i = 0; i < r.count && reported < PER_ACCESSOR; i++) {
      double x = r.normalized(i, 0);
      double y = r.normalized(i, 1);
      double z = r.normalized(i, 2);
      double len = Math.sqrt(x * x + y * y + z * z);
      if (Math.abs(len - 1) > UNIT_VEC3) {
        reported++;
        j.add(
            IssueCode.ACCESSOR_VECTOR3_NON_UNIT,
            u.pointer(),
            "Vector3 at accessor indices "
                + ((long) i * comps)
                + ".."
                + ((long) i * comps + 2)
                + " is not of unit length: "
                + num(len)
                + ".");
      }
      if (tangent && comps == 4) {
        double w = r.normalized(i, 3);
        if (w != 1 && w != -1) {
          reported++;
          j.add(
              IssueCode.ACCESSOR_INVALID_SIGN,
              u.pointer(),
              "Vector3 with sign at accessor indices "
                  + ((long) i * 4)
                  + ".."
                  + ((long) i * 4 + 3)
                  + " has invalid w component: "
                  + num(w)
                  + ". Must be 1.0 or -1.0.");
        }
      }
    }
  }

  private void color(AccessorReader r, Use u) {
    int reported = 0;
    for (int i = 0; i < r.count && reported < PER_ACCESSOR; i++) {
      for (int k = 0; k < r.comps; k++) {
        double v = r.normalized(i, k);
        if (v < 0 || v > 1) {
          reported++;
          j.add(
              IssueCode.ACCESSOR_NON_CLAMPED,
              u.pointer(),
              "Accessor element at index "
                  + ((long) i * r.comps + k)
                  + " is not clamped to 0..1 range: "
                  + num(v)
                  + ".");
        }
      }
    }
  }

  private void weights(AccessorReader r, Use u) {
    // other WEIGHTS_n accessors of the same primitive, for the per-vertex sum
    AccessorReader[] set = new AccessorReader[u.extra().length];
    for (int k = 0; k < set.length; k++) {
      set[k] = reader(u.extra()[k]);
      if (set[k] == null || set[k].count != r.count) {
        set = new AccessorReader[] {r};
        break;
      }
    }
    if (set.length == 0) {
      set = new AccessorReader[] {r};
    }
    int reported = 0;
    for (int i = 0; i < r.count && reported < PER_ACCESSOR; i++) {
      for (int k = 0; k < 4; k++) {
        double w = r.normalized(i, k);
        if (w < 0) {
          reported++;
          j.add(
              IssueCode.ACCESSOR_WEIGHTS_NEGATIVE,
              u.pointer(),
              "Weights accessor element at index "
                  + ((long) i * 4 + k)
                  + " (component index "
                  + k
                  + ") has negative value "
                  + num(w)
                  + ".");
        }
      }
      double sum = 0;
      int nonZero = 0;
      for (AccessorReader s : set) {
        for (int k = 0; k < 4; k++) {
          double w = s.normalized(i, k);
          if (w < 0) {
            break; // as Khronos: a negative weight ends this element's contribution
          }
          sum += w;
          if (w != 0) {
            nonZero++;
          }
        }
      }
      double tolerance =
          r.a.componentType == FLOAT
              ? 5e-4 + 2e-7 * nonZero
              : SUM_STEP * Math.max(1, (nonZero + 1) / 2);
      if (Math.abs(sum - 1) > tolerance) {
        reported++;
        j.add(
            IssueCode.ACCESSOR_WEIGHTS_NON_NORMALIZED,
            u.pointer(),
            "Weights accessor elements (at indices "
                + ((long) i * 4)
                + ".."
                + ((long) i * 4 + 3)
                + ") have non-normalized sum: "
                + num(sum)
                + ".");
      }
    }
  }

  private void joints(AccessorReader first, Use u) {
    int jointCount = u.x(0);
    int sets = (u.extra().length - 2) / 2;
    AccessorReader[] js = new AccessorReader[sets];
    AccessorReader[] ws = new AccessorReader[sets];
    for (int s = 0; s < sets; s++) {
      js[s] = reader(u.x(2 + 2 * s));
      ws[s] = reader(u.x(3 + 2 * s));
      if (js[s] == null || js[s].count != first.count || js[s].comps != 4) {
        return;
      }
      if (ws[s] != null && (ws[s].count != first.count || ws[s].comps != 4)) {
        ws[s] = null;
      }
    }
    int reported = 0;
    for (int i = 0; i < first.count && reported < PER_ACCESSOR; i++) {
      Set<Long> seen = new HashSet<>();
      for (int s = 0; s < sets; s++) {
        String p = u.pointer() + "/attributes/JOINTS_" + s;
        for (int k = 0; k < 4; k++) {
          long v = (long) js[s].get(i, k);
          double weight = ws[s] == null ? 1 : ws[s].normalized(i, k);
          if (jointCount >= 0 && v >= jointCount) {
            reported++;
            j.add(
                IssueCode.ACCESSOR_JOINTS_INDEX_OOB,
                p,
                "Joints accessor element at index "
                    + ((long) i * 4 + k)
                    + " (component index "
                    + k
                    + ") has value "
                    + v
                    + " that is greater than the maximum joint index ("
                    + (jointCount - 1)
                    + ") set by skin "
                    + u.x(1)
                    + ".");
          } else if (weight != 0 && !seen.add(v)) {
            reported++;
            j.add(
                IssueCode.ACCESSOR_JOINTS_INDEX_DUPLICATE,
                p,
                "Joints accessor element at index "
                    + ((long) i * 4 + k)
                    + " (component index "
                    + k
                    + ") has value "
                    + v
                    + " that is already in use for the vertex.");
          } else if (weight == 0 && v != 0) {
            reported++;
            j.add(
                IssueCode.ACCESSOR_JOINTS_USED_ZERO_WEIGHT,
                p,
                "Joints accessor element at index "
                    + ((long) i * 4 + k)
                    + " (component index "
                    + k
                    + ") is used with zero weight but has non-zero value ("
                    + v
                    + ").");
          }
        }
      }
    }
  }

  private void animInput(AccessorReader r, Use u) {
    int reported = 0;
    double prev = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < r.count && reported < PER_ACCESSOR; i++) {
      double v = r.get(i, 0);
      if (i == 0 && v < 0) {
        reported++;
        j.add(
            IssueCode.ACCESSOR_ANIMATION_INPUT_NEGATIVE,
            u.pointer(),
            "Animation input accessor element at index 0 is negative: " + num(v) + ".");
      }
      if (i > 0 && v <= prev) {
        reported++;
        j.add(
            IssueCode.ACCESSOR_ANIMATION_INPUT_NON_INCREASING,
            u.pointer(),
            "Animation input accessor element at index "
                + i
                + " is less than or equal to previous: "
                + num(v)
                + " <= "
                + num(prev)
                + ".");
      }
      prev = v;
    }
  }

  private void rotation(AccessorReader r, Use u) {
    if (r.comps != 4) {
      return;
    }
    boolean cubic = u.x(0) == 1;
    int reported = 0;
    for (int i = 0; i < r.count && reported < PER_ACCESSOR; i++) {
      if (cubic && i % 3 != 1) {
        continue;
      }
      double s = 0;
      for (int k = 0; k < 4; k++) {
        double v = r.normalized(i, k);
        s += v * v;
      }
      double len = Math.sqrt(s);
      if (Math.abs(len - 1) > UNIT_VEC4) {
        reported++;
        j.add(
            IssueCode.ACCESSOR_ANIMATION_SAMPLER_OUTPUT_NON_NORMALIZED_QUATERNION,
            u.pointer(),
            "Animation sampler output accessor element at indices "
                + ((long) i * 4)
                + ".."
                + ((long) i * 4 + 3)
                + " is not of unit length: "
                + num(len)
                + ".");
      }
    }
  }

  private void ibm(AccessorReader r, Use u) {
    int reported = 0;
    for (int i = 0; i < r.count && reported < PER_ACCESSOR; i++) {
      int[] ks = {3, 7, 11, 15};
      for (int k : ks) {
        double v = r.get(i, k);
        double expected = k == 15 ? 1 : 0;
        if (v != expected) {
          reported++;
          j.add(
              IssueCode.ACCESSOR_INVALID_IBM,
              u.pointer(),
              "Matrix element at index "
                  + ((long) i * 16 + k)
                  + " (component index "
                  + k
                  + ") contains invalid value: "
                  + num(v)
                  + ".");
        }
      }
    }
  }
}
