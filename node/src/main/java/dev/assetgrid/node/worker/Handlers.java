package dev.assetgrid.node.worker;

import dev.assetgrid.node.natives.NativePorts;
import dev.assetgrid.node.processing.Ports;
import dev.assetgrid.node.processing.convert.Convert;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.texture.CompressTexture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The task handlers this build offers, built over the natives that loaded: each handler gets the
 * ports it uses, and a handler is offered only when the work it exists for can run here.
 *
 * <p>Every handler that reads a model gets the same {@link GltfReader}, which carries the
 * meshoptimizer decoder when there is one; without it a model's {@code EXT_meshopt_compression}
 * views fail with NATIVE_UNAVAILABLE (retryable: another attempt may run on a node that has it)
 * when a stage reads their data. Per handler:
 *
 * <ul>
 *   <li>inspect, validate, assemble: always. Inspect reads vertex data only in rare cases (POSITION
 *       without min/max, instancing), assemble never does (it copies compressed views as they are),
 *       and validate has its own loader, which reports {@code EXT_meshopt_compression} as an
 *       extension it does not validate (as the Khronos validator does) and decodes nothing.
 *   <li>optimize-mesh: needs meshoptimizer (it is the work itself).
 *   <li>thumbnail: needs meshoptimizer, because its usual input is optimize-mesh's output, which is
 *       meshopt-compressed by default; a node without the decoder could draw little of what it
 *       would lease.
 *   <li>compress-texture: needs libktx and stb (images never sit in compressed views).
 *   <li>convert: needs Assimp; stb re-encodes textures glTF cannot carry and the meshopt decoder
 *       reads a glTF upload passed through, each failing only the files that need it.
 * </ul>
 */
public final class Handlers {
  private Handlers() {}

  /** The handlers over the natives named in {@code natives} ({@link NativePorts#of}). */
  public static List<TaskHandler> available(Map<String, String> natives) {
    return available(NativePorts.of(natives));
  }

  /** The handlers over {@code ports}; see the class note for what each needs. */
  public static List<TaskHandler> available(Ports ports) {
    GltfReader reader = new GltfReader(ports.meshoptDecoder());
    boolean meshopt = ports.meshOptimizer() != null && ports.meshoptDecoder() != null;
    List<TaskHandler> out = new ArrayList<>();
    out.add(new NoopHandler());
    out.add(new InspectHandler(reader));
    out.add(new ValidateHandler());
    if (meshopt) {
      out.add(new OptimizeMeshHandler(reader, ports.meshOptimizer()));
      out.add(new ThumbnailHandler(reader));
    }
    if (ports.textureEncoder() != null && ports.imageDecoder() != null) {
      out.add(
          new CompressTextureHandler(
              reader, new CompressTexture(ports.imageDecoder(), ports.textureEncoder())));
    }
    out.add(new AssembleHandler(reader));
    if (ports.sceneImporter() != null) {
      out.add(
          new ConvertHandler(
              new Convert(ports.sceneImporter(), ports.imageDecoder(), ports.meshoptDecoder())));
    }
    return out;
  }

  /** {@code native:<name>=<version>} entries for the announcement. */
  public static List<String> nativeCapabilities(Map<String, String> natives) {
    List<String> out = new ArrayList<>();
    natives.forEach((k, v) -> out.add("native:" + k + "=" + v));
    return out;
  }
}
