package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.SketchQuery;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The small pieces the search path relies on: the candidate floor and centroid codes. */
class ScoringPartsTest {

  @Test
  void floorAgreesWithAccepts() {
    Random r = new Random(7);
    TopK top = new TopK(5);
    for (int i = 0; i < 200; i++) {
      float s = (float) r.nextGaussian();
      assertEquals(top.accepts(s), s > top.floor(), "score " + s + " after " + i + " offers");
      top.offer(s, i);
    }
  }

  /** At least {@code top} values reach the threshold, every value above it counts, and few more than top reach it. */
  @Test
  void atLeastTopKeepsTheTopAndAFewMore() {
    Random r = new Random(5);
    for (int t = 0; t < 200; t++) {
      int n = 1 + r.nextInt(2_000), top = 1 + r.nextInt(200);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        v[i] = t % 4 == 0 ? r.nextInt(5) : (float) r.nextGaussian(); // ties, or none
      }
      float threshold = Descent.atLeastTop(v, n, top);
      float[] sorted = v.clone();
      java.util.Arrays.sort(sorted);
      int reach = 0;
      for (float x : v) {
        reach += x >= threshold ? 1 : 0;
      }
      assertTrue(reach >= Math.min(n, top), "trial " + t + ": " + reach + " of " + n + " reach, top " + top);
      if (n > top && t % 4 != 0) {
        assertTrue(threshold <= sorted[n - top], "trial " + t);
        assertTrue(reach <= top + n / 16, "trial " + t + ": " + reach + " reach for a top of " + top + " of " + n);
      }
    }
    assertEquals(1f, Descent.atLeastTop(new float[] {1f, 1f, 1f}, 3, 2), "equal values");
  }

  @Test
  void centroidCodesRankRowsAsTheirFloatsDo() {
    int dim = 40, rows = 7;
    Random r = new Random(3);
    float[] centroids = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(unit(AtlasIndexTest.randomVector(r, dim)), 0, centroids, i * dim, dim);
    }
    float[] center = AtlasIndexTest.randomVector(r, dim);
    for (int i = 0; i < dim; i++) {
      center[i] *= 0.05f;
    }
    Node.Children c = new Node.Children(new Object[rows], centroids, center);
    assertEquals(rows, c.codes().rows());
    for (int q = 0; q < 50; q++) {
      float[] query = unit(AtlasIndexTest.randomVector(r, dim));
      assertEquals(bestByFloats(centroids, rows, query), bestByCodes(c.codes(), rows, query), "query " + q);
    }
    for (int i = 0; i < rows; i++) {
      assertEquals(i, bestBySketches(c.codes(), c.row(i), center), "row " + i + " estimated against itself");
    }
    float[] moved = unit(AtlasIndexTest.randomVector(r, dim));
    c.setRow(2, moved);
    assertEquals(2, bestByCodes(c.codes(), rows, moved));
    assertEquals(2, bestBySketches(c.codes(), moved, center), "the sketch follows a rewritten row");
    assertEquals(Float.float16ToFloat(Float.floatToFloat16(moved[0])), c.centroids()[2 * dim], "kept at 16 bits");
  }

  private static int bestByCodes(CentroidCodes codes, int rows, float[] query) {
    byte[] qc = new byte[query.length];
    Int8Quantizer.quantize(query, qc);
    int[] dots = new int[codes.rows()];
    Kernels.best().bulkDotI8(MemorySegment.ofArray(qc), 0, codes.segment(), 0, query.length, codes.rows(), dots);
    int best = 0;
    for (int i = 1; i < rows; i++) {
      if (dots[i] * codes.scale(i) > dots[best] * codes.scale(best)) {
        best = i;
      }
    }
    return best;
  }

  private static int bestBySketches(CentroidCodes codes, float[] query, float[] center) {
    float[] estimates = new float[codes.rows()];
    Kernels.best().sketchScores(SketchQuery.of(query, center), codes.sketches(), 0, codes.sketchLayout(),
        codes.rows(), estimates);
    int best = 0;
    for (int i = 1; i < estimates.length; i++) {
      if (estimates[i] > estimates[best]) {
        best = i;
      }
    }
    return best;
  }

  private static int bestByFloats(float[] centroids, int rows, float[] query) {
    int dim = query.length, best = 0;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < rows; i++) {
      float s = 0;
      for (int j = 0; j < dim; j++) {
        s += centroids[i * dim + j] * query[j];
      }
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return best;
  }

  private static float[] unit(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
    return v;
  }
}
