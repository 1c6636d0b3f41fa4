package dev.assetgrid.node.natives;

import dev.assetgrid.node.processing.Ports;
import dev.assetgrid.node.processing.convert.SceneImporter;
import dev.assetgrid.node.processing.gltf.MeshoptDecoder;
import dev.assetgrid.node.processing.image.ImageDecoder;
import dev.assetgrid.node.processing.optimize.MeshOptimizer;
import dev.assetgrid.node.processing.texture.TextureEncoder;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that builds the native implementations of the stages' ports: the worker ({@code
 * Handlers}) and the local CLI both get their {@link Ports} here. Only libraries that {@link
 * NativeProbe} found loadable get an implementation; the others' ports stay null, and the caller
 * offers or fails the work that needs them.
 */
public final class NativePorts {
  private static final Logger LOG = LoggerFactory.getLogger(NativePorts.class);

  private NativePorts() {}

  /** Probes the natives ({@link NativeProbe#probe()}) and builds the ports of those that loaded. */
  public static Ports load() {
    return of(NativeProbe.probe());
  }

  /**
   * The ports of the libraries named in {@code loaded} (keys as {@link NativeProbe#probe()} gives
   * them; versions are ignored): meshoptimizer → {@link LwjglMeshOptimizer} and {@link
   * LwjglMeshoptDecoder}, assimp → {@link AssimpSceneImporter}, stb → {@link StbImageDecoder}, ktx
   * → {@link LibKtxEncoder}. A named library whose implementation still fails to load is logged and
   * left out.
   */
  public static Ports of(Map<String, String> loaded) {
    boolean meshopt = loaded.containsKey(NativeProbe.MESHOPTIMIZER);
    MeshOptimizer optimizer =
        meshopt ? create(NativeProbe.MESHOPTIMIZER, LwjglMeshOptimizer::new) : null;
    MeshoptDecoder decoder = optimizer != null ? new LwjglMeshoptDecoder() : null;
    SceneImporter importer =
        loaded.containsKey(NativeProbe.ASSIMP)
            ? create(NativeProbe.ASSIMP, AssimpSceneImporter::new)
            : null;
    ImageDecoder images =
        loaded.containsKey(NativeProbe.STB) ? create(NativeProbe.STB, StbImageDecoder::new) : null;
    TextureEncoder textures =
        loaded.containsKey(NativeProbe.KTX) ? create(NativeProbe.KTX, LibKtxEncoder::new) : null;
    return new Ports(optimizer, decoder, importer, images, textures);
  }

  private static <T> T create(String library, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (LinkageError e) {
      LOG.warn("{} unavailable: {}", library, e.toString());
      return null;
    }
  }
}
