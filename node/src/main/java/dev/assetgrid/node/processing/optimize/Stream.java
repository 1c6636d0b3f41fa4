package dev.assetgrid.node.processing.optimize;

/**
 * One vertex attribute (or morph-target delta) of a {@link Geometry}, decoded to floats.
 *
 * <p>{@code data} is element-major: vertex {@code v}, component {@code c} at {@code v * components
 * + c}. The source encoding is kept so that an attribute nobody quantizes is written back exactly
 * as it came in; {@link #encoding} is what the writer will store (null means the source encoding).
 */
public final class Stream {
  private final String semantic;
  private final String type;
  private final int components;
  private final int sourceComponentType;
  private final boolean sourceNormalized;
  float[] data;
  Encoding encoding;

  /**
   * @param semantic attribute name ({@code POSITION}, {@code TEXCOORD_0}, ...)
   * @param type glTF accessor type (SCALAR, VEC2, VEC3, VEC4)
   * @param components components per vertex (1..4)
   * @param sourceComponentType componentType of the input accessor
   * @param sourceNormalized normalized flag of the input accessor
   * @param data the values, {@code vertexCount * components} floats
   */
  public Stream(
      String semantic,
      String type,
      int components,
      int sourceComponentType,
      boolean sourceNormalized,
      float[] data) {
    this.semantic = semantic;
    this.type = type;
    this.components = components;
    this.sourceComponentType = sourceComponentType;
    this.sourceNormalized = sourceNormalized;
    this.data = data;
  }

  public String semantic() {
    return semantic;
  }

  public String type() {
    return type;
  }

  public int components() {
    return components;
  }

  public int sourceComponentType() {
    return sourceComponentType;
  }

  public boolean sourceNormalized() {
    return sourceNormalized;
  }

  /** The values (not copied). */
  public float[] data() {
    return data;
  }

  /** The encoding the writer will use; null = the source encoding. */
  public Encoding encoding() {
    return encoding;
  }

  public int count() {
    return data.length / components;
  }

  Stream copyWith(float[] newData) {
    Stream s =
        new Stream(semantic, type, components, sourceComponentType, sourceNormalized, newData);
    s.encoding = encoding;
    return s;
  }
}
