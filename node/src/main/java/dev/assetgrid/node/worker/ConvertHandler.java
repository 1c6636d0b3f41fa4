package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.convert.Convert;
import dev.assetgrid.node.processing.convert.ConvertOptions;
import dev.assetgrid.node.processing.convert.ConvertResult;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.ImageData;
import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.OutputNames;
import dev.assetgrid.shared.state.TaskType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code convert}: reads the original (any format Assimp reads) with its side files, which sit beside
 * it in {@link TaskWork#inputDir()} under their relative names, and writes {@code converted.glb}.
 *
 * <p>Params: the {@link ConvertOptions} fields, plus {@code format} (the sniffed format, e.g.
 * {@code obj}; without it the importer detects the format from the content) and {@code filename}
 * (the client's file name, used for readers that look for files named after the model). When the
 * model names no texture at all and the upload holds exactly one image, that image is used as the
 * base color texture (e.g. an OBJ without MTL shipped with its texture), with a warning; an
 * explicit {@code defaultTexture} param wins. Result: {@link dev.assetgrid.node.processing.convert.ConvertReport#toJson()}.
 */
public final class ConvertHandler implements TaskHandler {
  private static final List<String> IMAGE_SUFFIXES =
      List.of(".png", ".jpg", ".jpeg", ".tga", ".bmp", ".gif", ".psd", ".hdr", ".pnm", ".ppm", ".pgm");

  @Override
  public TaskType type() {
    return TaskType.CONVERT;
  }

  @Override
  public TaskResult run(TaskWork work) throws IOException {
    Path original = work.input(OutputNames.ORIGINAL);
    ObjectNode params = work.params();
    ConvertOptions options = ConvertOptions.fromJson(params);
    byte[] bytes = readLimited(original, options.maxInputBytes());
    if (options.defaultTexture() == null) {
      String only = onlyImage(work);
      if (only != null) {
        options = options.withDefaultTexture(only);
      }
    }
    work.progress().accept(0.05);
    String format = params.path("format").isTextual() ? params.path("format").asText() : null;
    String filename = params.path("filename").isTextual() ? params.path("filename").asText() : null;
    ConvertResult result = Convert.apply(bytes, format, filename, ResourceResolver.directory(work.inputDir()), options);
    if (work.cancelled().getAsBoolean()) {
      throw new AssetGridException(ErrorCode.TASK_CANCELLED, "cancelled");
    }
    work.progress().accept(0.8);
    Path out = work.workDir().resolve(OutputNames.CONVERTED_GLB);
    GlbWriter.write(result.asset(), out);
    return new TaskResult(result.report().toJson(),
        List.of(new TaskResult.Output(OutputNames.CONVERTED_GLB, out, "model/gltf-binary")));
  }

  private static byte[] readLimited(Path file, long max) throws IOException {
    long size = Files.size(file);
    if (size > max) {
      throw new AssetGridException(ErrorCode.INPUT_LIMIT_EXCEEDED, "model of " + size + " bytes exceeds " + max);
    }
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes((int) size);
    }
  }

  /** The name of the only side file that looks like an image (by name or content), or null. */
  static String onlyImage(TaskWork work) throws IOException {
    List<String> images = new ArrayList<>();
    for (Map.Entry<String, Path> in : work.inputs().entrySet()) {
      if (in.getKey().equals(OutputNames.ORIGINAL)) {
        continue;
      }
      String lower = in.getKey().toLowerCase(Locale.ROOT);
      boolean image = IMAGE_SUFFIXES.stream().anyMatch(lower::endsWith);
      if (!image && Files.isRegularFile(in.getValue())) {
        byte[] head;
        try (InputStream s = Files.newInputStream(in.getValue())) {
          head = s.readNBytes(16);
        }
        image = ImageData.sniffMimeType(head) != null;
      }
      if (image) {
        images.add(in.getKey());
      }
    }
    return images.size() == 1 ? images.get(0) : null;
  }
}
