package dev.aeon.index.atlas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aeon.index.kernel.Int8Quantizer;
import dev.aeon.index.kernel.Kernels;
import dev.aeon.index.kernel.SketchQuery;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The small pieces the search path relies on: the candidate lists, centroid codes and their sketches. */
class ScoringPartsTest {

  @Test
  void keepsTheBestKOfWhatIsOfferedBestFirst() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int round = 0; round < 300; round++) {
      int k = 1 + r.nextInt(40), n = r.nextInt(500);
      TopK top = new TopK(k);
      float[] offered = new float[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values, so that ties are common.
        offered[i] = r.nextBoolean() ? r.nextInt(20) : (float) r.nextGaussian();
        top.offer(offered[i], i);
      }
      float[] expected = offered.clone();
      java.util.Arrays.sort(expected);
      int m = Math.min(k, n);
      assertEquals(m, top.size(), "seed " + seed);
      float[] scores = new float[m];
      long[] payloads = new long[m];
      assertEquals(m, top.drainDescending(scores, payloads), "seed " + seed);
      java.util.Set<Long> seen = new java.util.HashSet<>();
      for (int i = 0; i < m; i++) {
        assertEquals(expected[n - 1 - i], scores[i], "seed " + seed + ", rank " + i);
        assertEquals(offered[(int) payloads[i]], scores[i], "seed " + seed + ": payload kept with its score");
        assertTrue(seen.add(payloads[i]), "seed " + seed + ": payload returned twice");
      }
      assertEquals(0, top.size(), "seed " + seed + ": drained");
    }
  }

  @Test
  void centroidCodesRankRowsAsTheirFloatsDo() {
    int dim = 40, rows = 7;
    Random r = new Random(3);
    float[] centroids = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(unit(AtlasIndexTest.randomVector(r, dim)), 0, centroids, i * dim, dim);
    }
    Node.Children c = new Node.Children(new Object[rows], centroids);
    assertEquals(rows, c.codes().rows());
    for (int q = 0; q < 50; q++) {
      float[] query = unit(AtlasIndexTest.randomVector(r, dim));
      assertEquals(bestByFloats(centroids, rows, query), bestByCodes(c.codes(), rows, query), "query " + q);
    }
    float[] moved = unit(AtlasIndexTest.randomVector(r, dim));
    c.setRow(2, moved, new InsertScratch(dim));
    assertEquals(2, bestByCodes(c.codes(), rows, moved));
    assertEquals(Float.float16ToFloat(Float.floatToFloat16(moved[0])), c.centroids()[2 * dim], "kept at 16 bits");
  }

  /**
   * Each row's sketch, taken around the rows' own mean, estimates the row itself best or second best of
   * all rows (best for nine in ten); the estimates are close to the exact dot products, also for queries
   * far from the rows' mean (the term for the center is the query's own); and a row rewritten in place
   * is estimated as its new value. Rows offset from zero, as real centroids are.
   */
  @Test
  void centroidSketchesEstimateTheRows() {
    int dim = 128, rows = 40;
    Random r = new Random(11);
    float[] offset = AtlasIndexTest.randomVector(r, dim);
    float[] centroids = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      float[] row = AtlasIndexTest.randomVector(r, dim);
      for (int d = 0; d < dim; d++) {
        row[d] = 0.5f * row[d] + 2 * offset[d];
      }
      System.arraycopy(unit(row), 0, centroids, i * dim, dim);
    }
    Node.Children c = new Node.Children(new Object[rows], centroids);
    int first = 0;
    for (int i = 0; i < rows; i++) {
      float[] e = estimates(c.codes(), c.row(i));
      int above = 0;
      for (int j = 0; j < rows; j++) {
        above += e[j] > e[i] ? 1 : 0;
      }
      // An estimate, not a score: a row may come second (the descent scores twice what it keeps).
      assertTrue(above <= 1, "row " + i + ": " + above + " rows estimated above it");
      first += above == 0 ? 1 : 0;
    }
    assertTrue(first >= 0.9 * rows, first + " of " + rows + " rows estimated best against themselves");
    double error = 0;
    for (int q = 0; q < 20; q++) {
      float[] query = unit(AtlasIndexTest.randomVector(r, dim));
      float[] e = estimates(c.codes(), query);
      for (int i = 0; i < rows; i++) {
        float exact = 0;
        for (int d = 0; d < dim; d++) {
          exact += query[d] * c.row(i)[d];
        }
        error += Math.abs(e[i] - exact) / (20.0 * rows);
      }
    }
    assertTrue(error < 0.05, "mean estimate error " + error);
    float[] moved = c.row(7);
    c.setRow(2, moved, new InsertScratch(dim));
    float[] e = estimates(c.codes(), moved);
    assertEquals(e[7], e[2], 1e-4f, "row 2 rewritten as row 7");
  }

  private static float[] estimates(CentroidCodes codes, float[] query) {
    float[] out = new float[codes.sketchStride()];
    codes.estimate(Kernels.best(), query, SketchQuery.of(query, new float[query.length]), out);
    return out;
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
