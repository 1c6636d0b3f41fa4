package dev.assetgrid.coordinator.schedule.duty;

import io.vertx.core.Vertx;

/** A duty the coordinator runs beside the lease broker: started once, stopped on undeploy. */
public interface Duty {
  /** Starts the duty's timer or listener on the caller's context. */
  void start(Vertx vertx);

  /** Stops it; a run in flight finishes. */
  void stop();
}
