package dev.assetgrid.coordinator.access;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Takes tokens from one bucket on the partition owner, so concurrent takes on one key run one after
 * the other and none is lost. The stored value is {@code double[]{tokens, atMillis}} (a type
 * Hazelcast serializes natively); the reply is {@code long[]} indexed by {@link #ALLOWED}, {@link
 * #REMAINING}, {@link #RETRY_AFTER_MS}, {@link #RESET_MS}.
 *
 * <p>The owner's clock decides, so a backup must not run this again with its own: the backup is
 * {@link StoreBucket} with the very state the owner wrote. A refusal writes nothing (the stored
 * state plus the clock already says everything), so a flood of refused requests costs no writes and
 * no backups.
 */
final class TakeTokens implements EntryProcessor<String, double[], long[]>, DataSerializable {
  static final int ALLOWED = 0;
  static final int REMAINING = 1;
  static final int RETRY_AFTER_MS = 2;
  static final int RESET_MS = 3;

  /**
   * How long an entry outlives the moment its bucket is full again. Absent means full, so expiring
   * right then would lose nothing; the grace covers clock skew between the member that set the TTL
   * and one that later owns the partition.
   */
  static final long EXPIRY_GRACE_MS = Duration.ofMinutes(2).toMillis();

  /** A bucket that needs longer than this to refill is forgotten (reported full) after it. */
  static final long MAX_TTL_MS = Duration.ofDays(365).toMillis();

  private double rate;
  private long burst;
  private long cost;
  private transient StoreBucket written;

  /** For Hazelcast's deserialization. */
  public TakeTokens() {}

  TakeTokens(double rate, long burst, long cost) {
    this.rate = rate;
    this.burst = burst;
    this.cost = cost;
  }

  @Override
  public long[] process(Map.Entry<String, double[]> entry) {
    double[] v = entry.getValue();
    TokenBucket.State stored = v == null ? null : new TokenBucket.State(v[0], (long) v[1]);
    TokenBucket.Take t = TokenBucket.take(stored, rate, burst, cost, System.currentTimeMillis());
    if (t.allowed() && cost > 0) {
      long ttl = Math.min(MAX_TTL_MS, t.resetMillis() + EXPIRY_GRACE_MS);
      written = new StoreBucket(new double[] {t.next().tokens(), t.next().atMillis()}, ttl);
      written.process(entry);
    }
    return new long[] {t.allowed() ? 1 : 0, t.remaining(), t.retryAfterMillis(), t.resetMillis()};
  }

  @Override
  public EntryProcessor<String, double[], long[]> getBackupProcessor() {
    // Hazelcast asks after process(); null = nothing written, no backup
    return written;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeDouble(rate);
    out.writeLong(burst);
    out.writeLong(cost);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    rate = in.readDouble();
    burst = in.readLong();
    cost = in.readLong();
  }

  /**
   * Stores a bucket state as computed by the owner, with its time to live; the backup of a take.
   */
  static final class StoreBucket
      implements EntryProcessor<String, double[], long[]>, DataSerializable {
    private double[] state;
    private long ttlMillis;

    /** For Hazelcast's deserialization. */
    public StoreBucket() {}

    StoreBucket(double[] state, long ttlMillis) {
      this.state = state;
      this.ttlMillis = ttlMillis;
    }

    @Override
    public long[] process(Map.Entry<String, double[]> entry) {
      if (entry instanceof ExtendedMapEntry<String, double[]> e) {
        e.setValue(state, ttlMillis, TimeUnit.MILLISECONDS);
      } else {
        entry.setValue(state);
      }
      return null;
    }

    @Override
    public EntryProcessor<String, double[], long[]> getBackupProcessor() {
      return this;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeDoubleArray(state);
      out.writeLong(ttlMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      state = in.readDoubleArray();
      ttlMillis = in.readLong();
    }
  }
}
