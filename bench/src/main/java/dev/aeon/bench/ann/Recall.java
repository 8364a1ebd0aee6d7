package dev.aeon.bench.ann;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Recall against the ground truth, and reading a recall-QPS curve at a given recall. */
final class Recall {

  private Recall() {}

  /** Mean over queries of |found[q] ∩ truth[q][0..k)| / k, looking at the first k of each answer. */
  static double atK(int[][] found, int[][] truth, int k) {
    long hits = 0;
    for (int q = 0; q < truth.length; q++) {
      hits += hits(found[q], truth[q], k);
    }
    return hits / ((double) truth.length * k);
  }

  static int hits(int[] found, int[] truth, int k) {
    int h = 0;
    int tk = Math.min(k, truth.length);
    for (int i = 0; i < Math.min(k, found.length); i++) {
      for (int j = 0; j < tk; j++) {
        if (found[i] == truth[j]) {
          h++;
          break;
        }
      }
    }
    return h;
  }

  /** A measured (recall, QPS) point of a curve. */
  record Point(double recall, double qps) {}

  /**
   * The highest QPS an engine reaches at recall {@code >= target}: the best measured point at or above
   * it, or a point on the straight line between two neighbouring points (ordered by recall) that
   * straddle it. NaN if the curve never reaches {@code target}.
   */
  static double qpsAtRecall(List<Point> curve, double target) {
    List<Point> pts = new ArrayList<>(curve);
    pts.sort(Comparator.comparingDouble(Point::recall));
    double best = Double.NaN;
    for (int i = 0; i < pts.size(); i++) {
      Point p = pts.get(i);
      if (p.recall() >= target) {
        best = Double.isNaN(best) ? p.qps() : Math.max(best, p.qps());
      }
      if (i > 0 && pts.get(i - 1).recall() < target && p.recall() > target) {
        Point a = pts.get(i - 1);
        double t = (target - a.recall()) / (p.recall() - a.recall());
        double interpolated = a.qps() + t * (p.qps() - a.qps());
        best = Double.isNaN(best) ? interpolated : Math.max(best, interpolated);
      }
    }
    return best;
  }
}
