package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.assemble.Assemble;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.texture.CompressTexture;
import dev.assetgrid.node.processing.texture.CompressTextureOptions;
import dev.assetgrid.node.processing.texture.CompressedTexture;
import dev.assetgrid.node.processing.texture.TextureRole;
import dev.assetgrid.node.processing.texture.TextureRoles;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code compress-texture}: one image of the model → {@code texture-<k>.ktx2}.
 *
 * <p>Params: {@code image} (required image index), {@code role} ({@code color|normal|data};
 * default from the material slots, {@link TextureRoles}), and every field of
 * {@link CompressTextureOptions}. Reads the converted model when there is one, else the original.
 *
 * <p>Result: {@code image, name, role, mode (etc1s|uastc|passthrough|skipped), widthIn, heightIn,
 * widthOut, heightOut, levels, hasAlpha, bytesIn, bytesOut, psnr, ms}. An image in a format that
 * cannot be compressed (WebP, GIF...) is skipped: no output, {@code mode: skipped} with a
 * {@code reason}, and assemble keeps it as it is. Every failure names the image.
 */
public final class CompressTextureHandler implements TaskHandler {
  private final CompressTexture stage;

  public CompressTextureHandler() {
    this(CompressTexture.withNatives());
  }

  public CompressTextureHandler(CompressTexture stage) {
    this.stage = stage;
  }

  @Override
  public TaskType type() {
    return TaskType.COMPRESS_TEXTURE;
  }

  @Override
  public TaskResult run(TaskWork work) throws Exception {
    JsonNode params = work.params();
    if (params == null || !params.path("image").canConvertToInt() || params.path("image").asInt() < 0) {
      throw new AssetGridException(ErrorCode.INVALID_REQUEST, "compress-texture needs an image index param 'image'");
    }
    int k = params.path("image").asInt();
    CompressTextureOptions options = CompressTextureOptions.fromJson(params);
    GltfAsset asset = TaskInputs.readLatest(work, OutputNames.CONVERTED_GLB);
    work.progress().accept(0.1);
    if (k >= asset.count("images")) {
      throw new AssetGridException(ErrorCode.DATA_ERROR, "image " + k + " does not exist: the model has "
          + asset.count("images") + " images");
    }
    String name = Assemble.describe(asset.element("images", k));
    String label = "image " + k + (name == null ? "" : " '" + name + "'");
    TextureRole role = params.hasNonNull("role")
        ? TextureRole.fromWire(params.path("role").asText())
        : TextureRoles.of(asset).getOrDefault(k, TextureRole.COLOR);
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("image", k);
    if (name != null) {
      result.put("name", name);
    }
    CompressedTexture c;
    try {
      ImageData data = asset.imageBytes(k);
      if (work.cancelled().getAsBoolean()) {
        throw new AssetGridException(ErrorCode.TASK_CANCELLED, "cancelled before encoding " + label);
      }
      c = stage.compress(data.bytes(), role, options);
    } catch (AssetGridException e) {
      if (e.code() == ErrorCode.UNSUPPORTED_FORMAT) {
        result.put("role", role.wire());
        result.put("mode", "skipped");
        result.put("reason", e.getMessage());
        return new TaskResult(result, List.of());
      }
      throw new AssetGridException(e.code(), label + ": " + e.getMessage(), e.details(), e);
    }
    work.progress().accept(0.9);
    String outName = OutputNames.texture(k);
    Path out = work.workDir().resolve(outName);
    Files.write(out, c.ktx2());
    result.setAll(c.toJson());
    return new TaskResult(result, List.of(new TaskResult.Output(outName, out, Assemble.KTX2_MIME)));
  }
}
