package dev.assetgrid.node.processing.texture;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.TestAssets;

final class TestJson {
  private TestJson() {}

  /** JSON with ' for ". */
  static ObjectNode of(String json) {
    return TestAssets.json(json);
  }
}
