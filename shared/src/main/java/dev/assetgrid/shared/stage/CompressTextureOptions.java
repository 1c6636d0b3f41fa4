package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Options of the {@code compress-texture} stage. Defaults follow the KTX-Software / gltfpack
 * defaults.
 *
 * @param mode {@code AUTO} (ETC1S for colour, UASTC for normal and data maps), or force one codec.
 *     Default AUTO.
 * @param maxPixels largest input image accepted, in pixels (width x height), read from the header
 *     before decoding. Default {@value #DEFAULT_MAX_PIXELS} (8192 x 8192); 1..{@value
 *     #HARD_MAX_PIXELS}.
 * @param maxSize longest side of the output in pixels, 0 = no limit (aspect ratio kept). Default 0;
 *     otherwise 4..16384.
 * @param powerOfTwo resize each side to the nearest power of two (not above {@code maxSize}).
 *     Default false. Sides are always rounded to a multiple of 4, which KHR_texture_basisu
 *     requires.
 * @param mipmaps write a full mip chain (box filter, in linear light for colour, renormalised for
 *     normal maps). Default true: KHR_texture_basisu asks for it when samplers use mipmaps.
 * @param etc1sQuality ETC1S quality 1..255. Default {@value #DEFAULT_ETC1S_QUALITY}.
 * @param etc1sCompressionLevel ETC1S effort 0..5. Default {@value
 *     #DEFAULT_ETC1S_COMPRESSION_LEVEL}.
 * @param uastcLevel UASTC pack level 0 (fastest) ..4 (slowest). Default {@value
 *     #DEFAULT_UASTC_LEVEL}.
 * @param uastcRdo UASTC rate-distortion optimisation (smaller after zstd, a few dB lower PSNR).
 *     Default false.
 * @param uastcRdoQuality RDO quality scalar, 0.001..10 (lower = better, larger). Default 1.0.
 * @param zstdLevel Zstandard level applied to UASTC, 0 = none, 1..22. Default {@value
 *     #DEFAULT_ZSTD_LEVEL}.
 * @param threads encoder threads, 1..64. Default 1: one task occupies one worker slot.
 * @param psnr transcode the result once and report the PSNR of level 0 against the (resized)
 *     source. Default true (a few ms per megapixel).
 * @param onError what the stage does when an image cannot be compressed for a reason a retry cannot
 *     fix (corrupt, too large...): {@code FAIL} the stage, naming the image, or {@code KEEP} the
 *     original image and report it as skipped. Default FAIL. Images in formats that cannot be
 *     compressed at all (WebP, GIF...) are always kept.
 */
public record CompressTextureOptions(
    Mode mode,
    long maxPixels,
    int maxSize,
    boolean powerOfTwo,
    boolean mipmaps,
    int etc1sQuality,
    int etc1sCompressionLevel,
    int uastcLevel,
    boolean uastcRdo,
    double uastcRdoQuality,
    int zstdLevel,
    int threads,
    boolean psnr,
    OnError onError) {

  /** Codec choice. */
  public enum Mode {
    AUTO,
    ETC1S,
    UASTC;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What to do with an image that fails to compress. */
  public enum OnError {
    FAIL,
    KEEP;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The default mode and error policy as they are written in JSON and on the command line. */
  public static final String DEFAULT_MODE_NAME = "auto";

  public static final String DEFAULT_ON_ERROR_NAME = "fail";

  /** Longest output side: 0 = no limit. */
  public static final int DEFAULT_MAX_SIZE = 0;

  public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;
  public static final long HARD_MAX_PIXELS = 1L << 28;
  public static final int MAX_SIZE_LIMIT = 16384;
  public static final int DEFAULT_ETC1S_QUALITY = 128;
  public static final int DEFAULT_ETC1S_COMPRESSION_LEVEL = 2;
  public static final int DEFAULT_UASTC_LEVEL = 2;
  public static final double DEFAULT_UASTC_RDO_QUALITY = 1.0;
  public static final int DEFAULT_ZSTD_LEVEL = 18;
  public static final int DEFAULT_THREADS = 1;

  public static final CompressTextureOptions DEFAULTS =
      new CompressTextureOptions(
          Mode.valueOf(DEFAULT_MODE_NAME.toUpperCase(Locale.ROOT)),
          DEFAULT_MAX_PIXELS,
          DEFAULT_MAX_SIZE,
          false,
          true,
          DEFAULT_ETC1S_QUALITY,
          DEFAULT_ETC1S_COMPRESSION_LEVEL,
          DEFAULT_UASTC_LEVEL,
          false,
          DEFAULT_UASTC_RDO_QUALITY,
          DEFAULT_ZSTD_LEVEL,
          DEFAULT_THREADS,
          true,
          OnError.valueOf(DEFAULT_ON_ERROR_NAME.toUpperCase(Locale.ROOT)));

  public CompressTextureOptions {
    OptionReader.require(mode != null, "mode", "must be set", mode);
    OptionReader.require(
        maxPixels >= 1 && maxPixels <= HARD_MAX_PIXELS,
        "maxPixels",
        "must be in 1.." + HARD_MAX_PIXELS,
        maxPixels);
    OptionReader.require(
        maxSize == 0 || (maxSize >= 4 && maxSize <= MAX_SIZE_LIMIT),
        "maxSize",
        "must be 0 or in 4.." + MAX_SIZE_LIMIT,
        maxSize);
    OptionReader.require(
        etc1sQuality >= 1 && etc1sQuality <= 255,
        "etc1sQuality",
        "must be in 1..255",
        etc1sQuality);
    OptionReader.require(
        etc1sCompressionLevel >= 0 && etc1sCompressionLevel <= 5,
        "etc1sCompressionLevel",
        "must be in 0..5",
        etc1sCompressionLevel);
    OptionReader.require(
        uastcLevel >= 0 && uastcLevel <= 4, "uastcLevel", "must be in 0..4", uastcLevel);
    OptionReader.require(
        uastcRdoQuality >= 0.001 && uastcRdoQuality <= 10,
        "uastcRdoQuality",
        "must be in 0.001..10",
        uastcRdoQuality);
    OptionReader.require(
        zstdLevel >= 0 && zstdLevel <= 22, "zstdLevel", "must be in 0..22", zstdLevel);
    OptionReader.require(threads >= 1 && threads <= 64, "threads", "must be in 1..64", threads);
    OptionReader.require(onError != null, "onError", "must be set", onError);
  }

  /**
   * Reads the options' members strictly (see {@link OptionReader}); absent ones take the defaults.
   */
  public static CompressTextureOptions read(OptionReader r) {
    CompressTextureOptions d = DEFAULTS;
    Mode mode = r.choice("mode", Mode.class, d.mode);
    long maxPixels = r.longInteger("maxPixels", d.maxPixels);
    int maxSize = r.integer("maxSize", d.maxSize);
    boolean powerOfTwo = r.bool("powerOfTwo", d.powerOfTwo);
    boolean mipmaps = r.bool("mipmaps", d.mipmaps);
    int etc1sQuality = r.integer("etc1sQuality", d.etc1sQuality);
    int etc1sCompressionLevel = r.integer("etc1sCompressionLevel", d.etc1sCompressionLevel);
    int uastcLevel = r.integer("uastcLevel", d.uastcLevel);
    boolean uastcRdo = r.bool("uastcRdo", d.uastcRdo);
    double uastcRdoQuality = r.number("uastcRdoQuality", d.uastcRdoQuality);
    int zstdLevel = r.integer("zstdLevel", d.zstdLevel);
    int threads = r.integer("threads", d.threads);
    boolean psnr = r.bool("psnr", d.psnr);
    OnError onError = r.choice("onError", OnError.class, d.onError);
    return r.build(
        () ->
            new CompressTextureOptions(
                mode,
                maxPixels,
                maxSize,
                powerOfTwo,
                mipmaps,
                etc1sQuality,
                etc1sCompressionLevel,
                uastcLevel,
                uastcRdo,
                uastcRdoQuality,
                zstdLevel,
                threads,
                psnr,
                onError));
  }

  /** Reads a whole JSON object strictly: unknown keys are refused. */
  public static CompressTextureOptions fromJson(JsonNode json) {
    OptionReader r = OptionReader.of(json, "");
    CompressTextureOptions o = read(r);
    r.end();
    return o;
  }

  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("mode", mode.wire());
    o.put("maxPixels", maxPixels);
    o.put("maxSize", maxSize);
    o.put("powerOfTwo", powerOfTwo);
    o.put("mipmaps", mipmaps);
    o.put("etc1sQuality", etc1sQuality);
    o.put("etc1sCompressionLevel", etc1sCompressionLevel);
    o.put("uastcLevel", uastcLevel);
    o.put("uastcRdo", uastcRdo);
    o.put("uastcRdoQuality", uastcRdoQuality);
    o.put("zstdLevel", zstdLevel);
    o.put("threads", threads);
    o.put("psnr", psnr);
    o.put("onError", onError.wire());
    return o;
  }

  /** A copy with another mode. */
  public CompressTextureOptions withMode(Mode m) {
    return new CompressTextureOptions(
        m,
        maxPixels,
        maxSize,
        powerOfTwo,
        mipmaps,
        etc1sQuality,
        etc1sCompressionLevel,
        uastcLevel,
        uastcRdo,
        uastcRdoQuality,
        zstdLevel,
        threads,
        psnr,
        onError);
  }

  /** A copy with another size policy. */
  public CompressTextureOptions withSize(
      int newMaxSize, boolean newPowerOfTwo, boolean newMipmaps) {
    return new CompressTextureOptions(
        mode,
        maxPixels,
        newMaxSize,
        newPowerOfTwo,
        newMipmaps,
        etc1sQuality,
        etc1sCompressionLevel,
        uastcLevel,
        uastcRdo,
        uastcRdoQuality,
        zstdLevel,
        threads,
        psnr,
        onError);
  }

  /** A copy with another error policy. */
  public CompressTextureOptions withOnError(OnError newOnError) {
    return new CompressTextureOptions(
        mode,
        maxPixels,
        maxSize,
        powerOfTwo,
        mipmaps,
        etc1sQuality,
        etc1sCompressionLevel,
        uastcLevel,
        uastcRdo,
        uastcRdoQuality,
        zstdLevel,
        threads,
        psnr,
        newOnError);
  }

  /** A copy with another ETC1S quality (1..255). */
  public CompressTextureOptions withEtc1sQuality(int newEtc1sQuality) {
    return new CompressTextureOptions(
        mode,
        maxPixels,
        maxSize,
        powerOfTwo,
        mipmaps,
        newEtc1sQuality,
        etc1sCompressionLevel,
        uastcLevel,
        uastcRdo,
        uastcRdoQuality,
        zstdLevel,
        threads,
        psnr,
        onError);
  }

  /** A copy with another pixel limit. */
  public CompressTextureOptions withMaxPixels(long newMaxPixels) {
    return new CompressTextureOptions(
        mode,
        newMaxPixels,
        maxSize,
        powerOfTwo,
        mipmaps,
        etc1sQuality,
        etc1sCompressionLevel,
        uastcLevel,
        uastcRdo,
        uastcRdoQuality,
        zstdLevel,
        threads,
        psnr,
        onError);
  }
}
