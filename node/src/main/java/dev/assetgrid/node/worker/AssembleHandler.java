package dev.assetgrid.node.worker;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.node.processing.assemble.Assemble;
import dev.assetgrid.node.processing.gltf.GlbWriter;
import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.node.processing.gltf.GltfReader;
import dev.assetgrid.shared.stage.AssembleOptions;
import dev.assetgrid.shared.stage.OutputNames;
import dev.assetgrid.shared.stage.TaskParams;
import dev.assetgrid.shared.state.TaskType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code assemble}: the model the plan names ({@code mesh.glb}, or {@code converted.glb} or the
 * original when the job has no optimize-mesh) plus every {@code texture-<k>.ktx2} input → {@code
 * optimized.glb}. Params: {@link AssembleOptions}. With no textures the base model is written as it
 * is (as GLB).
 *
 * <p>Result: {@code base} (input name), {@code bytesBefore} (base model, with side files), {@code
 * bytesAfter}, {@code textures} (KTX2 inputs), {@code replacedImages}, and one entry per KTX2 in
 * {@code images} (see {@link Assemble.ImageChange}).
 */
public final class AssembleHandler implements TaskHandler {
  private static final Pattern TEXTURE = Pattern.compile("texture-(\\d{1,9})\\.ktx2");

  private final GltfReader reader;

  /**
   * @param reader reads the base model; assemble copies compressed views as they are, so it needs
   *     no meshopt decoder
   */
  public AssembleHandler(GltfReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  @Override
  public TaskType type() {
    return TaskType.ASSEMBLE;
  }

  @Override
  public TaskResult run(TaskWork work) throws Exception {
    TaskParams task = TaskParams.read(TaskType.ASSEMBLE, work.params(), "");
    Path basePath = TaskInputs.model(work, task);
    GltfAsset base = reader.read(basePath);
    work.progress().accept(0.2);
    Map<Integer, byte[]> ktx2 = new TreeMap<>();
    for (Map.Entry<String, Path> in : work.inputs().entrySet()) {
      Matcher m = TEXTURE.matcher(in.getKey());
      if (m.matches()) {
        ktx2.put(Integer.parseInt(m.group(1)), Files.readAllBytes(in.getValue()));
      }
    }
    Assemble.Assembled assembled = Assemble.assemble(base, ktx2, task.stage(AssembleOptions.class));
    work.progress().accept(0.6);
    byte[] glb = GlbWriter.write(assembled.asset());
    Path out = work.workDir().resolve(OutputNames.OPTIMIZED_GLB);
    Files.write(out, glb);

    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("base", task.input());
    result.put("bytesBefore", base.sourceBytes() > 0 ? base.sourceBytes() : Files.size(basePath));
    result.put("bytesAfter", glb.length);
    result.put("textures", ktx2.size());
    ArrayNode replaced = result.putArray("replacedImages");
    assembled.replacedImages().forEach(replaced::add);
    ArrayNode images = result.putArray("images");
    assembled.changes().forEach(c -> images.add(c.toJson()));
    return new TaskResult(
        result,
        List.of(new TaskResult.Output(OutputNames.OPTIMIZED_GLB, out, "model/gltf-binary")));
  }
}
