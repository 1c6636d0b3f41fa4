package dev.assetgrid.shared.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.state.TaskType;
import org.junit.jupiter.api.Test;

class PipelineSpecTest {
  @Test
  void parsesEveryAcceptedForm() {
    assertThat(PipelineSpec.parse(null)).isEqualTo(PipelineSpec.DEFAULT);
    assertThat(PipelineSpec.parse("inspect, noop").stages())
        .extracting(PipelineSpec.Stage::type)
        .containsExactly(TaskType.INSPECT, TaskType.NOOP);
    assertThat(PipelineSpec.parse("[\"noop\"]").stages())
        .extracting(PipelineSpec.Stage::type)
        .containsExactly(TaskType.NOOP);
    PipelineSpec s =
        PipelineSpec.parse("{\"stages\":[{\"type\":\"noop\",\"params\":{\"sleepMs\":5}}]}");
    assertThat(s.stages().get(0).params().path("sleepMs").asInt()).isEqualTo(5);
    assertThat(PipelineSpec.fromJson(s.toJson())).isEqualTo(s);
  }

  @Test
  void refusesBadSpecsWithInvalidRequest() {
    for (String bad :
        new String[] {
          "frobnicate",
          "{\"stages\":3}",
          "[1]",
          "{not json",
          "noop,noop",
          "{\"stages\":[{\"type\":\"noop\",\"params\":7}]}",
          "{\"stages\":[]}"
        }) {
      assertThatThrownBy(() -> PipelineSpec.parse(bad))
          .as(bad)
          .isInstanceOf(AssetGridException.class)
          .extracting(e -> ((AssetGridException) e).code().name())
          .isEqualTo("INVALID_REQUEST");
    }
  }
}
