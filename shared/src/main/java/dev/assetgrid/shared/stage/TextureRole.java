package dev.assetgrid.shared.stage;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.util.Locale;

/**
 * How a material uses an image; decides the transfer function, the filtering and the default codec.
 */
public enum TextureRole {
  /**
   * Colour data (base colour, emissive, sheen colour, specular colour...): sRGB, ETC1S by default.
   */
  COLOR("color"),
  /** Tangent-space normals: linear, renormalised when filtered, UASTC by default. */
  NORMAL("normal"),
  /**
   * Other non-colour data (metallic-roughness, occlusion, clearcoat, transmission...): linear,
   * UASTC.
   */
  DATA("data");

  private final String wire;

  TextureRole(String wire) {
    this.wire = wire;
  }

  /** Name in task params and results: {@code color}, {@code normal}, {@code data}. */
  public String wire() {
    return wire;
  }

  /** Whether texels are sRGB-encoded colour (filtering happens in linear light). */
  public boolean srgb() {
    return this == COLOR;
  }

  /** Parses a wire name (case-insensitive); INVALID_REQUEST for anything else. */
  public static TextureRole fromWire(String s) {
    if (s != null) {
      for (TextureRole r : values()) {
        if (r.wire.equals(s.toLowerCase(Locale.ROOT))) {
          return r;
        }
      }
    }
    throw new AssetGridException(
        ErrorCode.INVALID_REQUEST, "texture role must be color, normal or data: " + s);
  }
}
