package dev.assetgrid.node.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptDirectoryTest {
  @TempDir Path root;

  @Test
  void nothingIsMadeUntilADirectoryIsAskedFor() throws Exception {
    AttemptDirectory d = AttemptDirectory.under(root, "t", 3);

    assertThat(d.inputPath()).isEqualTo(root.resolve("t-3/in"));
    assertThat(d.created()).isFalse();
    d.delete();
    assertThat(root).isEmptyDirectory();

    assertThat(d.workDir()).isEqualTo(root.resolve("t-3/out")).isDirectory();
    assertThat(d.created()).isTrue();
    assertThat(root.resolve("t-3/in")).doesNotExist();
  }

  @Test
  void theFirstDirectoryMadeReplacesALeftoverTreeAndTheSecondKeepsTheFirst() throws Exception {
    Files.createDirectories(root.resolve("t-1/out/deep"));
    Files.writeString(root.resolve("t-1/out/deep/old.bin"), "old");
    Files.writeString(root.resolve("t-1/stray.txt"), "old");
    AttemptDirectory d = AttemptDirectory.under(root, "t", 1);

    Path in = d.inputDir();
    Files.writeString(in.resolve("original"), "new");
    Path out = d.workDir();

    assertThat(root.resolve("t-1/stray.txt")).doesNotExist();
    assertThat(out).isEmptyDirectory();
    assertThat(in.resolve("original")).hasContent("new");
  }

  @Test
  void deleteRemovesTheWholeAttemptButNotItsNeighbours() throws Exception {
    AttemptDirectory d = AttemptDirectory.under(root, "t", 1);
    Files.createDirectories(root.resolve("t-2"));
    Files.createDirectories(d.inputDir().resolve("textures"));
    Files.writeString(d.inputDir().resolve("textures/a.png"), "png");
    Files.writeString(d.workDir().resolve("out.glb"), "glb");

    d.delete();

    assertThat(root.resolve("t-1")).doesNotExist();
    assertThat(root.resolve("t-2")).isDirectory();
  }

  @Test
  void callerChosenDirectoriesAreMadeWhenMissingAndNeverDeleted() throws Exception {
    Path in = root.resolve("inputs");
    Files.createDirectories(in);
    Files.writeString(in.resolve("keep.txt"), "mine");
    AttemptDirectory d = AttemptDirectory.of(in, root.resolve("scratch"));

    assertThat(d.inputDir()).isEqualTo(in);
    assertThat(d.workDir()).isDirectory();
    d.delete();

    assertThat(in.resolve("keep.txt")).hasContent("mine");
    assertThat(root.resolve("scratch")).isDirectory();
  }

  @Test
  void taskWorkMakesItsWorkDirectoryOnFirstUse() {
    AttemptDirectory d = AttemptDirectory.under(root, "w", 1);
    TaskWork work = new TaskWork("w", 1, null, java.util.Map.of(), d, p -> {}, () -> false);

    assertThat(root).isEmptyDirectory();
    assertThat(work.workDir()).isDirectory();
    assertThat(d.created()).isTrue();
  }
}
