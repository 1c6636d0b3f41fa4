package dev.assetgrid.node.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The task handlers this build offers, filtered by the natives that loaded. */
public final class Handlers {
  private Handlers() {}

  public static List<TaskHandler> available(Map<String, String> natives) {
    List<TaskHandler> out = new ArrayList<>();
    out.add(new NoopHandler());
    out.add(new InspectHandler());
    out.add(new ValidateHandler());
    if (natives.containsKey("meshoptimizer")) {
      out.add(new OptimizeMeshHandler());
    }
    out.add(new ThumbnailHandler());
    if (natives.containsKey("ktx") && natives.containsKey("stb")) {
      out.add(new CompressTextureHandler());
    }
    out.add(new AssembleHandler());
    if (natives.containsKey("assimp")) {
      out.add(new ConvertHandler());
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
