package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.node.processing.thumbnail.Thumbnail;
import dev.assetgrid.node.processing.thumbnail.ThumbnailImage;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.TaskParams;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import dev.assetgrid.shared.stage.ThumbnailParams;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code thumbnail}: renders the model the plan names ({@value OutputNames#INPUT_PARAM}:
 * optimize-mesh's GLB when the job has one, else the converted GLB or the original) with {@link
 * Thumbnail}. Params are {@link ThumbnailOptions} JSON. Outputs {@code thumbnail.png}, plus {@value
 * #TURNTABLE_PNG} (a horizontal strip of N views) when {@code turntableViews} is set. Result:
 * {@code {size, width, height, coverage, ms, notes[], options{}, turntable?{views, width, height,
 * coverage, ms}}}.
 */
public final class ThumbnailHandler implements TaskHandler {
  /** Output name of the turntable strip. */
  public static final String TURNTABLE_PNG = "turntable.png";

  private final GltfReader reader;

  /**
   * @param reader reads the model; with the meshopt decoder, since optimize-mesh output is
   *     compressed
   */
  public ThumbnailHandler(GltfReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  @Override
  public TaskType type() {
    return TaskType.THUMBNAIL;
  }

  /**
   * A thumbnail is a preview: by default ({@code onError: "skip"}) a model the renderer cannot draw
   * (Draco geometry, a limit exceeded, unreadable data) ends the task successfully without a
   * picture, so the job still delivers its optimized model; {@code onError: "fail"} fails the task.
   * Bad options always fail.
   */
  @Override
  public TaskResult run(TaskWork work) throws Exception {
    TaskParams task = TaskParams.read(TaskType.THUMBNAIL, work.params(), "");
    ThumbnailParams params = task.stage(ThumbnailParams.class);
    ThumbnailOptions options = params.options();
    boolean skipOnError = params.onError() == ThumbnailParams.OnError.SKIP;
    try {
      return render(work, task, options);
    } catch (AssetGridException e) {
      ErrorCode c = e.code();
      boolean drawable =
          c == ErrorCode.INVALID_REQUEST || c == ErrorCode.TASK_CANCELLED || c.retryable();
      if (!skipOnError || drawable) {
        throw e;
      }
      ObjectNode result = JsonNodeFactory.instance.objectNode();
      result.put("skipped", true);
      result.put("code", c.name());
      result.put("reason", e.getMessage());
      return new TaskResult(result, List.of());
    }
  }

  private TaskResult render(TaskWork work, TaskParams task, ThumbnailOptions options)
      throws Exception {
    // the planner names optimize-mesh's GLB when there is one: the optimized mesh with its original
    // textures (the rasterizer cannot decode the KTX2 images of an assembled model)
    GltfAsset asset = TaskInputs.readModel(reader, work, task);
    work.progress().accept(0.2);
    long t0 = System.nanoTime();
    ThumbnailImage image = Thumbnail.render(asset, options);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Path png = work.workDir().resolve(OutputNames.THUMBNAIL_PNG);
    Files.write(png, image.toPng());
    List<TaskResult.Output> outputs = new ArrayList<>();
    outputs.add(new TaskResult.Output(OutputNames.THUMBNAIL_PNG, png, "image/png"));

    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("size", options.size());
    result.put("width", image.width());
    result.put("height", image.height());
    result.put("coverage", image.coverage());
    result.put("ms", ms);
    image.notes().forEach(result.putArray("notes")::add);
    result.set("options", options.toJson());
    if (options.turntableViews() > 0) {
      if (work.cancelled().getAsBoolean()) {
        throw new AssetGridException(ErrorCode.TASK_CANCELLED, "cancelled");
      }
      work.progress().accept(0.5);
      long t1 = System.nanoTime();
      ThumbnailImage strip = Thumbnail.turntable(asset, options);
      long stripMs = (System.nanoTime() - t1) / 1_000_000;
      Path stripPng = work.workDir().resolve(TURNTABLE_PNG);
      Files.write(stripPng, strip.toPng());
      outputs.add(new TaskResult.Output(TURNTABLE_PNG, stripPng, "image/png"));
      ObjectNode t = result.putObject("turntable");
      t.put("views", options.turntableViews());
      t.put("width", strip.width());
      t.put("height", strip.height());
      t.put("coverage", strip.coverage());
      t.put("ms", stripMs);
    }
    work.progress().accept(1.0);
    return new TaskResult(result, outputs);
  }
}
