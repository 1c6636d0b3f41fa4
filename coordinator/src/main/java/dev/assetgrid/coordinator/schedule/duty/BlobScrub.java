package dev.assetgrid.coordinator.schedule.duty;

import dev.assetgrid.coordinator.blob.BlobKey;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.blob.Integrity;
import dev.assetgrid.coordinator.store.BlobIntegrity;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integrity scrub: re-reads stored blobs at a bounded rate, re-hashes them and records what it
 * found ({@link BlobIntegrity}). A missing blob, or one whose size or SHA-256 differ from the
 * recorded ones, makes every asset referencing it {@code corrupt} (audited as {@code
 * asset.corrupt}, logged as a warning); one that reads back whole again returns them.
 *
 * <p>In the background (every {@link #EVERY}, unless {@code --scrub-mb-per-s 0}) it re-reads the
 * blobs not verified within {@link #REVERIFY_AFTER}, least recently verified first; {@link
 * #scrubNow} re-reads every blob once. State is in PostgreSQL, so several coordinators share the
 * work and a restart loses nothing.
 *
 * <p>Reads are streams: each buffer updates the digest on this duty's event loop (a 64 KiB update
 * is far below a millisecond) and the stream is paused on a timer whenever it runs ahead of the
 * rate ({@link ReadPacer}, shared by every pass of this scrubber). An object store that is
 * unavailable ({@code STORAGE_UNAVAILABLE}) stops the pass and marks nothing: an outage is not
 * corruption. Other read failures skip the blob for this pass.
 */
public final class BlobScrub extends PeriodicDuty<ScrubReport> {
  private static final Logger LOG = LoggerFactory.getLogger(BlobScrub.class);

  static final Duration EVERY = Duration.ofSeconds(30);

  /** A blob verified more recently than this is not re-read in the background. */
  public static final Duration REVERIFY_AFTER = Duration.ofDays(7);

  static final int BATCH = 16;
  static final int READ_BUFFER = 64 * 1024;

  /** Slack on a claim beyond the time its bytes take at the pace. */
  static final Duration CLAIM_SLACK = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final BlobIntegrity integrity;
  private final BlobStore store;
  private final ReadPacer pacer;
  private final boolean background;
  private Context context;

  /**
   * @param bytesPerSecond the pace of every pass, {@code > 0}
   * @param background whether {@link #start} runs passes on a timer (false: only {@link #scrubNow})
   */
  public BlobScrub(
      Vertx vertx,
      BlobIntegrity integrity,
      BlobStore store,
      long bytesPerSecond,
      boolean background) {
    super("blob scrub", EVERY, EVERY);
    this.vertx = vertx;
    this.integrity = integrity;
    this.store = store;
    this.pacer = new ReadPacer(bytesPerSecond, System::nanoTime);
    this.background = background;
  }

  @Override
  public void start(Vertx vertx) {
    context = vertx.getOrCreateContext();
    if (background) {
      super.start(vertx);
    }
  }

  /** A background pass: the blobs not verified within {@link #REVERIFY_AFTER}. */
  @Override
  public Future<ScrubReport> runOnce() {
    return onOwnContext(REVERIFY_AFTER);
  }

  /** A full pass now: every blob not verified since the pass began. */
  public Future<ScrubReport> scrubNow() {
    return onOwnContext(Duration.ZERO)
        .onSuccess(
            r -> {
              String line = report(r);
              if (line != null) {
                LOG.info("{} (run now)", line);
              }
            });
  }

  @Override
  protected String report(ScrubReport r) {
    if (r.unavailable() != null) {
      return "blob scrub stopped after " + r.scanned() + " blob(s): " + r.unavailable();
    }
    if (r.scanned() == 0 && r.skipped() == 0) {
      return null;
    }
    return String.format(
        "blob scrub: %d blob(s), %d bytes in %.1f s: %d ok, %d missing, %d corrupt, %d skipped;"
            + " %d asset(s) marked corrupt, %d restored",
        r.scanned(),
        r.bytes(),
        r.seconds(),
        r.ok(),
        r.missing(),
        r.corrupt(),
        r.skipped(),
        r.corruptAssets(),
        r.restoredAssets());
  }

  /** Runs a pass on this duty's context (not the caller's: an HTTP request's event loop). */
  private Future<ScrubReport> onOwnContext(Duration within) {
    Context own = context != null ? context : vertx.getOrCreateContext();
    Context caller = Vertx.currentContext();
    Promise<ScrubReport> done = Promise.promise();
    own.runOnContext(v -> pass(within).onComplete(done));
    if (caller == null || caller == own) {
      return done.future();
    }
    Promise<ScrubReport> back = Promise.promise();
    done.future().onComplete(ar -> caller.runOnContext(x -> back.handle(ar)));
    return back.future();
  }

  private final class Tally {
    final Instant startedAt = Instant.now();
    final long t0 = System.nanoTime();
    long scanned, bytes, ok, missing, corrupt, skipped, corruptAssets, restoredAssets;
    String unavailable;

    ScrubReport report() {
      return new ScrubReport(
          scanned,
          bytes,
          ok,
          missing,
          corrupt,
          skipped,
          corruptAssets,
          restoredAssets,
          unavailable,
          startedAt,
          (System.nanoTime() - t0) / 1e9,
          pacer.bytesPerSecond());
    }
  }

  private Future<ScrubReport> pass(Duration within) {
    Tally t = new Tally();
    return integrity.now().compose(now -> rounds(now.minus(within), t)).map(v -> t.report());
  }

  private Future<Void> rounds(OffsetDateTime notVerifiedSince, Tally t) {
    return integrity
        .claim(notVerifiedSince, BATCH, this::claimFor)
        .compose(
            batch ->
                batch.isEmpty()
                    ? Future.succeededFuture()
                    : each(batch, 0, t)
                        .compose(
                            go -> go ? rounds(notVerifiedSince, t) : Future.succeededFuture()));
  }

  /** How long to claim blobs of {@code bytes} for: their time at the pace, twice, and slack. */
  private Duration claimFor(long bytes) {
    return CLAIM_SLACK.plusMillis(2_000 * bytes / pacer.bytesPerSecond());
  }

  /** Verifies {@code batch[i..]}; false when the store went unavailable (the rest released). */
  private Future<Boolean> each(List<BlobIntegrity.Claimed> batch, int i, Tally t) {
    if (i == batch.size()) {
      return Future.succeededFuture(true);
    }
    BlobIntegrity.Claimed c = batch.get(i);
    return verify(c, t)
        .compose(
            v -> each(batch, i + 1, t),
            e -> {
              if (AssetGridException.codeOf(e) == ErrorCode.STORAGE_UNAVAILABLE) {
                t.unavailable = e.getMessage();
                LOG.warn(
                    "blob scrub stopped: {} (nothing marked for the {} blob(s) not read)",
                    e.getMessage(),
                    batch.size() - i);
                return integrity
                    .release(batch.subList(i, batch.size()).stream().map(x -> x.key()).toList())
                    .map(false);
              }
              // its claim stays until it expires, so this pass does not pick it again
              t.skipped++;
              LOG.warn("blob scrub could not read {}: {}", c.key(), e.toString());
              return each(batch, i + 1, t);
            });
  }

  private Future<Void> verify(BlobIntegrity.Claimed c, Tally t) {
    BlobKey key = c.key();
    return store
        .open(key)
        .compose(this::digest)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                Read r = ar.result();
                t.bytes += r.size();
                boolean whole = r.size() == c.size() && r.sha256().equals(key.sha256());
                return whole ? ok(c, t) : damaged(c, Integrity.CORRUPT, r, t);
              }
              if (AssetGridException.codeOf(ar.cause()) == ErrorCode.BLOB_NOT_FOUND) {
                return damaged(c, Integrity.MISSING, null, t);
              }
              return Future.failedFuture(ar.cause());
            });
  }

  private Future<Void> ok(BlobIntegrity.Claimed c, Tally t) {
    return integrity
        .recordOk(c.key())
        .map(
            rec -> {
              t.scanned++;
              t.ok++;
              t.restoredAssets += rec.assets().size();
              if (rec.previous() != null && rec.previous().damaged()) {
                LOG.info(
                    "blob {} reads back whole again (was {}); asset(s) restored: {}",
                    c.key(),
                    rec.previous().wire(),
                    rec.assets());
              }
              return null;
            });
  }

  private Future<Void> damaged(BlobIntegrity.Claimed c, Integrity found, Read read, Tally t) {
    return integrity
        .recordDamaged(
            c.key(), found, read == null ? 0 : read.size(), read == null ? null : read.sha256())
        .map(
            rec -> {
              if (rec.previous() == null) {
                return null; // purged while it was read
              }
              t.scanned++;
              if (found == Integrity.MISSING) {
                t.missing++;
              } else {
                t.corrupt++;
              }
              t.corruptAssets += rec.assets().size();
              if (rec.previous() != found || !rec.assets().isEmpty()) {
                LOG.warn(
                    "blob {} is {}{}: asset(s) marked corrupt: {}",
                    c.key(),
                    found.wire(),
                    read == null
                        ? ""
                        : " (read " + read.size() + " bytes hashing to " + read.sha256() + ")",
                    rec.assets());
              }
              return null;
            });
  }

  /** What a re-read found. */
  private record Read(long size, String sha256) {}

  /** Streams {@code in} through SHA-256 at the pace; the stream is closed at its end. */
  private Future<Read> digest(ReadStream<Buffer> in) {
    Promise<Read> p = Promise.promise();
    MessageDigest md = sha256();
    long[] n = {0};
    if (in instanceof AsyncFile f) {
      f.setReadBufferSize(READ_BUFFER); // the local store's file: 8 KiB reads by default
    }
    in.exceptionHandler(p::tryFail);
    in.endHandler(v -> p.tryComplete(new Read(n[0], HexFormat.of().formatHex(md.digest()))));
    in.handler(
        buf -> {
          md.update(buf.getBytes());
          n[0] += buf.length();
          long waitMs = pacer.take(buf.length()) / 1_000_000;
          if (waitMs > 0) {
            in.pause();
            vertx.setTimer(waitMs, id -> in.resume());
          }
        });
    return p.future()
        .andThen(
            ar -> {
              if (in instanceof AsyncFile f) {
                f.close(); // an AsyncFile stays open after its end
              }
            });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
