package dev.assetgrid.coordinator.access;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Where {@link KeyCache} reads keys from (the database's {@code api_keys}). */
public interface KeySource {
  /** Every key, revoked and expired ones included. */
  Future<List<StoredKey>> all();

  /** The keys created or changed (revoked) within {@code window} of the database's clock. */
  Future<List<StoredKey>> changedWithin(Duration window);

  Future<Optional<StoredKey>> byId(String id);
}
