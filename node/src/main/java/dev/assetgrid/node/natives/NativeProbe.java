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

  private NativeProbe() {}

  /** Library name → version string, for every native that loaded. */
  public static Map<String, String> probe() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      org.lwjgl.util.meshoptimizer.MeshOptimizer.meshopt_encodeVertexBufferBound(1, 4);
      out.put("meshoptimizer", String.valueOf(org.lwjgl.util.meshoptimizer.MeshOptimizer.MESHOPTIMIZER_VERSION));
    } catch (Throwable t) {
      LOG.warn("meshoptimizer unavailable: {}", t.toString());
    }
    try {
      out.put("assimp", org.lwjgl.assimp.Assimp.aiGetVersionMajor() + "." + org.lwjgl.assimp.Assimp.aiGetVersionMinor()
          + "." + org.lwjgl.assimp.Assimp.aiGetVersionPatch());
    } catch (Throwable t) {
      LOG.warn("assimp unavailable: {}", t.toString());
    }
    try {
      org.lwjgl.util.ktx.KTX.ktxErrorString(0);
      out.put("ktx", "lwjgl-" + org.lwjgl.Version.getVersion());
    } catch (Throwable t) {
      LOG.warn("libktx unavailable: {}", t.toString());
    }
    try {
      org.lwjgl.stb.STBImage.stbi_failure_reason();
      out.put("stb", "lwjgl-" + org.lwjgl.Version.getVersion());
    } catch (Throwable t) {
      LOG.warn("stb unavailable: {}", t.toString());
    }
    return out;
  }
}
