package dev.assetgrid.node.processing;

import dev.assetgrid.shared.stage.AssembleOptions;
import dev.assetgrid.shared.stage.ConvertOptions;
import dev.assetgrid.shared.stage.OptimizeMeshOptions;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import java.util.Objects;

/**
 * Options of the local recipe {@link Pipeline#process}: one options record per stage, each with its
 * own defaults (this record adds none).
 *
 * @param convert convert stage, used when the input is not glTF; not null
 * @param mesh optimize-mesh stage; not null
 * @param textures compress-texture stage for every texture image, or null to keep the images as they
 *     are (then assemble is skipped too)
 * @param assemble assemble stage (used with {@code textures}); not null
 * @param thumbnail thumbnail stage, or null for no thumbnail
 */
public record PipelineOptions(ConvertOptions convert, OptimizeMeshOptions mesh, CompressTextureOptions textures,
    AssembleOptions assemble, ThumbnailOptions thumbnail) {
  /** Convert and optimize-mesh with their defaults; images kept, no thumbnail. */
  public static final PipelineOptions DEFAULTS = new PipelineOptions(ConvertOptions.DEFAULTS,
      OptimizeMeshOptions.DEFAULTS, null, AssembleOptions.DEFAULTS, null);

  public PipelineOptions {
    Objects.requireNonNull(convert, "convert");
    Objects.requireNonNull(mesh, "mesh");
    Objects.requireNonNull(assemble, "assemble");
  }
}
