package dev.assetgrid.node.processing;

import dev.assetgrid.node.processing.convert.SceneImporter;
import dev.assetgrid.node.processing.gltf.MeshoptDecoder;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.node.processing.optimize.MeshOptimizer;
import dev.assetgrid.node.processing.texture.TextureEncoder;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;

/**
 * The ports through which the stages reach native code, as one value: {@code natives.NativePorts}
 * builds it from the libraries that loaded on this machine, the worker's {@code Handlers} and the
 * local CLI take it from there and hand each stage the ports it needs. A port is null when its
 * library did not load.
 *
 * @param meshOptimizer meshoptimizer's mesh operations (optimize-mesh), or null
 * @param meshoptDecoder meshoptimizer's {@code EXT_meshopt_compression} decoder (reading compressed
 *     models), or null
 * @param sceneImporter Assimp (convert), or null
 * @param imageDecoder stb_image's PNG/JPEG decoder (compress-texture, convert's re-encoded
 *     textures), or null
 * @param textureEncoder libktx's KTX2 / Basis Universal codec (compress-texture), or null
 */
public record Ports(
    MeshOptimizer meshOptimizer,
    MeshoptDecoder meshoptDecoder,
    SceneImporter sceneImporter,
    ImageDecoder imageDecoder,
    TextureEncoder textureEncoder) {

  /** No native library at all. */
  public static final Ports NONE = new Ports(null, null, null, null, null);

  /**
   * {@code port} when it is there.
   *
   * @param library the native library that provides it, for the message ({@code meshoptimizer},
   *     {@code assimp}, {@code stb}, {@code ktx})
   * @throws AssetGridException NATIVE_UNAVAILABLE when {@code port} is null
   */
  public static <T> T require(T port, String library) {
    if (port == null) {
      throw AssetGridException.of(ErrorCode.NATIVE_UNAVAILABLE, library);
    }
    return port;
  }
}
