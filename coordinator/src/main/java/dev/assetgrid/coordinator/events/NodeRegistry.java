package dev.assetgrid.coordinator.events;

import dev.assetgrid.shared.cluster.ClusterBootstrap;
import dev.assetgrid.shared.protocol.Addresses;
import dev.assetgrid.shared.protocol.NodeAnnouncement;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the coordinator knows about nodes: their last announcement, pruned to current cluster
 * members.
 */
public final class NodeRegistry {
  private record Seen(NodeAnnouncement announcement, long at) {}

  private final Vertx vertx;
  private final boolean clustered;
  private final Map<String, Seen> nodes = new ConcurrentHashMap<>();

  public NodeRegistry(Vertx vertx, boolean clustered) {
    this.vertx = vertx;
    this.clustered = clustered;
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.NODES,
            m -> {
              try {
                NodeAnnouncement a = NodeAnnouncement.fromJson(m.body());
                nodes.put(a.nodeId(), new Seen(a, System.currentTimeMillis()));
              } catch (RuntimeException ignored) {
                // a malformed announcement is dropped; the node announces again in a few seconds
              }
            });
    if (clustered) {
      ClusterBootstrap.onMemberLeft(vertx, nodes::remove);
    }
  }

  /**
   * Current nodes, with how many tasks each runs ({@code busy}) and which of them are the caller's
   * ({@code runningTasks}: {@code leaseOwner → task ids} from the database, scoped to the tenant).
   * The task ids a node announces are every tenant's, so they never leave.
   */
  public JsonArray snapshot(JsonObject runningByNode) {
    JsonArray out = new JsonArray();
    long now = System.currentTimeMillis();
    live()
        .forEach(
            (id, seen) -> {
              JsonObject j = seen.announcement().toJson();
              // the node's own list names every tenant's tasks: only their number leaves, and the
              // caller's own tasks come from the database (runningTasks)
              JsonArray all = (JsonArray) j.remove("running");
              j.put("busy", all == null ? 0 : all.size());
              j.put("lastSeenMsAgo", now - seen.at());
              j.put("runningTasks", runningByNode.getJsonArray(id, new JsonArray()));
              out.add(j);
            });
    return out;
  }

  /**
   * Gauges of the live nodes (members of the cluster that announced themselves): {@code
   * assetgrid_nodes}, {@code assetgrid_nodes_slots} and {@code assetgrid_nodes_slots_busy} (from
   * the nodes' last announcements, every few seconds).
   */
  public void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
    io.micrometer.core.instrument.Gauge.builder("assetgrid.nodes", this, r -> r.live().size())
        .description("Live nodes (in-process slots count as one)")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "assetgrid.nodes.slots", this, r -> r.sum(NodeAnnouncement::slots))
        .description("Worker slots of the live nodes")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "assetgrid.nodes.slots.busy", this, r -> r.sum(a -> a.running().size()))
        .description("Slots running a task, as the nodes last announced")
        .register(registry);
  }

  /** The nodes that announced themselves and are members of the cluster now. */
  private Map<String, Seen> live() {
    if (!clustered) {
      return nodes;
    }
    Set<String> members = new HashSet<>(ClusterBootstrap.members(vertx));
    Map<String, Seen> out = new java.util.HashMap<>();
    nodes.forEach(
        (id, seen) -> {
          if (members.contains(id)) {
            out.put(id, seen);
          }
        });
    return out;
  }

  private double sum(java.util.function.ToIntFunction<NodeAnnouncement> what) {
    return live().values().stream().mapToInt(s -> what.applyAsInt(s.announcement())).sum();
  }

  public int size() {
    return nodes.size();
  }
}
