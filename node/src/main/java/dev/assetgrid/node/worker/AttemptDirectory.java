package dev.assetgrid.node.worker;

import dev.assetgrid.shared.util.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directories of one attempt ({@code <taskId>-<attempt>/in} for inputs, {@code .../out} for
 * scratch and outputs), made on first use by whichever thread needs them.
 *
 * <p>Design note: a no-op task touches no disk. The download hop makes {@code in} only when there
 * are inputs, a handler's worker thread makes {@code out} only when it asks for its work directory,
 * and the worker schedules a cleanup only when {@link #created()}: making and deleting both
 * directories around every task in blocking hops was a large part of the node's own per-task cost
 * (numbers in bench/README.md, "Design history"). A leftover tree of the same name (a crashed
 * earlier run) is removed right before the first directory is made, so a handler never sees stale
 * files.
 *
 * <p>Thread-safe: the download hop and the handler thread may each make a directory (one after the
 * other, ordered by futures); the event loop reads {@link #created()} after both are done.
 */
final class AttemptDirectory {
  /**
   * Owned tree, removed before first use and by {@link #delete()}; null for caller-chosen
   * directories.
   */
  private final Path root;

  private final Path inputDir;
  private final Path workDir;
  private boolean rootReady;
  private boolean inputReady;
  private boolean workReady;

  private AttemptDirectory(Path root, Path inputDir, Path workDir) {
    this.root = root;
    this.inputDir = inputDir;
    this.workDir = workDir;
  }

  /**
   * The directory of attempt {@code attempt} of {@code taskId} under the worker's {@code workRoot};
   * nothing is made yet.
   */
  static AttemptDirectory under(Path workRoot, String taskId, int attempt) {
    Path root = workRoot.resolve(taskId + "-" + attempt);
    return new AttemptDirectory(root, root.resolve("in"), root.resolve("out"));
  }

  /**
   * Directories chosen by the caller (tests, direct handler calls): made if missing on first use,
   * never deleted.
   */
  static AttemptDirectory of(Path inputDir, Path workDir) {
    return new AttemptDirectory(null, inputDir, workDir);
  }

  /** Where inputs go, without making it (for resolving input names before the download hop). */
  Path inputPath() {
    return inputDir;
  }

  /** The input directory, made on first call. Blocking: call it off the event loop. */
  synchronized Path inputDir() throws IOException {
    if (!inputReady) {
      prepareRoot();
      Files.createDirectories(inputDir);
      inputReady = true;
    }
    return inputDir;
  }

  /** The scratch/output directory, made on first call. Blocking: call it off the event loop. */
  synchronized Path workDir() throws IOException {
    if (!workReady) {
      prepareRoot();
      Files.createDirectories(workDir);
      workReady = true;
    }
    return workDir;
  }

  /**
   * Whether anything may have been made on disk (true from the first attempt to make a directory).
   */
  synchronized boolean created() {
    return rootReady || inputReady || workReady;
  }

  /**
   * Removes the owned tree if anything was made; a no-op for caller-chosen directories. Blocking.
   */
  void delete() throws IOException {
    if (root != null && created()) {
      FileTrees.delete(root);
    }
  }

  private void prepareRoot() throws IOException {
    if (!rootReady && root != null) {
      // set first: a failure half-way through the removal must still get the tree cleaned up
      // afterwards
      rootReady = true;
      FileTrees.delete(root);
    }
  }
}
