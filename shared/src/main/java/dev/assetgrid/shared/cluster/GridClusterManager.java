package dev.assetgrid.shared.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * Vert.x's Hazelcast cluster manager, able to repair the event bus's view of the cluster.
 *
 * <p>Why. Vert.x's node selector caches, per address, the members that registered a handler, and
 * changes that cache only on Hazelcast entry events. When every data member (coordinator) is gone,
 * the lite members cannot remove the dead one's registrations (the map has no partition owner:
 * {@code NoDataMemberInClusterException}); and after a coordinator comes back and the lite members
 * merge into its cluster, their entry listeners do not hear of its registrations. Seen with Vert.x
 * 5.0.7 and Hazelcast 5.3.8: the node kept sending to the dead coordinator's node id ("Not a member
 * of the cluster") until it was restarted. {@link #repair} runs Vert.x's post-merge reconciliation
 * (drop registrations of members that are gone, republish this member's own) and then makes the
 * selector read the registrations of the given addresses from the map again.
 */
final class GridClusterManager extends HazelcastClusterManager {
  private volatile RegistrationListener selector;

  GridClusterManager(Config config) {
    super(config);
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    this.selector = listener;
    super.registrationListener(listener);
  }

  /**
   * Reconciles this member's registrations with the cluster and re-reads those of {@code
   * addresses}. Blocks (Hazelcast calls): call it off the event loop.
   */
  void repair(List<String> addresses) {
    stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGED));
    forget(addresses);
  }

  /**
   * Makes the selector look the handlers of {@code addresses} up again: an update with no
   * registrations drops what it cached, so the next send reads the map. Synchronous: a send made
   * after it returns does not go to a member it cached.
   */
  void forget(List<String> addresses) {
    RegistrationListener l = selector;
    if (l == null) {
      return;
    }
    for (String address : addresses) {
      if (l.wantsUpdatesFor(address)) {
        l.registrationsUpdated(new RegistrationUpdateEvent(address, List.of()));
      }
    }
  }
}
