package dev.assetgrid.node.processing.texture;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;

/**
 * The parts of a KTX2 header and its basic data format descriptor that decide whether a file can
 * serve as a KHR_texture_basisu image. Read in Java with every offset bounds-checked; nothing is
 * decoded.
 *
 * @param vkFormat 0 (VK_FORMAT_UNDEFINED) for Basis Universal files
 * @param width level 0 width in pixels
 * @param height level 0 height in pixels (1 for 1D)
 * @param depth 0 for 2D textures
 * @param layers array layers, 0 for non-arrays
 * @param faces 1, or 6 for cube maps
 * @param levels mip levels in the file
 * @param supercompression 0 none, 1 BasisLZ, 2 Zstandard, 3 ZLIB
 * @param colorModel DFD colour model: 163 ETC1S, 166 UASTC, 1 RGBSDA (uncompressed)...
 * @param colorPrimaries DFD primaries: 0 unspecified, 1 BT.709
 * @param transferFunction DFD transfer: 1 linear, 2 sRGB
 * @param hasAlpha whether the DFD describes an alpha channel
 */
public record Ktx2Info(
    int vkFormat,
    long width,
    long height,
    long depth,
    long layers,
    long faces,
    long levels,
    int supercompression,
    int colorModel,
    int colorPrimaries,
    int transferFunction,
    boolean hasAlpha) {

  public static final int COLOR_MODEL_ETC1S = 163;
  public static final int COLOR_MODEL_UASTC = 166;
  public static final int TRANSFER_LINEAR = 1;
  public static final int TRANSFER_SRGB = 2;
  public static final int PRIMARIES_UNSPECIFIED = 0;
  public static final int PRIMARIES_BT709 = 1;

  /** Whether {@code b} starts with the KTX2 identifier. */
  public static boolean isKtx2(byte[] b) {
    byte[] id = {(byte) 0xAB, 'K', 'T', 'X', ' ', '2', '0', (byte) 0xBB, '\r', '\n', 0x1A, '\n'};
    if (b.length < id.length) {
      return false;
    }
    for (int i = 0; i < id.length; i++) {
      if (b[i] != id[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses the header and DFD.
   *
   * @throws AssetGridException DATA_ERROR when the file is not KTX2 or its header/DFD is out of
   *     range
   */
  public static Ktx2Info parse(byte[] b) {
    if (!isKtx2(b) || b.length < 80) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "not a KTX2 file");
    }
    long levels = u32(b, 40);
    long dfdOffset = u32(b, 48);
    long dfdLength = u32(b, 52);
    if (levels > 32 || 80 + Math.max(1, levels) * 24 > b.length) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR, "KTX2 level index is out of range (" + levels + " levels)");
    }
    if (dfdLength < 28 || dfdOffset + dfdLength > b.length) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR, "KTX2 data format descriptor is out of range");
    }
    int d = (int) dfdOffset;
    int blockSize = (int) (u32(b, d + 8) >>> 16);
    if (blockSize < 24 || 4 + blockSize > dfdLength) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR, "KTX2 basic descriptor block has size " + blockSize);
    }
    int colorModel = b[d + 12] & 0xff;
    int primaries = b[d + 13] & 0xff;
    int transfer = b[d + 14] & 0xff;
    int samples = (blockSize - 24) / 16;
    boolean alpha = false;
    for (int s = 0; s < samples; s++) {
      int channel = (b[d + 4 + 24 + s * 16 + 3] & 0x0f);
      alpha |=
          switch (colorModel) {
            case COLOR_MODEL_ETC1S -> channel == 15; // KHR_DF_CHANNEL_ETC1S_AAA
            case COLOR_MODEL_UASTC -> channel == 3 || channel == 5; // RGBA, RRRG
            default -> channel == 15; // KHR_DF_CHANNEL_RGBSDA_ALPHA
          };
    }
    return new Ktx2Info(
        (int) u32(b, 12),
        u32(b, 20),
        Math.max(1, u32(b, 24)),
        u32(b, 28),
        u32(b, 32),
        u32(b, 36),
        Math.max(1, levels),
        (int) u32(b, 44),
        colorModel,
        primaries,
        transfer,
        alpha);
  }

  /** {@code etc1s}, {@code uastc}, or {@code other}. */
  public String codec() {
    return switch (colorModel) {
      case COLOR_MODEL_ETC1S -> "etc1s";
      case COLOR_MODEL_UASTC -> "uastc";
      default -> "other";
    };
  }

  /** Whether the file is a Basis Universal 2D texture that KHR_texture_basisu accepts. */
  public boolean basisUniversal2d() {
    boolean basis =
        (colorModel == COLOR_MODEL_ETC1S && supercompression == 1)
            || (colorModel == COLOR_MODEL_UASTC
                && (supercompression == 0 || supercompression == 2));
    return basis && depth == 0 && faces == 1 && layers <= 1;
  }

  private static long u32(byte[] b, int i) {
    return (b[i] & 0xff)
        | (b[i + 1] & 0xff) << 8
        | (b[i + 2] & 0xff) << 16
        | (long) (b[i + 3] & 0xff) << 24;
  }
}
