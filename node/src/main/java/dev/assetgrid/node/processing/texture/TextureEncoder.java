package dev.assetgrid.node.processing.texture;

import dev.assetgrid.node.processing.image.ImageDecoder;
import java.util.List;

/**
 * Port of {@link CompressTexture}: encodes prepared mip levels into a KTX2 file with Basis
 * Universal (ETC1S/BasisLZ or UASTC with optional Zstandard), and transcodes such a file back to
 * RGBA8 for verification. Resizing, mip generation and colour handling happen before, in plain
 * Java; this port only wraps the native codec ({@code natives.LibKtxEncoder}). Thread-safe; each
 * call is independent. Arguments are never null.
 */
public interface TextureEncoder {

  /** Basis Universal codecs. */
  enum Codec {
    ETC1S,
    UASTC
  }

  /**
   * One mip level.
   *
   * @param width pixels, &gt;= 1
   * @param height pixels, &gt;= 1
   * @param pixels {@code width * height * channels} bytes, rows top to bottom, tightly packed
   */
  record Level(int width, int height, byte[] pixels) {}

  /**
   * What to encode.
   *
   * @param levels level 0 first; each level half the size of the previous one (rounded down, at
   *     least 1); 1 to 16 levels
   * @param channels 3 (RGB) or 4 (RGBA) bytes per pixel
   * @param srgb true: colour data, sRGB transfer (vkFormat R8G8B8[A8]_SRGB before
   *     supercompression); false: linear data (UNORM) and unspecified primaries, as
   *     KHR_texture_basisu requires
   * @param codec ETC1S or UASTC
   * @param etc1sQuality ETC1S quality, 1..255
   * @param etc1sCompressionLevel ETC1S effort, 0..5
   * @param uastcLevel UASTC pack level, 0 (fastest) ..4 (slowest)
   * @param uastcRdo whether to run UASTC rate-distortion optimisation (smaller after zstd, lower
   *     PSNR)
   * @param uastcRdoQuality RDO quality scalar, &gt; 0 (lower = higher quality, larger)
   * @param zstdLevel Zstandard level for UASTC, 0 = none, 1..22
   * @param threads encoder threads, &gt;= 1
   */
  record Request(
      List<Level> levels,
      int channels,
      boolean srgb,
      Codec codec,
      int etc1sQuality,
      int etc1sCompressionLevel,
      int uastcLevel,
      boolean uastcRdo,
      float uastcRdoQuality,
      int zstdLevel,
      int threads) {
    public Request {
      levels = List.copyOf(levels);
    }
  }

  /**
   * @return the KTX2 file (never null)
   * @throws dev.assetgrid.shared.error.AssetGridException INTERNAL_ERROR when the codec fails,
   *     INVALID_REQUEST for inconsistent levels
   */
  byte[] encode(Request request);

  /**
   * Level 0 of a Basis Universal KTX2 file as RGBA8.
   *
   * @param ktx2 the file; not modified
   * @param maxPixels refuse files whose level 0 is larger
   * @return the pixels of level 0 (never null)
   * @throws dev.assetgrid.shared.error.AssetGridException DATA_ERROR when the file cannot be loaded
   *     or transcoded, INPUT_LIMIT_EXCEEDED above {@code maxPixels}
   */
  ImageDecoder.Pixels transcodeRgba(byte[] ktx2, long maxPixels);
}
