package dev.assetgrid.shared.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StateMachineTest {
  @Test
  void taskTransitions() {
    assertThat(TaskState.PENDING.canBecome(TaskState.QUEUED)).isTrue();
    assertThat(TaskState.QUEUED.canBecome(TaskState.LEASED)).isTrue();
    assertThat(TaskState.LEASED.canBecome(TaskState.QUEUED)).isTrue();
    assertThat(TaskState.LEASED.canBecome(TaskState.DEAD)).isTrue();
    assertThat(TaskState.SUCCEEDED.canBecome(TaskState.QUEUED)).isFalse();
    assertThat(TaskState.QUEUED.canBecome(TaskState.SUCCEEDED)).isFalse();
    assertThat(TaskState.DEAD.canBecome(TaskState.QUEUED)).isTrue();
    for (TaskState s : TaskState.values()) {
      assertThat(TaskState.fromWire(s.wire())).isEqualTo(s);
    }
  }

  @Test
  void jobTransitions() {
    assertThat(JobState.QUEUED.canBecome(JobState.RUNNING)).isTrue();
    assertThat(JobState.RUNNING.canBecome(JobState.QUEUED)).isFalse();
    assertThat(JobState.FAILED.canBecome(JobState.QUEUED)).isTrue();
    assertThat(JobState.SUCCEEDED.terminal()).isTrue();
    assertThat(JobState.RUNNING.terminal()).isFalse();
  }

  @Test
  void tasksAreCreatedPendingOrQueuedAndJobsQueued() {
    assertThat(java.util.Arrays.stream(TaskState.values()).filter(TaskState::initial))
        .containsExactly(TaskState.PENDING, TaskState.QUEUED);
    assertThat(java.util.Arrays.stream(JobState.values()).filter(JobState::initial))
        .containsExactly(JobState.QUEUED);
  }

  @Test
  void taskTypesRoundTripTheirWireNames() {
    for (TaskType t : TaskType.values()) {
      assertThat(TaskType.fromWire(t.wire())).isEqualTo(t);
    }
  }
}
