package dev.assetgrid.node.processing.texture;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.ImageHeader;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.TextureRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * compress-texture: one PNG/JPEG image → one KTX2 file with Basis Universal, ready for {@code
 * KHR_texture_basisu}.
 *
 * <p>Recipe: sniff the format (KTX2 passes through after a header check); read the size from the
 * header and refuse images above {@code maxPixels} before decoding anything (decompression bombs);
 * decode to RGBA8; drop alpha when it is all opaque; resize to {@code maxSize} / power of two /
 * multiple of 4; build the mip chain ({@link Resampler}); encode ETC1S (colour) or UASTC + zstd
 * (normal, data) with an sRGB or linear transfer function per role; optionally transcode level 0
 * back and measure PSNR.
 *
 * <p>Errors: INPUT_LIMIT_EXCEEDED (too many pixels), DATA_ERROR (corrupt image, broken KTX2),
 * UNSUPPORTED_FORMAT (WebP, GIF, non-Basis KTX2...: kept as they are by the pipeline),
 * INVALID_REQUEST (options). Messages do not name the image: callers add that context.
 *
 * <p>The native codecs come in as ports ({@link ImageDecoder}, {@link TextureEncoder}); the stage
 * is thread-safe when they are.
 */
public final class CompressTexture {
  private final ImageDecoder decoder;
  private final TextureEncoder encoder;

