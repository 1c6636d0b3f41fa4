package dev.assetgrid.node.natives;

import static org.lwjgl.system.MemoryUtil.memByteBuffer;
import static org.lwjgl.util.ktx.KTX.KTX_SUCCESS;
import static org.lwjgl.util.ktx.KTX.KTX_TEXTURE_CREATE_ALLOC_STORAGE;
import static org.lwjgl.util.ktx.KTX.KTX_TEXTURE_CREATE_LOAD_IMAGE_DATA_BIT;
import static org.lwjgl.util.ktx.KTX.KTX_TTF_RGBA32;
import static org.lwjgl.util.ktx.KTX.ktxErrorString;
import static org.lwjgl.util.ktx.KTX.ktxTexture2_CompressBasisEx;
import static org.lwjgl.util.ktx.KTX.ktxTexture2_Create;
import static org.lwjgl.util.ktx.KTX.ktxTexture2_CreateFromMemory;
import static org.lwjgl.util.ktx.KTX.ktxTexture2_DeflateZstd;
import static org.lwjgl.util.ktx.KTX.ktxTexture2_NeedsTranscoding;
import static org.lwjgl.util.ktx.KTX.ktxTexture2_TranscodeBasis;
import static org.lwjgl.util.ktx.KTX.ktxTexture_Destroy;
import static org.lwjgl.util.ktx.KTX.ktxTexture_GetImageOffset;
import static org.lwjgl.util.ktx.KTX.ktxTexture_GetImageSize;
import static org.lwjgl.util.ktx.KTX.ktxTexture_SetImageFromMemory;
import static org.lwjgl.util.ktx.KTX.ktxTexture_WriteToMemory;
import static org.lwjgl.util.ktx.KTX.nktxTexture_GetData;
import static org.lwjgl.util.ktx.KTX.nktxTexture_GetDataSize;

import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.node.processing.texture.TextureEncoder;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import java.nio.ByteBuffer;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.libc.LibCStdlib;
import org.lwjgl.util.ktx.ktxBasisParams;
import org.lwjgl.util.ktx.ktxTexture;
import org.lwjgl.util.ktx.ktxTexture2;
import org.lwjgl.util.ktx.ktxTextureCreateInfo;

/**
 * {@link TextureEncoder} over libktx 4.3 (lwjgl-ktx 3.3.6: {@code ktxBasisParams.uastc(boolean)}
 * and {@code compressionLevel}; 3.4.x renamed them). Flow: {@code ktxTexture2_Create} with an
 * R8G8B8[A8] (sRGB or UNORM) format, one {@code SetImageFromMemory} per level, {@code
 * CompressBasisEx}, {@code DeflateZstd} (UASTC only: ETC1S is already BasisLZ), {@code
 * WriteToMemory} (result malloc'ed by libktx, freed with {@code nfree}).
 *
 * <p>SSE is off by default: the SSE4.1 kernels of the bundled basisu (KTX-Software 4.3.2, built
 * with assertions) abort the process ({@code perceptual_distance_rgb_4_N: Assertion early_out_err
 * >= 0}) on ordinary inputs, e.g. the second texture of the VertexColorTest sample, because the
 * first trial passes UINT64_MAX as a signed early-out bound. An abort would take the whole node
 * down, so the scalar path is used; {@code TextureBench} measures what that costs.
 *
 * <p>libktx writes BT.709 primaries for UNORM input too; KHR_texture_basisu wants {@code
 * KHR_DF_PRIMARIES_UNSPECIFIED} for non-colour data, so the DFD byte is patched in the output.
 */
public final class LibKtxEncoder implements TextureEncoder {
  private static final int VK_FORMAT_R8G8B8_UNORM = 23;
  private static final int VK_FORMAT_R8G8B8_SRGB = 29;
  private static final int VK_FORMAT_R8G8B8A8_UNORM = 37;
  private static final int VK_FORMAT_R8G8B8A8_SRGB = 43;
  private static final int MAX_LEVELS = 16;

  private final boolean allowSse;

  /** The safe encoder (no SSE kernels, see the class note). */
  public LibKtxEncoder() {
    this(false);
  }

  /**
   * @param allowSse use basisu's SSE4.1 kernels: faster, but some inputs abort the process; for
   *     benchmarks only
   */
  public LibKtxEncoder(boolean allowSse) {
    this.allowSse = allowSse;
  }

