package dev.assetgrid.node.natives;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out at start which native libraries load on this machine, so the node only advertises (and
 * leases) task types it can run. A library that fails to load is reported, not fatal.
 */
public final class NativeProbe {
  private static final Logger LOG = LoggerFactory.getLogger(NativeProbe.class);

  /**
   * Names of the libraries in {@link #probe()}'s map, as the node announces them ({@code
   * native:<name>=...}).
   */
  public static final String MESHOPTIMIZER = "meshoptimizer";

  public static final String ASSIMP = "assimp";
  public static final String KTX = "ktx";
  public static final String STB = "stb";

  private NativeProbe() {}

  /** Library name → version string, for every native that loaded. */
  public static Map<String, String> probe() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeVertexBufferBound(1, 4);
      out.put(
          MESHOPTIMIZER,
          String.valueOf(org.lwjgl.util.meshoptimizer.MeshOptimizer.MESHOPTIMIZER_VERSION));
    } catch (Throwable t) {
      LOG.warn("meshoptimizer unavailable: {}", t.toString());
    }
    try {
      out.put(
          ASSIMP,
          org.lwjgl.assimp.Assimp.aiGetVersionMajor()
              + "."
              + org.lwjgl.assimp.Assimp.aiGetVersionMinor()
              + "."
              + org.lwjgl.assimp.Assimp.aiGetVersionPatch());
    } catch (Throwable t) {
      LOG.warn("assimp unavailable: {}", t.toString());
    }
    try {
      org.lwjgl.util.ktx.KTX.ktxErrorString(0);
      out.put(KTX, "lwjgl-" + org.lwjgl.Version.getVersion());
    } catch (Throwable t) {
      LOG.warn("libktx unavailable: {}", t.toString());
    }
    try {
      org.lwjgl.stb.STBImage.stbi_failure_reason();
      out.put(STB, "lwjgl-" + org.lwjgl.Version.getVersion());
    } catch (Throwable t) {
      LOG.warn("stb unavailable: {}", t.toString());
    }
    return out;
  }
}
