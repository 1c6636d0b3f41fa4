package dev.assetgrid.node.processing.convert;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import java.util.Objects;

/**
 * The output of {@link Convert}: the glTF asset (one buffer, embedded images; write it with {@link
 * dev.assetgrid.node.processing.gltf.GlbWriter}) and the report.
 */
public record ConvertResult(GltfAsset asset, ConvertReport report) {
  public ConvertResult {
    Objects.requireNonNull(asset, "asset");
    Objects.requireNonNull(report, "report");
  }
}
