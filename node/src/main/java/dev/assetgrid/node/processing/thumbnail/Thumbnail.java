package dev.assetgrid.node.processing.thumbnail;

import dev.assetgrid.node.processing.gltf.GltfAsset;
import dev.assetgrid.shared.stage.ThumbnailOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The thumbnail stage: a software rasterizer in plain Java that renders a {@link GltfAsset}'s
 * default scene to an image (no GPU, no browser).
 *
 * <p>What is drawn: triangle primitives (TRIANGLES, TRIANGLE_STRIP, TRIANGLE_FAN; points and lines
 * are skipped) of the default scene with world transforms (TRS or matrix), {@code
 * EXT_mesh_gpu_instancing}, default morph weights and skins in their rest pose. Colour = base
 * colour factor x base colour texture (PNG/JPEG decoded with ImageIO after a header size check;
 * {@code KHR_texture_transform}; KTX2/WebP fall back to the factor) x {@code COLOR_0}, lit by
 * ambient + one key light (unlit for {@code KHR_materials_unlit}), plus the emissive factor of
 * materials without an emissive texture. Alpha modes OPAQUE, MASK (cutoff) and BLEND (sorted back
 * to front over the background); single-sided materials are backface-culled. The camera looks from
 * {@code yaw}/{@code pitch} and is fitted to the model's vertices, so the model fills and is
 * centred in the frame.
 *
 * <p>Design note: rendering goes through a {@code size*supersample} square sample buffer of linear
 * premultiplied floats with a {@code 1/w} depth buffer (no far plane, no precision issue with deep
 * scenes), then a box filter. Triangles are rasterized with edge functions over their bounding box
 * and the top-left rule; triangles crossing the near plane are clipped. Single-threaded (a node
 * runs one task per slot). Measured on a shared 2-core machine, warm: MetalRoughSpheresNoTextures
 * (1.04M triangles) at 512² with 2x2 supersampling in 0.55–0.7 s, Duck (4k triangles, one texture)
 * in 0.17 s (see {@code ThumbnailCorpusTest}). Lighting is per vertex (Gouraud), which is enough at
 * thumbnail sizes and keeps the per-sample work to one texture fetch.
 *
 * <p>Turntable: {@link #turntable} renders {@code turntableViews} views at yaw + i·360/N side by
 * side in one horizontal strip ({@code N*size} x {@code size}), all with the same framing so the
 * model does not jump between frames.
 *
 * <p>Errors: UNSUPPORTED_FORMAT for Draco-compressed geometry (not decoded), plus the codes of
 * {@link dev.assetgrid.node.processing.gltf.Accessors} for invalid geometry; INPUT_LIMIT_EXCEEDED
 * over {@value SceneGeometry#MAX_RENDERED_TRIANGLES} rendered triangles. Bad textures never fail:
 * they are reported in {@link ThumbnailImage#notes()}.
 */
public final class Thumbnail {
  private Thumbnail() {}

  /** One view at {@code options.yaw()}/{@code options.pitch()}, {@code size x size} pixels. */
  public static ThumbnailImage render(GltfAsset asset, ThumbnailOptions options) {
    List<String> notes = new ArrayList<>();
    SceneGeometry scene = SceneGeometry.build(asset, options, notes);
    Bounds b = Bounds.of(scene);
    Camera camera = Camera.fit(b.points, b.box, options.yaw(), options.pitch(), true);
    double[] coverage = new double[1];
    int[] argb = renderView(scene, camera, options, coverage);
    return new ThumbnailImage(options.size(), options.size(), argb, coverage[0], notes);
  }

  /** {@link #render} encoded as PNG. */
  public static byte[] png(GltfAsset asset, ThumbnailOptions options) {
    return render(asset, options).toPng();
  }

  /**
   * A turntable strip: {@code views} (default {@code options.turntableViews()}, at least 2) views
   * at yaw + i·360/views, left to right, each {@code size x size}; coverage is the strip's.
   */
  public static ThumbnailImage turntable(GltfAsset asset, ThumbnailOptions options) {
    int views = options.turntableViews() >= 2 ? options.turntableViews() : 8;
    List<String> notes = new ArrayList<>();
    SceneGeometry scene = SceneGeometry.build(asset, options, notes);
    Bounds b = Bounds.of(scene);
    double distance = 0;
    for (int i = 0; i < views; i++) {
      distance =
          Math.max(
              distance, Camera.distance(b.points, b.box, yaw(options, i, views), options.pitch()));
    }
    Camera[] cameras = new Camera[views];
    double scale = Double.MAX_VALUE;
    for (int i = 0; i < views; i++) {
      cameras[i] =
          Camera.fit(b.points, b.box, yaw(options, i, views), options.pitch(), false, distance);
      scale = Math.min(scale, cameras[i].scale);
    }
    int size = options.size();
    int stripWidth = size * views;
    int[] strip = new int[stripWidth * size];
    double covered = 0;
    double[] coverage = new double[1];
    for (int i = 0; i < views; i++) {
      int[] view = renderView(scene, cameras[i].withScale(scale), options, coverage);
      covered += coverage[0];
      for (int y = 0; y < size; y++) {
        System.arraycopy(view, y * size, strip, y * stripWidth + i * size, size);
      }
    }
    return new ThumbnailImage(stripWidth, size, strip, covered / views, notes);
  }

  /** {@link #turntable} encoded as PNG. */
  public static byte[] turntablePng(GltfAsset asset, ThumbnailOptions options) {
    return turntable(asset, options).toPng();
  }

  private static double yaw(ThumbnailOptions options, int i, int views) {
    return options.yaw() + 360.0 * i / views;
  }

  static int[] renderView(
      SceneGeometry scene, Camera camera, ThumbnailOptions options, double[] coverage) {
    int n = options.supersample();
    Raster raster = new Raster(options.size() * n, options.size() * n);
    new Renderer(camera, raster).draw(scene.draws);
    return raster.resolve(n, options.background(), coverage);
  }

  /** World-space vertex positions of every draw and their bounding box. */
  static final class Bounds {
    final List<float[]> points = new ArrayList<>();
    final double[] box = {0, 0, 0, 0, 0, 0};

    static Bounds of(SceneGeometry scene) {
      Bounds b = new Bounds();
      double[] box = {
        Double.MAX_VALUE,
        Double.MAX_VALUE,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        -Double.MAX_VALUE,
        -Double.MAX_VALUE
      };
      for (SceneGeometry.Draw d : scene.draws) {
        float[] local = d.primitive().positions;
        double[] m = d.world();
        float[] world = new float[local.length];
        int k = 0;
        for (int i = 0; i + 2 < local.length; i += 3) {
          float x = local[i], y = local[i + 1], z = local[i + 2];
          double wx = m[0] * x + m[4] * y + m[8] * z + m[12];
          double wy = m[1] * x + m[5] * y + m[9] * z + m[13];
          double wz = m[2] * x + m[6] * y + m[10] * z + m[14];
          if (!Double.isFinite(wx) || !Double.isFinite(wy) || !Double.isFinite(wz)) {
            continue; // NaN/Inf positions would poison the camera fit
          }
          box[0] = Math.min(box[0], wx);
          box[1] = Math.min(box[1], wy);
          box[2] = Math.min(box[2], wz);
          box[3] = Math.max(box[3], wx);
          box[4] = Math.max(box[4], wy);
          box[5] = Math.max(box[5], wz);
          world[k++] = (float) wx;
          world[k++] = (float) wy;
          world[k++] = (float) wz;
        }
        b.points.add(k == world.length ? world : java.util.Arrays.copyOf(world, k));
      }
      if (box[0] <= box[3]) {
        System.arraycopy(box, 0, b.box, 0, 6);
      }
      return b;
    }
  }
}
