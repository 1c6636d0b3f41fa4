package dev.assetgrid.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusScannerTest {
  @TempDir Path dir;

  @Test
  void gltfSideFilesAndFormatFilter() throws Exception {
    Path m = Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(
        m.resolve("x.gltf"),
        """
        {"asset":{"version":"2.0"},"buffers":[{"uri":"x%20data.bin","byteLength":4},{"uri":"data:application/octet-stream;base64,AAAA"}],
         "images":[{"uri":"tex/c.png"},{"uri":"missing.png"}]}""");
    Files.write(m.resolve("x data.bin"), new byte[4]);
    Files.createDirectories(m.resolve("tex"));
    Files.write(m.resolve("tex/c.png"), new byte[10]);
    Files.write(dir.resolve("y.glb"), new byte[20]);
    Files.write(dir.resolve("z.obj"), "v 0 0 0\n".getBytes());
    Files.createDirectories(dir.resolve("validator-tests"));
    Files.write(dir.resolve("validator-tests/bad.glb"), new byte[3]);

    List<WorkItem> items =
        CorpusScanner.scan(dir, Set.of("glb", "gltf"), List.of("validator-tests"), 1 << 20);
    assertThat(items).extracting(WorkItem::name).containsExactly("a/b/x.gltf", "y.glb");
    WorkItem x = items.get(0);
    assertThat(x.sideFiles())
        .extracting(WorkItem.SideFile::name)
        .containsExactly("x data.bin", "tex/c.png");
    assertThat(x.bytes()).isEqualTo(Files.size(m.resolve("x.gltf")) + 14);
  }

  @Test
  void syntheticCorpusHasKnownTriangles() throws Exception {
    assertThat(SyntheticCorpus.parseSizes("1k, 2.5k,2m,1001"))
        .containsExactly(1000L, 2500L, 2_000_000L, 1002L);
    List<WorkItem> items =
        SyntheticCorpus.generate(dir, List.of(1000L, 2000L), SyntheticCorpus.Textures.BOTH, 32, 1);
    assertThat(items).hasSize(4);
    assertThat(items)
        .extracting(WorkItem::knownTriangles)
        .containsExactly(1000L, 1000L, 2000L, 2000L);
    assertThat(items.get(1).bytes()).isGreaterThan(items.get(0).bytes());
    byte[] again = Files.readAllBytes(items.get(0).primary());
    assertThat(
            SyntheticCorpus.generate(dir, List.of(1000L), SyntheticCorpus.Textures.NONE, 32, 1)
                .get(0)
                .primary())
        .hasBinaryContent(again);
  }
}