  @Override
  public byte[] encode(Request r) {
    check(r);
    Level base = r.levels().get(0);
    int vkFormat =
        r.channels() == 4
            ? (r.srgb() ? VK_FORMAT_R8G8B8A8_SRGB : VK_FORMAT_R8G8B8A8_UNORM)
            : (r.srgb() ? VK_FORMAT_R8G8B8_SRGB : VK_FORMAT_R8G8B8_UNORM);
    byte[] out;
    try (MemoryStack stack = MemoryStack.stackPush()) {
      ktxTextureCreateInfo ci =
          ktxTextureCreateInfo
              .calloc(stack)
              .vkFormat(vkFormat)
              .baseWidth(base.width())
              .baseHeight(base.height())
              .baseDepth(1)
              .numDimensions(2)
              .numLevels(r.levels().size())
              .numLayers(1)
              .numFaces(1)
              .isArray(false)
              .generateMipmaps(false);
      PointerBuffer pp = stack.mallocPointer(1);
      ok(ktxTexture2_Create(ci, KTX_TEXTURE_CREATE_ALLOC_STORAGE, pp), "ktxTexture2_Create");
      long handle = pp.get(0);
      ktxTexture tex = ktxTexture.create(handle);
      try {
        for (int level = 0; level < r.levels().size(); level++) {
          byte[] pixels = r.levels().get(level).pixels();
          long expected = ktxTexture_GetImageSize(tex, level);
          if (expected != pixels.length) {
            throw new AssetGridException(
                ErrorCode.INTERNAL_ERROR,
                "level " + level + " has " + pixels.length + " bytes, libktx expects " + expected);
          }
          ByteBuffer buf = NativeMemory.bytes(pixels.length);
          try {
            buf.put(pixels).flip();
            ok(
                ktxTexture_SetImageFromMemory(tex, level, 0, 0, buf),
                "ktxTexture_SetImageFromMemory");
          } finally {
            NativeMemory.free(buf);
          }
        }
        ktxBasisParams params =
            ktxBasisParams
                .calloc(stack)
                .structSize(ktxBasisParams.SIZEOF)
                .uastc(r.codec() == Codec.UASTC)
                .noSSE(!allowSse)
                .threadCount(r.threads());
        if (r.codec() == Codec.ETC1S) {
          params.qualityLevel(r.etc1sQuality()).compressionLevel(r.etc1sCompressionLevel());
        } else {
          params.uastcFlags(r.uastcLevel()).uastcRDO(r.uastcRdo());
          if (r.uastcRdo()) {
            params.uastcRDOQualityScalar(r.uastcRdoQuality());
          }
        }
        ktxTexture2 tex2 = ktxTexture2.create(handle);
        ok(ktxTexture2_CompressBasisEx(tex2, params), "ktxTexture2_CompressBasisEx");
        if (r.codec() == Codec.UASTC && r.zstdLevel() > 0) {
          ok(ktxTexture2_DeflateZstd(tex2, r.zstdLevel()), "ktxTexture2_DeflateZstd");
        }
        PointerBuffer pData = stack.mallocPointer(1);
        PointerBuffer pSize = stack.mallocPointer(1);
        ok(ktxTexture_WriteToMemory(tex, pData, pSize), "ktxTexture_WriteToMemory");
        long data = pData.get(0);
        try {
          long size = pSize.get(0);
          if (data == 0 || size <= 0 || size > Integer.MAX_VALUE - 64) {
            throw new AssetGridException(
                ErrorCode.INTERNAL_ERROR, "libktx wrote " + size + " bytes");
          }
          out = new byte[(int) size];
          memByteBuffer(data, (int) size).get(out);
        } finally {
          LibCStdlib.nfree(data);
        }
      } finally {
        ktxTexture_Destroy(tex);
      }
    }
    if (!r.srgb()) {
      setPrimariesUnspecified(out);
    }
    return out;
  }

