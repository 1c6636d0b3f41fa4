package dev.assetgrid.coordinator;

import dev.assetgrid.coordinator.access.ApiKey;
import dev.assetgrid.coordinator.store.KeyStore;
import dev.assetgrid.shared.error.AssetGridException;
import dev.assetgrid.shared.error.ErrorCode;
import dev.assetgrid.shared.util.OwnerOnlyFile;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin key: on a database without any key, one admin key of tenant {@code default} is
 * made, written to {@code DATA_DIR/admin.key} (mode 0600) and printed once.
 */
final class AdminKey {
  private static final Logger LOG = LoggerFactory.getLogger(AdminKey.class);

  static final String FILE_NAME = "admin.key";

  private AdminKey() {}

  /** Blocks; call it while starting, never on an event loop. */
  static void bootstrap(KeyStore keys, Path dataDir) throws Exception {
    ApiKey key = ApiKey.generate();
    if (!Coordinator.await(keys.bootstrap(key))) {
      return;
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      OwnerOnlyFile.write(file, key.text() + "\n");
    } catch (IOException e) {
      throw new AssetGridException(
          ErrorCode.INTERNAL_ERROR,
          "made the first admin key " + key.id() + " but cannot write it to " + file,
          e);
    }
    // printed once, on purpose: the operator's only other copy is the file
    System.out.println(
        "assetgrid: first start, created admin key of tenant default (saved to "
            + file
            + ", mode 0600; shown only now):\n  "
            + key.text());
    LOG.info("created the first admin key {} into {}", key.id(), file);
  }
}
