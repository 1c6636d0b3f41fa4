package dev.assetgrid.shared.state;

/** Kinds of task a node can run; the wire name is what capabilities and the tasks table hold. */
public enum TaskType {
  /** Read the asset, record counts, bounds and extensions. */
  INSPECT("inspect"),
  /** Structural and geometry validation. */
  VALIDATE("validate"),
  /** Non-glTF input → GLB. */
  CONVERT("convert"),
  OPTIMIZE_MESH("optimize-mesh"),
  COMPRESS_TEXTURE("compress-texture"),
  ASSEMBLE("assemble"),
  THUMBNAIL("thumbnail"),
  /** Does nothing; used by the queue micro-benchmark and protocol tests. */
  NOOP("noop");

  private final String wire;

  TaskType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public static TaskType fromWire(String s) {
    for (TaskType t : values()) {
      if (t.wire.equals(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown task type: " + s);
  }
}
