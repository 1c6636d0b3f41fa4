package dev.assetgrid.bench.report;

import java.util.List;
import java.util.Locale;

/** Tiny inline-SVG charts for the HTML report: no script, no external resources. */
public final class Svg {
  private static final String[] COLORS = {
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563"
  };
  private static final int W = 640;
  private static final int H = 260;
  private static final int L = 60;
  private static final int R = 20;
  private static final int T = 30;
  private static final int B = 40;

  private Svg() {}

  /** A named series of (x, y) points. */
  public record Series(String name, List<double[]> points) {}

  /** Lines with markers; {@code dashed} series (e.g. "ideal") are drawn dashed. */
  public static String lineChart(
      String title, String xLabel, String yLabel, List<Series> series, String dashed) {
    double maxX = 0;
    double maxY = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        maxX = Math.max(maxX, p[0]);
        maxY = Math.max(maxY, p[1]);
      }
    }
    maxX = maxX <= 0 ? 1 : maxX;
    maxY = niceCeil(maxY <= 0 ? 1 : maxY);
    StringBuilder sb = frame(title, xLabel, yLabel, 0, maxX, maxY);
    int c = 0;
    for (Series s : series) {
      String color = COLORS[c++ % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (double[] p : s.points()) {
        pts.append(f(x(p[0], maxX))).append(',').append(f(y(p[1], maxY))).append(' ');
      }
      sb.append("<polyline fill=\"none\" stroke=\"")
          .append(color)
          .append("\" stroke-width=\"2\"")
          .append(s.name().equals(dashed) ? " stroke-dasharray=\"6 4\"" : "")
          .append(" points=\"")
          .append(pts.toString().trim())
          .append("\"/>\n");
      for (double[] p : s.points()) {
        sb.append("<circle cx=\"")
            .append(f(x(p[0], maxX)))
            .append("\" cy=\"")
            .append(f(y(p[1], maxY)))
            .append("\" r=\"2.5\" fill=\"")
            .append(color)
            .append("\"><title>")
            .append(esc(s.name()))
            .append(": ")
            .append(fmt(p[0]))
            .append(", ")
            .append(fmt(p[1]))
            .append("</title></circle>\n");
      }
    }
    legend(sb, series.stream().map(Series::name).toList());
    return sb.append("</svg>\n").toString();
  }

  /** Vertical bars with a label under each. */
  public static String barChart(String title, String yLabel, List<String> labels, double[] values) {
    double maxY = 0;
    for (double v : values) {
      maxY = Math.max(maxY, v);
    }
    maxY = niceCeil(maxY <= 0 ? 1 : maxY);
    StringBuilder sb = frame(title, "", yLabel, Double.NaN, 0, maxY);
    int n = Math.max(1, values.length);
    double slot = (double) (W - L - R) / n;
    for (int i = 0; i < values.length; i++) {
      double x0 = L + i * slot + slot * 0.1;
      double y0 = y(values[i], maxY);
      sb.append("<rect x=\"")
          .append(f(x0))
          .append("\" y=\"")
          .append(f(y0))
          .append("\" width=\"")
          .append(f(slot * 0.8))
          .append("\" height=\"")
          .append(f(H - B - y0))
          .append("\" fill=\"")
          .append(COLORS[0])
          .append("\"><title>")
          .append(esc(labels.get(i)))
          .append(": ")
          .append(fmt(values[i]))
          .append("</title></rect>\n");
      if (n <= 24 || i % Math.max(1, n / 12) == 0) {
        sb.append("<text x=\"")
            .append(f(x0 + slot * 0.4))
            .append("\" y=\"")
            .append(H - B + 14)
            .append("\" font-size=\"9\" text-anchor=\"middle\">")
            .append(esc(labels.get(i)))
            .append("</text>\n");
      }
    }
    return sb.append("</svg>\n").toString();
  }

  private static StringBuilder frame(
      String title, String xLabel, String yLabel, double minX, double maxX, double maxY) {
    StringBuilder sb = new StringBuilder();
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(W)
        .append(' ')
        .append(H)
        .append("\" width=\"")
        .append(W)
        .append("\" height=\"")
        .append(H)
        .append("\" font-family=\"sans-serif\">\n");
    sb.append("<text x=\"")
        .append(W / 2)
        .append("\" y=\"18\" font-size=\"13\" text-anchor=\"middle\">")
        .append(esc(title))
        .append("</text>\n");
    sb.append("<line x1=\"")
        .append(L)
        .append("\" y1=\"")
        .append(H - B)
        .append("\" x2=\"")
        .append(W - R)
        .append("\" y2=\"")
        .append(H - B)
        .append("\" stroke=\"#333\"/>\n");
    sb.append("<line x1=\"")
        .append(L)
        .append("\" y1=\"")
        .append(T)
        .append("\" x2=\"")
        .append(L)
        .append("\" y2=\"")
        .append(H - B)
        .append("\" stroke=\"#333\"/>\n");
    for (int i = 0; i <= 4; i++) {
      double v = maxY * i / 4;
      double yy = y(v, maxY);
      sb.append("<line x1=\"")
          .append(L)
          .append("\" y1=\"")
          .append(f(yy))
          .append("\" x2=\"")
          .append(W - R)
          .append("\" y2=\"")
          .append(f(yy))
          .append("\" stroke=\"#ddd\"/>\n");
      sb.append("<text x=\"")
          .append(L - 4)
          .append("\" y=\"")
          .append(f(yy + 4))
          .append("\" font-size=\"10\" text-anchor=\"end\">")
          .append(fmt(v))
          .append("</text>\n");
    }
    if (!Double.isNaN(minX)) {
      for (int i = 0; i <= 4; i++) {
        double v = maxX * i / 4;
        sb.append("<text x=\"")
            .append(f(x(v, maxX)))
            .append("\" y=\"")
            .append(H - B + 14)
            .append("\" font-size=\"10\" text-anchor=\"middle\">")
            .append(fmt(v))
            .append("</text>\n");
      }
    }
    sb.append("<text x=\"")
        .append((W + L) / 2)
        .append("\" y=\"")
        .append(H - 6)
        .append("\" font-size=\"11\" text-anchor=\"middle\">")
        .append(esc(xLabel))
        .append("</text>\n");
    sb.append("<text x=\"14\" y=\"")
        .append(H / 2)
        .append("\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
        .append(H / 2)
        .append(")\">")
        .append(esc(yLabel))
        .append("</text>\n");
    return sb;
  }

  private static void legend(StringBuilder sb, List<String> names) {
    for (int i = 0; i < names.size(); i++) {
      int yy = T + 4 + i * 14;
      sb.append("<rect x=\"")
          .append(W - R - 130)
          .append("\" y=\"")
          .append(yy - 8)
          .append("\" width=\"10\" height=\"10\" fill=\"")
          .append(COLORS[i % COLORS.length])
          .append("\"/>")
          .append("<text x=\"")
          .append(W - R - 115)
          .append("\" y=\"")
          .append(yy + 1)
          .append("\" font-size=\"10\">")
          .append(esc(names.get(i)))
          .append("</text>\n");
    }
  }

  private static double x(double v, double maxX) {
    return L + v / maxX * (W - L - R);
  }

  private static double y(double v, double maxY) {
    return H - B - v / maxY * (H - B - T);
  }

  static double niceCeil(double v) {
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Human number: integers plain, small values with up to 3 significant decimals. */
  public static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (Math.abs(v) >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
