package dev.assetgrid.shared.protocol;

/** Event-bus addresses of the task protocol (see DESIGN.md, "Task protocol"). */
public final class Addresses {
  private Addresses() {}

  /**
   * node → any coordinator, request/reply: {@link LeaseRequest} → {@link LeaseReply}. Long-poll.
   */
  public static final String LEASE = "assetgrid.lease";

  /** node → coordinator, request/reply: {@link Heartbeat} → {@link HeartbeatReply}. */
  public static final String HEARTBEAT = "assetgrid.heartbeat";

  /** node → coordinator, request/reply: {@link CompleteRequest} → {@link CompleteReply}. */
  public static final String COMPLETE = "assetgrid.complete";

  /** coordinator → all, publish, empty body: new tasks are queued, idle nodes lease now. */
  public static final String WAKE = "assetgrid.wake";

  /** node → all, publish: {@link NodeAnnouncement} every few seconds. */
  public static final String NODES = "assetgrid.nodes";
}
