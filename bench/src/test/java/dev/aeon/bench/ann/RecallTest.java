package dev.aeon.bench.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Recall, the reading of a curve at a target recall, the exact ground truth and the verdict's arithmetic. */
class RecallTest {

  @Test
  void recallCountsFoundTrueNeighboursInTheFirstK() {
    int[][] truth = {{1, 2, 3, 4}, {5, 6, 7, 8}};
    int[][] found = {{4, 3, 9, 1}, {5, 6, 7, 8, 99}};
    assertEquals((3 + 4) / 8.0, Recall.atK(found, truth, 4), 1e-12);
    assertEquals(0.25, Recall.atK(new int[][] {{1, 0}, {}}, truth, 2), 1e-12, "an empty answer counts its misses");
  }

  @Test
  void qpsAtRecallInterpolatesBetweenStraddlingPoints() {
    List<Recall.Point> curve = List.of(new Recall.Point(0.90, 1000), new Recall.Point(0.98, 200));
    assertEquals(600, Recall.qpsAtRecall(curve, 0.94), 1e-9);
    assertEquals(200, Recall.qpsAtRecall(curve, 0.98), 1e-9);
    assertTrue(Double.isNaN(Recall.qpsAtRecall(curve, 0.99)), "never reached");
  }

  @Test
  void qpsAtRecallTakesTheBestPointAtOrAboveTheTarget() {
    // Out of order, and a faster point above the target beats the interpolation below it.
    List<Recall.Point> curve = List.of(new Recall.Point(0.97, 900), new Recall.Point(0.80, 2000),
        new Recall.Point(0.96, 300), new Recall.Point(0.99, 100));
    assertEquals(900, Recall.qpsAtRecall(curve, 0.95), 1e-9);
  }

  @Test
  void groundTruthIsTheExactTopKBestFirst() {
    float[][] base = {{1, 0}, {0, 1}, {0.8f, 0.6f}, {-1, 0}, {0.6f, 0.8f}};
    float[][] queries = {{1, 0}, {0, 1}};
    int[][] truth = GroundTruth.compute(base, queries, 3);
    assertArrayEquals(new int[] {0, 2, 4}, truth[0]);
    assertArrayEquals(new int[] {1, 4, 2}, truth[1]);
  }

  @Test
  void verdictComparesAtlasWithTheBestBaselineAtTheTargetRecall() {
    EngineResult aeon = result("aeon", 10, 400, new double[][] {{0.90, 3000}, {0.97, 1800}});
    EngineResult lucene = result("lucene-hnsw-int8", 20, 500, new double[][] {{0.94, 1200}, {0.96, 800}});
    EngineResult jvector = result("jvector", 30, 300, new double[][] {{0.99, 900}});
    Map<String, Object> v = Verdict.compute(List.of(aeon, lucene, jvector), 384);
    // aeon at 0.95: 3000 + (0.05 / 0.07) * (1800 - 3000); lucene at 0.95: 1000; jvector: 900.
    assertEquals(Verdict.round(3000 - 1200 * 5 / 7.0), v.get("aeon_qps_at_target"));
    assertEquals("lucene-hnsw-int8", v.get("best_baseline"));
    assertEquals(Boolean.TRUE, v.get("qps_met"));
    assertEquals(0.5, v.get("build_ratio_aeon_over_lucene"));
    assertEquals(Boolean.TRUE, v.get("build_met"));
    assertEquals(Verdict.round(400 / 384.0), v.get("aeon_bytes_per_vector_over_dim"));
    assertEquals(Boolean.TRUE, v.get("bytes_met"));
  }

  /** Round by round, each engine's curve is read with that round's QPS; the best baseline may change. */
  @Test
  void theRatioIsAlsoReadRoundByRound() {
    double[][] aeonPts = {{0.90, 3000}, {0.97, 1800}}, lucenePts = {{0.94, 1200}, {0.96, 800}};
    EngineResult aeon = result("aeon", 10, 400, aeonPts, new double[] {1, 0.5, 1.2});
    EngineResult lucene = result("lucene-hnsw-int8", 20, 500, lucenePts, new double[] {1, 0.5, 1});
    EngineResult jvector = result("jvector", 30, 300, new double[][] {{0.99, 900}}, new double[] {1, 1, 1});
    Map<String, Object> v = Verdict.compute(List.of(aeon, lucene, jvector), 384);
    double atTarget = 3000 - 1200 * 5 / 7.0; // Atlas at 0.95; Lucene reads 1,000 there, JVector 900
    assertEquals(List.of(Verdict.round(atTarget / 1000), Verdict.round(atTarget * 0.5 / 900),
        Verdict.round(atTarget * 1.2 / 1000)), v.get("qps_ratio_per_round"));
    assertEquals(Verdict.round(atTarget / 1000), v.get("qps_ratio_median_of_rounds"));
  }

  private static EngineResult result(String name, double buildS, double bytes, double[][] points) {
    return result(name, buildS, bytes, points, new double[] {1});
  }

  /** An engine whose every point measured {@code scales[r]} times its QPS in round {@code r}. */
  private static EngineResult result(String name, double buildS, double bytes, double[][] points, double[] scales) {
    List<QueryLoop.Measured> pts = new java.util.ArrayList<>();
    for (double[] p : points) {
      pts.add(new QueryLoop.Measured("p", p[0], p[1], p[1], 1, 2, 1));
    }
    List<double[]> rounds = pts.stream()
        .map(p -> java.util.Arrays.stream(scales).map(x -> x * p.cpuQps()).toArray()).toList();
    return new EngineResult(name, buildS, buildS, bytes, "", pts, rounds);
  }
}
