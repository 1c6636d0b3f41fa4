package dev.assetgrid.bench.texture;

import dev.assetgrid.node.natives.LibKtxEncoder;
import dev.assetgrid.node.natives.StbImageDecoder;
import dev.assetgrid.node.processing.texture.CompressTexture;
import dev.assetgrid.node.processing.texture.CompressedTexture;
import dev.assetgrid.shared.stage.CompressTextureOptions;
import dev.assetgrid.shared.stage.CompressTextureOptions.Mode;
import dev.assetgrid.shared.stage.TextureRole;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Compression time per megapixel of the compress-texture stage (decode, resize, mips, encode, PSNR
 * check) for ETC1S and UASTC, and of the {@code basisu} CLI with the same settings when it is on
 * the PATH. Not a test: run it by hand and record the numbers with the machine.
 *
 * <pre>
 * mvn -q -pl bench -am compile
 * java -cp "$(cat cp.txt)" dev.assetgrid.bench.texture.TextureBench [--size 1024] [--runs 3] [--threads 1] [image.png ...]
 * </pre>
 *
 * Without image arguments it uses a synthetic image (smooth gradients, hard edges and noise).
 */
public final class TextureBench {
  private TextureBench() {}

  private record Setting(String name, TextureRole role, Mode mode, boolean mipmaps, boolean sse) {}

  public static void main(String[] args) throws Exception {
    int size = 1024;
    int runs = 3;
    int threads = 1;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size" -> size = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        default -> files.add(Path.of(args[i]));
      }
    }
    List<String> names = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    if (files.isEmpty()) {
      names.add("synthetic " + size + "x" + size);
      images.add(synthetic(size));
    }
    for (Path f : files) {
      names.add(f.getFileName().toString());
      images.add(Files.readAllBytes(f));
    }
    System.out.printf(
        Locale.ROOT,
        "TextureBench: java %s, %d cores, %s, threads=%d, runs=%d (median)%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        threads,
        runs);
    List<Setting> settings =
        List.of(
            new Setting("etc1s", TextureRole.COLOR, Mode.ETC1S, false, false),
            new Setting("etc1s+mips", TextureRole.COLOR, Mode.ETC1S, true, false),
            new Setting("etc1s sse", TextureRole.COLOR, Mode.ETC1S, false, true),
            new Setting("uastc+zstd", TextureRole.DATA, Mode.UASTC, false, false),
            new Setting("uastc+zstd+mips", TextureRole.DATA, Mode.UASTC, true, false));
    CompressTextureOptions base =
        CompressTextureOptions.fromJson(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode()
                .put("threads", threads));
    for (int n = 0; n < images.size(); n++) {
      byte[] img = images.get(n);
      System.out.printf(Locale.ROOT, "%n%s (%d bytes)%n", names.get(n), img.length);
      System.out.printf(
          Locale.ROOT, "%-18s %9s %9s %9s %9s%n", "setting", "ms", "ms/MP", "PSNR dB", "KTX2 B");
      for (Setting s : settings) {
        CompressTexture stage =
            new CompressTexture(new StbImageDecoder(), new LibKtxEncoder(s.sse()));
        CompressTextureOptions o = base.withMode(s.mode()).withSize(0, false, s.mipmaps());
        stage.compress(img, s.role(), o); // warm-up
        long[] ms = new long[runs];
        CompressedTexture last = null;
        for (int r = 0; r < runs; r++) {
          long t = System.nanoTime();
          last = stage.compress(img, s.role(), o);
          ms[r] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        long median = ms[runs / 2];
        double mp = (double) last.widthIn() * last.heightIn() / 1e6;
        System.out.printf(
            Locale.ROOT,
            "%-18s %9d %9.0f %9.2f %9d%n",
            s.name(),
            median,
            median / mp,
            last.psnr(),
            last.bytesOut());
      }
      basisu(img, threads, runs);
    }
  }

  /** Times the basisu CLI with the stage's default settings, when it is installed. */
  private static void basisu(byte[] image, int threads, int runs) throws Exception {
    Path exe = onPath("basisu");
    if (exe == null) {
      System.out.println("basisu CLI: not on PATH, skipped");
      return;
    }
    Path dir = Files.createTempDirectory("texbench");
    Path in = dir.resolve("in.png");
    Files.write(in, toPng(image));
    BufferedImage decoded = ImageIO.read(in.toFile());
    double mp = decoded.getWidth() * (double) decoded.getHeight() / 1e6;
    List<List<String>> modes =
        List.of(
            List.of("-q", "128", "-comp_level", "2"),
            List.of("-q", "128", "-comp_level", "2", "-mipmap"),
            List.of("-uastc", "-uastc_level", "2", "-ktx2_zstandard_level", "18", "-linear"),
            List.of(
                "-uastc",
                "-uastc_level",
                "2",
                "-ktx2_zstandard_level",
                "18",
                "-linear",
                "-mipmap"));
    String[] names = {
      "basisu etc1s", "basisu etc1s+mips", "basisu uastc+zstd", "basisu uastc+mips"
    };
    for (int m = 0; m < modes.size(); m++) {
      List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-ktx2"));
      cmd.addAll(modes.get(m));
      if (threads == 1) {
        cmd.add("-no_multithreading");
      }
      cmd.addAll(List.of("-output_file", dir.resolve("out.ktx2").toString(), in.toString()));
      long[] ms = new long[runs];
      for (int r = 0; r < runs; r++) {
        long t = System.nanoTime();
        Process p =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log.txt").toFile())
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          System.out.println(names[m] + ": failed, see " + dir.resolve("log.txt"));
          return;
        }
        ms[r] = (System.nanoTime() - t) / 1_000_000;
      }
      Arrays.sort(ms);
      System.out.printf(
          Locale.ROOT,
          "%-18s %9d %9.0f %9s %9d%n",
          names[m],
          ms[runs / 2],
          ms[runs / 2] / mp,
          "-",
          Files.size(dir.resolve("out.ktx2")));
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static byte[] toPng(byte[] image) throws IOException {
    BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(image));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** Smooth gradients in one half, hard-edged shapes and noise in the other: a mixed workload. */
  static byte[] synthetic(int n) throws IOException {
    BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    Random rnd = new Random(42);
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        double u = x / (double) n;
        double v = y / (double) n;
        int r = (int) (255 * (0.5 + 0.4 * Math.sin(u * Math.PI * 6)));
        int g = (int) (255 * v);
        int b = (int) (255 * (0.5 + 0.4 * Math.cos((u + v) * Math.PI * 3)));
        if (x > n / 2) {
          boolean check = ((x / 16) + (y / 16)) % 2 == 0;
          int noise = rnd.nextInt(48) - 24;
          r = clamp((check ? 200 : 60) + noise);
          g = clamp((check ? 180 : 90) + noise);
          b = clamp(b + noise);
        }
        img.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