  /**
   * @param decoder decodes the PNG and JPEG input; not null
   * @param encoder encodes (and for PSNR transcodes) KTX2; not null
   */
  public CompressTexture(ImageDecoder decoder, TextureEncoder encoder) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  /**
   * Image {@code k} of a model → KTX2, as the compress-texture task and the local pipeline run it.
   * An image in a format that cannot be compressed (UNSUPPORTED_FORMAT: WebP, GIF...) is skipped;
   * with {@link CompressTextureOptions.OnError#KEEP} so is one that fails for a reason a retry
   * cannot fix (corrupt, over a limit...). A skipped image stays as it is in the model.
   *
   * @param role the role to encode with, or null for the one its material slots imply ({@link
   *     TextureRoles}; COLOR when no material uses it)
   * @throws AssetGridException DATA_ERROR when image {@code k} does not exist; otherwise the
   *     failure of the image, its message prefixed with {@link TextureResult#label}
   */
  public TextureResult compressImage(
      GltfAsset asset, int k, TextureRole role, CompressTextureOptions options) {
    Objects.requireNonNull(options, "options");
    if (k < 0 || k >= asset.count("images")) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR,
          "image " + k + " does not exist: the model has " + asset.count("images") + " images");
    }
    String name = TextureResult.imageName(asset.element("images", k));
    TextureRole used =
        role != null ? role : TextureRoles.of(asset).getOrDefault(k, TextureRole.COLOR);
    try {
      return new TextureResult(
          k, name, used, compress(asset.imageBytes(k).bytes(), used, options), null, null);
    } catch (AssetGridException e) {
      boolean keep =
          e.code() == ErrorCode.UNSUPPORTED_FORMAT
              || options.onError() == CompressTextureOptions.OnError.KEEP
                  && !e.code().retryable()
                  && e.code() != ErrorCode.TASK_CANCELLED;
      if (keep) {
        return new TextureResult(k, name, used, null, e.getMessage(), e.code());
      }
      throw new AssetGridException(
          e.code(), TextureResult.label(k, name) + ": " + e.getMessage(), e.details(), e);
    }
  }

  /** Compresses one image and reports sizes, levels and quality. */
  public CompressedTexture compress(
      byte[] imageBytes, TextureRole role, CompressTextureOptions options) {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(options, "options");
    long start = System.nanoTime();
    String mime = ImageData.sniffMimeType(imageBytes);
    if ("image/ktx2".equals(mime) || Ktx2Info.isKtx2(imageBytes)) {
      return passthrough(imageBytes, role, options, start);
    }
    if (!"image/png".equals(mime) && !"image/jpeg".equals(mime)) {
      throw new AssetGridException(
          ErrorCode.UNSUPPORTED_FORMAT,
          (mime == null ? "unrecognised image format" : mime)
              + ": only PNG, JPEG and KTX2 images can be compressed");
    }
    ImageHeader header =
        ImageHeader.parse(imageBytes)
            .orElseThrow(
                () ->
                    new AssetGridException(
                        ErrorCode.DATA_ERROR, mime + " header is corrupt or truncated"));
    long pixels = (long) header.width() * header.height();
    if (pixels > options.maxPixels()) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          mime
              + " is "
              + header.width()
              + "x"
              + header.height()
              + " = "
              + pixels
              + " pixels, limit "
              + options.maxPixels());
    }
    ImageDecoder.Pixels decoded = decoder.decodeRgba(imageBytes, options.maxPixels());
    if (decoded.width() != header.width() || decoded.height() != header.height()) {
      throw new AssetGridException(
          ErrorCode.DATA_ERROR,
          "header says "
              + header.width()
              + "x"
              + header.height()
              + " but the image decodes to "
              + decoded.width()
              + "x"
              + decoded.height());
    }
    boolean alpha = hasAlpha(decoded.rgba());
    int[] size =
        Resampler.targetSize(
            decoded.width(), decoded.height(), options.maxSize(), options.powerOfTwo());
    byte[] base =
        Resampler.resize(
            decoded.rgba(), decoded.width(), decoded.height(), size[0], size[1], role, alpha);
    List<byte[]> rgbaLevels =
        options.mipmaps() ? Resampler.mipChain(base, size[0], size[1], role, alpha) : List.of(base);
    int channels = alpha ? 4 : 3;
    List<TextureEncoder.Level> levels = new ArrayList<>();
    for (int i = 0; i < rgbaLevels.size(); i++) {
      int w = Math.max(1, size[0] >> i);
      int h = Math.max(1, size[1] >> i);
      levels.add(
          new TextureEncoder.Level(w, h, alpha ? rgbaLevels.get(i) : dropAlpha(rgbaLevels.get(i))));
    }
    TextureEncoder.Codec codec = codec(role, options.mode());
    byte[] ktx2 =
        encoder.encode(
            new TextureEncoder.Request(
                levels,
                channels,
                role.srgb(),
                codec,
                options.etc1sQuality(),
                options.etc1sCompressionLevel(),
                options.uastcLevel(),
                options.uastcRdo(),
                (float) options.uastcRdoQuality(),
                options.zstdLevel(),
                options.threads()));
    Double psnr = null;
    if (options.psnr()) {
      ImageDecoder.Pixels back = encoder.transcodeRgba(ktx2, (long) size[0] * size[1]);
      psnr = psnr(base, back.rgba(), channels);
    }
    return new CompressedTexture(
        ktx2,
        role,
        codec.name().toLowerCase(java.util.Locale.ROOT),
        decoded.width(),
        decoded.height(),
        size[0],
        size[1],
        levels.size(),
        alpha,
        imageBytes.length,
        ktx2.length,
        psnr,
        (System.nanoTime() - start) / 1_000_000);
  }

  /** The codec for a role: ETC1S for colour, UASTC for normal and data maps, unless forced. */
  public static TextureEncoder.Codec codec(TextureRole role, CompressTextureOptions.Mode mode) {
    return switch (mode) {
      case ETC1S -> TextureEncoder.Codec.ETC1S;
      case UASTC -> TextureEncoder.Codec.UASTC;
      case AUTO ->
          role == TextureRole.COLOR ? TextureEncoder.Codec.ETC1S : TextureEncoder.Codec.UASTC;
    };
  }

  /**
   * PSNR in dB between two RGBA8 images of the same size over the first {@code channels} channels
   * (3: RGB, 4: RGBA), capped at {@link CompressedTexture#PSNR_CAP}.
   */
  public static double psnr(byte[] a, byte[] b, int channels) {
    if (a.length != b.length || a.length % 4 != 0) {
      throw new IllegalArgumentException("images differ in size: " + a.length + " vs " + b.length);
    }
    double sum = 0;
    long n = 0;
    for (int p = 0; p < a.length; p += 4) {
      for (int c = 0; c < channels; c++) {
        int d = (a[p + c] & 0xff) - (b[p + c] & 0xff);
        sum += d * d;
        n++;
      }
    }
    if (sum == 0) {
      return CompressedTexture.PSNR_CAP;
    }
    return Math.min(CompressedTexture.PSNR_CAP, 10 * Math.log10(255.0 * 255.0 / (sum / n)));
  }

  private CompressedTexture passthrough(
      byte[] bytes, TextureRole role, CompressTextureOptions options, long start) {
    Ktx2Info info = Ktx2Info.parse(bytes);
    if (info.width() * info.height() > options.maxPixels()) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED,
          "KTX2 is "
              + info.width()
              + "x"
              + info.height()
              + " pixels, limit "
              + options.maxPixels());
    }
    if (!info.basisUniversal2d()) {
      throw new AssetGridException(
          ErrorCode.UNSUPPORTED_FORMAT,
          "KTX2 is not a Basis Universal 2D texture (colorModel "
              + info.colorModel()
              + ", supercompression "
              + info.supercompression()
              + ")");
    }
    return new CompressedTexture(
        bytes,
        role,
        "passthrough",
        (int) info.width(),
        (int) info.height(),
        (int) info.width(),
        (int) info.height(),
        (int) info.levels(),
        info.hasAlpha(),
        bytes.length,
        bytes.length,
        null,
        (System.nanoTime() - start) / 1_000_000);
  }

  private static boolean hasAlpha(byte[] rgba) {
    for (int i = 3; i < rgba.length; i += 4) {
      if (rgba[i] != (byte) 0xff) {
        return true;
      }
    }
    return false;
  }

  private static byte[] dropAlpha(byte[] rgba) {
    byte[] rgb = new byte[rgba.length / 4 * 3];
    for (int i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
      rgb[o] = rgba[i];
      rgb[o + 1] = rgba[i + 1];
      rgb[o + 2] = rgba[i + 2];
    }
    return rgb;
  }
}
