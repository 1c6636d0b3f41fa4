package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one strict reader of stage params: every option record reads its JSON object through it.
 *
 * <p>A member that is absent or {@code null} takes the record's default. Everything else must be
 * exactly right, or the reader throws {@code INVALID_REQUEST} whose details carry the JSON pointer
 * of the bad field ({@code pointer}): a value of the wrong type, a member that must be an object
 * and is not, a key the record does not know ({@link #end()}), and a value out of range (the
 * record's constructor checks it with {@link #require}; {@link #build} puts the pointer on it). A
 * misspelt key never silently means "the default".
 */
public final class OptionReader {
  /** Detail key of the JSON pointer in the exception (and in the HTTP problem). */
  public static final String POINTER = "pointer";

  private final JsonNode node;
  private final String pointer;
  private final Set<String> read = new HashSet<>();
  private final java.util.List<OptionReader> children = new java.util.ArrayList<>();

  private OptionReader(JsonNode node, String pointer) {
    this.node = node;
    this.pointer = pointer;
  }

  /**
   * A reader over {@code json}, an object or absent ({@code null}, a missing or null node: every
   * member takes its default).
   *
   * @param pointer JSON pointer of {@code json} in the request, {@code ""} for the root
   */
  public static OptionReader of(JsonNode json, String pointer) {
    if (json == null || json.isNull() || json.isMissingNode()) {
      return new OptionReader(null, pointer);
    }
    if (!json.isObject()) {
      throw invalid(pointer, "must be an object", json);
    }
    return new OptionReader(json, pointer);
  }

  /** JSON pointer of this object. */
  public String pointer() {
    return pointer;
  }

  /** The pointer of member {@code name} of this object (RFC 6901 escaping). */
  public String pointerOf(String name) {
    return pointer + "/" + name.replace("~", "~0").replace("/", "~1");
  }

  private JsonNode get(String name) {
    read.add(name);
    JsonNode n = node == null ? null : node.get(name);
    return n == null || n.isNull() ? null : n;
  }

  public boolean bool(String name, boolean dflt) {
    JsonNode n = get(name);
    if (n == null) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw invalid(pointerOf(name), "must be a boolean", n);
    }
    return n.booleanValue();
  }

  public int integer(String name, int dflt) {
    JsonNode n = get(name);
    if (n == null) {
      return dflt;
    }
    if (!n.isNumber() || !n.canConvertToExactIntegral() || !n.canConvertToInt()) {
      throw invalid(pointerOf(name), "must be an integer", n);
    }
    return n.asInt();
  }

  /** An optional integer: null when absent. */
  public Integer optionalInteger(String name) {
    return get(name) == null ? null : integer(name, 0);
  }

  public long longInteger(String name, long dflt) {
    JsonNode n = get(name);
    if (n == null) {
      return dflt;
    }
    if (!n.isNumber() || !n.canConvertToExactIntegral() || !n.canConvertToLong()) {
      throw invalid(pointerOf(name), "must be an integer", n);
    }
    return n.asLong();
  }

  public double number(String name, double dflt) {
    JsonNode n = get(name);
    if (n == null) {
      return dflt;
    }
    if (!n.isNumber()) {
      throw invalid(pointerOf(name), "must be a number", n);
    }
    return n.asDouble();
  }

  public float number(String name, float dflt) {
    return (float) number(name, (double) dflt);
  }

  public String text(String name, String dflt) {
    JsonNode n = get(name);
    if (n == null) {
      return dflt;
    }
    if (!n.isTextual()) {
      throw invalid(pointerOf(name), "must be a string", n);
    }
    return n.textValue();
  }

  /** One of an enum's constants, named in lower case (any case accepted). */
  public <E extends Enum<E>> E choice(String name, Class<E> type, E dflt) {
    String s = text(name, null);
    if (s == null) {
      return dflt;
    }
    E e = find(type, s);
    if (e == null) {
      throw invalid(pointerOf(name), "must be one of " + names(type), node.get(name));
    }
    return e;
  }

  /**
   * The constant of {@code type} named {@code value} (any case), for values that do not come from
   * JSON (command-line flags); INVALID_REQUEST naming {@code field} otherwise.
   */
  public static <E extends Enum<E>> E choiceOf(Class<E> type, String field, String value) {
    E e = value == null ? null : find(type, value);
    if (e == null) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST,
          field + " must be one of " + names(type) + ", is " + shorten(value));
    }
    return e;
  }

  private static <E extends Enum<E>> E find(Class<E> type, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    return null;
  }

  private static String names(Class<? extends Enum<?>> type) {
    StringBuilder names = new StringBuilder();
    for (Enum<?> e : type.getEnumConstants()) {
      names.append(names.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    }
    return names.toString();
  }

  /**
   * The raw value of a member (null when absent), for records with a custom syntax; it counts as
   * read.
   */
  public JsonNode raw(String name) {
    return get(name);
  }

  /** A reader over member {@code name}, which must be an object when present. */
  public OptionReader object(String name) {
    OptionReader child = of(get(name), pointerOf(name));
    children.add(child);
    return child;
  }

  /**
   * Runs a record's constructor; a range check it fails ({@link #require}) is reported at the
   * pointer of the field it names.
   */
  public <T> T build(Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (InvalidOption e) {
      throw invalid(pointerOf(e.field), e.rule, e.value);
    }
  }

  /**
   * Fails on the first key that no read asked for, here or in a member object read through {@link
   * #object}. Records read their members and leave this to whoever made the top reader, so a task's
   * params can be one object read by several records (the stage's options and the keys the planner
   * sets); call it once, after every read.
   */
  public void end() {
    for (OptionReader c : children) {
      c.end();
    }
    if (node == null) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!read.contains(key)) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "unknown option "
                + pointerOf(key)
                + " (known here: "
                + String.join(", ", new java.util.TreeSet<>(read))
                + ")",
            Map.of(POINTER, pointerOf(key)),
            null);
      }
    }
  }

  /**
   * A record's range check: throws {@code INVALID_REQUEST} naming {@code field} when {@code ok} is
   * false. Through {@link #build} the error carries the field's full JSON pointer.
   */
  public static void require(boolean ok, String field, String rule, Object value) {
    if (!ok) {
      throw new InvalidOption(field, rule, value);
    }
  }

  /** {@code INVALID_REQUEST} at {@code pointer}: "{pointer} {rule}, is {value}". */
  public static AssetGridException invalid(String pointer, String rule, Object value) {
    String where = pointer.isEmpty() ? "params" : pointer;
    return new AssetGridException(
        ErrorCode.INVALID_REQUEST,
        where + " " + rule + ", is " + shorten(value),
        Map.of(POINTER, pointer),
        null);
  }

  private static String shorten(Object value) {
    String s = String.valueOf(value);
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /**
   * A failed {@link #require}: INVALID_REQUEST that knows its field, for {@link #build} to locate.
   */
  static final class InvalidOption extends AssetGridException {
    private final String field;
    private final String rule;
    private final transient Object value;

    InvalidOption(String field, String rule, Object value) {
      super(ErrorCode.INVALID_REQUEST, "option '" + field + "' " + rule + ", is " + shorten(value));
      this.field = field;
      this.rule = rule;
      this.value = value;
    }
  }
}
