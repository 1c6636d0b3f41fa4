package dev.assetgrid.node.worker;

import dev.assetgrid.node.processing.convert.Convert;
import dev.assetgrid.node.processing.convert.ConvertResult;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.ConvertOptions;
import dev.assetgrid.shared.stage.ConvertParams;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.StageParams;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code convert}: reads the original (any format Assimp reads) with its side files, which sit
 * beside it in {@link TaskWork#inputDir()} under their relative names, and writes {@code
 * converted.glb}, through {@link Convert#applyFile} (the entry point the local {@code process}
 * command uses too).
 *
 * <p>Params: the {@link ConvertOptions} fields, plus {@code format} (the sniffed format, e.g.
 * {@code obj}; without it the importer detects the format from the content) and {@code filename}
 * (the client's file name, used for readers that look for files named after the model). When the
 * model names no texture at all and the upload holds exactly one image, that image is used as the
 * base color texture (e.g. an OBJ without MTL shipped with its texture), with a warning; an
 * explicit {@code defaultTexture} param wins. Result: {@link
 * dev.assetgrid.node.processing.convert.ConvertReport#toJson()}.
 */
public final class ConvertHandler implements TaskHandler {
  private final Convert stage;

  /**
   * @param stage the convert stage over this node's natives
   */
  public ConvertHandler(Convert stage) {
    this.stage = Objects.requireNonNull(stage, "stage");
  }

  @Override
  public TaskType type() {
    return TaskType.CONVERT;
  }

  @Override
  public TaskResult run(TaskWork work) {
    Path original = work.input(OutputNames.ORIGINAL);
    ConvertParams params = StageParams.read(TaskType.CONVERT, work.params(), ConvertParams.class);
    ConvertOptions options = params.options();
    Map<String, Path> sideFiles = new TreeMap<>(work.inputs());
    sideFiles.remove(OutputNames.ORIGINAL);
    work.progress().accept(0.05);
    ConvertResult result =
        stage.applyFile(
            original, params.format(), params.filename(), work.inputDir(), sideFiles, options);
    if (work.cancelled().getAsBoolean()) {
      throw new AssetGridException(ErrorCode.TASK_CANCELLED, "cancelled");
    }
    work.progress().accept(0.8);
    Path out = work.workDir().resolve(OutputNames.CONVERTED_GLB);
    GlbWriter.write(result.asset(), out);
    return new TaskResult(
        result.report().toJson(),
        List.of(new TaskResult.Output(OutputNames.CONVERTED_GLB, out, "model/gltf-binary")));
  }
}