  @Override
  public ImageDecoder.Pixels transcodeRgba(byte[] ktx2, long maxPixels) {
    if (ktx2.length < 80
        || (ktx2[0] & 0xff) != 0xAB
        || ktx2[1] != 'K'
        || ktx2[2] != 'T'
        || ktx2[3] != 'X'
        || ktx2[5] != '2'
        || ktx2[6] != '0') {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "not a KTX2 file");
    }
    long w = u32(ktx2, 20);
    long h = Math.max(1, u32(ktx2, 24));
    if (w < 1) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "KTX2 width is 0");
    }
    if (w * h > Math.min(maxPixels, StbImageDecoder.HARD_MAX_PIXELS)) {
      throw new AssetGridException(
          ErrorCode.INPUT_LIMIT_EXCEEDED, "KTX2 level 0 is " + w + "x" + h + " pixels");
    }
    ByteBuffer src = NativeMemory.bytes(ktx2.length);
    try (MemoryStack stack = MemoryStack.stackPush()) {
      src.put(ktx2).flip();
      PointerBuffer pp = stack.mallocPointer(1);
      int rc = ktxTexture2_CreateFromMemory(src, KTX_TEXTURE_CREATE_LOAD_IMAGE_DATA_BIT, pp);
      if (rc != KTX_SUCCESS) {
        throw new AssetGridException(
            ErrorCode.DATA_ERROR, "KTX2 cannot be loaded: " + ktxErrorString(rc));
      }
      long handle = pp.get(0);
      try {
        ktxTexture2 tex2 = ktxTexture2.create(handle);
        if (tex2.baseWidth() != w || Math.max(1, tex2.baseHeight()) != h) {
          throw new AssetGridException(
              ErrorCode.DATA_ERROR, "KTX2 header and libktx disagree on the size");
        }
        if (ktxTexture2_NeedsTranscoding(tex2)) {
          rc = ktxTexture2_TranscodeBasis(tex2, KTX_TTF_RGBA32, 0);
          if (rc != KTX_SUCCESS) {
            throw new AssetGridException(
                ErrorCode.DATA_ERROR, "KTX2 cannot be transcoded: " + ktxErrorString(rc));
          }
        } else if (tex2.vkFormat() != VK_FORMAT_R8G8B8A8_SRGB
            && tex2.vkFormat() != VK_FORMAT_R8G8B8A8_UNORM) {
          throw new AssetGridException(
              ErrorCode.DATA_ERROR,
              "KTX2 is neither Basis Universal nor RGBA8 (vkFormat " + tex2.vkFormat() + ")");
        }
        PointerBuffer off = stack.mallocPointer(1);
        ok(
            ktxTexture_GetImageOffset(ktxTexture.create(handle), 0, 0, 0, off),
            "ktxTexture_GetImageOffset");
        long offset = off.get(0);
        long size = w * h * 4;
        long dataSize = nktxTexture_GetDataSize(handle);
        long data = nktxTexture_GetData(handle);
        if (data == 0 || offset < 0 || offset + size > dataSize) {
          throw new AssetGridException(
              ErrorCode.DATA_ERROR, "KTX2 level 0 is outside the texture data");
        }
        byte[] rgba = new byte[(int) size];
        memByteBuffer(data + offset, (int) size).get(rgba);
        return new ImageDecoder.Pixels((int) w, (int) h, 4, rgba);
      } finally {
        ktxTexture_Destroy(ktxTexture.create(handle));
      }
    } finally {
      NativeMemory.free(src);
    }
  }

  private static void check(Request r) {
    if (r.levels().isEmpty() || r.levels().size() > MAX_LEVELS) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "1.." + MAX_LEVELS + " levels, got " + r.levels().size());
    }
    if (r.channels() != 3 && r.channels() != 4) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "channels must be 3 or 4: " + r.channels());
    }
    if (r.threads() < 1
        || r.etc1sQuality() < 1
        || r.etc1sQuality() > 255
        || r.etc1sCompressionLevel() < 0
        || r.etc1sCompressionLevel() > 5
        || r.uastcLevel() < 0
        || r.uastcLevel() > 4
        || r.zstdLevel() < 0
        || r.zstdLevel() > 22
        || !(r.uastcRdoQuality() > 0)) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "encoder setting out of range: " + r);
    }
    Level base = r.levels().get(0);
    for (int i = 0; i < r.levels().size(); i++) {
      Level l = r.levels().get(i);
      int w = Math.max(1, base.width() >> i);
      int h = Math.max(1, base.height() >> i);
      if (l.width() != w || l.height() != h || l.pixels().length != (long) w * h * r.channels()) {
        throw new AssetGridException(
            ErrorCode.INVALID_REQUEST,
            "level " + i + " must be " + w + "x" + h + " with " + r.channels() + " channels");
      }
    }
  }

  /** Sets {@code colorPrimaries} of the basic DFD block to KHR_DF_PRIMARIES_UNSPECIFIED (0). */
  private static void setPrimariesUnspecified(byte[] ktx2) {
    long dfd = u32(ktx2, 48);
    long dfdLength = u32(ktx2, 52);
    if (dfdLength >= 16 && dfd + 16 <= ktx2.length) {
      ktx2[(int) dfd + 13] = 0;
    }
  }

  private static long u32(byte[] b, int i) {
    return (b[i] & 0xff)
        | (b[i + 1] & 0xff) << 8
        | (b[i + 2] & 0xff) << 16
        | (long) (b[i + 3] & 0xff) << 24;
  }

  private static void ok(int rc, String call) {
    if (rc != KTX_SUCCESS) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR, call + " failed: " + ktxErrorString(rc) + " (" + rc + ")");
    }
  }
}
