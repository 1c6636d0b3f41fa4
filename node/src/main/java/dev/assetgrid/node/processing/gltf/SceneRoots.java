package dev.assetgrid.node.processing.gltf;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The root nodes a viewer draws: the default scene's nodes, or every parentless node when there are
 * no scenes.
 */
public final class SceneRoots {
  private SceneRoots() {}

  /**
   * @param json the glTF document
   * @param nodeCount how many nodes it has
   * @return root node indices as written (unchecked: callers bounds-check before use)
   */
  public static List<Integer> of(JsonNode json, int nodeCount) {
    List<Integer> roots = new ArrayList<>();
    JsonNode scenes = json.path("scenes");
    if (scenes.size() > 0) {
      int s = json.path("scene").asInt(0);
      for (JsonNode n : scenes.path(s).path("nodes")) {
        roots.add(n.asInt(-1));
      }
      return roots;
    }
    Set<Integer> children = new HashSet<>();
    for (JsonNode node : json.path("nodes")) {
      node.path("children").forEach(c -> children.add(c.asInt(-1)));
    }
    for (int i = 0; i < nodeCount; i++) {
      if (!children.contains(i)) {
        roots.add(i);
      }
    }
    return roots;
  }
}
