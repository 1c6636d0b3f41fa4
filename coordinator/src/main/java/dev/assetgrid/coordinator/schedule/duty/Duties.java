package dev.assetgrid.coordinator.schedule.duty;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;

/** Runs the queue's duties on a context of their own: started on deploy, stopped on undeploy. */
public final class Duties extends VerticleBase {
  private final List<Duty> duties;

  public Duties(List<Duty> duties) {
    this.duties = List.copyOf(duties);
  }

  @Override
  public Future<?> start() {
    duties.forEach(d -> d.start(vertx));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    duties.forEach(Duty::stop);
    return Future.succeededFuture();
  }
}
