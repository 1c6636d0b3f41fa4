package dev.assetgrid.node.processing.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed, reporting getters over Jackson trees, modelled on the Khronos validator's schema getters:
 * a missing required member is {@code UNDEFINED_PROPERTY} at the owner's pointer, a wrong JSON type
 * is {@code TYPE_MISMATCH} at the member, out-of-range values {@code VALUE_NOT_IN_RANGE}, etc.
 * Getters return a sentinel (-1, NaN, null) when the value is unusable.
 */
final class Json {
  private final Issues issues;

  Json(Issues issues) {
    this.issues = issues;
  }

  static String ptr(String base, String name) {
    return base + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  static String ptr(String base, int index) {
    return base + "/" + index;
  }

  static String show(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "'" + v.asText() + "'";
    }
    if (v.isObject() && v.size() == 0) {
      return "{}";
    }
    if (v.isArray() && v.size() == 0) {
      return "[]";
    }
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  static boolean isInt(JsonNode v) {
    if (v == null) {
      return false;
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong();
    }
    if (v.isFloatingPointNumber()) {
      double d = v.doubleValue();
      return !Double.isInfinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e15;
    }
    return false;
  }

  void add(IssueCode code, String pointer, String message) {
    issues.add(code, pointer, message);
  }

  void typeMismatch(String pointer, JsonNode v, String type) {
    add(
        IssueCode.TYPE_MISMATCH,
        pointer,
        "Type mismatch. Property value " + show(v) + " is not a '" + type + "'.");
  }

  void undefined(String owner, String name) {
    add(IssueCode.UNDEFINED_PROPERTY, owner, "Property '" + name + "' must be defined.");
  }

  void notInRange(String pointer, JsonNode v) {
    add(IssueCode.VALUE_NOT_IN_RANGE, pointer, "Value " + show(v) + " is out of range.");
  }

  /** Index reference: -1 when absent or invalid. */
  int index(ObjectNode o, String p, String name, boolean req) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
      }
      return -1;
    }
    if (isInt(v)) {
      long l = v.asLong();
      if (l >= 0 && l <= Integer.MAX_VALUE) {
        return (int) l;
      }
      add(IssueCode.INVALID_INDEX, ptr(p, name), "Index must be a non-negative integer.");
      return -2;
    }
    typeMismatch(ptr(p, name), v, "integer");
    return -2;
  }

  /** Unsigned integer with optional min/max: returns def when absent, -1 when invalid. */
  long uint(ObjectNode o, String p, String name, boolean req, long min, long max, long def) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
        return -1;
      }
      return def;
    }
    if (isInt(v)) {
      long l = v.asLong();
      if (l < min || l > max) {
        notInRange(ptr(p, name), v);
        return -1;
      }
      return l;
    }
    typeMismatch(ptr(p, name), v, "integer");
    return -1;
  }

  /** Integer that must be one of a list; VALUE_NOT_IN_LIST when not. */
  long uintEnum(ObjectNode o, String p, String name, boolean req, long def, long... list) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
        return -1;
      }
      return def;
    }
    if (isInt(v)) {
      long l = v.asLong();
      for (long x : list) {
        if (x == l) {
          return l;
        }
      }
      StringBuilder sb = new StringBuilder();
      for (long x : list) {
        sb.append(sb.length() == 0 ? "" : ", ").append(x);
      }
      add(
          IssueCode.VALUE_NOT_IN_LIST,
          ptr(p, name),
          "Invalid value " + l + ". Valid values are (" + sb + ").");
      return -1;
    }
    typeMismatch(ptr(p, name), v, "integer");
    return -1;
  }

  /** Number with bounds (NaN bounds = none): def when absent, NaN when invalid. */
  double num(
      ObjectNode o,
      String p,
      String name,
      boolean req,
      double min,
      double exclMin,
      double max,
      double def) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
        return Double.NaN;
      }
      return def;
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isInfinite(d)
          || (!Double.isNaN(min) && d < min)
          || (!Double.isNaN(exclMin) && d <= exclMin)
          || (!Double.isNaN(max) && d > max)) {
        notInRange(ptr(p, name), v);
        return Double.NaN;
      }
      return d;
    }
    typeMismatch(ptr(p, name), v, "number");
    return Double.NaN;
  }

  double num(ObjectNode o, String p, String name, double min, double max, double def) {
    return num(o, p, name, false, min, Double.NaN, max, def);
  }

  String str(ObjectNode o, String p, String name, boolean req) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
      }
      return null;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    typeMismatch(ptr(p, name), v, "string");
    return null;
  }

  String strEnum(ObjectNode o, String p, String name, boolean req, String def, String... list) {
    String s = str(o, p, name, req);
    if (s == null) {
      return o.has(name) ? null : def;
    }
    for (String x : list) {
      if (x.equals(s)) {
        return s;
      }
    }
    add(
        IssueCode.VALUE_NOT_IN_LIST,
        ptr(p, name),
        "Invalid value '" + s + "'. Valid values are ('" + String.join("', '", list) + "').");
    return null;
  }

  String strPattern(ObjectNode o, String p, String name, boolean req, Pattern pattern) {
    String s = str(o, p, name, req);
    if (s != null && !pattern.matcher(s).find()) {
      add(
          IssueCode.PATTERN_MISMATCH,
          ptr(p, name),
          "Value '" + s + "' does not match regexp pattern '" + pattern.pattern() + "'.");
      return null;
    }
    return s;
  }

  boolean bool(ObjectNode o, String p, String name, boolean def) {
    JsonNode v = o.get(name);
    if (v == null) {
      return def;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    typeMismatch(ptr(p, name), v, "boolean");
    return def;
  }

  /**
   * Number array; {@code lengths} empty = any non-empty length. Returns def when absent, null when
   * invalid.
   */
  double[] floats(
      ObjectNode o,
      String p,
      String name,
      boolean req,
      double min,
      double max,
      double[] def,
      int... lengths) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
        return null;
      }
      return def;
    }
    if (!v.isArray()) {
      typeMismatch(ptr(p, name), v, "number[]");
      return null;
    }
    if (lengths.length > 0) {
      boolean ok = false;
      StringBuilder sb = new StringBuilder();
      for (int l : lengths) {
        ok |= v.size() == l;
        sb.append(sb.length() == 0 ? "" : ", ").append(l);
      }
      if (!ok) {
        add(
            IssueCode.ARRAY_LENGTH_NOT_IN_LIST,
            ptr(p, name),
            "Invalid array length " + v.size() + ". Valid lengths are: (" + sb + ").");
        return null;
      }
    } else if (v.size() == 0) {
      add(IssueCode.EMPTY_ENTITY, ptr(p, name), "Entity cannot be empty.");
      return null;
    }
    double[] out = new double[v.size()];
    boolean bad = false;
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (e.isNumber()) {
        double d = e.doubleValue();
        if (Double.isInfinite(d)
            || (!Double.isNaN(min) && d < min)
            || (!Double.isNaN(max) && d > max)) {
          notInRange(ptr(ptr(p, name), i), e);
          bad = true;
        }
        out[i] = d;
      } else {
        add(
            IssueCode.ARRAY_TYPE_MISMATCH,
            ptr(ptr(p, name), i),
            "Type mismatch. Array element " + show(e) + " is not a 'number'.");
        bad = true;
      }
    }
    return bad ? null : out;
  }

  /**
   * List of unique non-negative indices; null when absent or unusable (invalid entries become -1).
   */
  int[] indices(ObjectNode o, String p, String name, boolean req) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
      }
      return null;
    }
    if (!v.isArray()) {
      typeMismatch(ptr(p, name), v, "array");
      return null;
    }
    if (v.size() == 0) {
      add(IssueCode.EMPTY_ENTITY, ptr(p, name), "Entity cannot be empty.");
      return null;
    }
    int[] out = new int[v.size()];
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      out[i] = -1;
      if (isInt(e)) {
        long l = e.asLong();
        if (l < 0 || l > Integer.MAX_VALUE) {
          add(
              IssueCode.INVALID_INDEX,
              ptr(ptr(p, name), i),
              "Index must be a non-negative integer.");
        } else if (!seen.add((int) l)) {
          add(IssueCode.DUPLICATE_ELEMENTS, ptr(ptr(p, name), i), "Duplicate element.");
        } else {
          out[i] = (int) l;
        }
      } else {
        add(
            IssueCode.ARRAY_TYPE_MISMATCH,
            ptr(ptr(p, name), i),
            "Type mismatch. Array element " + show(e) + " is not a 'integer'.");
      }
    }
    return out;
  }

  /** A member that must be a JSON object; null when absent or not an object. */
  ObjectNode obj(ObjectNode o, String p, String name, boolean req) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
      }
      return null;
    }
    if (v.isObject()) {
      return (ObjectNode) v;
    }
    typeMismatch(ptr(p, name), v, "object");
    return null;
  }

  /**
   * A member that must be a non-empty array of objects; null entries where elements are not
   * objects.
   */
  List<ObjectNode> objList(ObjectNode o, String p, String name, boolean req) {
    JsonNode v = o.get(name);
    if (v == null) {
      if (req) {
        undefined(p, name);
      }
      return null;
    }
    if (!v.isArray()) {
      typeMismatch(ptr(p, name), v, "array");
      return null;
    }
    if (v.size() == 0) {
      add(IssueCode.EMPTY_ENTITY, ptr(p, name), "Entity cannot be empty.");
      return null;
    }
    List<ObjectNode> out = new ArrayList<>();
    boolean bad = false;
    for (JsonNode e : (ArrayNode) v) {
      if (e.isObject()) {
        out.add((ObjectNode) e);
      } else {
        bad = true;
        out.add(null);
      }
    }
    if (bad) {
      for (JsonNode e : (ArrayNode) v) {
        if (!e.isObject()) {
          add(
              IssueCode.ARRAY_TYPE_MISMATCH,
              ptr(p, name),
              "Type mismatch. Array element " + show(e) + " is not a 'object'.");
        }
      }
      return null;
    }
    return out;
  }

  /**
   * Reports UNEXPECTED_PROPERTY for members outside {@code known} (name, extensions, extras always
   * allowed).
   */
  void members(ObjectNode o, String p, Set<String> known) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k) && !k.equals("extensions") && !k.equals("extras")) {
        add(IssueCode.UNEXPECTED_PROPERTY, ptr(p, k), "Unexpected property.");
      }
    }
    JsonNode extras = o.get("extras");
    if (extras != null && !extras.isObject()) {
      add(IssueCode.NON_OBJECT_EXTRAS, ptr(p, "extras"), "Prefer JSON Objects for extras.");
    }
    JsonNode name = o.get("name");
    if (name != null && !name.isTextual() && !known.contains("name-any")) {
      typeMismatch(ptr(p, "name"), name, "string");
    }
  }
}
