package dev.aeon.bench.ann;

import java.util.List;
import java.util.Locale;

/**
 * A recall-vs-QPS plot as a standalone SVG: recall@10 on x, QPS on a log scale on y, one polyline with
 * markers per engine, axes with ticks, a legend. Written by hand so the benchmark needs no plotting library.
 */
final class SvgPlot {

  private static final int W = 760, H = 480, LEFT = 80, RIGHT = 190, TOP = 40, BOTTOM = 60;
  private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e"};

  private SvgPlot() {}

  static String render(String title, List<EngineResult> results) {
    double xMin = 1, yMin = Double.MAX_VALUE, yMax = 0;
    for (EngineResult r : results) {
      for (QueryLoop.Measured m : r.points()) {
        xMin = Math.min(xMin, m.recall());
        yMin = Math.min(yMin, m.qps());
        yMax = Math.max(yMax, m.qps());
      }
    }
    xMin = Math.max(0, Math.floor(xMin * 10) / 10);
    double lyMin = Math.floor(Math.log10(Math.max(1, yMin))), lyMax = Math.ceil(Math.log10(Math.max(10, yMax)));
    if (lyMax <= lyMin) {
      lyMax = lyMin + 1;
    }
    Axes ax = new Axes(xMin, 1.0, lyMin, lyMax);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
        W, H));
    s.append(text(W / 2.0 - RIGHT / 2.0, 22, escape(title), "middle", 15));
    axes(s, ax);
    for (int i = 0; i < results.size(); i++) {
      curve(s, ax, results.get(i), COLORS[i % COLORS.length], i);
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** Maps data to pixels: recall linear on x, log10(QPS) on y. */
  private record Axes(double xMin, double xMax, double lyMin, double lyMax) {
    double x(double recall) {
      return LEFT + (recall - xMin) / (xMax - xMin) * (W - LEFT - RIGHT);
    }

    double y(double qps) {
      return H - BOTTOM - (Math.log10(Math.max(qps, 1e-9)) - lyMin) / (lyMax - lyMin) * (H - TOP - BOTTOM);
    }
  }

  private static void axes(StringBuilder s, Axes ax) {
    double x0 = ax.x(ax.xMin()), x1 = ax.x(ax.xMax()), y0 = H - BOTTOM, y1 = TOP;
    s.append(line(x0, y0, x1, y0, "black")).append(line(x0, y0, x0, y1, "black"));
    for (double r = ax.xMin(); r <= ax.xMax() + 1e-9; r += (ax.xMax() - ax.xMin()) / 10) {
      double x = ax.x(r);
      s.append(line(x, y0, x, y1, "#e0e0e0")).append(line(x, y0, x, y0 + 5, "black"));
      s.append(text(x, y0 + 18, String.format(Locale.ROOT, "%.2f", r), "middle", 11));
    }
    for (double e = ax.lyMin(); e <= ax.lyMax() + 1e-9; e++) {
      for (int m = 1; m < 10; m++) {
        double q = m * Math.pow(10, e);
        if (Math.log10(q) > ax.lyMax() + 1e-9) {
          break;
        }
        double y = ax.y(q);
        s.append(line(x0, y, x1, y, m == 1 ? "#d0d0d0" : "#f0f0f0"));
        if (m == 1 || m == 2 || m == 5) {
          s.append(line(x0 - 5, y, x0, y, "black"));
          s.append(text(x0 - 8, y + 4, String.format(Locale.ROOT, "%,.0f", q), "end", 11));
        }
      }
    }
    s.append(text((x0 + x1) / 2, H - 20, "recall@10", "middle", 13));
    s.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" "
        + "transform=\"rotate(-90 20 %.1f)\">queries per second (1 thread, log scale)</text>%n",
        (y0 + y1) / 2, (y0 + y1) / 2));
  }

  private static void curve(StringBuilder s, Axes ax, EngineResult r, String color, int index) {
    List<QueryLoop.Measured> pts = r.points().stream()
        .sorted(java.util.Comparator.comparingDouble(QueryLoop.Measured::recall)).toList();
    StringBuilder poly = new StringBuilder();
    for (QueryLoop.Measured m : pts) {
      poly.append(String.format(Locale.ROOT, "%.1f,%.1f ", ax.x(m.recall()), ax.y(m.qps())));
    }
    s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
        color, poly.toString().strip()));
    for (QueryLoop.Measured m : pts) {
      s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s, "
          + "recall %.4f, %.0f QPS</title></circle>%n", ax.x(m.recall()), ax.y(m.qps()), color, escape(r.engine()),
          escape(m.params()), m.recall(), m.qps()));
    }
    double lx = W - RIGHT + 20, ly = TOP + 20 + index * 22;
    s.append(line(lx, ly - 4, lx + 24, ly - 4, color).replace("stroke-width=\"1\"", "stroke-width=\"3\""));
    s.append(text(lx + 30, ly, escape(r.engine()), "start", 12));
  }

  private static String line(double x1, double y1, double x2, double y2, String color) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
        + "stroke-width=\"1\"/>%n", x1, y1, x2, y2, color);
  }

  private static String text(double x, double y, String body, String anchor, int size) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        x, y, anchor, size, body);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
