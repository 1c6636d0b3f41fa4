package dev.assetgrid.node.worker;

import dev.assetgrid.node.natives.NativeMemory;
import dev.assetgrid.shared.metrics.GridMeters;
import dev.assetgrid.shared.protocol.CompleteRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.IntSupplier;

/**
 * A worker's metrics: {@code assetgrid_node_slots}, {@code assetgrid_node_slots_busy}, {@code
 * assetgrid_node_task_seconds{type,outcome}} (lease to report on this node: inputs, the stage and
 * outputs; outcome {@code succeeded} or {@code failed}), {@code
 * assetgrid_node_task_errors_total{type,code}} and {@code
 * assetgrid_node_transfer_bytes_total{direction}} (task inputs {@code in}, outputs {@code out}),
 * {@code assetgrid_node_native_buffers_bytes} ({@link NativeMemory}).
 */
final class WorkerMeters {
  private final MeterRegistry registry;
  private final Counter received;
  private final Counter sent;

  WorkerMeters(MeterRegistry registry, int slots, IntSupplier busy) {
    this.registry = registry;
    Gauge.builder("assetgrid.node.slots", () -> slots)
        .description("Tasks this worker runs at once")
        .register(registry);
    Gauge.builder("assetgrid.node.slots.busy", busy::getAsInt)
        .description("Slots running a task now")
        .register(registry);
    Gauge.builder("assetgrid.node.native.buffers", NativeMemory::inUse)
        .description("Off-heap buffers this process holds for native libraries")
        .baseUnit("bytes")
        .register(registry);
    received = transfer("in");
    sent = transfer("out");
  }

  private Counter transfer(String direction) {
    return Counter.builder("assetgrid.node.transfer")
        .description("Task bytes this worker downloaded (in) and uploaded (out)")
        .baseUnit("bytes")
        .tags("direction", direction)
        .register(registry);
  }

  void received(long bytes) {
    received.increment(bytes);
  }

  void sent(long bytes) {
    sent.increment(bytes);
  }

  /** One attempt ended here after {@code nanos}, as {@code c} reports it. */
  void ran(String type, CompleteRequest c, long nanos) {
    String t = GridMeters.typeLabel(type);
    boolean ok = c.outcome() == CompleteRequest.Outcome.SUCCEEDED;
    Timer.builder("assetgrid.node.task")
        .description("Attempts on this worker, from lease to report")
        .tags("type", t, "outcome", ok ? "succeeded" : "failed")
        .register(registry)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (!ok && c.error() != null) {
      Counter.builder("assetgrid.node.task.errors")
          .description("Attempts on this worker that ended with an error, by code")
          .tags("type", t, "code", GridMeters.codeLabel(c.error().code()))
          .register(registry)
          .increment();
    }
  }
}
