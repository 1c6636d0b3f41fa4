package dev.assetgrid.coordinator.schedule;

import dev.assetgrid.coordinator.blob.BlobInfo;
import dev.assetgrid.coordinator.blob.BlobSpace;
import dev.assetgrid.coordinator.blob.BlobStore;
import dev.assetgrid.coordinator.store.LeaseTokens;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.protocol.TaskError;
import dev.assetgrid.shared.protocol.TaskOutput;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * With a store nodes write to themselves (S3 through presigned PUT URLs), the coordinator never saw
 * the bytes of an output: before a success is recorded, each output must be in the task's blob
 * space with the size the node reports, and, where the store computed a SHA-256 of the object (S3
 * checks {@code x-amz-checksum-sha256} on the PUT and keeps it), with that digest. Without a stored
 * digest the node's is kept; the scrub re-hashes the blob later.
 */
public final class StoredOutputs implements Scheduler.OutputCheck {
  private final LeaseTokens leases;
  private final BlobStore blobs;

  public StoredOutputs(LeaseTokens leases, BlobStore blobs) {
    this.leases = leases;
    this.blobs = blobs;
  }

  @Override
  public Future<Optional<TaskError>> check(
      UUID taskId, String leaseToken, List<TaskOutput> outputs) {
    return leases
        .mayWrite(taskId, leaseToken)
        .compose(
            space ->
                space.isEmpty()
                    // the lease is gone: the completion is refused as stale anyway
                    ? Future.succeededFuture(Optional.<TaskError>empty())
                    : checkAll(space.get(), outputs));
  }

  private Future<Optional<TaskError>> checkAll(BlobSpace space, List<TaskOutput> outputs) {
    List<Future<Optional<TaskError>>> checks = new ArrayList<>(outputs.size());
    for (TaskOutput o : outputs) {
      checks.add(checkOne(space, o));
    }
    return Future.all(checks)
        .map(
            all -> {
              for (int i = 0; i < checks.size(); i++) {
                Optional<TaskError> problem = all.resultAt(i);
                if (problem.isPresent()) {
                  return problem;
                }
              }
              return Optional.empty();
            });
  }

  private Future<Optional<TaskError>> checkOne(BlobSpace space, TaskOutput o) {
    if (!BlobInfo.isSha256(o.sha256()) || o.size() < 0) {
      return Future.succeededFuture(
          Optional.of(
              TaskError.of(
                  ErrorCode.TRANSFER_FAILED, "output " + o.name() + " has no valid sha256/size")));
    }
    return blobs
        .stat(space.key(o.sha256()))
        .map(
            stored -> {
              if (stored.isEmpty()) {
                return Optional.of(
                    TaskError.of(
                        ErrorCode.TRANSFER_FAILED,
                        "output " + o.name() + " is not in the blob store"));
              }
              BlobInfo info = stored.get();
              if (info.size() != o.size() || !info.sha256().equals(o.sha256())) {
                return Optional.of(
                    TaskError.of(
                        ErrorCode.BLOB_CHECKSUM_MISMATCH,
                        "output "
                            + o.name()
                            + " in the store is "
                            + info.size()
                            + " bytes with sha256 "
                            + info.sha256()
                            + ", the node reported "
                            + o.size()
                            + " bytes with "
                            + o.sha256()));
              }
              return Optional.empty();
            });
  }
}
