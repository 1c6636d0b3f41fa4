package dev.assetgrid.coordinator.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assetgrid.node.processing.gltf.TestCorpus;
import dev.assetgrid.shared.pipeline.ModelFormat;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FormatSnifferTest {

  private static Optional<ModelFormat> sniff(byte[] content) {
    return FormatSniffer.sniff(content, content.length, content.length);
  }

  @Test
  void recognisesEveryFormatFromContent() {
    assertThat(sniff(Samples.glb())).contains(ModelFormat.GLB);
    assertThat(sniff(Samples.text(Samples.GLTF_JSON))).contains(ModelFormat.GLTF);
    assertThat(sniff(Samples.text("\uFEFF  \n {\"asset\":{}}"))).contains(ModelFormat.GLTF);
    assertThat(sniff(Samples.zip())).contains(ModelFormat.ZIP);
    assertThat(sniff(Samples.fbxBinary())).contains(ModelFormat.FBX);
    assertThat(sniff(Samples.FBX_ASCII)).contains(ModelFormat.FBX);
    assertThat(sniff(Samples.PLY)).contains(ModelFormat.PLY);
    assertThat(sniff(Samples.text("ply\r\nformat binary_little_endian 1.0\r\n")))
        .contains(ModelFormat.PLY);
    assertThat(sniff(Samples.STL_ASCII)).contains(ModelFormat.STL);
    assertThat(sniff(Samples.stlBinary(1))).contains(ModelFormat.STL);
    assertThat(sniff(Samples.stlBinary(0))).contains(ModelFormat.STL);
    assertThat(sniff(Samples.DAE)).contains(ModelFormat.DAE);
    assertThat(sniff(Samples.OBJ)).contains(ModelFormat.OBJ);
  }

  @Test
  void binaryStlNeedsTheTotalSize() {
    byte[] stl = Samples.stlBinary(3);
    assertThat(FormatSniffer.sniff(stl, stl.length)).isEmpty();
    assertThat(FormatSniffer.sniff(stl, stl.length, stl.length + 1)).isEmpty();
    assertThat(FormatSniffer.sniff(stl, stl.length, stl.length)).contains(ModelFormat.STL);
  }

  @Test
  void refusesWhatIsNotAModel() {
    assertThat(sniff(new byte[0])).isEmpty();
    assertThat(sniff(Samples.PNG)).isEmpty();
    assertThat(sniff(Samples.random(4096, 1))).isEmpty();
    assertThat(sniff(Samples.MTL)).as("an .mtl side file").isEmpty();
    assertThat(sniff(Samples.text("hello world\nthis is a readme\n"))).isEmpty();
    assertThat(sniff(Samples.text("<html><body>not collada</body></html>"))).isEmpty();
    assertThat(sniff(Samples.text("solid but nothing else"))).isEmpty();
    assertThat(sniff(Samples.text("plyx\n"))).isEmpty();
    assertThat(sniff(Samples.text("# only comments\n# here\n"))).isEmpty();
  }

  @Test
  void binaryJunkIsNotTakenForObj() {
    byte[] junk = Samples.random(2000, 2);
    byte[] prefix = "v 0 0 0\nf 1 2 3\n".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(prefix, 0, junk, 0, prefix.length);
    assertThat(sniff(junk)).isEmpty();

    byte[] withNul = "v 0 0 0\nv 1 0 0\0\nf 1 2 3\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(sniff(withNul)).isEmpty();
  }

  @Test
  void aHeadCutInTheMiddleOfALineStillSniffs() {
    byte[] obj = Samples.text("v 1 2 3\nv 4 5 6\nf 1 2 3\nvn 0.5 0.5 0.70710678118\n");
    int cut = obj.length - 10;
    assertThat(FormatSniffer.sniff(obj, cut, obj.length)).contains(ModelFormat.OBJ);
  }

  @Test
  void headLengthBoundsTheBytesLookedAt() {
    byte[] buf = new byte[64];
    System.arraycopy(Samples.glb(), 0, buf, 0, 4);
    assertThat(FormatSniffer.sniff(buf, 3)).isEmpty();
    assertThat(FormatSniffer.sniff(buf, 4)).contains(ModelFormat.GLB);
  }

  /** Every model of the real corpus is recognised as the format its extension says. */
  @Test
  void sniffsTheCorpus() throws Exception {
    Path corpus = TestCorpus.root();
    Map<String, ModelFormat> byExtension =
        Map.of(
            "glb",
            ModelFormat.GLB,
            "gltf",
            ModelFormat.GLTF,
            "obj",
            ModelFormat.OBJ,
            "stl",
            ModelFormat.STL,
            "ply",
            ModelFormat.PLY,
            "fbx",
            ModelFormat.FBX,
            "dae",
            ModelFormat.DAE);
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.toString().contains("validator-tests"))
              .toList();
    }
    int checked = 0;
    for (Path f : files) {
      String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
      String ext = name.substring(name.lastIndexOf('.') + 1);
      ModelFormat expected = byExtension.get(ext);
      byte[] head = new byte[64 * 1024];
      int n;
      try (InputStream in = Files.newInputStream(f)) {
        n = in.readNBytes(head, 0, head.length);
      }
      Optional<ModelFormat> got = FormatSniffer.sniff(head, n, Files.size(f));
      if (expected != null) {
        assertThat(got).as(f.toString()).contains(expected);
        checked++;
      } else if (ext.equals("png")
          || ext.equals("jpg")
          || ext.equals("jpeg")
          || ext.equals("bin")
          || ext.equals("mtl")
          || ext.equals("md")
          || ext.equals("tga")
          || ext.equals("ktx2")) {
        assertThat(got).as("side file " + f).isEmpty();
      }
    }
    assertThat(checked).isGreaterThan(40);
  }
}
