package dev.assetgrid.shared.stage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.pipeline.PipelineSpec;
import dev.assetgrid.shared.state.TaskType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class StageParamsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  /**
   * The pointer a bad param is reported at, and that the error is a non-retryable INVALID_REQUEST.
   */
  private static String pointerOf(Runnable r) {
    try {
      r.run();
    } catch (AssetGridException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      assertThat(e.retryable()).isFalse();
      assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("java.");
      return (String) e.details().get(OptionReader.POINTER);
    }
    throw new AssertionError("no error");
  }

  @ParameterizedTest
  @EnumSource(TaskType.class)
  void everyStageTakesNoParamsAndRoundTripsItsDefaults(TaskType type) throws Exception {
    StageParams p = StageParams.read(type, null, "");
    assertThat(StageParams.read(type, p.toJson(), "")).isEqualTo(p);
    assertThat(StageParams.read(type, json("{}"), "")).isEqualTo(p);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // simplify given as a number, not an object
        "optimize-mesh | {\"simplify\":0.5} | /simplify",
        // a misspelt key inside a member
        "optimize-mesh | {\"simplify\":{\"ratoi\":0.5}} | /simplify/ratoi",
        // out of range, reported where it is
        "optimize-mesh | {\"simplify\":{\"ratio\":2}} | /simplify/ratio",
        "optimize-mesh | {\"quantize\":{\"positionBits\":\"14\"}} | /quantize/positionBits",
        "optimize-mesh | {\"quantize\":{\"positionBits\":14.5}} | /quantize/positionBits",
        "optimize-mesh | {\"compress\":{\"mode\":\"draco\"}} | /compress/mode",
        "optimize-mesh | {\"output\":\"../../etc/passwd\"} | /output",
        "optimize-mesh | {\"lods\":[1]} | /lods",
        "compress-texture | {\"mode\":\"bc7\"} | /mode",
        "compress-texture | {\"etc1sQuality\":0} | /etc1sQuality",
        "compress-texture | {\"role\":\"albedo\"} | /role",
        "compress-texture | {\"image\":-1} | /image",
        "thumbnail | {\"size\":8} | /size",
        "thumbnail | {\"background\":\"red\"} | /background",
        "thumbnail | {\"onError\":\"ignore\"} | /onError",
        "thumbnail | {\"supersample\":4,\"size\":2048} | /supersample",
        "convert | {\"smoothingAngle\":200} | /smoothingAngle",
        "convert | {\"generateNormals\":\"yes\"} | /generateNormals",
        "inspect | {\"maxTextureEntries\":-1} | /maxTextureEntries",
        "inspect | {\"textureheaders\":false} | /textureheaders",
        "validate | {\"maxIssues\":0} | /maxIssues",
        "assemble | {\"keepFallback\":1} | /keepFallback",
        "noop | {\"sleepMs\":-5} | /sleepMs",
        "noop | {\"failWith\":\"NOT_A_CODE\"} | /failWith",
        "noop | {\"a/b~c\":1} | /a~1b~0c",
      })
  void badParamsAreInvalidRequestAtTheirPointer(String type, String params, String pointer)
      throws Exception {
    JsonNode p = json(params);
    assertThat(pointerOf(() -> StageParams.read(TaskType.fromWire(type), p, "/stages/3/params")))
        .isEqualTo("/stages/3/params" + pointer);
  }

  @Test
  void paramsThatAreNotAnObjectAreRefused() throws Exception {
    JsonNode p = json("[1,2]");
    assertThat(pointerOf(() -> StageParams.read(TaskType.THUMBNAIL, p, "/x"))).isEqualTo("/x");
  }

  @Test
  void readsWhatItIsGiven() throws Exception {
    OptimizeMeshParams m =
        StageParams.read(
            TaskType.OPTIMIZE_MESH,
            json(
                "{\"simplify\":{\"ratio\":0.25,\"lockBorder\":true},\"compress\":{\"mode\":\"none\"},"
                    + "\"output\":\"optimized.glb\"}"),
            OptimizeMeshParams.class);
    assertThat(m.options().simplify().ratio()).isEqualTo(0.25f);
    assertThat(m.options().simplify().lockBorder()).isTrue();
    assertThat(m.options().simplify().maxError()).isEqualTo(SimplifyOptions.DEFAULT_MAX_ERROR);
    assertThat(m.options().compress().meshopt()).isFalse();
    assertThat(m.output()).isEqualTo(OutputNames.OPTIMIZED_GLB);
    assertThat(StageParams.read(TaskType.OPTIMIZE_MESH, m.toJson(), "")).isEqualTo(m);

    CompressTextureParams t =
        StageParams.read(
            TaskType.COMPRESS_TEXTURE,
            json("{\"image\":3,\"role\":\"NORMAL\",\"mode\":\"uastc\",\"onError\":\"keep\"}"),
            CompressTextureParams.class);
    assertThat(t.image()).isEqualTo(3);
    assertThat(t.role()).isEqualTo(TextureRole.NORMAL);
    assertThat(t.options().mode()).isEqualTo(CompressTextureOptions.Mode.UASTC);
    assertThat(t.options().onError()).isEqualTo(CompressTextureOptions.OnError.KEEP);

    ThumbnailParams th =
        StageParams.read(
            TaskType.THUMBNAIL,
            json("{\"background\":\"#ff000080\",\"onError\":\"fail\"}"),
            ThumbnailParams.class);
    assertThat(th.options().background()).isEqualTo(0x80ff0000);
    assertThat(th.onError()).isEqualTo(ThumbnailParams.OnError.FAIL);

    NoopParams n =
        StageParams.read(
            TaskType.NOOP, json("{\"failWith\":\"data_error\",\"failTimes\":2}"), NoopParams.class);
    assertThat(n.failsIn(2)).isTrue();
    assertThat(n.failsIn(3)).isFalse();
    assertThat(n.failWith()).isEqualTo(ErrorCode.DATA_ERROR);
  }

  @Test
  void nullMembersTakeTheirDefaults() throws Exception {
    OptimizeMeshParams m =
        StageParams.read(
            TaskType.OPTIMIZE_MESH,
            json("{\"simplify\":null,\"output\":null}"),
            OptimizeMeshParams.class);
    assertThat(m).isEqualTo(StageParams.read(TaskType.OPTIMIZE_MESH, null, ""));
  }

  @Test
  void aPipelineSpecIsCheckedWhenParsedWithPointersIntoTheFormGiven() {
    assertThat(
            pointerOf(
                () ->
                    PipelineSpec.parse(
                        "{\"stages\":[{\"type\":\"inspect\"},{\"type\":\"optimize-mesh\",\"params\":{\"simplify\":0.5}}]}")))
        .isEqualTo("/stages/1/params/simplify");
    assertThat(
            pointerOf(
                () -> PipelineSpec.parse("[{\"type\":\"thumbnail\",\"params\":{\"siz\":64}}]")))
        .isEqualTo("/0/params/siz");
    assertThat(
            pointerOf(
                () -> PipelineSpec.parse("{\"stages\":[{\"type\":\"thumbnail\",\"params\":[]}]}")))
        .isEqualTo("/stages/0/params");
    assertThat(
            PipelineSpec.parse(
                    "{\"stages\":[{\"type\":\"optimize-mesh\",\"params\":{\"simplify\":{\"ratio\":0.5}}}]}")
                .stages())
        .hasSize(1);
  }
}
