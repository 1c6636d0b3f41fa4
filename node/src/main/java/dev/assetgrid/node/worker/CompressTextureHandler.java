package dev.assetgrid.node.worker;

import dev.assetgrid.node.processing.assemble.Assemble;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.texture.CompressTexture;
import dev.assetgrid.node.processing.texture.TextureResult;
import dev.assetgrid.node.processing.texture.TextureRoles;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.CompressTextureParams;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.TaskParams;
import dev.assetgrid.shared.stage.TextureRole;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * {@code compress-texture}: one image of the model → {@code texture-<k>.ktx2}, through {@link
 * CompressTexture#compressImage} (the same entry point the local {@code process} command uses).
 *
 * <p>Params: {@code image} (required image index), {@code role} ({@code color|normal|data}; default
 * from the material slots, {@link TextureRoles}), and every field of {@link
 * CompressTextureOptions}, including {@code onError} ({@code fail|keep}, default fail). Reads the
 * model the plan names ({@value OutputNames#INPUT_PARAM}: the converted GLB when there is one, else
 * the original).
 *
 * <p>Result: {@link TextureResult#toJson()}: {@code image, name, role, mode
 * (etc1s|uastc|passthrough), widthIn, heightIn, widthOut, heightOut, levels, hasAlpha, bytesIn,
 * bytesOut, psnr, ms}. An image in a format that cannot be compressed (WebP, GIF...), or with
 * {@code onError: keep} one that fails for a non-retryable reason, is skipped: no output, {@code
 * mode: skipped} with {@code reason} and {@code code}, and assemble keeps it as it is. Every
 * failure names the image.
 */
public final class CompressTextureHandler implements TaskHandler {
  private final GltfReader reader;
  private final CompressTexture stage;

  /**
   * @param reader reads the model (images never sit in meshopt-compressed views)
   * @param stage the stage over the native image decoder and KTX2 encoder
   */
  public CompressTextureHandler(GltfReader reader, CompressTexture stage) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.stage = Objects.requireNonNull(stage, "stage");
  }

  @Override
  public TaskType type() {
    return TaskType.COMPRESS_TEXTURE;
  }

  @Override
  public TaskResult run(TaskWork work) throws Exception {
    TaskParams task = TaskParams.read(TaskType.COMPRESS_TEXTURE, work.params(), "");
    CompressTextureParams params = task.stage(CompressTextureParams.class);
    if (params.image() == null) {
      throw new AssetGridException(
          ErrorCode.INVALID_REQUEST, "compress-texture needs an image index param 'image'");
    }
    int k = params.image();
    CompressTextureOptions options = params.options();
    TextureRole role = params.role();
    GltfAsset asset = TaskInputs.readModel(reader, work, task);
    work.progress().accept(0.1);
    if (work.cancelled().getAsBoolean()) {
      throw new AssetGridException(
          ErrorCode.TASK_CANCELLED, "cancelled before encoding image " + k);
    }
    TextureResult r = stage.compressImage(asset, k, role, options);
    if (r.skipped()) {
      return new TaskResult(r.toJson(), List.of());
    }
    work.progress().accept(0.9);
    String outName = OutputNames.texture(k);
    Path out = work.workDir().resolve(outName);
    Files.write(out, r.compressed().ktx2());
    return new TaskResult(
        r.toJson(), List.of(new TaskResult.Output(outName, out, Assemble.KTX2_MIME)));
  }
}
