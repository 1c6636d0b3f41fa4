package dev.assetgrid.coordinator.ingest;

import dev.assetgrid.coordinator.net.Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How batch imports run.
 *
 * @param roots folders whose subfolders may be imported ({@code --import-root}, real paths); none:
 *     folder imports are off
 * @param inflight items one coordinator imports at once ({@code --import-inflight}), so interactive
 *     uploads keep their latency
 * @param maxFiles most files one import may list ({@code --import-max-files})
 * @param timeout how long one fetch of a URL may stay silent ({@code --import-timeout})
 * @param allowHttp whether URL imports (and S3 endpoints) may use plain http ({@code
 *     --allow-http-imports})
 * @param allowCidrs internal ranges URL imports and S3 endpoints may reach ({@code
 *     --import-allow-cidr})
 */
public record ImportOptions(
    List<Path> roots,
    int inflight,
    int maxFiles,
    Duration timeout,
    boolean allowHttp,
    List<Cidr> allowCidrs) {
  public static final int DEFAULT_INFLIGHT = 1;
  public static final int DEFAULT_MAX_FILES = 100_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  public ImportOptions {
    roots = List.copyOf(roots);
    allowCidrs = List.copyOf(allowCidrs);
    if (inflight < 1 || inflight > 256) {
      throw new IllegalArgumentException("import inflight must be 1..256");
    }
    if (maxFiles < 1) {
      throw new IllegalArgumentException("import max files must be positive");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("import timeout must be positive");
    }
  }

  public static ImportOptions defaults() {
    return new ImportOptions(
        List.of(), DEFAULT_INFLIGHT, DEFAULT_MAX_FILES, DEFAULT_TIMEOUT, false, List.of());
  }

  /** Folder imports under these roots (made real paths here). */
  public ImportOptions withRoots(List<Path> folders) {
    List<Path> real =
        folders.stream()
            .map(
                p -> {
                  try {
                    return p.toRealPath();
                  } catch (java.io.IOException e) {
                    throw new IllegalArgumentException("the import root " + p + " does not exist");
                  }
                })
            .toList();
    return new ImportOptions(real, inflight, maxFiles, timeout, allowHttp, allowCidrs);
  }

  /** URL sources on these internal ranges, and over plain http when {@code http} (tests, labs). */
  public ImportOptions withSources(boolean http, List<Cidr> allowed) {
    return new ImportOptions(roots, inflight, maxFiles, timeout, http, allowed);
  }

  public ImportOptions withTimeout(Duration t) {
    return new ImportOptions(roots, inflight, maxFiles, t, allowHttp, allowCidrs);
  }

  public ImportOptions withInflight(int n) {
    return new ImportOptions(roots, n, maxFiles, timeout, allowHttp, allowCidrs);
  }
}
