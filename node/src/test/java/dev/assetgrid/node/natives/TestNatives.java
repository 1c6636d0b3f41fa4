package dev.assetgrid.node.natives;

import dev.assetgrid.node.processing.Ports;
import dev.assetgrid.node.processing.convert.Convert;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.texture.CompressTexture;

/**
 * The real native implementations of the ports, for tests: stage and handler tests run on the real
 * libraries, never on stand-ins. Each is stateless and thread-safe, so one instance serves all
 * tests.
 */
public final class TestNatives {
  public static final LwjglMeshOptimizer MESH_OPTIMIZER = new LwjglMeshOptimizer();
  public static final LwjglMeshoptDecoder MESHOPT_DECODER = new LwjglMeshoptDecoder();
  public static final AssimpSceneImporter SCENE_IMPORTER = new AssimpSceneImporter();
  public static final StbImageDecoder IMAGE_DECODER = new StbImageDecoder();
  public static final LibKtxEncoder TEXTURE_ENCODER = new LibKtxEncoder();

  /** Every port, as a node where every native loaded has them. */
  public static final Ports PORTS =
      new Ports(MESH_OPTIMIZER, MESHOPT_DECODER, SCENE_IMPORTER, IMAGE_DECODER, TEXTURE_ENCODER);

  private TestNatives() {}

  /** A reader with the meshopt decoder, as the node's handlers read models. */
  public static GltfReader reader() {
    return new GltfReader(MESHOPT_DECODER);
  }

  /** The convert stage over Assimp, stb and the meshopt decoder. */
  public static Convert convert() {
    return new Convert(SCENE_IMPORTER, IMAGE_DECODER, MESHOPT_DECODER);
  }

  /** The compress-texture stage over stb and libktx. */
  public static CompressTexture compressTexture() {
    return new CompressTexture(IMAGE_DECODER, TEXTURE_ENCODER);
  }
}
